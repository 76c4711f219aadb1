"""Where an ASCII mark of a flattened document stood as a full-width one: the contexts
``halfwidth-punctuation`` reads, one pattern or test each, and the scan over them."""

from __future__ import annotations

import re

from cnfix.rules.punctuation.pairs import CHINESE_CHAR_RE, SHARED_MARKS, chinese_before
from cnfix.text.chars import CHINESE, HAN, is_han, lazy_compile

#: Opening quotes and brackets of Chinese text.
_OPENING = "“‘「『《【〔（"

# Each pattern starts with the mark itself, so the regex engine scans for it fast, and
# looks behind for the context. In a flattened document, safe:
# a mark after Chinese and not before a space (`日,湖`, `指出:` at a line end, `共,1`,
# `随后,Windows`, `作者:John`; `!` not before `[`, a Markdown image);
# a mark after Latin, a digit, `%`, `)`, `>`, `.`, a space or the end of Markdown
# emphasis or code (`*` `_` `` ` ``) and right before Han, perhaps after the start of
# emphasis (`100%,其中`, `**reactive**:它`, `@hueniverse ,举例`, `执行*!**所以`, and
# `小传......,而` where NFKC spelled out `……`);
# a mark after Chinese, the spaces a tool put after it, then Han or an opening quote or
# bracket (`落地; 要`): group `space`, removed with the mark's fix (Chinese puts no space
# after a full-width mark);
# a mark after Chinese before spaces and Latin, a digit or Markdown (`中, `code``): the
# space stays (mixed writing often spaces Latin words).
# Unsafe: a mark after Latin, a digit, `%` or `)`, spaces, then Han (`Windows, 中文`):
# group `unsafe`, the spaces removed with it. Between ASCII: never.
# One leading character class, the alternatives after it: a pattern that starts with a
# class is skipped ahead at C speed; an alternation is tried at every position (5x slower
# on clean text). Safe and unsafe in one pattern, one pass (the contexts exclude each
# other).
CONTEXT_MARK_RE = lazy_compile(
    f"[,;:!?](?:(?<=[{CHINESE}][,;:?])(?![ \\t])"
    f"|(?<=[{CHINESE}]!)(?![ \\t\\[])"
    f'|(?<=[A-Za-z0-9%)>.*_`" ].)(?=[*_]*[{HAN}])'
    f"|(?<=[{CHINESE}].)(?P<space> +)(?=[{HAN}{_OPENING}])"
    f"|(?<=[{CHINESE}].)(?= +[A-Za-z0-9`*\\[<])"
    f"|(?<=[A-Za-z0-9%)].)(?P<unsafe> +)(?=[{HAN}]))"
)
# A mark after Latin, a digit, `)` or the end of Markdown emphasis or code, at a line end
# or before a space and code or a brace (`什么是并发 React?`, `对象**:`, `未设为 0,`,
# `component: `<Profile>``): full width when its clause holds Han (`clause_has_han`);
# an English sentence (`What is React?`) stays.
CLAUSE_END_MARK_RE = lazy_compile(
    "[,;:!?](?<=[A-Za-z0-9)*_`][,;:!?])(?=[ \\t]*(?:\\n|$)|[ \\t]+[`{])", re.M
)
# A comma between two Latin words, no space after it (`包括 Suspense,transition 和`,
# `许可协议包括MIT,Apache 2.0,ISC和BSD`, `（gated recurrent units,GRU）`): in a
# flattened document, when Chinese stands in its clause on both sides (`latin_comma`),
# it was `，`; an English list puts a space after its commas.
LATIN_COMMA_RE = re.compile(",(?<=[A-Za-z0-9.],)(?=[A-Za-z]{2})")
#: How far a Latin comma's clause is searched for Chinese on each side.
_LATIN_COMMA_REACH = 40
#: What a Latin word next to such a comma is made of.
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.+#_-")


def latin_comma(text: str, at: int) -> bool:
    """True when the comma at ``at`` joins a word of two characters or more to a word of
    two letters or more, outside a call's parentheses (`f(alpha,beta)`), with Chinese in
    its clause before and after it."""
    start = at
    while start and text[start - 1] in _WORD_CHARS:
        start -= 1
    if at - start < 2:
        return False
    depth = 0
    for index in range(at - 1, max(-1, at - _LATIN_COMMA_REACH), -1):
        char = text[index]
        if char == ")":
            depth += 1
        elif char == "(":
            if not depth:
                return False  # inside ASCII parentheses: a call's arguments
            depth -= 1
        elif char in "\n。！？" or (char in ".!?" and text[index + 1] == " "):
            return False
        elif CHINESE_CHAR_RE.match(char):
            break
    else:
        return False
    for index in range(at + 1, min(len(text), at + _LATIN_COMMA_REACH)):
        char = text[index]
        if char == "\n" or (char in ".!?" and text[index + 1 : index + 2] == " "):
            return False
        if CHINESE_CHAR_RE.match(char):
            return True
    return False


# A mark right after a Markdown link whose text holds Han: in Chinese context, whatever
# follows (`[在他们的项目上解释](https://…), [khmer](…)`). Group 1 is the link text,
# group 2 the mark.
LINK_MARK_RE = lazy_compile(
    f"\\[([^\\[\\]\\n]{{0,200}}[{HAN}][^\\[\\]\\n]{{0,200}})\\]\\([^()\\s]{{1,500}}\\)([,;:!?])"
)


#: Where a clause starts, looking back from a mark: a line start or a sentence end.
_CLAUSE_START = "\n。！？!?."
#: How far back a clause is searched for Han.
_CLAUSE_REACH = 200


def clause_has_han(text: str, at: int) -> bool:
    """True when the clause that ends at ``at`` holds a Han character."""
    for index in range(at - 1, max(-1, at - _CLAUSE_REACH), -1):
        char = text[index]
        # A full stop ends a sentence when a space or the line end follows (not `x.org`).
        if char in _CLAUSE_START and (char != "." or text[index + 1] in " \n"):
            return False
        if is_han(char):
            return True
    return False


def flattened_marks(scanned: str) -> tuple[list[int], list[int], dict[int, int]]:
    """The marks of a flattened document that were full width, read in ``scanned`` (its
    text with the converted parenthesis pairs already full width): the safe ones and the
    unsafe ones, in text order, and for a mark whose fix takes the spaces after it, where
    those end."""
    safe_marks: list[int] = []
    unsafe_marks: list[int] = []
    spaced: dict[int, int] = {}
    append = safe_marks.append
    for match in CONTEXT_MARK_RE.finditer(scanned):
        start, end = match.span()
        if scanned[start - 1] in SHARED_MARKS and not (
            chinese_before(scanned, start - 1) or CHINESE_CHAR_RE.match(scanned, end)
        ):
            continue  # `hin“: Von`, `“hello”, then`: Western text
        if end == start + 1:  # the mark alone: a safe one (thousands in a flattened text)
            append(start)
            continue
        spaced[start] = end
        (unsafe_marks if match["unsafe"] else safe_marks).append(start)
    more = [
        match.start()
        for match in CLAUSE_END_MARK_RE.finditer(scanned)
        if clause_has_han(scanned, match.start())
    ]
    more += [
        match.start()
        for match in LATIN_COMMA_RE.finditer(scanned)
        if latin_comma(scanned, match.start())
    ]
    if "](" in scanned:
        more += [match.start(2) for match in LINK_MARK_RE.finditer(scanned)]
    if not more:  # the context marks alone are in text order, each once
        return safe_marks, unsafe_marks, spaced
    safe_set = set(safe_marks)
    safe_set.update(more)
    safe_marks = sorted(safe_set)
    unsafe_marks = [at for at in unsafe_marks if at not in safe_set]
    return safe_marks, unsafe_marks, spaced
