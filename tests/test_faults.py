"""Faults while writing: kills, a full disk, I/O errors, interrupts; and what a rewrite
does to permission bits, ownership and modification times.

The promise: a file is either left exactly as it was or replaced whole by its repaired
version, the error is reported, and no temporary file is left behind.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cnfix

import cnfix
from cnfix.app import parallel
from cnfix.app.runner import RunOptions, process_file
from cnfix.io import chunks, safe_files
from cnfix.rules import RULES

DAMAGED = "会议指出,,要抓实学习教育,。6月19日,湖北省召开会议。\n" * 20
REPAIRED = cnfix.repair_text(DAMAGED).text
REPAIR = RunOptions(rules=RULES, repair=True, write=True)


def temps(folder: Path) -> list[Path]:
    return sorted(folder.rglob(safe_files.TEMP_PREFIX + "*"))


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    path = tmp_path / "doc.txt"
    path.write_text(DAMAGED, encoding="utf-8")
    return path


# --- SIGKILL at random moments ----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill test forks")
def test_kill_test_200_random_kills_leave_every_file_intact() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "kill_test.py"), "200", "--files", "20"],
        capture_output=True,
        text=True,
        timeout=150,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    match = re.search(r"^files intact: (\d+)/(\d+)$", result.stdout, re.M)
    assert match is not None and match[1] == match[2] and int(match[2]) > 0
    assert "leftovers before the next run" in result.stdout
    assert re.search(r"after it: 0$", result.stdout, re.M)


# --- write errors injected at write time ------------------------------------------------


def _failing(error: BaseException, *, after_bytes: int = 0) -> Callable[[int, Any], int]:
    """An ``os.write`` that writes ``after_bytes`` bytes for real, then raises ``error``."""
    real_write = os.write
    budget = [after_bytes]

    def write(fd: int, data: Any) -> int:
        if budget[0] <= 0:
            raise error
        written = real_write(fd, bytes(data[: budget[0]]))
        budget[0] -= written
        return written

    return write


@pytest.mark.parametrize("after_bytes", [0, 100])
def test_disk_full_leaves_the_original_and_no_temporary_file(
    damaged: Path, monkeypatch: pytest.MonkeyPatch, after_bytes: int
) -> None:
    enospc = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "write", _failing(enospc, after_bytes=after_bytes))
    outcome = process_file(damaged, REPAIR)
    monkeypatch.undo()
    assert outcome.error == f"cannot write {damaged}: No space left on device"
    assert outcome.written is None
    assert damaged.read_text(encoding="utf-8") == DAMAGED
    assert temps(damaged.parent) == []


@pytest.mark.parametrize(
    ("function", "code"),
    [("fsync", errno.EIO), ("replace", errno.EXDEV), ("fchmod", errno.EPERM)],
)
def test_io_errors_at_each_step_leave_the_original(
    damaged: Path, monkeypatch: pytest.MonkeyPatch, function: str, code: int
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, function, fail)
    outcome = process_file(damaged, REPAIR)
    monkeypatch.undo()
    assert outcome.error == f"cannot write {damaged}: {os.strerror(code)}"
    assert damaged.read_text(encoding="utf-8") == DAMAGED
    assert temps(damaged.parent) == []


def test_interrupt_during_the_write_removes_the_temporary_file(
    damaged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "write", _failing(KeyboardInterrupt(), after_bytes=10))
    with pytest.raises(KeyboardInterrupt):
        process_file(damaged, REPAIR)
    monkeypatch.undo()
    assert damaged.read_text(encoding="utf-8") == DAMAGED
    assert temps(damaged.parent) == []


def test_disk_full_while_streaming_a_large_file_is_reported(
    damaged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", 1024)  # stream this small file
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 1024)
    enospc = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "write", _failing(enospc, after_bytes=600))
    outcomes = list(parallel.run_files([damaged], REPAIR))
    monkeypatch.undo()
    errors = [outcome.error for outcome in outcomes if outcome.error]
    assert errors and all("No space left on device" in error for error in errors)
    assert damaged.read_text(encoding="utf-8") == DAMAGED
    assert temps(damaged.parent) == []


@pytest.fixture
def tiny_tmpfs() -> Iterator[Path]:
    """A 64 KB tmpfs (root only); skipped where it cannot be mounted."""
    if os.geteuid() != 0 or sys.platform != "linux":
        pytest.skip("mounting a tmpfs needs root on Linux")
    folder = Path(tempfile.mkdtemp(prefix="cnfix-tmpfs-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)
        folder.rmdir()


@pytest.mark.slow
def test_real_full_disk_on_a_tiny_tmpfs(tiny_tmpfs: Path) -> None:
    document = tiny_tmpfs / "doc.txt"
    data = (DAMAGED * 6).encode()  # about 20 KB
    document.write_bytes(data)
    filler = tiny_tmpfs / "filler.bin"
    status = os.statvfs(tiny_tmpfs)
    free = status.f_bavail * status.f_frsize
    filler.write_bytes(b"\0" * (free - 8 * 1024))  # leave 8 KB: less than the repair needs
    result = run_cnfix("repair", "-w", "doc.txt", cwd=tiny_tmpfs)
    assert result.returncode == 2
    assert b"cnfix: error: doc.txt: cannot write doc.txt: No space left on device" in result.stderr
    assert document.read_bytes() == data
    assert temps(tiny_tmpfs) == []
    filler.unlink()
    result = run_cnfix("repair", "-w", "doc.txt", cwd=tiny_tmpfs)
    assert result.returncode == 0, result.stderr
    assert document.read_text(encoding="utf-8") == cnfix.repair_text(DAMAGED * 6).text


# --- permission bits, ownership, modification times -------------------------------------


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o755, 0o2644])
def test_permission_bits_are_kept(damaged: Path, mode: int) -> None:
    damaged.chmod(mode)
    outcome = process_file(damaged, REPAIR)
    assert outcome.written == damaged
    assert stat.S_IMODE(damaged.stat().st_mode) == mode


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_owner_and_group_are_kept(damaged: Path) -> None:
    os.chown(damaged, 65534, 65534)
    outcome = process_file(damaged, REPAIR)
    assert outcome.written == damaged
    status = damaged.stat()
    assert (status.st_uid, status.st_gid) == (65534, 65534)


def test_modification_time_and_inode(tmp_path: Path, damaged: Path) -> None:
    """A repaired file is a new file (new inode) with the time of the write; a file
    with nothing to repair is not touched at all (same inode, same mtime)."""
    clean = tmp_path / "clean.txt"
    clean.write_text(REPAIRED, encoding="utf-8")
    past = time.time_ns() - 86_400 * 10**9
    for path in (clean, damaged):
        os.utime(path, ns=(past, past))
    before = {path: path.stat() for path in (clean, damaged)}
    started = time.time_ns()
    result = run_cnfix("repair", "-w", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert clean.stat().st_mtime_ns == past
    assert clean.stat().st_ino == before[clean].st_ino
    assert damaged.stat().st_mtime_ns >= started - 10**9  # coarse file-system clocks
    assert damaged.stat().st_ino != before[damaged].st_ino
    assert damaged.read_text(encoding="utf-8") == REPAIRED


def test_new_files_under_output_follow_the_umask(tmp_path: Path, damaged: Path) -> None:
    def umask_027() -> None:
        os.umask(0o027)

    result = run_cnfix("repair", "-o", "out", "doc.txt", cwd=tmp_path, preexec_fn=umask_027)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "out" / "doc.txt").stat().st_mode) == 0o640


# --- temporary files ---------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_no_temporary_file_after_a_normal_run(tmp_path: Path) -> None:
    for index in range(5):
        (tmp_path / f"doc{index}.txt").write_text(DAMAGED, encoding="utf-8")
    result = run_cnfix("repair", "-w", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert temps(tmp_path) == []


def test_stale_temporary_files_are_recognised_and_cleaned(tmp_path: Path, damaged: Path) -> None:
    prefix = safe_files.TEMP_PREFIX
    dead = tmp_path / f"{prefix}{_dead_pid()}-abc123"
    alive = tmp_path / f"{prefix}{os.getpid()}-def456"  # this test's own process
    alive_but_old = tmp_path / f"{prefix}{os.getppid()}-ghi789"
    other_name = tmp_path / f"{prefix}notapid"
    folder = tmp_path / f"{prefix}1-folder"
    for path in (dead, alive, alive_but_old, other_name):
        path.write_bytes(b"partial")
    folder.mkdir()
    old = time.time() - safe_files.STALE_TEMP_AGE - 60
    os.utime(alive_but_old, (old, old))

    scan = run_cnfix("scan", ".", cwd=tmp_path)  # scan writes nothing, removes nothing
    assert scan.returncode == 1
    assert dead.exists()

    result = run_cnfix("repair", "-w", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not dead.exists()
    assert not alive_but_old.exists()
    assert alive.exists() and other_name.exists() and folder.is_dir()
    assert damaged.read_text(encoding="utf-8") == REPAIRED


def test_clean_stale_temps_returns_what_it_removed(tmp_path: Path) -> None:
    dead = tmp_path / f"{safe_files.TEMP_PREFIX}{_dead_pid()}-x"
    dead.write_bytes(b"")
    assert safe_files.clean_stale_temps(tmp_path) == [dead]
    assert safe_files.clean_stale_temps(tmp_path / "missing") == []
