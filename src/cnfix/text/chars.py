"""Character classes shared by the rules, as regular-expression fragments.

Ranges are spelled with ``\\N{...}`` names or code points with their block named,
so that a reader can tell what each class holds without a Unicode table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

from cnfix.text.precompiled import compile_pattern, stored

#: Han ideographs: IDEOGRAPHIC NUMBER ZERO, CJK Unified Ideographs, Extension A,
#: Compatibility Ideographs, and the supplementary-plane extensions B–H.
HAN = "\N{IDEOGRAPHIC NUMBER ZERO}\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"

#: CJK punctuation that only occurs in East Asian text: CJK Symbols and Punctuation
#: (、。〈〉《》「」『』【】〔〕…), the full-width forms (，；：！？（）), and the
#: quotes, ellipsis and dashes Chinese writing uses.
CJK_PUNCT = (
    "\u3000-\u303f"  # CJK Symbols and Punctuation, from IDEOGRAPHIC SPACE
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # full-width punctuation
    "\N{LEFT DOUBLE QUOTATION MARK}\N{RIGHT DOUBLE QUOTATION MARK}"
    "\N{LEFT SINGLE QUOTATION MARK}\N{RIGHT SINGLE QUOTATION MARK}"
    "\N{HORIZONTAL ELLIPSIS}\N{EM DASH}\N{MIDDLE DOT}"
)

#: A character that puts the text around it in Chinese context.
CHINESE = HAN + CJK_PUNCT


class _LazyPattern:
    """A regular expression compiled on first use.

    ``re`` parses and compiles in pure Python, and a class holding the Han ranges
    costs 1–3 ms to compile; dozens of them made ``cnfix scan`` start slowly although
    a clean text never reaches most. On first use the compiled pattern's methods are
    stored on the instance, so later calls cost what calls on the pattern itself cost.
    The pattern may be given as a function that builds its source, called then too.
    Compiling is ``text.precompiled.compile_pattern``: the code of the big ones is
    stored, built at build time.
    """

    _METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")

    def __init__(self, pattern: str | Callable[[], str], flags: int) -> None:
        self._source = (pattern, flags)
        self._stored: bool | None = None  # is its compiled code stored? (asked once)

    def source(self) -> tuple[str, int]:
        """The pattern's source (built now if it is built by a function) and flags."""
        pattern, flags = self._source
        if not isinstance(pattern, str):
            pattern = pattern()
            self._source = (pattern, flags)
        return pattern, flags

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends: not a pattern attribute
            raise AttributeError(name)
        compiled = compile_pattern(*self.source())
        for method in self._METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


def lazy_compile(pattern: str | Callable[[], str], flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled the first time it is used (``pattern``
    may be a function returning the source: it is called only then)."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))


def is_compiled(pattern: re.Pattern[str]) -> bool:
    """True once ``pattern`` (from :func:`lazy_compile` or ``re.compile``) is compiled."""
    return not isinstance(pattern, _LazyPattern) or "search" in vars(pattern)


def is_cheap(pattern: re.Pattern[str]) -> bool:
    """True once ``pattern`` is compiled, or when compiling it costs next to nothing:
    its compiled code is stored (``text.precompiled``)."""
    if is_compiled(pattern):
        return True
    lazy = cast("_LazyPattern", pattern)
    if lazy._stored is None:
        lazy._stored = stored(*lazy.source())
    return lazy._stored


class ScanBudget:
    """How many characters may still be matched in Python instead of by a big pattern.

    Compiling a class of thousands of characters costs milliseconds, most of a short
    run's work, while a set lookup per character costs ~50 ns. The first texts, up to
    ``budget`` characters in all, are scanned in Python (the same positions as the
    pattern's); after that the pattern is compiled, once, and used: it is faster.
    """

    budget = 200_000

    def __init__(self) -> None:
        self.scanned = 0

    def take(self, text: str) -> bool:
        """True (and counted) when ``text`` still fits in the budget."""
        if self.scanned + len(text) > self.budget:
            return False
        self.scanned += len(text)
        return True


HAN_RE = lazy_compile(f"[{HAN}]")
HAN_RUN_RE = lazy_compile(f"[{HAN}]+")


#: :func:`count_han` passes this many Han characters (and what lies between) per match.
HAN_BLOCK = 64
HAN_BLOCKS_RE = lazy_compile(f"(?:[^{HAN}]*+[{HAN}]){{{HAN_BLOCK}}}")


def count_han(text: str) -> int:
    """Number of Han characters in ``text``.

    A long text is counted ``HAN_BLOCK`` characters per match (one match object per
    block, not a string per run: twice as fast on prose), its tail run by run.
    """
    found = start = 0
    if len(text) > 4 * HAN_BLOCK:
        while (match := HAN_BLOCKS_RE.match(text, start)) is not None:
            found += HAN_BLOCK
            start = match.end()
    return found + sum(map(len, HAN_RUN_RE.findall(text, start)))


def is_han(char: str) -> bool:
    """True for one Han ideograph (the ranges of ``HAN``), without a regex."""
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or char == "\N{IDEOGRAPHIC NUMBER ZERO}"
        or "\uf900" <= char <= "\ufaff"
        or "\U00020000" <= char <= "\U0003134f"
    )


#: What a lost byte leaves behind: U+FFFD (a decoder dropped bytes it could not read),
#: its UTF-8 bytes read as GBK (锟斤拷), and the 0xCC/0xCD fillers of uninitialised
#: memory read as GBK (烫烫烫, 屯屯屯). Both rules that look at decoding damage need it.
#: Every branch starts with a plain character, so ``re`` skips to those four characters
#: (a repeated group first made it try every position: 25 ms per MB of text, now 1).
PLACEHOLDER_RE = lazy_compile(
    "锟斤拷(?:锟斤拷)*(?:锟斤?)?"  # U+FFFD's UTF-8 bytes read as GBK, once or many times
    "|\ufffd\ufffd*"  # replacement characters
    "|烫烫烫+|屯屯屯+"  # 0xCC / 0xCD filler bytes of uninitialised memory read as GBK
)
