"""The first look of the reading in step (issues 15 and 18): a letter glued to Chinese
text or a mark is read in GBK and Big5 with the model only where the characters before
it are what an out-of-step reading makes; clean punctuation never sends it there."""

from __future__ import annotations

import random
import re

import pytest
from conftest import FIXTURES
from damage import CLEAN_SETS, LOSSY_FAMILIES, corpus, lossy_span, read_clean_set

import cnfix.rules.lost_bytes as lost_bytes
from cnfix import scan_text
from cnfix.rules.lost_bytes import shifted
from cnfix.rules.lost_bytes.shifted import glued_letters, looks_out_of_step, out_of_step_letters

CLEAN = (FIXTURES / "negative" / "glued-letter-after-punctuation.in.txt").read_text("utf-8")


#: What ``glued_letters`` finds, as the regex pass it replaced (issue 15: the pass was
#: most of what the rule cost clean text).
GLUED_REFERENCE_RE = re.compile("[\x40-\x5f\x61-\x7e](?=[^\x00-\x7f])")


def _glued(text: str) -> list[int]:
    return [
        m.start()
        for m in GLUED_REFERENCE_RE.finditer(text)
        if m.start() and not text[m.start() - 1].isascii()
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ASCII text",
        "中陘j陸",
        "a中b",  # at the ends: no neighbour on one side
        "中a?b中",  # a `?` of the text is ASCII, not a stand-in for a non-ASCII one
        "中?a?中",
        "中a中b中cd中",  # neighbours shared; a run of two letters is no glued letter
        "中`中^中@中~中[中",  # the backtick is inline code; the rest are trail bytes
        "é\ud800x中\U0001f600y😀",  # a lone surrogate and astral characters
        "中A\n中\x7f中",
    ],
)
def test_glued_letters_are_those_the_regex_pass_found(text: str) -> None:
    assert glued_letters(text) == _glued(text)


def test_glued_letters_of_the_clean_sets_are_those_the_regex_pass_found() -> None:
    documents = [document for name in CLEAN_SETS for document in read_clean_set(name)]
    assert sum(len(glued_letters(document)) for document in documents) > 100
    for document in documents:
        assert glued_letters(document) == _glued(document)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "中陘j陸",
        "陘j陸陘j陸",  # the context of the second letter includes the first
        "性質]租賃[採購 性質]租賃[採購 標]否[是 標]否[是",
        "醫學、悀憭峎鴔瑑本滶鴘熊o展",
    ],
)
def test_out_of_step_letters_are_the_glued_letters_that_look_out_of_step(text: str) -> None:
    expected = [letter for letter in glued_letters(text) if looks_out_of_step(text, letter)]
    assert out_of_step_letters(text) == expected


def test_out_of_step_letters_of_the_clean_sets_are_those_looked_at_one_by_one() -> None:
    documents = [document for name in CLEAN_SETS for document in read_clean_set(name)]
    for document in [*documents, CLEAN]:
        expected = [
            letter for letter in glued_letters(document) if looks_out_of_step(document, letter)
        ]
        assert out_of_step_letters(document) == expected


def test_punctuation_before_a_glued_letter_is_no_sign_of_a_shift() -> None:
    assert _glued(CLEAN)  # ：[ and ，@ are glued letters the old look let through
    assert not [end for end in _glued(CLEAN) if looks_out_of_step(CLEAN, end)]


@pytest.mark.parametrize(
    ("text", "letter"),
    [
        ("中陘j陸", "j"),  # a rare Han character
        ("醫學、悀憭峎鴔瑑本滶鴘熊o展", "o"),  # Big5 that lost a byte
        ("說之前兩張都娃ぁ]含手術", "]"),  # a kana that two Big5 bytes read out of step make
        ("各种Ｐ偷男x", "x"),  # a full-width letter
    ],
)
def test_what_an_out_of_step_reading_makes_passes_the_look(text: str, letter: str) -> None:
    assert looks_out_of_step(text, text.index(letter))


def test_a_letter_no_codec_pairs_with_the_byte_before_it_is_no_trail() -> None:
    # 。 is A1 A3 in GBK and A1 43 in Big5: neither A3 nor 43 leads a pair with a trail
    # 0x6A, so the `j` after it is an ASCII letter, whatever stands before 。 (陘).
    assert looks_out_of_step("中陘。j陸", 3) is False
    assert looks_out_of_step("中陘j陸", 2) is True


def test_before_a_mark_a_short_run_after_ascii_is_read() -> None:
    """A run that begins within the reach is seen whole (``1. 颐侨绾卫?`` for 我们如何)."""
    assert looks_out_of_step("1. 颐侨绾卫?用", 7, 8)
    assert not looks_out_of_step("我们今天如何解决?", 8, 8)


def test_clean_glued_letters_never_reach_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, resync: int) -> None:
        raise AssertionError(f"read in step at {text[max(0, resync - 3) : resync + 1]!r}")

    monkeypatch.setattr(lost_bytes, "shifted_reading", refuse)
    assert scan_text(CLEAN, select=["lost-bytes"]) == []


def _decoded(codec: str, first: int, second: int) -> str | None:
    try:
        char = bytes([first, second]).decode(codec)
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 else None


@pytest.mark.parametrize("codec", shifted.CODECS)
def test_pairs_read_in_one_decoder_call_are_each_pair_decoded(codec: str) -> None:
    """Every pair of bytes: the tables read with a NUL after each pair (issue 15: one
    decoder call for each pair made the first mark of a scan cost milliseconds)."""
    for first in range(256):
        for second in range(256):
            expected = _decoded(codec, first, second)
            assert shifted._pair(codec, first, second) == expected, (first, second)
            assert shifted._pairs_ending_in(codec, second)[first] == expected, (first, second)


@pytest.mark.parametrize("codec", shifted.CODECS)
def test_the_candidates_from_the_tables_are_those_of_each_pair(codec: str) -> None:
    for byte in (0x40, 0x7E, 0x80, 0xA1, 0xA3, 0xB0, 0xC2, 0xD2, 0xF7, 0xFE, 0xFF):
        holding = [_decoded(codec, byte, other) for other in range(0x40, 0xFF)]
        holding += [_decoded(codec, other, byte) for other in range(0x81, 0xFF)]
        assert shifted.characters_holding(codec, byte) == tuple(
            dict.fromkeys(char for char in holding if char is not None)
        )
        for after in (None, 0x41, 0xA1, 0xB6, 0xD2):
            before = [
                _decoded(codec, byte, other)
                for other in range(0x80, 0x100)
                if after is None or _decoded(codec, other, after) is None
            ]
            assert shifted.characters_before_mark(codec, byte, after) == tuple(
                char for char in before if char is not None
            )


def test_no_cost_of_the_model_is_below_zero() -> None:
    """What ``_may_be_reported``'s bound stands on: leaving steps out of a reading's
    cost never makes it dearer."""
    from cnfix.text.datafiles import read_data_bytes

    text = read_data_bytes("language_model.txt").decode("utf-8")
    levels = re.findall(r"(?:^|\t)(-?\d+):", text, re.MULTILINE)
    assert len(levels) > 1000
    assert min(int(level) for level in levels) >= 0


def _shifted_findings(texts: list[str]) -> list[list[object]]:
    return [scan_text(text, select=["lost-bytes"]) for text in texts]


def test_the_bound_before_ranking_turns_away_no_reading_that_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Byte-identical: readings out of step of generated losses (one byte lost from GBK
    and Big5, at a mark and at a glued letter) and of the clean texts that reach the
    model are reported the same with the bound and without it."""
    rng = random.Random("bound")
    texts = [document for document in read_clean_set("classical")[:40] if "?" in document]
    for family in ("gbk-lost-byte-?", "gbk-lost-byte-U+FFFD", "big5-lost-byte-U+FFFD"):
        scripts = LOSSY_FAMILIES[family][1]
        for name, text in corpus()[::12]:
            if name.split("/")[0] in scripts:
                made = lossy_span(text, family, rng, "paragraph")
                if made is not None:
                    start, end = made[1], made[2]
                    texts.append(made[0][max(0, start - 200) : end + 200])
    reported = _shifted_findings(texts)
    assert sum(map(len, reported)) >= 10
    monkeypatch.setattr(shifted, "_may_be_reported", lambda *args: True)
    assert _shifted_findings(texts) == reported
