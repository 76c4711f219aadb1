"""``--report report.html`` on every way of running: scan and repair of files (showing,
``-o``, ``--in-place``) and of JSON Lines; the page's totals are those of the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cnfix
from html_dom import dom_of, number
from pipeline_data import damaged_records, reference_repair, write_jsonl


def _report(path: Path):
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    return dom_of(html)


def _fixed(dom) -> dict[str, int]:
    return {rule: number(cells["fixed"]) for rule, cells in dom.rule_rows.items()}


@pytest.fixture(scope="module")
def records() -> list[dict[str, str]]:
    return damaged_records()


@pytest.mark.parametrize("write", [[], ["-o", "clean.jsonl"], ["--in-place"]])
def test_repair_jsonl(tmp_path: Path, records: list[dict], write: list[str]) -> None:
    source = write_jsonl(tmp_path / "raw.jsonl", records)
    fixed, texts = reference_repair(source, tmp_path / "reference.jsonl")
    done = run_cnfix("repair", "--jsonl", "raw.jsonl", *write, "--report", "r.html", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    dom = _report(tmp_path / "r.html")
    assert number(dom.text_by_id["total-units"]) == len(records)
    changed = sum(r["text"] != t for r, t in zip(records, texts, strict=True))
    assert number(dom.text_by_id["total-changed"]) == changed
    assert {rule: n for rule, n in _fixed(dom).items() if n} == dict(fixed)
    assert set(dom.samples) == set(dom.rule_rows)


def test_scan_jsonl(tmp_path: Path, records: list[dict]) -> None:
    write_jsonl(tmp_path / "raw.jsonl", records)
    scanned = run_cnfix(
        "scan", "--jsonl", "raw.jsonl", "--format", "json", "--report", "r.html", cwd=tmp_path
    )
    findings = json.loads(scanned.stdout)
    dom = _report(tmp_path / "r.html")
    assert number(dom.text_by_id["total-units"]) == len(records)
    assert number(dom.text_by_id["total-left"]) == len(findings)
    assert number(dom.text_by_id["total-flagged"]) == len({f["record"] for f in findings})


@pytest.mark.parametrize("command", ["scan", "repair", "repair -o out", "repair --in-place"])
def test_files(tmp_path: Path, records: list[dict], command: str) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for index, record in enumerate(records[:12]):
        (folder / f"{index:02}.md").write_text(record["text"], encoding="utf-8")
    before = run_cnfix("scan", "--format", "json", "docs", cwd=tmp_path)
    found = json.loads(before.stdout)
    done = run_cnfix(*command.split(), "docs", "--report", "r.html", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    dom = _report(tmp_path / "r.html")
    assert number(dom.text_by_id["total-units"]) == 12
    if command == "scan":
        assert number(dom.text_by_id["total-left"]) == len(found)
    else:
        assert number(dom.text_by_id["total-changed"]) >= 1
        assert sum(_fixed(dom).values()) >= 1
    assert dom.samples and set(dom.samples) == set(dom.rule_rows)


def test_unwritable_report_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("会议指出,,要抓实。\n", encoding="utf-8")
    done = run_cnfix("scan", "a.txt", "--report", "missing/r.html", cwd=tmp_path, text=True)
    assert done.returncode == 2 and "cannot write the report" in done.stderr


@pytest.mark.parametrize("command", ["scan", "repair"])
def test_stdin(tmp_path: Path, command: str) -> None:
    text = "会议指出,,要抓实学习教育,。\n"
    done = run_cnfix(command, "-", "--report", "r.html", cwd=tmp_path, input=text.encode())
    assert done.returncode == (1 if command == "scan" else 0), done.stderr
    dom = _report(tmp_path / "r.html")
    assert number(dom.text_by_id["total-units"]) == 1
    assert set(dom.samples) == {"stray-comma", "halfwidth-punctuation"}


def _abc_found_and_moved_back(old: str, new: str) -> None:
    """Findings on every ``ABC`` of ``new`` (one in ~1,000 characters) move back to an
    ``ABC`` of ``old`` each, no two to the same."""
    from cnfix.model import Finding
    from cnfix.report.text import moved_back

    findings = []
    for at in range(0, len(new), 997):
        start = new.find("ABC", at)
        if start < 0:
            break
        findings.append(Finding("x", "X1", start, start + 3, "m"))
    moved = moved_back(old, new, findings)
    assert len(moved) == len(findings) > 10
    assert all(old[f.start : f.end] == "ABC" for f in moved)
    assert len({f.start for f in moved}) == len(moved)


def test_findings_of_a_long_repeating_file_move_back_to_their_text() -> None:
    """``repair FILE`` (not written) places what is left on the original's lines: on a
    long file whose lines repeat, each finding still points at
    its own text (difflib's pairing was quadratic here)."""
    block = ["第一行,,内容\n", "\n", "\n", "\n", "第二行 ABC 文字\n", "相同的行\n"]
    old = "".join(block * 1000)
    _abc_found_and_moved_back(old, old.replace(",,", "，").replace(" ABC", "ABC"))


def test_findings_move_back_across_blank_lines_the_repair_cut() -> None:
    """The same when the repair also cut blank lines (the line count changed) in a file
    too long for ``difflib``'s line pairing (405 s on 18,000 lines of the seeds)."""
    from cnfix.report.matcher import DIFFLIB_LINES

    block = ["第一行,,内容\n", "\n", "\n", "\n", "\n", "第二行 ABC 文字\n", "相同的行\n"]
    old = "".join(block * 1000)
    new = old.replace(",,", "，").replace("\n\n\n\n\n", "\n\n")
    assert old.count("\n") + new.count("\n") > DIFFLIB_LINES
    _abc_found_and_moved_back(old, new)
