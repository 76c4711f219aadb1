"""Where a repair spends its time: CPU time per rule, in applying fixes and in the engine.

    python benchmarks/profile_repair.py                  # the seeds joined, 12 times
    python benchmarks/profile_repair.py FILE [--repeat 3] [--passes]   # --passes: per pass
    python benchmarks/profile_repair.py --defer   # as `repair -q -o`: findings not built

The text is repaired once to load what the rules load on first use, then ``--repeat``
times with each rule's check timed; the fastest run is printed. Memos that a rule keeps
across texts are warm after the first run, which flatters a text that repeats itself
(the seeds joined 12 times do): ``benchmarks/run.py`` also times damage made afresh.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help="text to repair (default: seeds x12)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the fastest counts)")
    parser.add_argument(
        "--passes", action="store_true", help="each rule's time in each pass of the repair"
    )
    parser.add_argument(
        "--defer",
        action="store_true",
        help="the repair `repair -q -o` runs (defer_applied: bulk rules make bare edits)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    import cnfix.engine as engine
    from cnfix.model import Document
    from cnfix.rules import BULK, RULES

    if args.file:
        text = args.file.read_text(encoding="utf-8")
    else:
        seeds = sorted((ROOT / "seeds").glob("*.txt"))
        text = "".join(path.read_text(encoding="utf-8") for path in seeds) * 12
    engine.repair_document(Document(text))  # first-use loading, outside the clock
    bulk_of = dict(BULK)

    spent: dict[str, float] = defaultdict(float)

    checks: dict[str, int] = defaultdict(int)  # per rule: the pass is its number of checks

    def timed(rule, work):  # type: ignore[no-untyped-def]
        def run(doc: Document):  # type: ignore[no-untyped-def]
            checks[rule.name] += 1
            start = time.process_time()
            found = work(doc)
            name = f"{rule.name}, pass {checks[rule.name]}" if args.passes else rule.name
            spent[name] += time.process_time() - start
            return found

        return run

    def timed_rule(rule):  # type: ignore[no-untyped-def]
        timed_check = timed(rule, lambda doc: list(rule.check(doc)))
        if rule.check in bulk_of:  # the engine asks the timed check's bulk, timed too
            BULK[timed_check] = timed(rule, bulk_of[rule.check])
        return replace(rule, check=timed_check)

    def timed_apply(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.process_time()
        result = apply(*args, **kwargs)
        spent["(applying fixes)"] += time.process_time() - start
        return result

    rules = [timed_rule(rule) for rule in RULES]
    apply = engine._apply
    engine._apply = timed_apply  # type: ignore[assignment]
    best: tuple[float, dict[str, float]] | None = None
    for _ in range(args.repeat):
        spent.clear()
        checks.clear()
        start = time.process_time()
        engine.repair_document(Document(text), rules, defer_applied=args.defer)
        total = time.process_time() - start
        if best is None or total < best[0]:
            best = (total, dict(spent))
    assert best is not None
    total, parts = best
    megabytes = len(text.encode("utf-8")) / 2**20
    print(f"{megabytes:.2f} MB repaired in {total * 1000:.0f} ms: {megabytes / total:.2f} MB/s")
    for name, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"  {name:32} {seconds * 1000:7.1f} ms")
    print(f"  {'(engine, the rest)':32} {(total - sum(parts.values())) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
