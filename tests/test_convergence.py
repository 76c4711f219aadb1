"""Every behaviour lock input converges under every named script and standard."""

from __future__ import annotations

import pytest
from behaviour_lock import lock_inputs

from cnfix import ConvergenceError, Settings, repair_text


@pytest.mark.parametrize("target", ["hk", "tw", "hant", "hans"])
def test_every_lock_input_converges_under_a_named_target(target: str) -> None:
    """A named ``--to`` makes one decision per character: no two sources (an OpenCC phrase
    and a CC-CEDICT word, 隨着 and 隨著) may swing a character from pass to pass."""
    settings = Settings(target_script=target)
    failed = []
    for area, items in lock_inputs().items():
        for label, kind, text in items:
            for unsafe in (False, True):
                try:
                    repair_text(text, settings=settings, unsafe_fixes=unsafe, kind=kind)
                except ConvergenceError as error:
                    failed.append((area, label, unsafe, str(error)))
    assert failed == []
