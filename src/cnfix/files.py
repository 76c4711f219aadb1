"""Which files a run works on: explicit paths, and text files found under folders."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from cnfix.textio import TEXT_SUFFIXES


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
) -> Iterator[Path]:
    """Files to process, in a stable order.

    A file named explicitly is always taken (unless excluded); under a folder, files
    are taken by suffix (the text formats in ``TEXT_SUFFIXES``) or by an ``include``
    glob, hidden files and folders (``.git`` among them) are skipped, and symlinks
    are not followed out of the tree. Missing paths are yielded as they are, so the
    caller reports them.
    """
    include, exclude = tuple(include), tuple(exclude)
    seen: set[Path] = set()
    for root in paths:
        if not root.is_dir():
            if not _matches(root, exclude) and root not in seen:
                seen.add(root)
                yield root
            continue
        for folder, dirnames, filenames in os.walk(root, onerror=None):
            base = Path(folder)
            dirnames[:] = sorted(
                name
                for name in dirnames
                if not name.startswith(".") and not _matches(base / name, exclude)
            )
            for name in sorted(filenames):
                path = base / name
                if name.startswith(".") or _matches(path, exclude):
                    continue
                wanted = path.suffix.lower() in TEXT_SUFFIXES or _matches(path, include)
                if wanted and path not in seen:
                    seen.add(path)
                    yield path
