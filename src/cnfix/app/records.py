"""JSON Lines files as units of the one pipeline: each record that has something to
report becomes a ``RecordUnit`` that the CLI reports and counts exactly as it does a
file; the files themselves are opened, streamed through ``run_blocks`` and written
(``-o FILE``, ``-o -`` or in place) here."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cnfix.app.jsonl import RecordOutcome, run_blocks
from cnfix.app.runner import FileOutcome, RunOptions, refuse_unsafe_path
from cnfix.io.chunks import StreamWriter
from cnfix.io.decode import InputError
from cnfix.io.safe_files import FileIdentity, open_regular
from cnfix.model import Finding

STDIN = Path("-")


class JsonlUsageError(ValueError):
    """A combination of JSON Lines inputs and outputs that cannot work."""


@dataclass
class RecordUnit:
    """One JSON Lines record as the pipeline reports it (the same attributes as a
    ``FileOutcome``): labelled ``path:record:field``, its unit key ``(path, record)``."""

    path: Path
    field: str
    record: RecordOutcome
    written: bool = False
    notice: None = None
    kind: str = "text"  # ``--field-kind``

    @property
    def first_line(self) -> int:
        """1, or the line in the field where a piece of a long one starts."""
        return self.record.first_line

    @property
    def label(self) -> str:
        return f"{self.path}:{self.record.number}:{self.field}"

    @property
    def key(self) -> tuple[Path, int]:
        return (self.path, self.record.number)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.record.number}"

    @property
    def text(self) -> str:
        return self.record.text

    @property
    def findings(self) -> list[Finding]:
        return self.record.findings

    @property
    def applied(self) -> list[Finding]:
        return self.record.applied

    @property
    def repaired(self) -> str | None:
        return self.record.repaired

    @property
    def error(self) -> str | None:
        return self.record.error

    @property
    def printed(self) -> list[str] | None:
        return self.record.printed

    @property
    def changed(self) -> bool:
        return self.record.changed

    def json_fields(self) -> dict[str, object]:
        """What a JSON finding record says of where it is, beyond its line and column."""
        return {"path": str(self.path), "record": self.record.number, "field": self.field}

    def unified_texts(self) -> tuple[str, str, int]:
        """The old and new line and its number, for a unified diff of the record (of a
        piece of a long field: the piece's text, the line written in pieces)."""
        record = self.record
        if record.original is None:
            assert record.repaired is not None
            return record.text, record.repaired, record.number
        return record.original.decode(), record.line.decode(), record.number


def jsonl_inputs(paths: tuple[Path, ...]) -> list[Path]:
    """The files named (``-`` for stdin), folders expanded to their ``*.jsonl`` files
    by the walk every run uses (hidden folders skipped, links out of the folder kept
    for ``_open`` to refuse by name)."""
    from cnfix.io.discovery import discover

    if not paths:
        raise JsonlUsageError("--jsonl needs input files (or - for stdin)")
    inputs: list[Path] = []
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            inputs.extend(found for found in discover([path]) if found.suffix == ".jsonl")
        else:
            inputs.append(path)
    return inputs


def check_outputs(inputs: list[Path], options: RunOptions, output: Path | None) -> None:
    """Refuse outputs that cannot work before anything is read."""
    if output is not None and len(inputs) != 1:
        raise JsonlUsageError("with --jsonl, -o names one output file (or -): give one input")
    if options.write and output is None and STDIN in inputs:
        raise JsonlUsageError("--in-place needs files, not stdin; use -o FILE or -o -")


def _open(path: Path, options: RunOptions) -> tuple[IO[bytes], int | None]:
    """A binary stream of ``path`` and its size (None for stdin). As for any file: a
    link found under a folder is followed only inside it, and a FIFO, socket or device
    is never opened (InputError)."""
    if path == STDIN:
        return open(sys.stdin.fileno(), "rb", closefd=False), None
    refuse_unsafe_path(path, options)
    stream = os.fdopen(open_regular(path), "rb")
    return stream, os.fstat(stream.fileno()).st_size


def _sink(path: Path, stream: IO[bytes], options: RunOptions, output: Path | None) -> Any:
    """Where the repaired lines of ``path`` go: stdout, a stream, an atomic writer, or
    nowhere (a scan, or a repair that only shows its diff)."""
    if output == STDIN:
        return sys.stdout.buffer
    if output is not None and output.exists() and not output.is_file():
        return output.open("wb")  # /dev/null, a FIFO: written as a stream
    if output is not None:
        return StreamWriter(output)
    if options.write:
        return StreamWriter(path, expected=FileIdentity.of(os.fstat(stream.fileno())))
    return None


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)


def jsonl_units(
    inputs: list[Path],
    field: str,
    field_path: tuple[str, ...],
    options: RunOptions,
    *,
    jobs: int,
    output: Path | None = None,
    states: Counter[str],
) -> Iterator[RecordUnit | FileOutcome]:
    """The records of every input worth reporting, in order, as units; a file that
    cannot be read or written gives a ``FileOutcome`` with its error. Every line is
    written, in order, byte for byte unless its field changed; every line's state is
    counted in ``states``."""
    for path in inputs:
        sink: Any = None
        try:
            stream, size = _open(path, options)
            sink = _sink(path, stream, options, output) if options.repair else None
        except (OSError, InputError) as error:
            verb = "cannot read: " if isinstance(error, OSError) and not options.repair else ""
            yield FileOutcome(path, error=f"{verb}{_reason(error)}")
            continue
        changed_here = 0
        try:
            with stream:
                for block in run_blocks(stream, field_path, options, jobs=jobs, size=size):
                    states.update(block.states)
                    if sink is not None:
                        sink.write(block.data)
                    for record in block.records:
                        changed_here += record.changed
                        yield RecordUnit(
                            path,
                            field,
                            record,
                            written=sink is not None and record.changed,
                            kind=options.field_kind,
                        )
            if isinstance(sink, StreamWriter):
                if changed_here or output is not None:
                    sink.commit()
                else:
                    sink.abort()
                sink = None
        except (OSError, InputError) as error:
            yield FileOutcome(path, error=_reason(error))
        finally:
            if isinstance(sink, StreamWriter):
                sink.abort()
            elif sink is not None and sink is not sys.stdout.buffer:
                sink.close()
