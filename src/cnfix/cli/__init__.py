"""The command line: ``cnfix scan``, ``cnfix repair``, ``cnfix rules``.

The only package that imports click. Exit codes follow ruff: 0 clean, 1 findings
(or, for repair, findings left that could not be fixed), 2 errors
(``cnfix.app.tally``).
"""

from __future__ import annotations

import sys

import click

from cnfix import __version__
from cnfix.cli.repair_command import repair
from cnfix.cli.scan_command import scan
from cnfix.rules import RULES, UnknownRuleError, resolve_rule


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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="cnfix")
