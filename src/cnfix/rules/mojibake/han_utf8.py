"""UTF-8 read as a double-byte codec: 浣犲ソ (as GBK), 銝剜? (as Big5)."""

from __future__ import annotations

import bisect
import codecs
import functools
import re
from collections.abc import Iterator, Mapping

from cnfix.rules.mojibake.chains import _encode, generated_classes, redecode
from cnfix.rules.mojibake.scoring import (
    Candidate,
    _best_candidate,
    _cost,
    _is_clear_win,
    _odd_count,
)
from cnfix.text.charmodel import (
    UNUSUAL_HAN_COST,
    char_costs,
    han_profile,
    noise_count,
    utf8_length,
)
from cnfix.text.chars import PLACEHOLDER_RE, ScanBudget
from cnfix.text.precompiled import compile_pattern, stored
from cnfix.text.regions import Regions

# ---------------------------------------------------------------------------
# Han readings: 浣犲ソ (UTF-8 as GBK), 銝剜? (UTF-8 as Big5), GBK ↔ Big5
# ---------------------------------------------------------------------------


@functools.cache
def _utf8_lead_re(read_as: str) -> re.Pattern[str]:
    return compile_pattern(generated_classes()[f"utf8-lead-{read_as}"])


@functools.cache
def _stored(name: str) -> bool:
    """True when the class ``name`` compiles at no cost (``text.precompiled``): then no
    text is matched in Python first."""
    return stored(generated_classes()[name])


@functools.cache
def _utf8_lead_sets(read_as: str) -> tuple[frozenset[str], frozenset[str]]:
    classes = generated_classes()
    return (
        frozenset(classes[f"utf8-lead-chars-{read_as}"]),
        frozenset(classes[f"utf8-follow-chars-{read_as}"]),
    )


#: Compiling ``_utf8_lead_re`` and ``_unusual_han_re`` costs ~15 ms, most of a short
#: run's work: the first texts are matched against their characters in Python.
_PYTHON_SCANS = ScanBudget()


def _utf8_lead_starts(text: str, read_as: str) -> list[int]:
    """Where ``_utf8_lead_re(read_as)`` matches ``text``."""
    if (
        _utf8_lead_re.cache_info().currsize == 0
        and not _stored(f"utf8-lead-{read_as}")
        and _PYTHON_SCANS.take(text)
    ):
        leads, follows = _utf8_lead_sets(read_as)
        return [
            index
            for index, char in enumerate(text)
            if char in leads and text[index + 1 : index + 2] in follows
        ]
    return [match.start() for match in _utf8_lead_re(read_as).finditer(text)]


@functools.cache
def _unusual_han_re() -> re.Pattern[str]:
    return compile_pattern(generated_classes()["unusual-han"])


def is_unusual_han(char: str, costs: Mapping[str, int]) -> bool:
    """One character of ``unusual_han_source``'s class, without the pattern (``costs``:
    ``char_costs()``; a test checks the two agree on every code point)."""
    code = ord(char)
    if 0x4E00 <= code < 0xA000:
        return costs.get(char, UNUSUAL_HAN_COST) >= UNUSUAL_HAN_COST
    return (
        0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
        or 0xE000 <= code <= 0xF8FF
        or 0x3040 <= code <= 0x30FF
        or 0x0400 <= code <= 0x04FF
        or 0xFE30 <= code <= 0xFE4F
        or 0x2460 <= code <= 0x24FF
    )


def _unusual_han_positions(text: str) -> list[int]:
    """Where ``_unusual_han_re()`` matches ``text``."""
    if (
        _unusual_han_re.cache_info().currsize == 0
        and not _stored("unusual-han")
        and _PYTHON_SCANS.take(text)
    ):
        costs = char_costs()
        return [
            index
            for index, char in enumerate(text)
            if not char.isascii() and is_unusual_han(char, costs)
        ]
    return [match.start() for match in _unusual_han_re().finditer(text)]


MAX_WINDOW = 400
_UTF8_DECODER = codecs.getincrementaldecoder("utf-8")


@functools.lru_cache(maxsize=65536)
def _encode_char(char: str, read_as: str) -> bytes | None:
    """``_encode`` of one character, remembered: the walks ask for the same ones. A
    ``€`` read as GBK is Windows code page 936's single byte 0x80 (``閫€`` for 退)."""
    if char == "€" and read_as == "GBK":
        return b"\x80"
    return _encode(char, read_as)


#: ``€`` read as GBK is Windows code page 936's lone byte 0x80, or GB18030's A2 E3.
_EURO_CP936 = b"\x80"
_EURO_GB18030 = "€".encode("gb18030")


def _euro_bytes(pending: bytes, following: str) -> bytes:
    """The bytes a ``€`` in UTF-8 read as GBK stood for, after the ``pending`` bytes of
    an unfinished UTF-8 sequence: 0x80 (Windows cp936) unless the bytes say A2 E3
    (GB18030): the sequence wants exactly one more byte and what follows continues the
    one E3 starts, a continuation byte or a U+FFFD (GB18030 reads no lone 0x80, so
    ``闈€�`` is 面 and the 0x80 of 。; as cp936 it would be 靀)."""
    if not pending or utf8_length(pending[0]) - len(pending) != 1 or not following:
        return _EURO_CP936
    if following == "\ufffd":
        return _EURO_GB18030
    if following.isascii():
        return _EURO_CP936
    data = _encode_char(following, "GBK")
    return _EURO_GB18030 if data is not None and 0x80 <= data[0] < 0xC0 else _EURO_CP936


def _utf8_in_han(
    text: str, start: int, read_as: str, limit: int | None = None
) -> tuple[int, str, int] | None:
    """The best span from ``start`` whose ``read_as`` bytes are UTF-8: (end, decoded, gain).

    The bytes are fed to an incremental UTF-8 decoder one character at a time, so a
    clean stretch stops the walk after a character or two.
    """
    decoder = _UTF8_DECODER()
    stop = min(len(text) if limit is None else limit, start + MAX_WINDOW)
    garbled_cost = decoded_cost = 0
    pieces: list[str] = []
    best: tuple[int, str, int] | None = None
    for index in range(start, stop):
        char = text[index]
        if char == "\n":
            break
        encoded = char.encode() if char.isascii() else _encode_char(char, read_as)
        if char == "€" and read_as == "GBK":
            encoded = _euro_bytes(decoder.getstate()[0], text[index + 1 : index + 2])
        if encoded is None:
            break
        try:
            piece = decoder.decode(encoded)
        except UnicodeDecodeError:
            break
        garbled_cost += _cost(char)
        if piece:
            pieces.append(piece)
            decoded_cost += sum(_cost(c) for c in piece)
        if decoder.getstate()[0]:
            continue
        gain = garbled_cost - decoded_cost
        if best is None or gain > best[2]:
            best = (index + 1, "".join(pieces), gain)
    return best


def _long_enough(text: str, end: int, garbled: str, decoded: str) -> bool:
    """Three garbled characters make a case; two only when the second swallowed an
    ASCII byte that continues a word (``鍜孋hervonenkis`` = ``和Chervonenkis``)."""
    if len(garbled) >= 3 and sum(not c.isascii() for c in decoded) >= 2:
        return True
    if _english_punctuation(text, end - len(garbled), decoded):
        return True
    if len(garbled) != 2 or not decoded[-1:].isalnum() or not decoded[-1].isascii():
        return False
    following = text[end : end + 1]
    han, mean = han_profile(decoded)
    return (
        bool(following)
        and following.isascii()
        and following.isalnum()
        and han == 1
        and (mean <= COMMON_HAN_COST)
    )


def _english_punctuation(text: str, start: int, decoded: str) -> bool:
    """``Director鈥檚`` = ``Director’s``: a curly quote or dash and a letter, glued to an
    English word, where two rare Han characters make no sense."""
    before = text[start - 1 : start]
    return (
        len(decoded) == 2
        and decoded[0] in "\u2018\u2019\u201c\u201d\u2013\u2014"
        and decoded[1].isascii()
        and decoded[1].isalpha()
        and before.isascii()
        and before.isalpha()
    )


#: A lone re-decoded character must be at least this common.
COMMON_HAN_COST = 26


def _han_utf8_spans(text: str) -> Iterator[tuple[int, int, str, Candidate]]:
    for read_as in ("GBK", "Big5"):
        taken_until = -1
        confirmed: list[tuple[int, int]] = []
        for start in _utf8_lead_starts(text, read_as):
            if start < taken_until:
                continue
            placeholder = PLACEHOLDER_RE.match(text, start)
            if placeholder:  # 锟斤拷 is U+FFFD's bytes: lost-bytes reports it; skip it whole
                taken_until = placeholder.end()
                continue
            span = _utf8_span(text, start, read_as)
            if span is None:
                continue
            end, garbled, candidate = span
            taken_until = end
            if _is_clear_win(garbled, candidate):
                confirmed.append((start, end))
            yield start, end, garbled, candidate
        if confirmed:
            yield from _utf8_leftovers(text, read_as, confirmed)


def _utf8_span(text: str, start: int, read_as: str) -> tuple[int, str, Candidate] | None:
    """The garble of UTF-8 read as ``read_as`` that starts at ``start``, long enough to
    report and with a candidate that beats it: (end, garbled, candidate), or None."""
    found = _utf8_in_han(text, start, read_as)
    if found is None:
        return None
    end, decoded, _ = found
    garbled = text[start:end]
    if not _long_enough(text, end, garbled, decoded):
        return None
    candidate = _best_candidate(garbled, {decoded: ((read_as, "UTF-8"),)})
    return None if candidate is None else (end, garbled, candidate)


def _utf8_span_found(text: str, start: int, read_as: str) -> bool:
    """``_utf8_span(text, start, read_as) is not None``, remembered by context when the
    walk surely stops within four characters: then the answer depends only on the
    character before ``start`` and those four (phrases such as 合作夥伴， recur)."""
    found = _utf8_short_walk(text[max(0, start - 1) : start + 4], start > 0, read_as)
    return _utf8_span(text, start, read_as) is not None if found is None else found


@functools.lru_cache(maxsize=8192)
def _utf8_short_walk(context: str, has_before: bool, read_as: str) -> bool | None:
    """``_utf8_span`` found something at the start of ``context`` (after its first
    character when ``has_before``); None when the walk could go on past the context:
    its four characters are all UTF-8 so far. Otherwise the walk stops inside the
    context (at a line end, a character the codec lacks, bytes that are no UTF-8, or
    the end of the text) and the context decides everything."""
    window = context[int(has_before) :]
    if "€" in window:
        return None  # what ``€`` stood for depends on the character after it
    if len(window) == 4 and "\n" not in window:
        data = [encoded for char in window if (encoded := _encode_char(char, read_as))]
        if len(data) == 4 and _utf8_valid(b"".join(data)):
            return None
    return _utf8_span(context, int(has_before), read_as) is not None


def _utf8_valid(data: bytes) -> bool:
    """``data`` is UTF-8, or the start of it (a character may be cut off at the end)."""
    try:
        codecs.utf_8_decode(data, "strict", False)
    except UnicodeDecodeError:
        return False
    return True


def _utf8_leftovers(
    text: str, read_as: str, confirmed: list[tuple[int, int]]
) -> Iterator[tuple[int, int, str, Candidate]]:
    """Short garbles on a line that certainly holds UTF-8 read as ``read_as``: ``聽`` for
    a no-break space, ``鈥檚`` for ``’s``. Alone they could be real text; next to a
    confirmed garble on the same line they are the same damage."""
    lines = sorted(
        {(text.rfind("\n", 0, start) + 1, _line_end(text, end)) for start, end in confirmed}
    )
    garbled_already = Regions(confirmed)
    starts = sorted(a for a, _ in confirmed)
    for line_start, line_end in lines:
        position = line_start
        while position < line_end:
            if text[position].isascii() or garbled_already.covers(position):
                position += 1
                continue
            following = bisect.bisect_right(starts, position)
            limit = min(line_end, starts[following]) if following < len(starts) else line_end
            found = _utf8_in_han(text, position, read_as, limit)
            if found is None:
                position += 1
                continue
            end, decoded, gain = found
            garbled = text[position:end]
            plausible = gain > 0 and not decoded.isascii()
            if plausible and not noise_count(decoded) and not _odd_count(decoded):
                chain = ((read_as, "UTF-8"),)
                yield position, end, garbled, Candidate(decoded, chain, gain, neighbour=True)
                position = end
                continue
            position += 1


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


@functools.cache
def _swap(char: str, read_as: str, original: str) -> str | None:
    return redecode(char, read_as, original)


#: A GBK/Big5 swap must change at least this many characters, and the span must read
#: as unusual text: real text rarely averages this cost per non-ASCII character.
