"""The pre-commit hooks, run by the real ``pre-commit`` program.

A committed copy of this work tree serves as the hook repository (pre-commit clones
hook repositories at a ``rev``), and each test makes a fresh git repository whose
``.pre-commit-config.yaml`` uses it, exactly as a user's would. pre-commit installs
cnfix from that copy into its own environment once per test session (from the
package registry: allow a few minutes the first time); ``PRE_COMMIT_HOME`` is a
temporary folder shared by the tests of this module, so the install happens once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from cnfix.text.kinds import KIND_BY_SUFFIX

pytest.importorskip("pre_commit", reason="pre-commit comes with the test extras")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("git") is None, reason="needs git")]

#: The first run creates pre-commit's environment (pip installs cnfix and its
#: dependencies); later runs take a second or two.
INSTALL_TIMEOUT = 1200

DAMAGED = "会议指出,,要抓实学习教育,。各单位要认真落实,,确保取得实效,。\n"
REPAIRED = "会议指出，要抓实学习教育。各单位要认真落实，确保取得实效。\n"
CLEAN = "会议指出，要抓实学习教育。各单位要认真落实，确保取得实效。\n"
#: Long enough for encoding detection to be confident (GBK bytes are not UTF-8).
GBK_TEXT = (
    "全省卫生健康系统深入开展学习贯彻主题教育，各级医院结合实际制定工作方案，"
    "推动理论学习与业务工作深度融合，切实为群众办实事解难题。\n"
) * 3


def _git(folder: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=cnfix tests", "-c", "user.email=tests@cnfix.invalid", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A committed copy of the current work tree (tracked and new, unignored files)."""
    copy = tmp_path_factory.mktemp("hook-repo")
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            target.chmod(0o644)
    _git(copy, "init", "-q")
    _git(copy, "add", "-A")
    _git(copy, "commit", "-q", "-m", "snapshot for the pre-commit tests")
    return copy, _git(copy, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _project(tmp_path: Path, hook_repo: tuple[Path, str], hooks: list[dict]) -> Path:
    repo, rev = hook_repo
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": hooks}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(project, "add", ".pre-commit-config.yaml")
    return project


def _run(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PRE_COMMIT", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )


def _stage(project: Path, name: str, data: bytes) -> Path:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    _git(project, "add", name)
    return path


def test_hooks_file_declares_both_hooks() -> None:
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    }
    assert set(hooks) == {"cnfix", "cnfix-check"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["text"]
        assert set(hook["types_or"]) == PROSE_TAGS
    assert hooks["cnfix"]["entry"].startswith("cnfix repair --in-place")
    assert "--exit-non-zero-on-fix" in hooks["cnfix"]["entry"]
    assert hooks["cnfix-check"]["entry"] == "cnfix scan"


#: identify's tags of the prose formats in cnfix's file-type table (those it has a tag for).
PROSE_TAGS = {"plain-text", "markdown", "mdx", "rst", "html", "xml", "json", "yaml", "csv", "tsv"}


def test_hook_types_are_the_prose_formats_of_the_file_type_table() -> None:
    from identify import identify

    tags = set()
    for suffix in KIND_BY_SUFFIX:
        tags |= identify.tags_from_filename(f"name{suffix}") - {"text", "xhtml"}
    assert tags == PROSE_TAGS
    for suffix in (".py", ".js", ".c", ".java", ".go", ".sh", ".toml"):
        assert not identify.tags_from_filename(f"name{suffix}") & PROSE_TAGS


def test_a_mixed_repository_gets_only_its_prose_repaired(
    tmp_path: Path, hook_repo: tuple[Path, str], precommit_home: Path
) -> None:
    """Program text with Chinese strings is never handed to cnfix by the hook, and is
    left alone even when named: only the Markdown and the plain text change."""
    project = _project(tmp_path, hook_repo, [{"id": "cnfix"}])
    programs = {
        "app.py": 'print("你好,世界")\nparts = "状态:成功".split(":")\n',
        "static/app.js": "alert('保存成功:');\n// 会议指出,,要抓实学习教育,。\n",
        "src/main.c": 'printf("共%d天,是否继续");\n/* 会议指出,,要抓实学习教育,。 */\n',
        "bin/deploy": '#!/bin/sh\necho "会议指出,,要抓实学习教育,。"\n',
    }
    written = {name: _stage(project, name, text.encode("utf-8")) for name, text in programs.items()}
    (project / "bin" / "deploy").chmod(0o755)
    markdown = _stage(project, "docs/guide.md", (DAMAGED + "\n```\n" + DAMAGED + "```\n").encode())
    notes = _stage(project, "notes.txt", DAMAGED.encode("utf-8"))

    result = _run(project, precommit_home, "cnfix", "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    for name, path in written.items():
        assert path.read_text(encoding="utf-8") == programs[name], name
    assert markdown.read_text(encoding="utf-8") == REPAIRED + "\n```\n" + DAMAGED + "```\n"
    assert notes.read_text(encoding="utf-8") == REPAIRED


def test_damaged_file_is_fixed_and_the_hook_fails_then_passes(
    tmp_path: Path, hook_repo: tuple[Path, str], precommit_home: Path
) -> None:
    project = _project(tmp_path, hook_repo, [{"id": "cnfix"}])
    path = _stage(project, "notes.txt", DAMAGED.encode("utf-8"))

    first = _run(project, precommit_home, "cnfix")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "Failed" in first.stdout
    assert path.read_text(encoding="utf-8") == REPAIRED

    _git(project, "add", "notes.txt")
    second = _run(project, precommit_home, "cnfix")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout


def test_clean_file_passes_both_hooks(
    tmp_path: Path, hook_repo: tuple[Path, str], precommit_home: Path
) -> None:
    project = _project(tmp_path, hook_repo, [{"id": "cnfix"}, {"id": "cnfix-check"}])
    path = _stage(project, "clean.md", CLEAN.encode("utf-8"))
    result = _run(project, precommit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("Passed") == 2
    assert path.read_text(encoding="utf-8") == CLEAN


def test_gbk_file_is_converted_to_utf8(
    tmp_path: Path, hook_repo: tuple[Path, str], precommit_home: Path
) -> None:
    project = _project(tmp_path, hook_repo, [{"id": "cnfix"}])
    path = _stage(project, "legacy.txt", GBK_TEXT.encode("gbk"))
    result = _run(project, precommit_home, "cnfix")
    assert result.returncode == 1, result.stdout + result.stderr
    assert path.read_bytes() == GBK_TEXT.encode("utf-8")


def test_check_hook_reports_and_never_writes(
    tmp_path: Path, hook_repo: tuple[Path, str], precommit_home: Path
) -> None:
    project = _project(tmp_path, hook_repo, [{"id": "cnfix-check"}])
    path = _stage(project, "notes.txt", DAMAGED.encode("utf-8"))
    result = _run(project, precommit_home, "cnfix-check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "notes.txt:1:5: P001 stray-comma" in result.stdout
    assert path.read_text(encoding="utf-8") == DAMAGED


def test_args_are_passed_through(
    tmp_path: Path, hook_repo: tuple[Path, str], precommit_home: Path
) -> None:
    """``args`` reach cnfix: with only pinyin-annotation selected, comma damage passes."""
    hooks = [{"id": "cnfix-check", "args": ["--select", "pinyin-annotation"]}]
    project = _project(tmp_path, hook_repo, hooks)
    _stage(project, "notes.txt", DAMAGED.encode("utf-8"))
    result = _run(project, precommit_home, "cnfix-check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_cnfixignore_and_pragmas_hold_under_the_hook(
    tmp_path: Path, hook_repo: tuple[Path, str], precommit_home: Path
) -> None:
    """pre-commit names every staged file; .cnfixignore and `cnfix: ignore` still count."""
    project = _project(tmp_path, hook_repo, [{"id": "cnfix"}, {"id": "cnfix-check"}])
    _stage(project, ".cnfixignore", b"quoted/\n")
    quoted = _stage(project, "quoted/source.txt", DAMAGED.encode("utf-8"))
    marked_text = DAMAGED.rstrip("\n") + "  <!-- cnfix: ignore -->\n"
    marked = _stage(project, "marked.md", marked_text.encode("utf-8"))
    result = _run(project, precommit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert quoted.read_text(encoding="utf-8") == DAMAGED
    assert marked.read_text(encoding="utf-8") == marked_text


def test_project_config_checks_its_own_docs(
    hook_repo: tuple[Path, str], precommit_home: Path
) -> None:
    """The project's own .pre-commit-config.yaml runs cnfix-check on its docs, and its
    local hook is the published cnfix-check (same entry), so the two cannot drift."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    published = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    local = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert [hook["id"] for hook in local] == ["cnfix-check"]
    assert local[0]["entry"] == published["cnfix-check"]["entry"]

    repo, _ = hook_repo
    env_path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ.setdefault("PATH", "")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        env={**os.environ, "PATH": env_path, "PRE_COMMIT_HOME": str(precommit_home)},
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
