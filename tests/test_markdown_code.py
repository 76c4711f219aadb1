"""Code in Markdown (fenced, indented, inline, HTML) and in HTML is not prose: the
punctuation rules leave it alone, while the prose around it is still checked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnfix import repair_text, scan_text
from cnfix.text.prose import ADDRESS_RE, _address_end, address_spans
from cnfix.text.regions import Regions

PUNCTUATION = ["stray-comma", "halfwidth-punctuation"]
CODE = "会议指出,,要抓实学习教育,。"
PROSE_DAMAGED, PROSE_FIXED = "正文,,说明,。", "正文，说明。"


def _check(text: str, kind: str) -> None:
    """Only the prose line is reported and repaired; every code line stays."""
    findings = scan_text(text, select=PUNCTUATION, kind=kind)
    assert findings
    prose_start = text.index(PROSE_DAMAGED)
    prose_end = prose_start + len(PROSE_DAMAGED)
    assert all(prose_start <= f.start < prose_end for f in findings), findings
    repaired = repair_text(text, select=PUNCTUATION, kind=kind).text
    assert repaired == text.replace(PROSE_DAMAGED, PROSE_FIXED)


@pytest.mark.parametrize(
    "block",
    [
        f"```\n{CODE}\n```",
        f"```python\nprint('{CODE}')\n```",
        f"~~~\n{CODE}\n~~~",
        f"````md\n```\n{CODE}\n```\n````",
        f"    {CODE}\n    {CODE}",
        f"\t{CODE}",
        f"<pre>\n{CODE}\n</pre>",
        f"<code>{CODE}</code>",
    ],
    ids=["fence", "fence-lang", "tilde", "nested-fence", "indented", "tab", "pre", "code"],
)
def test_markdown_code_blocks_are_left_alone(block: str) -> None:
    _check(f"{PROSE_DAMAGED}\n\n{block}\n\n结尾。\n", "markdown")


def test_markdown_inline_code_is_left_alone() -> None:
    _check(f"{PROSE_DAMAGED}运行 `{CODE}` 与 ``a,,b`` 即可。\n", "markdown")


def test_indented_list_continuation_is_prose() -> None:
    """Four spaces after a list item continue the item: that is prose, not code."""
    text = f"- 第一项\n\n    {PROSE_DAMAGED}\n"
    assert scan_text(text, select=PUNCTUATION, kind="markdown")


def test_indented_line_continuing_a_paragraph_is_prose() -> None:
    text = f"第一行\n    {PROSE_DAMAGED}\n"
    assert scan_text(text, select=PUNCTUATION, kind="markdown")


@pytest.mark.parametrize("tag", ["pre", "code", "script", "style", "kbd", "samp"])
def test_html_code_elements_are_left_alone(tag: str) -> None:
    _check(f'<p>{PROSE_DAMAGED}</p>\n<{tag} class="x">{CODE}</{tag}>\n', "markup")


def test_code_fences_in_plain_text_are_prose() -> None:
    """Only Markdown has code fences; in a .txt file the backticks are just text."""
    assert scan_text(f"```\n{CODE}\n```\n", select=PUNCTUATION, kind="text")


ADDRESS_PIECES = [
    "https://example.com/a?b=1",
    "ftp://x",
    "www.example.org/路径",
    "user.name@example.com",
    "a@b",
    "@",
    "://",
    "www.",
    "中文",
    "，",
    " ",
    "\n",
    "\r\n",
    "abc",
    "(",
    '"',
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(ADDRESS_PIECES), max_size=30).map("".join))
def test_address_spans_match_the_full_pattern_over_the_whole_text(text: str) -> None:
    """Running the address pattern only on lines with an anchor finds the same spans."""
    spans = [(m.start(), _address_end(text, *m.span())) for m in ADDRESS_RE.finditer(text)]
    assert address_spans(text) == [(start, end) for start, end in spans if end > start]


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), max_size=6),
    st.lists(st.integers(0, 70), max_size=30),
)
def test_uncovered_keeps_the_positions_no_span_covers(
    spans: list[tuple[int, int]], positions: list[int]
) -> None:
    regions = Regions([(start, start + length) for start, length in spans])
    positions.sort()
    assert regions.uncovered(positions) == [
        index for index, position in enumerate(positions) if not regions.covers(position)
    ]
