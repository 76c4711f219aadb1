"""A large file through the pool chunk by chunk, written as it goes (``repair -w``).

A file larger than ``chunks.STREAM_THRESHOLD`` is read and decoded chunk by chunk
(about 1 MB of whole paragraphs), the chunks are checked by the same pool as the small
files, and a repair is written chunk by chunk into a temporary file that replaces the
target atomically once the last chunk is in (``chunks.StreamWriter``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from cnfix.app.packing import packed
from cnfix.app.pool import WORKER_DIED, Pool
from cnfix.app.runner import FileOutcome, RunOptions, checked_destination, process_document
from cnfix.io.chunks import Chunk, StreamWriter, iter_chunks, read_chunk
from cnfix.io.decode import BinaryFileError, InputError
from cnfix.model import MIN_REWRITE_CONFIDENCE, Document
from cnfix.rules import prepare_for_long_text
from cnfix.text.kinds import kind_for_name


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
class ChunkUnit:
    path: Path
    chunk: Chunk
    index: int
    last: bool
    kind: str  # the file's, judged from its name and first chunk (a script's #! line)
    #: Sent to a worker: the file to read the chunk's bytes from (``_sent``), its text left out.
    source: str | None = None


@dataclass(frozen=True, slots=True)
class StreamError:
    path: Path
    error: str
    skipped: bool = False  # binary data: a notice, as for a small file, not an error


def process_chunk(unit: ChunkUnit, options: RunOptions) -> ChunkOutcome:
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
    packed(outcome, options, lines=False)  # written or not: known once it is
    return outcome


def _reason(error: Exception) -> str:
    """What went wrong reading or writing, in a few words (the system's, when it said)."""
    return getattr(error, "strerror", None) or str(error)


def _process_stream_unit(unit: ChunkUnit | StreamError, options: RunOptions) -> FileOutcome:
    if isinstance(unit, ChunkUnit):
        if unit.source is not None:
            try:
                text = read_chunk(unit.source, unit.chunk)
            except (InputError, OSError) as error:
                return FileOutcome(unit.path, error=f"cannot read: {_reason(error)}")
            unit = replace(unit, chunk=replace(unit.chunk, text=text))
        outcome = process_chunk(unit, options)
        # The chunk goes back without its text, which the parent has (``stream_file``
        # puts it back): a worker sent each megabyte back to where it came from.
        outcome.text = ""
        return outcome
    if unit.skipped:
        return FileOutcome(unit.path, notice=f"skipped: {unit.error}")
    return FileOutcome(unit.path, error=unit.error)


def _sent(unit: ChunkUnit | StreamError) -> ChunkUnit | StreamError:
    """What goes to a worker: where a chunk's bytes are in the file, not its text, when
    they decode alone (UTF-8, GB18030, Big5: ``chunks._Spans``). The worker reads them
    itself (``read_chunk``), so a task is a few hundred bytes, which waits in the
    worker's pipe behind the one it runs (``pool.QUEUED_TASK_BYTES``): a megabyte of
    text went out only once the worker was idle, and the worker waited for it."""
    if not isinstance(unit, ChunkUnit) or unit.chunk.span is None:
        return unit
    source = os.path.abspath(unit.path)  # (a fork server's workers have their own cwd)
    return replace(unit, chunk=replace(unit.chunk, text=""), source=source)


def _stream_units(path: Path, options: RunOptions) -> Iterator[ChunkUnit | StreamError]:
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
                yield ChunkUnit(path, previous, index - 1, last=False, kind=kind)
            else:
                kind = kind_for_name(path, chunk.text)
            previous = chunk
    except BinaryFileError as error:
        yield StreamError(path, str(error), skipped=True)
        return
    except InputError as error:
        yield StreamError(path, str(error))
        return
    except OSError as error:
        yield StreamError(path, f"cannot read: {_reason(error)}")
        return
    if previous is not None:
        yield ChunkUnit(path, previous, index, last=True, kind=kind)


class _StreamedRepair:
    """Writes the repaired chunks of one large file, then replaces the target (or not)."""

    def __init__(self, unit: ChunkUnit, options: RunOptions) -> None:
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


def _unit_failed(unit: ChunkUnit | StreamError) -> FileOutcome:
    return FileOutcome(unit.path, error=WORKER_DIED)


def _start_repair(
    unit: ChunkUnit, outcome: ChunkOutcome, options: RunOptions
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
        outcome.error = f"cannot write: {_reason(error)}"
        return None


#: Characters of a streamed file's first chunk checked in this process before workers
#: are forked from it (``_warm_up``).
WARM_UP_CHARS = 1 << 15


def _warm_up(unit: ChunkUnit | StreamError, options: RunOptions) -> None:
    """The head of a first chunk checked here (``Pool.ordered``'s ``warm_up``): what the
    rules load on first use (OpenCC's dictionaries, the tables, the model, ~0.2 s) is
    loaded once, before the workers fork and inherit it."""
    if isinstance(unit, ChunkUnit):
        text = unit.chunk.text[:WARM_UP_CHARS]
        head = text[: text.rfind("\n") + 1] or text
        process_chunk(replace(unit, chunk=replace(unit.chunk, text=head)), options)


def stream_file(path: Path, options: RunOptions, pool: Pool) -> Iterator[FileOutcome]:
    """One large file, chunk by chunk through ``pool``; written as it goes when asked."""
    work = partial(_process_stream_unit, options=options)
    prepare_for_long_text(options.rules)  # (a forked pool inherits it)
    repair: _StreamedRepair | None = None
    try:
        units = _stream_units(path, options)
        send = _sent if pool.jobs > 1 else None
        warm_up = partial(_warm_up, options=options)
        for unit, outcome in pool.ordered(work, units, send, _unit_failed, warm_up):
            if not isinstance(outcome, ChunkOutcome) or not isinstance(unit, ChunkUnit):
                if repair is not None:
                    repair.writer.abort()  # reading the file failed part-way
                    repair = None
                yield outcome
                if outcome.error == WORKER_DIED:
                    continue  # (the chunks after it are still reported)
                return  # the file could not be read on: its last unit
            outcome.text = unit.chunk.text  # (process_document's: the chunk's text)
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
                        outcome.error = f"cannot write: {_reason(error)}"
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
