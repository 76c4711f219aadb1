"""Input that is not Chinese, or not what it claims, through the real CLI (issue 15):
nothing is destroyed, exit codes and messages say what happened, stdin is guarded
exactly like files."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cnfix

#: Invalid UTF-8 on stdin: 主机 then a character that lost its last two bytes to ``??``.
DAMAGED_UTF8 = b"\xe4\xb8\xbb\xe6\x9c\xba\xe5??/IP"
JAPANESE = "日本語のテキストです。東京都に住んでいます。今日はいい天気ですね。\n" * 3
RUSSIAN = "Привет, мир! Это русский текст в кодировке Windows-1251. Москва — столица.\n" * 3
WESTERN = "Café crème, déjà vu, naïve façade, señor Müller.\n" * 3


def test_damaged_utf8_on_stdin_is_reported_and_passed_through_unchanged(tmp_path: Path) -> None:
    repaired = run_cnfix("repair", "-", cwd=tmp_path, input=DAMAGED_UTF8)
    assert repaired.returncode == 1
    assert repaired.stdout == DAMAGED_UTF8
    assert b"UTF-8 with invalid bytes" in repaired.stderr
    scanned = run_cnfix("scan", "-", cwd=tmp_path, input=DAMAGED_UTF8)
    assert scanned.returncode == 1
    assert b"lost-bytes" in scanned.stdout
    assert b"utf-16" not in scanned.stdout + scanned.stderr


def test_damaged_utf8_file_is_reported_and_never_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(DAMAGED_UTF8 + "，其余正常。\n".encode())
    result = run_cnfix("repair", "-w", "mixed.txt", cwd=tmp_path)
    assert path.read_bytes() == DAMAGED_UTF8 + "，其余正常。\n".encode()
    assert b"mixed.txt: not written: UTF-8 with invalid bytes" in result.stderr


@pytest.mark.parametrize(
    ("text", "codec", "language"),
    [
        (JAPANESE, "shift_jis", b"Shift-JIS (Japanese)"),
        (RUSSIAN, "cp1251", b"Windows-1251 (Cyrillic)"),
        (WESTERN, "latin-1", b"(Western European)"),
    ],
)
def test_other_languages_files_are_named_and_left_alone(
    tmp_path: Path, text: str, codec: str, language: bytes
) -> None:
    data = text.encode(codec)
    path = tmp_path / "foreign.txt"
    path.write_bytes(data)
    scanned = run_cnfix("scan", "foreign.txt", cwd=tmp_path)
    assert scanned.returncode == 0
    assert language in scanned.stderr
    assert b"not Chinese: left as it is" in scanned.stderr
    repaired = run_cnfix("repair", "-w", "foreign.txt", cwd=tmp_path)
    assert repaired.returncode == 0
    assert path.read_bytes() == data
    piped = run_cnfix("repair", "-", cwd=tmp_path, input=data)
    assert piped.stdout == data
    assert language in piped.stderr


def test_named_encoding_that_gives_garbage_writes_nothing_unless_forced(tmp_path: Path) -> None:
    data = JAPANESE.encode("shift_jis")
    path = tmp_path / "japanese.txt"
    path.write_bytes(data)
    refused = run_cnfix("repair", "-w", "--encoding", "gb18030", "japanese.txt", cwd=tmp_path)
    assert refused.returncode == 2
    assert b"not plausible Chinese" in refused.stderr
    assert path.read_bytes() == data
    piped = run_cnfix("repair", "--encoding", "gb18030", "-", cwd=tmp_path, input=data)
    assert piped.returncode == 2
    assert piped.stdout == data  # a filter never loses the user's bytes
    forced = run_cnfix(
        "repair", "-w", "--encoding", "gb18030", "--force-encoding", "japanese.txt", cwd=tmp_path
    )
    assert forced.returncode in (0, 1)
    assert path.read_bytes() == data.decode("gb18030").encode("utf-8")


def test_named_encoding_that_fits_is_used(tmp_path: Path) -> None:
    text = "编码检测：这是一段简体中文文本，用 GBK 保存。\n"
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    result = run_cnfix("repair", "-w", "--encoding", "gbk", "gbk.txt", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert path.read_text(encoding="utf-8") == text
