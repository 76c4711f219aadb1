"""The compact paths of --jobs: workers send back only what the parent must report.

Small files: batches of names (cut short by a worker after BATCH_BYTES, large files
streamed where they stand in the order). JSON Lines: blocks of whole lines, numbered by
the parent, returned as one output block plus the records worth reporting. Each must
give what the one-by-one reference gives, on one process and on two.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
from collections import Counter
from pathlib import Path

import pytest
from conftest import SEEDS, corpus_documents, write_corpus_files
from hypothesis import given, settings
from hypothesis import strategies as st

import cnfix.app.jsonl as jsonl
import cnfix.app.parallel as parallel
import cnfix.app.pool as pool
from cnfix.app.jsonl import process_block, process_line, run_blocks, split_lines
from cnfix.app.parallel import STREAM, process_batch, run_files
from cnfix.app.runner import FileOutcome, RunOptions, process_file
from cnfix.app.streaming import ChunkOutcome
from cnfix.io import chunks
from cnfix.io.blocks import block_spans, read_blocks
from cnfix.rules import RULES

SCAN = RunOptions(rules=RULES)
REPAIR = RunOptions(rules=RULES, repair=True)


def _seed_text() -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))


def _summary(outcomes: list[FileOutcome]) -> list[tuple]:
    return [
        (
            o.path,
            o.error,
            o.notice,
            [(f.code, f.start, f.end) for f in o.findings],
            o.repaired if o.changed else None,
            getattr(o, "first_line", None),
        )
        for o in outcomes
    ]


@pytest.fixture
def tree(tmp_path: Path) -> list[Path]:
    """Clean and damaged files, a missing one, a binary one and a large one, in order."""
    paths = write_corpus_files(tmp_path, 40, damage_every=4)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 64)
    large = tmp_path / "large.txt"
    large.write_text(_seed_text() * 3, encoding="utf-8")
    paths[5:5] = [tmp_path / "missing.txt", binary]
    paths[20:20] = [large]
    return paths


def _reference(paths: list[Path], options: RunOptions) -> list[FileOutcome]:
    """One file at a time through process_file, text dropped as the pool drops it."""
    outcomes = []
    for path in paths:
        outcome = (
            FileOutcome(path, error="no such file or directory")
            if not path.exists()
            else process_file(path, options)
        )
        outcomes.append(outcome)
    return outcomes


@pytest.mark.parametrize("repair", [False, True])
@pytest.mark.parametrize("jobs", [1, 2])
def test_batches_match_one_file_at_a_time(
    tree: list[Path], repair: bool, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "BATCH_FILES", 6)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 5000)  # workers cut batches short
    large = next(path for path in tree if path.name == "large.txt")
    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", large.stat().st_size - 1)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 8192)
    options = REPAIR if repair else SCAN
    outcomes = list(run_files(iter(tree), options, jobs=jobs))  # a lazy feed, as from a walk
    streamed = [o for o in outcomes if isinstance(o, ChunkOutcome)]
    assert len(streamed) > 1 and all(o.path == large for o in streamed)
    whole = [o for o in outcomes if not isinstance(o, ChunkOutcome)]
    expected = [o for o in _reference(tree, options) if o.path != large]
    assert _summary(whole) == _summary(expected)
    order = [o.path for o in outcomes]
    assert sorted(set(order), key=order.index) == tree  # every file, in input order
    assert any(o.findings for o in whole)


def test_a_batch_says_nothing_of_clean_files_and_defers_large_ones(
    tree: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    large = next(path for path in tree if path.name == "large.txt")
    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", large.stat().st_size - 1)
    names = [str(path) for path in tree]
    results = process_batch(names, SCAN)
    assert len(results) == len(names)
    for path, result in zip(tree, results, strict=True):
        if path == large:
            assert result == STREAM
        elif result is None:
            assert not process_file(path, SCAN).findings
        else:
            assert isinstance(result, FileOutcome)
            assert result.error or result.notice or result.findings
    assert results.count(None) > 10
    monkeypatch.setattr(parallel, "BATCH_BYTES", 1)
    assert len(process_batch(names[:5], SCAN)) == 1  # stops after the first file read


# --- JSON Lines ---------------------------------------------------------------------------


@st.composite
def _line_soup(draw: st.DrawFn) -> bytes:
    pieces = draw(
        st.lists(
            st.sampled_from([b"", b"\n", b"\r\n", b"\r", b'{"text": "a,b"}', b"x", b"\xff", b" "]),
            max_size=30,
        )
    )
    return b"".join(pieces)


@given(_line_soup(), st.integers(min_value=1, max_value=12))
@settings(derandomize=True, max_examples=300, deadline=None)
def test_blocks_split_lines_as_a_binary_file_does(data: bytes, block_bytes: int) -> None:
    assert split_lines(data) == list(io.BytesIO(data))
    blocks = list(read_blocks(io.BytesIO(data), block_bytes))
    assert b"".join(block for _, block in blocks) == data
    number = 1
    for first, block in blocks:
        assert first == number
        assert block.endswith(b"\n") or block is blocks[-1][1]
        number += len(split_lines(block))


def _records_file() -> bytes:
    texts = [p.read_text(encoding="utf-8")[:600] for p in corpus_documents()[:30]]
    texts += [_seed_text()[i : i + 500] for i in range(0, 6000, 500)]
    lines = []
    for n, text in enumerate(texts):
        lines.append(json.dumps({"id": n, "text": text}, ensure_ascii=n % 5 == 0).encode())
        if n % 7 == 0:
            lines += [b"", b'{"id": broken', b'{"other": 1}', b'{"text": 3}', b"\xff\xfe"]
    return b"\r\n".join(lines[:10]) + b"\n" + b"\n".join(lines[10:])  # no final newline


@pytest.mark.parametrize("options", [SCAN, REPAIR], ids=["scan", "repair"])
@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("source", ["stream", "file", "descriptor"])
def test_blocks_report_what_records_report(
    options: RunOptions, jobs: int, source: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """From a stream the parent reads the blocks; from a file on several processes the
    workers read them and the parent only seeks: the same report either way."""
    monkeypatch.setattr(jsonl, "BATCH_BYTES", 2048)
    monkeypatch.setattr(jsonl, "MIN_PARALLEL_BYTES", 0)
    data = _records_file()
    reference = [  # every line on its own: the reference the blocks must agree with
        process_line(number, raw, ("text",), options)
        for number, raw in enumerate(io.BytesIO(data), start=1)
    ]
    if source != "stream":
        (tmp_path / "in.jsonl").write_bytes(data)
        opened = (tmp_path / "in.jsonl").open("rb")
        if source == "descriptor":  # as the CLI opens it: no name to open again
            opened = os.fdopen(os.dup(opened.fileno()), "rb")
        with opened as stream:
            blocks = list(run_blocks(stream, ("text",), options, jobs=jobs, size=len(data)))
    else:
        blocks = list(run_blocks(io.BytesIO(data), ("text",), options, jobs=jobs, size=None))
    assert len(blocks) > 5
    assert sum(block.lines for block in blocks) == len(reference)
    if options.repair:
        assert b"".join(block.data for block in blocks) == b"".join(r.line for r in reference)
        assert b"".join(block.data for block in blocks) != data
    else:
        assert all(block.data == b"" for block in blocks)
    states = sum((block.states for block in blocks), start=Counter())
    assert states == Counter(r.state for r in reference)
    wanted = [r for r in reference if r.error or r.findings or r.changed]
    got = [record for block in blocks for record in block.records]
    assert [(r.number, r.error, r.findings, r.repaired, r.text) for r in got] == [
        (r.number, r.error, r.findings, r.repaired, r.text) for r in wanted
    ]
    assert all(r.line == w.line for r, w in zip(got, wanted, strict=True) if w.changed)


def test_forked_workers_read_a_file_opened_by_descriptor_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI opens a JSON Lines file by descriptor: forked workers read their blocks
    from the descriptor they inherit (the parent sends offsets, not 256 KB of bytes);
    workers from a fork server, which inherit no descriptor, get the name, or else the
    bytes."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(_records_file())
    with os.fdopen(os.open(path, os.O_RDONLY), "rb") as stream:
        monkeypatch.setattr(pool, "_context", lambda: multiprocessing.get_context("fork"))
        assert pool.Pool(2).reader_of(stream) == stream.fileno()
        monkeypatch.setattr(pool, "_context", lambda: multiprocessing.get_context("spawn"))
        assert pool.Pool(2).reader_of(stream) is None
    with path.open("rb") as stream:
        assert pool.Pool(2).reader_of(stream) == str(path)
    assert pool.Pool(2).reader_of(io.BytesIO(b"{}")) is None


def test_a_block_numbers_its_lines_from_its_first() -> None:
    result = process_block((41, b'{"text": "a,,b"}\n\n{"text"\n'), ("text",), SCAN)
    assert result.lines == 3
    assert [(r.number, r.state) for r in result.records] == [(43, "invalid")]
    assert result.states == {"checked": 1, "blank": 1, "invalid": 1}


def test_workers_from_a_fork_server_get_the_parent_limits(
    tree: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With another thread running, workers come from a fork server and inherit no
    module globals: the stream threshold and batch limit still come from the parent."""
    import threading

    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 5000)
    large = next(path for path in tree if path.name == "large.txt")
    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", large.stat().st_size - 1)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        outcomes = list(run_files(tree, SCAN, jobs=2))
    finally:
        stop.set()
        thread.join()
    assert [o.path for o in outcomes if isinstance(o, ChunkOutcome)].count(large) > 1
    whole = [o for o in outcomes if not isinstance(o, ChunkOutcome)]
    assert _summary(whole) == _summary([o for o in _reference(tree, SCAN) if o.path != large])


def test_block_spans_are_the_blocks_read_blocks_reads(tmp_path: Path) -> None:
    data = _records_file()
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    for block_bytes in (1, 7, 100, 2048, len(data), 10 * len(data)):
        with path.open("rb") as stream:
            spans = list(block_spans(stream, len(data), block_bytes))
        blocks = [block for _, block in read_blocks(io.BytesIO(data), block_bytes)]
        assert [data[offset : offset + length] for offset, length in spans] == blocks
