"""Pipeline steps for data-cleaning tools, each behind its own optional extra.

- ``cnfix.integrations.datatrove``: ``CnfixFormatter``, a datatrove formatter
  (``cnfix[datatrove]``);
- ``cnfix.integrations.datajuicer``: ``CnfixMapper``, the data-juicer operator
  ``cnfix_mapper`` (``cnfix[data-juicer]``);
- ``cnfix.integrations.datasets``: ``repair_example`` for ``datasets.Dataset.map``
  (``cnfix[datasets]``).

All three repair one text per record as ``cnfix repair --jsonl`` does and describe the
repair with ``records.repair_record``; the core never imports this package.
"""
