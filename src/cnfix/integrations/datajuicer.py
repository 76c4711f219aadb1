"""``cnfix_mapper``: cnfix as a data-juicer operator (extra ``cnfix[data-juicer]``).

Importing this module registers the operator; a recipe then names it::

    process:
      - cnfix_mapper:
          text_key: text
          ignore: [mixed-script]

and runs with ``open_tracer: true`` to keep, per changed sample, the text before and
after (data-juicer's ``trace/sample_trace-cnfix_mapper.jsonl``). Each sample also gets,
under ``summary_key``, the record summary of ``cnfix.integrations.records``: fixes and
findings per rule, and the findings left (in JSON).
"""

from __future__ import annotations

from typing import Any

from data_juicer.ops.base_op import OPERATORS, Mapper

from cnfix.integrations.records import RepairOptions, repair_record

OP_NAME = "cnfix_mapper"


@OPERATORS.register_module(OP_NAME)
class CnfixMapper(Mapper):
    """Repair each sample's text as ``cnfix repair --jsonl`` repairs a record."""

    def __init__(
        self,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        to: str = "auto",
        unsafe_fixes: bool = False,
        summary_key: str | None = "cnfix",
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.options = RepairOptions.build(select, ignore, to, unsafe_fixes)
        self.summary_key = summary_key

    def process_single(self, sample: dict[str, Any]) -> dict[str, Any]:
        repair = repair_record(sample[self.text_key], self.options)
        sample[self.text_key] = repair.text
        if self.summary_key is not None:
            sample[self.summary_key] = repair.summary(findings_as_json=True)
        return sample
