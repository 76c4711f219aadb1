"""GBK and Big5 read as each other: runs of swapped characters in clusters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cnfix.rules.mojibake.chains import _encode
from cnfix.rules.mojibake.han_utf8 import COMMON_HAN_COST, _line_end, _swap, _unusual_han_positions
from cnfix.rules.mojibake.scoring import (
    PLAUSIBLE_HAN_MEAN,
    Candidate,
    _best_candidate,
    _cost,
    _is_clear_win,
    _odd_count,
)
from cnfix.text.charmodel import (
    ASCII_COST,
    UNUSUAL_HAN_COST,
    han_profile,
    noise_count,
    text_cost,
)
from cnfix.text.chars import HAN_RE, lazy_compile
from cnfix.text.regions import Regions

MIN_SWAP_CHARS = 4
GARBLED_MEAN = 30.0
CLUSTER_SIZE = 2
CLUSTER_WIDTH = 5
CLUSTER_MARGIN = 120
#: A cluster is only looked at closely when swapping it alone already saves this much.
CLUSTER_MIN_GAIN = 10


def _han_swap_spans(text: str) -> Iterator[tuple[int, int, str, Candidate]]:
    """GBK read as Big5 and the reverse: one double-byte character for another.

    Only clusters of unusual characters are looked at (two within five characters;
    clean text has about one unusual character in 150); in a window around each,
    within its line, the span is the stretch where re-decoding saves the most cost
    (Kadane's maximum sum).
    """
    positions = _unusual_han_positions(text)
    pairs = zip(positions, positions[CLUSTER_SIZE - 1 :], strict=False)
    regions = _cluster_regions((first, third) for first, third in pairs)
    for layer in SWAP_LAYERS:
        found = [
            span
            for start, end in _swap_windows(text, regions, layer)
            for span in _swap_in_line(text[start:end], start, layer)
        ]
        yield from found
        if layer == ("GBK", "Big5"):
            yield from _big5_leftovers(text, found)


SWAP_LAYERS = (("GBK", "Big5"), ("Big5", "GBK"))


def _swap_windows(text: str, regions: list[list[int]], layer: tuple[str, str]) -> list[list[int]]:
    """Windows [start, end) around the regions whose swap by ``layer`` saves enough,
    within their lines, merged where they overlap."""
    windows: list[list[int]] = []
    for first, last in regions:
        if _swap_gain(text[first:last], layer) < CLUSTER_MIN_GAIN:
            continue
        line_start = text.rfind("\n", 0, first) + 1
        line_end = text.find("\n", last)
        line_end = len(text) if line_end < 0 else line_end
        start = max(line_start, first - CLUSTER_MARGIN)
        end = min(line_end, last + CLUSTER_MARGIN)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return windows


def _cluster_regions(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Regions [start, end) of the clusters: each pair is an unusual character and the
    next one; pairs more than ``CLUSTER_WIDTH`` apart are ignored, and regions within
    ``CLUSTER_WIDTH`` of each other merged."""
    regions: list[list[int]] = []
    for first, third in pairs:
        if third - first > CLUSTER_WIDTH:
            continue
        if regions and first <= regions[-1][1] + CLUSTER_WIDTH:
            regions[-1][1] = third + 1
        else:
            regions.append([first, third + 1])
    return regions


def _big5_leftovers(
    text: str, found: list[tuple[int, int, str, Candidate]]
) -> Iterator[tuple[int, int, str, Candidate]]:
    """On a line that is certainly Big5 read as GBK, a character that Big5 cannot
    encode is garble too, however plausible it looks alone: ``〗`` for ``■``. (Only on
    such lines: elsewhere the document may hold clean Simplified text.)"""
    layer = ("GBK", "Big5")
    lines = sorted(
        {
            (text.rfind("\n", 0, start) + 1, _line_end(text, end))
            for start, end, garbled, candidate in found
            if _is_clear_win(garbled, candidate)
        }
    )
    matches = (m for a, b in lines for m in _NOT_ASCII_RE.finditer(text, a, b))
    garbled_already = Regions([(start, end) for start, end, _, _ in found])
    for match in matches:
        index = match.start()
        if garbled_already.covers(index):
            continue
        char = match.group()
        if _encode(char, "Big5") is not None or _in_latin_word(text, index):
            continue
        swapped = _swap(char, *layer)
        if swapped is None or noise_count(swapped) or _odd_count(swapped):
            continue
        # The evidence is structural (no Big5 file holds this character), not the
        # cost: ■ may well cost more than 〗. Count it as a gain.
        gain = max(1, _cost(char) - sum(_cost(c) for c in swapped))
        yield index, index + 1, char, Candidate(swapped, (layer,), gain, neighbour=True)


_NOT_ASCII_RE = lazy_compile("[^\\x00-\\x7f]")


def _in_latin_word(text: str, index: int) -> bool:
    """A Latin letter next to an ASCII letter (``é`` of ``René``): part of a name or a
    word, not a Big5 character read as GBK (those sit among other garble)."""
    if not ("\u00c0" <= text[index] <= "\u024f"):
        return False
    around = text[max(0, index - 1) : index] + text[index + 1 : index + 2]
    return any(char.isascii() and char.isalpha() for char in around)


def _swap_gain(text: str, layer: tuple[str, str]) -> int:
    """Cost saved by swapping the non-ASCII characters of ``text`` that can be swapped."""
    table = _SWAPS[layer]
    total = 0
    for char in text:
        entry = table.get(char)
        if entry is None:
            entry = table[char] = _swap_entry(char, layer)
        total += entry[1] or 0
    return total


def _may_swap(region: str) -> bool:
    """``_swap_gain(region, layer) >= CLUSTER_MIN_GAIN`` for either layer, in one
    loop over the region (clean text has a cluster every ~600 characters)."""
    table = _BOTH_GAINS
    first = second = 0
    for char in region:
        gains = table.get(char)
        if gains is None:
            gains = table[char] = tuple(_swap_gain(char, layer) for layer in SWAP_LAYERS)
        first += gains[0]
        second += gains[1]
    return first >= CLUSTER_MIN_GAIN or second >= CLUSTER_MIN_GAIN


_BOTH_GAINS: dict[str, tuple[int, ...]] = {}


def _swap_entry(char: str, layer: tuple[str, str]) -> tuple[str, int | None]:
    """``char`` as ``layer`` swaps it and the cost that saves; itself and None when it
    cannot be swapped (ASCII stays, saving 0)."""
    if char.isascii():
        return char, 0
    swapped = _swap(char, *layer)
    if swapped is None:
        return char, None
    return swapped, _cost(char) - sum(_cost(c) for c in swapped)


#: Per layer, ``_swap_entry`` of each character once looked up: a dictionary lookup
#: per character is what scanning clusters and their lines can afford.
_SWAPS: dict[tuple[str, str], dict[str, tuple[str, int | None]]] = {
    layer: {} for layer in SWAP_LAYERS
}


def _plausible_neighbour(char: str, swapped: str) -> bool:
    if char.isascii() or char == swapped:
        return False
    return all(_cost(c) <= COMMON_HAN_COST for c in swapped) and (
        sum(_cost(c) for c in swapped) - _cost(char) <= NEIGHBOUR_SLACK
    )


NEIGHBOUR_SLACK = 3


def _to_run_edges(line: str, mapped: list[str], start: int, end: int) -> tuple[int, int]:
    """Take in up to two characters at either end when that reaches the edge of the
    run (line start or end, ASCII) and each becomes a common character: ``苦`` at the
    start of a garbled line is the wrong reading of ``賴``."""

    def takeable(index: int) -> bool:
        char, swapped = line[index], mapped[index]
        return (
            not char.isascii()
            and swapped != char
            and all(_cost(c) <= PLAUSIBLE_HAN_MEAN for c in swapped)
            and sum(_cost(c) for c in swapped) - _cost(char) <= EDGE_SLACK
        )

    def edge(index: int) -> bool:
        return index < 0 or index >= len(line) or line[index].isascii()

    for step in (1, 2):
        if edge(start - step):
            break
        if not all(takeable(start - k) for k in range(1, step + 1)):
            break
        if edge(start - step - 1):
            start -= step
            break
    for step in (1, 2):
        if edge(end + step - 1):
            break
        if not all(takeable(end + k) for k in range(step)):
            break
        if edge(end + step):
            end += step
            break
    return start, end


EDGE_SLACK = 14


def _swap_in_line(
    line: str, offset: int, layer: tuple[str, str]
) -> Iterator[tuple[int, int, str, Candidate]]:
    best_sum, best_span = 0, (0, 0)
    current, current_start = 0, 0
    mapped: list[str] = []
    table = _SWAPS[layer]
    for index, char in enumerate(line):
        entry = table.get(char)
        if entry is None:
            entry = table[char] = _swap_entry(char, layer)
        swapped, gain = entry
        mapped.append(swapped)
        if gain is None:  # this reading cannot swap the character: start again after it
            current, current_start = 0, index + 1
            continue
        if current <= 0:
            current, current_start = gain, index
        else:
            current += gain
        if current > best_sum:
            best_sum, best_span = current, (current_start, index + 1)
    start, end = best_span
    # Widen over neighbours that a wrong reading made into common characters (還 for
    # 临): each costs a little, where a clean neighbour would become a rare one.
    while start > 0 and _plausible_neighbour(line[start - 1], mapped[start - 1]):
        start -= 1
    while end < len(line) and _plausible_neighbour(line[end], mapped[end]):
        end += 1
    start, end = _to_run_edges(line, mapped, start, end)
    garbled = line[start:end]
    wide = [char for char in garbled if not char.isascii()]
    # In context: kana in a Japanese word are cheap, kana scattered among Han are not.
    mean = (text_cost(garbled) - ASCII_COST * (len(garbled) - len(wide))) / max(1, len(wide))
    short = len(wide) < MIN_SWAP_CHARS
    if short and not _standalone_field(line, start, end, mapped):
        return
    if mean < GARBLED_MEAN:
        return
    fixed = "".join(mapped[start:end])
    candidate = _best_candidate(garbled, {fixed: (layer,)})
    if candidate is not None:
        if short:
            candidate = Candidate(candidate.text, candidate.chain, candidate.gain, sure=False)
        yield offset + start, offset + end, garbled, candidate


def _standalone_field(line: str, start: int, end: int, mapped: list[str]) -> bool:
    """A short garble (``楷冞`` for 发送) that is a whole Han run of its own, reads as
    very unusual text and swaps into very common characters: a suggestion only."""
    before = line[start - 1 : start]
    after = line[end : end + 1]
    if HAN_RE.match(before) or HAN_RE.match(after):
        return False
    han, mean = han_profile(line[start:end])
    _, fixed_mean = han_profile("".join(mapped[start:end]))
    return han >= 2 and mean >= UNUSUAL_HAN_COST and fixed_mean <= COMMON_HAN_COST - 2
