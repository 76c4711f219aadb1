"""Whole-file encoding detection (cnfix.io.detect) and its use by the decoder (cnfix.io.decode)."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from conftest import FIXTURES
from damage import corpus

from cnfix import scan_text
from cnfix.io.chunks import iter_chunks
from cnfix.io.decode import (
    BinaryFileError,
    ForeignTextError,
    ImplausibleDecodingError,
    decode_bytes,
)
from cnfix.io.detect import detect_encoding
from cnfix.rules.encoding import MIN_REWRITE_CONFIDENCE

ALLOWED = {
    "gb18030",
    "big5",
    "cp950",
    "big5hkscs",
    "utf-16-le",
    "utf-16-be",
    "utf-32-le",
    "utf-32-be",
}

HANS = "如果你的项目确实需要使用额外的贡献者协议，请考虑使用集成来减少贡献者分心。"
HANT = "馬英九總統今天下午前往屏東縣瑪家鄉參加永久屋入住儀式，並向部落居民致意。"


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        (HANS, "gbk", "gb18030"),
        (HANS + "€𠀀", "gb18030", "gb18030"),
        (HANT, "big5", "big5"),
        (HANS, "utf-16-le", "utf-16-le"),
        (HANT, "utf-16-be", "utf-16-be"),
        ("Plain ASCII mostly, 中文一点点。", "utf-16-le", "utf-16-le"),
    ],
)
def test_detects_chinese_encodings_confidently(text: str, codec: str, expected: str) -> None:
    data = text.encode(codec)
    found = detect_encoding(data)
    assert found is not None
    name, confidence = found
    assert name == expected
    assert data.decode(name) == text
    assert confidence >= MIN_REWRITE_CONFIDENCE


def test_short_gbk_is_never_korean_and_never_trusted() -> None:
    for word in ("你好", "中文", "编码", "谢谢你"):
        name, confidence = detect_encoding(word.encode("gbk"))  # type: ignore[misc]
        assert name in ALLOWED
        assert confidence < MIN_REWRITE_CONFIDENCE


def test_undecodable_bytes_give_none_or_low_confidence() -> None:
    found = detect_encoding(b"\xff\xfe\xff\x00\x80\x81\xff")
    assert found is None or found[1] < MIN_REWRITE_CONFIDENCE


def test_decoder_uses_detection_after_bom_and_utf8() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + HANS.encode()).bom
    decoded = decode_bytes(HANS.encode("gbk"))
    assert (decoded.text, decoded.encoding) == (HANS, "gb18030")
    # UTF-16 without BOM of mostly-ASCII text is valid UTF-8 with NULs: still detected.
    ascii_heavy = "README: install with pip, then run cnfix scan.\n"
    decoded = decode_bytes(ascii_heavy.encode("utf-16-le"))
    assert (decoded.text, decoded.encoding) == (ascii_heavy, "utf-16-le")


def test_encoding_fixtures_decode_to_their_golden_text() -> None:
    for case in sorted((FIXTURES / "encoding").glob("*.in.txt")):
        expected = case.with_name(case.name.replace(".in.", ".out.")).read_bytes().decode()
        assert decode_bytes(case.read_bytes()).text == expected, case.name


def test_accuracy_on_corpus_snippets_of_20_bytes_or_more() -> None:
    """The issue's gate: >= 99% right on files of 20+ bytes, and nothing wrong trusted."""
    rng = random.Random(20)
    docs = corpus()
    total = right = wrong_trusted = 0
    for codec, script in (
        ("gbk", "hans"),
        ("gb18030", None),
        ("big5", "hant"),
        ("utf-16-le", None),
        ("utf-16-be", None),
    ):
        pool = [t for n, t in docs if script is None or n.startswith(script)]
        for _ in range(60):
            text = rng.choice(pool)
            start = rng.randrange(len(text) - 10)
            chunk = text[start : start + rng.randint(10, 200)]
            try:
                data = chunk.encode(codec)
            except UnicodeEncodeError:
                continue
            if len(data) < 20:
                continue
            try:
                chunk.encode("ascii")
                continue  # ASCII-only chunks are UTF-8 already
            except UnicodeEncodeError:
                pass
            decoded = decode_bytes(data)
            total += 1
            ok = decoded.text == chunk
            right += ok
            wrong_trusted += not ok and decoded.confidence >= MIN_REWRITE_CONFIDENCE
    assert total > 200
    assert right / total >= 0.99
    assert wrong_trusted <= 1


def test_utf8_cut_inside_its_last_character_is_utf8_with_the_loss_marked(
    tmp_path: Path,
) -> None:
    """A file cut inside its last character (a download or a size limit) is UTF-8 with
    one lost character, U+FFFD, which lost-bytes reports; whole and streamed alike."""
    for cut in (1, 2):
        data = (HANS * 3).encode()[:-cut]
        decoded = decode_bytes(data)
        assert (decoded.encoding, decoded.confidence) == ("utf-8", 1.0)
        assert decoded.text == (HANS * 3)[:-1] + "\ufffd"
        assert [finding.rule for finding in scan_text(decoded.text)] == ["lost-bytes"]
        path = tmp_path / f"cut{cut}.txt"
        path.write_bytes(data)
        streamed = "".join(chunk.text for chunk in iter_chunks(path, chunk_bytes=64))
        assert streamed == decoded.text


def test_a_cut_short_character_after_ascii_alone_is_not_taken_for_utf8() -> None:
    data = "Hello 浣".encode("gbk")  # ASCII, then e4 bd: a UTF-8 lead and one continuation
    assert data.decode("utf-8", "replace") == "Hello \ufffd"
    assert decode_bytes(data).encoding != "utf-8"


def test_utf8_with_a_bad_byte_inside_is_utf8_with_damage_never_trusted() -> None:
    """Invalid bytes inside mostly valid UTF-8 are damage in a UTF-8 text, not a sign of
    another encoding: read as UTF-8 with U+FFFD (lost-bytes reports it), confidence too
    low for the file to be rewritten."""
    data = HANS.encode()[:9] + b"\xff" + HANS.encode()[9:]
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text == HANS[:3] + "\ufffd" + HANS[3:]
    assert decoded.confidence < MIN_REWRITE_CONFIDENCE


def test_gbk_text_is_never_taken_for_damaged_utf8() -> None:
    rng = random.Random(3)
    for name, text in corpus("hans")[::4]:
        start = rng.randrange(max(1, len(text) - 40))
        chunk = text[start : start + rng.randint(4, 40)]
        try:
            data = chunk.encode("gbk")
        except UnicodeEncodeError:
            continue
        if data.isascii():
            continue
        try:
            decoded = decode_bytes(data)
        except BinaryFileError:
            continue
        assert decoded.encoding != "utf-8", (name, chunk)


@pytest.mark.parametrize(
    ("text", "codec", "language"),
    [
        (
            "日本語のテキストです。東京都に住んでいます。今日はいい天気ですね。",
            "shift_jis",
            "Japanese",
        ),
        (
            "日本語のテキストです。東京都に住んでいます。今日はいい天気ですね。",
            "euc_jp",
            "Japanese",
        ),
        ("한국어 텍스트입니다. 서울에 살고 있습니다. 오늘은 날씨가 좋네요.", "euc_kr", "Korean"),
        ("Привет, мир! Это русский текст в кодировке Windows-1251.", "cp1251", "Cyrillic"),
        ("Café crème, déjà vu, naïve façade, señor Müller.", "latin-1", "Western European"),
    ],
)
def test_other_languages_legacy_encodings_are_named_and_never_decoded(
    text: str, codec: str, language: str
) -> None:
    with pytest.raises(ForeignTextError, match=language):
        decode_bytes((text * 3).encode(codec))


def test_named_encoding_that_gives_implausible_text_is_refused_unless_forced() -> None:
    data = ("日本語のテキストです。東京都に住んでいます。" * 3).encode("shift_jis")
    with pytest.raises(ImplausibleDecodingError):
        decode_bytes(data, "gb18030")
    assert decode_bytes(data, "gb18030", force=True).text == data.decode("gb18030")
    assert decode_bytes(HANS.encode("gbk"), "gbk").text == HANS


def test_random_bytes_are_not_read_as_utf16_with_confidence() -> None:
    rng = random.Random(16)
    for _ in range(50):
        data = bytes(rng.randrange(256) for _ in range(rng.choice([20, 64, 400])))
        try:
            decoded = decode_bytes(data)
        except BinaryFileError:
            continue
        assert decoded.confidence < MIN_REWRITE_CONFIDENCE, decoded


@pytest.mark.parametrize(
    ("codec", "expected"),
    [("gbk", "gb18030"), ("big5", "big5"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")],
)
def test_large_files_are_judged_on_a_sample_from_their_first_non_ascii_byte(
    codec: str, expected: str
) -> None:
    """Past ``SAMPLE_BYTES`` the readings are scored on a sample; a long ASCII head
    (identical in every legacy reading) does not hide the Chinese after it."""
    from cnfix.io import detect

    text = HANT if codec == "big5" else HANS
    head = "Plain ASCII header line.\n" * (detect.SAMPLE_BYTES // 20)
    for document in (text * 2000, head + text * 2000, head):
        data = document.encode(codec)
        assert len(data) > detect.SAMPLE_BYTES
        found = detect_encoding(data)
        assert found is not None
        assert found[0] == expected or document == head, (found, len(data))
        if document != head:
            assert found[1] >= MIN_REWRITE_CONFIDENCE
            assert decode_bytes(data).text == document


def test_big5_with_a_symbol_its_extensions_read_differently_is_still_trusted() -> None:
    """big5 and cp950 read • and ‧ from the same bytes: a tie between two readings of
    one family, not doubt about the file being Big5."""
    data = ((HANT + "•") * 50).encode("big5")
    assert data.decode("big5") != data.decode("cp950")
    codec, confidence = detect_encoding(data)  # type: ignore[misc]
    assert codec == "big5"
    assert confidence >= MIN_REWRITE_CONFIDENCE
