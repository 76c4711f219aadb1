"""Exact-document repair rates for pinyin annotations, stray commas and flattened
punctuation, alone and stacked, on damaged real documents of seven genres.

Damage comes from ``tests/damage_artifacts.py`` (pypinyin phrase-mode readings at varied
rates, character sets, tone styles and brackets; NFKC and width folding; stray commas),
on the development corpus grouped by genre and on public-domain fiction
(``tests/data/fiction``). A document counts as repaired when the
default (safe) repair gives back exactly the expected text; the same documents
undamaged must come back unchanged.

Run: ``python benchmarks/bench_artifact_repair.py [--per-genre N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import pathlib
import random
import sys
import time
from collections import defaultdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from damage_artifacts import (  # noqa: E402
    GENRES,
    damaged_variants,
    genre_documents,
    gloss,
    gloss_polyphones,
    writes_ascii_marks_in_chinese,
)

from cnfix import repair_text  # noqa: E402

#: Damages that flatten the document.
FLATTENED = ("flattened", "stray commas + flattened", "stacked (all three)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-genre", type=int, default=12)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--show", type=int, default=0, help="print this many failures")
    args = parser.parse_args()
    documents = genre_documents(args.per_genre)
    exact: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    clean_changed = 0
    ambiguous = 0
    glosses = glosses_removed = 0
    shown = 0
    started = time.process_time()
    for index, (genre, name, kind, text) in enumerate(documents):
        if repair_text(text, kind=kind).text != text:
            clean_changed += 1
            print(f"clean document changed: {name}")
        for glossing in (gloss, gloss_polyphones):
            glossed = glossing(text, kind)
            glosses += glossed.count("（") - text.count("（")
            repaired = repair_text(glossed, kind=kind).text
            glosses_removed += glossed.count("（") - repaired.count("（")
        rng = random.Random(args.seed * 1000 + index)
        mixed = writes_ascii_marks_in_chinese(text, kind)
        ambiguous += mixed
        for damage, (damaged, expected, label) in damaged_variants(text, kind, name, rng).items():
            if mixed and damage in FLATTENED:
                continue
            got = repair_text(damaged, kind=kind).text
            cell = exact[damage, genre]
            cell[0] += got == expected
            cell[1] += 1
            if got != expected and shown < args.show:
                shown += 1
                _show_difference(name, damage, label, got, expected)
    seconds = time.process_time() - started
    damages = sorted({damage for damage, _ in exact})
    print(
        f"{len(documents)} documents, {seconds:.1f} s CPU; clean documents changed: {clean_changed}"
    )
    print(
        "glossed editions of the same documents (tests/damage_artifacts.py gloss, rare "
        "characters; gloss_polyphones, common characters in their less common reading): "
        f"{glosses} glosses, {glosses_removed} removed"
    )
    print(
        f"left out of the flattened rows: {ambiguous} documents that write ASCII marks next "
        "to Chinese themselves (no repair can tell those from flattened ones)"
    )
    header = "| damage | " + " | ".join(GENRES) + " | all |"
    print(header)
    print("|" + "---|" * (len(GENRES) + 2))
    for damage in damages:
        cells = []
        total = [0, 0]
        for genre in GENRES:
            good, count = exact[damage, genre]
            total[0] += good
            total[1] += count
            cells.append(f"{good}/{count}")
        rate = total[0] / total[1] if total[1] else 0.0
        print(f"| {damage} | " + " | ".join(cells) + f" | {rate:.1%} |")


def _show_difference(name: str, damage: str, label: str, got: str, expected: str) -> None:
    at = next((i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b), None)
    if at is None:
        at = min(len(got), len(expected))
    print(f"--- {name} {damage} {label} at {at}")
    print(f"  got:      {got[max(0, at - 30) : at + 30]!r}")
    print(f"  expected: {expected[max(0, at - 30) : at + 30]!r}")


if __name__ == "__main__":
    main()
