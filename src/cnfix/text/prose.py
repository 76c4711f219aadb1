"""What is prose in each kind of document: the spans of a text that no rule may edit.

cnfix repairs prose. Code, link targets, markup, metadata and addresses look like
damaged text to a rule (``print("你好,世界")`` has a "flattened" comma) but are read by
programs, so a change there breaks a link, a build or a program. ``protected_spans``
names them for each document kind (``cnfix.text.kinds``); the engine drops every fix
that would edit one, whichever rule made it.

Everything here is pure and works on character offsets of the decoded text. The
Markdown block structure comes from a CommonMark parser (``cnfix.adapters.markdown``);
inline syntax, HTML and the other formats are scanned here, each in one forward pass.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable

from cnfix.text.chars import CJK_PUNCT, lazy_compile

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
_ADDRESS_ANCHOR_RE = re.compile(r"://|www\.|@|/|:\\|mailto:")
#: ASCII punctuation that ends a sentence rather than an address (as in GFM autolinks).
_TRAILING = ".,;:!?*_~"


_CLOSING = {")": "(", "]": "["}


def _address_end(text: str, start: int, end: int) -> int:
    """Where the address matched at ``text[start:end]`` really ends: before a closing
    bracket it did not open (the ``)`` of a Markdown link or of a parenthesis around
    it), and without the sentence punctuation after it."""
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

_TEMPLATE_OPEN_RE = re.compile(r"\{[{%#]")
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


# -- HTML and XML --------------------------------------------------------------------------

_ATTRIBUTE = r"""\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
OPEN_TAG_RE = re.compile(rf"<([A-Za-z][A-Za-z0-9-]*)((?:{_ATTRIBUTE})*)\s*/?>")
CLOSE_TAG_RE = re.compile(r"</[A-Za-z][A-Za-z0-9-]*\s*>")
_ATTRIBUTE_RE = re.compile(
    r"""([A-Za-z_:][A-Za-z0-9_.:-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
#: Attributes people read: their values are prose; every other attribute is not.
READABLE_ATTRIBUTES = frozenset({"alt", "title"})
#: Elements whose content is code or verbatim text, never prose.
VERBATIM_ELEMENTS = frozenset(
    {"script", "style", "pre", "code", "kbd", "samp", "tt", "var", "textarea", "math", "svg"}
)
#: Comments, CDATA, processing instructions and declarations, with their terminators.
_SPECIAL_MARKUP = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"), ("<!", ">"))
ENTITY_RE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def _tag_spans(match: re.Match[str]) -> list[Span]:
    """An open tag, less the values of its readable attributes."""
    spans: list[Span] = []
    start = match.start()
    offset = match.start(2)
    for attribute in _ATTRIBUTE_RE.finditer(match[2]):
        if attribute[1].lower() not in READABLE_ATTRIBUTES:
            continue
        group = next((g for g in (2, 3, 4) if attribute[g] is not None), None)
        if group is None:
            continue
        value_start, value_end = attribute.span(group)
        spans.append((start, offset + value_start))
        start = offset + value_end
    spans.append((start, match.end()))
    return spans


def _markup_at(
    text: str, index: int, end: int, *, unclosed_to_end: bool = True
) -> tuple[list[Span], int] | None:
    """The protected spans of the markup construct starting at ``text[index] == "<"``
    and where the scan goes on, or None when the ``<`` starts no markup. A comment or
    verbatim element that is not closed before ``end`` runs to ``end``, or, unless
    ``unclosed_to_end``, is only its opening."""
    for opener, closer in _SPECIAL_MARKUP:
        if text.startswith(opener, index, end):
            close = text.find(closer, index + len(opener), end)
            if close < 0 and not unclosed_to_end:
                return None
            stop = end if close < 0 else close + len(closer)
            return [(index, stop)], stop
    closing = CLOSE_TAG_RE.match(text, index, end)
    if closing is not None:
        return [closing.span()], closing.end()
    tag = OPEN_TAG_RE.match(text, index, end)
    if tag is None:
        return None
    name = tag[1].lower()
    if name in VERBATIM_ELEMENTS and not tag[0].endswith("/>"):
        found = re.compile(rf"</{name}\s*>", re.I).search(text, tag.end(), end)
        if found is None and not unclosed_to_end:
            return [tag.span()], tag.end()
        stop = end if found is None else found.end()
        return [(index, stop)], stop
    return _tag_spans(tag), tag.end()


def markup_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """HTML/XML in ``text[start:end]``: everything but text nodes and readable
    attribute values (tags, other attributes, comments, entities, ``<script>``,
    ``<style>``, ``<pre>``, ``<code>`` and the other verbatim elements)."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    position = start
    while (index := text.find("<", position, end)) >= 0:
        found = _markup_at(text, index, end)
        if found is None:
            position = index + 1
            continue
        spans.extend(found[0])
        position = found[1]
    if "&" in text[start:end]:
        spans.extend(match.span() for match in ENTITY_RE.finditer(text, start, end))
    return spans


# -- Markdown ------------------------------------------------------------------------------

_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_LINE_RE = re.compile(r"^[^\n]*", re.M)
_FRONT_MATTER_RE = re.compile(
    r"\A(?:---[ \t]*(?:\r\n|\r|\n)(?:.*?(?:\r\n|\r|\n))??(?:---|\.\.\.)"
    r"|\+\+\+[ \t]*(?:\r\n|\r|\n)(?:.*?(?:\r\n|\r|\n))??\+\+\+)[ \t]*(?=\r\n|\r|\n|\Z)",
    re.S,
)
_INLINE_SIGNAL_RE = re.compile(r"[\\`<\]$&]")
_BACKTICKS_RE = re.compile(r"`+")
_AUTOLINK_RE = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)>"
)
_INLINE_MATH_CLOSE_RE = re.compile(r"(?<![\s\\])\$(?!\d)")
_TITLE_CLOSE = {'"': '"', "'": "'", "(": ")"}


def _skip_space(text: str, index: int, end: int) -> int:
    while index < end and text[index] in " \t\r\n":
        index += 1
    return index


#: Parentheses a link destination may nest (markdown-it's limit): also what keeps the
#: scan of ``](](](…`` linear.
MAX_DESTINATION_NESTING = 32
#: Characters of a raw link destination that need no decision: skipped as a run. A
#: ``]`` ends the scan (no link): a destination never holds one in practice, and
#: ``](](…`` would otherwise be scanned again from every ``](``.
_DESTINATION_RUN_RE = re.compile(r"[^\s()\]\\\x00-\x1f]+")


def _link_tail_end(text: str, index: int, end: int, unclosed: set[object]) -> int | None:
    """Where the ``(destination "title")`` opening at ``text[index]`` ends, or None when
    it is not one (CommonMark: a raw destination may hold balanced parentheses). A title
    quote found never closed is remembered in ``unclosed`` and not looked for again."""
    position = _skip_space(text, index + 1, end)
    if position < end and text[position] == "<":
        close = text.find(">", position, end)
        if close < 0 or "\n" in text[position:close]:
            return None
        position = close + 1
    else:
        depth = 0
        while position < end:
            run = _DESTINATION_RUN_RE.match(text, position, end)
            if run is not None:
                position = run.end()
                continue
            char = text[position]
            if char == "\\":
                position += 2
                continue
            if char == "]":
                return None
            if char.isspace() or char < " ":
                break
            if char == "(":
                depth += 1
                if depth > MAX_DESTINATION_NESTING:
                    return None
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            position += 1
        if depth:
            return None
    position = _skip_space(text, position, end)
    if position < end and text[position] in _TITLE_CLOSE:
        closer = _TITLE_CLOSE[text[position]]
        if ("title", closer) in unclosed:
            return None
        position += 1
        while position < end and text[position] != closer:
            position += 2 if text[position] == "\\" else 1
        if position >= end:
            unclosed.add(("title", closer))
            return None
        position = _skip_space(text, position + 1, end)
    if position < end and text[position] == ")":
        return position + 1
    return None


class _InlineScan:
    """Inline Markdown syntax in the lines of one block: code spans, autolinks, raw
    HTML, link destinations and titles, reference labels, math and entities.

    Openers known to have no closer in the block are remembered, so that a block with
    many of them is still scanned in one pass."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.end = text, end
        self.position = start
        self.spans: list[Span] = []
        self.unclosed: set[object] = set()

    def run(self) -> list[Span]:
        text, end = self.text, self.end
        handlers: dict[str, Callable[[int], int]] = {
            "\\": lambda index: index + 2,
            "`": self._code_span,
            "<": self._angle,
            "]": self._link_tail,
            "$": self._math,
            "&": self._entity,
        }
        while (signal := _INLINE_SIGNAL_RE.search(text, self.position, end)) is not None:
            self.position = handlers[signal[0]](signal.start())
        return self.spans

    def _close(self, key: object, found: int, start: int, length: int) -> int:
        """Protect ``[start, found + length)`` when a closer was found; else remember."""
        if found < 0:
            self.unclosed.add(key)
            return start + 1
        self.spans.append((start, found + length))
        return found + length

    def _code_span(self, index: int) -> int:
        run = _BACKTICKS_RE.match(self.text, index, self.end)
        assert run is not None
        length = len(run[0])
        if length in self.unclosed:
            return run.end()
        closer = re.compile(rf"(?<!`)`{{{length}}}(?!`)").search(self.text, run.end(), self.end)
        if closer is None:
            self.unclosed.add(length)
            return run.end()
        self.spans.append((index, closer.end()))
        return closer.end()

    def _angle(self, index: int) -> int:
        autolink = _AUTOLINK_RE.match(self.text, index, self.end)
        if autolink is not None:
            self.spans.append(autolink.span())
            return autolink.end()
        found = _markup_at(self.text, index, self.end)
        if found is None:
            return index + 1
        self.spans.extend(found[0])
        return found[1]

    def _link_tail(self, index: int) -> int:
        following = self.text[index + 1 : index + 2]
        if following == "(":
            tail = _link_tail_end(self.text, index + 1, self.end, self.unclosed)
            if tail is not None:
                self.spans.append((index + 1, tail))
                return tail
        elif following == "[":  # [text][label]: the label names a definition
            close = self.text.find("]", index + 2, self.end)
            if close >= 0:
                self.spans.append((index + 1, close + 1))
                return close + 1
        return index + 1

    def _math(self, index: int) -> int:
        text = self.text
        if text.startswith("$$", index):
            if "$$" in self.unclosed:
                return index + 2
            return self._close("$$", text.find("$$", index + 2, self.end), index, 2)
        if index + 1 >= self.end or text[index + 1].isspace() or "$" in self.unclosed:
            return index + 1
        closer = _INLINE_MATH_CLOSE_RE.search(text, index + 2, self.end)
        return self._close("$", -1 if closer is None else closer.start(), index, 1)

    def _entity(self, index: int) -> int:
        entity = ENTITY_RE.match(self.text, index, self.end)
        if entity is None:
            return index + 1
        self.spans.append(entity.span())
        return entity.end()


def front_matter_end(text: str) -> int:
    """The end of a leading YAML (``---``) or TOML (``+++``) front matter block, or 0."""
    if not text.startswith(("---", "+++")):
        return 0
    match = _FRONT_MATTER_RE.match(text)
    return 0 if match is None else match.end()


#: A fence opening at the margin (not in a list item or a block quote).
_MARGIN_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.M)
#: A code span on one line: whole runs of backticks of one length at both ends.
_ONE_LINE_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)[^`\n]+?(?<!`)\1(?!`)")
_SURE_SIGNAL_RE = re.compile(r"\]\(|<")
#: How far the scan without the parser looks for the end of an element or comment.
_SURE_ELEMENT_CHARS = 2000


def _margin_fence_spans(text: str) -> list[Span]:
    """Fenced code blocks that open at the margin, opening line to closing line (or to
    the end, as CommonMark has it when the fence is never closed). One forward scan."""
    spans: list[Span] = []
    position = 0
    while (opening := _MARGIN_FENCE_RE.search(text, position)) is not None:
        fence = opening[1]
        if fence[0] == "`" and "`" in opening[2]:
            position = opening.end() + 1
            continue
        closing = re.compile(
            rf"^ {{0,3}}{re.escape(fence)}{re.escape(fence[0])}*[ \t]*$", re.M
        ).search(text, opening.end() + 1)
        end = closing.end() if closing is not None else len(text)
        spans.append((opening.start(), end))
        position = end + 1
    return spans


def markdown_sure_spans(text: str) -> list[Span]:
    """Spans of Markdown that are not prose and that a forward scan finds without the
    parser: front matter, fences at the margin, one-line code spans, link targets and
    HTML tags. Most texts' candidate damage that is no damage sits in these, so the
    parser runs only for the rest (``cnfix.text.regions``)."""
    spans = [(0, end)] if (end := front_matter_end(text)) else []
    spans.extend(_margin_fence_spans(text))
    code = [match.span() for match in _ONE_LINE_CODE_RE.finditer(text)]
    spans.extend(code)
    code_starts = [start for start, _ in code]
    unclosed: set[object] = set()
    for signal in _SURE_SIGNAL_RE.finditer(text):
        index = signal.start()
        before = bisect.bisect_right(code_starts, index) - 1
        if before >= 0 and index < code[before][1]:
            continue  # `<script setup>` in a code span is no element
        if signal[0] == "<":
            limit = min(len(text), index + _SURE_ELEMENT_CHARS)
            found = _markup_at(text, index, limit, unclosed_to_end=False)
            if found is not None:
                spans.extend(found[0])
        elif (tail := _link_tail_end(text, index + 1, len(text), unclosed)) is not None:
            spans.append((index + 1, tail))
    return spans


def markdown_spans(text: str) -> list[Span]:
    """Markdown: front matter, code blocks (fenced and indented, at any nesting), lines
    in no block (reference definitions, thematic breaks, table delimiter rows), HTML
    blocks less their text, and the inline syntax of paragraphs, headings and cells."""
    from cnfix.adapters.markdown import blocks

    spans: list[Span] = []
    body = front_matter_end(text)
    line_starts = [0]
    line_starts.extend(match.end() for match in _LINE_BREAK_RE.finditer(text))
    source = text
    if body:
        spans.append((0, body))
        skipped = len(_LINE_BREAK_RE.findall(text, 0, body))
        source = "\n" * skipped + text[body:]  # the same line numbers, no front matter
    covered = 0
    for block in blocks(source):
        start = line_starts[block.first]
        end = line_starts[block.end] if block.end < len(line_starts) else len(text)
        if start > covered:
            spans.extend(_syntax_lines(text, covered, start))
        covered = max(covered, end)
        if block.kind == "code":
            spans.append((start, end))
        elif block.kind == "html":
            spans.extend(markup_spans(text, start, end))
        else:
            spans.extend(_InlineScan(text, start, end).run())
    if covered < len(text):
        spans.extend(_syntax_lines(text, covered, len(text)))
    return spans


def _syntax_lines(text: str, start: int, end: int) -> list[Span]:
    """The lines between blocks that are not blank (reference definitions, thematic
    breaks, table delimiter rows): syntax. Blank lines stay layout, which is prose's."""
    return [
        line.span()
        for line in _LINE_RE.finditer(text, start, end)
        if line.start() < end and line[0].strip()
    ]


# -- data formats ------------------------------------------------------------------------------

_JSON_STRING_RE = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_JSON_ESCAPE_RE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|.)")
_JSON_KEY_AFTER_RE = re.compile(r"\s*:")


#: A string value that may hold Markdown or HTML syntax.
_JSON_MARKUP_SIGNAL_RE = re.compile(r"[`<\]$&]")


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
            if escape is None:
                return [(start, end)]  # not valid JSON: nothing in it is prose
            value.append(json.loads(f'"{escape[0]}"'))
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


_YAML_PREFIX_RE = re.compile(r"[ \t]*(?:-[ \t]+)*")
_YAML_KEY_RE = re.compile(
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
    for line in _LINE_RE.finditer(text):
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
        for line in _LINE_RE.finditer(text)
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
