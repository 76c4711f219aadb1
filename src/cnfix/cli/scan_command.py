"""``cnfix scan``: report what is wrong; write nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from cnfix import __version__
from cnfix.app.tally import Tally, scan_exit_code
from cnfix.cli.options import Reporting, announce, common_options, reporting_options, run_options
from cnfix.cli.review import review_unit, start_review, write_review
from cnfix.cli.units import JsonlRun, file_units, find_files, with_progress
from cnfix.rules import RULES


@click.command()
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
    config, run = run_options(paths=paths, **options)
    records_run = None
    if jsonl or field_spec is not None:
        if output_format not in ("text", "json"):
            raise click.UsageError("--jsonl reports with --format text or json")
        records_run = JsonlRun(paths, field_spec, run, jobs=jobs)
        units, files = records_run.units(), None
    else:
        files = find_files(paths, config, include, exclude, reporting)
        units = with_progress(file_units(files, run, jobs), len(files), reporting)
    records: list[str] = []
    sarif = formats.SarifLog(RULES, __version__) if output_format == "sarif" else None
    tally = Tally()
    collector = start_review(reporting, "scan", "file" if files is not None else "record", run)
    for unit in units:
        if not announce(unit, reporting, f"{len(unit.findings)} finding(s)"):
            tally.errors += 1
            continue
        tally.add_findings(unit.findings)
        review_unit(collector, unit)
        if statistics or not unit.findings:
            continue
        at = unit.first_line
        if sarif is not None:
            sarif.add(unit.label, unit.text, unit.findings, first_line=at)
        elif output_format == "json":
            records += text.json_records(
                str(unit.path), unit.text, unit.findings, first_line=at, fields=unit.json_fields()
            )
        elif output_format == "github":
            for line in formats.github_lines(unit.label, unit.text, unit.findings, first_line=at):
                click.echo(line)
        else:
            for line in text.text_lines(unit.label, unit.text, unit.findings, first_line=at):
                click.echo(line)
    codes = {rule.name: rule.code for rule in RULES}
    counts, fixable = tally.counts, tally.fixable
    if sarif is not None:
        text.write_json(sarif.to_dict(), sys.stdout)
    elif output_format == "json":
        if statistics:
            text.write_json(formats.statistics_records(counts, codes, fixable), sys.stdout)
        else:
            text.write_json_records(records, sys.stdout)
    elif statistics:
        for line in text.summary_lines(counts, codes, fixable):
            click.echo(line)
    elif counts and output_format == "text" and not reporting.quiet:
        click.echo()
        for line in text.summary_lines(counts, codes, fixable):
            click.echo(line)
        if files is not None:
            unsafe = sum(fixable.values()) - tally.safe
            review = f", {unsafe} more with `--unsafe-fixes` (review them)" if unsafe else ""
            click.echo(
                f"Found {sum(counts.values())} finding(s) in {len(files)} file(s); "
                f"{tally.safe} fixable with `cnfix repair`{review}."
            )
    if records_run is not None:
        records_run.say_skipped(reporting)
    write_review(collector, reporting, records_run)
    sys.exit(scan_exit_code(tally, exit_zero=reporting.exit_zero))
