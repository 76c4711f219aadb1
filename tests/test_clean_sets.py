"""The clean sets (``tests/data/clean``) and the lossy damage families of ``damage.py``."""

from __future__ import annotations

import random

import pytest
from damage import CLEAN_SETS, LOSSY_FAMILIES, corpus, lossy_span, read_clean_set

from cnfix import repair_text, scan_text

RULES = ["mojibake", "lost-bytes"]


@pytest.mark.parametrize("name", CLEAN_SETS)
def test_each_clean_set_holds_two_megabytes_of_documents(name: str) -> None:
    documents = read_clean_set(name)
    assert sum(len(d.encode("utf-8")) for d in documents) >= 2_000_000
    assert all(document.strip() for document in documents)


@pytest.mark.parametrize("family", sorted(LOSSY_FAMILIES))
def test_each_lossy_family_damages_real_text(family: str) -> None:
    scripts = LOSSY_FAMILIES[family][1]
    rng = random.Random(family)
    made = [
        lossy_span(text, family, rng, "sentence")
        for name, text in corpus()[::5]
        if name.split("/")[0] in scripts
    ]
    damaged = [m for m in made if m is not None]
    assert len(damaged) >= 3
    for text, start, end in damaged:
        assert 0 <= start < end <= len(text)


@pytest.mark.parametrize("name", CLEAN_SETS)
def test_clean_sets_get_no_mojibake_or_lost_bytes_finding_and_no_change(name: str) -> None:
    """Issue 15's do-no-harm gate: classical poetry, repeated characters (翩翩, ○○○○),
    name lists of rare characters, news and docs never qualify as damage."""
    kind = "markdown" if name == "technical" else "text"
    for document in read_clean_set(name):
        findings = scan_text(document, select=RULES, kind=kind)
        assert findings == [], (name, findings[0], document[:80])
        repaired = repair_text(document, select=RULES, kind=kind, unsafe_fixes=True)
        assert repaired.text == document
