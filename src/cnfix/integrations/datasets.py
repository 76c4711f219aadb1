"""``RepairColumn``: cnfix for ``datasets.Dataset.map`` (extra ``cnfix[datasets]``)::

    clean = load_dataset("json", data_files="raw.jsonl", split="train").map(RepairColumn())
    total_by_rule(clean["cnfix"])  # Counter({'stray-comma': 86, 'mojibake': 6, ...})

The column is repaired as ``cnfix repair --jsonl`` repairs a record's field, and
``summary_column`` gets the record summary of ``cnfix.integrations.records`` (its
findings in JSON).
"""

from __future__ import annotations

from typing import Any

from cnfix.integrations.records import RepairOptions, repair_record, total_by_rule

__all__ = ["RepairColumn", "total_by_rule"]


class RepairColumn:
    """A picklable ``example -> changes`` function (so ``num_proc`` works, and
    ``datasets`` can fingerprint it for its cache)."""

    def __init__(
        self,
        column: str = "text",
        summary_column: str | None = "cnfix",
        *,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        to: str = "auto",
        unsafe_fixes: bool = False,
    ) -> None:
        self.column = column
        self.summary_column = summary_column
        self.options = RepairOptions.build(select, ignore, to, unsafe_fixes)

    def __call__(self, example: dict[str, Any]) -> dict[str, Any]:
        repair = repair_record(example[self.column], self.options)
        changes: dict[str, Any] = {self.column: repair.text}
        if self.summary_column is not None:
            changes[self.summary_column] = repair.summary(findings_as_json=True)
        return changes
