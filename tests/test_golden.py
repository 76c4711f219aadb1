"""Golden fixtures: fixtures/<rule>/<case>.in.* → .out.* and .findings.txt snapshots.

Every case checks repair(in) == out, repair(out) == out (idempotence) and that the
repaired text has no fixable finding left; a case without an .out file must stay
byte-identical. fixtures/negative/ runs all rules and must produce no finding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES

from cnfix.engine import check_document, repair_document
from cnfix.io.decode import decode_bytes
from cnfix.model import Applicability, Document, Settings
from cnfix.report.text import LineIndex, format_location_line
from cnfix.rules import RULES, select_rules
from cnfix.text.kinds import kind_for_name

NEGATIVE = "negative"


def _cases() -> list[Path]:
    return sorted(FIXTURES.glob("*/*.in.*"))


def _sibling(case: Path, part: str) -> Path:
    stem, _, suffix = case.name.partition(".in.")
    return case.with_name(f"{stem}.{part}.{suffix}")


def _options(case: Path) -> tuple[Settings, bool]:
    stem = case.name.partition(".in.")[0]
    path = case.with_name(f"{stem}.settings.json")
    if not path.exists():
        return Settings(), False
    options = json.loads(path.read_text(encoding="utf-8"))
    unsafe = bool(options.pop("unsafe_fixes", False))
    return Settings(**options), unsafe


def _read(path: Path) -> str:
    """UTF-8 text exactly as stored (no newline translation)."""
    return path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("case", _cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_case(case: Path, update_golden: bool) -> None:
    rule = case.parent.name
    rules = select_rules(None if rule == NEGATIVE else [rule])
    settings, unsafe = _options(case)
    decoded = decode_bytes(case.read_bytes())
    doc = decoded.document(kind=kind_for_name(case.name.replace(".in.", ".")), settings=settings)
    findings = check_document(doc, rules)
    result = repair_document(doc, rules, unsafe_fixes=unsafe)
    index = LineIndex(doc.text)
    snapshot = "".join(format_location_line(doc.text, f, index) + "\n" for f in findings)
    out_path = _sibling(case, "out")
    findings_path = case.with_name(case.name.partition(".in.")[0] + ".findings.txt")

    if rule == NEGATIVE:
        assert findings == [], snapshot
        assert result.text == doc.text
        return
    if update_golden:
        findings_path.write_bytes(snapshot.encode("utf-8"))
        if result.text != doc.text or decoded.encoding != "utf-8" or decoded.bom:
            out_path.write_bytes(result.text.encode("utf-8"))
        elif out_path.exists():
            out_path.unlink()
    expected = _read(out_path) if out_path.exists() else doc.text
    assert result.text == expected
    assert _read(findings_path) == snapshot
    repaired = Document(expected, kind=doc.kind, settings=settings)
    assert repair_document(repaired, rules, unsafe_fixes=unsafe).text == expected, (
        "repair is not idempotent"
    )
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
    leftover = [
        f for f in check_document(repaired, rules) if f.fix and f.fix.applicability in allowed
    ]
    assert not leftover, "repaired text still has applicable fixes"


def test_every_rule_has_fixtures() -> None:
    missing = [rule.name for rule in RULES if not any((FIXTURES / rule.name).glob("*.in.*"))]
    assert not missing, f"rules without golden fixtures: {missing}"


def test_no_orphan_fixture_folders() -> None:
    names = {rule.name for rule in RULES} | {NEGATIVE, "prose"}  # prose: per file format
    orphans = [p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name not in names]
    assert not orphans, f"fixture folders for unregistered rules: {orphans}"
