"""The parts of a document that are not prose, as sorted spans with fast tests.

``cnfix.text.prose`` says what is prose in each kind of document; this module keeps
the answer for a text (computed once, and only when a rule or the engine asks: a
clean text never pays for the Markdown parser) and answers "is this position or
this edit outside prose?".
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate, islice, repeat
from operator import gt, itemgetter
from typing import Any

from cnfix.model import Document


def unchanged_ends(old: str, new: str) -> tuple[int, int]:
    """How many characters ``old`` and ``new`` share at their start, and then at their
    end (not counting those already shared at the start).

    >>> unchanged_ends("会议指出,,要", "会议指出，要")
    (4, 1)
    """
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, suffix


class Regions:
    """Sorted, non-overlapping ``[start, end)`` spans with a fast membership test."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if start >= end:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def __bool__(self) -> bool:
        return bool(self.starts)

    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self.starts, self.ends, strict=True))

    def covers(self, position: int) -> bool:
        """True when ``position`` lies inside one of the spans."""
        index = bisect.bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]

    def contains(self, start: int, end: int) -> bool:
        """True when one span holds all of ``[start, end)`` (spans never touch each
        other: touching ones were merged)."""
        index = bisect.bisect_right(self.starts, start) - 1
        return index >= 0 and end <= self.ends[index]

    def touches(self, start: int, end: int) -> bool:
        """True when the edit of ``[start, end)`` would change a protected character:
        it replaces one, or inserts strictly inside a span (inserting at a span's
        edge leaves the span as it is)."""
        index = bisect.bisect_right(self.starts, start) - 1
        if index >= 0 and start < self.ends[index] and (end > start or start > self.starts[index]):
            return True
        following = index + 1
        return following < len(self.starts) and self.starts[following] < end

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans that overlap ``[start, end)``, in order."""
        index = max(bisect.bisect_right(self.starts, start) - 1, 0)
        found: list[tuple[int, int]] = []
        while index < len(self.starts) and self.starts[index] < end:
            if self.ends[index] > start:
                found.append((self.starts[index], self.ends[index]))
            index += 1
        return found

    def keeps(self, text: str, start: int, end: int, replacement: str) -> bool:
        """Whether replacing ``text[start:end]`` leaves every protected character as
        it is: the characters it really changes (less what the replacement has in
        common at both ends) lie outside the spans, or the spans it covers reappear,
        whole and in order, in the replacement (a mojibake line repaired around a
        link that it holds)."""
        if not self.touches(start, end):
            return True
        prefix, suffix = unchanged_ends(text[start:end], replacement)
        start, end = start + prefix, end - suffix
        replacement = replacement[prefix : len(replacement) - suffix]
        if not self.touches(start, end):
            return True
        cursor = 0
        for span_start, span_end in self.within(start, end):
            if span_start < start or span_end > end:
                return False
            found = replacement.find(text[span_start:span_end], cursor)
            if found < 0:
                return False
            cursor = found + span_end - span_start
        return start < end

    def uncovered(self, positions: list[int]) -> list[int]:
        """Indexes into the sorted ``positions`` of those no span covers: two bisections
        per span, in C, instead of one per position (a damaged text has thousands; most
        spans cover none of them)."""
        firsts = map(bisect.bisect_left, repeat(positions), self.starts)
        afters = map(bisect.bisect_left, repeat(positions), self.ends)
        kept: list[int] = []
        low = 0
        for first, after in zip(firsts, afters, strict=True):
            if first < after:  # the span covers positions[first:after]
                kept.extend(range(low, first))
                low = after
        kept.extend(range(low, len(positions)))
        return kept

    def shifted(self, edits: Sequence[tuple[Any, ...]]) -> Regions:
        """The same spans in the text after ``edits`` (sorted tuples ``(start, end, …,
        replacement)``, none touching a span) moved the characters before them."""
        if not edits or not self.starts:  # no span to move (most records, most texts)
            return self
        # A span moves with every edit before the first one that reaches past its start:
        # the edits sorted by start end in that order, unless they overlap (a rule's
        # mistake: then the furthest end so far stands for each).
        ends = list(map(itemgetter(1), edits))
        starts = list(map(itemgetter(0), edits))
        sizes = list(map(len, map(itemgetter(-1), edits)))
        reach = ends
        if any(map(gt, ends, islice(ends, 1, None))):
            reach = list(accumulate(ends, max))
        # The shift is summed over the edits between one span and the next, by columns
        # (a damaged text has tens of thousands of edits, and a few spans).
        moved = []
        shift = counted = 0
        for start, end in zip(self.starts, self.ends, strict=True):
            before = bisect.bisect_right(reach, start)
            if before > counted:
                shift += (
                    sum(sizes[counted:before])
                    - sum(ends[counted:before])
                    + sum(starts[counted:before])
                )
                counted = before
            moved.append((start + shift, end + shift))
        return Regions(moved)


class PartlyKnownRegions:
    """Protected regions known in part: the spans found without a parser (``sure``),
    and the whole answer worked out only when a question needs it.

    A position the sure spans cover is protected, whatever the rest says; only for
    the others is the whole answer (which includes the sure spans) asked for. In a
    clean Markdown text, the things that look like damage and are not sit in code
    fences, code spans, links and tags: the sure spans, so the parser never runs.
    """

    def __init__(self, sure: list[tuple[int, int]], rest: Callable[[], list[tuple[int, int]]]):
        self.sure = Regions(sure)
        self._sure_spans = sure
        self._rest = rest
        self._whole: Regions | None = None

    def whole(self) -> Regions:
        if self._whole is None:
            self._whole = Regions([*self._sure_spans, *self._rest()])
        return self._whole

    def __bool__(self) -> bool:
        return bool(self.sure) or bool(self.whole())

    def covers(self, position: int) -> bool:
        return self.sure.covers(position) or self.whole().covers(position)

    def uncovered(self, positions: list[int]) -> list[int]:
        left = self.sure.uncovered(positions)
        if not left:
            return left
        kept = self.whole().uncovered([positions[index] for index in left])
        return [left[index] for index in kept]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.whole(), name)  # edits and spans: the whole answer


@functools.lru_cache(maxsize=8)
def _protected(text: str, kind: str) -> Regions | PartlyKnownRegions:
    # Imported on first use: a run over clean text never loads the format scanners.
    from cnfix.text.prose import protected_spans

    if kind != "markdown":
        return Regions(protected_spans(text, kind))
    return PartlyKnownRegions(
        protected_spans(text, kind, sure_only=True), lambda: protected_spans(text, kind)
    )


def protected_regions(doc: Document) -> Regions | PartlyKnownRegions:
    """The spans of ``doc`` that are not prose (``cnfix.text.prose``): the ones the
    engine computed for it (moved along with a repair's edits), else computed now."""
    known = doc.protected
    if isinstance(known, Regions):
        return known
    return _protected(doc.text, doc.kind)


def not_checked_for_damage(doc: Document) -> Regions | PartlyKnownRegions:
    """Where the damage rules (mojibake, lost bytes) do not look: what is not prose,
    but program text is looked at as plain text, so that damage in its strings and
    comments is reported (the engine keeps it from being fixed)."""
    if doc.kind == "code":
        return _protected(doc.text, "text")
    return protected_regions(doc)
