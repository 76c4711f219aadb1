"""Probes: the shared characters that a phrase or word in context shows to be remnants.

A shared character (干 于 后 斗, valid in both scripts) counts as a remnant only where
OpenCC's phrases or CC-CEDICT's words around it give it another form in the majority
script; the windows around the candidates are converted together (:class:`CheckState`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from cnfix.adapters.opencc import BETWEEN_STANDARDS, TO_TRADITIONAL, convert, zhe_positions
from cnfix.rules.script.register import classical
from cnfix.rules.script.standards import in_standard, standard_of
from cnfix.rules.script.state import PHRASES_ST, PHRASES_TS, CheckState
from cnfix.rules.script.tables import (
    MEASURE_FORMS,
    NUMERALS,
    hant_scan,
    measure_forms,
    tables,
    usage,
    word_forms,
    words,
)
from cnfix.text.chars import HAN, HAN_RE, lazy_compile

#: Characters around a minority character that its conversion sees (phrases are short).
WINDOW = 8

#: A Taiwan village (里) in an address: 安南區 保社里, 龍山里 after a district, township,
#: town or city; OpenCC's phrases read 社里 / 山里 as "in the club / in the mountains" (裏).
VILLAGE_RE = lazy_compile(f"[區鄉鎮市][ \u3000]?[{HAN}]{{1,3}}(里)")


@functools.cache
def _accepted_words_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, usage().accepted_words)))


@functools.cache
def _accepted_word_chars() -> frozenset[str]:
    return frozenset("".join(usage().accepted_words) + "里")


def kept_positions(text: str, positions: Iterable[int] | None = None) -> set[int]:
    """Positions that Traditional text keeps as written: the accepted words (余杭, 家具,
    了解: ``data/script_usage.txt``), the 里 of a village.

    ``positions``: only these are asked about; each is then judged by the few characters
    around it (an accepted word or village name is at most 6 characters), not the whole text.
    """
    if positions is None:
        kept = {i for m in _accepted_words_re().finditer(text) for i in range(m.start(), m.end())}
        if "里" in text:
            kept |= {m.start(1) for m in VILLAGE_RE.finditer(text)}
        return kept
    kept = set()
    for i in positions:
        if text[i] in _accepted_word_chars():
            start = max(0, i - 12)
            if i - start in kept_positions(text[start : i + 6]):
                kept.add(i)
    return kept


def windows_around(text: str, positions: list[int]) -> list[tuple[int, int, list[int]]]:
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


def simplified_phrase_hits(
    state: CheckState, text: str, probe_at: list[int] | None = None, *, weak: bool = False
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
    hits = _phrase_hits(state, text, candidates, weak) if candidates else []
    # OpenCC's phrases hold people's names (黄世杰 → 黃世傑, 王杰 → 王傑): another person's
    # name is no evidence where a name stands and no word covers the character
    hits = [i for i in hits if not _named_by_phrase(state, text, i)]
    hits += word_remnants(state, text, word_at, weak=weak)
    if not hits:
        return []
    kept = kept_positions(text, hits)
    return sorted({i for i in hits if i not in kept})


def _phrase_hits(state: CheckState, text: str, candidates: list[int], weak: bool) -> list[int]:
    """The ``candidates`` that OpenCC's phrases change, converting a window around each."""
    windows = windows_around(text, candidates)
    pieces = [text[start:end] for start, end, _ in windows]
    simplified = state.convert_all(pieces, "t2s")
    decided = state.convert_all(simplified, PHRASES_ST)
    # The phrase's form in each standard (覈 is 核 in Taiwan text): any one will do.
    regional = [state.convert_all(decided, config) for config in BETWEEN_STANDARDS.values()]
    changed: list[tuple[int, str]] = []  # a changed candidate, the Simplified text from it
    for n, (start, _, members) in enumerate(windows):
        window = pieces[n]
        forms = [decided[n], *(converted[n] for converted in regional)]
        if len(window) != len(simplified[n]) or any(len(f) != len(window) for f in forms):
            continue
        for i in members:
            k, char = i - start, text[i]
            for form in forms:
                if form[k] == char:
                    break
            else:
                if not _half_of_a_pair(window, decided[n], k):
                    changed.append((i, simplified[n][k : k + WINDOW]))
    if weak:
        return [i for i, _ in changed]
    # A phrase that starts here and keeps the character outvotes one that ends here
    # (新征程: 征程 keeps 征 against 新征 → 新徵). Probed characters are never their own
    # default, so an unchanged start means such a phrase matched.
    starts = state.convert_all([reading for _, reading in changed], "s2t")
    return [
        i for (i, reading), start in zip(changed, starts, strict=True) if start[0] != reading[0]
    ]


def _half_of_a_pair(window: str, converted: str, k: int) -> bool:
    """True when ``window[k]`` is half of a reduplicated pair (郁郁, 湿湿) whose other half
    the phrase conversion keeps: a reduplication is one word, of one form, and a phrase
    that changes one half only (郁郁 → 鬱郁) is an artefact of the dictionary, no evidence
    (Cantonese 郁郁 "keep moving")."""
    return any(
        0 <= other < len(window) and window[other] == window[k] == converted[other]
        for other in (k - 1, k + 1)
    )


def word_remnants(
    state: CheckState, text: str, probe_at: list[int] | None = None, *, weak: bool = False
) -> list[int]:
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
            standard = standard_of(state, text)
        forms = {in_standard(form, standard) for form in spellings}
        forms |= measure_forms(text, i)
        if forms and char not in forms:
            found.append(i)
    if weak or not found:
        return found
    kept = _kept_by_phrases(state, text, found)
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
    f"[^{HAN}0-9０-９]|$|先生|女士|小姐|教授|老[師师]|博士|委[員员]|議員|议员|部[長长]|院[長长]|"
    "市[長长]|主任|董事|總統|总统|等人|[等與与和及、]"
)


def undecided_positions(
    state: CheckState, text: str, standard: str, taken: Iterable[int] = ()
) -> list[int]:
    """Characters of :data:`UNDECIDED_IN_TRADITIONAL` in Traditional ``text`` (written in
    ``standard``) that no word or phrase decides: remnants more likely than not, to review.

    Left alone: a character a CC-CEDICT word covers (``皇后``, ``太后``, ``影后``: kept; ``以后``
    is a word remnant already), one an OpenCC phrase keeps (``于右任``), one whose form in
    the standard is itself (户 and 着 in Hong Kong text), ``于`` where it reads as a surname
    (before a one- or two-character given name that ends the name: ``與于卓民，``), ``里``
    unless it follows a letter, digit or sign or comes before 的 (``運算式 里``, ``物件里的``:
    the postposition 裡; a transliteration such as ``佛里曼`` stays), 余杭 / a village 里.
    ``taken``: positions already judged (skipped; those of the whole text, remembered, hold
    for any: each position is judged on its own).
    """
    skip = set(taken)
    known, found = state.known(("undecided", standard), text)
    if not known:
        found = _undecided_positions(state, text, standard, skip)
        if skip:
            return found
        state.tell(("undecided", standard), text, found)
    return [i for i in found if i not in skip]


def _undecided_positions(state: CheckState, text: str, standard: str, skip: set[int]) -> list[int]:
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
    kept = kept_positions(text, found) | _kept_in_standard(state, text, found, config)
    return [i for i in found if i not in kept]


@functools.cache
def _undecided_class() -> re.Pattern[str]:
    return re.compile(f"[{UNDECIDED_IN_TRADITIONAL}{usage().prose_remnants}]")


def prose_remnants(state: CheckState, text: str) -> list[int]:
    """The undecided characters (:func:`undecided_positions`) that modern Traditional
    prose writes only as a remnant (``data/script_usage.txt``: 后 于 厂 …): counted as
    minority and converted safely; none in classical text."""

    def find() -> list[int]:
        if not _prose_remnant_class().search(text):
            return []
        remnant = usage().prose_remnants
        undecided = undecided_positions(state, text, standard_of(state, text))
        found = [i for i in undecided if text[i] in remnant]
        return [] if not found or classical(state, text) else found

    return state.remembered("prose remnants", text, find)


@functools.cache
def _prose_remnant_class() -> re.Pattern[str]:
    return re.compile(f"[{usage().prose_remnants}]")


#: What comes before a name that a surname starts (besides a sign or the start): a
#: conjunction, or a title (``教授于卓民``); a verb or preposition before it (``趨向于``,
#: ``總統于致詞``) makes the character a word of the sentence, not a name.
NAME_START_RE = lazy_compile(
    "(?:[與与和及跟同、]|先生|女士|教授|老[師师]|博士|委[員员]|議員|议员|部[長长]|院[長长]|市[長长]|"
    "主任|董事|總統|总统|作者|記者|记者)$"
)


def _surname_shaped(text: str, i: int) -> bool:
    """True when ``text[i]`` starts what reads as a name: after a sign, a conjunction or a
    title (or at the start), one or two Han characters after it and then the end of the
    name (a sign, a title, 等 / 與 …)."""
    return _name_end(text, i) is not None


def _name_end(text: str, i: int) -> int | None:
    """Where the name that ``text[i]`` starts ends (:func:`_surname_shaped`); None: none."""
    if i and HAN_RE.match(text, i - 1) and not NAME_START_RE.search(text, max(0, i - 2), i):
        return None
    for end in (i + 2, i + 3):
        if end > len(text) or not HAN_RE.match(text, end - 1):
            return None
        if NAME_END_RE.match(text, end):
            return end
    return None


def _name_around(text: str, i: int) -> tuple[int, int] | None:
    """The span of the name of two or three characters (:func:`_surname_shaped`) that
    starts one or two characters before ``text[i]`` and covers it (``、黃世杰、``); None."""
    for start in (i - 2, i - 1):
        if start >= 0:
            end = _name_end(text, start)
            if end is not None and end > i:
                return start, end
    return None


def _named_by_phrase(state: CheckState, text: str, i: int) -> bool:
    """True when only a person's name in OpenCC's phrases changes ``text[i]``: it stands in
    a name that no word covers, and the given name alone, read as Simplified, keeps it
    (黄世杰 → 黃世傑 is another person's name, no evidence; 游万豐: 万丰 → 萬豐 is a word)."""
    span = None if word_forms(text, i) else _name_around(text, i)  # words first: cheaper
    if span is None:
        return False
    given = text[span[0] + 1 : span[1]]
    (by_phrase,) = state.convert_all(state.convert_all([given], "t2s"), PHRASES_ST)
    return len(by_phrase) == len(given) and by_phrase[i - span[0] - 1] == text[i]


@functools.cache
def _char_converted(char: str, config: str) -> str:
    return convert(char, config)


def _simplified_windows(
    state: CheckState, text: str, positions: list[int]
) -> tuple[list[int], list[str]]:
    """The start of the window around each position, and its Simplified reading (t2s)."""
    starts = [max(0, i - WINDOW) for i in positions]
    pieces = [text[start : i + WINDOW + 1] for start, i in zip(starts, positions, strict=True)]
    return starts, state.convert_all(pieces, "t2s")


def _kept_in_standard(state: CheckState, text: str, positions: list[int], config: str) -> set[int]:
    """The positions where OpenCC (``config``), converting the Simplified reading of the
    window around each, keeps the character: a phrase covers it and keeps it (a name,
    ``于右任``); or the conversion changes the window's length (nothing to compare)."""
    starts, simplified = _simplified_windows(state, text, positions)
    kept = set()
    for i, start, converted in zip(
        positions, starts, state.convert_all(simplified, config), strict=True
    ):
        if (
            len(converted) != min(len(text), i + WINDOW + 1) - start
            or converted[i - start] == text[i]
        ):
            kept.add(i)
    return kept


def _kept_by_phrases(state: CheckState, text: str, positions: list[int]) -> set[int]:
    """The positions whose character (one whose default is another form) OpenCC keeps,
    converting the Simplified reading of the window around each: one of its phrases covers
    it and keeps it — often a name (``余光中``, where CC-CEDICT knows only 餘光).
    """
    starts, simplified = _simplified_windows(state, text, positions)
    kept = set()
    for i, start, converted in zip(
        positions, starts, state.convert_all(simplified, "s2t"), strict=True
    ):
        if (
            len(converted) == min(len(text), i + WINDOW + 1) - start
            and converted[i - start] == text[i]
        ):
            kept.add(i)
    return kept


def traditional_phrase_hits(state: CheckState, text: str) -> list[int]:
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
    windows = windows_around(text, candidates)
    pieces = [text[start:end] for start, end, _ in windows]
    simplified_all = state.convert_all(pieces, "t2s")
    traditional_all = state.convert_all(pieces, "s2t")
    by_ts_all = state.convert_all(traditional_all, PHRASES_TS)
    by_st_all = state.convert_all(simplified_all, PHRASES_ST)
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
    hits.update(simplified_remnants(state, text))
    return sorted(hits)


def simplified_remnants(state: CheckState, text: str) -> list[int]:
    """Characters that mainland text writes otherwise wherever they are not a name
    (``data/script_usage.txt``): ``於`` → 于 (``由於``, ``於是``), but not the surname
    (``，於梨華說``: no word covers it, and a name's shape follows); none in classical text."""
    found = []
    for char in usage().simplified_remnants:
        at = text.find(char)
        while at != -1:
            if word_forms(text, at) or not _surname_shaped(text, at):
                found.append(at)
            at = text.find(char, at + 1)
    return [] if not found or classical(state, text) else found
