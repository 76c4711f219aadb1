"""What ``--jobs`` workers send back when the report only counts the fixes
(``RunOptions.brief``): the fixes as counts, no texts nothing prints; the counts, the
lines printed and the files written are those of a full report."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import pickle
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SEEDS, corpus_documents, write_corpus_files

import cnfix.app.jsonl as jsonl
import cnfix.app.packing as packing
import cnfix.app.parallel as parallel
import cnfix.app.pool as pool
from cnfix import repair_text, scan_text
from cnfix.app.jsonl import run_blocks
from cnfix.app.packing import CountedFindings, CountedOnly, PackedFindings
from cnfix.app.runner import RunOptions
from cnfix.app.tally import Tally
from cnfix.cli import cli
from cnfix.cli.repair_command import left_lines
from cnfix.io import chunks
from cnfix.model import Finding
from cnfix.rules import RULES


def _seed_text() -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))


def _tallies(findings: object, **flags: bool) -> tuple:
    tally = Tally(repair=flags["repair"], unsafe_fixes=flags["unsafe"], asked=flags["asked"])
    tally.add_findings("unit", findings, after_repair=flags["after"])  # type: ignore[arg-type]
    tally.add_findings("clean", [])
    return (
        list(tally.counts.items()),
        list(tally.fixable.items()),
        list(tally.safe.items()),
        list(tally.kinds.items()),
        tally.checked,
        tally.with_findings,
    )


@pytest.mark.parametrize("flags", [(False, False, False, False), (True, True, False, True)])
def test_findings_counted_from_columns_are_counted_alike(flags: tuple[bool, ...]) -> None:
    text = _seed_text()
    result = repair_text(text, unsafe_fixes=False)
    named = dict(zip(("repair", "unsafe", "asked", "after"), flags, strict=True))
    every: list[list[Finding]] = [list(result.applied), list(result.remaining), scan_text(text)]
    assert any(f.fix is None for f in every[2]) and any(f.fixable for f in every[2])
    for findings in every:
        expected = _tallies(findings, **named)
        counted = pickle.loads(pickle.dumps(CountedOnly(findings)))
        assert isinstance(counted, CountedFindings) and len(counted) == len(findings)
        assert _tallies(counted, **named) == expected
        unpacked = pickle.loads(pickle.dumps(PackedFindings(findings)))
        assert _tallies(unpacked, **named) == expected  # from the columns, none built
        assert unpacked._columns is not None  # type: ignore[attr-defined]
        assert list(unpacked) == findings


def test_counted_findings_cannot_be_read() -> None:
    counted = pickle.loads(pickle.dumps(CountedOnly(repair_text(_seed_text()).applied)))
    assert counted
    with pytest.raises(TypeError, match="only to be counted"):
        list(counted)
    with pytest.raises(TypeError, match="only to be counted"):
        counted[0]


def _records() -> bytes:
    texts = [p.read_text(encoding="utf-8") for p in corpus_documents()[:20]]
    texts += [_seed_text()[i : i + 700] for i in range(0, 14000, 700)]
    texts += ["中文文本里有一处乱码锟斤拷的地方，后面还有更多的中文内容。"]  # report-only
    return b"".join(
        json.dumps({"id": n, "text": t}, ensure_ascii=False).encode() + b"\n"
        for n, t in enumerate(texts)
    )


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(("lines", "defer"), [(False, False), (True, False), (True, True)])
def test_a_brief_block_keeps_its_output_and_counts(
    monkeypatch: pytest.MonkeyPatch, jobs: int, lines: bool, defer: bool
) -> None:
    """A brief block (with ``defer``: its fixes built only if read, as ``repair
    --jsonl -o`` runs it) writes what a full one writes and counts what it counts."""
    monkeypatch.setattr(jsonl, "BATCH_BYTES", 4096)
    data = _records()
    full = RunOptions(rules=RULES, repair=True, write=True)
    made = partial(left_lines, unsafe_fixes=False, asked=False) if lines else None
    brief = RunOptions(
        rules=RULES, repair=True, write=True, brief=True, left_lines=made, defer_applied=defer
    )
    one = list(run_blocks(io.BytesIO(data), ("text",), full, jobs=1))
    two = list(run_blocks(io.BytesIO(data), ("text",), brief, jobs=jobs))
    assert b"".join(b.data for b in one) == b"".join(b.data for b in two) != data
    records = [r for b in one for r in b.records]
    briefs = [r for b in two for r in b.records]
    assert [(r.number, r.changed, len(r.applied), len(r.findings), r.error) for r in records] == [
        (r.number, r.changed, len(r.applied), len(r.findings), r.error) for r in briefs
    ]
    assert any(r.changed and r.findings for r in briefs)
    assert any(not r.changed and r.findings for r in briefs)
    for record, short in zip(records, briefs, strict=True):
        tally, expected = Tally(repair=True), Tally(repair=True)
        tally.add_findings(1, short.findings)
        expected.add_findings(1, record.findings)
        assert tally == expected
        if record.changed:
            assert short.line == b"" and short.original is None
        if lines and record.findings:
            assert short.printed == [
                line.removeprefix("x")
                for line in left_lines(
                    "x",
                    record.text,
                    record.repaired,
                    record.findings,
                    first_line=record.first_line,
                    written=True,
                    unsafe_fixes=False,
                    asked=False,
                )
            ]
            assert short.text == "" and short.repaired in (None, "")
            continue
        assert short.printed is None
        assert list(short.findings) == list(record.findings)
        assert short.text == ("" if record.changed else record.text)
        assert short.repaired == ("" if lines and record.changed else record.repaired)


def _same_report(runner: CliRunner, args: list[str], tmp_path: Path, output: str) -> str:
    """The output of ``args`` writing into ``output`` (brief) equals that with
    ``--report`` (everything sent) writing into ``output`` + ``-full``, and so do the
    bytes written."""
    brief = runner.invoke(cli, [*args, "-o", str(tmp_path / output)])
    full = runner.invoke(
        cli,
        [*args, "-o", str(tmp_path / f"{output}-full"), "--report", str(tmp_path / "r.html")],
    )
    assert brief.exit_code == full.exit_code == 1, brief.output
    assert brief.output == full.output.replace(f"{output}-full", output)
    assert _written(tmp_path / output) == _written(tmp_path / f"{output}-full")
    return brief.output


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each unit made brief in this process, by whether its lines were made there."""
    calls: list[bool] = []
    real = packing.brief

    def spy(outcome: object, **how: Any) -> None:
        calls.append(how["left_lines"] is not None)
        real(outcome, **how)

    monkeypatch.setattr(packing, "brief", spy)
    return calls


def _written(path: Path) -> dict[Path, bytes]:
    if path.is_file():
        return {Path(): path.read_bytes()}
    return {p.relative_to(path): p.read_bytes() for p in path.rglob("*") if p.is_file()}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_brief_jsonl_repair_says_what_a_full_one_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    monkeypatch.setattr(jsonl, "BATCH_BYTES", 4096)
    monkeypatch.setattr(jsonl, "MIN_PARALLEL_BYTES", 0)
    source = tmp_path / "in.jsonl"
    source.write_bytes(_records())
    briefed = _spy(monkeypatch)
    deferred: list[bool] = []
    real = jsonl.repair_document

    def spy(*args: Any, **options: Any) -> Any:
        deferred.append(options["defer_applied"])
        return real(*args, **options)

    monkeypatch.setattr(jsonl, "repair_document", spy)
    args = ["repair", "--jsonl", "--jobs", jobs, str(source)]
    output = _same_report(CliRunner(), args, tmp_path, "out.jsonl")
    assert any(briefed) or jobs == "2"  # lines made here: one job
    # Here, the brief run's fixes were built only if read, the full run's were built.
    assert jobs == "2" or (True in deferred and False in deferred)
    assert "(not fixed: unsafe, --unsafe-fixes applies it)" in output  # findings left
    assert "records repaired." in output
    assert _written(tmp_path / "out.jsonl")[Path()] != source.read_bytes()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_brief_repair_of_files_says_what_a_full_one_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", 10_000)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 8192)
    folder = tmp_path / "in"
    folder.mkdir()
    write_corpus_files(folder, 30, damage_every=2)
    (folder / "big.txt").write_text(_seed_text() * 3, encoding="utf-8")  # streamed
    briefed = _spy(monkeypatch)
    runner = CliRunner()
    for quiet in ("-q", "--diff=none"):
        args = ["repair", quiet, "--jobs", jobs, str(folder)]
        output = _same_report(runner, args, tmp_path, f"out{quiet}")
        assert "(not fixed: unsafe, --unsafe-fixes applies it)" in output
        assert "big.txt:" in output and "files repaired." in output
        assert len(_written(tmp_path / f"out{quiet}")) == 31
        assert any(briefed) or jobs == "2"  # lines made here: one job
        briefed.clear()
    # Nothing written: the findings left are printed where they are in the text read.
    shown = runner.invoke(cli, ["repair", "-q", "--jobs", jobs, str(folder)])
    full = runner.invoke(
        cli, ["repair", "-q", "--jobs", jobs, str(folder), "--report", str(tmp_path / "r.html")]
    )
    assert shown.output == full.output
    assert "(not fixed: unsafe, --unsafe-fixes applies it)" in shown.output


def test_workers_repair_with_the_fixes_deferred_when_only_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`repair -q -o --jobs 2`: the workers (forked: they inherit this spy) repair with
    ``defer_applied``, as one process does, and count the fixes from their columns."""
    from cnfix.engine.deferred import AppliedFixes

    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", 10_000)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 8192)
    folder = tmp_path / "in"
    folder.mkdir()
    write_corpus_files(folder, 12, damage_every=1)
    (folder / "big.txt").write_text(_seed_text() * 3, encoding="utf-8")  # streamed
    real = packing.brief

    def deferred_only(outcome: Any, **how: Any) -> None:
        if outcome.changed and not isinstance(outcome.applied, AppliedFixes):
            raise AssertionError(f"fixes built one by one in process {os.getpid()}")
        real(outcome, **how)

    monkeypatch.setattr(packing, "brief", deferred_only)
    # Workers forked from here (they inherit the spy), even when other tests left
    # threads running (where the pool would pick a fork server).
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("only forked workers inherit the spy")
    monkeypatch.setattr(pool, "_context", lambda: multiprocessing.get_context("fork"))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["repair", "-q", "--jobs", "2", str(folder), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "13 files repaired." in result.output
    assert len(_written(out)) == 13
