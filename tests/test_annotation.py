"""pinyin-annotation (A001): the seeds, the policy, the clean corpus, and a round-trip property."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS, corpus_documents
from hypothesis import given
from hypothesis import strategies as st

from cnfix import repair_text, scan_text
from cnfix.model import Applicability, Document
from cnfix.rules import RULES
from cnfix.rules import annotation as rule
from cnfix.text import pinyin
from cnfix.text.charmodel import char_costs
from cnfix.text.chars import HAN, count_han
from cnfix.text.regions import protected_regions

SELECT = ["pinyin-annotation"]
#: Any parenthesised run of reading-like letters right after a Han character.
HAN_THEN_PARENS_RE = re.compile(
    f"[{HAN}][(（]([A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f:]+[0-5]?)[)）]"
)
TONED = {1: "\u0304", 2: "\u0301", 3: "\u030c", 4: "\u0300"}


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _by_applicability(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in scan_text(text, select=SELECT):
        assert finding.fix is not None
        key = finding.fix.applicability.value
        counts[key] = counts.get(key, 0) + 1
    return counts


# --- the seeds ---------------------------------------------------------------------------

# Intact annotations after a Han character (safe), and annotations broken by the garbled
# spans (display-only): 000 has `?qū)` and `?zhèn)` (lost their "(") and `崿F(xiàn)`, `尼t(yī)`
# (after a stray Latin letter); 002 has `?lián)`. 206 + 2 + 216 + 185 + 103 = 712.
SEED_COUNTS = {
    "000": {"safe": 206, "display-only": 4},
    "001": {"safe": 216},
    "002": {"safe": 185, "display-only": 1},
    "003": {"safe": 103},
    "004": {},
}


@pytest.mark.parametrize("prefix", sorted(SEED_COUNTS))
def test_seed_findings(prefix: str) -> None:
    assert _by_applicability(_seed(prefix)) == SEED_COUNTS[prefix]


@pytest.mark.parametrize("prefix", sorted(SEED_COUNTS))
def test_seed_repair_removes_every_reading_and_nothing_else(prefix: str) -> None:
    text = _seed(prefix)
    safe = [
        f
        for f in scan_text(text, select=SELECT)
        if f.fix and f.fix.applicability is Applicability.SAFE
    ]
    repaired = repair_text(text, select=SELECT).text
    # Exactly the reported spans are gone.
    expected, cursor = [], 0
    for finding in sorted(safe, key=lambda f: f.start):
        expected.append(text[cursor : finding.start])
        cursor = finding.end
    expected.append(text[cursor:])
    assert repaired == "".join(expected)
    assert count_han(repaired) == count_han(text)
    left = [m.group(0) for m in HAN_THEN_PARENS_RE.finditer(repaired)]
    assert [s for s in left if pinyin.parse_reading(s[2:-1])] == []
    assert repair_text(repaired, select=SELECT).text == repaired


def test_seed_annotations_are_consistent() -> None:
    """Each annotated character always carries the same reading.

    DEFECTS §1 counts 67 characters before a "(": these 65 Han characters plus the stray
    letters F and t inside the garbled spans of 000.
    """
    readings: dict[str, set[str]] = {}
    for prefix in ("000", "001", "002", "003"):
        text = _seed(prefix)
        for a in rule._annotations(Document(text)):
            readings.setdefault(a.char, set()).add(text[a.start : a.end])
    assert len(readings) == 65
    assert all(len(r) == 1 for r in readings.values())


def test_cli_on_a_copy_of_the_seeds(tmp_path: Path) -> None:
    copy = tmp_path / "seeds"
    shutil.copytree(SEEDS, copy)
    for path in copy.iterdir():
        path.chmod(0o644)
    cli = [sys.executable, "-m", "cnfix"]
    scan = subprocess.run(
        [*cli, "scan", "--select", "pinyin-annotation", str(copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    reported = {
        Path(line.split(":")[0]).name[:3] for line in scan.stdout.splitlines() if " A001 " in line
    }
    assert reported == {"000", "001", "002", "003"}, scan.stdout + scan.stderr
    before = {p.name: count_han(p.read_text(encoding="utf-8")) for p in copy.iterdir()}
    subprocess.run(
        [*cli, "repair", "--in-place", "--select", "pinyin-annotation", str(copy)],
        capture_output=True,
        check=False,
    )
    for path in copy.iterdir():
        text = path.read_text(encoding="utf-8")
        assert count_han(text) == before[path.name]
        left = [m.group(1) for m in HAN_THEN_PARENS_RE.finditer(text)]
        assert [s for s in left if pinyin.parse_reading(s)] == [], path.name


# --- the parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "parsed"),
    [
        ("yī", ("yi", 1)),
        ("yi1", ("yi", 1)),
        ("yi", ("yi", None)),
        ("YĪ", ("yi", 1)),
        ("Xué", ("xue", 2)),
        ("lǜ", ("lü", 4)),
        ("lv4", ("lü", 4)),
        ("LU:4", ("lü", 4)),
        ("lüè", ("lüe", 4)),
        ("qv1", ("qu", 1)),
        ("de5", ("de", 5)),
        ("de0", ("de", 5)),
        ("lĭng", ("ling", 3)),  # breve typed for caron
        ("ḿ", ("m", 2)),
        ("ê̄", ("ê", 1)),
        ("WHO", None),
        ("C", None),
        ("yī1", None),  # tone mark and tone number
        ("yi7", None),  # no such tone
        ("yi²", None),
        ("", None),
        ("function", None),
        ("xyz", None),
    ],
)
def test_parse_reading(written: str, parsed: tuple[str, int | None] | None) -> None:
    assert pinyin.parse_reading(written) == parsed


def test_syllable_inventory_is_closed_and_standard() -> None:
    syllables = pinyin.syllable_inventory()
    assert 400 <= len(syllables) <= 430
    assert {"zhuang", "lüe", "nü", "er", "a", "yo", "ng"} <= syllables
    assert not {"lv", "qü", "who", "ji1"} & syllables


def test_readings_cover_simplified_and_traditional() -> None:
    for char, syllable, tone in [
        ("医", "yi", 1),
        ("醫", "yi", 1),
        ("学", "xue", 2),
        ("學", "xue", 2),
        ("行", "hang", 2),
        ("行", "xing", 2),
    ]:
        assert pinyin.is_reading_of(char, syllable, tone)
    assert not pinyin.is_reading_of("醫", "yi", 4)
    assert pinyin.is_reading_of("醫", "yi", None)


def test_table_is_loaded_only_for_han_then_parenthesised_latin() -> None:
    pinyin.syllable_inventory.cache_clear()
    pinyin.readings_table.cache_clear()
    pinyin.parse_reading.cache_clear()
    rule._reading_after.cache_clear()
    rule._reading_of_key.cache_clear()  # other test modules may have looked these up
    for path in corpus_documents()[:50]:
        text = path.read_text(encoding="utf-8").replace("(", "[").replace("（", "【")
        assert scan_text(text, select=SELECT) == []
    assert pinyin.syllable_inventory.cache_info().currsize == 0
    assert pinyin.readings_table.cache_info().currsize == 0
    scan_text("世界卫生组织(WHO)发布报告", select=SELECT)
    assert pinyin.readings_table.cache_info().currsize == 0  # WHO is no syllable
    scan_text("医(yī)", select=SELECT)
    assert pinyin.readings_table.cache_info().currsize == 1


def test_registered_after_byte_damage_and_before_punctuation() -> None:
    names = [r.name for r in RULES]
    position = names.index("pinyin-annotation")
    assert names[position - 1] in {"encoding", "mojibake", "lost-bytes"}
    assert names[position + 1 :][:1] == ["stray-comma"]
    assert RULES[position].code == "A001"


# --- the policy ---------------------------------------------------------------------------

ARTIFACT = "湖北省腫瘤醫(yī)院召開黨委理論學(xué)習(xí)中心組會議,醫(yī)院領(lǐng)導班子出席。"
#: Three common characters annotated once each: the artifact's trace or three glosses.
THREE_ONCE = "湖北省腫瘤醫(yī)院召開黨委理論學(xué)習(xí)中心組會議。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ARTIFACT, {"safe": 5}),
        (THREE_ONCE, {"unsafe": 3}),
        # Polyphones in a document that shows the artifact: any reading is safe.
        (ARTIFACT + "為(wèi)了成為(wéi)醫(yī)生。", {"safe": 8}),
        # A teaching text glossing polyphones and rare characters once each.
        ("天地不仁,以萬物為芻(chú)狗。多言數(shuò)窮,不如守中。谷神不死,是謂玄牝(pìn)。", {}),
        ("唐僧發愁（chóu）道,河寬（kuān）八百里,這條河有八百里寬。", {}),
        ("荨(qián)麻疹是一种常见的皮肤病。", {}),  # a single gloss
        ("龘(dá),形容龙腾飞的样子。", {}),
        ("生僻字:龘(dá)、靐(bìng)、齉(nàng)、爩(yù)。", {}),  # a list of glosses
        ("荨(qián)麻疹又称风(fēng)疹块。", {}),  # glosses: one on a rare character
        ("行(xíng)走与銀行(háng)業不同。", {}),  # two readings of 行: deliberate
        (ARTIFACT + "步行(xíng)上班,銀行(háng)業務。", {"safe": 7}),
        ("醫(yī)(yī)院的醫(yī)生在醫(yī)院學(xué習。", {"safe": 4}),  # doubled, lost ")"
        ("醫(yī)、學(xué)、習(xí)。", {"unsafe": 3}),  # three common ones: maybe glosses
        ("兼?zhèn)涞尼", {"display-only": 1}),  # lost its "(" next to lost bytes
        ("賑（音zhèn）災", {}),  # a gloss without "(" before the reading, clean text
    ],
)
def test_artifact_versus_gloss(text: str, expected: dict[str, int]) -> None:
    assert _by_applicability(text) == expected


def test_message_and_span() -> None:
    (first, *_) = scan_text(ARTIFACT, select=SELECT)
    assert first.message == 'pinyin annotation "(yī)" after 醫'
    assert ARTIFACT[first.start : first.end] == "(yī)"
    assert first.fix is not None
    assert [(e.start, e.end, e.replacement) for e in first.fix.edits] == [
        (first.start, first.end, "")
    ]


@pytest.mark.parametrize("path", corpus_documents(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_finding_on_clean_corpus(path: Path) -> None:
    assert scan_text(path.read_text(encoding="utf-8"), select=SELECT) == []


# --- the property: insert the artifact into clean text, repair gives the text back --------

CORPUS = [p.read_text(encoding="utf-8") for p in corpus_documents()]


@functools.cache
def _known_chars() -> frozenset[str]:
    return frozenset(c for chars in pinyin.readings_table().values() for c in chars)


COMMON = rule.COMMON_COST


def _han_positions(text: str) -> tuple[list[int], list[int]]:
    """Han characters with a known reading outside protected spans: all, and those that
    are followed by Han (where an annotation is embedded in a word)."""
    protected = protected_regions(Document(text))
    chars = _known_chars()
    # The character itself must lie outside protected spans: the URL pattern runs on over
    # Han text glued to a URL (`(https://x.org/)和类似的`), and so would over an annotation.
    anywhere = [
        i
        for i, char in enumerate(text)
        if rule.is_han(char) and char in chars and not (protected and protected.covers(i))
    ]
    embedded = [i for i in anywhere if i + 1 < len(text) and rule.is_han(text[i + 1])]
    return anywhere, embedded


def _readings_of(char: str) -> list[tuple[str, int]]:
    return sorted(
        (key[:-1], int(key[-1])) for key, chars in pinyin.readings_table().items() if char in chars
    )


def _write(syllable: str, tone: int, style: str, upper: bool) -> str:
    if style == "number":
        written = f"{syllable}{tone}"
    elif style == "none":
        written = syllable
    else:
        vowel = next(
            v
            for v in ("a", "e", "ou", "o", "iu", "ui", "i", "u", "ü", "ê", "m", "n")
            if v in syllable
        )
        at = syllable.index(vowel) + (1 if vowel in ("iu", "ui") else 0)
        mark = TONED.get(tone, "")
        written = syllable[: at + 1] + mark + syllable[at + 1 :]
    written = written.upper() if upper else written
    return written


@given(
    document=st.sampled_from(CORPUS),
    picks=st.lists(st.integers(min_value=0, max_value=10**6), min_size=3, max_size=12),
    reading_pick=st.integers(min_value=0, max_value=10),
    style=st.sampled_from(["marks", "number", "none"]),
    fullwidth=st.booleans(),
    upper=st.booleans(),
)
def test_inserting_the_artifact_and_repairing_gives_the_clean_text(
    document: str, picks: list[int], reading_pick: int, style: str, fullwidth: bool, upper: bool
) -> None:
    # A converter annotates every occurrence of a fixed list of characters; the list
    # here is drawn from the document's common characters, enough of them to show the
    # artifact (at least MIN_UNREPEATED annotations on common characters).
    anywhere, _ = _han_positions(document)
    costs = char_costs()
    common = sorted({document[at] for at in anywhere if costs.get(document[at], 99) <= COMMON})
    if not common:
        return
    listed = {common[p % len(common)] for p in picks}
    chosen = [at for at in anywhere if document[at] in listed]
    if len(chosen) < rule.MIN_UNREPEATED:
        return
    reading_for: dict[str, str] = {}
    pieces, cursor = [], 0
    for at in chosen:
        char = document[at]
        if char not in reading_for:
            options = _readings_of(char)
            syllable, tone = options[reading_pick % len(options)]
            written = _write(syllable, tone, style, upper)
            reading_for[char] = f"（{written}）" if fullwidth else f"({written})"
        pieces.append(document[cursor : at + 1])
        pieces.append(reading_for[char])
        cursor = at + 1
    pieces.append(document[cursor:])
    damaged = "".join(pieces)
    assert damaged != document
    assert repair_text(damaged, select=SELECT).text == document
