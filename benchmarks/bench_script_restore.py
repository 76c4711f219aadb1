"""Restoration benchmark of ``mixed-script``: flipped characters back, good ones untouched.

Reference documents: the development corpus (``tests/data/corpus``: Traditional documents
of Taiwan and Hong Kong usage, and Simplified ones), or every ``*.txt`` of ``--dir``
(``--script`` names their script). Each document gets 1, 2 and 5 % of its Han characters
flipped into the other script's real forms, as a converter writes them (OpenCC ``t2s`` for
Traditional text, ``s2tw`` for Simplified; this includes characters valid in both scripts:
後 → 后, 於 → 于, 裡 → 里, 隻 → 只), never into a form the other script accepts (台 for 臺).

Side by side, in the same run, on the same damaged documents:

* ``auto``: ``cnfix repair --to auto`` (safe fixes only);
* ``auto+unsafe``: the same with ``--unsafe-fixes``;
* ``--to``: the script named (``hant``/``hans``), safe fixes;
* ``opencc``: OpenCC's whole-document conversion into the script (``s2tw`` / ``t2s``).

*Restored*: share of flipped characters turned back into exactly the original one.
*Damaged /10k*: characters that differ from the original after the repair and did not
before, plus flipped characters written as a third character, per 10,000 Han characters.
Not a character of the other script in the original itself (a Simplified-only 踪 in a
Traditional document, 追踪 for 追蹤) that the repair converts: the reference's own error,
counted apart; the number in parentheses counts it as damage too.
*Docs right*: share of documents exactly equal to the original after the repair.
*Left*: characters of the other script (Simplified-only in Traditional documents) left
after the repair, beyond those the original holds.

Held out: ``--cut NAME`` takes instead the documents of a clean set of the rule
(``tests/data/script_clean/NAME.txt.xz``: ``taiwan``, ``hong_kong``), none of which is in
the corpus, cut at line ends into pieces of up to ``CUT_SIZE`` characters (a longer line
is a piece of its own; short documents join their neighbours); ``--part`` keeps one half:
``dev`` the even-numbered documents of the set, ``held-out`` the odd-numbered ones (a set
of one document, such as ``taiwan``, alternates its pieces). Tune on ``dev``; report
``held-out`` beside it.

Usage: ``python benchmarks/bench_script_restore.py [--rates 0.01 0.02 0.05] [--limit N]``
(``--cut hong_kong --part held-out``, or ``--dir DIR --script hant`` for other documents).
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import lzma
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cnfix import Settings, repair_text
from cnfix.adapters.opencc import convert
from cnfix.rules.script.charclass import CharClass
from cnfix.rules.script.tables import tables
from cnfix.text.chars import HAN_RE

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_script import flip

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus"
CLEAN_SETS = CORPUS.parent / "script_clean"
#: The script of each clean set that ``--cut`` reads.
CLEAN_SET_SCRIPTS = {"taiwan": "hant", "hong_kong": "hant"}
#: The longest piece ``--cut`` makes (unless one line is longer).
CUT_SIZE = 1500
#: OpenCC's whole-document conversion back into each script.
OPENCC_BACK = {"hant": "s2tw", "hans": "t2s"}
MODES = ("auto", "auto+unsafe", "--to", "opencc")


def corpus_documents(script: str) -> list[str]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return [
        (CORPUS / entry["file"]).read_text(encoding="utf-8")
        for entry in manifest["documents"]
        if entry["script"] == script
    ]


def cut(name: str, part: str = "all") -> list[str]:
    """The clean set ``name`` cut at line ends into pieces of at most ``CUT_SIZE``
    characters; ``part``: ``dev`` (the even-numbered documents), ``held-out`` (the
    odd-numbered ones) or ``all``. The lines of a part's documents run on, so that short
    documents (an interface's one-line files) join their neighbours; a set of one document
    alternates its pieces instead."""
    text = lzma.decompress((CLEAN_SETS / f"{name}.txt.xz").read_bytes()).decode("utf-8")
    documents = text.split("\n\f\n")
    wanted = {"dev": 0, "held-out": 1}.get(part)
    if len(documents) > 1:
        kept = [d for n, d in enumerate(documents) if wanted is None or n % 2 == wanted]
        return _pieces("\n".join(kept))
    pieces = _pieces(text)
    return [p for n, p in enumerate(pieces) if wanted is None or n % 2 == wanted]


def _pieces(text: str) -> list[str]:
    """``text`` cut at line ends into pieces of at most ``CUT_SIZE`` characters (a longer
    line is a piece of its own), those with a Han character."""
    pieces: list[str] = []
    piece: list[str] = []
    size = 0
    for line in text.split("\n"):
        if piece and size + len(line) > CUT_SIZE:
            pieces.append("\n".join(piece))
            piece, size = [], 0
        piece.append(line)
        size += len(line) + 1
    if piece:
        pieces.append("\n".join(piece))
    return [piece for piece in pieces if HAN_RE.search(piece)]


def repairs(script: str) -> dict[str, Callable[[str], str]]:
    """Each mode of the table, as text in → text out."""
    rule = ["mixed-script"]

    def cnfix(to: str, unsafe: bool) -> Callable[[str], str]:
        settings = Settings(target_script=to)
        return lambda text: (
            repair_text(text, select=rule, settings=settings, unsafe_fixes=unsafe).text
        )

    return {
        "auto": cnfix("auto", False),
        "auto+unsafe": cnfix("auto", True),
        "--to": cnfix(script, False),
        "opencc": lambda text: convert(text, OPENCC_BACK[script]),
    }


@dataclass
class Tally:
    flipped: int = 0
    restored: int = 0
    damaged: int = 0
    #: characters of the other script in the original that the repair converted (not damage)
    reference: int = 0
    han: int = 0
    docs: int = 0
    right: int = 0
    #: characters of the other script left after the repair
    left: int = 0
    #: (original, damaged, written) of the flips not restored, for ``--misses``
    missed: list[str] = field(default_factory=list)
    #: (original → written) of the characters changed that were not flipped
    wrong: list[str] = field(default_factory=list)


def score(
    tally: Tally, original: str, damaged: str, repaired: str, flips: list[int], other: CharClass
) -> None:
    tally.left += other.count(repaired) - other.count(original)
    tally.docs += 1
    tally.han += len(HAN_RE.findall(original))
    tally.flipped += len(flips)
    tally.right += repaired == original
    if len(repaired) != len(original):  # a vocabulary conversion: count the document only
        tally.damaged += sum(a != b for a, b in zip(original, repaired, strict=False))
        return
    flipped = set(flips)
    for i in flips:
        if repaired[i] == original[i]:
            tally.restored += 1
        else:
            if repaired[i] != damaged[i]:
                tally.damaged += 1
            around = damaged[max(0, i - 3) : i] + f"[{damaged[i]}]" + damaged[i + 1 : i + 4]
            tally.missed.append(f"{damaged[i]}→{original[i]} ({repaired[i]}) {around}")
    for i, (a, b) in enumerate(zip(original, repaired, strict=True)):
        if a != b and i not in flipped and a in other.chars:
            tally.reference += 1
            tally.wrong.append(f"{a}→{b} {original[max(0, i - 4) : i + 5]} (the reference's)")
        elif a != b and i not in flipped:
            tally.damaged += 1
            tally.wrong.append(f"{a}→{b} {original[max(0, i - 4) : i + 5]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[0.01, 0.02, 0.05])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--limit", type=int, help="at most this many documents per script")
    parser.add_argument("--dir", type=Path, help="documents (*.txt) instead of the corpus")
    parser.add_argument("--script", choices=("hans", "hant"), help="the script of --dir")
    parser.add_argument("--cut", choices=sorted(CLEAN_SET_SCRIPTS), help="a clean set, cut")
    parser.add_argument("--part", choices=("dev", "held-out", "all"), default="all")
    parser.add_argument("--misses", action="store_true", help="list safe auto's misses")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=MODES, help="auto and these")
    args = parser.parse_args()
    if args.cut is not None:
        scripts = {CLEAN_SET_SCRIPTS[args.cut]: cut(args.cut, args.part)}
    elif args.dir is not None:
        scripts = {
            args.script or "hant": [p.read_text("utf-8") for p in sorted(args.dir.glob("*.txt"))]
        }
    else:
        scripts = {script: corpus_documents(script) for script in ("hant", "hans")}
    started = time.perf_counter()
    shown = ["auto", *(mode for mode in MODES if mode in args.modes and mode != "auto")]
    print(
        "| script | rate | docs | flipped | "
        + " | ".join(
            f"{mode}: restored / damaged per 10k (with the reference's own) / docs right / "
            "other script left"
            for mode in shown
        )
        + " |"
    )
    print("|" + "---|" * (4 + len(shown)))
    missed: list[str] = []
    wrong: list[str] = []
    for script, documents in scripts.items():
        documents = documents[: args.limit]
        modes = {mode: repair for mode, repair in repairs(script).items() if mode in shown}
        other = tables().simplified_only if script == "hant" else tables().traditional_only
        for rate in args.rates:
            rng = random.Random(f"{args.seed} {script} {rate}")
            tallies = {mode: Tally() for mode in shown}
            for original in documents:
                damaged, flips = flip(original, script, rate, rng)
                for mode, repair in modes.items():
                    score(tallies[mode], original, damaged, repair(damaged), flips, other)
            missed += tallies["auto"].missed
            wrong += tallies["auto"].wrong
            first = tallies["auto"]
            cells = [script, f"{rate:.0%}", str(first.docs), str(first.flipped)]
            for mode in shown:
                tally = tallies[mode]
                cells.append(
                    f"{tally.restored / max(tally.flipped, 1):.2%} / "
                    f"{tally.damaged / max(tally.han, 1) * 10_000:.2f} "
                    f"({(tally.damaged + tally.reference) / max(tally.han, 1) * 10_000:.2f}) / "
                    f"{tally.right / max(tally.docs, 1):.1%} / {tally.left}"
                )
            print("| " + " | ".join(cells) + " |", flush=True)
    print(f"\n{time.perf_counter() - started:.0f} s")
    if args.misses:
        from collections import Counter

        kinds = Counter(entry.split(" ")[0] + " " + entry.split(" ")[1] for entry in missed)
        for kind, count in kinds.most_common(60):
            examples = [e.split(" ", 2)[2] for e in missed if e.startswith(kind)][:3]
            print(f"{count:4} {kind}  {' | '.join(examples)}")
        print("\nChanged, not flipped (safe auto):")
        for entry in wrong:
            print("   ", entry)


if __name__ == "__main__":
    main()
