"""Never obey the input (issue 21, F8–F12, F15, F24, F32): a file, its name or a file of
settings cannot make a run leave its tree, write what the user may not write, act on the
terminal or the CI runner, or stall.
"""

from __future__ import annotations

import io
import os
import random
import re
import time
from pathlib import Path

import pytest
from conftest import run_cnfix
from hypothesis import given
from hypothesis import strategies as st
from test_bad_input import run_unprivileged, shared_tmp  # noqa: F401 - a fixture

import cnfix
from cnfix.app.runner import RunOptions, process_file
from cnfix.io import chunks, ignore, safe_files
from cnfix.io.decode import ChangedOnDiskError
from cnfix.report.diff import Printer
from cnfix.rules import RULES

DAMAGED = "会议指出,,要抓实学习教育,。6月19日,湖北省召开会议。\n"
REPAIRED = cnfix.repair_text(DAMAGED).text
REPAIR = RunOptions(rules=RULES, repair=True, write=True)
RECORD = '{"text": "会议指出,,要抓实学习教育,。"}\n'
ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\x9b31m\u202e"


# --- F8: --jsonl walks folders as every run does ------------------------------------------


def test_f8_jsonl_folder_walk_follows_no_link_out_and_skips_hidden(tmp_path: Path) -> None:
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    (tree / ".hidden").mkdir(parents=True)
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.jsonl").write_text(RECORD, encoding="utf-8")
    (outside / "dir" / "inner.jsonl").write_text(RECORD, encoding="utf-8")
    (tree / ".hidden" / "h.jsonl").write_text(RECORD, encoding="utf-8")
    (tree / "own.jsonl").write_text(RECORD, encoding="utf-8")
    (tree / "link.jsonl").symlink_to(outside / "secret.jsonl")
    (tree / "linked").symlink_to(outside / "dir")
    result = run_cnfix("repair", "--jsonl", "-w", "--diff", "none", "tree", cwd=tmp_path)
    assert (outside / "secret.jsonl").read_text(encoding="utf-8") == RECORD
    assert (outside / "dir" / "inner.jsonl").read_text(encoding="utf-8") == RECORD
    assert (tree / ".hidden" / "h.jsonl").read_text(encoding="utf-8") == RECORD
    assert (tree / "own.jsonl").read_text(encoding="utf-8") != RECORD
    assert b"outside" in result.stderr  # the link out is reported by name


# --- F9: a file the user may not write ----------------------------------------------------


def _repair_as_user(path: str) -> tuple[str | None, str | None]:
    outcome = process_file(Path(path), REPAIR)
    return outcome.error, str(outcome.written) if outcome.written else None


def test_f9_a_file_of_another_user_without_write_permission_is_refused(
    shared_tmp: Path,  # noqa: F811 - the fixture
) -> None:
    """A root-owned 0644 file in a world-writable folder: the folder would let a rename
    replace it (and give it another owner); its own bits say no."""
    if os.geteuid() != 0:
        pytest.skip("needs root to own the file while another user repairs it")
    path = shared_tmp / "root-owned.txt"
    path.write_text(DAMAGED, encoding="utf-8")
    path.chmod(0o644)
    before = path.stat()
    error, written = run_unprivileged(_repair_as_user, str(path))
    assert written is None
    assert error is not None and "read-only" in error
    assert path.read_text(encoding="utf-8") == DAMAGED
    assert (path.stat().st_uid, path.stat().st_ino) == (before.st_uid, before.st_ino)


# --- F10, F11, F32: what reaches the terminal and the CI runner -----------------------------


def test_f10_file_names_inject_no_workflow_command_through_stderr(tmp_path: Path) -> None:
    name = "a\n::error title=pwned::x\n::add-mask::secret.txt"
    (tmp_path / name).write_bytes(b"\x00\x01binary")  # a notice names the file
    (tmp_path / "b\n::error::y.txt").write_text(DAMAGED, encoding="utf-8")
    result = run_cnfix("repair", "-v", "--diff", "none", ".", cwd=tmp_path)
    for stream in (result.stderr, result.stdout):
        assert not [line for line in stream.splitlines() if line.startswith(b"::")], stream
    assert b"\\x0a::error" in result.stderr


@pytest.mark.parametrize("style", ["inline", "unified"])
def test_f11_escape_sequences_from_file_content_never_reach_the_output(
    tmp_path: Path, style: str
) -> None:
    (tmp_path / "esc.txt").write_text(f"{ESCAPES}{DAMAGED}{ESCAPES}", encoding="utf-8")
    result = run_cnfix("repair", "--diff", style, "esc.txt", cwd=tmp_path)
    assert b"\x1b" not in result.stdout and "\u202e".encode() not in result.stdout
    assert b"\xc2\x9b" not in result.stdout  # C1 CSI
    assert b"0;PWNED\\x07" in result.stdout


@pytest.mark.parametrize("color", [False, True])
def test_f11_terminal_diffs_escape_every_control_even_where_elided(color: bool) -> None:
    """On a terminal (folded to its width, in colour or not): a long OSC string cut by
    the ``…`` elision cannot swallow what follows."""
    old = "会议" + "\x1b]8;;http://evil.example/" + "x" * 80 + "\x07" + DAMAGED.strip()
    new = old.replace(",,", "，")
    stream = io.StringIO()
    printer = Printer(stream, color=color, width=60)
    printer.inline_diff("n\x1b[2Jame\u202e.txt", old, new, [])
    printer.unified("n\x1b[2Jame.txt", old, new)
    # Colour is the printer's own (CSI … m); nothing else, and no OSC, BEL or BiDi.
    leftover = re.sub(r"\x1b\[[0-9;]*m", "", stream.getvalue())
    assert "\x1b" not in leftover and "\x07" not in leftover and "\u202e" not in leftover


def test_f32_piped_names_keep_their_escape_sequences_visible(tmp_path: Path) -> None:
    (tmp_path / "b\x1b[2J.txt").write_text(DAMAGED, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DAMAGED, encoding="utf-8")
    for output_format in ("text", "github"):
        result = run_cnfix("scan", "--format", output_format, ".", cwd=tmp_path)
        assert b"b\\x1b[2J.txt" in result.stdout, output_format
        assert b"\x1b" not in result.stdout


# --- F12: a file swapped between the walk and the open ------------------------------------


def test_f12_a_file_swapped_for_a_link_after_the_walk_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    (tmp_path / "outside").mkdir()
    secret = tmp_path / "outside" / "secret.txt"
    secret.write_text(DAMAGED, encoding="utf-8")
    path = tmp_path / "tree" / "x.txt"
    path.write_text(DAMAGED, encoding="utf-8")
    walked = os.lstat(path)
    path.unlink()
    path.symlink_to(secret)  # the swap, after the walk's lstat
    options = RunOptions(rules=RULES, repair=True, write=True, trees=(tmp_path / "tree",))
    outcome = process_file(path, options, walked=walked)
    assert outcome.written is None and "symlink" in (outcome.notice or "")
    assert secret.read_text(encoding="utf-8") == DAMAGED


def test_f12_a_file_replaced_by_another_after_the_walk_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(DAMAGED, encoding="utf-8")
    walked = os.lstat(path)
    other = tmp_path / "other.txt"
    other.write_text(DAMAGED, encoding="utf-8")
    os.replace(other, path)
    outcome = process_file(path, REPAIR, walked=walked)
    assert outcome.written is None and "replaced" in (outcome.notice or "")


def _swap_folder_for_a_link(tmp_path: Path) -> None:
    """``tree/sub`` moves to ``tree/sub.old``; ``tree/sub`` becomes a link to a folder
    outside the tree that holds a file of the same name."""
    os.rename(tmp_path / "tree" / "sub", tmp_path / "tree" / "sub.old")
    (tmp_path / "tree" / "sub").symlink_to(tmp_path / "outside")


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    """``tree/sub/x.txt`` (damaged) and ``outside/x.txt`` (damaged too: a secret)."""
    (tmp_path / "tree" / "sub").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.txt").write_text(DAMAGED, encoding="utf-8")
    path = tmp_path / "tree" / "sub" / "x.txt"
    path.write_text(DAMAGED, encoding="utf-8")
    return path


def test_f12_a_folder_swapped_for_a_link_after_the_walk_is_not_followed(
    tmp_path: Path, nested: Path
) -> None:
    walked = os.lstat(nested)
    _swap_folder_for_a_link(tmp_path)
    options = RunOptions(rules=RULES, repair=True, write=True, trees=(tmp_path / "tree",))
    outcome = process_file(nested, options, walked=walked)
    assert outcome.written is None and "replaced" in (outcome.notice or "")
    assert (tmp_path / "outside" / "x.txt").read_text(encoding="utf-8") == DAMAGED


def test_f12_a_folder_swapped_between_the_read_and_the_write_is_not_written_through(
    tmp_path: Path, nested: Path
) -> None:
    original = safe_files.read_snapshot(nested, walked=os.lstat(nested))
    _swap_folder_for_a_link(tmp_path)
    with pytest.raises(ChangedOnDiskError):
        safe_files.write_atomic(nested, REPAIRED.encode(), expected=original)
    assert (tmp_path / "outside" / "x.txt").read_text(encoding="utf-8") == DAMAGED
    assert not list((tmp_path / "tree" / "sub.old").glob(".cnfix-tmp-*"))


def test_f12_a_folder_swapped_after_the_last_check_gets_no_write(
    tmp_path: Path, nested: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write happens in the folder opened before the check: a swap after it (the
    last moment) changes nothing; the file is written where it was."""
    checked = safe_files._check_unchanged

    def check_then_swap(*args: object) -> None:
        checked(*args)  # type: ignore[arg-type]
        _swap_folder_for_a_link(tmp_path)

    monkeypatch.setattr(safe_files, "_check_unchanged", check_then_swap)
    original = safe_files.read_snapshot(nested, walked=os.lstat(nested))
    safe_files.write_atomic(nested, REPAIRED.encode(), expected=original)
    assert (tmp_path / "outside" / "x.txt").read_text(encoding="utf-8") == DAMAGED
    moved = tmp_path / "tree" / "sub.old" / "x.txt"
    assert moved.read_text(encoding="utf-8") == REPAIRED


def test_f12_a_streamed_write_stays_in_the_folder_it_opened(tmp_path: Path, nested: Path) -> None:
    identity = safe_files.FileIdentity.of(os.stat(nested))
    writer = chunks.StreamWriter(nested, expected=identity)
    writer.write(REPAIRED.encode())
    _swap_folder_for_a_link(tmp_path)
    writer.commit()
    assert (tmp_path / "outside" / "x.txt").read_text(encoding="utf-8") == DAMAGED
    assert (tmp_path / "tree" / "sub.old" / "x.txt").read_text(encoding="utf-8") == REPAIRED
    assert not list((tmp_path / "tree" / "sub.old").glob(".cnfix-tmp-*"))


# --- F15, F24: ignore and configuration files ---------------------------------------------


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "huge"])
def test_f15_a_cnfixignore_that_is_no_small_regular_file_is_not_read(
    tmp_path: Path, kind: str
) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    special = tmp_path / ".cnfixignore"
    if kind == "dev-zero":
        special.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(special)
    else:
        special.write_bytes(b"# padding\n" * 300_000)
    result = run_cnfix("scan", ".", cwd=tmp_path, timeout=60)
    assert result.returncode == 1, result.stderr
    assert b"a.txt" in result.stdout


def test_f15_a_pyproject_that_is_a_fifo_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    os.mkfifo(tmp_path / "pyproject.toml")
    result = run_cnfix("scan", "a.txt", cwd=tmp_path, timeout=60)
    assert result.returncode in (1, 2)  # no hang: a FIFO is not "a file" to read
    assert b"Traceback" not in result.stderr


def test_f24_a_pattern_of_many_stars_matches_in_linear_time() -> None:
    rules = ignore.IgnoreFile.from_text("*a*a*a*a*a*a*a*a*a*a*a*a*b\n**/a/**/a/**/a/**/a/**/b\n")
    started = time.process_time()
    for length in (100, 200, 250):
        assert rules.decide("a" * length, is_dir=False) is None
        assert rules.decide("a/" * length + "c", is_dir=False) is None
        assert rules.decide("a" * length + "b", is_dir=False) is True
    assert time.process_time() - started < 1.0


GLOB_PIECES = ["a", "b", "/", "*", "**/", "?", "[ab]", "/**", "[!a]"]


@given(
    st.lists(st.sampled_from(GLOB_PIECES), min_size=1, max_size=7),
    st.text(alphabet="ab/", min_size=1, max_size=10),
)
def test_f24_linear_globs_match_what_the_plain_translation_matches(
    pieces: list[str], path: str
) -> None:
    glob = "".join(pieces).strip("/") or "a"
    path = path.strip("/") or "a"
    plain = "".join(ignore._tokens(glob))
    expected = re.fullmatch(plain, path, re.S) is not None
    assert (re.fullmatch(ignore._translate(glob), path, re.S) is not None) == expected


def test_f18_an_invalid_range_in_cnfixignore_is_no_pattern(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    (tmp_path / ".cnfixignore").write_text("[z-a]\n", encoding="utf-8")
    result = run_cnfix("scan", "a.txt", cwd=tmp_path)
    assert result.returncode == 1 and b"Traceback" not in result.stderr


def test_random_names_are_printed_on_one_line(tmp_path: Path) -> None:
    rng = random.Random(7)
    controls = [chr(code) for code in (*range(1, 32), *range(0x7F, 0xA0))] + ["\u202e", "\u2028"]
    for number in range(20):
        name = "".join(rng.choice([*controls, "x"]) for _ in range(8)).replace("/", "_")
        (tmp_path / f"{number}{name}.txt").write_text(DAMAGED, encoding="utf-8")
    result = run_cnfix("scan", ".", cwd=tmp_path)
    findings = result.stdout.split(b"\n\n")[0].splitlines()  # before the summary
    assert all(re.match(rb"^\d+[^\n]*?\.txt:1:\d+: P00", line) for line in findings), findings
    assert len({line.split(b".txt:")[0] for line in findings}) == 20
