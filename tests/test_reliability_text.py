"""Repairs touch only the damage (issue 21, F6, F27–F30): a damaged sentence changes no
correct text elsewhere; a cut between streamed chunks changes nothing; diffs and
summaries say what really happens.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cnfix
from damage import FAMILIES, corpus

import cnfix
from cnfix.app import parallel
from cnfix.app.runner import RunOptions
from cnfix.io import chunks
from cnfix.rules import RULES

#: Correct text that a confirmed codec chain used to read as garble elsewhere, in the
#: script of the document it is put in (a line of the other script would be unified).
BAIT = {
    "hans": [
        "除去“标准的”Unix 命令，本文还涉及了很多。",
        "（××××）最高法行决×号",
        "作者：Santos René Núñez，电话：12345。",
        "作者：Santos René Núñez Tél 12345。",
        "这是“正确的”Linux 发行版，价格 ±5%。",
    ],
    "hant": [
        "除去“標準的”Unix 命令，本文還涉及了很多。",
        "（××××）最高法行決×號",
        "作者：Santos René Núñez，電話：12345。",
        "作者：Santos René Núñez Tél 12345。",
        "這是“正確的”Linux 發行版，價格 ±5%。",
    ],
}
SENTENCE_RE = re.compile(r"[^。！？\n]{10,80}。")


def _single_damage_cases(count: int) -> list[tuple[str, str, str]]:
    """(family, damaged document, bait line): one corpus sentence garbled, correct
    bait text on a line of its own after it."""
    rng = random.Random(21)
    documents = corpus()
    cases = []
    families = ["gbk-as-latin1", "gbk-as-cp1252", "big5-as-gbk", "utf8-as-gbk", "utf8-as-cp1252"]
    while len(cases) < count:
        family = rng.choice(families)
        damage, scripts = FAMILIES[family]
        name, text = rng.choice(documents)
        script = name.split("/")[0]
        if script not in scripts:
            continue
        sentences = list(SENTENCE_RE.finditer(text))
        if not sentences:
            continue
        sentence = rng.choice(sentences)
        garbled = damage(sentence.group())
        if garbled is None:
            continue
        bait = rng.choice(BAIT[script])
        line_end = text.find("\n", sentence.end())
        line_end = len(text) if line_end == -1 else line_end
        damaged = (
            text[: sentence.start()]
            + garbled
            + text[sentence.end() : line_end]
            + f"\n{bait}\n"
            + text[line_end:].lstrip("\n")
        )
        cases.append((family, damaged, bait))
    return cases


@pytest.mark.parametrize(("family", "damaged", "bait"), _single_damage_cases(60))
def test_f6_one_damaged_sentence_changes_no_correct_line_elsewhere(
    family: str, damaged: str, bait: str
) -> None:
    repaired = cnfix.repair_text(damaged).text
    assert f"\n{bait}\n" in repaired, family


@pytest.mark.parametrize(
    "document",
    [
        "ÕâÆªÎÄÕÂ²»½öÄÜ°ïÖú¸Õ½Ó´¥ÃüÁîÐÐµÄÐÂÊÖ¡£\n除去“标准的”Unix 命令，本文还涉及了很多。\n",
        "ÕâÆªÎÄÕÂ²»½öÄÜ°ïÖú¸Õ½Ó´¥ÃüÁîÐÐµÄÐÂÊÖ¡£\n（××××）最高法行决×号\n",
    ],
)
def test_f6_the_issues_examples_keep_their_clean_line(document: str) -> None:
    repaired = cnfix.repair_text(document).text
    assert repaired.splitlines()[1] == document.splitlines()[1]
    assert repaired.splitlines()[0] != document.splitlines()[0]  # the garble is repaired


# --- F27: a streaming cut between two commas ---------------------------------------------------


def test_f27_a_cut_between_streamed_chunks_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One long line, cut where the chunk's bytes end: the result is the same as the
    whole file's repair, wherever the cut falls."""
    line = "会议指出,,要抓实学习教育,。" * 400
    path = tmp_path / "one-line.txt"
    expected = cnfix.repair_text(line).text
    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", 1024)
    for chunk_bytes in (1000, 1001, 1003, 1024, 1031):
        path.write_text(line, encoding="utf-8")
        monkeypatch.setattr(chunks, "CHUNK_BYTES", chunk_bytes)
        options = RunOptions(rules=RULES, repair=True, write=True)
        assert not [o.error for o in parallel.run_files([path], options) if o.error]
        assert path.read_text(encoding="utf-8") == expected, chunk_bytes


# --- F29: unified diffs that patch accepts, numbered as scan numbers lines ----------------------


@pytest.mark.parametrize(
    "content",
    [
        "第一章\n\x0c\n会议指出,,要抓实学习教育,。\n结束。\n",
        "第一章\u2028第二行\n会议指出,,要抓实学习教育,。\n",
        "abc\r会议指出,,要抓实学习教育,。\n",
        "windows\r\n会议指出,,要抓实。\r\n",
    ],
    ids=["form-feed", "line-separator", "lone-cr", "crlf"],
)
def test_f29_unified_diffs_apply_with_patch(tmp_path: Path, content: str) -> None:
    if shutil.which("patch") is None:
        pytest.skip("patch(1) is not installed")
    path = tmp_path / "doc.txt"
    path.write_bytes(content.encode())
    diff = run_cnfix("repair", "--diff", "unified", "doc.txt", cwd=tmp_path).stdout
    patched = run_cnfix("repair", "-w", "doc.txt", cwd=tmp_path)
    assert patched.returncode == 0
    repaired = path.read_bytes()
    path.write_bytes(content.encode())
    applied = subprocess.run(["patch", "-p1"], input=diff, cwd=tmp_path, capture_output=True)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert path.read_bytes() == repaired


def test_f29_diff_line_numbers_are_scans(tmp_path: Path) -> None:
    (tmp_path / "cr.txt").write_bytes("abc\r\x0c\n会议指出,,要抓实学习教育,。\n".encode())
    scan = run_cnfix("scan", "cr.txt", cwd=tmp_path).stdout.decode()
    inline = run_cnfix("repair", "cr.txt", cwd=tmp_path).stdout.decode()
    assert scan.startswith("cr.txt:2:")
    assert re.search(r"^\s+2 │ ", inline, re.M), inline


# --- F30: summaries ----------------------------------------------------------------------------


def test_f30_scan_counts_the_files_with_findings(tmp_path: Path) -> None:
    for number in range(5):
        (tmp_path / f"c{number}.txt").write_text("这是干净的文本。\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_text("会议指出,,要抓实\n", encoding="utf-8")
    result = run_cnfix("scan", ".", cwd=tmp_path)
    assert "in 1 of " in result.stdout.decode()


def test_f30_a_streamed_write_that_fails_is_not_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from cnfix.cli import cli
    from cnfix.io.chunks import StreamWriter

    path = tmp_path / "big.txt"
    path.write_text("会议指出,,要抓实学习教育,。\n" * 200, encoding="utf-8")
    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", 1024)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 2048)

    def no_space(self: StreamWriter) -> None:
        self.abort()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(StreamWriter, "commit", no_space)
    result = CliRunner().invoke(cli, ["repair", "-w", "--diff", "none", str(path)])
    assert result.exit_code == 2
    assert "0 files repaired" in result.stderr


# --- F25: temporary files of killed streamed and JSON Lines writes --------------------------


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    return int(child.stdout)


@pytest.mark.parametrize("mode", ["stream", "jsonl"])
def test_f25_the_next_streamed_or_jsonl_write_cleans_a_killed_runs_temps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    from click.testing import CliRunner

    from cnfix.cli import cli
    from cnfix.io.safe_files import TEMP_PREFIX

    stale = tmp_path / f"{TEMP_PREFIX}{_dead_pid()}-abcdefgh"
    stale.write_bytes(b"half a file")
    if mode == "stream":
        path = tmp_path / "big.txt"
        path.write_text("会议指出,,要抓实学习教育,。\n" * 200, encoding="utf-8")
        monkeypatch.setattr(parallel, "STREAM_THRESHOLD", 1024)
        monkeypatch.setattr(chunks, "CHUNK_BYTES", 2048)
        arguments = ["repair", "-w", "--diff", "none", str(path)]
    else:
        path = tmp_path / "data.jsonl"
        path.write_text('{"text": "会议指出,,要抓实学习教育,。"}\n' * 20, encoding="utf-8")
        arguments = ["repair", "--jsonl", "-w", "--diff", "none", str(path)]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# --- F28: a repair never adds findings ------------------------------------------------------


@pytest.mark.parametrize("text", ["；（\ufffdü崿F(xiàn)\ufffd@", "；；\ufffdü崿F(xiàn)\ufffd@"])
def test_f28_a_repair_leaves_no_more_findings_than_it_found(text: str) -> None:
    """Found by fuzzing (the strategies of test_adversarial, 40,000 examples). The
    reading as GB2312 in step read back 箥現 (a rare character: no longer safe), kept
    the two losses as U+FFFD, and each was then its own finding."""
    after = cnfix.scan_text(cnfix.repair_text(text).text)
    assert len(after) <= len(cnfix.scan_text(text))
