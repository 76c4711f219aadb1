"""Mixed Traditional and Simplified Chinese: find the minority characters, unify the text.

Detection is table lookup only (tables generated from OpenCC's dictionaries by
``scripts/gen_script_tables.py``, and from CC-CEDICT's word list by
``scripts/gen_script_words.py``); OpenCC itself (through :mod:`cnfix.adapters.opencc`) is called
only to confirm a phrase probe and to build repairs, once per configuration for all the
windows of a text, which are remembered (:func:`convert_all`: a damaged text has
thousands, and its repair passes ask again). Clean text takes a cheap path: one
search per script for the text (or per run of paragraphs: the paragraph split counts
only the paragraphs a search points at), one pass of a character class over Traditional
text, and phrase or word lookups only where a probed character has a telling neighbour.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from cnfix.adapters.opencc import (
    BETWEEN_STANDARDS,
    FROM_STANDARD,
    TO_SIMPLIFIED,
    TO_TRADITIONAL,
    convert,
    convert_phrases,
    validate_target_script,
    zhe_positions,
)
from cnfix.model import Applicability, Document, Edit, Finding, Fix, Rule
from cnfix.text.chars import HAN, HAN_RE, ScanBudget, lazy_compile
from cnfix.text.datafiles import read_data
from cnfix.text.regions import protected_regions

HANS, HANT = "hans", "hant"
T = TypeVar("T")
SCRIPT_NAMES = {HANS: "Simplified", HANT: "Traditional"}
STANDARD_NAMES = {"tw": "Taiwan", "hk": "Hong Kong", "opencc": "OpenCC"}

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

#: Text longer than this that holds both scripts is judged in sections: runs of
#: paragraphs (split at blank lines) of the same majority script, so that a file joining
#: a Simplified and a Traditional article is two clean texts, while a paragraph with a
#: few remnants joins its neighbours. JSON (and JSON Lines) is judged record by record
#: (line by line).
LONG_TEXT = 20_000

#: Characters around a minority character that its conversion sees (phrases are short).
WINDOW = 8
#: The longest word looked for in the text's own spelling (``ts-spellings``).
SPELLING_LENGTH = 4

#: Characters valid in both scripts that Traditional text keeps where OpenCC's phrases
#: choose another form: 台 (for 臺/檯: 台灣, 台北, 一台: the usual Taiwan and Hong Kong
#: spelling), 占 and 雇 (占比, 雇用: Taiwan's Ministry of Education lists 佔 and 僱 as
#: variants of these standard forms; government text writes 占/雇). The place names
#: 余杭 / 余姚 keep 余 in Traditional text too (issue 5), though STPhrases gives 餘杭 / 餘姚.
ACCEPTED_IN_TRADITIONAL = frozenset("台占雇")
KEPT_NAMES = ("余杭", "余姚")
#: A Taiwan village (里) in an address: 安南區 保社里, 龍山里 after a district, township,
#: town or city; OpenCC's phrases read 社里 / 山里 as "in the club / in the mountains" (裏).
VILLAGE_RE = lazy_compile(f"[區鄉鎮市][ \u3000]?[{HAN}]{{1,3}}(里)")
_KEPT_NAMES_RE = lazy_compile("|".join(KEPT_NAMES))


def kept_positions(text: str, positions: Iterable[int] | None = None) -> set[int]:
    """Positions that Traditional text keeps as written: 余杭 / 余姚, the 里 of a village.

    ``positions``: only these are asked about; each is then judged by the few characters
    around it (a kept name or village name is at most 6 characters), not the whole text.
    """
    if positions is None:
        kept = {i for m in _KEPT_NAMES_RE.finditer(text) for i in range(m.start(), m.end())}
        if "里" in text:
            kept |= {m.start(1) for m in VILLAGE_RE.finditer(text)}
        return kept
    kept = set()
    for i in positions:
        if text[i] in "余杭姚里":
            start = max(0, i - 12)
            if i - start in kept_positions(text[start : i + 2]):
                kept.add(i)
    return kept


#: Written Cantonese (Hong Kong) writes the particle 晒 ("all", 食晒) with the
#: Simplified-looking character; it counts as Traditional in text with Cantonese particles.
CANTONESE_RE = re.compile("[嘅啲咗喺冇嘢哋佢]")
CANTONESE_OK = "晒"

#: Hiragana and katakana letters (not the middle dot ・ or the prolonged sound mark ー,
#: which Chinese text uses too): their presence makes a text Japanese, not judged here.
KANA_RE = re.compile("[\u3041-\u3096\u30a1-\u30fa]")
#: Romanisation in parentheses between two Han characters (``規(guī)范``), as a group.
#: (Starts with the parenthesis, and looks behind it for the Han character only once it
#: is found, so that ``re`` scans for the parenthesis fast.)
GLOSS_RE = lazy_compile(
    f"([(（](?<=[{HAN}][(（])[A-Za-z\u00c0-\u024f\u0300-\u036f']{{1,12}}[)）])(?=[{HAN}])"
)
_BLANK_LINE_RE = re.compile(r"\n[ \t\u3000]*\n")


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


def _char_class(chars: str, extra: str = "") -> re.Pattern[str]:
    """A ``[...]`` of ``chars`` (and the class syntax ``extra``), built and compiled on
    first use: most are never needed on clean text, and building them all cost ~6 ms of
    start-up."""
    return lazy_compile(functools.partial(_class_source, chars, extra))


#: Every supplementary-plane character, as class syntax: one range is checked at once.
ASTRAL_RANGE = "\U00010000-\U0010ffff"


def _class_source(chars: str, extra: str = "") -> str:
    """``[...]`` of ``chars``, runs of consecutive code points as ranges.

    Ranges keep the pattern short: ``re`` parses a class member by member, and the
    script classes have thousands of members.
    """
    codes = sorted({ord(c) for c in chars})
    parts: list[str] = []
    start = previous = -2
    for code in [*codes, -2]:
        if code == previous + 1:
            previous = code
            continue
        if start >= 0:
            first, last = _literal(chr(start)), _literal(chr(previous))
            parts.append(first if start == previous else f"{first}-{last}")
        start = previous = code
    return "[" + "".join(parts) + extra + "]"


def _literal(char: str) -> str:
    return "\\" + char if char in _CLASS_SYNTAX else char


_CLASS_SYNTAX = "\\]^[-"


_PYTHON_SCANS = ScanBudget()
#: Characters :meth:`CharClass.count_dense` counts with ``findall`` before it compiles its
#: block pattern (~5 ms, paid back after some 200,000 characters of dense text).
_FINDALL_COUNTS = ScanBudget()
#: Members matched at once by :meth:`CharClass.count_dense`.
COUNT_BLOCK = 256


def _blocks_source(chars: str) -> str:
    """A pattern matching ``COUNT_BLOCK`` members of ``chars`` and whatever lies between."""
    members = _class_source(chars)[1:-1]
    return f"(?:[^{members}]*+[{members}]){{{COUNT_BLOCK}}}"


class CharClass:
    """A large set of characters with a fast ``findall``.

    ``re`` matches a class of Basic Multilingual Plane characters through a bitmap, but
    tries a class with supplementary-plane characters member by member (40x slower), so
    those are kept apart and looked at only when the text has such characters at all.
    """

    ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")

    def __init__(self, chars: str) -> None:
        self.chars = frozenset(chars)
        bmp = "".join(c for c in chars if ord(c) < 0x10000)
        self.bmp = _char_class(bmp)
        self.astral = frozenset(c for c in chars if ord(c) >= 0x10000)
        self.bmp_or_astral = _char_class(bmp, ASTRAL_RANGE)
        self.blocks = lazy_compile(functools.partial(_blocks_source, bmp))
        self.compiled = False
        self.counts_in_blocks = False

    def _in_python(self, text: str) -> bool:
        """True: look ``text`` up in ``chars`` in Python. Short runs never compile the
        class (a few ms each); past the budget it is compiled and used (faster)."""
        if self.compiled:
            return False
        if _PYTHON_SCANS.take(text):
            return True
        self.compiled = True
        return False

    def __contains__(self, char: str) -> bool:
        return char in self.chars

    def find(self, text: str, start: int = 0) -> int | None:
        """Where the first member in ``text`` from ``start`` is (None: nowhere): one
        search, with any supplementary-plane character as a candidate (a range: cheap)."""
        if not self.astral:
            match = self.bmp.search(text, start)
            return match.start() if match else None
        while match := self.bmp_or_astral.search(text, start):
            if match.group() in self.chars:
                return match.start()
            start = match.end()
        return None

    def count_to(self, text: str, limit: int) -> int:
        """:meth:`count`, but at most ``limit``: a few searches where members are dense."""
        found = start = 0
        while found < limit and (at := self.find(text, start)) is not None:
            found += 1
            start = at + 1
        return found

    def search(self, text: str) -> bool:
        if self._in_python(text):
            return not self.chars.isdisjoint(text)
        if self.bmp.search(text):
            return True
        return any(m.group() in self.astral for m in self.ASTRAL_RE.finditer(text))

    def count(self, text: str) -> int:
        """How many characters of ``text`` are in the class (``findall`` stays in C)."""
        if self._in_python(text):
            return sum(map(self.chars.__contains__, text))
        found = len(self.bmp.findall(text))
        if self.astral and self.ASTRAL_RE.search(text):
            found += sum(m.group() in self.astral for m in self.ASTRAL_RE.finditer(text))
        return found

    def count_dense(self, text: str) -> int:
        """:meth:`count`, for text where members are common (Traditional characters in
        Traditional text): ``findall`` makes a string per member, while one match of
        :attr:`blocks` passes ``COUNT_BLOCK`` of them (twice as fast in all)."""
        if not self.counts_in_blocks:
            if _FINDALL_COUNTS.take(text):
                return self.count(text)
            self.counts_in_blocks = True
        found = start = 0
        while (match := self.blocks.match(text, start)) is not None:
            found += COUNT_BLOCK
            start = match.end()
        found += len(self.bmp.findall(text, start))
        if self.astral and self.ASTRAL_RE.search(text):
            found += sum(m.group() in self.astral for m in self.ASTRAL_RE.finditer(text))
        return found

    def positions(self, text: str) -> list[int]:
        if self._in_python(text):
            return [index for index, char in enumerate(text) if char in self.chars]
        found = [m.start() for m in self.bmp.finditer(text)]
        if self.astral and self.ASTRAL_RE.search(text):
            found += [m.start() for m in self.ASTRAL_RE.finditer(text) if m.group() in self.astral]
            found.sort()
        return found


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
        if char in ACCEPTED_IN_TRADITIONAL:
            continue
        strong = char in converted and char not in ACCEPTED_IN_TRADITIONAL
        (st_probe if strong else st_weak_probe)[char] = contexts
    ts_probe = probes("ts-probe")
    variants = pairs("variants")
    simplified_chars = "".join(sections["simplified-only"])
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
        st_weak_chars=_char_class("".join(st_weak_probe)),
        ts_probe=ts_probe,
        ts_probe_chars=_char_class("".join(ts_probe) + "著"),
        foreign={name: frozenset(chars) for name, chars in variants.items()},
        foreign_any=_char_class("".join(variants.values())),
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
            if char not in ACCEPTED_IN_TRADITIONAL:
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
        weak_chars=_char_class("".join(weak)),
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
    return _char_class("".join(t.st_probe) + words().strong + simplified_bmp, ASTRAL_RANGE)


def word_forms(text: str, i: int) -> set[str]:
    """The Traditional forms that CC-CEDICT's words around ``text[i]`` give it.

    The few characters around ``i`` are read as Simplified (``以后`` and ``以後`` alike)
    and every word of 2-4 characters that covers ``i`` is looked up: ``一个人`` → {個}
    (一個, 個人), ``合并且`` → {併, 並} (合併, 並且), ``皇后`` → {后}, ``以后`` → {後}. Empty:
    no word covers it.
    """
    start = max(0, i - WORD_LENGTH + 1)
    return set(_forms_at(text[start : i + WORD_LENGTH], i - start))


@functools.lru_cache(maxsize=4096)
def _forms_at(around: str, k: int) -> frozenset[str]:
    """:func:`word_forms` of ``around[k]``, ``around`` holding the characters it needs
    (remembered: the same few characters come back in a text and its repair passes)."""
    w, table = words(), word_table()
    key = around.translate(w.t2s)
    found: set[str] = set()
    for length in range(2, WORD_LENGTH + 1):
        for offset in range(length):
            first = k - offset
            if first < 0 or first + length > len(key):
                continue
            word = key[first : first + length]
            spellings = table.get(word)
            if spellings is None:
                continue
            ordinal = sum(c in w.chars for c in word[:offset])
            found.update(spelling[ordinal] for spelling in spellings.split(" "))
    return frozenset(found)


#: Numerals and demonstratives before a measure word (``3个``, ``两个``, ``5万``): CC-CEDICT
#: lists 這個 and 幾個 but not every number, so these decide the classifier ``个`` → 個,
#: the number ``万`` → 萬 and ``余`` → 餘 ("more than": ``20余國`` → 20餘國; the surname
#: 余 does not follow a numeral) where no word does.
NUMERALS = frozenset(
    "0123456789０１２３４５６７８９〇零一二两兩三四五六七八九十百千万萬亿億几幾每某半"
)
MEASURE_FORMS = {"个": "個", "万": "萬", "余": "餘"}


def measure_forms(text: str, i: int) -> set[str]:
    """``{個}`` for ``个`` after a numeral (``6个``), ``{萬}`` for ``万``, ``{餘}`` for ``余``
    likewise; else empty."""
    form = MEASURE_FORMS.get(text[i])
    if form is None or not i or text[i - 1] not in NUMERALS:
        return set()
    return {form}


# -- units ---------------------------------------------------------------------------------


def units(doc: Document) -> list[tuple[int, int]]:
    """The spans judged on their own: the text, its records (JSON) or paragraph blocks."""
    text = doc.text
    spans: list[tuple[int, int]] = []
    start = 0
    if doc.kind == "json":
        for line in text.splitlines(keepends=True):
            spans.append((start, start + len(line)))
            start += len(line)
        return spans
    if len(text) <= LONG_TEXT:
        return [(0, len(text))]
    t = tables()
    finders = {
        HANS: _finder(text, t.simplified_only),
        HANT: _finder(text, t.traditional_only),
    }
    _SEEN[id(t.simplified_only)] = (text, finders[HANS](0) is not None)
    _SEEN[id(t.traditional_only)] = (text, finders[HANT](0) is not None)
    if not (_has(text, t.simplified_only) and _has(text, t.traditional_only)):
        return [(0, len(text))]
    runs = _paragraph_runs(len(text), _deciding_paragraphs(text, finders))
    _SEEN["runs"] = (text, runs)
    return [(start, end) for start, end, _, _ in runs]


#: ``(start, end, simplified, traditional)``: a paragraph and its script-only characters
Paragraph = tuple[int, int, int, int]
#: ``(start, end, has_simplified, has_traditional)``: a run of paragraphs
Run = tuple[int, int, bool, bool]


def _paragraph_runs(length: int, paragraphs: Iterable[Paragraph]) -> list[Run]:
    """Runs of paragraphs of one majority script, from ``(start, end, simplified,
    traditional)`` (the counts of script-only characters) of the paragraphs (ascending)
    that may start one; the text is ``length`` characters long. Each run comes with
    whether it holds Simplified-only and Traditional-only characters at all.

    A paragraph joins the run before it when it has no majority (no script-specific
    characters, or as many of each) or the run's; otherwise it starts a run. Paragraphs
    not given are known to join, without a character of the other script.
    """
    runs: list[Run] = []
    current: str | None = None
    for start, end, simplified, traditional in paragraphs:
        script = HANS if simplified > traditional else HANT if traditional > simplified else None
        if runs and (script is None or current is None or script == current):
            first, _, has_s, has_t = runs[-1]
            runs[-1] = (first, end, has_s or simplified > 0, has_t or traditional > 0)
            current = current or script
        else:
            if runs:  # the paragraphs in between joined the run before
                runs[-1] = (runs[-1][0], start, *runs[-1][2:])
            # the first run: paragraphs before it had no script-specific character
            runs.append((start if runs else 0, end, simplified > 0, traditional > 0))
            current = script
    if not runs:
        return [(0, length, False, False)]
    runs[-1] = (runs[-1][0], length, *runs[-1][2:])
    return runs


def _counts(paragraph: str) -> tuple[int, int]:
    t = tables()
    return t.simplified_only.count(paragraph), t.traditional_only.count(paragraph)


def _majority_counts(paragraph: str) -> tuple[int, int]:
    """:func:`_counts`, the Traditional count cut at one more than the Simplified one: what
    a run split needs (which script has more, whether each is there at all), without
    finding every character of a Traditional paragraph."""
    t = tables()
    simplified = t.simplified_only.count(paragraph)
    return simplified, t.traditional_only.count_to(paragraph, simplified + 1)


def _all_paragraphs(text: str) -> Iterator[Paragraph]:
    """Every paragraph (split after each blank line) with its script: the reference."""
    start = 0
    for end in [*(m.end() for m in _BLANK_LINE_RE.finditer(text)), len(text)]:
        yield start, end, *_counts(text[start:end])
        start = end


def _deciding_paragraphs(
    text: str, finders: dict[str, Callable[[int], int | None]]
) -> Iterator[Paragraph]:
    """The paragraphs whose script can start a new run, found by searching the text.

    In a run of one script, a paragraph without a character of the other script joins
    it whatever it holds; so from the end of each counted paragraph the next one to count
    is the one holding the next character of the other script (of either script, while
    no majority has shown). Clean text of one script is a single search. The paragraphs
    are those of :func:`_all_paragraphs`, found around that character only
    (counted as :func:`_majority_counts` counts them).
    """
    current: str | None = None
    end = 0
    while end < len(text):
        if current is None:
            found = [at for at in (finders[HANS](end), finders[HANT](end)) if at is not None]
            at = min(found) if found else None
        else:
            at = finders[HANS if current == HANT else HANT](end)
        if at is None:
            return
        start = _paragraph_start(text, at)
        match = _BLANK_LINE_RE.search(text, at)
        end = match.end() if match else len(text)
        simplified, traditional = _majority_counts(text[start:end])
        yield start, end, simplified, traditional
        script = HANS if simplified > traditional else HANT if traditional > simplified else None
        current = (current or script) if script is None or script == current else script


_WHITE = " \t\u3000\n"


def _paragraph_start(text: str, at: int) -> int:
    """Where the paragraph holding ``text[at]`` (not white space) starts: after the last
    blank line before it, as a scan for blank lines from the start finds them.

    Blank lines lie in runs of white space; a scan from the start enters each run
    outside a match, so replaying it on the run alone gives the same matches.
    """
    newline = text.rfind("\n", 0, at)
    while newline != -1:
        first = newline
        while first and text[first - 1] in _WHITE:
            first -= 1
        last = newline + 1
        while last < at and text[last] in _WHITE:
            last += 1
        breaks = [m.end() for m in _BLANK_LINE_RE.finditer(text, first, last)]
        if breaks:
            return breaks[-1]
        newline = text.rfind("\n", 0, first)
    return 0


def _finder(text: str, chars: CharClass) -> Callable[[int], int | None]:
    """``find(start)``: :meth:`CharClass.find` in ``text``, remembering the searches done
    (the paragraph split and then :func:`judge` ask again)."""
    # From starts[k] the answer is found[k]; so it is from any start in between.
    starts: list[int] = []
    found: list[int | None] = []

    def find(start: int) -> int | None:
        k = bisect.bisect_right(starts, start) - 1
        if k >= 0 and (found[k] is None or start <= found[k]):  # type: ignore[operator]
            return found[k]
        at = chars.find(text, start)
        starts.insert(k + 1, start)
        found.insert(k + 1, at)
        return at

    return find


def _has(text: str, chars: CharClass) -> bool:
    """``chars.search(text)``, remembered for a long text (see :func:`_remembered`)."""
    seen = _SEEN.get(id(chars))
    if seen is not None and seen[0] is text:
        return bool(seen[1])
    if len(text) <= LONG_TEXT:
        return chars.search(text)
    return _remembered(id(chars), text, lambda: chars.find(text) is not None)


#: Answers about the text being checked, by question: :func:`units` and :func:`judge`
#: ask the same ones (each a scan of the whole text). Kept with the text they are about,
#: until :func:`check_mixed_script` is done with it.
_SEEN: dict[object, tuple[str, Any]] = {}


def _remembered(question: object, text: str, answer: Callable[[], T]) -> T:
    seen = _SEEN.get(question)
    if seen is not None and seen[0] is text:
        return seen[1]  # type: ignore[no-any-return]
    value = answer()
    _SEEN[question] = (text, value)
    return value


# -- converting many short pieces ----------------------------------------------------------

#: :func:`convert_all` names for OpenCC's phrase dictionaries alone (:func:`convert_phrases`).
PHRASES_ST, PHRASES_TS = "phrases st", "phrases ts"
#: Pieces (windows of a text) already converted, per configuration. The same windows come
#: back when a text is judged again without its glosses, and in its repair passes (only the
#: repaired spots change); a conversion is a pure function of the piece, so the answers are
#: kept across texts: pieces of up to ``REMEMBERED_LENGTH`` characters, at most
#: ``REMEMBERED_PIECES`` in all (~11 MB; then the memo starts afresh). A damaged text of
#: 0.4 MB leaves some 6,000.
_CONVERTED: dict[str, dict[str, str]] = {}
REMEMBERED_LENGTH = 64
REMEMBERED_PIECES = 50_000


def convert_all(pieces: Sequence[str], config: str) -> list[str]:
    """Each piece through ``config`` (an OpenCC configuration, or ``PHRASES_ST`` /
    ``PHRASES_TS``), with one OpenCC call for every piece not converted before.

    An OpenCC call costs ~2 µs before its first character (~0.05 µs each), and the rule
    converts thousands of 17-character windows of a damaged text. The pieces are joined
    with line breaks: no entry of OpenCC's dictionaries (line-based files) holds one, so no
    phrase matches across a break and each piece comes out as it would alone (checked by
    ``tests/test_script_speed.py``). By the same token a piece holding line breaks comes
    out line for line: the lines of the output are handed back piece by piece.
    """
    if not pieces:
        return []
    if sum(map(len, _CONVERTED.values())) > REMEMBERED_PIECES:
        _CONVERTED.clear()
    memo = _CONVERTED.setdefault(config, {})
    new = [piece for piece in dict.fromkeys(pieces) if piece not in memo]
    if not new:
        return [memo[piece] for piece in pieces]
    done: dict[str, str] = {}
    lines = _convert_one("\n".join(new), config).split("\n")
    counts = [piece.count("\n") + 1 for piece in new]
    if len(lines) == sum(counts):
        at = 0
        for piece, count in zip(new, counts, strict=True):
            done[piece] = lines[at] if count == 1 else "\n".join(lines[at : at + count])
            at += count
    else:  # never seen: OpenCC wrote or removed a line break
        done = {piece: _convert_one(piece, config) for piece in new}
    memo.update((piece, out) for piece, out in done.items() if len(piece) <= REMEMBERED_LENGTH)
    return [done[piece] if piece in done else memo[piece] for piece in pieces]


def _convert_one(text: str, config: str) -> str:
    if config == PHRASES_ST:
        return convert_phrases(text, "st")
    if config == PHRASES_TS:
        return convert_phrases(text, "ts")
    return convert(text, config)


# -- probes --------------------------------------------------------------------------------


def _windows(text: str, positions: list[int]) -> list[tuple[int, int, list[int]]]:
    """Merged ``[start, end)`` windows of ``WINDOW`` characters around the (sorted)
    positions, each with the positions it holds."""
    windows: list[tuple[int, int, list[int]]] = []
    start, end = 0, -1
    members: list[int] = []
    for position in positions:
        if position - WINDOW > end:
            if members:
                windows.append((start, end, members))
            start, members = max(0, position - WINDOW), []
        end = min(len(text), position + WINDOW + 1)
        members.append(position)
    if members:
        windows.append((start, end, members))
    return windows


def _same_length(original: str, converted: str) -> bool:
    return len(original) == len(converted)


def simplified_phrase_hits(
    text: str, probe_at: list[int] | None = None, *, weak: bool = False
) -> list[int]:
    """Characters valid in both scripts that a phrase or word turns into another
    Traditional form.

    ``紅安干部`` → the 干 (干部 → 幹部); ``戰斗`` → the 斗 (战斗 → 戰鬥). ``干擾``, ``若干部分``
    (若干 is the phrase), ``新征程`` (征程 keeps 征), ``岳勇`` (no phrase) give nothing.
    OpenCC's phrases first, then CC-CEDICT's words (:func:`word_remnants`).
    ``probe_at``: the positions of probed characters (:func:`hant_scan`), when the caller
    has found them. ``weak``: probe the characters that are their own default instead
    (``關系`` → 係, but also Taiwan's legitimate ``公布`` → 佈).
    """
    t = tables()
    if weak:
        probe = t.st_weak_probe
        probe_at = [m.start() for m in t.st_weak_chars.finditer(text)]
        word_at = [m.start() for m in words().weak_chars.finditer(text)]
    else:
        probe = t.st_probe
        if probe_at is None:
            probe_at = [m.start() for m in hant_scan().finditer(text)]
        word_at = probe_at
    candidates = []
    for i in probe_at:
        contexts = probe.get(text[i])
        if contexts is None:
            continue
        left, right = contexts
        if (i > 0 and text[i - 1] in left) or (i + 1 < len(text) and text[i + 1] in right):
            candidates.append(i)
    hits = _phrase_hits(text, candidates, weak) if candidates else []
    hits += word_remnants(text, word_at, weak=weak)
    if not hits:
        return []
    kept = kept_positions(text, hits)
    return sorted({i for i in hits if i not in kept})


def _phrase_hits(text: str, candidates: list[int], weak: bool) -> list[int]:
    """The ``candidates`` that OpenCC's phrases change, converting a window around each."""
    windows = _windows(text, candidates)
    pieces = [text[start:end] for start, end, _ in windows]
    simplified = convert_all(pieces, "t2s")
    decided = convert_all(simplified, PHRASES_ST)
    # The phrase's form in each standard (覈 is 核 in Taiwan text): any one will do.
    regional = [convert_all(decided, config) for config in BETWEEN_STANDARDS.values()]
    changed: list[tuple[int, str]] = []  # a changed candidate, the Simplified text from it
    for n, (start, _, members) in enumerate(windows):
        window = pieces[n]
        forms = [decided[n], *(converted[n] for converted in regional)]
        if not _same_length(window, simplified[n]) or any(len(f) != len(window) for f in forms):
            continue
        for i in members:
            k, char = i - start, text[i]
            for form in forms:
                if form[k] == char:
                    break
            else:
                changed.append((i, simplified[n][k : k + WINDOW]))
    if weak:
        return [i for i, _ in changed]
    # A phrase that starts here and keeps the character outvotes one that ends here
    # (新征程: 征程 keeps 征 against 新征 → 新徵). Probed characters are never their own
    # default, so an unchanged start means such a phrase matched.
    starts = convert_all([reading for _, reading in changed], "s2t")
    return [
        i for (i, reading), start in zip(changed, starts, strict=True) if start[0] != reading[0]
    ]


def word_remnants(text: str, probe_at: list[int] | None = None, *, weak: bool = False) -> list[int]:
    """Characters valid in both scripts that CC-CEDICT's words give another Traditional form.

    ``以后`` → the 后 (以後), ``关于``/``對于`` → the 于, ``客户`` in Taiwan text → the 户 (客戶;
    Hong Kong writes 客户). Only where every word covering the character agrees that it
    changes: ``皇后`` (后 kept), ``了解`` (了解 and 瞭解 are both words) give nothing, nor
    does a character no word covers (``岳勇``) or one that an OpenCC phrase keeps (the
    poet ``余光中``: CC-CEDICT has only 餘光). After a numeral ``万`` is 萬 (``3万``).
    ``weak``: the characters whose OpenCC default is themselves (系 → 係 in 關系) instead.
    ``probe_at``: positions to look at (others are skipped); default: every probed one.
    """
    w = words()
    if probe_at is None:
        chars = w.weak_chars if weak else hant_scan()
        probe_at = [m.start() for m in chars.finditer(text)]
    candidates = []
    for i in probe_at:
        char = text[i]
        contexts = w.probe.get(char)
        if contexts is None or (char in w.weak) != weak:
            continue
        left, right = contexts
        if (
            (i > 0 and text[i - 1] in left)
            or (i + 1 < len(text) and text[i + 1] in right)
            or (not weak and i and char in MEASURE_FORMS and text[i - 1] in NUMERALS)
        ):
            candidates.append(i)
    found = []
    standard = None
    for i in candidates:
        char = text[i]
        spellings = word_forms(text, i)
        if char in spellings:
            continue  # a word keeps it, in any standard
        if standard is None:
            standard = standard_of(text)
        forms = {in_standard(form, standard) for form in spellings}
        forms |= measure_forms(text, i)
        if forms and char not in forms:
            found.append(i)
    if weak or not found:
        return found
    kept = _kept_by_phrases(text, found)
    return [i for i in found if i not in kept]


#: Shared characters that Traditional text writes, where no word covers them, almost only
#: as a Simplified remnant (their form in the text's standard is another: 后 → 後, 于 → 於,
#: 里 → 裡/裏, 厂 → 廠, 广 → 廣, 种 → 種, 采 → 採, 伙 → 夥, 户 → 戶 (Taiwan), 么 → 麼,
#: 着 → 著 (Taiwan), 云 → 雲, 叶 → 葉, 党 → 黨, 咨 → 諮, 几 → 幾). In a text that is mixed
#: anyway, such a character is reported as needing review (see :func:`undecided_positions`);
#: it never makes a text mixed. Left out, as the clean corpus writes them bare: 准 (簽准),
#: and the surnames and name characters 余 岳 范 涂 游 杰 郁 朴 (余 after a numeral is
#: decided: 20余國 → 餘).
UNDECIDED_IN_TRADITIONAL = "后于里厂广种采伙户么着云叶党咨几"
#: What follows a name (``于卓民，``, ``于右任先生``): 于 read as a surname there stays.
NAME_END_RE = lazy_compile(
    f"[^{HAN}0-9０-９]|$|先生|女士|小姐|教授|老師|博士|委員|議員|部長|院長|市長|主任|董事|"
    "總統|等人|[等與和及、]"
)


def undecided_positions(text: str, standard: str, taken: Iterable[int] = ()) -> list[int]:
    """Characters of :data:`UNDECIDED_IN_TRADITIONAL` in Traditional ``text`` (written in
    ``standard``) that no word or phrase decides: remnants more likely than not, to review.

    Left alone: a character a CC-CEDICT word covers (``皇后``, ``太后``, ``影后``: kept; ``以后``
    is a word remnant already), one an OpenCC phrase keeps (``于右任``), one whose form in
    the standard is itself (户 and 着 in Hong Kong text), ``于`` where it reads as a surname
    (before a one- or two-character given name that ends the name: ``與于卓民，``), ``里``
    unless it follows a letter, digit or sign or comes before 的 (``運算式 里``, ``物件里的``:
    the postposition 裡; a transliteration such as ``佛里曼`` stays), 余杭 / a village 里.
    ``taken``: positions already judged (skipped).
    """
    skip = set(taken)
    found = []
    config = TO_TRADITIONAL[standard]
    for match in _undecided_class().finditer(text):
        i, char = match.start(), match.group()
        if i in skip or _char_converted(char, config) == char:
            continue
        if char == "里" and not (
            (i and not HAN_RE.match(text, i - 1)) or text.startswith("的", i + 1)
        ):
            continue
        if char == "于" and _surname_shaped(text, i):
            continue
        if word_forms(text, i):
            continue
        found.append(i)
    if not found:
        return found
    kept = kept_positions(text, found) | _kept_in_standard(text, found, config)
    return [i for i in found if i not in kept]


@functools.cache
def _undecided_class() -> re.Pattern[str]:
    return re.compile(f"[{UNDECIDED_IN_TRADITIONAL}]")


def _surname_shaped(text: str, i: int) -> bool:
    """True when ``text[i]`` starts what reads as a name: one or two Han characters after
    it and then the end of the name (a sign, a title, 等 / 與 …)."""
    for end in (i + 2, i + 3):
        if end > len(text) or not HAN_RE.match(text, end - 1):
            return False
        if NAME_END_RE.match(text, end):
            return True
    return False


@functools.cache
def _char_converted(char: str, config: str) -> str:
    return convert(char, config)


def _simplified_windows(text: str, positions: list[int]) -> tuple[list[int], list[str]]:
    """The start of the window around each position, and its Simplified reading (t2s)."""
    starts = [max(0, i - WINDOW) for i in positions]
    pieces = [text[start : i + WINDOW + 1] for start, i in zip(starts, positions, strict=True)]
    return starts, convert_all(pieces, "t2s")


def _kept_in_standard(text: str, positions: list[int], config: str) -> set[int]:
    """The positions where OpenCC (``config``), converting the Simplified reading of the
    window around each, keeps the character: a phrase covers it and keeps it (a name,
    ``于右任``); or the conversion changes the window's length (nothing to compare)."""
    starts, simplified = _simplified_windows(text, positions)
    kept = set()
    for i, start, converted in zip(positions, starts, convert_all(simplified, config), strict=True):
        if (
            len(converted) != min(len(text), i + WINDOW + 1) - start
            or converted[i - start] == text[i]
        ):
            kept.add(i)
    return kept


def _kept_by_phrases(text: str, positions: list[int]) -> set[int]:
    """The positions whose character (one whose default is another form) OpenCC keeps,
    converting the Simplified reading of the window around each: one of its phrases covers
    it and keeps it — often a name (``余光中``, where CC-CEDICT knows only 餘光).
    """
    starts, simplified = _simplified_windows(text, positions)
    kept = set()
    for i, start, converted in zip(positions, starts, convert_all(simplified, "s2t"), strict=True):
        if (
            len(converted) == min(len(text), i + WINDOW + 1) - start
            and converted[i - start] == text[i]
        ):
            kept.add(i)
    return kept


def traditional_phrase_hits(text: str) -> list[int]:
    """Characters valid in both scripts that Simplified writes otherwise, by phrase.

    ``凭藉`` → the 藉 (憑藉 → 凭借, OpenCC's TSPhrases); ``关於`` → the 於 (the phrase 关于 is
    關於 in Traditional: STPhrases read backwards); ``有著`` / ``著力`` → the 著 (our table in
    :mod:`cnfix.adapters.opencc`). ``樊於期`` (a TSPhrases name that keeps 於) gives nothing.
    """
    t = tables()
    candidates = []
    for match in t.ts_probe_chars.finditer(text):
        i = match.start()
        char = match.group()
        if char in t.ts_probe:
            left, right = t.ts_probe[char]
            if (i > 0 and text[i - 1] in left) or (i + 1 < len(text) and text[i + 1] in right):
                candidates.append(i)
    hits = set(zhe_positions(text))
    windows = _windows(text, candidates)
    pieces = [text[start:end] for start, end, _ in windows]
    simplified_all = convert_all(pieces, "t2s")
    traditional_all = convert_all(pieces, "s2t")
    by_ts_all = convert_all(traditional_all, PHRASES_TS)
    by_st_all = convert_all(simplified_all, PHRASES_ST)
    for n, (start, _, members) in enumerate(windows):
        window, simplified, traditional = pieces[n], simplified_all[n], traditional_all[n]
        by_ts, by_st = by_ts_all[n], by_st_all[n]
        if not all(len(form) == len(window) for form in (simplified, traditional, by_ts, by_st)):
            continue
        for i in members:
            k, char = i - start, text[i]
            if simplified[k] == char:
                continue  # OpenCC's t2s keeps it here
            if by_ts[k] != char or by_st[k] == char:
                hits.add(i)
    return sorted(hits)


# -- judging a unit ------------------------------------------------------------------------


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


def standard_of(text: str) -> str:
    """The Traditional variant standard ``text`` uses: ``tw``, ``hk`` or ``opencc``.

    The standard with the fewest forms foreign to it wins (ties: Taiwan, then Hong Kong):
    為/裡/眾 → Taiwan, 為/説/税 → Hong Kong, 爲/裏/衆 → OpenCC's.
    """
    return _remembered("standard", text, lambda: _standard_of(text))


def _standard_of(text: str) -> str:
    counts = _foreign_counts(text)
    return min(("tw", "hk", "opencc"), key=lambda name: counts[name])


def _foreign_counts(text: str) -> dict[str, int]:
    """Per standard, how many characters of ``text`` it writes otherwise."""
    return _remembered("foreign", text, lambda: _count_foreign(text))


def _count_foreign(text: str) -> dict[str, int]:
    t = tables()
    found = Counter(t.foreign_any.findall(text))  # one search for the forms of all standards
    return {
        name: sum(n for char, n in found.items() if char in t.foreign[name])
        for name in ("tw", "hk", "opencc")
    }


def close_standards(text: str) -> tuple[str, ...]:
    """The other standards ``text`` may as well be written in: with no foreign form either
    when the text's standard (:func:`standard_of`) has none (a text with neither 為 nor 爲,
    neither 裡 nor 裏, … does not tell Taiwan from OpenCC's standard), else with at most
    twice as many (a text with 為 ×7 and 爲 ×6). One marker decides (這裡: Taiwan)."""
    counts = _foreign_counts(text)
    best = standard_of(text)
    limit = 2 * counts[best]
    return tuple(name for name in ("tw", "hk", "opencc") if name != best and counts[name] <= limit)


def _in_own_standard(
    text: str, i: int, change: tuple[str, bool, str], standard: str, others: tuple[str, ...]
) -> tuple[str, bool, str]:
    """``change`` of ``text[i]`` (a safe one into Traditional ``standard``), checked against
    the text's own spelling where the standards write the character differently (為 in
    Taiwan and Hong Kong, 爲 in OpenCC's): the one form the text writes elsewhere is taken; when it
    writes both or neither and the text's standard is not clear (``others``: the standards
    as likely, :func:`close_standards`), the change needs review, with those forms."""
    forms = _standard_forms(change[0], standard, ("tw", "hk", "opencc"))
    if len(forms) < 2:
        return change
    counts = _remembered("counts", text, dict)  # how often the text writes each form
    for form in forms:
        if form not in counts:
            counts[form] = text.count(form)
    written = [form for form in forms if counts[form] > (form == text[i])]
    if len(written) == 1:
        return written[0], True, ""
    if others:
        close = _standard_forms(change[0], standard, others)
        if len(close) > 1:
            return change[0], False, close
    return change


@functools.cache
def _standard_forms(form: str, standard: str, others: tuple[str, ...]) -> str:
    """``form`` (written in ``standard``) followed by its other forms in ``others``."""
    opencc_form = convert(form, FROM_STANDARD[standard]) if standard in FROM_STANDARD else form
    found = form
    for other in others:
        config = BETWEEN_STANDARDS.get(other)
        written = convert(opencc_form, config) if config else opencc_form
        if len(written) == 1 and written not in found:
            found += written
    return found


def judge(text: str, *, count_clean: bool = True) -> Verdict | None:
    """Count both scripts in ``text`` and find the minority positions (None: nothing to judge).

    With ``count_clean=False`` a text in one script without phrase hits is not counted
    (the common case, kept fast: one pass of a character class over the text): its
    verdict has zero counts and no minority.
    """
    return _judge(text, count_clean, quick=False)


def _judge(text: str, count_clean: bool, quick: bool) -> Verdict | None:
    """:func:`judge`; ``quick``: where the minority holds script-only characters, its
    phrase hits are not looked for (the verdict only tells whether there is a minority:
    enough before judging a text again without its glosses)."""
    t = tables()
    if _has(text, t.traditional_only):
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
        if simplified_at and _cantonese(text):
            simplified_at = [i for i in simplified_at if text[i] not in CANTONESE_OK]
        if not simplified_at:
            hits = simplified_phrase_hits(text, probe_at)
            if not hits and not count_clean:
                return Verdict(0, 0, HANT, ())
        # Traditional text needs only the count of its Traditional-only characters.
        simplified = len(simplified_at)
        traditional = _remembered("traditional", text, lambda: t.traditional_only.count_dense(text))
        if traditional > simplified:
            if simplified_at:
                hits = [] if quick else simplified_phrase_hits(text, probe_at)
            minority = sorted({*simplified_at, *hits})
            return _judged(text, Verdict(simplified, traditional, HANT, tuple(minority)))
    elif _has(text, t.simplified_only):
        traditional = 0
        hits = traditional_phrase_hits(text)
        if not hits and not count_clean:
            return Verdict(0, 0, HANS, ())
        simplified = t.simplified_only.count(text)
    else:
        return None
    if simplified > traditional:
        traditional_at = t.traditional_only.positions(text) if traditional else []
        if traditional_at:
            hits = [] if quick else traditional_phrase_hits(text)
        minority = sorted({*traditional_at, *hits})
        return _judged(text, Verdict(simplified, traditional, HANS, tuple(minority)))
    return _judged(text, Verdict(simplified, traditional, None, ()))


#: What :func:`_markers` looks for: kana and the Cantonese particles, in one search.
_MARKERS_RE = re.compile(f"{KANA_RE.pattern}|{CANTONESE_RE.pattern}")


def _markers(text: str) -> tuple[bool, bool]:
    """Whether ``text`` holds kana (Japanese), and Cantonese particles: one search for
    both (remembered: asked again of the text without its glosses)."""

    def search() -> tuple[bool, bool]:
        found = set(_MARKERS_RE.findall(text))
        return any(KANA_RE.match(c) for c in found), any(CANTONESE_RE.match(c) for c in found)

    return _remembered("markers", text, search)


def _cantonese(text: str) -> bool:
    """True when ``text`` holds written Cantonese particles."""
    return _markers(text)[1]


def _judged(text: str, verdict: Verdict) -> Verdict | None:
    """``verdict``, unless the text is Japanese (kana present): not judged."""
    return None if _markers(text)[0] else verdict


# -- repairs -------------------------------------------------------------------------------


class Change(NamedTuple):
    """One character to replace, with how sure the conversion is (a named tuple: a
    damaged text has thousands)."""

    position: int
    replacement: str
    safe: bool
    #: the target's candidates for a one-to-many character (並併幷), else ""
    candidates: str
    #: a variant of another Traditional standard (爲 → 為 for ``--to tw``), not a script change
    variant: bool = False


def _convert_positions(
    text: str,
    positions: list[int],
    target: str,
    standard: str,
    source: str,
    unsure: frozenset[int] = frozenset(),
    undecided: frozenset[int] = frozenset(),
    others: tuple[str, ...] = (),
) -> list[Change]:
    """Phrase-aware conversion of windows around ``positions``; only those positions change.

    Into Traditional, the window is first read as Simplified (``戰斗`` → ``战斗``, from the
    ``source`` standard) so that OpenCC's phrases match, then converted into ``standard``;
    into Simplified, it is read as Traditional for TSPhrases. Either way only the given
    positions are taken from the result. A character with several candidates in the
    target (``并`` → 並/併/幷) is safe only when a phrase decides it. ``unsure``: positions
    that are unsafe unless the text's own spelling decides them (weak hits, and the
    ``undecided`` ones, whose candidates are the standard's form and the character itself).
    """
    t = tables()
    changes = []
    windows = _windows(text, positions)
    pieces = [text[start:end] for start, end, _ in windows]
    if target == HANT:
        keys = convert_all(pieces, TO_SIMPLIFIED[source])
        conversions = convert_all(keys, TO_TRADITIONAL[standard])
        phrased = convert_all(keys, PHRASES_ST)
        candidates_of = t.st_candidates
    else:
        keys = convert_all(pieces, "s2t")
        conversions = convert_all(pieces, TO_SIMPLIFIED[source])
        phrased = convert_all(keys, PHRASES_TS)
        # STPhrases read backwards: 关于 → 關於 decides 於 → 于 after 关.
        backwards_all = convert_all(conversions, PHRASES_ST)
        candidates_of = t.ts_candidates
    word_chars = words().chars
    for n, (start, _, members) in enumerate(windows):
        window, key, converted, by_phrase = pieces[n], keys[n], conversions[n], phrased[n]
        if not len(window) == len(key) == len(converted) == len(by_phrase):
            continue
        decided_at: set[int] = set()  # window offsets a phrase (or our 著 table) decides
        if target == HANS:
            backwards = backwards_all[n]
            if len(backwards) != len(window):
                continue
            decided_at = {k for k, c in enumerate(window) if backwards[k] == c != converted[k]}
            decided_at |= set(zhe_positions(converted))
        for i in members:
            k = i - start
            change = None
            if (
                target == HANT
                and by_phrase[k] == key[k]
                and key[k] in word_chars
                and key[k] not in ACCEPTED_IN_TRADITIONAL
            ):
                change = _word_change(key, k, standard, converted[k])
                if change is not None and i in unsure:
                    replacement, safe, candidates = change
                    if not _variant_standard(text, i, replacement):
                        # a character Taiwan writes as it is (公布): review
                        change = replacement, False, candidates or replacement
            if change is None:
                lookup = key[k] if target == HANT else text[i]
                candidates = candidates_of.get(lookup, "")
                safe = (
                    by_phrase[k] != key[k]
                    or k in decided_at
                    or len(candidates) < 2
                    or (target == HANS and text[i] in t.traditional_only)
                ) and (i not in unsure or _variant_standard(text, i, converted[k]))
                change = converted[k], safe, "" if safe else candidates
                if i in undecided:  # the standard's form or the character itself
                    change = converted[k], False, converted[k] + text[i]
                elif safe and target == HANT and by_phrase[k] != key[k] and len(candidates) > 1:
                    disputed = _disputed(key, k, standard, converted[k])
                    if disputed:
                        change = disputed[0], False, disputed
            if target == HANT:
                spelled = _spelled_in_text(text, key, converted, k, change[0])
                if spelled is not None:
                    change = spelled, True, ""
            if target == HANT and standard == source and change[1]:
                change = _in_own_standard(text, i, change, standard, others)
            if change[0] != text[i]:
                changes.append(Change(i, *change))
    return changes


def _disputed(key: str, k: int, standard: str, form: str) -> str:
    """The candidates, ``form`` first, when CC-CEDICT's words around ``key[k]`` (the
    Simplified reading) give it another Traditional form than the OpenCC phrase that
    decided ``form`` (``历年``: OpenCC 曆年, CC-CEDICT 曆年 "calendar year" and 歷年 "over the
    years"; ``惊叹号``: 驚歎號, and Taiwan's 驚嘆號); "" when they agree or none covers it."""
    forms = {in_standard(other, standard) for other in word_forms(key, k)}
    if not forms or forms == {form}:
        return ""
    if len(forms) == 1 and key[k] not in forms:
        # the words agree on another change (复杂 → 複雜): theirs first; where they keep
        # the character (伙伴, a Traditional spelling too), the phrase's form (夥伴) first
        return next(iter(forms)) + form
    return form + "".join(sorted(forms - {form}))


def _spelled_in_text(text: str, key: str, converted: str, k: int, form: str) -> str | None:
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


@functools.cache
def _spelling_chars() -> frozenset[str]:
    """The characters of the words that have a second Traditional spelling (``ts-spellings``)."""
    return frozenset("".join(tables().ts_spellings))


def _word_change(key: str, k: int, standard: str, default: str) -> tuple[str, bool, str] | None:
    """How CC-CEDICT's words decide ``key[k]`` (the Simplified reading of the text) into
    Traditional ``standard``: ``(replacement, safe, candidates)``; None when no word does.

    Asked only where no OpenCC phrase decides. One form: safe (``一个人`` → 個: 個人 is a
    word; ``6个`` → 個, a numeral before the measure word). Several (``合并且``: 合併,
    並且): unsafe, with these candidates, ``default`` (OpenCC's conversion) first when it
    is one of them.
    """
    forms = {in_standard(form, standard) for form in word_forms(key, k)}
    forms |= measure_forms(key, k)
    if not forms:
        return None
    if len(forms) == 1:
        return next(iter(forms)), True, ""
    ordered = sorted(forms, key=lambda form: (form != default, form))
    return ordered[0], False, "".join(ordered)


def _variant_standard(text: str, i: int, form: str) -> bool:
    """True when ``text`` spells a word around ``i`` the way CC-CEDICT records only as a
    variant of a word that has ``form`` at ``i`` (``關系`` is a variant of 關係), and no
    other word covering ``i`` reads otherwise (``相關系統``: 系統 keeps 系)."""
    if word_forms(text, i) != {form}:
        return False
    variant_of = words().variant_of
    for length in range(2, WORD_LENGTH + 1):
        for first in range(max(0, i - length + 1), min(i, len(text) - length) + 1):
            word = variant_of.get(text[first : first + length])
            if word is not None and word[i - first] == form:
                return True
    return False


@functools.cache
def in_standard(char: str, standard: str) -> str:
    """A CC-CEDICT Traditional character (mostly Taiwan forms: 裡 為) in ``standard``."""
    opencc_form = convert(char, "tw2t")
    if standard in BETWEEN_STANDARDS:
        return convert(opencc_form, BETWEEN_STANDARDS[standard])
    return opencc_form


def _variant_changes(unit: str, source: str, standard: str) -> list[Change]:
    """Characters of a Traditional unit that ``standard`` writes otherwise (爲 → 為 for tw)."""
    opencc_form = convert(unit, FROM_STANDARD[source]) if source in FROM_STANDARD else unit
    if standard in BETWEEN_STANDARDS:
        converted = convert(opencc_form, BETWEEN_STANDARDS[standard])
    else:
        converted = opencc_form
    if len(converted) != len(unit):
        return []
    return [
        Change(k, new, True, "", variant=True)
        for k, (old, new) in enumerate(zip(unit, converted, strict=True))
        if old != new
    ]


# -- the rule ------------------------------------------------------------------------------


def _runs(changes: list[Change]) -> Iterator[list[Change]]:
    """Adjacent changes of the same kind and safety, as runs (one finding each)."""
    run: list[Change] = []
    for change in sorted(changes, key=lambda c: c.position):
        if run and (
            change.position != run[-1].position + 1
            or (change.safe, change.variant) != (run[-1].safe, run[-1].variant)
        ):
            yield run
            run = []
        run.append(change)
    if run:
        yield run


def check_mixed_script(doc: Document) -> Iterator[Finding]:
    """Traditional and Simplified characters mixed in one text.

    Example: seed 003, a Simplified article machine-converted to Traditional, keeps
    ``紅安干部學院`` (幹部), ``示范`` / ``規范`` (示範 / 規範), ``戰斗`` (戰鬥) and ``持之以恒``
    (恆) — 9 remnants among ~1,500 Han characters. The reverse happens too: ``們`` or
    ``有著`` left in Simplified text.

    Why: a reader sees typos; search, deduplication and every tool that counts
    characters treat 干部 and 幹部 as different words. Yes/no detectors flag a whole
    document for one character and converters rewrite good text (OpenCC's ``s2t`` turns
    Taiwan's 吃/群 into 喫/羣), so this rule reports *where* and changes only that.

    How it judges: every Han character is Simplified-only (们 这 并 发 恒), Traditional-only
    (們 這 並 為 爲 裡 裏 喫) or shared (干 于 里 后 台 面 周 吃 群), by tables generated from
    OpenCC's own dictionaries (``scripts/gen_script_tables.py``). Shared characters count
    only where a phrase of OpenCC's phrase dictionaries gives them another form in the
    majority script (干部 → 幹部, 关于 → 關於, 战斗 → 戰鬥; in Simplified text TSPhrases,
    STPhrases read backwards (关於 → 关于) and our 著 → 着 table: 有著 → 有着). Character
    defaults never count (岳勇: 岳 → 嶽/岳 has no phrase); a phrase that starts at the
    character and keeps it wins (新征程: 征程); 台/占/雇 for 臺/佔/僱, a Taiwan village
    里 in an address and the place names 余杭 / 余姚 are accepted in Traditional text, and
    the Cantonese particle 晒 in Cantonese text. A phrase hit on a character that is its
    own default (周 → 周/週 in 周年, 了 in 了解: forms Taiwan also writes) is weak: it never
    makes a text mixed, and in a mixed text it is reported as needing review.
    CC-CEDICT's words (``data/script_words.txt``, CC BY-SA 4.0, generated by
    ``scripts/gen_script_words.py``) add the shared characters no OpenCC phrase covers:
    one counts when a word covering it gives it another form and *no* word keeps it
    (``以后`` → 以後, ``客户`` → 戶 in Taiwan text, ``3万`` → 萬 after a numeral; ``皇后``,
    ``了解``, a surname such as ``于右任`` that no word covers, and Hong Kong's ``客户``
    stay). In a text that is mixed anyway, a few shared characters that Traditional text
    hardly writes where no word covers them — 后 于 里 厂 广 种 采 伙 户 么 着 云 叶 党 咨 几
    (``UNDECIDED_IN_TRADITIONAL``) — are reported too, as needing review (``生效后``:
    後/后; ``總統于致詞``: 於/于); they never make a text mixed, so clean text gets no
    finding for them (the 200 clean corpus documents write 后 nowhere and 于 once, as a
    surname). Words and phrases that keep them still do (皇后, 太后, 影后, 于右任), and
    so do 于 read as a surname (``與于卓民，``: one or two characters, then a sign or a
    title), 里 other than after a letter or sign or before 的 (``佛里曼`` stays), 余杭 and
    a village 里. 准 (Taiwan's 簽准) and the name characters 余 岳 范 涂 游 杰 郁 朴 are
    left out; ``余`` after a numeral is decided: ``20余國`` → 20餘國.

    The unit judged is the text (JSON and JSON Lines: each line; a text over 20,000
    characters with both scripts: each run of paragraphs of one script). It is *mixed*
    when the minority is at least 0.2 % of its script-specific characters and counts at
    least 2 — or is a single minority-only character (们 in Traditional text) against at
    least 5 of the majority. Text with kana (Japanese) is not judged. One finding per run
    of minority characters (every position, in JSON too), with the majority script and
    its share. Romanisation glued between characters (``規(guī)范``) is looked through.

    The fix follows ``--to`` (``Settings.target_script``):

    - ``auto`` (default): convert only the minority characters to the majority script,
      by phrase-aware conversion of a window around each (in the Traditional standard the
      text already uses: Taiwan 裡/為, Hong Kong 為/説, or OpenCC's 裏/爲); the rest of the
      text stays byte-identical. ``hans`` / ``hant`` / ``tw`` / ``hk``: the same when the
      text is already mostly in that script; otherwise every character not yet in it is
      converted (Simplified into ``hant`` is written in the Taiwan standard), and ``tw`` /
      ``hk`` also convert variant forms of other standards (爲 → 為). ``keep``: report only.
      Characters only, never vocabulary (设备 → 設備, not s2twp's 裝置), never a round trip
      of the text.
    - Safe when a phrase decides (干部 → 幹部), or, into Traditional where no OpenCC
      phrase matches, when CC-CEDICT's words around the character give exactly one form
      (``一个人`` → 個: 個人; ``以后`` → 後; a numeral before ``个``/``万``: 6個, 3萬), or
      the character has one form in the target (们 → 們); unsafe, "needs review" with the
      candidates, when a one-to-many character has no phrase and no word or words that
      disagree (``，并品嚐``: 並/併/幷), and for weak hits (``周年``: 周/週/賙; ``公布``,
      which CC-CEDICT spells 公佈 and Taiwan 公布) — unless the text spells a word the
      way CC-CEDICT records only as a variant of the decided one and no other word reads
      the character otherwise (``關系`` → 關係, but ``相關系統`` stays). Where OpenCC
      knows a second Traditional spelling of the word (TSPhrases: 计划 is 計劃 or Taiwan's
      計畫) and the text writes that one elsewhere and not the other, the text's own
      spelling is taken, safely (``計划`` → 計畫 in a text that writes 計畫). Into
      Simplified, Traditional-only characters are safe (們 → 们). URLs, e-mail addresses
      and Markdown code are never changed.
    - Also unsafe, where a wrong safe fix used to be: an OpenCC phrase that CC-CEDICT's
      words dispute (``历年``: OpenCC 曆年, CC-CEDICT 曆年 and 歷年 — candidates 曆/歷;
      ``更复雜``: the words agree on 複, which comes first), and a form the Traditional
      standards write differently (为: Taiwan and Hong Kong 為, OpenCC 爲) in a text that
      writes neither or both elsewhere and whose standard is not clear (another standard
      has no foreign form when the text's has none, or at most twice as many). Where the
      text writes exactly one of them elsewhere, that one is taken, safely.
    """
    target = validate_target_script(doc.settings.target_script)
    text = doc.text
    if not text or not HAN_RE.search(text):
        return
    protected = None
    try:
        spans = units(doc)
        seen = _SEEN.get("runs")
        runs = {(a, b): flags for a, b, *flags in seen[1]} if seen and seen[0] is text else {}
        t = tables()
        for start, end in spans:
            unit = text[start:end] if end - start < len(text) else text
            if (start, end) in runs:  # what splitting the text found out about this part
                has_simplified, has_traditional = runs[start, end]
                _SEEN[id(t.simplified_only)] = (unit, has_simplified)
                _SEEN[id(t.traditional_only)] = (unit, has_traditional)
            for finding in _unit_findings(unit, target, start):
                if protected is None:
                    protected = protected_regions(doc)
                if protected and protected.covers(finding.start):
                    continue
                yield finding
    finally:
        _SEEN.clear()


def without_glosses(unit: str) -> tuple[str, list[int] | None]:
    """``unit`` without romanisation glued between Han characters, and where each char was.

    ``規(guī)范性`` is read as ``規范性`` so that the phrase 规范 still matches; the
    ``pinyin-annotation`` rule removes the gloss itself.
    """
    cut = _gloss_cut(unit)
    if cut is None:
        return unit, None
    view = cut[0]
    return view, [unit_at(cut, position) for position in range(len(view))]


#: :func:`_gloss_cut`: the view, where each kept piece starts in it and in the unit
GlossCut = tuple[str, list[int], list[int]]


def _gloss_cut(unit: str) -> GlossCut | None:
    """:func:`without_glosses` as pieces: ``(view, where each piece of the unit kept
    starts in the view, where it starts in the unit)``; None: no gloss."""
    if "(" not in unit and "（" not in unit:
        return None
    parts = GLOSS_RE.split(unit)  # kept, gloss, kept, …, kept
    if len(parts) == 1:
        return None
    lengths = list(map(len, parts))
    kept, glosses = lengths[:-1:2], lengths[1::2]
    in_view = [0, *itertools.accumulate(kept)]
    starts = [0, *itertools.accumulate(map(operator.add, kept, glosses))]
    return "".join(parts[::2]), in_view, starts


def unit_at(cut: GlossCut, position: int) -> int:
    """Where ``position`` of the view of :func:`_gloss_cut` is in the unit."""
    _, in_view, starts = cut
    piece = bisect.bisect_right(in_view, position) - 1
    return starts[piece] + position - in_view[piece]


def unit_changes(unit: str, target: str) -> tuple[Verdict | None, str | None, list[Change]]:
    """The verdict on ``unit``, the script it should be in, and the characters to change.

    Romanisation glosses are looked through only when the text has something to judge
    (a gloss-hidden remnant alone is found once ``pinyin-annotation`` has removed it).
    """
    count_clean = target not in ("auto", "keep")
    # With glosses, the text is judged again without them: this verdict need only tell
    # whether there is anything to judge (the same answer, quickly).
    glossed = "(" in unit or "（" in unit
    verdict = _judge(unit, count_clean, quick=glossed)
    if verdict is None or (not verdict.minority and not count_clean):
        return verdict, None, []
    cut = _gloss_cut(unit) if glossed else None
    view = unit
    if cut is not None:
        view = cut[0]
        # Glosses hold no Han or kana character: what the unit's verdict counted of them
        # holds for the view.
        for question in ("traditional", "markers"):
            seen = _SEEN.get(question)
            if seen is not None and seen[0] is unit:
                _SEEN[question] = (view, seen[1])
        verdict = judge(view, count_clean=count_clean)
    elif glossed:  # parentheses, but no gloss: the full verdict after all
        verdict = judge(unit, count_clean=count_clean)
    wanted, changes = _view_changes(view, verdict, target)
    if cut is not None:
        changes = [
            Change(unit_at(cut, c.position), c.replacement, c.safe, c.candidates, c.variant)
            for c in changes
        ]
    return verdict, wanted, changes


def _view_changes(
    unit: str, verdict: Verdict | None, target: str
) -> tuple[str | None, list[Change]]:
    if verdict is None or verdict.majority is None:
        return None, []
    majority = verdict.majority
    wanted = majority if target in ("auto", "keep") else (HANS if target == HANS else HANT)
    if wanted == majority and not verdict.mixed and target not in ("tw", "hk"):
        return wanted, []
    source = standard_of(unit) if majority == HANT else "opencc"
    # The standard to write: the one named, else the text's own (Taiwan for Simplified text).
    standard = target if target in ("tw", "hk") else (source if majority == HANT else "tw")
    changes: list[Change] = []
    if wanted == majority:
        if verdict.mixed:
            weak: frozenset[int] = frozenset()
            undecided: frozenset[int] = frozenset()
            if majority == HANT:
                weak = frozenset(simplified_phrase_hits(unit, weak=True))
                undecided = frozenset(
                    undecided_positions(unit, standard, {*verdict.minority, *weak})
                )
            positions = sorted({*verdict.minority, *weak, *undecided})
            others = close_standards(unit) if majority == HANT and standard == source else ()
            changes = _convert_positions(
                unit, positions, wanted, standard, source, weak | undecided, undecided, others
            )
        if majority == HANT and standard != source:
            taken = {change.position for change in changes}
            variants = _variant_changes(unit, source, standard)
            changes += [change for change in variants if change.position not in taken]
    else:
        positions = [m.start() for m in HAN_RE.finditer(unit)]
        changes = _convert_positions(unit, positions, wanted, standard, source)
    return wanted, changes


def _unit_findings(unit: str, target: str, offset: int = 0) -> Iterator[Finding]:
    """The findings on ``unit``, which starts at ``offset`` in the text."""
    verdict, wanted, changes = unit_changes(unit, target)
    if verdict is None or wanted is None or not changes:
        return
    majority = verdict.majority or wanted
    minority = len(verdict.minority)
    if wanted == majority:
        context = (
            f"in {SCRIPT_NAMES[majority]} text ({verdict.share:.1%} {SCRIPT_NAMES[majority]}; "
            f"{minority} of {verdict.specific} script-specific characters are not)"
        )
    else:
        context = (
            f"{SCRIPT_NAMES[majority]} text ({verdict.share:.1%} of {verdict.specific} "
            f"script-specific characters), --to {target}"
        )
    for run in _runs(changes):
        first, last = run[0].position, run[-1].position + 1
        old, new = unit[first:last], "".join(change.replacement for change in run)
        if run[0].variant:
            message = f"{old} is not the {STANDARD_NAMES[target]} form: {new}"
        elif wanted != majority:
            message = f"{old} → {new}: {context}"
        else:
            kind = SCRIPT_NAMES[HANS if majority == HANT else HANT]
            message = f"{kind} {old} {context}: {new}"
        if not run[0].safe:
            options = " ".join("/".join(change.candidates) for change in run)
            message += f" (needs review: {options})"
        fix = None
        if target != "keep":
            applicability = Applicability.SAFE if run[0].safe else Applicability.UNSAFE
            title = f"Convert to {SCRIPT_NAMES[wanted]}"
            fix = Fix((Edit(first + offset, last + offset, new),), title, applicability)
        yield MIXED_SCRIPT.finding(first + offset, last + offset, message, fix)


MIXED_SCRIPT = Rule(
    code="S001",
    name="mixed-script",
    summary="Traditional and Simplified characters mixed in one text",
    fix_safety="mixed",
    check=check_mixed_script,
)
