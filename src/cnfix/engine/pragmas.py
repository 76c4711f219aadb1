"""Inline pragmas: ``cnfix: ignore`` / ``cnfix: ignore[rule,...]`` anywhere on a line drops
the findings that start on that line (all rules, or the named ones, by name or code).
Plain text, so it works in any format (``<!-- cnfix: ignore -->`` in Markdown or HTML);
findings about the whole file (its encoding) are not tied to a line and stay.
"""

from __future__ import annotations

import bisect
import re

from cnfix.model import Finding

# --- inline pragmas -----------------------------------------------------------------

PRAGMA = "cnfix:"
PRAGMA_RE = re.compile(r"cnfix:[ \t]*ignore(?![\w-])(?:\[([^\]\n]*)\])?")

#: The last text asked about and the answer (one tuple: read and replaced whole).
_last_asked: tuple[str | None, bool] = (None, False)


def may_hold_pragma(text: str) -> bool:
    """Whether ``text`` holds the start of a pragma. A repair asks about one text again
    and again (each rule with findings, each bulk step, in each pass) and each search
    reads the whole text: the last answer is kept for the very same text object."""
    global _last_asked
    asked, answer = _last_asked
    if asked is not text:
        answer = PRAGMA in text
        _last_asked = (text, answer)
    return answer


def _line_bounds(text: str, position: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return start, len(text) if end == -1 else end


def pragma_lines(text: str) -> list[tuple[int, int, frozenset[str] | None]]:
    """``(line start, line end, rules)`` for each line with a pragma; rules None = all."""
    lines = []
    for match in PRAGMA_RE.finditer(text):
        start, end = _line_bounds(text, match.start())
        names = None
        if match.group(1) is not None:
            names = frozenset(
                name.strip().lower() for name in match.group(1).split(",") if name.strip()
            )
        lines.append((start, end, names))
    return lines


def drop_suppressed(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` without those that start on a line carrying a matching pragma.

    Findings about the whole file (a fix without edits, such as writing it as UTF-8)
    are kept: they belong to no line.
    """
    if not findings or not may_hold_pragma(text):
        return findings
    by_line: dict[tuple[int, int], frozenset[str] | None] = {}
    for start, end, names in pragma_lines(text):
        known = by_line.get((start, end), frozenset())
        by_line[start, end] = None if names is None or known is None else known | names
    if not by_line:
        return findings
    lines = sorted(by_line.items())
    starts = [start for (start, _), _ in lines]
    kept = []
    for finding in findings:
        index = bisect.bisect_right(starts, finding.start) - 1
        if index >= 0 and not (finding.fix is not None and not finding.fix.edits):
            (_, end), names = lines[index]
            on_line = finding.start <= end
            if on_line and (
                names is None or finding.rule in names or finding.code.lower() in names
            ):
                continue
        kept.append(finding)
    return kept
