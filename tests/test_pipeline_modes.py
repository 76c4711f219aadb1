"""One pipeline: files, stdin and JSON Lines records give the same exit codes for the
same damage and the same options (they drifted apart when each mode had its own loop)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cnfix

DAMAGED = "会议指出,,要抓实学习教育,。"
CLEAN = "会议指出，要抓实学习教育。"

#: (options, exit code) for a damaged input; every fix is safe, so nothing is left.
CASES = [
    ((), 1),
    (("--exit-zero",), 0),
    (("--check",), 1),
    (("--check", "--exit-zero"), 0),
    (("-w",), 0),
    (("-w", "--exit-non-zero-on-fix"), 1),
    (("-w", "--exit-zero", "--exit-non-zero-on-fix"), 0),
]


def _write_inputs(folder: Path, text: str) -> dict[str, Path]:
    (folder / "doc.txt").write_text(text + "\n", encoding="utf-8")
    (folder / "doc.jsonl").write_text(
        json.dumps({"text": text}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return {"files": folder / "doc.txt", "jsonl": folder / "doc.jsonl"}


@pytest.mark.parametrize(
    ("options", "expected"), CASES, ids=[" ".join(options) or "-" for options, _ in CASES]
)
@pytest.mark.parametrize("mode", ["files", "jsonl"])
def test_repair_exit_codes_are_the_same_in_every_mode(
    tmp_path: Path, mode: str, options: tuple[str, ...], expected: int
) -> None:
    path = _write_inputs(tmp_path, DAMAGED)[mode]
    extra = ("--jsonl",) if mode == "jsonl" else ()
    done = run_cnfix("repair", *extra, *options, path.name, cwd=tmp_path)
    assert done.returncode == expected, done.stderr
    written = "-w" in options
    assert (CLEAN in path.read_text(encoding="utf-8")) == written


@pytest.mark.parametrize("mode", ["files", "jsonl"])
@pytest.mark.parametrize(("text", "expected"), [(DAMAGED, 1), (CLEAN, 0)])
def test_scan_exit_codes_are_the_same_in_every_mode(
    tmp_path: Path, mode: str, text: str, expected: int
) -> None:
    path = _write_inputs(tmp_path, text)[mode]
    extra = ("--jsonl",) if mode == "jsonl" else ()
    assert run_cnfix("scan", *extra, path.name, cwd=tmp_path).returncode == expected
    assert run_cnfix("scan", *extra, "--exit-zero", path.name, cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(("options", "expected"), [((), 0), (("--exit-zero",), 0)])
def test_stdin_filter_exits_like_a_written_repair(
    tmp_path: Path, options: tuple[str, ...], expected: int
) -> None:
    done = run_cnfix("repair", *options, "-", cwd=tmp_path, input=DAMAGED.encode())
    assert done.returncode == expected
    assert done.stdout.decode() == CLEAN
