"""One huge JSON Lines record in bounded memory (issue 21, F23): a long string field is
checked and repaired in the pieces a long line of a streamed file is cut into, each
reported on its own, and the line is written as the whole-record repair writes it.

The sizes are scaled down (``BATCH_BYTES``, ``LONG_LINE_CHARS``) so that a few
kilobytes take the long path; ``bash ../shared/repro/18_memory_many_findings.sh`` runs
the 58 MB record (2.49 GB before, 190 MB now).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import cnfix.app.jsonl as jsonl
import cnfix.app.long_records as long_records
from cnfix.app.jsonl import run_blocks
from cnfix.app.runner import RunOptions
from cnfix.io import chunks
from cnfix.rules import RULES

SCAN = RunOptions(rules=RULES)
REPAIR = RunOptions(rules=RULES, repair=True)
SENTENCE = "会议指出,,要抓实学习教育,。"
LONG = 2000  # characters: a field over this is done in pieces


@pytest.fixture
def small_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "BATCH_BYTES", 1024)
    monkeypatch.setattr(chunks, "LONG_LINE_CHARS", LONG)
    monkeypatch.setattr(long_records, "LONG_LINE_CHARS", LONG)


def _lines() -> bytes:
    """Short and long records, one of each style and ending, and lines passed through."""
    rows = [
        json.dumps({"id": 1, "text": SENTENCE}, ensure_ascii=False) + "\n",
        json.dumps({"id": 2, "text": SENTENCE * 600}, ensure_ascii=False) + "\n",
        json.dumps({"id": 3, "text": SENTENCE * 500, "x": "é"}) + "\r\n",  # escaped
        "not json " * 400 + "\n",
        '{"id": 5, "text": "' + "好\\u597d" * 2500 + '"}\n',  # clean, an escape kept
        json.dumps({"text": 7, "pad": "a" * 9000}) + "\n",
        json.dumps({"id": 7, "meta": SENTENCE * 400}, ensure_ascii=False) + "\n",
        '{"id": 8, "text": "' + "中\\u4e2d。" * 900 + SENTENCE + '"}',  # no line end
    ]
    return "".join(rows).encode("utf-8")


def _run(data: bytes, options: RunOptions, jobs: int, tmp_path: Path | None) -> list:
    if tmp_path is None:
        return list(run_blocks(io.BytesIO(data), ("text",), options, jobs=jobs))
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    with path.open("rb") as stream:
        return list(run_blocks(stream, ("text",), options, jobs=jobs, size=len(data)))


@pytest.mark.parametrize(("jobs", "from_file"), [(1, False), (2, False), (2, True)])
def test_long_records_are_written_as_the_whole_record_repair_writes_them(
    small_sizes: None, tmp_path: Path, jobs: int, from_file: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces cut at sentence ends: the same output, byte for byte, as the record done
    whole (the escaped literal stays escaped, the CRLF stays), the same findings, the
    same line states; a clean long record and the lines passed through are unchanged."""
    monkeypatch.setattr(jsonl, "MIN_PARALLEL_BYTES", 0)
    data = _lines()
    blocks = _run(data, REPAIR, jobs, tmp_path if from_file else None)
    whole = [
        jsonl.process_line(n, raw, ("text",), REPAIR)
        for n, raw in enumerate(jsonl.split_lines(data), start=1)
    ]
    assert b"".join(block.data for block in blocks) == b"".join(r.line for r in whole)
    records = [record for block in blocks for record in block.records]
    assert sum(len(r.applied) for r in records) == sum(len(r.applied) for r in whole)
    assert {r.number for r in records if r.changed} == {1, 2, 3, 8}
    assert [r.number for r in records].count(2) > 3  # in pieces
    assert sum(block.lines for block in blocks) == 8
    states = sum((block.states for block in blocks), start=jsonl.Counter())
    assert states == jsonl.Counter(r.state for r in whole)
    lines = b"".join(block.data for block in blocks).splitlines(keepends=True)
    assert lines[2].endswith(b"\r\n") and lines[2].isascii()
    assert lines[4] == jsonl.split_lines(data)[4]  # the clean long record, as it was


def test_a_long_record_is_reported_a_piece_at_a_time(small_sizes: None) -> None:
    """No outcome holds more than a piece of the field, or that piece's findings; the
    pieces' findings add up to the whole record's, each piece knowing its line."""
    text = (SENTENCE * 40 + "\n") * 20
    data = (json.dumps({"text": text}, ensure_ascii=False) + "\n").encode("utf-8")
    records = [r for block in _run(data, SCAN, 1, None) for r in block.records]
    whole = jsonl.process_line(1, data, ("text",), SCAN)
    assert len(records) > 5
    assert max(len(r.text) for r in records) <= 2 * LONG
    assert sum(len(r.findings) for r in records) == len(whole.findings)
    assert "".join(r.text for r in records) == text
    assert [r.first_line for r in records] == sorted({r.first_line for r in records})
    assert records[-1].first_line > 1
