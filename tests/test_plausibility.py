"""The plausibility model: clean text of every kind scores well above its mojibake,
and alternatives in one context are ranked by the model."""

from __future__ import annotations

import math
import random
import re

import pytest
from damage import FAMILIES, corpus, paragraphs

from cnfix.text.plausibility import (
    NOISE_BITS,
    best_alternative,
    bits_per_char,
    language_model,
    text_bits,
)

CLASSICAL = [
    "關關雎鳩，在河之洲。窈窕淑女，君子好逑。",
    "蝴蝶翩翩起舞，惆悵東欄一株雪。",
    "子曰：學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？",
    "床前明月光，疑是地上霜。举头望明月，低头思故乡。",
]
NAMES = "張三豐、歐陽修、諸葛亮、司馬遷、王安石、李清照、辛棄疾、蘇軾、岳飛、文天祥"


def _clean_paragraphs(limit: int = 150) -> list[tuple[str, str]]:
    rng = random.Random(15)
    docs = corpus()
    rng.shuffle(docs)
    out = []
    for name, text in docs[:limit]:
        start, end = rng.choice(paragraphs(text, min_len=30) or [(0, len(text))])
        out.append((name, text[start:end]))
    return out


def test_model_is_read_once_and_knows_both_scripts() -> None:
    model = language_model()
    assert model is language_model()
    for char in "的國国學学醫医":
        assert char in model.unigram


# UTF-8 read strictly as Big5 fails on nearly every real clause (Big5 lacks most of the
# byte pairs UTF-8 makes); that damage is lossy in the wild and is generated elsewhere.
@pytest.mark.parametrize("family", sorted(set(FAMILIES) - {"utf8-as-big5"}))
def test_clean_paragraphs_cost_far_less_than_their_mojibake(family: str) -> None:
    damage, scripts = FAMILIES[family]
    compared = 0
    for name, paragraph in _clean_paragraphs():
        if name.split("/")[0] not in scripts:
            continue
        # The whole paragraph, or else the first clause the family can garble strictly.
        clauses = [c for c in re.split("[，。；：！？]", paragraph) if len(c) >= 6]
        for clean in [paragraph, *clauses]:
            garbled = damage(clean)
            if garbled is not None and garbled != clean:
                break
        else:
            continue
        compared += 1
        # Readings of the same bytes compare by total cost.
        # Two bits a Chinese character at least (a lone 和 among ASCII read as ㎝ is 5).
        wide = sum(not char.isascii() for char in clean)
        assert text_bits(clean) + 2 * wide < text_bits(garbled), (name, clean[:40])
    assert compared >= 5


@pytest.mark.parametrize("text", [*CLASSICAL, NAMES])
def test_classical_text_and_names_read_as_chinese(text: str) -> None:
    assert bits_per_char(text) < 11


def test_repeated_and_placeholder_characters_are_plausible() -> None:
    assert bits_per_char("○○○○") < bits_per_char("〕〕〕〕")
    assert bits_per_char("翩翩") < bits_per_char("健健")


def test_noise_costs_the_most() -> None:
    assert bits_per_char("\ufffd\ufffd") == pytest.approx(NOISE_BITS)
    assert bits_per_char("你\ue000好") > bits_per_char("你们好")


def test_context_is_counted_only_at_the_joins() -> None:
    assert text_bits("好", "你", "。") < text_bits("好") + text_bits("。")
    assert text_bits("") == 0.0
    assert bits_per_char("") == 0.0


def test_best_alternative_ranks_the_reading_that_fits_its_context() -> None:
    ranking = best_alternative("蝴蝶", ["翩翩", "健健"], "起舞")
    assert ranking.best == "翩翩"
    assert ranking.margin > 5
    assert [text for text, _ in ranking.costs] == ["翩翩", "健健"]
    assert best_alternative("兼", ["備", "僃"], "的醫學").best == "備"
    assert best_alternative("", ["你好"]).margin == math.inf
    with pytest.raises(ValueError):
        best_alternative("", [])


def test_scan_of_a_clean_file_does_not_import_the_model(tmp_path) -> None:
    """Start-up pays nothing for the model: ``cnfix scan one.txt`` of clean text never
    imports it (the rules import it where a decision needs it)."""
    import subprocess
    import sys

    one = tmp_path / "one.txt"
    one.write_text("你好，世界。这是一个干净的文件。\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cnfix", "scan", str(one)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert "cnfix.rules" in done.stderr
    assert "cnfix.text.plausibility" not in done.stderr


def test_a_searched_bigram_is_the_one_in_the_table() -> None:
    """A character's first lookups search its line of the model file instead of reading
    it into a table (``_search``): both must give the same bits for every pair, seen or
    not, including the symbols that the line's level prefixes contain (``0`` ``:``)."""
    model = language_model()
    rng = random.Random(15)
    firsts = rng.sample(sorted(model._bigram_lines), 300)
    for first in firsts:
        table = model.bigrams(first)
        seconds = rng.sample(sorted(table), min(20, len(table)))
        seconds += [*rng.sample(sorted(model.unigram), 20), "0", ":", "a", "\x01"]
        fresh = type(model)(model.unigram, model.backoff, model._bigram_lines, model.member)
        for second in seconds:
            assert fresh._search(first, second) == table.get(second), (first, second)


def test_the_model_read_in_parts_is_the_model_file() -> None:
    """``language_model`` decodes each bigram line only when asked (issue 15: decoding
    the whole file was a third of reading it): every table and line is the file's."""
    from cnfix.text.datafiles import read_data
    from cnfix.text.plausibility import MODEL_FILE, _levels

    tables: dict[str, dict[str, float]] = {"unigram": {}, "backoff": {}, "member": {}}
    lines: dict[str, str] = {}
    section = ""
    for line in read_data(MODEL_FILE).split("\n"):
        if not line or line.startswith("# "):
            continue
        if line.startswith("#!"):
            section = line[2:].strip()
        elif section == "bigram":
            first, _, rest = line.partition("\t")
            lines[first] = rest
        else:
            for bits, chars in _levels(line):
                tables[section].update(dict.fromkeys(chars, bits))
    model = language_model()
    assert (model.unigram, model.backoff, model.member) == tuple(tables.values())
    assert sorted(model._bigram_lines) == sorted(lines)
    assert all(model._line(first) == line for first, line in lines.items())
    assert model._line("not a symbol") == ""
