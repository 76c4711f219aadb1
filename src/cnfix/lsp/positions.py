"""Character offsets to LSP line/character positions and back, for any position encoding.

LSP counts lines at ``\\n``, ``\\r\\n`` and ``\\r`` only (not at the form feed or U+2028
that ``str.splitlines`` also breaks at) and counts columns in UTF-16 code units unless
the client agreed to UTF-8 or UTF-32: Chinese text beyond the BMP (CJK Extension B)
takes two UTF-16 units per character.
"""

from __future__ import annotations

import bisect
import re

_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")

#: Bytes per code unit of each LSP position encoding, and the codec that counts them.
_UNITS = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}


class LineIndex:
    """The line starts of one text, to convert offsets and positions in ``encoding``."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self._codec, self._unit = _UNITS.get(encoding, _UNITS["utf-16"])
        self._starts = [0, *(match.end() for match in _LINE_BREAK_RE.finditer(text))]

    def _line_end(self, line: int) -> int:
        """Where ``line``'s content ends (before its line break)."""
        if line + 1 >= len(self._starts):
            return len(self.text)
        end = self._starts[line + 1]
        return end - (2 if self.text.startswith("\r\n", end - 2) else 1)

    def _units(self, start: int, end: int) -> int:
        if self._unit == 4 or self.text[start:end].isascii():
            return end - start
        return len(self.text[start:end].encode(self._codec, "surrogatepass")) // self._unit

    def position(self, offset: int) -> tuple[int, int]:
        """The (line, character) of a character offset."""
        line = bisect.bisect_right(self._starts, offset) - 1
        return line, self._units(self._starts[line], offset)

    def offset(self, line: int, character: int) -> int:
        """The character offset of a position; past a line's end means its end."""
        if line >= len(self._starts):
            return len(self.text)
        start, end = self._starts[line], self._line_end(line)
        if self._unit == 4 or self.text[start:end].isascii():
            return min(start + character, end)
        units = 0
        for offset in range(start, end):
            if units >= character:
                return offset
            units += self._units(offset, offset + 1)
        return end
