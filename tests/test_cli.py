"""The CLI through a real subprocess: every exit code, stdin/stdout, -o, --check, --in-place."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SEEDS, run_cnfix

DAMAGED = "会议指出,,要抓实学习教育,。6月19日,湖北省召开会议。\n"
CLEAN = "会议指出，要抓实学习教育。6月19日，湖北省召开会议。\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "damaged.txt").write_text(DAMAGED, encoding="utf-8")
    (tmp_path / "clean.md").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "also.txt").write_text(DAMAGED, encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return tmp_path


def test_scan_exit_0_on_clean_file(tree: Path) -> None:
    result = run_cnfix("scan", "clean.md", cwd=tree)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"No findings in 1 file.\n"
    assert run_cnfix("scan", "-q", "clean.md", cwd=tree).stdout == b""


def test_scan_exit_1_with_findings_and_location_lines(tree: Path) -> None:
    result = run_cnfix("scan", ".", cwd=tree)
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    assert any(re.fullmatch(r"damaged\.txt:1:5: P001 stray-comma .+", line) for line in lines)
    assert any(line.startswith("sub/also.txt:1:") for line in lines)
    assert "image.png" not in result.stdout.decode()


def test_scan_exit_2_on_missing_file_but_scans_the_others(tree: Path) -> None:
    result = run_cnfix("scan", "missing.txt", "damaged.txt", cwd=tree)
    assert result.returncode == 2
    assert b"missing.txt: no such file" in result.stderr
    assert b"damaged.txt:1:5" in result.stdout


def test_scan_exit_2_on_unknown_rule(tree: Path) -> None:
    result = run_cnfix("scan", "--select", "no-such-rule", ".", cwd=tree)
    assert result.returncode == 2
    assert b"no-such-rule" in result.stderr


def test_scan_json_has_every_field(tree: Path) -> None:
    result = run_cnfix("scan", "--format", "json", "damaged.txt", cwd=tree)
    assert result.returncode == 1
    records = json.loads(result.stdout)
    assert {
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "rule",
        "code",
        "message",
        "fixable",
    } <= set(records[0])
    assert records[0]["rule"] == "stray-comma" and records[0]["column"] == 5


def test_scan_binary_named_explicitly_is_a_notice_not_an_error(tree: Path) -> None:
    result = run_cnfix("scan", "image.png", cwd=tree)
    assert result.returncode == 0
    assert b"image.png: skipped: binary" in result.stderr


def test_scan_stdin(tree: Path) -> None:
    result = run_cnfix("scan", "-", cwd=tree, input=DAMAGED.encode())
    assert result.returncode == 1
    assert result.stdout.startswith(b"-:1:5: P001")


def test_repair_without_flags_shows_diff_and_writes_nothing(tree: Path) -> None:
    result = run_cnfix("repair", "damaged.txt", cwd=tree)
    assert result.returncode == 1
    assert "[-,-]" in result.stdout.decode()
    assert (tree / "damaged.txt").read_text(encoding="utf-8") == DAMAGED


def test_repair_in_place_writes_and_exits_0(tree: Path) -> None:
    result = run_cnfix("repair", "--in-place", ".", cwd=tree)
    assert result.returncode == 0, result.stderr
    assert (tree / "damaged.txt").read_text(encoding="utf-8") == CLEAN
    assert (tree / "sub" / "also.txt").read_text(encoding="utf-8") == CLEAN
    again = run_cnfix("repair", "--check", ".", cwd=tree)
    assert again.returncode == 0


def test_repair_check_exits_1_and_writes_nothing(tree: Path) -> None:
    result = run_cnfix("repair", "--check", "--diff", "none", ".", cwd=tree)
    assert result.returncode == 1
    assert (tree / "damaged.txt").read_text(encoding="utf-8") == DAMAGED


def test_repair_output_dir_mirrors_tree(tree: Path, tmp_path_factory) -> None:
    out = tmp_path_factory.mktemp("out")
    result = run_cnfix("repair", "-o", str(out), ".", cwd=tree)
    assert result.returncode == 0, result.stderr
    assert (out / "sub" / "also.txt").read_text(encoding="utf-8") == CLEAN
    assert (tree / "sub" / "also.txt").read_text(encoding="utf-8") == DAMAGED


def test_repair_stdin_to_stdout(tree: Path) -> None:
    result = run_cnfix("repair", "-", cwd=tree, input=DAMAGED.encode())
    assert result.returncode == 0
    assert result.stdout.decode() == CLEAN


def test_repair_unified_diff_applies_with_patch(tree: Path) -> None:
    if shutil.which("patch") is None:
        pytest.skip("patch(1) is not installed")
    diff = run_cnfix("repair", "--diff", "unified", "damaged.txt", cwd=tree).stdout
    subprocess.run(["patch", "-p1", "--quiet"], cwd=tree, input=diff, check=True)
    assert (tree / "damaged.txt").read_text(encoding="utf-8") == CLEAN


def test_repair_keeps_crlf_and_permissions(tree: Path) -> None:
    path = tree / "dos.txt"
    path.write_bytes(DAMAGED.replace("\n", "\r\n").encode())
    path.chmod(0o640)
    assert run_cnfix("repair", "--in-place", "dos.txt", cwd=tree).returncode == 0
    assert path.read_bytes() == CLEAN.replace("\n", "\r\n").encode()
    assert path.stat().st_mode & 0o777 == 0o640


def test_rules_lists_every_registered_rule(tree: Path) -> None:
    from cnfix.rules import RULES

    result = run_cnfix("rules", cwd=tree)
    assert result.returncode == 0
    for rule in RULES:
        assert rule.name in result.stdout.decode()
    detail = run_cnfix("rules", "stray-comma", cwd=tree)
    assert b"Fix (safe)" in detail.stdout


def test_config_select_from_pyproject(tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.cnfix]\nselect = ["halfwidth-punctuation"]\n')
    result = run_cnfix("scan", "--format", "json", "damaged.txt", cwd=tree)
    assert {r["rule"] for r in json.loads(result.stdout)} == {"halfwidth-punctuation"}


def test_broken_pyproject_is_exit_2(tree: Path) -> None:
    (tree / "pyproject.toml").write_text("[tool.cnfix\nselect = 1\n")
    result = run_cnfix("scan", "damaged.txt", cwd=tree)
    assert result.returncode == 2
    assert b"pyproject.toml" in result.stderr


def test_seeds_repair_leaves_no_comma_damage(tmp_path: Path) -> None:
    """Issue 2's must-show: on a copy of the seeds, repair removes every `,,`/`,。` pair and
    every ASCII comma between Chinese characters; a second run changes no byte."""
    copy = tmp_path / "seeds"
    shutil.copytree(SEEDS, copy)
    for path in copy.iterdir():
        path.chmod(0o644)  # the shared originals are read-only; a clone's are not
    result = run_cnfix("repair", "--in-place", "--diff", "none", str(copy), cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    han = "\u4e00-\u9fff"
    for path in sorted(copy.iterdir()):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r",[,，。、；;：:！!？?]", text), path.name
        assert not re.search(f"[{han}],[{han}]", text), path.name
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    run_cnfix("repair", "--in-place", "--diff", "none", str(copy), cwd=tmp_path)
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before
    scan = run_cnfix(
        "scan",
        "--format",
        "json",
        "--select",
        "stray-comma,halfwidth-punctuation",
        str(copy),
        cwd=tmp_path,
    )
    assert json.loads(scan.stdout) == []


def test_large_binary_file_is_a_notice_like_a_small_one(tmp_path: Path) -> None:
    """Files over the streaming threshold take another path; binary data is still skipped
    with a notice, not reported as an error."""
    from cnfix.io.chunks import STREAM_THRESHOLD

    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * (STREAM_THRESHOLD // 256 + 1))
    result = run_cnfix("scan", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert b"blob.txt: skipped: binary" in result.stderr
