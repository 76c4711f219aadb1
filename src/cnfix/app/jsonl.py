"""JSON Lines in and out: repair one string field of every record, leave the rest alone.

A corpus is usually one JSON object per line (``{"id": 7, "text": "…", "meta": {…}}``).
``cnfix scan|repair --jsonl --field text`` checks or repairs the named field of each
record (``meta.body`` for a nested field, ``turns.0.text`` for an element of an
array) and keeps every other byte of the line as it was: key order, spacing, number
spelling and escapes of the other fields, and the field itself when nothing in it
changed. The record is never re-serialised; the field's string literal is located in
the line (by the JSON scanner that ``json`` itself uses: ``json_fields``) and only that
literal is replaced, written in the style it had: ``\\uXXXX`` escapes when it was ASCII-only,
UTF-8 otherwise.

Records are numbered by line (1-based, blank lines count), so ``data.jsonl:12`` is
the twelfth line. Lines that are blank, not valid JSON or not valid UTF-8 pass
through unchanged (the invalid ones are reported); records without the field, or
where it is not a string, pass through unchanged and are counted.

The input is read in blocks of whole lines of about ``BATCH_BYTES``
(``run_blocks``), processed on ``--jobs`` processes (``cnfix.app.pool.Pool``)
and written back in order, so a file of any size is repaired in bounded memory. The
parent process, one however many workers there are, does only what must be serial.
From a regular file it finds each block's end with a seek and a ``readline``; the
worker reads the block itself, splits the lines, checks or repairs them, and sends
back the number of lines, the records that have something to report, and the block
only if it changed; the parent numbers the records and writes each block, copying an
unchanged one from the input; from stdin it reads the blocks and hands them over. A
block with a line too long to hold its findings at once is done in the parent, in
pieces (``long_records``).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import IO

from cnfix.app.json_fields import encode_string, locate_string
from cnfix.app.packing import PackedFindings, brief_record
from cnfix.app.parallel import MIN_PARALLEL_BYTES
from cnfix.app.pool import Pool
from cnfix.app.runner import RunOptions
from cnfix.engine import ConvergenceError, check_document, repair_document
from cnfix.engine.deferred import AppliedFixes
from cnfix.io.blocks import block_spans, read_blocks
from cnfix.model import Document, Finding

#: Lines are handed to a worker in batches of about this many bytes.
BATCH_BYTES = 1 << 18
#: Bytes of whole lines of the first block checked in this process before the workers
#: are forked from it (``Pool.ordered``'s ``warm_up``).
WARM_UP_BYTES = 1 << 14

#: What became of a line: its field checked, or why it was passed through untouched.
LINE_STATES = ("checked", "blank", "missing", "not-string", "invalid")


@dataclass
class RecordOutcome:
    """What happened to one line: the field's findings, repairs and the line to write.

    ``text`` is the field's value (empty when there is nothing to report on it);
    ``line`` is the output line with its line ending, bytes as they were unless the
    field changed; ``state`` says why a record was passed through untouched.
    """

    number: int
    line: bytes
    original: bytes | None = None  # the line as it was, when the field changed
    text: str = ""
    findings: list[Finding] = field(default_factory=list)
    repaired: str | None = None
    applied: list[Finding] = field(default_factory=list)
    error: str | None = None
    state: str = "checked"  # one of LINE_STATES
    first_line: int = 1  # of ``text`` in the field: a piece of a long value starts later
    printed: list[str] | None = None  # the lines of its findings left (``packing.brief``)

    @property
    def changed(self) -> bool:
        return self.repaired is not None and bool(self.applied)


def process_line(
    number: int, raw: bytes, path: tuple[str, ...], options: RunOptions
) -> RecordOutcome:
    """Check or repair the field ``path`` of the record on one line."""
    body = raw.rstrip(b"\r\n")
    ending = raw[len(body) :]
    outcome = RecordOutcome(number, raw)
    if not body.strip():
        outcome.state = "blank"
        return outcome
    try:
        line = body.decode("utf-8")
        located = locate_string(line, path)
    except UnicodeDecodeError as error:
        outcome.state, outcome.error = "invalid", f"not UTF-8 at byte {error.start + 1}"
        return outcome
    except (ValueError, RecursionError) as error:
        outcome.state, outcome.error = "invalid", f"not a JSON record: {error}"
        return outcome
    except TypeError:
        outcome.state = "not-string"
        return outcome
    if located is None:
        outcome.state = "missing"
        return outcome
    start, end, value = located
    check_value(outcome, value, options)
    if outcome.repaired is not None:
        literal = encode_string(outcome.repaired, line[start:end])
        outcome.original = raw
        outcome.line = (line[:start] + literal + line[end:]).encode("utf-8") + ending
    return outcome


def check_value(outcome: RecordOutcome, value: str, options: RunOptions) -> None:
    """Check or repair a field's value (or a piece of a long one) as a document, into
    ``outcome`` (``text`` only when there is something to report)."""
    doc = Document(value, kind=options.field_kind, settings=options.settings)
    if not options.repair:
        outcome.findings = check_document(doc, options.rules)
        outcome.text = value if outcome.findings else ""
        return
    try:
        result = repair_document(
            doc,
            options.rules,
            unsafe_fixes=options.unsafe_fixes,
            defer_applied=options.defer_applied,
        )
    except ConvergenceError as error:
        outcome.error = str(error)
        return
    outcome.findings = list(result.remaining)
    if result.text != value:
        outcome.repaired = result.text
        outcome.applied = result.applied if options.defer_applied else list(result.applied)
    if outcome.findings or outcome.repaired is not None:
        outcome.text = value


@dataclass
class BlockResult:
    """What became of a block of lines: the output and the records worth reporting.

    ``data`` is the block as it is to be written (every line, repaired or as it was;
    empty for a scan, and from ``process_span`` when nothing changed); ``records``
    holds, in order, only the records with an error, a finding or a change (the
    ``line`` of an unchanged one is dropped: ``data`` has it); ``states`` counts every
    line's state.
    """

    lines: int
    data: bytes
    records: list[RecordOutcome]
    states: Counter[str]


def split_lines(block: bytes) -> list[bytes]:
    """The lines of ``block``, endings kept, split after each line feed only (as a
    binary file iterates): a carriage return alone is part of a line."""
    lines = [line + b"\n" for line in block.split(b"\n")]
    last = lines.pop()[:-1]
    if last:
        lines.append(last)
    return lines


def process_block(
    block: tuple[int, bytes], path: tuple[str, ...], options: RunOptions
) -> BlockResult:
    """The lines of one block, numbered from ``block[0]`` (what a worker does)."""
    first, data = block
    lines = split_lines(data)
    states: Counter[str] = Counter()
    records: list[RecordOutcome] = []
    output: list[bytes] = []
    for number, raw in enumerate(lines, start=first):
        record = process_line(number, raw, path, options)
        states[record.state] += 1
        if options.repair:
            output.append(record.line)
        if record.error or record.findings or record.changed:
            if not record.changed:
                record.line = b""
            # Sent back by a worker as columns: the parent mostly only counts them.
            record.findings = PackedFindings(record.findings)
            if options.brief:
                brief_record(record, options)
            elif not isinstance(record.applied, AppliedFixes):
                record.applied = PackedFindings(record.applied)
            records.append(record)
    return BlockResult(len(lines), b"".join(output), records, states)


def process_span(
    span: tuple[int | str, int, int], path: tuple[str, ...], options: RunOptions
) -> BlockResult:
    """``process_block`` of the bytes ``span`` = (file, offset, length), read here (what
    a worker does when the input is a file): numbered from 1, and with ``data`` empty
    when a repair changed nothing, for the parent to copy from the file itself. The
    file is a descriptor a forked worker inherited (never opened again by name: the
    name may lead elsewhere by now), or a name for a worker from a fork server."""
    source, offset, length = span
    if isinstance(source, int):
        data = os.pread(source, length, offset)
    else:
        with open(source, "rb") as file:
            file.seek(offset)
            data = file.read(length)
    result = process_block((1, data), path, options)
    if options.repair and result.data == data:
        result.data = b""
    return result


def _warm_up(block: tuple[int, bytes], path: tuple[str, ...], options: RunOptions) -> None:
    """The first lines of a first block checked here, the result dropped: what the rules
    load on first use is loaded once, and the forked workers inherit it."""
    head = block[1][:WARM_UP_BYTES]
    process_block((block[0], head[: head.rfind(b"\n") + 1]), path, options)


def run_blocks(
    stream: IO[bytes],
    path: tuple[str, ...],
    options: RunOptions,
    *,
    jobs: int = 1,
    size: int | None = None,
) -> Iterator[BlockResult]:
    """Every line of ``stream`` through ``process_line``, block by block, on ``jobs``
    processes, in order, reported compactly (only the records worth reporting).

    ``size`` (the input's size in bytes, when known) keeps a small input in this process.
    From a regular file on several processes, the workers read their blocks themselves
    and send back only the blocks they changed: the parent, one however many workers
    there are, then only seeks to each block's end, and copies the unchanged ones.
    """
    from cnfix.app.long_records import is_long, long_block_results, sent_block, sent_span

    if size is not None and size < MIN_PARALLEL_BYTES:
        jobs = 1
    pool = Pool(jobs)
    source = pool.reader_of(stream) if jobs > 1 else None
    long_block = partial(long_block_results, path=path, options=options)
    warm_up = partial(_warm_up, path=path, options=options)
    if source is None or size is None:
        work = partial(process_block, path=path, options=options)
        blocks = read_blocks(stream, BATCH_BYTES, max_line=options.max_size)
        with pool:
            for block, result in pool.ordered(work, blocks, sent_block, warm_up=warm_up):
                yield from long_block(block) if is_long(len(block[1])) else (result,)
        return
    work = partial(process_span, path=path, options=options)
    first = 1
    spans = block_spans(stream, size, BATCH_BYTES)

    def head(span: tuple[int, int]) -> None:
        stream.seek(span[0])
        warm_up((1, stream.read(min(span[1], WARM_UP_BYTES))))

    with pool:
        send = partial(sent_span, source=source)
        for (offset, length), result in pool.ordered(work, spans, send, warm_up=head):
            if is_long(length):
                stream.seek(offset)
                for part in long_block((first, stream.read(length))):
                    first += part.lines
                    yield part
                continue
            for record in result.records:
                record.number += first - 1
            first += result.lines
            if options.repair and not result.data:
                stream.seek(offset)
                result.data = stream.read(length)
            yield result
