"""How plausible a reading is: per-character costs, candidates, and when one clearly wins."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from cnfix.rules.mojibake.chains import HAN_LAYERS, Chain, redecode
from cnfix.text.charmodel import (
    COMMON_PUNCT_COST,
    char_cost,
    han_profile,
    noise_count,
    text_cost,
)
from cnfix.text.chars import HAN_RE

# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------

#: A candidate's Han characters must be this common on average (half-bits) …
PLAUSIBLE_HAN_MEAN = 30.0
#: … and it must save at least this much cost per garbled character to be a clear win.
SAFE_GAIN_PER_CHAR = 6.0
SAFE_MIN_GAIN = 30


@functools.cache
def _cost(char: str) -> int:
    """Context-free cost of one character (cached: the hot loops call it often)."""
    return char_cost(char)


def _odd_count(text: str) -> int:
    """Rare letters, marks and format characters other than Han: what a wrong decoding
    scatters (ⷰ, ソ, 銆), unlike the symbols and emoji that real text carries."""
    return sum(
        1
        for char in text
        if not char.isascii()
        and unicodedata.category(char)[0] in "LMC"
        and not HAN_RE.match(char)
        and _cost(char) >= ODD_COST
    )


ODD_COST = 36


def _only_common_punctuation(text: str) -> bool:
    """True for ``……``, ``“”`` and the like: non-ASCII, and all common CJK punctuation."""
    rest = [char for char in text if not char.isascii()]
    return bool(rest) and all(_cost(char) <= COMMON_PUNCT_COST for char in rest)


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str
    chain: Chain
    gain: int
    #: False when the span itself is too short to trust, however good the candidate.
    sure: bool = True
    #: ftfy's reading: safe whenever our cost model agrees that it is more plausible.
    vouched: bool = False
    #: A short garble next to a confirmed one of the same chain: safe when it gains.
    neighbour: bool = False


def _best_candidate(garbled: str, options: Mapping[str, Chain]) -> Candidate | None:
    """The most plausible re-decoding of ``garbled`` that beats it, or None."""
    base = text_cost(garbled)
    best: Candidate | None = None
    for text, chain in options.items():
        if text == garbled or noise_count(text) or _odd_count(text) > len(text) // 20:
            continue
        han, mean = han_profile(text)
        if han == 0 and not _only_common_punctuation(text):
            continue
        if mean > PLAUSIBLE_HAN_MEAN + 4:
            continue
        gain = base - text_cost(text)
        if gain > 0 and (best is None or gain > best.gain):
            best = Candidate(text, chain, gain)
    return best


def _is_clear_win(garbled: str, candidate: Candidate) -> bool:
    if candidate.vouched:
        return candidate.sure
    if candidate.neighbour:
        return candidate.gain > 0
    _, mean = han_profile(candidate.text)
    return (
        candidate.sure
        and mean <= PLAUSIBLE_HAN_MEAN
        and candidate.gain >= SAFE_MIN_GAIN
        and candidate.gain >= SAFE_GAIN_PER_CHAR * sum(not c.isascii() for c in garbled)
    )


def _expand(text: str, first_layers: tuple[tuple[str, str], ...]) -> dict[str, Chain]:
    """Every strict re-decoding of ``text`` by one layer, and by a second Han layer."""
    options: dict[str, Chain] = {}
    firsts = []
    for layer in first_layers:
        once = redecode(text, *layer)
        if once is not None:
            options.setdefault(once, (layer,))
            firsts.append((layer, once))
    # Second layers after all first ones: a one-layer explanation is preferred.
    for layer, once in firsts:
        for second in HAN_LAYERS:
            twice = redecode(once, *second)
            if twice is not None:
                options.setdefault(twice, (layer, second))
    return options


Span = tuple[int, int, str, "Candidate | None"]
