"""The folder a write happens in, opened once: every step of an atomic write (stat,
temporary file, identity check, rename, fsync) is done in it.

Where the platform can (``os.supports_dir_fd``), the folder is a descriptor and each
step names a file relative to it (``dir_fd``): a folder on the path swapped for a
symlink meanwhile cannot move the write elsewhere (issue 21, F12). Windows cannot: there
the steps go by path, from the folder's real path resolved when it was opened, and the
rename is refused (ChangedOnDiskError) unless that path still leads to the folder opened
(device and inode). A swap in the instant between that check and the rename is the one
gap the platform leaves.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from cnfix.io.decode import ChangedOnDiskError

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def dir_fd_supported() -> bool:
    """Whether files can be opened, examined, renamed and removed relative to a folder's
    descriptor here (not on Windows)."""
    return {os.open, os.stat, os.rename, os.unlink} <= os.supports_dir_fd


class Folder:
    """A folder opened for writes that must all happen in it (see the module)."""

    def __init__(self, path: Path) -> None:
        self.dir_fd: int | None = None
        self.closed = False
        if dir_fd_supported():
            self.path = path
            self.dir_fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _O_CLOEXEC)
            status = os.fstat(self.dir_fd)
        else:
            self.path = Path(os.path.realpath(path))
            status = os.stat(self.path)
        self.identity = (status.st_dev, status.st_ino)

    def _at(self, name: str) -> str:
        return name if self.dir_fd is not None else os.path.join(self.path, name)

    def stat(self, name: str) -> os.stat_result:
        """The status of ``name`` in the folder, a link not followed."""
        return os.stat(self._at(name), dir_fd=self.dir_fd, follow_symlinks=False)

    def open(self, name: str, flags: int, mode: int = 0o777) -> int:
        return os.open(self._at(name), flags | _O_CLOEXEC, mode, dir_fd=self.dir_fd)

    def unlink(self, name: str) -> None:
        os.unlink(self._at(name), dir_fd=self.dir_fd)

    def replace(self, source: str, target: str) -> None:
        """Rename ``source`` over ``target``, both in the folder (atomic)."""
        if self.dir_fd is None:
            self._check_same()
        dir_fd = self.dir_fd
        os.replace(self._at(source), self._at(target), src_dir_fd=dir_fd, dst_dir_fd=dir_fd)

    def _check_same(self) -> None:
        """By path: refuse when the folder's path leads elsewhere than at the open."""
        try:
            status = os.stat(self.path)
        except OSError:
            status = None
        if status is None or (status.st_dev, status.st_ino) != self.identity:
            raise ChangedOnDiskError("folder replaced during the write; not written")

    def sync(self) -> None:
        """Make a rename in the folder durable; some systems cannot, which is no error."""
        if self.dir_fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(self.dir_fd)

    def close(self) -> None:
        if self.dir_fd is not None:
            os.close(self.dir_fd)
            self.dir_fd = None
        self.closed = True
