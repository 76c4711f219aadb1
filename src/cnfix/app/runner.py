"""One file through the engine: read, check or repair, and (when asked) write.

No terminal output here: each file gives a FileOutcome that the CLI reports, so the
same function serves a single process, a pool of workers or a cluster.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from cnfix.engine import ConvergenceError, check_document, repair_document
from cnfix.io.decode import BinaryFileError, InputError, NotTextError, untrusted_reason
from cnfix.io.safe_files import DEFAULT_MAX_SIZE, clean_stale_temps, read_document, write_atomic
from cnfix.model import MIN_REWRITE_CONFIDENCE, Document, Finding, Rule, Settings


@dataclass(frozen=True)
class RunOptions:
    """What a run does to each file."""

    rules: tuple[Rule, ...]
    settings: Settings = field(default_factory=Settings)
    encoding: str | None = None
    #: Use ``encoding`` even where it gives text that is not plausible Chinese.
    force_encoding: bool = False
    repair: bool = False
    unsafe_fixes: bool = False
    write: bool = False
    output_root: Path | None = None
    input_root: Path | None = None
    #: Files larger than this many bytes are refused (``--max-size``); None: no limit.
    max_size: int | None = DEFAULT_MAX_SIZE
    #: The folders named on the command line: a symlink found under one of them is
    #: followed only when its target lies inside that same folder.
    trees: tuple[Path, ...] = ()
    #: ``--stdin-filename``: the name stdin is known by (its kind and in messages).
    stdin_name: str | None = None
    #: ``--field-kind``: the kind of document a JSON Lines field holds.
    field_kind: str = "text"


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

    # What the pipeline reports of every unit (a file here, a record in ``records``).
    first_line = 1  # a chunk of a streamed file starts further down

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def key(self) -> Path:
        return self.path

    @property
    def where(self) -> str:
        return str(self.path)

    def json_fields(self) -> dict[str, object]:
        return {}

    def unified_texts(self) -> tuple[str, str, int]:
        assert self.repaired is not None
        return self.text, self.repaired, self.first_line


def destination_for(path: Path, options: RunOptions) -> Path:
    """Where the repair of ``path`` is written: in place, or mirrored under ``-o``."""
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


def _refuse_unsafe_path(path: Path, options: RunOptions) -> None:
    """Raise for paths that must not be read: folders, links leading out of their tree.

    A symlink named on the command line is followed (that is what was asked for); one
    found under a folder is followed only when its target lies inside that folder, so
    a run never reaches outside the tree it was given. Repairs are written through the
    link to its target (``write_atomic``); the link itself stays.
    """
    if path.is_symlink():
        walked = [tree for tree in options.trees if tree in path.parents]
        if not path.exists():
            problem = NotTextError if walked else InputError
            raise problem(f"broken symlink (to {os.readlink(path)}) or a link loop")
        target = path.resolve()
        for tree in walked:
            if not target.is_relative_to(tree.resolve()):
                raise NotTextError(f"symlink to {target}, outside {tree}; not followed")
    if path.is_dir():
        try:
            os.scandir(path).close()
        except OSError as error:
            raise InputError(f"cannot read folder: {error.strerror or error}") from None
        raise InputError("is a directory")


#: Folders already cleared of stale temporary files by this process.
_CLEANED: set[Path] = set()


def _clean_once(folder: Path) -> None:
    if folder not in _CLEANED:
        _CLEANED.add(folder)
        clean_stale_temps(folder)


def process_file(path: Path, options: RunOptions, *, regular: bool = False) -> FileOutcome:
    """Read ``path``, check or repair it, and write the result when asked to.

    Never raises for a bad file: every problem becomes ``outcome.error`` (could not be
    processed) or ``outcome.notice`` (skipped on purpose: binary data, FIFOs, devices,
    links out of the tree), and nothing is written for that file. ``regular``: the
    caller's ``lstat`` found a regular file (no link, no folder), so the checks for
    those are skipped (``read_snapshot`` still refuses anything else it finds).
    """
    outcome = FileOutcome(path)
    try:
        if not regular:
            _refuse_unsafe_path(path, options)
        doc, original = read_document(
            path,
            settings=options.settings,
            encoding=options.encoding,
            force=options.force_encoding,
            max_size=options.max_size,
        )
    except BinaryFileError as error:
        outcome.notice = f"skipped: {error}"
        return outcome
    except InputError as error:
        outcome.error = str(error)
        return outcome
    except FileNotFoundError:
        outcome.error = "no such file or directory"
        return outcome
    except OSError as error:
        outcome.error = f"cannot read: {error.strerror or error}"
        return outcome
    try:
        process_document(doc, options, outcome)
    except Exception as error:  # a bug in a rule must not stop the run or touch the file
        outcome.error = f"internal error, file left alone: {type(error).__name__}: {error}"
        return outcome
    if not options.write:
        return outcome
    destination = destination_for(path, options)
    _clean_once(Path(os.path.realpath(destination)).parent)
    if outcome.repaired is None or outcome.error is not None:
        return outcome
    if doc.confidence < MIN_REWRITE_CONFIDENCE and options.encoding is None:
        outcome.notice = (
            f"not written: {untrusted_reason(doc.encoding, doc.confidence)};"
            " name the encoding with --encoding"
        )
        return outcome
    try:
        data = outcome.repaired.encode("utf-8")
    except UnicodeEncodeError as error:
        outcome.error = f"repaired text cannot be written as UTF-8: {error.reason}; not written"
        return outcome
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
