"""Doctests run over ``src/cnfix`` (``--doctest-modules``): the modules of an optional
extra are left out when its library is not installed, as importing them would fail."""

from __future__ import annotations

import importlib.util

#: Module paths (globs, from this folder) → the library each needs.
_OPTIONAL = {
    "src/cnfix/lsp/features.py": "lsprotocol",
    "src/cnfix/lsp/server.py": "pygls",
    "src/cnfix/lsp/__main__.py": "pygls",
    "src/cnfix/integrations/datatrove.py": "datatrove",
    "src/cnfix/integrations/datajuicer.py": "data_juicer",
}

collect_ignore_glob = [
    path for path, library in _OPTIONAL.items() if importlib.util.find_spec(library) is None
]
