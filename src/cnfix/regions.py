"""Parts of a document that are not prose and that punctuation rules must leave alone."""

from __future__ import annotations

import bisect
import functools
import re

from cnfix.chars import URL_OR_EMAIL_RE
from cnfix.model import Document

FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?$.*?^ {0,3}\1[`~]*[ \t]*$", re.M | re.S)
INLINE_CODE_RE = re.compile(r"(`+)[^`\n]+?\1")
MARKDOWN_LINK_TARGET_RE = re.compile(r"\]\([^()\s]*\)")


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


@functools.lru_cache(maxsize=8)
def _protected(text: str, kind: str) -> Regions:
    spans = [match.span() for match in URL_OR_EMAIL_RE.finditer(text)]
    if kind == "markdown":
        for pattern in (FENCE_RE, INLINE_CODE_RE, MARKDOWN_LINK_TARGET_RE):
            spans.extend(match.span() for match in pattern.finditer(text))
    return Regions(spans)


def protected_regions(doc: Document) -> Regions:
    """URLs, e-mail addresses and, in Markdown, code blocks, inline code and link targets."""
    return _protected(doc.text, doc.kind)
