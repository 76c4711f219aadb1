"""``cnfix repair``: show, and with ``--in-place`` or ``-o``, write the repairs."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import IO, Any

import click
from click.core import ParameterSource

from cnfix.app.runner import common_root, output_root_problem, process_file, repair_stdin
from cnfix.app.tally import (
    EXIT_ERROR,
    FIXED,
    WOULD_FIX,
    Tally,
    kind_of,
    repair_exit_code,
)
from cnfix.cli.options import (
    Command,
    Reporting,
    announce,
    common_options,
    error,
    notice,
    reporting_options,
    run_options,
)
from cnfix.cli.review import review_unit, start_review, write_review
from cnfix.cli.units import (
    STDIN,
    Found,
    JsonlRun,
    Screen,
    file_units,
    find_files,
    long_run,
    worker_count,
)
from cnfix.model import Finding


def _color(stream: Any) -> bool:
    return bool(stream.isatty()) and "NO_COLOR" not in os.environ


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


@click.command(cls=Command)
@common_options
@click.option("--in-place", "-w", "in_place", is_flag=True, help="Write the repaired files.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write repaired copies into this folder, mirroring the input tree "
    "(with --jsonl: into this file, or - for stdout).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file would change.")
@click.option(
    "--diff",
    "diff_style",
    type=click.Choice(["inline", "unified", "none"]),
    default="inline",
    show_default=True,
    help="How to show what changes.",
)
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe.")
@click.option(
    "-i",
    "--interactive",
    is_flag=True,
    help="Show each file's diff and ask before writing it (in place, or into -o).",
)
@click.option(
    "--exit-non-zero-on-fix",
    is_flag=True,
    help="Exit 1 when a file was written, even if nothing is left to fix.",
)
@reporting_options
def repair(
    paths: tuple[Path, ...],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    in_place: bool,
    output: Path | None,
    check: bool,
    diff_style: str,
    unsafe_fixes: bool,
    interactive: bool,
    exit_non_zero_on_fix: bool,
    reporting: Reporting,
    jobs: int,
    jsonl: bool,
    field_spec: str | None,
    **options: Any,
) -> None:
    """Show (and with --in-place or -o, write) the repairs for PATHS.

    `cnfix repair -` reads stdin and writes the repaired text to stdout.
    Exit status: 0 nothing left to fix, 1 changes not written or findings left that
    could not be fixed, 2 an error.
    """
    from cnfix.report import diff

    jsonl = jsonl or field_spec is not None
    if in_place and output is not None:
        raise click.UsageError("--in-place and -o are exclusive")
    if not jsonl and output is not None and output.is_file():
        raise click.UsageError(f"-o names a folder to write into; {output} is a file")
    if check and (in_place or output is not None):
        raise click.UsageError("--check writes nothing; drop --in-place / -o")
    if interactive and (check or paths == (STDIN,)):
        raise click.UsageError("--interactive cannot be combined with --check or stdin input")
    if interactive and jsonl:
        raise click.UsageError("--interactive does not work with --jsonl")
    if interactive and not _stdin_is_terminal():
        if not (in_place or output is not None):
            raise click.UsageError(
                "--interactive asks on a terminal, and stdin is not one; add --in-place "
                "or -o DIR to write every repair without asking"
            )
        if not reporting.quiet:
            notice("stdin is not a terminal: not asking, writing every repair")
        interactive = False
    configured = run_options(repair=True, paths=paths, unsafe_fixes=unsafe_fixes, **options)
    configured = configured.replace(
        write=in_place or output is not None,
        output_root=output,
        input_root=common_root(paths or (Path("."),)),
    )
    if output is not None and not jsonl:
        problem = output_root_problem(output, paths or (Path("."),))
        if problem is not None:
            raise click.UsageError(problem)
    codes: dict[str, Any] = {
        "check": check,
        "exit_zero": reporting.exit_zero,
        "exit_non_zero_on_fix": exit_non_zero_on_fix,
    }
    run = configured.base
    tally = Tally(repair=True, unsafe_fixes=run.unsafe_fixes)
    if paths == (STDIN,) and not jsonl:
        # Bytes out, UTF-8 or the input's own: never the locale's encoding with escapes.
        # Its fixes are only counted unless a review is written: built only if read.
        counting = replace(run, defer_applied=reporting.report is None)
        outcome, data = repair_stdin(sys.stdin.buffer.read(), counting)
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        if outcome.error:
            error(f"{run.stdin_name or '-'}: {outcome.error}")
            sys.exit(EXIT_ERROR)
        if outcome.notice and not reporting.quiet:
            notice(f"-: {outcome.notice}")
        tally.remaining = len(outcome.findings)
        if outcome.changed:
            tally.written.add(outcome.key)
        report = Report(sys.stderr, tally, reporting, noun="file")
        report.unit(outcome, FIXED)
        report.summary(writes=True)
        collector = start_review(reporting, "repair", "file", run)
        review_unit(collector, outcome)
        write_review(collector, reporting)
        sys.exit(repair_exit_code(tally, writes=True, **codes))
    writes = run.write or interactive
    # Interactive: repair without writing, ask, then write the approved files.
    approved = configured.replace(write=True)
    if interactive:
        configured = configured.replace(write=False)
        run = configured.base
        diff_style = "inline" if diff_style == "none" else diff_style
    # Repaired text on stdout (-o - with --jsonl): the report goes to stderr.
    stream = sys.stderr if output == STDIN else sys.stdout
    ctx = click.get_current_context()
    diff_asked = ctx.get_parameter_source("diff_style") is not ParameterSource.DEFAULT
    records_run = None
    if jsonl:
        files: list[Path] | Found = []
        noun = "record"
    else:
        files = find_files(paths, configured.config, include, exclude, reporting)
        noun = "file"
    # Writing many files or records, diffs are left out unless asked for (--diff, -v):
    # the changes are counted in the summary. Files found one by one (their number
    # unknown): the first few diffs are shown.
    show = interactive or not (reporting.quiet or diff_style == "none")
    diffs_left = float("inf")
    if writes and not (interactive or diff_asked or reporting.verbose):
        if jsonl or long_run(files):
            diffs_left = 0
        elif not isinstance(files, list):
            diffs_left = DIFFS_BEFORE_SUMMARY
    counted = not (interactive or check or reporting.report) and (not show or diffs_left == 0)
    if counted:
        # No diff, no review: the fixes are only counted, the lines of the findings left
        # made where the unit is done (workers send counts and lines).
        lines = partial(left_lines, unsafe_fixes=tally.unsafe_fixes, asked=tally.asked)
        configured = configured.replace(brief=True, left_lines=lines)
        run = configured.base
    if jsonl:
        # Counted only, a record's safe fixes are built only if read (here or in a
        # worker); with --unsafe-fixes the engine builds every fix anyway.
        records = replace(run, defer_applied=counted and not run.unsafe_fixes)
        records_run = JsonlRun(paths, field_spec, records, jobs=jobs, output=output)
    screen = Screen(stream, reporting, long_run=(jsonl or long_run(files)) and not interactive)
    if records_run is not None:
        units = records_run.units(screen)
    else:
        workers = 1 if interactive else worker_count(jobs)
        if counted:
            # No diff, no review: the fixes are only counted (the summary), their findings
            # built only if a unit needs them (a copy that could not be written); a
            # worker sends their counts from the columns (``packing.brief``).
            configured = configured.replace(defer_applied=True)
        units = screen.files(file_units(files, configured, workers), len(files))
    report = Report(screen.out, tally, reporting, noun=noun)
    width = height = None
    if stream.isatty():
        import shutil  # only for a terminal: shutil brings zlib, bz2 and lzma (~5 ms)

        width, height = shutil.get_terminal_size()
    printer = diff.Printer(screen.out, color=_color(stream), width=width)
    if interactive:
        from cnfix.cli.interactive import Asker, show_paged

        asker = Asker(printer)
        approved = approved.replace(accept=asker)
        tally.asked = True
    collector = start_review(reporting, "repair", noun, run)
    for unit in units:
        state = f"{len(unit.applied)} fix(es)" if unit.changed else "nothing to fix"
        if not announce(unit, reporting, f"{state}, {len(unit.findings)} finding(s) left"):
            tally.errors += 1
            tally.written.discard(unit.key)  # a large file's rewrite failed at the end
            continue
        tally.remaining += len(unit.findings)
        review_unit(collector, unit)
        if not unit.changed:
            report.unit(unit, FIXED)
            continue
        tally.changed.add(unit.key)
        if show and diffs_left > 0 and interactive:
            show_paged(partial(_draw_diff, unit=unit, style=diff_style), printer, height)
        elif show and diffs_left > 0:
            _draw_diff(printer, unit, diff_style)
        elif check:
            report.would_change(unit)
        elif show:
            report.diffs_not_shown += 1
        diffs_left -= 1
        if interactive:
            asker.start(unit.label)
            left_before = len(unit.findings)
            unit = process_file(unit.path, approved(unit.path))
            if unit.error:
                tally.errors += 1
                error(f"{unit.path}: {unit.error}")
                continue
            tally.remaining += len(unit.findings) - left_before  # the fixes skipped
            if unit.notice:
                notice(f"{unit.path}: {unit.notice}")
        if unit.written:
            tally.written.add(unit.key)
            report.unit(unit, FIXED)
        elif writes:
            tally.remaining += 1  # repairs that could not be written are still to do
            report.unit(unit, DECLINED)
        else:
            report.unit(unit, WOULD_FIX)
        if interactive and asker.quit:
            break
    if records_run is not None:
        records_run.say_skipped(reporting)
        report.summary(writes=writes, checked=records_run.checked)
    else:
        report.summary(writes=writes)
    write_review(collector, reporting, records_run)
    sys.exit(repair_exit_code(tally, writes=writes, **codes))


#: Writing files found one by one (their number unknown), this many diffs are shown
#: and the rest only counted, unless asked for.
DIFFS_BEFORE_SUMMARY = 20
#: What became of the fixes a repair applied to a unit's text that were not written.
DECLINED = "declined"


class Report:
    """What ``repair`` says besides its diffs: every finding it left, with the reason;
    with ``--check``, each unit that would change; and one summary line at the end
    (also with ``--quiet`` when there was anything to say)."""

    def __init__(self, stream: IO[str], tally: Tally, reporting: Reporting, noun: str) -> None:
        self.stream, self.tally, self.reporting, self.noun = stream, tally, reporting, noun
        self.diffs_not_shown = 0

    def _print(self, line: str) -> None:
        self.stream.write(line + "\n")

    def unit(self, unit: Any, fixes: str) -> None:
        """Count a unit whose applied fixes were FIXED (written), WOULD_FIX or DECLINED,
        and print the findings left in it."""
        from cnfix.report.text import printable

        tally = self.tally
        if unit.changed and fixes == DECLINED:
            tally.add_findings(unit.key, unit.applied, after_repair=False)
        elif unit.changed:
            tally.add_fixed(unit.key, len(unit.applied), written=fixes == FIXED)
        tally.add_findings(unit.key, unit.findings)
        if not unit.findings:
            return

        printed = unit.printed  # made by the worker (RunOptions.left_lines), label apart
        if printed is not None:
            label = printable(unit.label)
            for line in printed:
                self._print(label + line)
            return
        for line in left_lines(
            unit.label,
            unit.text,
            unit.repaired,
            unit.findings,
            first_line=unit.first_line,
            written=fixes == FIXED,
            unsafe_fixes=tally.unsafe_fixes,
            asked=tally.asked,
        ):
            self._print(line)

    def would_change(self, unit: Any) -> None:
        from cnfix.report.diff import diff_header

        self._print(f"would repair {diff_header(unit.label, unit.applied)}")

    def summary(self, *, writes: bool, checked: int | None = None) -> None:
        from cnfix.report.text import plural, summary_line

        tally = self.tally
        if self.diffs_not_shown:
            changed = plural(self.diffs_not_shown, self.noun)
            notice(f"diffs of {changed} not shown (--diff inline or -v shows them)")
        if self.reporting.quiet and not (tally.kinds or tally.errors):
            return
        self.stream.flush()
        units = tally.written if writes else tally.changed
        line = summary_line(
            tally.kinds,
            noun=self.noun,
            checked=len(tally.checked) if checked is None else checked,
            with_findings=len(tally.with_findings),
        )
        done = "repaired" if writes else "would change"
        line = f"{line[:-1]}; {plural(len(units), self.noun)} {done}"
        if tally.errors:
            line += f", {plural(tally.errors, 'error')}"
        notice(f"{line}.")


def left_lines(
    label: str,
    text: str,
    repaired: str | None,
    findings: Sequence[Finding],
    *,
    first_line: int,
    written: bool,
    unsafe_fixes: bool,
    asked: bool,
) -> list[str]:
    """The lines ``repair`` prints for the findings left in a unit, each with the reason
    it was left, located where the reader finds them: in the repaired text once
    ``written`` (or when nothing changed), else moved back into the text read. Made by
    a worker with an empty ``label`` (``RunOptions.left_lines``): the label is a prefix,
    escaped on its own as the whole line would be (``printable`` escapes by character)."""
    from cnfix.report.text import LEFT_BECAUSE, moved_back, text_lines

    def reason(finding: Finding) -> str:
        kind = kind_of(finding, after_repair=True, unsafe_fixes=unsafe_fixes, asked=asked)
        return LEFT_BECAUSE[kind]

    # Written, the file holds the repaired text; else it still holds the original.
    if repaired is not None and written:
        text = repaired
    elif repaired is not None:
        findings = moved_back(text, repaired, findings)
    return text_lines(label, text, findings, first_line=first_line, note=reason)


def _draw_diff(printer: Any, unit: Any, style: str) -> None:
    """One unit's changes as an inline or a unified diff."""
    if style == "inline":
        at = unit.first_line
        printer.inline_diff(unit.label, unit.text, unit.repaired, unit.applied, first_line=at)
    else:
        old, new, first = unit.unified_texts()
        printer.unified(str(unit.path), old, new, first_line=first)
