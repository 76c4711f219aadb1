"""What is prose in each kind of document: the spans of a text that no rule may edit.

cnfix repairs prose. Code, link targets, markup, metadata and addresses look like
damaged text to a rule (``print("你好,世界")`` has a "flattened" comma) but are read by
programs, so a change there breaks a link, a build or a program. ``protected_spans``
names them for each document kind (``cnfix.text.kinds``); the engine drops every fix
that would edit one, whichever rule made it.

Everything here is pure and works on character offsets of the decoded text. Markdown
is ``cnfix.text.markdown`` (a CommonMark parser for the blocks), HTML and XML
``cnfix.text.markup``; addresses, templates and the data formats are scanned here, each
in one forward pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cnfix.text.chars import CJK_PUNCT, is_han, lazy_compile
from cnfix.text.markdown import LINE_RE, markdown_spans, markdown_sure_spans
from cnfix.text.markup import markup_spans

Span = tuple[int, int]

# -- addresses: in every kind ----------------------------------------------------------

#: A URL, e-mail address or path ends at white space, a quote, an angle bracket, a
#: backtick or non-ASCII punctuation (CJK, general punctuation, the small, vertical
#: and compatibility forms); Han characters belong to it (an IRI holds them:
#: ``https://zh.wikipedia.org/wiki/北京,中国``).
_NOT_IN_ADDRESS = f"\\s<>\"'`{CJK_PUNCT}\u2000-\u206f\ufe10-\ufe1f\ufe30-\ufe6f"
_ADDRESS_CHARS = f"[^{_NOT_IN_ADDRESS}]"
ADDRESS_RE = lazy_compile(
    # URLs with a scheme, and www. hosts
    f"(?<![A-Za-z0-9+.-])(?:[A-Za-z][A-Za-z0-9+.-]{{1,30}}://|www\\.){_ADDRESS_CHARS}+"
    f"|(?<![A-Za-z0-9+.-])mailto:{_ADDRESS_CHARS}+"
    # e-mail addresses; only from the start of a run of address characters (tried from
    # every letter of a long word, the pattern would rescan the word: quadratic)
    r"|(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
    # paths: /zh-CN/docs/Web, ./a/b, ../a, ~/a, C:\a\b -- two segments at least, not
    # glued to a word before them (他/她 is prose)
    f"|(?<![\\w/.~:-])(?:\\.{{1,2}}|~)?/(?:[^/{_NOT_IN_ADDRESS}]+/)+{_ADDRESS_CHARS}*"
    f"|(?<![\\w/.~:-])\\.{{1,2}}/{_ADDRESS_CHARS}+"
    r"|(?<![\w])[A-Za-z]:\\[^\s<>\"'`|]+"
)
#: Every address holds one of these.
_ADDRESS_ANCHOR_RE = lazy_compile(r"://|www\.|@|/|:\\|mailto:")
#: ASCII punctuation that ends a sentence rather than an address (as in GFM autolinks).
_TRAILING = ".,;:!?*_~"


_CLOSING = {")": "(", "]": "["}


def _address_end(text: str, start: int, end: int) -> int:
    """Where the address matched at ``text[start:end]`` really ends: before a closing
    bracket it did not open (the ``)`` of a Markdown link or of a parenthesis around
    it), before a comma or semicolon between ASCII and Han (``https://x.org/a,已经``:
    a flattened ``，`` — an IRI's Han path has Han before its commas, ``北京,中国``),
    and without the sentence punctuation after it."""
    depth = {"(": 0, "[": 0}
    for index in range(start, end):
        char = text[index]
        if char in depth:
            depth[char] += 1
        elif char in _CLOSING:
            if not depth[_CLOSING[char]]:
                end = index
                break
            depth[_CLOSING[char]] -= 1
        elif (
            char in ",;"
            and text[index - 1] not in ",;"
            and text[index - 1].isascii()
            and is_han(text[index + 1 : index + 2])
        ):
            end = index
            break
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return end


def address_spans(text: str) -> list[Span]:
    """URLs (IRIs), e-mail addresses and paths. The full pattern runs only on the
    lines holding an anchor (``://``, ``@``, ``/``): it costs a pass over every character."""
    spans: list[Span] = []
    line_end = -1
    for anchor in _ADDRESS_ANCHOR_RE.finditer(text):
        if anchor.start() < line_end:
            continue
        line_start = text.rfind("\n", 0, anchor.start()) + 1
        line_end = text.find("\n", anchor.end())
        if line_end < 0:
            line_end = len(text)
        for match in ADDRESS_RE.finditer(text, line_start, line_end):
            start = match.start()
            end = _address_end(text, start, match.end())
            if end > start:
                spans.append((start, end))
    return spans


# -- templates: Jinja, Liquid, Hugo, Nunjucks, KumaScript ---------------------------------

_TEMPLATE_OPEN_RE = lazy_compile(r"\{[{%#]")
_TEMPLATE_CLOSE = {"{{": "}}", "{%": "%}", "{#": "#}"}


def template_spans(text: str) -> list[Span]:
    """``{{ … }}`` (Hugo's ``{{< … >}}`` too), ``{% … %}`` and ``{# … #}``: macros, not
    prose. One forward pass: an opener with no closer ends the search for its kind."""
    spans: list[Span] = []
    unclosed: set[str] = set()
    position = 0
    while (opening := _TEMPLATE_OPEN_RE.search(text, position)) is not None:
        opener = opening[0]
        position = opening.end()
        if opener in unclosed:
            continue
        close = text.find(_TEMPLATE_CLOSE[opener], position)
        if close < 0:
            unclosed.add(opener)
            continue
        spans.append((opening.start(), close + 2))
        position = close + 2
    return spans


# -- data formats ------------------------------------------------------------------------------

_JSON_STRING_RE = lazy_compile(r'"(?:[^"\\\n]|\\.)*"')
_JSON_ESCAPE_RE = lazy_compile(r"\\(?:u[0-9A-Fa-f]{4}|.)")
_JSON_KEY_AFTER_RE = lazy_compile(r"\s*:")


#: A string value that may hold Markdown or HTML syntax.
_JSON_MARKUP_SIGNAL_RE = lazy_compile(r"[`<\]$&]")


def _unescaped(escape: str) -> str | None:
    """The character a JSON escape stands for; None for one JSON does not have (``\\z``)."""
    import json  # only for values with markup in them: json costs start-up time

    try:
        return json.loads(f'"{escape}"')
    except ValueError:
        return None


def _json_value_spans(text: str, start: int, end: int) -> list[Span]:
    """The non-prose spans of the JSON string literal ``text[start:end]`` (quotes left
    out) read as Markdown: its value is decoded, judged, and the spans mapped back to
    the literal's characters (an escape is one character of the value)."""
    value: list[str] = []
    offsets: list[int] = []
    index = start
    while index < end:
        offsets.append(index)
        if text[index] == "\\":
            escape = _JSON_ESCAPE_RE.match(text, index, end)
            if escape is None or (character := _unescaped(escape[0])) is None:
                return [(start, end)]  # not valid JSON: nothing in it is prose
            value.append(character)
            index = escape.end()
        else:
            value.append(text[index])
            index += 1
    offsets.append(end)
    return [
        (offsets[span_start], offsets[span_end])
        for span_start, span_end in protected_spans("".join(value), "markdown")
    ]


def json_spans(text: str) -> list[Span]:
    """JSON and JSON Lines: all but the inside of string values (keys, numbers,
    structure, and the escapes inside strings are protected). A value with Markdown or
    HTML syntax in it is read as Markdown: its code, link targets and tags are kept."""
    spans: list[Span] = []
    previous = 0
    for string in _JSON_STRING_RE.finditer(text):
        start, end = string.span()
        if _JSON_KEY_AFTER_RE.match(text, end):
            spans.append((previous, end))
        else:
            spans.append((previous, start + 1))
            if "\\" in string[0]:
                spans.extend(match.span() for match in _JSON_ESCAPE_RE.finditer(text, start, end))
            if _JSON_MARKUP_SIGNAL_RE.search(text, start, end):
                spans.extend(_json_value_spans(text, start + 1, end - 1))
            spans.append((end - 1, end))
        previous = end
    spans.append((previous, len(text)))
    return spans


_YAML_PREFIX_RE = lazy_compile(r"[ \t]*(?:-[ \t]+)*")
_YAML_KEY_RE = lazy_compile(
    r"""(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s#"'\[\]{},|>!&*%@`][^#\n]*?)[ \t]*:(?=[ \t]|$)""",
    re.M,
)
#: Keys whose values are names, addresses or dates that programs read.
IDENTIFIER_KEYS = frozenset(
    [
        "slug",
        "original_slug",
        "url",
        "uri",
        "link",
        "href",
        "src",
        "path",
        "file",
        "permalink",
        "redirect_from",
        "redirect_to",
        "aliases",
        "alias",
        "id",
        "uid",
        "key",
        "ref",
        "layout",
        "template",
        "type",
        "lang",
        "language",
        "locale",
        "date",
        "image",
        "icon",
        "logo",
        "source",
        "sha",
        "hash",
        "version",
        "translation_of",
        "canonical",
    ]
)
#: A value that starts with one of these is YAML syntax: a flow collection, anchor,
#: alias, tag, directive or block scalar header.
_YAML_SYNTAX_STARTS = "[{&*!%@`|>"


def yaml_spans(text: str) -> list[Span]:
    """YAML: keys, list dashes, document markers, flow collections, anchors, aliases,
    tags, quotes and escapes, and the values of identifier keys (``slug``, ``url``,
    ``date`` …); the other values and the comments are prose."""
    spans: list[Span] = []
    for line in LINE_RE.finditer(text):
        start, end = line.span()
        content = line[0].strip()
        if not content or content.startswith("#"):
            continue
        if content in ("---", "...") or content.startswith("%"):
            spans.append((start, end))
            continue
        prefix = _YAML_PREFIX_RE.match(text, start, end)
        value = prefix.end() if prefix is not None else start
        key = _YAML_KEY_RE.match(text, value, end)
        if key is not None:
            value = key.end()
            name = key[0].rstrip(": \t").strip("\"'").lower()
            if name in IDENTIFIER_KEYS:
                value = end
        while value < end and text[value] in " \t":
            value += 1
        if value < end and text[value] in _YAML_SYNTAX_STARTS:
            value = end
        spans.append((start, value))
        if value < end and text[value] in "\"'":
            closing = text.rfind(text[value], value + 1, end)
            spans.append((value, value + 1))
            if closing > value:
                spans.append((closing, closing + 1))
            if text[value] == '"':
                spans.extend(m.span() for m in _JSON_ESCAPE_RE.finditer(text, value, end))
    return spans


def redirect_spans(text: str) -> list[Span]:
    """Redirect and mapping files: every line but comments maps paths to paths."""
    return [
        line.span()
        for line in LINE_RE.finditer(text)
        if line[0].strip() and not line[0].lstrip().startswith("#")
    ]


# -- every kind -------------------------------------------------------------------------------

_SPANS_BY_KIND: dict[str, Callable[[str], list[Span]]] = {
    "markdown": markdown_spans,
    "markup": markup_spans,
    "json": json_spans,
    "yaml": yaml_spans,
    "redirects": redirect_spans,
}


def protected_spans(text: str, kind: str, *, sure_only: bool = False) -> list[Span]:
    """The spans of ``text`` that are not prose for a document of ``kind`` (unsorted,
    possibly overlapping). In ``code`` nothing is prose.

    ``sure_only``: for Markdown, only what is found without the parser (a part of the
    whole answer; the whole answer includes it); for other kinds, the whole answer.
    """
    if kind == "code":
        return [(0, len(text))]
    spans = address_spans(text)
    if "{" in text:
        spans.extend(template_spans(text))
    if sure_only and kind == "markdown":
        spans.extend(markdown_sure_spans(text))
        return spans
    kind_spans = _SPANS_BY_KIND.get(kind)
    if kind_spans is not None:
        spans.extend(kind_spans(text))
    return spans
