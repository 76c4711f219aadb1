"""--jobs and streaming: the same results on one process or several, whole or in chunks."""

from __future__ import annotations

import codecs
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS, corpus_documents, write_corpus_files

import cnfix.app.parallel as parallel
import cnfix.app.pool as pool
import cnfix.app.streaming as streaming
from cnfix import repair_text
from cnfix.app.jsonl import run_blocks
from cnfix.app.parallel import run_files
from cnfix.app.pool import default_jobs, ordered_map
from cnfix.app.runner import RunOptions
from cnfix.app.streaming import ChunkOutcome
from cnfix.cli import cli
from cnfix.io import chunks, decode
from cnfix.io.chunks import iter_chunks, read_chunk
from cnfix.report.text import locate_all
from cnfix.rules import RULES, select_rules

#: Rules that judge each position locally, so a chunked repair equals a whole one.
LOCAL = select_rules(["stray-comma", "halfwidth-punctuation"])


def _seed_text() -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))


def _fail_on_three(value: int) -> int:
    if value == 3:
        raise ValueError("three")
    return value * 2


def test_default_jobs_is_the_core_count() -> None:
    assert default_jobs() == len(os.sched_getaffinity(0))


def test_idle_jobs_leave_out_the_busy_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "default_jobs", lambda: 4)
    for load, jobs in ((0.0, 4), (1.2, 3), (3.6, 1), (9.8, 1)):
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert pool.idle_jobs() == jobs


@pytest.mark.parametrize("jobs", [1, 2])
def test_ordered_map_keeps_order_and_reads_lazily(jobs: int) -> None:
    pulled: list[int] = []

    def items():
        for value in range(40):
            pulled.append(value)
            yield value

    results = ordered_map(abs, items(), jobs=jobs, ahead=4)
    first = [next(results) for _ in range(5)]
    assert first == [0, 1, 2, 3, 4]
    assert len(pulled) <= 5 + 4  # never more than `ahead` items beyond what was taken
    assert first + list(results) == list(range(40))


def test_ordered_map_raises_worker_errors_in_order() -> None:
    results = ordered_map(_fail_on_three, range(10), jobs=2)
    assert [next(results) for _ in range(3)] == [0, 2, 4]
    with pytest.raises(ValueError, match="three"):
        next(results)


@pytest.fixture
def small_files(tmp_path: Path) -> list[Path]:
    """Corpus documents, some of them damaged the way the seeds are."""
    return write_corpus_files(tmp_path, 60, damage_every=3)


def _summary(outcomes: list) -> list[tuple]:
    return [
        (o.path.name, o.error, [(f.code, f.start, f.end) for f in o.findings], o.repaired)
        for o in outcomes
    ]


@pytest.mark.parametrize("repair", [False, True])
def test_many_files_same_on_two_processes(
    small_files: list[Path], repair: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "BATCH_FILES", 7)
    options = RunOptions(rules=RULES, repair=repair)
    one = list(run_files(small_files, options, jobs=1))
    two = list(run_files(small_files, options, jobs=2))
    assert [o.path for o in two] == small_files
    assert _summary(one) == _summary(two)
    assert any(o.findings or o.changed for o in two)


def test_chunks_cover_the_file_at_line_ends(tmp_path: Path) -> None:
    text = _seed_text().replace("\n", "\r\n") * 3
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode("utf-8"))
    chunks = list(iter_chunks(path, chunk_bytes=4096))
    assert len(chunks) > 10
    assert "".join(chunk.text for chunk in chunks) == text
    line = 1
    for chunk in chunks:
        assert chunk.first_line == line
        assert chunk.text.endswith("\n") or chunk is chunks[-1]
        line += chunk.text.count("\n")


def test_chunks_of_a_gb18030_file_and_of_a_long_line(tmp_path: Path) -> None:
    text = _seed_text()
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gb18030"))
    chunks = list(iter_chunks(path, chunk_bytes=2048))
    assert "".join(chunk.text for chunk in chunks) == text
    assert {chunk.encoding for chunk in chunks} == {"gb18030"}
    long_line = "中" * 20000 + "\r\n" + "文" * 10
    path.write_bytes(long_line.encode("utf-8"))
    chunks = list(iter_chunks(path, chunk_bytes=1000))
    assert "".join(chunk.text for chunk in chunks) == long_line
    assert all(not chunk.text.endswith("\r") for chunk in chunks)


def test_a_chunks_bytes_decode_alone_to_its_text(tmp_path: Path) -> None:
    """Where a file's chunks are (``Chunk.span``, what a worker is sent) holds their
    text, in UTF-8 (a byte-order mark skipped, also when named with ``--encoding``),
    GB18030 and Big5; a chunk whose text no bytes hold alone (a last character cut
    short, UTF-16) has none, nor have the chunks after one cut inside a long line."""
    text = _seed_text().replace("\n", "\r\n") + "中文" * 1000 + "\n" + _seed_text()
    traditional = "".join(f"第{n}段：這是一段繁體中文的文字，許功蓋。\n\n" for n in range(400))
    path = tmp_path / "big.txt"
    for data, encoding in (
        (text.encode("utf-8"), None),
        (codecs.BOM_UTF8 + text.encode("utf-8"), None),
        (codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8"),
        (text.encode("gb18030"), None),
        (traditional.encode("big5"), "big5"),
    ):
        path.write_bytes(data)
        pieces = list(iter_chunks(path, chunk_bytes=2048, encoding=encoding))
        assert len(pieces) > 4 and "".join(chunk.text for chunk in pieces) in (text, traditional)
        assert all(chunk.span is not None for chunk in pieces)
        for chunk in pieces:
            assert read_chunk(str(path), chunk) == chunk.text
    path.write_bytes(text.encode("utf-8") + "中".encode()[:2])
    *whole, last = iter_chunks(path, chunk_bytes=2048)
    assert last.text.endswith("\ufffd") and last.span is None
    assert all(read_chunk(str(path), chunk) == chunk.text for chunk in whole)
    path.write_bytes((text + "中文。" * 5000 + "\n" + text).encode())
    pieces = list(iter_chunks(path, chunk_bytes=2048))
    cut = next(at for at, chunk in enumerate(pieces) if chunk.text.endswith("。"))
    assert cut > 3
    assert all(read_chunk(str(path), chunk) == chunk.text for chunk in pieces[:cut])
    assert {chunk.span for chunk in pieces[cut:]} == {None}
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert {chunk.span for chunk in iter_chunks(path, chunk_bytes=2048)} == {None}


def _forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers forked from here, even when other tests left threads running (where the
    pool would pick a fork server): they inherit this test's patches."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("only forked workers inherit this test's patches")
    monkeypatch.setattr(pool, "_context", lambda: multiprocessing.get_context("fork"))


def test_a_file_changed_before_a_worker_reads_its_chunk_stops_the_stream(
    streamed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker reads a chunk's bytes only from the file the chunk was cut from: changed
    since (here: after its third chunk was cut), the file is reported as not read
    further, and not written; the chunks before it are reported."""
    original = streamed.read_bytes()
    pieces = list(iter_chunks(streamed, chunk_bytes=8192))
    with streamed.open("ab") as file:
        file.write("再一行。\n".encode())
    with pytest.raises(decode.ChangedOnDiskError):
        read_chunk(str(streamed), pieces[0])
    streamed.write_bytes(original)
    real = chunks.read_chunk
    third = pieces[2].span

    def changed_after_the_third(source: str, chunk: chunks.Chunk) -> str:
        if chunk.span is not None and third is not None and chunk.span >= third:
            raise decode.ChangedOnDiskError("file changed on disk while it was read")
        return real(source, chunk)

    monkeypatch.setattr(streaming, "read_chunk", changed_after_the_third)
    _forked(monkeypatch)  # the workers inherit it
    options = RunOptions(rules=RULES, repair=True, write=True)
    outcomes = list(run_files([streamed], options, jobs=2))
    assert [type(o).__name__ for o in outcomes] == ["ChunkOutcome"] * 2 + ["FileOutcome"]
    assert outcomes[-1].error == "cannot read: file changed on disk while it was read"
    assert streamed.read_bytes() == original
    assert sorted(p.name for p in streamed.parent.iterdir()) == [streamed.name]


def test_invalid_bytes_late_in_a_streamed_file_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(("中文。\n" * 3000).encode("utf-8") + b"\xff\xfe broken\n")
    with pytest.raises(decode.InputError, match="cannot decode as utf-8"):
        list(iter_chunks(path, chunk_bytes=1024))


@pytest.fixture
def streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file above the (lowered) streaming threshold, read in small chunks."""
    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", 10_000)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 8192)
    path = tmp_path / "big.txt"
    path.write_text(_seed_text() * 4, encoding="utf-8")
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_scan_locates_findings_in_the_whole_file(streamed: Path, jobs: int) -> None:
    text = streamed.read_text(encoding="utf-8")
    whole = repair_text(text, select=[r.name for r in LOCAL])  # noqa: F841 - warm caches
    outcomes = list(run_files([streamed], RunOptions(rules=LOCAL), jobs=jobs))
    assert len(outcomes) > 5 and all(isinstance(o, ChunkOutcome) for o in outcomes)
    assert outcomes[-1].last and not outcomes[0].last
    located = [
        (item.finding.code, item.line, item.column)
        for o in outcomes
        for item in locate_all(o.text, o.findings, o.first_line)
    ]
    from cnfix import scan_text

    expected = [
        (item.finding.code, item.line, item.column)
        for item in locate_all(text, scan_text(text, select=[r.name for r in LOCAL]))
    ]
    assert sorted(located) == sorted(expected)


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_repair_in_place(streamed: Path, jobs: int) -> None:
    text = streamed.read_text(encoding="utf-8")
    options = RunOptions(rules=LOCAL, repair=True, write=True)
    outcomes = list(run_files([streamed], options, jobs=jobs))
    assert not [o.error for o in outcomes if o.error]
    assert outcomes[-1].written == streamed
    assert (
        streamed.read_text(encoding="utf-8")
        == repair_text(text, select=[r.name for r in LOCAL]).text
    )
    before = os.stat(streamed)
    list(run_files([streamed], options, jobs=jobs))  # nothing left to fix: not rewritten
    after = os.stat(streamed)
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert not list(streamed.parent.glob(".cnfix-tmp-*"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_file_changed_while_repairing_is_not_overwritten(
    streamed: Path, jobs: int
) -> None:
    options = RunOptions(rules=LOCAL, repair=True, write=True)
    outcomes = run_files([streamed], options, jobs=jobs)
    first = next(outcomes)
    assert isinstance(first, ChunkOutcome)
    streamed.write_text("replaced by someone else\n", encoding="utf-8")
    rest = list(outcomes)
    assert any("changed on disk" in (o.error or "") for o in rest)
    assert streamed.read_text(encoding="utf-8") == "replaced by someone else\n"
    assert not list(streamed.parent.glob(".cnfix-tmp-*"))


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_streamed_legacy_encodings_repair_alike_with_more_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    """A GB18030 or Big5 file streamed on two processes (its workers read their chunks'
    bytes themselves) is reported and written as on one."""
    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", 10_000)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 8192)
    lines = _seed_text().splitlines(keepends=True)
    text = "".join(line for line in lines if _encodes(line, encoding))
    text *= 60_000 // len(text.encode(encoding)) + 1
    source = tmp_path / "big.txt"
    source.write_bytes(text.encode(encoding))
    results = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        options = RunOptions(rules=RULES, repair=True, write=True, output_root=out)
        outcomes = list(run_files([source], options, jobs=jobs))
        assert len(outcomes) > 5 and not [o.error for o in outcomes if o.error]
        found = [(o.first_line, [(f.code, f.start) for f in o.findings]) for o in outcomes]
        results[jobs] = (found, (out / "big.txt").read_bytes())
    assert results[1] == results[2]
    assert results[1][1] != text.encode("utf-8")  # repaired


def _encodes(line: str, encoding: str) -> bool:
    try:
        line.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def test_cli_jobs_gives_the_same_report(
    small_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    folder = str(small_files[0].parent)
    runner = CliRunner()
    one = runner.invoke(cli, ["scan", "--jobs", "1", folder])
    two = runner.invoke(cli, ["scan", "--jobs", "2", folder])
    assert one.exit_code == two.exit_code == 1
    assert one.output == two.output


def test_cli_streamed_scan_and_repair(streamed: Path) -> None:
    runner = CliRunner()
    scan = runner.invoke(cli, ["scan", "--select", "stray-comma", str(streamed)])
    text = streamed.read_text(encoding="utf-8")
    expected_lines = {
        item.line for item in locate_all(text, __import__("cnfix").scan_text(text, select=["P001"]))
    }
    reported = {int(line.split(":")[1]) for line in scan.output.splitlines() if ": P001 " in line}
    assert reported == expected_lines
    done = runner.invoke(cli, ["repair", "-w", "--select", "P001,P002", str(streamed)])
    assert done.exit_code in (0, 1), done.output
    assert "; 1 file repaired." in done.output  # a streamed file counts once
    assert streamed.read_text(encoding="utf-8") == repair_text(text, select=["P001", "P002"]).text


def test_one_large_jsonl_file_same_on_two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    import cnfix.app.jsonl as jsonl

    monkeypatch.setattr(jsonl, "BATCH_BYTES", 4096)
    texts = [p.read_text(encoding="utf-8") for p in corpus_documents()[:40]]
    texts += [_seed_text()[i : i + 800] for i in range(0, 8000, 800)]
    data = b"".join(
        json.dumps({"id": n, "text": t}, ensure_ascii=False).encode() + b"\n"
        for n, t in enumerate(texts)
    )
    options = RunOptions(rules=RULES, repair=True)
    one = b"".join(b.data for b in run_blocks(io.BytesIO(data), ("text",), options, jobs=1))
    two = b"".join(b.data for b in run_blocks(io.BytesIO(data), ("text",), options, jobs=2))
    assert one == two
    assert one != data


def test_scanning_clean_utf8_imports_no_heavy_library(tmp_path: Path) -> None:
    """Start-up: valid UTF-8 never reaches charset-normalizer; ftfy, OpenCC and rich are
    not imported for clean Simplified text; no process pool for a few small files."""
    import subprocess
    import sys

    paths = []
    for number, source in enumerate(corpus_documents("hans")[:3]):
        path = tmp_path / f"{number}.txt"
        path.write_bytes(source.read_bytes())
        paths.append(str(path))
    probe = (
        "import sys\n"
        "from cnfix.cli import main\n"
        f"sys.argv = ['cnfix', 'scan', *{paths!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        "heavy = ('ftfy', 'opencc', 'charset_normalizer', 'rich', 'concurrent.futures')\n"
        "print(code, sorted(name for name in heavy if name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[-2] == "0 []", result.stdout


def test_ordered_map_does_not_fork_a_threaded_process() -> None:
    """With another thread running, workers come from a fork server (same results)."""
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert list(ordered_map(abs, range(-6, 6), jobs=2)) == [abs(n) for n in range(-6, 6)]
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_streamed_script_is_program_text_in_every_chunk(streamed: Path, jobs: int) -> None:
    """Only the first chunk holds the ``#!`` line; every chunk is the file's kind."""
    script = streamed.with_name("deploy")
    script.write_text("#!/bin/sh\n" + streamed.read_text(encoding="utf-8"), encoding="utf-8")
    before = script.read_bytes()
    options = RunOptions(rules=LOCAL, repair=True, write=True)
    outcomes = list(run_files([script], options, jobs=jobs))
    assert len(outcomes) > 5 and not [o.error for o in outcomes if o.error]
    assert script.read_bytes() == before


def test_forked_workers_inherit_the_compiled_mojibake_prefilter() -> None:
    """The prefilter a long run compiles is compiled before the pool forks: workers
    inherit it instead of each compiling it (~50 ms). In a fresh process, the first
    item is done in the parent, which has not compiled it yet."""
    import subprocess
    import sys

    probe = (
        "from cnfix.app.pool import ordered_map\n"
        "from cnfix.rules.mojibake.prefilter import PREFILTER_RE\n"
        "from cnfix.text.chars import is_compiled\n"
        "def compiled(_: int) -> bool:\n"
        "    return is_compiled(PREFILTER_RE)\n"
        "if __name__ == '__main__':\n"
        "    print(list(ordered_map(compiled, range(4), jobs=2)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    forked = "fork" in __import__("multiprocessing").get_all_start_methods()
    assert result.stdout.strip() == str([False, *[forked] * 3])


def _frozen(_: int) -> int:
    import gc

    return gc.get_freeze_count()


def test_forked_workers_start_with_the_parents_objects_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker's cycle collector never traverses (nor writes to) what it inherited.
    Forked from here even when other tests left threads running (where the pool would
    pick a fork server)."""
    import gc
    import multiprocessing

    from cnfix.app import pool

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("only forked workers inherit the parent's objects")
    monkeypatch.setattr(pool, "_context", lambda: multiprocessing.get_context("fork"))
    counts = list(ordered_map(_frozen, range(6), jobs=2))
    assert counts[0] == 0  # the first item is done here, before the workers start
    assert all(count > 10_000 for count in counts[1:])  # cnfix's modules and tables
    assert gc.get_freeze_count() == 0  # this process's collector still sees everything


def _pid(_: int) -> int:
    return os.getpid()


def test_a_warm_up_in_place_of_the_first_item_done_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``warm_up``: before the workers fork, it is done here on the first item, and that
    item goes to the workers like the others; without, the first item is done here."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("a warm-up is for workers forked from here")
    monkeypatch.setattr(pool, "_context", lambda: multiprocessing.get_context("fork"))
    warmed: list[int] = []
    with pool.Pool(2) as workers:
        done = list(workers.ordered(_pid, range(6), warm_up=warmed.append))
    assert warmed == [0] and [item for item, _ in done] == list(range(6))
    assert os.getpid() not in {pid for _, pid in done}
    with pool.Pool(2) as workers:
        done = list(workers.ordered(_pid, range(6)))
    assert done[0][1] == os.getpid() and os.getpid() not in {pid for _, pid in done[1:]}
