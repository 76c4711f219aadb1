"""Pinyin annotations glued after characters by a converter: ``醫(yī)院`` → ``醫院``."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

from cnfix.chars import is_han
from cnfix.datafiles import read_data
from cnfix.model import Applicability, Document, Edit, Finding, Fix, Rule
from cnfix.regions import protected_regions

# The scan is written with ``str.find`` and character comparisons instead of regular
# expressions: character classes beyond Latin-1 (Han, the tone-marked Latin letters) cost
# tens of milliseconds to compile, paid by every start-up, and the regex engine walks
# Chinese text several times slower than ``str.find`` looks for a parenthesis.

_OPEN = "(\N{FULLWIDTH LEFT PARENTHESIS}"
_CLOSE = ")\N{FULLWIDTH RIGHT PARENTHESIS}"
PAIRS = {"(": ")", "\N{FULLWIDTH LEFT PARENTHESIS}": "\N{FULLWIDTH RIGHT PARENTHESIS}"}
#: Marks left where bytes were lost: ``?`` (decoder replacement), its full-width form, U+FFFD.
_DAMAGE = "?\N{FULLWIDTH QUESTION MARK}\N{REPLACEMENT CHARACTER}"
#: Longest written reading: ``zhuàng`` is 7 characters in NFD; ``u:`` and a digit add two.
MAX_READING = 10


def _in_reading(char: str) -> bool:
    """A character a written reading may use: ASCII letters and digits, ``:`` of ``u:``, the
    Latin blocks that hold the tone-marked vowels (ā á ǎ à ü ǘ ê ế ḿ ń ň ǹ …) and combining
    marks (readings in NFD)."""
    if char.isascii():
        return char.isalnum() or char == ":"
    return (
        "\u00c0" <= char <= "\u024f" or "\u0300" <= char <= "\u036f" or "\u1e00" <= char <= "\u1eff"
    )


#: Combining tone marks after NFD. The breve (ă) is a common typo for the caron (ǎ).
TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0306": 3, "\u0300": 4}
#: The artifact pattern needs this many embedded annotations (Han right after them).
MIN_ARTIFACT = 3
#: This many embedded annotations is suspicious but could be two deliberate glosses.
MIN_SUSPECT = 2


@functools.cache
def _syllables() -> frozenset[str]:
    """The closed inventory of toneless syllables (``src/cnfix/data/pinyin_syllables.txt``)."""
    text = read_data("pinyin_syllables.txt")
    return frozenset(
        word for line in text.splitlines() if not line.startswith("#") for word in line.split()
    )


@functools.cache
def _readings() -> dict[str, str]:
    """Toned syllable (``yi1``, neutral tone ``de5``) → the characters that have that reading."""
    text = read_data("pinyin_readings.txt")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, chars = line.partition(" ")
            table[key] = chars
    return table


@functools.lru_cache(maxsize=4096)
def parse_reading(written: str) -> tuple[str, int | None] | None:
    """A written reading as (toneless syllable, tone or None), or None if it is no syllable.

    Tone marks, tone numbers (5 or 0 for the neutral tone) and no tone are accepted;
    ``ü`` may be written ``ü``, ``v`` or ``u:``; case does not matter.

    >>> parse_reading("Lǘ"), parse_reading("lv2"), parse_reading("LU:2"), parse_reading("an")
    (('lü', 2), ('lü', 2), ('lü', 2), ('an', None))
    >>> parse_reading("WHO"), parse_reading("yī1")
    (None, None)
    """
    decomposed = unicodedata.normalize("NFD", written.lower())
    tone: int | None = None
    if decomposed[-1:].isdigit() and decomposed[-1].isascii():
        if decomposed[-1] > "5":
            return None
        tone = int(decomposed[-1]) or 5
        decomposed = decomposed[:-1]
    marks = [TONE_MARKS[c] for c in decomposed if c in TONE_MARKS]
    if marks:
        if tone is not None or len(marks) > 1:
            return None
        tone = marks[0]
        decomposed = "".join(c for c in decomposed if c not in TONE_MARKS)
    base = unicodedata.normalize("NFC", decomposed).replace("u:", "ü").replace("v", "ü")
    if base[:1] in ("j", "q", "x", "y"):
        base = base.replace("ü", "u")  # standard spelling: ju qu xu yu
    return (base, tone) if base in _syllables() else None


def is_reading_of(char: str, syllable: str, tone: int | None) -> bool:
    """True when ``char`` has the reading ``syllable`` (with ``tone``, any tone when None)."""
    table = _readings()
    tones = (tone,) if tone is not None else (1, 2, 3, 4, 5)
    return any(char in table.get(f"{syllable}{t}", "") for t in tones)


@functools.lru_cache(maxsize=65536)
def _reading_after(char: str, written: str) -> tuple[str, int | None] | None:
    """``written`` parsed when it is a reading of ``char``, else None. Cached: an artifact
    document annotates the same few hundred characters thousands of times."""
    parsed = parse_reading(written)
    if parsed is None or not is_reading_of(char, *parsed):
        return None
    return parsed


class _Annotation(NamedTuple):
    start: int  # the opening parenthesis
    end: int  # after the closing parenthesis
    char: str  # the Han character before it
    syllable: str
    tone: int | None
    embedded: bool  # a Han character follows: glued inside a word, as the artifact is


def _positions(text: str, chars: str) -> list[int]:
    """Sorted positions of ``chars`` in ``text``, found with ``str.find``."""
    found = []
    for char in chars:
        at = text.find(char)
        while at != -1:
            found.append(at)
            at = text.find(char, at + 1)
    return sorted(found)


def _written_readings(text: str) -> Iterator[tuple[int, int, str]]:
    """``(open, close, written)`` for each Han character + parenthesised reading-shaped run.

    This loop is most of the cost of the rule on clean text, hence its shape: ``str.find``
    per kind of parenthesis, the usual Han block tested inline, ASCII runs tested in C.
    """
    for opener, closer in PAIRS.items():
        start = text.find(opener, 1)
        while start != -1:
            before = text[start - 1]
            if is_han(before):
                close = text.find(closer, start + 2, start + MAX_READING + 2)
                if close != -1:
                    written = text[start + 1 : close]
                    if (written.isascii() and written.isalnum()) or all(
                        _in_reading(c) for c in written
                    ):
                        yield start, close, written
            start = text.find(opener, start + 1)


def _annotations(doc: Document) -> list[_Annotation]:
    """Every Han character followed by a parenthesised known reading of it, in text order."""
    text = doc.text
    found: list[_Annotation] = []
    protected = None
    for start, close, written in _written_readings(text):
        parsed = _reading_after(text[start - 1], written)
        if parsed is None:
            continue
        if protected is None:
            protected = protected_regions(doc)
        if protected and protected.covers(start):
            continue
        end = close + 1
        embedded = end < len(text) and is_han(text[end])
        found.append(_Annotation(start, end, text[start - 1], *parsed, embedded))
    found.sort(key=lambda a: a.start)
    return found


def _conflicting(annotations: list[_Annotation]) -> set[str]:
    """Characters annotated with two different syllables, or two different tones."""
    syllables: dict[str, set[str]] = {}
    tones: dict[str, set[int]] = {}
    for a in annotations:
        syllables.setdefault(a.char, set()).add(a.syllable)
        if a.tone is not None:
            tones.setdefault(a.char, set()).add(a.tone)
    return {c for c, s in syllables.items() if len(s) > 1} | {
        c for c, t in tones.items() if len(t) > 1
    }


def _broken_candidates(
    text: str, artifact: bool, whole: frozenset[int] = frozenset()
) -> Iterator[tuple[int, int]]:
    """``(begin, close)`` of each reading-shaped run of letters right before a closing
    parenthesis, except the closing parentheses in ``whole`` (of intact annotations,
    which are never broken). In a document without the artifact pattern only runs right
    after a damage mark count, and those are found forwards from the (rare) marks."""
    if artifact:
        for close in _positions(text, _CLOSE):
            if close in whole:
                continue
            begin = close
            while begin > 0 and close - begin < MAX_READING and _in_reading(text[begin - 1]):
                begin -= 1
            if 0 < begin < close:
                yield begin, close
        return
    for mark in _positions(text, _DAMAGE):
        close = mark + 1
        while close < len(text) and close - mark <= MAX_READING and _in_reading(text[close]):
            close += 1
        if close > mark + 1 and close < len(text) and text[close] in _CLOSE:
            yield mark + 1, close


def _damaged(
    doc: Document, artifact: bool, whole: frozenset[int] = frozenset()
) -> Iterator[Finding]:
    """Annotations broken by lost bytes: report, leave the repair to the mojibake rules.

    What precedes a reading-shaped run before a closing parenthesis decides: a damage mark
    (or, in an artifact document, a Han character) means the ``(`` was lost; an intact
    ``(`` after a stray Latin letter glued into Han text means the character was.
    """
    text = doc.text
    for begin, close in _broken_candidates(text, artifact, whole):
        before = text[begin - 1]
        if before in _DAMAGE or (artifact and is_han(before)):
            start, where = begin, "that lost its '(' in damaged text"
        elif (
            artifact
            and before in _OPEN
            and PAIRS[before] == text[close]
            and begin >= 3
            and text[begin - 2].isascii()
            and text[begin - 2].isalpha()
            and (text[begin - 3] in _DAMAGE or is_han(text[begin - 3]))
        ):
            start = begin - 1
            where = f"after the stray letter {text[begin - 2]!r} in damaged text"
        else:
            continue
        parsed = parse_reading(text[begin:close])
        if parsed is None or parsed[1] is None:  # a tone makes it unmistakably pinyin
            continue
        yield PINYIN_ANNOTATION.finding(
            start,
            close + 1,
            f'pinyin annotation "{text[start : close + 1]}" {where}',
            Fix(
                (Edit(start, close + 1),),
                "Remove the annotation once the damaged text around it is repaired",
                Applicability.DISPLAY,
            ),
        )


def check_pinyin_annotation(doc: Document) -> Iterator[Finding]:
    """A Han character followed by its own Mandarin reading in parentheses, glued in by a converter.

    Example: ``湖北省腫瘤醫(yī)院召開黨委理論學(xué)習(xí)中心組`` — a Simplified→Traditional
    converter (or an SEO "rewriter") glued the reading after a fixed list of characters,
    every time they occur. The repair deletes the annotation and keeps the character:
    ``醫(yī)院`` → ``醫院``.

    Why: the annotations break every word they sit in, for readers, search and
    segmentation; general cleaners that delete all parentheses destroy real text, and CJK
    linters pad them with spaces.

    What counts as an annotation: a Han character, then ``(`` or ``（``, a syllable of the
    closed Hanyu Pinyin inventory (421 toneless syllables) written with tone marks
    (``yī``), a tone number (``yi1``, ``de5``/``de0`` for the neutral tone) or no tone
    (``yi``), in any case, ``ü`` written ``ü``, ``v`` or ``u:``, and the matching ``)``
    or ``）``; and the syllable (with its tone, when one is written) must be a known
    reading of that character in pypinyin's dictionary (Unihan-derived, Simplified and
    Traditional; characters of the supplementary planes are left out, so a reading after
    them is always left alone). Only such annotations count below. ``(WHO)``,
    ``(2023)``, ``(a)`` after 项, ``维生素(C)``, ``（关沮院区）`` and Latin words after
    Latin text never qualify.

    Artifact, not gloss — the policy. An annotation is *embedded* when a Han character
    follows it (``醫(yī)院``): the artifact sits inside words, a gloss usually does too,
    but the artifact repeats. A character is *conflicting* when the document annotates
    it with two different syllables or two different tones (``行(xíng)…銀行(háng)``): the
    artifact gives a character one reading throughout, a writer contrasting readings
    does not.

    - At least 3 embedded annotations on non-conflicting characters: the document shows
      the artifact pattern. Every annotation on a non-conflicting character (embedded
      or not) is reported with a **safe** fix; annotations on conflicting characters
      get an **unsafe** fix.
    - Exactly 2 embedded annotations on non-conflicting characters: could be the last
      traces of the artifact or two deliberate glosses. Every annotation on a
      non-conflicting character is reported with an **unsafe** fix; annotations on
      conflicting characters are not reported.
    - Fewer: a gloss (``荨(qián)麻疹`` in an encyclopedia entry, ``龘(dá)`` in a
      dictionary, a list such as ``龘(dá)、靐(bìng)``): no finding, no change.

    Broken annotations next to lost bytes are reported **display-only** (the edit that
    would delete them is shown, never applied): their repair belongs to the mojibake
    rules, which may need the garbled characters to recover the original. These are a
    toned syllable and ``)`` that lost their ``(``, right after ``?``/``？``/U+FFFD
    (``兼?zhèn)涞``, always reported) or, in a document that shows the artifact
    pattern, right after a Han character; and a whole annotation after a lone Latin
    letter glued into Han text (``崿F(xiàn)``, artifact documents only).

    Known limit: a document deliberately written with a reading after many characters
    (ruby-like teaching text) looks exactly like the artifact and is repaired as one.
    URLs, e-mail addresses and Markdown code are never touched.
    """
    text = doc.text
    annotations = _annotations(doc)
    if not annotations:  # the common case: five scans of the text with str.find, no more
        yield from _damaged(doc, artifact=False)
        return
    conflicting = _conflicting(annotations)
    consistent_embedded = sum(1 for a in annotations if a.embedded and a.char not in conflicting)
    artifact = consistent_embedded >= MIN_ARTIFACT
    for a in annotations:
        if artifact:
            applicability = Applicability.UNSAFE if a.char in conflicting else Applicability.SAFE
        elif consistent_embedded >= MIN_SUSPECT and a.char not in conflicting:
            applicability = Applicability.UNSAFE
        else:
            continue
        message = f'pinyin annotation "{text[a.start : a.end]}" after {a.char}'
        if a.char in conflicting:
            message += f" ({a.char} is annotated with different readings)"
        elif not artifact:
            message += " (only two in the document: may be a gloss)"
        yield PINYIN_ANNOTATION.finding(
            a.start,
            a.end,
            message,
            Fix((Edit(a.start, a.end),), "Remove the pinyin annotation", applicability),
        )
    yield from _damaged(doc, artifact, frozenset(a.end - 1 for a in annotations))


PINYIN_ANNOTATION = Rule(
    code="A001",
    name="pinyin-annotation",
    summary="pinyin reading glued after a Han character by a converter (`醫(yī)院`)",
    fix_safety="mixed",
    check=check_pinyin_annotation,
)
