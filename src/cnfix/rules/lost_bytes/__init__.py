"""The ``lost-bytes`` rule: bytes lost in decoding (�, 锟斤拷, 烫烫烫, GBK read as GB2312)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from cnfix.model import Applicability, Document, Edit, Finding, Fix, Rule
from cnfix.rules.lost_bytes.placeholders import ODD_END, lost_character, surviving_trail
from cnfix.rules.lost_bytes.realigned import (
    guess_lost_characters,
    realignment,
    unmarked_realignment,
)
from cnfix.rules.lost_bytes.recovery import (
    MARK_RE,
    ORPHAN_RE,
    READ_BACK_REPORT_BITS,
    READ_BACK_SAFE_BITS,
    UNSAFE_GUESS_BITS,
    LostCharacter,
    characters_ending_in_continuations,
    choose,
    ends_inside_utf8,
    ranked_words,
    reading_margin,
    usual,
    utf8_window,
)
from cnfix.rules.lost_bytes.shifted import (
    SHIFTED_REPORT_BITS,
    SHIFTED_SAFE_BITS,
    looks_out_of_step,
    out_of_step_letters,
    shifted_reading,
)
from cnfix.rules.lost_bytes.truncated import cut_line_ends
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

#: With this many certain out-of-step spans the document is known to be GBK read as
#: GB2312, and every other `?` run touching Chinese text is reported as well.
DAMAGED_DOCUMENT = 3
AFTER_CHINESE_RE = lazy_compile(f"[{HAN}\u3001-\u3011\uff01-\uff1f\u201c\u201d]")


def _remaining_marks(doc: Document, reported: list[tuple[int, int]]) -> Iterator[Finding]:
    text = doc.text
    done = Regions(sorted(reported))
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
        fix, candidates = guess_lost_characters(text, start, min(len(text), end + 1))
        yield LOST_BYTES.finding(
            start,
            end,
            "`?` in a document that lost bytes in decoding (GBK read as GB2312, Big5 "
            f"bytes lost): probably a character whose bytes were lost{candidates}",
            fix,
        )


#: Marks looked at for a UTF-8 reading per document, and the characters of lost-data
#: placeholders, after which a mark is more of the same.
UTF8_MARK_BUDGET = 200
#: How far before a mark a rare character is looked for before the bytes are read again
#: (the garble of a byte lost from GBK text is all common characters for up to ~8).
MARK_REACH = 8
PLACEHOLDER_CHARS = frozenset("锟斤拷烫屯\ufffd?")


def _utf8_hole_spans(
    text: str, reported: list[tuple[int, int]], marks: list[tuple[int, int]]
) -> Iterator[Finding]:
    """UTF-8 read as GBK (cp936) where a byte could not be read and became ``?`` or
    U+FFFD (``鈥?`` for an em dash that lost its last byte): every character around
    the loss is read back; the one that lost a byte is ranked by the model."""
    for mark_start, mark_end in marks[:UTF8_MARK_BUDGET]:
        # Past the budget, a document of lost data (锟斤拷 novels): reported anyway.
        before = text[mark_start - 1 : mark_start]
        if before.isascii() or before in PLACEHOLDER_CHARS:
            continue  # nothing to read before the mark (at the start, or after ASCII)
        after = text[mark_end : mark_end + 1]
        if not (after and not after.isascii()) and not ends_inside_utf8(text, mark_start):
            continue  # nothing to read on either side of the mark
        found = utf8_window(text, mark_start, mark_end)
        if found is None or _overlaps(found[0], found[1], reported):
            continue
        finding = _read_back(
            text,
            *found,
            "UTF-8 bytes read as GBK lost a byte at each `?`/U+FFFD; the rest reads back",
            "Read as UTF-8",
            (READ_BACK_REPORT_BITS, READ_BACK_SAFE_BITS),
            may_be_safe=all(usual(piece) for piece in found[2] if isinstance(piece, str)),
        )
        if finding is not None:
            reported.append((finding.start, finding.end))
            yield finding


def _orphan_spans(text: str, reported: list[tuple[int, int]]) -> Iterator[Finding]:
    """``€`` where a stretch of Chinese starts (``€€出登录`` for 退出登录): the
    continuation bytes of a UTF-8 character whose first byte was lost, ranked by the
    model among the characters that end in them."""
    for match in ORPHAN_RE.finditer(text):
        start, end = match.span()
        if _overlaps(start, end, reported):
            continue
        finding = _read_back(
            text,
            start,
            end,
            [characters_ending_in_continuations(end - start)],
            "`€` is byte 0x80 read as Windows cp936: the last bytes of a UTF-8 character "
            "whose first byte was lost",
            "Restore the lost character",
            (READ_BACK_REPORT_BITS, READ_BACK_SAFE_BITS),
        )
        if finding is not None:
            reported.append((start, end))
            yield finding


def _overlaps(start: int, end: int, reported: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in reported)


def _shifted_spans(
    text: str, reported: list[tuple[int, int]], marks: list[tuple[int, int]]
) -> Iterator[Finding]:
    """GBK or Big5 text that lost one byte and was read out of step up to a mark (one of
    ``marks``) or a trail byte read as a letter (``代拢?而``, ``中陘j陸``): read again in
    step."""
    resyncs = [start for start, end in marks if end - start == 1][:UTF8_MARK_BUDGET]
    resyncs += out_of_step_letters(text)[:UTF8_MARK_BUDGET]
    for resync in sorted(resyncs):
        if resync == 0 or text[resync - 1].isascii() or _overlaps(resync, resync + 1, reported):
            continue
        if text[resync - 1] in PLACEHOLDER_CHARS:
            continue
        if not looks_out_of_step(text, resync, MARK_REACH):
            continue
        found = shifted_reading(text, resync)
        if found is None or _overlaps(found.start, found.end, reported):
            continue
        codec = {"gbk": "GBK", "big5": "Big5"}[found.codec]
        finding = _read_back(
            text,
            found.start,
            found.end,
            found.pieces,
            f"{codec} text lost a byte here and was read out of step up to "
            f"{text[found.end - 1]!r}; the bytes read in step",
            "Read in step",
            (SHIFTED_REPORT_BITS, SHIFTED_SAFE_BITS),
            mark_kept=isinstance(found.pieces[-1], tuple),
            may_be_safe=found.place_margin >= UNSAFE_GUESS_BITS,  # sure of the place
            chosen=found.chosen,  # ranked in the same context when the place was judged
        )
        if finding is not None:
            reported.append((finding.start, finding.end))
            yield finding


def _read_back(
    text: str,
    start: int,
    end: int,
    pieces: list[str | tuple[str, ...]],
    why: str,
    title: str,
    margins: tuple[tuple[float, float], tuple[float, float]],
    mark_kept: bool = False,
    may_be_safe: bool = True,
    chosen: list[str | LostCharacter] | None = None,
) -> Finding | None:
    """The finding for ``text[start:end]`` read back as ``pieces`` (each lost character
    ranked by the model), when the model prefers the reading by the report margin
    (``mark_kept``: see ``reading_margin``; ``chosen``: ``pieces`` already ranked in
    this context, when the caller has them)."""
    from cnfix.text.plausibility import required_bits  # the model only where a decision needs it

    garbled = text[start:end]
    if chosen is None:
        chosen = choose(pieces, text[max(0, start - 8) : start], text[end : end + 8])
    lost = [piece for piece in chosen if isinstance(piece, LostCharacter)]
    new = "".join(p if isinstance(p, str) else p.chosen for p in chosen)
    margin = reading_margin(text, start, end, chosen, mark_kept)
    report, sure = margins
    if margin < required_bits(garbled, report):
        return None
    safe = (
        may_be_safe
        and margin >= required_bits(garbled, sure)
        and all(lost_char.safe for lost_char in lost)
    )
    shown = new if len(new) <= 40 else new[:39] + "…"
    return LOST_BYTES.finding(
        start,
        end,
        f"{why} ({shown}){ranked_words([lost_char.ranking for lost_char in lost])}",
        Fix(
            (Edit(start, end, new),),
            f"{title}: {shown}",
            Applicability.SAFE if safe else Applicability.UNSAFE,
        ),
    )


def _gb2312_finding(
    text: str, start: int, read: tuple[int, Fix | None, str], reported: list[tuple[int, int]]
) -> Finding:
    """The finding for GBK text read as GB2312 from the mark at ``start`` (``read``:
    the span's end, the reading in step, the candidates' words), noted in ``reported``."""
    end, fix, candidates = read
    reported.append((start, end))
    return LOST_BYTES.finding(
        start,
        end,
        "GBK text decoded as GB2312: a byte was lost at the `?` and the bytes "
        f"after it were read out of step ({text[start:end]!r}){candidates}",
        fix,
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

    Fix: what the bytes still hold is read back; nothing is invented. GBK text read as
    GB2312 is re-read in step from the mark (every character after a lost lead byte is
    still in the bytes, one byte shifted; ``??`` is a character neither of whose bytes
    GB2312 reads, kept as it stands; where only rare characters after the mark show
    the loss, the reading must beat the text by a wide margin), and UTF-8 read as GBK
    (cp936) is read as UTF-8 around each ``?``/U+FFFD (``鈥?`` is an em dash that lost
    its last byte; a ``?`` may also hide a pair of bytes cp936 could not read, and beside
    a U+FFFD ``€`` is GB18030's A2 E3; ``€`` where Chinese text starts is what is left of
    a character whose first byte was lost). GBK or Big5 text that lost one byte is read
    again in step from the loss to where the decoder fell back in step (``代拢?而`` for
    代码，而, ``中陘j陸`` for 中國大陸), safely only when the model is sure where the
    byte was lost. The lost character itself is ranked by the language model among
    those its surviving byte allows; the message lists the best four with how many bits
    each is behind. It is restored in a safe fix only when the best leads by
    ``SAFE_GUESS_BITS`` (1 wrong in 2,500 in calibration) and is no character the model
    knows only by its class (U+3000 is a space to it), offered unsafely from
    ``UNSAFE_GUESS_BITS``, and otherwise becomes U+FFFD. Where nothing can be read back
    (``?zhèn)`` in the seeds, placeholders, the ``?`` that ends each line of a document
    whose lines were cut before their last byte) the span is reported, with candidates
    where they are known.
    """
    text = doc.text
    if text.isascii():
        return
    has_mark = "?" in text or "\ufffd" in text
    if not has_mark:
        # Big5 and GBK fall back in step at a trail byte read as a letter, often
        # before any mark: 中陘j陸.
        yield from _shifted_spans(text, [], [])
        if "€" in text:
            yield from _orphan_spans(text, [])
        if "锟" not in text and "烫" not in text and "屯" not in text:
            return
    reported: list[tuple[int, int]] = []
    if has_mark:
        marks = _mark_spans(text)
        unmarked: list[int] = []
        for start, mark_end in marks:
            if start and text[start - 1] != "\n" and not AFTER_CHINESE_RE.match(text, start - 1):
                # Also after the trail byte of an earlier lost character: 尼t?W.
                if start < 2 or not text[start - 1].isascii() or not text[start - 1].isalpha():
                    continue
                if not AFTER_CHINESE_RE.match(text, start - 2):
                    continue
            if reported and start < reported[-1][1]:
                continue
            span = out_of_step_span(text, start, mark_end)
            if span is None:
                unmarked.append(start)
            elif not not_checked_for_damage(doc).covers(start):
                yield _gb2312_finding(text, start, realignment(text, *span), reported)
        yield from _utf8_hole_spans(text, reported, marks)
        # Marks after which only rare characters show a loss, once the UTF-8 readings
        # have taken theirs (UTF-8 read as cp936 is rare characters and marks too).
        for start in unmarked:
            if _overlaps(start, start + 1, reported) or not_checked_for_damage(doc).covers(start):
                continue
            read = unmarked_realignment(text, start)
            if read is not None:
                yield _gb2312_finding(text, start, read, reported)
        yield from _shifted_spans(text, reported, marks)
        if "€" in text:
            yield from _orphan_spans(text, reported)
        for mark, ranking in cut_line_ends(text, marks):
            if not _overlaps(mark, mark + 1, reported):
                reported.append((mark, mark + 1))
                yield LOST_BYTES.finding(
                    mark,
                    mark + 1,
                    "line cut before its last byte (most lines of the document end so): "
                    f"its last character is lost{ranked_words([ranking])}",
                )
        if len(reported) >= DAMAGED_DOCUMENT:
            for finding in _remaining_marks(doc, reported):
                reported.append((finding.start, finding.end))  # not a placeholder again
                yield finding
    starts = _positions(text, "锟\ufffd烫屯")
    if starts is None:
        starts = [match.start() for match in PLACEHOLDER_START_RE.finditer(text)]
    position = 0
    reported = sorted(reported)
    reported_starts = [a for a, _ in reported]
    for begin in starts:
        if begin < position:
            continue
        placeholder = PLACEHOLDER_RE.match(text, begin)
        if placeholder is not None:
            start, end = placeholder.span()
        elif text[begin] == ODD_END and surviving_trail(text, begin + 1):
            start, end = begin, begin + 1  # one U+FFFD and a trail byte: 锟絎
        else:
            continue
        position = end
        # ``reported`` is sorted and its spans do not overlap: skip those ``start`` is in.
        index = bisect.bisect_right(reported_starts, start) - 1
        while 0 <= index < len(reported) and reported[index][0] <= start < reported[index][1]:
            start = reported[index][1]
            index += 1
        if start >= end:
            continue
        # Placeholders are damage even inside a URL: no protected regions here.
        why = PLACEHOLDER_WHY[text[begin]]
        trail = surviving_trail(text, end) if text[begin] == ODD_END else None
        if trail is None or _overlaps(trail[0], trail[1], reported):
            yield LOST_BYTES.finding(start, end, why)
            continue
        position = trail[1]
        yield _trail_finding(text, start, trail, why)


def _trail_finding(text: str, start: int, trail: tuple[int, int, int], why: str) -> Finding:
    """A ``锟斤拷`` run from ``start`` and the trail byte after it (see ``placeholders``):
    the character it ends ranked, restored when the model is sure."""
    trail_start, trail_end, byte = trail
    lost = lost_character(text, trail_start, trail_end, byte)
    message = (
        f"{why}; the trail byte 0x{byte:02X} survived ({text[trail_start:trail_end]!r})"
        f"{ranked_words([lost.ranking])}"
    )
    fix = None
    if lost.chosen != "\ufffd":
        fix = Fix(
            (Edit(trail_start, trail_end, lost.chosen),),
            f"Restore the character that ends in the surviving byte: {lost.chosen}",
            Applicability.SAFE if lost.safe else Applicability.UNSAFE,
        )
    return LOST_BYTES.finding(start, trail_end, message, fix)


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
    summary="bytes lost in decoding (�, 锟斤拷, 烫烫烫, GBK as GB2312, 鈥?), the rest read back",
    fix_safety="mixed",
    check=check_lost_bytes,
    reports_outside_prose=True,
)
