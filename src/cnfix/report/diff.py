"""Diffs of what a repair changes: inline (coloured segments, folded to the terminal) and unified.

The only module that imports rich, and only when writing colour to a terminal.
File text is always handed to rich as ``Text`` (never parsed as markup).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, ClassVar

from cnfix.model import Finding
from cnfix.report.long_lines import INLINE_COMPARED, long_line_segments
from cnfix.report.text import count_by_rule, inert, printable

#: Unchanged characters kept on each side of a change in the inline diff.
DIFF_CONTEXT = 12
#: Changed lines the inline diff shows of one text (a file, or a chunk of a large one).
INLINE_DIFF_LINES = 1000

#: How far past a difference the matcher looks for the two sides to agree again
#: (characters, or lines); a change longer than this is shown whole from there on.
RESYNC_LIMIT = 256

#: A piece of an inline diff line: kind is "same", "delete", "insert" or "elided".
Segment = tuple[str, str]
#: ``difflib`` style: (tag, i1, i2, j1, j2) with tag "equal", "replace", "delete", "insert".
Opcode = tuple[str, int, int, int, int]
#: What the matcher compares: the characters of a line, or the lines of a text.
Items = str | Sequence[str]


def _list_find(items: Sequence[str]) -> Callable[[str, int, int], int]:
    """``str.find`` for a list: the index of ``item`` in ``items[start:end]``, or -1."""

    def find(item: str, start: int, end: int) -> int:
        try:
            return items.index(item, start, end)  # type: ignore[attr-defined, no-any-return]
        except ValueError:
            return -1

    return find


#: Files of at most this many lines (old and new) whose line count a repair changed
#: are paired by ``difflib``; longer ones by ``opcodes``.
DIFFLIB_LINES = 4000

#: A match after a difference is trusted when this many items agree from it on (or the
#: text ends); a shorter agreement pays for the difference that follows it.
TRUSTED_AGREEMENT = 3


def _resync(
    old: Items,
    i: int,
    new: Items,
    j: int,
    find: Callable[[str, int, int], int],
    *,
    trusted: int,
) -> tuple[int, int, int]:
    """Where the two sides agree again after a difference at ``old[i]`` / ``new[j]``:
    ``(x, y, cost)`` with ``old[i + x] == new[j + y]`` at the least cost, ties to the
    least ``x`` (``difflib`` too prefers the earlier match). The cost is ``x + y``, plus,
    for a match that agrees for fewer than ``trusted`` items, the cost of the
    differences after it up to a trusted agreement: so ``方(fāng)式`` → ``方式`` skips the
    whole reading rather than matching its ``f`` with a later ``f``. The ends of both
    when nothing agrees within ``RESYNC_LIMIT``."""
    n, m = len(old), len(new)
    best_x, best_y = n - i, m - j
    best_cost = best_x + best_y
    end_x = i + RESYNC_LIMIT if i + RESYNC_LIMIT < n else n
    for y in range(RESYNC_LIMIT if m - j > RESYNC_LIMIT else m - j):
        if y >= best_cost:
            break
        bound = i + best_cost - y + 1
        x = find(new[j + y], i, bound if bound < end_x else end_x) - i
        if x < 0:
            continue
        cost = x + y
        # A match is trusted when enough items agree from it on; else the differences
        # that follow it, up to a trusted agreement, add to its cost.
        at_old, at_new = i + x, j + y
        settled = False
        while not settled and cost < best_cost:
            agree = 1
            while (
                agree < trusted
                and at_old + agree < n
                and at_new + agree < m
                and old[at_old + agree] == new[at_new + agree]
            ):
                agree += 1
            at_old += agree
            at_new += agree
            if at_old == n or at_new == m:  # what is left of the other side is a change
                cost += n - at_old + m - at_new
                settled = True
                break
            if agree >= trusted:
                settled = True
                break
            step_x, step_y, step = _resync(old, at_old, new, at_new, find, trusted=1)
            cost += step
            at_old += step_x
            at_new += step_y
            settled = at_old == n and at_new == m
        if settled and (cost < best_cost or (cost == best_cost and x < best_x)):
            best_x, best_y, best_cost = x, y, cost
            # A later candidate would pair an item of old[i : i + cost] with one of
            # new[j + y + 1 : j + cost + 1]; when the two share none, this one stands.
            if set(old[i : i + cost]).isdisjoint(new[j + y + 1 : j + cost + 1]):
                break
    return best_x, best_y, best_cost


def opcodes(old: Items, new: Items, *, trusted: int = TRUSTED_AGREEMENT) -> list[Opcode]:
    """The changes between two strings (or lists of lines) as ``difflib`` opcodes, in
    one pass: a run of equal items, then the nearest point where the two sides agree
    again (``_resync``), and so on. Linear for the local changes that repairs make,
    where ``difflib``'s longest-match search is quadratic (on a long line, or on a file
    whose lines repeat); a change longer than ``RESYNC_LIMIT`` replaces the rest."""
    ops: list[Opcode] = []
    i = j = 0
    n, m = len(old), len(new)
    find = old.find if isinstance(old, str) else _list_find(old)
    while i < n and j < m:
        # The run of equal items: one by one for a few (the runs between repairs are
        # short), then by slices that double, then halve.
        most = n - i if n - i < m - j else m - j
        same = 0
        while same < most and old[i + same] == new[j + same]:
            same += 1
            if same == 8:
                step = 8
                while same < most:
                    step = min(step, most - same)
                    if old[i + same : i + same + step] == new[j + same : j + same + step]:
                        same += step
                        step += step
                    elif step == 1:
                        break
                    else:
                        step //= 2
                break
        if same:
            ops.append(("equal", i, i + same, j, j + same))
            i += same
            j += same
            if i == n or j == m:
                break
        x, y, _ = _resync(old, i, new, j, find, trusted=trusted)
        ops.append(("replace" if x and y else "delete" if x else "insert", i, i + x, j, j + y))
        i += x
        j += y
    if i < n or j < m:
        x, y = n - i, m - j
        ops.append(("replace" if x and y else "delete" if x else "insert", i, n, j, m))
    return ops


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


def _line_opcodes(old_lines: list[str], new_lines: list[str]) -> Iterable[Opcode]:
    """How the lines pair up. As many lines on both sides (no repair removed or added
    one: the usual case): line by line. Else ``difflib`` up to ``DIFFLIB_LINES`` lines
    (its pairing of a file whose blank lines were cut is the one shown so far), and
    ``opcodes`` beyond: ``difflib`` is quadratic on a long file whose lines repeat."""
    if len(old_lines) == len(new_lines):
        return (
            ("replace", number, number + 1, number, number + 1)
            for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=True))
            if old != new
        )
    if len(old_lines) + len(new_lines) <= DIFFLIB_LINES:
        return difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
    return opcodes(old_lines, new_lines)


def lines_of(text: str) -> list[str]:
    """The lines of ``text``, each with its line feed: split at ``\\n`` only, as ``patch``
    and the line numbers of ``scan`` count them (``str.splitlines`` also splits at form
    feeds, lone carriage returns and U+2028)."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


def changed_lines(old_text: str, new_text: str, first_line: int = 1) -> list[LineChange]:
    """Lines that differ, paired one-to-one where the counts match; numbered from
    ``first_line``."""
    old_lines = [line.rstrip("\n").removesuffix("\r") for line in lines_of(old_text)]
    new_lines = [line.rstrip("\n").removesuffix("\r") for line in lines_of(new_text)]
    changes: list[LineChange] = []
    for tag, i1, i2, j1, j2 in _line_opcodes(old_lines, new_lines):
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


def _all_line_opcodes(old_lines: list[str], new_lines: list[str]) -> list[Opcode]:
    """``_line_opcodes`` with the unchanged runs between the changes, and the changed
    lines that follow one another in one ``replace``, as ``difflib`` gives them."""
    ops: list[Opcode] = []
    i = j = 0
    for tag, i1, i2, j1, j2 in _line_opcodes(old_lines, new_lines):
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
    for group in _hunks(_all_line_opcodes(old_lines, new_lines), UNIFIED_CONTEXT):
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
