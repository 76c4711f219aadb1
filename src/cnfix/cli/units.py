"""Where the units of a run come from: files found under the paths given (stdin first),
or the records of JSON Lines files. Both give outcomes with the same attributes, so
``scan`` and ``repair`` each have one loop for every mode."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from cnfix.app.runner import FileOutcome, RunOptions, process_document
from cnfix.cli.options import Reporting, notice
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
    run (no -v, no progress bar, no stdin), found one by one as the run takes them."""
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


def with_progress(outcomes: Iterable[Any], total: int, reporting: Reporting) -> Iterable[Any]:
    """A progress bar on stderr for long runs on a terminal (never with --quiet)."""
    from cnfix.report import progress

    if reporting.quiet or total < progress.PROGRESS_AT or not sys.stderr.isatty():
        return outcomes
    return progress.with_progress(outcomes, total, sys.stderr)


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
    from cnfix.app.parallel import idle_jobs

    return jobs or idle_jobs()


def file_units(paths: list[Path] | Found, options: RunOptions, jobs: int = 1) -> Iterator[Any]:
    """Outcomes in input order (stdin first); files on ``jobs`` processes, large files
    in chunks."""
    from cnfix.app.parallel import run_files

    if isinstance(paths, list) and STDIN in paths:
        yield stdin_outcome(options)
        paths = [path for path in paths if path != STDIN]
    yield from run_files(paths, options, jobs=worker_count(jobs))


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
        from cnfix.app.jsonl import FieldPathError, parse_field_path
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

    def units(self) -> Iterator[Any]:
        from cnfix.app.records import jsonl_units

        yield from jsonl_units(
            self.inputs,
            self.field,
            self.field_path,
            self.options,
            jobs=worker_count(self.jobs),
            output=self.output,
            states=self.states,
        )

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
