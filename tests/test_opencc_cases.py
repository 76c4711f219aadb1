"""OpenCC's own test cases (tests/data/opencc/testcases.json, Apache-2.0, with its LICENSE)
run through our conversion layer, for every configuration that ``cnfix.adapters.opencc`` exposes.

The layer adds one thing to OpenCC: the 著 → 着 phrase table on output into Simplified
(``t2s``, ``hk2s``). These cases pin that it changes none of OpenCC's expectations.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cnfix.adapters.opencc import CONFIGS, convert

DATA = Path(__file__).parent / "data" / "opencc"


def _cases() -> list[dict]:
    text = (DATA / "testcases.json").read_text(encoding="utf-8")
    text = re.sub(r",(\s*[}\]])", r"\1", text)  # the file has trailing commas
    return json.loads(text)["cases"]


CASES = _cases()
PARAMS = [
    pytest.param(config, case["input"], expected, id=f"{case['id']}-{config}")
    for case in CASES
    for config, expected in case["expected"].items()
    if config in CONFIGS
]


def test_licence_travels_with_the_data() -> None:
    assert "Apache License" in (DATA / "LICENSE").read_text(encoding="utf-8")


def test_every_exposed_config_has_cases() -> None:
    covered = {config for case in CASES for config in case["expected"]}
    assert set(CONFIGS) <= covered


@pytest.mark.parametrize(("config", "text", "expected"), PARAMS)
def test_opencc_case(config: str, text: str, expected: str) -> None:
    assert convert(text, config) == expected


@pytest.mark.parametrize("config", ["s2tw", "s2hk"])
def test_chained_config_matches_opencc_config(config: str) -> None:
    """``s2tw``/``s2hk`` run as ``s2t`` then the standard's variants (one phrase dictionary
    load instead of three); OpenCC's own configuration must give the same text for every
    case input, every CJK character and every word of the script word list."""
    from cnfix.adapters.opencc import _opencc

    direct = _opencc().OpenCC(config)
    words = (
        Path(__file__).parent.parent / "src" / "cnfix" / "data" / "script_word_list.txt"
    ).read_text(encoding="utf-8")
    han = "".join(map(chr, [*range(0x3400, 0xA000), *range(0x20000, 0x2A6E0)]))
    probes = [case["input"] for case in CASES] + words.splitlines() + [han]
    assert [convert(probe, config) for probe in probes] == [
        direct.convert(probe) for probe in probes
    ]
