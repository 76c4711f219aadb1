"""Damage clean Chinese text the way real files get damaged: the mojibake families.

Used by ``tests/test_mojibake.py`` and ``benchmarks/bench_mojibake.py``; other tests
may import it. Every function is deterministic given its ``random.Random``.

A *family* turns a clean string into its garbled form, or returns None when that
string cannot be garbled strictly (for example a character GBK lacks, or UTF-8
bytes that GB18030 cannot read): such damage in the wild loses bytes and belongs
to ``LOSSY`` instead.
"""

from __future__ import annotations

import json
import pathlib
import random
import re
from collections.abc import Callable

CORPUS = pathlib.Path(__file__).parent / "data" / "corpus"

_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


def read_sloppy_1252(data: bytes) -> str:
    """Decode like Windows software does: cp1252, Latin-1 for its five holes."""
    return "".join(
        chr(b) if b in _CP1252_UNDEFINED or b < 0x80 else bytes([b]).decode("cp1252") for b in data
    )


def _strict(encode: str, decode: str | Callable[[bytes], str]) -> Callable[[str], str | None]:
    def damage(text: str) -> str | None:
        try:
            data = text.encode(encode)
            return decode(data) if callable(decode) else data.decode(decode)
        except (UnicodeEncodeError, UnicodeDecodeError):
            return None

    return damage


def _two_layers(first: Callable[[str], str | None], second: Callable[[str], str | None]):
    def damage(text: str) -> str | None:
        once = first(text)
        return None if once is None else second(once)

    return damage


#: Recoverable families: name → (damage function, scripts it applies to).
FAMILIES: dict[str, tuple[Callable[[str], str | None], tuple[str, ...]]] = {
    "utf8-as-latin1": (_strict("utf-8", "latin-1"), ("hans", "hant")),
    "utf8-as-cp1252": (_strict("utf-8", read_sloppy_1252), ("hans", "hant")),
    "utf8-as-gbk": (_strict("utf-8", "gb18030"), ("hans", "hant")),
    "utf8-as-big5": (_strict("utf-8", "big5"), ("hans", "hant")),
    "gbk-as-latin1": (_strict("gbk", "latin-1"), ("hans",)),
    "gbk-as-cp1252": (_strict("gbk", read_sloppy_1252), ("hans",)),
    "big5-as-latin1": (_strict("big5", "latin-1"), ("hant",)),
    "big5-as-gbk": (_strict("big5", "gb18030"), ("hant",)),
    "gbk-as-big5": (_strict("gbk", "big5"), ("hans",)),
    "utf8-as-gbk-then-latin1": (
        _two_layers(_strict("utf-8", "gb18030"), _strict("utf-8", read_sloppy_1252)),
        ("hans", "hant"),
    ),
    "utf8-as-latin1-twice": (
        _two_layers(_strict("utf-8", read_sloppy_1252), _strict("utf-8", read_sloppy_1252)),
        ("hans", "hant"),
    ),
}


def lossy_gb2312(text: str, mark: str = "?") -> str:
    """GBK bytes decoded as GB2312: each unmappable byte becomes ``mark``, the rest
    is read on, out of step (the damage of seeds 000 and 002)."""
    return (
        text.encode("gbk", errors="replace")
        .decode("gb2312", errors="replace")
        .replace("\ufffd", mark)
    )


def lossy_utf8_as_gbk(text: str) -> str:
    """UTF-8 bytes read as GBK by a decoder that replaces what it cannot read."""
    return text.encode("utf-8").decode("gb18030", errors="replace")


def placeholder(text: str, rng: random.Random) -> str:
    """Overwrite a few characters with a lost-data placeholder."""
    token = rng.choice(
        ["锟斤拷" * rng.randint(1, 3), "\ufffd" * rng.randint(1, 4), "烫烫烫烫", "屯屯屯"]
    )
    position = rng.randrange(len(text))
    return text[:position] + token + text[position + 2 :]


def corpus(script: str | None = None) -> list[tuple[str, str]]:
    """Clean corpus documents as (``script/name``, text), sorted."""
    scripts = [script] if script else ["hans", "hant"]
    return [
        (f"{s}/{path.name}", path.read_text(encoding="utf-8"))
        for s in scripts
        for path in sorted((CORPUS / s).glob("*.txt"))
    ]


def corpus_manifest() -> dict:
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def paragraphs(text: str, min_len: int = 20) -> list[tuple[int, int]]:
    """Spans of the lines that hold at least ``min_len`` characters."""
    spans = []
    offset = 0
    for line in text.split("\n"):
        if len(line.strip()) >= min_len:
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


SENTENCE_RE = re.compile(r"[^。！？!?\n]{6,80}[。！？!?]")


def damage_span(
    text: str, family: str, rng: random.Random, size: str = "paragraph"
) -> tuple[str, int, int] | None:
    """Damage one paragraph or sentence of ``text``: (damaged text, start, end of garble).

    Tries the candidate spans in random order and returns the first that the family
    can garble strictly, or None.
    """
    damage = FAMILIES[family][0]
    if size == "paragraph":
        spans = paragraphs(text)
    else:
        spans = [m.span() for m in SENTENCE_RE.finditer(text)]
    rng.shuffle(spans)
    for start, end in spans[:40]:
        garbled = damage(text[start:end])
        if garbled is not None and garbled != text[start:end]:
            return text[:start] + garbled + text[end:], start, start + len(garbled)
    return None


def read_cp936(data: bytes, mark: str | None = None) -> str | None:
    """Decode like Windows code page 936 does: GBK plus 0x80 as ``€``.

    Python's ``gbk`` codec has no 0x80, Windows has, so UTF-8 read on Windows carries
    ``€`` (``閫€`` for ``退``). With ``mark`` None the reading is strict (None when a
    byte sequence is invalid); otherwise each invalid sequence becomes ``mark`` the way
    Windows tools write ``?``: an invalid trail byte is read again on its own.
    """
    out = []
    index = 0
    while index < len(data):
        byte = data[index]
        if byte < 0x80:
            out.append(chr(byte))
            index += 1
            continue
        if byte == 0x80:
            out.append("€")
            index += 1
            continue
        try:
            out.append(data[index : index + 2].decode("gbk"))
            index += 2
            continue
        except UnicodeDecodeError:
            if mark is None:
                return None
        out.append(mark)
        trail = data[index + 1] if index + 1 < len(data) else 0
        index += 2 if 0x40 <= trail <= 0xFE and trail != 0x7F else 1
    return "".join(out)


def _utf8_as_cp936(text: str, rng: random.Random) -> str | None:
    return read_cp936(text.encode("utf-8"))


def _utf8_as_cp936_marked(text: str, rng: random.Random) -> str | None:
    return read_cp936(text.encode("utf-8"), "?")


def _utf8_as_gbk_replaced(text: str, rng: random.Random) -> str | None:
    return lossy_utf8_as_gbk(text)


def _lost_byte(codec: str, mark: str) -> Callable[[str, random.Random], str | None]:
    """One byte of a double-byte character lost: the rest is read out of step."""

    def damage(text: str, rng: random.Random) -> str | None:
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            return None
        double = [i for i, b in enumerate(data) if b >= 0x81]
        if not double:
            return None
        cut = rng.choice(double)
        return (
            (data[:cut] + data[cut + 1 :]).decode(codec, errors="replace").replace("\ufffd", mark)
        )

    return damage


def _gb2312_read(text: str, rng: random.Random) -> str | None:
    return lossy_gb2312(text)


def _cut_line_ends(text: str, rng: random.Random) -> str | None:
    """Each line's GBK bytes cut before their last byte (fixed-width fields, truncated
    database columns): a line that ended in a Han character ends in ``?``."""
    lines = []
    for line in text.split("\n"):
        try:
            data = line.encode("gbk")
        except UnicodeEncodeError:
            return None
        if data and data[-1] >= 0x40 and len(data) >= 2 and data[-2] >= 0x81:
            line = data[:-1].decode("gbk", errors="replace").replace("\ufffd", "?")
        lines.append(line)
    joined = "\n".join(lines)
    return joined if joined != text else None


def _gbk_through_utf8(text: str, rng: random.Random) -> str | None:
    """GBK bytes read as UTF-8 (each invalid byte a U+FFFD), saved as UTF-8 and read as
    GBK again: ``锟斤拷`` runs, with the trail bytes 0x40–0x7E that UTF-8 read as ASCII
    surviving between them (``锟絫锟絎`` for 醫學)."""
    try:
        data = text.encode("gbk")
    except UnicodeEncodeError:
        return None
    round_trip = data.decode("utf-8", errors="replace").encode("utf-8")
    return round_trip.decode("gbk", errors="replace")


#: Families that lose bytes: name → (damage function of text and rng, scripts).
LOSSY_FAMILIES: dict[str, tuple[Callable[[str, random.Random], str | None], tuple[str, ...]]] = {
    "utf8-as-cp936": (_utf8_as_cp936, ("hans", "hant")),
    "utf8-as-cp936-?": (_utf8_as_cp936_marked, ("hans", "hant")),
    "utf8-as-gbk-U+FFFD": (_utf8_as_gbk_replaced, ("hans", "hant")),
    "gbk-lost-byte-U+FFFD": (_lost_byte("gbk", "\ufffd"), ("hans",)),
    "gbk-lost-byte-?": (_lost_byte("gbk", "?"), ("hans",)),
    "big5-lost-byte-U+FFFD": (_lost_byte("big5", "\ufffd"), ("hant",)),
    "gbk-as-gb2312-?": (_gb2312_read, ("hant",)),
    "gbk-line-cut-?": (_cut_line_ends, ("hans",)),
    "gbk-via-utf8-锟斤拷": (_gbk_through_utf8, ("hans", "hant")),
}


def lossy_span(
    text: str, family: str, rng: random.Random, size: str = "paragraph"
) -> tuple[str, int, int] | None:
    """Like :func:`damage_span` for a lossy family: (damaged text, start, end of damage)."""
    damage = LOSSY_FAMILIES[family][0]
    if size == "whole":
        spans = [(0, len(text))]
    elif size == "paragraph":
        spans = paragraphs(text)
    else:
        spans = [m.span() for m in SENTENCE_RE.finditer(text)]
    rng.shuffle(spans)
    for start, end in spans[:40]:
        garbled = damage(text[start:end], rng)
        if garbled is not None and garbled != text[start:end]:
            return text[:start] + garbled + text[end:], start, start + len(garbled)
    return None


def read_clean_set(name: str) -> list[str]:
    """The documents of ``tests/data/clean/<name>.txt.xz`` (see its README)."""
    import lzma

    data = lzma.decompress((CORPUS.parent / "clean" / f"{name}.txt.xz").read_bytes())
    return data.decode("utf-8").split("\n\f\n")


CLEAN_SETS = ("modern", "classical", "names", "technical")
