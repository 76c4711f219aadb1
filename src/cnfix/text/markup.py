"""What is not prose in HTML and XML: tags (less their readable attributes), comments,
CDATA, declarations, entities, and the elements whose content is code or verbatim text.

Pure and linear: one forward scan from each ``<``. Used for HTML/XML files and for the
HTML inside Markdown (``cnfix.text.markdown``).
"""

from __future__ import annotations

import re

from cnfix.text.chars import lazy_compile

Span = tuple[int, int]

_ATTRIBUTE = r"""\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
OPEN_TAG_RE = lazy_compile(rf"<([A-Za-z][A-Za-z0-9-]*)((?:{_ATTRIBUTE})*)\s*/?>")
CLOSE_TAG_RE = lazy_compile(r"</[A-Za-z][A-Za-z0-9-]*\s*>")
_ATTRIBUTE_RE = lazy_compile(
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
ENTITY_RE = lazy_compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


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


def markup_at(
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
        found = markup_at(text, index, end)
        if found is None:
            position = index + 1
            continue
        spans.extend(found[0])
        position = found[1]
    if "&" in text[start:end]:
        spans.extend(match.span() for match in ENTITY_RE.finditer(text, start, end))
    return spans
