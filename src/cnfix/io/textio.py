"""Bytes in, Document out; repaired text back to disk atomically, as UTF-8.

Decoding order: byte-order marks, then strict UTF-8 (the common case, and the fast
one), then detection limited to the encodings Chinese text uses (``cnfix.io.detect``).
Newlines are kept as they are in the text, so a CRLF file stays CRLF.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from cnfix.model import Document, Settings

KIND_BY_SUFFIX = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".rst": "text",
    ".csv": "table",
    ".tsv": "table",
    ".json": "json",
    ".jsonl": "json",
    ".html": "markup",
    ".htm": "markup",
    ".xml": "markup",
    ".srt": "text",
    ".yaml": "text",
    ".yml": "text",
}
TEXT_SUFFIXES = frozenset(KIND_BY_SUFFIX)

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Prefix of the temporary files that atomic writes create beside their target.
TEMP_PREFIX = ".cnfix-tmp-"


class InputError(Exception):
    """A file that cannot be processed; ``str()`` is a one-line reason."""


class BinaryFileError(InputError):
    """The file holds binary data, not text: it is skipped, never written."""


class NotTextError(BinaryFileError):
    """A FIFO, socket, device or link out of the tree: skipped, never opened."""


class ChangedOnDiskError(InputError):
    """The file changed between reading and writing; it was not overwritten."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with the encoding it was in."""

    text: str
    encoding: str
    bom: bool
    confidence: float

    def document(self, *, kind: str = "text", settings: Settings | None = None) -> Document:
        """The Document the rules see: this text and what is known of its bytes."""
        return Document(
            self.text,
            kind=kind,
            encoding=self.encoding,
            bom=self.bom,
            confidence=self.confidence,
            settings=settings or Settings(),
        )


def kind_for_path(path: Path | str) -> str:
    """The document kind for a file name (``text`` when the suffix is unknown)."""
    # splitext, not Path(path).suffix: no Path is built per file (same result for
    # every suffix in the table).
    return KIND_BY_SUFFIX.get(os.path.splitext(path)[1].lower(), "text")


#: Bytes of multi-byte characters beyond their first (16: eight Han characters) that
#: the text before a cut-short last character must hold to be taken as UTF-8: ASCII
#: and one partial sequence could be anything (``Hello 浣`` in GBK is ``Hello e4 bd``).
MIN_UTF8_EVIDENCE_BYTES = 16


def _cut_short_utf8(data: bytes, error: UnicodeDecodeError) -> str | None:
    """UTF-8 whose only fault is a last character cut short (a download or a size
    limit cut the file): the text, the lost character as U+FFFD, which ``lost-bytes``
    reports. None when the fault is anything else."""
    if error.reason != "unexpected end of data" or error.end != len(data):
        return None
    text = data[: error.start].decode("utf-8")
    if error.start - len(text) < MIN_UTF8_EVIDENCE_BYTES:
        return None
    return text + "\ufffd"


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data``: BOM, strict UTF-8, then Chinese-only detection.

    ``encoding`` forces a codec (the user's ``--encoding``) with full confidence.
    Raises BinaryFileError for data that is not text in any candidate encoding.
    """
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise InputError(f"cannot decode as {encoding}: {error}") from None
        return Decoded(text.removeprefix("\ufeff"), codecs.lookup(encoding).name, False, 1.0)
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(codec), codec, True, 1.0)
            except UnicodeDecodeError:
                break
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = _cut_short_utf8(data, error)
    if text is not None:
        if "\x00" not in text:
            return Decoded(text, "utf-8", False, 1.0)
        from cnfix.io.detect import has_wide_nul_pattern

        if not has_wide_nul_pattern(data):
            raise BinaryFileError("binary file (NUL bytes)")
        # NULs at every other byte: UTF-16/32 without BOM of mostly ASCII text.
    from cnfix.io.detect import detect_encoding

    detected = detect_encoding(data)
    if detected is None:
        raise BinaryFileError("binary or undecodable file (not UTF-8, GB18030, Big5 or UTF-16)")
    codec, confidence = detected
    text = data.decode(codec)
    if "\x00" in text:
        raise BinaryFileError("binary file (NUL bytes)")
    return Decoded(text, codec, False, confidence)


#: Files larger than this are refused (``--max-size``), never read whole into memory.
DEFAULT_MAX_SIZE = 256 * 1024 * 1024


class FileIdentity(NamedTuple):
    """What identifies one version of a file on disk: compared before a rewrite."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, status: os.stat_result) -> FileIdentity:
        return cls(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


class Snapshot(bytes):
    """The bytes of a file as read, with the identity of the file they came from.

    Passed back to ``write_atomic(expected=...)``, it lets the write refuse a file that
    was replaced or modified since it was read, cheaply (stat) and exactly (content).
    """

    identity: FileIdentity | None = None


def special_file_kind(mode: int) -> str | None:
    """``FIFO``, ``socket``, ``device`` for files that are not regular, else None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device file"
    if stat.S_ISDIR(mode):
        return "directory"
    return "special file"


def read_snapshot(path: Path, *, max_size: int | None = DEFAULT_MAX_SIZE) -> Snapshot:
    """The bytes of the regular file ``path``, refusing anything that could hang or blow up.

    A FIFO, socket or device is never opened (``stat`` first; opening a FIFO blocks and
    opening a device can have side effects), and the open itself is non-blocking with a
    second check on the open descriptor, in case the file was swapped in between. A file
    larger than ``max_size`` bytes is refused before reading (NotTextError /
    InputError), so memory stays bounded.
    """
    kind = special_file_kind(os.stat(path).st_mode)
    if kind == "directory":
        raise InputError("is a directory")
    if kind is not None:
        raise NotTextError(f"not a regular file ({kind}); never opened")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(fd)
        kind = special_file_kind(status.st_mode)
        if kind is not None:
            raise NotTextError(f"not a regular file ({kind}); never opened")
        _check_size(status.st_size, max_size)
        # Read to the end (a file may grow meanwhile), but never past the limit.
        limit = None if max_size is None else max_size + 1
        chunks, total = [], 0
        while limit is None or total < limit:
            chunk = os.read(fd, 1 << 24 if limit is None else min(limit - total, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        _check_size(total, max_size)
    finally:
        os.close(fd)
    snapshot = Snapshot(b"".join(chunks))
    snapshot.identity = FileIdentity.of(status)
    return snapshot


def _check_size(size: int, max_size: int | None) -> None:
    if max_size is not None and size > max_size:
        raise InputError(
            f"file is {size / 2**20:.1f} MB, over the size limit of {max_size / 2**20:.0f} MB "
            "(--max-size); skipped"
        )


def read_document(
    path: Path,
    *,
    settings: Settings | None = None,
    encoding: str | None = None,
    max_size: int | None = DEFAULT_MAX_SIZE,
) -> tuple[Document, Snapshot]:
    """Read and decode ``path``; return the Document and the original bytes (a Snapshot)."""
    data = read_snapshot(path, max_size=max_size)
    decoded = decode_bytes(data, encoding)
    return decoded.document(kind=kind_for_path(path), settings=settings), data


def write_atomic(path: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace ``path`` by ``data`` whole, or leave it exactly as it was.

    How: the bytes go to a temporary file ``.cnfix-tmp-<pid>-<random>`` in the target's
    folder (so the rename stays on one file system), are written in full and fsynced,
    get the original permission bits (and owner and group where allowed), and are
    renamed over the target with ``os.replace``, which is atomic; the folder is fsynced
    after the rename. Any failure (disk full, I/O error, an exception, a signal handled
    by Python) removes the temporary file and leaves the target untouched. Only a kill
    (SIGKILL, power loss) can leave the temporary file behind; ``clean_stale_temps``
    recognises it by its prefix and dead pid and removes it on the next run.

    A symlink is written through: its target is replaced and the link stays a link.

    Refused with an InputError, nothing written: a target that is not a regular file; a
    read-only file (no write bit at all, or not writable by this user; checked by mode
    bits too, so it holds for root); a file with more than one hard link (a rename would
    split it from its other names); and, with ``expected``, a file that changed since it
    was read (ChangedOnDiskError): gone, or a different identity (device, inode, size,
    mtime) when ``expected`` is a Snapshot, or different bytes.

    Metadata: the permission bits (including setuid/setgid/sticky) are kept; owner and
    group are kept when the process may set them (root, or a group the user is in) and
    otherwise become the running user's, as with any editor that saves by rename; the
    modification time becomes the time of the write (the content changed, so make,
    rsync and git notice) and the inode number changes; extended attributes and ACLs
    are not copied. A new file (``-o``) gets the usual ``0o666 & ~umask``. Unchanged
    files are never passed here, so their bytes and metadata stay as they were.
    """
    target = Path(os.path.realpath(path)) if os.path.islink(path) else path
    try:
        status: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        if expected is not None:
            raise ChangedOnDiskError("file disappeared since it was read; not written") from None
        status = None
    if status is not None:
        _check_replaceable(status)
    import tempfile  # only when writing: keeps start-up fast

    fd, temp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=target.parent)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if status is not None:
            _keep_owner(temp_name, status)
        os.chmod(temp_name, stat.S_IMODE(status.st_mode) if status else _new_file_mode())
        if expected is not None:
            _check_unchanged(target, expected)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_folder(target.parent)


def _check_replaceable(status: os.stat_result) -> None:
    kind = special_file_kind(status.st_mode)
    if kind is not None:
        raise InputError(f"not a regular file ({kind}); not written")
    if status.st_nlink > 1:
        raise InputError(
            f"file has {status.st_nlink} hard links; replacing it would split them; not written"
        )
    mode = stat.S_IMODE(status.st_mode)
    writable_by_us = status.st_uid != os.geteuid() or mode & stat.S_IWUSR
    if not mode & 0o222 or not writable_by_us:
        raise InputError(f"read-only file (mode {mode:04o}); not written")


def _keep_owner(temp_name: str, status: os.stat_result) -> None:
    """Give the new file the old owner and group, as far as this process may."""
    if not hasattr(os, "chown"):
        return
    for uid, gid in ((status.st_uid, status.st_gid), (-1, status.st_gid)):
        try:
            os.chown(temp_name, uid, gid)
            return
        except PermissionError:
            continue


def _check_unchanged(target: Path, expected: bytes) -> None:
    try:
        current = os.stat(target)
    except FileNotFoundError:
        raise ChangedOnDiskError("file disappeared since it was read; not written") from None
    identity = getattr(expected, "identity", None)
    if (identity is not None and FileIdentity.of(current) != identity) or (
        current.st_size != len(expected) or read_snapshot(target, max_size=None) != expected
    ):
        raise ChangedOnDiskError("file changed on disk since it was read; not overwritten")


def _new_file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable; some systems cannot open folders, which is no error."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


#: Temporary files older than this are stale even if a process with their pid runs.
STALE_TEMP_AGE = 24 * 3600
_TEMP_NAME_RE = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")


def clean_stale_temps(folder: Path) -> list[Path]:
    """Remove temporary files that a killed run left in ``folder``; return them.

    Policy: a regular file named ``.cnfix-tmp-<pid>-*`` is stale when no process with
    that pid is alive on this machine, or when it is older than ``STALE_TEMP_AGE`` (a
    pid may be reused). Files of live runs are left alone. Removing a temporary file
    can never lose data: the file it was to replace is still whole (a rename is the
    last step), and a run whose temporary file vanished fails that one write cleanly.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP_NAME_RE.match(entry.name)
        if match is None or int(match[1]) == os.getpid():
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            age = now - entry.stat(follow_symlinks=False).st_mtime
            if _pid_alive(int(match[1])) and age < STALE_TEMP_AGE:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists here (unknown counts as alive: keep the file)."""
    if os.name == "nt":  # os.kill(pid, 0) would terminate it; rely on the age limit
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:  # PermissionError: it exists, it is someone else's
        return True
    return True


# --- streaming large files --------------------------------------------------------

#: Files larger than this (in bytes) are read and repaired chunk by chunk, so memory
#: stays flat however large the file; smaller files are judged as one document.
STREAM_THRESHOLD = 8 << 20
#: Bytes read at a time when streaming; a chunk is about this size, cut at a blank line.
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of a streamed file: whole paragraphs (or at least whole lines).

    ``offset`` is the character offset of ``text`` in the decoded file and
    ``first_line`` the 1-based line number of its first line.
    """

    text: str
    offset: int
    first_line: int
    encoding: str
    bom: bool
    confidence: float


def _cut(text: str) -> int:
    """Where to end a chunk: after the last blank line in the second half of ``text``,
    else after the last line end, else nowhere (0: read more first)."""
    half = len(text) // 2
    blank = max(text.rfind("\n\n", half), text.rfind("\n\r\n", half))
    if blank != -1:
        return text.index("\n", blank + 1) + 1
    return text.rfind("\n") + 1


def _stream_codec(head: bytes, encoding: str | None) -> tuple[str, int, bool, float]:
    """Codec, bytes of BOM to skip, whether there was a BOM, confidence — from the head."""
    if encoding is not None:
        try:
            return codecs.lookup(encoding).name, 0, False, 1.0
        except LookupError as error:
            raise InputError(f"unknown encoding {encoding!r}: {error}") from None
    for bom, codec in BOMS:
        if head.startswith(bom):
            return codec, len(bom), True, 1.0
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", 0, False, 1.0
    from cnfix.io.detect import detect_encoding

    # The head may end inside a character: then judge it without its last bytes.
    detected = None
    for trim in range(min(4, len(head))):
        detected = detect_encoding(head[: len(head) - trim])
        if detected is not None:
            break
    if detected is None:
        raise BinaryFileError("binary or undecodable file (not UTF-8, GB18030, Big5 or UTF-16)")
    return detected[0], 0, False, detected[1]


def iter_chunks(
    path: Path, *, encoding: str | None = None, chunk_bytes: int | None = None
) -> Iterator[Chunk]:
    """Decode ``path`` incrementally and yield it as chunks of whole paragraphs.

    The encoding is decided from the first block (BOM, strict UTF-8, detection) and
    every later block is decoded strictly with it. A chunk ends after a blank line
    when there is one in its second half, else after a line end; a line longer than
    four blocks is cut where the block ends (never inside ``\\r\\n``). At most a few
    blocks are in memory at once. ``chunk_bytes`` defaults to ``CHUNK_BYTES``.
    """
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    with path.open("rb") as stream:
        data = stream.read(chunk_bytes)
        codec, skip, bom, confidence = _stream_codec(data, encoding)
        decoder = codecs.getincrementaldecoder(codec)("strict")
        data = data[skip:]
        pending = ""
        offset, line, consumed, first = 0, 1, 0, True
        while True:
            try:
                text = pending + decoder.decode(data, final=not data)
            except UnicodeDecodeError as error:
                if data or codec != "utf-8" or error.reason != "unexpected end of data":
                    raise InputError(
                        f"cannot decode as {codec} near byte {consumed + error.start}"
                    ) from None
                text = pending + "\ufffd"  # the last character cut short: _cut_short_utf8
            consumed += len(data)
            if first:
                text = text.removeprefix("\ufeff") if encoding is not None else text
                first = False
            if "\x00" in text:
                raise BinaryFileError("binary file (NUL bytes)")
            if not data:
                cut = len(text)
            else:
                cut = _cut(text)
                if cut == 0 and len(text) > 4 * chunk_bytes:
                    cut = len(text) - 1 if text.endswith("\r") else len(text)
            if cut:
                piece = text[:cut]
                yield Chunk(piece, offset, line, codec, bom, confidence)
                offset += len(piece)
                line += piece.count("\n")
            pending = text[cut:]
            if not data:
                return
            data = stream.read(chunk_bytes)


class StreamWriter:
    """``write_atomic`` for a file produced piece by piece (a streamed repair).

    The pieces go to a temporary file beside the target; ``commit`` fsyncs it, gives
    it the target's permission bits (and owner where allowed) and renames it over the
    target, refusing when the target's identity is no longer ``expected`` (it changed
    while it was being read). ``abort`` removes the temporary file; the target is
    never touched until the rename.
    """

    def __init__(self, path: Path, *, expected: FileIdentity | None = None) -> None:
        self.target = Path(os.path.realpath(path)) if os.path.islink(path) else path
        self.expected = expected
        try:
            self.status: os.stat_result | None = os.stat(self.target)
        except FileNotFoundError:
            if expected is not None:
                raise ChangedOnDiskError(
                    "file disappeared since it was read; not written"
                ) from None
            self.status = None
        if self.status is not None:
            _check_replaceable(self.status)
        import tempfile  # only when writing: keeps start-up fast

        prefix = f"{TEMP_PREFIX}{os.getpid()}-"
        self.fd, self.temp_name = tempfile.mkstemp(prefix=prefix, dir=self.target.parent)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def commit(self) -> None:
        try:
            os.fsync(self.fd)
            os.close(self.fd)
            self.fd = -1
            if self.status is not None:
                _keep_owner(self.temp_name, self.status)
            mode = stat.S_IMODE(self.status.st_mode) if self.status else _new_file_mode()
            os.chmod(self.temp_name, mode)
            if self.expected is not None:
                try:
                    current = FileIdentity.of(os.stat(self.target))
                except FileNotFoundError:
                    current = None
                if current != self.expected:
                    raise ChangedOnDiskError(
                        "file changed on disk since it was read; not overwritten"
                    )
            os.replace(self.temp_name, self.target)
        except BaseException:
            self.abort()
            raise
        _fsync_folder(self.target.parent)

    def abort(self) -> None:
        if self.fd != -1:
            os.close(self.fd)
            self.fd = -1
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp_name)
