"""Regional remnants: what written Cantonese and Taiwan text write otherwise, as data.

Each region's own list in ``data/script_usage.txt``: Hong Kong's Cantonese (系 → 係, the
classifier 隻 in 嗰隻) and Taiwan's spellings (伙伴 → 夥伴, 計划 → 計畫), each applied
only to its own region's text. And the forms that one standard shares with Simplified
(OpenCC's Hong Kong 温 揾 税 脱 for 溫 搵 稅 脫), which are remnants in a text that writes
the other form (:func:`own_form_remnants`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from cnfix.adapters.opencc import BETWEEN_STANDARDS, TO_TRADITIONAL, convert
from cnfix.rules.script.probes import kept_positions
from cnfix.rules.script.register import classical
from cnfix.rules.script.standards import standard_of
from cnfix.rules.script.state import CheckState
from cnfix.rules.script.tables import tables, usage, word_forms


def _spelled(text: str, word: str, spelling: str) -> dict[int, str]:
    """Wherever ``text`` writes ``word``: the positions ``spelling`` writes otherwise, with
    their form (``嗰只`` → {1: 隻})."""
    found = {}
    at = text.find(word)
    while at != -1:
        pairs = enumerate(zip(word, spelling, strict=True))
        found.update((at + k, b) for k, (a, b) in pairs if a != b)
        at = text.find(word, at + 1)
    return found


def cantonese_remnants(text: str) -> dict[int, str]:
    """In written Cantonese, what it writes otherwise (``data/script_usage.txt``), with
    the form: a character where no word covers it (系 for the copula 係; ``系統``, ``關系``
    are words, and so is the accepted ``音系``; 哗 → 嘩), and a word wherever it is
    (``嗰只`` → 嗰隻, ``兩個钟`` → 鐘)."""
    found = {}
    for written, form in usage().cantonese_remnants.items():
        if len(written) > 1:
            found |= _spelled(text, written, form)
            continue
        at = text.find(written)
        while at != -1:
            if not word_forms(text, at):
                found[at] = form
            at = text.find(written, at + 1)
    for i in kept_positions(text, found):
        del found[i]
    return found


def taiwan_word_remnants(state: CheckState, text: str) -> dict[int, str]:
    """In Taiwan text, the characters of the words Taiwan spells otherwise (``伙伴`` →
    夥伴, ``計划`` → 計畫: ``data/script_usage.txt``), with their form; none in classical
    text. The text's own spelling comes first: a text that writes 計劃 (OpenCC's) keeps it.
    (Remembered: judging a text and converting its remnants both ask.)"""
    return state.remembered("taiwan words", text, lambda: _taiwan_word_remnants(state, text))


def _taiwan_word_remnants(state: CheckState, text: str) -> dict[int, str]:
    found = {}
    for word, spelling in usage().taiwan_words.items():
        if word not in text:
            continue
        (opencc_form,) = state.convert_all([word], TO_TRADITIONAL["tw"])
        if opencc_form not in (word, spelling) and opencc_form in text:
            continue
        found |= _spelled(text, word, spelling)
    if not found or standard_of(state, text) != "tw" or classical(state, text):
        return {}
    return found


#: A text's own form of a character wins over a form shared with Simplified when it writes
#: its own at least this many times as often (and twice at least).
OWN_FORM_RATIO = 2


@functools.cache
def shared_forms() -> dict[str, str]:
    """Characters that OpenCC's Hong Kong standard writes as Simplified does while Taiwan's
    writes them otherwise, with Taiwan's form: 温 揾 税 脱 户 for 溫 搵 稅 脫 戶. Hong Kong
    usage writes both (HKCanCor: 搵, 溫; Firefox's Hong Kong strings: 脫, 稅), so the
    tables call these characters shared, and a remnant of 溫 is invisible to them. Not
    the forms Traditional text accepts (台: ``data/script_usage.txt``)."""
    found = {}
    accepted = usage().accepted_chars
    for other in sorted(tables().foreign["hk"]):
        form = convert(other, BETWEEN_STANDARDS["hk"])
        if (
            form == convert(other, "t2s") != other
            and convert(other, BETWEEN_STANDARDS["tw"]) == other
            and form not in accepted
        ):
            found[form] = other
    return found


def own_form_remnants(state: CheckState, text: str) -> dict[int, str]:
    """Characters of a Traditional ``text`` that its standard could write as Simplified
    does (温 in Hong Kong's), where the text itself writes the other form (溫) at least
    ``OWN_FORM_RATIO`` times as often: remnants of the text's own form, with it. Not where
    a word keeps the character, nor in classical text. The text's own spelling decides, as
    for words (計划 → 計畫 in a text that writes 計畫)."""
    return state.remembered("own forms", text, lambda: _own_form_remnants(state, text))


def _own_form_remnants(state: CheckState, text: str) -> dict[int, str]:
    shared = shared_forms()
    counts = Counter(_shared_forms_re().findall(text))  # one search for every form
    found: dict[int, str] = {}
    for form in (form for form in shared if counts[form]):
        other = shared[form]
        if counts[other] < max(2, OWN_FORM_RATIO * counts[form]):
            continue
        at = text.find(form)
        while at != -1:
            if form not in word_forms(text, at):
                found[at] = other
            at = text.find(form, at + 1)
    if not found or classical(state, text):
        return {}
    for i in kept_positions(text, found):
        del found[i]
    return found


@functools.cache
def _shared_forms_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(sorted({*shared_forms(), *shared_forms().values()})) + "]")
