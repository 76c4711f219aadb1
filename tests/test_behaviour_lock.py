"""The behaviour lock (``tests/behaviour_lock.py``): what cnfix outputs is what it was.

A commit that changes behaviour on purpose rewrites the lock with
``python tests/behaviour_lock.py --write``; the diff of ``tests/data/behaviour_lock.json``
then names the areas it changed.
"""

from __future__ import annotations

import json

import pytest
from behaviour_lock import LOCK_FILE, area_digest, cli_digests, library_digests

pytestmark = pytest.mark.slow

LOCK = json.loads(LOCK_FILE.read_text(encoding="utf-8"))


def test_library_output_is_locked_and_independent_of_call_order() -> None:
    forward = library_digests()
    assert {name: area_digest(items) for name, items in forward.items()} == LOCK["library"]
    # Every fifth document again, areas and documents in reverse order, after the whole
    # forward run: what a call leaves behind must not change any later answer.
    backward = library_digests(reverse=True, every=5)
    for name, items in backward.items():
        assert items == {label: forward[name][label] for label in items}, name


def test_cli_transcripts_are_locked() -> None:
    assert cli_digests() == LOCK["cli"]
