"""Punctuation damage: stray commas and full-width marks flattened to ASCII."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from itertools import repeat
from operator import add, sub

from cnfix.model import (
    Applicability,
    BulkFixes,
    Document,
    Edit,
    Finding,
    Fix,
    Rule,
    one_edit_finding,
)
from cnfix.rules.punctuation.contexts import flattened_marks
from cnfix.rules.punctuation.pairs import paren_pairs, with_fullwidth_parens
from cnfix.text.charmodel import char_costs
from cnfix.text.chars import CHINESE, HAN, is_han, lazy_compile
from cnfix.text.losses import out_of_step_span
from cnfix.text.regions import Regions, protected_regions

#: What a decoder leaves where bytes were lost: ``?`` and U+FFFD.
LOSS_MARKS = "?\ufffd"

#: Formats whose ASCII commas are syntax, not prose.
SYNTAX_COMMA_KINDS = frozenset({"table"})

FULLWIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}

# Written to start with the comma (the lookbehinds come after it): a pattern that starts
# with a literal lets the regex engine skip to the next comma at C speed. A run of commas
# is one finding, all of them up to the last one before the mark: ``,,,要`` → ``,要``
# and ``,,。`` → ``。`` in one pass, not one comma per pass. A comma is stray
# - after Chinese, before another mark;
# - before a full-width mark, whatever precedes it (``1.5%,，``, ``否 ,，``): no writing
#   puts an ASCII comma there;
# - before an ASCII mark, whatever precedes it, on a line that holds Han (group
#   ``latin``, checked in Python): ``1.5%,,其``, ``語言),,確保``, ``**挂载**,,直到``,
#   ``Suspense,,transition 和``, ``React,? {/*…*/}``, ``(device),,``: the same damage,
#   flattened; no writing puts an ASCII comma before another mark.
# Tried only at the first comma of a run (``(?<!,,)`` after it): from every comma of a
# long run each alternative would rescan the rest of the run (quadratic); a match never
# starts inside a run anyway, since every alternative's greedy ``,*`` takes the run
# whole. The lookbehind comes after the comma, not before it: a pattern that starts with
# a lookbehind is tried at every position (3-9 times slower on a flattened text).
STRAY_COMMA_RE = lazy_compile(
    f",(?<!,,)(?:(?<=[{CHINESE}],),*(?=[,;:!?，。、；：！？])"
    f"|,*(?=[，。、；：！？])"
    f"|(?P<latin>),*(?=[,;:!?]))"
)
#: A Han character, for the lines of ``latin`` stray commas.
HAN_CHAR_RE = lazy_compile(f"[{HAN}]")


def _line_has_han(text: str, at: int) -> bool:
    """True when the line around ``at`` holds a Han character."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return HAN_CHAR_RE.search(text, start, len(text) if end < 0 else end) is not None


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
    ``halfwidth-punctuation`` (``,,`` → ``,`` → ``，``). A comma counts when it follows
    a Han character or a CJK mark; when it stands before a full-width mark whatever
    precedes it (``1.5%,，``); and when it stands before an ASCII mark on a line that
    holds Han, whatever precedes it (``1.5%,,其``, ``**挂载**,,直到``,
    ``Suspense,,transition 和``, ``(device),,``), once the document shows the artifact
    in Chinese context too: alone, ``f(a,,b)`` on a line with a Chinese comment is code.
    CSV/TSV files, URLs and (in Markdown) code are never touched, so ``a,,b`` in a table
    keeps its empty field, and neither is a line without Han (``a,,b`` in English text).
    """
    text = doc.text
    # The findings are built with the least work per comma: a damaged document has
    # thousands, and their messages repeat (one per run length and following mark).
    name, code = STRAY_COMMA.name, STRAY_COMMA.code
    messages: dict[tuple[int, str], tuple[str, str]] = {}
    for start, end in _stray_spans(doc):
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
        yield one_edit_finding(name, code, start, end, worded[0], "", worded[1])


def _stray_spans(doc: Document) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of stray commas (``check_stray_comma``), in order."""
    text = doc.text
    if "," not in text or doc.kind in SYNTAX_COMMA_KINDS:
        return []
    if not COMMA_BEFORE_MARK_RE.search(text):
        return []
    chinese: list[tuple[int, int]] = []
    latin: list[tuple[int, int]] = []
    for match in STRAY_COMMA_RE.finditer(text):
        if match.lastgroup is None:  # not the ``latin`` alternative
            chinese.append(match.span())
        elif _line_has_han(text, match.start()):
            latin.append(match.span())
    if not chinese:  # ``f(a,,b)`` on a line with Han: the artifact only where it shows
        return []
    spans = sorted(chinese + latin) if latin else chinese
    protected = protected_regions(doc)
    if protected:
        # Neither end covered: two bisections per protected span, not per run of commas.
        starts, ends = zip(*spans, strict=True)
        kept = protected.uncovered(list(starts))
        if len(kept) == len(spans):
            kept = protected.uncovered(list(map(sub, ends, repeat(1))))
        else:
            lasts = protected.uncovered([spans[i][1] - 1 for i in kept])
            kept = [kept[i] for i in lasts]
        if len(kept) < len(spans):
            spans = [spans[i] for i in kept]
    return spans


def bulk_stray_comma(doc: Document) -> BulkFixes:
    """``check_stray_comma`` as bare edits (``BulkFixes``): every fix is safe."""
    spans = _stray_spans(doc)
    return BulkFixes([(s, e, fix, "") for fix, (s, e) in enumerate(spans)], len(spans), [])


STRAY_COMMA = Rule(
    code="P001",
    name="stray-comma",
    summary="ASCII comma glued before another punctuation mark (`,,` `,。` `,、`)",
    fix_safety="safe",
    check=check_stray_comma,
)

#: The full-width marks that flattening turns into ASCII (``、。“”《》`` survive it).
FLATTENABLE = "，；：！？（）"

# In a document that otherwise writes full-width marks, only a mark squeezed between two
# Han characters is damage; `如下:` before a code block or `分;` at a line end is the
# author's style and stays.
BETWEEN_HAN_RE = lazy_compile(f"[,;:!?](?<=[{HAN}].)(?=[{HAN}])")
# Every mark the three patterns above report touches a non-ASCII character (Chinese on
# its left or Han on its right): a text without such a mark needs none of them (and
# their Han classes cost ~10 ms to compile).
MARK_BY_NON_ASCII_RE = re.compile("[,;:!?](?:(?<=[^\\x00-\\x7f].)|(?=[^\\x00-\\x7f]))")


def _ends_region_before_han(text: str, protected: Regions, at: int) -> bool:
    """True when ``at`` is the last position of a protected region and Han follows."""
    index = bisect.bisect_right(protected.starts, at) - 1
    return (
        index >= 0
        and protected.ends[index] == at + 1
        and at + 1 < len(text)
        and is_han(text[at + 1])
    )


#: Cost (charfreq half-bits) from which the Han character right before a ``?`` reads as
#: mojibake, not as the end of a question: ``鏂囦欢鍚?`` (鍚 32), ``閿欒?`` (欒 36). Of
#: the 185 question marks after Han in the development corpus and the fiction set, none
#: follows a character of the table this rare (the rarest: 骗 and the Cantonese 咩, 30).
MOJIBAKE_BEFORE_COST = 31


def _loss_markers(text: str, positions: list[int]) -> set[int]:
    """The ``?`` among ``positions`` that mark lost bytes, not a question: next to
    U+FFFD; glued to a Latin letter (the trail byte of a lost character, a reading that
    lost its ``(``: ``兼?zhèn)``, ``?W``; or a URL's query: ``路径?a=1``); followed by
    what the lost-bytes rule reads as out-of-step bytes (rare characters after it);
    or right after mojibake, a Han character as rare as a wrong decoding makes it
    (``鏂囦欢鍚?``)."""
    markers = set()
    costs = char_costs()
    for at in positions:
        if text[at] != "?":
            continue
        start = at
        while start and text[start - 1] in LOSS_MARKS:
            start -= 1
        end = at + 1
        while end < len(text) and text[end] in LOSS_MARKS:
            end += 1
        after = text[end : end + 1]
        if (
            "\ufffd" in text[start:end]
            or (after.isascii() and after.isalpha())
            or costs.get(text[start - 1 : start], 0) >= MOJIBAKE_BEFORE_COST
            or out_of_step_span(text, start, end) is not None
        ):
            markers.add(at)
    return markers


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

    - safe: a mark right after Han or a CJK mark and not before a space (``日,湖``
      ``指出:`` ``什么?`` ``随后,Windows`` ``作者:John Smith``); a mark after Latin, a
      digit, ``%`` or ``)`` and right before Han (``全长12.5km,途经`` ``100%,其中``); a
      mark after Han or a CJK mark followed by spaces and then Han, Latin, a digit or an
      opening quote or bracket: the spaces go with it (``落地; 要`` → ``落地；要``);
      a pair of parentheses whose content contains Han, opened after Chinese, a digit,
      a space, a Markdown link or at a line start (``(关沮院区)`` ``(二)办理``), or
      whose content is more than one Latin word or number, opened right after Chinese
      (``《规范》(JGJ 3-2010)`` ``称为(*trait*)的``), or one Latin word or number right
      after Chinese (``循环神经网络(RNN)``: in the development corpus, which writes
      full-width marks, 207 such pairs are full width and 100 ASCII), or one Markdown
      code span glued to Chinese (``安装Spacy(`pip install spacy`)和``); a pair may hold
      a Markdown link (``(例如[P3](https://…)实例)``);
      a comma between two Latin words with no space after it, Chinese in its clause on
      both sides (``包括 Suspense,transition 和``, ``MIT,Apache 2.0,ISC和BSD``; not
      ``f(alpha,beta)``, ``x,y``, ``Hello, world``); a mark right after a Markdown link
      whose text holds Han (``[解释](https://…), [khmer](…):``); a mark after a space
      or the end of Markdown emphasis right before Han (``总统 ;如`` ``执行*!**所以``).
    - unsafe: a mark after Latin, a digit, ``%`` or ``)``, then spaces and Han
      (``Windows, 中文``): mixed writing does this on purpose.

    A ``?`` that marks lost bytes is not punctuation and is never converted: next to
    U+FFFD, glued to a Latin letter (``兼?zhèn)``, ``?W``), followed by what the
    lost-bytes rule reads as bytes out of step
    (``兼?zhèn)涞``, ``程?!痹趹``), or right after a Han character as rare as mojibake
    makes it (``鏂囦欢鍚?``: a cost of at least 31 half-bits in ``data/charfreq.txt``).

    Never: ``1,000`` ``3.14`` ``12:30``, URLs, e-mail addresses, ``A,B``, English
    sentences, a call's arguments, CSV/TSV commas, and Markdown code and link targets;
    and in a document that writes full-width marks, ``(WHO)`` and every other mark that
    is not squeezed between two Han characters.
    """
    marks = _halfwidth_marks(doc)
    if marks is None:
        return
    safe_marks, unsafe_marks, spaced, parens = marks
    text = doc.text
    yield from _mark_findings(text, safe_marks, spaced, Applicability.SAFE)
    yield from _mark_findings(text, unsafe_marks, spaced, Applicability.UNSAFE)
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


def _mark_findings(
    text: str, positions: list[int], spaced: dict[int, int], applicability: Applicability
) -> Iterator[Finding]:
    """The findings of the marks at ``positions``, built with the least work per mark:
    a flattened document has thousands."""
    name, code = HALFWIDTH_PUNCTUATION.name, HALFWIDTH_PUNCTUATION.code
    for start in positions:
        message, replacement = _MARK_MESSAGES[text[start]]
        end = spaced.get(start, start + 1)
        if end > start + 1:
            message += " (the space after it goes too)"
        yield one_edit_finding(
            name, code, start, end, message, replacement, "Use full width", applicability
        )


#: What ``check_halfwidth_punctuation`` finds: the positions of the marks to make full
#: width safely and unsafely, the end of the spaces that go with a mark (by position),
#: and the pairs of parentheses (``(open, after the close)``).
Marks = tuple[list[int], list[int], dict[int, int], list[tuple[int, int]]]


def _halfwidth_marks(doc: Document) -> Marks | None:
    """``check_halfwidth_punctuation``'s judgement, or None for a text without ASCII
    marks next to non-ASCII characters."""
    text = doc.text
    if not any(mark in text for mark in ",;:!?(") or not MARK_BY_NON_ASCII_RE.search(text):
        return None
    comma_is_syntax = doc.kind in SYNTAX_COMMA_KINDS

    def allowed(positions: list[int]) -> list[int]:
        """``positions`` without commas that are syntax and marks in protected regions,
        except a mark that ends a URL right before Han (``…/SSR),例如``): the address
        pattern takes in trailing punctuation, but a mark glued to Chinese is prose."""
        if comma_is_syntax:
            positions = [at for at in positions if text[at] != ","]
        if positions:
            protected = protected_regions(doc)
            kept = protected.uncovered(positions) if protected else None
            if kept is not None and len(kept) < len(positions):
                kept_set = set(kept)
                positions = [
                    at
                    for index, at in enumerate(positions)
                    if index in kept_set or _ends_region_before_han(text, protected, at)
                ]
        return positions

    # Marks in Chinese context are ASCII marks: when even all of those could not make the
    # text flattened (the usual case in clean text), the context scan is skipped. Only
    # that decides, so the full-width marks are counted only as far as it needs.
    ascii_marks = sum(text.count(mark) for mark in ",;:!?")
    fullwidth = fullwidth_marks(text, enough=ascii_marks // 10)
    safe_marks: list[int] = []
    unsafe_marks: list[int] = []
    spaced: dict[int, int] = {}
    parens: list[tuple[int, int]] = []
    if is_flattened(fullwidth, ascii_marks):
        parens = paren_pairs(doc) if "(" in text else []
        # The marks are read with the pairs already full width, so that a mark after a
        # converted `)` is in Chinese context in this pass (`）,\n`), not only in the next,
        # where the document no longer looks flattened.
        scanned = with_fullwidth_parens(text, parens) if parens else text
        safe_marks, unsafe_marks, spaced = flattened_marks(scanned)
        safe_marks, unsafe_marks = allowed(safe_marks), allowed(unsafe_marks)
    if not is_flattened(fullwidth, len(safe_marks) + len(unsafe_marks)):
        safe_marks = allowed(list(map(re.Match.start, BETWEEN_HAN_RE.finditer(text))))
        unsafe_marks, parens, spaced = [], [], {}
    if "?" in text:
        markers = _loss_markers(text, safe_marks + unsafe_marks)
        if markers:
            safe_marks = [at for at in safe_marks if at not in markers]
            unsafe_marks = [at for at in unsafe_marks if at not in markers]
    return safe_marks, unsafe_marks, spaced, parens


def bulk_halfwidth_punctuation(doc: Document) -> BulkFixes:
    """``check_halfwidth_punctuation`` with its safe fixes as bare edits (``BulkFixes``):
    the unsafe ones are its other findings."""
    marks = _halfwidth_marks(doc)
    if marks is None:
        return BulkFixes([], 0, [])
    safe_marks, unsafe_marks, spaced, parens = marks
    text = doc.text
    fixes = len(safe_marks)
    # Built by columns, in C: a flattened text has thousands of marks.
    after = map(add, safe_marks, repeat(1))
    edits = list(
        zip(
            safe_marks,
            map(spaced.get, safe_marks, after) if spaced else after,
            range(fixes),
            map(FULLWIDTH.__getitem__, map(text.__getitem__, safe_marks)),
            strict=True,
        )
    )
    if parens:  # the marks are in text order; the pairs' edits go in among them
        for fix, (open_at, end) in enumerate(parens, fixes):
            edits.append((open_at, open_at + 1, fix, "（"))
            edits.append((end - 1, end, fix, "）"))
        edits.sort()
    rest = list(_mark_findings(text, unsafe_marks, spaced, Applicability.UNSAFE))
    return BulkFixes(edits, fixes + len(parens), rest)


HALFWIDTH_PUNCTUATION = Rule(
    code="P002",
    name="halfwidth-punctuation",
    summary="ASCII `, ; : ! ? ( )` in Chinese context where full-width marks belong",
    fix_safety="mixed",
    check=check_halfwidth_punctuation,
)
