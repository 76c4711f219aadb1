"""The inline diff's matcher (``report.matcher.opcodes``): linear where ``difflib`` is
quadratic, and as good a diff as ``difflib``'s on what repairs change.

Checked on the seeds (the very opcodes ``difflib`` gives: the locked transcripts of
``cnfix repair`` depend on it), on seed-like damage made on the corpus (never more
changed characters shown than ``difflib`` shows) and on any strings (the opcodes
rebuild both sides).
"""

from __future__ import annotations

import difflib
import random

from conftest import SEEDS
from damage import corpus
from hypothesis import given
from hypothesis import strategies as st

from cnfix import repair_text
from cnfix.report.diff import changed_lines
from cnfix.report.matcher import blank_anchored, long_line_opcodes, opcodes


def _difflib(old, new) -> list[tuple[str, int, int, int, int]]:  # type: ignore[no-untyped-def]
    return difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def _rebuilt(old, new, ops) -> None:  # type: ignore[no-untyped-def]
    """The opcodes cover both sides in order, and their equal runs are equal."""
    i = j = 0
    for tag, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j)
        assert (tag == "equal") == (old[i1:i2] == new[j1:j2] and i2 - i1 > 0)
        i, j = i2, j2
    assert (i, j) == (len(old), len(new))


def _shown(old: str, new: str, ops) -> int:  # type: ignore[no-untyped-def]
    return sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in ops if tag != "equal")


def test_seeds_get_difflibs_opcodes() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for change in changed_lines(text, repair_text(text).text):
            for old, new in zip(change.old, change.new, strict=False):
                assert opcodes(old, new) == _difflib(old, new), path.name


READINGS = ("yī", "xué", "xí", "guān", "fā", "zhǎn", "wù", "lǐ", "huì", "zhōng")


def _seed_like(text: str, rng: random.Random) -> str:
    """Readings after some Han characters, flattened and doubled commas (not a real
    annotation table: the matcher only sees strings)."""
    out = []
    for char in text:
        if char == "，":
            out.append(",," if rng.random() < 0.2 else ",")
        elif "\u4e00" <= char <= "\u9fff" and rng.random() < 0.08:
            out.append(f"{char}({rng.choice(READINGS)})")
        else:
            out.append(char)
    return "".join(out)


def test_generated_damage_shows_no_more_than_difflib() -> None:
    rng = random.Random(7)
    lines = 0
    for _, text in corpus()[:40]:
        damaged = _seed_like(text, rng)
        repaired = repair_text(damaged).text
        for old, new in zip(damaged.splitlines(), repaired.splitlines(), strict=True):
            if old == new:
                continue
            lines += 1
            ops = opcodes(old, new)
            _rebuilt(old, new, ops)
            assert _shown(old, new, ops) <= _shown(old, new, _difflib(old, new)), old
    assert lines > 100


@given(st.text("ab,(yī)醫院，", max_size=40), st.text("ab,(yī)醫院，", max_size=40))
def test_any_strings_are_rebuilt(old: str, new: str) -> None:
    _rebuilt(old, new, opcodes(old, new))
    old_lines, new_lines = old.split(","), new.split(",")
    _rebuilt(old_lines, new_lines, opcodes(old_lines, new_lines, trusted=1))


def test_a_long_line_is_matched_change_by_change() -> None:
    """200 annotations on one 10,000-character line: 200 deletions, nothing else."""
    rng = random.Random(3)
    clean = "".join(rng.choice("醫院學習中心組的是在") for _ in range(10_000))
    damaged = "".join(f"{c}(yī)" if k % 50 == 0 else c for k, c in enumerate(clean))
    ops = opcodes(damaged, clean)
    assert [tag for tag, *_ in ops if tag != "equal"] == ["delete"] * 200


def _blank_cut(lines: list[str], rng: random.Random) -> list[str]:
    """A repair of ``lines`` that changed some and removed or added blank lines."""
    out = []
    for line in lines:
        if not line.strip():
            out.extend([line] * rng.choice((0, 1, 1, 2)))
        else:
            out.append(line.replace(",", "，") if rng.random() < 0.5 else line)
    return out


def test_blank_lines_cut_pair_every_other_line_with_its_original() -> None:
    """A long file whose repair cut blank lines (``blank-lines``): each other line pairs
    with the line it was, in one linear pass (``opcodes`` searched for each changed line
    among blank lines everywhere: 11.7 s for the seeds repeated to 18,000 lines)."""
    rng = random.Random(11)
    old = ["第一行,,内容", "", "", "", "第二行,文字", "相同的行", "", "  "] * 2000
    new = _blank_cut(old, rng)
    ops = long_line_opcodes(old, new)
    _rebuilt(old, new, ops)
    paired = [
        (i1 + k, j1 + k)
        for _, i1, i2, j1, j2 in ops
        if i2 - i1 == j2 - j1
        for k in range(i2 - i1)
        if old[i1 + k].strip()
    ]
    assert len(paired) == 6000
    assert all(old[i].replace(",", "，") == new[j] or old[i] == new[j] for i, j in paired)


@given(st.lists(st.sampled_from(["", " ", "a,b", "甲,乙", "丙"]), max_size=30), st.integers())
def test_any_blank_cut_is_rebuilt(lines: list[str], seed: int) -> None:
    new = _blank_cut(lines, random.Random(seed))
    ops = blank_anchored(lines, new)
    assert ops is not None
    _rebuilt(lines, new, ops)
    assert blank_anchored(lines, [*new, "新的行"]) is None
