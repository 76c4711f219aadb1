"""What a review report of a run holds, gathered as the run goes, in bounded memory.

A cleaning run over 10 GB sees millions of records; the report keeps exact totals per
rule, totals for the files with the most findings (``max_files``), and for each rule a
uniform random sample (reservoir sampling, seeded: the same run gives the same report)
of ``samples_per_rule`` before/after snippets of at most ``SNIPPET_CHARS`` characters.
Snippets are cut only for the units the sample keeps, so their cost does not grow
with the run.
"""

from __future__ import annotations

import difflib
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cnfix.model import Finding
from cnfix.report.diff import changed_lines

#: Characters of context kept on each side of a change in a sample.
SNIPPET_CONTEXT = 60
#: Longest side of a sample, before or after.
SNIPPET_CHARS = 400

#: ``locate(text, rule, kind)``: the findings of one rule in a text of that kind (the
#: run's settings applied), to show a repair's sample where that rule acted.
Locate = Callable[[str, str, str], Sequence[Finding]]


@dataclass(frozen=True)
class Sample:
    """One place a rule found or fixed something: where, and the text before and after
    (``after`` is None for a finding without a fix)."""

    rule: str
    where: str
    before: str
    after: str | None


@dataclass
class FileTotals:
    changed: int = 0
    flagged: int = 0  # units with findings (left, after a repair)
    fixed: int = 0
    left: int = 0


@dataclass
class Review:
    """The report's data: totals per rule and per file, samples per rule."""

    mode: str  # "scan" or "repair"
    unit: str  # "file" or "record"
    units: int = 0
    changed: int = 0
    flagged: int = 0  # units with findings (left, after a repair)
    fixed: Counter[str] = field(default_factory=Counter)
    left: Counter[str] = field(default_factory=Counter)
    touched: Counter[str] = field(default_factory=Counter)
    codes: dict[str, str] = field(default_factory=dict)  # rule name → code
    files: dict[str, FileTotals] = field(default_factory=dict)
    files_seen: int = 0
    files_shown: int = 100
    samples: dict[str, list[Sample]] = field(default_factory=dict)


def finding_sample(text: str, finding: Finding, where: str) -> Sample:
    """The finding in its lines' context, and that context with the finding's own fix
    applied (all of it, then both sides cut to size)."""
    edits = finding.fix.edits if finding.fix is not None and finding.fixable else ()
    start = min([finding.start, *(edit.start for edit in edits)])
    end = max([finding.end, *(edit.end for edit in edits)])
    line_end = text.find("\n", end)
    left = max(text.rfind("\n", 0, start) + 1, start - SNIPPET_CONTEXT)
    right = min(len(text) if line_end < 0 else line_end, end + SNIPPET_CONTEXT)
    before = text[left:right]
    if not edits:
        return Sample(finding.rule, where, before[:SNIPPET_CHARS], None)
    after = before
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        after = after[: edit.start - left] + edit.replacement + after[edit.end - left :]
    return Sample(finding.rule, where, *_trimmed(before, after))


def _trimmed(old: str, new: str) -> tuple[str, str]:
    """Both sides cut to the changes that start within ``2 * SNIPPET_CONTEXT``
    characters of the first one (as many as fit in ``SNIPPET_CHARS``), with up to
    ``SNIPPET_CONTEXT`` of the unchanged text around them, the same on both sides.

    The character diff runs on a window from just before the first difference, a little
    longer than what is shown: its cost is bounded however long the changed lines are."""
    shorter = min(len(old), len(new))
    same = next((i for i in range(shorter) if old[i] != new[i]), shorter)
    start = max(0, same - SNIPPET_CONTEXT)
    end = start + SNIPPET_CHARS + 2 * SNIPPET_CONTEXT
    old, new = old[start:end], new[start:end]
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    changes = [index for index, op in enumerate(opcodes) if op[0] != "equal"]
    if not changes:
        return old[:SNIPPET_CHARS], new[:SNIPPET_CHARS]
    first = opcodes[changes[0]]
    old_start = max(0, first[1] - SNIPPET_CONTEXT)
    new_start = first[3] - (first[1] - old_start)  # the same unchanged text before
    last = changes[0]
    for index in changes[1:]:
        op = opcodes[index]
        fits = max(op[2] - old_start, op[4] - new_start) + SNIPPET_CONTEXT <= SNIPPET_CHARS
        if op[1] - first[1] > 2 * SNIPPET_CONTEXT or not fits:
            break
        last = index
    _, _, old_end, _, new_end = opcodes[last]
    if last + 1 < len(opcodes):  # an unchanged stretch follows: some of it on both sides
        after = min(SNIPPET_CONTEXT, opcodes[last + 1][2] - old_end)
        old_end, new_end = old_end + after, new_end + after
    return old[old_start : min(old_end, old_start + SNIPPET_CHARS)], new[
        new_start : min(new_end, new_start + SNIPPET_CHARS)
    ]


class ReviewCollector:
    """Feeds a ``Review`` from a run's outcomes, one unit (file, chunk or record) at a time."""

    def __init__(
        self,
        mode: str,
        unit: str = "file",
        *,
        locate: Locate | None = None,
        samples_per_rule: int = 3,
        max_files: int = 100,
        seed: int = 0,
    ) -> None:
        self.review = Review(mode, unit, files_shown=max_files)
        self.locate = locate
        self.samples_per_rule = samples_per_rule
        self.max_files = max_files
        self._random = random.Random(seed)
        self._seen_by_rule: Counter[str] = Counter()

    def _keep(self, rule: str) -> int | None:
        """Reservoir sampling: the slot this unit takes in ``rule``'s sample, or None."""
        self._seen_by_rule[rule] += 1
        samples = self.review.samples.setdefault(rule, [])
        if len(samples) < self.samples_per_rule:
            samples.append(Sample(rule, "", "", None))
            return len(samples) - 1
        slot = self._random.randrange(self._seen_by_rule[rule])
        return slot if slot < self.samples_per_rule else None

    def _file(self, path: str) -> FileTotals:
        files = self.review.files
        totals = files.get(path)
        if totals is None:
            self.review.files_seen += 1
            if len(files) >= 4 * self.max_files:  # keep the files with the most to show
                ranked = sorted(files.items(), key=lambda item: -(item[1].fixed + item[1].left))
                self.review.files = files = dict(ranked[: self.max_files])
            totals = files[path] = FileTotals()
        return totals

    def add(
        self,
        path: str,
        where: str,
        text: str,
        findings: Sequence[Finding],
        repaired: str | None = None,
        applied: Sequence[Finding] = (),
        *,
        first_line: int = 1,
        kind: str = "text",
        new_unit: bool = True,
    ) -> None:
        """One unit: its findings (left, after a repair), and for a repair its new text
        and the fixes applied. ``where`` names it in samples (``path`` or ``path:record``);
        a chunk of a streamed file after its first is not ``new_unit``."""
        review = self.review
        totals = self._file(path)
        if new_unit:
            review.units += 1
        changed = repaired is not None and repaired != text
        if changed:
            review.changed += 1
            totals.changed += 1
        if findings:
            review.flagged += 1
            totals.flagged += 1
        fixed = Counter(finding.rule for finding in applied)
        left = Counter(finding.rule for finding in findings)
        review.fixed.update(fixed)
        review.left.update(left)
        totals.fixed += sum(fixed.values())
        totals.left += sum(left.values())
        for finding in (*applied, *findings):
            review.codes.setdefault(finding.rule, finding.code)
        for rule in fixed.keys() | left.keys():
            review.touched[rule] += 1
            slot = self._keep(rule)
            if slot is None:
                continue
            if changed and rule in fixed:
                assert repaired is not None
                sample = self._repair_sample(rule, where, text, repaired, first_line, kind)
            else:  # a finding left, or a fix made by writing the file (no edit)
                first = next(f for f in (*findings, *applied) if f.rule == rule)
                at = self._where(where, text, first.start, first_line)
                sample = finding_sample(text, first, at)
            review.samples[rule][slot] = sample

    @staticmethod
    def _where(where: str, text: str, offset: int, first_line: int) -> str:
        return f"{where}:{text.count(chr(10), 0, offset) + first_line}"

    def _repair_sample(
        self, rule: str, where: str, text: str, repaired: str, first_line: int, kind: str
    ) -> Sample:
        """The changed lines of this unit where ``rule`` finds something in the original
        (the first changed lines when it only found something once other fixes were made,
        or without ``locate``)."""
        changes = changed_lines(text, repaired, first_line)
        chosen = changes[0]
        found = ()
        if len(changes) > 1 and self.locate is not None:  # which of them is the rule's?
            found = self.locate(text, rule, kind)
        fixable = [f for f in found if f.fixable] or found
        if fixable:
            line = text.count("\n", 0, fixable[0].start) + first_line
            chosen = next(
                (c for c in changes if c.old_number <= line < c.old_number + max(len(c.old), 1)),
                chosen,
            )
        before, after = _trimmed("\n".join(chosen.old), "\n".join(chosen.new))
        return Sample(rule, f"{where}:{chosen.old_number}", before, after)
