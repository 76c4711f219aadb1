"""The critical path of a ``cnfix --jobs N`` run, in CPU time: what the parent spends
before the pool starts, while it runs and after it closes, and what each worker spends.

On a machine that other programs keep busy the wall time of ``--jobs 2`` says little;
these CPU times do not depend much on the load. On two idle cores the run takes at least

    before + max(parent while the pool runs, (parent while the pool runs + workers) / 2) + after

so ``--jobs 1``'s CPU time over that bound predicts the idle wall-time speed-up. The
workers' total is shared out evenly: tasks are small and go to whichever worker is free
(on a busy machine one worker gets less CPU, so fewer tasks; its share says nothing of an
idle one). Idle gaps are not in the bound; ``starved`` counts the tasks a worker had to
wait for (the parent was late), which is where they come from.

    python benchmarks/jobs_path.py -- repair --jsonl --jobs 2 FILE -o OUT

runs the command in a probe (``python -m cnfix`` with the pool's worker function and
``Pool.close`` wrapped to take the times) and prints the times as JSON. ``run.py``
uses ``probe`` to print its ``--jobs`` rows with the parent's share.

    python benchmarks/jobs_path.py --baseline OTHER/src 3 -- repair -q --jobs 2 -o OUT FILE

prints, three times over, ``--jobs 1``'s CPU and the critical path of ``--jobs 2`` for
this tree and for another one, one after the other: on a loaded machine only
measurements taken in turns compare.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Run in a fresh interpreter: wraps the pool, runs cnfix, writes the times.
_PROBE = r"""
import json, os, resource, sys, time
from cnfix.app import pool

record = sys.argv[1]
marks = {}


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


serve = pool._serve


def timed_serve(connection, parent):
    waits = {"starved": 0, "tasks": 0, "waited": 0.0}
    receive = connection.recv_bytes

    def recv_bytes():
        waits["tasks"] += 1
        if not connection.poll():
            waits["starved"] += 1
            start = time.perf_counter()
            connection.poll(None)
            waits["waited"] += time.perf_counter() - start
        return receive()

    connection.recv_bytes = recv_bytes
    try:
        serve(connection, parent)
    finally:
        with open(f"{record}.{os.getpid()}", "w") as out:
            json.dump({"cpu": cpu(), **waits}, out)


def timed_start(self, start=pool.Pool._start):
    marks.setdefault("before", cpu())
    return start(self)


def timed_close(self, close=pool.Pool.close):
    if self._workers:
        marks.setdefault("closing", cpu())
    return close(self)


pool._serve = timed_serve
pool.Pool._start = timed_start
pool.Pool.close = timed_close
sys.argv = ["cnfix", *sys.argv[2:]]
from cnfix.cli import main

try:
    main()
finally:
    marks["total"] = cpu()
    with open(record, "w") as out:
        json.dump(marks, out)
"""


def probe(args: list[str], tree: str | None = None) -> dict[str, float]:
    """Run ``cnfix ARGS`` in the probe: wall time, the parent's CPU before the first
    worker starts (``before``), while the pool runs (``during``) and after
    (``after``), each worker's CPU (``workers``) and the idle-machine bound (``bound``).
    ``tree``: the ``src`` folder of another checkout to run instead."""
    with tempfile.TemporaryDirectory() as folder:
        record = os.path.join(folder, "parent")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        prefix = ["env", f"PYTHONPATH={tree}"] if tree else []
        subprocess.run(
            [*prefix, sys.executable, "-c", _PROBE, record, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        marks = json.loads(Path(record).read_text())
        reports = [json.loads(path.read_text()) for path in Path(folder).glob("parent.*")]
    workers = sorted(report["cpu"] for report in reports)
    total = marks["total"]
    started = marks.get("before", total)
    closing = marks.get("closing", started)
    during = closing - started
    bound = started + max(during, (during + sum(workers)) / 2) + total - closing
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "parent": total,
        "before": started,
        "during": during,
        "after": total - closing,
        "workers": workers,
        "bound": bound,
        # Tasks a worker had to wait for (the last wait is for the stop), and how long.
        "starved": sum(report["starved"] for report in reports) - len(reports),
        "tasks": sum(report["tasks"] for report in reports) - len(reports),
        "waited": sum(report["waited"] for report in reports),
    }


def describe(one: float, two: dict[str, float]) -> str:
    """A ``--jobs 2`` probe against the CPU time ``one`` of ``--jobs 1``, in a line."""
    workers = " + ".join(f"{cpu:.2f}" for cpu in two["workers"]) or "none"
    share = two["parent"] / (two["parent"] + sum(two["workers"]))
    return (
        f"parent {two['before']:.2f} before + {two['during']:.2f} during + "
        f"{two['after']:.2f} after the pool ({share:.0%} of the CPU), workers {workers} s, "
        f"idle {two['starved']} of {two['tasks']} tasks; --jobs 1 {one:.2f} s: "
        f"idle speed-up <= {one / two['bound']:.2f}x"
    )


def one_process_cpu(args: list[str], tree: str | None = None) -> float:
    """CPU time of ``cnfix ARGS`` (all its processes), from another checkout's ``tree``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    prefix = ["env", f"PYTHONPATH={tree}"] if tree else []
    subprocess.run(
        [*prefix, sys.executable, "-m", "cnfix", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_turns(args: list[str], rounds: int, baseline: str) -> None:
    """``--jobs 1``'s CPU and the critical path of ``--jobs 2`` (``args`` hold
    ``--jobs 2``), for this tree and for the ``src`` folder ``baseline``, taken in turns."""
    at = args.index("--jobs") + 1
    single = [*args[:at], "1", *args[at + 1 :]]
    trees = {"this tree": str(ROOT / "src"), "baseline": baseline}
    for _ in range(rounds):
        for name, tree in trees.items():
            one = one_process_cpu(single, tree)
            two = probe(args, tree)
            print(f"{name}: {describe(one, two)} (load {os.getloadavg()[0]:.1f})", flush=True)


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--baseline"]:  # --baseline SRC ROUNDS -- ARGS (with --jobs 2)
        baseline, rounds = args[1], int(args[2])
        in_turns(args[4:] if args[3:4] == ["--"] else args[3:], rounds, baseline)
        return
    if args[:1] == ["--"]:
        args = args[1:]
    print(json.dumps(probe(args), indent=1))


if __name__ == "__main__":
    main()
