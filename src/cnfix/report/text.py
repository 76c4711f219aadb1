"""Finding lines, JSON records and summaries: what ``scan`` prints."""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from cnfix.model import Finding

#: Findings of one rule on one line are folded into one output line from this many on.
GROUP_AT = 3
#: How many messages a folded line shows before "…".
GROUP_SHOWN = 3


class LineIndex:
    """Map character offsets to 1-based (line, column), columns counted in characters.

    ``first_line`` is the line number of the text's first line: a chunk of a streamed
    file (``cnfix.app.parallel``) is located in the whole file.
    """

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.first_line = first_line
        self.starts = [0]
        position = text.find("\n")
        while position != -1:
            self.starts.append(position + 1)
            position = text.find("\n", position + 1)

    def locate(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + self.first_line, offset - self.starts[line] + 1


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


def locate_all(text: str, findings: Iterable[Finding], first_line: int = 1) -> list[Located]:
    index = LineIndex(text, first_line)
    located = []
    for finding in findings:
        line, column = index.locate(finding.start)
        end_line, end_column = index.locate(finding.end)
        located.append(Located(finding, line, column, end_line, end_column))
    return located


def text_lines(
    path: str, text: str, findings: Sequence[Finding], *, first_line: int = 1
) -> list[str]:
    """One line per finding, ``path:line:col: CODE rule message``, in text order; when one
    rule has many findings on one source line they are folded into one output line, at
    the first of them, with their count and the first few messages."""
    groups: dict[tuple[int, str], list[Located]] = {}
    for item in locate_all(text, findings, first_line):
        groups.setdefault((item.line, item.finding.rule), []).append(item)
    entries: list[tuple[int, int, str]] = []
    for group in groups.values():
        first = group[0]
        head = f"{path}:{first.line}:{first.column}: {first.finding.code} {first.finding.rule}"
        if len(group) >= GROUP_AT:
            messages = list(dict.fromkeys(item.finding.message for item in group))
            shown = "; ".join(messages[:GROUP_SHOWN])
            more = " …" if len(messages) > GROUP_SHOWN else ""
            entries.append(
                (first.line, first.column, f"{head} {len(group)} on this line: {shown}{more}")
            )
            continue
        for item in group:
            entries.append(
                (
                    item.line,
                    item.column,
                    f"{path}:{item.line}:{item.column}: {item.finding.code} "
                    f"{item.finding.rule} {item.finding.message}",
                )
            )
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return [line for _, _, line in entries]


def json_records(
    path: str, text: str, findings: Sequence[Finding], *, first_line: int = 1
) -> list[dict[str, object]]:
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
        for item in locate_all(text, findings, first_line)
    ]


def write_json(records: object, stream: IO[str]) -> None:
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
