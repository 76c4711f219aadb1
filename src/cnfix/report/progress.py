"""A progress bar on stderr for long runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import IO, TypeVar

# --- progress -----------------------------------------------------------------------

#: A progress bar is drawn (on a terminal) only from this many files on.
PROGRESS_AT = 200

T = TypeVar("T")


def with_progress(items: Iterable[T], total: int, stream: IO[str]) -> Iterator[T]:
    """Yield ``items`` while drawing a transient progress bar on ``stream``.

    The caller decides when (a terminal, enough files, not ``--quiet``); the bar is
    removed when done, so only the report stays on screen.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(file=stream)
    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("files", total=total)
        for item in items:
            yield item
            progress.advance(task)


def with_count(
    items: Iterable[T], count: Callable[[], int], noun: str, stream: IO[str]
) -> Iterator[T]:
    """Yield ``items`` while showing, on ``stream``, how many ``noun`` are done and the
    time taken: for inputs whose size is not known before the end (JSON Lines records).
    ``count`` is read at each refresh, from rich's thread, so it must be safe to call
    while the run updates what it counts (a few dict lookups are)."""
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TimeElapsedColumn
    from rich.text import Text

    class Done(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(f"{count():,} {noun}")

    console = Console(file=stream)
    columns = (SpinnerColumn(), Done(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        progress.add_task(noun, total=None)
        yield from items
