"""The only importer of ftfy: its encoding repair, with every step that is not about
encodings turned off (ftfy's defaults fold full-width punctuation to ASCII — the very
damage cnfix repairs). ftfy is imported on first use: most texts never need it."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def fixer_config() -> Any:
    """ftfy's ``TextFixerConfig`` for encodings only: no width folding, no quote
    uncurling, no normalisation, no HTML or terminal clean-up; explanations on."""
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )


def fix_encoding(text: str) -> tuple[str, str] | None:
    """ftfy's repair of ``text`` under ``fixer_config`` and the codec it undid, or None
    when ftfy leaves the text as it is."""
    import ftfy

    fixed, steps = ftfy.fix_and_explain(text, fixer_config())
    if fixed == text:
        return None
    codecs_undone = [name for kind, name in steps or () if kind == "encode"]
    return fixed, (codecs_undone[0] if codecs_undone else "an inconsistent codec")


def has_utf8_sequence(text: str) -> bool:
    """True where ftfy's ``UTF8_DETECTOR_RE`` finds an embedded UTF-8 sequence."""
    from ftfy.chardata import UTF8_DETECTOR_RE

    return UTF8_DETECTOR_RE.search(text) is not None
