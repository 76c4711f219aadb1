"""Pinyin annotations glued after characters by a converter: ``醫(yī)院`` → ``醫院``."""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import repeat
from operator import itemgetter
from typing import Any, NamedTuple

from cnfix.model import Applicability, BulkFixes, Document, Finding, Rule, one_edit_finding
from cnfix.rules.annotation.broken import (
    CODE,
    NAME,
    PAIRS,
    _damaged,
    _lost_close,
    _reading_after,
)
from cnfix.text.charmodel import RARE_HAN_COST, char_costs
from cnfix.text.chars import is_han, lazy_compile
from cnfix.text.pinyin import (
    MAX_READING,
    READING_CHARS,
    is_usual_reading,
)
from cnfix.text.regions import protected_regions

# The scans are regular expressions that start with a literal (a parenthesis or a damage
# mark), so the regex engine skips ahead at C speed and hands Python only real candidates:
# a damaged document holds thousands of annotations. They are compiled on first use, never
# at import; only the patterns for artifact documents hold a class of the Han ranges
# (1.5 ms to compile).

#: A Han character whose cost in the character-frequency table (``data/charfreq.txt``,
#: half-bits) is at most this is *common*: about the 1,000 most frequent characters. The
#: artifact annotates them in bulk; editors gloss rarer ones (刍 39, 牝 41, 觥 39, 宽 26).
COMMON_COST = 24
#: The artifact needs this many annotations on common characters...
MIN_ARTIFACT = 3
#: ... and, when no character carries the same reading twice, this many.
MIN_UNREPEATED = 5
#: The artifact, whatever the characters: this many annotations repeat a reading.
MIN_REPEATS = 3
#: This many annotations on common characters is suspicious but could be glosses.
MIN_SUSPECT = 2
#: The artifact, whatever the characters: this many readings written with a tone number
#: or no tone (``li4``, ``bin``); an editor's gloss carries tone marks (``觥（gōng）``).
MIN_UNMARKED = 3


class _Annotation(NamedTuple):
    start: int  # the opening parenthesis
    end: int  # after the closing parenthesis
    char: str  # the Han character before it
    syllable: str
    tone: int | None
    embedded: bool  # a Han character follows: glued inside a word, as the artifact is


#: ``(``, a reading-shaped run, ``)``; and the same with ``（ ）``. One pattern per kind of
#: parenthesis: a pattern that starts with a literal is scanned for it ten times faster
#: than one that starts with a class of two. Whether a Han character precedes is decided
#: with the reading, once per distinct annotation: a Han class here would cost more to
#: compile (1.5 ms) than most documents take to scan.
_WRITTEN_RES = tuple(
    lazy_compile(f"{re.escape(opener)}[{READING_CHARS}]{{1,{MAX_READING}}}{re.escape(closer)}")
    for opener, closer in PAIRS.items()
)
_CLOSERS = "".join(PAIRS.values())

Reading = tuple[str, str, "int | None"]  # (Han character, toneless syllable, tone)


@functools.lru_cache(maxsize=1 << 16)
def _reading_of_key(key: str) -> Reading | None:
    """The reading written in ``key``, a character and the parenthesised text after it
    (``醫(yī)``), when the character is Han and that is a known reading of it; else None.

    Remembered: an artifact document annotates the same few hundred characters thousands
    of times, and a cached call is the cheapest way to know."""
    reading = _reading_after(key[0], key[2:-1]) if is_han(key[0]) else None
    return None if reading is None else (key[0], *reading)


class _Found(NamedTuple):
    """The annotations of a document: the ``i``-th, in text order, spans
    ``starts[i]:ends[i]`` (its parentheses) after the Han character it annotates, and
    ``keys[i]`` is that character and the annotation (``醫(yī)``). Lists of numbers and
    strings, no tuple per annotation: thousands of tuples alive at once would wake the
    garbage collector for nothing."""

    starts: list[int]
    ends: list[int]
    keys: list[str]
    counts: dict[str, int]  # how many of each key
    readings: dict[str, Reading]  # of each key


def _annotation_spans(doc: Document) -> _Found:
    """Every Han character followed by a parenthesised known reading of it, outside
    protected regions."""
    text = doc.text
    scans = [_scan(text, pattern) for pattern in _WRITTEN_RES]
    if not (scans[0][0] or scans[1][0]):  # parentheses, but no reading after Han (most texts)
        return _Found([], [], [], {}, {})
    counted = Counter(scans[0][2])
    counted.update(scans[1][2])
    counts: dict[str, int] = counted
    readings: dict[str, Reading] = {key: _reading_of_key(key) for key in counts}  # type: ignore[misc]
    first, second = scans
    if first[0] and second[0]:
        first = _merged(first, second)
    starts, ends, keys = first if first[0] else second
    protected = protected_regions(doc) if starts else None
    if protected:
        kept = protected.uncovered(starts)
        if len(kept) < len(starts):
            starts, ends, keys = _taken(kept, starts, ends, keys)
            counts = Counter(keys)
            readings = {key: readings[key] for key in counts}
    return _Found(starts, ends, keys, counts, readings)


def _scan(text: str, pattern: re.Pattern[str]) -> tuple[list[int], list[int], list[str]]:
    """The starts, ends and keys of ``pattern``'s matches (a ``(`` and what follows it;
    the key is the character before and the match) that are a reading of that
    character, in text order."""
    starts: list[int] = []
    ends: list[int] = []
    keys: list[str] = []
    # From 1: a parenthesis at the start has no character before it.
    for match in pattern.finditer(text, 1):
        start, end = match.span()
        key = text[start - 1 : end]
        if _reading_of_key(key) is not None:
            starts.append(start)
            ends.append(end)
            keys.append(key)
    return starts, ends, keys


Columns = tuple[list[int], list[int], list[str]]


def _merged(first: Columns, second: Columns) -> Columns:
    """The matches of both kinds of parenthesis in text order: the fewer put in among
    the others, runs of which are copied whole (one kind is usually rare)."""
    if len(first[0]) < len(second[0]):
        first, second = second, first
    places = [bisect.bisect_left(first[0], start) for start in second[0]]
    merged: list[list[Any]] = []
    for many, few in zip(first, second, strict=True):
        column: list[Any] = []
        done = 0
        for place, item in zip(places, few, strict=True):
            column += many[done:place]
            column.append(item)
            done = place
        column += many[done:]
        merged.append(column)
    return merged[0], merged[1], merged[2]


def _taken(
    indexes: list[int], starts: list[int], ends: list[int], keys: list[str]
) -> tuple[list[int], list[int], list[str]]:
    """The annotations at ``indexes``, in that order (picked in C: there are thousands)."""
    if len(indexes) < 2:  # ``itemgetter`` of one index gives the item, not a tuple
        return [starts[i] for i in indexes], [ends[i] for i in indexes], [keys[i] for i in indexes]
    pick = itemgetter(*indexes)
    return list(pick(starts)), list(pick(ends)), list(pick(keys))


def _annotations(doc: Document) -> list[_Annotation]:
    """Every Han character followed by a parenthesised known reading of it, in text order."""
    text = doc.text
    found = _annotation_spans(doc)
    annotations = []
    for start, end, key in zip(found.starts, found.ends, found.keys, strict=True):
        embedded = end < len(text) and is_han(text[end])
        annotations.append(_Annotation(start, end, *found.readings[key], embedded))
    return annotations


def _conflicting(readings: Iterable[Reading]) -> set[str]:
    """Characters annotated with two different syllables, or two different tones, among
    ``(char, syllable, tone)`` readings."""
    syllables: dict[str, set[str]] = {}
    tones: dict[str, set[int]] = {}
    for char, syllable, tone in readings:
        syllables.setdefault(char, set()).add(syllable)
        if tone is not None:
            tones.setdefault(char, set()).add(tone)
    return {c for c, s in syllables.items() if len(s) > 1} | {
        c for c, t in tones.items() if len(t) > 1
    }


class _Evidence(NamedTuple):
    """What a document's annotations say about where they came from."""

    common: int  # annotations on common characters (cost <= COMMON_COST)
    total: int  # all annotations
    repeats: int  # annotations that repeat a reading already given to their character
    unmarked: int  # annotations written without tone marks (a tone number or no tone)
    usual: int  # annotations on common characters giving their most common reading


def _evidence(found: _Found) -> _Evidence:
    """Count the annotations on common characters and the repeated readings."""
    costs = char_costs()
    per_key = found.counts
    common = usual = 0
    per_reading: dict[tuple[str, str], int] = {}
    for key, count in per_key.items():
        char, syllable, tone = found.readings[key]
        if costs.get(char, RARE_HAN_COST) <= COMMON_COST:
            common += count
            usual += count * is_usual_reading(char, syllable, tone)
        per_reading[char, syllable] = per_reading.get((char, syllable), 0) + count
    repeats = sum(count - 1 for count in per_reading.values())
    unmarked = sum(
        count
        for key, count in per_key.items()
        if found.readings[key][2] is None or key[-2].isdigit()
    )
    return _Evidence(common, len(found.keys), repeats, unmarked, usual)


def _is_artifact(evidence: _Evidence) -> bool:
    """The thresholds of the policy in ``check_pinyin_annotation``'s docstring."""
    return (evidence.repeats >= MIN_REPEATS or evidence.unmarked >= MIN_UNMARKED) or (
        evidence.usual >= MIN_ARTIFACT
        and evidence.common * 2 >= evidence.total
        and (evidence.repeats > 0 or evidence.usual >= MIN_UNREPEATED)
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

    Artifact, not gloss — the policy, decided by the document's evidence. The artifact
    glues readings after a fixed list of characters, every time they occur, so it
    annotates *common* characters (cost at most 24 half-bits in ``data/charfreq.txt``,
    about the 1,000 most frequent) in bulk, and the same character with the same reading
    again and again; an editor glosses characters a reader may not know (刍 39, 牝 41,
    觥 39, 宽 26 half-bits), once, here and there. A document shows the artifact when

    - at least 3 annotations sit on common characters and give their most common reading
      (the one pypinyin lists first: ``与(yǔ)``, not ``参与(yù)``, which a teacher
      glosses), and
    - the annotations on common characters are at least half of all its annotations, and
    - some character carries the same reading twice, or at least 5 annotations sit on
      common characters and give their most common reading;

    or when 3 annotations repeat a reading their character already carries (``賓(bin)``
    four times), whatever the characters: an editor glosses once; or when 3 readings are
    written with a tone number or with no tone (``立(li4)``, ``歐(ou)``): an editor's
    gloss carries tone marks (``觥（gōng）``), a program's reading often does not.

    Then every annotation whose syllable is any reading of its character is the same
    artifact and gets a **safe** fix, polyphones too (a converter reads in context, so
    one document has ``為(wèi)`` and ``為(wéi)``); so do a doubled annotation
    (``醫(yī)(yī)``, removed whole) and one that lost its ``)`` before a Han character
    (``醫(yī院``). Short of that, with at least 2 annotations on common characters that
    make up half of them, each annotation on a common character the document does not
    annotate with two readings is reported with an **unsafe** fix (the last traces of the
    artifact, or a few glosses). Otherwise — glosses on rare characters (``荨(qián)麻疹``,
    ``龘(dá)``), an annotated classical text, a teaching text that contrasts ``行(xíng)``
    and ``銀行(háng)`` — nothing is reported and nothing changes.

    Calibrated on damaged real documents (``tests/damage_artifacts.py``: pypinyin readings
    after every occurrence of 5–100 % of the characters of a document, all Han, only
    script-specific or only common ones, six genres of the development corpus) against
    glossed texts that keep their glosses (``tests/test_artifact_damage.py``), never on
    the seeds alone.

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
    yield from _findings(doc, _annotation_spans(doc))


def _findings(doc: Document, found: _Found) -> Iterator[Finding]:
    """``check_pinyin_annotation`` on the annotations ``found`` in ``doc``."""
    text = doc.text
    if not found.starts:  # the common case: one scan of the text for a parenthesis after Han
        yield from _damaged(doc, artifact=False)
        return
    evidence = _evidence(found)
    artifact = _is_artifact(evidence)
    suspect = (
        not artifact and evidence.common >= MIN_SUSPECT and evidence.common * 2 >= evidence.total
    )
    conflicting = _conflicting(found.readings.values()) if not artifact else set()
    costs = char_costs()
    # What each distinct annotation gets: its message and fix's applicability, or nothing.
    decided: dict[str, tuple[str, Applicability] | None] = {}
    for key, (char, _, _) in found.readings.items():
        if artifact:
            decided[key] = (f'pinyin annotation "{key[1:]}" after {char}', Applicability.SAFE)
        elif suspect and char not in conflicting and costs.get(char, RARE_HAN_COST) <= COMMON_COST:
            message = f'pinyin annotation "{key[1:]}" after {char} (may be a gloss)'
            decided[key] = (message, Applicability.UNSAFE)
        else:
            decided[key] = None
    # The findings are built with the least work per annotation: thousands in a document.
    name, code = PINYIN_ANNOTATION.name, PINYIN_ANNOTATION.code
    title = "Remove the pinyin annotation"
    if artifact:  # every annotation, safely: built by columns
        messages = {key: outcome[0] for key, outcome in decided.items() if outcome is not None}
        yield from map(
            one_edit_finding,
            repeat(name),
            repeat(code),
            found.starts,
            _repair_ends(text, found),
            map(messages.__getitem__, found.keys),
            repeat(""),
            repeat(title),
            repeat(Applicability.SAFE),
        )
        yield from _lost_close(doc)
    else:
        for start, end, key in zip(found.starts, found.ends, found.keys, strict=True):
            outcome = decided[key]
            if outcome is not None:
                message, applicability = outcome
                yield one_edit_finding(name, code, start, end, message, "", title, applicability)
    yield from _damaged(doc, artifact)


def bulk_pinyin_annotation(doc: Document) -> BulkFixes:
    """``check_pinyin_annotation`` with its safe fixes as bare edits (``BulkFixes``):
    in a document that shows the artifact, every annotation and every one that lost its
    ``)``; elsewhere no fix is safe."""
    found = _annotation_spans(doc)
    if not found.starts or not _is_artifact(_evidence(found)):
        return BulkFixes([], 0, list(_findings(doc, found)))
    text = doc.text
    fixes = len(found.starts)
    edits = list(zip(found.starts, _repair_ends(text, found), range(fixes), repeat("")))
    lost_close = [(finding.start, finding.end) for finding in _lost_close(doc)]
    if lost_close:
        edits += [(start, end, fix, "") for fix, (start, end) in enumerate(lost_close, fixes)]
        fixes += len(lost_close)
        edits.sort()
    return BulkFixes(edits, fixes, list(_damaged(doc, artifact=True)))


#: A ``(`` right after a ``)``: where an annotation may be written again (``醫(yī)(yī)``).
_CLOSE_THEN_OPEN_RE = re.compile(f"[{re.escape(_CLOSERS)}](?=[{re.escape(''.join(PAIRS))}])")


def _repair_ends(text: str, found: _Found) -> list[int]:
    """Where each annotation's repair ends: after the annotations of its character written
    again right after it (``醫(yī)(yī)``), which start where it ends (found by a scan for
    ``)(``, not by a look after each of thousands of annotations)."""
    again = [match.end() for match in _CLOSE_THEN_OPEN_RE.finditer(text)]
    if not again:
        return found.ends
    ends = list(found.ends)
    for at in again:
        index = bisect.bisect_left(found.ends, at)
        if index < len(ends) and found.ends[index] == at:
            ends[index] = _after_repeats(text, at, found.keys[index][0])
    return ends


def _after_repeats(text: str, end: int, char: str) -> int:
    """The end of the annotations of ``char`` written again right after the one that
    ends at ``end`` (``醫(yī)(yī)``): the converter ran twice."""
    while end < len(text) and text[end] in PAIRS:
        match = _WRITTEN_RES[0 if text[end] == "(" else 1].match(text, end)
        if match is None or _reading_after(char, match.group()[1:-1]) is None:
            break
        end = match.end()
    return end


PINYIN_ANNOTATION = Rule(
    code=CODE,
    name=NAME,
    summary="pinyin reading glued after a Han character by a converter (`醫(yī)院`)",
    fix_safety="mixed",
    check=check_pinyin_annotation,
)
