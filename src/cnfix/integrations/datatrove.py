"""``CnfixFormatter``: cnfix as a datatrove formatter (extra ``cnfix[datatrove]``)::

    LocalPipelineExecutor(
        [JsonlReader("raw/"), CnfixFormatter(), JsonlWriter("clean/")], logging_dir="logs/"
    ).run()

The run's stats (``logs/stats.json``) count the documents changed and the fixes
applied per rule (``fixed/<rule>``) and left (``left/<rule>``); each document's
metadata gets the record summary of ``cnfix.integrations.records`` under ``cnfix``.
"""

from __future__ import annotations

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.utils.typeshelper import StatHints

from cnfix.integrations.records import RepairOptions, repair_record


class CnfixFormatter(BaseFormatter):
    """Repair each document's text as ``cnfix repair --jsonl`` repairs a record."""

    name = "🀄 cnfix"

    def __init__(
        self,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        to: str = "auto",
        unsafe_fixes: bool = False,
        metadata_key: str | None = "cnfix",
    ) -> None:
        super().__init__()
        self.options = RepairOptions.build(select, ignore, to, unsafe_fixes)
        self.metadata_key = metadata_key

    def format(self, text: str) -> str:
        return repair_record(text, self.options).text

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                repair = repair_record(doc.text, self.options)
            doc.text = repair.text
            if repair.changed:
                self.stat_update("changed")
            for key, counts in (("fixed", repair.fixed), ("left", repair.left)):
                for rule, count in counts.items():
                    if count:
                        self.stat_update(f"{key}/{rule}", value=count)
            if self.metadata_key is not None:
                doc.metadata[self.metadata_key] = repair.summary()
            yield doc
