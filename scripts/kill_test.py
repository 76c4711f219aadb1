"""Kill ``cnfix repair --in-place`` at random moments and check that no file is damaged.

Usage::

    python scripts/kill_test.py 200            # 200 kills; prints "files intact: X/X"
    python scripts/kill_test.py 50 --files 60 --max-delay 0.1 --seed 3

A tree of small files (damaged and clean, UTF-8 with LF and CRLF, GB18030, a BOM) is
repaired once normally to learn each file's repaired bytes. Then, N times: the files
are reset to their originals, a child process runs the real CLI
(``repair -w --diff none TREE``) and is sent SIGKILL after a random delay of
0–``--max-delay`` seconds (by default the duration of a full run, measured first).
Afterwards every file must be byte-identical to its original or to its repaired
version, and every file left behind must be a recognisable temporary file
(``.cnfix-tmp-<pid>-*`` of a killed child).

The children are forked from this process after cnfix is imported, so the delay is
spent in cnfix's own work (discovery, repair, writes), not in interpreter start-up.

Finally a normal run over the tree (with the last kill's leftovers still there) must
repair every file and remove every stale temporary file: ``leftovers after the next
run: 0``. Exit status 0 when everything held, 1 otherwise.

Variations (issue 21)::

    python scripts/kill_test.py 50 --jobs 2 --kill parent   # only the parent: no orphan
    python scripts/kill_test.py 50 --jobs 2 --kill worker   # one worker (the OOM killer)
    python scripts/kill_test.py 50 --mode stream            # files streamed in chunks
    python scripts/kill_test.py 50 --mode jsonl             # repair --jsonl -w
    python scripts/kill_test.py 50 --mode interactive       # repair -i, every file approved

With ``--jobs`` over 1 the run always uses its pool of workers, however small the
tree. ``--kill group`` (the default) kills the run with its workers; ``parent`` kills only
the parent, whose workers must then be gone within 5 s (``orphans: 0``); ``worker``
kills one worker and lets the run finish. ``--mode stream`` lowers the streaming
threshold (in the forked children) so that the larger files are read, repaired and
written chunk by chunk.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import cnfix.app.runner
import cnfix.cli
import cnfix.engine
import cnfix.io.discovery
import cnfix.io.safe_files
import cnfix.report
import cnfix.rules

DAMAGED = [
    "会议指出,,要抓实学习教育,。6月19日,湖北省召开会议,部署下一阶段工作。\n",
    "医院(关沮院区)今天开放;市民可以预约:电话12345,网站www.example.cn。\n",
    "他说:我们要坚持问题导向!怎么办?先调查,再决定。\n",
]
CLEAN = "这是一段干净的中文文本，不需要任何修复。\n"
TEMP_RE = re.compile(re.escape(cnfix.io.safe_files.TEMP_PREFIX) + r"(\d+)-")


def jsonl_originals(count: int, rng: random.Random, scale: int = 1) -> dict[str, bytes]:
    """``count`` JSON Lines files of damaged and clean records, by relative path."""
    files: dict[str, bytes] = {}
    for index in range(count):
        lines = [rng.choice([*DAMAGED, CLEAN]) for _ in range(rng.randint(5, 60) * scale)]
        records = (
            json.dumps({"id": number, "text": line.strip()}, ensure_ascii=bool(number % 2))
            for number, line in enumerate(lines)
        )
        files[f"part{index % 3}/doc{index:03}.jsonl"] = "\n".join(records).encode() + b"\n"
    return files


def originals(count: int, rng: random.Random, scale: int = 1) -> dict[str, bytes]:
    """``count`` small files of several kinds, by relative path."""
    files: dict[str, bytes] = {}
    for index in range(count):
        folder = f"part{index % 3}"
        lines = [rng.choice(DAMAGED) for _ in range(rng.randint(5, 60) * scale)]
        kind = index % 6
        if kind == 0:
            data = CLEAN.encode() * rng.randint(1, 30)
        elif kind == 1:
            data = "".join(lines).replace("\n", "\r\n").encode()
        elif kind == 2:
            data = "".join(lines).encode("gb18030")
        elif kind == 3:
            data = b"\xef\xbb\xbf" + "".join(lines).encode()
        else:
            data = "".join(lines).encode()
        files[f"{folder}/doc{index:03}.{'md' if index % 4 == 0 else 'txt'}"] = data
    return files


def reset(tree: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _arguments(tree: Path, mode: str, jobs: int) -> list[str]:
    if mode == "jsonl":
        return ["repair", "--jsonl", "-w", "--diff", "none", "--jobs", str(jobs), str(tree)]
    if mode == "interactive":
        return ["repair", "-i", "-w", "--jobs", str(jobs), str(tree)]
    return ["repair", "-w", "--diff", "none", "--jobs", str(jobs), str(tree)]


def _child(tree: Path, mode: str, jobs: int) -> None:
    """The forked child: the real CLI, output discarded (``-i``: every file approved)."""
    code = 70
    try:
        os.setpgid(0, 0)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        if mode == "interactive":
            from cnfix.cli import repair_command

            repair_command._stdin_is_terminal = lambda: True  # type: ignore[attr-defined]
            read_end, write_end = os.pipe()
            os.write(write_end, b"a\n")
            os.close(write_end)
            os.dup2(read_end, 0)
            sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the process's stdin
        cnfix.cli.cli.main(_arguments(tree, mode, jobs), prog_name="cnfix")
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    finally:
        os._exit(code)


def _workers(pid: int) -> list[int]:
    """The children of ``pid`` (its workers), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
    return found


def _group_gone(group: int, timeout: float = 5.0) -> bool:
    """Whether every process of ``group`` has exited within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


def run_cli(
    tree: Path,
    *,
    kill_after: float | None,
    jobs: int = 1,
    mode: str = "files",
    kill: str = "group",
) -> tuple[int, bool, bool]:
    """Fork a child running ``cnfix repair -w``; kill it after ``kill_after`` seconds.

    The child leads its own process group. ``kill``: ``group`` kills it with its
    workers; ``parent`` only the child (its workers must follow it); ``worker`` one
    worker, and the run goes on to its end. Returns the child's pid, whether it was
    still running, and whether a process of the run outlived it (an orphan).
    """
    pid = os.fork()
    if pid == 0:
        _child(tree, mode, jobs)
    if kill_after is None:
        os.waitpid(pid, 0)
        return pid, False, False
    time.sleep(kill_after)
    finished, _ = os.waitpid(pid, os.WNOHANG)
    if finished:
        return pid, False, not _group_gone(pid)
    if kill == "worker":
        with contextlib.suppress(ProcessLookupError, IndexError):
            os.kill(_workers(pid)[0], signal.SIGKILL)
        os.waitpid(pid, 0)
        return pid, True, not _group_gone(pid)
    with contextlib.suppress(ProcessLookupError):
        if kill == "parent":
            os.kill(pid, signal.SIGKILL)
        else:
            os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    orphaned = not _group_gone(pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)  # so that the next round starts clean
    return pid, True, orphaned


def warm_up(tree: Path, files: dict[str, bytes]) -> None:
    """Load every lazy table and module here, once, so forked children start warm."""
    import cnfix.app.parallel  # the CLI's file runner

    options = cnfix.app.runner.RunOptions(rules=cnfix.rules.RULES, repair=True)
    for name in files:
        cnfix.app.runner.process_file(tree / name, options)


def _dead_workers(tree: Path) -> set[int]:
    """The pids in the names of temporary files now in ``tree`` whose process is gone
    (a killed worker's): recognised as a kill's leftovers."""
    pids = set()
    for path in leftovers(tree):
        match = TEMP_RE.match(path.name)
        if match is not None and not Path(f"/proc/{match[1]}").exists():
            pids.add(int(match[1]))
    return pids


def leftovers(tree: Path) -> list[Path]:
    return [path for path in tree.rglob("*") if path.is_file() and TEMP_RE.match(path.name)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kills", type=int, nargs="?", default=200, help="how many kills")
    parser.add_argument("--files", type=int, default=30, help="files in the tree")
    parser.add_argument(
        "--max-delay",
        type=float,
        help="seconds (default: the time a full run takes, so kills land all over it)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="cnfix --jobs")
    parser.add_argument("--scale", type=int, default=1, help="make every file this much longer")
    parser.add_argument(
        "--mode", choices=["files", "stream", "jsonl", "interactive"], default="files"
    )
    parser.add_argument("--kill", choices=["group", "parent", "worker"], default="group")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    if args.mode == "jsonl":
        files = jsonl_originals(args.files, rng, args.scale)
    else:
        files = originals(args.files, rng, args.scale)
    if args.mode == "stream":
        import cnfix.app.parallel
        import cnfix.io.chunks

        # The children are forked from here: they stream every file over 4 KB, in
        # chunks of 2 KB, through the same code as files over 8 MB.
        cnfix.app.parallel.STREAM_THRESHOLD = 4096
        cnfix.io.chunks.CHUNK_BYTES = 2048
    if args.jobs > 1:
        import cnfix.app.parallel

        # A pool however small the tree: the kills must find workers to kill and orphan.
        cnfix.app.parallel.MIN_PARALLEL_BYTES = 0
        if args.mode == "jsonl":
            import cnfix.app.jsonl

            # And blocks of a few records, or a file's one block is done in the parent.
            cnfix.app.jsonl.MIN_PARALLEL_BYTES = 0
            cnfix.app.jsonl.BATCH_BYTES = 2048
    run = {"jobs": args.jobs, "mode": args.mode}
    work = Path(tempfile.mkdtemp(prefix="cnfix-kill-"))
    try:
        reference, tree = work / "reference", work / "tree"
        reset(reference, files)
        warm_up(reference, files)
        started = time.monotonic()
        run_cli(reference, kill_after=None, **run)
        full_run = time.monotonic() - started
        repaired = {name: (reference / name).read_bytes() for name in files}
        changed = sum(repaired[name] != files[name] for name in files)
        clean_run_leftovers = len(leftovers(reference))

        max_delay = args.max_delay if args.max_delay is not None else full_run
        intact = checked = mid_run = cut = orphans = 0
        foreign: list[str] = []
        killed: set[int] = set()
        seen: set[Path] = set()
        for _ in range(args.kills):
            reset(tree, files)
            delay = rng.uniform(0, max_delay)
            pid, was_running, orphaned = run_cli(tree, kill_after=delay, kill=args.kill, **run)
            killed.add(pid)
            killed.update(_dead_workers(tree))
            mid_run += was_running
            orphans += orphaned
            states = set()
            for name in files:
                data = (tree / name).read_bytes()
                checked += 1
                if files[name] != repaired[name]:
                    states.add(data == repaired[name])
                if data in (files[name], repaired[name]):
                    intact += 1
                else:
                    print(f"DAMAGED: {name} after a kill of pid {pid}", file=sys.stderr)
            cut += len(states) == 2
            for path in leftovers(tree):
                seen.add(path)
                match = TEMP_RE.match(path.name)
                if match is None or int(match[1]) not in killed:
                    foreign.append(path.name)
        stale_before = len(leftovers(tree))
        reset(tree, files)
        run_cli(tree, kill_after=None, **run)
        after = leftovers(tree)
        final_ok = all((tree / name).read_bytes() == repaired[name] for name in files)

        print(f"mode: {args.mode}, --jobs {args.jobs}, kill: {args.kill}")
        print(f"tree: {len(files)} files ({changed} to repair); a full run takes {full_run:.3f} s")
        print(
            f"kills: {args.kills} after 0-{max_delay * 1000:.0f} ms "
            f"({mid_run} while cnfix was still running)"
        )
        print(f"kills that left some files repaired and others not yet: {cut}")
        print(f"temporary files left by kills: {len(seen)} (all recognised: {not foreign})")
        print(f"temporary files after a normal run: {clean_run_leftovers}")
        print(f"leftovers before the next run: {stale_before}, after it: {len(after)}")
        print(f"next run repaired every file: {final_ok}")
        print(f"orphans (processes of a run alive 5 s after its parent died): {orphans}")
        print(f"files intact: {intact}/{checked}")
        ok = (
            intact == checked
            and not orphans
            and not foreign
            and not after
            and final_ok
            and clean_run_leftovers == 0
        )
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
