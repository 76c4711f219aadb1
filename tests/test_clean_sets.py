"""The clean sets (``tests/data/clean``) and the lossy damage families of ``damage.py``."""

from __future__ import annotations

import random

import pytest
from damage import CLEAN_SETS, LOSSY_FAMILIES, corpus, lossy_span, read_clean_set


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
