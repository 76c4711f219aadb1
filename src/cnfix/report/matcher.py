"""The diffs' matcher: which items (characters of a line, lines of a text) of a text
and its repair pair up, in one pass where ``difflib`` is quadratic."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable, Iterable, Sequence

#: How far past a difference the matcher looks for the two sides to agree again
#: (characters, or lines); a change longer than this is shown whole from there on.
RESYNC_LIMIT = 256

#: ``difflib`` style: (tag, i1, i2, j1, j2) with tag "equal", "replace", "delete", "insert".
Opcode = tuple[str, int, int, int, int]
#: What the matcher compares: the characters of a line, or the lines of a text.
Items = str | Sequence[str]


def _list_find(items: Sequence[str]) -> Callable[[str, int, int], int]:
    """``str.find`` for a list: the index of ``item`` in ``items[start:end]``, or -1.

    By a bisection in the positions of each distinct item: a changed line matches
    nothing, and the matcher looks for each of the lines after it in a window of the
    other side (``list.index`` compared every line of the window, each time)."""
    positions: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        positions.setdefault(item, []).append(index)

    def find(item: str, start: int, end: int) -> int:
        found = positions.get(item)
        if found is None:
            return -1
        at = bisect.bisect_left(found, start)
        return found[at] if at < len(found) and found[at] < end else -1

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


def line_opcodes(old_lines: list[str], new_lines: list[str]) -> Iterable[Opcode]:
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
    return long_line_opcodes(old_lines, new_lines)


def long_line_opcodes(old_lines: Sequence[str], new_lines: Sequence[str]) -> list[Opcode]:
    """How the lines of a long text pair up when a repair changed their number: by
    ``blank_anchored`` when only blank lines came or went, else by ``opcodes``."""
    return blank_anchored(old_lines, new_lines) or opcodes(old_lines, new_lines)


def blank_anchored(old_lines: Sequence[str], new_lines: Sequence[str]) -> list[Opcode] | None:
    """The pairing of a repair that removed or added only blank lines (``blank-lines``
    cuts runs of them: the usual reason a file's line count changes), or None when the
    two sides have not as many other lines. The other lines pair in order, the blank
    lines between two of them from the first on. Linear: ``opcodes`` searched a window
    for every changed line and, in a file whose lines repeat, found blank lines
    everywhere (11.7 s for 18,000 lines of the seeds repeated)."""
    old_kept = [number for number, line in enumerate(old_lines) if line and not line.isspace()]
    new_kept = [number for number, line in enumerate(new_lines) if line and not line.isspace()]
    if len(old_kept) != len(new_kept):
        return None
    ops: list[Opcode] = []

    def add(i1: int, i2: int, j1: int, j2: int) -> None:
        if i2 - i1 != j2 - j1:
            tag = "delete" if j1 == j2 else "insert" if i1 == i2 else "replace"
        else:
            tag = "equal" if old_lines[i1:i2] == new_lines[j1:j2] else "replace"
        if ops and ops[-1][0] == tag == "equal":
            ops[-1] = (tag, ops[-1][1], i2, ops[-1][3], j2)
        else:
            ops.append((tag, i1, i2, j1, j2))

    i = j = 0
    for old_at, new_at in zip(
        [*old_kept, len(old_lines)], [*new_kept, len(new_lines)], strict=True
    ):
        common = min(old_at - i, new_at - j)
        if common:
            add(i, i + common, j, j + common)
        if old_at - i > common or new_at - j > common:
            add(i + common, old_at, j + common, new_at)
        if old_at < len(old_lines):
            add(old_at, old_at + 1, new_at, new_at + 1)
        i, j = old_at + 1, new_at + 1
    return ops


def lines_of(text: str) -> list[str]:
    """The lines of ``text``, each with its line feed: split at ``\\n`` only, as ``patch``
    and the line numbers of ``scan`` count them (``str.splitlines`` also splits at form
    feeds, lone carriage returns and U+2028)."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])
