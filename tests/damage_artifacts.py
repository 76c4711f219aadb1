"""Damage real Chinese documents the way converters and "normalising" tools leave them:
pinyin annotations, stray commas, flattened full-width punctuation. Not the seeds' shape.

Used by ``tests/test_artifact_damage.py`` and ``benchmarks/bench_artifact_repair.py``.
Every function is deterministic given its ``random.Random``; each damage returns the
damaged text and the text a perfect repair gives back (``expected``), which differs
from the original only where the damage destroyed information for good (NFKC folds
``…`` and full-width digits too: those stay folded in ``expected``).

The real-text set is the development corpus (``tests/data/corpus``, provenance and
licences in its README and manifest), grouped by genre in ``GENRES``, and public-domain
fiction (``tests/data/fiction``: Lu Xun's short stories, provenance in its README).
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Callable

from damage import CORPUS, corpus_manifest
from pypinyin import Style, lazy_pinyin

from cnfix.adapters.opencc import convert
from cnfix.model import Document
from cnfix.text.charmodel import char_costs
from cnfix.text.chars import CHINESE, HAN, is_han
from cnfix.text.pinyin import is_usual_reading, parse_reading
from cnfix.text.regions import protected_regions

#: Genre → the corpus sources (manifest ``source``; Python docs split by folder) it draws on.
GENRES: dict[str, tuple[str, ...]] = {
    "news": ("census", "president-tw", "tainan-tw"),
    "technical docs": ("react-hans", "k8s-hans", "react-hant", "bash"),
    "textbook": ("d2l",),
    "law and rulings": ("us-constitution", "fsc-tw"),
    "Q&A": ("python-docs-tw/faq",),
    "essays": ("osg-hans", "osg-hant", "sdp-hans"),
    "fiction": (),  # tests/data/fiction
}
FICTION = CORPUS.parent / "fiction"
PER_GENRE = 12

#: The marks flattening turns into ASCII and that a repair can restore.
RESTORABLE = "，；：！？（）"
#: Characters with a charfreq cost up to this are "common" for the ``common`` character set
#: (about the 1,500 most frequent characters).
COMMON_COST = 26


def genre_documents(per_genre: int = PER_GENRE) -> list[tuple[str, str, str, str]]:
    """``(genre, file, kind, text)`` for up to ``per_genre`` corpus documents per genre,
    spread over the genre's sources in manifest order."""
    root = corpus_manifest()
    documents = root["documents"]
    chosen = []
    fiction = json.loads((FICTION / "manifest.json").read_text(encoding="utf-8"))
    for entry in fiction["documents"][:per_genre]:
        text = (FICTION / entry["file"]).read_text(encoding="utf-8")
        chosen.append(("fiction", f"fiction/{entry['file']}", "text", text))
    for genre, sources in GENRES.items():
        picked: list[dict] = []
        pools = []
        for source in sources:
            name, _, folder = source.partition("/")
            pools.append(
                [
                    d
                    for d in documents
                    if d["source"] == name and (not folder or d["path"].startswith(folder + "/"))
                ]
            )
        while len(picked) < per_genre and any(pools):
            for pool in pools:
                if pool and len(picked) < per_genre:
                    picked.append(pool.pop(0))
        for entry in picked:
            kind = "markdown" if entry["format"] == "markdown" else "text"
            path = CORPUS / entry["file"]
            chosen.append((genre, entry["file"], kind, path.read_text(encoding="utf-8")))
    return chosen


def _prose_positions(text: str, kind: str) -> list[bool]:
    """For each position, True when it lies outside code, URLs and e-mail addresses: a
    converter of prose (and a repair tool) leaves those alone."""
    prose = [True] * len(text)
    regions = protected_regions(Document(text, kind=kind))
    for start, end in zip(regions.starts, regions.ends, strict=True):
        for index in range(start, min(end, len(text))):
            prose[index] = False
    return prose


# -- pinyin annotations ------------------------------------------------------------------

TONE_STYLES = {"marks": Style.TONE, "numbers": Style.TONE3, "none": Style.NORMAL}
BRACKETS = {"ascii": ("(", ")"), "fullwidth": ("（", "）")}


def _script_specific(text: str, script: str) -> set[str]:
    """Han characters of ``text`` that the other script writes differently."""
    chars = {c for c in text if is_han(c)}
    other = "t2s" if script == "hant" else "s2t"
    return {c for c in chars if convert(c, other) != c}


def character_set(text: str, script: str, which: str) -> set[str]:
    """The characters a converter may annotate: ``all`` Han, ``script``-specific ones
    (what a Simplified↔Traditional converter touched), or ``common`` ones."""
    chars = {c for c in text if is_han(c)}
    if which == "script":
        return _script_specific(text, script)
    if which == "common":
        costs = char_costs()
        return {c for c in chars if costs.get(c, 99) <= COMMON_COST}
    return chars


def annotate(
    text: str,
    kind: str,
    rng: random.Random,
    *,
    script: str,
    charset: str = "all",
    rate: float = 0.3,
    tones: str = "marks",
    brackets: str = "ascii",
    doubled: float = 0.0,
    lost_close: float = 0.0,
) -> str:
    """Glue the contextual reading (pypinyin, phrase mode) after every occurrence of a
    fixed list of characters: ``rate`` of the characters of ``charset`` in the text, as a
    converter does. ``doubled``: share of annotations written twice (``醫(yī)(yī)``);
    ``lost_close``: share that lost their ``)`` (``醫(yī院``, only before Han)."""
    candidates = sorted(character_set(text, script, charset))
    listed = {c for c in candidates if rng.random() < rate}
    readings = lazy_pinyin(text, style=TONE_STYLES[tones], errors=lambda run: list(run))
    if len(readings) != len(text):  # pypinyin keeps one item per character with this callback
        raise ValueError("pypinyin did not return one reading per character")
    prose = _prose_positions(text, kind)
    opener, closer = BRACKETS[brackets]
    out = []
    for index, char in enumerate(text):
        out.append(char)
        if char not in listed or not prose[index]:
            continue
        reading = readings[index]
        if reading == char:  # no reading known
            continue
        annotation = f"{opener}{reading}{closer}"
        following = text[index + 1 : index + 2]
        if lost_close and is_han(following) and rng.random() < lost_close:
            annotation = f"{opener}{reading}"
        elif doubled and rng.random() < doubled:
            annotation *= 2
        out.append(annotation)
    return "".join(out)


# -- flattening and stray commas ---------------------------------------------------------

_PROTECT = {mark: chr(0xE000 + index) for index, mark in enumerate(RESTORABLE)}
_UNPROTECT = {value: key for key, value in _PROTECT.items()}


def width_fold(text: str) -> str:
    """What a width "fixer" does (ftfy's ``fix_character_width``): full-width ASCII forms
    and the ideographic space to ASCII."""
    return "".join(
        chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else " " if c == "\u3000" else c
        for c in text
    )


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


FLATTENERS: dict[str, Callable[[str], str]] = {"nfkc": nfkc, "width": width_fold}


#: A restorable mark after Chinese, then spaces and Han or an opening quote or bracket:
#: the mark is group 1, the spaces go.
_SPACED_MARK_RE = re.compile(
    f"(?<=[{CHINESE}])([{''.join(_PROTECT.values())}]) +(?=[{HAN}“‘「『《【〔（])"
)


def flatten(text: str, how: str, kind: str) -> tuple[str, str]:
    """``(flattened, expected)``: the document through NFKC or width folding, and the same
    with the restorable marks ``，；：！？（）`` kept (what a perfect repair gives back).
    Code and URLs are flattened too (the tool saw only text), but kept in ``expected``
    only where the document had them: a repair leaves them alone.

    A space after a full-width mark between Chinese and Han (``程序， 更改``) is not
    in ``expected``: flattened, it reads ``程序, 更改``, which is also what a converter
    that spaces its ASCII marks leaves (seed 003's ``落地; 要``), and the issue's policy
    removes that space with the mark."""
    fold = FLATTENERS[how]
    prose = _prose_positions(text, kind)
    flattened = fold(text)
    kept = "".join(_PROTECT.get(c, c) if prose[i] else c for i, c in enumerate(text))
    kept = _SPACED_MARK_RE.sub(r"\1", fold(kept))
    expected = "".join(_UNPROTECT.get(c, c) for c in kept)
    return flattened, expected


def stray_commas(text: str, rng: random.Random, kind: str, rate: float = 1.0) -> str:
    """An ASCII comma glued before ``rate`` of the marks ``，。、；：！？`` in prose, as the
    converter of seeds 001 and 003 did (``，`` → ``,，``, which flattening makes ``,,``)."""
    prose = _prose_positions(text, kind)
    out = []
    for index, char in enumerate(text):
        glued = index and prose[index] and prose[index - 1]  # not into a URL or code
        if char in "，。、；：！？" and glued and rng.random() < rate:
            out.append(",")
        out.append(char)
    return "".join(out)


# -- the variants a test or benchmark runs -----------------------------------------------


def annotation_options(rng: random.Random) -> dict[str, object]:
    """A random mix of the ways converters annotate."""
    return {
        "charset": rng.choice(["all", "script", "common"]),
        "rate": rng.choice([0.05, 0.15, 0.4, 1.0]),
        "tones": rng.choice(list(TONE_STYLES)),
        "brackets": rng.choice(list(BRACKETS)),
        "doubled": rng.choice([0.0, 0.0, 0.05]),
        "lost_close": rng.choice([0.0, 0.0, 0.03]),
    }


def damaged_variants(
    text: str, kind: str, name: str, rng: random.Random
) -> dict[str, tuple[str, str, str]]:
    """Damage name → ``(damaged, expected, description)`` for one document: annotations,
    stray commas, flattening (NFKC or width folding), and all three stacked."""
    script = name.split("/")[0]
    options = annotation_options(rng)
    label = ",".join(f"{key}={value}" for key, value in options.items())
    how = rng.choice(list(FLATTENERS))
    annotated = annotate(text, kind, rng, script=script, **options)  # type: ignore[arg-type]
    flattened, flat_expected = flatten(text, how, kind)
    commas = stray_commas(text, rng, kind)
    comma_flat, _ = flatten(commas, how, kind)
    stacked_source = stray_commas(annotate(text, kind, rng, script=script, **options), rng, kind)  # type: ignore[arg-type]
    stacked, _ = flatten(stacked_source, how, kind)
    return {
        "annotations": (annotated, text, label),
        "stray commas": (commas, text, ""),
        "flattened": (flattened, flat_expected, how),
        "stray commas + flattened": (comma_flat, flat_expected, how),
        "stacked (all three)": (stacked, flat_expected, f"{how},{label}"),
    }


def writes_ascii_marks_in_chinese(text: str, kind: str) -> bool:
    """True when the document itself writes an ASCII ``, ; : ! ? ( )`` next to Chinese in
    prose (``视频(加上…)``, ``公告日:108``): once flattened, nothing tells those from the
    flattened full-width marks, so no repair can give this document back exactly."""
    prose = _prose_positions(text, kind)
    for index, char in enumerate(text):
        if char not in ",;:!?()" or not prose[index]:
            continue
        before, after = text[max(0, index - 2) : index], text[index + 1 : index + 3]
        # A parenthesis may stand apart from Chinese by a space: `函式 (wrapper) 時`.
        if char == "(" and before[-1:] == " ":
            before = before[:1]
        if char == ")" and after[:1] == " ":
            after = after[1:]
        if _chinese(before[-1:]) or _chinese(after[:1]) or _after_chinese_link(text, index):
            return True
    return False


#: A Markdown link whose text holds Han, ending where the match ends.
_CHINESE_LINK_RE = re.compile(f"\\[[^\\[\\]\\n]*[{HAN}][^\\[\\]\\n]*\\]\\([^()\\s]+\\)$")


def _after_chinese_link(text: str, index: int) -> bool:
    """True when a Markdown link with Chinese text ends right before ``index``
    (``[说到的](https://…):``): the mark is in Chinese context."""
    line_start = text.rfind("\n", 0, index) + 1
    return _CHINESE_LINK_RE.search(text, line_start, index) is not None


def _chinese(char: str) -> bool:
    return bool(char) and (is_han(char) or "\u3000" <= char <= "\u303f" or char in CHINESE_MARKS)


#: Full-width and CJK marks that put an ASCII mark beside them in Chinese context.
CHINESE_MARKS = "，；：！？（）、。“”‘’《》「」『』【】…—"


# -- glossed editions (clean text that must keep its annotations) -------------------------

#: An editor glosses characters from this cost on (charfreq half-bits): the long tail.
GLOSS_COST = 30


def gloss(text: str, kind: str, limit: int = 12) -> str:
    """Gloss the first occurrence of up to ``limit`` uncommon characters with their
    contextual reading in full-width brackets, as an annotated edition or a teaching text
    does (``芻（chú）狗``): clean text, not damage."""
    costs = char_costs()
    return _gloss_first(text, kind, limit, lambda char, _: costs.get(char, 99) >= GLOSS_COST)


def gloss_polyphones(text: str, kind: str, limit: int = 12) -> str:
    """Gloss the first occurrence of up to ``limit`` common characters read here in a
    reading other than their most common one (``参与（yù）``, ``勉强（qiǎng）``), as a
    teaching text does: clean text, not damage, on characters the artifact annotates too."""
    costs = char_costs()

    def less_common(char: str, reading: str) -> bool:
        parsed = parse_reading(reading)
        return (
            parsed is not None
            and costs.get(char, 99) < GLOSS_COST
            and not is_usual_reading(char, *parsed)
        )

    return _gloss_first(text, kind, limit, less_common)


def _gloss_first(text: str, kind: str, limit: int, chosen: Callable[[str, str], bool]) -> str:
    """``text`` with the contextual reading (tone marks, full-width brackets) after the
    first occurrence in prose of up to ``limit`` Han characters that ``chosen(char,
    reading)`` accepts."""
    readings = lazy_pinyin(text, style=Style.TONE, errors=lambda run: list(run))
    prose = _prose_positions(text, kind)
    seen: set[str] = set()
    out = []
    for index, char in enumerate(text):
        out.append(char)
        reading = readings[index]
        if (
            is_han(char)
            and reading != char
            and char not in seen
            and prose[index]
            and len(seen) < limit
            and chosen(char, reading)
        ):
            seen.add(char)
            out.append(f"（{reading}）")
    return "".join(out)
