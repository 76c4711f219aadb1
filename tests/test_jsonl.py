"""JSON Lines: the named field is repaired, every other byte of the record is kept."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS
from hypothesis import given
from hypothesis import strategies as st

from cnfix import repair_text
from cnfix.app.json_fields import FieldPathError, encode_string, locate_string, parse_field_path
from cnfix.app.jsonl import process_line, run_blocks
from cnfix.app.runner import RunOptions
from cnfix.cli import cli
from cnfix.rules import RULES

DAMAGED = "会议指出,,要抓实学习教育,。湖北省腫瘤醫(yī)院"
REPAIR = RunOptions(rules=RULES, repair=True)
SCAN = RunOptions(rules=RULES)


def test_field_paths() -> None:
    assert parse_field_path("text") == ("text",)
    assert parse_field_path("meta.body") == ("meta", "body")
    for bad in ("", ".text", "meta..body", "text."):
        with pytest.raises(FieldPathError):
            parse_field_path(bad)


@pytest.mark.parametrize(
    ("line", "path", "value"),
    [
        ('{"text": "中文"}', ("text",), "中文"),
        ('  { "a" : 1 , "text" :"x\\"y" }  ', ("text",), 'x"y'),
        ('{"meta": {"body": "深"}, "text": "浅"}', ("meta", "body"), "深"),
        ('{"turns": [{"text": "一"}, {"text": "二"}]}', ("turns", "1", "text"), "二"),
        ('{"te\\u0078t": "escaped key"}', ("text",), "escaped key"),
        ('{"text": "first", "text": "last"}', ("text",), "last"),  # as json.loads
    ],
)
def test_locate_string(line: str, path: tuple[str, ...], value: str) -> None:
    start, end, found = locate_string(line, path)
    assert found == value
    assert json.loads(line[start:end]) == value


@pytest.mark.parametrize(
    "line", ['{"text": "a"', '{"text": "a"} x', "[1, 2]", '{"text" "a"}', "not json", '{"a":}']
)
def test_invalid_records_raise(line: str) -> None:
    with pytest.raises(ValueError):
        locate_string(line, ("text",))


def test_a_byte_order_mark_before_the_first_record_is_kept() -> None:
    raw = "\ufeff".encode() + json.dumps({"text": DAMAGED}, ensure_ascii=False).encode() + b"\n"
    outcome = process_line(1, raw, ("text",), REPAIR)
    assert outcome.changed and outcome.line.startswith("\ufeff".encode())
    assert json.loads(outcome.line.decode("utf-8-sig"))["text"] == repair_text(DAMAGED).text


def test_missing_and_non_string_fields() -> None:
    assert locate_string('{"id": 1}', ("text",)) is None
    assert locate_string('{"meta": 3}', ("meta", "body")) is None
    assert locate_string('{"turns": []}', ("turns", "0")) is None
    with pytest.raises(TypeError):
        locate_string('{"text": 5}', ("text",))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@given(
    other=st.dictionaries(st.text(max_size=6), json_values, max_size=4),
    text=st.text(max_size=30),
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, ", ", ",  "]),
)
def test_locate_agrees_with_json_loads(
    other: dict, text: str, ascii_only: bool, indent: str | None
) -> None:
    record = {**other, "text": text}
    separators = None if indent is None else (indent, ": ")
    line = json.dumps(record, ensure_ascii=ascii_only, separators=separators)
    located = locate_string(line, ("text",))
    assert located is not None
    start, end, value = located
    assert value == json.loads(line)["text"] == text
    assert json.loads(line[start:end]) == text


def _scanned_again(line: str, path: tuple[str, ...]) -> tuple[int, int, str] | None:
    """``locate_string`` as it was: the search, then the whole record scanned again by
    ``json``'s own scanner for what follows it."""
    from json.decoder import JSONDecoder

    try:
        located = locate_string(line, path)
    except ValueError as error:
        if "extra data" not in str(error):
            raise
    start = len(line) - len(line.lstrip(" \t\n\r"))
    _, end = JSONDecoder().scan_once(line, start)
    if line[end:].strip(" \t\n\r"):
        raise ValueError(f"extra data after the record at column {end + 1}")
    return located


@given(
    record=st.dictionaries(st.text(max_size=4), json_values, max_size=3),
    text=st.text(max_size=8),
    tail=st.sampled_from(["", " ", "\t ", " x", "}", ',"a":1}', " {}", "]"]),
    cut=st.integers(0, 60),
    nested=st.booleans(),
)
def test_the_found_record_ends_where_json_scans_it_to(
    record: dict, text: str, tail: str, cut: int, nested: bool
) -> None:
    """A record whose field is found was scanned whole by the search: where it ends,
    and the error for what follows it, are those of scanning it again (as it did),
    for valid records, records with something after them and records cut short."""
    path = ("meta", "text") if nested else ("text",)
    body = {"meta": {**record, "text": text}} if nested else {**record, "text": text}
    line = json.dumps(body, ensure_ascii=False) + tail
    for candidate in (line, line[:cut] + line[cut + 1 :]):
        try:
            expected: object = _scanned_again(candidate, path)
        except (ValueError, TypeError, StopIteration) as error:
            expected = (type(error), str(error))
        try:
            found: object = locate_string(candidate, path)
        except (ValueError, TypeError) as error:
            found = (type(error), str(error))
        if isinstance(expected, tuple) and expected[0] is StopIteration:
            assert isinstance(found, tuple) and found[0] is ValueError
        else:
            assert found == expected


def _stepwise(line: str, path: tuple[str, ...]) -> tuple[int, int, str] | None:
    """``locate_string`` as it was before keys and commas were matched by patterns:
    every key, colon, comma and bracket taken one step at a time, the field scanned
    again once found."""
    from json.decoder import JSONDecoder, scanstring

    scan = JSONDecoder().scan_once

    def skip(index: int) -> int:
        while line[index : index + 1] in (" ", "\t", "\n", "\r"):
            index += 1
        return index

    def expect(index: int, char: str) -> None:
        if line[index : index + 1] != char:
            raise ValueError(f"expected {char!r} at column {index + 1}")

    def value_end(index: int) -> int:
        try:
            return scan(line, index)[1]
        except StopIteration:
            raise ValueError(f"expected a JSON value at column {index + 1}") from None

    def find(index: int, path: tuple[str, ...]) -> tuple[int, int]:
        if not path:
            return index, -1
        key, found = path[0], None
        opener, closer = line[index : index + 1], "}"
        if opener == "[" and key.isdigit():
            closer = "]"
        elif opener != "{":
            value_end(index)
            raise LookupError
        index, position = skip(index + 1), 0
        if line[index : index + 1] == closer:
            raise LookupError
        while True:
            if closer == "}":
                expect(index, '"')
                name, index = scanstring(line, index + 1)
                index = skip(index)
                expect(index, ":")
                index = skip(index + 1)
                if name == key:
                    found = index
            elif position == int(key):
                found = index
            index = skip(value_end(index))
            if line[index : index + 1] == ",":
                index, position = skip(index + 1), position + 1
                continue
            expect(index, closer)
            break
        if found is None:
            raise LookupError
        return find(found, path[1:])[0], index + 1

    def ends(end: int) -> None:
        if skip(end) != len(line):
            raise ValueError(f"extra data after the record at column {end + 1}")

    start = skip(1 if line.startswith("\ufeff") else 0)
    expect(start, "{")
    try:
        value_at, end = find(start, path)
    except LookupError:
        ends(value_end(start))
        return None
    ends(end)
    if line[value_at : value_at + 1] != '"':
        raise TypeError("not a string")
    value, end = scanstring(line, value_at + 1)
    return value_at, end, value


_spaces = st.sampled_from(["", " ", "\t", " \r\n "])


@given(
    record=st.dictionaries(st.text(max_size=4), json_values, max_size=3),
    text=st.text(max_size=8) | st.integers(),
    spaces=st.lists(_spaces, min_size=4, max_size=4),
    escaped=st.booleans(),
    cut=st.integers(0, 60),
    nested=st.sampled_from(["", "meta", "turns"]),
)
def test_locate_string_agrees_with_the_stepwise_scan(
    record: dict, text: object, spaces: list[str], escaped: bool, cut: int, nested: str
) -> None:
    """Keys and commas matched by patterns, the field's value taken from the search:
    the span, value and error of every record are those of the scan one step at a time
    (white space anywhere, escaped keys, fields that are not strings, lines cut short)."""
    path: tuple[str, ...] = ("text",)
    body: object = {**record, "text": text}
    if nested == "meta":
        path, body = ("meta", "text"), {"id": 1, "meta": body}
    elif nested == "turns":
        path, body = ("turns", "1", "text"), {"turns": [{}, body, 3]}
    comma, colon, before, after = spaces
    line = json.dumps(
        body, ensure_ascii=escaped, separators=(comma + "," + comma, colon + ":" + colon)
    )
    if escaped:
        line = line.replace('"text"', '"te\\u0078t"', 1)
    line = before + line + after
    for candidate in (line, line[:cut] + line[cut + 1 :]):
        try:
            expected: object = _stepwise(candidate, path)
        except (ValueError, TypeError) as error:
            expected = (type(error), str(error))
        try:
            found: object = locate_string(candidate, path)
        except (ValueError, TypeError) as error:
            found = (type(error), str(error))
        assert found == expected


def test_encode_string_keeps_the_literal_style() -> None:
    assert encode_string("中，", '"中"') == '"中，"'
    assert encode_string("中，", '"\\u4e2d"') == '"\\u4e2d\\uff0c"'
    assert encode_string("\ud800，", '"中"') == '"\\ud800\\uff0c"'  # a lone surrogate


def test_repair_splices_only_the_field() -> None:
    line = (
        '{"id": 7,  "score": 1.50, "big": 1e400, "url": "http:\\/\\/x.cn", '
        f'"text": "{DAMAGED}", "tail": [1,2]}}\r\n'
    )
    raw = line.encode("utf-8")
    outcome = process_line(3, raw, ("text",), REPAIR)
    assert outcome.changed and outcome.error is None
    expected_text = repair_text(DAMAGED).text
    prefix, suffix = line.split(DAMAGED)
    assert outcome.line == (prefix + expected_text + suffix).encode("utf-8")
    assert outcome.original == raw
    assert outcome.text == DAMAGED and outcome.repaired == expected_text


def test_ascii_escaped_records_stay_ascii() -> None:
    line = json.dumps({"text": DAMAGED, "n": 1}, ensure_ascii=True)
    outcome = process_line(1, line.encode() + b"\n", ("text",), REPAIR)
    assert outcome.line.isascii()
    assert json.loads(outcome.line) == {"text": repair_text(DAMAGED).text, "n": 1}


def test_nested_field() -> None:
    line = json.dumps({"text": DAMAGED, "meta": {"body": DAMAGED}}, ensure_ascii=False)
    outcome = process_line(1, line.encode(), ("meta", "body"), REPAIR)
    record = json.loads(outcome.line)
    assert record["meta"]["body"] == repair_text(DAMAGED).text
    assert record["text"] == DAMAGED  # other fields untouched, even the damaged ones


def test_unchanged_records_are_byte_identical() -> None:
    line = b'{"text": "\\u4e2d\\u6587\\/\\u6b63\\u5e38\\u3002", "x": 1.0}\n'
    outcome = process_line(1, line, ("text",), REPAIR)
    assert outcome.line == line and not outcome.changed


def test_lines_that_are_not_records_pass_through() -> None:
    cases = {
        b"\n": "blank",
        b"not json\n": "invalid",
        b'{"text": "\xff"}\n': "invalid",
        b'{"id": 1}\n': "missing",
        b'{"text": null}\n': "not-string",
    }
    for raw, state in cases.items():
        outcome = process_line(1, raw, ("text",), REPAIR)
        assert (outcome.line, outcome.state) == (raw, state)
        assert (outcome.error is not None) == (state == "invalid")


def _records(texts: list[str]) -> bytes:
    lines = [
        json.dumps({"id": i, "text": t, "meta": {"src": "x"}}, ensure_ascii=i % 2 == 0)
        for i, t in enumerate(texts)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _seed_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]


def test_run_blocks_streams_every_line_in_order() -> None:
    data = _records(_seed_texts()) + b"\n" + b"garbage\n"
    blocks = list(run_blocks(io.BytesIO(data), ("text",), REPAIR))
    assert sum(block.lines for block in blocks) == len(data.splitlines())
    records = [record for block in blocks for record in block.records]
    assert [r.number for r in records if r.changed] == [1, 2, 3, 4, 5]
    assert records[-1].state == "invalid"
    output = b"".join(block.data for block in blocks).splitlines()
    for line, text in zip(output, _seed_texts(), strict=False):
        assert json.loads(line)["text"] == repair_text(text).text


def test_cli_repair_to_file_and_stdout(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(_records([DAMAGED, "干净的文本。", DAMAGED]))
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["repair", "--jsonl", "--field", "text", str(source), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().splitlines()
    assert [json.loads(line)["text"] for line in lines] == [
        repair_text(DAMAGED).text,
        "干净的文本。",
        repair_text(DAMAGED).text,
    ]
    assert lines[1] == source.read_bytes().splitlines()[1]
    piped = runner.invoke(cli, ["repair", "--jsonl", str(source), "-o", "-"])
    assert piped.stdout_bytes == out.read_bytes()


def test_cli_scan_reports_by_record(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(_records(["干净的文本。", DAMAGED]))
    result = CliRunner().invoke(cli, ["scan", "--jsonl", str(source)])
    assert result.exit_code == 1
    assert f"{source}:2:text:1:5: P001 stray-comma" in result.output
    assert f"{source}:1:" not in result.output
    as_json = CliRunner().invoke(cli, ["scan", "--jsonl", "--format", "json", str(source)])
    records = json.loads(as_json.stdout)
    assert {(r["record"], r["field"]) for r in records} == {(2, "text")}


def test_cli_repair_in_place_and_check(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(_records([DAMAGED]))
    runner = CliRunner()
    check = runner.invoke(cli, ["repair", "--jsonl", "--check", str(source)])
    assert check.exit_code == 1
    assert "1:text: " in check.output
    done = runner.invoke(cli, ["repair", "--jsonl", "-w", str(source)])
    assert done.exit_code == 0, done.output
    assert json.loads(source.read_bytes())["text"] == repair_text(DAMAGED).text
    again = runner.invoke(cli, ["repair", "--jsonl", "--check", str(source)])
    assert again.exit_code == 0
