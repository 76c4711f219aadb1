"""The engine: overlap resolution, fixed point, convergence errors, idempotence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnfix.engine import (
    MAX_PASSES,
    ConvergenceError,
    _without_conflicts,
    apply_fixes,
    check_document,
    repair_document,
    repair_text,
    within_prose,
)
from cnfix.model import Applicability, Document, Edit, Finding, Fix, Rule
from cnfix.rules import RULES
from cnfix.text.regions import Regions, protected_regions


def _rule(name: str, check) -> Rule:
    return Rule(code=name.upper()[:4], name=name, summary=name, fix_safety="safe", check=check)


def _replace_all(name: str, old: str, new: str, applicability=Applicability.SAFE) -> Rule:
    def check(doc: Document) -> Iterator[Finding]:
        start = doc.text.find(old)
        while start != -1:
            fix = Fix((Edit(start, start + len(old), new),), f"{old}->{new}", applicability)
            yield Finding(name, name.upper()[:4], start, start + len(old), "found", fix)
            start = doc.text.find(old, start + 1)

    return _rule(name, check)


def test_overlapping_fix_waits_for_next_pass() -> None:
    first = _replace_all("first", "ab", "X")
    second = _replace_all("second", "bc", "Y")
    findings = check_document(Document("abc"), (first, second))
    text, taken = apply_fixes("abc", findings, (first, second))
    assert text == "Xc"
    assert [f.rule for f in taken] == ["first"]


def test_earlier_rule_wins_regardless_of_position() -> None:
    late = _replace_all("late", "a", "1")
    early = _replace_all("early", "ab", "2")
    text, taken = apply_fixes("ab", check_document(Document("ab"), (early, late)), (early, late))
    assert text == "2"
    assert [f.rule for f in taken] == ["early"]


def test_two_insertions_at_one_point_conflict() -> None:
    def inserter(name: str, mark: str) -> Rule:
        def check(doc: Document) -> Iterator[Finding]:
            if mark not in doc.text:
                yield Finding(name, "I", 0, 0, "insert", Fix((Edit(0, 0, mark),), "insert"))

        return _rule(name, check)

    rules = (inserter("one", "1"), inserter("two", "2"))
    text, taken = apply_fixes("x", check_document(Document("x"), rules), rules)
    assert (text, [f.rule for f in taken]) == ("1x", ["one"])
    assert repair_document(Document("x"), rules).text == "21x"


def test_repairs_to_a_fixed_point_over_several_passes() -> None:
    shrink = _replace_all("shrink", "aa", "a")
    result = repair_document(Document("aaaaaaaa"), (shrink,))
    assert result.text == "a"
    assert repair_document(Document(result.text), (shrink,)).text == "a"


def test_non_converging_rules_raise_naming_them() -> None:
    flip = _replace_all("flip", "a", "b")
    flop = _replace_all("flop", "b", "a")
    with pytest.raises(ConvergenceError) as error:
        repair_document(Document("a"), (flip, flop))
    assert "flip" in str(error.value) or "flop" in str(error.value)
    assert str(MAX_PASSES) in str(error.value)


def test_unsafe_fixes_only_when_asked() -> None:
    rule = _replace_all("maybe", "a", "b", Applicability.UNSAFE)
    assert repair_document(Document("a"), (rule,)).text == "a"
    assert repair_document(Document("a"), (rule,), unsafe_fixes=True).text == "b"


def test_display_only_fixes_are_never_applied() -> None:
    rule = _replace_all("show", "a", "b", Applicability.DISPLAY)
    result = repair_document(Document("a"), (rule,), unsafe_fixes=True)
    assert result.text == "a"
    assert [f.fixable for f in result.remaining] == [False]


def test_fix_without_edits_counts_as_applied_by_writing() -> None:
    def check(doc: Document) -> Iterator[Finding]:
        yield Finding("file", "F", 0, 0, "not utf-8", Fix((), "write as UTF-8"))

    result = repair_document(Document("text"), (_rule("file", check),))
    assert result.text == "text"
    assert [f.rule for f in result.applied] == ["file"]
    assert result.remaining == ()


def test_public_api_round_trip() -> None:
    import cnfix

    damaged = "会议指出,,要抓实学习教育,。6月19日,湖北省(关沮院区)召开会议"
    result = cnfix.repair_text(damaged)
    assert result.text == "会议指出，要抓实学习教育。6月19日，湖北省（关沮院区）召开会议"
    assert cnfix.repair_text(result.text).text == result.text
    assert cnfix.scan_text(result.text) == []
    assert {f.rule for f in cnfix.scan_text(damaged)} >= {"stray-comma", "halfwidth-punctuation"}


_SPANS = st.tuples(st.integers(0, 12), st.integers(0, 4)).map(lambda t: (t[0], t[0] + t[1]))


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["first", "second", "third"]), st.lists(_SPANS, min_size=1, max_size=2)
        ),
        max_size=12,
    )
)
def test_conflict_free_shortcut_takes_what_ranking_takes(
    raw: list[tuple[str, list[tuple[int, int]]]],
) -> None:
    """apply_fixes keeps every fix when none conflict, and otherwise exactly the fixes
    that ranking by rule and position keeps: the one-pass conflict test never disagrees."""
    rules = tuple(_rule(name, lambda doc: iter(())) for name in ("first", "second", "third"))
    findings = [
        Finding(
            name,
            "X",
            min(s for s, _ in spans),
            max(e for _, e in spans),
            "found",
            Fix(tuple(Edit(s, e, f"<{i}>") for s, e in sorted(set(spans))), "fix"),
        )
        for i, (name, spans) in enumerate(raw)
    ]
    order = {rule.name: index for index, rule in enumerate(rules)}
    expected = [findings[index] for index in _without_conflicts(findings, order)]
    _, taken = apply_fixes("abcdefghijklmnop", findings, rules)
    assert sorted(map(id, taken)) == sorted(map(id, expected))


def test_each_rule_judges_the_text_the_rules_before_it_left() -> None:
    """``,,`` before a digit: stray-comma leaves one ``,``, which halfwidth-punctuation
    judges in the same pass, while the text still shows its flattened commas; judged in
    a later pass, after the other commas were widened, it would stay ASCII."""
    damaged = "他强调,,2023年医院各项工作任务形势严峻,,各党支部要以此次会议为契机,达到目标,。"
    repaired = "他强调，2023年医院各项工作任务形势严峻，各党支部要以此次会议为契机，达到目标。"
    result = repair_text(damaged)
    assert result.text == repaired
    assert {f.rule for f in result.applied} == {"stray-comma", "halfwidth-punctuation"}


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cycle_collector_is_left_as_it_was(enabled: bool) -> None:
    """Rules run with the collector paused; after a repair, or an error, it is back
    as the caller had it."""
    import gc

    shrink = _replace_all("shrink", "aa", "a")
    flip = _replace_all("flip", "a", "b")
    flop = _replace_all("flop", "b", "a")
    seen = []
    watch = _rule("watch", lambda doc: seen.append(gc.isenabled()) or iter(()))
    (gc.enable if enabled else gc.disable)()
    try:
        assert repair_document(Document("aaaa"), (shrink, watch)).text == "a"
        assert gc.isenabled() is enabled
        with pytest.raises(ConvergenceError):
            repair_document(Document("a"), (flip, flop))
        assert gc.isenabled() is enabled
        check_document(Document("a"), (watch,))
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert seen and not any(seen)


def _within_prose_one_by_one(doc, findings, rules, outside_prose):
    """The per-finding test ``within_prose`` made before it looked span by span: the
    reference its bulk path must agree with."""
    protected = protected_regions(doc)
    if not protected:
        return findings
    reporting = {rule.name for rule in rules if rule.reports_outside_prose}
    kept = []
    for finding in findings:
        fix = finding.fix
        if fix is not None and fix.edits:
            if all(protected.keeps(doc.text, *edit) for edit in fix.edits):
                kept.append(finding)
                continue
            outside_prose[finding.rule] += 1
            if finding.rule in reporting:
                kept.append(finding._replace(fix=None))
        elif finding.rule in reporting or not protected.contains(
            finding.start, max(finding.end, finding.start + 1)
        ):
            kept.append(finding)
    return kept


_PROSE_PIECES = ["会议", ",,", "醫(yī)", " https://a.cn/x,y ", "`a,b`", "\n", "x@y.cn", "，"]


@st.composite
def _findings_near_links(draw):
    """A text with links and code between prose, and findings whose edits land
    anywhere: inside, across, at the edges of the protected spans, or far from them."""
    text = "".join(draw(st.lists(st.sampled_from(_PROSE_PIECES), max_size=30)))
    kind = draw(st.sampled_from(["text", "markdown"]))
    size = len(text)
    point = st.integers(0, size)
    findings = []
    for number in range(draw(st.integers(0, 25))):
        edits = []
        for _ in range(draw(st.integers(0, 2))):
            start = draw(point)
            end = draw(st.integers(start, min(size, start + 6)))
            edits.append(Edit(start, end, draw(st.sampled_from(["", "，", text[start:end]]))))
        start = min((edit.start for edit in edits), default=draw(point))
        fix = draw(st.sampled_from([None, Fix(tuple(edits), "fix")])) if edits else None
        rule = draw(st.sampled_from(["mojibake", "stray-comma"]))
        findings.append(Finding(rule, "X", start, start + 1, f"finding {number}", fix))
    return Document(text, kind=kind), findings


@given(_findings_near_links())
def test_within_prose_keeps_and_drops_what_the_per_finding_test_does(case) -> None:
    doc, findings = case
    rules = [rule for rule in RULES if rule.name in ("mojibake", "stray-comma")]
    counted, expected = Counter(), Counter()
    assert within_prose(doc, list(findings), rules, counted) == _within_prose_one_by_one(
        doc, list(findings), rules, expected
    )
    assert counted == expected


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), max_size=8),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 5), st.text("ab", max_size=4))),
)
def test_protected_spans_move_with_the_edits_as_one_walk_over_them_would(spans, raw) -> None:
    regions = Regions((start, start + length) for start, length in spans)
    edits = sorted((start, start + length, 0, replacement) for start, length, replacement in raw)
    walked = []
    shift, pending = 0, iter(edits)
    edit = next(pending, None)
    for start, end in regions.spans():
        while edit is not None and edit[1] <= start:
            shift += len(edit[3]) - (edit[1] - edit[0])
            edit = next(pending, None)
        walked.append((start + shift, end + shift))
    assert regions.shifted(edits).spans() == Regions(walked).spans()


def test_the_confirming_pass_does_not_ask_a_rule_again_about_what_it_checked() -> None:
    """A rule that changed nothing, with no rule changing the text after it, has already
    checked the document the last pass would show it: it is asked once, not twice."""
    calls: Counter[str] = Counter()

    def counted(rule: Rule) -> Rule:
        def check(doc: Document) -> Iterator[Finding]:
            calls[rule.name] += 1
            return rule.check(doc)

        return _rule(rule.name, check)

    early = counted(_replace_all("early", "b", "c"))  # sees the text before the shrink
    shrink = counted(_replace_all("shrink", "aa", "a"))
    late = counted(_replace_all("late", "z", "y", Applicability.UNSAFE))
    result = repair_document(Document("aab z"), (early, shrink, late))
    assert result.text == "ac z"
    # early and shrink change the text in pass 1 and are asked again in pass 2; late
    # saw the final text in pass 1, and its finding is still reported.
    assert calls == {"early": 2, "shrink": 2, "late": 1}
    assert [f.rule for f in result.remaining] == ["late"]


def _records_and_documents() -> list[Document]:
    """The seeds, whole and line by line (as JSON Lines records), and the corpus
    documents whole and line by line, plain and with bytes lost (GBK read as GB2312)."""
    from conftest import SEEDS
    from damage import corpus, lossy_gb2312

    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts += [text[:4000] for _, text in corpus()[::12]]
    texts += [lossy_gb2312(text[:2000]) for text in texts[:8]]
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    documents = [Document(text) for text in texts + lines]
    documents += [Document(text, kind="markdown") for text in texts[:8]]
    return documents


@pytest.mark.parametrize("unsafe", [False, True])
def test_reusing_what_a_rule_checked_repairs_as_asking_every_rule_in_every_pass(
    unsafe: bool,
) -> None:
    """``accept`` turns the reuse off (a refusal is asked again in each pass): with an
    ``accept`` that takes every fix, each rule is asked in every pass, and the repair
    (text, fixes applied, findings left and in what order, fixes dropped outside prose)
    is the same as the engine's, on the seeds, the corpus and lost bytes."""
    for doc in _records_and_documents():
        fast = repair_document(doc, RULES, unsafe_fixes=unsafe)
        every = repair_document(doc, RULES, unsafe_fixes=unsafe, accept=lambda f, t: True)
        assert fast == every, doc.text[:40]
        assert fast.outside_prose == every.outside_prose, doc.text[:40]


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), max_size=8),
    st.lists(st.integers(0, 70), max_size=20),
)
def test_uncovered_positions_are_those_no_span_covers(spans, positions) -> None:
    regions = Regions((start, start + length) for start, length in spans)
    positions.sort()
    expected = [i for i, at in enumerate(positions) if not regions.covers(at)]
    assert regions.uncovered(positions) == expected


@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 9), st.integers(0, 3), st.integers(0, 2)),
        max_size=12,
    )
)
def test_findings_are_sorted_by_start_rule_order_and_end(raw) -> None:
    """Whatever order the rules give them in, and when a rule's findings carry another
    rule's name."""
    names = ["r0", "r1", "r2"]

    def check_of(number: int):  # type: ignore[no-untyped-def]
        def check(doc: Document) -> list[Finding]:
            return [
                Finding(names[lent], "X", start, start + length, f"{number}/{index}")
                for index, (owner, start, length, lent) in enumerate(raw)
                if owner == number
            ]

        return check

    rules = [Rule(f"X{n}", name, "s", "none", check_of(n)) for n, name in enumerate(names)]
    found = [f for rule in rules for f in rule.check(Document("x" * 20))]
    order = {name: index for index, name in enumerate(names)}
    expected = sorted(found, key=lambda f: (f.start, order[f.rule], f.end))
    assert check_document(Document("x" * 20), rules) == expected
