"""GBK text read as GB2312: the fix for the span after a ``?`` read again in step, and
the guesses for characters whose lead byte was lost (``?y``)."""

from __future__ import annotations

from cnfix.model import Applicability, Edit, Fix
from cnfix.rules.lost_bytes.recovery import (
    GUESS_BEFORE_RE,
    GUESS_RE,
    REALIGN_MARGIN_BITS,
    SAFE_REALIGN_BITS,
    UNSAFE_GUESS_BITS,
    Realigned,
    characters_with_trail,
    ranked_words,
    realign,
)
from cnfix.text.charmodel import UNUSUAL_HAN_COST, char_costs

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
    if all(lost_char.chosen == "\ufffd" for lost_char in lost) and len(lost) == len(new):
        # Nothing re-read but the losses themselves: the text stays as it is, reported.
        return (end, None, ranked_words([lost_char.ranking for lost_char in lost]))
    safe = usual and margin >= SAFE_REALIGN_BITS and all(lost_char.safe for lost_char in lost)
    title = f"Re-read in step: {new}" if len(new) <= 40 else f"Re-read in step: {new[:39]}…"
    new += text[new_end:end]
    fix = Fix(
        (Edit(start, max(end, new_end), new),),
        title,
        Applicability.SAFE if safe else Applicability.UNSAFE,
    )
    return max(end, new_end), fix, ranked_words([lost_char.ranking for lost_char in lost])


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
