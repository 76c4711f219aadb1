"""The mojibake prefilter (``_worth_a_look``) never turns away a text in which the full
search finds something, and each exact shortcut it relies on holds.

The prefilter is what makes clean text cheap (issue 7): one regex pass finds each
reading's necessary signs, and each sign is checked with the reading's own first steps.
These tests run the full search (``_all_spans``) next to it on everything with damage in
it that the project has: the rule fixtures, the seeds, every damage family of
``tests/damage.py`` on corpus documents (whole, paragraph, sentence; fixed seeds),
lossy and placeholder damage, and the clean corpus itself.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from conftest import SEEDS
from damage import FAMILIES, corpus, damage_span, lossy_gb2312, lossy_utf8_as_gbk, placeholder

from cnfix.adapters.ftfy import fixer_config
from cnfix.rules import lost_bytes
from cnfix.rules.mojibake import chains, han_utf8, latin, prefilter, scoring, search
from cnfix.text.charmodel import NOISE_COST, char_cost

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _samples() -> list[tuple[str, str]]:
    """(label, text) of damaged and clean texts, deterministic."""
    samples = []
    for folder in ("mojibake", "lost-bytes"):
        for path in sorted((FIXTURES / folder).glob("*.in.*")):
            samples.append((f"{folder}/{path.name}", path.read_text(encoding="utf-8")))
    for path in sorted(SEEDS.glob("*.txt")):
        samples.append((f"seed {path.name}", path.read_text(encoding="utf-8")))
    docs = corpus()
    for family, (damage, scripts) in FAMILIES.items():
        pool = [(name, text) for name, text in docs if name.split("/")[0] in scripts]
        for size in ("whole", "paragraph", "sentence"):
            rng = random.Random(f"prefilter/{family}/{size}")
            for name, text in rng.sample(pool, 12):
                if size == "whole":
                    damaged = damage(text[:3000])
                else:
                    made = damage_span(text, family, rng, size)
                    damaged = None if made is None else made[0]
                if damaged is not None:
                    samples.append((f"{family}/{size}/{name}", damaged))
    rng = random.Random("prefilter/lossy")
    for name, text in rng.sample(docs, 20):
        samples.append((f"gb2312 ?/{name}", lossy_gb2312(text[:2000])))
        samples.append((f"utf8 as gbk lossy/{name}", lossy_utf8_as_gbk(text[:2000])))
        samples.append((f"placeholder/{name}", placeholder(text, rng)))
    samples.extend(docs)
    return samples


SAMPLES = _samples()


@pytest.mark.slow
def test_prefilter_never_rejects_a_text_with_a_reading() -> None:
    rejected_clean = clean = 0
    for label, text in SAMPLES:
        full = search._all_spans(text)
        worth = prefilter._worth_a_look(text)
        if not worth:
            assert full == [], label
        if label.startswith(("hans/", "hant/")):
            clean += 1
            rejected_clean += not worth
    # It is useful too: almost every clean document is turned away.
    assert rejected_clean >= 0.97 * clean


@pytest.mark.slow
def test_spans_with_and_without_prefilter_agree() -> None:
    prefilter.compile_prefilter()  # the gate is on from the first text
    for label, text in SAMPLES:
        assert prefilter._spans(text) == search._all_spans(text), label


def test_unusual_and_ftfy_hints_share_only_cyrillic() -> None:
    """``_worth_a_look`` sends an unusual sign's line to ftfy when it is Cyrillic: the
    only characters in both classes."""
    import re

    unusual = re.compile(chains.generated_classes()["unusual-han"])
    both = [
        code
        for code in range(0x80, 0x32000)
        if unusual.match(chr(code)) and latin.FTFY_HINT_RE.match(chr(code))
    ]
    assert both == list(range(0x400, 0x500))


def _utf8_gbk_samples() -> list[str]:
    texts = [text for label, text in SAMPLES if not label.startswith(("hans/", "hant/"))]
    docs = corpus()
    rng = random.Random("prefilter/walk")
    for _, text in rng.sample(docs, 30):
        for size in (2, 3, 4, 7, 20):
            start = rng.randrange(max(1, len(text) - size))
            piece = text[start : start + size]
            texts.append(piece.encode("utf-8").decode("gb18030", "replace") + "abc")
            texts.append("x" + piece.encode("utf-8").decode("gb18030", "replace"))
    # Two-character readings: ’s after an English word, 和C before a letter.
    texts += [
        "Director’s cut".encode().decode("gb18030"),
        "和Chervonenkis".encode().decode("gb18030"),
    ]
    return texts


def test_gbk_walk_pattern_covers_every_utf8_reading() -> None:
    """Wherever ``_utf8_span`` finds a GBK reading of UTF-8, ``utf8-walk-GBK`` matches."""
    import re

    classes = chains.generated_classes()
    pattern = re.compile(classes["utf8-lead-GBK"] + classes["utf8-walk-GBK"])
    found = 0
    for text in _utf8_gbk_samples():
        for start in han_utf8._utf8_lead_starts(text, "GBK"):
            if han_utf8._utf8_span(text, start, "GBK") is not None:
                found += 1
                assert pattern.match(text, start), (text[start : start + 6], start)
    assert found > 100


def test_ftfy_keeps_only_what_ftfy_keeps() -> None:
    import ftfy

    lines = {line for _, text in SAMPLES for line in text.split("\n") if line}
    lines |= {
        "Ã©tÃ© 中文",  # UTF-8 read as Latin-1 next to Han: ftfy's embedded decoder
        "caf\u0080 中文",  # a C1 control
        "中文 \ud83d",  # a lone surrogate
        "Ã©tÃ©",
    }
    kept = 0
    for line in sorted(lines):
        if latin._ftfy_keeps(line):
            kept += 1
            fixed, _ = ftfy.fix_and_explain(line, fixer_config())
            assert fixed == line, line[:60]
    assert kept > 100


def test_quiet_runs_have_no_reading_facts() -> None:
    """The byte facts behind ``_QUIET_RUN_RE`` (see its comment)."""
    for second in range(0x100):
        for codec in ("big5", "cp950"):
            with pytest.raises(UnicodeDecodeError):
                bytes([0xA0, second]).decode(codec)
        with pytest.raises(UnicodeDecodeError):
            bytes([0xA0, second]).decode("utf-8")
        if 0x20 <= second <= 0x3F and not 0x30 <= second <= 0x39:
            with pytest.raises(UnicodeDecodeError):
                bytes([0xA0, second]).decode("gb18030")
    reading = bytes([0xA0, 0xA0]).decode("gb18030")
    assert char_cost(reading) > scoring.PLAUSIBLE_HAN_MEAN + 4
    as_big5 = chains._encode(reading, "Big5")
    # As Big5 bytes it is a UTF-8 lead byte that is not continued: no UTF-8 anywhere.
    assert as_big5 is not None and 0xC2 <= as_big5[0] <= 0xF4
    assert not 0x80 <= as_big5[1] <= 0xBF
    assert char_cost(as_big5.decode("gb18030")) > scoring.PLAUSIBLE_HAN_MEAN + 4
    for second, fourth in itertools.product(range(0x30, 0x3A), repeat=2):
        data = bytes([0xA0, second, 0xA0, fourth])
        try:
            decoded = data.decode("gb18030")
        except UnicodeDecodeError:
            continue
        assert all(char_cost(char) >= NOISE_COST for char in decoded if not char.isascii())
        for third in range(0x100):
            if third != 0xA0 and not 0x81 <= third <= 0xFE:
                with pytest.raises(UnicodeDecodeError):
                    bytes([0xA0, second, third]).decode("gb18030")


def test_quiet_runs_have_no_reading_exhaustively() -> None:
    """Every quiet run of up to six characters over no-break space, space and the
    ASCII that follows numbers (``\\xa0\\xa0 70.0%``) has no reading."""
    alphabet = "\u00a0 7.%"
    checked = 0
    for length in range(2, 7):
        for chars in itertools.product(alphabet, repeat=length - 1):
            run = "\u00a0" + "".join(chars)
            if not prefilter._QUIET_RUN_RE.fullmatch(run):
                continue
            checked += 1
            assert latin._read_latin_run(run, 0) is None, repr(run)
            assert latin._read_latin_run(run + "\u00a0\u00a0", 0) is None, repr(run)
    assert checked > 1000
    # Not quiet: a no-break space before a letter can be half of a GBK character
    # (A0 49 is 營), so such runs go to the full search.
    assert not prefilter._QUIET_RUN_RE.fullmatch("\u00a0\u00a0set -e")


def test_lost_bytes_find_path_equals_regex_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """``check_lost_bytes`` finds its signs with ``str.find`` up to ``FIND_LIMIT`` and
    with a regex pass beyond: both give the same findings, and the same mark runs."""
    from cnfix import scan_text

    texts = [text for _, text in SAMPLES]
    texts += ["中文?" * 3000, "锟斤拷" * 1000 + "中文??", "?\ufffd?x??\ufffd\ufffd"]
    for text in texts:
        assert lost_bytes._mark_spans(text) == [m.span() for m in lost_bytes.MARK_RE.finditer(text)]
    found = [scan_text(text, select=["lost-bytes"]) for text in texts]
    monkeypatch.setattr(lost_bytes, "FIND_LIMIT", 0)
    for text in texts[-3:]:
        assert lost_bytes._positions(text, "?") is None
    assert [scan_text(text, select=["lost-bytes"]) for text in texts] == found


@pytest.mark.parametrize("unit", ["锟斤拷", "Ж", "Ã¤ ", "αβ"])
def test_prefilter_stays_linear_on_repeated_signs(unit: str) -> None:
    """One sign after another on one long line: each line is found once and a
    placeholder run is skipped whole, as the full search does (a walk from every 锟
    or a line search per Cyrillic letter took tens of seconds here)."""
    import time

    text = unit * (150_000 // len(unit))
    started = time.process_time()
    prefilter._worth_a_look(text)
    assert time.process_time() - started < 5


def test_sequences_are_found_wherever_ftfy_finds_one() -> None:
    """``UTF8_SEQUENCE_RE`` (ftfy's detector without its look-behind, from the stored
    copy of ftfy's clue classes) matches wherever ftfy's own ``UTF8_DETECTOR_RE`` does."""
    from ftfy.chardata import UTF8_DETECTOR_RE

    lines = {line for _, text in SAMPLES for line in text.split("\n") if line}
    lines |= {"Ã©tÃ© 中文", "Ã¤Â½Â 中文", "René Núñez 中文", "â€œ中文â€\u009d"}
    found = 0
    for line in sorted(lines):
        for match in UTF8_DETECTOR_RE.finditer(line):
            found += 1
            assert latin.UTF8_SEQUENCE_RE.match(line, match.start()), line[:60]
    assert found > 20


def test_clean_text_with_an_accented_name_does_not_import_ftfy() -> None:
    """A Latin-1 letter sends its line to the ftfy family, which is known to keep it
    without ftfy itself being imported (start-up of every worker)."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from cnfix import scan_text\n"
        "assert scan_text('Müller 教授與 René Núñez 的研究表明，這種方法有效。\\n') == []\n"
        "print('ftfy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False", result.stdout + result.stderr


def test_latin_runs_are_read_only_where_two_latin_letters_share_a_run() -> None:
    """``_latin_spans`` returns at once when ``_TWO_LATIN_IN_A_RUN_RE`` finds nothing:
    then every Latin run is one ``_read_latin_run`` turns away (and leftovers are read
    only beside a run that was read)."""
    texts = [text for _, text in SAMPLES] + ["(dé) é a", "é”é", "café ÄãºÃ", "“Ä”"]
    guarded = 0
    for text in texts:
        if latin._TWO_LATIN_IN_A_RUN_RE.search(text) is not None:
            continue
        guarded += 1
        for run in latin.LATIN_RUN_RE.finditer(text):
            assert latin._read_latin_run(run.group(), run.start()) is None, run.group()
    assert guarded > 100
    assert latin._TWO_LATIN_IN_A_RUN_RE.search("ÄãºÃ") is not None


def test_a_pinyin_vowel_between_ascii_is_kept_by_ftfy() -> None:
    """The facts behind ``_PINYIN_VOWELS``: in every codec ftfy re-encodes with, each
    vowel is one byte that starts no two-byte UTF-8 character (so neither alone nor with
    a space restored to 0xA0 is it UTF-8), and ftfy keeps every short mix of lone vowels
    and ASCII; such vowels are no prefilter sign, other letters beside them are."""
    import ftfy.chardata

    from cnfix.adapters.ftfy import fix_encoding

    for vowel in prefilter._PINYIN_VOWELS:
        for codec in ftfy.chardata.CHARMAP_ENCODINGS:
            try:
                (byte,) = vowel.encode(codec)
            except UnicodeEncodeError:
                continue
            assert 0x81 <= byte <= 0xA3 or byte >= 0xE0, (vowel, codec)
    alphabet = ["x", " ", "(", ")", "1", "\n", *prefilter._PINYIN_VOWELS]
    for chars in itertools.product(alphabet, repeat=3):
        text = "".join(chars)
        lone = all(
            char.isascii() or (text[i - 1 : i].isascii() and text[i + 1 : i + 2].isascii())
            for i, char in enumerate(text)
        )
        if lone:
            assert fix_encoding(f"醫(y{text})院 {text}") is None, repr(text)
            assert fix_encoding(text) is None, repr(text)
            assert not prefilter._worth_a_look(f"學(x{text})習"), repr(text)
    assert prefilter._worth_a_look("學(xué)習 Ã©tÃ©")
    for beside in ("學(xúé)習", "é學", "學é", "Ãé"):  # signs that send the line to ftfy
        kinds = {m.lastgroup for m in prefilter.PREFILTER_RE.finditer(beside)}
        assert kinds & {"ftfy", "latin"}, beside
