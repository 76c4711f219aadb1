"""The optional extras stay optional: the library and the CLI import none of them."""

from __future__ import annotations

import subprocess
import sys

OPTIONAL = ("pygls", "lsprotocol", "datatrove", "data_juicer", "datasets", "pyarrow")


def test_core_and_cli_import_no_optional_library() -> None:
    probe = (
        "import sys, cnfix, cnfix.cli, cnfix.integrations, cnfix.lsp\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({OPTIONAL!r})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"


def test_server_without_pygls_says_which_extra_to_install() -> None:
    probe = (
        "import sys\n"
        "sys.modules['pygls'] = None  # as if not installed\n"
        "from cnfix.cli import main\n"
        "sys.argv = ['cnfix', 'server']\n"
        "main()\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 1
    assert "pip install 'cnfix[lsp]'" in run.stderr
