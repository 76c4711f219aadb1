"""Pathological inputs for every regex: time per MB must stay flat as the size grows.

Each case repeats one unit (``(``, ``,``, ``,。``, a rare character, a half-open URL …)
up to the target size in UTF-8 bytes and ends it with ``TAIL`` (so that every rule's
cheap prefilter lets the text through to its regexes), then times ``check_document`` with every
registered rule (and ``repair_document`` for the cases marked ``repair``). A regex
that backtracks (a quadratic scan) shows as a time per MB that grows with the size:
a growth over 2 between two sizes (4x apart by default) marks the case SUPERLINEAR.
A size whose projected time (the last time per MB times the size) exceeds
``--budget`` seconds is not run (shown as ``-``), so slow-but-linear cases do not
hold up the table.

Usage::

    python benchmarks/bench_pathological.py                 # 1, 4, 16, 64 MB
    python benchmarks/bench_pathological.py --sizes 0.25 1 4 --only parens commas
    python benchmarks/bench_pathological.py --list
    python benchmarks/bench_pathological.py --families      # issue 21: 1, 4, 16 MB

``--families`` runs the damage families that were superlinear in time or unbounded in
memory (issue 21: UTF-8 read as GBK, GBK read as GB2312 with ``?`` marks, ``<code ``
runs, garble runs, many findings in JSON output, one huge line with its inline diff,
one huge JSON Lines record) through the real command line, one process per run: CPU
seconds per MB and peak memory (the child's maximum resident set). The targets: time
per MB within 1.5x from the smallest size to the largest, peak memory at most 300 MB.

The table has one row per case: seconds per MB at each size, and the ratio of the
largest size's time per MB to the smallest's (about 1 means linear).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from cnfix.engine import check_document, repair_document
from cnfix.model import Document
from cnfix.rules import RULES


@dataclass(frozen=True)
class Case:
    name: str
    unit: str
    kind: str = "text"
    repair: bool = False


def _cases() -> list[Case]:
    return [
        Case("parens", "("),
        Case("close-parens", ")"),
        Case("han-open-paren", "中("),
        Case("paren-han-unclosed", "(中文"),
        Case("fullwidth-parens", "（"),
        Case("commas", ","),
        Case("han-comma", "中,", repair=True),
        Case("han-double-comma", "中,,", repair=True),
        Case("comma-period", ",。"),
        Case("period-comma", "。,"),
        Case("ascii-marks", ",;:!?"),
        Case("ideographic-punct", "，。、；：！？"),
        Case("latin-letters", "a"),
        Case("alnum-no-at", "a1._%+-"),
        Case("at-signs", "a@"),
        Case("www-dots", "www."),
        Case("http-prefix", "http://"),
        Case("digits", "1"),
        Case("thousands", "1,000,"),
        Case("spaces", " "),
        Case("newlines", "\n"),
        Case("crlf", "\r\n"),
        Case("question-marks", "?"),
        Case("replacement-chars", "\ufffd"),
        Case("pinyin-letters", "zhōng"),
        Case("pinyin-after-han", "中zhōng)"),
        Case("han-pinyin-paren", "中(zhōng)", repair=True),
        Case("tone-combining", "a\u0301"),
        Case("combining-marks", "\u0301"),
        Case("rtl-marks", "\u200f\u202e"),
        Case("astral-han", "\U00020000"),
        Case("emoji", "\U0001f600"),
        Case("latin1-mojibake", "Ã¤"),
        Case("gbk-mojibake", "锟斤拷"),
        Case("cyrillic", "Ж"),
        Case("traditional", "醫院這裡"),
        Case("mixed-script", "医院醫院"),
        Case("han-latin", "中a"),
        Case("control-chars", "\x01\x1b"),
        Case("backticks-md", "`", kind="markdown"),
        Case("fences-md", "```\n", kind="markdown"),
        Case("unclosed-fences-md", " ```x\n", kind="markdown"),
        Case("unclosed-code-md", "<code>", kind="markdown"),
        Case("unclosed-pre-html", "<pre>", kind="markup"),
        Case("inline-code-md", "`a", kind="markdown"),
        Case("link-target-md", "](", kind="markdown"),
        Case("brackets-md", "[中](", kind="markdown"),
        Case("table-commas", "中,", kind="table"),
        Case("unclosed-titles-md", '[中](b "', kind="markdown"),
        Case("link-chain-md", "](a", kind="markdown"),
        Case("attributes-md", "<a b=c ", kind="markdown"),
        Case("unclosed-comment-md", "<!-- 中,", kind="markdown"),
        Case("dollars-md", "$中,", kind="markdown"),
        Case("templates-md", "{{ 中,", kind="markdown"),
        Case("front-matter-md", "---\n中,\n", kind="markdown"),
        Case("attributes-html", '<a title="中,,', kind="markup"),
        Case("markdown-in-json", '"`中,,` [中](b \\"', kind="json"),
        Case("yaml-keys", "中: [中,\n", kind="yaml"),
        Case("url-parens", "https://中/(", kind="text"),
        Case("paths", "/中,/", kind="text"),
    ]


#: Ends every input: Han, ASCII marks and parentheses wake every rule up.
TAIL = "中,文(中)；a@b"


def build(unit: str, size: int) -> str:
    """``unit`` repeated to about ``size`` bytes of UTF-8, then ``TAIL``."""
    return unit * max(1, size // len(unit.encode("utf-8"))) + TAIL


def timed(function: Callable[[], object]) -> float:
    """CPU seconds of this process: other work on the machine does not count."""
    gc.collect()
    start = time.process_time()
    function()
    return time.process_time() - start


def run_case(case: Case, sizes_mb: list[float], budget: float) -> list[float | None]:
    """Seconds per MB at each size (None where the projected time exceeds the budget)."""
    per_mb: list[float | None] = []
    last: float | None = None
    for size_mb in sizes_mb:
        if last is not None and last * size_mb > budget:
            per_mb.append(None)
            continue
        text = build(case.unit, int(size_mb * 2**20))
        doc = Document(text, kind=case.kind)
        seconds = timed(lambda doc=doc: check_document(doc, RULES))
        if case.repair:
            seconds += timed(lambda doc=doc: repair_document(doc, RULES))
        last = seconds / size_mb
        per_mb.append(last)
        del text, doc
    return per_mb


# --- issue 21: damage families through the command line, time and memory -------------------

ROOT = pathlib.Path(__file__).resolve().parent.parent
#: Time per MB may grow this much from the smallest size to the largest.
MAX_GROWTH = 1.5
#: Peak resident memory of one run, in MB.
MAX_PEAK_MB = 300


def _corpus_text(size: int, script: str) -> str:
    """Clean corpus text (``hans``, ``hant``), repeated to about ``size`` bytes of UTF-8."""
    files = sorted((ROOT / "tests" / "data" / "corpus" / script).glob("*.txt"))
    text = "\n".join(path.read_text(encoding="utf-8") for path in files)
    return text * max(1, size // len(text.encode("utf-8")) + 1)


def _by_line(damage: Callable[[str], str], size: int, script: str = "hans") -> str:
    """Corpus lines damaged one by one (a file opened with the wrong codec) to ``size``."""
    out, total = [], 0
    for line in _corpus_text(size, script).split("\n"):
        damaged = damage(line)
        out.append(damaged)
        total += len(damaged.encode("utf-8")) + 1
        if total >= size:
            break
    return "\n".join(out) + "\n"


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit.encode("utf-8"))) + "\n"


def _lossy_utf8_as_gbk(line: str) -> str:
    return line.encode("utf-8").decode("gb18030", errors="replace")


def _lossy_gb2312(line: str) -> str:
    data = line.encode("gbk", errors="replace")
    return data.decode("gb2312", errors="replace").replace("\ufffd", "?")


def _jsonl_record(size: int) -> str:
    return json.dumps({"id": 1, "text": _repeat("会议指出,,要抓实,", size)}, ensure_ascii=False)


@dataclass(frozen=True)
class Family:
    """One damage family: the file it makes at a size, and the command run on it."""

    name: str
    make: Callable[[int], str]
    suffix: str
    command: tuple[str, ...]


NO_DIFF, INLINE = ("--diff", "none"), ("--diff", "inline")


def _families() -> list[Family]:
    return [
        Family("utf8-as-gbk", lambda n: _by_line(_lossy_utf8_as_gbk, n), ".txt", ("scan",)),
        Family("gb2312-marks", lambda n: _by_line(_lossy_gb2312, n, "hant"), ".txt", ("scan",)),
        Family("code-tag-runs", lambda n: "中," + _repeat("<code ", n), ".md", ("scan",)),
        Family("gbk-garble-runs", lambda n: _repeat("浣犲ソ", n), ".txt", ("scan",)),
        Family("nbsp-runs", lambda n: _repeat("\u00a0", n), ".txt", ("scan",)),
        Family("latin1-space-runs", lambda n: _repeat("Ã ", n), ".txt", ("repair", *NO_DIFF)),
        Family(
            "json-many-findings",
            lambda n: _repeat("会议,,\n", n),
            ".txt",
            ("scan", "--format", "json"),
        ),
        Family("huge-line-diff", lambda n: _repeat("中,", n), ".txt", ("repair", *INLINE)),
        Family("huge-jsonl-record", _jsonl_record, ".jsonl", ("scan", "--jsonl")),
    ]


def run_family(family: Family, size_mb: float, folder: pathlib.Path) -> tuple[float, float]:
    """CPU seconds and peak MB of ``cnfix COMMAND FILE`` on the family's file of that size."""
    path = folder / f"{family.name}{family.suffix}"
    path.write_text(family.make(int(size_mb * 2**20)), encoding="utf-8")
    command = [sys.executable, "-m", "cnfix", *family.command, "-j", "1", str(path)]
    with open(os.devnull, "wb") as devnull:
        child = subprocess.Popen(command, stdout=devnull, stderr=devnull)
        _, _, usage = os.wait4(child.pid, 0)
    path.unlink()
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def families_main(sizes_mb: list[float], only: list[str] | None) -> int:
    families = [f for f in _families() if not only or f.name in only]
    header = "".join(f"{size:>7g} MB" for size in sizes_mb)
    print(f"{'family':<20}{header}   growth  peak MB  (CPU seconds per MB)")
    failed = []
    with tempfile.TemporaryDirectory(prefix="cnfix-patho-") as folder:
        for family in families:
            per_mb, peak = [], 0.0
            for size_mb in sizes_mb:
                seconds, peak_mb = run_family(family, size_mb, pathlib.Path(folder))
                per_mb.append(seconds / size_mb)
                peak = max(peak, peak_mb)
            growth = per_mb[-1] / max(per_mb[0], 1e-3)
            verdict = "ok" if growth <= MAX_GROWTH and peak <= MAX_PEAK_MB else "OVER"
            if verdict != "ok":
                failed.append(family.name)
            cells = "".join(f"{value:>10.3f}" for value in per_mb)
            print(f"{family.name:<20}{cells}   {growth:6.2f}  {peak:7.0f}  {verdict}", flush=True)
    if failed:
        print(f"over the targets (growth <= {MAX_GROWTH}, peak <= {MAX_PEAK_MB} MB): {failed}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1, 4, 16, 64])
    parser.add_argument("--only", nargs="+", metavar="CASE")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per size")
    parser.add_argument("--list", action="store_true", help="list the cases")
    parser.add_argument(
        "--families", action="store_true", help="issue 21's damage families, 1/4/16 MB"
    )
    args = parser.parse_args(argv)
    if args.families:
        sizes = args.sizes if args.sizes != [1, 4, 16, 64] else [1, 4, 16]
        return families_main(sizes, args.only)
    cases = _cases()
    if args.list:
        for case in cases:
            print(f"{case.name:<20} {case.unit!r} ({case.kind})")
        return 0
    if args.only:
        cases = [case for case in cases if case.name in args.only]
    print(f"rules: {', '.join(rule.name for rule in RULES)}")
    header = "".join(f"{size:>8g} MB" for size in args.sizes)
    print(f"{'case':<20}{header}   growth   (seconds per MB)")
    worst = 0.0
    failed: list[str] = []
    for case in cases:
        per_mb = run_case(case, args.sizes, args.budget)
        cells = "".join(f"{v:>11.3f}" if v is not None else f"{'-':>11}" for v in per_mb)
        done = [value for value in per_mb if value is not None]
        growth = done[-1] / max(done[0], 1e-3) if len(done) > 1 else float("nan")
        # Below 20 ms per MB the timer and the allocator dominate: not a fair ratio.
        steps = [b / a for a, b in itertools.pairwise(done) if a >= 0.02]
        flag = "  SUPERLINEAR" if any(step > 2 for step in steps) else ""
        print(f"{case.name:<20}{cells}   {growth:6.2f}{flag}", flush=True)
        if flag:
            failed.append(case.name)
        elif done[0] >= 0.02:
            worst = max(worst, growth)
    print(f"\nworst growth of time per MB (cases over 20 ms/MB): {worst:.2f}")
    if failed:
        print(f"superlinear: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
