"""RULES: the one ordered registry. Order is repair priority: byte-level damage first,
then artifacts glued into the text, then punctuation, then script, then layout style."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cnfix.model import BulkFixes, Check, Document, Rule
from cnfix.rules.annotation import PINYIN_ANNOTATION, bulk_pinyin_annotation
from cnfix.rules.encoding import ENCODING
from cnfix.rules.layout import BLANK_LINES, SPACE_BEFORE_QUOTE
from cnfix.rules.lost_bytes import LOST_BYTES
from cnfix.rules.mojibake import MOJIBAKE
from cnfix.rules.mojibake.prefilter import compile_prefilter
from cnfix.rules.punctuation import (
    HALFWIDTH_PUNCTUATION,
    STRAY_COMMA,
    bulk_halfwidth_punctuation,
    bulk_stray_comma,
)
from cnfix.rules.script import MIXED_SCRIPT, bulk_mixed_script

RULES: tuple[Rule, ...] = (
    ENCODING,
    MOJIBAKE,
    LOST_BYTES,
    PINYIN_ANNOTATION,
    STRAY_COMMA,
    HALFWIDTH_PUNCTUATION,
    MIXED_SCRIPT,
    BLANK_LINES,
    SPACE_BEFORE_QUOTE,
)

#: The checks that can also give their safe fixes as bare edits (``BulkFixes``), by the
#: check function: a rule whose check is replaced (timed, wrapped) is asked its findings.
BULK: dict[Check, Callable[[Document], BulkFixes]] = {
    PINYIN_ANNOTATION.check: bulk_pinyin_annotation,
    STRAY_COMMA.check: bulk_stray_comma,
    HALFWIDTH_PUNCTUATION.check: bulk_halfwidth_punctuation,
    MIXED_SCRIPT.check: bulk_mixed_script,
}


def prepare_for_workers() -> None:
    """Compile now what a rule compiles only once a process has read much text (the
    mojibake prefilter), so that forked worker processes inherit it instead of each
    compiling it again."""
    compile_prefilter()


def prepare_for_long_text(rules: Iterable[Rule]) -> None:
    """Compile now what ``rules`` compile only once a process has read much text, when
    much text is sure to come (a streamed file): the mojibake prefilter (~35 ms) would
    otherwise be compiled only after its first million characters went through the
    full search (~55 ms on clean text)."""
    if MOJIBAKE in rules:
        compile_prefilter()


class UnknownRuleError(ValueError):
    """A rule name or code that is not registered."""


def resolve_rule(name_or_code: str) -> Rule:
    """The rule with this name or code (case-insensitive code, exact name)."""
    for rule in RULES:
        if name_or_code in (rule.name, rule.code) or name_or_code.upper() == rule.code:
            return rule
    import difflib

    known = [rule.name for rule in RULES]
    close = difflib.get_close_matches(name_or_code.lower(), known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise UnknownRuleError(f"unknown rule {name_or_code!r}{hint} (known: {', '.join(known)})")


def select_rules(
    select: Iterable[str] | None = None, ignore: Iterable[str] | None = None
) -> tuple[Rule, ...]:
    """The registered rules named by ``select`` (all when None) minus ``ignore``, in order."""
    chosen = {resolve_rule(name).name for name in select} if select is not None else None
    dropped = {resolve_rule(name).name for name in ignore or ()}
    return tuple(
        rule
        for rule in RULES
        if (chosen is None or rule.name in chosen) and rule.name not in dropped
    )
