"""The fixes a repair applied, built as findings only when someone reads them.

A rule that offers its safe fixes as bare edits (``rules.BULK``) is repaired without a
finding per fix where the caller said no one reads them (``repair -q -o``): the repair
keeps, for each such step, the rule and the document it fixed, and builds the findings
of that step (the rule's check on that document, as the per-finding path would have
taken them) only when the applied fixes are iterated. Their number and their rules are
known at once.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from typing import Any

from cnfix.model import Applicability, Document, Finding, Rule
from cnfix.text.regions import PartlyKnownRegions, Regions


class Deferred:
    """A step whose findings are built on first read: ``rule`` applied ``count`` safe
    fixes to ``doc``."""

    __slots__ = ("count", "doc", "rule")

    def __init__(self, rule: Rule, doc: Document, count: int) -> None:
        self.rule, self.doc, self.count = rule, doc, count


#: Builds the findings of a deferred step: ``(rule, doc) -> findings applied``.
Builder = Callable[[Rule, Document], list[Finding]]


class AppliedFixes(Sequence[Finding]):
    """The findings whose fixes a repair applied, in the order applied: their number and
    rules at once, the findings of deferred steps built on first read (then kept)."""

    def __init__(self, parts: list[list[Finding] | Deferred], build: Builder) -> None:
        self._parts: list[list[Finding] | Deferred] | None = parts
        self._build = build
        self._size = sum(part.count if isinstance(part, Deferred) else len(part) for part in parts)
        self._items: tuple[Finding, ...] = ()

    def _built(self) -> tuple[Finding, ...]:
        if self._parts is not None:
            items: list[Finding] = []
            for part in self._parts:
                if isinstance(part, Deferred):
                    built = self._build(part.rule, part.doc)
                    if len(built) != part.count:  # the bulk edits and the check disagree
                        raise AssertionError(
                            f"{part.rule.name}: {part.count} bulk fixes, {len(built)} findings"
                        )
                    items.extend(built)
                else:
                    items.extend(part)
            self._items = tuple(items)
            self._parts = None  # the documents are no longer held
        return self._items

    def by_rule(self) -> Counter[str]:
        """How many fixes of each rule, without building a finding."""
        if self._parts is None:
            return Counter(finding.rule for finding in self._items)
        counts: Counter[str] = Counter()
        for part in self._parts:
            if isinstance(part, Deferred):
                counts[part.rule.name] += part.count
            else:
                counts.update(finding.rule for finding in part)
        return counts

    def tally_columns(self) -> tuple[list[str], list[Applicability | None]]:
        """Each fix's rule and applicability, in order, without building a finding (what
        a tally counts); a deferred step's fixes are all safe."""
        rules: list[str] = []
        kinds: list[Applicability | None] = []
        for part in self._parts if self._parts is not None else [list(self._items)]:
            if isinstance(part, Deferred):
                rules += [part.rule.name] * part.count
                kinds += [Applicability.SAFE] * part.count
            else:
                rules += [finding.rule for finding in part]
                kinds += [None if f.fix is None else f.fix.applicability for f in part]
        return rules, kinds

    def __len__(self) -> int:
        return self._size

    def __bool__(self) -> bool:
        return self._size > 0

    def __getitem__(self, index: Any) -> Any:
        return self._built()[index]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AppliedFixes):
            other = other._built()
        return isinstance(other, Sequence) and self._built() == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent to another process built: the documents stay here."""
        return tuple, (self._built(),)

    def __repr__(self) -> str:
        return f"AppliedFixes({list(self._built())!r})"


def touches_protected(
    protected: Regions | PartlyKnownRegions, edits: list[tuple[int, int, int, str]]
) -> bool:
    """Whether one of the sorted ``edits`` touches a protected span (``Regions.touches``):
    then the per-finding path decides which fixes stay. Edits that overlap each other
    may be answered wrongly: they never reach the text (``rewrite`` refuses them).

    Found span by span (two bisections each), not edit by edit: a damaged text has tens
    of thousands of edits and a few protected spans."""
    if not edits or not protected:
        return False
    touches = protected.touches
    # Per span, in C: where the edits that start in it begin and end (a 1-tuple sorts
    # before every edit that starts at that offset).
    firsts = map(bisect.bisect_left, repeat(edits), zip(protected.starts))
    afters = map(bisect.bisect_left, repeat(edits), zip(protected.ends))
    for span_start, first, after in zip(protected.starts, firsts, afters, strict=True):
        if first == after and (not first or edits[first - 1][1] <= span_start):
            continue  # none starts in it, and the one before ends before it
        # The edit before the span (the only one that can reach into it, the edits not
        # overlapping), then those that start inside it.
        for edit in edits[max(first - 1, 0) : after]:
            if touches(edit[0], edit[1]):
                return True
    return False
