"""One byte lost from GBK or Big5 text: what the decoder read out of step, read in step.

A double-byte character that loses one of its bytes leaves the other behind; the
decoder pairs that byte with the next character's first byte and reads on out of step
(``代码，而`` → ``代拢?而``: 码 lost a byte, its other byte paired with ，'s first, and
，'s second could not pair with 而's first and became ``?``) until the bytes fall back
in step: at a byte the decoder could not pair (``?`` or U+FFFD) or at a trail byte
0x40–0x7E read on its own as an ASCII letter (``中陘j陸`` for ``中國大陸``). Every
character after the loss is still in the bytes, one byte further on; only the
character that lost a byte, and the one whose byte became the mark, are uncertain.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

from cnfix.rules.lost_bytes.recovery import LostCharacter, choose, reading_margin
from cnfix.text.charmodel import COMMON_CJK_PUNCT, UNUSUAL_HAN_COST, char_costs
from cnfix.text.chars import is_han

#: The double-byte codecs whose text is re-read (Windows code pages 936 and 950).
CODECS = ("gbk", "big5")
#: How far before the point where the bytes fell back in step the loss is looked for.
REGION_LIMIT = 40
#: Bits a character whose bytes are not known yet is assumed to cost while the place
#: of the loss is chosen (about a common character's unigram cost).
UNKNOWN_CHAR_BITS = 11.0
#: A loss is looked for only where the out-of-step reading saves at least this many
#: bits before the characters that lost bytes are ranked (a cheap first look).
SCREEN_BITS = 8.0
#: How many of the places that pass that look are judged in full.
PLACES_JUDGED = 3

#: Bits by which the model must prefer the reading in step to the text as it stands
#: (at least, and per non-ASCII garbled character) to report it, and to fix it safely.
#: Stricter than the other readings because the spans are short: of 66,955 marks put
#: in clean text (every ，and ？ of the corpus and the clean sets made ``?``), the
#: reading in step that the model liked best was preferred by 35 bits (``磪磈砟硌?``
#: read as ``國交ヵ少?``); 39% of generated one-byte losses reach the report margin.
SHIFTED_REPORT_BITS = (36.0, 5.0)
SHIFTED_SAFE_BITS = (40.0, 6.0)

#: Where a line falls back in step: a ``?``/U+FFFD after non-ASCII text, or a byte
#: 0x40–0x7E read as an ASCII character between two non-ASCII ones (not the backtick:
#: ```?``` is inline code in Markdown): ``glued_letters``. Text encoded as ASCII with
#: ``?`` for each non-ASCII character (one byte per character) and translated to ``N``
#: for ``?``, ``L`` for such a byte and a space for the rest: ``NLN`` is where one may be.
_GLUED_TABLE = bytes(
    ord("N") if byte == 0x3F else ord("L") if 0x40 <= byte <= 0x7E and byte != 0x60 else 0x20
    for byte in range(256)
)


def glued_letters(text: str) -> list[int]:
    """Where a byte 0x40–0x7E read as an ASCII character stands between two non-ASCII
    characters (``中陘j陸``), in order. Found with byte operations (``bytes.find`` at
    memory speed) where a regex looked at every character: clean Chinese text has
    almost none, and a regex pass was most of what the rule cost it."""
    if text.isascii():
        return []
    shape = text.encode("ascii", "replace").translate(_GLUED_TABLE)
    if b"L" not in shape:
        return []
    found = []
    position = shape.find(b"NLN")
    while position >= 0:
        # ``N`` is also a ``?`` of the text itself: both neighbours must be non-ASCII.
        if not text[position].isascii() and not text[position + 2].isascii():
            found.append(position + 1)
        position = shape.find(b"NLN", position + 1)
    return found


def out_of_step_letters(text: str) -> list[int]:
    """The glued letters (``glued_letters``) that ``looks_out_of_step``, in order. The
    look depends on the three characters before a letter and the letter only, so it is
    taken once per distinct such context: records repeat theirs (``標]否[是`` thousands of
    times in a table), and a call per letter was most of what clean records cost the rule."""
    decided: dict[str, bool] = {}
    found = []
    for letter in glued_letters(text):
        context = text[letter - 3 if letter >= 3 else 0 : letter + 1]
        looks = decided.get(context)
        if looks is None:
            looks = decided[context] = looks_out_of_step(text, letter)
        if looks:
            found.append(letter)
    return found


class ShiftedReading(NamedTuple):
    """A span read again in step: ``text[start:end]`` becomes ``pieces`` (certain text,
    and a tuple of candidates for each character that lost a byte), read as ``codec``."""

    start: int
    end: int
    pieces: list[str | tuple[str, ...]]
    codec: str
    #: Bits by which the model prefers this place of the loss to the next best one.
    place_margin: float
    #: ``pieces`` with each lost character ranked (``choose``): judging the place took
    #: that ranking already, and the finding is built from it.
    chosen: list[str | LostCharacter]


def _pair(codec: str, first: int, second: int) -> str | None:
    """The one character ``codec`` reads the bytes ``first`` ``second`` as, or None."""
    return _pairs_led_by(codec, first)[second]


#: No double-byte character of GBK or Big5 has a first byte below 0x80 or a second
#: byte below 0x40 (``tests/test_lost_bytes_shifted.py`` checks every pair).
FIRST_BYTES = range(0x80, 0x100)
SECOND_BYTES = range(0x40, 0x100)


def _read_pairs(codec: str, firsts: bytes, seconds: bytes) -> list[str | None]:
    """Each pair of bytes ``firsts[i]`` ``seconds[i]`` read as one character of ``codec``
    (None where it is not), in one call of the decoder: a NUL after each pair, which no
    pair of a first byte from 0x80 and a second from 0x40 takes as its own, separates
    them again (a decoder call for each pair made the first mark of a scan cost
    milliseconds; the bytes are laid out by slices, not a pair at a time)."""
    data = bytearray(3 * len(firsts))
    data[0::3] = firsts
    data[1::3] = seconds
    pieces = data.decode(codec, "replace").split("\x00")[: len(firsts)]
    return [piece if len(piece) == 1 and piece != "\ufffd" else None for piece in pieces]


@functools.cache
def _pairs_led_by(codec: str, first: int) -> tuple[str | None, ...]:
    """``_pair(codec, first, second)`` for every ``second`` from 0 to 255."""
    if first not in FIRST_BYTES:
        return (None,) * 256
    read = _read_pairs(codec, bytes((first,)) * len(SECOND_BYTES), bytes(SECOND_BYTES))
    return (None,) * SECOND_BYTES.start + tuple(read)


@functools.cache
def _pairs_ending_in(codec: str, second: int) -> tuple[str | None, ...]:
    """``_pair(codec, first, second)`` for every ``first`` from 0 to 255."""
    if second not in SECOND_BYTES:
        return (None,) * 256
    read = _read_pairs(codec, bytes(FIRST_BYTES), bytes((second,)) * len(FIRST_BYTES))
    return (None,) * FIRST_BYTES.start + tuple(read)


@functools.cache
def characters_holding(codec: str, byte: int) -> tuple[str, ...]:
    """Every double-byte character of ``codec`` with ``byte`` as its first or second
    byte: what a character that lost its other byte may have been."""
    found = list(_pairs_led_by(codec, byte)[0x40:0xFF])
    found += _pairs_ending_in(codec, byte)[0x81:0xFF]
    return tuple(dict.fromkeys(char for char in found if char is not None))


@functools.cache
def characters_before_mark(codec: str, lead: int, after: int | None) -> tuple[str, ...]:
    """The characters ``lead`` + a byte that the decoder could not pair with ``after``
    (the next byte, None for an ASCII byte below 0x40 or the end): what a mark that
    ends an out-of-step run may have been."""
    led = _pairs_led_by(codec, lead)
    ending = (None,) * 256 if after is None else _pairs_ending_in(codec, after)
    return tuple(
        char
        for char, paired in zip(led[0x80:], ending[0x80:], strict=True)
        if char is not None and paired is None
    )


def _double_bytes(text: str, end: int, codec: str) -> list[bytes]:
    """The codec bytes of the double-byte characters just before ``end``, nearest last."""
    found: list[bytes] = []
    position = end
    while position > 0 and len(found) < REGION_LIMIT:
        data = _encoded(text[position - 1], codec)
        if data is None:
            break
        found.append(data)
        position -= 1
    found.reverse()
    return found


def _mostly_han(garbled: str) -> bool:
    """Out-of-step GBK or Big5 text of Chinese reads mostly as Han characters; Cyrillic,
    Greek or kana are double bytes in GBK too, and a text of them (``българ�``) is not
    re-read as Chinese."""
    return 2 * sum(map(is_han, garbled)) > len(garbled)


def looks_out_of_step(text: str, end: int, reach: int = 3) -> bool:
    """True when one of the ``reach`` characters before ``end`` (a mark, or a letter
    glued to non-ASCII text) is one an out-of-step reading makes and clean text seldom
    shows: a rare Han character (陘, 荂), a full-width letter, a kana or a box-drawing
    sign. Such a reading almost always shows one within a few characters, clean text
    seldom (a cheap look before the model is asked). Before a mark the run may also be
    short, starting after punctuation or ASCII within the reach: anything but a common
    Han character counts there. Before a letter the bytes rule out the rest: the letter
    must be a trail that some codec pairs with the byte before it, the run is double
    bytes up to the letter, and common punctuation (``文章：[``, ``，@``) is no sign."""
    window = text[max(0, end - reach) : end]
    if text[end] in "?\ufffd":
        return not all(map(_common_han, window))
    if not _trail_fits(text[end - 1], text[end]):
        return False
    for char in reversed(window):
        if not _double_byte(char):
            return False
        if char not in COMMON_CJK_PUNCT and not _common_han(char):
            return True
    return False


def _common_han(char: str) -> bool:
    return char_costs().get(char, UNUSUAL_HAN_COST) < UNUSUAL_HAN_COST


@functools.cache
def _double_byte(char: str) -> bool:
    """``char`` is two bytes in GBK or in Big5 (what an out-of-step run is made of)."""
    return any(_encoded(char, codec) is not None for codec in CODECS)


@functools.cache
def _trail_fits(before: str, letter: str) -> bool:
    """In some codec, ``before``'s second byte leads a character with ``letter`` as its
    trail: the letter may be a trail byte read on its own."""
    for codec in CODECS:
        data = _encoded(before, codec)
        if data is not None and _pair(codec, data[1], ord(letter)) is not None:
            return True
    return False


def _encoded(char: str, codec: str) -> bytes | None:
    """``char``'s two bytes in ``codec``; None for ASCII and for what the codec lacks
    (U+FFFD, €: Windows' 0x80 is no GBK byte)."""
    try:
        data = char.encode(codec)
    except UnicodeEncodeError:
        return None
    return data if len(data) == 2 else None


def shifted_reading(text: str, resync: int) -> ShiftedReading | None:
    """The reading in step of the out-of-step run that ends at ``resync`` (a mark, or a
    trail byte read as an ASCII letter), in whichever codec the model prefers."""
    best: tuple[float, ShiftedReading] | None = None
    for codec in CODECS:
        found = _reading(text, resync, codec)
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    return None if best is None else best[1]


def _last_piece(text: str, resync: int, codec: str, lead: int) -> str | tuple[str, ...] | None:
    """What the byte at ``resync`` was in step: the trail of a character led by
    ``lead``, known (a letter) or among the candidates a mark allows."""
    char = text[resync]
    if char not in "?\ufffd":
        return _pair(codec, lead, ord(char))
    after: int | None = None
    following = text[resync + 1 : resync + 2]
    if following and ord(following) >= 0x40:
        try:
            after = following.encode(codec)[0]
        except UnicodeEncodeError:
            return None
    candidates = characters_before_mark(codec, lead, after)
    return candidates or None


def _reading(text: str, resync: int, codec: str) -> tuple[float, ShiftedReading] | None:
    from cnfix.text.plausibility import step_costs  # the model only where a decision needs it

    region = _double_bytes(text, resync, codec)
    count = len(region)
    if not count or not _mostly_han(text[resync - count : resync]):
        return None
    last = _last_piece(text, resync, codec, region[-1][1])
    if last is None:
        return None
    # In step, the second byte of each garbled character leads the next one: read from
    # the end back to the first pair that does not read (no loss is placed before it).
    shifted: list[str | None] = [None] * (count - 1)
    first = count - 1
    while first > 0:
        shifted[first - 1] = _pair(codec, region[first - 1][1], region[first][0])
        if shifted[first - 1] is None:
            break
        first -= 1
    left = resync - count
    garbled = text[left : resync + 1]
    right = text[resync + 1 : resync + 9]
    # Bits of each garbled character after its predecessor from ``first`` on (no loss is
    # placed before it), and of the in-step chain.
    garbled_steps = step_costs(garbled[first:] + right[:1], text[left + first - 1 : left + first])
    in_step = "".join(char for char in shifted[first:] if char is not None)
    if isinstance(last, str):
        scored_steps = step_costs(in_step + last + right[:1])
    else:  # the mark that ends the span is scored as it stands (``reading_margin``)
        scored_steps = step_costs(in_step + text[resync] + right[:1])
    if not _may_be_reported(garbled_steps, scored_steps, count - first - isinstance(last, tuple)):
        return None  # the candidates are not ranked
    last_text = last if isinstance(last, str) else _best(last, shifted, right)
    chain = [*in_step, last_text]
    chain_steps = (
        scored_steps if isinstance(last, str) else step_costs(in_step + last_text + right[:1])
    )
    gains = []
    # At least one character must be read back for certain: a mark and the character
    # before it alone (``”�``) are no evidence of a loss.
    for start in range(first, count - isinstance(last, tuple)):
        # The loss at region[start]: an unknown character, then shifted[start:] in step.
        index = start - first
        gain = (
            sum(garbled_steps[start - first :])
            - UNKNOWN_CHAR_BITS
            - sum(chain_steps[index + 1 :])
            - step_costs(chain[index])[0]
        )
        if gain >= SCREEN_BITS:
            gains.append((gain, start))
    # The few best places of the loss, each judged with its lost characters ranked.
    judged = []
    for _, start in sorted(gains, reverse=True)[:PLACES_JUDGED]:
        lost = characters_holding(codec, region[start][0])
        pieces: list[str | tuple[str, ...]] = [lost, *chain[start - first : -1], last]
        chosen = choose(pieces, text[max(0, left + start - 8) : left + start], right)
        margin = reading_margin(text, left + start, resync + 1, chosen, isinstance(last, tuple))
        judged.append((margin, start, pieces, chosen))
    if not judged:
        return None
    judged.sort(key=lambda item: -item[0])
    margin, start, pieces, chosen = judged[0]
    lead = margin - judged[1][0] if len(judged) > 1 else math.inf
    return margin, ShiftedReading(left + start, resync + 1, pieces, codec, lead, chosen)


def _may_be_reported(garbled_steps: list[float], scored_steps: list[float], places: int) -> bool:
    """Whether a loss at one of the first ``places`` places may be read back by the report
    margin's least (``SHIFTED_REPORT_BITS``), before any candidate is ranked: from the
    ``k``-th place the garbled span costs ``sum(garbled_steps[k:])`` (with the steps into
    the text after it) and the reading at least ``sum(scored_steps[k + 1:])``, the steps
    after the character that follows the lost one (no cost of the model is below 0, so
    leaving out the steps into and out of the lost character is an upper bound on what
    the reading saves). Where no place may, ``shifted_reading`` would choose a reading
    that is never reported (the other codec's, if better, is judged on its own)."""
    least = SHIFTED_REPORT_BITS[0]
    garbled = sum(garbled_steps[places:])
    scored = sum(scored_steps[places + 1 :])
    for k in range(places - 1, -1, -1):
        garbled += garbled_steps[k]
        scored += scored_steps[k + 1]
        if garbled - scored >= least:
            return True
    return False


def _best(candidates: tuple[str, ...], shifted: list[str | None], right: str) -> str:
    from cnfix.text.plausibility import best_alternative  # the model only where a decision needs it

    before = shifted[-1] if shifted and shifted[-1] is not None else ""
    return best_alternative(before, candidates, right).best
