"""The script tables, generated from OpenCC's dictionaries and CC-CEDICT's words.

``data/script_tables.txt`` (``scripts/gen_script_tables.py``): which characters are
Simplified-only or Traditional-only, their candidates, and the phrase probes;
``data/script_words.txt`` and ``data/script_word_list.txt`` (``scripts/gen_script_words.py``):
the words that decide a shared character. Each is parsed once, on first use.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from cnfix.rules.script.charclass import ASTRAL_RANGE, CharClass, char_class
from cnfix.text.charmodel import char_costs
from cnfix.text.chars import HAN_RE
from cnfix.text.datafiles import read_data


@dataclass(frozen=True)
class Usage:
    """``data/script_usage.txt``: which forms Taiwan and Hong Kong text accepts, and which
    shared characters are remnants, as data with their sources (see the file)."""

    #: shared characters Traditional text writes where OpenCC's phrases choose another form
    accepted_chars: frozenset[str]
    #: words Traditional text writes with a shared character OpenCC or CC-CEDICT convert
    accepted_words: tuple[str, ...]
    #: characters Taiwan writes as they are where CC-CEDICT's words give another form (布局)
    own_forms: frozenset[str]
    #: Hong Kong standard forms that Hong Kong text writes as Taiwan does (説: 說)
    hong_kong_as_taiwan: frozenset[str]
    #: shared characters modern Traditional prose writes only as a remnant (后 于)
    prose_remnants: str
    #: words Taiwan spells otherwise, where CC-CEDICT records both spellings (伙伴: 夥伴)
    taiwan_words: dict[str, str]
    #: a shared character that written Cantonese writes otherwise where no word covers it
    cantonese_remnants: dict[str, str]
    #: a character of Simplified text that mainland usage writes otherwise: 於 → 于
    simplified_remnants: dict[str, str]


@functools.cache
def usage() -> Usage:
    """Parse ``data/script_usage.txt`` once, on first use."""
    sections = _sections("script_usage.txt")
    return Usage(
        accepted_chars=frozenset(sections["accepted-in-traditional"]),
        accepted_words=tuple(sections["accepted-words-in-traditional"]),
        own_forms=frozenset(sections["own-form-in-traditional"]),
        hong_kong_as_taiwan=frozenset(sections["hong-kong-writes-as-taiwan"]),
        prose_remnants="".join(sections["remnants-in-traditional-prose"]),
        taiwan_words=dict(
            line.split("\t")  # type: ignore[misc]
            for line in sections["remnant-words-in-taiwan"]
        ),
        cantonese_remnants=dict(
            line.split("\t")  # type: ignore[misc]
            for line in sections["remnants-in-cantonese"]
        ),
        simplified_remnants=dict(
            line.split("\t")  # type: ignore[misc]
            for line in sections["remnants-in-simplified"]
        ),
    )


@dataclass(frozen=True)
class Tables:
    """The generated tables, compiled for fast lookup."""

    simplified_only: CharClass
    traditional_only: CharClass
    st_candidates: dict[str, str]
    ts_candidates: dict[str, str]
    #: per probed character, its left and right neighbours in the phrases that change it
    st_probe: dict[str, tuple[str, str]]
    #: the same for characters that are their own default (布 → 布/佈): weak evidence
    st_weak_probe: dict[str, tuple[str, str]]
    st_weak_chars: re.Pattern[str]
    ts_probe: dict[str, tuple[str, str]]
    ts_probe_chars: re.Pattern[str]
    #: per standard, the Traditional-only forms it does not write (爲 for Taiwan)
    foreign: dict[str, frozenset[str]]
    #: any of them
    foreign_any: re.Pattern[str]
    #: shared characters whose OpenCC default is another form (后 → 後, 么 → 麼, 户 → 戶)
    st_converted: frozenset[str]
    #: Simplified words with a second Traditional spelling (计划: 計畫)
    ts_spellings: dict[str, str]


def _sections(name: str) -> dict[str, list[str]]:
    """The lines of each ``[section]`` of the data file ``name`` (``#`` lines skipped)."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in read_data(name).splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
        else:
            current.append(line)
    return sections


@functools.cache
def tables() -> Tables:
    """Parse ``data/script_tables.txt`` once, on first use."""
    sections = _sections("script_tables.txt")

    def pairs(name: str) -> dict[str, str]:
        return dict(line.split("\t") for line in sections[name])  # type: ignore[misc]

    def probes(name: str) -> dict[str, tuple[str, str]]:
        table = {}
        for line in sections[name]:
            char, left, right = line.split("\t")
            table[char] = (left, right)
        return table

    st_candidates = pairs("st-candidates")
    converted = frozenset("".join(sections["st-converted"]))
    # Only characters whose OpenCC default is another form (后 → 後, 么 → 麼) are probed:
    # where the character is its own default (布 → 布/佈, 周 → 周/週, 了 → 了/瞭), a phrase
    # that picks the other form is a weak signal that Taiwan and Hong Kong usage often contradicts.
    # In text that is mixed anyway they are reported, as needing review.
    st_probe: dict[str, tuple[str, str]] = {}
    st_weak_probe: dict[str, tuple[str, str]] = {}
    for char, contexts in probes("st-probe").items():
        if char in usage().accepted_chars:
            continue
        strong = char in converted
        (st_probe if strong else st_weak_probe)[char] = contexts
    ts_probe = probes("ts-probe")
    variants = pairs("variants")
    accepted = usage().accepted_chars  # written as they are in Hong Kong (吓 糍)
    simplified_chars = "".join(c for c in "".join(sections["simplified-only"]) if c not in accepted)
    simplified_only = CharClass(simplified_chars)
    traditional_only = CharClass("".join(sections["traditional-only"]))
    ts_candidates = pairs("ts-candidates")
    return Tables(
        simplified_only=simplified_only,
        traditional_only=traditional_only,
        st_candidates=st_candidates,
        ts_candidates=ts_candidates,
        st_probe=st_probe,
        st_weak_probe=st_weak_probe,
        st_weak_chars=char_class("".join(st_weak_probe)),
        ts_probe=ts_probe,
        ts_probe_chars=char_class("".join(ts_probe) + "著"),
        foreign={name: frozenset(chars) for name, chars in variants.items()},
        foreign_any=char_class("".join(variants.values())),
        st_converted=converted,
        ts_spellings=pairs("ts-spellings"),
    )


# -- words (CC-CEDICT) ----------------------------------------------------------------------

#: The longest word of ``data/script_words.txt`` (see ``scripts/gen_script_words.py``).
WORD_LENGTH = 4


@dataclass(frozen=True)
class Words:
    """``data/script_words.txt``: what the rule needs on every Traditional text.

    The word list itself (``data/script_word_list.txt``, ten times larger) is read by
    :func:`word_table` only when a probe fires.
    """

    #: Simplified characters with several Traditional forms, or written otherwise in
    #: Traditional text (个 并 后 于 万 系 户)
    chars: frozenset[str]
    #: per probed character valid in Traditional text: the neighbours (left, right) of
    #: the words that give it another form
    probe: dict[str, tuple[str, str]]
    #: the probed characters whose OpenCC default is another form (后 于 万 户), and
    #: those that are their own default (系 了 布: weak evidence)
    strong: str
    weak: str
    #: ``str.translate`` table: a Traditional character to its Simplified default
    t2s: dict[int, str]
    weak_chars: re.Pattern[str]
    #: spellings CC-CEDICT records only as a variant of a word: 關系 → 關係
    variant_of: dict[str, str]


@functools.cache
def words() -> Words:
    """Parse ``data/script_words.txt`` once, on first use."""
    sections = _sections("script_words.txt")

    def probes(name: str) -> dict[str, tuple[str, str]]:
        table = {}
        for line in sections[name]:
            char, left, right = line.split("\t")
            if char not in usage().accepted_chars:
                table[char] = (left, right)
        return table

    strong, weak = probes("probe"), probes("weak-probe")
    pairs = "".join(sections["t2s"])
    t2s = {ord(pairs[k]): pairs[k + 1] for k in range(0, len(pairs), 2)}
    return Words(
        chars=frozenset("".join(sections["chars"])),
        probe={**weak, **strong},
        strong="".join(strong),
        weak="".join(weak),
        t2s=t2s,
        weak_chars=char_class("".join(weak)),
        variant_of=dict(line.split("\t") for line in sections["variant-of"]),  # type: ignore[misc]
    )


@functools.cache
def word_table() -> dict[str, str]:
    """Simplified word → per Traditional spelling (space-separated), its characters at
    the ambiguous positions (``个人`` → ``"個"``, ``了解`` → ``"了 瞭"``)."""
    text = read_data("script_word_list.txt")
    start = 0
    while text.startswith("#", start):  # the header
        start = text.index("\n", start) + 1
    # One split of the whole list: about twice as fast as splitting line by line.
    parts = text[start:].rstrip("\n").replace("\n", "\t").split("\t")
    return dict(zip(parts[::2], parts[1::2], strict=True))


@functools.cache
def hant_scan() -> re.Pattern[str]:
    """One class for a pass over Traditional text: the Simplified-only characters (BMP)
    and every probed shared character (OpenCC's phrases and CC-CEDICT's words)."""
    t = tables()
    simplified_bmp = "".join(c for c in t.simplified_only.chars if ord(c) < 0x10000)
    return char_class("".join(t.st_probe) + words().strong + simplified_bmp, ASTRAL_RANGE)


def word_forms(text: str, i: int) -> set[str]:
    """The Traditional forms that CC-CEDICT's words around ``text[i]`` give it.

    The few characters around ``i`` are read as Simplified (``以后`` and ``以後`` alike)
    and every word of 2-4 characters that covers ``i`` is looked up: ``一个人`` → {個}
    (一個, 個人), ``合并且`` → {併, 並} (合併, 並且), ``皇后`` → {后}, ``以后`` → {後}. Empty:
    no word covers it, or the character is none of those the words record (``點`` in 面點).
    A word that reaches out of a four-character frame ``AXAY`` (兜口兜面, 一心一意, 有聲有色)
    is no evidence: ``兜口兜面點樣`` is 兜口兜面 + 點樣, not 面點 "pastry" (→ 麵).
    """
    start = max(0, i - WORD_LENGTH + 1)
    return set(_forms_at(text[start : i + WORD_LENGTH], i - start))


#: Characters that repeat as a particle, not as a frame (``我的車的後面``: 後面 is a word).
NOT_FRAMES = frozenset("的之地得了着著")


def _frame_at(key: str, j: int) -> bool:
    """True when ``key[j : j + 4]`` is a frame ``AXAY`` of four Han characters (兜口兜面)."""
    if j < 0 or j + 4 > len(key):
        return False
    a, x, again, y = frame = key[j : j + 4]
    return a == again and a not in NOT_FRAMES and x != a != y and all(map(HAN_RE.match, frame))


@functools.lru_cache(maxsize=4096)
def _forms_at(around: str, k: int) -> frozenset[str]:
    """:func:`word_forms` of ``around[k]``, ``around`` holding the characters it needs
    (remembered: the same few characters come back in a text and its repair passes)."""
    w, table = words(), word_table()
    key = around.translate(w.t2s)
    if key[k] not in w.chars:
        return frozenset()  # the words record only their ambiguous characters
    found: set[str] = set()
    for length in range(2, WORD_LENGTH + 1):
        for offset in range(length):
            first = k - offset
            if first < 0 or first + length > len(key):
                continue
            if (offset == 0 and _frame_at(key, k - 3)) or (
                offset == length - 1 and _frame_at(key, k)
            ):
                continue  # the word reaches out of a frame the character ends or starts
            word = key[first : first + length]
            spellings = table.get(word)
            if spellings is None:
                continue
            ordinal = sum(c in w.chars for c in word[:offset])
            found.update(spelling[ordinal] for spelling in spellings.split(" "))
    return frozenset(found)


#: Numerals and demonstratives before a measure word (``3个``, ``两个``, ``5万``): CC-CEDICT
#: lists 這個 and 幾個 but not every number, so these decide the classifier ``个`` → 個,
#: the number ``万`` → 萬, ``余`` → 餘 ("more than": ``20余國`` → 20餘國; the surname
#: 余 does not follow a numeral) and the classifier of strokes ``划`` → 劃 (``12划``: an index
#: by stroke count; 划 "to row" follows no numeral) where no word does.
NUMERALS = frozenset(
    "0123456789０１２３４５６７８９〇零一二两兩三四五六七八九十百千万萬亿億几幾每某半"
)
MEASURE_FORMS = {"个": "個", "万": "萬", "余": "餘", "划": "劃"}


def measure_forms(text: str, i: int) -> set[str]:
    """``{個}`` for ``个`` after a numeral (``6个``), ``{萬}`` for ``万``, ``{餘}`` for ``余``,
    ``{劃}`` for ``划`` likewise; else empty."""
    form = MEASURE_FORMS.get(text[i])
    if form is None or not i or text[i - 1] not in NUMERALS:
        return set()
    return {form}


#: A candidate this many half-bits rarer than OpenCC's default (eight times less frequent in
#: jieba's word counts, ``data/charfreq.txt``) is no rival where no phrase names it: 並 is
#: 16 times as frequent as 併 (合併, 併購 are phrases), 當 before 噹 (叮噹), 個 before 箇,
#: 說 before the variant 説.
RIVAL_MARGIN = 6


@functools.cache
def rivals(char: str) -> str:
    """The Traditional candidates of the Simplified-only ``char`` that compete with
    OpenCC's default (first): those at most ``RIVAL_MARGIN`` rarer. ``char`` itself (种,
    a surname) is none; one left means the default decides where no phrase does."""
    candidates = tables().st_candidates.get(char, "")
    if not candidates:
        return ""
    costs = char_costs()
    default = candidates[0]
    limit = costs.get(default, 99) + RIVAL_MARGIN
    return default + "".join(c for c in candidates[1:] if c != char and costs.get(c, 99) <= limit)
