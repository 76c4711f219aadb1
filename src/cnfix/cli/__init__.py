"""The command line: ``cnfix scan``, ``cnfix repair``, ``cnfix rules``.

The only package that imports click. Exit codes follow ruff: 0 clean, 1 findings
(or, for repair, findings left that could not be fixed), 2 errors
(``cnfix.app.tally``).
"""

from __future__ import annotations

import contextlib
import os
import sys

import click

from cnfix import __version__
from cnfix.cli.repair_command import repair
from cnfix.cli.scan_command import scan
from cnfix.rules import RULES, UnknownRuleError, resolve_rule

#: The exit status after Ctrl-C, as shells report a command that SIGINT ended.
EXIT_INTERRUPTED = 130


class Cnfix(click.Group):
    """The command group; Ctrl-C ends a command with status 130 (click's own answer is
    1, the status of "findings"). Files are written whole or not at all
    (``cnfix.io.safe_files``), so an interrupted repair leaves nothing half-written."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            pass  # leave the handler first: the command's frames close their open outputs
        click.echo("\ncnfix: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)


@click.group(cls=Cnfix, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cnfix")
def cli() -> None:
    """Find and repair damaged Chinese text."""
    # File names that are not valid UTF-8 reach us as lone surrogates: print them as
    # escapes instead of crashing on them.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


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


@cli.command()
def server() -> None:
    """Run the language server on stdin/stdout (for editors; needs cnfix[lsp])."""
    try:
        from cnfix.lsp.server import main as serve
    except ImportError as error:
        raise click.ClickException(
            f"the language server needs pygls ({error}): pip install 'cnfix[lsp]'"
        ) from None
    serve()


cli.add_command(scan)
cli.add_command(repair)


#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def main() -> None:
    """Console-script entry point; failures of the run itself end as one line and exit
    status 2 (Ctrl-C: 130), never a traceback: stdout that cannot be written (a full
    device), a worker process that died twice."""
    from cnfix.app.pool import WorkerDied
    from cnfix.app.tally import EXIT_ERROR

    try:
        cli(prog_name="cnfix", standalone_mode=False)
    except click.exceptions.Abort:
        _stop("interrupted", EXIT_INTERRUPTED)
    except KeyboardInterrupt:
        _stop("interrupted", EXIT_INTERRUPTED)
    except click.ClickException as problem:
        problem.show()
        sys.exit(problem.exit_code)
    except BrokenPipeError:  # the reader went away (``| head``): nothing more to say
        _quiet_stdout()
        sys.exit(EXIT_ERROR)
    except OSError as problem:
        _quiet_stdout()
        _stop(f"error: cannot write the output: {problem.strerror or problem}", EXIT_ERROR)
    except WorkerDied:
        _stop("error: a worker process died (killed, out of memory?)", EXIT_ERROR)


def _stop(message: str, status: int) -> None:
    with contextlib.suppress(OSError):
        click.echo(f"cnfix: {message}", err=True)
    sys.exit(status)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush of what could not
    be written raises nothing more."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
