"""The first look of the reading in step (issues 15 and 18): a letter glued to Chinese
text or a mark is read in GBK and Big5 with the model only where the characters before
it are what an out-of-step reading makes; clean punctuation never sends it there."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

import cnfix.rules.lost_bytes as lost_bytes
from cnfix import scan_text
from cnfix.rules.lost_bytes.shifted import GLUED_TRAIL_RE, looks_out_of_step

CLEAN = (FIXTURES / "negative" / "glued-letter-after-punctuation.in.txt").read_text("utf-8")


def _glued(text: str) -> list[int]:
    return [m.start() for m in GLUED_TRAIL_RE.finditer(text) if not text[m.start() - 1].isascii()]


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
