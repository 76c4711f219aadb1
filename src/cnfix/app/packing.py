"""Findings sent back by a worker process as columns, built again only when read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from cnfix.app.runner import FileOutcome
from cnfix.engine.deferred import AppliedFixes
from cnfix.model import Applicability, Edit, Finding, Fix

_APPLICABILITY = tuple(Applicability)


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


def packed(outcome: FileOutcome) -> FileOutcome:
    """``outcome`` with its findings ready to travel as columns."""
    outcome.findings = PackedFindings(outcome.findings)
    if not isinstance(outcome.applied, AppliedFixes):  # deferred: built only if read
        outcome.applied = PackedFindings(outcome.applied)
    return outcome
