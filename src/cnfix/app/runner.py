"""One file through the engine: read, check or repair, and (when asked) write.

No terminal output here: each file gives a FileOutcome that the CLI reports, so the
same function serves a single process, a pool of workers or a cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cnfix.engine import ConvergenceError, check_document, repair_document
from cnfix.io.decode import (
    BinaryFileError,
    InputError,
    NotTextError,
    decode_bytes,
    untrusted_reason,
)
from cnfix.io.safe_files import DEFAULT_MAX_SIZE, clean_stale_temps, read_document, write_atomic
from cnfix.model import MIN_REWRITE_CONFIDENCE, Document, Finding, Rule, Settings

#: The path that names stdin.
STDIN = Path("-")


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
    #: Asked before each fix is applied (``repair -i``); a function of this process,
    #: so only for work done here (one job).
    accept: Callable[[Finding, str], bool] | None = None
    #: No one reads the applied fixes' findings, only their number (``repair -q -o``):
    #: they are built only if read (``repair_document(defer_applied=True)``).
    defer_applied: bool = False
    #: The caller only counts the fixes applied to a unit and prints the findings left in
    #: it (no diff, no ``--check``, no review): a worker sends the fixes as counts and
    #: leaves out the texts nothing will print (``packing.brief``); and with
    #: ``left_lines``, the lines it prints for the findings left, made by the worker.
    brief: bool = False
    left_lines: Callable[..., list[str]] | None = None


@dataclass
class FileOutcome:
    """What happened to one file; ``error`` and ``notice`` are one-line reasons."""

    path: Path
    text: str = ""
    findings: list[Finding] = field(default_factory=list)
    repaired: str | None = None
    applied: Sequence[Finding] = field(default_factory=list)
    written: Path | None = None
    error: str | None = None
    notice: str | None = None
    kind: str = "text"  # the document's kind, as the rules saw it
    printed: list[str] | None = None  # the lines of its findings left (``packing.brief``)

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
    """Where the repair of ``path`` is written: in place, or mirrored under ``-o``
    (relative to ``input_root``, the folder all inputs share)."""
    if options.output_root is None:
        return path
    base = options.input_root
    if base is not None:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            return options.output_root / relative
    return options.output_root / path.name


def common_root(paths: Iterable[Path]) -> Path | None:
    """The deepest folder holding every input (a folder itself, a file's folder): ``-o``
    mirrors the inputs below it, so files of the same name in different folders (or
    several folders named at once) never land on one output file."""
    folders = [
        os.path.abspath(path if os.path.isdir(path) else path.parent)
        for path in paths
        if path != STDIN
    ]
    return Path(os.path.commonpath(folders)) if folders else None


def output_root_problem(output: Path, paths: Iterable[Path]) -> str | None:
    """Why ``-o output`` cannot be used with the inputs ``paths``, or None.

    An output folder that is an input folder (under any name) or lies inside one would
    have its files read as input and overwritten by the copies of other files; an
    input file inside the output folder could be overwritten by its own copy's neighbours.
    """
    out = os.path.realpath(output)
    for path in paths:
        if path == STDIN:
            continue
        real = os.path.realpath(path)
        if os.path.isdir(path) and _within(out, real):
            return (
                f"-o {output} is inside the input folder {path}: its files would be read "
                "as input and overwritten; choose a folder outside the input"
            )
        if not os.path.isdir(path) and _within(real, out):
            return f"the input {path} is inside the output folder -o {output}"
    return None


def _within(path: str, folder: str) -> bool:
    """Whether the real path ``path`` is ``folder`` or lies below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def checked_destination(path: Path, options: RunOptions) -> Path:
    """``destination_for``, refusing a copy that a symlink in the output folder would
    send outside it (InputError); the folders it needs are created."""
    destination = destination_for(path, options)
    assert options.output_root is not None
    destination.parent.mkdir(parents=True, exist_ok=True)
    if not _within(os.path.realpath(destination.parent), os.path.realpath(options.output_root)):
        raise InputError(
            f"{destination.parent} leads out of the output folder (a symlink); not written"
        )
    return destination


def process_document(doc: Document, options: RunOptions, outcome: FileOutcome) -> None:
    """Check or repair a decoded document, filling ``outcome``."""
    outcome.text, outcome.kind = doc.text, doc.kind
    if not options.repair:
        outcome.findings = check_document(doc, options.rules)
        return
    try:
        result = repair_document(
            doc,
            options.rules,
            unsafe_fixes=options.unsafe_fixes,
            accept=options.accept,
            defer_applied=options.defer_applied,
        )
    except ConvergenceError as error:
        outcome.error = str(error)
        return
    outcome.repaired = result.text
    outcome.applied = result.applied if options.defer_applied else list(result.applied)
    outcome.findings = list(result.remaining)


def rewrite_refusal(doc: Document, options: RunOptions) -> str | None:
    """Why the repair of ``doc`` must not replace its bytes, or None: an encoding
    guessed with low confidence, or UTF-8 with invalid bytes (they would be lost)."""
    if doc.confidence >= MIN_REWRITE_CONFIDENCE or options.encoding is not None:
        return None
    return f"not written: {untrusted_reason(doc.encoding, doc.confidence)}; name it with --encoding"


def repair_stdin(data: bytes, options: RunOptions) -> tuple[FileOutcome, bytes]:
    """``repair -``: the outcome and the bytes to write to stdout.

    The user's bytes are never lost: they come out unchanged, byte for byte, unless a
    repair changed the text and the input's encoding is certain (given, strict UTF-8,
    or detected with confidence); then the repaired text, as UTF-8. Input that cannot
    be decoded or repaired passes through too, with the error on the outcome.
    """
    name = options.stdin_name  # --stdin-filename: its format and the name in messages
    outcome = FileOutcome(STDIN if name is None else Path(name))
    try:
        decoded = decode_bytes(data, options.encoding, force=options.force_encoding)
        doc = decoded.document(name=name, settings=options.settings)
        process_document(doc, options, outcome)
    except InputError as error:
        outcome.error = str(error)
        return outcome, data
    except Exception as error:  # a bug in a rule: the input passes through untouched
        outcome.error = f"internal error, input left alone: {type(error).__name__}: {error}"
        return outcome, data
    if outcome.error is not None:
        return outcome, data
    refusal = rewrite_refusal(doc, options)
    if refusal is not None:  # said even when nothing changed: the input is not trusted
        outcome.notice = refusal.replace("not written", "passed through unchanged", 1)
        return outcome, data
    if not outcome.changed or outcome.repaired is None:
        return outcome, data
    try:
        return outcome, outcome.repaired.encode("utf-8")
    except UnicodeEncodeError as error:
        outcome.error = (
            f"repaired text cannot be written as UTF-8: {error.reason}; input left alone"
        )
        return outcome, data


def refuse_unsafe_path(path: Path, options: RunOptions) -> None:
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


def process_file(
    path: Path, options: RunOptions, *, walked: os.stat_result | None = None
) -> FileOutcome:
    """Read ``path``, check or repair it, and write the result when asked to.

    Never raises for a bad file: every problem becomes ``outcome.error`` (could not be
    processed) or ``outcome.notice`` (skipped on purpose: binary data, FIFOs, devices,
    links out of the tree), and nothing is written for that file. ``walked``: the
    caller's ``lstat`` of ``path``, a regular file (no link, no folder), so the checks
    for those are skipped; ``open_regular`` makes sure it is still that file.
    """
    outcome = FileOutcome(path)
    try:
        if walked is None:
            refuse_unsafe_path(path, options)
        doc, original = read_document(
            path,
            settings=options.settings,
            encoding=options.encoding,
            force=options.force_encoding,
            max_size=options.max_size,
            walked=walked,
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
    refusal = rewrite_refusal(doc, options)
    if refusal is not None:
        outcome.notice = refusal
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
            destination = checked_destination(path, options)
            write_atomic(destination, data, follow_symlinks=False)
            outcome.written = destination
    except InputError as error:
        outcome.error = str(error)
    except OSError as error:
        outcome.error = f"cannot write {destination}: {error.strerror or error}"
    return outcome
