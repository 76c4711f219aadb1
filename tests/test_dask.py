"""The cluster recipe: JSON Lines shards repaired on a local Dask cluster of several worker
processes give exactly the bytes a single process gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS, corpus_documents

from cnfix.app.distributed import main, repair_shards
from cnfix.app.jsonl import run_blocks
from cnfix.app.runner import RunOptions
from cnfix.rules import RULES

distributed = pytest.importorskip("distributed")


pytestmark = pytest.mark.slow


def _texts(damaged: bool = True) -> list[str]:
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    clean = [path.read_text(encoding="utf-8") for path in corpus_documents()[:12]]
    pieces = [seed[i : i + 1500] for seed in seeds for i in range(0, 3000, 1500)]
    return (pieces if damaged else []) + clean


def _write_shards(folder: Path, texts: list[str]) -> list[Path]:
    shards = []
    for number in range(4):
        lines = [
            json.dumps(
                {"id": f"{number}-{k}", "text": text, "meta": {"n": k}},
                ensure_ascii=k % 2 == 0,
            )
            for k, text in enumerate(texts[number::4])
        ]
        shard = folder / ("nested" if number == 3 else "") / f"shard-{number}.jsonl"
        shard.parent.mkdir(parents=True, exist_ok=True)
        shard.write_text("\n".join(lines) + "\n", encoding="utf-8")
        shards.append(shard)
    return shards


def _single_process(shard: Path) -> bytes:
    with shard.open("rb") as stream:
        options = RunOptions(rules=RULES, repair=True)
        return b"".join(block.data for block in run_blocks(stream, ("text",), options))


def test_local_cluster_output_equals_single_process(tmp_path: Path) -> None:
    source, target = tmp_path / "in", tmp_path / "out"
    shards = _write_shards(source, _texts())
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        results = repair_shards(client, source, target, field="text")
    assert [Path(result.shard) for result in results] == sorted(shards)
    changed = 0
    for shard, result in zip(sorted(shards), results, strict=True):
        output = target / shard.relative_to(source)
        assert Path(result.output) == output
        assert output.read_bytes() == _single_process(shard)
        changed += result.changed
    assert changed > 0
    assert not list(target.rglob(".cnfix-tmp-*"))


def test_recipe_command_needs_a_folder_and_reports(tmp_path: Path, capsys) -> None:
    source, target = tmp_path / "in", tmp_path / "out"
    _write_shards(source, _texts(damaged=False))
    assert main([str(source), str(target), "--workers", "2"]) == 0
    assert "4 shard(s)" in capsys.readouterr().out
    assert len(list(target.rglob("*.jsonl"))) == 4
