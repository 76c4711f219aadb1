"""``cnfix server``: the language server (optional extra ``cnfix[lsp]``, built on pygls).

Editors get the findings of ``cnfix scan`` as diagnostics while the user types, each
fix as a code action, "fix all safe problems" as a source action and the rule's
documentation on hover. Every edit comes from the engine (``scan_text`` /
``repair_text``), so the server changes nothing that ``cnfix repair`` would not.
The core never imports this package.
"""
