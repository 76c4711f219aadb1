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
