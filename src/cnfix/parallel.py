"""Files and large files through the engine on several processes (``--jobs``).

The unit of work is either a batch of small files (about ``BATCH_BYTES`` of input, so
the cost of handing work to a process is paid once per batch, not once per file) or
one chunk of a large file (``textio.iter_chunks``: about 1 MB of whole paragraphs).
Units go to a pool of worker processes and come back **in input order**, with at most
a few units per worker in flight, so memory stays bounded however many files or
however large the file. With ``jobs=1`` the same code runs in this process, without
a pool: results are identical, only the speed differs.

Large files are read and decoded here, chunk by chunk; workers only see text. A
streamed repair is written here too, chunk by chunk, into a temporary file that
replaces the target atomically once the last chunk is in (``textio.StreamWriter``).
Small files are read, repaired and written by the worker (``runner.process_file``).
"""

from __future__ import annotations

import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cnfix.model import Document
from cnfix.rules.encoding import MIN_REWRITE_CONFIDENCE
from cnfix.runner import FileOutcome, RunOptions, destination_for, process_document, process_file
from cnfix.textio import (
    STREAM_THRESHOLD,
    BinaryFileError,
    Chunk,
    FileIdentity,
    InputError,
    StreamWriter,
    iter_chunks,
    kind_for_path,
)

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")

#: Small files are handed to a worker in batches of about this many bytes...
BATCH_BYTES = 1 << 18
#: ...or this many files, whichever comes first.
BATCH_FILES = 256
#: Units in flight per worker: enough to keep every worker busy, few enough to bound memory.
AHEAD_PER_JOB = 3
#: Below this much input a pool costs more than it saves (process start, pickling).
MIN_PARALLEL_BYTES = 2 << 20


def default_jobs() -> int:
    """The number of cores this process may run on (the default of ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext | None:
    """``fork`` where there is one and this process runs one thread: workers start at
    once, with cnfix and its loaded tables already there. Forking a process with other
    threads can deadlock a child on a lock one of them held (a library embedding cnfix
    may run threads): then ``forkserver`` or the platform's default."""
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return None  # pragma: no cover - Windows


def ordered_map(
    function: Callable[[T], R], items: Iterable[T], *, jobs: int, ahead: int | None = None
) -> Iterator[R]:
    """``map(function, items)`` on ``jobs`` processes, results in input order.

    ``items`` is consumed lazily: at most ``ahead`` (default ``AHEAD_PER_JOB * jobs``)
    results are pending at once. ``function`` and the items must pickle (a module-level
    function, or a ``functools.partial`` of one). An exception in a worker is raised
    here, in order; pending work is cancelled when the caller stops early.

    The first item is done here, before the pool starts: whatever the work loads on
    first use (rule tables, compiled classes, OpenCC's dictionaries) is then loaded
    once, and the forked workers inherit it instead of each loading it again.
    """
    if jobs <= 1:
        yield from map(function, items)
        return
    from concurrent.futures import ProcessPoolExecutor  # only when there is a pool

    items = iter(items)
    for first in items:
        yield function(first)
        break
    ahead = ahead or AHEAD_PER_JOB * jobs
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context())
    pending: deque[Future[R]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- the units of work ------------------------------------------------------------------


@dataclass
class ChunkOutcome(FileOutcome):
    """The outcome of one chunk of a streamed file.

    ``text`` is the chunk, finding offsets are relative to it, ``first_line`` is the
    line number of its first line in the file; ``index`` counts chunks from 0 and
    ``last`` marks the file's last one.
    """

    first_line: int = 1
    index: int = 0
    last: bool = False
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class _ChunkUnit:
    path: Path
    chunk: Chunk
    index: int
    last: bool


@dataclass(frozen=True, slots=True)
class _StreamError:
    path: Path
    error: str
    skipped: bool = False  # binary data: a notice, as for a small file, not an error


Unit = list[Path] | _ChunkUnit | _StreamError


def _missing(path: Path) -> bool:
    return not path.exists() and not path.is_symlink()


def process_paths(paths: list[Path], options: RunOptions) -> list[FileOutcome]:
    """A batch of small files, one after the other (what a worker does with a batch).

    The text of a file with nothing to report is dropped from its outcome before it
    goes back to the parent: it is not needed there, and shipping it costs time.
    """
    outcomes = []
    for path in paths:
        if _missing(path):
            outcomes.append(FileOutcome(path, error="no such file or directory"))
            continue
        outcome = process_file(path, options)
        if not outcome.findings and not outcome.changed:
            outcome.text, outcome.repaired = "", None
        outcomes.append(outcome)
    return outcomes


def process_chunk(unit: _ChunkUnit, options: RunOptions) -> ChunkOutcome:
    """Check or repair one chunk of a large file (nothing is written here)."""
    chunk = unit.chunk
    outcome = ChunkOutcome(
        unit.path,
        first_line=chunk.first_line,
        index=unit.index,
        last=unit.last,
        confidence=chunk.confidence,
    )
    first = unit.index == 0  # the file-level encoding finding belongs to the first chunk
    doc = Document(
        chunk.text,
        kind=kind_for_path(unit.path),
        encoding=chunk.encoding if first else "utf-8",
        bom=chunk.bom if first else False,
        confidence=chunk.confidence,
        settings=options.settings,
    )
    process_document(doc, options, outcome)
    return outcome


def _process_unit(unit: Unit, options: RunOptions) -> list[FileOutcome]:
    if isinstance(unit, _ChunkUnit):
        return [process_chunk(unit, options)]
    if isinstance(unit, _StreamError):
        if unit.skipped:
            return [FileOutcome(unit.path, notice=f"skipped: {unit.error}")]
        return [FileOutcome(unit.path, error=unit.error)]
    return process_paths(unit, options)


def _size(path: Path) -> int:
    """Size of a regular file; 0 for anything else, symlinks included: those go through
    ``process_file``, which applies the symlink policy (never out of the tree)."""
    try:
        status = path.lstat()
    except OSError:
        return 0
    return status.st_size if stat.S_ISREG(status.st_mode) else 0


def _stream_units(path: Path, options: RunOptions) -> Iterator[Unit]:
    """The chunks of a large file, each knowing whether it is the last; then any error."""
    previous: Chunk | None = None
    index = -1
    try:
        for index, chunk in enumerate(iter_chunks(path, encoding=options.encoding)):
            if previous is not None:
                yield _ChunkUnit(path, previous, index - 1, last=False)
            previous = chunk
    except BinaryFileError as error:
        yield _StreamError(path, str(error), skipped=True)
        return
    except InputError as error:
        yield _StreamError(path, str(error))
        return
    except OSError as error:
        yield _StreamError(path, f"cannot read: {error.strerror or error}")
        return
    if previous is not None:
        yield _ChunkUnit(path, previous, index, last=True)


def _at_least(paths: Iterable[Path], total: int) -> bool:
    """Whether the files hold ``total`` bytes or more (stops counting once they do)."""
    seen = 0
    for path in paths:
        seen += _size(path)
        if seen >= total:
            return True
    return False


def _units(paths: Iterable[Path], options: RunOptions) -> Iterator[Unit]:
    batch: list[Path] = []
    batch_bytes = 0
    for path in paths:
        size = _size(path)
        if size > STREAM_THRESHOLD:
            if batch:
                yield batch
                batch, batch_bytes = [], 0
            yield from _stream_units(path, options)
            continue
        batch.append(path)
        batch_bytes += size
        if batch_bytes >= BATCH_BYTES or len(batch) >= BATCH_FILES:
            yield batch
            batch, batch_bytes = [], 0
    if batch:
        yield batch


class _StreamedRepair:
    """Writes the repaired chunks of one large file, then replaces the target (or not)."""

    def __init__(self, outcome: ChunkOutcome, options: RunOptions) -> None:
        self.path = outcome.path
        self.destination = destination_for(outcome.path, options)
        self.in_place = self.destination == outcome.path
        identity = FileIdentity.of(os.stat(outcome.path)) if self.in_place else None
        if not self.in_place:
            self.destination.parent.mkdir(parents=True, exist_ok=True)
        self.writer = StreamWriter(self.destination, expected=identity)
        # The first chunk's encoding finding counts as a change: a file that was not
        # UTF-8 (or had a BOM) is rewritten even when nothing else changed.
        self.changed = False

    def add(self, outcome: ChunkOutcome) -> None:
        text = outcome.repaired if outcome.repaired is not None else outcome.text
        self.changed = self.changed or outcome.changed
        self.writer.write(text.encode("utf-8"))

    def finish(self) -> bool:
        """Replace the target when something changed (always for ``-o``); True if written."""
        if self.in_place and not self.changed:
            self.writer.abort()
            return False
        self.writer.commit()
        return True


def _start_repair(outcome: ChunkOutcome, options: RunOptions) -> _StreamedRepair | None:
    """Open the streamed write at a file's first chunk, or say on the outcome why not."""
    if outcome.confidence < MIN_REWRITE_CONFIDENCE and options.encoding is None:
        outcome.notice = (
            f"not written: encoding detected with low confidence ({outcome.confidence:.2f}); "
            "name it with --encoding"
        )
        return None
    try:
        return _StreamedRepair(outcome, options)
    except (InputError, OSError) as error:
        outcome.error = f"cannot write: {getattr(error, 'strerror', None) or error}"
        return None


def run_files(
    paths: Iterable[Path], options: RunOptions, *, jobs: int = 1
) -> Iterator[FileOutcome]:
    """Process ``paths`` on ``jobs`` processes; outcomes in input order.

    A file larger than ``textio.STREAM_THRESHOLD`` is streamed: it yields one
    ``ChunkOutcome`` per chunk (``first_line`` places it in the file) and, with
    ``options.write``, is written chunk by chunk and replaced atomically once complete
    (a failure then yields one more outcome, with the error). Any other file yields
    one ``FileOutcome``. ``--max-size`` guards whole-file reads; streamed files are
    never held whole, so it does not apply to them.
    """
    paths = list(paths)
    if jobs > 1 and not _at_least(paths, MIN_PARALLEL_BYTES):
        jobs = 1
    work = partial(_process_unit, options=options)
    repair: _StreamedRepair | None = None
    try:
        for outcomes in ordered_map(work, _units(paths, options), jobs=jobs):
            for outcome in outcomes:
                if not isinstance(outcome, ChunkOutcome):
                    if repair is not None and outcome.path == repair.path:
                        repair.writer.abort()  # reading the file failed part-way
                        repair = None
                    yield outcome
                    continue
                if options.write and outcome.index == 0 and outcome.error is None:
                    repair = _start_repair(outcome, options)
                failure: str | None = None
                if repair is not None:
                    if outcome.error is not None:
                        repair.writer.abort()
                        repair = None
                    else:
                        try:
                            repair.add(outcome)
                        except OSError as error:  # disk full, I/O error: report, keep going
                            repair.writer.abort()
                            repair = None
                            outcome.error = f"cannot write: {error.strerror or error}"
                            yield outcome
                            continue
                        outcome.written = repair.destination
                        if outcome.last:
                            try:
                                if not repair.finish():
                                    outcome.written = None
                            except (InputError, OSError) as error:
                                failure = str(error)
                            repair = None
                yield outcome
                if failure is not None:
                    yield FileOutcome(outcome.path, error=failure)
    finally:
        if repair is not None:
            repair.writer.abort()
