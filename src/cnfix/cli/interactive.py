"""``cnfix repair -i``: each fix shown on its line and asked about, as ``git add -p`` asks
about hunks; a file's whole diff first, through a pager when it is taller than the
terminal."""

from __future__ import annotations

import io
from collections.abc import Callable

import click

from cnfix.model import Finding
from cnfix.report.diff import Printer, inline_segments

#: Answers to "apply this fix?": accept, skip, accept every fix of this rule, quit.
CHOICES = {"a": "accept", "s": "skip", "r": "rule", "q": "quit"}


class Asker:
    """Asked by the engine before each fix (``RunOptions.accept``): shows the fix as an
    inline diff of its line and asks. A skipped fix is remembered by its rule, message
    and surroundings, so the passes after the first do not ask again; ``quit`` refuses
    every fix from then on (the ones accepted are still written)."""

    def __init__(self, printer: Printer) -> None:
        self.printer = printer
        self.label = ""
        self.rules: set[str] = set()
        self.skipped: set[tuple[str, str, str]] = set()
        self.quit = False

    def start(self, label: str) -> None:
        """Ask about the file ``label`` next (what was skipped in another is not)."""
        self.label = label
        self.skipped.clear()

    def __call__(self, finding: Finding, text: str) -> bool:
        assert finding.fix is not None
        if not finding.fix.edits:  # fixed by writing the file as UTF-8
            return True
        if self.quit:
            return False
        if finding.rule in self.rules:
            return True
        key = (finding.rule, finding.message, text[max(finding.start - 8, 0) : finding.end + 8])
        if key in self.skipped:
            return False
        self._show(finding, text)
        answer = self._prompt(finding.rule)
        if answer == "q":
            self.quit = True
        elif answer == "r":
            self.rules.add(finding.rule)
        elif answer == "s":
            self.skipped.add(key)
        return answer in ("a", "r")

    def _show(self, finding: Finding, text: str) -> None:
        assert finding.fix is not None
        edits = sorted(finding.fix.edits)
        start = text.rfind("\n", 0, edits[0].start) + 1
        end = text.find("\n", edits[-1].end)
        end = len(text) if end == -1 else end
        pieces, cursor = [], start
        for edit in edits:
            pieces += [text[cursor : edit.start], edit.replacement]
            cursor = edit.end
        pieces.append(text[cursor:end])
        line = text.count("\n", 0, start) + 1
        column = finding.start - start + 1
        where = f"{self.label}:{line}:{column}: {finding.code} {finding.rule} {finding.message}"
        self.printer.line(where, "header")
        self.printer.segments(f"{line:>5} │ ", inline_segments(text[start:end], "".join(pieces)))

    @staticmethod
    def _prompt(rule: str) -> str:
        choice = click.Choice([*CHOICES, *CHOICES.values()], case_sensitive=False)
        try:
            answer = click.prompt(
                f"Apply this {rule} fix? [a]ccept / [s]kip / accept all of this [r]ule / [q]uit",
                type=choice,
                show_choices=False,
                err=True,
            )
        except click.Abort:  # end of input or Ctrl-C: stop, write nothing more
            click.echo(err=True)
            return "q"
        return str(answer)[0].lower()


def show_paged(draw: Callable[[Printer], None], printer: Printer, height: int | None) -> None:
    """Draw a diff with ``printer``, or, taller than the terminal, through a pager."""
    if height is not None:
        buffer = io.StringIO()
        draw(Printer(buffer, color=False, width=printer.width))
        if buffer.getvalue().count("\n") > height - 2:
            click.echo_via_pager(buffer.getvalue())
            return
    draw(printer)
