"""What is not prose in Markdown, and the one importer of markdown-it-py.

A real CommonMark parser gives the block structure (regular expressions miss code nested
in list items and block quotes, and indented lines that continue a list item); only the
blocks are parsed (its tokens carry line maps, not character offsets), and the inline
syntax within the lines of each block is found here by one forward scan. markdown-it-py
is pure Python with no I/O: a text service like ``re``.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from cnfix.text.chars import lazy_compile
from cnfix.text.markup import ENTITY_RE, markup_at, markup_spans

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

Span = tuple[int, int]

#: Token types whose lines hold inline text (paragraphs, headings, table cells).
_INLINE = "inline"
#: Token types whose lines are code: never prose.
_CODE = frozenset({"fence", "code_block"})
_HTML = "html_block"


#: A leaf block: what its lines hold (``inline``: text with inline syntax, ``code`` or
#: ``html``) and its lines ``[first, end)``, 0-based. A plain tuple: a NamedTuple class
#: costs a millisecond and a half of every start-up.
Block = tuple[str, int, int]


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # on first use: a clean text never needs it

    # CommonMark plus GFM tables: a table row's cells are inline text, its delimiter
    # row is syntax (CommonMark alone would call the whole table a paragraph). Inline
    # parsing is off: only the block structure is used, and it was half the time.
    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


def blocks(text: str) -> list[Block]:
    """The leaf blocks of ``text`` that hold inline text, code or HTML, in source order.

    Lines in no block are syntax or blank: thematic breaks, table delimiter rows,
    link reference definitions (the parser consumes those without a token).
    Lines are counted as markdown-it counts them: ``\\r\\n``, ``\\r`` and ``\\n`` each end one.
    """
    found: list[Block] = []
    for token in _parser().parse(text):
        if token.map is None:
            continue
        if token.type == _INLINE:
            kind = "inline"
        elif token.type in _CODE:
            kind = "code"
        elif token.type == _HTML:
            kind = "html"
        else:
            continue
        first, end = token.map
        if found and found[-1] == (kind, first, end):  # the cells of one table row
            continue
        found.append((kind, first, end))
    return found


_LINE_BREAK_RE = lazy_compile(r"\r\n|\r|\n")
LINE_RE = lazy_compile(r"^[^\n]*", re.M)
_FRONT_MATTER_RE = lazy_compile(
    r"\A(?:---[ \t]*(?:\r\n|\r|\n)(?:.*?(?:\r\n|\r|\n))??(?:---|\.\.\.)"
    r"|\+\+\+[ \t]*(?:\r\n|\r|\n)(?:.*?(?:\r\n|\r|\n))??\+\+\+)[ \t]*(?=\r\n|\r|\n|\Z)",
    re.S,
)
_INLINE_SIGNAL_RE = lazy_compile(r"[\\`<\]$&]")
_BACKTICKS_RE = lazy_compile(r"`+")
_AUTOLINK_RE = lazy_compile(
    r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)>"
)
_INLINE_MATH_CLOSE_RE = lazy_compile(r"(?<![\s\\])\$(?!\d)")
_TITLE_CLOSE = {'"': '"', "'": "'", "(": ")"}


def _skip_space(text: str, index: int, end: int) -> int:
    while index < end and text[index] in " \t\r\n":
        index += 1
    return index


#: Parentheses a link destination may nest (markdown-it's limit): also what keeps the
#: scan of ``](](](…`` linear.
MAX_DESTINATION_NESTING = 32
#: Characters of a raw link destination that need no decision: skipped as a run. A
#: ``]`` ends the scan (no link): a destination never holds one in practice, and
#: ``](](…`` would otherwise be scanned again from every ``](``.
_DESTINATION_RUN_RE = lazy_compile(r"[^\s()\]\\\x00-\x1f]+")


def _link_tail_end(text: str, index: int, end: int, unclosed: set[object]) -> int | None:
    """Where the ``(destination "title")`` opening at ``text[index]`` ends, or None when
    it is not one (CommonMark: a raw destination may hold balanced parentheses). A title
    quote found never closed is remembered in ``unclosed`` and not looked for again."""
    position = _skip_space(text, index + 1, end)
    if position < end and text[position] == "<":
        close = text.find(">", position, end)
        if close < 0 or "\n" in text[position:close]:
            return None
        position = close + 1
    else:
        depth = 0
        while position < end:
            run = _DESTINATION_RUN_RE.match(text, position, end)
            if run is not None:
                position = run.end()
                continue
            char = text[position]
            if char == "\\":
                position += 2
                continue
            if char == "]":
                return None
            if char.isspace() or char < " ":
                break
            if char == "(":
                depth += 1
                if depth > MAX_DESTINATION_NESTING:
                    return None
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            position += 1
        if depth:
            return None
    position = _skip_space(text, position, end)
    if position < end and text[position] in _TITLE_CLOSE:
        closer = _TITLE_CLOSE[text[position]]
        if ("title", closer) in unclosed:
            return None
        position += 1
        while position < end and text[position] != closer:
            position += 2 if text[position] == "\\" else 1
        if position >= end:
            unclosed.add(("title", closer))
            return None
        position = _skip_space(text, position + 1, end)
    if position < end and text[position] == ")":
        return position + 1
    return None


class _InlineScan:
    """Inline Markdown syntax in the lines of one block: code spans, autolinks, raw
    HTML, link destinations and titles, reference labels, math and entities.

    Openers known to have no closer in the block are remembered, so that a block with
    many of them is still scanned in one pass."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.end = text, end
        self.position = start
        self.spans: list[Span] = []
        self.unclosed: set[object] = set()

    def run(self) -> list[Span]:
        text, end = self.text, self.end
        handlers: dict[str, Callable[[int], int]] = {
            "\\": lambda index: index + 2,
            "`": self._code_span,
            "<": self._angle,
            "]": self._link_tail,
            "$": self._math,
            "&": self._entity,
        }
        while (signal := _INLINE_SIGNAL_RE.search(text, self.position, end)) is not None:
            self.position = handlers[signal[0]](signal.start())
        return self.spans

    def _close(self, key: object, found: int, start: int, length: int) -> int:
        """Protect ``[start, found + length)`` when a closer was found; else remember."""
        if found < 0:
            self.unclosed.add(key)
            return start + 1
        self.spans.append((start, found + length))
        return found + length

    def _code_span(self, index: int) -> int:
        run = _BACKTICKS_RE.match(self.text, index, self.end)
        assert run is not None
        length = len(run[0])
        if length in self.unclosed:
            return run.end()
        closer = re.compile(rf"(?<!`)`{{{length}}}(?!`)").search(self.text, run.end(), self.end)
        if closer is None:
            self.unclosed.add(length)
            return run.end()
        self.spans.append((index, closer.end()))
        return closer.end()

    def _angle(self, index: int) -> int:
        autolink = _AUTOLINK_RE.match(self.text, index, self.end)
        if autolink is not None:
            self.spans.append(autolink.span())
            return autolink.end()
        found = markup_at(self.text, index, self.end)
        if found is None:
            return index + 1
        self.spans.extend(found[0])
        return found[1]

    def _link_tail(self, index: int) -> int:
        following = self.text[index + 1 : index + 2]
        if following == "(":
            tail = _link_tail_end(self.text, index + 1, self.end, self.unclosed)
            if tail is not None:
                self.spans.append((index + 1, tail))
                return tail
        elif following == "[":  # [text][label]: the label names a definition
            close = self.text.find("]", index + 2, self.end)
            if close >= 0:
                self.spans.append((index + 1, close + 1))
                return close + 1
        return index + 1

    def _math(self, index: int) -> int:
        text = self.text
        if text.startswith("$$", index):
            if "$$" in self.unclosed:
                return index + 2
            return self._close("$$", text.find("$$", index + 2, self.end), index, 2)
        if index + 1 >= self.end or text[index + 1].isspace() or "$" in self.unclosed:
            return index + 1
        closer = _INLINE_MATH_CLOSE_RE.search(text, index + 2, self.end)
        return self._close("$", -1 if closer is None else closer.start(), index, 1)

    def _entity(self, index: int) -> int:
        entity = ENTITY_RE.match(self.text, index, self.end)
        if entity is None:
            return index + 1
        self.spans.append(entity.span())
        return entity.end()


def front_matter_end(text: str) -> int:
    """The end of a leading YAML (``---``) or TOML (``+++``) front matter block, or 0."""
    if not text.startswith(("---", "+++")):
        return 0
    match = _FRONT_MATTER_RE.match(text)
    return 0 if match is None else match.end()


#: A fence opening at the margin (not in a list item or a block quote).
_MARGIN_FENCE_RE = lazy_compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.M)
#: A code span on one line: whole runs of backticks of one length at both ends.
_ONE_LINE_CODE_RE = lazy_compile(r"(?<!`)(`+)(?!`)[^`\n]+?(?<!`)\1(?!`)")
_SURE_SIGNAL_RE = lazy_compile(r"\]\(|<")
#: How far the scan without the parser looks for the end of an element or comment.
_SURE_ELEMENT_CHARS = 2000


def _margin_fence_spans(text: str) -> list[Span]:
    """Fenced code blocks that open at the margin, opening line to closing line (or to
    the end, as CommonMark has it when the fence is never closed). One forward scan."""
    spans: list[Span] = []
    position = 0
    while (opening := _MARGIN_FENCE_RE.search(text, position)) is not None:
        fence = opening[1]
        if fence[0] == "`" and "`" in opening[2]:
            position = opening.end() + 1
            continue
        closing = re.compile(
            rf"^ {{0,3}}{re.escape(fence)}{re.escape(fence[0])}*[ \t]*$", re.M
        ).search(text, opening.end() + 1)
        end = closing.end() if closing is not None else len(text)
        spans.append((opening.start(), end))
        position = end + 1
    return spans


def markdown_sure_spans(text: str) -> list[Span]:
    """Spans of Markdown that are not prose and that a forward scan finds without the
    parser: front matter, fences at the margin, one-line code spans, link targets and
    HTML tags. Most texts' candidate damage that is no damage sits in these, so the
    parser runs only for the rest (``cnfix.text.regions``)."""
    spans = [(0, end)] if (end := front_matter_end(text)) else []
    spans.extend(_margin_fence_spans(text))
    code = [match.span() for match in _ONE_LINE_CODE_RE.finditer(text)]
    spans.extend(code)
    code_starts = [start for start, _ in code]
    unclosed: set[object] = set()
    for signal in _SURE_SIGNAL_RE.finditer(text):
        index = signal.start()
        before = bisect.bisect_right(code_starts, index) - 1
        if before >= 0 and index < code[before][1]:
            continue  # `<script setup>` in a code span is no element
        if signal[0] == "<":
            limit = min(len(text), index + _SURE_ELEMENT_CHARS)
            found = markup_at(text, index, limit, unclosed_to_end=False)
            if found is not None:
                spans.extend(found[0])
        elif (tail := _link_tail_end(text, index + 1, len(text), unclosed)) is not None:
            spans.append((index + 1, tail))
    return spans


def markdown_spans(text: str) -> list[Span]:
    """Markdown: front matter, code blocks (fenced and indented, at any nesting), lines
    in no block (reference definitions, thematic breaks, table delimiter rows), HTML
    blocks less their text, and the inline syntax of paragraphs, headings and cells."""
    spans: list[Span] = []
    body = front_matter_end(text)
    line_starts = [0]
    line_starts.extend(match.end() for match in _LINE_BREAK_RE.finditer(text))
    source = text
    if body:
        spans.append((0, body))
        skipped = len(_LINE_BREAK_RE.findall(text, 0, body))
        source = "\n" * skipped + text[body:]  # the same line numbers, no front matter
    covered = 0
    for kind, first, last in blocks(source):
        start = line_starts[first]
        end = line_starts[last] if last < len(line_starts) else len(text)
        if start > covered:
            spans.extend(_syntax_lines(text, covered, start))
        covered = max(covered, end)
        if kind == "code":
            spans.append((start, end))
        elif kind == "html":
            spans.extend(markup_spans(text, start, end))
        else:
            spans.extend(_InlineScan(text, start, end).run())
    if covered < len(text):
        spans.extend(_syntax_lines(text, covered, len(text)))
    return spans


def _syntax_lines(text: str, start: int, end: int) -> list[Span]:
    """The lines between blocks that are not blank (reference definitions, thematic
    breaks, table delimiter rows): syntax. Blank lines stay layout, which is prose's."""
    return [
        line.span()
        for line in LINE_RE.finditer(text, start, end)
        if line.start() < end and line[0].strip()
    ]
