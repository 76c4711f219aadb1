"""Where the units of a run come from: files found under the paths given (stdin first),
or the records of JSON Lines files. Both give outcomes with the same attributes, so
``scan`` and ``repair`` each have one loop for every mode."""

from __future__ import annotations

import io
import itertools
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import click

from cnfix.app.runner import FileOutcome, RunOptions, process_document
from cnfix.cli.options import Configured, Reporting, notice
from cnfix.config import Config
from cnfix.model import MIN_REWRITE_CONFIDENCE

STDIN = Path("-")


class Found:
    """Files taken from a folder walk as the run goes, so that the walk overlaps the
    work on the files already found; ``len()`` counts those taken so far."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self._paths = paths
        self._taken = 0

    def __iter__(self) -> Iterator[Path]:
        for path in self._paths:
            self._taken += 1
            yield path

    def __len__(self) -> int:
        return self._taken


def find_files(
    paths: tuple[Path, ...],
    config: Config,
    include: tuple,
    exclude: tuple,
    reporting: Reporting,
) -> list[Path] | Found:
    """The files to work on: a list, or, when nothing needs their number before the
    run (no -v, no progress display, no stdin), found one by one as the run takes them."""
    from cnfix.io.discovery import discover
    from cnfix.io.ignore import IgnoreFilter

    roots = list(paths) or [Path(".")]
    ignore = IgnoreFilter(respect_gitignore=reporting.respect_gitignore)
    found = discover(
        roots,
        include=[*config.get("include", []), *include],
        exclude=[*config.get("exclude", []), *exclude],
        ignore=ignore,
    )
    progress = not reporting.quiet and sys.stderr.isatty()
    if not (reporting.verbose or progress or STDIN in roots):
        return Found(found)
    files = list(found)
    if reporting.verbose:
        if config.path is not None:
            notice(f"configuration: {config.path}")
        notice(f"{len(files)} file(s) to process")
    return files


class Screen:
    """Where a command's report lines go (``out``), and the progress display beside them
    on stderr for a long run (``long_run``: enough files, or JSON Lines records). Lines
    and a bar on one terminal would cut into each other: report lines bound for the
    terminal stderr is on are printed through the display, above the bar; bound for
    another terminal, no bar is drawn. Never with ``--quiet``."""

    def __init__(self, out: IO[str], reporting: Reporting, *, long_run: bool) -> None:
        self.out = out
        self.console = None
        if not long_run or reporting.quiet or not sys.stderr.isatty():
            return
        from cnfix.report import progress

        if not out.isatty():
            self.console = progress.live_console(sys.stderr)
        elif _same_file(out, sys.stderr):
            self.console = progress.live_console(sys.stderr)
            self.out = progress.PrintedThrough(self.console, out)

    def files(self, outcomes: Iterable[Any], total: int) -> Iterable[Any]:
        """``outcomes`` with a progress bar, when there is one."""
        if self.console is None:
            return outcomes
        from cnfix.report.progress import with_progress

        return with_progress(outcomes, total, self.console)

    def counted(self, outcomes: Iterable[Any], count: Callable[[], int], noun: str) -> Any:
        """``outcomes`` with a count of ``noun`` done so far, when there is a display."""
        if self.console is None:
            return outcomes
        from cnfix.report.progress import with_count

        return with_count(outcomes, count, noun, self.console)


def _same_file(one: IO[str], other: IO[str]) -> bool:
    try:
        return os.path.samestat(os.fstat(one.fileno()), os.fstat(other.fileno()))
    except (OSError, ValueError, io.UnsupportedOperation):
        return False


def long_run(files: list[Path] | Found) -> bool:
    """Enough files for a progress bar (a walk taken lazily has none)."""
    from cnfix.report.progress import PROGRESS_AT

    return isinstance(files, list) and len(files) >= PROGRESS_AT


def stdin_outcome(options: RunOptions, data: bytes | None = None) -> FileOutcome:
    """Standard input as one document, through the same decoding and guards as a file:
    text decoded with low confidence (or damaged UTF-8) is scanned but not repaired."""
    from cnfix.io.decode import BinaryFileError, InputError, decode_bytes, untrusted_reason

    name = options.stdin_name
    outcome = FileOutcome(STDIN if name is None else Path(name))
    try:
        decoded = decode_bytes(
            sys.stdin.buffer.read() if data is None else data,
            options.encoding,
            force=options.force_encoding,
        )
    except BinaryFileError as error:
        outcome.notice = f"skipped: {error}"
        return outcome
    except InputError as error:
        outcome.error = str(error)
        return outcome
    trusted = decoded.confidence >= MIN_REWRITE_CONFIDENCE or options.encoding is not None
    process_document(
        decoded.document(name=name, settings=options.settings),
        replace(options, repair=options.repair and trusted),
        outcome,
    )
    if not trusted:
        outcome.notice = (
            f"not repaired: {untrusted_reason(decoded.encoding, decoded.confidence)};"
            " input passed through unchanged"
        )
    return outcome


def worker_count(jobs: int) -> int:
    """``--jobs``, or when it is 0 the cores that are idle now."""
    from cnfix.app.pool import idle_jobs

    return jobs or idle_jobs()


def file_units(paths: list[Path] | Found, configured: Configured, jobs: int = 1) -> Iterator[Any]:
    """Outcomes in input order (stdin first); files on ``jobs`` processes, large files
    in chunks, each run of files with the same configuration under its options."""
    from cnfix.app.parallel import run_files

    if isinstance(paths, list) and STDIN in paths:
        yield stdin_outcome(configured.base)
        paths = [path for path in paths if path != STDIN]
    for options, group in itertools.groupby(paths, key=configured):
        yield from run_files(group, options, jobs=worker_count(jobs))


class JsonlRun:
    """The records of ``--jsonl`` inputs as units, and what the run says about the
    lines it left alone."""

    def __init__(
        self,
        paths: tuple[Path, ...],
        field_spec: str | None,
        options: RunOptions,
        *,
        jobs: int,
        output: Path | None = None,
    ) -> None:
        from cnfix.app.json_fields import FieldPathError, parse_field_path
        from cnfix.app.records import JsonlUsageError, check_outputs, jsonl_inputs

        self.field = field_spec or "text"
        try:
            self.field_path = parse_field_path(self.field)
            self.inputs = jsonl_inputs(paths)
            check_outputs(self.inputs, options, output)
        except (FieldPathError, JsonlUsageError) as error:
            raise click.UsageError(str(error)) from None
        self.options, self.jobs, self.output = options, jobs, output
        self.states: Counter[str] = Counter()

    def units(self, screen: Screen) -> Iterator[Any]:
        """The records worth reporting, with a count of the lines read so far on
        ``screen``."""
        from cnfix.app.jsonl import LINE_STATES
        from cnfix.app.records import jsonl_units

        units = jsonl_units(
            self.inputs,
            self.field,
            self.field_path,
            self.options,
            jobs=worker_count(self.jobs),
            output=self.output,
            states=self.states,
        )

        def lines_read() -> int:
            # Key by key: rich reads this from its thread while the run updates states.
            return sum(self.states[state] for state in LINE_STATES)

        return screen.counted(units, lines_read, "lines")

    @property
    def checked(self) -> int:
        """Records whose field was checked (blank, invalid and skipped lines are not)."""
        return self.states["checked"]

    def say_skipped(self, reporting: Reporting) -> None:
        if reporting.quiet:
            return
        if self.states["missing"]:
            notice(
                f"{self.states['missing']} record(s) without the field {self.field!r}: "
                "left as they are"
            )
        if self.states["not-string"]:
            notice(
                f"{self.states['not-string']} record(s) where {self.field!r} is not a string: "
                "left alone"
            )
