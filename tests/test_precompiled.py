"""The regular expressions compiled at build time (``cnfix.text.precompiled``): the stored
code is what ``re.compile`` makes of each source, used only by the matcher it is for, and
anything else compiles as ``re`` does."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from cnfix.text import precompiled
from cnfix.text.precompiled import compile_pattern, matcher_tag, pattern_key, stored

ROOT = Path(__file__).parent.parent


def _generator() -> ModuleType:
    script = ROOT / "scripts" / "gen_regex_code.py"
    spec = importlib.util.spec_from_file_location("gen_regex_code", script)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    return generator


def _stored_tag() -> str:
    data = (ROOT / "src" / "cnfix" / "data" / precompiled.DATA_FILE).read_text(encoding="utf-8")
    return next(line for line in data.splitlines() if line.startswith("tag\t")).split("\t")[1]


def _same(pattern: re.Pattern[str], reference: re.Pattern[str]) -> bool:
    # Pattern equality compares the flags, the source and the compiled code word by word.
    return (
        pattern == reference
        and pattern.groups == reference.groups
        and pattern.groupindex == reference.groupindex
    )


@pytest.mark.skipif(_stored_tag() != matcher_tag(), reason="code stored for another matcher")
def test_every_stored_pattern_is_what_re_compiles() -> None:
    """Each pattern the generator stores, from the stored code, equals ``re.compile``'s
    pattern (flags, source, code, groups); the mojibake rule's big ones are stored
    (``python scripts/gen_regex_code.py`` when this fails)."""
    from cnfix.rules.mojibake.chains import generated_classes
    from cnfix.rules.mojibake.prefilter import _prefilter_source

    sources = _generator().sources()
    assert len(sources) > 20
    for source, flags in sources:
        if stored(source, flags):
            assert _same(compile_pattern(source, flags), re.compile(source, flags)), source[:40]
    assert stored(_prefilter_source())
    for name in ("utf8-lead-GBK", "utf8-lead-Big5", "unusual-han"):
        assert stored(generated_classes()[name]), name


def test_a_stored_pattern_matches_as_re_does() -> None:
    """The prefilter from its stored code finds the same signs as compiled by ``re``."""
    from cnfix.rules.mojibake.prefilter import _prefilter_source

    source = _prefilter_source()
    text = "浣犲ソ锛屼笘鐣 ÄãºÃ ä½ å¥½ 你好，世界。 銝剜?蝢 Привет"
    fast, slow = compile_pattern(source), re.compile(source)
    assert [(m.span(), m.lastgroup) for m in fast.finditer(text)] == [
        (m.span(), m.lastgroup) for m in slow.finditer(text)
    ]
    assert fast.finditer(text) and fast.groupindex == slow.groupindex


def test_another_matcher_compiles_as_re_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under another interpreter (a different tag) nothing is stored: ``re.compile``."""
    source = "[一-龥]+(?P<tail>[a-z]*)"
    monkeypatch.setattr(precompiled, "matcher_tag", lambda: "other-9.9-0-4-little")
    precompiled._entries.cache_clear()
    try:
        assert precompiled._entries() == {}
        assert not stored(source)
        assert _same(compile_pattern(source), re.compile(source))
    finally:
        monkeypatch.undo()
        precompiled._entries.cache_clear()


def test_code_the_matcher_refuses_falls_back_to_re(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stored entry whose code the matcher rejects (or a stale one) compiles as ``re``."""
    source = "[一-龥]+(?P<tail>[a-z]*)"
    bogus = "\t".join(("32", "1", '{"tail": 1}', "ffffffff" * 4))
    entries = dict(precompiled._entries())
    entries[pattern_key(source, 0)] = bogus
    monkeypatch.setattr(precompiled, "_entries", lambda: entries)
    assert stored(source)
    pattern = compile_pattern(source)
    assert _same(pattern, re.compile(source))
    assert pattern.fullmatch("中文abc")


def test_the_key_tells_sources_and_flags_apart() -> None:
    assert pattern_key("a", 0) != pattern_key("a", re.MULTILINE)
    assert pattern_key("[一-龥]", 0) != pattern_key("[一-龦]", 0)
    assert pattern_key("a", re.MULTILINE) == pattern_key("a", int(re.MULTILINE))
