"""What the clean scan does before and around the rules' work: each shortcut gives what
the longer way gave."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import cnfix.app.parallel as parallel
from cnfix.app import streaming
from cnfix.app.runner import RunOptions
from cnfix.io import chunks
from cnfix.model import Document
from cnfix.rules import MOJIBAKE, RULES, prepare_for_long_text
from cnfix.rules.layout import (
    CHINESE_CHAR_RE,
    SPACE_BEFORE_QUOTE_RE,
    check_space_before_quote,
)
from cnfix.rules.mojibake import prefilter
from cnfix.text.chars import _LazyPattern


def test_space_before_quote_finds_the_full_patterns_places() -> None:
    """One pass of the quote pattern with the Han check in Python finds a space before a
    quote exactly where ``SPACE_BEFORE_QUOTE_RE`` (the Han class in the pattern) does."""
    pieces = ["“", "「", "『", " ", "\t", "  ", "中", "文", "〇", "\U00020000", "a", "。", "”"]
    pieces.append("\n")
    rng = random.Random(18)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        found = [finding.end for finding in check_space_before_quote(Document(text))]
        expected = []
        for match in SPACE_BEFORE_QUOTE_RE.finditer(text):
            start = match.start() - 1
            while start and text[start - 1] in " \t":
                start -= 1
            if start and CHINESE_CHAR_RE.match(text, start - 1):
                expected.append(match.start())
        assert found == expected, repr(text)


def test_a_long_text_compiles_the_mojibake_prefilter_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A streamed file compiles the prefilter before its first chunk (its first million
    characters do not go through the full search), and only when mojibake is checked."""
    fresh = _LazyPattern(prefilter._prefilter_source, 0)
    monkeypatch.setattr(prefilter, "PREFILTER_RE", fresh)
    prepare_for_long_text([rule for rule in RULES if rule is not MOJIBAKE])
    assert "search" not in vars(fresh)
    prepare_for_long_text(RULES)
    assert "search" in vars(fresh)


class _RecordingPool:
    """A pool about to fork its workers, that records what it is given for them and
    does the work itself."""

    jobs = 2

    def __init__(self) -> None:
        self.given: list[object] = []

    def ordered(self, function, items, send, failed=None, warm_up=None):  # type: ignore[no-untyped-def]
        for item in items:
            if warm_up is not None:
                warm_up(item)
                warm_up = None
            self.given.append(send(item))
            yield item, function(send(item))


def test_a_streamed_file_checks_the_head_of_its_first_chunk_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before workers fork, the head of the first chunk is checked here (what the rules
    load on first use is loaded once, and inherited); every chunk goes to the pool, sent
    as where its bytes are, and comes back with its text."""
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(streaming, "WARM_UP_CHARS", 100)
    path = tmp_path / "big.txt"
    text = "第一段，没有问题。\n\n" * 3000
    path.write_text(text, encoding="utf-8")
    done: list[tuple[int, int]] = []
    real = streaming.process_chunk

    def recorded(unit, options):  # type: ignore[no-untyped-def]
        done.append((unit.index, len(unit.chunk.text)))
        return real(unit, options)

    monkeypatch.setattr(streaming, "process_chunk", recorded)
    pool = _RecordingPool()
    outcomes = list(streaming.stream_file(path, RunOptions(rules=RULES), pool))  # type: ignore[arg-type]
    assert len(outcomes) > 5
    assert "".join(outcome.text for outcome in outcomes) == text
    given = pool.given
    assert [unit.index for unit in given] == list(range(len(outcomes)))  # type: ignore[attr-defined]
    assert all(unit.chunk.text == "" and unit.source for unit in given)  # type: ignore[attr-defined]
    head = text[: text.rfind("\n", 0, 100) + 1]
    assert done == [(0, len(head))] + [(o.index, len(o.text)) for o in outcomes]  # type: ignore[attr-defined]


def test_streamed_chunks_come_back_with_their_text_from_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker sends a chunk's outcome back without its text; the outcome the caller
    gets has it again: the chunks' texts are the file, with ``--jobs 2`` as with one."""
    monkeypatch.setattr(parallel, "STREAM_THRESHOLD", 10_000)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 8192)
    path = tmp_path / "big.txt"
    text = "".join(f"第{n}段，没有问题, 有一个逗号。\n\n" for n in range(3000))
    path.write_text(text, encoding="utf-8")
    results = {}
    for jobs in (1, 2):
        outcomes = list(parallel.run_files([path], RunOptions(rules=RULES), jobs=jobs))
        assert len(outcomes) > 5
        assert "".join(outcome.text for outcome in outcomes) == text
        results[jobs] = [(o.text, [(f.code, f.start, f.end) for f in o.findings]) for o in outcomes]
    assert results[1] == results[2]
