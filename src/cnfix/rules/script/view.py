"""A unit's verdict and changes, looked at through its romanisation glosses."""

from __future__ import annotations

import bisect
import itertools
import operator

from cnfix.rules.script.judge import Verdict, cantonese, judge
from cnfix.rules.script.options import HANS, HANT
from cnfix.rules.script.probes import (
    prose_remnants,
    simplified_phrase_hits,
    simplified_remnants,
    undecided_positions,
)
from cnfix.rules.script.regional import (
    cantonese_remnants,
    own_form_remnants,
    taiwan_word_remnants,
)
from cnfix.rules.script.register import classical
from cnfix.rules.script.repairs import Change, Conversion, convert_positions, variant_changes
from cnfix.rules.script.standards import standard_of
from cnfix.rules.script.state import CheckState
from cnfix.rules.script.tables import tables
from cnfix.text.chars import HAN, HAN_RE, lazy_compile

#: Romanisation in parentheses between two Han characters (``規(guī)范``), as a group.
#: (Starts with the parenthesis, and looks behind it for the Han character only once it
#: is found, so that ``re`` scans for the parenthesis fast.)
GLOSS_RE = lazy_compile(
    f"([(（](?<=[{HAN}][(（])[A-Za-z\u00c0-\u024f\u0300-\u036f']{{1,12}}[)）])(?=[{HAN}])"
)


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


def unit_changes(
    state: CheckState, unit: str, target: str
) -> tuple[Verdict | None, str | None, list[Change]]:
    """The verdict on ``unit``, the script it should be in, and the characters to change.

    Romanisation glosses are looked through only when the text has something to judge
    (a gloss-hidden remnant alone is found once ``pinyin-annotation`` has removed it).
    """
    count_clean = target not in ("auto", "keep")
    # With glosses, the text is judged again without them: this verdict need only tell
    # whether there is anything to judge (the same answer, quickly).
    glossed = "(" in unit or "（" in unit
    verdict = judge(state, unit, count_clean=count_clean, quick=glossed)
    if verdict is None or (not verdict.minority and not count_clean):
        return verdict, None, []
    cut = _gloss_cut(unit) if glossed else None
    view = unit
    if cut is not None:
        view = cut[0]
        # Glosses hold no Han or kana character: what the unit's verdict counted of them
        # (and the Traditional standard, told by its forms) holds for the view.
        t = tables()
        questions = ("traditional", "markers", "foreign", "standard")
        for question in (*questions, t.simplified_only, t.traditional_only):
            known, answer = state.known(question, unit)
            if known:
                state.tell(question, view, answer)
        verdict = judge(state, view, count_clean=count_clean)
    elif glossed:  # parentheses, but no gloss: the full verdict after all
        verdict = judge(state, unit, count_clean=count_clean)
    wanted, changes = _view_changes(state, view, verdict, target)
    if cut is not None:
        changes = [
            Change(unit_at(cut, c.position), c.replacement, c.safe, c.candidates, c.variant)
            for c in changes
        ]
    return verdict, wanted, changes


def _view_changes(
    state: CheckState, unit: str, verdict: Verdict | None, target: str
) -> tuple[str | None, list[Change]]:
    if verdict is None or verdict.majority is None:
        return None, []
    majority = verdict.majority
    wanted = majority if target in ("auto", "keep") else (HANS if target == HANS else HANT)
    explicit = target not in ("auto", "keep")
    # a named script: its minority is converted even when too small to make the text mixed
    convert_minority = verdict.mixed or (explicit and bool(verdict.minority))
    if wanted == majority and not convert_minority and target not in ("tw", "hk"):
        return wanted, []
    if not explicit and classical(state, unit):
        # Classical text is left as written unless a script is named: its editions mix
        # glyph variants (内 将 并 洒) that the tables count as Simplified.
        return wanted, []
    source = standard_of(state, unit) if majority == HANT else "opencc"
    # The standard to write: the one named, else the text's own (Taiwan for Simplified text).
    standard = target if target in ("tw", "hk") else (source if majority == HANT else "tw")
    changes: list[Change] = []
    if wanted == majority:
        if convert_minority:
            weak: frozenset[int] = frozenset()
            undecided: frozenset[int] = frozenset()
            remnants: dict[int, str] = {}  # position → its form ("": the conversion's)
            if majority == HANT and not classical(state, unit):
                weak = frozenset(simplified_phrase_hits(state, unit, weak=True))
                undecided = frozenset(
                    undecided_positions(state, unit, standard, {*verdict.minority, *weak})
                )
                remnants = dict.fromkeys(prose_remnants(state, unit), "")
                remnants |= own_form_remnants(state, unit)
                if cantonese(state, unit):  # Hong Kong's: its own remnants, not Taiwan's
                    remnants |= cantonese_remnants(unit)
                elif standard == "tw":  # not when another standard is named (--to hk)
                    remnants |= taiwan_word_remnants(state, unit)
            elif majority == HANS:
                remnants = dict.fromkeys(simplified_remnants(state, unit), "")
            positions = sorted({*verdict.minority, *weak, *undecided, *remnants})
            conversion = Conversion(
                state,
                unit,
                wanted,
                standard,
                source,
                unsure=weak | undecided,
                undecided=undecided,
                remnants=remnants,
                explicit=explicit,
                minority=True,
            )
            changes = convert_positions(conversion, positions)
        if majority == HANT and standard != source:
            changes = _not_flipped_back(unit, changes, source, standard)
            taken = {change.position for change in changes}
            variants = variant_changes(unit, source, standard)
            changes += [change for change in variants if change.position not in taken]
    else:
        positions = [m.start() for m in HAN_RE.finditer(unit)]
        conversion = Conversion(state, unit, wanted, standard, source, explicit=explicit)
        changes = convert_positions(conversion, positions)
    return wanted, changes


def _not_flipped_back(unit: str, changes: list[Change], source: str, standard: str) -> list[Change]:
    """``changes`` without those that the named ``standard``'s variants would turn back
    into the character as written: OpenCC's Hong Kong phrases write 隨着 where CC-CEDICT's
    word is 隨著, so converting 着 → 著 as a remnant and 著 → 着 as a variant would swing
    from pass to pass. The standard's form, already written, is final."""
    if not changes:
        return changes
    chars = list(unit)
    for change in changes:
        chars[change.position] = change.replacement
    back = {
        variant.position: variant.replacement
        for variant in variant_changes("".join(chars), source, standard)
    }
    if not back:
        return changes
    return [change for change in changes if back.get(change.position) != unit[change.position]]
