"""The only importer of markdown-it-py: which lines of a Markdown document are which block.

A real CommonMark parser, because regular expressions miss code nested in list items
and block quotes, and indented code that is really a list item's continuation. Only the
block structure is taken from the parser (its tokens carry line maps, not character
offsets); ``cnfix.text.prose`` finds the inline syntax within the lines of each block.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from markdown_it import MarkdownIt

#: Token types whose lines hold inline text (paragraphs, headings, table cells).
_INLINE = "inline"
#: Token types whose lines are code: never prose.
_CODE = frozenset({"fence", "code_block"})
_HTML = "html_block"


class Block(NamedTuple):
    """Lines ``[first, end)`` of the source (0-based) and what they hold: ``inline``
    (text with inline syntax), ``code`` or ``html``."""

    kind: str
    first: int
    end: int


@functools.cache
def _parser() -> MarkdownIt:
    # CommonMark plus GFM tables: a table row's cells are inline text, its delimiter
    # row is syntax (CommonMark alone would call the whole table a paragraph). Inline
    # parsing is off: only the block structure is used, and it was half the time.
    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


def blocks(text: str) -> list[Block]:
    """The leaf blocks of ``text`` that hold inline text, code or HTML, in source order.

    Lines in no block are syntax or blank: thematic breaks, table delimiter rows,
    link reference definitions (the parser consumes those without a token).
    Lines are counted as markdown-it counts them: ``\\r\\n``, ``\\r`` and ``\\n`` each end one.
    """
    found: list[Block] = []
    for token in _parser().parse(text):
        if token.map is None:
            continue
        if token.type == _INLINE:
            kind = "inline"
        elif token.type in _CODE:
            kind = "code"
        elif token.type == _HTML:
            kind = "html"
        else:
            continue
        first, end = token.map
        if found and found[-1] == (kind, first, end):  # the cells of one table row
            continue
        found.append(Block(kind, first, end))
    return found
