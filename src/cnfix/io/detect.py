"""Whole-file encoding detection, limited to the encodings Chinese text really uses.

Contract (``cnfix.io.decode`` calls this after the BOMs and strict UTF-8 have failed):

- ``detect_encoding(data)`` returns ``(codec, confidence)``: a Python codec name
  that decodes ``data`` *strictly*, and a confidence in [0, 1]; or None when no
  candidate decodes the data at all (binary, or damaged beyond a strict decoding).
- Candidates: ``gb18030`` (reported for GBK and GB2312 files too: it is their
  superset and decodes them identically), ``big5``/``cp950``/``big5hkscs``,
  ``utf-16-le``/``utf-16-be`` (files without BOM) and ``utf-32-le``/``utf-32-be``.
  Never Korean, Japanese or Cyrillic codecs: a short GBK file is not EUC-KR.
- Each strict decoding is scored with the language model of
  ``text.plausibility`` (bits summed over the reading; real Chinese is cheap, GBK
  bytes read as Big5 or UTF-16, or Shift-JIS read as GB18030, are expensive). The
  cheapest wins.
- Confidence grows with the margin to the runner-up and with the amount of text;
  it stays below 0.9 (``MIN_REWRITE_CONFIDENCE``: reported, not rewritten) for
  input shorter than ``MIN_CONFIDENT_BYTES`` and for close calls. A best reading
  that is not plausible Chinese at all (more than ``IMPLAUSIBLE_BITS`` a character)
  gets ``IMPLAUSIBLE_CONFIDENCE``: the caller then asks ``foreign_encoding`` whether
  the bytes are Japanese, Korean, Cyrillic or Western European text instead.

>>> detect_encoding("编码检测：这是一段简体中文文本。".encode("gbk"))
('gb18030', 0.99)
"""

from __future__ import annotations

import math
import re
from codecs import getincrementaldecoder

from cnfix.text.charmodel import noise_count

#: Shorter input is never trusted enough to rewrite a file.
MIN_CONFIDENT_BYTES = 20
#: A best reading that costs more than this many bits a character is not Chinese text,
#: whatever the runner-up: clean prose, poetry and name lists cost 5-13 (measured on
#: ``tests/data/clean``), GBK or Big5 misread 18-22, UTF-16 of anything else 20-24,
#: Shift-JIS or EUC-JP read as GB18030 or Big5 16-20.
IMPLAUSIBLE_BITS = 15.0
#: Above this a reading is doubtful (the long tail of name lists ends about here; the
#: GB18030 reading of Korean EUC-KR costs 14-15): reported, not trusted.
DOUBTFUL_BITS = 13.5
#: The confidence of a reading that is not plausible Chinese: never rewritten.
IMPLAUSIBLE_CONFIDENCE = 0.3

_LEGACY = ("gb18030", "big5", "cp950", "big5hkscs")
#: Candidates that read the same files, differing in a few code points only.
FAMILY = {
    "gb18030": "gb",
    "big5": "big5",
    "cp950": "big5",
    "big5hkscs": "big5",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "utf-32-le": "utf-32-le",
    "utf-32-be": "utf-32-be",
}


def _candidates(data: bytes) -> list[str]:
    codecs = list(_LEGACY)
    if len(data) % 2 == 0:
        codecs += ["utf-16-le", "utf-16-be"]
    if len(data) % 4 == 0:
        codecs += ["utf-32-le", "utf-32-be"]
    return codecs


def _readings(data: bytes) -> dict[str, str]:
    """Every strict decoding of ``data``, one per distinct text (the first codec wins)."""
    readings: dict[str, str] = {}
    seen: set[str] = set()
    for codec in _candidates(data):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if text in seen:
            continue
        seen.add(text)
        readings[codec] = text
    return readings


def has_wide_nul_pattern(data: bytes) -> bool:
    """NUL bytes where UTF-16/32 puts them for ASCII text (every other byte, or three
    of four), not scattered as in binary data. Looks at the first 4 KiB."""
    head = data[:4096]
    if len(head) < 4:
        return False
    even = head[0::2].count(0) / len(head[0::2])
    odd = head[1::2].count(0) / len(head[1::2])
    if even > 0.9 and odd > 0.9:
        return False  # NULs only: binary (a sparse file, an empty disk image)
    if (odd >= 0.3 and even <= 0.1) or (even >= 0.3 and odd <= 0.1):
        return True
    quarters = [head[i::4].count(0) / max(1, len(head[i::4])) for i in range(4)]
    return min(quarters[1:]) >= 0.9 or min(quarters[:3]) >= 0.9


#: Readings are scored on this many bytes at most (decoding is checked on all of them):
#: scoring is a Python loop over characters, and 16 KB of Chinese text is far more than
#: a verdict needs.
SAMPLE_BYTES = 1 << 14
_NON_ASCII_RE = re.compile(rb"[\x80-\xff]")


def _sample(data: bytes) -> bytes:
    """``SAMPLE_BYTES`` of ``data`` from its first non-ASCII byte (ASCII reads the same
    in every legacy candidate: a long ASCII head would tell nothing), moved back to a
    multiple of four bytes. That is a character boundary in every candidate: the bytes
    before are ASCII, one byte per character in GBK and Big5, and whole code units in
    UTF-16 and UTF-32."""
    first = _NON_ASCII_RE.search(data)
    start = (first.start() if first else 0) // 4 * 4
    return data[start : start + SAMPLE_BYTES]


def _sampled_readings(data: bytes, codecs: list[str]) -> dict[str, str]:
    """What each codec makes of ``_sample(data)``: its whole characters (the sample may
    end inside one)."""
    sample = _sample(data)
    return {codec: getincrementaldecoder(codec)().decode(sample, final=False) for codec in codecs}


def detect_encoding(data: bytes) -> tuple[str, float] | None:
    """The codec of ``data`` among Chinese encodings, and how sure that is."""
    readings = _readings(data)
    if not readings:
        return None
    if len(data) > SAMPLE_BYTES:
        readings = _sampled_readings(data, list(readings))
    # Every reading stands for the same bytes, so total costs compare directly (a
    # reading with many cheap ASCII characters is not favoured, as a per-character
    # average would).
    from cnfix.text.plausibility import text_bits  # the model only for legacy bytes

    costs = {codec: text_bits(text) for codec, text in readings.items()}
    scored = sorted((cost, codec) for codec, cost in costs.items())
    # Within the cheapest family the first candidate wins (``big5`` before ``cp950``):
    # its members differ in a few symbols only, and the base codec decoded it strictly.
    best = next(codec for codec in readings if FAMILY[codec] == FAMILY[scored[0][1]])
    best_cost, text = costs[best], readings[best]
    # The runner-up that matters is of another family: Big5 and its extensions read
    # a Big5 file alike but for a few symbols (• or ‧), a tie that says nothing about
    # whether the file is Big5.
    rivals = [cost for cost, codec in scored[1:] if FAMILY[codec] != FAMILY[best]]
    if rivals:
        # Margin in bits summed over the text: how much likelier the winner is.
        margin = rivals[0] - best_cost
        confidence = 1.0 - 0.5 * math.exp(-margin / 30.0)
    else:
        confidence = 0.99
    if noise_count(text) > len(text) // 100:
        confidence = min(confidence, 0.5)
    if len(data) < MIN_CONFIDENT_BYTES:
        confidence = min(confidence, 0.6)
    if text and best_cost / len(text) > DOUBTFUL_BITS:
        confidence = min(confidence, 0.8)
    if text and best_cost / len(text) > IMPLAUSIBLE_BITS:
        confidence = min(confidence, IMPLAUSIBLE_CONFIDENCE)
    return best, round(min(confidence, 0.99), 2)


def _share(text: str, low: str, high: str) -> float:
    """Share of the non-ASCII characters of ``text`` that lie in ``low``–``high``."""
    wide = [char for char in text if not char.isascii()]
    return sum(low <= char <= high for char in wide) / len(wide) if wide else 0.0


def _japanese(text: str) -> bool:
    return _share(text, "\u3040", "\u30ff") >= 0.2


def _korean(text: str) -> bool:
    """Hangul words between spaces (GBK bytes read as EUC-KR are Hangul without spaces)."""
    hangul = sum(1 for char in text if "\uac00" <= char <= "\ud7af")
    return _share(text, "\uac00", "\ud7af") >= 0.6 and text.count(" ") * 8 >= hangul


def _cyrillic(text: str) -> bool:
    """Cyrillic words between spaces, mostly lower case (GBK bytes read as cp1251 are
    long runs of both cases with no spaces)."""
    letters = [char for char in text if "\u0400" <= char <= "\u04ff"]
    wide = sum(1 for char in text if not char.isascii())
    if not letters or len(letters) < 0.9 * wide:
        return False
    lower = sum(char.islower() for char in letters)
    return (
        lower >= 0.6 * len(letters)
        and text.count(" ") * 15 >= len(letters)
        and _beside_ascii_letters(text) <= 0.2 * wide
    )


def _beside_ascii_letters(text: str) -> int:
    """How many non-ASCII letters of ``text`` stand next to an ASCII letter."""

    def ascii_letter(index: int) -> bool:
        return 0 <= index < len(text) and text[index].isascii() and text[index].isalpha()

    return sum(
        1
        for i, char in enumerate(text)
        if not char.isascii() and char.isalpha() and (ascii_letter(i - 1) or ascii_letter(i + 1))
    )


def _western(text: str) -> bool:
    """Accented letters inside Latin words (``café``), not runs of them."""
    wide = sum(1 for char in text if not char.isascii())
    return 0 < wide <= 0.3 * len(text) and _beside_ascii_letters(text) >= 0.7 * wide


#: Legacy encodings of other languages: codec, what to call it, how its text looks.
FOREIGN = (
    ("cp932", "Shift-JIS (Japanese)", _japanese),
    ("euc_jp", "EUC-JP (Japanese)", _japanese),
    ("cp949", "EUC-KR (Korean)", _korean),
    ("cp1251", "Windows-1251 (Cyrillic)", _cyrillic),
    ("koi8_r", "KOI8-R (Cyrillic)", _cyrillic),
    ("cp1252", "Windows-1252 (Western European)", _western),
    ("latin-1", "Latin-1 (Western European)", _western),
)


def foreign_encoding(data: bytes) -> str | None:
    """The name of a non-Chinese legacy encoding whose strict reading of ``data`` looks
    like text of its language, or None. cnfix reports such files and never rewrites
    them: it cannot tell damage in Japanese or Russian text from the real thing."""
    sample = _sample(data)
    for codec, name, looks_right in FOREIGN:
        try:
            text = getincrementaldecoder(codec)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        if looks_right(text):
            return name
    return None
