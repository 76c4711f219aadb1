"""The README stays true: its rule table is the registry, its commands run, its Python
examples pass, and its pre-commit snippet names real hooks.

Convention for commands: in a ```console block, every line that starts with ``$ `` is a
command (one line each, no continuation lines; a ``# comment`` after it is fine). Each is
run by bash in a fresh temporary folder holding a writable copy of ``seeds/`` and of
the README, with ``cnfix`` meaning the cnfix of the Python running the tests. It must
exit 0 or 1 (as documented: clean or findings) and never with 2 or a traceback. Blocks
marked ```sh (installation, the test command) are shown, not run here. ```pycon blocks
are doctests.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SEEDS

from cnfix.report.formats import rules_markdown
from cnfix.rules import RULES

README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")
FENCE_RE = re.compile(r"^( *)```(\w+)[^\n]*\n(.*?)^\1```", re.M | re.S)
SECTIONS = [
    "Rules",
    "Pre-commit",
    "Ignoring findings",
    "Output formats and exit codes",
    "Python API",
    "Editors",
    "Pipelines",
    "Review report",
    "How to add a rule",
]


def _blocks(language: str) -> list[str]:
    return [
        re.sub(f"^{match.group(1)}", "", match.group(3), flags=re.M)
        for match in FENCE_RE.finditer(TEXT)
        if match.group(2) == language
    ]


def _commands() -> list[str]:
    return [
        line[2:].strip()
        for block in _blocks("console")
        for line in block.splitlines()
        if line.startswith("$ ")
    ]


def test_sections_are_there() -> None:
    headings = re.findall(r"^## (.+)$", TEXT, re.M)
    for section in SECTIONS:
        assert section in headings, section


def test_rule_table_is_generated_from_the_registry() -> None:
    match = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", TEXT, re.S)
    assert match, "README has no <!-- rules:start --> / <!-- rules:end --> markers"
    assert match.group(1) == rules_markdown(RULES), (
        "the README rule table is stale: run python scripts/gen_readme_rules.py"
    )
    for rule in RULES:
        assert f"| {rule.code} | `{rule.name}` |" in match.group(1)


def test_every_hook_id_is_in_the_readme() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ids = {hook["id"] for hook in hooks}
    for hook_id in ids:
        assert f"`{hook_id}`" in TEXT, hook_id
    snippets = [yaml.safe_load(block) for block in _blocks("yaml") if "repos:" in block]
    assert snippets, "no pre-commit snippet in the README"
    for snippet in snippets:
        for repo in snippet["repos"]:
            assert {hook["id"] for hook in repo["hooks"]} <= ids


def test_python_examples_pass_as_doctests() -> None:
    blocks = _blocks("pycon")
    assert blocks, "no ```pycon example in the README"
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for number, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README pycon block {number}", str(README), 0)
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} README doctest(s) failed (see output)"


def test_readme_shows_commands() -> None:
    commands = _commands()
    assert any(command.startswith("cnfix scan") for command in commands)
    assert any(command.startswith("cnfix repair") for command in commands)


@pytest.fixture(scope="module")
def shim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose ``cnfix`` runs ``python -m cnfix`` with the tests' Python."""
    folder = tmp_path_factory.mktemp("bin")
    script = folder / "cnfix"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cnfix "$@"\n')
    script.chmod(0o755)
    return folder


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("command", _commands())
def test_readme_command_runs(command: str, tmp_path: Path, shim: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    for path in (tmp_path / "seeds").iterdir():
        path.chmod(0o644)
    shutil.copy(README, tmp_path / "README.md")
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("NO_COLOR", None)
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), f"exit {result.returncode}: {result.stderr}"
