"""The repair that builds no finding per fix where no one reads them (``defer_applied``,
``rules.BULK``) against the per-finding path: the same text, findings left and applied
fixes (counted by rule, and built when read), on the fixtures, the seeds, the corpus and
damage made on it."""

from __future__ import annotations

import pickle
import random
from collections import Counter

import pytest
from conftest import SEEDS
from damage import corpus
from test_rule_speed_equivalence import SAMPLES, annotate, dense_strings, flatten

from cnfix.adapters.opencc import convert
from cnfix.engine import repair_document
from cnfix.engine.deferred import AppliedFixes
from cnfix.model import Applicability, Document, Settings
from cnfix.rules import BULK, RULES
from cnfix.rules.script import MIXED_SCRIPT, bulk_mixed_script
from cnfix.text.chars import is_han


def seed_like(text: str, rng: random.Random) -> str:
    """Damage in the seeds' proportions: annotations, every ``，`` flattened (one in five
    doubled), a stray comma before one ``。`` in six, and a few Han characters swapped
    for their neighbours (work for the later rules of a pass)."""
    text = annotate(text, rng, rng.choice([1, 2]))
    out = []
    for char in text:
        if char == "，":
            out.append(",," if rng.random() < 0.2 else ",")
        elif char == "。" and rng.random() < 1 / 6:
            out.append(",。")
        elif is_han(char) and rng.random() < 0.002:
            out.append("后" if char != "后" else "後")
        else:
            out.append(char)
    return "".join(out)


def _damaged_samples() -> list[tuple[str, str, str]]:
    rng = random.Random("bulk-repair")
    samples = []
    for name, text in rng.sample(corpus(), 30):
        piece = text[:6000]
        samples.append((f"seed-like/{name}", "text", seed_like(piece, rng)))
        samples.append((f"seed-like markdown/{name}", "markdown", seed_like(piece, rng)))
        samples.append((f"flattened, ignored/{name}", "text", flatten(piece) + " cnfix: ignore"))
    return samples


ALL = SAMPLES + _damaged_samples()


def _bulk_of(check):  # type: ignore[no-untyped-def]
    return next(bulk for checked, bulk in BULK.items() if checked is check)


@pytest.mark.parametrize("rule", [r for r in RULES if r.check in BULK], ids=lambda r: r.name)
def test_bulk_edits_are_the_safe_fixes_of_the_check(rule, samples=ALL) -> None:  # type: ignore[no-untyped-def]
    """A rule's bare edits are exactly the edits of its safe fixes, fix by fix; its other
    findings come in the check's order."""
    bulk = _bulk_of(rule.check)
    for label, kind, text in samples:
        _assert_bulk_is_the_check(rule, bulk, Document(text, kind=kind), label)


def _assert_bulk_is_the_check(rule, bulk, doc: Document, label: str) -> None:  # type: ignore[no-untyped-def]
    findings = list(rule.check(doc))
    safe = [f for f in findings if f.fix and f.fix.applicability is Applicability.SAFE]
    rest = [f for f in findings if f not in safe]
    got = bulk(doc)
    assert got.fixes == len(safe), label
    assert got.rest == rest, label
    owners: dict[int, list[tuple[int, int, str]]] = {}
    for start, end, fix, replacement in got.edits:
        owners.setdefault(fix, []).append((start, end, replacement))
    assert sorted(map(tuple, owners.values())) == sorted(
        tuple((e.start, e.end, e.replacement) for e in f.fix.edits)  # type: ignore[union-attr]
        for f in safe
    ), label
    assert got.edits == sorted(got.edits), label


def test_mixed_script_bare_edits_under_every_target() -> None:
    """``mixed-script``'s bare edits are its safe fixes whatever ``--to`` asks (a named
    script converts the whole text; ``twp`` the vocabulary too; ``keep`` fixes nothing)."""
    rng = random.Random("bulk-mixed-script")
    texts = [text for _, text in rng.sample(corpus(), 4)]
    texts = [*(flip_some(text, rng) for text in texts), *texts]
    for target in ("auto", "hant", "hans", "tw", "hk", "twp", "hkp", "keep"):
        settings = Settings(target_script=target)
        for n, text in enumerate(texts):
            doc = Document(text[:3000], settings=settings)
            _assert_bulk_is_the_check(MIXED_SCRIPT, bulk_mixed_script, doc, f"{target}/{n}")


def flip_some(text: str, rng: random.Random) -> str:
    """``text`` with one Han character in fifty written in the other script (OpenCC)."""
    other = convert(text, "t2s") if convert(text, "t2s") != text else convert(text, "s2tw")
    if len(other) != len(text):
        return text
    pairs = zip(text, other, strict=True)
    return "".join(b if is_han(a) and rng.random() < 0.02 else a for a, b in pairs)


def _dense_samples(count: int) -> list[tuple[str, str, str]]:
    """Short strings dense in parentheses, readings and marks, some with a URL or Markdown
    code in them (protected spans among the edits), in each kind of document."""
    rng = random.Random("bulk-repair/dense")
    samples = []
    for text in dense_strings(rng, count):
        if rng.random() < 0.5:
            at = rng.randint(0, len(text))
            glued = rng.choice(["https://e.com/a(yī),,b;c", " `醫(yī),,` ", "(見http://x.cn/?q=1)"])
            text = text[:at] + glued + text[at:]
        samples.append((text, rng.choice(["text", "markdown", "table"]), text))
    return samples


DENSE = _dense_samples(1500)


@pytest.mark.parametrize("rule", [r for r in RULES if r.check in BULK], ids=lambda r: r.name)
def test_bulk_edits_are_the_safe_fixes_of_the_check_on_dense_strings(rule) -> None:  # type: ignore[no-untyped-def]
    test_bulk_edits_are_the_safe_fixes_of_the_check(rule, DENSE)


def test_deferred_repair_is_the_per_finding_repair_on_dense_strings() -> None:
    for label, kind, text in DENSE[:400]:
        try:
            _same_repair(Document(text, kind=kind))
        except AssertionError as error:
            raise AssertionError((kind, label)) from error


def _same_repair(doc: Document) -> AppliedFixes:
    eager = repair_document(doc)
    deferred = repair_document(doc, defer_applied=True)
    assert isinstance(deferred.applied, AppliedFixes)
    assert deferred.text == eager.text
    assert deferred.remaining == eager.remaining
    assert deferred.outside_prose == eager.outside_prose
    assert len(deferred.applied) == len(eager.applied)
    assert deferred.applied.by_rule() == Counter(f.rule for f in eager.applied)
    assert deferred.changed == eager.changed
    assert tuple(deferred.applied) == eager.applied  # built now, from the rules' checks
    return deferred.applied


def test_deferred_repair_is_the_per_finding_repair() -> None:
    for label, kind, text in ALL:
        try:
            _same_repair(Document(text, kind=kind))
        except AssertionError as error:
            raise AssertionError(label) from error


def test_deferred_repair_of_the_seeds_builds_no_finding_until_read() -> None:
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    result = repair_document(Document(text), defer_applied=True)
    applied = result.applied
    assert isinstance(applied, AppliedFixes)
    counts = applied.by_rule()
    assert counts["pinyin-annotation"] > 500 and counts["stray-comma"] > 50
    assert applied._parts is not None  # nothing built yet: only counted
    assert len(applied) == sum(counts.values())
    assert applied[0] == next(iter(applied))
    assert applied._parts is None  # built once read, the documents let go
    assert applied.by_rule() == counts
    # Sent to another process, the findings go built.
    assert pickle.loads(pickle.dumps(applied)) == tuple(applied)


def test_unsafe_fixes_and_accept_take_the_per_finding_path() -> None:
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    doc = Document(text)
    for options in ({"unsafe_fixes": True}, {"accept": lambda finding, text: True}):
        eager = repair_document(doc, **options)  # type: ignore[arg-type]
        deferred = repair_document(doc, defer_applied=True, **options)  # type: ignore[arg-type]
        assert deferred.text == eager.text
        assert deferred.applied._parts == [list(eager.applied)]  # type: ignore[attr-defined]
        assert tuple(deferred.applied) == eager.applied


def test_a_pragma_or_a_protected_span_near_an_edit_falls_back_to_the_findings() -> None:
    """Where the per-finding path drops a fix (a pragma's line, an edit that would touch
    a URL), the bulk path is not taken, and the outcome is the same."""
    lines = [
        "醫(yī)院學(xué)習(xí)會議,,地點(diǎn)在醫(yī)院,。",
        "醫(yī)院學(xué)習(xí),,見 https://example.com/a,,b 醫(yī)院(yī)。",
        "醫(yī)院,,學(xué)習(xí) cnfix: ignore",
    ]
    for text in ("\n".join(lines), "\n".join(lines[:2]), lines[0] * 3):
        for kind in ("text", "markdown"):
            _same_repair(Document(text, kind=kind))


def test_touches_protected_is_the_edit_by_edit_answer() -> None:
    from cnfix.engine.deferred import touches_protected
    from cnfix.text.regions import Regions

    rng = random.Random("touches")
    for _ in range(3000):
        spans = sorted({(a, a + rng.randint(1, 4)) for a in rng.sample(range(0, 60, 5), 3)})
        protected = Regions(spans)
        edits, at = [], 0
        for fix in range(rng.randint(1, 8)):
            at += rng.randint(0, 6)
            end = at + rng.choice([0, 1, 2, 3])
            edits.append((at, end, fix, ""))
            at = end
        expected = any(protected.touches(start, end) for start, end, _, _ in edits)
        assert touches_protected(protected, edits) is expected, (spans, edits)


def test_repair_text_defers_when_asked() -> None:
    from cnfix import repair_text

    text = "醫(yī)院學(xué)習(xí)會議,,地點(diǎn)在醫(yī)院,。醫(yī)院(yī)"
    eager = repair_text(text)
    deferred = repair_text(text, defer_applied=True)
    assert isinstance(deferred.applied, AppliedFixes)
    assert deferred.text == eager.text
    assert deferred.text.startswith("醫院學習會議，地點在醫院。")
    assert len(deferred.applied) == len(eager.applied) >= 8
    assert list(deferred.applied) == list(eager.applied)


def test_tally_columns_need_no_finding() -> None:
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    applied = repair_document(Document(text), defer_applied=True).applied
    assert isinstance(applied, AppliedFixes)
    rules, kinds = applied.tally_columns()
    assert applied._parts is not None
    assert Counter(rules) == applied.by_rule()
    built = list(applied)
    assert (rules, kinds) == ([f.rule for f in built], [f.fix.applicability for f in built])  # type: ignore[union-attr]
    assert applied.tally_columns() == (rules, kinds)


def test_repair_quiet_writes_and_counts_what_a_repair_with_diffs_does(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`repair -q -o` (fixes counted, findings not built) writes the same files and says
    the same summary as a repair that prints every diff (findings built)."""
    from conftest import run_cnfix

    from cnfix.app.runner import RunOptions, process_file

    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        (inputs / path.name).write_bytes(path.read_bytes())
    rng = random.Random("bulk-repair/cli")
    for name, text in rng.sample(corpus(), 3):
        (inputs / f"{name.replace('/', '-')}.md").write_text(seed_like(text[:3000], rng))
    quiet = run_cnfix("repair", "-q", "--jobs", "1", "-o", "quiet", "in", cwd=tmp_path)
    shown = run_cnfix(
        "repair", "--jobs", "1", "--diff", "unified", "-o", "shown", "in", cwd=tmp_path
    )
    assert quiet.returncode == shown.returncode == 1
    assert quiet.stderr.splitlines()[-1] == shown.stderr.splitlines()[-1]
    assert b"repaired" in quiet.stderr.splitlines()[-1]
    for path in sorted(inputs.iterdir()):
        assert (tmp_path / "quiet" / path.name).read_bytes() == (
            tmp_path / "shown" / path.name
        ).read_bytes(), path.name
    outcome = process_file(
        inputs / sorted(p.name for p in inputs.iterdir())[0],
        RunOptions(rules=RULES, repair=True, defer_applied=True),
    )
    assert isinstance(outcome.applied, AppliedFixes) and outcome.changed


def test_repair_of_stdin_counts_and_writes_what_the_per_finding_repair_does(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import run_cnfix

    text = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    eager = repair_document(Document(text))
    piped = run_cnfix("repair", "-", cwd=tmp_path, input=text.encode("utf-8"))
    assert piped.stdout == eager.text.encode("utf-8")
    summary = piped.stderr.decode("utf-8").splitlines()[-1]
    assert f"{len(eager.applied)} fixed" in summary.replace(",", ""), summary
