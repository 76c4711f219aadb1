"""The data-juicer operator in a real data-juicer run (its executor, a recipe, the
tracer on) over damaged corpus records: the texts and per-rule counts are those of
``cnfix repair --jsonl``, and the trace holds each changed sample before and after."""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path

import pytest
from pipeline_data import damaged_records, reference_repair, write_jsonl

from cnfix.integrations.records import total_by_rule

# Slow, and skipped without importing data-juicer at collection: the import alone takes 3-8 s.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_spec("data_juicer") is None,
        reason="data-juicer not installed (pip install 'cnfix[data-juicer]')",
    ),
]


def test_mapper_in_a_recipe_matches_repair_jsonl(tmp_path: Path) -> None:
    from data_juicer.config import init_configs
    from data_juicer.core import DefaultExecutor

    import cnfix.integrations.datajuicer  # noqa: F401  (registers cnfix_mapper)

    records = damaged_records()
    source = write_jsonl(tmp_path / "raw.jsonl", records)
    expected_fixed, expected_texts = reference_repair(source, tmp_path / "reference.jsonl")
    changed = sum(old["text"] != new for old, new in zip(records, expected_texts, strict=True))
    assert len(expected_fixed) >= 3 and changed >= 10

    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        json.dumps(  # JSON is YAML
            {
                "project_name": "cnfix-test",
                "dataset_path": str(source),
                # no work_dir: data-juicer names its log after the export path relative to
                # it, and an export path outside it ("../out/…") makes that name a path
                # that need not exist (a FileNotFoundError, now and then)
                "export_path": str(tmp_path / "out" / "clean.jsonl"),
                "np": 1,
                "open_tracer": True,
                "trace_num": 100,
                "process": [{"cnfix_mapper": {"text_key": "text"}}],
            }
        )
    )
    config = init_configs(args=["--config", str(recipe)])
    DefaultExecutor(config).run()

    rows = [
        json.loads(line)
        for line in (tmp_path / "out" / "clean.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [row["id"] for row in rows] == [record["id"] for record in records]
    assert [row["text"] for row in rows] == expected_texts
    assert total_by_rule(row["cnfix"] for row in rows) == expected_fixed
    left = [json.loads(row["cnfix"]["findings"]) for row in rows]
    assert any(left)
    for row, found in zip(rows, left, strict=True):
        assert sum(row["cnfix"]["left"].values()) == len(found)

    (trace,) = (tmp_path / "out").rglob("sample_trace-cnfix_mapper.jsonl")
    traced = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]
    assert len(traced) == changed
    before = {record["text"]: new for record, new in zip(records, expected_texts, strict=True)}
    for entry in traced:
        # data-juicer 1.6 runs a single-sample mapper in batches of one: lists of one text
        (old,), (new,) = entry["original_text"], entry["processed_text"]
        assert before[old] == new
