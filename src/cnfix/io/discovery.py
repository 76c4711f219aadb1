"""Which files a run works on: explicit paths, and text files found under folders."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cnfix.text.kinds import KIND_BY_SUFFIX

if TYPE_CHECKING:
    from cnfix.io.ignore import IgnoreFilter


def _matches(path: Path, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    posix = path.as_posix()
    return any(
        fnmatch.fnmatch(posix, pattern)
        or fnmatch.fnmatch(path.name, pattern)
        or fnmatch.fnmatch(posix, f"*/{pattern}")
        for pattern in patterns
    )


def _skipped(ignore: IgnoreFilter | None, folder: str, name: str, is_dir: bool = False) -> bool:
    """Whether ``ignore`` skips ``name`` in the walked folder ``folder`` (absolute)."""
    return ignore is not None and ignore.ignored_in(
        folder, os.path.join(folder, name), is_dir=is_dir
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
    are taken by suffix (the prose formats in ``KIND_BY_SUFFIX``) or by an ``include``
    glob, and hidden files and folders (``.git`` among them) are skipped.
    ``ignore`` (``.cnfixignore``, ``.gitignore``) skips more.

    Paths that cannot be used are yielded as they are, so that ``process_file``
    reports each by name and the run goes on: missing paths, folders that cannot be
    read, broken symlinks, and symlinks that lead out of the folder being walked
    (never followed). Symlinks whose target lies inside that folder are skipped: the
    walk reaches the target itself, so nothing is processed twice and link loops
    cannot trap the walk. The walk is iterative: folder depth is not limited by
    Python's recursion limit.
    """
    include, exclude = tuple(include), tuple(exclude)
    seen: set[Path] = set()
    for root in paths:
        if not os.path.isdir(root):
            skipped = ignore is not None and ignore.ignored(root, explicit=True)
            if not skipped and not _matches(root, exclude) and root not in seen:
                seen.add(root)
                yield root
            continue
        if ignore is not None:
            ignore.start_walk(root)
        for base, dirnames, filenames, problems in _walk(root):
            folder = os.path.abspath(base)
            dirnames[:] = sorted(
                name
                for name in dirnames
                if not name.startswith(".")
                and not _matches(base / name, exclude)
                and not _skipped(ignore, folder, name, is_dir=True)
            )
            for name in sorted(filenames):
                # Cheap tests on the name first: this loop is most of a walk of many
                # files (splitext agrees with Path.suffix on every suffix in the table).
                if name.startswith("."):
                    continue
                path = base / name
                if _matches(path, exclude):
                    continue
                suffix = os.path.splitext(name)[1].lower()
                wanted = suffix in KIND_BY_SUFFIX or _matches(path, include)
                if wanted and path not in seen and not _skipped(ignore, folder, name):
                    seen.add(path)
                    yield path
            for name in problems:
                path = base / name
                if name.startswith(".") or _matches(path, exclude) or path in seen:
                    continue
                if _skipped(ignore, folder, name, is_dir=True):
                    continue
                seen.add(path)
                yield path


def _inside(path: Path, tree: str) -> bool:
    """Whether the symlink ``path`` resolves to a place inside the real folder ``tree``."""
    target = os.path.realpath(path)
    return target == tree or target.startswith(tree.rstrip(os.sep) + os.sep)


def _walk(root: Path) -> Iterator[tuple[Path, list[str], list[str], list[str]]]:
    """Like ``os.walk`` (top-down, sorted; prune ``dirnames`` in place), but iterative,
    and with a fourth list: folders to report rather than enter.

    A folder that cannot be listed is a problem of its parent (or the root itself); a
    symlink into the tree is left out; a symlink out of it to a folder is a problem;
    a symlink out of it to a file, or a broken one, is listed with the files (so the
    usual suffix filter applies) and reported when taken. Links are never entered.
    """
    tree = os.path.realpath(root)
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as iterator:
                entries = sorted(iterator, key=lambda entry: entry.name)
        except OSError:
            yield folder.parent, [], [], [folder.name]
            continue
        dirnames: list[str] = []
        filenames: list[str] = []
        problems: list[str] = []
        for entry in entries:
            try:
                if entry.is_symlink():
                    if _inside(folder / entry.name, tree):
                        continue
                    (problems if entry.is_dir() else filenames).append(entry.name)
                elif entry.is_dir(follow_symlinks=False):
                    dirnames.append(entry.name)
                else:
                    filenames.append(entry.name)
            except OSError:
                problems.append(entry.name)
        yield folder, dirnames, filenames, problems
        stack.extend(folder / name for name in reversed(dirnames))
