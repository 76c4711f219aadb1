"""The README's Neovim snippet, run in headless Neovim against ``cnfix server``: the
diagnostics arrive and "fix all" writes what ``cnfix repair`` writes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from cnfix import repair_text, scan_text

pytest.importorskip("pygls")
NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(
    NVIM is None, reason="Neovim not installed (Debian: apt-get install -y neovim)"
)

TEXT = "# 会议\n\n会议指出,,要抓实学习教育,。\n\n```\n代码,,不改,。\n```\n"

#: Neovim 0.7 (Debian 12) predates vim.lsp.start (0.8): the same call, built on 0.7's API.
SHIM = """
if vim.lsp.start == nil then
  vim.lsp.start = function(config)
    vim.lsp.buf_attach_client(0, vim.lsp.start_client(config))
  end
end
"""

DRIVE = """
local out = vim.fn.getcwd() .. "/result.json"
vim.cmd("edit doc.md")
local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local found = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(found, { line = d.lnum, col = d.col, code = d.code, message = d.message })
end
local params = vim.lsp.util.make_range_params()
params.context = { diagnostics = {}, only = { "source.fixAll" } }
local replies = vim.lsp.buf_request_sync(0, "textDocument/codeAction", params, 20000) or {}
local titles = {}
for _, reply in pairs(replies) do
  for _, action in ipairs(reply.result or {}) do
    table.insert(titles, action.title)
    vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
  end
end
vim.cmd("write")
local file = io.open(out, "w")
file:write(vim.fn.json_encode({ ok = ok, diagnostics = found, titles = titles }))
file:close()
vim.cmd("qall!")
"""


def _readme_lua() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    editors = text.split("## Editors", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```lua\n(.*?)```", editors, re.S)
    return block


def test_readme_neovim_config_gets_diagnostics_and_fixes_all(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text(TEXT, encoding="utf-8")
    init = tmp_path / "init.lua"
    init.write_text(SHIM + _readme_lua(), encoding="utf-8")
    drive = tmp_path / "drive.lua"
    drive.write_text(DRIVE, encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "cnfix"  # `cnfix` as in the snippet: this checkout's, with this Python
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cnfix "$@"\n')
    shim.chmod(0o755)
    result_path = tmp_path / "result.json"
    assert NVIM is not None
    subprocess.run(
        [NVIM, "--headless", "-n", "-i", "NONE", "-u", str(init), "-c", f"luafile {drive}"],
        cwd=tmp_path,
        env={
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_STATE_HOME": str(tmp_path / "state"),
        },
        capture_output=True,
        timeout=120,
        check=False,
        input=b"",
    )
    result = json.loads(result_path.read_text(encoding="utf-8"))
    assert result["ok"], "no diagnostics within 20 s"
    expected = sorted((f.code, f.message) for f in scan_text(TEXT, kind="markdown"))
    assert sorted((d["code"], d["message"]) for d in result["diagnostics"]) == expected
    assert result["titles"] == ["cnfix: fix all safe problems"]
    assert (tmp_path / "doc.md").read_text(encoding="utf-8") == repair_text(
        TEXT, kind="markdown"
    ).text
