"""A small damaged dataset from the corpus for the pipeline-step tests, and what
``cnfix repair --jsonl`` (a real subprocess) makes of it: the reference statistics."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

from conftest import run_cnfix
from damage import FAMILIES, corpus, damage_span, placeholder

#: ``path:record:field: N fixes (rule n, rule n)``, the header of a record's diff.
_HEADER_RE = re.compile(r"^\S+:(\d+):text: \d+ fix(?:es)? \((.*)\)$", re.MULTILINE)


def _seed_like(text: str, rng: random.Random) -> str:
    """Commas doubled and stuck before full stops, as in the seeds, in some paragraphs."""
    lines = text.split("\n")
    for index in rng.sample(range(len(lines)), k=max(1, len(lines) // 3)):
        lines[index] = lines[index].replace("，", ",,").replace("。", ",。")
    return "\n".join(lines)


def damaged_records(count: int = 36, seed: int = 20) -> list[dict[str, str]]:
    """``count`` records ({"id", "text"}) cut from varied corpus documents: a quarter left
    clean, the rest with seed-like commas, mojibake of one paragraph, or a lost-data
    placeholder (reported, never fixed)."""
    rng = random.Random(seed)
    documents = corpus()
    rng.shuffle(documents)
    records = []
    for number, (name, text) in enumerate(documents[:count]):
        text = text[:900]
        kind = number % 4
        if kind == 1:
            text = _seed_like(text, rng)
        elif kind == 2:
            script = name.split("/")[0]
            families = sorted(f for f, (_, scripts) in FAMILIES.items() if script in scripts)
            damaged = damage_span(text, rng.choice(families), rng)
            text = damaged[0] if damaged else _seed_like(text, rng)
        elif kind == 3:
            text = placeholder(text, rng)
        records.append({"id": name, "text": text})
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
        encoding="utf-8",
    )
    return path


def reference_repair(path: Path, written: Path) -> tuple[Counter[str], list[str]]:
    """Fixes per rule as ``cnfix repair --jsonl`` reports them, and its repaired texts
    (written to ``written``)."""
    shown = run_cnfix("repair", "--jsonl", str(path), cwd=path.parent, text=True)
    assert shown.returncode in (0, 1), shown.stderr
    fixed: Counter[str] = Counter()
    for match in _HEADER_RE.finditer(shown.stdout):
        for item in match.group(2).split(", "):
            rule, count = item.rsplit(" ", 1)
            fixed[rule] += int(count)
    done = run_cnfix("repair", "--jsonl", str(path), "-o", str(written), cwd=path.parent)
    assert done.returncode in (0, 1), done.stderr
    texts = [json.loads(line)["text"] for line in written.read_text(encoding="utf-8").splitlines()]
    return fixed, texts
