"""Generate ``src/cnfix/data/mojibake_classes.txt``: the big character classes of the
mojibake rule, built once instead of at every start-up.

Sources: the GB18030, Big5 and cp950 codecs of the Python standard library (PSF
License; the mapping tables of the Unicode Consortium and the codec standards), read
through ``cnfix.rules.mojibake._pair_chars``, ``src/cnfix/data/charfreq.txt`` (from
jieba's MIT-licensed word counts, see ``scripts/gen_charfreq.py``), and ftfy's
``UTF8_CLUES`` (Apache-2.0). The file holds
exactly what ``utf8_lead_source``, ``utf8_lead_chars`` and ``unusual_han_source`` in
``cnfix.rules.mojibake`` return; ``tests/test_mojibake.py`` checks that it is current.
Building them at run time cost ~20 ms of each ``cnfix scan``'s start-up.

Output format (UTF-8 text): ``#`` header lines, then one line per pattern,
``<name>\\t<regular-expression source or characters>``:

``utf8-lead-GBK``, ``utf8-lead-Big5``
    Where UTF-8 read as GBK or Big5 can start (``浣犲`` = ``e4 bd | a0 e5``).
``utf8-lead-chars-GBK``, ``utf8-follow-chars-GBK`` (and ``-Big5``)
    The characters of that pattern's two classes, plain: short texts are matched
    against them in Python, without compiling the pattern.
``utf8-walk-GBK``
    What must follow such a start for a GBK reading to be reported there (by the
    bytes of the next characters): the prefilter that lets clean text through in one
    regex pass uses it.
``unusual-han``
    Han characters outside the common part of the frequency table, and the symbols a
    wrong double-byte reading scatters among them.
``ftfy-utf8-first-2``, ``-3``, ``-4``, ``ftfy-utf8-continuation``
    ftfy's ``UTF8_CLUES`` (``ftfy.chardata``, ftfy 6.x, Apache-2.0), as class bodies: the
    characters that start a UTF-8 sequence of 2, 3 or 4 bytes, and those that continue
    one, in a single-byte reading. With them the rule knows a line has no UTF-8 sequence
    for ftfy to decode without importing ftfy (~50 ms).

Run: ``python scripts/gen_mojibake_classes.py`` (again after changing ``charfreq.txt``,
``UNUSUAL_HAN_COST`` or the codecs the rule reads with).
"""

from __future__ import annotations

import pathlib
import re
from collections.abc import Iterable

from cnfix.rules.mojibake.chains import CODECS, _encode
from cnfix.text.charmodel import UNUSUAL_HAN_COST, char_costs


def _char_class(chars: set[str]) -> str:
    """The inside of ``[...]`` for ``chars``, runs of consecutive code points as ranges
    (letters and Han as they are: ``re.escape`` on thousands of them is slow)."""

    def literal(code: int) -> str:
        char = chr(code)
        return char if char.isalnum() else re.escape(char)

    parts: list[str] = []
    start = previous = -2
    for code in [*sorted(map(ord, chars)), -2]:
        if code == previous + 1:
            previous = code
            continue
        if start >= 0:
            parts.append(
                literal(start) if start == previous else f"{literal(start)}-{literal(previous)}"
            )
        start = previous = code
    return "".join(parts)


def utf8_lead_source(read_as: str) -> str:
    """Where ``read_as`` garble of UTF-8 can start: a character made of a UTF-8 lead
    byte (E1–EF) and a continuation byte, followed by one whose first byte is a
    continuation byte too and whose second starts the next UTF-8 character
    (浣犲 = e4 bd | a0 e5 | …). The pattern's source, stored in
    ``data/mojibake_classes.txt`` by ``scripts/gen_mojibake_classes.py``."""
    leads = _pair_chars(range(0xE1, 0xF0), range(0x80, 0xC0), read_as)
    follows = _pair_chars(range(0x80, 0xC0), [*range(0x40, 0x7F), *range(0xC2, 0xF5)], read_as)
    return f"[{_char_class(leads)}](?=[{_char_class(follows)}])"


#: ``鈥`` (E2 80 read as GBK): the start of ‘’“”–— in UTF-8 (``鈥檚`` = ``’s``).
_QUOTE_LEAD = "\N{CJK UNIFIED IDEOGRAPH-9225}"


def utf8_walk_source(read_as: str) -> str:
    """What must follow a ``utf8_lead_source`` start for ``_utf8_span`` to find a
    garble there: a lookahead over the next characters, by the bytes ``_encode`` gives
    them (the pattern's source, stored in ``data/mojibake_classes.txt``).

    After the lead character one UTF-8 continuation byte is due. The follow
    character brings it and ends with an ASCII byte (the first UTF-8 character is
    complete: a span of two characters is reported only before an ASCII letter or
    digit, or as ``鈥檚``; a longer one needs a second UTF-8 character, which starts at
    a character made of a lead byte and a continuation byte after any ASCII), or ends
    with a lead byte of a 2-, 3- or 4-byte character, whose continuation bytes the
    next one or two characters must bring. (UTF-8's few extra limits on the byte
    after E0, ED, F0 and F4 are left out: the pattern can only match more.)
    """
    pairs: dict[str, bytes] = {}
    for char in _pair_chars(range(0x80, 0xF5), range(0x40, 0xFF), read_as):
        data = _encode(char, read_as)
        if data is not None and len(data) == 2:
            pairs[char] = data

    def chars(first: Iterable[int], second: Iterable[int]) -> str:
        first, second = set(first), set(second)
        return _char_class({c for c, (a, b) in pairs.items() if a in first and b in second})

    cont, ascii_trail = range(0x80, 0xC0), range(0x40, 0x7F)
    two, three, four = range(0xC2, 0xE0), range(0xE0, 0xF0), range(0xF0, 0xF5)
    complete = chars(cont, ascii_trail)
    # A continuation byte, then ASCII or a lead byte (a continuation byte would be a
    # stray one).
    open_ = f"[{chars(cont, [*ascii_trail, *range(0xC2, 0xF5)])}]"
    closing = f"[{chars(cont, cont)}]"
    second_start = chars(range(0xC2, 0xF5), cont)
    return (
        f"(?=[{complete}](?:[\\x00-\\x09\\x0b-\\x7f]*[{second_start}]|[0-9A-Za-z])"
        f"|(?<={_QUOTE_LEAD})[{complete}]"
        f"|[{chars(cont, two)}]{open_}"
        f"|[{chars(cont, three)}]{closing}"
        f"|[{chars(cont, four)}]{closing}{open_})"
    )


def utf8_lead_chars(read_as: str) -> tuple[str, str]:
    """The characters of ``utf8_lead_source``'s two classes: (leads, follows), sorted."""
    return (
        "".join(sorted(_pair_chars(range(0xE1, 0xF0), range(0x80, 0xC0), read_as))),
        "".join(
            sorted(
                _pair_chars(range(0x80, 0xC0), [*range(0x40, 0x7F), *range(0xC2, 0xF5)], read_as)
            )
        ),
    )


def _pair_chars(leads: Iterable[int], trails: Iterable[int], read_as: str) -> set[str]:
    """The single characters that the byte pairs ``lead trail`` decode to in ``read_as``
    (pairs that do not decode, or decode to more than one character, give nothing).

    All pairs are decoded in one call per codec, each followed by a newline: no trail
    byte of GBK or Big5 is a newline, so a pair that fails cannot swallow the next one,
    and a pair decodes strictly exactly when its piece has no U+FFFD (neither codec
    maps a pair to U+FFFD). One call instead of one per pair: 20 ms → 1 ms.
    """
    first, second = bytes(leads), bytes(trails)
    count = len(first) * len(second)
    data = bytearray(3 * count)
    data[0::3] = b"".join(bytes([lead]) * len(second) for lead in first)
    data[1::3] = second * len(first)
    data[2::3] = b"\n" * count
    readings = [data.decode(codec, "replace").split("\n")[:count] for codec in CODECS[read_as]]
    chars: set[str] = set()
    for pieces in zip(*readings, strict=True):
        for piece in pieces:  # the first codec that decodes the pair decides it
            if "\ufffd" not in piece:
                if len(piece) == 1:
                    chars.add(piece)
                break
    return chars


def unusual_han_source() -> str:
    """Han characters outside the common part of the frequency table, and the symbols
    that a wrong double-byte reading scatters among them (the pattern's source, stored
    in ``data/mojibake_classes.txt``)."""
    common = sorted(
        code
        for code in map(ord, (c for c, cost in char_costs().items() if cost < UNUSUAL_HAN_COST))
        if 0x4E00 <= code < 0xA000
    )
    # The unusual Unified Ideographs are the gaps between the common ones, as ranges.
    gaps, start = [], 0x4E00
    for code in [*common, 0xA000]:
        if code > start:
            gaps.append(f"{chr(start)}-{chr(code - 1)}" if code - 1 > start else chr(start))
        start = max(start, code + 1)
    # Extension A, private use, kana, Cyrillic, vertical forms and circled numbers: what
    # GBK and Big5 read as each other scatter among Han characters.
    others = "\u3400-\u4dbf\ue000-\uf8ff\u3040-\u30ff\u0400-\u04ff\ufe30-\ufe4f\u2460-\u24ff"
    return f"[{''.join(gaps)}\uf900-\ufaff\U00020000-\U0003134f{others}]"


OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "cnfix" / "data"
OUT /= "mojibake_classes.txt"
HEADER = """\
# mojibake_classes.txt: generated by scripts/gen_mojibake_classes.py. Do not edit.
# Sources: the GB18030, Big5 and cp950 codecs of the Python standard library (PSF License),
# charfreq.txt (jieba word counts, MIT licence) and ftfy 6's UTF8_CLUES (ftfy.chardata,
# Apache-2.0). One line per entry: name<TAB>pattern source or characters.
"""


def build() -> dict[str, str]:
    """Name → regular-expression source, in file order."""
    classes = {}
    for read_as in ("GBK", "Big5"):
        classes[f"utf8-lead-{read_as}"] = utf8_lead_source(read_as)
        leads, follows = utf8_lead_chars(read_as)
        classes[f"utf8-lead-chars-{read_as}"] = leads
        classes[f"utf8-follow-chars-{read_as}"] = follows
    classes["utf8-walk-GBK"] = utf8_walk_source("GBK")
    classes["unusual-han"] = unusual_han_source()
    from ftfy.chardata import UTF8_CLUES

    for length in (2, 3, 4):
        classes[f"ftfy-utf8-first-{length}"] = UTF8_CLUES[f"utf8_first_of_{length}"]
    classes["ftfy-utf8-continuation"] = UTF8_CLUES["utf8_continuation"]
    return classes


def main() -> None:
    lines = [f"{name}\t{source}\n" for name, source in build().items()]
    for line in lines:  # one pattern per line: nothing in a class may break a line
        assert line.count("\n") == 1 and "\r" not in line, line[:40]
    OUT.write_text(HEADER + "".join(lines), encoding="utf-8", newline="\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
