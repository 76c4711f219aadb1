"""Which files a run works on: explicit paths, and text files found under folders."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cnfix.textio import TEXT_SUFFIXES

if TYPE_CHECKING:
    from cnfix.ignore import IgnoreFilter


def _matches(path: Path, patterns: Iterable[str]) -> bool:
    posix = path.as_posix()
    return any(
        fnmatch.fnmatch(posix, pattern)
        or fnmatch.fnmatch(path.name, pattern)
        or fnmatch.fnmatch(posix, f"*/{pattern}")
        for pattern in patterns
    )


def discover(
    paths: Iterable[Path],
    *,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    ignore: IgnoreFilter | None = None,
) -> Iterator[Path]:
    """Files to process, in a stable order.

    A file named explicitly is always taken (unless excluded); under a folder, files
    are taken by suffix (the text formats in ``TEXT_SUFFIXES``) or by an ``include``
    glob, hidden files and folders (``.git`` among them) are skipped, and symlinks
    are not followed out of the tree. Missing paths are yielded as they are, so the
    caller reports them. ``ignore`` (``.cnfixignore``, ``.gitignore``) skips more.
    """
    include, exclude = tuple(include), tuple(exclude)
    seen: set[Path] = set()
    for root in paths:
        if not root.is_dir():
            skipped = ignore is not None and ignore.ignored(root, explicit=True)
            if not skipped and not _matches(root, exclude) and root not in seen:
                seen.add(root)
                yield root
            continue
        if ignore is not None:
            ignore.start_walk(root)
        for folder, dirnames, filenames in os.walk(root, onerror=None):
            base = Path(folder)
            dirnames[:] = sorted(
                name
                for name in dirnames
                if not name.startswith(".")
                and not _matches(base / name, exclude)
                and not (ignore is not None and ignore.ignored(base / name, is_dir=True))
            )
            for name in sorted(filenames):
                path = base / name
                if name.startswith(".") or _matches(path, exclude):
                    continue
                if ignore is not None and ignore.ignored(path):
                    continue
                wanted = path.suffix.lower() in TEXT_SUFFIXES or _matches(path, include)
                if wanted and path not in seen:
                    seen.add(path)
                    yield path
