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

A file found to be larger than ``STREAM_THRESHOLD`` is sent back unread and streamed
through the same pool (``streaming``) while the batches after it keep the workers busy.
The pool itself is ``pool.Pool``; findings travel packed in columns (``packing``).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import chain, islice
from pathlib import Path

from cnfix.app.packing import packed
from cnfix.app.pool import WORKER_DIED, Pool
from cnfix.app.runner import FileOutcome, RunOptions, process_file
from cnfix.app.streaming import stream_file
from cnfix.io.chunks import STREAM_THRESHOLD

#: Small files are handed to a worker in batches of this many files: enough that
#: handing work over costs little per file, few enough to spread the work evenly.
BATCH_FILES = 64
#: A worker stops a batch once it has read this many bytes and sends the rest back
#: undone (the parent hands it out again): a batch of large files stays small in memory.
BATCH_BYTES = 4 << 20
#: Below this much input a pool costs more than it saves (process start, pickling).
MIN_PARALLEL_BYTES = 2 << 20


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
        results.append(packed(outcome, options))
    return results


def _size(path: Path) -> int:
    """Size of a regular file; 0 for anything else, symlinks included: those go through
    ``process_file``, which applies the symlink policy (never out of the tree)."""
    try:
        status = path.lstat()
    except OSError:
        return 0
    return status.st_size if stat.S_ISREG(status.st_mode) else 0


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
                yield from stream_file(path, options, pool)
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
