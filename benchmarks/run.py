"""cnfix throughput, start-up, scaling and memory, side by side with the floor and ftfy.

One command::

    python benchmarks/run.py            # 16 MB texts, 20,000 small files, a 64 MB file
    python benchmarks/run.py --quick    # smaller inputs, for a first look
    python benchmarks/run.py --gb       # the large-file rows on a 1 GB file
    python benchmarks/run.py --gb --large-only   # only those

It builds its inputs (once; they are reused while the sizes match) in the git-ignored
folder ``benchmarks/.corpus/`` from ``seeds/`` (damaged text) and
``tests/data/corpus/`` (clean Simplified and Traditional text):

- ``clean.txt``: the clean corpus repeated to ``--mb`` MB;
- ``damaged.txt``: the seeds repeated to ``--damaged-mb`` MB (annotations, stray commas,
  flattened punctuation, mixed script, a few garbled spans);
- ``small/``: ``--files`` files of 2–5 KB cut from the clean corpus at line ends;
- ``records.jsonl``: clean corpus documents as JSON Lines records, ``--mb`` MB, and
  ``records-large.jsonl``, the same records to ``--jsonl-mb`` MB (a corpus shard: the
  scaling target is for one large file, and a small one is mostly start-up);
- ``large-*mb.txt``: clean and damaged text, ``--large-mb`` MB (``--gb``: 1024).

Then it measures, and prints one table:

- the floor: read + UTF-8 decode, one ``re`` pass (every Han run), three ``re.sub``
  repair passes (stray comma, ASCII comma, parenthesised pinyin);
- ftfy: ``fix_text`` (default), ``fix_text`` without width and quote fixes, and
  ``fix_encoding``, on a 1 MB sample (ftfy is slow; MB/s do not depend on the size);
- cnfix in this process (no start-up): ``scan`` of the clean text and ``repair`` of the
  damaged text, through ``cnfix.app.parallel.run_files`` — what the CLI runs, streaming
  files above 8 MB in chunks;
- cnfix as a command (``python -m cnfix``, start-up included): the small files and
  the two JSON Lines files with ``--jobs 1`` and ``--jobs 2``; ``scan one-file.txt`` wall
  time; peak memory (max RSS) of ``repair`` on the large file and its time per MB
  against a 1 MB file.

In-process rows are CPU time of this process (``time.process_time``); command rows
are wall time (the point of ``--jobs`` is wall time), with the CPU time of all the
command's processes beside them: ``CPU x1.10`` on a ``--jobs 2`` row means the two
workers spent 10% more CPU in all than one process did (the cost of going parallel),
so on two idle cores the wall time would drop by about 2 / 1.10. Every row is the best
of ``--repeat`` runs: other programs on the machine only ever make a run slower, and on
a shared machine the wall-time ratios of ``--jobs`` are only as good as the idle cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / ".corpus"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
CLEAN = sorted((ROOT / "tests" / "data" / "corpus").glob("*/*.txt"))
MB = 1_000_000

#: Targets of issue 7 (MB/s per core unless said otherwise).
TARGET_SCAN = 25.0
TARGET_REPAIR = 10.0
TARGET_SMALL = 15.0
TARGET_SCALING = 1.8
TARGET_STARTUP_MS = 150.0
TARGET_PEAK_MB = 200.0


# --- the corpus ---------------------------------------------------------------------------


def _repeat_to(pieces: list[str], size: int) -> str:
    out: list[str] = []
    total = 0
    while total < size:
        for piece in pieces:
            out.append(piece)
            total += len(piece.encode("utf-8"))
            if total >= size:
                break
    return "\n\n".join(out) + "\n"


def _write_if_missing(path: Path, make: Callable[[], bytes], size: int | None) -> Path:
    """Write ``make()`` to ``path`` unless it is there with roughly the wanted size (or
    at all, for ``size`` None)."""
    if path.exists() and (
        size is None or abs(path.stat().st_size - size) < max(size // 10, 50_000)
    ):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_bytes(make())
    temp.replace(path)
    return path


def _texts(paths: list[Path]) -> list[str]:
    return [path.read_text(encoding="utf-8").strip() for path in paths]


#: Seed-like damage made afresh on the clean corpus, in the proportions of the seeds:
#: a pinyin annotation after 8% of the Han characters that have a reading, every ``，``
#: flattened (one in five doubled: ``,,``), one ``。`` in six after a stray comma, and 1%
#: of the Han characters of Traditional text flipped to Simplified. The corpus text is
#: never repeated, so nothing learnt on one copy (a memo, a cache) serves the next.
ANNOTATED, DOUBLED, STRAY_BEFORE_STOP, FLIPPED = 0.08, 0.2, 1 / 6, 0.01
_TONE_MARKS = {"1": "\u0304", "2": "\u0301", "3": "\u030c", "4": "\u0300"}


def _toned(syllable: str) -> str:
    """``yi1`` → ``yī``: the mark goes on a or e, on the o of ou, else on the last vowel
    (on the n or m of ``n2``, ``hm4`` …, which have none)."""
    letters, tone = syllable[:-1], syllable[-1]
    if tone not in _TONE_MARKS:
        return letters
    vowels = [i for i, char in enumerate(letters) if char in "aeiouü"]
    vowels = vowels or [max(letters.find("n"), letters.find("m"))]
    at = next((i for i in vowels if letters[i] in "ae"), None)
    if at is None:
        at = letters.index("o") if "ou" in letters else vowels[-1]
    marked = letters[: at + 1] + _TONE_MARKS[tone] + letters[at + 1 :]
    return unicodedata.normalize("NFC", marked)


def _first_readings() -> dict[str, str]:
    """Han character → its first reading in cnfix's pinyin table, tone-marked."""
    from cnfix.text.pinyin import readings_table  # the annotation rule's own table

    readings: dict[str, str] = {}
    for syllable, chars in readings_table().items():
        for char in chars:
            readings.setdefault(char, _toned(syllable))
    return readings


def seed_like(text: str, script: str, rng: random.Random, readings: dict[str, str]) -> str:
    """``text`` damaged the way the seeds are (see ``ANNOTATED`` …)."""
    from bench_script import flip  # benchmarks/: the script benchmark's flipping

    if script == "hant":
        text, _ = flip(text, "hant", FLIPPED, rng)
    pieces = []
    for char in text:
        pieces.append(char)
        if char in readings and rng.random() < ANNOTATED:
            pieces.append(f"({readings[char]})")
        elif char == "，":
            pieces[-1] = ",," if rng.random() < DOUBLED else ","
        elif char == "。" and rng.random() < STRAY_BEFORE_STOP:
            pieces[-1] = ",。"
    return "".join(pieces)


def _fresh_damage(variant: int) -> bytes:
    rng = random.Random(variant)
    readings = _first_readings()
    texts = [
        seed_like(path.read_text(encoding="utf-8").strip(), path.parent.name, rng, readings)
        for path in CLEAN
    ]
    return ("\n\n".join(texts) + "\n").encode("utf-8")


def _small_files(folder: Path, count: int) -> Path:
    marker = folder / ".count"
    if marker.exists() and marker.read_text() == f"{count} per document":
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    documents = [[line for line in text.splitlines() if line.strip()] for text in _texts(CLEAN)]
    for number in range(count):
        # Each file is cut from one document (files of one script, as real files are),
        # starting at a different line each time round, repeating it if it is short.
        lines = documents[number % len(documents)]
        position = number // len(documents)
        wanted = 2000 + (number * 7919) % 3000  # 2–5 KB, spread evenly
        piece: list[str] = []
        size = 0
        while size < wanted:
            line = lines[position % len(lines)]
            position += 1
            piece.append(line)
            size += len(line.encode("utf-8")) + 1
        (folder / f"{number // 1000:02}").mkdir(exist_ok=True)
        (folder / f"{number // 1000:02}" / f"{number:05}.txt").write_text(
            "\n".join(piece) + "\n", encoding="utf-8"
        )
    marker.write_text(f"{count} per document")
    return folder


def _records(size: int) -> bytes:
    out: list[bytes] = []
    total, number = 0, 0
    texts = _texts(CLEAN)
    while total < size:
        text = texts[number % len(texts)]
        line = json.dumps({"id": number, "text": text, "meta": {"source": "corpus"}})
        out.append(line.encode("utf-8") + b"\n")
        total += len(out[-1])
        number += 1
    return b"".join(out)


def _large(size: int) -> bytes:
    """About ``size`` bytes (whole lines) of a 1 MB block of 80% clean and 20% damaged
    text, repeated: any 1 MB of it is a fair sample of the whole."""
    block = (_repeat_to(_texts(CLEAN), 800_000) + _repeat_to(_texts(SEEDS), 200_000)).encode()
    data = block * (size // len(block) + 1)
    return data[: data.rfind(b"\n", 0, size) + 1]


def _write_large(path: Path, size: int) -> Path:
    """``size`` bytes of the 1 MB block repeated, written block by block."""
    block = _large(MB)
    if path.exists() and path.stat().st_size == size // len(block) * len(block):
        return path
    temp = path.with_suffix(".tmp")
    with temp.open("wb") as out:
        for _ in range(size // len(block)):
            out.write(block)
    temp.replace(path)
    return path


def build(args: argparse.Namespace) -> dict[str, Path]:
    """The benchmark inputs, made once in ``benchmarks/.corpus/``."""
    size = int(args.mb * MB)
    damaged = int(args.damaged_mb * MB)
    large = int(args.large_mb * MB)
    large_jsonl = int(args.jsonl_mb * MB)
    return {
        "clean": _write_if_missing(
            CORPUS / "clean.txt", lambda: _repeat_to(_texts(CLEAN), size).encode(), size
        ),
        "damaged": _write_if_missing(
            CORPUS / "damaged.txt", lambda: _repeat_to(_texts(SEEDS), damaged).encode(), damaged
        ),
        "one": _write_if_missing(
            CORPUS / "one-file.txt", lambda: _texts(CLEAN)[0].encode() + b"\n", 0
        ),
        "mb1": _write_if_missing(CORPUS / "one-mb.txt", lambda: _large(MB), MB),
        "small": _small_files(CORPUS / "small", args.files),
        "jsonl": _write_if_missing(CORPUS / "records.jsonl", lambda: _records(size), size),
        "large_jsonl": _write_if_missing(
            CORPUS / "records-large.jsonl", lambda: _records(large_jsonl), large_jsonl
        ),
        "large": _write_large(CORPUS / f"large-{large // MB}mb.txt", large),
    }


# --- measuring ------------------------------------------------------------------------------


def best_cpu(function: Callable[[], object], repeat: int) -> float:
    """Least CPU time of this process over ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def command(args: list[str], tree: str | None = None) -> list[str]:
    """``python -m cnfix ARGS``; with ``tree``, the cnfix of that ``src`` folder (an
    older checkout, to compare in the same run)."""
    prefix = ["env", f"PYTHONPATH={tree}"] if tree else []
    return [*prefix, sys.executable, "-m", "cnfix", *args]


def best_wall(argv: list[str], repeat: int) -> float:
    """Least wall time of a command over ``repeat`` runs, in seconds."""
    return best_run(argv, repeat)[0]


def best_run(argv: list[str], repeat: int) -> tuple[float, float]:
    """Wall time and CPU time (user + system, all its processes) of the run of a command
    with the least wall time over ``repeat`` runs, in seconds."""
    runs = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        runs.append((wall, cpu))
    return min(runs)


def interleaved(commands: dict[int, list[str]], repeat: int) -> dict[int, tuple[float, float]]:
    """``best_run`` of each command, the runs taken in turns (1, 2, 1, 2, …) so that a
    busy moment of the machine does not fall on one command only."""
    runs: dict[int, list[tuple[float, float]]] = {key: [] for key in commands}
    for _ in range(repeat):
        for key, argv in commands.items():
            runs[key].append(best_run(argv, 1))
    return {key: min(values) for key, values in runs.items()}


def peak_rss_mb(argv: list[str]) -> tuple[float, float]:
    """Peak resident memory (MB) and wall time of one run of ``argv``, measured by a
    fresh Python parent so that only this command's children count."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "wall = time.perf_counter() - start\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, wall)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True
    )
    peak, wall = out.stdout.split()
    return float(peak), float(wall)


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*.txt"))


class Table:
    """The rows, each with the load average of the last minute when it was measured:
    on a shared machine a figure means something only next to it."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, name: str, value: str, ratio: str = "", verdict: str = "") -> None:
        load = f"{os.getloadavg()[0]:.1f}"
        self.rows.append((name, value, ratio, verdict, load))
        print(f"  {name}: {value} {ratio} {verdict} (load {load})", file=sys.stderr, flush=True)

    def print(self) -> None:
        headers = ("operation", "result", "ratio", "target", "load")
        widths = [max(len(row[i]) for row in [*self.rows, headers]) for i in range(5)]
        line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
        print(line)
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for row in self.rows:
            cells = [row[0].ljust(widths[0])] + [
                c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
            ]
            print("| " + " | ".join(cells) + " |")


def _spin(count: int) -> float:
    """Pure Python arithmetic for ``count`` steps; its wall time."""
    start = time.perf_counter()
    total = 0
    for step in range(count):
        total += step
    return time.perf_counter() - start


def machine_scaling(repeat: int) -> float:
    """How much faster two processes of pure arithmetic finish than one after the other:
    2.0 on two idle cores, less when other programs hold a core (the ceiling of any
    ``--jobs 2`` row measured at the same time)."""
    import multiprocessing

    count = 5_000_000
    serial = min(_spin(count) + _spin(count) for _ in range(repeat))
    context = multiprocessing.get_context("fork")
    best = float("inf")
    with context.Pool(2) as pool:
        for _ in range(repeat):
            start = time.perf_counter()
            pool.map(_spin, [count, count])
            best = min(best, time.perf_counter() - start)
    return serial / best


def verdict(ok: bool, target: str) -> str:
    return f"{target} {'ok' if ok else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=16, help="size of the text inputs in MB")
    parser.add_argument("--files", type=int, default=20_000, help="number of small files")
    parser.add_argument("--damaged-mb", type=float, default=4, help="size of the damaged text")
    parser.add_argument("--large-mb", type=float, default=64, help="size of the large file")
    parser.add_argument(
        "--jsonl-mb", type=float, default=128, help="size of the large JSON Lines file"
    )
    parser.add_argument(
        "--dask-mb", type=float, default=34, help="size of the Dask recipe's JSON Lines"
    )
    parser.add_argument("--gb", action="store_true", help="a 1 GB large file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best)")
    parser.add_argument("--quick", action="store_true", help="small inputs, one run each")
    parser.add_argument(
        "--large-only", action="store_true", help="only the large-file rows (with --gb)"
    )
    parser.add_argument(
        "--jobs-only",
        action="store_true",
        help="only the --jobs rows, each with the critical path in CPU (jobs_path.py)",
    )
    parser.add_argument(
        "--baseline",
        metavar="SRC",
        help="with --jobs-only: also measure the cnfix in this src folder, in the same run",
    )
    args = parser.parse_args()
    if args.quick:
        args.mb, args.damaged_mb, args.files, args.large_mb, args.repeat = 4, 1, 2000, 16, 1
        args.jsonl_mb, args.dask_mb = 16, 8
    if args.gb:
        args.large_mb = 1024
    sys.path.insert(0, str(ROOT / "src"))
    import ftfy

    from cnfix.app.parallel import run_files
    from cnfix.app.runner import RunOptions
    from cnfix.rules import RULES
    from cnfix.text.chars import HAN

    print(f"building inputs in {CORPUS} ...", file=sys.stderr)
    paths = build(args)
    repeat = args.repeat
    table = Table()
    if args.large_only:
        large_rows(table, paths, repeat)
        table.print()
        return
    if args.jobs_only:
        jobs_only_rows(table, paths, args)
        table.print()
        return
    clean_bytes = paths["clean"].read_bytes()
    clean = clean_bytes.decode("utf-8")
    clean_mb = len(clean_bytes) / MB
    sample = clean_bytes[:MB].decode("utf-8", errors="ignore")
    sample_mb = len(sample.encode("utf-8")) / MB

    def rate(mb: float, seconds: float) -> float:
        return mb / seconds

    # The floor.
    decode = rate(clean_mb, best_cpu(lambda: paths["clean"].read_bytes().decode("utf-8"), repeat))
    table.add("read + UTF-8 decode (floor), clean text", f"{decode:.0f} MB/s")
    han_runs = re.compile(f"[{HAN}]+")
    regex = rate(clean_mb, best_cpu(lambda: sum(1 for _ in han_runs.finditer(clean)), repeat))
    table.add("one re pass over the text (every Han run)", f"{regex:.1f} MB/s")
    subs = [
        (re.compile(f"(?<=[{HAN}]),(?=[,。、；：])"), ""),
        (re.compile(f"(?<=[{HAN}]),(?=[{HAN}])"), "，"),
        (re.compile(f"(?<=[{HAN}])\\([a-zü]{{1,6}}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]?[a-z]{{0,3}}\\)"), ""),
    ]

    def three_subs() -> None:
        text = clean
        for pattern, replacement in subs:
            text = pattern.sub(replacement, text)

    three = rate(clean_mb, best_cpu(three_subs, repeat))
    table.add("three re.sub repair passes", f"{three:.1f} MB/s")

    # ftfy on a sample.
    def ftfy_rate(function: Callable[[str], str]) -> float:
        return rate(sample_mb, best_cpu(lambda: function(sample), min(repeat, 2)))

    ftfy_default = ftfy_rate(ftfy.fix_text)
    table.add("ftfy.fix_text, default (1 MB sample)", f"{ftfy_default:.1f} MB/s")
    ftfy_off = ftfy_rate(
        lambda text: ftfy.fix_text(text, fix_character_width=False, uncurl_quotes=False)
    )
    table.add("ftfy.fix_text, width/quotes off", f"{ftfy_off:.1f} MB/s")
    ftfy_encoding = ftfy_rate(ftfy.fix_encoding)
    table.add("ftfy.fix_encoding", f"{ftfy_encoding:.1f} MB/s")

    # cnfix in this process: what the CLI runs, without start-up.
    scan_options = RunOptions(rules=RULES)
    # What `repair -q -o` runs: nothing reads the applied fixes' findings, only their
    # number (the per-finding repair, as a repair that shows diffs runs it: `eager`).
    repair_options = RunOptions(rules=RULES, repair=True, defer_applied=True)
    list(run_files([paths["one"]], scan_options))  # load lazily loaded tables once

    scan = rate(clean_mb, best_cpu(lambda: list(run_files([paths["clean"]], scan_options)), repeat))
    table.add(
        "cnfix scan, clean text (in process)",
        f"{scan:.1f} MB/s",
        f"{scan / ftfy_off:.1f}x ftfy w/q off, {scan / regex:.2f} of one re pass",
        verdict(
            scan >= TARGET_SCAN and scan >= 7 * ftfy_off and scan >= regex / 3,
            ">=25 MB/s, >=7x, >=1/3",
        ),
    )
    damaged_mb = paths["damaged"].stat().st_size / MB
    repair = rate(
        damaged_mb,
        best_cpu(lambda: list(run_files([paths["damaged"]], repair_options)), repeat),
    )
    table.add(
        "cnfix repair, seed-like damaged text (in process)",
        f"{repair:.2f} MB/s",
        f"{repair / ftfy_off:.1f}x ftfy w/q off",
        verdict(repair >= TARGET_REPAIR, ">=10 MB/s"),
    )
    eager_options = replace(repair_options, defer_applied=False)
    eager = rate(
        damaged_mb,
        best_cpu(lambda: list(run_files([paths["damaged"]], eager_options)), repeat),
    )
    table.add("  the same, every applied fix's finding built", f"{eager:.2f} MB/s")
    # The seeds repeated hit every memo from the second copy on; the same damage made
    # afresh on the corpus does not repeat. One run per variant, a new variant each time.
    fresh_runs = []
    for variant in range(repeat):
        path = _write_if_missing(
            CORPUS / f"damaged-fresh-{variant}.txt", partial(_fresh_damage, variant), None
        )
        seconds = best_cpu(lambda path=path: list(run_files([path], repair_options)), 1)
        fresh_runs.append(rate(path.stat().st_size / MB, seconds))
    fresh = max(fresh_runs)
    table.add(
        "cnfix repair, seed-like damage made on the corpus (in process)",
        f"{fresh:.2f} MB/s",
        "no text repeated; one run per variant",
        verdict(fresh >= TARGET_REPAIR, ">=10 MB/s"),
    )
    first_use_rows(table, CORPUS / "damaged-fresh-0.txt", repeat)

    # cnfix as a command.
    control = machine_scaling(repeat)
    table.add(
        "control: 2 processes of pure arithmetic vs 1 after the other",
        f"{control:.2f}x",
        "this machine, now",
        "2.00x if idle",
    )
    small_mb = folder_bytes(paths["small"]) / MB
    small, small_cpu = {}, {}
    runs = interleaved(
        {
            jobs: command(["scan", "-q", "--jobs", str(jobs), str(paths["small"])])
            for jobs in (1, 2)
        },
        repeat,
    )
    for jobs, (seconds, small_cpu[jobs]) in runs.items():
        small[jobs] = rate(small_mb, seconds)
    table.add(
        f"cnfix scan {args.files} files of 2-5 KB, --jobs 1",
        f"{small[1]:.1f} MB/s",
        f"CPU {small_mb / small_cpu[1]:.1f} MB/s",
        verdict(small[1] >= TARGET_SMALL, ">=15 MB/s"),
    )
    table.add(
        f"cnfix scan {args.files} files of 2-5 KB, --jobs 2",
        f"{small[2]:.1f} MB/s",
        f"{small[2] / small[1]:.2f}x --jobs 1; CPU x{small_cpu[2] / small_cpu[1]:.2f}",
        verdict(small[2] / small[1] >= TARGET_SCALING, ">=1.8x"),
    )
    jsonl_mb = jsonl_rows(table, paths["jsonl"], repeat)
    large_jsonl_mb = jsonl_rows(table, paths["large_jsonl"], repeat)
    damaged_jsonl = _write_if_missing(
        CORPUS / "records-damaged.jsonl", lambda: _damaged_records(int(args.mb * MB)), None
    )
    jsonl_rows(table, damaged_jsonl, repeat, "seed-like damaged")
    # An installed package has its bytecode; a checkout run with PYTHONDONTWRITEBYTECODE
    # (as in some containers) would compile every module again at each start.
    import compileall

    import cnfix

    compileall.compile_dir(Path(cnfix.__file__).parent, quiet=1)
    bare = best_wall([sys.executable, "-c", "pass"], max(repeat, 5)) * 1000
    startup, startup_cpu = best_run(command(["scan", str(paths["one"])]), max(repeat, 5))
    startup *= 1000
    table.add(
        "cnfix scan one-file.txt, wall time",
        f"{startup:.0f} ms",
        f"CPU {startup_cpu * 1000:.0f} ms; python -c pass: {bare:.0f} ms",
        verdict(startup <= TARGET_STARTUP_MS, "<=150 ms"),
    )
    imports = "import click, rich.console, ftfy, opencc"
    _, deps_cpu = best_run([sys.executable, "-c", imports], max(repeat, 5))
    table.add(
        "  the same, against importing its dependencies, CPU",
        f"{startup_cpu * 1000:.0f} ms",
        f"python -c '{imports}': {deps_cpu * 1000:.0f} ms",
        verdict(startup_cpu <= deps_cpu, "below"),
    )
    scan_wall, scan_cpu = best_run(command(["scan", "-q", str(paths["clean"])]), repeat)
    table.add(
        f"cnfix scan, clean text, as a command ({clean_mb:.0f} MB)",
        f"{clean_mb / scan_wall:.1f} MB/s",
        f"CPU {clean_mb / scan_cpu:.1f} MB/s, {clean_mb / scan_cpu / ftfy_off:.1f}x ftfy w/q off",
        verdict(clean_mb / scan_cpu >= 7 * ftfy_off, ">=7x ftfy (CPU)"),
    )
    rendering_rows(table, paths, repeat)
    streamed_jobs_rows(table, repeat)
    dask_rows(table, repeat, int(args.dask_mb * MB))
    large_mb = large_rows(table, paths, repeat)
    rule_rows = per_rule(paths, repeat)
    print()
    print(
        f"cnfix {__import__('cnfix').__version__}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores; inputs: clean {clean_mb:.0f} MB, damaged {damaged_mb:.0f} MB, "
        f"{args.files} small files ({small_mb:.0f} MB), "
        f"JSON Lines {jsonl_mb:.0f} MB and {large_jsonl_mb:.0f} MB, "
        f"large {large_mb:.0f} MB; best of {repeat}"
    )
    print()
    table.print()
    print()
    print("Where the time goes: each rule alone, MB/s (in process, CPU time)")
    print()
    for row in rule_rows:
        print(row)


def _damaged_records(size: int) -> bytes:
    """JSON Lines records of seed-like damaged corpus documents, ``size`` bytes or so."""
    texts = _fresh_damage(0).decode("utf-8").split("\n\n")
    out: list[bytes] = []
    total = 0
    while total < size:
        text = texts[len(out) % len(texts)]
        out.append(json.dumps({"id": len(out), "text": text}, ensure_ascii=False).encode() + b"\n")
        total += len(out[-1])
    return b"".join(out)


def jsonl_rows(table: Table, path: Path, repeat: int, kind: str = "clean") -> float:
    """``repair --jsonl`` of one JSON Lines file with ``--jobs 1`` and ``--jobs 2`` (runs
    taken in turns); returns the file's size in MB."""
    size_mb = path.stat().st_size / MB
    with tempfile.TemporaryDirectory() as out:
        target = str(Path(out) / "out.jsonl")
        runs = interleaved(
            {
                jobs: command(["repair", "--jsonl", "--jobs", str(jobs), str(path), "-o", target])
                for jobs in (1, 2)
            },
            repeat,
        )
    jobs_rows(table, f"cnfix repair --jsonl, one {size_mb:.0f} MB {kind} file", size_mb, runs)
    return size_mb


def jobs_rows(
    table: Table, label: str, size_mb: float, runs: dict[int, tuple[float, float]]
) -> None:
    """The rows of a ``--jobs 1`` / ``--jobs 2`` pair: MB/s of wall time, and CPU."""
    rates = {jobs: size_mb / wall for jobs, (wall, _) in runs.items()}
    cpu = {jobs: seconds for jobs, (_, seconds) in runs.items()}
    table.add(f"{label}, --jobs 1", f"{rates[1]:.1f} MB/s", f"CPU {size_mb / cpu[1]:.1f} MB/s")
    table.add(
        f"{label}, --jobs 2",
        f"{rates[2]:.1f} MB/s",
        f"{rates[2] / rates[1]:.2f}x --jobs 1; CPU x{cpu[2] / cpu[1]:.2f}",
        verdict(rates[2] / rates[1] >= TARGET_SCALING, ">=1.8x"),
    )


def jobs_only_rows(table: Table, paths: dict[str, Path], args: argparse.Namespace) -> None:
    """Every ``--jobs 1`` / ``--jobs 2`` pair, after the control, each followed by the
    critical path of its ``--jobs 2`` run in CPU time (``jobs_path.probe``): on a busy
    machine the wall-time ratio is only as good as the idle cores, the CPU times are not;
    with ``--baseline``, every pair is measured on both trees, one after the other."""
    from jobs_path import describe, probe

    repeat = args.repeat
    control = machine_scaling(repeat)
    table.add("control: 2 processes of pure arithmetic", f"{control:.2f}x", "", "2.00x if idle")
    streamed = _write_if_missing(
        CORPUS / "damaged-10mb.txt", lambda: _repeat_to(_texts(SEEDS), 10 * MB).encode(), 10 * MB
    )
    damaged_jsonl = _write_if_missing(
        CORPUS / "records-damaged.jsonl", lambda: _damaged_records(int(args.mb * MB)), None
    )
    trees = {"": None, " (baseline)": args.baseline} if args.baseline else {"": None}
    with tempfile.TemporaryDirectory() as out:
        jsonl = ["repair", "--jsonl", "-o", f"{out}/out.jsonl"]
        work = [
            (f"scan {args.files} files of 2-5 KB", ["scan", "-q"], paths["small"]),
            ("repair --jsonl, clean", jsonl, paths["jsonl"]),
            ("repair --jsonl, clean", jsonl, paths["large_jsonl"]),
            ("repair --jsonl, seed-like damaged", jsonl, damaged_jsonl),
            ("repair -q -o, damaged (streamed)", ["repair", "-q", "-o", out], streamed),
        ]
        for label, argv, path in work:
            if path.is_dir():
                size_mb = folder_bytes(path) / MB
            else:
                size_mb = path.stat().st_size / MB
                label = f"{label}, {size_mb:.0f} MB"
            for suffix, tree in trees.items():
                runs = interleaved(
                    {
                        jobs: command([*argv, "--jobs", str(jobs), str(path)], tree)
                        for jobs in (1, 2)
                    },
                    repeat,
                )
                jobs_rows(table, f"{label}{suffix}", size_mb, runs)
                two = probe([*argv, "--jobs", "2", str(path)], tree)
                table.add("  critical path of --jobs 2", describe(runs[1][1], two))
    dask_rows(table, repeat, int(args.dask_mb * MB))


def rendering_rows(table: Table, paths: dict[str, Path], repeat: int) -> None:
    """What showing the work costs: ``repair FILE`` with its default inline diff against
    ``--diff none``, and ``scan --format json`` against the text output, on the damaged
    text (CPU time of the command, runs taken in turns)."""
    damaged = str(paths["damaged"])
    size_mb = paths["damaged"].stat().st_size / MB
    runs = interleaved(
        {
            0: command(["repair", damaged]),
            1: command(["repair", "--diff", "none", damaged]),
            2: command(["scan", damaged]),
            3: command(["scan", "--format", "json", damaged]),
        },
        repeat,
    )
    inline, bare = runs[0][1], runs[1][1]
    share = (inline - bare) / inline
    table.add(
        f"cnfix repair FILE (inline diff), {size_mb:.1f} MB damaged, CPU",
        f"{inline:.2f} s",
        f"--diff none {bare:.2f} s; the diff is {share:.0%} of the run",
        verdict(share <= 0.25, "<=25%"),
    )
    # A repair that changes the line count (blank lines cut, with --unsafe-fixes): the
    # lines pair up by the matcher, not one to one.
    spaced = paths["damaged"].with_name("damaged-blank-runs.txt")
    spaced.write_text(
        paths["damaged"].read_text(encoding="utf-8").replace("\n", "\n\n\n\n"), encoding="utf-8"
    )
    cut = interleaved(
        {
            0: command(["repair", "--unsafe-fixes", str(spaced)]),
            1: command(["repair", "--unsafe-fixes", "--diff", "none", str(spaced)]),
        },
        repeat,
    )
    share = (cut[0][1] - cut[1][1]) / cut[0][1]
    table.add(
        "  the same, --unsafe-fixes with blank lines cut (line count changed), CPU",
        f"{cut[0][1]:.2f} s",
        f"--diff none {cut[1][1]:.2f} s; the diff is {share:.0%} of the run",
        verdict(share <= 0.25, "<=25%"),
    )
    text_cpu, json_cpu = runs[2][1], runs[3][1]
    table.add(
        f"cnfix scan --format json, {size_mb:.1f} MB damaged, CPU",
        f"{json_cpu:.2f} s",
        f"text output {text_cpu:.2f} s: {json_cpu / text_cpu:.2f}x",
        verdict(json_cpu / text_cpu <= 1.2, "<=1.2x"),
    )


def streamed_jobs_rows(table: Table, repeat: int, size: int = 10 * MB) -> None:
    """``repair -q -o`` of one damaged file large enough to be streamed in chunks, with
    ``--jobs 1`` and ``--jobs 2`` (runs taken in turns): wall and CPU time; and the peak
    memory of ``--jobs 1`` on it and on an 8 MB one."""
    path = _write_if_missing(
        CORPUS / f"damaged-{size // MB}mb.txt",
        lambda: _repeat_to(_texts(SEEDS), size).encode(),
        size,
    )
    size_mb = path.stat().st_size / MB
    eight = _write_if_missing(
        CORPUS / "damaged-8mb.txt", lambda: _repeat_to(_texts(SEEDS), 8 * MB).encode(), 8 * MB
    )
    with tempfile.TemporaryDirectory() as out:
        for target in (eight, path):
            peak, _ = peak_rss_mb(command(["repair", "-q", "--jobs", "1", "-o", out, str(target)]))
            table.add(
                f"cnfix repair -q -o, {target.stat().st_size / MB:.0f} MB damaged: peak memory",
                f"{peak:.0f} MB",
                "",
                verdict(peak <= 150, "<=150 MB"),
            )
        runs = interleaved(
            {
                jobs: command(["repair", "-q", "--jobs", str(jobs), "-o", out, str(path)])
                for jobs in (1, 2)
            },
            repeat,
        )
    jobs_rows(
        table, f"cnfix repair -q -o, one {size_mb:.0f} MB damaged file (streamed)", size_mb, runs
    )


#: Shards the Dask recipe's input is cut into: the recipe maps over files.
DASK_SHARDS = 8


def dask_rows(table: Table, repeat: int, size: int) -> None:
    """The Dask recipe (``python -m cnfix.app.distributed`` on a local cluster of two
    worker processes) against ``cnfix repair --jsonl --jobs 2`` and ``--jobs 1``, on the
    same seed-like damaged JSON Lines records: one file for cnfix, ``DASK_SHARDS``
    shards of it for Dask (runs taken in turns; wall time, start-up included)."""
    try:
        import dask.distributed  # noqa: F401 - only whether the extra is installed
    except ImportError:
        table.add("Dask recipe", "skipped", "pip install 'cnfix[dask]'")
        return
    whole = _write_if_missing(CORPUS / "dask-records.jsonl", lambda: _damaged_records(size), None)
    shards = CORPUS / "dask-shards"
    if not shards.is_dir() or len(list(shards.glob("*.jsonl"))) != DASK_SHARDS:
        shards.mkdir(exist_ok=True)
        lines = whole.read_bytes().splitlines(keepends=True)
        step = -(-len(lines) // DASK_SHARDS)
        for number in range(DASK_SHARDS):
            part = b"".join(lines[number * step : (number + 1) * step])
            (shards / f"{number:02}.jsonl").write_bytes(part)
    size_mb = whole.stat().st_size / MB
    with tempfile.TemporaryDirectory() as out:
        recipe = [sys.executable, "-m", "cnfix.app.distributed", str(shards), out]
        runs = interleaved(
            {
                0: [*recipe, "--workers", "2"],
                1: command(["repair", "--jsonl", "--jobs", "1", str(whole), "-o", f"{out}/1"]),
                2: command(["repair", "--jsonl", "--jobs", "2", str(whole), "-o", f"{out}/2"]),
            },
            repeat,
        )
    dask_wall = runs[0][0]
    label = f"repair {size_mb:.0f} MB of seed-like damaged JSON Lines"
    table.add(
        f"Dask recipe, {label} ({DASK_SHARDS} shards, 2 workers)",
        f"{dask_wall:.1f} s",
        f"CPU {runs[0][1]:.1f} s",
    )
    for jobs in (1, 2):
        wall, cpu = runs[jobs]
        table.add(
            f"cnfix repair --jsonl --jobs {jobs}, the same records in one file",
            f"{wall:.1f} s",
            f"{dask_wall / wall:.2f}x the Dask recipe's speed; CPU {cpu:.1f} s",
            verdict(wall <= dask_wall, "as fast") if jobs == 2 else "",
        )


def large_rows(table: Table, paths: dict[str, Path], repeat: int) -> float:
    """Peak memory of ``repair -o`` on the large file, and its time per MB (wall time less
    start-up) against the 1 MB file of the same text; returns the large file's size."""
    large_mb = paths["large"].stat().st_size / MB
    startup = best_wall(command(["scan", str(paths["one"])]), max(repeat, 3))
    with tempfile.TemporaryDirectory() as out:
        argv = ["repair", "--jobs", "1", "-q", "-o", out, str(paths["large"])]
        peak, wall = peak_rss_mb(command(argv))
        small_argv = ["repair", "--jobs", "1", "-q", "-o", out, str(paths["mb1"])]
        one_wall = best_wall(command(small_argv), repeat)
    per_mb_large = (wall - startup) / large_mb
    per_mb_one = (one_wall - startup) / (paths["mb1"].stat().st_size / MB)
    table.add(
        f"cnfix repair -o, one {large_mb:.0f} MB file: peak memory (max RSS)",
        f"{peak:.0f} MB",
        "",
        verdict(peak <= TARGET_PEAK_MB, "<=200 MB"),
    )
    table.add(
        f"  time per MB, start-up excluded: 1 MB file vs {large_mb:.0f} MB file",
        f"{per_mb_one * 1000:.0f} / {per_mb_large * 1000:.0f} ms",
        f"{per_mb_large / per_mb_one:.2f}x",
        "flat",
    )
    return large_mb


def first_use_rows(table: Table, damaged: Path, repeat: int) -> None:
    """What a repair of fresh seed-like damage pays outside the rules' own work: the
    mojibake prefilter over pinyin-annotated text (tone marks are Latin-1 letters) and
    the language model's loading, once per process (mixed-script asks it a few times
    per MB)."""
    from cnfix.rules.mojibake.prefilter import _worth_a_look
    from cnfix.text.plausibility import language_model

    text = damaged.read_text(encoding="utf-8")
    mb = len(text.encode("utf-8")) / MB
    _worth_a_look("")  # compiled outside the clock
    seconds = best_cpu(lambda: _worth_a_look(text), repeat)
    table.add(
        "mojibake prefilter, seed-like damage (annotated)", f"{seconds * 1000 / mb:.1f} ms/MB"
    )

    def load() -> None:
        language_model.cache_clear()
        language_model()

    table.add(
        "language model loaded on first use (once per process)",
        f"{best_cpu(load, repeat) * 1000:.0f} ms",
    )


def per_rule(paths: dict[str, Path], repeat: int) -> list[str]:
    """Each rule's own throughput on 1 MB of the clean text (as one streamed chunk) and
    on 300 KB of the damaged text, plus the engine's fixed-point repair of the latter."""
    from cnfix.engine import check_document, repair_document
    from cnfix.model import Document
    from cnfix.rules import RULES

    clean = paths["clean"].read_text(encoding="utf-8")[:350_000]
    damaged = paths["damaged"].read_text(encoding="utf-8")[:100_000]
    rows = ["| rule | clean text | damaged text |", "|---|---:|---:|"]
    for rule in RULES:
        cells = []
        for text in (clean, damaged):
            list(rule.check(Document(text)))  # tables loaded once, outside the clock
            seconds = best_cpu(
                lambda rule=rule, text=text: list(rule.check(Document(text))), repeat
            )
            cells.append(f"{len(text.encode('utf-8')) / MB / seconds:.1f}")
        rows.append(f"| {rule.code} {rule.name} | {cells[0]} | {cells[1]} |")
    for label, function in (
        ("all rules (check_document)", lambda text: check_document(Document(text), RULES)),
        ("repair to a fixed point", lambda text: repair_document(Document(text), RULES)),
    ):
        cells = []
        for text in (clean, damaged):
            seconds = best_cpu(lambda function=function, text=text: function(text), repeat)
            cells.append(f"{len(text.encode('utf-8')) / MB / seconds:.1f}")
        rows.append(f"| {label} | {cells[0]} | {cells[1]} |")
    return rows


if __name__ == "__main__":
    main()
