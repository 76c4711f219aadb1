"""The seventh session's fast paths of ``mixed-script`` give what the plain ones gave.

Each is compared with the code it replaced (kept here as the reference) on random text
built to reach its edges, the seeds and damaged corpus documents: the Han count by blocks,
the supplementary-plane test, the placeholder prefilter, the spelling index, the undecided
characters found once per text, and the quick verdict on a glossed unit.
"""

from __future__ import annotations

import bisect
import functools
import random
import re
import sys

import pytest
from conftest import ROOT, SEEDS, corpus_documents

from cnfix.model import Document
from cnfix.rules.script import _placeholders, prose_view
from cnfix.rules.script.charclass import has_astral
from cnfix.rules.script.judge import judge
from cnfix.rules.script.probes import undecided_positions
from cnfix.rules.script.spellings import (
    _SPELLINGS,
    OWN_CLASS_LENGTH,
    _forms,
    _reading,
    _several_forms,
    index_spellings,
)
from cnfix.rules.script.state import CheckState
from cnfix.rules.script.tables import tables
from cnfix.rules.script.units import _BLANK_LINE_RE, _Blanks, units
from cnfix.text.chars import HAN_RUN_RE, PLACEHOLDER_RE, count_han, is_han

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_script


@functools.cache
def _damaged_texts() -> list[str]:
    """The seeds, and corpus documents of both scripts with 2 % and 5 % flipped."""
    rng = random.Random(18)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for script in ("hant", "hans"):
        for path in corpus_documents(script)[::25]:
            for rate in (0.02, 0.05):
                text = path.read_text(encoding="utf-8")
                texts.append(bench_script.flip(text, script, rate, rng)[0])
    return texts


def test_han_count_by_blocks_matches_runs() -> None:
    rng = random.Random(1)
    alphabet = ["a", "中", "\n", "〇", "\U00020001", "\U0003134f", "\U00031350", "，", " "]
    texts = [*_damaged_texts(), "", "中" * 64, "中" * 257, "a" * 300 + "中"]
    texts += ["".join(rng.choices(alphabet, k=rng.randint(0, 1500))) for _ in range(500)]
    for text in texts:
        assert count_han(text) == sum(len(run) for run in HAN_RUN_RE.findall(text))


def test_supplementary_plane_test_matches_a_search() -> None:
    samples = ["", "a", "中", "\ud800", "a\ud800\udc00", "\U00020001", "x" * 99 + "\U00010000"]
    samples += ["\udfff\U0010ffff", "中" * 50, *_damaged_texts()[:5]]
    for text in samples:
        assert has_astral(text) == bool(re.search("[\U00010000-\U0010ffff]", text)), text


def test_placeholder_prefilter_matches_the_pattern() -> None:
    """Only where 锟, 烫 or 屯 shows are placeholders looked for (U+FFFD then too)."""
    rng = random.Random(2)
    alphabet = ["锟", "斤", "拷", "烫", "屯", "\ufffd", "a", "中"]

    def reference(text: str) -> list[tuple[int, int]]:
        if "锟" not in text and "烫" not in text and "屯" not in text:
            return []
        return [m.span() for m in PLACEHOLDER_RE.finditer(text)]

    texts = ["屯門", "屯屯屯", "\ufffd屯", "\ufffd", "锟斤拷", "烫烫", "a屯屯屯屯b"]
    texts += ["".join(rng.choices(alphabet, k=rng.randint(0, 20))) for _ in range(3000)]
    for text in texts:
        assert _placeholders(text) == reference(text), text


def _spellings_reference(text: str, positions: list[int]) -> dict[str, set[str]]:
    """The spelling index as it was: a lookahead at every position of the text."""
    forms, several_forms = _forms(), _several_forms()
    several = [i for i in positions if _reading(text[i]) in several_forms]
    spellings: dict[str, set[str]] = {}
    wanted = {
        _reading(text[a]) + _reading(text[a + 1])
        for i in several
        for a in (i - 1, i)
        if a >= 0 and a + 1 < len(text) and is_han(text[a]) and is_han(text[a + 1])
    }
    if wanted:
        chars = re.escape("".join({c for i in several for c in forms[_reading(text[i])]}))
        for spelling in set(re.findall(f"(?=([{chars}].|.[{chars}]))", text)):
            word = _reading(spelling[0]) + _reading(spelling[1])
            if word in wanted and tables().simplified_only.chars.isdisjoint(spelling):
                spellings.setdefault(word, set()).add(spelling)
    return spellings


def test_spelling_index_matches_the_lookahead() -> None:
    """Positions of Simplified-only characters and of shared ones with several forms
    (后 里 发 面 钟), at the ends of the text and next to line breaks."""
    samples = [*_damaged_texts(), "钟\n鐘意", "鐘意\n钟意", "后", "發后\n髮", "钟意鐘"]
    samples.append("\n\n".join(_damaged_texts()))  # a long text: a class of its forms alone
    assert len(samples[-1]) > OWN_CLASS_LENGTH
    for text in samples:
        chars = tables().simplified_only.chars | set("后里发面钟干台")
        positions = [i for i, char in enumerate(text) if char in chars]
        state = CheckState()
        index_spellings(text, state, positions)
        assert state.known(_SPELLINGS, text) == (True, _spellings_reference(text, positions))


def test_undecided_positions_found_once_hold_for_any_taken() -> None:
    """What a fresh check finds with some positions taken is what the text's remembered
    answer (found with none taken) gives without them."""
    rng = random.Random(4)
    for text in _damaged_texts():
        for standard in ("tw", "hk", "opencc"):
            everywhere = undecided_positions(CheckState(), text, standard)
            taken = set(rng.sample(everywhere, len(everywhere) // 2)) | {0}
            fresh = undecided_positions(CheckState(), text, standard, taken)
            state = CheckState()
            assert undecided_positions(state, text, standard) == everywhere
            assert undecided_positions(state, text, standard, taken) == fresh
            assert fresh == [i for i in everywhere if i not in taken]


def test_quick_verdict_tells_whether_there_is_a_minority() -> None:
    """The quick verdict (a glossed unit, before its glosses are looked through) has a
    minority exactly where the full one has."""
    for text in _damaged_texts():
        glossed = re.sub("([\u4e00-\u9fff])(?=[\u4e00-\u9fff])", r"\1(li)", text, count=40)
        for sample in (text, glossed):
            view = prose_view(Document(sample))
            for start, end in units(Document(view), CheckState()):
                unit = view[start:end]
                for count_clean in (False, True):
                    quick = judge(CheckState(), unit, count_clean=count_clean, quick=True)
                    full = judge(CheckState(), unit, count_clean=count_clean)
                    assert (quick is None) == (full is None)
                    if quick is not None and full is not None:
                        assert bool(quick.minority) == bool(full.minority)


@pytest.mark.parametrize("walk", [0, 1 / 300, 1, 100])
def test_blank_lines_walked_to_match_one_scan(monkeypatch: pytest.MonkeyPatch, walk: float) -> None:
    """The paragraph around a character, found by walking the line breaks near it (chains
    of blank lines of either parity, white space in them, the text's ends), is the one
    between the blank lines of one scan of the text; past the walks' budget too."""
    monkeypatch.setattr(sys.modules[_Blanks.__module__], "WALK_PER_CHAR", walk)
    rng = random.Random(6)
    alphabet = ["\n", "\n", "\n", " ", "\t", "\u3000", "中", "a"]
    for _ in range(1500):
        text = "".join(rng.choices(alphabet, k=rng.randint(1, 60)))
        breaks = [m.end() for m in _BLANK_LINE_RE.finditer(text)]
        blanks = _Blanks(text)
        for at, char in enumerate(text):
            if char in "中a":
                k = bisect.bisect_right(breaks, at)
                expected = breaks[k - 1] if k else 0, breaks[k] if k < len(breaks) else len(text)
                assert blanks.around(at) == expected, (text, at)
