"""Parts of a document that are not prose and that punctuation rules must leave alone."""

from __future__ import annotations

import bisect
import functools
import re

from cnfix.model import Document
from cnfix.text.chars import URL_OR_EMAIL_RE

FENCE_OPEN_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.M)
# A code span opens and closes with a whole run of backticks of the same length
# (CommonMark). Anchoring both ends to whole runs also keeps the scan linear: tried
# from inside a long run of backticks, the unanchored pattern backtracked cubically.
INLINE_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)[^`\n]+?(?<!`)\1(?!`)")
MARKDOWN_LINK_TARGET_RE = re.compile(r"\]\([^()\s]*\)")
#: HTML elements whose content is code or verbatim text (in Markdown and in markup).
HTML_CODE_OPEN_RE = re.compile(r"<(code|pre|kbd|samp|tt|script|style)\b[^>]*>", re.I)


@functools.lru_cache(maxsize=32)
def _closing(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I | re.M)


def fenced_code_spans(text: str) -> list[tuple[int, int]]:
    """Markdown fenced code blocks, from the opening fence line to the closing one.

    As in CommonMark, a fence that is never closed runs to the end of the document,
    and the info string of a backtick fence holds no backtick. One forward scan: an
    unclosed fence ends the search instead of being retried from every later line
    (the single-regex version was quadratic in the number of unclosed fences).
    """
    spans: list[tuple[int, int]] = []
    position = 0
    while (opening := FENCE_OPEN_RE.search(text, position)) is not None:
        fence = opening[1]
        if fence[0] == "`" and "`" in opening[2]:
            position = opening.end() + 1
            continue
        closing = _closing(rf"^ {{0,3}}{re.escape(fence)}{re.escape(fence[0])}*[ \t]*$").search(
            text, opening.end() + 1
        )
        end = closing.end() if closing is not None else len(text)
        spans.append((opening.start(), end))
        position = end + 1
    return spans


def html_code_spans(text: str) -> list[tuple[int, int]]:
    """``<code> <pre> <kbd> <samp> <tt> <script> <style>`` elements, open tag to close tag.

    Linear: once an element has no closing tag after some point, later opening tags
    of the same name are not searched again (an unclosed ``<code>`` repeated many
    times made the single-regex version quadratic).
    """
    spans: list[tuple[int, int]] = []
    unclosed: set[str] = set()
    position = 0
    while (opening := HTML_CODE_OPEN_RE.search(text, position)) is not None:
        name = opening[1].lower()
        position = opening.end()
        if name in unclosed:
            continue
        closing = _closing(rf"</{name}\s*>").search(text, opening.end())
        if closing is None:
            unclosed.add(name)
            continue
        spans.append((opening.start(), closing.end()))
        position = closing.end()
    return spans


LIST_ITEM_RE = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]")


def indented_code_spans(text: str) -> list[tuple[int, int]]:
    """Markdown indented code blocks: lines indented by four spaces or a tab after a
    blank line, unless they continue a list item (then they are the item's prose)."""
    if "\n    " not in text and "\n\t" not in text and not text.startswith(("    ", "\t")):
        return []
    spans: list[tuple[int, int]] = []
    offset = 0
    blank_before = True  # the start of the document counts as a blank line
    in_list = False
    block: tuple[int, int] | None = None
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        indented = line.startswith(("    ", "\t"))
        if block is not None:
            if indented or not stripped:
                if stripped:
                    block = (block[0], offset + len(line.rstrip("\r\n")))
            else:
                spans.append(block)
                block = None
        if block is None and indented and stripped and blank_before and not in_list:
            block = (offset, offset + len(line.rstrip("\r\n")))
        if stripped and not indented:
            in_list = bool(LIST_ITEM_RE.match(line)) or (in_list and not blank_before)
        blank_before = not stripped
        offset += len(line)
    if block is not None:
        spans.append(block)
    return spans


class Regions:
    """Sorted, non-overlapping ``[start, end)`` spans with a fast membership test."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def __bool__(self) -> bool:
        return bool(self.starts)

    def covers(self, position: int) -> bool:
        """True when ``position`` lies inside one of the spans."""
        index = bisect.bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]

    def uncovered(self, positions: list[int]) -> list[int]:
        """Indexes into the sorted ``positions`` of those no span covers: two bisections
        per span instead of one per position (a damaged text has thousands)."""
        kept: list[int] = []
        low = 0
        for start, end in zip(self.starts, self.ends, strict=True):
            first = bisect.bisect_left(positions, start, low)
            kept.extend(range(low, first))
            low = max(first, bisect.bisect_left(positions, end, first))
        kept.extend(range(low, len(positions)))
        return kept


#: Every URL or e-mail address holds one of these, and none of them spans a line.
_ADDRESS_ANCHOR_RE = re.compile(r"://|www\.|@")


def address_spans(text: str) -> list[tuple[int, int]]:
    """URLs and e-mail addresses. The full pattern has no literal prefix and costs a pass
    over every character, so it runs only on the lines that hold an anchor."""
    spans: list[tuple[int, int]] = []
    line_end = -1
    for anchor in _ADDRESS_ANCHOR_RE.finditer(text):
        if anchor.start() < line_end:
            continue
        line_start = text.rfind("\n", 0, anchor.start()) + 1
        line_end = text.find("\n", anchor.end())
        if line_end < 0:
            line_end = len(text)
        spans.extend(match.span() for match in URL_OR_EMAIL_RE.finditer(text, line_start, line_end))
    return spans


@functools.lru_cache(maxsize=8)
def _protected(text: str, kind: str) -> Regions:
    spans = address_spans(text)
    if kind == "markdown":
        spans.extend(fenced_code_spans(text))
        for pattern in (INLINE_CODE_RE, MARKDOWN_LINK_TARGET_RE):
            spans.extend(match.span() for match in pattern.finditer(text))
        spans.extend(indented_code_spans(text))
    if kind in ("markdown", "markup") and "<" in text:
        spans.extend(html_code_spans(text))
    return Regions(spans)


def protected_regions(doc: Document) -> Regions:
    """URLs, e-mail addresses; in Markdown, code (fenced, indented, inline) and link
    targets; in Markdown and HTML/XML, ``<code> <pre> <kbd> <samp> <script> <style>``."""
    return _protected(doc.text, doc.kind)
