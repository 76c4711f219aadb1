"""cnfix changes prose only: file kinds, the engine's guard, CommonMark nesting, program
text, ``--stdin-filename`` and ``--jsonl --field-kind`` through a real subprocess."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cnfix
from hypothesis import given
from hypothesis import strategies as st

from cnfix import repair_text, scan_text
from cnfix.engine import repair_document
from cnfix.model import KINDS, Document, Edit, Finding, Fix, Rule
from cnfix.text.kinds import KIND_BY_NAME, KIND_BY_SUFFIX, kind_for_name
from cnfix.text.regions import Regions

DAMAGED, REPAIRED = "会议指出,,要抓实学习教育,。", "会议指出，要抓实学习教育。"
CODE = "代码,,不动,。"


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("docs/index.md", "", "markdown"),
        ("page.HTML", "", "markup"),
        ("data.jsonl", "", "json"),
        ("_config.yml", "", "code"),
        ("site/nav.yml", "", "yaml"),
        ("CMakeLists.txt", "", "code"),
        ("files/zh-tw/_redirects.txt", "", "redirects"),
        ("app.py", "", "code"),
        ("Main.java", "", "code"),
        ("main.go", "", "code"),
        ("install.sh", "", "code"),
        ("bin/deploy", "#!/usr/bin/env bash\n", "code"),
        ("notes", "会议", "text"),
        ("notes.txt", "#!/bin/sh\n", "text"),
    ],
)
def test_kind_for_name(name: str, text: str, kind: str) -> None:
    assert kind_for_name(name, text) == kind


def test_every_kind_in_the_table_is_documented() -> None:
    table = set(KIND_BY_SUFFIX.values()) | set(KIND_BY_NAME.values())
    assert table | {"code"} == set(KINDS)


# -- CommonMark: every nesting of code ----------------------------------------------------

NESTED_CODE = {
    "fence": f"```\n{CODE}\n```",
    "tilde-fence": f"~~~python\n{CODE}\n~~~",
    "indented": f"    {CODE}",
    "fence-in-list": f"- 列表项\n  ```\n  {CODE}\n  ```",
    "fence-in-quote": f"> 引用\n> ```\n> {CODE}\n> ```",
    "fence-in-list-in-quote": f"> - 列表项\n>   ```\n>   {CODE}\n>   ```",
    "fence-in-quote-in-list": f"1. 列表项\n\n   > ```\n   > {CODE}\n   > ```",
    "indented-in-list": f"- 列表项\n\n        {CODE}",
    "inline": f"行内 `{CODE}` 代码",
    "inline-double": f"行内 `` {CODE} ` 反引号 `` 代码",
    "inline-triple": f"行内 ```{CODE}``` 代码",
    "inline-across-lines": "行内 `代码,,\n不动,。` 代码",
    "inline-in-list": f"- 行内 `{CODE}` 代码",
    "inline-in-quote": f"> 行内 `{CODE}` 代码",
    "inline-in-table": f"| 列 | 列 |\n|---|---|\n| `{CODE}` | 文字 |",
    "inline-in-heading": f"## 标题 `{CODE}`",
    "html-pre": f"<pre>\n{CODE}\n</pre>",
    "html-code": f"文字<code>{CODE}</code>文字",
}


@pytest.mark.parametrize("block", NESTED_CODE.values(), ids=NESTED_CODE.keys())
def test_code_at_every_nesting_is_left_alone(block: str) -> None:
    text = f"{DAMAGED}\n\n{block}\n\n{DAMAGED}\n"
    repaired = repair_text(text, kind="markdown").text
    assert repaired == f"{REPAIRED}\n\n{block}\n\n{REPAIRED}\n"


def test_fence_markers_in_plain_text_are_prose() -> None:
    """Only Markdown has code: in a .txt file the backticks are just text."""
    assert repair_text(f"```\n{DAMAGED}\n```\n").text == f"```\n{REPAIRED}\n```\n"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("[链接](https://zh.wikipedia.org/wiki/中文_(語言,,一))", "(語言,,一))"),
        ('[链接](/a "标题,,一")', '"标题,,一"'),
        ("[链接][标签,,一]", "[标签,,一]"),
        ("<https://example.com/路径,,一>", "路径,,一>"),
        ("见 https://zh.wikipedia.org/wiki/北京,,中国 之后", "北京,,中国"),
        ("路径 /zh-CN/docs/舊,,路徑 之后", "/zh-CN/docs/舊,,路徑"),
        ('<a href="/a,,b" class="c,,d">', 'href="/a,,b" class="c,,d"'),
        ("<!-- 注释,,一 -->", "注释,,一"),
        ("$a,,b$", "$a,,b$"),
        ("$$x,,y$$", "$$x,,y$$"),
        ('{{ PreviousNext("教學/第一步,,一") }}', "第一步,,一"),
        ("{% include 部件,,一 %}", "部件,,一"),
        ("{{< figure title=标题,,一 >}}", "标题,,一"),
        ("{# 注释,,一 #}", "注释,,一"),
        ("&nbsp;", "&nbsp;"),
    ],
)
def test_markdown_syntax_is_left_alone(text: str, kept: str) -> None:
    repaired = repair_text(f"{DAMAGED}{text}{DAMAGED}\n", kind="markdown").text
    assert kept in repaired
    assert repaired.startswith(REPAIRED) and repaired.endswith(f"{REPAIRED}\n")


def test_cnfix_pragmas_in_html_comments_still_work() -> None:
    text = f"{DAMAGED}<!-- cnfix: ignore -->\n\n{DAMAGED}\n"
    assert (
        repair_text(text, kind="markdown").text
        == f"{DAMAGED}<!-- cnfix: ignore -->\n\n{REPAIRED}\n"
    )


def test_html_text_nodes_and_readable_attributes_are_prose() -> None:
    text = f'<p class="{CODE}" title="{DAMAGED}">{DAMAGED}<script>"{CODE}"</script></p>'
    expected = f'<p class="{CODE}" title="{REPAIRED}">{REPAIRED}<script>"{CODE}"</script></p>'
    assert repair_text(text, kind="markup").text == expected


# -- program text ---------------------------------------------------------------------------

PROGRAM = (
    'GREETING = "你好,世界"\nSTATUS = "状态:成功".split(":")\n'
    'print("会议指出,,要抓实学习教育,。")\n'
)


def test_program_text_is_never_edited() -> None:
    result = repair_text(PROGRAM, kind="code", unsafe_fixes=True)
    assert result.text == PROGRAM
    assert not result.applied
    assert scan_text(PROGRAM, kind="code") == []


def test_mojibake_in_program_text_is_reported_without_a_fix() -> None:
    garbled = "保存成功".encode().decode("gb18030")
    findings = scan_text(f'MESSAGE = "{garbled}"\n', kind="code")
    assert [finding.rule for finding in findings] == ["mojibake"]
    assert findings[0].fix is None


def test_program_text_in_gbk_is_written_as_utf8_unchanged(tmp_path: Path) -> None:
    source = tmp_path / "legacy.py"
    source.write_bytes(PROGRAM.encode("gbk") * 3)
    result = run_cnfix("repair", "--in-place", str(source), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert source.read_bytes() == PROGRAM.encode("utf-8") * 3


# -- the engine's guard ---------------------------------------------------------------------


def _rewriting_everything(doc: Document) -> Iterator[Finding]:
    """A careless rule: replaces every ASCII comma, wherever it is."""
    for index, char in enumerate(doc.text):
        if char == ",":
            fix = Fix((Edit(index, index + 1, "，"),), "full width")
            yield Finding("careless", "X001", index, index + 1, "comma", fix)


CARELESS = Rule("X001", "careless", "careless", "safe", _rewriting_everything)


def test_a_fix_outside_prose_is_dropped_and_counted() -> None:
    text = "文字,文字 `代码,代码` [链接](/a,b) 文字,文字\n"
    result = repair_document(Document(text, kind="markdown"), (CARELESS,))
    assert result.text == "文字，文字 `代码,代码` [链接](/a,b) 文字，文字\n"
    assert result.outside_prose["careless"] == 2


def test_an_edit_around_a_protected_span_that_keeps_it_is_allowed() -> None:
    regions = Regions([(4, 8)])
    text = "abc xyzw def"
    assert regions.keeps(text, 0, 12, "ABC xyzw DEF")
    assert not regions.keeps(text, 0, 12, "ABC xyZw DEF")
    assert not regions.keeps(text, 5, 6, "Y")
    assert regions.keeps(text, 4, 4, "-")  # an insertion at a span's edge
    assert not regions.keeps(text, 5, 5, "-")


# -- telling cnfix what the input is ----------------------------------------------------------

MARKDOWN = f"{DAMAGED}\n\n```\n{CODE}\n```\n"


def test_stdin_filename_picks_the_format_and_the_name(tmp_path: Path) -> None:
    as_text = run_cnfix("repair", "-", cwd=tmp_path, input=MARKDOWN.encode())
    assert CODE not in as_text.stdout.decode()
    as_markdown = run_cnfix(
        "repair", "-", "--stdin-filename", "docs/guide.md", cwd=tmp_path, input=MARKDOWN.encode()
    )
    assert as_markdown.stdout.decode() == f"{REPAIRED}\n\n```\n{CODE}\n```\n"
    scanned = run_cnfix(
        "scan", "-", "--stdin-filename", "docs/guide.md", cwd=tmp_path, input=MARKDOWN.encode()
    )
    assert scanned.returncode == 1
    assert scanned.stdout.decode().startswith("docs/guide.md:1:")
    program = run_cnfix(
        "repair", "-", "--stdin-filename", "app.py", cwd=tmp_path, input=PROGRAM.encode()
    )
    assert program.stdout.decode() == PROGRAM


def test_jsonl_field_kind_through_a_subprocess(tmp_path: Path) -> None:
    case = FIXTURES / "prose" / "jsonl" / "records.in.jsonl"
    expected = (FIXTURES / "prose" / "jsonl" / "records.out.jsonl").read_bytes()
    result = run_cnfix(
        "repair",
        "--jsonl",
        "--field",
        "text",
        "--field-kind",
        "markdown",
        "-o",
        "-",
        str(case),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected
    assert 'print(\\"代码,,不动,。\\")' in result.stdout.decode()  # the fence in the field
    plain = run_cnfix("repair", "--jsonl", "--field", "text", "-o", "-", str(case), cwd=tmp_path)
    assert plain.stdout != expected  # as plain text the code in the field is changed


def test_the_readme_says_what_is_prose_for_every_kind() -> None:
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What is prose", 1)[1].split("\n## ", 1)[0]
    assert {kind for kind in KINDS if f"| `{kind}` |" in section} == set(KINDS)
    for suffix in KIND_BY_SUFFIX:
        assert suffix in section, suffix


def test_stdin_filename_picks_the_configuration_of_its_folder(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.cnfix]\nignore = ["stray-comma", "halfwidth-punctuation"]\n', encoding="utf-8"
    )
    args = ("scan", "-", "--stdin-filename")
    found = run_cnfix(*args, "notes.md", cwd=tmp_path, input=MARKDOWN.encode())
    assert found.returncode == 1
    configured = run_cnfix(*args, "project/notes.md", cwd=tmp_path, input=MARKDOWN.encode())
    assert configured.returncode == 0, configured.stdout


def test_a_streamed_markdown_file_is_never_cut_inside_a_code_fence(tmp_path: Path) -> None:
    from cnfix.io.chunks import _open_fence_start, iter_chunks

    block = (
        f"{DAMAGED}\n\n```python\nx = 1\n\n{CODE}\n\ny = 2\n```\n\n"
        "- 列表\n  ~~~\n  a\n\n  b\n  ~~~\n\n"
    )
    text = block * 300
    path = tmp_path / "big.md"
    path.write_text(text, encoding="utf-8")
    chunks = [chunk.text for chunk in iter_chunks(path, chunk_bytes=1000)]
    assert len(chunks) > 10
    assert "".join(chunks) == text
    for chunk in chunks:
        assert _open_fence_start(chunk, len(chunk)) is None
        assert repair_text(chunk, kind="markdown").text == chunk.replace(DAMAGED, REPAIRED)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind 'html'"):
        repair_text(DAMAGED, kind="html")


@given(
    st.lists(
        st.sampled_from(
            [
                "```",
                "~~~~",
                "```py",
                "> ```",
                "- ~~~",
                "1. ```",
                "` ``` `",
                "text",
                "",
                "   ```",
                "``` `x`",
            ]
        ),
        max_size=30,
    ),
    st.data(),
)
def test_fence_lines_found_from_their_markers_are_those_the_pattern_finds(lines, data) -> None:
    from cnfix.io.chunks import _FENCE_LINE_RE, _fence_lines

    text = "\n".join(lines)
    end = data.draw(st.integers(0, len(text)))
    found = [match.span() for match in _fence_lines(text, end)]
    assert found == [match.span() for match in _FENCE_LINE_RE.finditer(text, 0, end)]
