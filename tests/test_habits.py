"""Habits that must not misfire: "did you mean" for rule names and options (and the
options of other tools answered with cnfix's own), and Ctrl-C exits 130 leaving every
file whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cnfix

DAMAGED = "会议指出,,要抓实学习教育,。"
CLEAN = "会议指出，要抓实学习教育。"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["scan", "--select", "mojibak"], "did you mean 'mojibake'?"),
        (["repair", "--ignore", "stray-coma"], "did you mean 'stray-comma'?"),
        (["rules", "halfwidth"], "did you mean 'halfwidth-punctuation'?"),
        (["scan", "--fix"], "Did you mean `cnfix repair` (shows the repairs; `-w` writes them)?"),
        (["repair", "--fix"], "Did you mean `-w` / `--in-place` (write the repairs)?"),
        (["scan", "--selet", "P001"], "Did you mean --select?"),
    ],
)
def test_did_you_mean(tmp_path: Path, args: list[str], expected: str) -> None:
    done = run_cnfix(*args, cwd=tmp_path, text=True)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "--field" not in done.stderr


def _interrupt(
    args: list[str], cwd: Path, ready: Callable[[], bool]
) -> subprocess.CompletedProcess:
    """Run cnfix, and send SIGINT once ``ready()`` says the run is under way."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cnfix", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    deadline = time.monotonic() + 120
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def test_ctrl_c_exits_130_and_leaves_every_file_whole(tmp_path: Path) -> None:
    for number in range(3000):
        (tmp_path / f"{number:04}.txt").write_text(DAMAGED * 20 + "\n", encoding="utf-8")
    first = tmp_path / "0000.txt"

    def one_written() -> bool:
        return first.read_text(encoding="utf-8") != DAMAGED * 20 + "\n"

    done = _interrupt(["repair", "-w", "-j", "1", "."], tmp_path, one_written)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    names = sorted(path.name for path in tmp_path.iterdir())
    assert len(names) == 3000, [name for name in names if "cnfix-tmp" in name]
    contents = {path.read_text(encoding="utf-8") for path in tmp_path.iterdir()}
    assert contents <= {DAMAGED * 20 + "\n", CLEAN * 20 + "\n"}


def test_ctrl_c_on_records_writes_no_partial_output(tmp_path: Path) -> None:
    line = json.dumps({"text": DAMAGED * 20}, ensure_ascii=False) + "\n"
    (tmp_path / "in.jsonl").write_text(line * 200_000, encoding="utf-8")

    def writing() -> bool:
        return any(path.name != "in.jsonl" for path in tmp_path.iterdir())

    done = _interrupt(
        ["repair", "--jsonl", "-j", "1", "-o", "out.jsonl", "in.jsonl"], tmp_path, writing
    )
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.jsonl"]
