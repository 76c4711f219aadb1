"""Lines cut before their last byte: a GBK or Big5 line whose last character lost its
second byte (fixed-width fields, truncated database columns) ends in ``?`` or U+FFFD.

The mark hides the whole character (its first byte became the mark, its second is
gone), so nothing can be read back; what tells the cut from a question flattened to
``?`` is the document: most of its lines end that way, and the model finds a
statement's ending (``。``) more plausible there than ``？``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from cnfix.rules.lost_bytes.recovery import NAMED_CANDIDATES

if TYPE_CHECKING:
    from cnfix.text.plausibility import Ranking

#: A document is taken as cut when at least this many lines end in a double-byte
#: character and a mark, and they outnumber the lines that end in Chinese punctuation.
CUT_LINES = 3
#: Bits by which the model must prefer, on average over the cut lines, the best
#: ending to ``？`` (a question flattened to ASCII): statements cut at the end score
#: 6 or more on nine lines in ten, questions on half.
STATEMENT_BITS = 6.0
#: The characters ranked for a lost last character: the most common in the model.
ENDINGS = 800
SENTENCE_END = frozenset("。！？…」』”）；：，")


@functools.cache
def _endings() -> tuple[str, ...]:
    """The ``ENDINGS`` most common double-byte characters of the model, and ``？``."""
    from cnfix.text.plausibility import language_model  # only for a document that is cut

    model = language_model()
    common = sorted(model.unigram, key=model.unigram.__getitem__)
    chosen = [char for char in common if len(char) == 1 and _double_byte(char)][:ENDINGS]
    return (*chosen, "？") if "？" not in chosen else tuple(chosen)


def _double_byte(char: str) -> bool:
    try:
        return len(char.encode("gbk")) == 2
    except UnicodeEncodeError:
        return False


#: A mark that ends a line (before any carriage return): each cut line has one.
MARKED_LINE_END_RE = re.compile("[?\ufffd]\r*(?:\n|\\Z)")


def _marks_before_breaks(text: str, marks: list[tuple[int, int]]) -> int:
    """At least as many as ``MARKED_LINE_END_RE`` has matches: the runs of marks
    (``marks``, the spans of ``MARK_RE``) followed by a line break or a carriage return,
    or ending the text. Each match ends a distinct run; counting the runs the rule has
    found already spares clean text a pass over it (``str.count`` of a mark and a break
    cost 10 ms per 4 MB of clean records, a regex pass more)."""
    return sum(text[end : end + 1] in ("", "\n", "\r") for _, end in marks)


def cut_line_ends(text: str, marks: list[tuple[int, int]]) -> Iterator[tuple[int, Ranking]]:
    """The marks that end cut lines, with the common characters ranked for the lost
    one, when the document is cut (see the module's docstring; ``marks``: the runs of
    marks of ``text``, as ``MARK_RE`` finds them)."""
    from cnfix.text.plausibility import best_alternative  # only for a cut document

    if _marks_before_breaks(text, marks) < CUT_LINES:
        return  # too few lines can end in a mark (no pass over the text)
    if len(MARKED_LINE_END_RE.findall(text)) < CUT_LINES:
        return  # too few lines end in a mark (one search, not a loop over every line)
    cut: list[int] = []
    ended = 0
    position = 0
    while position <= len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end].rstrip("\r")
        if len(line) >= 2 and line[-1] in "?\ufffd" and _double_byte(line[-2]):
            cut.append(position + len(line) - 1)
        elif line and line[-1] in SENTENCE_END:
            ended += 1
        position = end + 1
    if len(cut) < CUT_LINES or len(cut) <= ended:
        return
    rankings = []
    behind = []
    for mark in cut:
        ranking = best_alternative(
            text[max(0, mark - 8) : mark], _endings(), text[mark + 1 : mark + 2]
        )
        behind.append(dict(ranking.costs)["？"] - ranking.costs[0][1])
        # Only the candidates a report names are kept: all ``ENDINGS`` of them, for every
        # cut line of a long document, held hundreds of MB (issue 21's UTF-8 read as GBK).
        rankings.append(ranking._replace(costs=ranking.costs[:NAMED_CANDIDATES]))
    if sum(behind) / len(behind) < STATEMENT_BITS:
        return
    yield from zip(cut, rankings, strict=True)
