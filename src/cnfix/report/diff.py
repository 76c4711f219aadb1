"""Diffs of what a repair changes: inline (coloured segments, folded to the terminal) and unified.

The only module that imports rich, and only when writing colour to a terminal.
File text is always handed to rich as ``Text`` (never parsed as markup).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, ClassVar

from cnfix.model import Finding
from cnfix.report.long_lines import INLINE_COMPARED, long_line_segments
from cnfix.report.matcher import Opcode, line_opcodes, lines_of, opcodes
from cnfix.report.text import count_by_rule, inert, printable

#: Unchanged characters kept on each side of a change in the inline diff.
DIFF_CONTEXT = 12
#: Changed lines the inline diff shows of one text (a file, or a chunk of a large one).
INLINE_DIFF_LINES = 1000

#: A piece of an inline diff line: kind is "same", "delete", "insert" or "elided".
Segment = tuple[str, str]


def inline_segments(old: str, new: str, context: int = DIFF_CONTEXT) -> list[Segment]:
    """Character-level diff of one line, with long unchanged stretches elided."""
    if max(len(old), len(new)) > INLINE_COMPARED:
        return long_line_segments(old, new, context, inline_segments)
    segments: list[Segment] = []
    append = segments.append
    changes = opcodes(old, new)
    last = len(changes) - 1
    for number, (tag, i1, i2, j1, j2) in enumerate(changes):
        if tag != "equal":
            if i2 > i1:
                append(("delete", old[i1:i2]))
            if j2 > j1:
                append(("insert", new[j1:j2]))
            continue
        keep_left = context if number else 0
        keep_right = context if number < last else 0
        if i2 - i1 <= keep_left + keep_right + 1:
            append(("same", old[i1:i2]))
            continue
        if keep_left:
            append(("same", old[i1 : i1 + keep_left]))
        append(("elided", "…"))
        if keep_right:
            append(("same", old[i2 - keep_right : i2]))
    return segments


def plain_segments(segments: Iterable[Segment]) -> str:
    """Segments without colour: ``[-deleted-]`` and ``{+inserted+}`` (wdiff style)."""
    marks = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}
    out = []
    for kind, text in segments:
        before, after = marks.get(kind, ("", ""))
        out.append(f"{before}{printable(text)}{after}")
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
    old_lines = [line.rstrip("\n").removesuffix("\r") for line in lines_of(old_text)]
    new_lines = [line.rstrip("\n").removesuffix("\r") for line in lines_of(new_text)]
    changes: list[LineChange] = []
    for tag, i1, i2, j1, j2 in line_opcodes(old_lines, new_lines):
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


#: Unchanged lines around each hunk of a unified diff (``diff -u``'s default).
UNIFIED_CONTEXT = 3


def _allline_opcodes(old_lines: list[str], new_lines: list[str]) -> list[Opcode]:
    """``line_opcodes`` with the unchanged runs between the changes, and the changed
    lines that follow one another in one ``replace``, as ``difflib`` gives them."""
    ops: list[Opcode] = []
    i = j = 0
    for tag, i1, i2, j1, j2 in line_opcodes(old_lines, new_lines):
        if tag == "equal":
            continue
        if i1 > i or j1 > j:
            ops.append(("equal", i, i1, j, j1))
        elif ops and ops[-1][0] != "equal":
            _, start_old, _, start_new, _ = ops.pop()
            i1, j1 = start_old, start_new
        tag = "replace" if i2 > i1 and j2 > j1 else "delete" if i2 > i1 else "insert"
        ops.append((tag, i1, i2, j1, j2))
        i, j = i2, j2
    if i < len(old_lines) or j < len(new_lines):
        ops.append(("equal", i, len(old_lines), j, len(new_lines)))
    return ops


def _hunks(ops: list[Opcode], context: int) -> Iterable[list[Opcode]]:
    """The changes in groups with ``context`` unchanged lines around each, the groups
    that ``difflib.SequenceMatcher.get_grouped_opcodes`` makes."""
    group: list[Opcode] = []
    for number, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            if number == 0:
                i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
            if number == len(ops) - 1:
                i2, j2 = min(i2, i1 + context), min(j2, j1 + context)
            elif i2 - i1 > 2 * context and group:
                group.append((tag, i1, i1 + context, j1, j1 + context))
                yield group
                group = []
                i1, j1 = i2 - context, j2 - context
        group.append((tag, i1, i2, j1, j2))
    if any(op[0] != "equal" for op in group):
        yield group


def _unified_range(start: int, stop: int) -> str:
    """A hunk header's range: ``start,length``, one-based, as ``diff -u`` writes it."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def unified_diff(path: str, old_text: str, new_text: str, first_line: int = 1) -> str:
    """A plain unified diff that ``patch -p1`` accepts (``a/`` and ``b/`` prefixes).

    The lines pair up as in the inline diff (one by one when a repair kept their number,
    the linear matcher for a long file whose number changed): ``difflib`` is quadratic on
    a long file whose lines repeat. With ``first_line`` (a chunk of a streamed file)
    hunks are numbered in the whole file, on both sides alike: exact as long as the
    repairs before it kept its lines.
    """
    old_lines, new_lines = lines_of(old_text), lines_of(new_text)
    out: list[str] = []
    shift = first_line - 1
    for group in _hunks(_allline_opcodes(old_lines, new_lines), UNIFIED_CONTEXT):
        if not out:
            out.append(f"--- a/{path}\n+++ b/{path}\n")
        old_range = _unified_range(group[0][1] + shift, group[-1][2] + shift)
        new_range = _unified_range(group[0][3] + shift, group[-1][4] + shift)
        out.append(f"@@ -{old_range} +{new_range} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                runs: tuple[tuple[str, list[str]], ...] = ((" ", old_lines[i1:i2]),)
            else:
                runs = (("-", old_lines[i1:i2]), ("+", new_lines[j1:j2]))
            for mark, run in runs:
                for line in run:
                    out.append(mark + line)
                    if not line.endswith("\n"):
                        out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def diff_header(path: str, applied: Iterable[Finding]) -> str:
    counts = count_by_rule(applied)
    detail = ", ".join(f"{rule} {count}" for rule, count in counts.most_common())
    total = sum(counts.values())
    return f"{path}: {total} fix{'es' if total != 1 else ''} ({detail})"


@functools.cache
def cell_width(char: str) -> int:
    """Terminal cells a character takes: two for wide (CJK) characters."""
    import unicodedata

    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def text_width(text: str) -> int:
    """Terminal cells a string takes."""
    return sum(map(cell_width, text))


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

    for number, (kind, text) in enumerate(segments):
        extra = 4 if markers and kind in ("delete", "insert") else 0
        cells = text_width(text) + extra
        if kind in ("delete", "insert") and used:
            unit = cells
            if kind == "delete" and number + 1 < len(segments):
                after_kind, after = segments[number + 1]
                unit += text_width(after) + extra if after_kind == "insert" else 0
            if used + unit > width and unit <= width // 3:
                rows.append([])
                used = 0
        if used + cells <= width:  # the whole piece fits on this row
            rows[-1].append((kind, text))
            used += cells
            continue
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
        #: Printing to a terminal (in colour, or folded to its width).
        self.terminal = color or width is not None
        #: Terminal width: long diff lines are folded under their gutter (None: never).
        self.width = width
        self._console = None
        if color:
            from rich.console import Console

            self._console = Console(file=stream, highlight=False, soft_wrap=True)

    def line(self, text: str, style: str | None = None) -> None:
        text = printable(text)
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
            rendered.append(printable(text), style=self.STYLES.get(kind, ""))
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
        the changed characters marked inside it and unchanged stretches elided; past
        ``INLINE_DIFF_LINES`` changed lines, one line that says how many more there are
        (no one reads megabytes of diff on a terminal, and marking them costs time)."""
        self.line(diff_header(path, applied), "header")
        changes = changed_lines(old_text, new_text, first_line)
        for change in changes[:INLINE_DIFF_LINES]:
            if len(change.old) == len(change.new) == 1:
                prefix = f"{change.old_number:>5} │ "
                self.segments(prefix, inline_segments(change.old[0], change.new[0]))
                continue
            for offset, line in enumerate(change.old):
                self.segments(f"{change.old_number + offset:>5} - ", [("delete", line)])
            for line in change.new:
                self.segments("      + ", [("insert", line)])
        if len(changes) > INLINE_DIFF_LINES:
            more = len(changes) - INLINE_DIFF_LINES
            self.line(
                f"      … {more} more changed line(s); --diff unified shows every one", "elided"
            )

    def unified(self, path: str, old_text: str, new_text: str, *, first_line: int = 1) -> None:
        """The unified diff, with escape sequences and BiDi controls escaped (``inert``:
        what ``patch`` needs is kept); on a terminal, every control character."""
        diff = unified_diff(path, old_text, new_text, first_line)
        if self.terminal:
            diff = "".join(printable(line[:-1]) + "\n" for line in lines_of(diff))
        self.stream.write(inert(diff))
