"""Golden fixtures per file format: fixtures/prose/<format>/<case>.in.<ext> → .out.<ext>.

Each input holds the same damage (``,,``, ``,。``, flattened commas) in prose and in
what is not prose: code at every CommonMark nesting, link targets with parentheses,
HTML tags and attributes, front matter, math, templates, metadata, redirect lines,
JSON keys, program text. Every case checks that repair(in) == out, that the repair
is idempotent, and, independently of the expected file, that every character outside
prose is byte-identical: the protected spans of the input appear whole and in order
in the output, and the text between them is all that changed. Program text (``code``)
is never changed. (JSON Lines with a Markdown field: ``tests/test_prose.py``, through the
CLI's ``--field-kind``.) ``--update-golden`` rewrites the .out files (review them in git diff).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES

from cnfix import repair_text
from cnfix.text.kinds import kind_for_name
from cnfix.text.prose import protected_spans
from cnfix.text.regions import Regions

PROSE_FIXTURES = FIXTURES / "prose"


def _real_name(case: Path) -> str:
    """The file name a case stands for: ``a.in.md`` → ``a.md``, ``install.in`` → ``install``."""
    return case.name.removesuffix(".in").replace(".in.", ".")


def _expected_path(case: Path) -> Path:
    if case.name.endswith(".in"):
        return case.with_name(case.name.removesuffix(".in") + ".out")
    return case.with_name(case.name.replace(".in.", ".out."))


def protected_pieces(text: str, kind: str) -> list[str]:
    """The non-prose parts of ``text``, merged, in order."""
    regions = Regions(protected_spans(text, kind))
    return [text[start:end] for start, end in regions.spans()]


def assert_only_prose_changed(before: str, after: str, kind: str) -> None:
    """Every protected piece of ``before`` is in ``after``, whole and in order, and the
    pieces at both ends stay at both ends."""
    pieces = protected_pieces(before, kind)
    pattern = ".*?".join(re.escape(piece) for piece in pieces)
    if pieces and before.startswith(pieces[0]):
        pattern = r"\A" + pattern
    if pieces and before.endswith(pieces[-1]):
        pattern += r"\Z"
    assert re.search(pattern, after, re.S), "a protected span changed"


CASES = [
    path
    for path in sorted(PROSE_FIXTURES.glob("*/*"))
    if (path.name.endswith(".in") or ".in." in path.name) and path.parent.name != "jsonl"
]


def test_every_format_has_fixtures() -> None:
    formats = {path.parent.name for path in CASES}
    assert {"markdown", "html", "redirects", "json", "yaml", "text", "code"} <= formats
    suffixes = {Path(_real_name(path)).suffix for path in CASES if path.parent.name == "code"}
    assert {".py", ".js", ".c", ".java", ".go", ".sh"} <= suffixes


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_prose_golden(case: Path, update_golden: bool) -> None:
    text = case.read_bytes().decode("utf-8")
    kind = kind_for_name(_real_name(case), text)
    result = repair_text(text, kind=kind)
    expected_path = _expected_path(case)
    if update_golden:
        expected_path.write_bytes(result.text.encode("utf-8"))
    expected = expected_path.read_bytes().decode("utf-8")
    assert result.text == expected
    assert repair_text(expected, kind=kind).text == expected, "repair is not idempotent"
    assert_only_prose_changed(text, result.text, kind)
    if kind == "code":
        assert result.text == text
    else:
        assert result.text != text, "the damage in prose was not repaired"
