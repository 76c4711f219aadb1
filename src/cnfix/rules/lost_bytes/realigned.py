"""GBK text read as GB2312: the bytes after a ``?`` read again in step (every character
after a lost lead byte is still in the bytes, one byte shifted), the fix for that span,
and the guesses for characters whose lead byte was lost (``?y``)."""

from __future__ import annotations

import functools
from typing import NamedTuple

from cnfix.model import Applicability, Edit, Fix
from cnfix.rules.lost_bytes.recovery import (
    MARK_RE,
    UNSAFE_GUESS_BITS,
    LostCharacter,
    choose,
    ranked_words,
    usual,
)
from cnfix.text.charmodel import UNUSUAL_HAN_COST, char_costs
from cnfix.text.chars import HAN, lazy_compile

#: Bits by which the re-aligned reading must beat the text as it stands (the model's
#: check that the span really is out of step) for the fix to be offered, and be safe.
REALIGN_MARGIN_BITS = 10.0
SAFE_REALIGN_BITS = 30.0
#: How far past the mark a line is re-read.
REALIGN_LIMIT = 200
#: A run of replacement characters: each is a finding of its own.
LOSS_RUN_RE = lazy_compile("\ufffd+")


def in_step(garbled: str) -> list[str | tuple[str, ...]] | None:
    """``garbled`` (GBK bytes read as GB2312 from a mark on) read again in step: each
    mark is a lost lead byte whose character takes the next byte as its trail. Text
    pieces are certain; a tuple holds the candidates for one lost character. None
    when the bytes do not read as GBK that way."""
    data: list[int | None] = []
    for char in garbled:
        if char in "?\ufffd":
            data.append(None)
            continue
        try:
            data.extend(char.encode("gbk"))
        except UnicodeEncodeError:
            return None
    marks = [char for char in garbled if char in "?\ufffd"]
    pieces: list[str | tuple[str, ...]] = []
    index = seen = 0  # bytes read, marks read
    while index < len(data):
        byte = data[index]
        trail = data[index + 1] if index + 1 < len(data) else None
        if byte is None and trail is None and index + 1 < len(data):
            # Two marks in a row where a character starts: a character neither of whose
            # bytes GB2312 reads (國 = 87 F8), kept as it stands. A mark whose partner
            # byte survived needs that byte after it, so in a longer run the pairs come
            # first and a lone lost lead last. One decoder writes one kind of mark: a
            # ``?`` beside a U+FFFD (one written by a repair) is not such a pair.
            if not marks[seen] == marks[seen + 1] == marks[0]:
                return None
            pieces.append(marks[seen] + marks[seen + 1])
            seen += 2
            index += 2
            continue
        if byte is None:
            candidates = characters_with_trail(trail) if trail is not None else ()
            if candidates:
                pieces.append(candidates)
                index += 2
            else:
                pieces.append(marks[seen])  # a real question mark, or nothing after it
                index += 1
            seen += 1
            continue
        if byte < 0x80:
            pieces.append(chr(byte))
            index += 1
            continue
        if trail is None:
            if index + 1 == len(data):
                return None
            # A lead byte before a mark: the mark is its trail byte, which GB2312 could
            # not pair with the byte after it (挑?穑? for 挑戰，: ，lost its second byte).
            after = data[index + 2] if index + 2 < len(data) else None
            candidates = characters_with_lead(byte, after)
            if not candidates or marks[seen] != marks[0]:
                return None
            pieces.append(candidates)
            seen += 1
            index += 2
            continue
        try:
            pieces.append(bytes([byte, trail]).decode("gbk"))
        except UnicodeDecodeError:
            return None
        index += 2
    return pieces


class Realigned(NamedTuple):
    """GBK text read as GB2312, re-read in step from a mark."""

    #: End of the span that changes, and its new text.
    end: int
    new: str
    lost: list[LostCharacter]
    #: Bits the model saves reading ``new`` in place of the span.
    margin: float
    #: Whether every character read back for certain is usual (see :func:`usual`): a
    #: rare one (``鎵`` of UTF-8 read as cp936, re-read as GBK) is more often a
    #: misreading of bytes that are not GBK at all.
    usual: bool


def realign(text: str, start: int) -> Realigned | None:
    """GBK text read as GB2312 from the mark at ``start``, re-read in step."""
    from cnfix.text.plausibility import preference_bits  # the model only where a decision needs it

    line_end = text.find("\n", start)
    line_end = min(len(text) if line_end < 0 else line_end, start + REALIGN_LIMIT)
    garbled = text[start:line_end]
    pieces = in_step(garbled)
    if pieces is None:
        return None
    certain = "".join(piece for piece in pieces if isinstance(piece, str))
    if MARK_RE.sub("", certain) == MARK_RE.sub("", GUESS_RE.sub("", garbled)):
        return None  # only ``?x`` losses, nothing out of step: guesses at most
    chosen = choose(pieces, text[max(0, start - 8) : start])
    lost = [piece for piece in chosen if isinstance(piece, LostCharacter)]
    if not lost:
        return None
    realigned = "".join(p if isinstance(p, str) else p.chosen for p in chosen)
    # Back in step where the two readings end alike.
    same = 0
    while same < min(len(garbled), len(realigned)) and garbled[-1 - same] == realigned[-1 - same]:
        same += 1
    end = line_end - same
    new = realigned[: len(realigned) - same]
    scored = "".join(p if isinstance(p, str) else p.ranking.best for p in chosen)
    scored = scored[: len(scored) - same]
    read_back = "".join(p if isinstance(p, str) else "?" for p in chosen)[: len(new)]
    return Realigned(
        end,
        new,
        lost,
        preference_bits(text, start, end, scored),
        all(usual(char) for char in MARK_RE.sub("", read_back)),
    )


@functools.cache
def characters_with_lead(lead: int, after: int | None) -> tuple[str, ...]:
    """Every GBK character led by ``lead`` whose second byte GB2312 could not read
    before ``after`` (the next byte; None when it is unknown): what a lead byte
    followed by a mark was."""
    found = []
    for trail in range(0x80, 0xFF):
        try:
            char = bytes([lead, trail]).decode("gbk")
        except UnicodeDecodeError:
            continue
        if after is not None and after >= 0x80:
            try:
                bytes([trail, after]).decode("gb2312")
                continue  # GB2312 would have read the byte with the next one
            except UnicodeDecodeError:
                pass
        found.append(char)
    return tuple(found)


GUESS_RE = lazy_compile("[?\ufffd]([\x40-\x7e])")
GUESS_BEFORE_RE = lazy_compile(f"[{HAN}?\ufffd]")


@functools.cache
def characters_with_trail(trail: int) -> tuple[str, ...]:
    """Every GBK character whose second byte is ``trail`` and that GB2312 lacks (the
    reason its lead byte was lost)."""
    found = []
    for lead in range(0x81, 0xFF):
        pair = bytes([lead, trail])
        try:
            char = pair.decode("gbk")
        except UnicodeDecodeError:
            continue
        try:
            pair.decode("gb2312")
        except UnicodeDecodeError:
            found.append(char)
    return tuple(found)


#: Bits by which the reading in step must beat the text as it stands (at least, and per
#: non-ASCII character of the span) when nothing after the mark shows the loss but rare
#: characters (no trail byte read as a letter, no annotation that lost its ``(``). Of
#: 17,484 readings in step of clean text whose ，and ？ were made ``?`` (the corpus and
#: the clean sets), the best reached 60 bits but none both margins from 40 bits; 98% of
#: 2,231 Traditional corpus sentences read as GB2312 reach them.
UNMARKED_REALIGN_BITS = (40.0, 5.0)
#: How many characters after the mark are looked at for a rare one (the cheap look
#: before the model is asked): GB2312 reading out of step shows one almost at once.
RARE_REACH = 3


def realignment(text: str, start: int, end: int) -> tuple[int, Fix | None, str]:
    """The fix for an out-of-step span found from ``start``: its (possibly longer) end,
    the fix, and the words that name the lost characters' candidates."""
    found = realign(text, start)
    if found is None or found.margin < REALIGN_MARGIN_BITS:
        return (end, *guess_lost_characters(text, start, end))
    return _fixed(text, start, end, found)


def unmarked_realignment(text: str, start: int) -> tuple[int, Fix | None, str] | None:
    """Like :func:`realignment` for a mark after which only rare characters show that
    the bytes were read out of step (``在?龅牟柯渚用瘢?`` for 在場的部落居民，): the
    reading in step must then beat the text by ``UNMARKED_REALIGN_BITS``; None when it
    does not (a ``?`` in clean text)."""
    from cnfix.text.plausibility import required_bits  # the model only where a decision needs it

    costs = char_costs()
    after = text[start + 1 : start + 1 + RARE_REACH]
    if not any(costs.get(char, 99) >= UNUSUAL_HAN_COST for char in after):
        return None
    found = realign(text, start)
    if found is None or not found.usual:
        return None
    if found.margin < required_bits(text[start : found.end], UNMARKED_REALIGN_BITS):
        return None
    return _fixed(text, start, start + 1, found)


def _fixed(text: str, start: int, end: int, found: Realigned) -> tuple[int, Fix | None, str]:
    new_end, new, lost, margin, usual = found
    unread = _non_ascii(text[start:new_end]) == _non_ascii(new)
    if all(lost_char.chosen == "\ufffd" for lost_char in lost) and (
        len(lost) == len(new) or unread
    ):
        # Nothing re-read but the losses themselves: the text stays as it is, reported
        # (a U+FFFD for ``?E`` would throw away the trail byte that names candidates).
        return (end, None, ranked_words([lost_char.ranking for lost_char in lost]))
    if len(LOSS_RUN_RE.findall(new + text[new_end:end])) > 1:
        # Losses left apart, each then a finding of its own where this span was one: a
        # repair must not leave more findings than it found (F28). Reported as it is,
        # to where it was read out of step.
        return (max(end, new_end), None, ranked_words([lost_char.ranking for lost_char in lost]))
    safe = usual and margin >= SAFE_REALIGN_BITS and all(lost_char.safe for lost_char in lost)
    title = f"Re-read in step: {new}" if len(new) <= 40 else f"Re-read in step: {new[:39]}…"
    new += text[new_end:end]
    fix = Fix(
        (Edit(start, max(end, new_end), new),),
        title,
        Applicability.SAFE if safe else Applicability.UNSAFE,
    )
    return max(end, new_end), fix, ranked_words([lost_char.ranking for lost_char in lost])


def _non_ascii(text: str) -> str:
    """The characters of ``text`` that are neither marks nor ASCII (a trail byte)."""
    return "".join(char for char in MARK_RE.sub("", text) if not char.isascii())


def guess_lost_characters(text: str, start: int, end: int) -> tuple[Fix | None, str]:
    """Stretch repair, unsafe only: ``?y`` is a GBK character whose lead byte was lost
    and whose trail byte 0x79 survived as ``y``. The characters that end in that byte
    are ranked by the language model in context; the best is offered when it leads by
    ``UNSAFE_GUESS_BITS`` (``?W`` → 學). Returns the fix and the words naming them."""
    from cnfix.text.plausibility import best_alternative  # the model only where a decision needs it

    edits = []
    rankings = []
    for match in GUESS_RE.finditer(text, start, min(len(text), end + 1)):
        if match.start() >= end:
            break
        trail = match.group(1).encode("ascii")
        ranking = best_alternative(
            text[max(0, match.start() - 8) : match.start()],
            characters_with_trail(trail[0]),
            text[match.end() : match.end() + 8],
        )
        rankings.append(ranking)
        # Offered only where the trail byte stands before Chinese text: ``?zhèn)``
        # may be a lost character, or a reading that lost its ``(``.
        followed = GUESS_BEFORE_RE.match(text, match.end())
        if followed and ranking.margin >= UNSAFE_GUESS_BITS:
            edits.append(Edit(match.start(), match.end(), ranking.best))
    words = ranked_words(rankings)
    if not edits:
        return None, words
    guesses = "".join(edit.replacement for edit in edits)
    fix = Fix(tuple(edits), f"Guess the lost characters: {guesses}", Applicability.UNSAFE)
    return fix, words
