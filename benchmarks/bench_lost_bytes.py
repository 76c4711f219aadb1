"""Measure lossy damage families and the clean sets (issue 15).

For each lossy family of ``tests/damage.py`` (``LOSSY_FAMILIES``: UTF-8 read as Windows
cp936 with ``€`` and ``?``, UTF-8 read as GBK with U+FFFD, a byte lost in GBK or Big5,
GB2312 reading, lines cut before their last byte) and each damage size: recall (a
mojibake or lost-bytes finding overlaps the damage), exact repair (safe fixes give
back the clean text byte for byte), near repair (a repair that gives back all but
one character) and restored (the share of the characters the damage took, within the
damaged span, that the repair gives back), the safe fixes applied and the places
where one wrote a character that is not the clean text's (U+FFFD for a lost character
is not counted: it claims nothing).
Then, for each clean set of ``tests/data/clean``: findings of the two rules, documents
changed by a repair (safe, and with unsafe fixes) and scan speed.

Run: ``python benchmarks/bench_lost_bytes.py [--limit N] [--skip-clean] [--unsafe-fixes]``
(``--unsafe-fixes``: what the rules offer, not only what they apply safely).
"""

from __future__ import annotations

import argparse
import difflib
import pathlib
import random
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from damage import CLEAN_SETS, LOSSY_FAMILIES, corpus, lossy_span, read_clean_set  # noqa: E402

from cnfix import repair_text, scan_text  # noqa: E402

RULES = ["mojibake", "lost-bytes"]


def _near(repaired: str, clean: str) -> bool:
    """All of ``clean`` given back but for at most one character."""
    if len(repaired) != len(clean):
        return False
    return sum(a != b for a, b in zip(repaired, clean, strict=True)) <= 1


def _matched(a: str, b: str) -> int:
    return sum(
        block.size for block in difflib.SequenceMatcher(None, a, b, False).get_matching_blocks()
    )


def _restored(damaged: str, repaired: str, clean: str) -> float:
    """Share of the characters the damage took from ``clean`` that the repair gave back."""
    before = _matched(damaged, clean)
    lost = len(clean) - before
    return (_matched(repaired, clean) - before) / lost if lost else 1.0


def _opcode_targets(a: str, b: str) -> set[int]:
    """Positions in ``b`` that ``a`` → ``b`` wrote (replaced or inserted)."""
    matcher = difflib.SequenceMatcher(None, a, b, False)
    return {
        j for tag, _, _, j1, j2 in matcher.get_opcodes() if tag != "equal" for j in range(j1, j2)
    }


def _wrong_places(damaged: str, repaired: str, clean: str) -> int:
    """How many runs of characters the repair wrote that are not the clean text's (a
    U+FFFD placeholder for a lost character is not wrong: it claims nothing; nor is a
    character of the damage left where it was, which the alignment may call written)."""
    written = _opcode_targets(damaged, repaired)
    unmatched = _opcode_targets(clean, repaired)
    left = set(damaged) | {"\ufffd"}
    wrong = sorted(j for j in written & unmatched if repaired[j] not in left)
    return sum(1 for i, j in enumerate(wrong) if i == 0 or wrong[i - 1] != j - 1)


def _show_wrong(repaired: str, clean: str) -> None:
    """Print each place where ``repaired`` differs from ``clean``."""
    matcher = difflib.SequenceMatcher(None, repaired, clean, False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            print(
                f"   {repaired[max(0, i1 - 4) : i2 + 4]!r} for {clean[max(0, j1 - 4) : j2 + 4]!r}"
            )


def bench_lossy(
    docs,
    limit: int,
    families: list[str],
    show_wrong: bool,
    unsafe: bool = False,
    script: str | None = None,
) -> None:
    print(
        f"{'family':24} {'size':10} {'n':>4} {'recall':>7} {'exact':>7} {'near':>7} {'restored':>8}"
        f" {'fixed':>5} {'wrong':>5}"
    )
    total_fixed = total_wrong = 0
    for family, (_, scripts) in LOSSY_FAMILIES.items():
        if families and family not in families:
            continue
        pool = [
            text
            for name, text in docs
            if name.split("/")[0] in scripts and script in (None, name.split("/")[0])
        ]
        for size in ("whole", "paragraph", "sentence"):
            rng = random.Random(f"{family}/{size}")
            n = hit = exact = near = fixed = wrong = 0
            restored = 0.0
            for text in pool:
                if n >= limit:
                    break
                made = lossy_span(text, family, rng, size)
                if made is None:
                    continue
                damaged, start, end = made
                n += 1
                findings = scan_text(damaged, select=RULES)
                hit += any(f.start < end and start < f.end for f in findings)
                result = repair_text(damaged, select=RULES, unsafe_fixes=unsafe)
                repaired = result.text
                exact += repaired == text
                near += repaired != damaged and _near(repaired, text)
                window = slice(max(0, start - 5), end + 5)
                clean_window = slice(max(0, start - 5), end + 5 + len(text) - len(damaged))
                repaired_window = slice(max(0, start - 5), end + 5 + len(repaired) - len(damaged))
                restored += _restored(
                    damaged[window], repaired[repaired_window], text[clean_window]
                )
                if repaired != damaged:
                    fixed += len(result.applied)
                    bad = _wrong_places(
                        damaged[window], repaired[repaired_window], text[clean_window]
                    )
                    wrong += bad
                    if bad and show_wrong:
                        _show_wrong(repaired[repaired_window], text[clean_window])
            total_fixed += fixed
            total_wrong += wrong
            if n:
                print(
                    f"{family:24} {size:10} {n:4d} {hit / n:7.1%} {exact / n:7.1%} {near / n:7.1%}"
                    f" {restored / n:8.1%} {fixed:5d} {wrong:5d}"
                )
    print(
        f"safe fixes applied: {total_fixed}; "
        f"places where one wrote a wrong character: {total_wrong}"
    )


def bench_clean_sets() -> None:
    print(
        f"{'clean set':10} {'docs':>5} {'MB':>5} {'findings':>8} {'changed':>7} "
        f"{'unsafe':>6} {'MB/s':>5}"
    )
    for name in CLEAN_SETS:
        kind = "markdown" if name == "technical" else "text"
        documents = read_clean_set(name)
        size = sum(len(d.encode("utf-8")) for d in documents) / 1e6
        begin = time.perf_counter()
        findings = [f for d in documents for f in scan_text(d, select=RULES, kind=kind)]
        elapsed = time.perf_counter() - begin
        changed = sum(repair_text(d, select=RULES, kind=kind).text != d for d in documents)
        unsafe = sum(
            repair_text(d, select=RULES, kind=kind, unsafe_fixes=True).text != d for d in documents
        )
        print(
            f"{name:10} {len(documents):5d} {size:5.2f} {len(findings):8d} {changed:7d} "
            f"{unsafe:6d} {size / elapsed:5.1f}"
        )
        for finding in findings[:3]:
            print(f"    {finding.rule}: {finding.message[:90]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=100, help="documents per family and size")
    parser.add_argument("--skip-clean", action="store_true")
    parser.add_argument("--family", action="append", default=[], help="only these families")
    parser.add_argument("--show-wrong", action="store_true", help="print each wrong repair")
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="apply the unsafe fixes too (what is offered)"
    )
    parser.add_argument(
        "--script",
        choices=["hans", "hant"],
        help="only the corpus documents of this script (a family of both takes the "
        "Simplified ones first, and --limit may stop before the Traditional ones)",
    )
    args = parser.parse_args()
    bench_lossy(corpus(), args.limit, args.family, args.show_wrong, args.unsafe_fixes, args.script)
    if not args.skip_clean:
        bench_clean_sets()


if __name__ == "__main__":
    main()
