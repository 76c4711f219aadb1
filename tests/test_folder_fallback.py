"""Writes without folder descriptors (Windows has no ``dir_fd``): the path-based fallback
of ``io.folder.Folder`` gives the outcomes the descriptor gives. Each test runs both
ways; ``by_path`` forces the fallback by making the capability check say no.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import cnfix
from cnfix.app.runner import RunOptions, process_file
from cnfix.io import chunks, folder, safe_files
from cnfix.io.decode import ChangedOnDiskError, InputError
from cnfix.rules import RULES

DAMAGED = "会议指出,,要抓实学习教育,。6月19日,湖北省召开会议。\n"
REPAIRED = cnfix.repair_text(DAMAGED).text


@pytest.fixture(params=["dir_fd", "by_path"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "by_path":
        monkeypatch.setattr(folder, "dir_fd_supported", lambda: False)
    return request.param


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(DAMAGED, encoding="utf-8")
    path.chmod(0o640)
    return path


def _temps(path: Path) -> list[Path]:
    return list(path.glob(".cnfix-tmp-*"))


def test_the_fallback_is_taken_when_dir_fd_is_missing(tmp_path: Path, way: str) -> None:
    opened = folder.Folder(tmp_path)
    try:
        assert (opened.dir_fd is None) == (way == "by_path")
    finally:
        opened.close()


def test_an_atomic_replace_keeps_the_mode_and_leaves_no_temp(damaged: Path, way: str) -> None:
    before = os.stat(damaged)
    snapshot = safe_files.read_snapshot(damaged)
    safe_files.write_atomic(damaged, REPAIRED.encode(), expected=snapshot)
    after = os.stat(damaged)
    assert damaged.read_text(encoding="utf-8") == REPAIRED
    assert after.st_ino != before.st_ino and after.st_mode == before.st_mode
    assert _temps(damaged.parent) == []


def test_a_repair_in_place_is_written(damaged: Path, way: str) -> None:
    outcome = process_file(damaged, RunOptions(rules=RULES, repair=True, write=True))
    assert outcome.written == damaged and outcome.error is None
    assert damaged.read_text(encoding="utf-8") == REPAIRED
    assert _temps(damaged.parent) == []


def test_a_streamed_write_commits_or_aborts_cleanly(damaged: Path, way: str) -> None:
    identity = safe_files.FileIdentity.of(os.stat(damaged))
    aborted = chunks.StreamWriter(damaged, expected=identity)
    aborted.write(b"half")
    aborted.abort()
    assert damaged.read_text(encoding="utf-8") == DAMAGED
    writer = chunks.StreamWriter(damaged, expected=identity)
    writer.write(REPAIRED.encode())
    writer.commit()
    assert damaged.read_text(encoding="utf-8") == REPAIRED
    assert _temps(damaged.parent) == []


def _hard_link(path: Path) -> None:
    os.link(path, path.with_name("other-name.txt"))


def _read_only(path: Path) -> None:
    path.chmod(0o444)


@pytest.mark.parametrize("refusal", [_hard_link, _read_only])
def test_refused_targets_are_left_alone(damaged: Path, way: str, refusal) -> None:  # type: ignore[no-untyped-def]
    refusal(damaged)
    with pytest.raises(InputError):
        safe_files.write_atomic(damaged, REPAIRED.encode())
    with pytest.raises(InputError):
        chunks.StreamWriter(damaged)
    assert damaged.read_text(encoding="utf-8") == DAMAGED
    assert _temps(damaged.parent) == []


def test_a_symlink_under_an_output_folder_is_not_written_through(
    tmp_path: Path, damaged: Path, way: str
) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(damaged)
    with pytest.raises(InputError):
        safe_files.write_atomic(link, REPAIRED.encode(), follow_symlinks=False)
    assert damaged.read_text(encoding="utf-8") == DAMAGED


def test_a_file_changed_since_it_was_read_is_not_overwritten(damaged: Path, way: str) -> None:
    snapshot = safe_files.read_snapshot(damaged)
    identity = safe_files.FileIdentity.of(os.stat(damaged))
    writer = chunks.StreamWriter(damaged, expected=identity)
    writer.write(REPAIRED.encode())
    damaged.write_text("an editor's save\n", encoding="utf-8")
    with pytest.raises(ChangedOnDiskError):
        safe_files.write_atomic(damaged, REPAIRED.encode(), expected=snapshot)
    with pytest.raises(ChangedOnDiskError):
        writer.commit()
    assert damaged.read_text(encoding="utf-8") == "an editor's save\n"
    assert _temps(damaged.parent) == []


def test_a_folder_swapped_after_the_last_check_is_never_written_through(
    tmp_path: Path, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a descriptor the write lands in the folder opened; by path the rename is
    refused, the path no longer leading to it. Either way the file outside is untouched."""
    (tmp_path / "tree" / "sub").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.txt").write_text(DAMAGED, encoding="utf-8")
    nested = tmp_path / "tree" / "sub" / "x.txt"
    nested.write_text(DAMAGED, encoding="utf-8")
    checked = safe_files._check_unchanged

    def check_then_swap(*args: object) -> None:
        checked(*args)  # type: ignore[arg-type]
        os.rename(tmp_path / "tree" / "sub", tmp_path / "tree" / "sub.old")
        (tmp_path / "tree" / "sub").symlink_to(tmp_path / "outside")

    monkeypatch.setattr(safe_files, "_check_unchanged", check_then_swap)
    snapshot = safe_files.read_snapshot(nested)
    moved = tmp_path / "tree" / "sub.old" / "x.txt"
    if way == "by_path":
        with pytest.raises(ChangedOnDiskError):
            safe_files.write_atomic(nested, REPAIRED.encode(), expected=snapshot)
        assert moved.read_text(encoding="utf-8") == DAMAGED
    else:
        safe_files.write_atomic(nested, REPAIRED.encode(), expected=snapshot)
        assert moved.read_text(encoding="utf-8") == REPAIRED
    assert (tmp_path / "outside" / "x.txt").read_text(encoding="utf-8") == DAMAGED
    assert _temps(tmp_path / "outside") == []
