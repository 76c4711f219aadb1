"""The inline diff of a line too long to compare character by character (issue 21:
1 MB of ``中,`` did not finish in 300 s): bounded in time and in what it prints."""

from __future__ import annotations

from collections.abc import Callable

#: A piece of an inline diff line: kind is "same", "delete", "insert" or "elided".
Segment = tuple[str, str]
#: Above this many characters on either side, the changed middle of a line (what lies
#: between its common start and end) is not compared character by character (time
#: quadratic in its length) but shown as one deletion and one insertion, each cut to
#: ``INLINE_SHOWN`` characters.
INLINE_COMPARED = 4000
INLINE_SHOWN = 200


def long_line_segments(
    old: str, new: str, context: int, compare: Callable[[str, str, int], list[Segment]]
) -> list[Segment]:
    """``inline_segments`` of a very long line, in time linear in its length: the common
    start and end kept (elided), the middle compared (by ``compare``) only when short
    enough, else shown as one deletion and one insertion cut to ``INLINE_SHOWN``."""
    head = _common_length(old, new)
    room = min(len(old), len(new)) - head
    tail = _common_length(old[::-1][:room], new[::-1][:room])
    old_middle, new_middle = old[head : len(old) - tail], new[head : len(new) - tail]
    if max(len(old_middle), len(new_middle)) <= INLINE_COMPARED:
        middle = compare(old_middle, new_middle, context)
    else:
        middle = []
        for kind, text in (("delete", old_middle), ("insert", new_middle)):
            if len(text) > INLINE_SHOWN:
                text = text[:INLINE_SHOWN] + f"… ({len(text) - INLINE_SHOWN} more)"
            if text:
                middle.append((kind, text))
    segments: list[Segment] = []
    if head:
        segments.append(("elided", "…") if head > context else ("same", old[:head]))
        if head > context:
            segments.append(("same", old[head - context : head]))
    segments.extend(middle)
    if tail:
        segments.append(("same", old[len(old) - tail : len(old) - tail + context]))
        if tail > context:
            segments.append(("elided", "…"))
    return segments


def _common_length(first: str, second: str) -> int:
    """The length of the common start of two strings (by halving: a few slices)."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[low:middle] == second[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low
