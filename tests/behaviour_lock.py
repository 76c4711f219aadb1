"""The behaviour lock: sha256 digests of everything cnfix outputs over a fixed set of inputs.

A move or a refactoring must leave every digest as it was; a commit that changes behaviour
on purpose rewrites ``tests/data/behaviour_lock.json`` with ``python tests/behaviour_lock.py
--write`` and its diff names the areas that changed.

Areas: the library (``scan_text`` findings and ``repair_text`` results for every ``--to``
value, with and without unsafe fixes) over the seeds, every fixture, the corpus, the
ftfy/OpenCC/MNBVC cases and saved adversarial strings; and CLI transcripts of every output
format, ``--jsonl``, ``--jobs 1`` and ``--jobs 2``. The library digests are computed forward
and in reverse input order, so state carried between calls would show as a difference.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT / "tests"))  # run as a script too: the other test modules' data
LOCK_FILE = DATA / "behaviour_lock.json"
ADVERSARIAL_FILE = DATA / "adversarial_strings.json"

TARGETS = ("auto", "hans", "hant", "tw", "hk", "keep")
KIND_BY_SUFFIX = {".md": "markdown", ".csv": "table", ".tsv": "table", ".html": "markup"}
KIND_BY_SUFFIX |= {".json": "json", ".jsonl": "json", ".xml": "markup"}


def _kind(path: Path) -> str:
    return KIND_BY_SUFFIX.get(path.suffix, "text")


def _strings_of(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_of(item)


def lock_inputs() -> dict[str, list[tuple[str, str, str]]]:
    """Area name → ``(label, kind, text)`` triples, in a fixed order."""
    areas: dict[str, list[tuple[str, str, str]]] = {}
    areas["seeds"] = [
        (path.name, "text", path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "seeds").glob("*.txt"))
    ]
    areas["fixtures"] = [
        (str(path.relative_to(ROOT)), _kind(path), path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "fixtures").glob("*/*.in.*"))
        if path.parent.name != "encoding"  # legacy bytes: locked through the CLI runs
    ]
    areas["corpus"] = [
        (str(path.relative_to(ROOT)), "text", path.read_text(encoding="utf-8"))
        for path in sorted((DATA / "corpus").glob("*/*.txt"))
    ]
    ftfy_cases = []
    for path in sorted((DATA / "ftfy").glob("*.json")):
        for number, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            ftfy_cases.append((f"{path.name}#{number}", "text", case.get("original", "")))
    areas["ftfy"] = ftfy_cases
    from test_opencc_cases import CASES

    areas["opencc"] = [
        (f"opencc#{number}", "text", text)
        for number, text in enumerate(dict.fromkeys(_strings_of(CASES)))
    ]
    areas["mnbvc"] = [
        (path.name, "text", path.read_text(encoding="utf-8", errors="replace"))
        for path in sorted((DATA / "mnbvc").glob("*.txt"))
    ]
    areas["adversarial"] = [
        (f"adversarial#{number}", "text", text)
        for number, text in enumerate(json.loads(ADVERSARIAL_FILE.read_text(encoding="utf-8")))
    ]
    return areas


def _finding_record(finding) -> list:
    fix = finding.fix
    return [
        finding.rule,
        finding.code,
        finding.start,
        finding.end,
        finding.message,
        None
        if fix is None
        else [fix.title, fix.applicability.value, [list(edit) for edit in fix.edits]],
    ]


def document_digest(text: str, kind: str) -> str:
    """One digest of all the library says and does about ``text``."""
    import cnfix
    from cnfix import Settings

    record: list = []
    for target in TARGETS:
        settings = Settings(target_script=target)
        findings = cnfix.scan_text(text, settings=settings, kind=kind)
        record.append([_finding_record(finding) for finding in findings])
        for unsafe in (False, True):
            try:
                result = cnfix.repair_text(text, settings=settings, unsafe_fixes=unsafe, kind=kind)
            except cnfix.ConvergenceError as error:
                record.append(["ConvergenceError", str(error)])
                continue
            record.append(
                [
                    result.text,
                    [_finding_record(finding) for finding in result.applied],
                    [_finding_record(finding) for finding in result.remaining],
                ]
            )
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def library_digests(reverse: bool = False, every: int = 1) -> dict[str, dict[str, str]]:
    """Area → label → digest; ``reverse`` walks areas and documents in reverse order,
    ``every`` takes only every so many documents of each area (a quicker sample)."""
    areas = lock_inputs()
    names = list(areas)
    digests: dict[str, dict[str, str]] = {}
    for name in reversed(names) if reverse else names:
        items = areas[name][::every]
        digests[name] = {
            label: document_digest(text, kind)
            for label, kind, text in (reversed(items) if reverse else items)
        }
    return digests


#: CLI invocations whose transcripts are locked; ``{seeds}`` is a copy of the seeds,
#: ``{jsonl}`` a JSON Lines file of the seeds' lines, ``{encoding}`` a copy of the
#: encoding fixtures (legacy bytes).
CLI_RUNS: tuple[tuple[str, ...], ...] = (
    ("scan", "{seeds}"),
    ("scan", "--format", "json", "{seeds}"),
    ("scan", "--format", "github", "{seeds}"),
    ("scan", "--format", "sarif", "{seeds}"),
    ("scan", "--statistics", "{seeds}"),
    ("scan", "--to", "hant", "{seeds}"),
    ("scan", "--jobs", "1", "{seeds}"),
    ("scan", "--jobs", "2", "{seeds}"),
    ("repair", "{seeds}"),
    ("repair", "--diff", "unified", "{seeds}"),
    ("repair", "--diff", "none", "{seeds}"),
    ("repair", "--unsafe-fixes", "{seeds}"),
    ("repair", "--check", "{seeds}"),
    ("repair", "--exit-zero", "{seeds}"),
    ("repair", "--jobs", "2", "{seeds}"),
    ("scan", "{encoding}"),
    ("repair", "--diff", "unified", "{encoding}"),
    ("scan", "--jsonl", "{jsonl}"),
    ("scan", "--jsonl", "--format", "json", "{jsonl}"),
    ("repair", "--jsonl", "{jsonl}"),
    ("repair", "--jsonl", "-o", "-", "{jsonl}"),
    ("repair", "--jsonl", "--exit-zero", "{jsonl}"),
    ("repair", "--jsonl", "--jobs", "2", "-o", "-", "{jsonl}"),
)


def cli_digests() -> dict[str, str]:
    """Invocation → digest of its exit code, stdout and stderr (paths made relative)."""
    digests = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        seeds = work / "seeds"
        seeds.mkdir()
        lines = []
        for path in sorted((ROOT / "seeds").glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            (seeds / path.name).write_text(text, encoding="utf-8")
            lines += [json.dumps({"text": line}, ensure_ascii=False) for line in text.splitlines()]
        (work / "seeds.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        shutil.copytree(ROOT / "fixtures" / "encoding", work / "encoding")
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "TERM": "dumb"}
        for run in CLI_RUNS:
            args = [
                arg.format(seeds="seeds", jsonl="seeds.jsonl", encoding="encoding") for arg in run
            ]
            done = subprocess.run(
                [sys.executable, "-m", "cnfix", *args],
                cwd=work,
                capture_output=True,
                env=env,
                timeout=300,
            )
            transcript = b"%d\n%s\n%s" % (done.returncode, done.stdout, done.stderr)
            transcript = transcript.replace(str(work).encode(), b"<work>")
            digests[" ".join(run)] = hashlib.sha256(transcript).hexdigest()
    return digests


def area_digest(digests: dict[str, str]) -> str:
    canonical = json.dumps(digests, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def current_lock() -> dict[str, object]:
    library = library_digests()
    return {
        "library": {name: area_digest(items) for name, items in library.items()},
        "cli": cli_digests(),
    }


def write_adversarial_strings(count: int = 300) -> None:
    """Make the saved adversarial strings (run once; they are data from then on)."""
    from test_adversarial import PIECES

    rng = random.Random(20261207)
    strings = ["".join(rng.choices(PIECES, k=rng.randint(1, 40))) for _ in range(count)]
    ADVERSARIAL_FILE.write_text(json.dumps(strings, ensure_ascii=False, indent=0) + "\n")


if __name__ == "__main__":
    if "--adversarial" in sys.argv:
        write_adversarial_strings()
    lock = current_lock()
    if "--write" in sys.argv:
        LOCK_FILE.write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    else:
        print(json.dumps(lock, indent=2, sort_keys=True))
