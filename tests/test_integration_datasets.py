"""``RepairColumn`` through ``datasets.Dataset.map`` (on several processes, small
writer batches) over damaged corpus records: the texts and per-rule counts are those of
``cnfix repair --jsonl``, and each record carries the findings left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_data import damaged_records, reference_repair, write_jsonl

from cnfix import scan_text

datasets = pytest.importorskip("datasets")

from cnfix.integrations.datasets import RepairColumn, total_by_rule  # noqa: E402


def test_map_matches_repair_jsonl(tmp_path: Path) -> None:
    records = damaged_records()
    source = write_jsonl(tmp_path / "raw.jsonl", records)
    expected_fixed, expected_texts = reference_repair(source, tmp_path / "reference.jsonl")
    assert len(expected_fixed) >= 3

    raw = datasets.load_dataset(
        "json", data_files=str(source), split="train", cache_dir=str(tmp_path / "cache")
    )
    # writer batches of 4: the first holds records without findings, later ones with
    clean = raw.map(RepairColumn("text"), num_proc=2, writer_batch_size=4)

    assert clean["id"] == [record["id"] for record in records]
    assert clean["text"] == expected_texts
    summaries = clean["cnfix"]
    assert total_by_rule(summaries) == expected_fixed
    for text, summary in zip(clean["text"], summaries, strict=True):
        found = json.loads(summary["findings"])
        left = [(f["code"], f["start"], f["end"], f["message"]) for f in found]
        assert left == [(f.code, f.start, f.end, f.message) for f in scan_text(text)]
        assert sum(summary["left"].values()) == len(left)
    assert any(
        json.loads(summary["findings"]) for summary in summaries
    )  # the lost bytes stay reported
