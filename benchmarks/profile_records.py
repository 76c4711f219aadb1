"""What a JSON Lines record costs: CPU time per rule on records and on the same texts joined.

    python benchmarks/profile_records.py [FILE] [--field text] [--repeat 3]

FILE (default: ``benchmarks/.corpus/records-damaged.jsonl``, built by ``run.py``) is
repaired block by block as ``repair --jsonl -q -o`` repairs it in one process
(``process_block``: brief, the fixes counted, the lines of the findings left made), each
rule's check (and bulk edits) timed and split into the checks that found nothing and
those that found something; "the rest" is the engine, the JSON and the report lines.
The field's values are then joined with blank lines and repaired as one document: a
record pays each rule's per-document costs once per record, and a text judged whole
(``pinyin-annotation``'s evidence, ``mixed-script``'s verdict) is repaired differently,
so the joined run is a yardstick, not the same work. The first run loads what rules
load on first use; the fastest of ``--repeat`` runs is printed. Say how often the
file repeats its texts (memos are warm on a repeat: ``run.py``'s damaged records are
the corpus's paragraphs over and over).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import replace
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT / "benchmarks" / ".corpus" / "records-damaged.jsonl"
    parser.add_argument("file", nargs="?", type=Path, default=default)
    parser.add_argument("--field", default="text", help="the field repaired (default: text)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the fastest counts)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from cnfix.app.json_fields import parse_field_path
    from cnfix.app.jsonl import process_block, read_blocks
    from cnfix.app.runner import RunOptions
    from cnfix.cli.repair_command import left_lines
    from cnfix.engine import repair_document
    from cnfix.model import Document
    from cnfix.rules import BULK, RULES

    path = parse_field_path(args.field)
    with args.file.open("rb") as stream:
        blocks = list(read_blocks(stream))
    bulk_of = dict(BULK)
    spent: dict[tuple[str, bool], float] = defaultdict(float)
    calls: dict[tuple[str, bool], int] = defaultdict(int)

    def timed(rule, work, found):  # type: ignore[no-untyped-def]
        def run(doc: Document):  # type: ignore[no-untyped-def]
            start = time.process_time()
            result = work(doc)
            key = (rule.name, bool(found(result)))
            spent[key] += time.process_time() - start
            calls[key] += 1
            return result

        return run

    def timed_rule(rule):  # type: ignore[no-untyped-def]
        check = timed(rule, lambda doc: list(rule.check(doc)), bool)
        if rule.check in bulk_of:  # the engine asks the timed check's bulk, timed too
            BULK[check] = timed(rule, bulk_of[rule.check], lambda bulk: bulk[1] or bulk[2])
        return replace(rule, check=check)

    rules = tuple(timed_rule(rule) for rule in RULES)
    made = partial(left_lines, unsafe_fixes=False, asked=False)
    options = RunOptions(
        rules=rules, repair=True, write=True, brief=True, left_lines=made, defer_applied=True
    )

    def best_of(work):  # type: ignore[no-untyped-def]
        work()  # first use, outside the clock
        best: tuple[float, dict, dict] | None = None
        for _ in range(args.repeat):
            spent.clear()
            calls.clear()
            start = time.process_time()
            work()
            total = time.process_time() - start
            if best is None or total < best[0]:
                best = (total, dict(spent), dict(calls))
        assert best is not None
        return best

    records = best_of(lambda: [process_block(block, path, options) for block in blocks])
    values = [value for block in blocks for value in _values(block[1], path)]
    joined = "\n\n".join(values)
    whole = best_of(lambda: repair_document(Document(joined), rules, defer_applied=True))
    megabytes = sum(len(block[1]) for block in blocks) / 2**20
    print(
        f"{args.file.name}: {megabytes:.2f} MB, {len(values)} records "
        f"({len(set(values))} distinct texts); best of {args.repeat}, CPU"
    )
    print(f"records one by one: {records[0] * 1000:.0f} ms; joined: {whole[0] * 1000:.0f} ms")
    print("| rule | nothing found: checks, ms | found: checks, ms | joined, ms |")
    print("|---|---:|---:|---:|")
    for rule in RULES:
        empty, found = (rule.name, False), (rule.name, True)
        cells = [
            f"{records[2].get(key, 0)}, {records[1].get(key, 0) * 1000:.0f}"
            for key in (empty, found)
        ]
        joined_ms = (whole[1].get(empty, 0) + whole[1].get(found, 0)) * 1000
        print(f"| {rule.name} | {cells[0]} | {cells[1]} | {joined_ms:.0f} |")
    rest = records[0] - sum(records[1].values())
    print(f"| the rest (engine, JSON, report lines) | {rest * 1000:.0f} | | ")


def _values(block: bytes, path: tuple[str, ...]) -> list[str]:
    """The string values at ``path`` of the records of ``block``."""
    values = []
    for line in block.split(b"\n"):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        for key in path:
            if isinstance(record, list) and key.isdigit() and int(key) < len(record):
                record = record[int(key)]
            elif isinstance(record, dict):
                record = record.get(key)
        if isinstance(record, str):
            values.append(record)
    return values


if __name__ == "__main__":
    main()
