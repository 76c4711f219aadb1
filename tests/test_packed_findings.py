"""Findings sent back by ``--jobs`` workers travel as columns and arrive unchanged."""

from __future__ import annotations

import pickle

from conftest import SEEDS

from cnfix import repair_text, scan_text
from cnfix.app.packing import PackedFindings, UnpackedFindings


def test_findings_arrive_as_they_left() -> None:
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    result = repair_text(text)
    for findings in (list(result.applied), list(result.remaining), scan_text(text), []):
        arrived = pickle.loads(pickle.dumps(PackedFindings(findings)))
        assert isinstance(arrived, UnpackedFindings)
        assert len(arrived) == len(findings)
        assert list(arrived) == findings and arrived == findings
        if findings:
            assert arrived[0] == findings[0] and arrived[-1] == findings[-1]
    assert any(f.fix is None for f in scan_text(text))  # report-only findings travel too


def test_findings_count_by_rule_without_being_built() -> None:
    """The inline diff's header counts a worker's fixes per rule from the columns, in
    the order each rule first appears, as counting the built findings does."""
    from cnfix.report.text import count_by_rule

    text = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    applied = list(repair_text(text).applied)
    arrived = pickle.loads(pickle.dumps(PackedFindings(applied)))
    counted = count_by_rule(arrived)
    assert arrived._columns is not None  # not built
    assert list(counted.items()) == list(count_by_rule(applied).items())
    assert list(count_by_rule(arrived).items()) == list(counted.items())
    list(arrived)
    assert list(count_by_rule(arrived).items()) == list(counted.items())
