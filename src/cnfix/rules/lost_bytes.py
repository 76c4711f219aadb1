"""The ``lost-bytes`` rule: bytes lost in decoding (�, 锟斤拷, 烫烫烫, GBK read as GB2312)."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

from cnfix.model import Applicability, Document, Edit, Finding, Fix, Rule
from cnfix.text.charmodel import (
    text_cost,
)
from cnfix.text.chars import HAN, PLACEHOLDER_RE, lazy_compile
from cnfix.text.losses import TRAIL_BYTE_RE, out_of_step_span
from cnfix.text.regions import Regions, not_checked_for_damage

# ---------------------------------------------------------------------------
# Lost bytes
# ---------------------------------------------------------------------------

PLACEHOLDER_START_RE = re.compile("[锟\ufffd烫屯]")
PLACEHOLDER_WHY = {
    "锟": "U+FFFD replacement bytes read as GBK (锟斤拷): the original bytes are gone",
    "\ufffd": "replacement characters: a decoder dropped bytes it could not read",
    "烫": "0xCC filler bytes (uninitialised stack memory) read as GBK",
    "屯": "0xCD filler bytes (uninitialised heap memory) read as GBK",
}

MARK_RE = re.compile("[?\ufffd]+")
#: With this many certain out-of-step spans the document is known to be GBK read as
#: GB2312, and every other `?` run touching Chinese text is reported as well.
DAMAGED_DOCUMENT = 3
AFTER_CHINESE_RE = lazy_compile(f"[{HAN}\u3001-\u3011\uff01-\uff1f\u201c\u201d]")


#: A guess is offered only when the best character is this much cheaper (half-bits,
#: so 8 = 16 times likelier) than the next best, and common itself.
GUESS_MARGIN = 8
GUESS_MAX_COST = 30


def _guess_lost_characters(text: str, start: int, end: int) -> Fix | None:
    """Stretch repair, unsafe only: ``?y`` is a GBK character whose lead byte was lost
    and whose trail byte 0x79 survived as ``y``. Of the characters that end in that
    byte, offer the one the frequency model strongly prefers (``?W`` → 學)."""
    edits = []
    for match in GUESS_RE.finditer(text, start, min(len(text), end + 1)):
        if match.start() >= end:
            break
        trail = match.group(1).encode("ascii")
        ranked = sorted((text_cost(char), char) for char in _characters_with_trail(trail[0]))
        if len(ranked) < 2 or ranked[0][0] > GUESS_MAX_COST:
            continue
        if ranked[1][0] - ranked[0][0] >= GUESS_MARGIN:
            edits.append(Edit(match.start(), match.end(), ranked[0][1]))
    if not edits:
        return None
    guesses = "".join(edit.replacement for edit in edits)
    return Fix(tuple(edits), f"Guess the lost characters: {guesses}", Applicability.UNSAFE)


GUESS_RE = lazy_compile(f"[?\ufffd]([\x40-\x7e])(?=[{HAN}?\ufffd])")


@functools.cache
def _characters_with_trail(trail: int) -> tuple[str, ...]:
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


def _remaining_marks(doc: Document, reported: list[tuple[int, int]]) -> Iterator[Finding]:
    text = doc.text
    done = Regions(reported)
    for match in MARK_RE.finditer(text):
        start, end = match.span()
        if done.covers(start):
            continue
        before = text[start - 1 : start]
        after = text[end : end + 1]
        touching = AFTER_CHINESE_RE.match(before) or AFTER_CHINESE_RE.match(after)
        glued = (before.isascii() and before.strip()) or TRAIL_BYTE_RE.match(text, end)
        if not (touching or glued) or not_checked_for_damage(doc).covers(start):
            continue
        yield LOST_BYTES.finding(
            start,
            end,
            "`?` in a document that lost bytes in decoding (GBK read as GB2312, Big5 "
            "bytes lost): probably a character whose bytes were lost",
            _guess_lost_characters(text, start, min(len(text), end + 1)),
        )


def check_lost_bytes(doc: Document) -> Iterator[Finding]:
    """Bytes that were lost when the text was decoded: the original cannot be recovered.

    Examples: ``�`` (U+FFFD) runs; ``锟斤拷`` (U+FFFD's own UTF-8 bytes read as GBK,
    the classic sign of a round trip through a broken converter); ``烫烫烫`` and
    ``屯屯屯`` (uninitialised memory printed as GBK); and GBK text decoded as GB2312:
    ``兼備(bèi)的醫(yī)學`` came out as ``兼?zhèn)涞尼t(yī)學`` — the decoder lost a byte at
    備, which GB2312 lacks, printed ``?`` and read the next bytes out of step,
    producing rare characters (涞), an ASCII letter glued between Han characters
    (``t``, a trail byte) and an annotation that lost its ``(``.

    Why: such spans are silent data loss. They survive every later conversion, poison
    search and training data, and only a person (or the source file) can restore them.

    Fix: none that is safe. Each damaged span is reported with its position and the
    kind of damage; cnfix never invents text in a safe fix. Where a ``?`` is followed
    by the surviving ASCII trail byte of the lost character (``?W``), and one GBK
    character with that trail byte is far more common than all others (``學``), it is
    offered as an unsafe guess.
    """
    text = doc.text
    has_mark = "?" in text or "\ufffd" in text
    if not has_mark and "锟" not in text and "烫" not in text and "屯" not in text:
        return
    reported: list[tuple[int, int]] = []
    if has_mark:
        for start, mark_end in _mark_spans(text):
            if start and text[start - 1] != "\n" and not AFTER_CHINESE_RE.match(text, start - 1):
                # Also after the trail byte of an earlier lost character: 尼t?W.
                if start < 2 or not text[start - 1].isascii() or not text[start - 1].isalpha():
                    continue
                if not AFTER_CHINESE_RE.match(text, start - 2):
                    continue
            if reported and start < reported[-1][1]:
                continue
            span = out_of_step_span(text, start, mark_end)
            if span is None or not_checked_for_damage(doc).covers(span[0]):
                continue
            reported.append(span)
            yield LOST_BYTES.finding(
                span[0],
                span[1],
                "GBK text decoded as GB2312: a byte was lost at the `?` and the bytes "
                f"after it were read out of step ({text[span[0] : span[1]]!r})",
                _guess_lost_characters(text, *span),
            )
        if len(reported) >= DAMAGED_DOCUMENT:
            yield from _remaining_marks(doc, reported)
    starts = _positions(text, "锟\ufffd烫屯")
    if starts is None:
        starts = [match.start() for match in PLACEHOLDER_START_RE.finditer(text)]
    position = 0
    reported_starts = [a for a, _ in reported]
    for begin in starts:
        if begin < position:
            continue
        placeholder = PLACEHOLDER_RE.match(text, begin)
        if placeholder is None:
            continue
        start, end = placeholder.span()
        position = end
        # ``reported`` is sorted and its spans do not overlap: skip those ``start`` is in.
        index = bisect.bisect_right(reported_starts, start) - 1
        while 0 <= index < len(reported) and reported[index][0] <= start < reported[index][1]:
            start = reported[index][1]
            index += 1
        if start < end:
            # Placeholders are damage even inside a URL: no protected regions here.
            yield LOST_BYTES.finding(start, end, PLACEHOLDER_WHY[placeholder.group()[0]])


#: Up to this many, the characters a rule looks for are found with ``str.find`` (a
#: scan at memory speed, several GB/s, where a regex pass runs at ~500 MB/s); beyond
#: it (``?`` on every line) one regex pass is cheaper than a call per character.
FIND_LIMIT = 2000


def _positions(text: str, chars: str) -> list[int] | None:
    """Where any of ``chars`` occurs in ``text``, sorted; None for more than
    ``FIND_LIMIT``."""
    found: list[int] = []
    for char in chars:
        position = text.find(char)
        while position >= 0:
            if len(found) == FIND_LIMIT:
                return None
            found.append(position)
            position = text.find(char, position + 1)
    found.sort()
    return found


def _mark_spans(text: str) -> list[tuple[int, int]]:
    """``MARK_RE``'s matches as spans: the runs of ``?`` and U+FFFD."""
    positions = _positions(text, "?\ufffd")
    if positions is None:
        return [match.span() for match in MARK_RE.finditer(text)]
    spans: list[tuple[int, int]] = []
    for position in positions:
        if spans and spans[-1][1] == position:
            spans[-1] = (spans[-1][0], position + 1)
        else:
            spans.append((position, position + 1))
    return spans


LOST_BYTES = Rule(
    code="E003",
    name="lost-bytes",
    summary="bytes lost in decoding (�, 锟斤拷, 烫烫烫, GBK read as GB2312), reported",
    fix_safety="none",
    check=check_lost_bytes,
    reports_outside_prose=True,
)
