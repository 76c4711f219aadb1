"""Configuration errors stop the run before any file is touched: exit 2 and a message
that names the problem (the option, the rule, the file and key)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cnfix

from cnfix.io.safe_files import TEMP_PREFIX

#: Output as text: these tests read messages.
run_text = functools.partial(run_cnfix, text=True)

DAMAGED = "会议指出,,要抓实学习教育,。6月19日,湖北省召开会议。\n"
PAST = 1_000_000_000 * 10**9  # 2001: any write would move the mtime


CASES = [
    pytest.param(["--select", "nope"], None, "unknown rule 'nope'", id="select-unknown"),
    pytest.param(["--select", "stray-comma,P9"], None, "unknown rule 'P9'", id="select-code"),
    pytest.param(["--ignore", "nope"], None, "unknown rule 'nope'", id="ignore-unknown"),
    pytest.param(["--to", "martian"], None, "Invalid value for '--to'", id="to-unknown"),
    pytest.param(["--encoding", "klingon"], None, "unknown encoding 'klingon'", id="encoding"),
    pytest.param(["--max-size", "-1"], None, "Invalid value for '--max-size'", id="max-size"),
    pytest.param([], "[tool.cnfix\nselect = [\n", "pyproject.toml: invalid TOML", id="toml-broken"),
    pytest.param([], b"\xff\xfe[tool.cnfix]\n", "pyproject.toml: invalid TOML", id="toml-bytes"),
    pytest.param([], '[tool.cnfix]\nselect = ["nope"]\n', "unknown rule 'nope'", id="toml-select"),
    pytest.param([], '[tool.cnfix]\nignore = ["nope"]\n', "unknown rule 'nope'", id="toml-ignore"),
    pytest.param(
        [],
        '[tool.cnfix]\nto = "martian"\n',
        "pyproject.toml: [tool.cnfix] to = 'martian' is not one of",
        id="toml-to",
    ),
    pytest.param(
        [],
        "[tool.cnfix]\ncolour = true\n",
        "pyproject.toml: unknown key 'colour' in [tool.cnfix]",
        id="toml-unknown-key",
    ),
    pytest.param(
        [],
        '[tool.cnfix]\nselect = "stray-comma"\n',
        "pyproject.toml: [tool.cnfix] select must be a list, not str",
        id="toml-type",
    ),
    pytest.param(
        [],
        "[tool]\ncnfix = 5\n",
        "pyproject.toml: [tool.cnfix] must be a table, not int",
        id="toml-not-a-table",
    ),
]


@pytest.mark.parametrize(("args", "pyproject", "message"), CASES)
@pytest.mark.parametrize("command", [["repair", "-w"], ["repair", "-o", "out"]])
def test_config_error_exits_2_before_any_file_is_touched(
    tmp_path: Path,
    command: list[str],
    args: list[str],
    pyproject: str | bytes | None,
    message: str,
) -> None:
    document = tmp_path / "docs" / "a.txt"
    document.parent.mkdir()
    document.write_text(DAMAGED, encoding="utf-8")
    os.utime(document, ns=(PAST, PAST))
    if pyproject is not None:
        data = pyproject.encode() if isinstance(pyproject, str) else pyproject
        (tmp_path / "pyproject.toml").write_bytes(data)
    result = run_text(*command, *args, "docs", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert document.read_text(encoding="utf-8") == DAMAGED
    assert document.stat().st_mtime_ns == PAST
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.rglob(TEMP_PREFIX + "*"))


def test_unreadable_pyproject_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root reads any file, so the unreadable file is simulated."""
    from cnfix.config import ConfigError, load_config

    (tmp_path / "pyproject.toml").write_text("[tool.cnfix]\n", encoding="utf-8")
    real_open = os.open

    def open_file(path: str | Path, *args: Any, **kwargs: Any) -> int:
        if os.path.basename(path) == "pyproject.toml":
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_file)
    with pytest.raises(ConfigError, match=r"pyproject\.toml: cannot read: Permission denied"):
        load_config(tmp_path)


def test_valid_config_still_runs(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.cnfix]\nselect = ["stray-comma"]\n', encoding="utf-8"
    )
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    result = run_text("scan", "a.txt", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "P001" in result.stdout and "P002" not in result.stdout


@pytest.mark.parametrize(
    "toml",
    [
        '[tool.cnfix]\nselect = ["stray-comma"]\n',
        '[ tool . "cnfix" ]\nselect = ["stray-comma"]\n',
        '[tool]\ncnfix = { select = ["stray-comma"] }\n',
        '  [ tool ]  # tools\ncnfix.select = ["stray-comma"]\n',
        'tool.cnfix.select = ["stray-comma"]\n',
        '"tool" . cnfix = { select = ["stray-comma"] }\n',
        'tool = { cnfix = { select = ["stray-comma"] } }\n',
        "[tool.cnfix.extra]\n",
    ],
)
def test_every_spelling_of_the_table_is_read(tmp_path: Path, toml: str) -> None:
    from cnfix.config import find_config

    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    assert find_config(tmp_path) == (tmp_path / "pyproject.toml").resolve()


def test_a_pyproject_for_other_tools_is_not_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No spelling of ``tool.cnfix`` in the text: no TOML parser (start-up of a hook),
    even where the project itself is called cnfix."""
    from cnfix import config

    def no_parser() -> None:
        raise AssertionError("tomllib was asked for")

    monkeypatch.setattr(config, "_tomllib", no_parser)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "cnfix"\n[tool.setuptools.package-data]\ncnfix = ["data/*.txt"]\n'
        "[tool.ruff]\nline-length = 100\n",
        encoding="utf-8",
    )
    assert config.find_config(tmp_path) is None
