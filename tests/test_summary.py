"""One summary grammar for ``scan`` and ``repair`` in every mode (files, stdin, JSON Lines
records; dry run, ``-w``, ``--check``, ``-q``): findings by what became of them (fixed /
fixable safely / fixable with --unsafe-fixes / report-only), units with findings of
units checked; and every finding a repair leaves is printed with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cnfix

#: One safe fix (the doubled comma: stray-comma and halfwidth-punctuation), one unsafe
#: (three blank lines), one report-only (lost bytes).
MIXED = "会议指出,,要抓实学习教育。\n\n\n\n他说锟斤拷是乱码。\n"
CLEAN = "会议指出，要抓实学习教育。\n"
KINDS = "2 fixable safely, 1 fixable with --unsafe-fixes, 1 report-only"
UNSAFE_LEFT = (
    "L001 blank-lines 3 blank lines in a row (not fixed: unsafe, --unsafe-fixes applies it)"
)
REPORT_ONLY_LEFT = (
    "E003 lost-bytes U+FFFD replacement bytes read as GBK (锟斤拷): the original bytes are gone "
    "(not fixed: report-only)"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "mixed.txt").write_text(MIXED, encoding="utf-8")
    (tmp_path / "clean.txt").write_text(CLEAN, encoding="utf-8")
    records = [{"text": MIXED}, {"text": CLEAN}, {"text": CLEAN}]
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    (tmp_path / "records.jsonl").write_text(lines, encoding="utf-8")
    return tmp_path


def _run(project: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    done = run_cnfix(*args, cwd=project, input=stdin, text=True)
    return done.returncode, done.stdout, done.stderr


def test_scan_files(project: Path) -> None:
    code, out, _ = _run(project, "scan", "mixed.txt", "clean.txt")
    assert code == 1
    assert out.splitlines()[-1] == f"4 findings in 1 of 2 files: {KINDS}."
    # the table splits what is fixable the same way: 2 safely, 1 only with --unsafe-fixes
    assert out.splitlines()[-2].split() == ["total", "4", "2", "1"]
    assert "count   safe unsafe" in out
    code, out, _ = _run(project, "scan", "-q", "mixed.txt", "clean.txt")
    assert out.splitlines()[-1] == f"4 findings in 1 of 2 files: {KINDS}."
    code, out, _ = _run(project, "scan", "clean.txt")
    assert (code, out) == (0, "No findings in 1 file.\n")
    assert _run(project, "scan", "-q", "clean.txt")[1] == ""


def test_scan_stdin(project: Path) -> None:
    _code, out, _ = _run(project, "scan", "-", stdin=MIXED)
    assert out.splitlines()[-1] == f"4 findings in 1 of 1 file: {KINDS}."


def test_scan_records(project: Path) -> None:
    _code, out, _ = _run(project, "scan", "--jsonl", "records.jsonl")
    assert out.splitlines()[-1] == f"4 findings in 1 of 3 records: {KINDS}."


def test_repair_dry_run_shows_the_diff_then_what_is_left(project: Path) -> None:
    code, out, err = _run(project, "repair", "mixed.txt", "clean.txt")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "mixed.txt: 2 fixes (stray-comma 1, halfwidth-punctuation 1)"
    assert lines[-2:] == [f"mixed.txt:1:15: {UNSAFE_LEFT}", f"mixed.txt:5:3: {REPORT_ONLY_LEFT}"]
    assert err == (
        "cnfix: 4 findings in 1 of 2 files: 2 would be fixed, 1 fixable with --unsafe-fixes, "
        "1 report-only; 1 file would change.\n"
    )


def test_repair_in_place_and_the_hook_say_what_is_left(project: Path) -> None:
    for options in (["-w"], ["--in-place", "--exit-non-zero-on-fix"]):  # the latter: the hook
        (project / "mixed.txt").write_text(MIXED, encoding="utf-8")
        code, out, err = _run(project, "repair", *options, "mixed.txt", "clean.txt")
        assert code == 1
        assert out.splitlines()[-2:] == [
            f"mixed.txt:1:14: {UNSAFE_LEFT}",
            f"mixed.txt:5:3: {REPORT_ONLY_LEFT}",
        ]
        assert err == (
            "cnfix: 4 findings in 1 of 2 files: 2 fixed, 1 fixable with --unsafe-fixes, "
            "1 report-only; 1 file repaired.\n"
        )


def test_repair_unsafe_fixes_leaves_only_report_only(project: Path) -> None:
    _code, out, err = _run(project, "repair", "--unsafe-fixes", "-q", "mixed.txt")
    assert out == f"mixed.txt:5:3: {REPORT_ONLY_LEFT}\n"  # where the file has it
    assert "3 would be fixed, 1 report-only; 1 file would change." in err


def test_check_quiet_names_the_files_and_keeps_one_summary_line(project: Path) -> None:
    code, out, err = _run(project, "repair", "--check", "-q", "mixed.txt", "clean.txt")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "would repair mixed.txt: 2 fixes (stray-comma 1, halfwidth-punctuation 1)"
    assert len(lines) == 3  # and the two findings left
    assert err.count("\n") == 1 and err.endswith("1 file would change.\n")
    code, out, err = _run(project, "repair", "--check", "-q", "clean.txt")
    assert (code, out, err) == (0, "", "")


def test_repair_stdin_reports_on_stderr(project: Path) -> None:
    _code, out, err = _run(project, "repair", "-", stdin=MIXED)
    assert out.startswith("会议指出，要抓实学习教育。")
    assert f"-:1:14: {UNSAFE_LEFT}" in err
    assert err.endswith("2 fixed, 1 fixable with --unsafe-fixes, 1 report-only; 1 file repaired.\n")


def test_repair_records(project: Path) -> None:
    _code, out, err = _run(project, "repair", "--jsonl", "-o", "-", "records.jsonl")
    assert json.loads(out.splitlines()[0])["text"].startswith("会议指出，")
    assert f"records.jsonl:1:text:5:3: {REPORT_ONLY_LEFT}" in err
    assert err.endswith(
        "cnfix: 4 findings in 1 of 3 records: 2 fixed, 1 fixable with --unsafe-fixes, "
        "1 report-only; 1 record repaired.\n"
    )


def test_dry_run_places_what_is_left_where_the_file_has_it(tmp_path: Path) -> None:
    """Without -w the file still holds the original: each finding left is located where
    scan locates it in the file (not in the repaired text the dry run made)."""
    import shutil

    from conftest import SEEDS

    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, tmp_path / seed.name)
    (tmp_path / "mixed.txt").write_text(MIXED, encoding="utf-8")
    scanned = json.loads(run_cnfix("scan", "--format", "json", ".", cwd=tmp_path, text=True).stdout)
    places = {(Path(r["path"]).name, r["line"], r["column"], r["code"]) for r in scanned}
    for options in ([], ["--unsafe-fixes"]):
        out = run_cnfix("repair", *options, ".", cwd=tmp_path, text=True).stdout
        left = [line.split(": ", 2) for line in out.splitlines() if "(not fixed: " in line]
        assert left
        for where, rest, _ in left:
            path, line, column = where.rsplit(":", 2)
            place = (Path(path).name, int(line), int(column), rest.split()[0])
            assert place in places, (options, where, rest)
