"""Regional remnants: what written Cantonese and Taiwan text write otherwise, as data.

Each region's own list in ``data/script_usage.txt``: Hong Kong's Cantonese (系 → 係, the
classifier 隻 in 嗰隻) and Taiwan's spellings (伙伴 → 夥伴, 計划 → 計畫), each applied
only to its own region's text.
"""

from __future__ import annotations

from cnfix.adapters.opencc import TO_TRADITIONAL
from cnfix.rules.script.probes import kept_positions
from cnfix.rules.script.register import classical
from cnfix.rules.script.standards import standard_of
from cnfix.rules.script.state import CheckState
from cnfix.rules.script.tables import usage, word_forms


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
    text. The text's own spelling comes first: a text that writes 計劃 (OpenCC's) keeps it."""
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
