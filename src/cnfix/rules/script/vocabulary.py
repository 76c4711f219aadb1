"""Regional vocabulary (``--to twp`` / ``hkp``): Taiwan's or Hong Kong's words for a text
already in that standard's characters, from OpenCC's TWPhrases / HKPhrases (软件 → 軟體,
信息 → 資訊, 内存 → 記憶體). Only when named: words, unlike characters, are a choice."""

from __future__ import annotations

import difflib

from cnfix.adapters.opencc import BETWEEN_STANDARDS, FROM_STANDARD, convert, convert_phrases


def vocabulary_edits(unit: str, standard: str) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` of each word of ``unit`` (Traditional, in ``standard``:
    ``tw`` or ``hk``) that the region writes otherwise (``軟件`` → ``軟體``)."""
    opencc_form = convert(unit, FROM_STANDARD[standard])
    phrased = convert_phrases(opencc_form, standard)
    if phrased == opencc_form:
        return []
    written = convert(phrased, BETWEEN_STANDARDS[standard])
    matcher = difflib.SequenceMatcher(None, unit, written, autojunk=False)
    # adjacent differences are one edit; an insertion and a deletion one character apart
    # are a word whose characters moved (鼠標 → 滑鼠)
    spans: list[list[int]] = []
    kinds: list[str] = []
    for kind, start, end, first, last in matcher.get_opcodes():
        if kind == "equal":
            continue
        moved = "replace" not in (kind, kinds[-1] if kinds else "replace")
        if spans and (start == spans[-1][1] or (moved and start - spans[-1][1] == 1)):
            spans[-1][1], spans[-1][3] = end, last
        else:
            spans.append([start, end, first, last])
        kinds.append(kind)
    return [(start, end, written[first:last]) for start, end, first, last in spans]
