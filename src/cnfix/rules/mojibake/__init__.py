"""The ``mojibake`` rule: text decoded with the wrong codec, re-decoded."""

from __future__ import annotations

from collections.abc import Iterator

from cnfix.model import Applicability, Document, Edit, Finding, Fix, Rule
from cnfix.rules.mojibake.chains import _chain_message
from cnfix.rules.mojibake.prefilter import _spans
from cnfix.rules.mojibake.scoring import _is_clear_win
from cnfix.text.charmodel import CP1252_HIGH
from cnfix.text.regions import not_checked_for_damage

#: Bits by which the language model must prefer a re-decoding to the text as it stands,
#: at least, and per non-ASCII garbled character, to report it (``REPORT``) and to fix
#: it safely (``SAFE``). Calibrated on ``tests/data/clean`` (8 MB of news, classical
#: poetry, name lists and docs): the readings the older per-character model found there,
#: all wrong, are preferred by at most 18.5 bits, and by less than 5 a character (rare
#: name characters such as 埜 swapped for common ones); real garbles of the corpus by
#: 23.5 bits (a 3-character ``鏂囨。`` for 文档) to thousands.
REPORT_MARGIN_BITS = (22.0, 5.0)
SAFE_MARGIN_BITS = (26.0, 6.0)


def _swaps_double_bytes(chain: tuple[tuple[str, str], ...]) -> bool:
    """True for GBK read as Big5 and the reverse: only Chinese double-byte codecs."""
    return all({read_as, original} <= {"GBK", "Big5"} for read_as, original in chain)


def _line_lost_bytes(text: str, position: int) -> bool:
    """True when the line at ``position`` carries a loss mark (U+FFFD, or ``?`` touching
    non-ASCII text): what is left of a line that lost bytes reads as a GBK/Big5 swap
    by chance (GBK text read as GB2312: 激?钔 re-read as 鎡), so such a swap is only
    offered there, never applied safely."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = text[start : len(text) if end < 0 else end]
    if "\ufffd" in line:
        return True
    mark = line.find("?")
    while mark >= 0:
        if not line[mark - 1 : mark].isascii() or not line[mark + 1 : mark + 2].isascii():
            return True
        mark = line.find("?", mark + 1)
    return False


def check_mojibake(doc: Document) -> Iterator[Finding]:
    """Text whose bytes were decoded with the wrong codec, and can be decoded again.

    Example: ``浣犲ソ锛屼笘鐣`` is ``你好，世界`` saved as UTF-8 and opened as GBK;
    ``ÄãºÃ`` is GBK opened as Latin-1; ``ä½ å¥½`` is UTF-8 opened as Latin-1 (the one
    family ftfy repairs, and ftfy is used for it); Big5 opened as GBK and the reverse,
    UTF-8 opened as Big5, and two such layers are found the same way.

    Why: the text is unreadable and unsearchable, but nothing is lost: the original
    bytes are still there, one wrong decoding away.

    How: every span that looks like one of these readings is re-encoded with the
    codec that misread it and decoded, strictly, with the original one. Each
    candidate is scored with a character-frequency model (jieba's word counts per
    character) plus penalties for private-use, replacement and control characters,
    Latin-1 letters among Han, and kana or Hangul scattered among Han. Text that is
    already plausible — classical Chinese, rare names, Japanese, Korean, accented
    Latin, mixed Chinese and English — has no candidate that beats it.

    ftfy handles its own family (UTF-8 read as Windows-1252, Latin-1, Mac Roman…),
    with width folding, quote uncurling and normalisation turned off; where its
    reading and a Chinese one overlap, the more plausible line wins (GBK read as
    Latin-1 becomes Chinese, not ftfy's Cyrillic).

    Fix: the span is replaced by the re-decoded text; the message names the chain,
    e.g. ``UTF-8 bytes read as GBK; re-decoded: 你好，世界``. Safe when the candidate
    is common Chinese and much more plausible than the garble, when ftfy's reading is
    more plausible too, or when a short garble (``聽`` for a no-break space) sits on a
    line whose chain is already certain; a close call, or a short GBK/Big5 swap on its
    own, is an unsafe suggestion. A byte that the original codec cannot decode at all
    (cp936's lone 0x80) is reported without a fix.
    """
    text = doc.text
    if text.isascii():
        return
    for start, end, garbled, candidate in _spans(text):
        protected = not_checked_for_damage(doc)
        if protected.covers(start) and protected.covers(end - 1):
            # Inside a URL or code from end to end. A garble that only starts in one
            # (a URL regex runs on through Latin-1 mojibake) is still repaired.
            continue
        if candidate is None:
            yield MOJIBAKE.finding(
                start,
                end,
                f"byte 0x{ord(garbled) if ord(garbled) < 256 else CP1252_HIGH[garbled]:02X} "
                f"({garbled!r}) inside GBK text read as Latin-1 has no GBK character; "
                "left as it is",
            )
            continue
        # ftfy's readings (vouched: the model is of Chinese, not of accented Latin)
        # and short garbles beside a sure one of the same chain (neighbours) have their
        # evidence already; the Chinese re-decodings need the model's.
        if candidate.vouched:
            safe = _is_clear_win(garbled, candidate)
        else:
            from cnfix.text.plausibility import preference_bits, required_bits  # lazily

            margin = preference_bits(text, start, end, candidate.text)
            report, sure = (
                (0.0, 0.0)
                if candidate.neighbour
                else (
                    required_bits(garbled, REPORT_MARGIN_BITS),
                    required_bits(garbled, SAFE_MARGIN_BITS),
                )
            )
            if margin < report:
                continue
            safe = (
                _is_clear_win(garbled, candidate)
                and margin >= sure
                and not (_swaps_double_bytes(candidate.chain) and _line_lost_bytes(text, start))
            )
        shown = candidate.text if len(candidate.text) <= 40 else candidate.text[:39] + "…"
        yield MOJIBAKE.finding(
            start,
            end,
            f"{_chain_message(candidate.chain)}; re-decoded: {shown}",
            Fix(
                (Edit(start, end, candidate.text),),
                "Re-decode the garbled text",
                Applicability.SAFE if safe else Applicability.UNSAFE,
            ),
        )


MOJIBAKE = Rule(
    code="E002",
    name="mojibake",
    summary="text decoded with the wrong codec (浣犲ソ, ÄãºÃ, ä½ å¥½), re-decoded",
    fix_safety="mixed",
    check=check_mojibake,
    reports_outside_prose=True,
)
