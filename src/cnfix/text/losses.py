"""Where bytes were lost in decoding: the garble a decoder leaves after a ``?`` or U+FFFD.

Shared by the ``lost-bytes`` rule, which reports such spans, and ``halfwidth-punctuation``,
which must not turn a ``?`` that stands for a lost byte into ``？`` (the only trace of
the loss).
"""

from __future__ import annotations

from cnfix.text.charmodel import UNUSUAL_HAN_COST, char_costs
from cnfix.text.chars import HAN, HAN_RE, lazy_compile

_PINYIN_LETTERS = (
    "a-zA-Z\u00e0-\u00fc\u0101\u0113\u011b\u012b\u014d\u016b"
    "\u01ce\u01d0\u01d2\u01d4\u01d6\u01d8\u01da\u01dc"
)
LOST_PAREN_RE = lazy_compile(f"[{_PINYIN_LETTERS}]{{1,7}}\\)")
ANNOTATION_RE = lazy_compile(f"\\([{_PINYIN_LETTERS}]{{1,7}}\\)")
LOOKAHEAD = 12


def out_of_step_span(text: str, mark: int, mark_end: int) -> tuple[int, int] | None:
    """The damaged span that starts at the ``?``/U+FFFD run ``text[mark:mark_end]``.

    A GBK character the GB2312 decoder could not map became ``?`` and the decoder
    read the following bytes out of step: an ASCII character right after the mark
    (the lost character's trail byte, ``?y今``), rare characters, an ASCII letter
    glued between Han characters, an annotation that lost its ``(``. Returns None
    when nothing after the mark shows damage (``什么?你`` is a flattened ``？``).
    """
    costs = char_costs()
    position = end = mark_end
    evidence = structural = 0
    trail = TRAIL_BYTE_RE.match(text, position)
    lost = LOST_PAREN_RE.match(text, position)
    if trail:
        evidence += 3
        structural += 1
        position = end = trail.end()
    elif lost:
        evidence += 2
        structural += 1
        position = end = lost.end()
    limit = min(len(text), position + LOOKAHEAD)
    while position < limit:
        char = text[position]
        if char in "\n\r" or char.isspace():
            break
        if char in "?\ufffd":
            end = position + 1
            trail = TRAIL_BYTE_RE.match(text, end)
            if trail:
                end = position = trail.end()
                continue
        elif HAN_RE.match(char):
            if costs.get(char, 99) >= UNUSUAL_HAN_COST:
                evidence += 1
                end = position + 1
        elif char.isascii() and char.isalpha():
            before = text[position - 1]
            after = text[position + 1 : position + 2]
            glued = HAN_RE.match(before) and (after in ("(", "?", "\ufffd") or HAN_RE.match(after))
            if not glued:
                break
            evidence += 2
            structural += 1
            end = position + 1
            annotation = ANNOTATION_RE.match(text, end)
            if annotation:
                end = annotation.end()
        position += 1
    if structural and evidence >= 3:
        return mark, end
    return None


#: The trail byte (0x40–0x7E) of a character whose lead byte was lost, between the
#: mark and a Han character. Not the backtick: `?` is inline code in Markdown.
TRAIL_BYTE_RE = lazy_compile(f"[\x40-\x5f\x61-\x7e](?=[{HAN}?\ufffd])")
