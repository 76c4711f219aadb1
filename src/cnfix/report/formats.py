"""Machine formats: GitHub workflow commands, SARIF 2.1.0, statistics, the rules table."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence

from cnfix.model import Finding, Rule
from cnfix.report.text import LineIndex, locate_all, printable

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
        # Escaped for a terminal too: a control character in a file name must neither
        # act there nor be dropped by the output layer (the name would be another's).
        lines.append(printable(f"::error {spelled}::{_github_data(item.finding.message)}"))
    return lines


#: Annotations made per file: GitHub shows only ten errors per step, so more would be
#: dropped unseen; the rest are listed in the log.
GITHUB_ANNOTATIONS_PER_FILE = 10


def github_group(
    path: str,
    text: str,
    findings: Sequence[Finding],
    *,
    first_line: int = 1,
    annotate: int = GITHUB_ANNOTATIONS_PER_FILE,
) -> list[str]:
    """A file's findings as one collapsible group of the log (``::group::``): the first
    ``annotate`` as ``::error`` annotations, the rest as ``path:line:col`` lines in the
    log with a count of them, since GitHub drops annotations beyond its cap."""
    from cnfix.report.text import plural, text_lines

    ordered = sorted(findings, key=lambda finding: finding.start)
    shown, rest = ordered[:annotate], ordered[annotate:]
    lines = [f"::group::{_github_data(path)}: {plural(len(findings), 'finding')}"]
    lines += github_lines(path, text, shown, first_line=first_line)
    if rest:
        lines.append(f"{len(rest)} more in {path}, not annotated (GitHub shows ten per step):")
        lines += text_lines(path, text, rest, first_line=first_line)
    lines.append("::endgroup::")
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
