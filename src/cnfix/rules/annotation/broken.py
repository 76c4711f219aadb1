"""Broken annotations: those next to lost bytes (reported only) and those that lost
their ``)`` in an artifact document (repaired)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from cnfix.model import Applicability, Document, Edit, Finding, Fix
from cnfix.text.chars import HAN, is_han, lazy_compile
from cnfix.text.pinyin import MAX_READING, READING_CHARS, is_reading_of, parse_reading
from cnfix.text.regions import protected_regions

NAME, CODE = "pinyin-annotation", "A001"
_OPEN = "(\N{FULLWIDTH LEFT PARENTHESIS}"
_CLOSE = ")\N{FULLWIDTH RIGHT PARENTHESIS}"
PAIRS = {"(": ")", "\N{FULLWIDTH LEFT PARENTHESIS}": "\N{FULLWIDTH RIGHT PARENTHESIS}"}
#: Marks left where bytes were lost: ``?`` (decoder replacement), its full-width form, U+FFFD.
_DAMAGE = "?\N{FULLWIDTH QUESTION MARK}\N{REPLACEMENT CHARACTER}"


@functools.lru_cache(maxsize=65536)
def _reading_after(char: str, written: str) -> tuple[str, int | None] | None:
    """``written`` parsed when it is a reading of ``char``, else None. Cached: an artifact
    document annotates the same few hundred characters thousands of times."""
    parsed = parse_reading(written)
    if parsed is None or not is_reading_of(char, *parsed):
        return None
    return parsed


#: A toned syllable and ``)`` that lost their ``(``, right after a damage mark: the
#: reading-shaped run is group 1. One pattern per mark, each starting with it (a literal:
#: scanned for ten times faster than a class), run only on a text that has the mark.
_AFTER_DAMAGE_RES = {
    mark: lazy_compile(f"{re.escape(mark)}([{READING_CHARS}]{{1,{MAX_READING}}})[{_CLOSE}]")
    for mark in _DAMAGE
}
#: In an artifact document, also such a run right after a Han character, and a whole
#: annotation after a lone Latin letter glued in after a damage mark or Han (``崿F(xiàn)``).
#: These run on the text reversed, so that each pattern starts with its closing
#: parenthesis (a literal) and looks ahead for what preceded the run; group 1 is the run.
#: The run is taken whole and never given back (``(?=(…))\1``, an atomic group): only
#: the longest can be followed by what the lookahead wants, never a reading character,
#: and an intact annotation's ``)`` (thousands in an artifact document) fails at once.
_BROKEN_REVERSED_RES = tuple(
    lazy_compile(
        f"{re.escape(closer)}(?=([{READING_CHARS}]{{1,{MAX_READING}}}))\\1"
        f"(?=[{_DAMAGE}{HAN}]|[{_OPEN}][A-Za-z][{_DAMAGE}{HAN}])"
    )
    for closer in _CLOSE
)


def _broken_runs(text: str, artifact: bool) -> list[tuple[int, int]]:
    """``(begin, close)`` of each reading-shaped run (at most ``MAX_READING`` characters,
    all of the run) before a closing parenthesis, in text order, that could be a broken
    annotation: after a damage mark; in an artifact document also after a Han character
    or after ``(`` that follows a lone Latin letter after a damage mark or Han."""
    if artifact:
        size = len(text)
        reversed_text = text[::-1]
        runs = [
            (size - match.end(1), size - match.start(1))
            for pattern in _BROKEN_REVERSED_RES
            for match in pattern.finditer(reversed_text)
        ]
    else:
        runs = [
            match.span(1)
            for mark, pattern in _AFTER_DAMAGE_RES.items()
            if mark in text
            for match in pattern.finditer(text)
        ]
    runs.sort()
    return runs


def _damaged(doc: Document, artifact: bool) -> Iterator[Finding]:
    """Annotations broken by lost bytes: report, leave the repair to the mojibake rules.

    What precedes a reading-shaped run before a closing parenthesis decides: a damage mark
    (or, in an artifact document, a Han character) means the ``(`` was lost; an intact
    ``(`` after a stray Latin letter glued into Han text means the character was. An
    intact annotation never qualifies: a Han character precedes its ``(``.
    """
    text = doc.text
    for begin, close in _broken_runs(text, artifact):
        before = text[begin - 1]
        if before in _DAMAGE or is_han(before):
            start, where = begin, "that lost its '(' in damaged text"
        elif PAIRS[before] == text[close]:
            start = begin - 1
            where = f"after the stray letter {text[begin - 2]!r} in damaged text"
        else:
            continue
        parsed = parse_reading(text[begin:close])
        if parsed is None or parsed[1] is None:  # a tone makes it unmistakably pinyin
            continue
        yield Finding(
            NAME,
            CODE,
            start,
            close + 1,
            f'pinyin annotation "{text[start : close + 1]}" {where}',
            Fix(
                (Edit(start, close + 1),),
                "Remove the annotation once the damaged text around it is repaired",
                Applicability.DISPLAY,
            ),
        )


#: ``(`` and a reading-shaped run right before a Han character: an annotation that lost
#: its ``)``. Group 1 is the run, taken whole (as in ``_BROKEN_REVERSED_RES``): only the
#: longest can be followed by Han. Run on artifact documents only.
_LOST_CLOSE_RES = tuple(
    lazy_compile(f"{re.escape(opener)}(?=([{READING_CHARS}]{{1,{MAX_READING}}}))\\1(?=[{HAN}])")
    for opener in PAIRS
)


def _lost_close(doc: Document) -> Iterator[Finding]:
    """In an artifact document, an annotation that lost its ``)``: ``醫(yī院``, safe."""
    text = doc.text
    spans = sorted(
        match.span()
        for opener, pattern in zip(PAIRS, _LOST_CLOSE_RES, strict=True)
        if opener in text
        for match in pattern.finditer(text, 1)
        if is_han(text[match.start() - 1])
        and _reading_after(text[match.start() - 1], match.group(1)) is not None
    )
    if not spans:
        return
    protected = protected_regions(doc)
    for start, end in spans:
        if protected and protected.covers(start):
            continue
        yield Finding(
            NAME,
            CODE,
            start,
            end,
            f'pinyin annotation "{text[start:end]}" after {text[start - 1]} that lost its ")"',
            Fix((Edit(start, end),), "Remove the pinyin annotation"),
        )
