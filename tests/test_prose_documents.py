"""Real documents: damage in prose is repaired, and nothing outside prose ever changes.

tests/data/prose_documents/ holds clean files from public repositories (docs
translations with front matter, Nunjucks tags, HTML and Vue components; Django
templates; programs in Python, Java, C, JavaScript and Go with Chinese comments and
strings), picked by scripts/gen_prose_documents.py (manifest.json: repository, commit,
path, licence). Each is damaged the way the seeds are (``，`` → ``,,``, ``。`` → ``,。``)
at random places, both in prose and outside it. The repair must give back exactly the
document with only the damage outside prose left; and, judged by markdown-it's own full
parse rather than by cnfix's regions, every code span, code block, link target and
image target of a Markdown document must come out as it went in.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import DATA
from markdown_it import MarkdownIt

from cnfix import repair_text
from cnfix.text.chars import is_han
from cnfix.text.kinds import kind_for_name
from cnfix.text.prose import protected_spans
from cnfix.text.regions import Regions

DOCUMENTS = DATA / "prose_documents"
MANIFEST = json.loads((DOCUMENTS / "manifest.json").read_text(encoding="utf-8"))
DAMAGE = {"，": ",,", "。": ",。"}
SEEDS = range(3)


def _original_name(entry: dict[str, str]) -> str:
    return entry["path"]


def _damaged(text: str, kind: str, rng: random.Random) -> tuple[str, str]:
    """``text`` damaged at up to 12 places in prose and 12 outside it, and the text
    with only the damage outside prose (what a repair must give back). Only marks
    between two Han characters are damaged: the rules' own limits are not tested here."""
    protected = Regions(protected_spans(text, kind))
    marks = [
        index
        for index, char in enumerate(text[1:-1], 1)
        if char in DAMAGE and is_han(text[index - 1]) and is_han(text[index + 1])
    ]
    inside = [index for index in marks if protected.covers(index)]
    outside = [index for index in marks if not protected.covers(index)]
    chosen_in = set(rng.sample(inside, min(12, len(inside))))
    chosen_out = set(rng.sample(outside, min(12, len(outside))))

    def damage(indexes: set[int]) -> str:
        return "".join(DAMAGE[char] if i in indexes else char for i, char in enumerate(text))

    return damage(chosen_in | chosen_out), damage(chosen_in)


INJECTED = "会议指出,,要抓实学习教育,。"


def _with_damaged_code(text: str) -> str:
    """``text`` with damage put inside every fenced or indented code block, code span
    and link destination, found by markdown-it's own parse (not by cnfix's regions)."""
    lines = text.splitlines(keepends=True)
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    for token in reversed(tokens):  # from the end: line numbers stay right
        if token.type in ("fence", "code_block") and token.map and token.content.strip():
            first = token.map[0] + (token.type == "fence")
            content_line = token.content.split("\n", 1)[0]
            line = lines[first].rstrip("\r\n")
            prefix = line[: len(line) - len(content_line)] if line.endswith(content_line) else ""
            lines.insert(first, f"{prefix}{INJECTED}\n")
    damaged = "".join(lines)
    for token in tokens:
        for child in token.children or ():
            if child.type == "code_inline" and f"`{child.content}`" in damaged:
                literal = f"`{child.content}`"
                damaged = damaged.replace(literal, f"`{child.content}{INJECTED}`", 1)
            elif child.type == "link_open" and f"]({child.attrGet('href')})" in damaged:
                href = str(child.attrGet("href"))
                damaged = damaged.replace(f"]({href})", f"]({href}/{INJECTED})", 1)
    return damaged


def _markdown_literals(text: str) -> list[tuple[str, str]]:
    """Code and link targets as markdown-it's full parse sees them."""
    found = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type in ("fence", "code_block"):
            found.append((token.type, token.content))
        for child in token.children or ():
            if child.type == "code_inline":
                found.append((child.type, child.content))
            for name in ("href", "src", "title"):
                if child.type in ("link_open", "image") and child.attrGet(name) is not None:
                    found.append((name, str(child.attrGet(name))))
    return found


def test_the_set_covers_docs_and_programs() -> None:
    kinds = {kind_for_name(entry["path"]) for entry in MANIFEST}
    assert {"markdown", "markup", "code"} <= kinds
    suffixes = {Path(entry["path"]).suffix for entry in MANIFEST}
    assert {".md", ".html", ".py", ".java", ".js", ".go", ".h"} <= suffixes
    assert len({entry["repository"] for entry in MANIFEST}) >= 6


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda entry: entry["file"])
def test_damage_in_prose_is_repaired_and_nothing_else_changes(entry: dict[str, str]) -> None:
    text = (DOCUMENTS / entry["file"]).read_bytes().decode("utf-8")
    kind = kind_for_name(entry["path"], text)
    assert repair_text(text, kind=kind).text == text, "the stored document is not clean"
    for seed in SEEDS:
        damaged, expected = _damaged(text, kind, random.Random(f"{entry['file']}:{seed}"))
        repaired = repair_text(damaged, kind=kind).text
        if kind == "code":
            assert repaired == damaged, "program text was changed"
            continue
        assert repaired == expected
    if kind == "markdown":  # judged by markdown-it alone
        damaged = _with_damaged_code(text)
        assert INJECTED in damaged
        repaired = repair_text(damaged, kind=kind).text
        assert repaired.count(INJECTED) == damaged.count(INJECTED)
        assert _markdown_literals(repaired) == _markdown_literals(damaged)


@pytest.mark.parametrize(
    "path",
    [DOCUMENTS / e["file"] for e in MANIFEST if e["path"].endswith(".md")]
    + sorted((DATA.parent.parent / "fixtures" / "prose" / "markdown").glob("*.md")),
    ids=lambda path: path.name,
)
def test_spans_found_without_the_parser_are_the_parsers_too(path: Path) -> None:
    """The scan that lets a clean text skip the parser only finds what the parser finds:
    whether the parser ran does not change what is prose."""
    text = path.read_bytes().decode("utf-8")
    whole = Regions(protected_spans(text, "markdown"))
    for start, end in Regions(protected_spans(text, "markdown", sure_only=True)).spans():
        assert whole.contains(start, end), text[start:end]
