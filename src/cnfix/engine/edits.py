"""Edits: applying the sorted edits of many fixes, and ranking the fixes whose edits
conflict (pure functions of offsets; no findings are built here)."""

from __future__ import annotations

import bisect

from cnfix.model import Finding


class _TakenSpans:
    """Edit ranges already taken, kept sorted, with an O(log n) conflict test.

    Two edits conflict when their ranges intersect or both insert at one point. The
    taken ranges never conflict with each other, so sorted by start their ends never
    decrease: only the last range starting before ``end`` can reach past ``start``.
    (A linear scan over every taken range made a file with many findings quadratic.)
    """

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def conflicts(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.spans, (end, end))
        if index and self.spans[index - 1][1] > start:
            return True
        return start == end and index < len(self.spans) and self.spans[index] == (start, end)

    def add(self, start: int, end: int) -> None:
        bisect.insort(self.spans, (start, end))


def _contested(edits: list[tuple[int, int, int, str]]) -> set[int]:
    """Owners (indexes of findings) of the edits in a cluster of conflicting edits.

    ``edits`` are ``(start, end, owner, replacement)``, sorted. An edit conflicts with an
    earlier one when it starts before the furthest end so far or inserts where the
    previous edit inserts; such chains form the clusters. A finding outside every
    cluster conflicts with nothing and is always taken, so only the (usually few)
    contested findings need ranking."""
    contested: set[int] = set()
    cluster: list[int] = []
    furthest = -1
    previous = (-1, -1)
    for start, end, owner, _ in edits:
        if start < furthest or (start == end and (start, end) == previous):
            cluster.append(owner)
        else:
            if len(cluster) > 1:
                contested.update(cluster)
            cluster = [owner]
        furthest = max(furthest, end)
        previous = (start, end)
    if len(cluster) > 1:
        contested.update(cluster)
    return contested


def _without_conflicts(findings: list[Finding], order: dict[str, int]) -> set[int]:
    """Indexes of the findings whose edits do not conflict with those of a finding
    ranked earlier (earlier rule in the registry, then earlier position)."""
    ranked = sorted(
        range(len(findings)),
        key=lambda i: (order[findings[i].rule], findings[i].start, findings[i].end),
    )
    taken = _TakenSpans()
    chosen: set[int] = set()
    for index in ranked:
        spans = [(edit.start, edit.end) for edit in findings[index].fix.edits]  # type: ignore[union-attr]
        if any(taken.conflicts(start, end) for start, end in spans):
            continue
        for start, end in spans:
            taken.add(start, end)
        chosen.add(index)
    return chosen


def rewrite(
    text: str, edits: list[tuple[int, int, int, str]], *, strict: bool = True
) -> str | None:
    """``text`` with the sorted ``edits`` made; None, when ``strict``, if two of them
    conflict (one starts before the previous one ends, or both insert at one point).
    Not strict, edits of one finding may overlap each other (a rule's mistake; ranking
    checks a finding's edits against those taken, not against each other)."""
    pieces: list[str] = []
    cursor = 0
    inserted_at = -1
    for start, end, _, replacement in edits:
        if strict and (start < cursor or start == end == inserted_at):
            return None
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        inserted_at = start if start == end else -1
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
