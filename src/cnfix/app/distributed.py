"""Repair a folder of JSON Lines shards on a Dask cluster (the ``cnfix[dask]`` extra).

cnfix does not run a cluster of its own. Repairing is a pure map: ``repair_text`` of
one record's text depends on nothing else, and ``repair_shard`` below streams one
shard file through it (the same code as ``cnfix repair --jsonl``, one process). An
existing engine distributes the shards: Dask, because ``dask.distributed`` is a pip
install away, runs the same on a laptop (``LocalCluster``: several worker processes)
and on a cluster (a scheduler address: SSH, Kubernetes, SLURM/PBS via dask-jobqueue,
cloud), and needs nothing of the code it runs but that it pickles. Ray would do the
same job; it is a far larger install (its own object store and raylet), which buys
nothing for a map over files.

Recipe (shards and output on a file system every worker sees, e.g. NFS)::

    pip install 'cnfix[dask]'
    python -m cnfix.app.distributed corpus/ repaired/ --field text --workers 8
    python -m cnfix.app.distributed corpus/ repaired/ --scheduler tcp://scheduler:8786

or from Python::

    from dask.distributed import Client, LocalCluster
    from cnfix.app.distributed import repair_shards

    with LocalCluster(n_workers=8, threads_per_worker=1) as cluster, Client(cluster) as client:
        results = repair_shards(client, "corpus/", "repaired/", field="text")

Each ``*.jsonl`` file under the input folder is one task and is written to the same
relative path under the output folder (atomically: a half-written shard never
appears). The output is byte-for-byte what ``cnfix repair --jsonl --field FIELD
SHARD -o OUT`` writes for that shard. Make shards many and similar in size (64–256
MB each, a few per worker) so that the cluster stays busy to the end.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cnfix.app.runner import RunOptions
from cnfix.model import Settings
from cnfix.rules import select_rules


@dataclass(frozen=True)
class ShardResult:
    """What happened to one shard: records read, records changed, fixes by rule."""

    shard: str
    output: str
    records: int = 0
    changed: int = 0
    invalid: int = 0
    fixes: dict[str, int] = field(default_factory=dict)
    remaining: int = 0


def repair_shard(
    source: str,
    destination: str,
    *,
    field: str = "text",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    target_script: str = "auto",
    unsafe_fixes: bool = False,
) -> ShardResult:
    """Repair the field ``field`` of every record of the shard ``source`` into
    ``destination``: the map function a cluster runs, one shard per task, one process."""
    from cnfix.app.json_fields import parse_field_path
    from cnfix.app.jsonl import run_blocks
    from cnfix.io.chunks import StreamWriter

    options = RunOptions(
        rules=select_rules(select, ignore),
        settings=Settings(target_script=target_script),
        repair=True,
        unsafe_fixes=unsafe_fixes,
    )
    path = parse_field_path(field)
    output = Path(destination)
    output.parent.mkdir(parents=True, exist_ok=True)
    writer = StreamWriter(output)
    records = changed = invalid = remaining = 0
    fixes: Counter[str] = Counter()
    try:
        with open(source, "rb") as stream:
            for block in run_blocks(stream, path, options, jobs=1):
                writer.write(block.data)
                records += block.lines - block.states["blank"]
                invalid += block.states["invalid"]
                for record in block.records:
                    changed += record.changed
                    remaining += len(record.findings)
                    fixes.update(finding.rule for finding in record.applied)
        writer.commit()
    finally:
        writer.abort()
    return ShardResult(source, destination, records, changed, invalid, dict(fixes), remaining)


def shard_pairs(
    input_dir: Path, output_dir: Path, pattern: str = "*.jsonl"
) -> list[tuple[str, str]]:
    """(shard, output) path pairs: every file matching ``pattern`` under ``input_dir``."""
    return [
        (str(shard), str(output_dir / shard.relative_to(input_dir)))
        for shard in sorted(input_dir.rglob(pattern))
        if shard.is_file()
    ]


def repair_shards(
    client: Any,
    input_dir: str | Path,
    output_dir: str | Path,
    *,
    pattern: str = "*.jsonl",
    **options: Any,
) -> list[ShardResult]:
    """Repair every shard under ``input_dir`` into ``output_dir`` on the Dask ``client``'s
    cluster, one task per shard; results in shard order. ``options`` are those of
    ``repair_shard`` (``field``, ``select``, ``ignore``, ``target_script``,
    ``unsafe_fixes``)."""
    pairs = shard_pairs(Path(input_dir), Path(output_dir), pattern)
    if not pairs:
        return []
    sources, destinations = zip(*pairs, strict=True)
    futures = client.map(repair_shard, sources, destinations, pure=False, **options)
    return list(client.gather(futures))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cnfix.app.distributed IN OUT``: the recipe as a command."""
    parser = argparse.ArgumentParser(
        prog="python -m cnfix.app.distributed",
        description="Repair a folder of JSON Lines shards on a Dask cluster.",
    )
    parser.add_argument("input", type=Path, help="folder of *.jsonl shards")
    parser.add_argument("output", type=Path, help="folder to write repaired shards into")
    parser.add_argument("--field", default="text", help="field to repair (default: text)")
    parser.add_argument("--scheduler", help="address of a running scheduler (tcp://host:8786)")
    parser.add_argument("--workers", type=int, default=None, help="local cluster: worker processes")
    parser.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    args = parser.parse_args(argv)
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        print("cnfix.app.distributed needs Dask: pip install 'cnfix[dask]'", file=sys.stderr)
        return 2
    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True)
        client = Client(cluster)
    try:
        results = repair_shards(
            client, args.input, args.output, field=args.field, unsafe_fixes=args.unsafe_fixes
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    for result in results:
        print(f"{result.shard}: {result.changed} of {result.records} record(s) repaired")
    total = sum(result.changed for result in results)
    print(f"{len(results)} shard(s), {total} record(s) repaired")
    return 0


if __name__ == "__main__":
    sys.exit(main())
