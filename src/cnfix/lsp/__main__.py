"""``python -m cnfix.lsp``: the language server on stdin/stdout."""

from cnfix.lsp.server import main

main()
