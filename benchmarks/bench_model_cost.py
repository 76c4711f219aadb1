"""What the plausibility model costs a clean scan and start-up, against the state before it.

The tree before the model (``--base``, default the parent of the commit that added
``data/language_model.txt``) is exported with ``git archive`` and timed in the same run,
alternating with this tree, so that both see the same machine load:

- start-up: ``python -m cnfix scan one.txt`` of a one-line clean file (best of ``--repeat``);
- clean scan: the rules the model decides for (``--select``, default mojibake and
  lost-bytes; ``all`` for every rule) over the clean sets (``tests/data/clean``), in a
  fresh process per tree and round (best of ``--repeat``), in wall-clock and CPU seconds
  (CPU time is what other processes on a shared machine disturb least).

Run: ``python benchmarks/bench_model_cost.py [--base COMMIT] [--repeat N] [--sets modern,...]``.
"""

from __future__ import annotations

import argparse
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL_COMMIT_FILE = "src/cnfix/data/language_model.txt"

SCAN = """
import sys, time
sys.path.insert(0, {tests!r})
from damage import read_clean_set
from cnfix import scan_text
documents = [d for name in {sets!r} for d in read_clean_set(name)]
begin, cpu = time.perf_counter(), time.process_time()
for document in documents:
    scan_text(document, select={select!r})
elapsed, cpu = time.perf_counter() - begin, time.process_time() - cpu
print(elapsed, cpu, sum(len(d.encode()) for d in documents))
"""


def _base_commit() -> str:
    added = subprocess.run(
        ["git", "log", "--format=%H", "--diff-filter=A", "--", MODEL_COMMIT_FILE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return f"{added[-1]}^"


def _export(commit: str, into: pathlib.Path) -> pathlib.Path:
    archive = subprocess.run(
        ["git", "archive", commit, "src"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def _startup(src: pathlib.Path, one: pathlib.Path) -> float:
    begin = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cnfix", "scan", str(one)],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - begin


def _scan(src: pathlib.Path, sets: list[str], select: list[str] | None) -> tuple[float, float, int]:
    code = SCAN.format(tests=str(ROOT / "tests"), sets=sets, select=select)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="the commit to compare with (default: before the model)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sets", default="modern,technical", help="clean sets to scan")
    parser.add_argument(
        "--select",
        default="mojibake,lost-bytes",
        help="rules of the clean scan ('all': every rule, which times other issues' work too)",
    )
    args = parser.parse_args()
    base = args.base or _base_commit()
    sets = args.sets.split(",")
    select = None if args.select == "all" else args.select.split(",")
    with tempfile.TemporaryDirectory() as folder:
        work = pathlib.Path(folder)
        trees = {"before the model": _export(base, work), "this tree": ROOT / "src"}
        one = work / "one.txt"
        one.write_text("你好，世界。这是一个干净的文件。\n", encoding="utf-8")
        startup = {name: [] for name in trees}
        scan = {name: [] for name in trees}
        cpu = {name: [] for name in trees}
        size = 0
        for _ in range(args.repeat):
            for name, src in trees.items():
                startup[name].append(_startup(src, one))
                elapsed, seconds, size = _scan(src, sets, select)
                scan[name].append(elapsed)
                cpu[name].append(seconds)
    print(
        f"base: {base}; clean sets: {', '.join(sets)} ({size / 1e6:.1f} MB); "
        f"rules: {args.select}; best of {args.repeat}"
    )
    print(f"{'tree':18} {'start-up ms':>11} {'clean scan s':>12} {'CPU s':>6} {'MB/s':>6}")
    for name in trees:
        best = min(scan[name])
        print(
            f"{name:18} {min(startup[name]) * 1000:11.0f} {best:12.2f} {min(cpu[name]):6.2f} "
            f"{size / 1e6 / best:6.2f}"
        )


if __name__ == "__main__":
    main()
