"""What a run found and did, counted one way for every input (files, streamed files,
stdin, JSON Lines records), and the exit status that follows from it.

Exit statuses follow ruff: 0 nothing left to do, 1 findings (or, for a repair that
writes nothing, changes to make), 2 errors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from cnfix.model import Applicability, Finding

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass
class Tally:
    """Counts of a run. ``counts``/``fixable``: findings by rule (scan: all of them;
    repair: those left); ``changed``/``written``: the units (files, records) that a
    repair changed and wrote, by key, so that a file streamed in chunks counts once."""

    counts: Counter[str] = field(default_factory=Counter)
    fixable: Counter[str] = field(default_factory=Counter)
    #: of the fixable ones, those a repair applies without ``--unsafe-fixes``
    safe: int = 0
    errors: int = 0
    remaining: int = 0
    changed: set[Hashable] = field(default_factory=set)
    written: set[Hashable] = field(default_factory=set)

    def add_findings(self, findings: Iterable[Finding]) -> None:
        findings = list(findings)
        if not findings:  # most files and records: nothing to count
            return
        self.counts.update(finding.rule for finding in findings)
        self.fixable.update(finding.rule for finding in findings if finding.fixable)
        self.safe += sum(
            finding.fix is not None and finding.fix.applicability is Applicability.SAFE
            for finding in findings
        )


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
