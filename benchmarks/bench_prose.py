"""Speed of Markdown: a clean scan, a repair, and what knowing the prose regions costs.

Documents: the clean Markdown files of ``tests/data/prose_documents`` (real docs
translations with front matter, templates, HTML and code), joined with blank lines and
repeated to ``--mb`` MB. The damaged text is the same with every ``，`` between two Han
characters turned into ``,,`` (the seeds' stray-comma damage).

Rows (CPU time of this process, best of ``--repeat``):

- ``scan clean``: ``scan_text(kind="markdown")`` of the clean text (the target: no
  slower than before the prose regions, since a clean text never needs them);
- ``repair damaged``: ``repair_text(kind="markdown")`` of the damaged text;
- ``prose regions``: working out the spans that are not prose once (the Markdown
  parser and the inline scan), when ``cnfix.text.prose`` exists.

Usage: ``python benchmarks/bench_prose.py [--mb 4] [--repeat 3]``. To compare with
another checkout, run it with that checkout's ``src`` first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import cnfix
from cnfix import repair_text, scan_text

DOCUMENTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "prose_documents"


def markdown_text(megabytes: float) -> str:
    manifest = json.loads((DOCUMENTS / "manifest.json").read_text(encoding="utf-8"))
    docs = [
        (DOCUMENTS / entry["file"]).read_text(encoding="utf-8").strip()
        for entry in manifest
        if entry["path"].endswith(".md")
    ]
    # Front matter only at the very start is front matter: keep it in the first one only.
    body = "\n\n".join(
        [docs[0], *(re.sub(r"\A---\n.*?\n---\n", "", d, flags=re.S) for d in docs[1:])]
    )
    size = int(megabytes * 2**20)
    return (body + "\n\n") * max(1, size // len(body.encode("utf-8")))


def _forget_regions() -> None:
    """Empty the cache of protected regions (by text), so that every run works them out."""
    for module in ("cnfix.text.regions", "cnfix.regions"):
        try:
            regions = importlib.import_module(module)
        except ImportError:
            continue
        regions._protected.cache_clear()


def best(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        _forget_regions()
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=float, default=4.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    clean = markdown_text(args.mb)
    damaged = re.sub(r"(?<=[\u4e00-\u9fff])，(?=[\u4e00-\u9fff])", ",,", clean)
    megabytes = len(clean.encode("utf-8")) / 2**20
    findings = len(scan_text(clean, kind="markdown"))
    print(f"cnfix from {Path(cnfix.__file__).parent}; {megabytes:.1f} MB of Markdown")
    print(f"findings in the clean text: {findings}")
    print("| what | seconds | MB/s |\n|---|---|---|")
    rows = {
        "scan clean": lambda: scan_text(clean, kind="markdown"),
        "repair damaged": lambda: repair_text(damaged, kind="markdown"),
    }
    try:
        from cnfix.text.prose import protected_spans
    except ImportError:
        pass
    else:
        rows["prose regions"] = lambda: protected_spans(clean, "markdown")
    for name, function in rows.items():
        seconds = best(function, args.repeat)
        print(f"| {name} | {seconds:.2f} | {megabytes / seconds:.1f} |")


if __name__ == "__main__":
    main()
