"""Options shared by ``scan`` and ``repair``, merged over ``[tool.cnfix]`` into the
``RunOptions`` the pipeline runs with, and the one-line messages on stderr."""

from __future__ import annotations

import codecs
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import click

from cnfix.app.runner import FileOutcome, RunOptions
from cnfix.config import Config, ConfigError, find_config, load_config, load_config_file
from cnfix.io.safe_files import DEFAULT_MAX_SIZE
from cnfix.model import KINDS, Settings
from cnfix.rules import UnknownRuleError, select_rules
from cnfix.rules.script.options import TARGET_SCRIPTS, TargetScriptError, validate_target_script

F = TypeVar("F", bound=Callable[..., Any])


class Command(click.Command):
    """A command that answers options other tools taught (``--fix``) with what cnfix
    has instead, and suggests only close spellings of its own options: difflib's
    default would answer ``--fix`` with ``--field``."""

    #: Options of other tools, by the command they were given to, and what to say.
    HABITS: ClassVar[dict[str, dict[str, str]]] = {
        "scan": {
            "--fix": "`cnfix repair` (shows the repairs; `-w` writes them)",
            "--diff": "`cnfix repair` (shows the diff)",
            "--in-place": "`cnfix repair -w`",
            "--write": "`cnfix repair -w`",
            "--unsafe-fixes": "`cnfix repair --unsafe-fixes`",
            "--check": "`cnfix repair --check`",
        },
        "repair": {
            "--fix": "`-w` / `--in-place` (write the repairs)",
            "--write": "`-w` / `--in-place`",
            "--dry-run": "no option: `cnfix repair` writes nothing without `-w` or `-o`",
            "--statistics": "`cnfix scan --statistics`",
            "--format": "`cnfix scan --format` (`repair --diff` picks the diff style)",
        },
    }

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        import difflib

        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            name = error.option_name
            message = f"No such option: {name}."
            hint = self.HABITS.get(self.name or "", {}).get(name)
            close = difflib.get_close_matches(name, error.possibilities or [], n=1, cutoff=0.75)
            if hint is not None:
                message += f" Did you mean {hint}?"
            elif close:
                message += f" Did you mean {close[0]}?"
            raise click.UsageError(message, ctx) from None


def _split(values: Iterable[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _target_script(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--to``, checked and normalised by the rule that owns it."""
    if value is None:
        return None
    try:
        return validate_target_script(value)
    except TargetScriptError as error:
        raise click.BadParameter(str(error)) from None


def common_options(function: F) -> F:
    """The input options of both commands: paths, rules, encoding, files, jobs, JSON Lines."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--select", multiple=True, metavar="RULE,...", help="Only these rules."),
        click.option("--ignore", multiple=True, metavar="RULE,...", help="Skip these rules."),
        click.option("--encoding", metavar="NAME", help="Decode input with this encoding."),
        click.option(
            "--config",
            "config_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Take the settings from this file for every file (default: the "
            ".cnfix.toml, cnfix.toml or pyproject.toml [tool.cnfix] closest to each file).",
        ),
        click.option(
            "--force-encoding",
            is_flag=True,
            help="Use --encoding even where it gives text that is not plausible Chinese.",
        ),
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
            metavar=f"[{'|'.join(TARGET_SCRIPTS)}]",
            callback=_target_script,
            help="Script to unify mixed text to (default: auto, the majority script).",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=0),
            default=0,
            show_default=True,
            metavar="N",
            help="Worker processes; 0: one per idle core; 1: none (all work in this process).",
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
        click.option(
            "--field-kind",
            type=click.Choice(tuple(KINDS)),
            default="text",
            show_default=True,
            help="With --jsonl: what the field holds (markdown, markup: only prose is changed).",
        ),
        click.option(
            "--stdin-filename",
            "stdin_name",
            metavar="NAME",
            help="The file name stdin stands for: its format, configuration and name in messages.",
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
    report: Path | None = None  # --report: where the HTML review of the run goes


def reporting_options(function: F) -> F:
    """Add -q/-v/--exit-zero/--no-respect-gitignore/--report, handed over as one
    ``reporting``."""

    @functools.wraps(function)
    def bundled(
        *args: Any,
        quiet: bool,
        verbose: bool,
        exit_zero: bool,
        respect_gitignore: bool,
        report: Path | None,
        **kwargs: Any,
    ) -> Any:
        if quiet and verbose:
            raise click.UsageError("--quiet and --verbose are exclusive")
        reporting = Reporting(quiet, verbose, exit_zero, respect_gitignore, report)
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
        click.option(
            "--report",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Also write a review of the run to this HTML file: totals per rule and "
            "file, a plot, and a sample of each rule's changes.",
        ),
    ]
    wrapped: Any = bundled
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[no-any-return]


def error(message: str) -> None:
    """``cnfix: error: …`` on stderr, one line whatever file name it holds."""
    from cnfix.report.text import printable

    click.echo(f"cnfix: error: {printable(message)}", err=True)


def notice(message: str) -> None:
    """``cnfix: …`` on stderr: no file name in it can start a line of its own (a GitHub
    workflow command such as ``::error``) or act on the terminal."""
    from cnfix.report.text import printable

    click.echo(f"cnfix: {printable(message)}", err=True)


def announce(outcome: FileOutcome, reporting: Reporting, detail: str) -> bool:
    """Print a unit's error or notice (and ``detail`` with -v); False when it failed."""
    if outcome.error:
        error(f"{outcome.where}: {outcome.error}")
        return False
    if outcome.notice and not reporting.quiet:
        notice(f"{outcome.label}: {outcome.notice}")
    if reporting.verbose:
        notice(f"{outcome.label}: {detail}")
    return True


@dataclass(frozen=True)
class Choices:
    """What the command line chose; it wins over every configuration file."""

    select: list[str]
    ignore: list[str]
    target: str | None
    unsafe_fixes: bool = False


class Configured:
    """The run options of each file: the command line over the configuration closest to
    the file (or the one ``--config`` names, for every file), each configuration read
    once per run. ``base`` is the options for stdin and JSON Lines: the configuration
    of the current folder."""

    def __init__(self, base: RunOptions, choices: Choices, config: Config, fixed: bool) -> None:
        self.base, self.choices, self.config, self.fixed = base, choices, config, fixed
        self._by_folder: dict[Path, Path | None] = {}
        self._by_config: dict[Path | None, RunOptions] = {config.path: base}

    def replace(self, **changes: Any) -> Configured:
        """The same configurations with ``changes`` made to every file's options."""
        return Configured(replace(self.base, **changes), self.choices, self.config, self.fixed)

    def __call__(self, path: Path) -> RunOptions:
        if self.fixed:
            return self.base
        folder = path.parent
        if folder not in self._by_folder:
            try:
                self._by_folder[folder] = find_config(folder)
            except ConfigError as error:
                raise click.UsageError(str(error)) from None
        found = self._by_folder[folder]
        if found not in self._by_config:
            config = _load(lambda: load_config_file(found))
            self._by_config[found] = _configure(self.base, config, self.choices)
        return self._by_config[found]


def _load(read: Callable[[], Config]) -> Config:
    try:
        return read()
    except ConfigError as error:
        raise click.UsageError(str(error)) from None


def _configure(run: RunOptions, config: Config, choices: Choices) -> RunOptions:
    """``run`` with the rules, script and unsafe fixes of the command line over ``config``."""
    try:
        chosen = choices.select or config.get("select")
        rules = select_rules(chosen, [*choices.ignore, *config.get("ignore", [])])
    except UnknownRuleError as error:
        raise click.UsageError(str(error)) from None
    script = choices.target or config.get("to", "auto")
    unsafe = run.repair and (choices.unsafe_fixes or bool(config.get("unsafe-fixes", False)))
    return replace(run, rules=rules, settings=Settings(target_script=script), unsafe_fixes=unsafe)


def run_options(
    *,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    target: str | None,
    encoding: str | None,
    config_file: Path | None = None,
    unsafe_fixes: bool = False,
    force_encoding: bool = False,
    max_size: int = DEFAULT_MAX_SIZE >> 20,
    paths: tuple[Path, ...] = (),
    **run: Any,
) -> Configured:
    """Merge CLI options over the configuration files; raise click.UsageError on bad
    values (of the configuration of the current folder, or of ``--config``, before
    any file is read)."""
    stdin_name = run.get("stdin_name")  # stdin named: the configuration of its folder
    if config_file is not None:
        config = _load(lambda: load_config_file(config_file))
    else:
        config = _load(lambda: load_config(Path(stdin_name).parent if stdin_name else Path.cwd()))
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise click.UsageError(f"unknown encoding {encoding!r}") from None
    choices = Choices(_split(select), _split(ignore), target, unsafe_fixes)
    base = RunOptions(
        rules=(),
        encoding=encoding,
        force_encoding=force_encoding,
        max_size=max_size << 20 or None,
        trees=tuple(path for path in paths if path.is_dir()),
        **run,
    )
    return Configured(_configure(base, config, choices), choices, config, config_file is not None)
