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
