"""Findings sent back by a worker process as columns, built again only when read; or,
when the caller only counts them (``RunOptions.brief``), only their rules and how they
can be fixed (``CountedFindings``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from cnfix.app.runner import FileOutcome, RunOptions
from cnfix.engine.deferred import AppliedFixes
from cnfix.model import Applicability, Edit, Finding, Fix

_APPLICABILITY = tuple(Applicability)
_KIND: dict[int, Applicability | None] = {-1: None, **dict(enumerate(_APPLICABILITY))}


def _indexes(kinds: list[Applicability | None]) -> list[int]:
    """Each kind's index in ``_KIND`` (-1: no fix). By position in a tuple, not by a
    dict: an enum member hashes in Python, once per fix of a damaged text."""
    return [-1 if kind is None else _APPLICABILITY.index(kind) for kind in kinds]


class PackedFindings(list[Finding]):
    """A list of findings that a worker sends back as columns, not as objects.

    Pickled one by one, the tens of thousands of findings of a damaged chunk cost more
    than repairing it (four objects each, built again by Python calls on arrival). As
    columns (rules, codes, offsets, messages, fixes) they pickle as plain lists, and
    arrive as ``UnpackedFindings``, built into findings only when someone reads them:
    ``repair -q -o`` only counts them. In the process that made it, it is a list.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        spelled: dict[str, str] = {}  # one object per distinct message: pickled once
        fixes = [f.fix for f in self]
        edits = [edit for fix in fixes if fix is not None for edit in fix.edits]
        columns = (
            [f.rule for f in self],
            [f.code for f in self],
            [f.start for f in self],
            [f.end for f in self],
            [spelled.setdefault(f.message, f.message) for f in self],
            [None if fix is None else fix.title for fix in fixes],
            [0 if fix is None else _APPLICABILITY.index(fix.applicability) for fix in fixes],
            [0 if fix is None else len(fix.edits) for fix in fixes],
            [edit.start for edit in edits],
            [edit.end for edit in edits],
            [edit.replacement for edit in edits],
        )
        return UnpackedFindings, columns


class UnpackedFindings(Sequence[Finding]):
    """``PackedFindings`` after the trip: its length at once, its findings on first read."""

    def __init__(self, *columns: list[Any]) -> None:
        self._columns: tuple[list[Any], ...] | None = columns
        self._size = len(columns[0])
        self._items: list[Finding] = []

    def _built(self) -> list[Finding]:
        if self._columns is not None:
            rules, codes, starts, ends, messages, titles, kinds, counts, *edits = self._columns
            all_edits = list(map(Edit, *edits))
            items = []
            at = 0
            for rule, code, start, end, message, title, kind, count in zip(
                rules, codes, starts, ends, messages, titles, kinds, counts, strict=True
            ):
                fix = None
                if title is not None:
                    fix = Fix(tuple(all_edits[at : at + count]), title, _APPLICABILITY[kind])
                    at += count
                items.append(Finding(rule, code, start, end, message, fix))
            self._items = items
            self._columns = None
        return self._items

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        return self._built()[index]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    __hash__ = None  # type: ignore[assignment]

    def by_rule(self) -> Counter[str]:
        """How many findings of each rule (``report.text.count_by_rule``: the inline
        diff's header), read from the columns when the findings were not built."""
        return Counter(self._columns[0] if self._columns is not None else self.tally_columns()[0])

    def tally_columns(self) -> tuple[list[str], list[Applicability | None]]:
        """Each finding's rule and its fix's applicability (None: no fix), read from the
        columns when the findings were not built (``tally.Tally.add_findings``)."""
        if self._columns is None:
            return _tally_columns(self._items)
        rules, titles, kinds = self._columns[0], self._columns[5], self._columns[6]
        return rules, [
            None if title is None else _APPLICABILITY[kind]
            for title, kind in zip(titles, kinds, strict=True)
        ]


def _tally_columns(findings: Sequence[Finding]) -> tuple[list[str], list[Applicability | None]]:
    return [f.rule for f in findings], [
        None if f.fix is None else f.fix.applicability for f in findings
    ]


class CountedOnly(PackedFindings):
    """Findings that a worker sends back only to be counted (``RunOptions.brief``): as
    their rules and applicabilities, which arrive as ``CountedFindings``."""

    def __reduce__(self) -> tuple[Any, ...]:
        rules, kinds = _tally_columns(self)
        return CountedFindings, (rules, _indexes(kinds))


_UNREADABLE = "findings sent only to be counted (RunOptions.brief) cannot be read"


class CountedFindings(Sequence[Finding]):
    """``CountedOnly`` after the trip: as many as were sent, each with its rule and the
    applicability of its fix, all that a tally reads; nothing more to read."""

    def __init__(self, rules: list[str], kinds: list[int]) -> None:
        self._rules = rules
        self._kinds = kinds

    def __len__(self) -> int:
        return len(self._rules)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        raise TypeError(_UNREADABLE)

    def __iter__(self) -> Iterator[Finding]:
        raise TypeError(_UNREADABLE)

    def tally_columns(self) -> tuple[list[str], list[Applicability | None]]:
        return self._rules, [_KIND[kind] for kind in self._kinds]


def packed(
    outcome: FileOutcome, options: RunOptions | None = None, *, lines: bool = True
) -> FileOutcome:
    """``outcome`` with its findings ready to travel as columns; with
    ``options.brief``, only what the caller reads of it (``brief``; ``lines``: whether
    the lines of its findings left can be printed now: not for a chunk, whose writing is
    still to come)."""
    outcome.findings = PackedFindings(outcome.findings)
    if not isinstance(outcome.applied, AppliedFixes):  # deferred: built only if read
        outcome.applied = PackedFindings(outcome.applied)
    if options is not None and options.brief:
        written = outcome.written is not None
        brief(outcome, written=written, left_lines=options.left_lines if lines else None)
    return outcome


def _counted(applied: Sequence[Finding]) -> Sequence[Finding]:
    """Applied fixes as counts only: deferred ones (``AppliedFixes``) from their columns,
    without building a finding."""
    if isinstance(applied, AppliedFixes):
        rules, kinds = applied.tally_columns()
        return CountedFindings(rules, _indexes(kinds))
    return CountedOnly(applied)


def brief_record(record: Any, options: RunOptions) -> None:
    """``brief`` for a JSON Lines record: written when the run writes (the line itself
    is in its block's output, and no diff reads it)."""
    if record.changed:
        record.line, record.original = b"", None
    brief(record, written=options.write, left_lines=options.left_lines)


def brief(outcome: Any, *, written: bool, left_lines: Callable[..., list[str]] | None) -> None:
    """A unit (file, chunk or record) as a caller reads it that only counts its fixes
    and prints the findings left in it (``RunOptions.brief``). Its fixes go as counts.
    With ``left_lines`` (``RunOptions.left_lines``), the lines of its findings left are
    printed here, without the label (the caller prints its label before each), and
    its findings and texts go as counts and nothing. Without, its text before the
    repair is left out when no finding is left to print in it or it is ``written`` (the
    repaired text stays: it is what is written, and holds the findings left once
    written). ``changed`` is as it was."""
    if left_lines is not None and outcome.findings:
        outcome.printed = left_lines(
            "",
            outcome.text,
            outcome.repaired,
            outcome.findings,
            first_line=outcome.first_line,
            written=written or not outcome.changed,
        )
        outcome.findings = CountedOnly(outcome.findings)
        outcome.text = ""
        if outcome.repaired is not None:
            outcome.repaired = ""
    if outcome.changed:
        outcome.applied = _counted(outcome.applied)
        if written or not outcome.findings:
            outcome.text = ""
        if left_lines is not None:  # written, or not: nothing is left to print in it
            outcome.repaired = ""
