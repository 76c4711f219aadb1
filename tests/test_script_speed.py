"""The fast paths of the ``mixed-script`` rule give exactly what the simple ones give.

Issue 7 (speed): on damaged text the rule converts thousands of short windows with
OpenCC. :meth:`cnfix.rules.script.state.CheckState.convert_all` converts them in one
call per configuration (joined with line breaks) and remembers the answers for the rest
of the check. The reference is one OpenCC call per window, nothing remembered: the
findings (rule, code, span, message, fix edits, title, applicability, order) and the
repairs must be identical on the rule's fixtures, the seeds (alone, joined and as JSON
Lines, under every ``--to``), clean corpus documents and corpus excerpts with flipped
characters (``benchmarks/bench_script.py``), some joined into long texts judged in
paragraph runs.
"""

from __future__ import annotations

import json
import lzma
import random
import re
import sys
from collections.abc import Iterator

import pytest
from conftest import FIXTURES, ROOT, SEEDS, corpus_documents

from cnfix import Settings, repair_text
from cnfix.adapters.opencc import convert, convert_phrases
from cnfix.model import Document, Finding
from cnfix.rules.script import charclass, check_mixed_script, register, state
from cnfix.rules.script.state import PHRASES_ST, PHRASES_TS, CheckState
from cnfix.rules.script.tables import tables
from cnfix.rules.script.view import without_glosses
from cnfix.text.chars import HAN, HAN_RE, ScanBudget, count_han

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_script

#: Every configuration the rule passes to :meth:`CheckState.convert_all`.
CONFIGS = ("t2s", "s2t", "tw2s", "hk2s", "s2tw", "s2hk", "t2tw", "t2hk", PHRASES_ST, PHRASES_TS)
TARGETS = ("auto", "hant", "hans", "tw", "hk", "keep")


def one_by_one(pieces: list[str], config: str) -> list[str]:
    """The reference: one OpenCC call per piece, nothing remembered."""
    if config in (PHRASES_ST, PHRASES_TS):
        return [convert_phrases(piece, config[-2:]) for piece in pieces]
    return [convert(piece, config) for piece in pieces]


def _texts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts += [path.read_text(encoding="utf-8") for path in corpus_documents()[::40]]
    return texts


def test_joined_pieces_convert_as_they_would_alone() -> None:
    """No OpenCC phrase reaches across the line break between two pieces, in any
    configuration: windows of real text (starting and ending anywhere, some holding line
    breaks or empty, 著 after and before a word of the 著 → 着 table) convert alike."""
    rng = random.Random(7)
    texts = _texts()
    pieces = ["", "有著", "著力", "\n", "著", "有\n著", "干部\n"]
    for text in texts:
        for _ in range(300):
            start = rng.randrange(len(text))
            pieces.append(text[start : start + rng.randint(1, 24)])
    for config in CONFIGS:
        memo = CheckState()
        expected = one_by_one(pieces, config)
        assert memo.convert_all(pieces, config) == expected, config
        # and again, from what is remembered, in another order
        shuffled = list(zip(pieces, expected, strict=True))
        rng.shuffle(shuffled)
        assert memo.convert_all([p for p, _ in shuffled], config) == [e for _, e in shuffled]
        # pieces without a line break (a text's windows within lines: paired at once)
        lines = [piece for piece in pieces if "\n" not in piece]
        assert CheckState().convert_all(lines, config) == one_by_one(lines, config), config


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state, "REMEMBERED_PIECES", 10)
    memo = CheckState()
    pieces = [f"干部{n}" for n in range(30)] + ["x" * (state.REMEMBERED_LENGTH + 1)]
    assert memo.convert_all(pieces, "s2t") == one_by_one(pieces, "s2t")
    assert memo.convert_all(pieces, "s2t") == one_by_one(pieces, "s2t")
    assert memo.convert_all(pieces, "t2s") == one_by_one(pieces, "t2s")
    # cleared, then refilled by one call: at most 30 pieces, none too long
    assert sum(map(len, memo.converted.values())) <= 30
    assert all(len(piece) <= state.REMEMBERED_LENGTH for piece in memo.converted["t2s"])


def test_dense_count_in_blocks_matches_findall(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting ``COUNT_BLOCK`` members per match gives the count: texts with fewer, exactly
    one or two blocks' worth, supplementary-plane members, and the seeds and corpus."""
    exhausted = ScanBudget()
    exhausted.budget = 0
    monkeypatch.setattr(charclass, "_FINDALL_COUNTS", exhausted)
    t = tables()
    block = charclass.COUNT_BLOCK
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts += [path.read_text(encoding="utf-8") for path in corpus_documents()[::20]]
    for chars in (t.traditional_only, t.simplified_only):
        member, astral = sorted(chars.chars - chars.astral)[0], sorted(chars.astral)[0]
        monkeypatch.setattr(chars, "counts_in_blocks", False)
        samples = [*texts, "", "a" * 300, member * block, ("x" + member) * (2 * block)]
        samples += [member * (block - 1) + "y", (member + astral + "z") * (block + 3)]
        for text in samples:
            assert chars.count_dense(text) == chars.count(text)
        assert chars.counts_in_blocks


#: Romanisation in parentheses before a Han character (matched anywhere: the reference
#: checks the character before it itself).
_GLOSS_ANYWHERE = re.compile(f"[(（][A-Za-z\u00c0-\u024f\u0300-\u036f']{{1,12}}[)）](?=[{HAN}])")


def glosses_one_by_one(unit: str) -> tuple[str, list[int] | None]:
    """The reference :func:`without_glosses`: every candidate gloss, one at a time."""
    pieces: list[str] = []
    index: list[int] = []
    cursor = 0
    for match in _GLOSS_ANYWHERE.finditer(unit):
        if not match.start() or not HAN_RE.match(unit, match.start() - 1):
            continue
        pieces.append(unit[cursor : match.start()])
        index.extend(range(cursor, match.start()))
        cursor = match.end()
    if not cursor:
        return unit, None
    pieces.append(unit[cursor:])
    index.extend(range(cursor, len(unit)))
    return "".join(pieces), index


def test_glosses_cut_as_one_by_one() -> None:
    """Glosses after a Han character, at the start, after a letter or another gloss, in
    full-width parentheses, too long, before a non-Han character; and the seeds."""
    rng = random.Random(3)
    bits = ["規", "范", "(guī)", "（fàn）", "(ABA)", "F", "t", "(", ")", "(x)(y)", "()", "a" * 13]
    texts = ["".join(rng.choice(bits) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    texts += [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for text in texts:
        assert without_glosses(text) == glosses_one_by_one(text), text


def _samples() -> Iterator[tuple[str, str, str, tuple[str, ...]]]:
    """(label, text, kind, targets) of texts with remnants and without."""
    for path in sorted((FIXTURES / "mixed-script").glob("*.in.*")):
        kind = "markdown" if path.suffix == ".md" else "text"
        yield path.name, path.read_text(encoding="utf-8"), kind, TARGETS
    seeds = [path.read_bytes().decode("utf-8", "replace") for path in sorted(SEEDS.glob("*.txt"))]
    for number, seed in enumerate(seeds):
        yield f"seed {number}", seed, "text", TARGETS
        lines = "\n".join(json.dumps({"t": line}, ensure_ascii=False) for line in seed.splitlines())
        yield f"seed {number} as JSON Lines", lines, "json", ("auto",)
    yield "seeds joined x3", "".join(seeds) * 3, "text", ("auto", "hant")
    for path in corpus_documents()[::8]:
        label = f"{path.parent.name}/{path.name}"
        yield label, path.read_text(encoding="utf-8"), "text", ("auto",)
    rng = random.Random(5)
    flipped: dict[str, list[str]] = {"hans": [], "hant": []}
    for script_name, texts in flipped.items():
        for number, excerpt in enumerate(bench_script.excerpts(script_name, 1000)[::10]):
            for rate in (0.02, 0.05):
                damaged, _ = bench_script.flip(excerpt, script_name, rate, rng)
                texts.append(damaged)
                yield f"{script_name} excerpt {number} flipped {rate}", damaged, "text", ("auto",)
        # long texts (judged in paragraph runs), remnants here and there
        yield f"long {script_name}", "\n\n".join(texts[:30]), "text", ("auto",)
    both = [text for pair in zip(flipped["hans"], flipped["hant"], strict=False) for text in pair]
    yield "long, both scripts", "\n\n".join(both[:40]), "text", ("auto", "hant", "hans")


def _key(finding: Finding) -> tuple:
    fix = finding.fix
    repair = None
    if fix is not None:
        edits = tuple((e.start, e.end, e.replacement) for e in fix.edits)
        repair = (edits, fix.title, fix.applicability)
    return finding.rule, finding.code, finding.start, finding.end, finding.message, repair


def _findings(text: str, kind: str, target: str) -> list[tuple]:
    document = Document(text, kind=kind, settings=Settings(target_script=target))
    return [_key(finding) for finding in check_mixed_script(document)]


def _repairs(text: str) -> list[tuple]:
    results = []
    for unsafe in (False, True):
        result = repair_text(text, select=["mixed-script"], unsafe_fixes=unsafe)
        results.append((result.text, [_key(finding) for finding in result.applied]))
    return results


SAMPLES = list(_samples())


def test_findings_match_the_one_call_per_window_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast: dict[tuple[str, str], list[tuple]] = {}
    repaired: dict[str, list[tuple]] = {}
    for label, text, kind, targets in SAMPLES:
        for target in targets:
            fast[label, target] = _findings(text, kind, target)
        if kind == "text" and not label.startswith(("hans/", "hant/")):
            repaired[label] = _repairs(text)
    monkeypatch.setattr(
        CheckState, "convert_all", lambda _state, pieces, config: one_by_one(pieces, config)
    )
    found = 0
    for label, text, kind, targets in SAMPLES:
        for target in targets:
            assert fast[label, target] == _findings(text, kind, target), (label, target)
            found += len(fast[label, target])
        if label in repaired:
            assert repaired[label] == _repairs(text), label
    assert found > 1000  # the samples exercise the rule


def _classical_counting_han(text: str) -> bool:
    """The reference for :func:`register.classical`: the Han characters counted first,
    always (the rule now turns modern text away by its length alone)."""
    han = count_han(text)
    if han < register.CLASSICAL_MIN_HAN or len(register.MODERN_RE.findall(text)) >= (
        register.MODERN_SHARE * han
    ):
        return False
    if len(register.CLASSICAL_PARTICLES_RE.findall(text)) >= register.PARTICLE_SHARE * han:
        return True
    clauses = [
        (count_han(match.group()), text.startswith(register.SIGNS, match.end()))
        for match in register.CLAUSE_RE.finditer(text)
    ]
    clauses = [(n, signed) for n, signed in clauses if n]
    verse = sum(n in (4, 5, 7) and signed for n, signed in clauses)
    return len(clauses) >= 4 and verse >= register.VERSE_SHARE * len(clauses)


def test_classical_register_as_when_it_counted_han_first() -> None:
    """Seeds, corpus documents, the clean sets (classical text among them) whole and cut
    into pieces of every size, and classical text with modern characters strewn in up
    to and past the share that makes it modern: the same register either way."""
    rng = random.Random(11)
    texts = _texts()
    for name in ("classical", "taiwan", "hong_kong"):
        path = ROOT / "tests" / "data" / "script_clean" / f"{name}.txt.xz"
        texts.append(lzma.decompress(path.read_bytes()).decode("utf-8"))
    samples = list(texts)
    for text in texts:
        for _ in range(40):
            start = rng.randrange(len(text))
            samples.append(text[start : start + rng.choice((10, 25, 60, 200, 1500, 20000))])
    classical_text = texts[-3]
    for _ in range(200):
        start = rng.randrange(len(classical_text))
        piece = list(classical_text[start : start + rng.choice((30, 100, 400, 3000))])
        for _ in range(rng.randrange(max(1, len(piece) // 40))):
            piece.insert(rng.randrange(len(piece) + 1), rng.choice("的們这個吗您"))
        samples.append("".join(piece))
    verdicts = [register.classical(CheckState(), sample) for sample in samples]
    assert verdicts == [_classical_counting_han(sample) for sample in samples]
    assert any(verdicts) and not all(verdicts)
