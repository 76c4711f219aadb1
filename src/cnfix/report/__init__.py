"""Everything a person or a machine reads: finding lines, JSON, summaries and diffs.

The only module that imports rich, and only when writing colour to a terminal.
File text is always handed to rich as ``Text`` (never parsed as markup).
"""

from __future__ import annotations

import bisect
import difflib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, ClassVar, TypeVar

from cnfix.model import Finding, Rule

#: Findings of one rule on one line are folded into one output line from this many on.
GROUP_AT = 3
#: How many messages a folded line shows before "…".
GROUP_SHOWN = 3
#: Unchanged characters kept on each side of a change in the inline diff.
DIFF_CONTEXT = 12
#: The line numbers of a unified diff's hunk header (``@@ -12,3 +12,3 @@``).
_HUNK_RE = re.compile(r"([-+])(\d+)")


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


# --- machine formats: GitHub workflow commands, SARIF, statistics ---------------------


def _github_data(value: str) -> str:
    """Escape a workflow command's message (``%``, CR and LF)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(value: str) -> str:
    """Escape a workflow command's property value (also ``:`` and ``,``)."""
    return _github_data(value).replace(":", "%3A").replace(",", "%2C")


def github_lines(
    path: str, text: str, findings: Sequence[Finding], *, first_line: int = 1
) -> list[str]:
    """One GitHub Actions ``::error`` workflow command per finding (an annotation).

    ``::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::message``; columns
    count characters from 1 and the end column is exclusive, as in the text format.
    """
    lines = []
    for item in locate_all(text, findings, first_line):
        properties = {
            "file": path,
            "line": item.line,
            "col": item.column,
            "endLine": item.end_line,
            "endColumn": item.end_column,
            "title": f"{item.finding.code} {item.finding.rule}",
        }
        spelled = ",".join(
            f"{key}={_github_property(str(value))}" for key, value in properties.items()
        )
        lines.append(f"::error {spelled}::{_github_data(item.finding.message)}")
    return lines


SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def _sarif_uri(path: str) -> str:
    from pathlib import PurePath
    from urllib.parse import quote

    pure = PurePath(path)
    # A file name that is not UTF-8 holds lone surrogates: percent-encode its raw bytes.
    raw = os.fsencode(pure.as_posix())
    if pure.is_absolute():
        from pathlib import Path

        try:
            return Path(path).as_uri()
        except UnicodeEncodeError:
            return "file://" + quote(raw)
    return quote(raw)


def _sarif_region(index: LineIndex, start: int, end: int) -> dict[str, int]:
    line, column = index.locate(start)
    end_line, end_column = index.locate(end)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


class SarifLog:
    """Collects results file by file; ``to_dict()`` is a SARIF 2.1.0 log with one run.

    Every registered rule is listed in ``tool.driver.rules`` (whether or not it fired),
    results point at them by ``ruleId`` (the code) and ``ruleIndex``. Columns count
    Unicode code points (``columnKind``), the way cnfix counts them everywhere. Fixes
    with edits become SARIF ``fixes``.
    """

    def __init__(self, rules: Sequence[Rule], version: str) -> None:
        self.rules = tuple(rules)
        self.version = version
        self.index = {rule.name: number for number, rule in enumerate(self.rules)}
        self.results: list[dict[str, object]] = []

    def add(
        self, path: str, text: str, findings: Sequence[Finding], *, first_line: int = 1
    ) -> None:
        index = LineIndex(text, first_line)
        uri = _sarif_uri(path)
        for finding in findings:
            result: dict[str, object] = {
                "ruleId": finding.code,
                "level": "error",
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": _sarif_region(index, finding.start, finding.end),
                        }
                    }
                ],
            }
            if finding.rule in self.index:
                result["ruleIndex"] = self.index[finding.rule]
            fix = finding.fix
            if fix is not None and fix.edits and finding.fixable:
                replacements = [
                    {
                        "deletedRegion": _sarif_region(index, edit.start, edit.end),
                        "insertedContent": {"text": edit.replacement},
                    }
                    for edit in fix.edits
                ]
                result["fixes"] = [
                    {
                        "description": {"text": fix.title},
                        "artifactChanges": [
                            {"artifactLocation": {"uri": uri}, "replacements": replacements}
                        ],
                    }
                ]
            self.results.append(result)

    def to_dict(self) -> dict[str, object]:
        driver = {
            "name": "cnfix",
            "version": self.version,
            "rules": [
                {
                    "id": rule.code,
                    "name": rule.name,
                    "shortDescription": {"text": rule.summary},
                    "fullDescription": {"text": rule.doc},
                    "help": {"text": rule.doc},
                    "defaultConfiguration": {"level": "error"},
                    "properties": {"fixSafety": rule.fix_safety},
                }
                for rule in self.rules
            ],
        }
        run = {
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "results": self.results,
        }
        return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def statistics_records(
    counts: Counter[str], codes: dict[str, str], fixable: Counter[str]
) -> list[dict[str, object]]:
    """``--statistics --format json``: one record per rule that fired, most frequent first."""
    return [
        {"code": codes[name], "name": name, "count": count, "fixable": fixable[name]}
        for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def rules_markdown(rules: Sequence[Rule]) -> str:
    """The README's rule table: code, name, fix safety, summary (from the registry).

    Summaries quote the damage they describe (``,,``, ``浣犲ソ``); each row carries an
    invisible ``<!-- cnfix: ignore -->`` so cnfix does not report its own docs.
    """
    lines = ["| Code | Name | Fix | What it finds |", "| --- | --- | --- | --- |"]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|")
        lines.append(
            f"| {rule.code} | `{rule.name}` | {rule.fix_safety} | {summary} "
            "<!-- cnfix: ignore --> |"
        )
    return "\n".join(lines) + "\n"


# --- progress -----------------------------------------------------------------------

#: A progress bar is drawn (on a terminal) only from this many files on.
PROGRESS_AT = 200

T = TypeVar("T")


def with_progress(items: Iterable[T], total: int, stream: IO[str]) -> Iterator[T]:
    """Yield ``items`` while drawing a transient progress bar on ``stream``.

    The caller decides when (a terminal, enough files, not ``--quiet``); the bar is
    removed when done, so only the report stays on screen.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(file=stream)
    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("files", total=total)
        for item in items:
            yield item
            progress.advance(task)
