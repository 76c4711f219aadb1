"""The language server through a real client over stdio: open, change (debounced),
hover, code actions applied as the editor would, fix all, close; the findings are
those of ``cnfix scan`` with the file's configuration."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from conftest import run_cnfix
from lsp_client import LspClient

from cnfix import repair_text
from cnfix.rules import RULES

pytest.importorskip("pygls")

DOCUMENT = (
    "# 会议纪要\n"
    "\n"
    "会议指出,,要抓实学习教育,。\n"
    "\n"
    "```text\n"
    "代码里的逗号,,不改,。\n"
    "```\n"
    "\n"
    "𠀀他说 “你好”,,大家都笑了。\n"
    "\n"
    "\n"
    "\n"
    "最后一段。\n"
)


def _lines(text: str) -> list[str]:
    return re.split(r"(?<=\r\n)|(?<=\n)|(?<=\r)(?!\n)", text)


def _offset(text: str, position: dict) -> int:
    """A UTF-16 LSP position as a character offset (independent of the server's code)."""
    lines = _lines(text)
    start = sum(len(line) for line in lines[: position["line"]])
    line = lines[position["line"]] if position["line"] < len(lines) else ""
    units = 0
    for index, char in enumerate(line):
        if units >= position["character"]:
            return start + index
        units += 2 if ord(char) > 0xFFFF else 1
    return start + len(line)


def apply_edits(text: str, edits: list[dict]) -> str:
    """Apply LSP text edits as an editor does (all against the same original)."""
    spans = sorted(
        ((_offset(text, e["range"]["start"]), _offset(text, e["range"]["end"]), e["newText"]))
        for e in edits
    )
    for start, end, new in reversed(spans):
        text = text[:start] + new + text[end:]
    return text


def _edits_of(action: dict, uri: str) -> list[dict]:
    edit = action["edit"]
    if "documentChanges" in edit:
        (change,) = edit["documentChanges"]
        assert change["textDocument"]["uri"] == uri
        return change["edits"]
    return edit["changes"][uri]


@pytest.fixture
def client(tmp_path: Path):
    lsp = LspClient([sys.executable, "-m", "cnfix", "server"], cwd=str(tmp_path))
    result = lsp.request(
        "initialize",
        {
            "processId": None,
            "rootUri": tmp_path.as_uri(),
            "capabilities": {
                "workspace": {"workspaceEdit": {"documentChanges": True}},
                "general": {"positionEncodings": ["utf-16"]},
            },
        },
    )
    lsp.capabilities = result["capabilities"]
    lsp.notify("initialized", {})
    yield lsp
    assert lsp.close() == 0


def _open(client: LspClient, path: Path, text: str, language: str = "markdown") -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}},
    )
    return uri


def _change(client: LspClient, uri: str, version: int, text: str) -> None:
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
    )


def test_capabilities(client: LspClient) -> None:
    capabilities = client.capabilities
    assert capabilities["textDocumentSync"]["change"] == 1  # full text on each change
    assert capabilities["hoverProvider"]
    kinds = capabilities["codeActionProvider"]["codeActionKinds"]
    assert kinds == ["quickfix", "source.fixAll.cnfix"]
    assert capabilities.get("positionEncoding", "utf-16") == "utf-16"


def test_diagnostics_are_the_findings_of_scan(client: LspClient, tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    uri = _open(client, path, DOCUMENT)
    published = client.wait_for("textDocument/publishDiagnostics", uri)
    assert published["version"] == 1
    scanned = json.loads(run_cnfix("scan", "--format", "json", "doc.md", cwd=tmp_path).stdout)
    expected = [
        (r["line"] - 1, r["column"] - 1, r["end_line"] - 1, r["code"], r["message"])
        for r in scanned
    ]
    got = []
    for diagnostic in published["diagnostics"]:
        start, end = diagnostic["range"]["start"], diagnostic["range"]["end"]
        # scan counts columns in characters, LSP in UTF-16 units: line 8 starts with 𠀀
        shift = 1 if start["line"] == 8 else 0
        got.append(
            (
                start["line"],
                start["character"] - shift,
                end["line"],
                diagnostic["code"],
                diagnostic["message"],
            )
        )
        assert diagnostic["source"] == "cnfix"
    assert sorted(got) == sorted(expected)
    assert {code for *_, code, _ in got} >= {"P001", "L001", "L002"}
    assert all(line != 5 for line, *_ in got), "nothing inside the code block"


def test_configuration_of_the_file_applies(client: LspClient, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cnfix]\nignore = ["stray-comma"]\n')
    uri = _open(client, tmp_path / "doc.md", DOCUMENT)
    codes = {
        d["code"] for d in client.wait_for("textDocument/publishDiagnostics", uri)["diagnostics"]
    }
    assert "P001" not in codes and "L001" in codes


def test_changes_are_debounced_and_the_last_version_wins(client: LspClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "doc.md", "好的。\n")
    assert client.wait_for("textDocument/publishDiagnostics", uri)["diagnostics"] == []
    for version in range(2, 7):  # typing fast: five changes, one scan
        _change(client, uri, version, "好的,," * version + "。\n")
    published = client.wait_for("textDocument/publishDiagnostics", uri)
    assert published["version"] == 6
    assert published["diagnostics"]
    client.drain(0.8)
    assert not [n for n in client.notifications if n["method"] == "textDocument/publishDiagnostics"]


def test_quick_fixes_apply_and_unsafe_ones_are_marked(client: LspClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "doc.md", DOCUMENT)
    diagnostics = client.wait_for("textDocument/publishDiagnostics", uri)["diagnostics"]
    stray = next(d for d in diagnostics if d["code"] == "P001")
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": stray["range"],
            "context": {"diagnostics": [stray], "only": ["quickfix"]},
        },
    )
    # The first comma of ",," is stray (P001) and half-width (P002): an action for each.
    assert {a["diagnostics"][0]["code"] for a in actions} == {"P001", "P002"}
    (fix,) = [a for a in actions if a["diagnostics"][0]["code"] == "P001"]
    assert fix["kind"] == "quickfix" and fix["isPreferred"] and "[unsafe]" not in fix["title"]
    assert fix["edit"]["documentChanges"][0]["textDocument"]["version"] == 1
    fixed = apply_edits(DOCUMENT, _edits_of(fix, uri))
    assert fixed.splitlines()[2] == "会议指出,要抓实学习教育,。"
    assert fixed.splitlines()[5] == DOCUMENT.splitlines()[5]
    _change(client, uri, 2, fixed)
    after = client.wait_for("textDocument/publishDiagnostics", uri)
    assert after["version"] == 2 and len(after["diagnostics"]) < len(diagnostics)

    blank = next(d for d in diagnostics if d["code"] == "L001")
    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": blank["range"], "context": {"diagnostics": []}},
    )
    unsafe = [a for a in actions if a["kind"] == "quickfix" and "L001" in a["title"]]
    assert unsafe and unsafe[0]["title"].endswith("[unsafe]") and not unsafe[0]["isPreferred"]


def test_fix_all_gives_what_repair_gives(client: LspClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "doc.md", DOCUMENT)
    client.wait_for("textDocument/publishDiagnostics", uri)
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": whole,
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        },
    )
    (fix_all,) = actions
    assert fix_all["kind"] == "source.fixAll.cnfix"
    fixed = apply_edits(DOCUMENT, _edits_of(fix_all, uri))
    repaired = run_cnfix("repair", "-", cwd=tmp_path, input=DOCUMENT.encode()).stdout.decode()
    assert repaired == repair_text(DOCUMENT, kind="text").text  # stdin is plain text
    assert fixed == repair_text(DOCUMENT, kind="markdown").text
    assert "代码里的逗号,,不改,。" in fixed and "会议指出，要抓实学习教育。" in fixed
    _change(client, uri, 2, fixed)
    left = client.wait_for("textDocument/publishDiagnostics", uri)["diagnostics"]
    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": left}},
    )
    assert all(a["kind"] != "source.fixAll.cnfix" for a in actions or [])


def test_hover_shows_the_rule_documentation(client: LspClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "doc.md", DOCUMENT)
    client.wait_for("textDocument/publishDiagnostics", uri)
    hover = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 5}},
    )
    rule = next(rule for rule in RULES if rule.code == "P001")
    assert hover["contents"]["kind"] == "markdown"
    assert "P001 stray-comma" in hover["contents"]["value"]
    assert rule.doc.splitlines()[0] in hover["contents"]["value"]
    nothing = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}},
    )
    assert nothing is None


def test_close_clears_the_diagnostics(client: LspClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "doc.md", DOCUMENT)
    assert client.wait_for("textDocument/publishDiagnostics", uri)["diagnostics"]
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.wait_for("textDocument/publishDiagnostics", uri)["diagnostics"] == []


def test_html_is_scanned_as_markup(client: LspClient, tmp_path: Path) -> None:
    text = "<p>会议指出,,要抓实。</p>\n<pre>代码,,不改。</pre>\n"
    uri = _open(client, tmp_path / "page.html", text, language="html")
    diagnostics = client.wait_for("textDocument/publishDiagnostics", uri)["diagnostics"]
    assert diagnostics and {d["range"]["start"]["line"] for d in diagnostics} == {0}


@pytest.mark.parametrize(("encoding", "column"), [("utf-8", 4 + 3 + 3), ("utf-32", 3)])
def test_columns_in_the_encoding_the_client_chose(
    tmp_path: Path, encoding: str, column: int
) -> None:
    """The stray comma after 𠀀他说: 𠀀 (beyond the BMP) is 4 UTF-8 bytes and 1 UTF-32
    unit (2 UTF-16 units: the other tests), 他 and 说 3 bytes each."""
    client = LspClient([sys.executable, "-m", "cnfix", "server"], cwd=str(tmp_path))
    try:
        result = client.request(
            "initialize",
            {
                "processId": None,
                "rootUri": tmp_path.as_uri(),
                "capabilities": {"general": {"positionEncodings": [encoding]}},
            },
        )
        assert result["capabilities"]["positionEncoding"] == encoding
        client.notify("initialized", {})
        uri = _open(client, tmp_path / "doc.md", "𠀀他说,,好。\n")
        diagnostics = client.wait_for("textDocument/publishDiagnostics", uri)["diagnostics"]
        assert {d["range"]["start"]["character"] for d in diagnostics} == {column}
    finally:
        assert client.close() == 0


def test_kind_comes_from_the_file_name_else_the_language(client: LspClient, tmp_path: Path) -> None:
    """As ``cnfix scan`` judges a file by its name: program text is never touched."""
    damaged = "# 会议指出,,要抓实。\n"
    script = _open(client, tmp_path / "tool.py", damaged, language="python")
    assert client.wait_for("textDocument/publishDiagnostics", script)["diagnostics"] == []
    for language, found in (("markdown", True), ("python", False)):
        uri = f"untitled:Untitled-{language}"
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": damaged}},
        )
        published = client.wait_for("textDocument/publishDiagnostics", uri)
        assert bool(published["diagnostics"]) is found
