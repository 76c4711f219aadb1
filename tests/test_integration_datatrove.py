"""The datatrove formatter in a real datatrove pipeline (reader, formatter, writer) on
damaged corpus records: the texts and the per-rule stats are those of
``cnfix repair --jsonl``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_data import damaged_records, reference_repair, write_jsonl

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cnfix.integrations.datatrove import CnfixFormatter
from cnfix.integrations.records import total_by_rule


def test_formatter_in_a_pipeline_matches_repair_jsonl(tmp_path: Path) -> None:
    records = damaged_records()
    (tmp_path / "raw").mkdir()
    source = write_jsonl(tmp_path / "raw" / "part.jsonl", records)
    expected_fixed, expected_texts = reference_repair(source, tmp_path / "reference.jsonl")
    assert len(expected_fixed) >= 3, expected_fixed  # the damage reaches several rules

    LocalPipelineExecutor(
        [
            JsonlReader(str(tmp_path / "raw")),
            CnfixFormatter(),
            JsonlWriter(str(tmp_path / "clean"), compression=None),
        ],
        logging_dir=str(tmp_path / "logs"),
        tasks=1,
    ).run()

    (written,) = (tmp_path / "clean").glob("*.jsonl")
    rows = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == [record["id"] for record in records]
    assert [row["text"] for row in rows] == expected_texts
    summaries = [row["metadata"]["cnfix"] for row in rows]
    assert total_by_rule(summaries) == expected_fixed
    assert sum(s["changed"] for s in summaries) == sum(
        old["text"] != new for old, new in zip(records, expected_texts, strict=True)
    )

    (step,) = [
        stats
        for stats in json.loads((tmp_path / "logs" / "stats.json").read_text())
        if "cnfix" in stats["name"]
    ]
    # datatrove keeps a stat that only ever grew by 1 as a plain count
    counted = {
        label.removeprefix("fixed/"): value["total"] if isinstance(value, dict) else value
        for label, value in step["stats"].items()
        if label.startswith("fixed/")
    }
    assert counted == dict(expected_fixed)
    assert step["stats"]["total"] == len(records)
