"""Files and large files through the engine on several processes (``--jobs``).

The unit of work is either a batch of small files or one chunk of a large file
(``chunks.iter_chunks``: about 1 MB of whole paragraphs). Units go to a pool of worker
processes and come back **in input order**, with at most a few units per worker in
flight, so memory stays bounded however many files or however large the file. With
``jobs=1`` the same code runs in this process, without a pool: results are identical,
only the speed differs.

Everything that can be done per file is done by the worker, so that the parent, which
is one process however many workers there are, does as little as possible per file
(its serial work is what limits the speed-up): a batch is a list of file names, cut by
count, never ``stat``-ed here; the worker looks at each file (one ``lstat``), reads,
checks or repairs and writes it, and sends back only the outcomes that say something
(findings, a repair, an error, a notice, a write), ``None`` for the others.

A file found to be larger than ``STREAM_THRESHOLD`` is sent back unread, and streamed
here instead: read and decoded chunk by chunk, the chunks checked by the same pool
(while the batches after it keep the workers busy), and a repair written chunk by
chunk into a temporary file that replaces the target atomically once the last chunk
is in (``chunks.StreamWriter``).
"""

from __future__ import annotations

import errno
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cnfix.app.runner import (
    FileOutcome,
    RunOptions,
    checked_destination,
    process_document,
    process_file,
)
from cnfix.io.chunks import STREAM_THRESHOLD, Chunk, StreamWriter, iter_chunks
from cnfix.io.decode import BinaryFileError, InputError
from cnfix.model import MIN_REWRITE_CONFIDENCE, Applicability, Document, Edit, Finding, Fix
from cnfix.text.kinds import kind_for_name

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

#: Small files are handed to a worker in batches of this many files: enough that
#: handing work over costs little per file, few enough to spread the work evenly.
BATCH_FILES = 64
#: A worker stops a batch once it has read this many bytes and sends the rest back
#: undone (the parent hands it out again): a batch of large files stays small in memory.
BATCH_BYTES = 4 << 20
#: Units in flight per worker: enough to keep every worker busy, few enough to bound memory.
AHEAD_PER_JOB = 3
#: Below this much input a pool costs more than it saves (process start, pickling).
MIN_PARALLEL_BYTES = 2 << 20


def _same(item: T) -> T:
    return item


def default_jobs() -> int:
    """The number of cores this process may run on (the default of ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def idle_jobs() -> int:
    """The cores not already busy (``default_jobs`` less the load average of the last
    minute, rounded; at least one): what ``--jobs`` picks when not told. A worker on a
    core that other programs keep busy only adds the cost of going parallel."""
    cores = default_jobs()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - Windows
        return cores
    return max(1, min(cores, round(cores - load)))


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


#: What a unit of work whose worker died twice (killed: the OOM killer, a signal) says.
WORKER_DIED = "its worker process died (killed, out of memory?); left as it was"


def _worker_start(parent: int | None) -> None:
    """Set up a worker: it dies with its parent, and leaves Ctrl-C to the parent.

    Without the first, killing only the parent orphans the workers, which keep the
    parent's stdout and stderr open (a ``| tee`` or a CI step then never ends); without
    the second, Ctrl-C reaches every worker of the terminal's process group and each
    prints a traceback, while the parent stops them in order anyway. ``parent``: the
    pid of the parent of a forked worker (None for a fork server's).
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if parent is not None and os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (``PR_SET_PDEATHSIG``)."""
    import sys

    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no prctl: orphans possible
        return


class Pool:
    """``jobs`` worker processes, started on first need; work comes back in order.

    ``ordered`` may be called again while an earlier ``ordered`` is still being read
    (a large file met in a batch is streamed through the same workers while the
    batches after it run): each call keeps its own queue of pending results.

    A worker that dies (killed by a signal or the OOM killer) breaks the pool: a new
    one is started and the units that were pending are sent again, once; a unit whose
    worker dies again is given up (``failed``).
    """

    def __init__(self, jobs: int, ahead: int | None = None) -> None:
        self.jobs = jobs
        self.ahead = ahead or AHEAD_PER_JOB * jobs
        self._executor: ProcessPoolExecutor | None = None

    def ordered(
        self,
        function: Callable[[Any], R],
        items: Iterable[T],
        send: Callable[[T], Any] | None = None,
        failed: Callable[[T], R] | None = None,
    ) -> Iterator[tuple[T, R]]:
        """``(item, function(send(item)))`` for each item, in input order.

        ``items`` is consumed lazily: at most ``ahead`` results are pending at once.
        ``function`` and the items must pickle (a module-level function, or a
        ``functools.partial`` of one); ``send`` makes what goes to the worker out of an
        item (something lighter to pickle, say). An exception in a worker is raised here, in
        order; pending work is cancelled when the caller stops early. ``failed`` gives
        the result of an item whose worker died twice (without it, BrokenProcessPool
        is raised).

        The first item of a pool is done here, before the workers start: whatever the
        work loads on first use (rule tables, compiled classes, OpenCC's dictionaries)
        is then loaded once, and the forked workers inherit it.
        """
        if send is None:
            send = _same
        if self.jobs <= 1:
            for item in items:
                yield item, function(send(item))
            return
        from concurrent.futures.process import BrokenProcessPool

        # Each pending unit: the item, its future, whether it was already sent again.
        pending: deque[tuple[T, Future[R], bool]] = deque()

        def submit(item: T, again: bool) -> None:
            assert self._executor is not None
            pending.append((item, self._executor.submit(function, send(item)), again))

        def take() -> tuple[T, R] | None:
            """The oldest result; None when the pool broke and the units were sent again."""
            item, future, again = pending.popleft()
            try:
                return item, future.result()
            except BrokenProcessPool:
                others = [other for other, _, _ in pending]
                pending.clear()
                self._restart()
                if again and failed is None:
                    raise
                if not again:
                    submit(item, True)
                for other in others:
                    submit(other, True)
                return (item, failed(item)) if again and failed is not None else None

        try:
            for item in items:
                if self._executor is None:
                    result = function(send(item))
                    self._start()
                    yield item, result
                    continue
                submit(item, False)
                while len(pending) >= self.ahead:
                    if (taken := take()) is not None:
                        yield taken
            while pending:
                if (taken := take()) is not None:
                    yield taken
        finally:
            for _, future, _ in pending:
                future.cancel()

    def _start(self) -> None:
        from concurrent.futures import ProcessPoolExecutor  # only when there is a pool

        context = _context()
        forked = context is not None and context.get_start_method() == "fork"
        self._executor = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=context,
            initializer=_worker_start,
            # A forked worker's parent is this process; a fork server's is the server.
            initargs=(os.getpid() if forked else None,),
        )

    def _restart(self) -> None:
        """A new pool in place of a broken one (its surviving workers are let go)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        self._start()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ordered_map(
    function: Callable[[T], R], items: Iterable[T], *, jobs: int, ahead: int | None = None
) -> Iterator[R]:
    """``map(function, items)`` on ``jobs`` processes, results in input order
    (``Pool.ordered`` on a pool of its own)."""
    with Pool(jobs, ahead) as pool:
        for _, result in pool.ordered(function, items):
            yield result


# --- findings sent back by a worker --------------------------------------------------------

_APPLICABILITY = tuple(Applicability)


class PackedFindings(list[Finding]):
    """A list of findings that a worker sends back as columns, not as objects.

    Pickled one by one, the tens of thousands of findings of a damaged chunk cost more
    than repairing it (four objects each, built again by Python calls on arrival). As
    columns (rules, codes, offsets, messages, fixes) they pickle as plain lists, and
    arrive as ``UnpackedFindings``, built into findings only when someone reads them:
    ``repair -q -o`` only counts them. In the process that made it, it is a list.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        spelled: dict[str, str] = {}  # one object per distinct message: pickled once
        fixes = [f.fix for f in self]
        edits = [edit for fix in fixes if fix is not None for edit in fix.edits]
        columns = (
            [f.rule for f in self],
            [f.code for f in self],
            [f.start for f in self],
            [f.end for f in self],
            [spelled.setdefault(f.message, f.message) for f in self],
            [None if fix is None else fix.title for fix in fixes],
            [0 if fix is None else _APPLICABILITY.index(fix.applicability) for fix in fixes],
            [0 if fix is None else len(fix.edits) for fix in fixes],
            [edit.start for edit in edits],
            [edit.end for edit in edits],
            [edit.replacement for edit in edits],
        )
        return UnpackedFindings, columns


class UnpackedFindings(Sequence[Finding]):
    """``PackedFindings`` after the trip: its length at once, its findings on first read."""

    def __init__(self, *columns: list[Any]) -> None:
        self._columns: tuple[list[Any], ...] | None = columns
        self._size = len(columns[0])
        self._items: list[Finding] = []

    def _built(self) -> list[Finding]:
        if self._columns is not None:
            rules, codes, starts, ends, messages, titles, kinds, counts, *edits = self._columns
            all_edits = list(map(Edit, *edits))
            items = []
            at = 0
            for rule, code, start, end, message, title, kind, count in zip(
                rules, codes, starts, ends, messages, titles, kinds, counts, strict=True
            ):
                fix = None
                if title is not None:
                    fix = Fix(tuple(all_edits[at : at + count]), title, _APPLICABILITY[kind])
                    at += count
                items.append(Finding(rule, code, start, end, message, fix))
            self._items = items
            self._columns = None
        return self._items

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        return self._built()[index]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    __hash__ = None  # type: ignore[assignment]


def _packed(outcome: FileOutcome) -> FileOutcome:
    """``outcome`` with its findings ready to travel as columns."""
    outcome.findings = PackedFindings(outcome.findings)
    outcome.applied = PackedFindings(outcome.applied)
    return outcome


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
    kind: str  # the file's, judged from its name and first chunk (a script's #! line)


@dataclass(frozen=True, slots=True)
class _StreamError:
    path: Path
    error: str
    skipped: bool = False  # binary data: a notice, as for a small file, not an error


#: In a batch's results: this file is larger than STREAM_THRESHOLD, stream it.
STREAM = "stream"
#: What ``Path.exists`` takes for "no such file" (it raises on the other errors).
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})

BatchResult = list[FileOutcome | str | None]


def process_batch(
    names: list[str],
    options: RunOptions,
    stream_threshold: int | None = None,
    batch_bytes: int | None = None,
) -> BatchResult:
    """A batch of small files, one after the other (what a worker does with a batch).

    One entry per file, in order: ``None`` for a file with nothing to report (no
    finding, no change, nothing written, no error or notice: the parent knows its path
    and needs nothing else), ``STREAM`` for a file to stream, else its FileOutcome,
    without the text when it has no finding and no change. Fewer entries than names
    when the batch was cut after ``batch_bytes`` read: the rest is still to do.

    The limits default to ``STREAM_THRESHOLD`` and ``BATCH_BYTES``; the parent passes
    its own values, which a worker started by a fork server would not otherwise see.
    """
    stream_threshold = STREAM_THRESHOLD if stream_threshold is None else stream_threshold
    batch_bytes = BATCH_BYTES if batch_bytes is None else batch_bytes
    results: BatchResult = []
    read = 0
    for name in names:
        if read >= batch_bytes:
            break
        path = Path(name)
        try:
            status: os.stat_result | None = os.lstat(name)
        except OSError as error:
            if error.errno in _ABSENT:
                results.append(FileOutcome(path, error="no such file or directory"))
                continue
            status = None  # process_file's own checks say what is wrong
        # The size of a regular file (no link, no folder), else None.
        size = status.st_size if status is not None and stat.S_ISREG(status.st_mode) else None
        if size is not None and size > stream_threshold:
            results.append(STREAM)
            continue
        read += size or 0
        outcome = process_file(path, options, walked=status if size is not None else None)
        if not outcome.findings and not outcome.changed:
            if outcome.written is None and outcome.error is None and outcome.notice is None:
                results.append(None)
                continue
            outcome.text, outcome.repaired = "", None
        results.append(_packed(outcome))
    return results


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
        kind=unit.kind,
        encoding=chunk.encoding if first else "utf-8",
        bom=chunk.bom if first else False,
        confidence=chunk.confidence,
        settings=options.settings,
    )
    process_document(doc, options, outcome)
    _packed(outcome)
    return outcome


def _process_stream_unit(unit: _ChunkUnit | _StreamError, options: RunOptions) -> FileOutcome:
    if isinstance(unit, _ChunkUnit):
        return process_chunk(unit, options)
    if unit.skipped:
        return FileOutcome(unit.path, notice=f"skipped: {unit.error}")
    return FileOutcome(unit.path, error=unit.error)


def _size(path: Path) -> int:
    """Size of a regular file; 0 for anything else, symlinks included: those go through
    ``process_file``, which applies the symlink policy (never out of the tree)."""
    try:
        status = path.lstat()
    except OSError:
        return 0
    return status.st_size if stat.S_ISREG(status.st_mode) else 0


def _stream_units(path: Path, options: RunOptions) -> Iterator[_ChunkUnit | _StreamError]:
    """The chunks of a large file, each knowing whether it is the last; then any error.

    The file was a regular file when a worker looked at it: it is opened as one
    (``walked``), so a symlink swapped in since is not followed."""
    previous: Chunk | None = None
    index = -1
    kind = "text"
    try:
        walked = os.lstat(path)
        chunks = iter_chunks(
            path, encoding=options.encoding, walked=walked, force=options.force_encoding
        )
        for index, chunk in enumerate(chunks):
            if previous is not None:
                yield _ChunkUnit(path, previous, index - 1, last=False, kind=kind)
            else:
                kind = kind_for_name(path, chunk.text)
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
        yield _ChunkUnit(path, previous, index, last=True, kind=kind)


def _take_at_least(paths: Iterator[Path], total: int) -> tuple[list[Path], bool]:
    """The first files, taken until they hold ``total`` bytes; whether they do."""
    taken: list[Path] = []
    seen = 0
    for path in paths:
        taken.append(path)
        seen += _size(path)
        if seen >= total:
            return taken, True
    return taken, False


class _StreamedRepair:
    """Writes the repaired chunks of one large file, then replaces the target (or not)."""

    def __init__(self, unit: _ChunkUnit, options: RunOptions) -> None:
        self.path = unit.path
        self.in_place = options.output_root is None
        if self.in_place:
            # The identity of the file when it was opened, before its first byte was
            # read: an editor's save since then (a rename or a rewrite) is never lost.
            self.destination = unit.path
            self.writer = StreamWriter(unit.path, expected=unit.chunk.identity)
        else:
            self.destination = checked_destination(unit.path, options)
            self.writer = StreamWriter(self.destination, follow_symlinks=False)
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


def _unit_failed(unit: _ChunkUnit | _StreamError) -> FileOutcome:
    return FileOutcome(unit.path, error=WORKER_DIED)


def _start_repair(
    unit: _ChunkUnit, outcome: ChunkOutcome, options: RunOptions
) -> _StreamedRepair | None:
    """Open the streamed write at a file's first chunk, or say on the outcome why not."""
    if outcome.confidence < MIN_REWRITE_CONFIDENCE and options.encoding is None:
        outcome.notice = (
            f"not written: encoding detected with low confidence ({outcome.confidence:.2f}); "
            "name it with --encoding"
        )
        return None
    try:
        return _StreamedRepair(unit, options)
    except (InputError, OSError) as error:
        outcome.error = f"cannot write: {getattr(error, 'strerror', None) or error}"
        return None


def _stream_file(path: Path, options: RunOptions, pool: Pool) -> Iterator[FileOutcome]:
    """One large file, chunk by chunk through ``pool``; written as it goes when asked."""
    work = partial(_process_stream_unit, options=options)
    repair: _StreamedRepair | None = None
    try:
        units = _stream_units(path, options)
        for unit, outcome in pool.ordered(work, units, failed=_unit_failed):
            if not isinstance(outcome, ChunkOutcome) or not isinstance(unit, _ChunkUnit):
                if repair is not None:
                    repair.writer.abort()  # reading the file failed part-way
                    repair = None
                yield outcome
                continue
            if options.write and outcome.index == 0 and outcome.error is None:
                repair = _start_repair(unit, outcome, options)
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


def _batches(paths: Iterable[Path]) -> Iterator[list[Path]]:
    """Batches of ``BATCH_FILES`` paths, taken lazily; the first one smaller: it is done
    before the workers start (it loads what the rules need, and they inherit it)."""
    iterator = iter(paths)
    size = max(1, BATCH_FILES // 8)
    while batch := list(islice(iterator, size)):
        yield batch
        size = BATCH_FILES


def _run_batches(
    batches: Iterable[list[Path]], options: RunOptions, pool: Pool
) -> Iterator[FileOutcome]:
    work = partial(
        process_batch,
        options=options,
        stream_threshold=STREAM_THRESHOLD,
        batch_bytes=BATCH_BYTES,
    )
    for batch, results in pool.ordered(work, batches, _names, _batch_failed):
        for path, result in zip(batch, results, strict=False):
            if result is None:
                yield FileOutcome(path)
            elif isinstance(result, str):
                yield from _stream_file(path, options, pool)
            else:
                result.path = path
                yield result
        if len(results) < len(batch):  # cut short by a worker: the rest, in order
            yield from _run_batches(_batches(batch[len(results) :]), options, pool)


def _batch_failed(batch: list[Path]) -> BatchResult:
    return [FileOutcome(path, error=WORKER_DIED) for path in batch]


def _names(batch: list[Path]) -> list[str]:
    return [os.fspath(path) for path in batch]


def run_files(
    paths: Iterable[Path], options: RunOptions, *, jobs: int = 1
) -> Iterator[FileOutcome]:
    """Process ``paths`` on ``jobs`` processes; outcomes in input order.

    ``paths`` is taken as the work goes (a walk of a folder can feed it). Below
    ``MIN_PARALLEL_BYTES`` of input in all, the work stays in this process.

    A file larger than ``chunks.STREAM_THRESHOLD`` is streamed: it yields one
    ``ChunkOutcome`` per chunk (``first_line`` places it in the file) and, with
    ``options.write``, is written chunk by chunk and replaced atomically once complete
    (a failure then yields one more outcome, with the error). Any other file yields
    one ``FileOutcome``. ``--max-size`` guards whole-file reads; streamed files are
    never held whole, so it does not apply to them.
    """
    paths = iter(paths)  # taken lazily: a folder walk overlaps the work
    head: list[Path] = []
    if jobs > 1:
        head, enough = _take_at_least(paths, MIN_PARALLEL_BYTES)
        jobs = jobs if enough else 1
    with Pool(jobs) as pool:
        yield from _run_batches(_batches(chain(head, paths)), options, pool)
