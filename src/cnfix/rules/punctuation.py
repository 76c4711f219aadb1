"""Punctuation damage: stray commas and full-width marks flattened to ASCII."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cnfix.model import Applicability, Document, Edit, Finding, Fix, Rule
from cnfix.text.chars import CHINESE, HAN, lazy_compile
from cnfix.text.regions import protected_regions

#: Formats whose ASCII commas are syntax, not prose.
SYNTAX_COMMA_KINDS = frozenset({"table"})

FULLWIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}

# Written to start with the comma (the lookbehind comes after it): a pattern that starts
# with a literal lets the regex engine skip to the next comma at C speed. A run of commas
# is one finding, all of them up to the last one before the mark: ``,,,要`` → ``,要``
# and ``,,。`` → ``。`` in one pass, not one comma per pass.
STRAY_COMMA_RE = lazy_compile(f",(?<=[{CHINESE}],),*(?=[,;:!?，。、；：！？])")
# Its cheap prefilter (no Han class to compile): a comma glued before a mark at all.
COMMA_BEFORE_MARK_RE = re.compile(",[,;:!?，。、；：！？]")


def check_stray_comma(doc: Document) -> Iterator[Finding]:
    """An ASCII comma glued before another punctuation mark in Chinese text.

    Example: ``動員會,,對醫院…部署,。`` — a converter put an extra ASCII comma before
    every mark of the original, so ``，`` became ``,,`` and ``。`` became ``,。``.

    Why: no Chinese writing has a comma directly before another mark; the doubled
    mark is pure damage that also hides the real mark from readers and search.

    Fix (safe): delete the stray comma (a run of them, ``,,,要``, in one fix, up to the
    last one before the mark); the mark that remains is then restored to full width by
    ``halfwidth-punctuation`` (``,,`` → ``,`` → ``，``). Only commas right
    after a Han character or a CJK mark count; CSV/TSV files, URLs and (in Markdown)
    code are never touched, so ``a,,b`` in a table keeps its empty field.
    """
    if "," not in doc.text or doc.kind in SYNTAX_COMMA_KINDS:
        return
    if not COMMA_BEFORE_MARK_RE.search(doc.text):
        return
    text = doc.text
    spans = [match.span() for match in STRAY_COMMA_RE.finditer(text)]
    if not spans:
        return
    protected = protected_regions(doc)
    if protected:
        spans = [(s, e) for s, e in spans if not (protected.covers(s) or protected.covers(e - 1))]
    # The findings are built with the least work per comma: a damaged document has
    # thousands, and their messages repeat (one per run length and following mark).
    name, code = STRAY_COMMA.name, STRAY_COMMA.code
    messages: dict[tuple[int, str], tuple[str, str]] = {}
    for start, end in spans:
        following = text[end]
        count = end - start
        worded = messages.get((count, following))
        if worded is None:
            worded = messages[count, following] = (
                f"stray ASCII comma before {following!r}"
                if count == 1
                else f"{count} stray ASCII commas before {following!r}",
                "Remove the stray comma" if count == 1 else "Remove the stray commas",
            )
        yield Finding(name, code, start, end, worded[0], Fix((Edit(start, end),), worded[1]))


STRAY_COMMA = Rule(
    code="P001",
    name="stray-comma",
    summary="ASCII comma glued before another punctuation mark (`,,` `,。` `,、`)",
    fix_safety="safe",
    check=check_stray_comma,
)

#: The full-width marks that flattening turns into ASCII (``、。“”《》`` survive it).
FLATTENABLE = "，；：！？（）"

# Each pattern starts with the mark itself, so the regex engine scans for it fast, and
# looks behind for the context. In a flattened document:
# a mark between Chinese on its left and something that is not an ASCII letter or a
# space on its right (`日,湖`, `指出:` at a line end, `共,1`) is Chinese punctuation: safe;
# a mark after Latin, a digit, `%` or `)` and right before Han (`100%,其中`) is safe too;
# `中文,English` and `中文, 中文` could be either: unsafe. Between ASCII: never.
# One leading character class, the alternatives after it: a pattern that starts with a
# class is skipped ahead at C speed; an alternation is tried at every position (5x slower
# on clean text). Safe and unsafe in one pattern, one pass (the contexts exclude each
# other); the empty group of the last alternative marks an unsafe mark.
CONTEXT_MARK_RE = lazy_compile(
    f"[,;:!?](?:(?<=[{CHINESE}][,;:?])(?![A-Za-z \t])"
    f"|(?<=[{CHINESE}]!)(?![A-Za-z \t\\[])"
    f"|(?<=[A-Za-z0-9%)].)(?=[{HAN}])"
    f"|(?<=[{CHINESE}].)(?=[A-Za-z]| (?=[{HAN}]))())"
)
# In a document that otherwise writes full-width marks, only a mark squeezed between two
# Han characters is damage; `如下:` before a code block or `分;` at a line end is the
# author's style and stays.
BETWEEN_HAN_RE = lazy_compile(f"[,;:!?](?<=[{HAN}].)(?=[{HAN}])")
# Every mark the three patterns above report touches a non-ASCII character (Chinese on
# its left or Han on its right): a text without such a mark needs none of them (and
# their Han classes cost ~10 ms to compile).
MARK_BY_NON_ASCII_RE = re.compile("[,;:!?](?:(?<=[^\\x00-\\x7f].)|(?=[^\\x00-\\x7f]))")
# A pair of ASCII parentheses around text with Han in it, opened in Chinese context, after
# a space or digit, or at a line start: `(关沮院区)`. Latin-only content (`(WHO)`) stays.
PAREN_PAIR_RE = lazy_compile(
    f"\\((?:(?<=[{CHINESE}\\s\\d]\\()|(?<=^\\())[^()\\n]{{0,200}}?[{HAN}][^()\\n]{{0,200}}?\\)",
    re.M,
)


#: Each ASCII mark's message and its full-width replacement.
_MARK_MESSAGES = {
    mark: (f"ASCII {mark!r} in Chinese text; full-width {wide!r} belongs here", wide)
    for mark, wide in FULLWIDTH.items()
}


def fullwidth_marks(text: str, enough: int | None = None) -> int:
    """How many full-width ``，；：！？（）`` the text has; once the count passes
    ``enough`` the rest are not counted (``，``, the most common, is counted first)."""
    count = 0
    for mark in FLATTENABLE:
        count += text.count(mark)
        if enough is not None and count > enough:
            break
    return count


def is_flattened(fullwidth: int, ascii_marks: int) -> bool:
    """True when the text has ASCII marks in Chinese context and (almost) no full-width
    ``，；：！？（）``: the signature of a width "fix" applied to the whole document."""
    return bool(ascii_marks) and fullwidth * 10 <= ascii_marks


def check_halfwidth_punctuation(doc: Document) -> Iterator[Finding]:
    """ASCII ``, ; : ! ? ( )`` standing in Chinese text where full-width marks belong.

    Example: ``6月19日,湖北省…(关沮院区)`` → ``6月19日，湖北省…（关沮院区）``. This is
    what NFKC or a width "fixer" (ftfy's default ``fix_character_width``) does to
    Chinese; ``、。“”《》`` survive it, so the text ends up with mixed marks.

    The document decides first. It is *flattened* when it has ASCII marks in Chinese
    context and at most one full-width ``，；：！？（）`` for every ten of them. Many
    writers of technical Chinese put an ASCII ``:`` before a code block or ASCII
    ``( )`` around a remark on purpose; in a document that otherwise writes full-width
    marks that is style, not damage, and only a mark squeezed between two Han
    characters (``中文,中文``) is reported (safe).

    In a flattened document, context decides, not the character:

    - safe: a mark right after Han or a CJK mark and not before a Latin letter or a
      space (``日,湖`` ``指出:`` ``什么?``); a mark after Latin, a digit, ``%`` or ``)``
      and right before Han (``100%,其中``); a pair of parentheses whose content
      contains Han, opened after Chinese, a digit, a space or at a line start
      (``(关沮院区)``).
    - unsafe: a mark after Chinese and before a Latin letter (``中文,English``), or
      before a space and Han (``中文, 中文``): probably Chinese, but mixed writing does
      this on purpose.

    Never: ``1,000`` ``3.14`` ``12:30``, URLs, e-mail addresses, ``A,B``, English
    sentences, parentheses around Latin only (``(WHO)`` ``(2023)``), CSV/TSV commas,
    and Markdown code and link targets.
    """
    text = doc.text
    if not any(mark in text for mark in ",;:!?(") or not MARK_BY_NON_ASCII_RE.search(text):
        return
    comma_is_syntax = doc.kind in SYNTAX_COMMA_KINDS

    def allowed(positions: list[int]) -> list[int]:
        """``positions`` without commas that are syntax and marks in protected regions."""
        if comma_is_syntax:
            positions = [at for at in positions if text[at] != ","]
        if positions:
            protected = protected_regions(doc)
            kept = protected.uncovered(positions) if protected else None
            if kept is not None and len(kept) < len(positions):
                positions = [positions[i] for i in kept]
        return positions

    # Marks in Chinese context are ASCII marks: when even all of those could not make the
    # text flattened (the usual case in clean text), the context scan is skipped. Only
    # that decides, so the full-width marks are counted only as far as it needs.
    ascii_marks = sum(text.count(mark) for mark in ",;:!?")
    fullwidth = fullwidth_marks(text, enough=ascii_marks // 10)
    safe_marks: list[int] = []
    unsafe_marks: list[int] = []
    if is_flattened(fullwidth, ascii_marks):
        for match in CONTEXT_MARK_RE.finditer(text):
            (unsafe_marks if match.lastindex else safe_marks).append(match.start())
        safe_marks, unsafe_marks = allowed(safe_marks), allowed(unsafe_marks)
    if is_flattened(fullwidth, len(safe_marks) + len(unsafe_marks)):
        parens = [m.span() for m in PAREN_PAIR_RE.finditer(text)] if "(" in text else []
    else:
        safe_marks = allowed([m.start() for m in BETWEEN_HAN_RE.finditer(text)])
        unsafe_marks, parens = [], []

    # The findings are built with the least work per mark: a flattened document has
    # thousands.
    name, code = HALFWIDTH_PUNCTUATION.name, HALFWIDTH_PUNCTUATION.code
    for positions, applicability in (
        (safe_marks, Applicability.SAFE),
        (unsafe_marks, Applicability.UNSAFE),
    ):
        for start in positions:
            message, replacement = _MARK_MESSAGES[text[start]]
            yield Finding(
                name,
                code,
                start,
                start + 1,
                message,
                Fix((Edit(start, start + 1, replacement),), "Use full width", applicability),
            )
    if parens:
        protected = protected_regions(doc)
        if protected:
            parens = [
                (at, end)
                for at, end in parens
                if not (protected.covers(at) or protected.covers(end - 1))
            ]
    for open_at, end in parens:
        close_at = end - 1
        yield HALFWIDTH_PUNCTUATION.finding(
            open_at,
            end,
            "ASCII parentheses around Chinese text; full-width （） belong here",
            Fix(
                (Edit(open_at, open_at + 1, "（"), Edit(close_at, end, "）")),
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
