"""The codecs a reading passes through, re-decoding, and the generated character classes."""

from __future__ import annotations

import functools

from cnfix.text.charmodel import encode_cp936, sloppy_encode_1252
from cnfix.text.datafiles import read_data

# ---------------------------------------------------------------------------
# Codecs and chains
# ---------------------------------------------------------------------------

#: Display name → Python codecs tried in turn. "GBK" is decoded as GB18030, its
#: superset, so that the user-defined areas cp936 maps to private use round-trip.
CODECS: dict[str, tuple[str, ...]] = {
    "UTF-8": ("utf-8",),
    "GBK": ("gb18030",),
    "Big5": ("big5", "cp950"),
}


#: Layers undone, outermost first: (codec the bytes were read as, their real codec).
Chain = tuple[tuple[str, str], ...]


def _encode(text: str, read_as: str) -> bytes | None:
    if read_as == "Latin-1":
        return sloppy_encode_1252(text)
    for codec in CODECS[read_as]:
        try:
            return text.encode(codec)
        except UnicodeEncodeError:
            continue
    return None


def _decode(data: bytes, original: str) -> str | None:
    for codec in CODECS[original]:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def redecode(text: str, read_as: str, original: str) -> str | None:
    """Undo one layer: ``text`` is ``original`` bytes that were read as ``read_as``.

    >>> redecode("浣犲ソ", "GBK", "UTF-8")
    '你好'
    >>> redecode("ÄãºÃ", "Latin-1", "GBK")
    '你好'
    """
    data = _encode(text, read_as)
    if data is None or data.isascii():
        return None
    decoded = _decode(data, original)
    if decoded is None and read_as == "GBK" and "€" in text:
        # Windows code page 936 reads byte 0x80 alone as €, where GB18030 has € at
        # A2E3: UTF-8 read on Windows carries it (閫€ for 退).
        decoded = _decode(encode_cp936(text) or b"", original)
    return decoded


#: (read as, original) pairs for one layer, by the kind of text the garble shows.
LATIN_LAYERS = (("Latin-1", "UTF-8"), ("Latin-1", "GBK"), ("Latin-1", "Big5"))
HAN_LAYERS = (("GBK", "UTF-8"), ("Big5", "UTF-8"), ("GBK", "Big5"), ("Big5", "GBK"))


def _chain_message(chain: Chain) -> str:
    """``((Latin-1, GBK), (GBK, UTF-8))`` → 'UTF-8 bytes read as GBK, then as Latin-1'."""
    # The chain lists layers as they are undone (outermost first); say them in the
    # order the damage happened.
    layers = list(reversed(chain))
    first_read, original = layers[0]
    words = f"{original} bytes read as {first_read}"
    for read_as, _ in layers[1:]:
        words += f", then as {read_as}"
    return words


@functools.cache
def generated_classes() -> dict[str, str]:
    """``data/mojibake_classes.txt``: name → pattern source, as the ``*_source``
    functions build them (building them took ~20 ms of each run's start-up)."""
    classes: dict[str, str] = {}
    for line in read_data("mojibake_classes.txt").split("\n"):
        if line and not line.startswith("#"):
            name, _, source = line.partition("\t")
            classes[name] = source
    return classes
