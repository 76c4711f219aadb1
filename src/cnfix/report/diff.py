"""Diffs of what a repair changes: inline (coloured segments, folded to the terminal) and unified.

The only module that imports rich, and only when writing colour to a terminal.
File text is always handed to rich as ``Text`` (never parsed as markup).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, ClassVar

from cnfix.model import Finding
from cnfix.report.text import count_by_rule

#: Unchanged characters kept on each side of a change in the inline diff.
DIFF_CONTEXT = 12
#: The line numbers of a unified diff's hunk header (``@@ -12,3 +12,3 @@``).
_HUNK_RE = re.compile(r"([-+])(\d+)")

#: A piece of an inline diff line: kind is "same", "delete", "insert" or "elided".
Segment = tuple[str, str]


def inline_segments(old: str, new: str, context: int = DIFF_CONTEXT) -> list[Segment]:
    """Character-level diff of one line, with long unchanged stretches elided."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    segments: list[Segment] = []
    opcodes = matcher.get_opcodes()
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = old[i1:i2]
            keep_left = context if number > 0 else 0
            keep_right = context if number < len(opcodes) - 1 else 0
            if len(same) > keep_left + keep_right + 1:
                if keep_left:
                    segments.append(("same", same[:keep_left]))
                segments.append(("elided", "…"))
                if keep_right:
                    segments.append(("same", same[len(same) - keep_right :]))
            else:
                segments.append(("same", same))
            continue
        if i2 > i1:
            segments.append(("delete", old[i1:i2]))
        if j2 > j1:
            segments.append(("insert", new[j1:j2]))
    return segments


def plain_segments(segments: Iterable[Segment]) -> str:
    """Segments without colour: ``[-deleted-]`` and ``{+inserted+}`` (wdiff style)."""
    marks = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}
    out = []
    for kind, text in segments:
        before, after = marks.get(kind, ("", ""))
        out.append(f"{before}{text}{after}")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class LineChange:
    """One changed line (or a run of lines that do not pair up)."""

    old_number: int
    old: list[str]
    new: list[str]


def changed_lines(old_text: str, new_text: str, first_line: int = 1) -> list[LineChange]:
    """Lines that differ, paired one-to-one where the counts match; numbered from
    ``first_line``."""
    old_lines = old_text.splitlines()
    new_lines = new_text.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    changes: list[LineChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 - i1 == j2 - j1:
            changes.extend(
                LineChange(i1 + k + first_line, [old_lines[i1 + k]], [new_lines[j1 + k]])
                for k in range(i2 - i1)
            )
        else:
            changes.append(LineChange(i1 + first_line, old_lines[i1:i2], new_lines[j1:j2]))
    return changes


def unified_diff(path: str, old_text: str, new_text: str, first_line: int = 1) -> str:
    """A plain unified diff that ``patch -p1`` accepts (``a/`` and ``b/`` prefixes).

    With ``first_line`` (a chunk of a streamed file) hunks are numbered in the whole
    file, on both sides alike: exact as long as the repairs before it kept its lines.
    """
    diff = difflib.unified_diff(
        old_text.splitlines(keepends=True),
        new_text.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out = []
    for line in diff:
        if first_line != 1 and line.startswith("@@ "):
            line = _HUNK_RE.sub(lambda m: f"{m[1]}{int(m[2]) + first_line - 1}", line)
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def diff_header(path: str, applied: Iterable[Finding]) -> str:
    counts = count_by_rule(applied)
    detail = ", ".join(f"{rule} {count}" for rule, count in counts.most_common())
    total = sum(counts.values())
    return f"{path}: {total} fix{'es' if total != 1 else ''} ({detail})"


def cell_width(char: str) -> int:
    """Terminal cells a character takes: two for wide (CJK) characters."""
    import unicodedata

    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def wrap_segments(
    segments: Iterable[Segment], width: int, *, markers: bool = True
) -> list[list[Segment]]:
    """Fold one diff line into rows of at most ``width`` terminal cells.

    Wide characters count two cells; with ``markers`` (the plain rendering) each
    deleted or inserted piece also pays for its ``[- -]`` / ``{+ +}``. A short change
    (a deletion with its insertion) is moved whole to the next row rather than cut;
    a long one is cut and marked on both rows.
    """
    segments = list(segments)
    rows: list[list[Segment]] = [[]]
    used = 0

    def cost(kind: str, text: str) -> int:
        extra = 4 if markers and kind in ("delete", "insert") else 0
        return sum(cell_width(char) for char in text) + extra

    for number, (kind, text) in enumerate(segments):
        extra = 4 if markers and kind in ("delete", "insert") else 0
        if kind in ("delete", "insert") and used:
            unit = cost(kind, text)
            if kind == "delete" and number + 1 < len(segments):
                after = segments[number + 1]
                unit += cost(*after) if after[0] == "insert" else 0
            if used + unit > width and unit <= width // 3:
                rows.append([])
                used = 0
        piece = ""
        for char in text:
            need = cell_width(char) + (0 if piece else extra)
            if used and used + need > width:
                if piece:
                    rows[-1].append((kind, piece))
                    piece = ""
                rows.append([])
                used = 0
                need = cell_width(char) + extra
            piece += char
            used += need
        if piece:
            rows[-1].append((kind, piece))
    return rows


class Printer:
    """Writes report lines and diffs to a stream, in colour only when asked to."""

    STYLES: ClassVar[dict[str, str]] = {
        "delete": "bold red strike",
        "insert": "bold green",
        "elided": "dim",
        "header": "bold",
        "number": "cyan",
    }

    def __init__(self, stream: IO[str], *, color: bool, width: int | None = None) -> None:
        self.stream = stream
        self.color = color
        #: Terminal width: long diff lines are folded under their gutter (None: never).
        self.width = width
        self._console = None
        if color:
            from rich.console import Console

            self._console = Console(file=stream, highlight=False, soft_wrap=True)

    def line(self, text: str, style: str | None = None) -> None:
        if self._console is None:
            self.stream.write(text + "\n")
            return
        from rich.text import Text

        self._console.print(Text(text, style=self.STYLES.get(style or "", "")))

    def segments(self, prefix: str, segments: Sequence[Segment]) -> None:
        rows = [list(segments)]
        if self.width is not None:
            room = max(self.width - len(prefix), 20)
            rows = wrap_segments(segments, room, markers=self._console is None)
        gutter = " " * (len(prefix) - 2) + prefix[-2:] if prefix.endswith("│ ") else None
        for number, row in enumerate(rows):
            lead = prefix if number == 0 else gutter or " " * len(prefix)
            self._segment_row(lead, row)

    def _segment_row(self, prefix: str, segments: Sequence[Segment]) -> None:
        if self._console is None:
            self.stream.write(prefix + plain_segments(segments) + "\n")
            return
        from rich.text import Text

        rendered = Text()  # a style given to Text() would leak into the unchanged text
        rendered.append(prefix, style=self.STYLES["number"])
        for kind, text in segments:
            rendered.append(text, style=self.STYLES.get(kind, ""))
        self._console.print(rendered)

    def inline_diff(
        self,
        path: str,
        old_text: str,
        new_text: str,
        applied: Sequence[Finding],
        *,
        first_line: int = 1,
    ) -> None:
        """The readable diff: a header with counts by rule, then each changed line with
        the changed characters marked inside it and unchanged stretches elided."""
        self.line(diff_header(path, applied), "header")
        for change in changed_lines(old_text, new_text, first_line):
            if len(change.old) == len(change.new) == 1:
                prefix = f"{change.old_number:>5} │ "
                self.segments(prefix, inline_segments(change.old[0], change.new[0]))
                continue
            for offset, line in enumerate(change.old):
                self.segments(f"{change.old_number + offset:>5} - ", [("delete", line)])
            for line in change.new:
                self.segments("      + ", [("insert", line)])

    def unified(self, path: str, old_text: str, new_text: str, *, first_line: int = 1) -> None:
        self.stream.write(unified_diff(path, old_text, new_text, first_line))
