"""Everything a person or a machine reads: finding lines, JSON, summaries and diffs.

The only module that imports rich, and only when writing colour to a terminal.
File text is always handed to rich as ``Text`` (never parsed as markup).
"""

from __future__ import annotations

import bisect
import difflib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, ClassVar

from cnfix.model import Finding

#: Findings of one rule on one line are folded into one output line from this many on.
GROUP_AT = 3
#: How many messages a folded line shows before "…".
GROUP_SHOWN = 3
#: Unchanged characters kept on each side of a change in the inline diff.
DIFF_CONTEXT = 12


class LineIndex:
    """Map character offsets to 1-based (line, column), columns counted in characters."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        position = text.find("\n")
        while position != -1:
            self.starts.append(position + 1)
            position = text.find("\n", position + 1)

    def locate(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def format_location_line(text: str, finding: Finding, index: LineIndex | None = None) -> str:
    """``line:col: CODE rule message`` for one finding."""
    line, column = (index or LineIndex(text)).locate(finding.start)
    return f"{line}:{column}: {finding.code} {finding.rule} {finding.message}"


@dataclass(frozen=True, slots=True)
class Located:
    """A finding with its 1-based start and end positions."""

    finding: Finding
    line: int
    column: int
    end_line: int
    end_column: int


def locate_all(text: str, findings: Iterable[Finding]) -> list[Located]:
    index = LineIndex(text)
    located = []
    for finding in findings:
        line, column = index.locate(finding.start)
        end_line, end_column = index.locate(finding.end)
        located.append(Located(finding, line, column, end_line, end_column))
    return located


def text_lines(path: str, text: str, findings: Sequence[Finding]) -> list[str]:
    """One line per finding, ``path:line:col: CODE rule message``; many findings of one
    rule on one line are folded into one line with their count and the first few."""
    lines: list[str] = []
    located = locate_all(text, findings)
    position = 0
    while position < len(located):
        first = located[position]
        group = [first]
        while (
            position + len(group) < len(located)
            and located[position + len(group)].line == first.line
            and located[position + len(group)].finding.rule == first.finding.rule
        ):
            group.append(located[position + len(group)])
        head = f"{path}:{first.line}:{first.column}: {first.finding.code} {first.finding.rule}"
        if len(group) >= GROUP_AT:
            messages = list(dict.fromkeys(item.finding.message for item in group))
            shown = "; ".join(messages[:GROUP_SHOWN])
            more = " …" if len(messages) > GROUP_SHOWN else ""
            lines.append(f"{head} {len(group)} on this line: {shown}{more}")
            position += len(group)
        else:
            lines.append(f"{head} {first.finding.message}")
            position += 1
    return lines


def json_records(path: str, text: str, findings: Sequence[Finding]) -> list[dict[str, object]]:
    """Every finding as a JSON-ready dict with its exact span."""
    return [
        {
            "path": path,
            "line": item.line,
            "column": item.column,
            "end_line": item.end_line,
            "end_column": item.end_column,
            "rule": item.finding.rule,
            "code": item.finding.code,
            "message": item.finding.message,
            "fixable": item.finding.fixable,
            "fix": None
            if item.finding.fix is None
            else {
                "title": item.finding.fix.title,
                "applicability": item.finding.fix.applicability.value,
            },
        }
        for item in locate_all(text, findings)
    ]


def write_json(records: list[dict[str, object]], stream: IO[str]) -> None:
    json.dump(records, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def count_by_rule(findings: Iterable[Finding]) -> Counter[str]:
    return Counter(finding.rule for finding in findings)


def summary_lines(counts: Counter[str], codes: dict[str, str], fixable: Counter[str]) -> list[str]:
    """A small table: code, rule, count, how many are fixable."""
    if not counts:
        return []
    width = max(len(name) for name in counts)
    lines = [f"{'code':<5} {'rule':<{width}} {'count':>6} {'fixable':>8}"]
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"{codes[name]:<5} {name:<{width}} {count:>6} {fixable[name]:>8}")
    lines.append(f"{'':<5} {'total':<{width}} {sum(counts.values()):>6} {sum(fixable.values()):>8}")
    return lines


# --- diffs -------------------------------------------------------------------------

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


def changed_lines(old_text: str, new_text: str) -> list[LineChange]:
    """Lines that differ, paired one-to-one where the counts match."""
    old_lines = old_text.splitlines()
    new_lines = new_text.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 - i1 == j2 - j1:
            changes.extend(
                LineChange(i1 + k + 1, [old_lines[i1 + k]], [new_lines[j1 + k]])
                for k in range(i2 - i1)
            )
        else:
            changes.append(LineChange(i1 + 1, old_lines[i1:i2], new_lines[j1:j2]))
    return changes


def unified_diff(path: str, old_text: str, new_text: str) -> str:
    """A plain unified diff that ``patch -p1`` accepts (``a/`` and ``b/`` prefixes)."""
    diff = difflib.unified_diff(
        old_text.splitlines(keepends=True),
        new_text.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out = []
    for line in diff:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def diff_header(path: str, applied: Iterable[Finding]) -> str:
    counts = count_by_rule(applied)
    detail = ", ".join(f"{rule} {count}" for rule, count in counts.most_common())
    total = sum(counts.values())
    return f"{path}: {total} fix{'es' if total != 1 else ''} ({detail})"


class Printer:
    """Writes report lines and diffs to a stream, in colour only when asked to."""

    STYLES: ClassVar[dict[str, str]] = {
        "delete": "bold red strike",
        "insert": "bold green",
        "elided": "dim",
        "header": "bold",
        "number": "cyan",
    }

    def __init__(self, stream: IO[str], *, color: bool) -> None:
        self.stream = stream
        self.color = color
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
        if self._console is None:
            self.stream.write(prefix + plain_segments(segments) + "\n")
            return
        from rich.text import Text

        rendered = Text(prefix, style=self.STYLES["number"])
        for kind, text in segments:
            rendered.append(text, style=self.STYLES.get(kind, ""))
        self._console.print(rendered)

    def inline_diff(self, path: str, old_text: str, new_text: str, applied: Sequence[Finding]):
        """The readable diff: a header with counts by rule, then each changed line with
        the changed characters marked inside it and unchanged stretches elided."""
        self.line(diff_header(path, applied), "header")
        for change in changed_lines(old_text, new_text):
            if len(change.old) == len(change.new) == 1:
                prefix = f"{change.old_number:>5} │ "
                self.segments(prefix, inline_segments(change.old[0], change.new[0]))
                continue
            for offset, line in enumerate(change.old):
                self.segments(f"{change.old_number + offset:>5} - ", [("delete", line)])
            for line in change.new:
                self.segments("      + ", [("insert", line)])

    def unified(self, path: str, old_text: str, new_text: str) -> None:
        self.stream.write(unified_diff(path, old_text, new_text))
