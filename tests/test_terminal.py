"""What a terminal shows: cnfix run on a pseudo-terminal (stdout and stderr on one
screen, as in a shell), the bytes it received played on a small model of a terminal
(lines, carriage return, erase line, cursor up and down), so the test sees the
scrollback a user would. The progress display never leaves a fragment among report
lines; diffs are folded to the terminal's width."""

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
CONTROL_RE = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])|([\r\n])")


def _screen(received: str) -> list[str]:
    """The lines left on a terminal that received ``received``."""
    lines, row, column = [""], 0, 0
    position = 0

    def put(text: str) -> None:
        nonlocal column
        line = lines[row].ljust(column)
        lines[row] = line[:column] + text + line[column + len(text) :]
        column += len(text)

    for match in CONTROL_RE.finditer(received):
        put(received[position : match.start()])
        position = match.end()
        argument, command, character = match.groups()
        if character == "\n":
            row, column = row + 1, 0
            if row == len(lines):
                lines.append("")
        elif character == "\r":
            column = 0
        elif command == "K":
            lines[row] = lines[row][:column] if argument in ("", "0") else ""
        elif command in "AB":
            step = int(argument or 1)
            row = max(row - step, 0) if command == "A" else min(row + step, len(lines) - 1)
    put(received[position:])
    return lines


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
    return _screen(received.decode("utf-8", "replace"))


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


def test_diffs_print_above_the_bar_folded_and_no_fragment_stays(many: Path) -> None:
    lines = _on_terminal(["repair", "-j", "1", "."], many)
    assert not any(BAR in line for line in lines)
    assert (
        sum(line.endswith("fixes (stray-comma 60, halfwidth-punctuation 30)") for line in lines)
        == 84
    )
    assert max(_cells(line) for line in lines if "│" in line) <= WIDTH
    assert lines[-2].startswith("cnfix: ") or lines[-3].startswith("cnfix: ")


def test_writing_many_files_summarises_diffs(many: Path) -> None:
    lines = _on_terminal(["repair", "-w", "-j", "1", "."], many)
    assert not any(BAR in line for line in lines)
    left = [line for line in lines if "not fixed" in line]
    assert len(left) == 2 * 84
    assert not any("│" in line for line in lines)  # no diff
    assert "cnfix: diffs of 84 files not shown (--diff inline or -v shows them)" in lines


def test_diff_asked_for_is_shown_when_writing(many: Path) -> None:
    lines = _on_terminal(["repair", "-w", "--diff", "inline", "-j", "1", "."], many)
    assert any("│" in line for line in lines)
    assert not any(BAR in line for line in lines)


def test_scan_findings_and_the_bar_share_the_screen_cleanly(many: Path) -> None:
    lines = _on_terminal(["scan", "-j", "1", "."], many)
    assert not any(BAR in line for line in lines)
    findings = [line for line in lines if re.match(r"\d{3}\.txt:\d+:\d+: ", line)]
    assert len(findings) == 84 * 4
