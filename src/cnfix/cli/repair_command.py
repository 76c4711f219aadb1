"""``cnfix repair``: show, and with ``--in-place`` or ``-o``, write the repairs."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from cnfix.app.runner import FileOutcome, process_file
from cnfix.app.tally import EXIT_ERROR, Tally, repair_exit_code
from cnfix.cli.options import (
    Reporting,
    announce,
    common_options,
    error,
    notice,
    reporting_options,
    run_options,
)
from cnfix.cli.units import STDIN, JsonlRun, file_units, find_files, stdin_outcome, with_progress


def _color(stream: Any) -> bool:
    return bool(stream.isatty()) and "NO_COLOR" not in os.environ


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


@click.command()
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
    config, run = run_options(repair=True, paths=paths, unsafe_fixes=unsafe_fixes, **options)
    run = replace(
        run,
        write=in_place or output is not None,
        output_root=output,
        input_root=paths[0] if len(paths) == 1 and paths[0].is_dir() else None,
    )
    codes: dict[str, Any] = {
        "check": check,
        "exit_zero": reporting.exit_zero,
        "exit_non_zero_on_fix": exit_non_zero_on_fix,
    }
    tally = Tally()
    if paths == (STDIN,) and not jsonl:
        data = sys.stdin.buffer.read()
        outcome = stdin_outcome(run, data)
        if outcome.error:
            error(f"{run.stdin_name or '-'}: {outcome.error}")
            sys.exit(EXIT_ERROR)
        if outcome.notice:
            notice(f"-: {outcome.notice}")
        if outcome.repaired is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)  # exactly the input: untrusted, or not text
        else:
            sys.stdout.write(outcome.repaired)
        tally.remaining = len(outcome.findings)
        sys.exit(repair_exit_code(tally, writes=True, **codes))
    writes = run.write or interactive
    # Interactive: repair without writing, ask, then write the approved files.
    approved = replace(run, write=True)
    if interactive:
        run = replace(run, write=False)
        diff_style = "inline" if diff_style == "none" else diff_style
    records_run = None
    if jsonl:
        records_run = JsonlRun(paths, field_spec, run, jobs=jobs, output=output)
        units, noun = records_run.units(), "record"
    else:
        files = find_files(paths, config, include, exclude, reporting)
        units, noun = file_units(files, run, 1 if interactive else jobs), "file"
        if not interactive:
            units = with_progress(units, len(files), reporting)
    width = None
    if sys.stdout.isatty():
        import shutil  # only for a terminal: shutil brings zlib, bz2 and lzma (~5 ms)

        width = shutil.get_terminal_size().columns
    printer = diff.Printer(sys.stdout, color=_color(sys.stdout), width=width)
    show = interactive or not (reporting.quiet or output == STDIN or diff_style == "none")
    approve_all = False
    for unit in units:
        state = f"{len(unit.applied)} fix(es)" if unit.changed else "nothing to fix"
        if not announce(unit, reporting, f"{state}, {len(unit.findings)} finding(s) left"):
            tally.errors += 1
            continue
        tally.remaining += len(unit.findings)
        if not unit.changed:
            continue
        tally.changed.add(unit.key)
        if show and diff_style == "inline":
            at = unit.first_line
            printer.inline_diff(unit.label, unit.text, unit.repaired, unit.applied, first_line=at)
        elif show and diff_style == "unified":
            old, new, first = unit.unified_texts()
            printer.unified(str(unit.path), old, new, first_line=first)
        if interactive:
            answer = "y" if approve_all else _ask(unit)
            if answer == "q":
                tally.remaining += 1
                break
            approve_all = answer == "a"
            if answer == "n":
                tally.remaining += 1
                continue
            unit = process_file(unit.path, approved)
            if unit.error:
                tally.errors += 1
                error(f"{unit.path}: {unit.error}")
                continue
            if unit.notice:
                notice(f"{unit.path}: {unit.notice}")
        if unit.written:
            tally.written.add(unit.key)
        elif writes:
            tally.remaining += 1  # repairs that could not be written are still to do
    if records_run is not None:
        records_run.say_skipped(reporting)
    if not reporting.quiet:
        if writes:
            done = f"{len(tally.written)} {noun}(s) repaired"
        else:
            done = f"{len(tally.changed)} {noun}(s) would be repaired"
        notice(f"{done}, {tally.remaining} finding(s) left, {tally.errors} error(s)")
    sys.exit(repair_exit_code(tally, writes=writes, **codes))


def _ask(outcome: FileOutcome) -> str:
    """Ask whether to write one file's repairs: ``y``, ``n``, ``a`` (all) or ``q`` (quit)."""
    count = len(outcome.applied)
    choice = click.Choice(["y", "yes", "n", "no", "a", "all", "q", "quit"], case_sensitive=False)
    try:
        answer = click.prompt(
            f"Apply {count} fix{'es' if count != 1 else ''} to {outcome.path}? "
            "[y]es / [n]o / [a]ll / [q]uit",
            type=choice,
            show_choices=False,
            err=True,
        )
    except click.Abort:  # end of input or Ctrl-C: stop, write nothing more
        click.echo(err=True)
        return "q"
    return str(answer)[0].lower()
