"""Configuration found per file as ruff finds its own: the closest ``.cnfix.toml``,
``cnfix.toml`` or ``pyproject.toml`` with ``[tool.cnfix]``, up to the repository
root; the same file gets the same findings from any current folder; ``--config``
names one file for every file."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cnfix

DAMAGED = "会议指出,,要抓实学习教育,。\n"


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """outside/cnfix.toml (above the repository: never read), repo/.git,
    repo/pyproject.toml (stray-comma only), repo/docs/a.txt, repo/sub/.cnfix.toml
    (halfwidth-punctuation only) and repo/sub/b.txt."""
    (tmp_path / "cnfix.toml").write_text('select = ["mixed-script"]\n', encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.cnfix]\nselect = ["stray-comma"]\n', encoding="utf-8"
    )
    (repo / "docs").mkdir()
    (repo / "docs" / "a.txt").write_text(DAMAGED, encoding="utf-8")
    (repo / "sub").mkdir()
    (repo / "sub" / ".cnfix.toml").write_text(
        'select = ["halfwidth-punctuation"]\n', encoding="utf-8"
    )
    (repo / "sub" / "b.txt").write_text(DAMAGED, encoding="utf-8")
    return tmp_path


def _codes(stdout: str) -> dict[str, set[str]]:
    codes: dict[str, set[str]] = {}
    for line in stdout.splitlines():
        if ": " in line and line.count(":") >= 3 and not line.startswith(" "):
            path, _, _, rest = line.split(":", 3)
            codes.setdefault(Path(path).name, set()).add(rest.split()[0])
    return codes


def test_each_file_gets_its_closest_configuration_from_any_folder(layout: Path) -> None:
    repo = layout / "repo"
    expected = {"a.txt": {"P001"}, "b.txt": {"P002"}}
    for cwd in (repo, repo / "docs", layout, Path("/")):
        done = run_cnfix("scan", str(repo / "docs"), str(repo / "sub"), cwd=cwd, text=True)
        assert _codes(done.stdout) == expected, (cwd, done.stdout, done.stderr)


def test_repair_follows_the_same_configuration(layout: Path) -> None:
    repo = layout / "repo"
    run_cnfix("repair", "-w", "docs", "sub", cwd=repo, text=True)
    assert (repo / "docs" / "a.txt").read_text(encoding="utf-8") == "会议指出,要抓实学习教育。\n"
    assert (repo / "sub" / "b.txt").read_text(encoding="utf-8") == "会议指出，,要抓实学习教育，。\n"


def test_config_option_overrides_discovery(layout: Path) -> None:
    repo = layout / "repo"
    (layout / "mine.toml").write_text('select = ["stray-comma"]\n', encoding="utf-8")
    done = run_cnfix("scan", "--config", "../mine.toml", "docs", "sub", cwd=repo, text=True)
    assert _codes(done.stdout) == {"a.txt": {"P001"}, "b.txt": {"P001"}}


def test_a_bad_configuration_found_for_a_file_is_an_error(layout: Path) -> None:
    repo = layout / "repo"
    (repo / "sub" / ".cnfix.toml").write_text('select = ["nope"]\n', encoding="utf-8")
    done = run_cnfix("scan", "sub", cwd=repo, text=True)
    assert done.returncode == 2
    assert ".cnfix.toml: select: unknown rule 'nope'" in done.stderr
    assert "Traceback" not in done.stderr
