"""The README's pipeline examples run as they are, on a ``raw.jsonl`` of damaged corpus
records, and repair what ``cnfix repair --jsonl`` repairs."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT
from pipeline_data import damaged_records, reference_repair, write_jsonl

pytestmark = pytest.mark.slow  # each example starts its library in a new process

SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("## Pipelines", 1)[1]
EXAMPLES = re.findall(r"```python\n(.*?)```", SECTION.split("\n## ", 1)[0], re.S)

#: Per example: the library it needs and the file of repaired records it leaves (None:
#: it prints the per-rule counts instead).
EXPECTED = [
    ("datatrove", "clean/00000.jsonl.gz"),
    ("data_juicer", "clean/clean.jsonl"),
    ("datasets", None),
]


def test_three_examples() -> None:
    assert len(EXAMPLES) == len(EXPECTED)


@pytest.mark.parametrize(("example", "expected"), list(zip(EXAMPLES, EXPECTED, strict=True)))
def test_example_runs(example: str, expected: tuple[str, str | None], tmp_path: Path) -> None:
    library, output = expected
    pytest.importorskip(library)
    records = damaged_records(12)
    write_jsonl(tmp_path / "raw.jsonl", records)
    fixed, texts = reference_repair(tmp_path / "raw.jsonl", tmp_path / "reference.out")
    run = subprocess.run(
        [sys.executable, "-c", example],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_DATASETS_CACHE": str(tmp_path / "hf-cache")},
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    if output is None:
        assert eval(run.stdout, {"Counter": Counter}) == fixed  # the printed Counter
        return
    data = (tmp_path / output).read_bytes()
    lines = (gzip.decompress(data) if output.endswith(".gz") else data).decode().splitlines()
    rows = [json.loads(line) for line in lines]
    assert [row["text"] for row in rows] == texts
