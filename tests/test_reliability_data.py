"""Never lose a byte (issue 21, F1–F7): a repair writes a file whole or not at all, only
where it was asked to, and never over what someone else saved meanwhile; stdin comes out
as the user's bytes unless a certain repair changed them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run_cnfix
from hypothesis import given
from hypothesis import strategies as st

import cnfix
from cnfix.app import parallel, streaming
from cnfix.app.runner import RunOptions, repair_stdin
from cnfix.cli import cli, repair_command
from cnfix.io import chunks, safe_files
from cnfix.rules import RULES

DAMAGED = "会议指出,,要抓实学习教育,。6月19日,湖北省召开会议。\n"
REPAIRED = cnfix.repair_text(DAMAGED).text
EDITOR = "EDITOR SAVED THIS: 新的内容。\n" * 50
REPAIR = RunOptions(rules=RULES, repair=True, write=True)


def temps(folder: Path) -> list[Path]:
    return sorted(folder.rglob(safe_files.TEMP_PREFIX + "*"))


@pytest.fixture
def streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A damaged file that the run streams in several small chunks."""
    path = tmp_path / "big.txt"
    path.write_text(DAMAGED * 200, encoding="utf-8")
    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", 1024)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 2048)
    return path


def _rename_save(path: Path) -> None:
    swap = path.with_suffix(".swp")
    swap.write_text(EDITOR, encoding="utf-8")
    os.replace(swap, path)


def _rewrite_in_place(path: Path) -> None:
    with open(path, "r+b") as file:
        file.write(EDITOR.encode())
        file.truncate()


# --- F1: an editor saves a streamed file while it is repaired -----------------------------


@pytest.mark.parametrize("save", [_rename_save, _rewrite_in_place], ids=["rename", "rewrite"])
def test_f1_an_editor_save_during_a_streamed_repair_is_kept(
    streamed: Path, monkeypatch: pytest.MonkeyPatch, save: Callable[[Path], None]
) -> None:
    """The save lands while the first chunk is being repaired, before any outcome came
    back (the old code took the file's identity only then, and overwrote the save)."""
    real = streaming.process_chunk

    def editor_saves_meanwhile(unit: object, options: RunOptions) -> object:
        if unit.index == 0:  # type: ignore[attr-defined]
            save(streamed)
        return real(unit, options)  # type: ignore[arg-type]

    monkeypatch.setattr(streaming, "process_chunk", editor_saves_meanwhile)
    outcomes = list(parallel.run_files([streamed], REPAIR))
    assert streamed.read_text(encoding="utf-8") == EDITOR
    assert any("changed on disk" in (outcome.error or "") for outcome in outcomes)
    assert temps(streamed.parent) == []


def test_f1_a_streamed_repair_without_interference_is_written(streamed: Path) -> None:
    outcomes = list(parallel.run_files([streamed], REPAIR))
    assert not [outcome.error for outcome in outcomes if outcome.error]
    assert streamed.read_text(encoding="utf-8") == REPAIRED * 200


# --- F2, F26, F31: an output folder that is (in) an input folder ---------------------------


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize(
    "output", ["tree/sub", "tree", "tree/../tree", "tree/new"], ids=["sub", "same", "alias", "new"]
)
def test_f2_f26_f31_output_inside_the_input_is_refused(tmp_path: Path, output: str) -> None:
    (tmp_path / "tree" / "sub").mkdir(parents=True)
    (tmp_path / "tree" / "a.txt").write_text("文件甲,,内容甲。\n", encoding="utf-8")
    (tmp_path / "tree" / "sub" / "a.txt").write_text(
        "文件乙：非常重要的原始数据。\n", encoding="utf-8"
    )
    before = _tree(tmp_path)
    result = run_cnfix("repair", "-o", output, "tree", "--diff", "none", cwd=tmp_path)
    assert result.returncode == 2
    assert b"inside the input folder" in result.stderr
    assert _tree(tmp_path) == before


def test_f31_output_named_by_a_link_to_the_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "a.txt").write_text(DAMAGED, encoding="utf-8")
    (tmp_path / "alias").symlink_to("tree")
    result = run_cnfix("repair", "-o", "alias", "tree", cwd=tmp_path)
    assert result.returncode == 2
    assert (tmp_path / "tree" / "a.txt").read_text(encoding="utf-8") == DAMAGED


def test_f2_an_input_file_inside_the_output_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.txt").write_text(DAMAGED, encoding="utf-8")
    result = run_cnfix("repair", "-o", "out", "out/a.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == DAMAGED


# --- F4: several inputs under -o -----------------------------------------------------------


def test_f4_several_folders_are_mirrored_below_their_common_folder(tmp_path: Path) -> None:
    for name, number in (("t1/a.txt", "一"), ("t1/sub/a.txt", "二"), ("t2/a.txt", "三")):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"会议指出,,要抓实。{number}\n", encoding="utf-8")
    result = run_cnfix("repair", "-o", "out", "t1", "t2", "--diff", "none", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert _tree(out) == {
        "t1/a.txt": "会议指出，要抓实。一\n".encode(),
        "t1/sub/a.txt": "会议指出，要抓实。二\n".encode(),
        "t2/a.txt": "会议指出，要抓实。三\n".encode(),
    }
    assert b"3 files repaired" in result.stderr


def test_f4_files_of_one_name_from_two_folders_do_not_collide(tmp_path: Path) -> None:
    for folder in ("d1", "d2"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text(f"{folder}：会议指出,,\n", encoding="utf-8")
    result = run_cnfix("repair", "-o", "out", "d1/a.txt", "d2/a.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(_tree(tmp_path / "out")) == ["d1/a.txt", "d2/a.txt"]


def test_f4_one_folder_is_still_mirrored_at_the_top_of_the_output(tmp_path: Path) -> None:
    (tmp_path / "tree" / "sub").mkdir(parents=True)
    (tmp_path / "tree" / "sub" / "b.txt").write_text(DAMAGED, encoding="utf-8")
    result = run_cnfix("repair", "-o", "out", "tree", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "sub" / "b.txt").read_text(encoding="utf-8") == REPAIRED


# --- F5: links already in the output folder -------------------------------------------------


@pytest.mark.parametrize("large", [False, True], ids=["small", "streamed"])
def test_f5_links_in_the_output_folder_are_never_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    tree, out, victim = tmp_path / "tree", tmp_path / "out", tmp_path / "victim"
    for folder in (tree / "sub", out, victim):
        folder.mkdir(parents=True)
    (tree / "a.txt").write_text(DAMAGED * 40, encoding="utf-8")
    (tree / "sub" / "b.txt").write_text(DAMAGED * 40, encoding="utf-8")
    (victim / "important.conf").write_text("VICTIM CONTENT\n", encoding="utf-8")
    (out / "a.txt").symlink_to(victim / "important.conf")
    (out / "sub").symlink_to(victim)
    if large:
        monkeypatch.setattr(parallel, "STREAM_THRESHOLD", 1024)
        monkeypatch.setattr(chunks, "CHUNK_BYTES", 2048)
    options = RunOptions(rules=RULES, repair=True, write=True, output_root=out, input_root=tree)
    outcomes = list(parallel.run_files([tree / "a.txt", tree / "sub" / "b.txt"], options))
    assert (victim / "important.conf").read_text(encoding="utf-8") == "VICTIM CONTENT\n"
    assert sorted(path.name for path in victim.iterdir()) == ["important.conf"]
    errors = {str(outcome.path.name) for outcome in outcomes if outcome.error}
    assert errors == {"a.txt", "b.txt"}
    assert temps(tmp_path) == []


# --- F3: -i on a streamed file ----------------------------------------------------------------


@pytest.mark.parametrize(("answer", "written"), [("s\n", False), ("r\n", True)])
def test_f3_interactive_on_a_streamed_file_writes_only_what_was_accepted(
    streamed: Path, monkeypatch: pytest.MonkeyPatch, answer: str, written: bool
) -> None:
    """``-i`` asks per fix (skip / accept all of this rule); a skipped fix stays skipped
    in every chunk of a large file, an accepted rule applies in all of them."""
    monkeypatch.chdir(streamed.parent)
    monkeypatch.setattr(repair_command, "_stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["repair", "-i", "big.txt"], input=answer * 20)
    assert "Apply this " in result.stderr, result.stderr
    expected = REPAIRED * 200 if written else DAMAGED * 200
    assert streamed.read_text(encoding="utf-8") == expected


# --- F7 and stdin: the user's bytes ---------------------------------------------------------


def test_f7_stdout_is_utf8_whatever_the_locale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = "会议指出,,要抓实😀𠀀\n".encode()
    for encoding in ("gbk", "ascii", "latin-1"):
        monkeypatch.setenv("PYTHONIOENCODING", encoding)
        result = run_cnfix("repair", "-", cwd=tmp_path, input=data)
        assert result.stdout == "会议指出，要抓实😀𠀀\n".encode(), encoding


@pytest.mark.parametrize(
    "data",
    [
        "会议指出,,要抓实".encode() + b"\x85" + "学习教育,。\n".encode(),  # one stray byte
        b"\xff\xfe\x00\xd8" + b"abc,," * 3,  # a BOM and a lone surrogate
        bytes(range(128, 256)) * 3,  # no text at all
        "会议指出,,要抓实学习教育".encode("gb18030")[:9],  # too short to be sure of
    ],
    ids=["stray-byte", "bad-utf16", "binary", "short-gbk"],
)
def test_stdin_never_loses_the_users_bytes(tmp_path: Path, data: bytes) -> None:
    result = run_cnfix("repair", "-", cwd=tmp_path, input=data)
    assert result.stdout == data
    assert b"Traceback" not in result.stderr


@given(st.binary(max_size=200))
def test_stdin_bytes_change_only_by_a_certain_repair(data: bytes) -> None:
    outcome, out = repair_stdin(data, RunOptions(rules=RULES, repair=True))
    if out != data:
        assert outcome.changed and outcome.repaired is not None
        assert out == outcome.repaired.encode("utf-8")


def test_f34_a_stray_byte_in_utf8_is_damaged_utf8_and_never_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "nel.txt"
    data = "会议指出,,要抓实".encode() + b"\x85" + "学习教育。\n".encode()
    path.write_bytes(data)
    scan = run_cnfix("scan", "nel.txt", cwd=tmp_path)
    assert b"utf-16" not in scan.stdout
    assert b"stray-comma" in scan.stdout and b"lost-bytes" in scan.stdout
    repair = run_cnfix("repair", "-w", "nel.txt", cwd=tmp_path)
    assert b"UTF-8 with invalid bytes" in repair.stderr
    assert path.read_bytes() == data


def test_stdin_repair_exits_like_a_file(tmp_path: Path) -> None:
    result = run_cnfix("repair", "-", cwd=tmp_path, input=DAMAGED.encode())
    assert result.returncode == 0
    assert result.stdout == REPAIRED.encode()
    assert sys.getdefaultencoding() == "utf-8"


def test_interactive_accepting_a_rule_approves_it_in_every_later_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the kill test's ``-i`` mode: "all" approved the next file only."""
    names = ["a.txt", "b.txt", "c.txt"]
    for name in names:
        (tmp_path / name).write_text(DAMAGED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(repair_command, "_stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["repair", "-i", *names], input="r\n" * 5)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Apply ") <= 3  # once per rule of the first file
    for name in names:
        assert (tmp_path / name).read_text(encoding="utf-8") == REPAIRED
