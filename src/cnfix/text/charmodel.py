"""How plausible a string is as Chinese text, and the byte round trips of mojibake.

The mojibake and lost-bytes rules and whole-file detection all ask one question:
which of several readings of the same bytes is real Chinese? The answer is a cost
in half-bits per character (lower is more plausible) from a character-frequency
table (``data/charfreq.txt``, built by ``scripts/gen_charfreq.py`` from jieba's
word counts), plus penalties for what real text does not contain: private-use and
replacement characters, control characters, Latin-1 letters in Han context, kana
or Hangul scattered among Han, box drawing.

>>> text_cost("你好") < text_cost("浣犲ソ")
True
"""

from __future__ import annotations

import functools
import unicodedata

from cnfix.text.chars import HAN_RE, is_han
from cnfix.text.datafiles import read_data

#: Cost of a Han character missing from the table (it holds the 10,000 most common).
RARE_HAN_COST = 52
#: Cost from which a Han character counts as unusual (the table's long tail).
UNUSUAL_HAN_COST = 36
ASCII_COST = 12
COMMON_PUNCT_COST = 14
NOISE_COST = 120

#: Bytes 0x80–0x9F as Windows-1252 reads them; the five it leaves undefined are
#: read by most tools as the C1 control characters of Latin-1.
CP1252_HIGH = {
    bytes([b]).decode("cp1252"): b
    for b in range(0x80, 0xA0)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}

COMMON_CJK_PUNCT = frozenset(
    "，。、；：！？（）“”‘’《》「」『』【】〔〕…—·～\u3000％＋－＝／０１２３４５６７８９"
)


@functools.cache
def char_costs() -> dict[str, int]:
    """The frequency table: Han character → cost in half-bits (``-2·log2 p``)."""
    table: dict[str, int] = {}
    text = read_data("charfreq.txt")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        cost, chars = line.split("\t", 1)
        table.update(dict.fromkeys(chars, int(cost)))  # (a loop per character: ~2 ms)
    return table


def _is_letter_latin(char: str) -> bool:
    return (char.isascii() and char.isalpha()) or "\u00c0" <= char <= "\u024f"


def char_cost(char: str, before: str = "", after: str = "") -> int:
    """Cost of ``char`` between neighbours ``before`` and ``after`` (each may be empty)."""
    cost = char_costs().get(char)
    if cost is not None:
        return cost
    code = ord(char)
    if code < 0x80:
        if char in "\t\n\r" or 0x20 <= code < 0x7F:
            return ASCII_COST
        return NOISE_COST
    if char == "\u00a0":
        return ASCII_COST  # no-break space: a space
    if char in COMMON_CJK_PUNCT or char in "\u201c\u201d\u2018\u2019\u2014\u2026\u00b7":
        return COMMON_PUNCT_COST
    if is_han(char):
        return RARE_HAN_COST if code <= 0x9FFF else RARE_HAN_COST + 10
    if code < 0xA0 or char == "\ufffd" or 0xE000 <= code <= 0xF8FF or code >= 0xF0000:
        return NOISE_COST
    if code < 0x250:
        # Latin-1 and Latin Extended: normal inside a Latin word (café, lǐng), odd elsewhere.
        if _is_letter_latin(char) and (_is_letter_latin(before) or _is_letter_latin(after)):
            return 22
        return 46
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Co", "Cs", "Cn"):
        return NOISE_COST
    if 0x3040 <= code <= 0x30FF or 0xAC00 <= code <= 0xD7AF:
        # Kana, Hangul: real in Japanese or Korean runs, noise when scattered in Han.
        same = lambda c: c and (0x3040 <= ord(c) <= 0x30FF or 0xAC00 <= ord(c) <= 0xD7AF)  # noqa: E731
        return 24 if same(before) or same(after) else 40
    if 0x2500 <= code <= 0x25FF or 0xE000 <= code <= 0xF8FF:
        return 44
    if category[0] == "L" and (_same_script(char, before) or _same_script(char, after)):
        # A letter inside a word of its own script (Greek, Cyrillic, Hebrew, Thai…).
        return 22
    return 36


def _same_script(char: str, other: str) -> bool:
    """Crude but cheap: both letters in the same 256-code-point block."""
    return bool(other) and other.isalpha() and ord(other) >> 8 == ord(char) >> 8


def text_cost(text: str) -> int:
    """Total cost of ``text``; compare strings that stand for the same bytes."""
    total = 0
    previous = ""
    last = len(text) - 1
    for index, char in enumerate(text):
        total += char_cost(char, previous, text[index + 1] if index < last else "")
        previous = char
    return total


def han_profile(text: str) -> tuple[int, float]:
    """Number of Han characters in ``text`` and their mean cost (0.0 when none)."""
    costs = char_costs()
    values = [costs.get(c, RARE_HAN_COST) for c in HAN_RE.findall(text)]
    return len(values), (sum(values) / len(values) if values else 0.0)


def noise_count(text: str) -> int:
    """Characters no real text carries: U+FFFD, private use, controls other than whitespace."""
    return sum(1 for char in text if char_cost(char) >= NOISE_COST)


def sloppy_encode_1252(text: str) -> bytes | None:
    """The bytes that a Latin-1/Windows-1252 reading turned into ``text``, or None.

    Mixed readings are common (cp1252 for 0x80–0x9F where it defines a character,
    Latin-1 C1 controls for the five it does not), so both are accepted.
    """
    out = bytearray()
    for char in text:
        code = ord(char)
        if code < 0x100:
            out.append(code)
        else:
            byte = CP1252_HIGH.get(char)
            if byte is None:
                return None
            out.append(byte)
    return bytes(out)


def utf8_length(lead: int) -> int:
    """How many bytes the UTF-8 sequence that ``lead`` starts has (0: not a lead byte)."""
    if 0xC2 <= lead < 0xE0:
        return 2
    if 0xE0 <= lead < 0xF0:
        return 3
    return 4 if 0xF0 <= lead < 0xF5 else 0


def encode_cp936(text: str) -> bytes | None:
    """``text`` as Windows code page 936 bytes: GBK, with € as the single byte 0x80."""
    try:
        return b"\x80".join(part.encode("gb18030") for part in text.split("€"))
    except UnicodeEncodeError:
        return None
