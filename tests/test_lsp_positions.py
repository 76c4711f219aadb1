"""Offsets to LSP positions and back: lines break at LF, CRLF and CR only, columns count
code units of the agreed encoding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnfix.lsp.positions import LineIndex

TEXT = "第一行\r\n𠀀第二行\r第三\x0c行\u2028仍是第三行\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-16", [(0, 0), (1, 0), (1, 2), (2, 0), (2, 2)]),
        ("utf-8", [(0, 0), (1, 0), (1, 4), (2, 0), (2, 6)]),
        ("utf-32", [(0, 0), (1, 0), (1, 1), (2, 0), (2, 2)]),
    ],
)
def test_positions(encoding: str, expected: list[tuple[int, int]]) -> None:
    index = LineIndex(TEXT, encoding)
    offsets = [0, 5, 6, 10, 12]  # 第一行 | 𠀀 | 第二行 | 第三 | the form feed
    assert [index.position(offset) for offset in offsets] == expected
    assert [index.offset(*position) for position in expected] == offsets


def test_past_the_end_of_a_line_is_its_end() -> None:
    index = LineIndex("ab\r\ncd")
    assert index.offset(0, 99) == 2
    assert index.offset(7, 0) == 6


@given(st.text(alphabet=st.sampled_from("a中𠀀\r\n\x0c\u2028"), max_size=30), st.data())
def test_offsets_round_trip(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    if text[offset - 1 : offset + 1] == "\r\n":
        offset -= 1  # inside a CRLF pair there is no position
    for encoding in ("utf-8", "utf-16", "utf-32"):
        index = LineIndex(text, encoding)
        assert index.offset(*index.position(offset)) == offset
