"""Files read once and written atomically, as UTF-8, never half-written: snapshots with
their identity, the changed-on-disk check, stale temporary files.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
from pathlib import Path
from typing import NamedTuple

from cnfix.io.decode import (
    ChangedOnDiskError,
    InputError,
    NotTextError,
    decode_bytes,
)
from cnfix.io.folder import Folder
from cnfix.model import Document, Settings

TEMP_PREFIX = ".cnfix-tmp-"


DEFAULT_MAX_SIZE = 256 * 1024 * 1024
#: Ignore files larger than this are not read (a file of patterns is small; a link to
#: /dev/zero or a huge file must not exhaust memory).
SETTINGS_FILE_LIMIT = 1 << 20


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


def open_regular(path: Path | str, *, walked: os.stat_result | None = None) -> int:
    """A read-only descriptor of the regular file ``path``; refuses anything that could
    hang, blow up or lead elsewhere.

    A FIFO, socket or device is never opened (``stat`` first; opening a FIFO blocks and
    opening a device can have side effects), and the open itself is non-blocking with a
    second check on the open descriptor, in case the file was swapped in between.
    ``walked``: the ``lstat`` a folder walk took of ``path`` (a regular file then). The
    open then follows no symlink (``O_NOFOLLOW``) and the descriptor must be that same
    file (device and inode): a file swapped for a link or another file between the walk
    and the open is refused (NotTextError), never followed out of the tree.
    """
    if walked is None:
        kind = special_file_kind(os.stat(path).st_mode)
        if kind == "directory":
            raise InputError("is a directory")
        if kind is not None:
            raise NotTextError(f"not a regular file ({kind}); never opened")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if walked is not None:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if walked is not None and error.errno in (errno.ELOOP, errno.EMLINK):
            raise NotTextError("replaced by a symlink during the run; not followed") from None
        raise
    try:
        status = os.fstat(fd)
        kind = special_file_kind(status.st_mode)
        if kind is not None:
            raise NotTextError(f"not a regular file ({kind}); never opened")
        if walked is not None and (status.st_dev, status.st_ino) != (
            walked.st_dev,
            walked.st_ino,
        ):
            raise NotTextError("replaced by another file during the run; skipped")
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_snapshot(
    path: Path,
    *,
    max_size: int | None = DEFAULT_MAX_SIZE,
    walked: os.stat_result | None = None,
) -> Snapshot:
    """The bytes of the regular file ``path`` (opened by ``open_regular``, which see for
    ``walked``). A file larger than ``max_size`` bytes is refused before reading
    (InputError), so memory stays bounded.
    """
    fd = open_regular(path, walked=walked)
    try:
        status = os.fstat(fd)
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
    force: bool = False,
    max_size: int | None = DEFAULT_MAX_SIZE,
    walked: os.stat_result | None = None,
) -> tuple[Document, Snapshot]:
    """Read and decode ``path``; return the Document and the original bytes (a Snapshot)."""
    data = read_snapshot(path, max_size=max_size, walked=walked)
    decoded = decode_bytes(data, encoding, force=force)
    return decoded.document(name=path, settings=settings), data


def write_atomic(
    path: Path, data: bytes, *, expected: bytes | None = None, follow_symlinks: bool = True
) -> None:
    """Replace ``path`` by ``data`` whole, or leave it exactly as it was.

    How: the bytes go to a temporary file ``.cnfix-tmp-<pid>-<random>`` in the target's
    folder (so the rename stays on one file system), are written in full and fsynced,
    get the original permission bits (and owner and group where allowed), and are
    renamed over the target with ``os.replace``, which is atomic; the folder is fsynced
    after the rename. Any failure (disk full, I/O error, an exception, a signal handled
    by Python) removes the temporary file and leaves the target untouched. Only a kill
    (SIGKILL, power loss) can leave the temporary file behind; ``clean_stale_temps``
    recognises it by its prefix and dead pid and removes it on the next run.

    A symlink is written through: its target is replaced and the link stays a link;
    with ``follow_symlinks=False`` (a copy under ``-o``) a symlink is refused instead.

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
    target = link_target(path, follow_symlinks)
    # Every step below happens in this one folder, opened once: a folder on the path
    # swapped for a symlink meanwhile cannot move the write elsewhere (F12).
    folder = Folder(target.parent)
    try:
        _write_in(folder, target.name, data, expected)
    finally:
        folder.close()


def _write_in(folder: Folder, name: str, data: bytes, expected: bytes | None) -> None:
    """``write_atomic`` of the file ``name`` in the open ``folder``."""
    try:
        status: os.stat_result | None = folder.stat(name)
    except FileNotFoundError:
        if expected is not None:
            raise ChangedOnDiskError("file disappeared since it was read; not written") from None
        status = None
    if status is not None:
        _check_replaceable(status)
    fd, temp_name = new_temp(folder)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            keep_metadata(fd, status)
        finally:
            os.close(fd)
        if expected is not None:
            _check_unchanged(folder, name, expected)
        folder.replace(temp_name, name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            folder.unlink(temp_name)
        raise
    folder.sync()


def keep_metadata(fd: int, status: os.stat_result | None) -> None:
    """Give the new file ``fd`` the permission bits of the file it replaces (``status``;
    None: a new file, the usual ``0o666 & ~umask``), and its owner and group as far as
    this process may."""
    if status is not None:
        _keep_owner(fd, status)
    if hasattr(os, "fchmod"):  # not on Windows before Python 3.13: the default mode stays
        os.fchmod(fd, stat.S_IMODE(status.st_mode) if status else _new_file_mode())


def new_temp(folder: Folder) -> tuple[int, str]:
    """A new, empty temporary file in ``folder`` (``TEMP_PREFIX``, this pid, random)."""
    import secrets  # only when writing: keeps start-up fast

    while True:
        name = f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with contextlib.suppress(FileExistsError):
            return folder.open(name, flags, 0o600), name


def link_target(path: Path, follow_symlinks: bool = True) -> Path:
    """The file a write to ``path`` replaces: the target of a symlink (refused with an
    InputError when ``follow_symlinks`` is False), else ``path``."""
    if not os.path.islink(path):
        return path
    if not follow_symlinks:
        raise InputError("is a symlink in the output folder; not written through")
    return Path(os.path.realpath(path))


def _check_replaceable(status: os.stat_result) -> None:
    kind = special_file_kind(status.st_mode)
    if kind is not None:
        raise InputError(f"not a regular file ({kind}); not written")
    if status.st_nlink > 1:
        raise InputError(
            f"file has {status.st_nlink} hard links; replacing it would split them; not written"
        )
    mode = stat.S_IMODE(status.st_mode)
    if not mode & 0o222 or not mode & _write_bit_for_us(status):
        raise InputError(f"read-only file (mode {mode:04o}); not written")


def _write_bit_for_us(status: os.stat_result) -> int:
    """The permission bit that lets this process write the file: the owner's, the
    group's or the others' (any of them for root). The folder's permission would let
    a rename replace a file its owner keeps read-only for us; the file's bits decide."""
    if not hasattr(os, "geteuid"):  # pragma: no cover - Windows: no owner bits
        return 0o222
    euid = os.geteuid()
    if euid == 0:
        return 0o222
    if status.st_uid == euid:
        return stat.S_IWUSR
    if status.st_gid == os.getegid() or status.st_gid in os.getgroups():
        return stat.S_IWGRP
    return stat.S_IWOTH


def _keep_owner(fd: int, status: os.stat_result) -> None:
    """Give the new file the old owner and group, as far as this process may."""
    if not hasattr(os, "chown"):
        return
    for uid, gid in ((status.st_uid, status.st_gid), (-1, status.st_gid)):
        try:
            os.chown(fd, uid, gid)
            return
        except PermissionError:
            continue


def _check_unchanged(folder: Folder, name: str, expected: bytes) -> None:
    try:
        current = folder.stat(name)
    except FileNotFoundError:
        raise ChangedOnDiskError("file disappeared since it was read; not written") from None
    identity = getattr(expected, "identity", None)
    if (identity is not None and FileIdentity.of(current) != identity) or (
        current.st_size != len(expected) or _read_in(folder, name) != expected
    ):
        raise ChangedOnDiskError("file changed on disk since it was read; not overwritten")


def _read_in(folder: Folder, name: str) -> bytes:
    """The bytes of the regular file ``name`` in the open ``folder`` (no link followed)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = folder.open(name, flags)
    except OSError:
        return b""  # a link or no file any more: not what was read
    with os.fdopen(fd, "rb") as file:
        return file.read()


def _new_file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


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
