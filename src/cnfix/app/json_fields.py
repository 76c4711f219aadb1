"""A string field of a JSON record, located in its line and written back in its style.

The record is never re-serialised: the field's string literal is located in the line
by the scanner ``json`` itself uses (``locate_string``), and a repaired value is
written as a literal of the style the old one had (``encode_string``), so every other
byte of the line stays as it was (``cnfix.app.jsonl``).
"""

from __future__ import annotations

import json
import json.decoder
import re
from collections.abc import Callable

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# The scanner ``json`` itself uses (C code), public but not in the type stubs:
# scanstring(s, index after the opening quote) -> (value, index after the closing quote);
# scan_once(s, index of a value) -> (value, index after it), StopIteration if none.
scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_scan_once: Callable[[str, int], tuple[object, int]] = json.decoder.JSONDecoder().scan_once  # type: ignore[attr-defined]


class FieldPathError(ValueError):
    """A ``--field`` value that is not a usable path."""


def parse_field_path(spec: str) -> tuple[str, ...]:
    """``meta.body`` → ``("meta", "body")``; a number selects an array element.

    >>> parse_field_path("meta.body"), parse_field_path("turns.0.text")
    (('meta', 'body'), ('turns', '0', 'text'))
    """
    parts = tuple(spec.split("."))
    if not spec or any(not part for part in parts):
        raise FieldPathError(f"invalid field path {spec!r}: use names joined by '.'")
    return parts


class _NotFound(Exception):
    """The path leads nowhere in this record."""


def _skip_ws(line: str, index: int) -> int:
    if line[index : index + 1] not in _SPACES:  # most places: no whitespace to skip
        return index
    return _WHITESPACE.match(line, index).end()  # type: ignore[union-attr]


_SPACES = frozenset(" \t\n\r")


def _expect(line: str, index: int, char: str) -> None:
    if line[index : index + 1] != char:
        raise ValueError(f"expected {char!r} at column {index + 1}")


Found = tuple[int, int, object]


def _find_value(line: str, index: int, path: tuple[str, ...]) -> tuple[Found, int]:
    """Where the value at ``path`` starts and ends, and the value, for the value that
    starts at ``index``; and where that outer value ends.

    Every member of each object on the way is scanned (a later duplicate key wins,
    as in ``json.loads``), so malformed JSON on the path raises ValueError, and a
    record whose field is found has been scanned whole.
    """
    key, rest = path[0], path[1:]
    opener = line[index : index + 1]
    found: Found | None = None
    if opener == "{":
        index = _skip_ws(line, index + 1)
        if line[index : index + 1] == "}":
            raise _NotFound
        while True:
            member = _PLAIN_KEY.match(line, index)  # most keys: no escape, one match
            if member is not None:
                name, index = member.group(1), member.end()
            else:
                _expect(line, index, '"')
                name, index = scanstring(line, index + 1)
                index = _skip_ws(line, index)
                _expect(line, index, ":")
                index = _skip_ws(line, index + 1)
            start = index
            value, index = _scan_value(line, index)
            if name == key:
                found = start, index, value
            comma = _COMMA.match(line, index)
            if comma is not None:
                index = comma.end()
                continue
            index = _skip_ws(line, index)
            _expect(line, index, "}")
            break
    elif opener == "[" and key.isdigit():
        wanted, position = int(key), 0
        index = _skip_ws(line, index + 1)
        if line[index : index + 1] == "]":
            raise _NotFound
        while True:
            start = index
            value, index = _scan_value(line, index)
            if position == wanted:
                found = start, index, value
            comma = _COMMA.match(line, index)
            if comma is not None:
                index, position = comma.end(), position + 1
                continue
            index = _skip_ws(line, index)
            _expect(line, index, "]")
            break
    else:
        _scan_value(line, index)
        raise _NotFound
    if found is None:
        raise _NotFound
    if rest:
        found = _find_value(line, found[0], rest)[0]
    return found, index + 1  # after the closing bracket


# A member's key without escapes and the colon after it, white space around; and the
# comma between members. Anything else is scanned step by step, as ``json`` reports it.
_PLAIN_KEY = re.compile(r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
_COMMA = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")


def _scan_value(line: str, index: int) -> tuple[object, int]:
    try:
        return _scan_once(line, index)
    except StopIteration:
        raise ValueError(f"expected a JSON value at column {index + 1}") from None


def locate_string(line: str, path: tuple[str, ...]) -> tuple[int, int, str] | None:
    """The span of the string literal at ``path`` in the JSON object ``line``
    (quotes included) and its decoded value; None when the record has no such field.

    Raises ValueError for a line that is not valid JSON, TypeError when the field is
    not a string.

    >>> locate_string('{"id": 1, "meta": {"body": "a\\\\u4e2d"}}', ("meta", "body"))
    (27, 36, 'a中')
    """
    start = _skip_ws(line, 1 if line.startswith("\ufeff") else 0)  # a BOM on the first line
    _expect(line, start, "{")
    try:
        (value_at, value_end, value), end = _find_value(line, start, path)
    except _NotFound:
        _check_complete(line, start)
        return None
    _check_ends(line, end)  # the record was scanned whole by the search
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value_at, value_end, value


def _check_complete(line: str, start: int) -> None:
    _, end = _scan_value(line, start)
    _check_ends(line, end)


def _check_ends(line: str, end: int) -> None:
    """Nothing but whitespace after the record, which ends at ``end``."""
    if _skip_ws(line, end) != len(line):
        raise ValueError(f"extra data after the record at column {end + 1}")


def encode_string(value: str, like: str) -> str:
    """``value`` as a JSON string literal in the style of the literal ``like``: ASCII
    with ``\\uXXXX`` escapes if ``like`` is ASCII-only, else UTF-8 characters.

    >>> encode_string("中，文", '"\\\\u4e2d"'), encode_string("中，文", '"中"')
    ('"\\\\u4e2d\\\\uff0c\\\\u6587"', '"中，文"')
    """
    literal = json.dumps(value, ensure_ascii=like.isascii())
    try:
        literal.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from \\ud800 escapes: keep them escaped
        literal = json.dumps(value, ensure_ascii=True)
    return literal
