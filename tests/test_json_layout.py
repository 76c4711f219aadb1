"""JSON written without ``json.dump(indent=2)``'s Python encoder keeps its exact bytes."""

from __future__ import annotations

import io
import json

from conftest import SEEDS
from hypothesis import given
from hypothesis import strategies as st

from cnfix import scan_text
from cnfix.report.text import JsonLayout, json_records, locate_all, write_json, write_json_records

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4) | st.integers(), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(_VALUES)
def test_layout_is_json_dumps_indent_2(value: object) -> None:
    stream = io.StringIO()
    write_json(value, stream)
    assert stream.getvalue() == json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    assert JsonLayout().indented(value, "\n") == json.dumps(value, ensure_ascii=False, indent=2)


def test_finding_records_are_the_dicts_json_would_write() -> None:
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        text = path.read_text(encoding="utf-8")
        findings = scan_text(text)
        fields = {"path": "p", "record": 3, "field": "text"}
        expected = [
            fields
            | {
                "path": path.name,
                "line": item.line,
                "column": item.column,
                "end_line": item.end_line,
                "end_column": item.end_column,
                "rule": item.finding.rule,
                "code": item.finding.code,
                "message": item.finding.message,
                "fixable": item.finding.fixable,
                "fix": None
                if item.finding.fix is None
                else {
                    "title": item.finding.fix.title,
                    "applicability": item.finding.fix.applicability.value,
                },
            }
            for item in locate_all(text, findings)
        ]
        stream = io.StringIO()
        write_json_records(json_records(path.name, text, findings, fields=fields), stream)
        assert stream.getvalue() == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    stream = io.StringIO()
    write_json_records([], stream)
    assert stream.getvalue() == "[]\n"
