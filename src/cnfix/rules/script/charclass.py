"""Large sets of characters (the script tables) with fast searches and counts."""

from __future__ import annotations

import functools
import re

from cnfix.text.chars import ScanBudget, lazy_compile


def char_class(chars: str, extra: str = "") -> re.Pattern[str]:
    """A ``[...]`` of ``chars`` (and the class syntax ``extra``), built and compiled on
    first use: most are never needed on clean text, and building them all cost ~6 ms of
    start-up."""
    return lazy_compile(functools.partial(_class_source, chars, extra))


#: Every supplementary-plane character, as class syntax: one range is checked at once.
ASTRAL_RANGE = "\U00010000-\U0010ffff"


def _class_source(chars: str, extra: str = "") -> str:
    """``[...]`` of ``chars``, runs of consecutive code points as ranges.

    Ranges keep the pattern short: ``re`` parses a class member by member, and the
    script classes have thousands of members.
    """
    codes = sorted({ord(c) for c in chars})
    parts: list[str] = []
    start = previous = -2
    for code in [*codes, -2]:
        if code == previous + 1:
            previous = code
            continue
        if start >= 0:
            first, last = _literal(chr(start)), _literal(chr(previous))
            parts.append(first if start == previous else f"{first}-{last}")
        start = previous = code
    return "[" + "".join(parts) + extra + "]"


def _literal(char: str) -> str:
    return "\\" + char if char in _CLASS_SYNTAX else char


_CLASS_SYNTAX = "\\]^[-"


_PYTHON_SCANS = ScanBudget()
#: Characters :meth:`CharClass.count_dense` counts with ``findall`` before it compiles its
#: block pattern (~5 ms, paid back after some 200,000 characters of dense text).
_FINDALL_COUNTS = ScanBudget()
#: Members matched at once by :meth:`CharClass.count_dense`.
COUNT_BLOCK = 256


def _blocks_source(chars: str) -> str:
    """A pattern matching ``COUNT_BLOCK`` members of ``chars`` and whatever lies between."""
    members = _class_source(chars)[1:-1]
    return f"(?:[^{members}]*+[{members}]){{{COUNT_BLOCK}}}"


def has_astral(text: str) -> bool:
    """True when ``text`` holds a supplementary-plane character: its UTF-16 form is then
    longer than two bytes a character. (Encoding is a copy for text of the Basic
    Multilingual Plane, ten times faster than a search of it for the range.)"""
    return not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)


class CharClass:
    """A large set of characters with a fast ``findall``.

    ``re`` matches a class of Basic Multilingual Plane characters through a bitmap, but
    tries a class with supplementary-plane characters member by member (40x slower), so
    those are kept apart and looked at only when the text has such characters at all.
    """

    ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")

    def __init__(self, chars: str) -> None:
        self.chars = frozenset(chars)
        bmp = "".join(c for c in chars if ord(c) < 0x10000)
        self.bmp = char_class(bmp)
        self.astral = frozenset(c for c in chars if ord(c) >= 0x10000)
        self.bmp_or_astral = char_class(bmp, ASTRAL_RANGE)
        self.blocks = lazy_compile(functools.partial(_blocks_source, bmp))
        self.compiled = False
        self.counts_in_blocks = False

    def _in_python(self, text: str) -> bool:
        """True: look ``text`` up in ``chars`` in Python. Short runs never compile the
        class (a few ms each); past the budget it is compiled and used (faster)."""
        if self.compiled:
            return False
        if _PYTHON_SCANS.take(text):
            return True
        self.compiled = True
        return False

    def __contains__(self, char: str) -> bool:
        return char in self.chars

    def find(self, text: str, start: int = 0) -> int | None:
        """Where the first member in ``text`` from ``start`` is (None: nowhere): one
        search, with any supplementary-plane character as a candidate (a range: cheap)."""
        if not self.astral:
            match = self.bmp.search(text, start)
            return match.start() if match else None
        while match := self.bmp_or_astral.search(text, start):
            if match.group() in self.chars:
                return match.start()
            start = match.end()
        return None

    def count_to(self, text: str, limit: int) -> int:
        """:meth:`count`, but at most ``limit``: a few searches where members are dense."""
        found = start = 0
        while found < limit and (at := self.find(text, start)) is not None:
            found += 1
            start = at + 1
        return found

    def search(self, text: str) -> bool:
        if self._in_python(text):
            return not self.chars.isdisjoint(text)
        if self.bmp.search(text):
            return True
        return has_astral(text) and any(
            m.group() in self.astral for m in self.ASTRAL_RE.finditer(text)
        )

    def count(self, text: str) -> int:
        """How many characters of ``text`` are in the class (``findall`` stays in C)."""
        if self._in_python(text):
            return sum(map(self.chars.__contains__, text))
        found = len(self.bmp.findall(text))
        if self.astral and has_astral(text):
            found += sum(m.group() in self.astral for m in self.ASTRAL_RE.finditer(text))
        return found

    def count_dense(self, text: str) -> int:
        """:meth:`count`, for text where members are common (Traditional characters in
        Traditional text): ``findall`` makes a string per member, while one match of
        :attr:`blocks` passes ``COUNT_BLOCK`` of them (twice as fast in all)."""
        if not self.counts_in_blocks:
            if _FINDALL_COUNTS.take(text):
                return self.count(text)
            self.counts_in_blocks = True
        found = start = 0
        while (match := self.blocks.match(text, start)) is not None:
            found += COUNT_BLOCK
            start = match.end()
        found += len(self.bmp.findall(text, start))
        if self.astral and has_astral(text):
            found += sum(m.group() in self.astral for m in self.ASTRAL_RE.finditer(text))
        return found

    def positions(self, text: str) -> list[int]:
        if self._in_python(text):
            return [index for index, char in enumerate(text) if char in self.chars]
        found = [m.start() for m in self.bmp.finditer(text)]
        if self.astral and has_astral(text):
            found += [m.start() for m in self.ASTRAL_RE.finditer(text) if m.group() in self.astral]
            found.sort()
        return found
