"""Every reading of a text, overlaps settled: clear Chinese readings first, then ftfy's."""

from __future__ import annotations

import bisect

from cnfix.rules.mojibake.han_swap import _han_swap_spans
from cnfix.rules.mojibake.han_utf8 import _han_utf8_spans
from cnfix.rules.mojibake.latin import _HIGH_1252, FTFY_HINT_RE, _ftfy_spans, _latin_spans
from cnfix.rules.mojibake.scoring import Candidate, Span, _is_clear_win
from cnfix.text.charmodel import (
    text_cost,
)
from cnfix.text.chars import lazy_compile

# ---------------------------------------------------------------------------
# The rule
# ---------------------------------------------------------------------------

LATIN_HINT_RE = lazy_compile(f"[\u0080-\u00ff{_HIGH_1252}]")


def _rank(span: tuple[int, int, str, Candidate | None]) -> int:
    candidate = span[3]
    if candidate is None:
        return 0
    if candidate.vouched:
        return 1
    return 0 if _is_clear_win(span[2], candidate) else 2


def _all_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    if LATIN_HINT_RE.search(text):
        spans.extend(_latin_spans(text))
    spans.extend(_han_utf8_spans(text))
    spans.extend(_han_swap_spans(text))
    if FTFY_HINT_RE.search(text):
        spans = _settle_with_ftfy(text, spans)
    # Where readings overlap: a clear Chinese reading first, then ftfy's, then the
    # one that saves most.
    spans.sort(key=lambda s: (_rank(s), -(s[3].gain if s[3] else 0), s[0]))
    # The spans chosen so far never overlap: kept sorted by start (their ends are then
    # sorted too), a new one is tested against its one neighbour by bisection, not
    # against every span chosen (quadratic in a file of garble).
    chosen: list[Span] = []
    starts: list[int] = []
    ends: list[int] = []
    for span in spans:
        before = bisect.bisect_left(starts, span[1]) - 1  # the last start before its end
        if before >= 0 and ends[before] > span[0] and starts[before] < span[1]:
            continue
        place = bisect.bisect_right(starts, span[0])
        starts.insert(place, span[0])
        ends.insert(place, span[1])
        chosen.insert(place, span)
    chosen.sort(key=lambda s: (s[0], s[1]))
    return chosen


def _settle_with_ftfy(text: str, spans: list[Span]) -> list[Span]:
    """Add ftfy's line repairs; where one overlaps Chinese readings, keep whichever
    makes the line more plausible: GBK bytes read as Latin-1 become Chinese (ftfy
    would leave them or make them Cyrillic), Russian mojibake becomes Russian."""
    result = list(spans)
    for ftfy_span in _ftfy_spans(text):
        start, end, _, candidate = ftfy_span
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        rivals = [s for s in result if s[0] < end and start < s[1] and not _vouched(s)]
        if not rivals:
            result.append(ftfy_span)
            continue
        line = text[line_start:line_end]
        ftfy_line = line[: start - line_start] + candidate.text + line[end - line_start :]
        chinese_line = line
        # From the right, each place read once (rivals may overlap one another; their
        # candidates are not ordered, so they are never compared).
        applied_from = line_end
        for rival in sorted(rivals, key=lambda s: (s[0], s[1]), reverse=True):
            if rival[3] is not None and rival[1] <= applied_from:
                a, b = rival[0] - line_start, rival[1] - line_start
                chinese_line = chinese_line[:a] + rival[3].text + chinese_line[b:]
                applied_from = rival[0]
        if text_cost(ftfy_line) < text_cost(chinese_line):
            result = [s for s in result if s not in rivals]
            result.append(ftfy_span)
    return result


def _vouched(span: Span) -> bool:
    return span[3] is not None and span[3].vouched
