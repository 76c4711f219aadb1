"""The pygls wiring: documents in, diagnostics and edits out, on stdin/stdout.

State lives in one ``DocumentScans`` per server: the latest scan of each open
document and its pending (debounced) rescan.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from cnfix import Settings, __version__
from cnfix.config import ConfigError, load_config
from cnfix.lsp import features
from cnfix.rules.script.options import TargetScriptError, validate_target_script

#: Seconds without a change before a document is scanned again.
DEBOUNCE_SECONDS = 0.3


@dataclass(frozen=True)
class ScanOptionsResult:
    """The options for a document, or the defaults and why its configuration is not used."""

    options: features.ScanOptions
    error: str | None = None


def scan_options(uri: str, language_id: str, text: str) -> ScanOptionsResult:
    """The kind of the document and the ``[tool.cnfix]`` that applies to the file behind
    ``uri`` (none for unsaved buffers), or the configuration error to show instead."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    kind = features.document_kind(language_id, path, text)
    if path is None:
        return ScanOptionsResult(features.ScanOptions(kind=kind))
    try:
        config = load_config(Path(path).parent)
    except ConfigError as error:
        return ScanOptionsResult(features.ScanOptions(kind=kind), str(error))
    try:
        target = validate_target_script(str(config.get("to", "auto")))
    except TargetScriptError as error:
        message = f"{config.path}: [tool.cnfix] to: {error}"
        return ScanOptionsResult(features.ScanOptions(kind=kind), message)
    select = config.get("select")
    options = features.ScanOptions(
        kind=kind,
        select=tuple(select) if select is not None else None,
        ignore=tuple(config.get("ignore", ())),
        settings=Settings(target_script=target),
    )
    return ScanOptionsResult(options)


@dataclass
class DocumentScans:
    """Per-server state: the last scan of each open document, its pending rescan and
    the configuration errors already shown (each once)."""

    scans: dict[str, features.Scan] = field(default_factory=dict)
    pending: dict[str, asyncio.Task] = field(default_factory=dict)
    shown_errors: set[str] = field(default_factory=set)


def build_server() -> LanguageServer:
    """A language server with cnfix's features registered and its own state."""
    server = LanguageServer(
        "cnfix", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
    )
    state = DocumentScans()

    def encoding() -> str:
        """The position encoding agreed with the client (an enum member or a string)."""
        agreed = server.workspace.position_encoding or "utf-16"
        return str(getattr(agreed, "value", agreed))

    def current(uri: str) -> features.Scan | None:
        """The scan of the document as it is now (scanning it again if it changed)."""
        document = server.workspace.get_text_document(uri)
        known = state.scans.get(uri)
        if known is not None and known.version == document.version:
            return known
        found = scan_options(uri, document.language_id or "plaintext", document.source)
        if found.error and found.error not in state.shown_errors:
            state.shown_errors.add(found.error)
            server.window_show_message(
                types.ShowMessageParams(types.MessageType.Error, f"cnfix: {found.error}")
            )
        try:
            result = features.scan(document.source, document.version, found.options, encoding())
        except Exception as error:  # a crash in a rule must not take the editor's server down
            server.window_log_message(
                types.LogMessageParams(types.MessageType.Error, f"cnfix: {uri}: {error!r}")
            )
            return None
        state.scans[uri] = result
        return result

    def publish(uri: str) -> None:
        result = current(uri)
        if result is None:
            return
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=result.version, diagnostics=features.diagnostics(result)
            )
        )

    async def publish_later(uri: str) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        state.pending.pop(uri, None)
        publish(uri)

    def cancel_pending(uri: str) -> None:
        task = state.pending.pop(uri, None)
        if task is not None:
            task.cancel()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        cancel_pending(uri)
        state.pending[uri] = asyncio.ensure_future(publish_later(uri))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        cancel_pending(uri)
        state.scans.pop(uri, None)  # the configuration may have changed with the file
        publish(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        cancel_pending(uri)
        state.scans.pop(uri, None)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, features.FIX_ALL_KIND]
        ),
    )
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        result = current(params.text_document.uri)
        if result is None:
            return None
        capabilities = server.client_capabilities.workspace
        edit_capabilities = capabilities.workspace_edit if capabilities else None
        versioned = bool(edit_capabilities and edit_capabilities.document_changes)
        only = [str(getattr(kind, "value", kind)) for kind in params.context.only or ()]
        return features.code_actions(
            result,
            params.text_document.uri,
            params.range,
            only or None,
            versioned=versioned,
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        result = current(params.text_document.uri)
        if result is None:
            return None
        return features.hover(result, params.position.line, params.position.character)

    return server


def main() -> None:
    """Serve on stdin/stdout until the client says exit."""
    build_server().start_io()
