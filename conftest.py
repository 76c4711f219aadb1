"""Doctests run over ``src/cnfix`` (``--doctest-modules``): the modules of an optional
extra are left out when its library is not installed, as importing them would fail, and
the data-juicer step always (it has no doctest, and importing data-juicer takes seconds
of every run; tests/test_integration_datajuicer.py runs it, marked slow)."""

from __future__ import annotations

import importlib.util

#: Module paths (from this folder) → the library each needs.
_OPTIONAL = {
    "src/cnfix/lsp/features.py": "lsprotocol",
    "src/cnfix/lsp/server.py": "pygls",
    "src/cnfix/integrations/datatrove.py": "datatrove",
}

collect_ignore_glob = [
    "src/cnfix/integrations/datajuicer.py",
    *(path for path, library in _OPTIONAL.items() if importlib.util.find_spec(library) is None),
]
