"""Each rule in turn checks the text and its non-overlapping fixes are applied; passes
repeat until one changes nothing."""

from __future__ import annotations

import bisect
import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from operator import attrgetter

from cnfix.engine.deferred import AppliedFixes, Deferred, touches_protected
from cnfix.engine.edits import _contested, _without_conflicts, rewrite
from cnfix.engine.pragmas import drop_suppressed, may_hold_pragma
from cnfix.model import KINDS, Applicability, BulkFixes, Check, Document, Finding, Rule, Settings
from cnfix.rules import BULK, RULES, select_rules
from cnfix.text.regions import PartlyKnownRegions, Regions, protected_regions

MAX_PASSES = 12


class ConvergenceError(RuntimeError):
    """Fixes kept changing the text after ``MAX_PASSES`` passes."""

    def __init__(self, rules: Iterable[str]) -> None:
        self.rules = sorted(set(rules))
        super().__init__(
            f"repair did not converge after {MAX_PASSES} passes; "
            f"rules still fixing: {', '.join(self.rules)}"
        )


@dataclass(frozen=True, slots=True)
class RepairResult:
    """The repaired text, the findings whose fixes were applied, and what is left."""

    text: str
    #: A tuple; with ``defer_applied``, an ``AppliedFixes`` (its findings built when read).
    applied: Sequence[Finding]
    remaining: tuple[Finding, ...]
    #: Fixes dropped at the fixed point because they would edit outside prose, by rule
    #: (a debug count: every rule is meant to leave non-prose alone by itself).
    outside_prose: Counter[str] = field(default_factory=Counter, compare=False)

    @property
    def changed(self) -> bool:
        return bool(self.applied)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while rules run, back on after (unless it was off).

    A damaged text makes tens of thousands of findings, which live until the pass ends
    and hold no cycles; the collector, triggered by their very number, traversed them
    again and again for a fifth of a repair's time while it could free none of them.
    (The same holds for a worker's result unpickled by ``--jobs``' parent.)"""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def check_document(
    doc: Document, rules: Sequence[Rule] = RULES, outside_prose: Counter[str] | None = None
) -> list[Finding]:
    """Run ``rules`` in registry order; findings sorted by position, then rule order.

    No fix edits outside prose (``within_prose``); ``outside_prose`` counts the fixes
    dropped for that, by rule."""
    with collector_paused():
        # Each rule's findings by position, the rules in registry order: sorted by start
        # alone after that (a stable sort, by a key in C), they are in the order of
        # ``(start, rule order, end)`` (tens of thousands in a damaged text).
        findings = []
        own_names = True  # each rule's findings carry its name (a check could lend another's)
        for rule in rules:
            found = list(rule.check(doc))
            if found:
                found.sort(key=_START_END)
                findings += found
                own_names = own_names and set(map(_RULE, found)) == {rule.name}
    if not findings:
        return findings
    findings = drop_suppressed(doc.text, findings)  # `cnfix: ignore` pragmas
    if findings:
        findings = within_prose(doc, findings, rules, outside_prose)
    if own_names:
        findings.sort(key=_START)
    else:
        order = {rule.name: index for index, rule in enumerate(rules)}
        findings.sort(key=lambda f: (f.start, order[f.rule], f.end))
    return findings


_START_END = attrgetter("start", "end")
_START = attrgetter("start")
_RULE = attrgetter("rule")


def _rule_findings(doc: Document, rule: Rule, outside_prose: Counter[str]) -> list[Finding]:
    """``check_document`` of one rule, as a repair pass asks for it (the collector is
    already paused): most rules find nothing in most documents and records, and then
    cost nothing more than their check."""
    return _kept(doc, rule, list(rule.check(doc)), outside_prose)


def _kept(
    doc: Document, rule: Rule, findings: list[Finding], outside_prose: Counter[str]
) -> list[Finding]:
    """``findings`` of ``rule`` without those suppressed or outside prose, sorted."""
    if not findings:
        return findings
    findings = drop_suppressed(doc.text, findings)  # `cnfix: ignore` pragmas
    if findings:
        findings = within_prose(doc, findings, (rule,), outside_prose)
    findings.sort(key=_START_END)
    return findings


def within_prose(
    doc: Document,
    findings: list[Finding],
    rules: Sequence[Rule],
    outside_prose: Counter[str] | None = None,
) -> list[Finding]:
    """``findings`` without the fixes that would edit outside the prose of ``doc``.

    Whichever rule made it, a fix that touches code, a link target, markup, metadata
    or an address is dropped (and counted in ``outside_prose``). The finding stays,
    as a report, when its rule reports damage outside prose (mojibake in a string of
    a program); a finding of another rule that lies wholly outside prose goes too. A
    fix without edits (writing the file as UTF-8) changes no text and always stays.
    """
    protected = protected_regions(doc)
    if not protected:
        return findings
    # Most fixes lie far from every protected span: only the findings whose edits come
    # near one, or that have no edits, are looked at one by one.
    doubtful = _near_protected(protected, findings)
    if not doubtful:
        return findings
    reporting = {rule.name for rule in rules if rule.reports_outside_prose}
    dropped: set[int] = set()
    stripped: dict[int, Finding] = {}
    for index in doubtful:
        finding = findings[index]
        fix = finding.fix
        if fix is not None and fix.edits:
            if all(protected.keeps(doc.text, *edit) for edit in fix.edits):
                continue
            if outside_prose is not None:
                outside_prose[finding.rule] += 1
            if finding.rule in reporting:
                stripped[index] = finding._replace(fix=None)
            else:
                dropped.add(index)
        elif finding.rule not in reporting and protected.contains(
            finding.start, max(finding.end, finding.start + 1)
        ):
            dropped.add(index)
    if not dropped and not stripped:
        return findings
    return [
        stripped.get(index, finding)
        for index, finding in enumerate(findings)
        if index not in dropped
    ]


def _near_protected(protected: Regions | PartlyKnownRegions, findings: list[Finding]) -> set[int]:
    """Indexes of the findings without edits and of those with an edit that touches a
    protected span (``Regions.touches``), found span by span among the sorted edits
    instead of edit by edit: a damaged text has tens of thousands of fixes and a few
    protected spans."""
    doubtful = {
        index
        for index, finding in enumerate(findings)
        if finding.fix is None or not finding.fix.edits
    }
    edits = sorted(
        (edit.start, edit.end, index)
        for index, finding in enumerate(findings)
        if finding.fix is not None
        for edit in finding.fix.edits
    )
    if not edits:
        return doubtful
    starts = [edit[0] for edit in edits]
    reach = max(end - start for start, end, _ in edits)
    touches = protected.touches
    # An edit touches a span only when it starts before the span ends and no more than
    # the longest edit before the span starts.
    for span_start, span_end in zip(protected.starts, protected.ends, strict=True):
        low = bisect.bisect_left(starts, span_start - reach)
        high = bisect.bisect_left(starts, span_end)
        doubtful.update(index for start, end, index in edits[low:high] if touches(start, end))
    return doubtful


def apply_fixes(
    text: str, findings: Iterable[Finding], rules: Sequence[Rule] = RULES
) -> tuple[str, list[Finding]]:
    """Apply the fixes that do not overlap one already taken; return the text and the
    findings taken, in the order given.

    Fixes of earlier rules in the registry win a conflict; the loser waits for the
    next pass, where it is checked again against the changed text (ruff's way).
    """
    rewritten, chosen, _ = _apply(text, list(findings), rules)
    return rewritten, chosen


Edits = list[tuple[int, int, int, str]]


def _apply(
    text: str, candidates: list[Finding], rules: Sequence[Rule]
) -> tuple[str, list[Finding], Edits]:
    """``apply_fixes``, plus the edits made, sorted as ``(start, end, owner,
    replacement)``: the repair moves the protected spans along with them."""
    # One sorted list of every edit serves the conflict test, the rewrite and the move.
    edits = sorted(
        (edit.start, edit.end, owner, edit.replacement)
        for owner, finding in enumerate(candidates)
        for edit in finding.fix.edits  # type: ignore[union-attr]
    )
    rewritten = rewrite(text, edits)
    if rewritten is not None:  # no two edits conflict: the usual case
        return rewritten, candidates, edits
    ranked = sorted(_contested(edits))
    order = {rule.name: index for index, rule in enumerate(rules)}
    winners = _without_conflicts([candidates[index] for index in ranked], order)
    losers = {index for position, index in enumerate(ranked) if position not in winners}
    chosen = [f for index, f in enumerate(candidates) if index not in losers]
    edits = [edit for edit in edits if edit[2] not in losers]
    rewritten = rewrite(text, edits, strict=False)
    assert rewritten is not None  # not strict: never None
    return rewritten, chosen, edits


def repair_document(
    doc: Document,
    rules: Sequence[Rule] = RULES,
    *,
    unsafe_fixes: bool = False,
    accept: Callable[[Finding, str], bool] | None = None,
    defer_applied: bool = False,
) -> RepairResult:
    """Repair to a fixed point; raise ConvergenceError when it does not settle.

    Each pass runs the rules one after another in registry order, each on the text as
    the rules before it left it: damage comes in layers (annotations glued in, then
    commas doubled, then commas flattened), and a rule that judges the whole text (is
    its punctuation flattened? which script is it in?) should judge it with the layers
    above already gone, not once with them and again, differently, without. A pass in
    which no rule changes anything ends the repair; its findings are what is left.

    ``accept(finding, text)``, when given, is asked before each fix is applied (``repair
    -i`` asks the user); a fix it refuses stays a finding.

    ``defer_applied``: ``result.applied`` is an ``AppliedFixes``, whose findings are
    built only when read (their number and rules are known at once); the rules that
    give their safe fixes as bare edits (``rules.BULK``) build no finding per fix.
    The text and the findings are the same either way.
    """
    # A tuple, not a set: membership by identity, where a set hashes each enum member
    # in Python (once per fix: tens of thousands of calls on a damaged text).
    wanted = (Applicability.SAFE, Applicability.UNSAFE) if unsafe_fixes else (Applicability.SAFE,)
    with collector_paused():
        bulk = BULK if defer_applied and not unsafe_fixes and accept is None else None
        result = _repair_passes(doc, rules, wanted, accept, bulk)
    if defer_applied and not isinstance(result.applied, AppliedFixes):
        result = replace(result, applied=AppliedFixes([list(result.applied)], _applied_by))
    return result


def _repair_passes(
    doc: Document,
    rules: Sequence[Rule],
    wanted: tuple[Applicability, ...],
    accept: Callable[[Finding, str], bool] | None = None,
    bulk: dict[Check, Callable[[Document], BulkFixes]] | None = None,
) -> RepairResult:
    order = {rule.name: index for index, rule in enumerate(rules)}
    applied: list[Finding] = []
    # With ``bulk``: the applied fixes, in parts, those of bulk steps deferred.
    parts: list[list[Finding] | Deferred] = [applied]
    current = doc
    # What each rule found on the document it last checked, and the fixes it dropped
    # there as outside prose: a rule that changed nothing and saw no change after it
    # would be asked again, in the pass that confirms the fixed point, about the very
    # document it has already checked (its check is a function of the document). Not
    # with ``accept``, which is asked again in each pass.
    checked: dict[str, tuple[Document, list[Finding], int]] = {}
    for _ in range(MAX_PASSES):
        outside_prose: Counter[str] = Counter()  # counted in the last pass
        fixing: list[str] = []
        findings: list[Finding] = []
        by_writing: list[Finding] = []
        for rule in rules:
            last = checked.get(rule.name)
            if last is not None and last[0] is current and accept is None:
                found, dropped = last[1], last[2]
                if dropped:
                    outside_prose[rule.name] += dropped
            else:
                before = outside_prose.get(rule.name, 0)
                lean = bulk.get(rule.check) if bulk is not None else None
                step = _bulk_step(current, rule, lean, outside_prose) if lean else None
                if isinstance(step, tuple):  # its safe fixes made as bare edits
                    current, deferred = step
                    applied = []
                    parts += (deferred, applied)
                    checked.pop(rule.name, None)
                    fixing.append(rule.name)
                    continue
                found = step if step is not None else _rule_findings(current, rule, outside_prose)
                dropped = outside_prose.get(rule.name, 0) - before
                checked[rule.name] = (current, found, dropped)
            if not found:
                continue
            fixable = [f for f in found if f.fix is not None and f.fix.applicability in wanted]
            if accept is not None:
                fixable = [f for f in fixable if accept(f, current.text)]
            new_text, taken, edits = _apply(current.text, fixable, (rule,))
            if new_text != current.text:
                applied.extend(f for f in taken if f.fix.edits)  # type: ignore[union-attr]
                current = _after_edits(current, new_text, edits)
                fixing.append(rule.name)
            elif not fixing:
                # Nothing changed yet in this pass: what this rule found stands, unless
                # a later rule changes the text. Fixes without edits are fixed by
                # writing the file (as UTF-8): they count as applied, at the fixed point.
                findings.extend(found)
                by_writing.extend(f for f in taken if not f.fix.edits)  # type: ignore[union-attr]
        if not fixing:
            findings.sort(key=lambda f: (f.start, order[f.rule], f.end))
            remaining = [f for f in findings if f not in by_writing]
            done: Sequence[Finding] = tuple(applied + by_writing)
            if bulk is not None:
                done = AppliedFixes([*parts, by_writing], _applied_by)
            return RepairResult(current.text, done, tuple(remaining), outside_prose)
    raise ConvergenceError(fixing)


def _bulk_step(
    doc: Document,
    rule: Rule,
    bulk: Callable[[Document], BulkFixes],
    outside_prose: Counter[str],
) -> tuple[Document, Deferred] | list[Finding] | None:
    """``rule``'s step of a pass by its bare edits: the repaired document and the step's
    deferred findings; the rule's findings when it has no safe fix here; None where the
    per-finding path must decide (a pragma, an edit near a protected span, edits that
    conflict or change nothing)."""
    if may_hold_pragma(doc.text):
        return None
    edits, fixes, rest = bulk(doc)
    if not edits:
        return _kept(doc, rule, rest, outside_prose)
    if touches_protected(protected_regions(doc), edits):
        return None
    text = rewrite(doc.text, edits)
    if text is None or text == doc.text:
        return None
    return _after_edits(doc, text, edits), Deferred(rule, doc, fixes)


def _applied_by(rule: Rule, doc: Document) -> list[Finding]:
    """The findings whose safe fixes ``rule`` applied to ``doc`` in a repair's step: what
    the per-finding path takes (``_bulk_step`` made the same edits)."""
    with collector_paused():
        found = _rule_findings(doc, rule, Counter())
        fixable = [f for f in found if f.fix is not None and f.fix.applicability in _SAFE]
        _, taken, _ = _apply(doc.text, fixable, (rule,))
        return [f for f in taken if f.fix.edits]  # type: ignore[union-attr]


_SAFE = (Applicability.SAFE,)


def _after_edits(doc: Document, text: str, edits: Edits) -> Document:
    """``doc`` with the repaired ``text`` and its non-prose spans moved along with the
    sorted ``edits`` (which never touch them): the spans are not worked out again (for
    Markdown, by the parser) after every rule that changed something."""
    return replace(doc, text=text, protected=protected_regions(doc).shifted(edits))


def scan_text(
    text: str,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    settings: Settings | None = None,
    kind: str = "text",
) -> list[Finding]:
    """Findings for ``text``, sorted by position. Pure: no I/O, no global state.

    ``kind`` names the format, one of ``cnfix.model.KINDS`` (``text``, ``markdown``,
    ``markup``, ``json``, ``yaml``, ``table``, ``redirects``, ``code``): only its prose
    is checked for what only prose can have. ValueError for another name.
    """
    doc = Document(text, kind=_known(kind), settings=settings or Settings())
    return check_document(doc, select_rules(select, ignore))


def _known(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    return kind


def repair_text(
    text: str,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    settings: Settings | None = None,
    unsafe_fixes: bool = False,
    kind: str = "text",
    defer_applied: bool = False,
) -> RepairResult:
    """Repair ``text``; ``result.text`` is the repaired text, ``result.applied`` what changed
    (``kind`` as for ``scan_text``; ``defer_applied``: built only when read, as for
    ``repair_document``)."""
    doc = Document(text, kind=_known(kind), settings=settings or Settings())
    rules = select_rules(select, ignore)
    return repair_document(doc, rules, unsafe_fixes=unsafe_fixes, defer_applied=defer_applied)
