"""The README stays true: its rule table is the registry, its commands run, its Python
examples pass, and its pre-commit snippet names real hooks.

Convention for commands: in a ```console block, every line that starts with ``$ `` is a
command (one line each, no continuation lines; a ``# comment`` after it is fine). Each is
run by bash in a fresh temporary folder holding a writable copy of ``seeds/`` and of
the README, with ``cnfix`` meaning the cnfix of the Python running the tests. It must
exit 0 or 1 (as documented: clean or findings) and never with 2 or a traceback. The
pre-commit snippet runs under the real pre-commit; the Install section's commands and
the GitHub Actions snippet's ``run`` steps run in a copy of the checkout and a fresh
virtual environment (slow: packages come from the registry). The first ```sh block (set-up
and the whole test suite) is shown, not run here. ```pycon blocks are doctests; the
damage table's examples are checked against what a wrong decoder makes and what cnfix
repairs.
"""

from __future__ import annotations

import doctest
import json
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


def test_what_it_fixes_is_what_repair_does() -> None:
    """The before/after lines under "What it fixes" are the first seed line and its repair."""
    from cnfix import repair_text

    block = _blocks("text")[0]
    before, after = (re.sub(r"\s*<!--.*?-->", "", line) for line in block.splitlines())
    seed = (SEEDS / "001_5452bfde5ac18994.txt").read_text(encoding="utf-8")
    assert seed.splitlines()[0].startswith(before)
    assert repair_text(seed).text.splitlines()[0].startswith(after)


def test_mojibake_examples_are_real_and_repaired() -> None:
    """Each mojibake example of the damage table is what a wrong decoder makes of 你好
    (UTF-8 read as Latin-1 has U+00A0, not a space) and repairs to it."""
    from cnfix import repair_text

    row = next(line for line in TEXT.splitlines() if line.startswith("| mojibake |"))
    examples = re.findall(r"`([^`]+)`", row.split("|")[2])
    made = [
        "你好".encode().decode("gbk"),
        "你好".encode("gbk").decode("latin-1"),
        "你好".encode().decode("latin-1"),
    ]
    assert examples == made
    for example in examples:
        assert repair_text(example).text == "你好", example


def _precommit_config() -> dict:
    """The README's pre-commit snippet with its commented alternative hook as a second hook."""
    block = next(block for block in _blocks("yaml") if "repos:" in block)
    uncommented = re.sub(r"^(\s*)# ", r"\1", block, flags=re.M)
    uncommented = re.sub(r"\s+# .*$", "", uncommented, flags=re.M)
    return yaml.safe_load(uncommented)


def test_precommit_snippet_hooks_are_the_published_hooks() -> None:
    published = {
        hook["id"]: hook
        for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    hooks = _precommit_config()["repos"][0]["hooks"]
    assert [hook["id"] for hook in hooks] == ["cnfix", "cnfix-check"]
    for hook in hooks:
        assert hook["entry"] == published[hook["id"]]["entry"]
        assert hook["types"] == published[hook["id"]]["types"]
        assert hook.get("types_or") == published[hook["id"]].get("types_or")
    assert "OWNER" not in TEXT and "pip install cnfix" not in TEXT


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_precommit_snippet_runs_as_printed(tmp_path: Path, shim: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit comes with the test extras")
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ.get('PATH', '')}"}
    env |= {"PRE_COMMIT_HOME": str(tmp_path / "home"), "PRE_COMMIT_COLOR": "never"}
    env.pop("PRE_COMMIT", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=tmp_path / "project", env=env, capture_output=True, text=True, check=False
        )

    (tmp_path / "project").mkdir()
    block = next(block for block in _blocks("yaml") if "repos:" in block)
    (tmp_path / "project" / ".pre-commit-config.yaml").write_text(block, encoding="utf-8")
    (tmp_path / "project" / "notes.txt").write_text(
        "会议指出,,要抓实学习教育,。\n\n\n\n他说锟斤拷是乱码。\n", encoding="utf-8"
    )
    run("git", "init", "-q")
    run("git", "add", "-A")
    first = run(sys.executable, "-m", "pre_commit", "run")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "notes.txt:3:3: E003 lost-bytes" in first.stdout
    assert "(not fixed: report-only)" in first.stdout
    assert "1 file repaired" in first.stdout
    assert (
        (tmp_path / "project" / "notes.txt")
        .read_text(encoding="utf-8")
        .startswith("会议指出，要抓实学习教育。\n\n他说")
    )


def _checkout_copy(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_install_and_ci_commands_run_as_printed(tmp_path: Path) -> None:
    """In a copy of the checkout and a fresh virtual environment (packages from the
    registry): the install commands of the Install section, then the ``run`` steps of
    the GitHub Actions snippet, each exiting 0."""
    checkout = tmp_path / "checkout"
    _checkout_copy(checkout)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    install = next(block for block in _blocks("sh") if "pip wheel" in block)
    steps = [line.split("#")[0].strip() for line in install.splitlines()]
    ci = next(block for block in _blocks("yaml") if "steps:" in block)
    for step in yaml.safe_load(ci)["steps"]:
        if "run" in step:
            steps.append(step["run"])
        else:
            assert step["uses"].split("@")[0] in {
                "actions/checkout",
                "actions/setup-python",
                "github/codeql-action/upload-sarif",
            }
    for command in filter(None, steps):
        done = subprocess.run(
            ["bash", "-c", command], cwd=checkout, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    assert json.loads((checkout / "cnfix.sarif").read_text(encoding="utf-8"))["runs"]
