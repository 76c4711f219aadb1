"""The text's own spelling: where a text writes a word one way elsewhere, its remnant of the
word is written that way too (``計划`` → 計畫 in a text that writes 計畫, ``钟意`` → 鐘意 in
one that writes 鐘意), whatever the conversion's phrases would give."""

from __future__ import annotations

import functools
import re

from cnfix.adapters.opencc import FROM_STANDARD, convert
from cnfix.rules.script.state import CheckState
from cnfix.rules.script.tables import tables
from cnfix.text.chars import is_han

#: The longest word looked for in the text's own spelling (``ts-spellings``).
SPELLING_LENGTH = 4


def spelled_in_text(text: str, key: str, converted: str, k: int, form: str) -> str | None:
    """The form the text's own spelling of a word gives ``key[k]``, where OpenCC knows a
    second Traditional spelling of the word (``计划``: 計劃, and Taiwan's 計畫) and the text
    writes that one, not the one the conversion gives: ``計划`` → 計畫 in a text that
    writes 計畫 elsewhere. None: no such word.
    """
    if key[k] not in _spelling_chars():
        return None  # no such word holds the character
    spellings = tables().ts_spellings
    for length in range(2, SPELLING_LENGTH + 1):
        for first in range(max(0, k - length + 1), min(k, len(key) - length) + 1):
            spelling = spellings.get(key[first : first + length])
            if (
                spelling is not None
                and spelling[k - first] != form
                and spelling in text
                and converted[first : first + length] not in text
            ):
                return spelling[k - first]
    return None


def written_in_text(
    state: CheckState, text: str, i: int, form: str, *, confirm: bool = False
) -> str | None:
    """The form the text's own spelling of a two-character word around ``text[i]`` gives
    it, where the text writes the word elsewhere one way only, and not with ``form``:
    ``钟意`` → 鐘意 in a text that writes 鐘意 (Hong Kong's), ``绕境`` → 遶境 in one that
    writes 遶境 (Taiwan's). None: no such word, or the text spells it in several ways.

    ``confirm``: ``form`` is a candidate to review, and the text's one spelling decides
    it even where it is ``form`` (``回复`` → 回復 in a text that writes 回復; ``注解`` →
    註解 in one that writes 註解) — unless the character is valid as written (注 周) and
    the text writes the word as here elsewhere too (周年 twice beside 週年: both spellings
    are the text's)."""
    if _reading(text[i]) not in _several_forms():
        return None  # one Traditional form: nothing to spell otherwise
    known, spellings = state.known(_SPELLINGS, text)
    if not known or not spellings:
        return None
    shared = confirm and text[i] not in tables().simplified_only.chars
    found = set()
    for first in (i - 1, i):
        if first >= 0 and first + 2 <= len(text):
            here = text[first : first + 2]
            words = spellings.get(_pair_reading(here), set())
            if shared and words - {here} and text.count(here) > 1:
                return None  # the text writes the word as here elsewhere too (周年, 週年)
            for spelling in words:
                found.add(spelling[i - first])
    found.discard(text[i])
    if len(found) == 1 and (confirm or form not in found):
        return found.pop()
    return None


#: :meth:`CheckState.known` question: how the text spells the two-character words around
#: the positions converted (:func:`index_spellings`), by their Simplified reading
_SPELLINGS = "own spellings"


def index_spellings(text: str, state: CheckState, positions: list[int]) -> None:
    """Remember how ``text`` spells, elsewhere, each two-character word that holds a
    character at ``positions`` whose Simplified reading more than one Traditional
    character has (钟: 鍾 鐘; 绕: 繞 遶; not 们): one search for every spelling of those
    words, not a search per position (a long text has thousands). Spellings holding a
    Simplified-only character are remnants themselves and say nothing."""
    forms, several_forms, n = _forms(), _several_forms(), len(text)
    several = [i for i in positions if _reading(text[i]) in several_forms]
    spellings: dict[str, set[str]] = {}
    wanted = {
        _han_pair_reading(text[a : a + 2]) for i in several for a in (i - 1, i) if 0 <= a < n - 1
    }
    wanted.discard("")
    if wanted:
        readings = {_reading(text[i]) for i in several}
        chars = frozenset(c for reading in readings for c in forms[reading])
        # every two characters (no line break) where one is such a form, each spelling
        # once: the two around each form found
        at = _where(text, chars)
        pairs = {text[a : a + 2] for a in at}
        pairs.update([text[a - 1 : a + 1] for a in at if a])
        simplified_only = tables().simplified_only.chars
        for spelling in pairs:
            if len(spelling) == 2 and "\n" not in spelling:
                word = _pair_reading(spelling)
                if word in wanted and simplified_only.isdisjoint(spelling):
                    spellings.setdefault(word, set()).add(spelling)
    state.tell(_SPELLINGS, text, spellings)


@functools.lru_cache(maxsize=8192)
def _pair_reading(pair: str) -> str:
    """Two characters read as Simplified (:func:`_reading`), each on its own."""
    return _reading(pair[0]) + _reading(pair[1])


def _han_pair_reading(pair: str) -> str:
    """:func:`_pair_reading` of two Han characters; "" for any other pair."""
    return _pair_reading(pair) if is_han(pair[0]) and is_han(pair[1]) else ""


#: From this length a text is searched with a class of just the forms wanted, compiled
#: (~0.5 ms); a shorter one with the class of every form, skipping the others.
OWN_CLASS_LENGTH = 50_000


def _where(text: str, chars: frozenset[str]) -> list[int]:
    """Where ``text`` holds a character of ``chars`` (forms of :func:`_several_forms`)."""
    if len(text) < OWN_CLASS_LENGTH:
        return [m.start() for m in _several_forms_class().finditer(text) if m.group() in chars]
    return [m.start() for m in _class_of(chars).finditer(text)]


@functools.lru_cache(maxsize=64)
def _class_of(chars: frozenset[str]) -> re.Pattern[str]:
    """A class of ``chars``: one search of a long text for them alone."""
    return re.compile(f"[{re.escape(''.join(sorted(chars)))}]")


@functools.cache
def _several_forms_class() -> re.Pattern[str]:
    """Every character of :func:`_forms` whose reading is one of :func:`_several_forms`."""
    chars = "".join(sorted({c for reading in _several_forms() for c in _forms()[reading]}))
    return re.compile(f"[{re.escape(chars)}]")


@functools.cache
def _reading(char: str) -> str:
    """``char`` read as Simplified (OpenCC t2s), one character."""
    read = convert(char, "t2s")
    return read if len(read) == 1 else char


@functools.cache
def _forms() -> dict[str, str]:
    """The Simplified reading (t2s) of each Traditional character of the tables, with the
    characters that read as it, itself among them where it is one: 钟 鍾鐘, 绕 繞遶,
    后 後后, 为 為爲, 们 們."""
    t = tables()
    candidates = {c for forms in t.st_candidates.values() for c in forms}
    traditional = t.traditional_only.chars | candidates
    found: dict[str, set[str]] = {}
    for char in sorted(traditional):
        found.setdefault(_reading(char), set()).add(char)
    return {reading: "".join(sorted(chars)) for reading, chars in found.items()}


@functools.cache
def _several_forms() -> frozenset[str]:
    """The Simplified readings of :func:`_forms` that more than one Traditional character
    reads as, once the standards' variants are one (為 爲, 說 説 are one form: the text's
    standard decides them, ``standards.in_own_standard``): 钟 绕 后, not 为 说 们."""
    found = set()
    for reading, chars in _forms().items():
        if len({convert(convert(c, FROM_STANDARD["tw"]), FROM_STANDARD["hk"]) for c in chars}) > 1:
            found.add(reading)
    return frozenset(found)


@functools.cache
def _spelling_chars() -> frozenset[str]:
    """The characters of the words that have a second Traditional spelling (``ts-spellings``)."""
    return frozenset("".join(tables().ts_spellings))
