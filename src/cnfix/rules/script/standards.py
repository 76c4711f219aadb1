"""The Traditional variant standards: which one a text writes, and a form in each.

Taiwan writes 為/裡/眾, Hong Kong 為/説/税, OpenCC's own standard 爲/裏/衆.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from cnfix.adapters.opencc import BETWEEN_STANDARDS, FROM_STANDARD, convert
from cnfix.rules.script.state import CheckState
from cnfix.rules.script.tables import tables, usage

#: Written Cantonese's particles: Cantonese text is Hong Kong's.
CANTONESE_RE = re.compile("[嘅啲咗喺冇嘢哋佢]")


def standard_of(state: CheckState, text: str) -> str:
    """The Traditional variant standard ``text`` uses: ``tw``, ``hk`` or ``opencc``.

    The standard with the fewest forms foreign to it wins (ties: Taiwan, then Hong Kong):
    為/裡/眾 → Taiwan, 為/説/税 → Hong Kong, 爲/裏/衆 → OpenCC's. Written Cantonese (its
    particles 嘅 啲 咗 …) is Hong Kong's: there a tie goes to Hong Kong (``濕濕碎碎``, not
    Taiwan's 溼; ``心裏``, not 心裡), where Taiwan and Hong Kong forms are equally few.
    """
    return state.remembered("standard", text, lambda: _standard_of(state, text))


def _standard_of(state: CheckState, text: str) -> str:
    counts = _foreign_counts(state, text)
    best = min(("tw", "hk", "opencc"), key=lambda name: counts[name])
    if best == "tw" and counts["hk"] == counts["tw"] and CANTONESE_RE.search(text):
        return "hk"
    return best


def _foreign_counts(state: CheckState, text: str) -> dict[str, int]:
    """Per standard, how many characters of ``text`` it writes otherwise."""
    return state.remembered("foreign", text, lambda: _count_foreign(text))


def _count_foreign(text: str) -> dict[str, int]:
    t = tables()
    found = Counter(t.foreign_any.findall(text))  # one search for the forms of all standards
    return {
        name: sum(n for char, n in found.items() if char in t.foreign[name])
        for name in ("tw", "hk", "opencc")
    }


def in_own_standard(
    state: CheckState,
    text: str,
    i: int,
    change: tuple[str, bool, str],
    standard: str,
    *,
    named: bool = False,
) -> tuple[str, bool, str]:
    """``change`` of ``text[i]`` (a safe one into Traditional ``standard``), checked against
    the text's own spelling where the standards write the character differently (為 in
    Taiwan and Hong Kong, 爲 in OpenCC's): the one form the text writes elsewhere is taken;
    when it writes both or neither, the standard's form. Where it writes neither, Hong
    Kong's forms that Hong Kong text writes as Taiwan does (説: 說, ``data/script_usage.txt``)
    are Taiwan's, unless the standard is ``named``. A variant is no ambiguity: the change
    stays safe."""
    forms = _standard_forms(change[0], standard, ("tw", "hk", "opencc"))
    if len(forms) < 2:
        return change
    counts = state.remembered("counts", text, dict)  # how often the text writes each form
    for form in forms:
        if form not in counts:
            counts[form] = text.count(form)
    written = [form for form in forms if counts[form] > (form == text[i])]
    if len(written) == 1:
        return written[0], True, ""
    if not written and not named and standard == "hk" and forms[0] in usage().hong_kong_as_taiwan:
        taiwan = _standard_forms(forms[0], "hk", ("tw",))
        return taiwan[-1], True, ""
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


@functools.cache
def in_standard(char: str, standard: str) -> str:
    """A CC-CEDICT Traditional character (mostly Taiwan forms: 裡 為) in ``standard``.

    Only a form OpenCC's standard does not write is read back from Taiwan's (裡 → 裏): a
    character it writes stays itself (參, which ``tw2t`` alone turns into 蔘).
    """
    opencc_form = convert(char, "tw2t") if char in tables().foreign["opencc"] else char
    if standard in BETWEEN_STANDARDS:
        return convert(opencc_form, BETWEEN_STANDARDS[standard])
    return opencc_form
