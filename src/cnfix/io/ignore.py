"""Which files cnfix leaves alone: ``.cnfixignore`` files and ``.gitignore``.

* ``.cnfixignore`` — gitignore syntax, read from the folders being walked and their
  parents up to the top of the git work tree; it applies to files found under folders
  and to files named on the command line (pre-commit names every file explicitly).
* ``.gitignore`` — when a folder inside a git work tree is walked, the files git
  ignores are skipped (asked of git itself, so nested ``.gitignore`` files,
  ``.git/info/exclude`` and the global excludes file all count). Files named on the
  command line are always taken. ``--no-respect-gitignore`` turns this off.

Inline ``cnfix: ignore`` pragmas are the engine's (``cnfix.engine.pragmas``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cnfix.io.decode import InputError
from cnfix.io.safe_files import SETTINGS_FILE_LIMIT, read_snapshot

IGNORE_FILE = ".cnfixignore"

# --- gitignore-syntax patterns ------------------------------------------------------


#: Regex pieces of the wildcards: ``*`` (within a folder), ``**/`` (any folders), a
#: trailing ``/**`` (everything inside).
_STAR, _FOLDERS, _ANYTHING = "[^/]*", "(?:.*/)?", ".*"


def _tokens(glob: str) -> list[str]:
    """A gitignore glob (without its leading ``/`` or trailing ``/``) as regex pieces:
    one per wildcard (``_STAR``, ``_FOLDERS``, ``_ANYTHING``) or fixed-width character."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        char = glob[i]
        if char == "*":
            if glob.startswith("**", i) and (i == 0 or glob[i - 1] == "/"):
                if i + 2 == n:  # trailing "/**": everything inside
                    out.append(_ANYTHING)
                    i += 2
                    continue
                if glob[i + 2] == "/":  # "**/": zero or more folders
                    out.append(_FOLDERS)
                    i += 3
                    continue
            out.append(_STAR)
            while i < n and glob[i] == "*":
                i += 1
            continue
        if char == "?":
            out.append("[^/]")
        elif char == "[":
            close = glob.find("]", i + 2 if glob.startswith(("[!", "[^"), i) else i + 1)
            if close == -1:
                out.append(re.escape(char))
            else:
                body = glob[i + 1 : close]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = close
        elif char == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return out


def _translate(glob: str) -> str:
    """A gitignore glob as a regex body that matches in time linear in the path's length
    per wildcard, never exponential (``*a*a*a*a*a*a*a*b`` must not stall a walk).

    As in ``fnmatch.translate``: a wildcard followed by fixed characters and then
    another wildcard takes the first place where those characters fit and never
    backtracks (an atomic group, written as a lookahead and a back-reference for
    Python 3.10). The first fit is always right there: the next wildcard absorbs what a
    later fit would have skipped. A ``*`` absorbs characters, so it is atomic before
    ``*`` or ``**/``; ``**/`` absorbs whole folders only, so it is atomic before
    ``**/`` or ``/**`` (the characters between then end with ``/``).
    """
    tokens = _tokens(glob)
    wildcards = (_STAR, _FOLDERS, _ANYTHING)
    out: list[str] = []
    groups = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        run_end = i + 1
        while run_end < len(tokens) and tokens[run_end] not in wildcards:
            run_end += 1
        follower = tokens[run_end] if run_end < len(tokens) else None
        atomic = (token == _STAR and follower is not None) or (
            token == _FOLDERS and follower in (_FOLDERS, _ANYTHING)
        )
        if token in (_STAR, _FOLDERS) and atomic and run_end > i + 1:
            lazy = "[^/]*?" if token == _STAR else "(?:.*?/)?"
            run = "".join(tokens[i + 1 : run_end])
            out.append(f"(?=(?P<g{groups}>{lazy}{run}))(?P=g{groups})")
            groups += 1
            i = run_end
            continue
        out.append(token)
        i += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Pattern:
    """One line of an ignore file."""

    regex: re.Pattern[str]
    negate: bool
    dir_only: bool

    @classmethod
    def parse(cls, line: str) -> Pattern | None:
        """The pattern on ``line``, or None for blank lines and comments."""
        if not line.endswith("\\ "):
            line = line.rstrip()
        if not line or line.startswith("#"):
            return None
        negate = line.startswith("!")
        if negate or line.startswith(("\\!", "\\#")):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            return None
        anchored = "/" in line
        body = _translate(line.lstrip("/"))
        try:
            regex = re.compile(f"^{body}$" if anchored else f"^(?:.*/)?{body}$", re.S)
        except re.error:  # a range like [z-a]: git matches nothing with it either
            return None
        return cls(regex, negate, dir_only)


class IgnoreFile:
    """The patterns of one ignore file; paths are matched relative to its folder."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self.patterns = tuple(patterns)

    @classmethod
    def from_text(cls, text: str) -> IgnoreFile:
        parsed = (Pattern.parse(line) for line in text.splitlines())
        return cls(pattern for pattern in parsed if pattern is not None)

    def decide(self, relative: str, *, is_dir: bool) -> bool | None:
        """True ignored, False re-included by ``!``, None when no pattern matches.

        As in git, the last matching pattern wins.
        """
        for pattern in reversed(self.patterns):
            if pattern.dir_only and not is_dir:
                continue
            if pattern.regex.match(relative):
                return not pattern.negate
        return None


# --- git ----------------------------------------------------------------------------


def git_ignored(folder: Path) -> frozenset[str] | None:
    """Paths under ``folder`` (relative, ``/``-separated; folders end with ``/``) that
    git ignores, or None when ``folder`` is not in a git work tree or git is missing.

    One ``git ls-files`` call per walked folder: ``--directory`` reports a wholly
    ignored folder once instead of listing everything in it.
    """
    import subprocess  # only when a folder is walked: keeps start-up fast

    try:
        result = subprocess.run(
            ["git", "ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z"],
            cwd=folder,
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return frozenset(os.fsdecode(item) for item in result.stdout.split(b"\0") if item)


def _git_ignores(folder: Path) -> bool:
    """True when git ignores ``folder`` itself (``git check-ignore``)."""
    import subprocess

    try:
        result = subprocess.run(
            ["git", "check-ignore", "-q", "."], cwd=folder, capture_output=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


# --- the filter used while discovering files ----------------------------------------


class IgnoreFilter:
    """Decides whether a path is skipped by ``.cnfixignore`` or (when walking) git.

    ``explicit`` paths were named on the command line: only ``.cnfixignore`` applies
    to them. Ignore files are read once per folder and cached.
    """

    def __init__(self, *, respect_gitignore: bool = True) -> None:
        self.respect_gitignore = respect_gitignore
        self._files: dict[Path, IgnoreFile | None] = {}
        self._git: dict[Path, tuple[Path, frozenset[str]] | None] = {}
        self._chains: dict[Path, tuple[Path, ...]] = {}
        self._roots: dict[Path, Path | None] = {}
        self._contexts: dict[str, _FolderContext] = {}

    def _ignore_file(self, folder: Path) -> IgnoreFile | None:
        if folder not in self._files:
            try:
                data = read_snapshot(folder / IGNORE_FILE, max_size=SETTINGS_FILE_LIMIT)
            except (OSError, InputError):  # absent, a FIFO, a device, too large
                self._files[folder] = None
            else:
                text = data.decode("utf-8", errors="replace")
                self._files[folder] = IgnoreFile.from_text(text)
        return self._files[folder]

    def _folders_above(self, folder: Path) -> tuple[Path, ...]:
        """``folder`` and its parents up to the top of its git work tree, deepest first.

        Built on the parent's cached chain: one ``stat`` per folder, however deep the
        tree (checking every parent of every folder was quadratic in the depth).
        """
        chain: list[Path] = []
        current = folder
        while True:
            cached = self._chains.get(current)
            if cached is not None:
                chain.extend(cached)
                break
            chain.append(current)
            if os.path.exists(os.path.join(current, ".git")) or current.parent == current:
                break
            current = current.parent
        result = self._chains[folder] = tuple(chain)
        return result

    def _cnfixignored(self, path: Path, *, is_dir: bool) -> bool:
        for folder in self._folders_above(path.parent):
            rules = self._ignore_file(folder)
            if rules is None:
                continue
            decision = rules.decide(path.relative_to(folder).as_posix(), is_dir=is_dir)
            if decision is not None:
                return decision
        return False

    def _walk_root(self, folder: Path) -> Path | None:
        """The nearest folder at or above ``folder`` that ``start_walk`` saw (cached per
        folder, so a deep tree costs one step per folder, not one per parent)."""
        pending: list[Path] = []
        current = folder
        while current not in self._git and current not in self._roots:
            pending.append(current)
            if current.parent == current:
                break
            current = current.parent
        root = current if current in self._git else self._roots.get(current)
        for seen in pending:
            self._roots[seen] = root
        return root

    def start_walk(self, root: Path) -> None:
        """Ask git once for what it ignores under ``root`` (a folder about to be walked)."""
        root = Path(os.path.abspath(root))
        if self.respect_gitignore and root not in self._git:
            self._roots.clear()  # a new walk root may be nearer than the cached ones
            self._contexts.clear()
            ignored = git_ignored(root)
            # A folder that git ignores as a whole ("./") was named on purpose: walk it.
            # "./": git ignores everything under root. If root itself is ignored, the
            # user named it on purpose: walk it all (as ripgrep does).
            if ignored is None or ("./" in ignored and _git_ignores(root)):
                self._git[root] = None
            else:
                self._git[root] = (root, ignored)

    def ignored(self, path: Path, *, is_dir: bool = False, explicit: bool = False) -> bool:
        """True when ``path`` is to be skipped."""
        absolute = os.path.abspath(path)
        if explicit:
            # A parent folder that is ignored takes its files with it, as in git (a
            # walk never enters such a folder; a named file must check its parents).
            named = Path(absolute)
            below_top = self._folders_above(named.parent)[:-1]
            if any(self._cnfixignored(folder, is_dir=True) for folder in reversed(below_top)):
                return True
            return self._cnfixignored(named, is_dir=is_dir)
        return self.ignored_in(os.path.dirname(absolute), absolute, is_dir=is_dir)

    def ignored_in(self, folder: str, absolute: str, *, is_dir: bool = False) -> bool:
        """``ignored`` for a path met by a walk, given as strings: its absolute folder and
        its absolute path (a walk knows the folder once for all its entries)."""
        rules, git = self._context(folder)
        for above, ignore_file in rules:
            decision = ignore_file.decide(_relative(absolute, above), is_dir=is_dir)
            if decision is not None:
                if decision:
                    return True
                break
        if git is None:
            return False
        base, ignored = git
        relative = _relative(absolute, base)
        return "./" in ignored or (relative + "/" if is_dir else relative) in ignored

    def _context(self, folder: str) -> _FolderContext:
        """The ignore files above ``folder`` and its git entry, worked out once per folder:
        a walk asks about every file, and pathlib per file cost more than the rules."""
        context = self._contexts.get(folder)
        if context is None:
            path = Path(folder)
            rules = tuple(
                (str(above), ignore_file)
                for above in self._folders_above(path)
                if (ignore_file := self._ignore_file(above)) is not None
            )
            git = None
            if self.respect_gitignore:
                root = self._walk_root(path)
                entry = self._git.get(root) if root is not None else None
                git = None if entry is None else (str(entry[0]), entry[1])
            context = self._contexts[folder] = (rules, git)
        return context


#: Per folder: the (folder, rules) of the ``.cnfixignore`` files above it, deepest first,
#: and the git walk root with what git ignores under it (None when git does not apply).
_FolderContext = tuple[tuple[tuple[str, "IgnoreFile"], ...], "tuple[str, frozenset[str]] | None"]


def _relative(absolute: str, folder: str) -> str:
    """``absolute`` relative to its ancestor ``folder``, with ``/`` separators."""
    relative = absolute[len(folder) :].lstrip(os.sep)
    return relative if os.sep == "/" else relative.replace(os.sep, "/")
