"""Crashes and hangs (issue 21, F13, F14, F16–F18, F33): whatever happens to the run, it
ends, with one line per problem and the documented exit status, never a traceback; no
process outlives it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cnfix
from hypothesis import given
from hypothesis import strategies as st

import cnfix
from cnfix.app import parallel, pool
from cnfix.app.runner import RunOptions
from cnfix.io import safe_files
from cnfix.rules import RULES

DAMAGED = "会议指出,,要抓实学习教育,。6月19日,湖北省召开会议,部署下一阶段工作。\n"
CLEAN = "这是一段干净的中文文本，不需要任何修复。\n"
REPAIR = RunOptions(rules=RULES, repair=True, write=True)


def _tree(folder: Path, count: int = 400) -> list[Path]:
    rng = random.Random(1)
    folder.mkdir()
    paths = []
    for number in range(count):
        path = folder / f"d{number:03}.txt"
        path.write_text("".join(rng.choice([DAMAGED, CLEAN]) for _ in range(200)), "utf-8")
        paths.append(path)
    return paths


def _children(pid: int, timeout: float = 60) -> list[int]:
    """The worker processes of ``pid``, once it has started two."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
        ).stdout.split()
        if len(found) >= 2:
            return [int(child) for child in found]
        time.sleep(0.05)
    return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


needs_ps = pytest.mark.skipif(
    sys.platform != "linux" or not os.path.exists("/bin/ps"), reason="needs Linux and ps"
)


def _started_repair(folder: Path, *, stdout: int) -> tuple[subprocess.Popen, list[int]]:
    """``repair -w -j 2`` of a tree of 400 files, once its two workers are at work."""
    _tree(folder / "tree")
    command = [sys.executable, "-m", "cnfix", "repair", "-w", "--diff", "none", "-j", "2", "tree"]
    stderr = subprocess.STDOUT if stdout == subprocess.PIPE else subprocess.PIPE
    process = subprocess.Popen(command, cwd=folder, stdout=stdout, stderr=stderr)
    workers = _children(process.pid)
    assert workers, "the run never started its workers"
    time.sleep(0.3)
    return process, workers


# --- F13: the parent of a --jobs 2 run is killed -------------------------------------------


@needs_ps
def test_f13_workers_die_with_their_parent_and_release_the_pipes(tmp_path: Path) -> None:
    process, workers = _started_repair(tmp_path, stdout=subprocess.PIPE)
    process.kill()
    process.communicate(timeout=30)  # a reader waiting for the end of output is released
    deadline = time.monotonic() + 10
    while any(_alive(worker) for worker in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [worker for worker in workers if _alive(worker)]


# --- F17: one worker is killed -------------------------------------------------------------


#: How ``_killing_batch`` kills its worker (set by each test; forked workers inherit it).
KILL: dict[str, object] = {}
_REAL_BATCH = parallel.process_batch


def _killing_batch(names: list[str], *args: object, **kwargs: object) -> object:
    """``process_batch`` in a worker that is SIGKILLed (what the OOM killer does): once
    (``marker`` not there yet), or whenever its batch holds ``victim``."""
    if os.getpid() != KILL["parent"]:
        marker, victim = KILL.get("marker"), KILL.get("victim")
        if isinstance(marker, Path) and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        if victim in names:
            os.kill(os.getpid(), signal.SIGKILL)
    return _REAL_BATCH(names, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def forked_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool's workers forked from this process, so that they inherit the test
    doubles: also when an earlier test left a library's idle thread running (the
    pipeline tests' tqdm and fsspec threads), where the pool would pick a fork server."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the workers must be forked from here to inherit the test double")
    monkeypatch.setattr(pool, "_context", lambda: multiprocessing.get_context("fork"))


@pytest.fixture
def killing_workers(
    monkeypatch: pytest.MonkeyPatch, forked_workers: None
) -> Iterator[dict[str, object]]:
    monkeypatch.setattr(parallel, "process_batch", _killing_batch)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    KILL.clear()
    KILL["parent"] = os.getpid()
    yield KILL
    KILL.clear()


def test_f17_a_killed_worker_costs_a_retry_not_the_run(
    tmp_path: Path, killing_workers: dict[str, object]
) -> None:
    paths = _tree(tmp_path / "tree", 200)
    killing_workers["marker"] = tmp_path / "killed"
    outcomes = list(parallel.run_files(paths, REPAIR, jobs=2))
    assert (tmp_path / "killed").exists()
    assert [outcome.error for outcome in outcomes if outcome.error] == []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert cnfix.repair_text(text).text == text


def test_f17_a_unit_whose_worker_dies_twice_is_reported_and_left_alone(
    tmp_path: Path, killing_workers: dict[str, object]
) -> None:
    paths = _tree(tmp_path / "tree", 200)
    victim = paths[150]
    before = victim.read_bytes()
    killing_workers["victim"] = str(victim)
    outcomes = list(parallel.run_files(paths, REPAIR, jobs=2))
    failed = {outcome.path for outcome in outcomes if outcome.error}
    assert victim in failed
    assert all(outcome.error == pool.WORKER_DIED for outcome in outcomes if outcome.error)
    assert victim.read_bytes() == before
    assert [outcome.path for outcome in outcomes] == paths  # all accounted for, in order


def _killed_while_sending(job: tuple[Path, int]) -> str:
    """Item 2 the first time: a large result whose sending is cut by a SIGKILL (the
    parent is not reading it then: its caller is busy elsewhere)."""
    marker, number = job
    if number == 2 and not marker.exists():
        marker.touch()
        threading.Timer(0.6, os.kill, (os.getpid(), signal.SIGKILL)).start()
        time.sleep(0.2)
        return "x" * (8 << 20)
    return str(number)


def test_f17_a_worker_killed_half_way_through_sending_a_result_costs_a_retry(
    tmp_path: Path, forked_workers: None
) -> None:
    """The root cause of the hang: with a result pipe shared by every worker (what
    ProcessPoolExecutor has), a worker killed part-way through a message leaves the
    parent waiting forever for the rest of it. Each worker's own pipe ends with it."""
    marker = tmp_path / "killed"
    with pool.Pool(2, ahead=4) as workers:
        results = workers.ordered(_killed_while_sending, range(6), send=lambda n: (marker, n))
        assert [next(results)[1] for _ in range(2)] == ["0", "1"]
        time.sleep(1.5)  # meanwhile item 2's worker blocks sending, then is killed
        assert [result for _, result in results] == ["2", "3", "4", "5"]
    assert marker.exists()


def _stuck_on_two(number: int) -> int:
    if number == 2:
        time.sleep(120)
    return number


def test_a_pool_left_early_stops_a_stuck_worker_after_its_grace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The caller stops (an error, Ctrl-C) while a worker runs a long task: the pool
    waits ``CLOSE_GRACE`` for it, then terminates it, and no worker is left."""
    monkeypatch.setattr(pool, "CLOSE_GRACE", 0.5)
    started = time.monotonic()
    with pool.Pool(2) as workers:
        results = workers.ordered(_stuck_on_two, range(4))
        assert [next(results)[1] for _ in range(2)] == [0, 1]
        processes = [worker.process for worker in workers._workers]
        results.close()
    assert time.monotonic() - started < 60
    assert processes and not any(process.is_alive() for process in processes)


@needs_ps
def test_f17_a_real_worker_kill_ends_without_a_traceback(tmp_path: Path) -> None:
    process, workers = _started_repair(tmp_path, stdout=subprocess.DEVNULL)
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    assert b"Traceback" not in stderr
    assert process.returncode in (0, 2), stderr
    again = run_cnfix("repair", "-w", "--diff", "none", "tree", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert not list((tmp_path / "tree").glob(safe_files.TEMP_PREFIX + "*"))


# --- F33: Ctrl-C ---------------------------------------------------------------------------


@needs_ps
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_f33_ctrl_c_exits_130_without_tracebacks(tmp_path: Path, jobs: str) -> None:
    _tree(tmp_path / "tree")
    command = [sys.executable, "-m", "cnfix", "scan", "-j", jobs, "tree"]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    if jobs == "2":
        assert _children(process.pid)
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGINT)  # the terminal signals the whole group
    _, stderr = process.communicate(timeout=15)
    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr
    assert stderr.strip().endswith(b"cnfix: interrupted")


# --- F14: --jsonl on what is no regular file ------------------------------------------------


def test_f14_jsonl_refuses_a_fifo_and_a_device(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")
    for name in ("pipe.jsonl", "/dev/zero"):
        result = run_cnfix("scan", "--jsonl", name, cwd=tmp_path, timeout=30)
        assert result.returncode == 2
        assert b"not a regular file" in result.stderr


def test_f14_jsonl_from_an_endless_line_on_stdin_stops_at_the_size_limit(tmp_path: Path) -> None:
    data = b"0" * (3 << 20)  # no line end
    result = run_cnfix("scan", "--jsonl", "--max-size", "1", "-", cwd=tmp_path, input=data)
    assert result.returncode == 2
    assert b"longer than the size limit" in result.stderr


# --- F16: internal errors of the mojibake rule ----------------------------------------------


def test_f16_rival_spans_with_equal_places_are_never_compared() -> None:
    text = "ã€‚Z；ï¼Œ𠀀Ã¥Â¥"
    cnfix.scan_text(text)
    repaired = cnfix.repair_text(text).text
    assert cnfix.repair_text(repaired).text == repaired


MOJIBAKE_PIECES = ["ã€‚", "ï¼Œ", "Ã¥", "Â¥", "𠀀", "Z", "；", "中文", "浣犲ソ", "锛屼", "Ã ", "\n"]


@given(st.lists(st.sampled_from(MOJIBAKE_PIECES), max_size=12))
def test_f16_garble_of_any_mix_never_raises(pieces: list[str]) -> None:
    text = "".join(pieces)
    cnfix.scan_text(text)
    cnfix.repair_text(text)


@pytest.mark.parametrize("escape", ["\\z", "\\x41", "\\u12"])
def test_a_json_value_with_an_escape_json_lacks_is_no_internal_error(
    tmp_path: Path, escape: str
) -> None:
    """A value with markup is read as Markdown once its escapes are decoded; one that
    JSON does not have leaves the value unread (all of it kept), it raises nothing."""
    text = f'["见 `code` 和{escape}，中文,好"]'
    assert cnfix.scan_text(text, kind="json") == []
    assert cnfix.repair_text(text, kind="json").text == text
    (tmp_path / "bad.json").write_text(text, encoding="utf-8")
    result = run_cnfix("scan", "bad.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


# --- F18: one-line errors -------------------------------------------------------------------


def test_f18_stdout_on_a_full_device_is_a_one_line_error(tmp_path: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cnfix", "scan", "a.txt"],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr.startswith(b"cnfix: error: cannot write the output")
    assert b"Traceback" not in result.stderr


def test_f18_config_lists_of_other_types_are_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.cnfix]\ninclude = [1]\n", encoding="utf-8")
    result = run_cnfix("scan", "a.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert b"list of strings" in result.stderr and b"Traceback" not in result.stderr


def test_f18_a_path_deeper_than_path_max_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    folder = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(2200):  # 2 bytes a level: past PATH_MAX (4096)
            os.mkdir("d", dir_fd=folder)
            inner = os.open("d", os.O_RDONLY, dir_fd=folder)
            os.close(folder)
            folder = inner
        with open(os.open("x.txt", os.O_WRONLY | os.O_CREAT, dir_fd=folder), "w") as deep:
            deep.write(DAMAGED)
    finally:
        os.close(folder)
    try:
        result = run_cnfix("scan", ".", cwd=tmp_path)
        assert result.returncode == 2
        assert b"Traceback" not in result.stderr
        assert b"a.txt:1:" in result.stdout  # the other files are still scanned
    finally:
        subprocess.run(["rm", "-rf", str(tmp_path / "d")], check=False)
