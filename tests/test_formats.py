"""Output formats and exit codes: text, json, github, sarif; --statistics, --exit-zero,
--exit-non-zero-on-fix, --quiet/--verbose, the rule table, and ``repair -i``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result
from conftest import DATA, SEEDS

from cnfix.cli import cli, repair_command
from cnfix.model import Edit, Finding, Fix
from cnfix.report import formats, progress
from cnfix.rules import RULES

SCHEMA = DATA / "sarif" / "sarif-schema-2.1.0.json"
DAMAGED = "会议指出,,要抓实学习教育,。\n"
CLEAN = "会议指出，要抓实学习教育。\n"
FORMATS = ("text", "json", "github", "sarif")

#: ``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`` — property
#: values never hold a raw ``,`` or ``:``, and nothing holds a raw CR or LF.
GITHUB_LINE = re.compile(
    r"::error file=[^,:\r\n]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^,:\r\n]+"
    r"::[^\r\n]+"
)


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the seeds; the current directory is its parent."""
    copy = tmp_path / "seeds"
    shutil.copytree(SEEDS, copy)
    for path in copy.iterdir():
        path.chmod(0o644)
    monkeypatch.chdir(tmp_path)
    return copy


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "damaged.txt").write_text(DAMAGED, encoding="utf-8")
    (tmp_path / "clean.txt").write_text(CLEAN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- SARIF --------------------------------------------------------------------------


def test_sarif_of_the_seeds_validates_against_the_schema(seeds: Path) -> None:
    result = run("scan", "--format", "sarif", "seeds")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(log), key=str)
    assert not errors, errors[0]

    driver = log["runs"][0]["tool"]["driver"]
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in RULES]
    assert [rule["name"] for rule in driver["rules"]] == [rule.name for rule in RULES]
    results = log["runs"][0]["results"]
    as_json = json.loads(run("scan", "--format", "json", "seeds").stdout)
    assert len(results) == len(as_json) > 0
    for item in results:
        assert driver["rules"][item["ruleIndex"]]["id"] == item["ruleId"]


def test_sarif_locations_and_fixes() -> None:
    text = "第一行\n会议指出,,要抓实"
    start = text.index(",")
    finding = Finding(
        "stray-comma", "P001", start, start + 1, "stray", Fix((Edit(start, start + 1),), "Remove")
    )
    log = formats.SarifLog(RULES, "0").to_dict()
    sarif = formats.SarifLog(RULES, "0")
    sarif.add("docs/说明 1.md", text, [finding])
    result = sarif.to_dict()["runs"][0]["results"][0]  # type: ignore[index]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "docs/%E8%AF%B4%E6%98%8E%201.md"
    assert location["region"] == {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 6}
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"] == {"text": ""}
    assert log["runs"][0]["results"] == []  # type: ignore[index]


def test_sarif_of_a_clean_file_has_no_results(tree: Path) -> None:
    result = run("scan", "--format", "sarif", "clean.txt")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["runs"][0]["results"] == []


# --- GitHub workflow commands -------------------------------------------------------


FOLDED_RE = re.compile(r" (\d+) on this line: ")


def test_github_lines_match_the_workflow_command_syntax(seeds: Path) -> None:
    result = run("scan", "--format", "github", "seeds")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    records = json.loads(run("scan", "--format", "json", "seeds").stdout)
    files = sorted({record["path"] for record in records})
    groups = [line for line in lines if line.startswith("::group::")]
    assert groups == [
        f"::group::{path}: {sum(r['path'] == path for r in records)} findings" for path in files
    ]
    assert lines.count("::endgroup::") == len(files)
    annotations = [line for line in lines if line.startswith("::error ")]
    for path in files:  # at most ten annotations a file; the rest listed in the log
        mine = [line for line in annotations if f"file={path}," in line]
        count = sum(record["path"] == path for record in records)
        assert len(mine) == min(count, 10)
        if count > 10:
            assert f"{count - 10} more in {path}, not annotated" in result.stdout
            listed = [line for line in lines if line.startswith(f"{path}:")]
            folded = sum(int(m[1]) - 1 for m in map(FOLDED_RE.search, listed) if m)
            assert len(listed) + folded == count - 10
    for line in annotations:
        assert GITHUB_LINE.fullmatch(line), line


def test_github_escapes_properties_and_message() -> None:
    text = "会议,,指出"
    finding = Finding("stray-comma", "P001", 2, 3, "50% done\r\nnext line")
    (line,) = formats.github_lines("a,b:c%.txt", text, [finding])
    assert line == (
        "::error file=a%2Cb%3Ac%25.txt,line=1,col=3,endLine=1,endColumn=4,"
        "title=P001 stray-comma::50%25 done%0D%0Anext line"
    )
    assert GITHUB_LINE.fullmatch(line)


# --- exit codes in every format -----------------------------------------------------


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_keeps_the_exit_codes(tree: Path, output_format: str) -> None:
    assert run("scan", "--format", output_format, "clean.txt").exit_code == 0
    assert run("scan", "--format", output_format, "damaged.txt").exit_code == 1
    missing = run("scan", "--format", output_format, "damaged.txt", "missing.txt")
    assert missing.exit_code == 2
    assert "missing.txt" in missing.stderr


def test_exit_zero(tree: Path) -> None:
    assert run("scan", "--exit-zero", "damaged.txt").exit_code == 0
    assert run("scan", "--exit-zero", "damaged.txt", "missing.txt").exit_code == 2
    assert run("repair", "--exit-zero", "damaged.txt").exit_code == 0
    assert (tree / "damaged.txt").read_text(encoding="utf-8") == DAMAGED


def test_exit_non_zero_on_fix(tree: Path) -> None:
    first = run("repair", "--in-place", "--exit-non-zero-on-fix", "damaged.txt")
    assert first.exit_code == 1
    assert (tree / "damaged.txt").read_text(encoding="utf-8") == CLEAN
    again = run("repair", "--in-place", "--exit-non-zero-on-fix", "damaged.txt")
    assert again.exit_code == 0
    (tree / "damaged.txt").write_text(DAMAGED, encoding="utf-8")
    assert run("repair", "--in-place", "damaged.txt").exit_code == 0  # all fixed: clean


# --- statistics, quiet, verbose -----------------------------------------------------


def test_statistics_counts_per_rule(seeds: Path) -> None:
    records = json.loads(run("scan", "--format", "json", "seeds").stdout)
    expected: dict[str, int] = {}
    for record in records:
        expected[record["rule"]] = expected.get(record["rule"], 0) + 1

    as_json = run("scan", "--statistics", "--format", "json", "seeds")
    assert as_json.exit_code == 1
    stats = json.loads(as_json.stdout)
    assert {item["name"]: item["count"] for item in stats} == expected
    assert [item["count"] for item in stats] == sorted(expected.values(), reverse=True)

    as_text = run("scan", "--statistics", "seeds")
    assert as_text.exit_code == 1
    lines = as_text.stdout.splitlines()
    assert not any(line.startswith("seeds") for line in lines)  # counts, not findings
    for name, count in expected.items():
        assert any(name in line and f" {count} " in line for line in lines), name
    assert run("scan", "--statistics", "--format", "sarif", "seeds").exit_code == 2


def test_quiet_and_verbose(tree: Path) -> None:
    quiet = run("scan", "-q", "damaged.txt")
    assert quiet.exit_code == 1
    *findings, summary = quiet.stdout.splitlines()
    assert findings and all(line.startswith("damaged.txt:") for line in findings)
    assert re.fullmatch(r"\d+ findings? in 1 of 1 file: .*\.", summary)
    assert quiet.stderr == ""
    assert run("scan", "-q", "clean.txt").stdout == ""  # quiet and clean: silent
    repaired = run("repair", "-q", "damaged.txt")
    assert repaired.stdout == ""  # no diff; nothing is left
    summary = r"cnfix: \d+ findings? in 1 of 1 file: .*; 1 file would change\.\n"
    assert re.fullmatch(summary, repaired.stderr)

    verbose = run("scan", "-v", "damaged.txt", "clean.txt")
    assert re.search(r"damaged\.txt: [1-9]\d* finding\(s\)", verbose.stderr)
    assert "clean.txt: 0 finding(s)" in verbose.stderr
    assert run("scan", "-q", "-v", "damaged.txt").exit_code == 2


def test_rules_markdown_is_the_registry_table() -> None:
    result = run("rules", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout == formats.rules_markdown(RULES)
    rows = result.stdout.splitlines()[2:]
    assert [row.split(" | ")[0].strip("| ") for row in rows] == [rule.code for rule in RULES]


def test_progress_passes_every_item_through() -> None:
    import io

    console = progress.live_console(io.StringIO())
    assert list(progress.with_progress(iter(range(500)), 500, console)) == list(range(500))
    assert list(progress.with_count(iter(range(500)), lambda: 7, "lines", console)) == list(
        range(500)
    )


def test_lines_printed_through_the_display_keep_their_text_and_colour() -> None:
    import io

    target = io.StringIO()
    console = progress.live_console(target)
    through = progress.PrintedThrough(console, target)
    through.write("a\x1b[31mb\x1b[0m\nsecond ")
    through.write("half\n")
    through.write("unfinished")
    through.flush()
    assert target.getvalue() == "ab\nsecond half\nunfinished\n"  # no colour on a StringIO


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path, monkeypatch) -> None:
    for number in range(progress.PROGRESS_AT + 5):
        (tmp_path / f"{number:04}.txt").write_text(CLEAN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("scan", ".")
    assert result.exit_code == 0
    assert result.stderr == ""


# --- repair --interactive -----------------------------------------------------------


def test_interactive_refuses_without_a_terminal(tree: Path) -> None:
    result = run("repair", "-i", "damaged.txt", input="y\n")
    assert result.exit_code == 2
    assert "stdin is not" in result.stderr
    assert (tree / "damaged.txt").read_text(encoding="utf-8") == DAMAGED


def test_interactive_without_a_terminal_but_in_place_writes_all(tree: Path) -> None:
    result = run("repair", "-i", "--in-place", "damaged.txt")
    assert result.exit_code == 0
    assert "not asking" in result.stderr
    assert (tree / "damaged.txt").read_text(encoding="utf-8") == CLEAN


SKIPPED_FIRST = "会议指出，,要抓实学习教育。\n"


@pytest.mark.parametrize(
    ("answers", "expected", "exit_code"),
    [
        # accept each of a.txt's three fixes, then quit at b.txt's first
        ("a\na\na\nq\n", {"a.txt": CLEAN, "b.txt": DAMAGED}, 1),
        # every stray-comma fix from then on; a halfwidth fix accepted, b's skipped
        ("r\na\ns\n", {"a.txt": CLEAN, "b.txt": "会议指出,要抓实学习教育。\n"}, 1),
        # a skip in a.txt is not remembered in b.txt (same text, asked again)
        ("s\na\na\ns\na\na\n", {"a.txt": SKIPPED_FIRST, "b.txt": SKIPPED_FIRST}, 0),
        ("q\n", {"a.txt": DAMAGED, "b.txt": DAMAGED}, 1),
        ("", {"a.txt": DAMAGED, "b.txt": DAMAGED}, 1),  # end of input: stop, write nothing
    ],
)
def test_interactive_asks_per_fix(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answers: str,
    expected: dict[str, str],
    exit_code: int,
) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(DAMAGED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(repair_command, "_stdin_is_terminal", lambda: True)
    result = run("repair", "-i", "a.txt", "b.txt", input=answers)
    assert result.exit_code == exit_code, result.output
    question = "fix? [a]ccept / [s]kip / accept all of this [r]ule / [q]uit"
    assert result.stderr.count(question) == len(answers.splitlines()) or not answers
    lines = result.stdout.splitlines()
    assert lines[0] == "a.txt: 3 fixes (stray-comma 2, halfwidth-punctuation 1)"  # the diff
    assert lines[2] == "a.txt:1:5: P001 stray-comma stray ASCII comma before ','"  # first fix
    assert lines[3].replace("[-,-]", "") == "    1 │ 会议指出,要抓实学习教育,。"  # one comma out
    for name, text in expected.items():
        assert (tmp_path / name).read_text(encoding="utf-8") == text, name
    if "s" in answers.split():
        assert "(not fixed: skipped)" in result.stdout or exit_code == 0


def test_interactive_into_an_output_folder(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(repair_command, "_stdin_is_terminal", lambda: True)
    result = run("repair", "-i", "-o", "out", "a.txt", input="a\na\na\n")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == CLEAN
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == DAMAGED
