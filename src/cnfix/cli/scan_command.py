"""``cnfix scan``: report what is wrong; write nothing."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import click

from cnfix import __version__
from cnfix.app.tally import Tally, scan_exit_code
from cnfix.cli.options import (
    Command,
    Reporting,
    announce,
    common_options,
    reporting_options,
    run_options,
)
from cnfix.cli.review import review_unit, start_review, write_review
from cnfix.cli.units import JsonlRun, Screen, file_units, find_files, long_run
from cnfix.rules import RULES


@click.command(cls=Command)
@common_options
@reporting_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
    help="Output format: text, json, github (workflow annotations) or sarif (SARIF 2.1.0).",
)
@click.option("--statistics", is_flag=True, help="Print counts per rule instead of each finding.")
def scan(
    paths: tuple[Path, ...],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    output_format: str,
    statistics: bool,
    reporting: Reporting,
    jobs: int,
    jsonl: bool,
    field_spec: str | None,
    **options: Any,
) -> None:
    """Report problems in PATHS (files, folders, or - for stdin); write nothing.

    Exit status: 0 no findings, 1 findings, 2 an error (the other files are still scanned).
    """
    from cnfix.report import formats, text

    if statistics and output_format == "sarif":
        raise click.UsageError("--statistics works with --format text, json or github")
    configured = run_options(paths=paths, **options)
    records_run = None
    if jsonl or field_spec is not None:
        if output_format not in ("text", "json"):
            raise click.UsageError("--jsonl reports with --format text or json")
        records_run = JsonlRun(paths, field_spec, configured.base, jobs=jobs)
        screen = Screen(sys.stdout, reporting, long_run=True)
        units = records_run.units(screen)
    else:
        files = find_files(paths, configured.config, include, exclude, reporting)
        screen = Screen(sys.stdout, reporting, long_run=long_run(files))
        units = screen.files(file_units(files, configured, jobs), len(files))
    # Findings go out file by file (a run with millions of them keeps none in memory).
    records = text.JsonArrayWriter(sys.stdout)
    sarif = formats.SarifLog(RULES, __version__) if output_format == "sarif" else None
    tally = Tally()
    annotated: Counter[Hashable] = Counter()
    collector = start_review(
        reporting, "scan", "file" if records_run is None else "record", configured.base
    )
    for unit in units:
        if not announce(unit, reporting, f"{len(unit.findings)} finding(s)"):
            tally.errors += 1
            continue
        tally.add_findings(unit.key, unit.findings)
        review_unit(collector, unit)
        if statistics or not unit.findings:
            continue
        at = unit.first_line
        if sarif is not None:
            sarif.add(unit.label, unit.text, unit.findings, first_line=at)
        elif output_format == "json":
            records.extend(
                text.json_records(
                    str(unit.path),
                    unit.text,
                    unit.findings,
                    first_line=at,
                    fields=unit.json_fields(),
                )
            )
        elif output_format == "github":
            # A file streamed in chunks has one cap over all its chunks.
            annotate = max(formats.GITHUB_ANNOTATIONS_PER_FILE - annotated[unit.key], 0)
            annotated[unit.key] += len(unit.findings)
            for line in formats.github_group(
                unit.label, unit.text, unit.findings, first_line=at, annotate=annotate
            ):
                click.echo(line, file=screen.out)
        else:
            for line in text.text_lines(unit.label, unit.text, unit.findings, first_line=at):
                click.echo(line, file=screen.out)
    codes = {rule.name: rule.code for rule in RULES}
    counts, fixable = tally.counts, tally.fixable
    if sarif is not None:
        text.write_json(sarif.to_dict(), sys.stdout)
    elif output_format == "json":
        if statistics:
            text.write_json(formats.statistics_records(counts, codes, fixable), sys.stdout)
        else:
            records.close()
    elif statistics:
        for line in text.summary_lines(counts, codes, fixable, tally.safe):
            click.echo(line)
    elif output_format == "text" and (counts or not reporting.quiet):
        if counts and not reporting.quiet:
            click.echo()
            for line in text.summary_lines(counts, codes, fixable, tally.safe):
                click.echo(line)
        click.echo(
            text.summary_line(
                tally.kinds,
                noun="file" if records_run is None else "record",
                checked=len(tally.checked) if records_run is None else records_run.checked,
                with_findings=len(tally.with_findings),
            )
        )
    if records_run is not None:
        records_run.say_skipped(reporting)
    write_review(collector, reporting, records_run)
    sys.exit(scan_exit_code(tally, exit_zero=reporting.exit_zero))
