"""Judging a unit: which script is its majority, and where its minority is."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cnfix.rules.script.options import HANS, HANT
from cnfix.rules.script.probes import (
    kept_positions,
    prose_remnants,
    simplified_phrase_hits,
    traditional_phrase_hits,
)
from cnfix.rules.script.regional import own_form_remnants, taiwan_word_remnants
from cnfix.rules.script.register import classical
from cnfix.rules.script.standards import CANTONESE_RE
from cnfix.rules.script.state import CheckState
from cnfix.rules.script.tables import hant_scan, tables
from cnfix.rules.script.units import has
from cnfix.text.chars import count_han

#: A text is *mixed* when its minority makes up at least ``MIN_MINORITY_SHARE`` of its
#: script-specific characters (Simplified-only + Traditional-only + phrase hits) and
#: numbers at least ``MIN_MINORITY`` — or is one single minority-only character (們 in
#: Simplified text: never valid there) in a text whose majority script shows in at
#: least ``MIN_MAJORITY_FOR_ONE`` characters. A lone phrase hit (a village name 社里 in
#: Taiwan text reads as 社裏 to OpenCC) is not enough. The damaged seeds 000-003 have
#: 9-21 remnants, 1.8-3.1 % of their script-specific characters (under 1 % of all their
#: Han characters); the 400 clean corpus documents have none. 0.2 % keeps a handful of
#: quoted names in a long text from making it mixed.
MIN_MINORITY = 2
MIN_MINORITY_SHARE = 0.002
MIN_MAJORITY_FOR_ONE = 5

#: Written Cantonese (Hong Kong) writes the particle 晒 ("all", 食晒) with the
#: Simplified-looking character; it counts as Traditional in text with Cantonese particles.
CANTONESE_OK = "晒"

#: Hiragana and katakana letters (not the middle dot ・ or the prolonged sound mark ー,
#: which Chinese text uses too): their presence makes a text Japanese, not judged here.
KANA_RE = re.compile("[\u3041-\u3096\u30a1-\u30fa]")


@dataclass(frozen=True)
class Verdict:
    """What one unit holds: counts, majority, and the minority positions."""

    simplified: int
    traditional: int
    majority: str | None
    minority: tuple[int, ...]

    @property
    def specific(self) -> int:
        """Script-specific characters: both classes plus the phrase hits."""
        return self.simplified + self.traditional + self.hits

    @property
    def hits(self) -> int:
        counted = self.simplified if self.majority == HANT else self.traditional
        return len(self.minority) - counted

    @property
    def mixed(self) -> bool:
        count = len(self.minority)
        if not count or count < MIN_MINORITY_SHARE * self.specific:
            return False
        if count >= MIN_MINORITY:
            return True
        only, majority = (
            (self.simplified, self.traditional)
            if self.majority == HANT
            else (self.traditional, self.simplified)
        )
        return only == 1 and majority >= MIN_MAJORITY_FOR_ONE

    @property
    def share(self) -> float:
        """The majority's share of the script-specific characters."""
        return 1 - len(self.minority) / self.specific if self.specific else 1.0


def judge(
    state: CheckState, text: str, *, count_clean: bool = True, quick: bool = False
) -> Verdict | None:
    """Count both scripts in ``text`` and find the minority positions (None: nothing to judge).

    With ``count_clean=False`` a text in one script without phrase hits is not counted
    (the common case, kept fast: one pass of a character class over the text): its
    verdict has zero counts and no minority. ``quick``: where the minority holds
    script-only characters, its phrase hits are not looked for (the verdict only tells
    whether there is a minority: enough before judging a text again without its glosses;
    nor, where phrase hits show one, the remnants that would join them).
    """
    t = tables()
    if has(state, text, t.traditional_only):
        # One pass finds the Simplified-only characters and the probed shared ones.
        simplified_at: list[int] = []
        probe_at: list[int] = []
        simplified_only = t.simplified_only.chars
        for match in hant_scan().finditer(text):
            char = match.group()
            if char in simplified_only:
                simplified_at.append(match.start())
            elif char < "\U00010000":  # not any other supplementary-plane character
                probe_at.append(match.start())
        if simplified_at and cantonese(state, text):
            simplified_at = [i for i in simplified_at if text[i] not in CANTONESE_OK]
        if simplified_at:  # accepted words (客庄: Taiwan's Hakka villages)
            kept = kept_positions(text, simplified_at)
            simplified_at = [i for i in simplified_at if i not in kept] if kept else simplified_at
        if not simplified_at:
            hits = _shared_hits(state, text, probe_at, simplified_at, quick)
            if not hits and not count_clean:
                return Verdict(0, 0, HANT, ())
        # Traditional text needs only the count of its Traditional-only characters.
        simplified = len(simplified_at)
        traditional = state.remembered(
            "traditional", text, lambda: t.traditional_only.count_dense(text)
        )
        if traditional > simplified:
            if simplified_at:
                hits = [] if quick else _shared_hits(state, text, probe_at, simplified_at)
            minority = sorted({*simplified_at, *hits})
            return _judged(state, text, Verdict(simplified, traditional, HANT, tuple(minority)))
    elif has(state, text, t.simplified_only):
        traditional = 0
        hits = traditional_phrase_hits(state, text)
        if not hits and not count_clean:
            return Verdict(0, 0, HANS, ())
        simplified = t.simplified_only.count(text)
    else:
        return None
    if simplified > traditional:
        traditional_at = t.traditional_only.positions(text) if traditional else []
        if traditional_at:
            hits = [] if quick else traditional_phrase_hits(state, text)
        minority = sorted({*traditional_at, *hits})
        return _judged(state, text, Verdict(simplified, traditional, HANS, tuple(minority)))
    return _judged(state, text, Verdict(simplified, traditional, None, ()))


def _shared_hits(
    state: CheckState, text: str, probe_at: list[int], simplified_at: list[int], quick: bool = False
) -> list[int]:
    """The characters valid in both scripts that Traditional ``text`` holds as remnants: by
    phrase or word, and the prose remnants (后 于; 伙伴 in Taiwan text; 温 in a text that
    writes 溫) where a
    Simplified-only character or a phrase hit shows remnants anyway (alone they never
    make a text mixed); none in classical text. ``quick``: the phrase hits alone (whether
    there are any is the same answer)."""
    hits = simplified_phrase_hits(state, text, probe_at)
    if (hits or simplified_at) and not quick:
        hits += prose_remnants(state, text)
        hits += list(own_form_remnants(state, text))
        if not cantonese(state, text):  # written Cantonese is Hong Kong's: 着, 户 stay
            hits += list(taiwan_word_remnants(state, text))
    return [] if hits and classical(state, text) else hits


#: What :func:`_markers` looks for: kana and the Cantonese particles, in one search.
_MARKERS_RE = re.compile(f"{KANA_RE.pattern}|{CANTONESE_RE.pattern}")


#: Japanese text: kana at least this share of its Han characters (Japanese prose writes
#: more kana than kanji; a Chinese text quoting a Japanese word, 絆（きずな）, a few).
KANA_SHARE = 0.1


def _markers(state: CheckState, text: str) -> tuple[bool, bool]:
    """Whether ``text`` is Japanese (kana, ``KANA_SHARE`` of its Han characters at least),
    and holds Cantonese particles: one search for both (remembered: asked again of the
    text without its glosses)."""

    def search() -> tuple[bool, bool]:
        found = _MARKERS_RE.findall(text)
        kana = sum(1 for c in found if KANA_RE.match(c))
        japanese = bool(kana) and kana >= KANA_SHARE * count_han(text)
        return japanese, any(CANTONESE_RE.match(c) for c in set(found))

    return state.remembered("markers", text, search)


def cantonese(state: CheckState, text: str) -> bool:
    """True when ``text`` holds written Cantonese particles."""
    return _markers(state, text)[1]


def _judged(state: CheckState, text: str, verdict: Verdict) -> Verdict | None:
    """``verdict``, unless the text is Japanese (kana present): not judged."""
    return None if _markers(state, text)[0] else verdict
