"""What one check of a text finds out on its way, kept for the rest of that check.

A :class:`CheckState` is made by each call of the rule's check and passed along: the
paragraph split and the judging of a unit ask the same questions (each a scan of the
whole text), and the windows converted for judging come back when a unit is judged again
without its glosses and when its changes are built. Nothing outlives the check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from cnfix.adapters.opencc import convert, convert_phrases

T = TypeVar("T")

#: :meth:`CheckState.convert_all` names for OpenCC's phrase dictionaries alone
#: (:func:`convert_phrases`).
PHRASES_ST, PHRASES_TS = "phrases st", "phrases ts"
#: Pieces (windows of a text) remembered per check: up to ``REMEMBERED_LENGTH`` characters
#: each, at most ``REMEMBERED_PIECES`` in all (~11 MB; then the memo starts afresh). A
#: damaged text of 0.4 MB has some 6,000.
REMEMBERED_LENGTH = 64
REMEMBERED_PIECES = 50_000


class CheckState:
    """Answers about the text being checked, and the pieces of it already converted."""

    def __init__(self) -> None:
        #: by question: the text it is about (the same object) and the answer
        self.answers: dict[object, tuple[str, Any]] = {}
        #: per configuration: piece → converted piece
        self.converted: dict[str, dict[str, str]] = {}

    def remembered(self, question: object, text: str, answer: Callable[[], T]) -> T:
        """The answer to ``question`` about ``text``: asked once, then remembered."""
        seen = self.answers.get(question)
        if seen is not None and seen[0] is text:
            return seen[1]  # type: ignore[no-any-return]
        value = answer()
        self.answers[question] = (text, value)
        return value

    def known(self, question: object, text: str) -> tuple[bool, Any]:
        """``(True, answer)`` when ``question`` about ``text`` was answered, else
        ``(False, None)``."""
        seen = self.answers.get(question)
        if seen is not None and seen[0] is text:
            return True, seen[1]
        return False, None

    def tell(self, question: object, text: str, answer: object) -> None:
        """Record ``answer`` to ``question`` about ``text`` (found out another way)."""
        self.answers[question] = (text, answer)

    def convert_all(self, pieces: Sequence[str], config: str) -> list[str]:
        """Each piece through ``config`` (an OpenCC configuration, or ``PHRASES_ST`` /
        ``PHRASES_TS``), with one OpenCC call for every piece not converted before.

        An OpenCC call costs ~2 µs before its first character (~0.05 µs each), and the
        rule converts thousands of 17-character windows of a damaged text. The pieces are
        joined with line breaks: no entry of OpenCC's dictionaries (line-based files)
        holds one, so no phrase matches across a break and each piece comes out as it
        would alone (checked by ``tests/test_script_speed.py``). By the same token a piece
        holding line breaks comes out line for line: the lines of the output are handed
        back piece by piece.
        """
        if not pieces:
            return []
        if sum(map(len, self.converted.values())) > REMEMBERED_PIECES:
            self.converted.clear()
        memo = self.converted.setdefault(config, {})
        new = [piece for piece in dict.fromkeys(pieces) if piece not in memo]
        if not new:
            return [memo[piece] for piece in pieces]
        done: dict[str, str] = {}
        joined = "\n".join(new)
        lines = convert_piece(joined, config).split("\n")
        if joined.count("\n") == len(new) - 1 and len(lines) == len(new):
            done = dict(zip(new, lines, strict=True))  # no piece holds a line break
        else:
            counts = [piece.count("\n") + 1 for piece in new]
            if len(lines) == sum(counts):
                at = 0
                for piece, count in zip(new, counts, strict=True):
                    done[piece] = lines[at] if count == 1 else "\n".join(lines[at : at + count])
                    at += count
            else:  # never seen: OpenCC wrote or removed a line break
                done = {piece: convert_piece(piece, config) for piece in new}
        if max(map(len, new)) <= REMEMBERED_LENGTH:
            memo.update(done)
            return [memo[piece] for piece in pieces]
        memo.update((piece, out) for piece, out in done.items() if len(piece) <= REMEMBERED_LENGTH)
        return [done[piece] if piece in done else memo[piece] for piece in pieces]


def convert_piece(text: str, config: str) -> str:
    """``text`` through ``config``, as :meth:`CheckState.convert_all` names it."""
    if config == PHRASES_ST:
        return convert_phrases(text, "st")
    if config == PHRASES_TS:
        return convert_phrases(text, "ts")
    return convert(text, config)
