"""How repairs are shown: golden renderings of the inline and unified diffs of the first
line of seed 001, and the properties that keep the inline diff readable on long lines.

The goldens live in ``tests/golden/``; refresh them with ``pytest --update-golden`` and
review the rendering in ``git diff`` (it is what a person reads before accepting a
repair). The repair uses the three rules that touch that line (pinyin annotations,
stray commas, flattened punctuation), so work on other rules does not move the golden.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

from cnfix import repair_text
from cnfix.report import diff
from cnfix.report.diff import (
    Printer,
    cell_width,
    inline_segments,
    plain_segments,
    unified_diff,
    wrap_segments,
)

GOLDEN = ROOT / "tests" / "golden"
RULES = ["pinyin-annotation", "stray-comma", "halfwidth-punctuation"]
WIDTH = 100
ANSI = re.compile(r"\x1b\[[0-9;]*m")
GUTTER = re.compile(r"^ *\d* │ ")


def _first_line() -> tuple[str, str, list]:
    seed = next(path for path in sorted(SEEDS.iterdir()) if path.name.startswith("001_"))
    line = seed.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    result = repair_text(line, select=RULES)
    return line, result.text, list(result.applied)


def _compare(name: str, rendered: str, update: bool) -> None:
    golden = GOLDEN / name
    if update or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8"), f"{name} changed; review it"


def test_inline_golden(update_golden: bool) -> None:
    old, new, applied = _first_line()
    stream = io.StringIO()
    Printer(stream, color=False, width=WIDTH).inline_diff("seeds/001.txt", old, new, applied)
    rendered = stream.getvalue()
    _compare("inline-seed001-line1.txt", rendered, update_golden)
    # Readable: one header with counts by rule, and no row wider than the terminal.
    header, *rows = rendered.splitlines()
    assert re.fullmatch(r"seeds/001\.txt: \d+ fixes \(([a-z-]+ \d+(, )?)+\)", header)
    assert all(sum(cell_width(char) for char in row) <= WIDTH for row in rows)
    assert rows[0].startswith("    1 │ ") and all(row.startswith("      │ ") for row in rows[1:])


def test_unified_golden_applies_with_patch(update_golden: bool, tmp_path: Path) -> None:
    old, new, _ = _first_line()
    rendered = unified_diff("seeds/001.txt", old, new)
    _compare("unified-seed001-line1.diff", rendered, update_golden)
    if shutil.which("patch") is None:
        pytest.skip("patch is not installed")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "001.txt").write_text(old, encoding="utf-8")
    subprocess.run(["patch", "-p1", "--quiet"], cwd=tmp_path, input=rendered.encode(), check=True)
    assert (tmp_path / "seeds" / "001.txt").read_text(encoding="utf-8") == new


def test_unified_diff_without_final_newline_applies(tmp_path: Path) -> None:
    if shutil.which("patch") is None:
        pytest.skip("patch is not installed")
    old, new = "会议,,指出", "会议，指出"
    (tmp_path / "a.txt").write_text(old, encoding="utf-8")
    diff = unified_diff("a.txt", old, new)
    assert "\\ No newline at end of file" in diff
    subprocess.run(["patch", "-p1", "--quiet"], cwd=tmp_path, input=diff.encode(), check=True)
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == new


def test_long_unchanged_stretches_are_elided() -> None:
    prose = "全省卫生健康系统深入开展学习贯彻主题教育" * 20
    old, new = f"{prose}会议,,指出{prose}", f"{prose}会议，指出{prose}"
    rendered = plain_segments(inline_segments(old, new))
    assert rendered.startswith("…") and rendered.endswith("…")
    assert "会议[-,,-]{+，+}指出" in rendered
    assert len(rendered) < 60


@pytest.mark.parametrize("width", [20, 37, 80, 100])
def test_wrapping_keeps_every_character_and_fits(width: int) -> None:
    old, new, _ = _first_line()
    segments = inline_segments(old.rstrip("\n"), new.rstrip("\n"))
    rows = wrap_segments(segments, width)
    assert "".join(text for row in rows for _, text in row) == "".join(t for _, t in segments)
    for row in rows:
        assert sum(cell_width(char) for char in plain_segments(row)) <= width
    # A short change is never cut between two rows (when a row has room for it).
    for row in rows if width >= 37 else []:
        for kind, text in row:
            if kind in ("delete", "insert") and len(text) < 5:
                assert any((kind, text) == piece for piece in segments)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_rendering_has_the_same_text() -> None:
    """On a terminal the changes are coloured instead of bracketed; same rows, same text."""
    old, new, applied = _first_line()
    plain, colour = io.StringIO(), _Terminal()
    Printer(plain, color=False, width=WIDTH).inline_diff("f", old, new, applied)
    Printer(colour, color=True, width=WIDTH).inline_diff("f", old, new, applied)
    coloured = colour.getvalue()
    assert "\x1b[" in coloured

    def content(rendered: str) -> str:
        header, *rows = rendered.splitlines()
        return header + "".join(GUTTER.sub("", row) for row in rows)

    unmarked = re.sub(r"\[-|-\]|\{\+|\+\}", "", plain.getvalue())
    assert content(ANSI.sub("", coloured)) == content(unmarked)


def test_inline_diff_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past INLINE_DIFF_LINES changed lines, one line says how many more there are."""
    monkeypatch.setattr(diff, "INLINE_DIFF_LINES", 3)
    old = "会议,,指出\n" * 5
    new = "会议，指出\n" * 5
    stream = io.StringIO()
    Printer(stream, color=False).inline_diff("f", old, new, [])
    header, *rows = stream.getvalue().splitlines()
    assert header == "f: 0 fixes ()"
    assert [row.split("│")[0].strip() for row in rows[:3]] == ["1", "2", "3"]
    assert rows[3:] == ["      … 2 more changed line(s); --diff unified shows every one"]


def _random_revision(rng: random.Random) -> tuple[str, str]:
    """Lines that repeat (the case ``difflib`` is quadratic on), some changed, some
    removed or added, with the characters F29 is about inside lines, and a final line
    feed or not on either side."""
    pool = ["会议,,指出", "醫(yī)院", "\f", "a\u2028b", "lone\rcr", "", "同上", "1,000"]
    old = [rng.choice(pool) for _ in range(rng.randint(0, 40))]
    new = [line + "，" if rng.random() < 0.2 else line for line in old]
    for _ in range(rng.randint(0, 2)):
        if new and rng.random() < 0.5:
            del new[rng.randrange(len(new))]
        else:
            new.insert(rng.randint(0, len(new)), rng.choice(pool))
    ends = [rng.choice(["\n", ""]) for _ in range(2)]
    return "\n".join(old) + ends[0], "\n".join(new) + ends[1]


def test_unified_diffs_of_random_revisions_apply_with_patch(tmp_path: Path) -> None:
    """The unified diff is built from the inline diff's line pairing, not ``difflib``:
    whatever the pairing, ``patch`` turns the old text into the new one."""
    if shutil.which("patch") is None:
        pytest.skip("patch is not installed")
    rng = random.Random(18)
    for number in range(40):
        old, new = _random_revision(rng)
        target = tmp_path / f"{number}.txt"
        target.write_bytes(old.encode("utf-8"))
        rendered = unified_diff(target.name, old, new)
        assert (rendered == "") == (old == new)
        if rendered:
            subprocess.run(
                ["patch", "-p1", "--quiet"], cwd=tmp_path, input=rendered.encode(), check=True
            )
        assert target.read_bytes().decode("utf-8") == new, rendered


def test_unified_diff_numbers_a_chunk_in_the_whole_file() -> None:
    rendered = unified_diff("big.txt", "一\n二,,\n三\n", "一\n二，\n三\n", first_line=41)
    assert "@@ -41,3 +41,3 @@\n 一\n-二,,\n+二，\n 三\n" in rendered
