"""One file through the engine: read, check or repair, and (when asked) write.

No terminal output here: each file gives a FileOutcome that the CLI reports, so the
same function serves a single process, a pool of workers or a cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cnfix.engine import ConvergenceError, check_document, repair_document
from cnfix.model import Document, Finding, Rule, Settings
from cnfix.rules.encoding import MIN_REWRITE_CONFIDENCE
from cnfix.textio import BinaryFileError, InputError, read_document, write_atomic


@dataclass(frozen=True)
class RunOptions:
    """What a run does to each file."""

    rules: tuple[Rule, ...]
    settings: Settings = field(default_factory=Settings)
    encoding: str | None = None
    repair: bool = False
    unsafe_fixes: bool = False
    write: bool = False
    output_root: Path | None = None
    input_root: Path | None = None


@dataclass
class FileOutcome:
    """What happened to one file; ``error`` and ``notice`` are one-line reasons."""

    path: Path
    text: str = ""
    findings: list[Finding] = field(default_factory=list)
    repaired: str | None = None
    applied: list[Finding] = field(default_factory=list)
    written: Path | None = None
    error: str | None = None
    notice: str | None = None

    @property
    def changed(self) -> bool:
        return self.repaired is not None and bool(self.applied)


def _destination(path: Path, options: RunOptions) -> Path:
    if options.output_root is None:
        return path
    base = options.input_root
    relative = (
        path.relative_to(base) if base is not None and base in path.parents else Path(path.name)
    )
    return options.output_root / relative


def process_document(doc: Document, options: RunOptions, outcome: FileOutcome) -> None:
    """Check or repair a decoded document, filling ``outcome``."""
    outcome.text = doc.text
    if not options.repair:
        outcome.findings = check_document(doc, options.rules)
        return
    try:
        result = repair_document(doc, options.rules, unsafe_fixes=options.unsafe_fixes)
    except ConvergenceError as error:
        outcome.error = str(error)
        return
    outcome.repaired = result.text
    outcome.applied = list(result.applied)
    outcome.findings = list(result.remaining)


def process_file(path: Path, options: RunOptions) -> FileOutcome:
    """Read ``path``, check or repair it, and write the result when asked to."""
    outcome = FileOutcome(path)
    try:
        if path.is_dir():
            raise InputError("is a directory")
        doc, original = read_document(path, settings=options.settings, encoding=options.encoding)
    except BinaryFileError as error:
        outcome.notice = f"skipped: {error}"
        return outcome
    except InputError as error:
        outcome.error = str(error)
        return outcome
    except OSError as error:
        outcome.error = error.strerror or str(error)
        return outcome
    process_document(doc, options, outcome)
    if not (options.write and outcome.repaired is not None and outcome.error is None):
        return outcome
    if doc.confidence < MIN_REWRITE_CONFIDENCE and options.encoding is None:
        outcome.notice = (
            f"not written: encoding {doc.encoding} detected with low confidence "
            f"({doc.confidence:.2f}); name it with --encoding"
        )
        return outcome
    data = outcome.repaired.encode("utf-8")
    destination = _destination(path, options)
    try:
        if destination == path:
            if data != original:
                write_atomic(path, data, expected=original)
                outcome.written = path
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(destination, data)
            outcome.written = destination
    except InputError as error:
        outcome.error = str(error)
    except OSError as error:
        outcome.error = f"cannot write {destination}: {error.strerror or error}"
    return outcome
