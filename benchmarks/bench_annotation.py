"""What the pinyin-annotation rule costs on clean text, and how fast it repairs the artifact.

1. Scan every clean corpus document (tests/data/corpus, 400 files) one by one with and
   without the rule, against two baselines: all registered rules, and the two fast
   punctuation rules (a lean engine, so that slow rules elsewhere do not hide the cost).
   Rounds are interleaved and the least disturbed round of each is kept. The rule must
   add no more than 20% to the clean scan.
2. The rule alone on the same documents (its own throughput), with the clean corpus as is
   and with every ASCII/full-width parenthesis removed (the common case: nothing to do).
3. The one-off cost of loading the data (syllable inventory and readings table), which
   clean text without a Han character before a parenthesised Latin letter never pays.
4. Scan and repair of the four annotated seeds with this rule only.

Times are CPU time of this process (``time.process_time``), so that other programs
running on the machine disturb the figures less.

Run: ``python benchmarks/bench_annotation.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import pathlib
import time

from cnfix import repair_text, scan_text
from cnfix.model import Document
from cnfix.rules import annotation
from cnfix.text import pinyin

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "data" / "corpus").glob("*/*.txt"))
SEEDS = sorted((ROOT / "seeds").glob("00[0-3]_*.txt"))
RULE = "pinyin-annotation"
#: The project's throughput target for a whole scan of clean Chinese text.
TARGET_MB_S = 25


def _clock(function, docs: list[str]) -> float:
    start = time.process_time()
    for text in docs:
        function(text)
    return time.process_time() - start


def _megabytes(docs: list[str]) -> float:
    return sum(len(text.encode("utf-8")) for text in docs) / 1e6


def _overhead(docs: list[str], rounds: int, label: str, others: list[str] | None) -> None:
    """Median scan time with and without the rule; ``others`` None means every rule."""
    with_rule = None if others is None else [*others, RULE]
    without_rule: dict[str, list[str]] = (
        {"ignore": [RULE]} if others is None else {"select": others}
    )
    on_times, off_times = [], []
    scan_text(docs[0], select=with_rule)  # warm caches and lazy imports
    for _ in range(rounds):
        on_times.append(_clock(lambda text: scan_text(text, select=with_rule), docs))
        off_times.append(_clock(lambda text: scan_text(text, **without_rule), docs))
    on, off = min(on_times), min(off_times)  # the least disturbed round of each
    size = _megabytes(docs)
    print(
        f"  {label}: without {off * 1000:7.1f} ms ({size / off:6.1f} MB/s), "
        f"with {on * 1000:7.1f} ms ({size / on:6.1f} MB/s): {(on - off) / off:+.1%}"
    )


def bench_overhead(docs: list[str], rounds: int) -> None:
    size = _megabytes(docs)
    print(
        f"clean corpus: {len(docs)} documents, {size:.2f} MB, best of {rounds} interleaved rounds"
    )
    print(f"scan time added by {RULE} (limit +20%)")
    _overhead(docs, rounds, "all registered rules", None)
    # A lean, stable baseline: the two fast punctuation rules only.
    _overhead(docs, rounds, "punctuation rules only", ["stray-comma", "halfwidth-punctuation"])


def bench_rule_alone(docs: list[str], rounds: int) -> None:
    def rule_only(text: str) -> None:
        list(annotation.check_pinyin_annotation(Document(text)))

    no_parens = [
        text.replace("(", "").replace(")", "").replace("（", "").replace("）", "") for text in docs
    ]
    for label, sample in (("clean corpus", docs), ("without parentheses", no_parens)):
        best = min(_clock(rule_only, sample) for _ in range(rounds))  # least disturbed
        size = _megabytes(sample)
        print(f"  {RULE} alone, {label:20} {best * 1000:7.2f} ms  {size / best:8.1f} MB/s")
        if label == "clean corpus":
            budget = size / TARGET_MB_S
            print(
                f"    = {best / budget:.1%} of a whole scan at the project target of "
                f"{TARGET_MB_S} MB/s ({budget * 1000:.0f} ms)"
            )


def bench_loading() -> None:
    pinyin.syllable_inventory.cache_clear()
    pinyin.readings_table.cache_clear()
    start = time.process_time()
    pinyin.syllable_inventory()
    middle = time.process_time()
    pinyin.readings_table()
    end = time.process_time()
    print(
        f"  data loading (once, lazily): inventory {(middle - start) * 1000:.2f} ms, "
        f"readings table {(end - middle) * 1000:.2f} ms"
    )


def bench_seeds() -> None:
    texts = [path.read_text(encoding="utf-8") for path in SEEDS]
    size = _megabytes(texts)
    start = time.process_time()
    found = sum(len(scan_text(text, select=[RULE])) for text in texts)
    middle = time.process_time()
    for text in texts:
        repair_text(text, select=[RULE])
    end = time.process_time()
    print(
        f"annotated seeds 000-003 ({size * 1000:.1f} kB): {found} findings, "
        f"scan {(middle - start) * 1000:.1f} ms, repair {(end - middle) * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    docs = [path.read_text(encoding="utf-8") for path in CORPUS]
    bench_overhead(docs, args.rounds)
    bench_rule_alone(docs, args.rounds)
    bench_loading()
    bench_seeds()


if __name__ == "__main__":
    main()
