"""Ignore mechanisms: ``.cnfixignore`` (gitignore syntax), git-ignored files, pragmas."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnfix import repair_text, scan_text
from cnfix.cli import cli
from cnfix.engine.pragmas import pragma_lines
from cnfix.io.discovery import discover
from cnfix.io.ignore import IgnoreFile, IgnoreFilter

DAMAGED = "会议指出,,要抓实学习教育,。\n"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _files(root: Path, *, respect_gitignore: bool = True, paths: list[Path] | None = None):
    ignore = IgnoreFilter(respect_gitignore=respect_gitignore)
    found = discover(paths or [root], ignore=ignore)
    return sorted(path.relative_to(root).as_posix() for path in found)


def _write(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DAMAGED, encoding="utf-8")


# --- the pattern matcher agrees with git ---------------------------------------------

PATTERNS = """\
# a comment, then a blank line

*.log
/build
out/
docs/**/draft.md
**/tmp
keep/**
!keep/this.txt
[ab]?.txt
\\#hash.txt
notes/*.md
!important.log
"""
PATHS = [
    "a.log",
    "sub/b.log",
    "important.log",
    "build",
    "build/x.txt",
    "sub/build",
    "out",
    "sub/out",
    "docs/draft.md",
    "docs/a/b/draft.md",
    "draft.md",
    "tmp",
    "x/y/tmp",
    "keep/other.txt",
    "keep/this.txt",
    "a1.txt",
    "c1.txt",
    "ab1.txt",
    "#hash.txt",
    "notes/a.md",
    "notes/deep/a.md",
    "plain.txt",
]
FOLDERS = {"build", "sub/build", "out", "sub/out", "tmp", "x/y/tmp", "keep", "notes"}


@needs_git
@pytest.mark.parametrize("path", PATHS)
def test_pattern_matcher_agrees_with_git_check_ignore(tmp_path: Path, path: str) -> None:
    """Each path is decided as ``git check-ignore`` decides it for the same patterns
    (as a file, and the names in FOLDERS also as a folder)."""
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text(PATTERNS, encoding="utf-8")
    rules = IgnoreFile.from_text(PATTERNS)
    for is_dir in (False, True) if path in FOLDERS else (False,):
        query = path + "/" if is_dir else path
        git = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", query], cwd=tmp_path, check=False
        )
        assert git.returncode in (0, 1)
        ours = bool(rules.decide(path, is_dir=is_dir))
        # git also ignores what lies inside an ignored folder; the walk handles that
        # by pruning, so compare only the path's own decision when no parent matches.
        parents = path.split("/")[:-1]
        inside_ignored = any(
            rules.decide("/".join(parents[: i + 1]), is_dir=True) for i in range(len(parents))
        )
        assert (ours or inside_ignored) == (git.returncode == 0), (query, ours)


def test_comments_blank_lines_and_escapes() -> None:
    rules = IgnoreFile.from_text("# comment\n\n\\#not-a-comment\n\\!bang\n  \n")
    assert rules.decide("#not-a-comment", is_dir=False) is True
    assert rules.decide("!bang", is_dir=False) is True
    assert rules.decide("comment", is_dir=False) is None


# --- .cnfixignore -------------------------------------------------------------------


def test_cnfixignore_skips_files_and_folders(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", "b.md", "vendor/x.txt", "docs/keep.md", "docs/skip.md")
    (tmp_path / ".cnfixignore").write_text("vendor/\n*.md\n!docs/keep.md\n", encoding="utf-8")
    assert _files(tmp_path) == ["a.txt", "docs/keep.md"]


def test_nested_cnfixignore_applies_below_its_folder(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", "sub/a.txt", "sub/b.txt", "other/b.txt")
    (tmp_path / "sub" / ".cnfixignore").write_text("b.txt\n", encoding="utf-8")
    assert _files(tmp_path) == ["a.txt", "other/b.txt", "sub/a.txt"]


def test_cnfixignore_applies_to_files_named_explicitly(tmp_path: Path) -> None:
    """pre-commit names every file: .cnfixignore must hold for them too."""
    _write(tmp_path, "a.txt", "gen/b.txt", "c.txt")
    (tmp_path / ".cnfixignore").write_text("gen/\nc.txt\n", encoding="utf-8")
    named = [tmp_path / "a.txt", tmp_path / "gen" / "b.txt", tmp_path / "c.txt"]
    assert _files(tmp_path, paths=named) == ["a.txt"]


def test_cnfixignore_above_the_walked_folder_counts(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _write(tmp_path, "docs/a.txt", "docs/gen/b.txt")
    (tmp_path / ".cnfixignore").write_text("docs/gen/\n", encoding="utf-8")
    assert _files(tmp_path, paths=[tmp_path / "docs"]) == ["docs/a.txt"]


# --- .gitignore ---------------------------------------------------------------------


@needs_git
def test_git_ignored_files_are_skipped_when_walking(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _write(tmp_path, "a.txt", "build/x.txt", "notes.tmp.txt", "sub/deep/y.txt", "tracked.txt")
    (tmp_path / ".gitignore").write_text("build/\n*.tmp.txt\ndeep/\ntracked.txt\n")
    _git(tmp_path, "add", "-f", "tracked.txt")  # tracked files are never ignored by git
    assert _files(tmp_path) == ["a.txt", "tracked.txt"]
    assert _files(tmp_path, respect_gitignore=False) == [
        "a.txt",
        "build/x.txt",
        "notes.tmp.txt",
        "sub/deep/y.txt",
        "tracked.txt",
    ]
    # A file named explicitly is taken even when git ignores it.
    assert _files(tmp_path, paths=[tmp_path / "build" / "x.txt"]) == ["build/x.txt"]
    # Walking a subfolder of the work tree asks git about that subfolder.
    assert _files(tmp_path, paths=[tmp_path / "sub"]) == []
    # A folder git ignores as a whole, named on the command line, is walked.
    assert _files(tmp_path, paths=[tmp_path / "build"]) == ["build/x.txt"]


def test_outside_a_git_work_tree_nothing_is_git_ignored(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", "build/x.txt")
    (tmp_path / ".gitignore").write_text("build/\n")
    # Without git (or outside a work tree) .gitignore is not read: only git decides.
    if shutil.which("git") is not None:
        inside = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"], cwd=tmp_path, capture_output=True
        )
        if inside.returncode == 0:
            pytest.skip("the temporary folder is inside a git work tree")
    assert _files(tmp_path) == ["a.txt", "build/x.txt"]


@needs_git
def test_cli_no_respect_gitignore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _git(tmp_path, "init", "-q")
    _write(tmp_path, "build/x.txt")
    (tmp_path / ".gitignore").write_text("build/\n")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", "."]).exit_code == 0
    assert runner.invoke(cli, ["scan", "--no-respect-gitignore", "."]).exit_code == 1


def test_cli_config_exclude_and_cnfixignore(tmp_path: Path, monkeypatch) -> None:
    _write(tmp_path, "a.txt", "vendor/b.txt", "gen/c.txt")
    (tmp_path / "pyproject.toml").write_text('[tool.cnfix]\nexclude = ["vendor/*"]\n')
    (tmp_path / ".cnfixignore").write_text("gen/\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["scan", "."])
    assert result.exit_code == 1
    assert {line.split(":")[0] for line in result.stdout.splitlines() if ".txt:" in line} == {
        "a.txt"
    }


# --- inline pragmas -----------------------------------------------------------------


def test_pragma_drops_findings_on_its_line_only() -> None:
    text = "会议指出,,要抓实。 cnfix: ignore\n会议指出,,要抓实。\n"
    findings = scan_text(text)
    assert findings
    assert all(text.count("\n", 0, f.start) == 1 for f in findings)


def test_pragma_with_rules_drops_only_those() -> None:
    line = "会议指出,,要抓实学习教育,。"
    every = {f.rule for f in scan_text(line)}
    assert {"stray-comma", "halfwidth-punctuation"} <= every
    by_name = {f.rule for f in scan_text(line + " cnfix: ignore[stray-comma]")}
    assert by_name == every - {"stray-comma"}
    by_code = {f.rule for f in scan_text(line + " cnfix: ignore[p001, P002]")}
    assert by_code == every - {"stray-comma", "halfwidth-punctuation"}


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        ("text", "会议指出,,要抓实学习教育,。  # cnfix: ignore"),
        ("markdown", "会议指出,,要抓实学习教育,。 <!-- cnfix: ignore -->"),
        ("markup", "<p>会议指出,,要抓实学习教育,。</p><!-- cnfix: ignore -->"),
        ("markdown", "<!-- cnfix: ignore[stray-comma,halfwidth-punctuation] -->会议指出,,要抓,。"),
    ],
)
def test_pragma_in_each_format(kind: str, line: str) -> None:
    text = f"{line}\n会议指出,,要抓实。\n"
    assert scan_text(line, kind=kind) == []
    repaired = repair_text(text, kind=kind).text
    assert repaired.splitlines()[0] == line  # the marked line is left exactly as it is
    assert repaired.splitlines()[1] == "会议指出，要抓实。"


def test_words_that_only_look_like_the_pragma() -> None:
    assert pragma_lines("cnfix: ignored\ncnfix: ignore-file\ncnfix:ignore\n") == [(34, 46, None)]


def test_whole_file_findings_are_not_dropped_by_a_line_pragma() -> None:
    from cnfix.engine import check_document
    from cnfix.model import Document

    doc = Document("cnfix: ignore\n正文。\n", encoding="gb18030", confidence=1.0)
    assert [f.rule for f in check_document(doc)] == ["encoding"]


def test_two_pragmas_on_one_line_add_up() -> None:
    line = "会议指出,,要抓实学习教育,。 <!-- cnfix: ignore[stray-comma] --> cnfix: ignore[P002]"
    assert scan_text(line, select=["stray-comma", "halfwidth-punctuation"]) == []
