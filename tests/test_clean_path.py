"""What the clean scan does before and around the rules' work: each shortcut gives what
the longer way gave."""

from __future__ import annotations

import random

import pytest

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
