"""Benchmark of the ``mixed-script`` rule on real clean text and the same text with flips.

Documents: excerpts of the development corpus (``tests/data/corpus``: 200 Simplified, 200
Traditional documents, Taiwan and Hong Kong usage included), cut at a line start to
exactly 200, 1,000 or 5,000 characters (consecutive documents of one script are joined
with a blank line where one is too short).

For each excerpt:

* clean: any finding of ``mixed-script`` (``--to auto``) is a false positive;
* flipped: a share of its Han characters is turned into the other script the way a
  converter would write them (OpenCC ``t2s`` for Traditional text, ``s2tw`` for Simplified:
  only characters that the conversion changes can be flipped, and not into a form that
  Traditional text accepts, such as 台 for 臺 or 了解 for 瞭解). *Recall*: the excerpt gets
  at least one finding. *Restored*: share of flipped characters that ``repair --to auto``
  turns back into exactly the original character (safe fixes only, and with
  ``--unsafe-fixes``); *collateral*: characters changed that were not flipped, per
  flipped character (all rates together).

Usage: ``python benchmarks/bench_script.py [--sizes 200 1000 5000] [--rates 0.01 0.02 0.05]``
Prints a Markdown table. ``--misses RATE`` prints instead, for the Traditional excerpts
of the first size flipped at ``RATE`` (one of ``--rates``: the same flips as the table's
column), every flipped character not restored by the safe fixes, grouped:
*undetected* (no finding), *needs review* (an unsafe fix restores it), *wrong safe* (a
safe fix writes another character: the worst case), *wrong unsafe* (only the unsafe fix
does, or another fix than the one at this position), with examples.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from cnfix import repair_text, scan_text
from cnfix.adapters.opencc import convert
from cnfix.rules.script.tables import usage
from cnfix.text.chars import HAN_RE

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus"
FLIP = {"hant": "t2s", "hans": "s2tw"}


def excerpts(script: str, size: int) -> list[str]:
    """One excerpt of ``size`` characters per corpus document (or run of documents)."""
    docs = [path.read_text(encoding="utf-8") for path in sorted((CORPUS / script).glob("*.txt"))]
    found = []
    for index in range(len(docs)):
        text = docs[index]
        following = index + 1
        while len(text) < size and following < len(docs):
            text += "\n" + docs[following]
            following += 1
        if len(text) < size:
            break
        found.append(text[:size])
    return found


def flip(text: str, script: str, rate: float, rng: random.Random) -> tuple[str, list[int]]:
    """``text`` with ``rate`` of its Han characters turned into the other script."""
    converted = convert(text, FLIP[script])
    if len(converted) != len(text):
        return text, []
    accepted = usage().accepted_words if script == "hant" else ()
    flippable = [
        i
        for i, (a, b) in enumerate(zip(text, converted, strict=True))
        if a != b
        and not (script == "hant" and b in usage().accepted_chars)
        and not any(  # flipped into a word the script accepts (瞭解 → 了解)
            word in converted[max(0, i - len(word) + 1) : i + len(word)] for word in accepted
        )
    ]
    wanted = math.ceil(rate * len(HAN_RE.findall(text)))
    chosen = sorted(rng.sample(flippable, min(wanted, len(flippable))))
    chars = list(text)
    for i in chosen:
        chars[i] = converted[i]
    return "".join(chars), chosen


@dataclass
class Row:
    size: int
    script: str
    docs: int = 0
    false_positives: int = 0
    detected: dict[float, int] = field(default_factory=dict)
    flipped: dict[float, int] = field(default_factory=dict)
    restored_safe: dict[float, int] = field(default_factory=dict)
    restored_unsafe: dict[float, int] = field(default_factory=dict)
    #: characters changed that were not flipped: safe fixes only, and with unsafe ones
    collateral_safe: int = 0
    collateral_unsafe: int = 0


def measure(size: int, script: str, rates: list[float], seed: int) -> Row:
    row = Row(size, script)
    rng = random.Random(seed)
    select = ["mixed-script"]
    for text in excerpts(script, size):
        row.docs += 1
        if scan_text(text, select=select):
            row.false_positives += 1
        for rate in rates:
            damaged, positions = flip(text, script, rate, rng)
            row.flipped[rate] = row.flipped.get(rate, 0) + len(positions)
            found = bool(positions) and bool(scan_text(damaged, select=select))
            row.detected[rate] = row.detected.get(rate, 0) + found
            flipped = set(positions)
            for unsafe, restored in ((False, row.restored_safe), (True, row.restored_unsafe)):
                result = repair_text(damaged, select=select, unsafe_fixes=unsafe).text
                good = sum(result[i] == text[i] for i in positions)
                restored[rate] = restored.get(rate, 0) + good
                extra = sum(
                    1
                    for i, (a, b) in enumerate(zip(damaged, result, strict=True))
                    if a != b and i not in flipped
                )
                if unsafe:
                    row.collateral_unsafe += extra
                else:
                    row.collateral_safe += extra
    return row


def misses(size: int, rates: list[float], rate: float, seed: int) -> None:
    """The flips in Traditional excerpts that safe fixes do not restore, grouped."""
    rng = random.Random(seed)
    select = ["mixed-script"]
    counts: Counter[tuple[str, str, str, str]] = Counter()
    examples: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    flipped = 0
    for text, drawn in ((text, r) for text in excerpts("hant", size) for r in rates):
        damaged, positions = flip(text, "hant", drawn, rng)  # drawn as measure() draws
        if drawn != rate:
            continue
        flipped += len(positions)
        safe = repair_text(damaged, select=select).text
        unsafe = repair_text(damaged, select=select, unsafe_fixes=True).text
        for i in positions:
            if safe[i] == text[i]:
                continue
            kind = (
                "undetected"
                if unsafe[i] == damaged[i]
                else "needs review"
                if unsafe[i] == text[i]
                else "wrong safe"
                if safe[i] != damaged[i]
                else "wrong unsafe"
            )
            key = (kind, damaged[i], text[i], unsafe[i])
            counts[key] += 1
            context = damaged[max(0, i - 4) : i] + f"[{damaged[i]}]" + damaged[i + 1 : i + 5]
            examples[key].append(context.replace("\n", " "))
    total = sum(counts.values())
    print(f"{total} of {flipped} flips not restored by safe fixes ({size} chars, {rate:.0%})")
    by_kind: Counter[str] = Counter()
    for (kind, *_), n in counts.items():
        by_kind[kind] += n
    print(", ".join(f"{kind}: {n}" for kind, n in by_kind.most_common()))
    for (kind, damaged_char, original, unsafe_char), n in counts.most_common():
        shown = " | ".join(examples[kind, damaged_char, original, unsafe_char][:3])
        print(f"{n:4} {kind:12} {damaged_char}→{original} (unsafe: {unsafe_char})  {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 5000])
    parser.add_argument("--rates", type=float, nargs="+", default=[0.01, 0.02, 0.05])
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--misses", type=float, metavar="RATE", help="list what is not restored")
    args = parser.parse_args()
    if args.misses is not None:
        if args.misses not in args.rates:
            parser.error("--misses RATE must be one of --rates")
        misses(args.sizes[0], args.rates, args.misses, args.seed)
        return
    started = time.perf_counter()
    rates = args.rates
    header = ["size", "script", "docs", "FP clean"]
    header += [f"recall {r:.0%}" for r in rates]
    header += [f"restored {r:.0%} safe / +unsafe" for r in rates]
    header += ["collateral safe / +unsafe"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for size in args.sizes:
        for script in ("hans", "hant"):
            row = measure(size, script, rates, args.seed)
            if not row.docs:
                continue
            cells = [str(size), script, str(row.docs), f"{row.false_positives / row.docs:.1%}"]
            cells += [f"{row.detected[r] / row.docs:.1%}" for r in rates]
            for r in rates:
                flipped = row.flipped[r] or 1
                safe, unsafe = row.restored_safe[r] / flipped, row.restored_unsafe[r] / flipped
                cells.append(f"{safe:.1%} / {unsafe:.1%} (of {row.flipped[r]})")
            changed = sum(row.flipped.values())
            cells.append(
                f"{row.collateral_safe / changed:.2%} / {row.collateral_unsafe / changed:.2%}"
            )
            print("| " + " | ".join(cells) + " |", flush=True)
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
