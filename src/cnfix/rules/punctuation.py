"""Punctuation damage: stray commas and full-width marks flattened to ASCII."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cnfix.chars import CHINESE, HAN
from cnfix.model import Applicability, Document, Edit, Finding, Fix, Rule
from cnfix.regions import protected_regions

#: Formats whose ASCII commas are syntax, not prose.
SYNTAX_COMMA_KINDS = frozenset({"table"})

FULLWIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}

STRAY_COMMA_RE = re.compile(f"(?<=[{CHINESE}]),(?=[,;:!?，。、；：！？])")


def check_stray_comma(doc: Document) -> Iterator[Finding]:
    """An ASCII comma glued before another punctuation mark in Chinese text.

    Example: ``動員會,,對醫院…部署,。`` — a converter put an extra ASCII comma before
    every mark of the original, so ``，`` became ``,,`` and ``。`` became ``,。``.

    Why: no Chinese writing has a comma directly before another mark; the doubled
    mark is pure damage that also hides the real mark from readers and search.

    Fix (safe): delete the stray comma; the mark that remains is then restored to
    full width by ``halfwidth-punctuation`` (``,,`` → ``,`` → ``，``). Only commas right
    after a Han character or a CJK mark count; CSV/TSV files, URLs and (in Markdown)
    code are never touched, so ``a,,b`` in a table keeps its empty field.
    """
    if "," not in doc.text or doc.kind in SYNTAX_COMMA_KINDS:
        return
    protected = protected_regions(doc)
    for match in STRAY_COMMA_RE.finditer(doc.text):
        start = match.start()
        if protected and protected.covers(start):
            continue
        following = doc.text[start + 1]
        yield STRAY_COMMA.finding(
            start,
            start + 1,
            f"stray ASCII comma before {following!r}",
            Fix((Edit(start, start + 1),), "Remove the stray comma"),
        )


STRAY_COMMA = Rule(
    code="P001",
    name="stray-comma",
    summary="ASCII comma glued before another punctuation mark (`,,` `,。` `,、`)",
    fix_safety="safe",
    check=check_stray_comma,
)

# A mark between Chinese on its left and something that is not an ASCII letter on its
# right (`日,湖`, `指出:` at the end of a line, `共,1`) is Chinese punctuation: safe.
# A mark after Latin or a digit and before Han (`100%,其中`, `WHO,世界`) is safe too.
# `中文,English` could be either: unsafe. Between ASCII on both sides: never.
_LEFT_CHINESE = f"(?<=[{CHINESE}])"
SAFE_MARK_RE = re.compile(
    f"{_LEFT_CHINESE}[,;:?](?![A-Za-z \\t])"
    f"|{_LEFT_CHINESE}!(?![A-Za-z \\t\\[])"
    f"|(?<=[A-Za-z0-9%)])[,;:!?](?=[{HAN}])"
)
UNSAFE_MARK_RE = re.compile(f"{_LEFT_CHINESE}[,;:!?](?=[A-Za-z]| (?=[{HAN}]))")
# A pair of ASCII parentheses around text with Han in it, opened in Chinese context or
# at the start of a line: `(关沮院区)`. Latin-only content (`(WHO)`, `(2023)`) stays.
PAREN_PAIR_RE = re.compile(
    f"(?:(?<=[{CHINESE}])|(?<=^)|(?<=[\\s\\d]))\\(([^()\\n]{{0,200}}?[{HAN}][^()\\n]{{0,200}}?)\\)",
    re.M,
)


def check_halfwidth_punctuation(doc: Document) -> Iterator[Finding]:
    """ASCII ``, ; : ! ? ( )`` standing in Chinese text where full-width marks belong.

    Example: ``6月19日,湖北省…(关沮院区)`` → ``6月19日，湖北省…（关沮院区）``. This is
    what NFKC or a width "fixer" (ftfy's default ``fix_character_width``) does to
    Chinese; ``、。“”《》`` survive it, so the text ends up with mixed marks.

    Context decides, not the character:

    - safe: a mark right after Han or a CJK mark and not before a Latin letter or a
      space (``日,湖`` ``指出:`` ``什么?``); a mark after Latin, a digit, ``%`` or ``)``
      and right before Han (``100%,其中``); a pair of parentheses whose content
      contains Han, opened after Chinese, a digit, a space or at a line start
      (``(关沮院区)``).
    - unsafe: a mark after Chinese and before a Latin letter (``中文,English``), or
      before a space and Han (``中文, 中文``): probably Chinese, but mixed writing does
      this on purpose.
    - never: ``1,000`` ``3.14`` ``12:30``, URLs, e-mail addresses, ``A,B``, English
      sentences, parentheses around Latin only (``(WHO)`` ``(2023)``), CSV/TSV
      commas, and Markdown code and link targets.
    """
    text = doc.text
    protected = protected_regions(doc)
    kinds_of_comma_syntax = doc.kind in SYNTAX_COMMA_KINDS

    def allowed(position: int) -> bool:
        if kinds_of_comma_syntax and text[position] == ",":
            return False
        return not (protected and protected.covers(position))

    for pattern, applicability in (
        (SAFE_MARK_RE, Applicability.SAFE),
        (UNSAFE_MARK_RE, Applicability.UNSAFE),
    ):
        for match in pattern.finditer(text):
            start = match.start()
            if not allowed(start):
                continue
            mark = text[start]
            yield HALFWIDTH_PUNCTUATION.finding(
                start,
                start + 1,
                f"ASCII {mark!r} in Chinese text; full-width {FULLWIDTH[mark]!r} belongs here",
                Fix((Edit(start, start + 1, FULLWIDTH[mark]),), "Use full width", applicability),
            )
    if "(" not in text:
        return
    for match in PAREN_PAIR_RE.finditer(text):
        open_at, close_at = match.start(), match.end() - 1
        if not (allowed(open_at) and allowed(close_at)):
            continue
        yield HALFWIDTH_PUNCTUATION.finding(
            open_at,
            close_at + 1,
            "ASCII parentheses around Chinese text; full-width （） belong here",
            Fix(
                (Edit(open_at, open_at + 1, "（"), Edit(close_at, close_at + 1, "）")),
                "Use full-width parentheses",
            ),
        )


HALFWIDTH_PUNCTUATION = Rule(
    code="P002",
    name="halfwidth-punctuation",
    summary="ASCII `, ; : ! ? ( )` in Chinese context where full-width marks belong",
    fix_safety="mixed",
    check=check_halfwidth_punctuation,
)
