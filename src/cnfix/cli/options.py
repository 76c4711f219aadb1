"""Options shared by ``scan`` and ``repair``, merged over ``[tool.cnfix]`` into the
``RunOptions`` the pipeline runs with, and the one-line messages on stderr."""

from __future__ import annotations

import codecs
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from cnfix.app.runner import FileOutcome, RunOptions
from cnfix.config import Config, ConfigError, load_config
from cnfix.io.safe_files import DEFAULT_MAX_SIZE
from cnfix.model import KINDS, Settings
from cnfix.rules import UnknownRuleError, select_rules
from cnfix.rules.script.options import TARGET_SCRIPTS, TargetScriptError, validate_target_script

F = TypeVar("F", bound=Callable[..., Any])


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


def reporting_options(function: F) -> F:
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


def error(message: str) -> None:
    click.echo(f"cnfix: error: {message}", err=True)


def notice(message: str) -> None:
    click.echo(f"cnfix: {message}", err=True)


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


def run_options(
    *,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    target: str | None,
    encoding: str | None,
    force_encoding: bool = False,
    max_size: int = DEFAULT_MAX_SIZE >> 20,
    paths: tuple[Path, ...] = (),
    unsafe_fixes: bool = False,
    **run: Any,
) -> tuple[Config, RunOptions]:
    """Merge CLI options over ``[tool.cnfix]`` (every key in this one place); raise
    click.UsageError on bad values."""
    stdin_name = run.get("stdin_name")
    try:
        config = load_config(Path(stdin_name).parent if stdin_name else Path.cwd())
        chosen = _split(select) or config.get("select")
        dropped = _split(ignore) + list(config.get("ignore", []))
        rules = select_rules(chosen, dropped)
    except (ConfigError, UnknownRuleError) as error:
        raise click.UsageError(str(error)) from None
    script = target or config.get("to", "auto")
    try:
        script = validate_target_script(script)
    except TargetScriptError:
        raise click.UsageError(
            f"{config.path}: [tool.cnfix] to = {script!r} is not one of {', '.join(TARGET_SCRIPTS)}"
        ) from None
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise click.UsageError(f"unknown encoding {encoding!r}") from None
    return config, RunOptions(
        rules=rules,
        settings=Settings(target_script=script),
        encoding=encoding,
        force_encoding=force_encoding,
        max_size=max_size << 20 or None,
        trees=tuple(path for path in paths if path.is_dir()),
        unsafe_fixes=unsafe_fixes or bool(config.get("unsafe-fixes", False)),
        **run,
    )
