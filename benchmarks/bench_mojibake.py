"""Measure the mojibake and lost-bytes rules and encoding detection on the corpus.

For each recoverable family (see ``tests/damage.py``) and each damage size (whole
document, one paragraph, one sentence): detection recall (a mojibake finding
overlaps the garbled span) and exact-repair rate (safe fixes only give back the
clean document byte for byte). Then false positives on the clean corpus, lost-bytes
reporting, whole-file detection accuracy and scan throughput.

Run: ``python benchmarks/bench_mojibake.py [--limit N]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import pathlib
import random
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from damage import FAMILIES, corpus, damage_span, lossy_gb2312, placeholder  # noqa: E402

from cnfix import repair_text, scan_text  # noqa: E402
from cnfix.io.decode import decode_bytes  # noqa: E402
from cnfix.io.detect import detect_encoding  # noqa: E402
from cnfix.rules.encoding import MIN_REWRITE_CONFIDENCE  # noqa: E402

RULES = ["mojibake", "lost-bytes"]


def _overlaps(findings, start: int, end: int, rule: str) -> bool:
    return any(f.rule == rule and f.start < end and start < f.end for f in findings)


def bench_families(docs, limit: int) -> None:
    print(f"{'family':28} {'size':10} {'n':>4} {'recall':>8} {'exact':>8}")
    for family, (damage, scripts) in FAMILIES.items():
        pool = [(name, text) for name, text in docs if name.split("/")[0] in scripts]
        for size in ("whole", "paragraph", "sentence"):
            rng = random.Random(f"{family}/{size}")
            n = hit = exact = 0
            for _, text in pool:
                if n >= limit:
                    break
                if size == "whole":
                    garbled = damage(text)
                    if garbled is None:
                        continue
                    damaged, start, end = garbled, 0, len(garbled)
                else:
                    made = damage_span(text, family, rng, size)
                    if made is None:
                        continue
                    damaged, start, end = made
                n += 1
                findings = scan_text(damaged, select=["mojibake"])
                hit += _overlaps(findings, start, end, "mojibake")
                exact += repair_text(damaged, select=["mojibake"]).text == text
            if n:
                print(f"{family:28} {size:10} {n:4d} {hit / n:8.1%} {exact / n:8.1%}")


def bench_clean(docs) -> None:
    flagged = changed = 0
    examples = []
    for name, text in docs:
        findings = scan_text(text, select=RULES)
        if findings:
            flagged += 1
            examples.append((name, findings[0]))
        changed += repair_text(text, select=RULES, unsafe_fixes=True).text != text
    print(f"clean docs: {len(docs)}, with a finding: {flagged}, changed (even unsafe): {changed}")
    for name, finding in examples[:5]:
        print(f"  {name}: {finding.start}-{finding.end} {finding.message}")


def bench_lost(docs, limit: int) -> None:
    """Every placeholder and every ``?``/U+FFFD left by a GB2312 decoder must be inside
    a lost-bytes finding."""
    rng = random.Random("lost")
    totals: dict[str, list[int]] = {}
    for _, text in docs:
        if "?" in text or "\ufffd" in text:
            continue
        made = {
            "placeholder": (placeholder(text, rng), "锟\ufffd烫屯"),
            "gb2312 -> ?": (lossy_gb2312(text, "?"), "?"),
            "gb2312 -> U+FFFD": (lossy_gb2312(text, "\ufffd"), "\ufffd"),
        }
        for kind, (damaged, marks) in made.items():
            positions = [i for i, c in enumerate(damaged) if c in marks]
            if not positions:
                continue
            total = totals.setdefault(kind, [0, 0, 0])
            if total[0] >= limit:
                continue
            findings = scan_text(damaged, select=["lost-bytes"])
            covered = sum(any(f.start <= p < f.end for f in findings) for p in positions)
            total[0] += 1
            total[1] += len(positions)
            total[2] += covered
    for kind, (n, marks, covered) in totals.items():
        print(
            f"lost bytes {kind:18}: {n} docs, {covered}/{marks} marks reported "
            f"({covered / marks:.1%})"
        )


#: The Chinese encodings charset-normalizer is limited to in the comparison column.
CHARSET_NORMALIZER_CANDIDATES = ["gb18030", "big5", "cp950", "utf_16_le", "utf_16_be", "utf_16"]


def _charset_normalizer_text(data: bytes) -> str | None:
    """charset-normalizer's reading of ``data`` among Chinese encodings (None when it
    is not installed or finds none): the comparison behind cnfix's own detector."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return None
    best = from_bytes(data, cp_isolation=CHARSET_NORMALIZER_CANDIDATES).best()
    return None if best is None else str(best)


def bench_detect(docs, limit: int) -> None:
    rng = random.Random("detect")
    compared = importlib.util.find_spec("charset_normalizer") is not None
    codecs = {
        "gbk": ("hans",),
        "gb18030": ("hans", "hant"),
        "big5": ("hant",),
        "utf-16-le": ("hans", "hant"),
        "utf-16-be": ("hans", "hant"),
        "utf-16": ("hans", "hant"),
    }
    print(
        f"{'file encoding':14} {'bytes':>9} {'n':>5} {'right':>7} "
        f"{'rewrite ok':>10} {'rewrite wrong':>13} {'charset-normalizer':>18}"
    )
    for codec, scripts in codecs.items():
        for low, high in ((20, 60), (60, 400), (400, 4000)):
            n = right = trusted = wrong_trusted = theirs = 0
            pool = [t for name, t in docs if name.split("/")[0] in scripts]
            for text in pool[:limit]:
                for _ in range(3):
                    start = rng.randrange(max(1, len(text) - 10))
                    chunk = text[start : start + rng.randint(low, high) // 2]
                    try:
                        data = chunk.encode(codec)
                    except UnicodeEncodeError:
                        continue
                    if len(data) < low or len(data) > high:
                        continue
                    theirs += _charset_normalizer_text(data) == chunk
                    try:
                        decoded = decode_bytes(data)
                    except Exception:
                        n += 1
                        continue
                    n += 1
                    ok = decoded.text == chunk
                    right += ok
                    if decoded.confidence >= MIN_REWRITE_CONFIDENCE:
                        trusted += ok
                        wrong_trusted += not ok
            if n:
                print(
                    f"{codec:14} {low:4d}-{high:<4d} {n:5d} {right / n:7.1%} "
                    f"{trusted / n:10.1%} {wrong_trusted:13d} "
                    f"{f'{theirs / n:.1%}' if compared else 'not installed':>18}"
                )
    short = [detect_encoding(t[:4].encode("gbk", "ignore")) for _, t in docs[:50]]
    low = sum(1 for d in short if d is None or d[1] < MIN_REWRITE_CONFIDENCE)
    print(f"short GBK input (<= 8 bytes): low confidence in {low}/{len(short)}")


def bench_speed(docs) -> None:
    text = "\n".join(t for _, t in docs)
    size = len(text.encode("utf-8"))
    scan_text(text[:1000], select=RULES)
    begin = time.perf_counter()
    scan_text(text, select=RULES)
    elapsed = time.perf_counter() - begin
    print(
        f"scan speed (mojibake + lost-bytes, clean corpus {size / 1e6:.1f} MB): "
        f"{size / 1e6 / elapsed:.1f} MB/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=100, help="documents per family and size")
    args = parser.parse_args()
    docs = corpus()
    bench_families(docs, args.limit)
    bench_clean(docs)
    bench_lost(docs, args.limit)
    bench_detect(docs, args.limit)
    bench_speed(docs)


if __name__ == "__main__":
    main()
