"""What a terminal shows: cnfix run on a pseudo-terminal (stdout and stderr on one
screen, as in a shell), the screen's bytes read back. The progress bar never shares
the screen with report lines; diffs are folded to the terminal's width."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")

WIDTH = 100
DAMAGED = "会议指出,,要抓实学习教育,。" * 30 + "\n\n\n\n\n他说锟斤拷\n"
CLEAN = "会议指出，要抓实学习教育。" * 30 + "\n"
BAR = "━"
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


def _on_terminal(args: list[str], cwd: Path) -> list[str]:
    """The lines a WIDTH-column terminal received, escape sequences removed."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, WIDTH, 0, 0))
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": str(WIDTH)}
    process = subprocess.Popen(
        [sys.executable, "-m", "cnfix", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    received = bytearray()
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not data:
            break
        received += data
    os.close(master)
    process.wait(timeout=300)
    return ANSI_RE.sub("", received.decode("utf-8", "replace")).split("\n")


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """250 files (enough for a progress bar), every third damaged."""
    for number in range(250):
        text = DAMAGED if number % 3 == 0 else CLEAN
        (tmp_path / f"{number:03}.txt").write_text(text, encoding="utf-8")
    return tmp_path


def _cells(line: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def test_no_bar_while_diffs_print_and_diffs_folded(many: Path) -> None:
    lines = _on_terminal(["repair", "-j", "1", "."], many)
    assert not any(BAR in line for line in lines)
    assert any("│" in line for line in lines)  # the diffs are there
    assert max(_cells(line) for line in lines if "│" in line) <= WIDTH


def test_writing_many_files_summarises_diffs_and_keeps_lines_apart_from_the_bar(
    many: Path,
) -> None:
    lines = _on_terminal(["repair", "-w", "-j", "1", "."], many)
    left = [line for line in lines if "not fixed" in line]
    assert len(left) == 2 * 84 and not any(BAR in line for line in left)
    assert not any("│" in line for line in lines)  # no diff
    assert "cnfix: diffs of 84 files not shown (--diff inline or -v shows them)" in lines
    assert lines[-2].startswith("cnfix: ") or lines[-3].startswith("cnfix: ")


def test_diff_asked_for_is_shown_when_writing(many: Path) -> None:
    lines = _on_terminal(["repair", "-w", "--diff", "inline", "-j", "1", "."], many)
    assert any("│" in line for line in lines)
    assert not any(BAR in line for line in lines)
