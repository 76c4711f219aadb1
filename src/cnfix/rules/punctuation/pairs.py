"""Parenthesis pairs of a flattened document that were full-width ``（）``, and the marks
Western text shares with Chinese (``“”‘’…—·``): what ``halfwidth-punctuation`` reads
before it converts the marks around them."""

from __future__ import annotations

import functools
import re
from itertools import compress

from cnfix.model import Document
from cnfix.text.chars import CHINESE, HAN, is_han, lazy_compile
from cnfix.text.pinyin import is_reading_of, parse_reading
from cnfix.text.regions import protected_regions

#: Marks Western text writes too: before a flattened mark they put it in Chinese context
#: only when Chinese comes before them or after the mark (`“好”,` `“AWS”,而` yes,
#: `hin“: Von` no).
SHARED_MARKS = "“”‘’…—·"


def chinese_before(text: str, at: int) -> bool:
    """True when the first character before ``at`` that is no ``SHARED_MARKS`` is Chinese."""
    while at > 0 and text[at - 1] in SHARED_MARKS:
        at -= 1
    return at > 0 and CHINESE_CHAR_RE.match(text, at - 1) is not None


#: One word: Latin letters (with accents and tone marks, as in pinyin) and perhaps a tone
#: number, or digits (`WHO`, `yī`, `yi1`, `2023`; not `B2C`).
_WORD = "(?:[A-Za-z\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff]+[0-5]?|[0-9]+)"

#: What a pair may hold: a Markdown code span whole (`` `load('en')` ``), a nested pair
#: (a Markdown link's target: `(例如[P3](https://…)实例)`), any other character of the line.
_CONTENT = "(?:`[^`\\n]{1,200}`|\\([^()\\n]{0,300}\\)|[^()\\n])"

# A pair of ASCII parentheses around text with Han in it, opened in Chinese context, after
# a space, a digit, the end of Markdown emphasis, code or a link, or at a line start:
# `(关沮院区)`, `` `false`(为了兼容) ``, `[守则](…)(你们是否需要…)`; or around mixed
# content opened right after Chinese or the end of Markdown emphasis (`(GB2760-2011)`,
# `(JGJ 3-2010)`, `称为(*trait*)`, `*双组件*(two-component)`). One word or number alone
# (`(WHO)`, `(2023)`, a reading `(yī)`) is `WORD_PAIR_RE`'s.
PAREN_PAIR_RE = lazy_compile(
    f'\\((?:(?:(?<=[{CHINESE}\\s\\d*_`")]\\()|(?<=^\\())(?={_CONTENT}{{0,200}}?[{HAN}])'
    f"|(?<=[{CHINESE}*_]\\()(?!{_WORD}\\))){_CONTENT}{{1,400}}?\\)",
    re.M,
)
#: A pair around one Markdown code span, glued to Chinese on either side:
#: ``安装Spacy(`pip install spacy`)和``. A call is written inside the code span, never
#: around it.
CODE_PAIR_RE = lazy_compile(
    f"\\((?:(?<=[{CHINESE}]\\()`[^`\\n]{{1,200}}`\\)|`[^`\\n]{{1,200}}`\\)(?=[{CHINESE}]))"
)


#: One Latin word or number in parentheses right after Chinese or the end of Markdown
#: emphasis (`管道(pipeline)`, `协议」(ECFA)`, `*连续词袋*(CBOW)`), or after Chinese and a
#: space with Han right after it (`魯凱族語 (SABOU)問候`). In a flattened document it was
#: full width more often than not: in the development corpus, which writes full-width
#: marks, 207 such pairs after Han are full width and 100 ASCII (and after a closing
#: quote or title mark 130 and 14).
WORD_PAIR_RE = lazy_compile(
    f"\\((?:(?<=[{CHINESE}*_]\\()|(?<=[{CHINESE}] \\()(?=[^()]+\\)[{HAN}]))(?:{_WORD})\\)"
)


#: A Latin word, then a pair (group 1): `Rinari(禮納里)`, `API(大致上)`,
#: `ICRT(International Community Radio Taipei)`, `npm(Node Package Manager)`. It qualifies
#: in `_named_pairs`; a call such as `print(中文)` or `f(x)` never does. It starts with
#: the word's first letter, and looks behind it for what may not come before the word:
#: a pattern that starts with a lookbehind is tried at every position of the text.
NAME_PAIR_RE = re.compile(r"[A-Za-z](?<![A-Za-z0-9_.][A-Za-z])[A-Za-z]{1,20}(\([^()\n]{1,400}?\))")
#: Two or more capitalised words: the expansion of an abbreviation (`Node Package Manager`).
_EXPANSION_RE = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)+")


def _named_pairs(text: str) -> list[tuple[int, int]]:
    """``NAME_PAIR_RE``'s pairs after Chinese (the word glued to it, or one space or
    flattened mark apart): after a capitalised word around Han (``Rinari(禮納里)``), after
    an acronym around several words (``ICRT(International …)``), after any word around
    an expansion (``npm(Node Package Manager)``)."""
    pairs = []
    for match in NAME_PAIR_RE.finditer(text):
        start = match.start()
        before = text[max(0, start - 2) : start]
        glued = bool(before) and CHINESE_CHAR_RE.match(before[-1]) is not None
        # One space, or a flattened mark, between Chinese and the word.
        apart = before[-1:] in (" ", ",", ";", ":") and CHINESE_CHAR_RE.match(before[:1])
        if not (glued or apart):
            continue
        content = match.group(1)[1:-1]
        word = text[start : match.start(1)]
        if (
            (word[0].isupper() and any(is_han(char) for char in content))
            or (word.isupper() and " " in content)
            or _EXPANSION_RE.fullmatch(content)
        ):
            pairs.append(match.span(1))
    return pairs


#: One character that puts the text around it in Chinese context.
CHINESE_CHAR_RE = lazy_compile(f"[{CHINESE}]")


def _word_pairs(text: str) -> list[tuple[int, int]]:
    """``WORD_PAIR_RE``'s pairs that do not hold a reading of the character before them
    (``醫(yī)``): an annotation, which is the ``pinyin-annotation`` rule's to judge, not a
    flattened pair. Each distinct character and pair is judged once: a text still full
    of annotations (a scan of the damage) has thousands of a few hundred."""
    spans = list(map(re.Match.span, WORD_PAIR_RE.finditer(text)))
    keys = [text[start - 1 : end] for start, end in spans]
    plain = {key for key in set(keys) if not _is_reading(key[0], key[2:-1])}
    return list(compress(spans, map(plain.__contains__, keys)))


@functools.lru_cache(maxsize=1 << 14)
def _is_reading(char: str, written: str) -> bool:
    """True when ``written`` is a reading of ``char`` (remembered from text to text)."""
    parsed = parse_reading(written)
    return parsed is not None and is_reading_of(char, *parsed)


def paren_pairs(doc: Document) -> list[tuple[int, int]]:
    """The pairs of ``PAREN_PAIR_RE``, ``CODE_PAIR_RE``, ``_named_pairs`` and
    ``WORD_PAIR_RE`` (not a reading after its character: an annotation), outside
    protected regions, in text order."""
    text = doc.text
    pairs = {match.span() for match in PAREN_PAIR_RE.finditer(text)}
    pairs.update(_named_pairs(text))
    pairs.update(match.span() for match in CODE_PAIR_RE.finditer(text))
    pairs.update(_word_pairs(text))
    pairs = _outermost(sorted(pairs))
    protected = protected_regions(doc) if pairs else None
    if protected:
        pairs = [
            (at, end)
            for at, end in pairs
            if not (protected.covers(at) or protected.covers(end - 1))
        ]
    return pairs


def _outermost(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``pairs`` (sorted) without those inside or overlapping an earlier one: the inner
    pair of `(例如[P3](https://…)实例)` is a link target, not a flattened pair."""
    kept: list[tuple[int, int]] = []
    for at, end in pairs:
        if not kept or at >= kept[-1][1]:
            kept.append((at, end))
    return kept


def with_fullwidth_parens(text: str, pairs: list[tuple[int, int]]) -> str:
    """``text`` with each pair's ``(`` and ``)`` full width (same length, same offsets)."""
    pieces = []
    cursor = 0
    for open_at, end in pairs:
        pieces += [text[cursor:open_at], "（", text[open_at + 1 : end - 1], "）"]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
