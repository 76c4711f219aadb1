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

The table has one row per case: seconds per MB at each size, and the ratio of the
largest size's time per MB to the smallest's (about 1 means linear).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import sys
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1, 4, 16, 64])
    parser.add_argument("--only", nargs="+", metavar="CASE")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per size")
    parser.add_argument("--list", action="store_true", help="list the cases")
    args = parser.parse_args(argv)
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
