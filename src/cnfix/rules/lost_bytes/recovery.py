"""What the bytes of a lost-bytes span still hold: the text re-read around each loss,
and the candidates for each lost character ranked by the language model."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cnfix.text.charmodel import (
    COMMON_CJK_PUNCT,
    UNUSUAL_HAN_COST,
    char_costs,
    encode_cp936,
    utf8_length,
)
from cnfix.text.chars import HAN, lazy_compile

if TYPE_CHECKING:
    from cnfix.text.plausibility import Ranking

#: The trail byte (0x40–0x7E) of a character whose lead byte was lost, between the
#: mark and a Han character. Not the backtick: `?` is inline code in Markdown.
MARK_RE = re.compile("[?\ufffd]+")

#: Bits by which the model must prefer the best candidate for a lost character to the
#: runner-up: to restore it in a safe fix, and to offer it at all (an unsafe fix).
#: Below the second the lost character becomes U+FFFD. Calibrated on the 7,765 lost
#: characters of the Traditional corpus sentences read as GB2312: from 14 bits 105
#: choices (1.4%), none wrong (from 10 bits 1 wrong in 546); from 6 bits 1,886 choices,
#: 97% right. Checked on characters of the clean sets (modern, classical, technical)
#: that lost a byte, with their real context, a candidate the model folds never safe
#: (``choose``): from 14 bits 1 wrong in 2,562 UTF-8 characters (鹧 for 鹁 in 鹁鸪), none
#: in 226 GBK, 341 Big5 and 18 UTF-8 characters whose ``?`` hid two bytes; from 12 bits
#: 3 wrong in 548 GBK ones.
SAFE_GUESS_BITS = 14.0
UNSAFE_GUESS_BITS = 6.0


@dataclass(frozen=True, slots=True)
class LostCharacter:
    """A character whose lead byte was lost: the candidates its surviving trail byte
    allows, ranked in context, and the text chosen for it (U+FFFD when unsure)."""

    ranking: Ranking
    chosen: str
    safe: bool


def choose(
    pieces: list[str | tuple[str, ...]], left: str, right: str = ""
) -> list[str | LostCharacter]:
    """Each lost character ranked by the model between what precedes it (as chosen)
    and the certain text up to the next loss (or ``right``, after the last). A best
    candidate that the model folds into a class (U+3000 is a space to it, ０ a digit) is
    never restored safely: the model knows the class, not the character (U+3000 won 39
    of the 40 wrong choices from 14 bits among 2,601 UTF-8 characters that lost a byte
    in the clean sets, over 〔 in ``/〔魏晉〕``)."""
    from cnfix.text.plausibility import (  # the model only where a decision needs it
        best_alternative,
        fold,
    )

    chosen: list[str | LostCharacter] = []
    before = left
    for index, piece in enumerate(pieces):
        if isinstance(piece, str):
            chosen.append(piece)
            before += piece
            continue
        after = ""
        for later in pieces[index + 1 :]:
            if not isinstance(later, str):
                break
            after += later
        else:
            after += right
        ranking = best_alternative(before, piece, after)
        if ranking.margin >= UNSAFE_GUESS_BITS:
            sure = ranking.margin >= SAFE_GUESS_BITS and fold(ranking.best) == ranking.best
            lost = LostCharacter(ranking, ranking.best, sure)
        else:
            lost = LostCharacter(ranking, "\ufffd", True)
        chosen.append(lost)
        before += lost.chosen
    return chosen


def reading_margin(
    text: str, start: int, end: int, chosen: list[str | LostCharacter], mark_kept: bool = False
) -> float:
    """Bits the model saves reading ``chosen`` (each lost character as its best
    candidate) in place of ``text[start:end]``. With ``mark_kept`` the last piece stands
    for the mark that ends the span and is scored as that mark: what a mark costs is no
    evidence for what it hides."""
    from cnfix.text.plausibility import preference_bits  # the model only where a decision needs it

    scored = "".join(p if isinstance(p, str) else p.ranking.best for p in chosen)
    if mark_kept:
        scored = scored[:-1] + text[end - 1]
    return preference_bits(text, start, end, scored)


def usual(char: str) -> bool:
    """ASCII, common CJK punctuation, or a Han character that is not rare: what UTF-8
    read back from a garble of Chinese text is. A rare character, a letter of another
    script (味 = CE B6 read as ζ) or a symbol read back is more often a misreading (a
    clean neighbour taken into the window, a mark that hid two bytes), so such a
    reading is offered, never applied safely."""
    return (
        char.isascii()
        or char in COMMON_CJK_PUNCT
        or char_costs().get(char, UNUSUAL_HAN_COST) < UNUSUAL_HAN_COST
    )


#: How many of a ranking's candidates a report names.
NAMED_CANDIDATES = 4


def ranked_words(rankings: list[Ranking]) -> str:
    """``; lost character candidates …`` naming the best ``NAMED_CANDIDATES`` of each
    ranking, each with how many bits it is behind the best."""
    if not rankings:
        return ""
    ranked = "; ".join(
        " ".join(
            f"{char}({cost - ranking.costs[0][1]:+.0f})"
            for char, cost in ranking.costs[:NAMED_CANDIDATES]
        )
        for ranking in rankings
    )
    return f"; lost character candidates (bits behind the best): {ranked}"


#: Bits by which the model must prefer a reading of the bytes (UTF-8 with holes, GBK or
#: Big5 in step) to the garble, to report it and to fix it safely: the mojibake rule's
#: margins (at least, and per non-ASCII garbled character).
READ_BACK_REPORT_BITS = (22.0, 5.0)
READ_BACK_SAFE_BITS = (26.0, 6.0)


def utf8_with_holes(
    garbled: str, gb18030: bool = False, after: str = ""
) -> list[str | tuple[str, ...]] | None:
    """UTF-8 bytes read as Windows code page 936 (€ for byte 0x80), where each ``?``
    stands for one byte the reader could not pair or a pair it could not read (see
    ``_hole_width``), or as GB18030 (``gb18030``: € is A2 E3) where each U+FFFD stands
    for one byte (``after``: the character that follows, whose first byte tells which,
    ``_paired_next``): the text read as UTF-8, a tuple of candidates for each character
    that lost bytes. None when the bytes are not UTF-8 that way."""
    data: list[int | None] = []
    for char in garbled:
        if char in "?\ufffd":
            data.append(None)
            continue
        encoded = reader_bytes(char, gb18030)
        if encoded is None:
            return None
        data.extend(encoded)
    # Any character after the window starts with a byte that GB18030 would pair (a
    # garble's first byte, or a lead of UTF-8 the mojibake rule has re-decoded), but a
    # mark, ASCII below 0x40 and the end: then nothing is known.
    paired = bool(after) and after not in "?\ufffd\x7f" and ord(after) >= 0x40
    next_byte = [0x80] if paired else []
    pieces: list[str | tuple[str, ...]] = []
    index = 0
    while index < len(data):
        lead = data[index]
        if lead is None:
            pieces.append(garbled[len("".join(map(_flat, pieces)))])  # a mark where a
            index += 1  # character starts: kept as it is
            continue
        if lead < 0x80:
            pieces.append(chr(lead))
            index += 1
            continue
        size = utf8_length(lead)
        if not size:
            return None
        tail: list[int | None] = []
        known_loss = lead_lost = False
        index += 1
        while len(tail) < size - 1 and index < len(data):
            byte = data[index]
            index += 1
            if byte is None and gb18030 and _paired_next(data[index : index + 1] or next_byte):
                tail.append(0x80)  # the only byte GB18030 leaves alone before a trail
                known_loss = True
            elif byte is None and not gb18030 and len(tail) == size - 2 and _lead_lost(data, index):
                tail.append(None)  # the ``?`` hid this last byte and the next lead
                lead_lost = True
            elif byte is None:
                width = _hole_width(size - 1 - len(tail), data[index : index + 1], gb18030)
                tail.extend([None] * width)
            elif 0x80 <= byte < 0xC0:
                tail.append(byte)
            else:
                return None
        if len(tail) < size - 1:
            return None
        holes = tail.count(None)
        if not holes:
            try:
                read = bytes([lead, *tail]).decode("utf-8")  # type: ignore[list-item]
            except UnicodeDecodeError:
                return None
            pieces.append((read,) if known_loss else read)
        elif (holes == 1 or (holes == 2 and not gb18030)) and _utf8_fillings(lead, tuple(tail)):
            pieces.append(_utf8_fillings(lead, tuple(tail)))
        else:
            return None
        if lead_lost:
            pieces.append(_characters_led_by_any(tuple(data[index : index + 2])))
            index += 2
    return pieces


def _continues(data: list[int | None], index: int) -> bool:
    """``data[index]`` is a known UTF-8 continuation byte."""
    byte = data[index] if index < len(data) else None
    return byte is not None and 0x80 <= byte < 0xC0


def _lead_lost(data: list[int | None], index: int) -> bool:
    """A ``?`` just before ``data[index]``, where a character wants its last byte, hid
    that byte and the lead of the next (cp936 could not read the pair; it leaves no lone
    byte before one it could pair): two known continuation bytes follow. Only a lead of
    three bytes is read (Chinese text's), so that the next one's length is known."""
    return _continues(data, index) and _continues(data, index + 1)


@functools.cache
def _characters_led_by_any(tail: tuple[int | None, ...]) -> tuple[str, ...]:
    """The three-byte UTF-8 characters whose last bytes are ``tail``: what follows a
    ``?`` that hid the lead (``_lead_lost``)."""
    found = []
    for lead in range(0xE0, 0xF0):
        try:
            found.append(bytes([lead, *tail]).decode("utf-8"))  # type: ignore[list-item]
        except UnicodeDecodeError:
            continue
    return tuple(found)


def _paired_next(following: list[int | None]) -> bool:
    """GB18030 reads any byte from 0x81 with a next byte of 0x40–0xFE (not 0x7F) as one
    character: a U+FFFD before such a byte, or before another U+FFFD inside UTF-8 (a
    continuation byte, 0x80–0xBF), hid 0x80, the one it cannot pair (``銆��`` is 。 =
    E3 80 82 before a line end: the first U+FFFD is 0x80, the second 0x82 or another
    byte alone)."""
    if not following:
        return False
    byte = following[0]
    return byte is None or (0x40 <= byte <= 0xFE and byte != 0x7F)


def _hole_width(needed: int, following: list[int | None], gb18030: bool) -> int:
    """How many bytes a mark inside a UTF-8 sequence that still wants ``needed`` bytes
    hid, by the byte after it (``following``: none, or one). A U+FFFD of GB18030 is one
    byte; a ``?`` may also be a pair of bytes the reader could not read (GBK's
    user-defined rows: 检 = E6 A3 80, and A3 80 became ``?``): two when the sequence
    wants exactly two and the byte after the mark does not continue it."""
    if gb18030 or needed != 2:
        return 1
    return 1 if following and following[0] is not None and 0x80 <= following[0] < 0xC0 else 2


def reader_bytes(text: str, gb18030: bool = False) -> bytes | None:
    """``text``'s bytes as the reader that misread them had them: Windows code page 936
    (€ is its lone byte 0x80), or GB18030 (``gb18030``: € is A2 E3), the reader that
    writes U+FFFD for a byte it cannot read (it reads no lone 0x80)."""
    if not gb18030:
        return encode_cp936(text)
    try:
        return text.encode("gb18030")
    except UnicodeEncodeError:
        return None


def _flat(piece: str | tuple[str, ...]) -> str:
    return piece if isinstance(piece, str) else "?"


@functools.cache
def _utf8_fillings(lead: int, tail: tuple[int | None, ...]) -> tuple[str, ...]:
    """The characters a UTF-8 sequence with one unknown continuation byte can be, or
    with two (a ``?`` that hid a pair): then only pairs that GBK cannot read."""
    found = []
    unknown = tail.count(None)
    for filling in itertools.product(range(0x80, 0xC0), repeat=unknown):
        if unknown == 2 and bytes(filling) not in _unreadable_pairs():
            continue
        fill = iter(filling)
        filled = bytes([lead, *(next(fill) if b is None else b for b in tail)])
        try:
            found.append(filled.decode("utf-8"))
        except UnicodeDecodeError:
            continue
    return tuple(found)


@functools.cache
def _unreadable_pairs() -> frozenset[bytes]:
    """The pairs of UTF-8 continuation bytes (0x80–0xBF) that GBK cannot read as one
    character (its user-defined rows among them): what a ``?`` that hid two may be
    (not 0x80 first: code page 936 reads it alone, as €)."""
    return frozenset(
        pair
        for first in range(0x80, 0xC0)
        for second in range(0x80, 0xC0)
        if first != 0x80 and _gbk_unreadable(pair := bytes((first, second)))
    )


def _gbk_unreadable(pair: bytes) -> bool:
    try:
        return len(pair.decode("gbk")) != 1
    except UnicodeDecodeError:
        return True


def ends_inside_utf8(text: str, mark: int) -> bool:
    """True when the bytes before ``mark`` (as ``reader_bytes`` has them for the mark's
    reader) end inside a UTF-8 sequence (a lead byte followed by fewer continuation
    bytes than it needs): the mark is then one of its lost bytes. ``銆?`` (E3 80 and a
    mark) is; ``么?`` (C3 B4, complete) is not."""
    data = reader_bytes(text[max(0, mark - 2) : mark], text[mark] == "\ufffd")
    if data is None:
        return False
    for back in range(1, min(3, len(data)) + 1):
        byte = data[-back]
        if 0x80 <= byte < 0xC0:
            continue
        return back < utf8_length(byte)
    return False


#: How many characters each side of a mark the UTF-8 reading may reach.
UTF8_WINDOW = 16


def utf8_window(
    text: str, mark: int, mark_end: int
) -> tuple[int, int, list[str | tuple[str, ...]]] | None:
    """The widest stretch of non-ASCII text around the mark at ``mark`` that reads as
    UTF-8 with holes (the garble may begin after text that is fine, or that the
    mojibake rule has already repaired): (start, end, pieces)."""
    from cnfix.text.plausibility import preference_bits  # the model only where a decision needs it

    if not mark or text[mark - 1].isascii():
        return None
    left = mark
    while left > max(0, mark - UTF8_WINDOW) and not text[left - 1].isascii():
        left -= 1
    right = mark_end
    while (
        right < min(len(text), mark_end + UTF8_WINDOW)
        and not text[right].isascii()
        and text[right] != "\ufffd"
    ):
        right += 1
    gb18030 = text[mark] == "\ufffd"
    units = [_reader_units(char, gb18030) for char in text[left:right]]
    best: tuple[float, int, int, list[str | tuple[str, ...]]] | None = None
    for start in range(left, mark):
        # Only the ends at which the bytes from ``start`` split into whole sequences
        # can read as UTF-8: a few, found in one pass, instead of every end re-read.
        ends = (left + end for end in _sequence_ends(units, start - left, gb18030))
        for end in sorted((end for end in ends if end >= mark_end), reverse=True):
            pieces = utf8_with_holes(text[start:end], gb18030, text[end : end + 1])
            if pieces is None or all(isinstance(p, str) for p in pieces):
                continue
            lone = start == mark - 1 and end == mark_end and ends_inside_utf8(text, mark)
            if not lone and not any(
                isinstance(p, str) and not p.isascii() and p != "\ufffd" for p in pieces
            ):
                # Nothing read back but the losses is no evidence of UTF-8, unless the
                # character before the mark is the start of a UTF-8 sequence that the
                # mark cut (銆? for 。 whose third byte was lost, the garble before it
                # already re-decoded by the mojibake rule).
                continue
            # The window whose reading the model prefers most to the text as it is.
            read = "".join(p if isinstance(p, str) else p[0] for p in pieces)
            gain = preference_bits(text, start, end, read)
            if best is None or gain > best[0]:
                best = (gain, start, end, pieces)
            # Not only the widest window: clean text next to the garble (a character
            # the mojibake rule has already repaired, 前 = C7 B0) may read as UTF-8 too
            # (ǰ), and the model must judge where the garble ends.
    return None if best is None else best[1:]


def _reader_units(char: str, gb18030: bool) -> tuple[int | None, ...] | None:
    """The bytes of one character as ``utf8_with_holes`` reads them (a mark is an
    unknown byte, None), or None when it has none."""
    if char in "?\ufffd":
        return (None,)
    encoded = reader_bytes(char, gb18030)
    return None if encoded is None else tuple(encoded)


def _sequence_ends(
    units: list[tuple[int | None, ...] | None], first: int, gb18030: bool = False
) -> list[int]:
    """The indices ``end`` such that the bytes of ``units[first:end]`` split into whole
    UTF-8 sequences (a lead byte and its continuation bytes, any of which may be
    unknown; an unknown byte on its own, or two: ``_hole_width``; a ``?`` that hid the
    last byte of one and the lead of the next: ``_lead_lost``): ``utf8_with_holes``
    returns None for every other end, so ``utf8_window`` asks it only about these. One
    pass from ``first``."""
    ends = []
    needed = 0
    for index in range(first, len(units)):
        data = units[index]
        if data is None:
            break
        for byte in data:
            if byte is None and needed:
                if _hole_width(needed, [], gb18030) == needed:
                    ends.append(index + 1)  # a window that ends at the mark: it hid all
                following = list(units[index + 1] or ()) if index + 1 < len(units) else []
                if not gb18030 and needed == 1 and _continues(following, 0):
                    needed = 2  # the next lead too (or no reading: a superset of ends)
                    break
                needed -= _hole_width(needed, following[:1], gb18030)
                if not needed:
                    break
            elif needed:
                if byte is not None and not 0x80 <= byte < 0xC0:
                    return ends
                needed -= 1
            elif byte is not None and byte >= 0x80:
                needed = utf8_length(byte) - 1
                if needed < 0:
                    return ends
        else:
            if not needed:
                ends.append(index + 1)
    return ends


#: ``€`` (cp936's byte 0x80) where a line or a stretch of Chinese text starts: the
#: continuation bytes of a UTF-8 character whose first byte was lost (a line cut at its
#: start, a chunk boundary), read as Windows cp936 before Chinese text.
ORPHAN_RE = lazy_compile(f"(?:^|(?<=[\\x00-\\x7f]))€{{1,3}}(?=[{HAN}])", re.MULTILINE)


@functools.cache
def characters_ending_in_continuations(count: int) -> tuple[str, ...]:
    """The UTF-8 characters whose last ``count`` bytes are 0x80 and that have at least
    one byte more (what ``€`` × ``count`` at the start of a garble may have been)."""
    found = []
    for code in range(0x80, 0x10000):
        data = chr(code).encode("utf-8", errors="ignore")
        if len(data) > count and data.endswith(b"\x80" * count):
            found.append(chr(code))
    return tuple(found)
