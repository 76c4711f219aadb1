"""Bad input: every case gets a one-line error or notice naming the file, the run goes on
with the other files, the exit code is 2 when a file could not be processed, and nothing
is written for that file.

Most cases run the real CLI in a subprocess (a hang shows as a timeout). Permission
checks need an unprivileged user: as root they run in a forked child that switched to
``nobody``.
"""

from __future__ import annotations

import os
import pickle
import pwd
import random
import re
import resource
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cnfix

import cnfix
from cnfix.app import runner
from cnfix.app.runner import RunOptions, process_file
from cnfix.io import decode, safe_files
from cnfix.io.discovery import discover
from cnfix.model import Document
from cnfix.rules import RULES

DAMAGED = "会议指出,,要抓实学习教育,。6月19日,湖北省召开会议。\n"
REPAIRED = cnfix.repair_text(DAMAGED).text
ERROR_LINE = re.compile(rb"^cnfix: error: .+: .+$")


def error_lines(result: subprocess.CompletedProcess[bytes]) -> list[bytes]:
    return [line for line in result.stderr.splitlines() if line.startswith(b"cnfix: error:")]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def test_damaged_sample_is_repaired_by_the_rules() -> None:
    assert REPAIRED != DAMAGED


# --- missing paths, permissions -------------------------------------------------------


def test_missing_path_is_an_error_and_the_run_goes_on(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", DAMAGED)
    result = run_cnfix("repair", "-w", "missing.txt", "good.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert error_lines(result) == [b"cnfix: error: missing.txt: no such file or directory"]
    assert good.read_text(encoding="utf-8") == REPAIRED


def _nobody() -> tuple[int, int] | None:
    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def run_unprivileged(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` as a user without root's permission override.

    Not root: called directly. Root: in a forked child that switched to ``nobody``
    (modules are imported before the fork: the child cannot read root's Python).
    """
    if os.geteuid() != 0:
        return function(*args)
    ids = _nobody()
    if ids is None:
        pytest.skip("running as root and there is no 'nobody' user to drop to")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_end)
        try:
            os.setgroups([])
            os.setgid(ids[1])
            os.setuid(ids[0])
            result: tuple[str, Any] = ("ok", function(*args))
        except BaseException as error:
            result = ("raised", repr(error))
        with os.fdopen(write_end, "wb") as pipe:
            pickle.dump(result, pipe)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data)
    assert status == "ok", value
    return value


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder that ``nobody`` can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="cnfix-perm-"))
    folder.chmod(0o777)
    yield folder
    for path in sorted(folder.rglob("*"), reverse=True):
        path.chmod(0o777) if path.is_dir() else None
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def _process_tree(root: str) -> list[tuple[str, str | None, str | None, bool]]:
    tree = Path(root)
    options = RunOptions(rules=RULES, repair=True, write=True, trees=(tree,))
    return [
        (str(path), outcome.error, outcome.notice, outcome.written is not None)
        for path in discover([tree])
        for outcome in [process_file(path, options)]
    ]


def test_unreadable_folder_and_file_are_errors_the_rest_is_repaired(shared_tmp: Path) -> None:
    tree = shared_tmp / "tree"
    good = write(tree / "good.txt", DAMAGED)
    write(tree / "locked" / "inside.txt", DAMAGED)
    secret = write(tree / "secret.txt", DAMAGED)
    for path in (tree, tree / "locked"):
        path.chmod(0o777)
    good.chmod(0o666)
    (tree / "locked").chmod(0o000)
    secret.chmod(0o000)
    results = {Path(path).name: rest for path, *rest in run_unprivileged(_process_tree, str(tree))}
    assert results["locked"][0] == "cannot read folder: Permission denied"
    assert results["secret.txt"][0] == "cannot read: Permission denied"
    assert results["good.txt"] == [None, None, True]
    assert good.read_text(encoding="utf-8") == REPAIRED
    (tree / "locked").chmod(0o755)
    secret.chmod(0o644)
    assert (tree / "locked" / "inside.txt").read_text(encoding="utf-8") == DAMAGED
    assert secret.read_text(encoding="utf-8") == DAMAGED


def test_read_only_file_is_not_written_under_in_place(tmp_path: Path) -> None:
    readonly = write(tmp_path / "readonly.txt", DAMAGED)
    readonly.chmod(0o444)
    other = write(tmp_path / "other.txt", DAMAGED)
    result = run_cnfix("repair", "-w", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert error_lines(result) == [
        b"cnfix: error: readonly.txt: read-only file (mode 0444); not written"
    ]
    assert readonly.read_text(encoding="utf-8") == DAMAGED
    assert stat.S_IMODE(readonly.stat().st_mode) == 0o444
    assert other.read_text(encoding="utf-8") == REPAIRED


def test_hard_linked_file_is_not_split(tmp_path: Path) -> None:
    original = write(tmp_path / "a.txt", DAMAGED)
    os.link(original, tmp_path / "b.md")
    result = run_cnfix("repair", "-w", "a.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert b"a.txt: file has 2 hard links" in result.stderr
    assert (tmp_path / "b.md").read_text(encoding="utf-8") == DAMAGED
    assert original.stat().st_ino == (tmp_path / "b.md").stat().st_ino


# --- a file that changes between read and write ------------------------------------


def _repair_with_change(
    monkeypatch: pytest.MonkeyPatch, path: Path, change: Callable[[Path], None]
) -> runner.FileOutcome:
    """Run ``process_file`` on ``path`` and apply ``change`` after reading, before writing."""
    original = runner.process_document

    def process_then_change(doc: Document, options: RunOptions, outcome: Any) -> None:
        original(doc, options, outcome)
        change(path)

    monkeypatch.setattr(runner, "process_document", process_then_change)
    return process_file(path, RunOptions(rules=RULES, repair=True, write=True))


def _append(path: Path) -> None:
    with path.open("ab") as stream:
        stream.write("新的一行,,\n".encode())


def _same_size_same_mtime(path: Path) -> None:
    status = path.stat()
    data = bytearray(path.read_bytes())
    data[:3] = "变".encode()  # 会 -> 变, three bytes for three bytes
    path.write_bytes(bytes(data))
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def _replaced_by_identical_copy(path: Path) -> None:
    copy = path.with_name("copy.tmp")
    copy.write_bytes(path.read_bytes())
    os.replace(copy, path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_append, "file changed on disk since it was read; not overwritten"),
        (_same_size_same_mtime, "file changed on disk since it was read; not overwritten"),
        (_replaced_by_identical_copy, "file changed on disk since it was read; not overwritten"),
        (Path.unlink, "file disappeared since it was read; not written"),
    ],
)
def test_file_changed_between_read_and_write_is_not_overwritten(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path], None],
    message: str,
) -> None:
    path = write(tmp_path / "doc.txt", DAMAGED)
    outcome = _repair_with_change(monkeypatch, path, change)
    assert outcome.error == message
    assert outcome.written is None
    if change is Path.unlink:
        assert not path.exists()
    else:
        assert path.read_bytes() != REPAIRED.encode()
    assert not list(tmp_path.glob(safe_files.TEMP_PREFIX + "*"))


def test_write_atomic_compares_content_without_a_snapshot(tmp_path: Path) -> None:
    path = write(tmp_path / "doc.txt", "新内容\n")
    with pytest.raises(decode.ChangedOnDiskError):
        safe_files.write_atomic(path, b"repaired", expected=b"old content")
    assert path.read_text(encoding="utf-8") == "新内容\n"


# --- symlinks --------------------------------------------------------------------------


@pytest.fixture
def linked_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    outside = tmp_path / "outside"
    write(tree / "a.txt", DAMAGED)
    write(tree / "sub" / "b.txt", DAMAGED)
    write(outside / "o.txt", DAMAGED)
    (tree / "link_in.txt").symlink_to("a.txt")
    (tree / "sub" / "link_up.txt").symlink_to("../a.txt")
    (tree / "link_out.txt").symlink_to(outside / "o.txt")
    (tree / "dir_out").symlink_to(outside, target_is_directory=True)
    (tree / "sub" / "loop").symlink_to("..", target_is_directory=True)
    (tree / "self.txt").symlink_to("self.txt")
    (tree / "ping.txt").symlink_to("pong.txt")
    (tree / "pong.txt").symlink_to("ping.txt")
    (tree / "broken.txt").symlink_to("nowhere.txt")
    return tmp_path


def test_symlinks_out_of_the_tree_are_never_followed(linked_tree: Path) -> None:
    result = run_cnfix("repair", "-w", "tree", cwd=linked_tree, timeout=30)
    assert result.returncode == 0, result.stderr
    tree = linked_tree / "tree"
    assert (tree / "a.txt").read_text(encoding="utf-8") == REPAIRED
    assert (tree / "sub" / "b.txt").read_text(encoding="utf-8") == REPAIRED
    assert (linked_tree / "outside" / "o.txt").read_text(encoding="utf-8") == DAMAGED
    for link in ("link_in.txt", "link_out.txt", "dir_out", "self.txt", "broken.txt"):
        assert (tree / link).is_symlink(), link
    notices = result.stderr.decode().splitlines()
    target = linked_tree / "outside" / "o.txt"
    expected = f"cnfix: tree/link_out.txt: skipped: symlink to {target}, outside tree; not followed"
    assert expected in notices
    assert any(line.startswith("cnfix: tree/dir_out: skipped: symlink to") for line in notices)
    # Each file inside the tree is repaired once, through its own name, not via its links.
    assert result.stdout.count(b"a.txt") == 1


def test_symlink_named_on_the_command_line_is_written_through(linked_tree: Path) -> None:
    tree = linked_tree / "tree"
    result = run_cnfix("repair", "-w", "link_out.txt", cwd=tree)
    assert result.returncode == 0, result.stderr
    assert (tree / "link_out.txt").is_symlink()
    assert (linked_tree / "outside" / "o.txt").read_text(encoding="utf-8") == REPAIRED


def test_broken_or_looping_symlink_named_on_the_command_line_is_an_error(
    linked_tree: Path,
) -> None:
    result = run_cnfix("scan", "broken.txt", "ping.txt", "a.txt", cwd=linked_tree / "tree")
    assert result.returncode == 2
    assert error_lines(result) == [
        b"cnfix: error: broken.txt: broken symlink (to nowhere.txt) or a link loop",
        b"cnfix: error: ping.txt: broken symlink (to pong.txt) or a link loop",
    ]


# --- FIFOs, devices ------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_and_devices_are_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    write(tmp_path / "doc.txt", DAMAGED)
    devices = [name for name in ("/dev/zero", "/dev/null") if os.path.exists(name)]
    result = run_cnfix("repair", "-w", ".", *devices, cwd=tmp_path, timeout=30)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.decode().splitlines()
    assert "cnfix: pipe.txt: skipped: not a regular file (FIFO); never opened" in lines
    for device in devices:
        assert f"cnfix: {device}: skipped: not a regular file (device file); never opened" in lines
    assert (tmp_path / "doc.txt").read_text(encoding="utf-8") == REPAIRED
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe.txt").st_mode)


def test_fifo_swapped_in_after_the_check_does_not_hang(tmp_path: Path) -> None:
    """The open is non-blocking and re-checked on the descriptor."""
    fifo = tmp_path / "late.txt"
    os.mkfifo(fifo)
    real_stat = os.stat
    calls: list[Path] = []

    def stat_says_regular(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        calls.append(path)
        return real_stat(__file__)

    start = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(safe_files.os, "stat", stat_says_regular)
        with pytest.raises(decode.NotTextError, match="FIFO"):
            safe_files.read_snapshot(fifo)
    assert calls and time.monotonic() - start < 5


# --- names, sizes, encodings -----------------------------------------------------------


def test_file_name_that_is_not_utf8_is_printed_escaped(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"bad\xff.txt"), "wb") as stream:
        stream.write(DAMAGED.encode())
    readonly = os.path.join(folder, b"ro\xfe.txt")
    with open(readonly, "wb") as stream:
        stream.write(DAMAGED.encode())
    os.chmod(readonly, 0o444)
    result = run_cnfix("repair", "-w", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"bad\\udcff.txt" in result.stdout
    assert error_lines(result) == [
        b"cnfix: error: ro\\udcfe.txt: read-only file (mode 0444); not written"
    ]
    with open(os.path.join(folder, b"bad\xff.txt"), "rb") as stream:
        assert stream.read() == REPAIRED.encode()


def test_empty_and_bom_only_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf")
    before = empty.stat()
    result = run_cnfix("repair", "-w", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not error_lines(result)
    assert empty.read_bytes() == b""
    assert (empty.stat().st_ino, empty.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert bom.read_bytes() == b""  # the byte-order mark is the only thing to repair


def test_binary_files_are_skipped_with_a_notice(tmp_path: Path) -> None:
    nul = tmp_path / "nul.txt"
    nul.write_bytes(DAMAGED.encode() + b"\x00\x01\x02" + DAMAGED.encode())
    image = tmp_path / "image.txt"
    noise = random.Random(8).randbytes(4096)
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise)
    write(tmp_path / "doc.txt", DAMAGED)
    result = run_cnfix("repair", "-w", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.decode().splitlines()
    assert any(line.startswith("cnfix: nul.txt: skipped: binary") for line in lines), lines
    assert any(line.startswith("cnfix: image.txt: skipped: binary") for line in lines), lines
    assert nul.read_bytes() == DAMAGED.encode() + b"\x00\x01\x02" + DAMAGED.encode()
    assert image.read_bytes().endswith(noise)
    assert (tmp_path / "doc.txt").read_text(encoding="utf-8") == REPAIRED


@pytest.mark.slow
def test_2gb_file_is_never_read_whole(tmp_path: Path) -> None:
    """Files over ``STREAM_THRESHOLD`` are streamed in chunks (``parallel``); this one
    is binary, which the first chunk shows. Memory stays far below the file's size."""
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as stream:
        stream.truncate(2 << 30)  # sparse: costs no disk, but a whole read would cost 2 GB
    write(tmp_path / "doc.txt", DAMAGED)
    start = time.monotonic()
    result = run_cnfix("repair", "-w", ".", cwd=tmp_path, timeout=60)
    assert time.monotonic() - start < 30
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1 << 20  # KB: < 1 GB
    lines = [line for line in result.stderr.splitlines() if b"huge.txt" in line]
    assert len(lines) == 1, result.stderr
    assert b"binary" in lines[0] or b"size limit" in lines[0]
    assert (tmp_path / "doc.txt").read_text(encoding="utf-8") == REPAIRED
    assert huge.stat().st_size == 2 << 30
    assert not list(tmp_path.glob(safe_files.TEMP_PREFIX + "*"))


def test_2gb_file_read_whole_is_refused_by_the_size_limit(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as stream:
        stream.truncate(2 << 30)
    outcome = process_file(huge, RunOptions(rules=RULES, repair=True, write=True))
    assert outcome.error == "file is 2048.0 MB, over the size limit of 256 MB (--max-size); skipped"


@pytest.mark.slow
def test_max_size_option(tmp_path: Path) -> None:
    # 1.5 MB: over the limit of 1 MB, under the streaming threshold (a file read whole).
    write(tmp_path / "big.txt", DAMAGED * (3 * 2**19 // len(DAMAGED.encode()) + 1))
    refused = run_cnfix("scan", "--max-size", "1", "big.txt", cwd=tmp_path)
    assert refused.returncode == 2
    assert b"over the size limit of 1 MB" in refused.stderr
    unlimited = run_cnfix(
        "scan", "--select", "stray-comma", "--max-size", "0", "big.txt", cwd=tmp_path
    )
    assert unlimited.returncode == 1, unlimited.stderr


@pytest.mark.slow
def test_single_50mb_line(tmp_path: Path) -> None:
    """A 50 MB file without a line break (streamed in chunks by the CLI): every damaged
    sentence in it is repaired, nothing else changes, no line break appears."""
    damaged, repaired = DAMAGED.strip(), REPAIRED.strip()
    filler = "abcdefghij" * (2**20 // 10)
    path = write(tmp_path / "line.txt", damaged + (filler + damaged) * 50)
    start = time.monotonic()
    result = run_cnfix("repair", "-w", "--diff", "none", "line.txt", cwd=tmp_path, timeout=150)
    elapsed = time.monotonic() - start
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == repaired + (filler + repaired) * 50
    assert elapsed < 120


@pytest.mark.parametrize("bad", [b"\xff", b"\xe4\xb8", b"\x80\x80\x80"])
def test_invalid_utf8_in_the_middle_is_never_rewritten(tmp_path: Path, bad: bytes) -> None:
    """Policy: a file with invalid UTF-8 is not UTF-8. It goes to detection; when no
    Chinese encoding decodes it (or only with low confidence) it is reported and left
    exactly as it is. It is never decoded with replacement characters and written back."""
    data = (DAMAGED * 40).encode() + bad + (DAMAGED * 40).encode()
    path = tmp_path / "mixed.txt"
    path.write_bytes(data)
    result = run_cnfix("repair", "-w", "mixed.txt", cwd=tmp_path)
    assert b"Traceback" not in result.stderr
    assert path.read_bytes() == data
    assert b"mixed.txt" in result.stderr


def test_mixed_line_endings_are_kept_exactly(tmp_path: Path) -> None:
    line = DAMAGED.rstrip("\n")
    endings = ["\r\n", "\n", "\r\n", "\r", "\n", ""]
    path = write(tmp_path / "mixed.txt", "".join(line + end for end in endings))
    result = run_cnfix("repair", "-w", "mixed.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    fixed = REPAIRED.rstrip("\n")
    assert path.read_bytes() == "".join(fixed + end for end in endings).encode()


def test_lone_surrogates_never_crash_and_are_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    escaped = (DAMAGED.encode() + b"\xff\xfe" + DAMAGED.encode()).decode("utf-8", "surrogateescape")
    result = cnfix.repair_text(escaped)
    assert "\udcff\udcfe" in result.text
    assert cnfix.repair_text(result.text).text == result.text
    # A decoder that let surrogates through must not make the runner write garbage.
    path = write(tmp_path / "doc.txt", DAMAGED)
    monkeypatch.setattr(
        safe_files,
        "decode_bytes",
        lambda data, encoding=None, force=False: decode.Decoded(escaped, "utf-8", False, 1.0),
    )
    outcome = process_file(path, RunOptions(rules=RULES, repair=True, write=True))
    assert outcome.error is not None
    assert outcome.error.startswith("repaired text cannot be written as UTF-8")
    assert path.read_text(encoding="utf-8") == DAMAGED


@pytest.mark.slow
def test_deeply_nested_folders(tmp_path: Path) -> None:
    depth = 1200  # deeper than Python's recursion limit (os.walk recursed on 3.11)
    deep = str(tmp_path / "nest")
    os.mkdir(deep)
    for _ in range(depth):  # Path.mkdir(parents=True) and os.makedirs recurse too
        deep += "/d"
        os.mkdir(deep)
    try:
        write(Path(deep) / "deep.txt", DAMAGED)
        write(tmp_path / "top.txt", DAMAGED)
        result = run_cnfix("repair", "-w", ".", cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-500:]
        assert (Path(deep) / "deep.txt").read_text(encoding="utf-8") == REPAIRED
        assert (tmp_path / "top.txt").read_text(encoding="utf-8") == REPAIRED
    finally:
        subprocess.run(["rm", "-rf", str(tmp_path / "nest")], check=False)


def test_every_error_is_one_line_naming_the_file(tmp_path: Path) -> None:
    write(tmp_path / "ro.txt", DAMAGED).chmod(0o444)
    (tmp_path / "huge.txt").write_bytes(b"x" * (2 * 2**20))
    write(tmp_path / "ok.txt", DAMAGED)
    result = run_cnfix("repair", "-w", "--max-size", "1", ".", "gone.md", cwd=tmp_path)
    assert result.returncode == 2
    lines = error_lines(result)
    assert len(lines) == 3
    assert all(ERROR_LINE.match(line) for line in lines)
    assert [line.split(b":")[2].strip() for line in lines] == [b"huge.txt", b"ro.txt", b"gone.md"]


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_file_name_that_is_not_utf8_in_every_report_format(
    tmp_path: Path, output_format: str
) -> None:
    with open(os.path.join(os.fsencode(tmp_path), b"bad\xff.txt"), "wb") as stream:
        stream.write(DAMAGED.encode())
    result = run_cnfix("scan", "--format", output_format, ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"bad" in result.stdout
