"""Layout noise: style findings, reported but repaired only when the user asks."""

from __future__ import annotations

from collections.abc import Iterator

from cnfix.model import Applicability, Document, Edit, Finding, Fix, Rule
from cnfix.text.chars import CHINESE, HAN, is_han, lazy_compile
from cnfix.text.regions import PartlyKnownRegions, Regions, protected_regions

#: Three or more blank lines in a row (a blank line may hold spaces; CRLF counts too).
#: Searched with no first look: one that wanted two empty lines (``\n\n\n``) missed
#: every run whose blank lines hold spaces, for 0.4 ms per MB.
BLANK_RUN_RE = lazy_compile(r"\n(?:[ \t\u3000]*\r?\n){3,}")


def check_blank_lines(doc: Document) -> Iterator[Finding]:
    """Three or more blank lines in a row.

    Example: captions removed from a scraped page leave ``开展活动。\\n\\n\\n\\n\\n下一段`` —
    paragraphs separated by four blank lines where one was meant.

    Why: the runs carry no meaning and bloat diffs and training text; but a document may
    space its sections on purpose, so this is style, not damage.

    Fix (unsafe: applied only with ``--unsafe-fixes``): keep one blank line. Blank lines
    inside Markdown code blocks are never touched.
    """
    text = doc.text
    protected: Regions | PartlyKnownRegions | None = None  # worked out at the first run found
    for match in BLANK_RUN_RE.finditer(text):
        start, end = match.span()
        if protected is None:
            protected = protected_regions(doc)
        if protected.covers(start + 1):
            continue
        newline = "\r\n" if text[start - 1 : start] == "\r" else "\n"
        blank = text[start:end].count("\n") - 1
        yield BLANK_LINES.finding(
            start,
            end,
            f"{blank} blank lines in a row",
            Fix(
                (Edit(start + 1, end, newline),),
                "Keep one blank line",
                Applicability.UNSAFE,
            ),
        )


BLANK_LINES = Rule(
    code="L001",
    name="blank-lines",
    summary="three or more blank lines in a row (style)",
    fix_safety="unsafe",
    check=check_blank_lines,
)

#: Spaces between Chinese (a Han character or a CJK mark) and an opening quote whose
#: content starts with Han, matched at the quote (rarer than spaces, so the scan skips
#: ahead faster); the spaces are found by looking back from it.
SPACE_BEFORE_QUOTE_RE = lazy_compile(f"[“「『](?<=[ \\t].)(?=[{HAN}])")
#: The same without the Han class (checked with ``is_han`` on each match), one pattern
#: per quote: ``re`` looks for a literal first character 2x faster than for one of a
#: class, so three passes cost less than one (0.45 against 0.96 ms per MB of prose).
SPACED_QUOTE_RES = tuple(lazy_compile(f"{quote}(?<=[ \t]{quote})") for quote in "“「『")
#: The character before the spaces puts them in Chinese text.
CHINESE_CHAR_RE = lazy_compile(f"[{CHINESE}]")


def check_space_before_quote(doc: Document) -> Iterator[Finding]:
    """A space between a Chinese character and an opening Chinese quote.

    Example: ``大力實施 “雙帶頭人”培育工程`` — a space left where a converter or an editor
    joined two pieces of text. All the spaces go, after a Han character or a CJK mark
    (``建設， “雙帶頭人”`` and ``實施  “雙帶頭人”`` too).

    Why: Chinese puts no space before ``“`` or ``「``; the stray space shows in print and
    splits search terms. A quote around Latin text (``是 “p”``, ``單詞 「yes」``) is
    mixed writing and stays.

    Fix (unsafe: applied only with ``--unsafe-fixes``): remove the space.
    """
    text = doc.text
    protected: Regions | PartlyKnownRegions | None = None  # worked out at the first space found
    # SPACE_BEFORE_QUOTE_RE's matches: the quotes after a space, in text order, and
    # the Han character after each checked here.
    quotes = [match.start() for pattern in SPACED_QUOTE_RES for match in pattern.finditer(text)]
    for end in sorted(quotes):
        if not is_han(text[end + 1 : end + 2]):
            continue
        start = end - 1
        while start and text[start - 1] in " \t":
            start -= 1
        if not start or not CHINESE_CHAR_RE.match(text, start - 1):
            continue
        if protected is None:
            protected = protected_regions(doc)
        if protected.covers(start):
            continue
        spaces = "space" if end - start == 1 else f"{end - start} spaces"
        yield SPACE_BEFORE_QUOTE.finding(
            start,
            end,
            f"{spaces} before {text[end]!r} in Chinese text",
            Fix((Edit(start, end),), "Remove the space", Applicability.UNSAFE),
        )


SPACE_BEFORE_QUOTE = Rule(
    code="L002",
    name="space-before-quote",
    summary="space between Chinese text and an opening quote (style)",
    fix_safety="unsafe",
    check=check_space_before_quote,
)
