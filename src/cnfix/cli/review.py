"""``--report FILE``: every unit of a run (file, chunk, stdin or record) fed to the
bounded review collector, and the HTML page written at the end."""

from __future__ import annotations

import shlex
import sys
from typing import TYPE_CHECKING, Any

from cnfix import __version__, scan_text
from cnfix.app.runner import RunOptions
from cnfix.app.tally import EXIT_ERROR
from cnfix.cli.options import Reporting, error
from cnfix.model import Finding

if TYPE_CHECKING:
    from cnfix.cli.units import JsonlRun
    from cnfix.report.review import ReviewCollector


def start_review(
    reporting: Reporting, mode: str, noun: str, run: RunOptions
) -> ReviewCollector | None:
    """The review collector of this run, or None without ``--report``."""
    if reporting.report is None:
        return None
    from cnfix.report.review import ReviewCollector

    def locate(text: str, rule: str, kind: str) -> list[Finding]:
        return scan_text(text, select=[rule], settings=run.settings, kind=kind)

    return ReviewCollector(mode, noun, locate=locate)


def review_unit(review: ReviewCollector | None, unit: Any) -> None:
    """Add one unit that ran without error to the review."""
    if review is None:
        return
    review.add(
        str(unit.path),
        unit.where,
        unit.text,
        unit.findings,
        unit.repaired if unit.changed else None,
        unit.applied,
        first_line=unit.first_line,
        kind=unit.kind,
        new_unit=unit.first_line == 1,  # later chunks of a streamed file are the same file
    )


def write_review(
    review: ReviewCollector | None, reporting: Reporting, records: JsonlRun | None = None
) -> None:
    """Write the HTML review; exit 2 if it cannot be written."""
    if review is None or reporting.report is None:
        return
    from cnfix.report.html import render_html

    if records is not None:  # records with nothing to report never came as units
        review.review.units = records.states["checked"]
    page = render_html(
        review.review, command=shlex.join(["cnfix", *sys.argv[1:]]), version=__version__
    )
    try:
        reporting.report.write_text(page, encoding="utf-8")
    except OSError as problem:
        error(f"{reporting.report}: cannot write the report: {problem.strerror or problem}")
        sys.exit(EXIT_ERROR)
