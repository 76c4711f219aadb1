"""A progress display on stderr for long runs, and a way to print report lines above
it while it is drawn."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from rich.console import Console

# --- progress -----------------------------------------------------------------------

#: A progress bar is drawn (on a terminal) only from this many files on.
PROGRESS_AT = 200

T = TypeVar("T")


def live_console(stream: IO[str]) -> Console:
    """The console a progress display is drawn on."""
    from rich.console import Console

    return Console(file=stream)


class PrintedThrough(io.TextIOBase):
    """A terminal stream whose lines are printed by ``console``, above its progress
    display while one is drawn, so that the two never cut into each other. Colour
    written to it (ANSI) is kept. Not rich's own proxy: a rich console writing to
    that one would reach the terminal around it."""

    def __init__(self, console: Console, stream: IO[str]) -> None:
        self._console, self._stream, self._partial = console, stream, ""

    def write(self, text: str) -> int:
        *lines, self._partial = (self._partial + text).split("\n")
        for line in lines:
            self._print(line)
        return len(text)

    def flush(self) -> None:
        if self._partial:
            self._print(self._partial)
            self._partial = ""

    def _print(self, line: str) -> None:
        from rich.text import Text

        self._console.print(Text.from_ansi(line), soft_wrap=True, highlight=False)

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._stream.fileno()


def with_progress(items: Iterable[T], total: int, console: Console) -> Iterator[T]:
    """Yield ``items`` while drawing a transient progress bar on ``console``.

    The caller decides when (a terminal, enough files, not ``--quiet``); the bar is
    removed when done, so only the report stays on screen.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("files", total=total)
        for item in items:
            yield item
            progress.advance(task)


def with_count(
    items: Iterable[T], count: Callable[[], int], noun: str, console: Console
) -> Iterator[T]:
    """Yield ``items`` while showing, on ``console``, how many ``noun`` are done and the
    time taken: for inputs whose size is not known before the end (JSON Lines records).
    ``count`` is read at each refresh, from rich's thread, so it must be safe to call
    while the run updates what it counts (a few dict lookups are)."""
    from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TimeElapsedColumn
    from rich.text import Text

    class Done(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(f"{count():,} {noun}")

    columns = (SpinnerColumn(), Done(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        progress.add_task(noun, total=None)
        yield from items
