"""Shared test set-up: paths, the --update-golden switch, a deterministic hypothesis profile."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
#: Real programs kept as test data (tests/test_prose_documents.py): not test modules.
collect_ignore = ["data/prose_documents"]
CORPUS = DATA / "corpus"
FIXTURES = ROOT / "fixtures"
SEEDS = ROOT / "seeds"

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite fixtures/*/*.out.* and *.findings.txt from the current behaviour",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def corpus_documents(script: str | None = None) -> list[Path]:
    """Clean corpus files (``hans``, ``hant`` or both), sorted."""
    scripts = [script] if script else ["hans", "hant"]
    return sorted(path for name in scripts for path in (CORPUS / name).glob("*.txt"))


def write_corpus_files(folder: Path, count: int, damage_every: int) -> list[Path]:
    """The first ``count`` corpus documents as ``folder/NNN.txt``; every ``damage_every``-th
    one damaged the way the seeds are (``，`` → ``,,``, ``。`` → ``,。``)."""
    paths = []
    for number, source in enumerate(corpus_documents()[:count]):
        text = source.read_text(encoding="utf-8")
        if number % damage_every == 0:
            text = text.replace("，", ",,").replace("。", ",。")
        path = folder / f"{number:03}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def run_cnfix(
    *args: str, cwd: Path, timeout: float = 120, **kwargs: Any
) -> subprocess.CompletedProcess:
    """``python -m cnfix ARGS`` in a real subprocess, output captured, colour off.

    Extra keyword arguments go to ``subprocess.run`` (``input=``, ``text=True`` …).
    """
    return subprocess.run(
        [sys.executable, "-m", "cnfix", *args],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
        **kwargs,
    )
