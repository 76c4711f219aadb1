"""The command line: ``cnfix scan``, ``cnfix repair``, ``cnfix rules``.

The only module that imports click. Exit codes follow ruff: 0 clean, 1 findings
(or, for repair, findings left that could not be fixed), 2 errors.
"""

from __future__ import annotations

import functools
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from cnfix import __version__
from cnfix.app.runner import FileOutcome, RunOptions, process_document, process_file
from cnfix.config import Config, ConfigError, load_config
from cnfix.io.safe_files import DEFAULT_MAX_SIZE
from cnfix.model import TARGET_SCRIPTS, Finding, Settings
from cnfix.rules import RULES, UnknownRuleError, resolve_rule, select_rules

if TYPE_CHECKING:
    from cnfix.app.jsonl import BlockResult, RecordOutcome

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
STDIN = Path("-")

F = TypeVar("F", bound=Callable[..., Any])


def _split(values: Iterable[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _common_options(function: F) -> F:
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--select", multiple=True, metavar="RULE,...", help="Only these rules."),
        click.option("--ignore", multiple=True, metavar="RULE,...", help="Skip these rules."),
        click.option("--encoding", metavar="NAME", help="Decode input with this encoding."),
        click.option("--include", multiple=True, metavar="GLOB", help="Also take these files."),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Skip these paths."),
        click.option(
            "--max-size",
            type=click.IntRange(min=0),
            default=DEFAULT_MAX_SIZE >> 20,
            show_default=True,
            metavar="MB",
            help="Skip (with an error) files larger than this; 0: no limit.",
        ),
        click.option(
            "--to",
            "target",
            type=click.Choice(TARGET_SCRIPTS),
            help="Script to unify mixed text to (default: auto, the majority script).",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=0),
            default=0,
            show_default=True,
            metavar="N",
            help="Worker processes; 0: one per core; 1: none (all work in this process).",
        ),
        click.option(
            "--jsonl",
            is_flag=True,
            help="Input is JSON Lines: check or repair one string field of each record.",
        ),
        click.option(
            "--field",
            "field_spec",
            metavar="PATH",
            help="With --jsonl: the field to work on (default: text); nested: meta.body.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@dataclass(frozen=True)
class Reporting:
    """How much a command says and how it exits (options shared by scan and repair)."""

    quiet: bool = False
    verbose: bool = False
    exit_zero: bool = False
    respect_gitignore: bool = True


def _reporting_options(function: F) -> F:
    """Add -q/-v/--exit-zero/--no-respect-gitignore, handed over as one ``reporting``."""

    @functools.wraps(function)
    def bundled(
        *args: Any,
        quiet: bool,
        verbose: bool,
        exit_zero: bool,
        respect_gitignore: bool,
        **kwargs: Any,
    ) -> Any:
        if quiet and verbose:
            raise click.UsageError("--quiet and --verbose are exclusive")
        reporting = Reporting(quiet, verbose, exit_zero, respect_gitignore)
        return function(*args, reporting=reporting, **kwargs)

    options = [
        click.option("-q", "--quiet", is_flag=True, help="Print only findings and errors."),
        click.option("-v", "--verbose", is_flag=True, help="Also say what happens to each file."),
        click.option(
            "--exit-zero", is_flag=True, help="Exit 0 even when findings remain (2 on errors)."
        ),
        click.option(
            "--respect-gitignore/--no-respect-gitignore",
            default=True,
            help="Skip files git ignores when walking folders (default: skip).",
        ),
    ]
    wrapped: Any = bundled
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[no-any-return]


def _error(message: str) -> None:
    click.echo(f"cnfix: error: {message}", err=True)


def _notice(message: str) -> None:
    click.echo(f"cnfix: {message}", err=True)


def _announce(outcome: FileOutcome, reporting: Reporting, detail: str) -> bool:
    """Print a file's error or notice (and ``detail`` with -v); False when it failed."""
    if outcome.error:
        _error(f"{outcome.path}: {outcome.error}")
        return False
    if outcome.notice and not reporting.quiet:
        _notice(f"{outcome.path}: {outcome.notice}")
    if reporting.verbose:
        _notice(f"{outcome.path}: {detail}")
    return True


def _options(
    *,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    target: str | None,
    encoding: str | None,
    max_size: int = DEFAULT_MAX_SIZE >> 20,
    paths: tuple[Path, ...] = (),
    **run: Any,
) -> tuple[Config, RunOptions]:
    """Merge CLI options over ``[tool.cnfix]``; raise click.UsageError on bad values."""
    try:
        config = load_config(Path.cwd())
        chosen = _split(select) or config.get("select")
        dropped = _split(ignore) + list(config.get("ignore", []))
        rules = select_rules(chosen, dropped)
    except (ConfigError, UnknownRuleError) as error:
        raise click.UsageError(str(error)) from None
    script = target or config.get("to", "auto")
    if script not in TARGET_SCRIPTS:
        raise click.UsageError(
            f"{config.path}: [tool.cnfix] to = {script!r} is not one of {', '.join(TARGET_SCRIPTS)}"
        )
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise click.UsageError(f"unknown encoding {encoding!r}") from None
    return config, RunOptions(
        rules=rules,
        settings=Settings(target_script=script),
        encoding=encoding,
        max_size=max_size << 20 or None,
        trees=tuple(path for path in paths if path.is_dir()),
        **run,
    )


def _paths(
    paths: tuple[Path, ...],
    config: Config,
    include: tuple,
    exclude: tuple,
    reporting: Reporting = Reporting(),
) -> list[Path] | _Found:
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
        return _Found(found)
    files = list(found)
    if reporting.verbose:
        if config.path is not None:
            _notice(f"configuration: {config.path}")
        _notice(f"{len(files)} file(s) to process")
    return files


class _Found:
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


def _with_progress(
    outcomes: Iterable[FileOutcome], total: int, reporting: Reporting
) -> Iterable[FileOutcome]:
    """A progress bar on stderr for long runs on a terminal (never with --quiet)."""
    from cnfix.report import progress

    if reporting.quiet or total < progress.PROGRESS_AT or not sys.stderr.isatty():
        return outcomes
    return progress.with_progress(outcomes, total, sys.stderr)


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _stdin_outcome(options: RunOptions) -> FileOutcome:
    from cnfix.io.decode import InputError, decode_bytes

    outcome = FileOutcome(STDIN)
    try:
        decoded = decode_bytes(sys.stdin.buffer.read(), options.encoding)
    except InputError as error:
        outcome.error = str(error)
        return outcome
    process_document(decoded.document(settings=options.settings), options, outcome)
    return outcome


def _jobs(jobs: int) -> int:
    from cnfix.app.parallel import default_jobs

    return jobs or default_jobs()


def _run(paths: list[Path] | _Found, options: RunOptions, jobs: int = 1) -> Iterable[FileOutcome]:
    """Outcomes in input order (stdin first); files on ``jobs`` processes, large files
    in chunks."""
    from cnfix.app.parallel import run_files

    if isinstance(paths, list) and STDIN in paths:
        yield _stdin_outcome(options)
        paths = [path for path in paths if path != STDIN]
    yield from run_files(paths, options, jobs=_jobs(jobs))


def _tally(counts: Counter[str], fixable: Counter[str], findings: Iterable[Finding]) -> None:
    """Add ``findings`` to the per-rule counts of a scan (all, and fixable)."""
    findings = list(findings)
    if not findings:  # most files and records: nothing to count
        return
    from cnfix.report.text import count_by_rule

    counts.update(count_by_rule(findings))
    fixable.update(count_by_rule(f for f in findings if f.fixable))


def _exit_scan(errors: int, counts: Counter[str], reporting: Reporting) -> NoReturn:
    """Scan's exit status: 2 on errors, else 1 with findings (unless --exit-zero), else 0."""
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if counts and not reporting.exit_zero else EXIT_CLEAN)


def _color(stream: Any) -> bool:
    return bool(stream.isatty()) and "NO_COLOR" not in os.environ


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cnfix")
def cli() -> None:
    """Find and repair damaged Chinese text."""
    # File names that are not valid UTF-8 reach us as lone surrogates: print them as
    # escapes instead of crashing on them.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


@cli.command()
@_common_options
@_reporting_options
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
    config, run = _options(paths=paths, **options)
    if jsonl or field_spec is not None:
        _scan_jsonl(paths, run, field_spec, output_format, statistics, reporting, jobs)
    files = _paths(paths, config, include, exclude, reporting)
    records: list[dict[str, object]] = []
    sarif = formats.SarifLog(RULES, __version__) if output_format == "sarif" else None
    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    errors = 0
    for outcome in _with_progress(_run(files, run, jobs), len(files), reporting):
        if not _announce(outcome, reporting, f"{len(outcome.findings)} finding(s)"):
            errors += 1
            continue
        _tally(counts, fixable, outcome.findings)
        path = str(outcome.path)
        if statistics or not outcome.findings:
            continue
        at = getattr(outcome, "first_line", 1)  # a chunk of a streamed file starts there
        if sarif is not None:
            sarif.add(path, outcome.text, outcome.findings, first_line=at)
        elif output_format == "json":
            records.extend(text.json_records(path, outcome.text, outcome.findings, first_line=at))
        elif output_format == "github":
            for line in formats.github_lines(path, outcome.text, outcome.findings, first_line=at):
                click.echo(line)
        else:
            for line in text.text_lines(path, outcome.text, outcome.findings, first_line=at):
                click.echo(line)
    codes = {rule.name: rule.code for rule in RULES}
    if sarif is not None:
        text.write_json(sarif.to_dict(), sys.stdout)
    elif output_format == "json":
        stats = formats.statistics_records(counts, codes, fixable) if statistics else None
        text.write_json(records if stats is None else stats, sys.stdout)
    elif statistics:
        for line in text.summary_lines(counts, codes, fixable):
            click.echo(line)
    elif counts and output_format == "text" and not reporting.quiet:
        click.echo()
        for line in text.summary_lines(counts, codes, fixable):
            click.echo(line)
        total, files_with = sum(counts.values()), len(files)
        click.echo(
            f"Found {total} finding(s) in {files_with} file(s); {sum(fixable.values())} fixable "
            "with `cnfix repair`."
        )
    _exit_scan(errors, counts, reporting)


@cli.command()
@_common_options
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
@_reporting_options
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

    if in_place and output is not None:
        raise click.UsageError("--in-place and -o are exclusive")
    if not (jsonl or field_spec is not None) and output is not None and output.is_file():
        raise click.UsageError(f"-o names a folder to write into; {output} is a file")
    if check and (in_place or output is not None):
        raise click.UsageError("--check writes nothing; drop --in-place / -o")
    if interactive and (check or paths == (STDIN,)):
        raise click.UsageError("--interactive cannot be combined with --check or stdin input")
    if interactive and not _stdin_is_terminal():
        if not (in_place or output is not None):
            raise click.UsageError(
                "--interactive asks on a terminal, and stdin is not one; add --in-place "
                "or -o DIR to write every repair without asking"
            )
        if not reporting.quiet:
            _notice("stdin is not a terminal: not asking, writing every repair")
        interactive = False
    config, run = _options(repair=True, paths=paths, **options)
    unsafe = unsafe_fixes or bool(config.get("unsafe-fixes", False))
    from dataclasses import replace

    run = replace(
        run,
        unsafe_fixes=unsafe,
        write=in_place or output is not None,
        output_root=output,
        input_root=paths[0] if len(paths) == 1 and paths[0].is_dir() else None,
    )
    if jsonl or field_spec is not None:
        if interactive:
            raise click.UsageError("--interactive does not work with --jsonl")
        _repair_jsonl(paths, run, field_spec, output, check, diff_style, reporting, jobs)
    if paths == (STDIN,):
        outcome = _stdin_outcome(run)
        if outcome.error:
            _error(f"-: {outcome.error}")
            sys.exit(EXIT_ERROR)
        sys.stdout.write(outcome.repaired or outcome.text)
        sys.exit(EXIT_FINDINGS if outcome.findings else EXIT_CLEAN)
    files = _paths(paths, config, include, exclude, reporting)
    writes = run.write or interactive
    # Interactive: repair without writing, ask, then write the approved files.
    approved = replace(run, write=True)
    if interactive:
        run = replace(run, write=False)
        diff_style = "inline" if diff_style == "none" else diff_style
    width = None
    if sys.stdout.isatty():
        import shutil  # only for a terminal: shutil brings zlib, bz2 and lzma (~5 ms)

        width = shutil.get_terminal_size().columns
    printer = diff.Printer(sys.stdout, color=_color(sys.stdout), width=width)
    errors = remaining = 0
    changed_files: set[Path] = set()  # by path: a streamed file comes in several chunks
    written_files: set[Path] = set()
    approve_all = False
    outcomes = _run(files, run, 1 if interactive else jobs)
    if not interactive:
        outcomes = _with_progress(outcomes, len(files), reporting)
    for outcome in outcomes:
        state = f"{len(outcome.applied)} fix(es)" if outcome.changed else "nothing to fix"
        if not _announce(outcome, reporting, f"{state}, {len(outcome.findings)} finding(s) left"):
            errors += 1
            continue
        remaining += len(outcome.findings)
        if not outcome.changed:
            continue
        changed_files.add(outcome.path)
        assert outcome.repaired is not None
        if interactive or not reporting.quiet:
            at = getattr(outcome, "first_line", 1)  # a chunk of a streamed file starts there
            if diff_style == "inline":
                path = str(outcome.path)
                printer.inline_diff(
                    path, outcome.text, outcome.repaired, outcome.applied, first_line=at
                )
            elif diff_style == "unified":
                printer.unified(str(outcome.path), outcome.text, outcome.repaired, first_line=at)
        if interactive:
            answer = "y" if approve_all else _ask(outcome)
            if answer == "q":
                remaining += 1
                break
            approve_all = answer == "a"
            if answer == "n":
                remaining += 1
                continue
            outcome = process_file(outcome.path, approved)
            if outcome.error:
                errors += 1
                _error(f"{outcome.path}: {outcome.error}")
                continue
            if outcome.notice:
                _notice(f"{outcome.path}: {outcome.notice}")
        if writes and outcome.written is None:
            remaining += 1  # repairs that could not be written are still to do
        elif outcome.written is not None:
            written_files.add(outcome.path)
    changed, written = len(changed_files), len(written_files)
    if not reporting.quiet:
        done = f"{written} file(s) repaired" if writes else f"{changed} file(s) would be repaired"
        _notice(f"{done}, {remaining} finding(s) left, {errors} error(s)")
    if errors:
        sys.exit(EXIT_ERROR)
    if reporting.exit_zero:
        sys.exit(EXIT_CLEAN)
    if exit_non_zero_on_fix and written:
        sys.exit(EXIT_FINDINGS)
    if check or not writes:
        sys.exit(EXIT_FINDINGS if changed or remaining else EXIT_CLEAN)
    sys.exit(EXIT_FINDINGS if remaining else EXIT_CLEAN)


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


# --- JSON Lines (--jsonl) ---------------------------------------------------------------


def _jsonl_field(field_spec: str | None) -> tuple[str, tuple[str, ...]]:
    from cnfix.app.jsonl import FieldPathError, parse_field_path

    spec = field_spec or "text"
    try:
        return spec, parse_field_path(spec)
    except FieldPathError as error:
        raise click.UsageError(str(error)) from None


def _jsonl_inputs(paths: tuple[Path, ...]) -> list[Path]:
    """The files named (``-`` for stdin), folders expanded to their ``*.jsonl`` files."""
    if not paths:
        raise click.UsageError("--jsonl needs input files (or - for stdin)")
    inputs: list[Path] = []
    for path in paths:
        inputs.extend(sorted(path.rglob("*.jsonl")) if path.is_dir() else [path])
    return inputs


def _open_jsonl(path: Path) -> tuple[Any, int | None]:
    """A binary stream of ``path`` and its size (None for stdin)."""
    if path == STDIN:
        return open(sys.stdin.fileno(), "rb", closefd=False), None
    stream = path.open("rb")
    return stream, os.fstat(stream.fileno()).st_size


def _scan_jsonl(
    paths: tuple[Path, ...],
    run: RunOptions,
    field_spec: str | None,
    output_format: str,
    statistics: bool,
    reporting: Reporting,
    jobs: int,
) -> None:
    """``scan --jsonl``: findings by record, as ``path:record:field:line:col: …``."""
    from cnfix.app.jsonl import run_blocks
    from cnfix.report import formats, text

    if output_format not in ("text", "json"):
        raise click.UsageError("--jsonl reports with --format text or json")
    spec, field_path = _jsonl_field(field_spec)
    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    states: Counter[str] = Counter()
    records: list[dict[str, object]] = []
    errors = 0
    for path in _jsonl_inputs(paths):
        try:
            stream, size = _open_jsonl(path)
        except OSError as error:
            errors += 1
            _error(f"{path}: cannot read: {error.strerror or error}")
            continue
        with stream:
            blocks = run_blocks(stream, field_path, run, jobs=_jobs(jobs), size=size)
            for record in _reported(blocks, states):
                if record.error:
                    errors += 1
                    _error(f"{path}:{record.number}: {record.error}")
                    continue
                if not record.findings:
                    continue
                _tally(counts, fixable, record.findings)
                if statistics:
                    continue
                if output_format == "json":
                    for item in text.json_records(str(path), record.text, record.findings):
                        records.append(
                            {"path": str(path), "record": record.number, "field": spec} | item
                        )
                    continue
                label = f"{path}:{record.number}:{spec}"
                for line in text.text_lines(label, record.text, record.findings):
                    click.echo(line)
    codes = {rule.name: rule.code for rule in RULES}
    if output_format == "json":
        stats = formats.statistics_records(counts, codes, fixable) if statistics else None
        text.write_json(records if stats is None else stats, sys.stdout)
    elif (counts and not reporting.quiet) or statistics:
        if not statistics:
            click.echo()
        for line in text.summary_lines(counts, codes, fixable):
            click.echo(line)
    _jsonl_skipped(states, spec, reporting)
    _exit_scan(errors, counts, reporting)


def _reported(
    blocks: Iterable[BlockResult], states: Counter[str], sink: Any = None
) -> Iterator[RecordOutcome]:
    """The records worth reporting, in order; every line's state is counted and every
    block written to ``sink`` (when there is one) as it comes."""
    for block in blocks:
        states.update(block.states)
        if sink is not None:
            sink.write(block.data)
        yield from block.records


def _jsonl_skipped(states: Counter[str], spec: str, reporting: Reporting) -> None:
    if reporting.quiet:
        return
    if states["missing"]:
        _notice(f"{states['missing']} record(s) without the field {spec!r}: left as they are")
    if states["not-string"]:
        _notice(f"{states['not-string']} record(s) where {spec!r} is not a string: left alone")


def _repair_jsonl(
    paths: tuple[Path, ...],
    run: RunOptions,
    field_spec: str | None,
    output: Path | None,
    check: bool,
    diff_style: str,
    reporting: Reporting,
    jobs: int,
) -> None:
    """``repair --jsonl``: diffs by record; ``-o FILE``/``-o -`` or ``-w`` to write.

    Every line is written, in order, byte for byte unless its field changed; invalid
    lines pass through (and are reported). ``-w`` replaces each file atomically.
    """
    from cnfix.app.jsonl import run_blocks
    from cnfix.io.chunks import StreamWriter
    from cnfix.io.decode import InputError
    from cnfix.io.safe_files import FileIdentity
    from cnfix.report import diff

    spec, field_path = _jsonl_field(field_spec)
    inputs = _jsonl_inputs(paths)
    if output is not None and len(inputs) != 1:
        raise click.UsageError("with --jsonl, -o names one output file (or -): give one input")
    if run.write and output is None and STDIN in inputs:
        raise click.UsageError("--in-place needs files, not stdin; use -o FILE or -o -")
    to_stdout = output == STDIN
    printer = diff.Printer(sys.stdout, color=_color(sys.stdout))
    show = not (to_stdout or reporting.quiet or diff_style == "none")
    states: Counter[str] = Counter()
    errors = remaining = changed = 0
    for path in inputs:
        sink: Any = None
        try:
            stream, size = _open_jsonl(path)
            if to_stdout:
                sink = sys.stdout.buffer
            elif output is not None and output.exists() and not output.is_file():
                sink = output.open("wb")  # /dev/null, a FIFO: written as a stream
            elif output is not None:
                sink = StreamWriter(output)
            elif run.write:
                sink = StreamWriter(path, expected=FileIdentity.of(os.fstat(stream.fileno())))
        except (OSError, InputError) as error:
            errors += 1
            _error(f"{path}: {getattr(error, 'strerror', None) or error}")
            continue
        changed_here = 0
        try:
            with stream:
                blocks = run_blocks(stream, field_path, run, jobs=_jobs(jobs), size=size)
                for record in _reported(blocks, states, sink):
                    if record.error:
                        errors += 1
                        _error(f"{path}:{record.number}: {record.error}")
                        continue
                    remaining += len(record.findings)
                    if not record.changed:
                        continue
                    changed_here += 1
                    assert record.repaired is not None and record.original is not None
                    if show and diff_style == "unified":
                        old, new = record.original.decode(), record.line.decode()
                        printer.unified(str(path), old, new, first_line=record.number)
                    elif show:
                        label = f"{path}:{record.number}:{spec}"
                        printer.inline_diff(label, record.text, record.repaired, record.applied)
            if isinstance(sink, StreamWriter):
                if changed_here or output is not None:
                    sink.commit()
                else:
                    sink.abort()
                sink = None
        except (OSError, InputError) as error:
            errors += 1
            _error(f"{path}: {getattr(error, 'strerror', None) or error}")
        finally:
            if isinstance(sink, StreamWriter):
                sink.abort()
            elif sink is not None and sink is not sys.stdout.buffer:
                sink.close()
        changed += changed_here
    _jsonl_skipped(states, spec, reporting)
    writes = run.write or output is not None
    if not reporting.quiet:
        verb = "repaired" if writes else "would be repaired"
        _notice(f"{changed} record(s) {verb}, {remaining} finding(s) left, {errors} error(s)")
    if errors:
        sys.exit(EXIT_ERROR)
    if check or not writes:
        sys.exit(EXIT_FINDINGS if changed or remaining else EXIT_CLEAN)
    sys.exit(EXIT_FINDINGS if remaining and not reporting.exit_zero else EXIT_CLEAN)


@cli.command()
@click.argument("name", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: the rule table as in the README.",
)
def rules(name: str | None, output_format: str) -> None:
    """List every rule, or show the full documentation of one."""
    if output_format == "markdown" and name is None:
        from cnfix.report.formats import rules_markdown

        click.echo(rules_markdown(RULES), nl=False)
        return
    if name is not None:
        try:
            rule = resolve_rule(name)
        except UnknownRuleError as error:
            raise click.UsageError(str(error)) from None
        click.echo(f"{rule.code} {rule.name}  (fix: {rule.fix_safety})\n")
        click.echo(rule.doc)
        return
    width = max(len(rule.name) for rule in RULES)
    for rule in RULES:
        click.echo(f"{rule.code}  {rule.name:<{width}}  {rule.fix_safety:<6}  {rule.summary}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="cnfix")
