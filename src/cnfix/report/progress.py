"""A progress bar on stderr for long runs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
