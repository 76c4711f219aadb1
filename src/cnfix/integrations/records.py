"""One record's repair as plain data, shared by the pipeline steps (no third-party import).

The shape is the same for every record, whatever was found, so that columnar tools
(Arrow under ``datasets`` and data-juicer) see one schema: a count for every
registered rule, and the findings left, as a list of fixed-key dicts or, for Arrow, as
that list in JSON (Arrow types a batch whose lists are all empty as a list of nulls,
and then cannot take a later batch with findings in it).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cnfix import Settings, repair_text
from cnfix.rules import RULES, select_rules
from cnfix.rules.script.options import validate_target_script


@dataclass(frozen=True)
class RepairOptions:
    """The options of ``cnfix repair`` that a pipeline step takes."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    to: str = "auto"
    unsafe_fixes: bool = False

    @classmethod
    def build(
        cls,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] | None = None,
        to: str = "auto",
        unsafe_fixes: bool = False,
    ) -> RepairOptions:
        """The options from a step's keyword arguments (lists, as recipes give them)."""
        return cls(None if select is None else tuple(select), tuple(ignore or ()), to, unsafe_fixes)

    def __post_init__(self) -> None:
        select_rules(self.select, self.ignore)  # unknown rule names fail at set-up, not per record
        # normalised as --to is; a ValueError (TargetScriptError) for an unknown one
        object.__setattr__(self, "to", validate_target_script(self.to))


@dataclass(frozen=True)
class RecordRepair:
    """The repaired text and what changed: fixes applied and findings left, per rule."""

    text: str
    changed: bool
    fixed: dict[str, int]
    left: dict[str, int]
    findings: list[dict[str, Any]]

    def summary(self, *, findings_as_json: bool = False) -> dict[str, Any]:
        """What a record carries beside its text (the same keys for every record)."""
        return {
            "changed": self.changed,
            "fixed": self.fixed,
            "left": self.left,
            "findings": json.dumps(self.findings, ensure_ascii=False)
            if findings_as_json
            else self.findings,
        }


def _per_rule(counts: Counter[str]) -> dict[str, int]:
    return {rule.name: counts.get(rule.name, 0) for rule in RULES}


def repair_record(text: str, options: RepairOptions = RepairOptions()) -> RecordRepair:
    """Repair ``text`` as ``cnfix repair --jsonl`` repairs a record's field.

    ``findings`` are those left in the repaired text, with offsets into it.
    """
    result = repair_text(
        text,
        select=options.select,
        ignore=options.ignore,
        settings=Settings(target_script=options.to),
        unsafe_fixes=options.unsafe_fixes,
    )
    return RecordRepair(
        text=result.text,
        changed=result.changed,
        fixed=_per_rule(Counter(finding.rule for finding in result.applied)),
        left=_per_rule(Counter(finding.rule for finding in result.remaining)),
        findings=[
            {
                "rule": finding.rule,
                "code": finding.code,
                "start": finding.start,
                "end": finding.end,
                "message": finding.message,
            }
            for finding in result.remaining
        ],
    )


def total_by_rule(summaries: Iterable[Mapping[str, Any]], key: str = "fixed") -> Counter[str]:
    """Per-rule totals over record summaries (``fixed`` or ``left``); rules at 0 left out."""
    totals: Counter[str] = Counter()
    for summary in summaries:
        totals.update({rule: n for rule, n in summary[key].items() if n})
    return totals
