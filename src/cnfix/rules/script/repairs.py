"""Repairs: the characters to change, and into what, by phrase-aware conversion in context."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from cnfix.adapters.opencc import (
    BETWEEN_STANDARDS,
    FROM_STANDARD,
    TO_SIMPLIFIED,
    TO_TRADITIONAL,
    convert,
    zhe_positions,
)
from cnfix.rules.script.options import HANT
from cnfix.rules.script.probes import windows_around
from cnfix.rules.script.regional import shared_forms
from cnfix.rules.script.spellings import index_spellings, spelled_in_text, written_in_text
from cnfix.rules.script.standards import in_own_standard, in_standard
from cnfix.rules.script.state import PHRASES_ST, PHRASES_TS, CheckState
from cnfix.rules.script.tables import (
    WORD_LENGTH,
    measure_forms,
    rivals,
    tables,
    usage,
    word_forms,
    words,
)

#: How many bits the language model must prefer one Traditional candidate of a
#: Simplified-only character by, in its context, for the choice to be safe. Calibrated on
#: the Taiwan clean set read back through OpenCC t2s (some 10,000 such characters): from
#: 11 bits none of some 5,700 choices was wrong, at 10 three of 540 were (盡量 / 儘量).
CONTEXT_BITS = 12.0

#: ``(replacement, safe, candidates)`` for one character (see :class:`Change`)
Decision = tuple[str, bool, str]


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


@dataclass(frozen=True)
class Conversion:
    """Converting some positions of a unit into one script: what every position needs.

    ``target``: ``HANS`` or ``HANT``; ``standard``: the Traditional standard to write;
    ``source``: the one the unit is written in. ``unsure``: positions that are unsafe
    unless the text's own spelling decides them (weak hits, and the ``undecided`` ones,
    whose candidates are the standard's form and the character itself).
    """

    state: CheckState
    text: str
    target: str
    standard: str
    source: str
    unsure: frozenset[int] = frozenset()
    undecided: frozenset[int] = frozenset()
    #: remnants (后 于 in Traditional prose, 於 in Simplified text): converted safely, into
    #: the form given ("": the conversion's)
    remnants: Mapping[int, str] = field(default_factory=dict)
    #: the target was named (``--to``): no character of the other script is left; the
    #: uncertain ones are converted to the best candidate in context, and listed
    explicit: bool = False
    #: the minority of a text is converted (not all of it): the text's own spelling of a
    #: word elsewhere can decide (:func:`~cnfix.rules.script.spellings.written_in_text`)
    minority: bool = False


class Window(NamedTuple):
    """A window of the unit around some positions, converted; all of equal length (a named
    tuple: a damaged text has thousands)."""

    start: int
    #: the positions (in the unit) it was converted for
    members: list[int]
    #: the window read in the other script, so that the target's phrases match
    #: (``戰斗`` → ``战斗`` into Traditional)
    key: str
    #: the window in the target script
    converted: str
    #: ``key`` through the phrase dictionaries alone: where it differs, a phrase decides
    by_phrase: str
    #: offsets decided by STPhrases read backwards (into Simplified: 关于 → 關於 decides
    #: 於 → 于 after 关) or by our 著 → 着 table
    decided_at: frozenset[int] = frozenset()


def convert_positions(conversion: Conversion, positions: list[int]) -> list[Change]:
    """Phrase-aware conversion of windows around ``positions``; only those positions change.

    Into Traditional, the window is first read as Simplified (``戰斗`` → ``战斗``, from the
    ``source`` standard) so that OpenCC's phrases match, then converted into the standard;
    into Simplified, it is read as Traditional for TSPhrases. Either way only the given
    positions are taken from the result. A character with several candidates in the
    target (``并`` → 並/併/幷) is safe only when a phrase decides it.
    """
    if conversion.target == HANT:
        decide, other_only = _into_traditional, tables().simplified_only
        if conversion.minority:
            index_spellings(conversion.text, conversion.state, positions)
    else:
        decide, other_only = _into_simplified, tables().traditional_only
    text = conversion.text
    changes = []
    for window in _converted_windows(conversion, positions):
        for i in window.members:
            replacement, safe, candidates = decide(conversion, window, i)
            if replacement == text[i]:
                continue
            if not safe and conversion.explicit and text[i] in other_only:
                safe = True  # the best candidate in context; the candidates are listed
            changes.append(Change(i, replacement, safe, candidates))
    return changes


def _converted_windows(conversion: Conversion, positions: list[int]) -> Iterator[Window]:
    """The windows around ``positions``, converted (those whose conversion changes their
    length are left out: nothing to compare)."""
    text, source, convert_all = conversion.text, conversion.source, conversion.state.convert_all
    windows = windows_around(text, positions)
    pieces = [text[start:end] for start, end, _ in windows]
    if conversion.target == HANT:
        keys = convert_all(pieces, TO_SIMPLIFIED[source])
        conversions = convert_all(keys, TO_TRADITIONAL[conversion.standard])
        phrased = convert_all(keys, PHRASES_ST)
        backwards_all = None
    else:
        keys = convert_all(pieces, "s2t")
        conversions = convert_all(pieces, TO_SIMPLIFIED[source])
        phrased = convert_all(keys, PHRASES_TS)
        backwards_all = convert_all(conversions, PHRASES_ST)
    for n, (start, _, members) in enumerate(windows):
        window, key, converted, by_phrase = pieces[n], keys[n], conversions[n], phrased[n]
        if not len(window) == len(key) == len(converted) == len(by_phrase):
            continue
        if backwards_all is None:
            yield Window(start, members, key, converted, by_phrase)
            continue
        backwards = backwards_all[n]
        if len(backwards) != len(window):
            continue
        decided_at = {k for k, c in enumerate(window) if backwards[k] == c != converted[k]}
        decided_at |= set(zhe_positions(converted))
        yield Window(start, members, key, converted, by_phrase, frozenset(decided_at))


def _into_simplified(conversion: Conversion, window: Window, i: int) -> Decision:
    """How ``text[i]`` converts into Simplified: Traditional-only characters are safe (們 →
    们); a one-to-many one only where a phrase decides it."""
    text, k = conversion.text, i - window.start
    if i in conversion.remnants:
        return conversion.remnants[i] or window.converted[k], True, ""
    candidates = tables().ts_candidates.get(text[i], "")
    safe = (
        window.by_phrase[k] != window.key[k]
        or k in window.decided_at
        or len(candidates) < 2
        or text[i] in tables().traditional_only
    ) and (i not in conversion.unsure or _variant_standard(text, i, window.converted[k]))
    return _undecided_or(
        conversion, window, i, (window.converted[k], safe, "" if safe else candidates)
    )


def _into_traditional(conversion: Conversion, window: Window, i: int) -> Decision:
    """How ``text[i]`` converts into Traditional: by an OpenCC phrase, else by CC-CEDICT's
    words, else by its candidates; then the text's own spelling of a word, and its own
    standard's form, have the last word."""
    text, key, converted, k = conversion.text, window.key, window.converted, i - window.start
    if conversion.remnants.get(i):  # a form the usage data gives (伙伴 → 夥伴)
        return conversion.remnants[i], True, ""
    change = None
    if (
        window.by_phrase[k] == key[k]
        and key[k] in words().chars
        and key[k] not in usage().accepted_chars
    ):
        change = _word_change(key, k, conversion.standard, converted[k])
        if change is not None and i in conversion.unsure:
            replacement, _, candidates = change
            if not _variant_standard(text, i, replacement):
                # a character Taiwan writes as it is (公布): review
                change = replacement, False, candidates or replacement
    if change is None:
        change = _by_candidates(conversion, window, i)
    spelled = spelled_in_text(text, key, converted, k, change[0])
    if spelled is None and conversion.standard == conversion.source:  # not when --to tw/hk
        spelled = written_in_text(conversion.state, text, i, change[0], confirm=not change[1])
    if spelled is not None:
        change = spelled, True, ""
    if not change[1] and len(change[2]) > 1 and text[i] in tables().simplified_only:
        change = _in_context(conversion, window, i, change)
    if conversion.standard == conversion.source and change[1]:
        change = in_own_standard(
            conversion.state, text, i, change, conversion.standard, named=conversion.explicit
        )
    return change


def _in_context(conversion: Conversion, window: Window, i: int, change: Decision) -> Decision:
    """A Simplified-only ``text[i]`` that no phrase or word decides, decided by the language
    model among its Traditional candidates in the converted window (``企業复甦``: 復甦, not
    複甦) when the best is ``CONTEXT_BITS`` ahead; otherwise ``change`` stands, to review
    (nearer margins choose worse than OpenCC's conversion: measured).
    """
    from cnfix.text.plausibility import best_alternative  # the model only where it decides

    k = i - window.start
    options = [c for c in change[2] if c != conversion.text[i]]
    ranking = best_alternative(window.converted[:k], options, window.converted[k + 1 :])
    if ranking.margin >= CONTEXT_BITS:
        return ranking.best, True, ""
    return change


def _by_candidates(conversion: Conversion, window: Window, i: int) -> Decision:
    """``text[i]`` into Traditional where no word decides: safe when a phrase decides (unless
    CC-CEDICT's words dispute it) or the character has one candidate."""
    key, converted, k = window.key, window.converted, i - window.start
    if i in conversion.remnants:
        return conversion.remnants[i] or converted[k], True, ""
    candidates = tables().st_candidates.get(key[k], "")
    by_phrase = window.by_phrase[k] != key[k]
    decided = len(candidates) < 2 or (
        conversion.text[i] in tables().simplified_only and len(rivals(key[k])) < 2
    )
    safe = (by_phrase or decided) and (
        i not in conversion.unsure
        or _variant_standard(conversion.text, i, converted[k])
        or (
            by_phrase
            and i not in conversion.undecided
            and _words_agree(conversion, i, converted[k])
        )
    )
    change = converted[k], safe, "" if safe else candidates
    if i not in conversion.undecided and safe and by_phrase and len(candidates) > 1:
        disputed = _disputed(key, k, conversion.standard, converted[k])
        if disputed:
            return disputed[0], False, disputed
    return _undecided_or(conversion, window, i, change)


def _words_agree(conversion: Conversion, i: int, form: str) -> bool:
    """True when CC-CEDICT's words around ``text[i]`` all give it ``form``, the form an OpenCC
    phrase gave it, and none keeps it (``制造`` → 製造, ``委托`` → 委託; not ``周年``: 週年 and
    周年 are both words): a weak phrase hit that the words confirm."""
    if conversion.text[i] in usage().own_forms:
        return False
    forms = word_forms(conversion.text, i)
    return bool(forms) and {in_standard(f, conversion.standard) for f in forms} == {form}


def _undecided_or(conversion: Conversion, window: Window, i: int, change: Decision) -> Decision:
    """``change``, unless ``text[i]`` is undecided: then the standard's form or the
    character itself, to review."""
    if i in conversion.undecided:
        form = window.converted[i - window.start]
        return form, False, form + conversion.text[i]
    return change


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


def variant_changes(unit: str, source: str, standard: str) -> list[Change]:
    """Characters of a Traditional unit that ``standard`` writes otherwise (爲 → 為 for tw).

    Not the Hong Kong forms that OpenCC's Hong Kong standard writes as Simplified does
    (搵 溫 稅 脫 戶, which it turns into 揾 温 税 脱 户): Hong Kong text writes both
    (:func:`~cnfix.rules.script.regional.shared_forms`), so ``--to hk`` keeps the one the
    text writes; a form of another standard (裡 → 裏, 爲 → 為) is still converted. Nor the
    forms Traditional text accepts (台, ``data/script_usage.txt``: never 臺 by a variant)."""
    opencc_form = convert(unit, FROM_STANDARD[source]) if source in FROM_STANDARD else unit
    if standard in BETWEEN_STANDARDS:
        converted = convert(opencc_form, BETWEEN_STANDARDS[standard])
    else:
        converted = opencc_form
    if len(converted) != len(unit):
        return []
    kept = shared_forms() if standard == "hk" else {}
    accepted = usage().accepted_chars  # 台: Taiwan and Hong Kong write it (臺 too)
    return [
        Change(k, new, True, "", variant=True)
        for k, (old, new) in enumerate(zip(unit, converted, strict=True))
        if old != new and kept.get(new) != old and old not in accepted
    ]
