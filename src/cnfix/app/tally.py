"""What a run found and did, counted one way for every input (files, streamed files,
stdin, JSON Lines records), and the exit status that follows from it.

Exit statuses follow ruff: 0 nothing left to do, 1 findings (or, for a repair that
writes nothing, changes to make), 2 errors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sized
from dataclasses import dataclass, field

from cnfix.model import Applicability, Finding

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

#: What became of a finding, the words of every summary (``report.text.summary_line``):
#: fixed by this repair (or, without ``--in-place``/``-o``, would be), fixable by a
#: plain ``repair``, fixable only with ``--unsafe-fixes``, never fixed (no fix, or a
#: suggestion only), or left because its fix overlapped one that was applied and the
#: text then settled without it, or (``repair -i``) because the user skipped it.
FIXED, WOULD_FIX, SAFE, UNSAFE, REPORT_ONLY, CONFLICTED, SKIPPED = (
    "fixed",
    "would-fix",
    "safe",
    "unsafe",
    "report-only",
    "conflicted",
    "skipped",
)


def kind_of(
    finding: Finding, *, after_repair: bool, unsafe_fixes: bool, asked: bool = False
) -> str:
    """SAFE, UNSAFE, REPORT_ONLY or, for a fixable finding still there after a repair
    that could apply it, CONFLICTED (SKIPPED when the user was ``asked``)."""
    fix = finding.fix
    return _kind(
        None if fix is None else fix.applicability,
        after_repair=after_repair,
        unsafe_fixes=unsafe_fixes,
        asked=asked,
    )


def _kind(
    applicability: Applicability | None, *, after_repair: bool, unsafe_fixes: bool, asked: bool
) -> str:
    """``kind_of`` a finding whose fix has this applicability (None: no fix)."""
    if applicability is None or applicability is Applicability.DISPLAY:
        return REPORT_ONLY
    if applicability is Applicability.UNSAFE and not unsafe_fixes:
        return UNSAFE
    if not after_repair:
        return SAFE
    return SKIPPED if asked else CONFLICTED


def _columns(findings: Iterable[Finding]) -> tuple[list[str], list[Applicability | None]]:
    """Each finding's rule and its fix's applicability: read from the columns a worker
    sent when it sent some (``packing``), without building the findings."""
    columns = getattr(findings, "tally_columns", None)
    if columns is not None:
        return columns()  # type: ignore[no-any-return]
    findings = list(findings)
    return [f.rule for f in findings], [
        None if f.fix is None else f.fix.applicability for f in findings
    ]


@dataclass
class Tally:
    """Counts of a run. ``counts``/``fixable``/``safe``: findings (all, fixable, fixable
    safely) by rule (scan: all of them; repair: those left); ``kinds``: findings by what
    became of them (``kind_of``, plus FIXED or WOULD_FIX for the fixes a repair
    applied); ``checked`` and ``with_findings``: units (files, records, chunks of a
    streamed file counted once) checked and those with a finding; ``changed``/``written``:
    the units that a repair changed and wrote, by key."""

    repair: bool = False
    unsafe_fixes: bool = False
    asked: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    fixable: Counter[str] = field(default_factory=Counter)
    safe: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    remaining: int = 0
    checked: set[Hashable] = field(default_factory=set)
    with_findings: set[Hashable] = field(default_factory=set)
    changed: set[Hashable] = field(default_factory=set)
    written: set[Hashable] = field(default_factory=set)

    def add_findings(
        self, key: Hashable, findings: Iterable[Finding], *, after_repair: bool | None = None
    ) -> None:
        """Count the findings of a unit checked (by a scan, or left by a repair; a
        repair's fixes that were not written count as ``after_repair=False``)."""
        self.checked.add(key)
        if isinstance(findings, Sized) and not findings:  # most files and records
            return
        rules, fixes = _columns(findings)
        if not rules:
            return
        self.with_findings.add(key)
        after = self.repair if after_repair is None else after_repair
        unsafe_fixes = self.unsafe_fixes and after
        # Each distinct (rule, applicability) once, in the order of its first finding.
        for (rule, fix), count in Counter(zip(rules, fixes, strict=True)).items():
            self.counts[rule] += count
            if fix is not None and fix is not Applicability.DISPLAY:
                self.fixable[rule] += count
            kind = _kind(fix, after_repair=after, unsafe_fixes=unsafe_fixes, asked=self.asked)
            self.kinds[kind] += count
            if kind == SAFE:
                self.safe[rule] += count

    def add_fixed(self, key: Hashable, count: int, *, written: bool) -> None:
        """Count the fixes applied to a unit: FIXED when written, else WOULD_FIX."""
        self.with_findings.add(key)
        self.kinds[FIXED if written else WOULD_FIX] += count


def scan_exit_code(tally: Tally, *, exit_zero: bool) -> int:
    """2 on errors, else 1 with findings (unless ``exit_zero``), else 0."""
    if tally.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if tally.counts and not exit_zero else EXIT_CLEAN


def repair_exit_code(
    tally: Tally, *, writes: bool, check: bool, exit_zero: bool, exit_non_zero_on_fix: bool
) -> int:
    """2 on errors; 0 with ``exit_zero``; 1 when something was written and
    ``exit_non_zero_on_fix``; when nothing is written (``--check``, or neither
    ``--in-place`` nor ``-o``), 1 if anything would change or is left; else 1 if
    findings are left."""
    if tally.errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    if exit_non_zero_on_fix and tally.written:
        return EXIT_FINDINGS
    if check or not writes:
        return EXIT_FINDINGS if tally.changed or tally.remaining else EXIT_CLEAN
    return EXIT_FINDINGS if tally.remaining else EXIT_CLEAN
