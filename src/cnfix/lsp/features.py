"""What the server answers, as pure functions of a document's text and its findings.

Findings come from ``cnfix.scan_text`` and the fix-all text from ``cnfix.repair_text``,
so a code action edits only what the engine would: prose regions, ``cnfix: ignore``
pragmas and the rule selection all hold as they do for ``cnfix scan`` / ``repair``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lsprotocol import types

from cnfix import Applicability, ConvergenceError, Finding, Settings, repair_text, scan_text
from cnfix.lsp.positions import LineIndex
from cnfix.rules import RULES
from cnfix.text.kinds import kind_for_name
from cnfix.text.regions import unchanged_ends

SOURCE = "cnfix"
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"
FIX_ALL_TITLE = "cnfix: fix all safe problems"

#: Document kinds of the editor's language ids, for buffers not saved to a file yet (a
#: file's kind comes from its name, as in ``cnfix scan``); any other language is code,
#: which cnfix never edits.
KIND_BY_LANGUAGE = {
    "plaintext": "text",
    "text": "text",
    "markdown": "markdown",
    "html": "markup",
    "xml": "markup",
    "xhtml": "markup",
    "csv": "table",
    "tsv": "table",
    "json": "json",
    "jsonc": "json",
    "yaml": "yaml",
}


def document_kind(language_id: str, path: str | None, text: str) -> str:
    """The engine's document kind: the file's, as ``cnfix scan`` judges it from its name
    (and a ``#!`` line), else the editor's language id."""
    if path is not None:
        return kind_for_name(path, text)
    return KIND_BY_LANGUAGE.get(language_id.lower(), "code")


@dataclass(frozen=True)
class ScanOptions:
    """What applies to one file: ``[tool.cnfix]`` select/ignore/to and its kind."""

    kind: str = "text"
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    settings: Settings = field(default_factory=Settings)


@dataclass(frozen=True)
class Scan:
    """One version of a document and what ``scan`` finds in it."""

    version: int | None
    index: LineIndex
    findings: tuple[Finding, ...]
    options: ScanOptions

    @property
    def text(self) -> str:
        return self.index.text


def scan(text: str, version: int | None, options: ScanOptions, encoding: str) -> Scan:
    """Scan ``text`` as ``cnfix scan`` would, with the file's configuration."""
    findings = scan_text(
        text,
        select=options.select,
        ignore=options.ignore,
        settings=options.settings,
        kind=options.kind,
    )
    return Scan(version, LineIndex(text, encoding), tuple(findings), options)


def _range(index: LineIndex, start: int, end: int) -> types.Range:
    start_line, start_character = index.position(start)
    end_line, end_character = index.position(end)
    return types.Range(
        types.Position(start_line, start_character), types.Position(end_line, end_character)
    )


def diagnostic(index: LineIndex, finding: Finding) -> types.Diagnostic:
    """The finding as ``cnfix scan`` shows it: its code, rule name and message."""
    return types.Diagnostic(
        range=_range(index, finding.start, finding.end),
        message=finding.message,
        severity=types.DiagnosticSeverity.Warning,
        code=finding.code,
        source=SOURCE,
        data={"rule": finding.rule},
    )


def diagnostics(result: Scan) -> list[types.Diagnostic]:
    return [diagnostic(result.index, finding) for finding in result.findings]


def _workspace_edit(
    uri: str, version: int | None, edits: Sequence[types.TextEdit], versioned: bool
) -> types.WorkspaceEdit:
    """Edits of one document; with the document's version where the client takes it,
    so that an edit computed for an older text is refused, not misapplied."""
    if versioned:
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(text_document=document, edits=list(edits))]
        )
    return types.WorkspaceEdit(changes={uri: list(edits)})


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    return only is None or any(kind == want or kind.startswith(f"{want}.") for want in only)


def _overlaps(finding: Finding, start: int, end: int) -> bool:
    return finding.start <= end and start <= finding.end


def code_actions(
    result: Scan,
    uri: str,
    selection: types.Range,
    only: Sequence[str] | None = None,
    *,
    versioned: bool = True,
) -> list[types.CodeAction]:
    """A quick fix per fixable finding in ``selection`` (unsafe ones say so and are
    never preferred; display-only fixes are never offered), and "fix all safe
    problems" when the document has any safe fix."""
    index = result.index
    start = index.offset(selection.start.line, selection.start.character)
    end = index.offset(selection.end.line, selection.end.character)
    actions: list[types.CodeAction] = []
    if _wanted(types.CodeActionKind.QuickFix.value, only):
        for finding in result.findings:
            fix = finding.fix
            if not finding.fixable or fix is None or not _overlaps(finding, start, end):
                continue
            safe = fix.applicability is Applicability.SAFE
            edits = [
                types.TextEdit(_range(index, edit.start, edit.end), edit.replacement)
                for edit in fix.edits
            ]
            actions.append(
                types.CodeAction(
                    title=f"{fix.title} ({finding.code})" + ("" if safe else " [unsafe]"),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic(index, finding)],
                    edit=_workspace_edit(uri, result.version, edits, versioned),
                    is_preferred=safe,
                )
            )
    safe_fixes = any(
        f.fix is not None and f.fix.applicability is Applicability.SAFE for f in result.findings
    )
    if safe_fixes and _wanted(FIX_ALL_KIND, only):
        edit = fix_all_edit(result)
        if edit is not None:
            actions.append(
                types.CodeAction(
                    title=FIX_ALL_TITLE,
                    kind=FIX_ALL_KIND,
                    edit=_workspace_edit(uri, result.version, [edit], versioned),
                )
            )
    return actions


def fix_all_edit(result: Scan) -> types.TextEdit | None:
    """One edit from the text to what ``cnfix repair`` makes of it (safe fixes only):
    the span between the first and the last changed character, None if nothing changes
    (or if the repair does not settle: ``cnfix repair`` would refuse it too)."""
    options = result.options
    try:
        repaired = repair_text(
            result.text,
            select=options.select,
            ignore=options.ignore,
            settings=options.settings,
            kind=options.kind,
        ).text
    except ConvergenceError:
        return None
    old = result.text
    if repaired == old:
        return None
    prefix, suffix = unchanged_ends(old, repaired)
    # A CRLF pair is one line break to the editor: never cut between its two halves.
    if prefix and old[prefix - 1] == "\r":
        prefix -= 1
    if suffix and old[len(old) - suffix] == "\n":
        suffix -= 1
    return types.TextEdit(
        _range(result.index, prefix, len(old) - suffix), repaired[prefix : len(repaired) - suffix]
    )


def hover(result: Scan, line: int, character: int) -> types.Hover | None:
    """The rule documentation of each finding under the cursor."""
    offset = result.index.offset(line, character)
    here = [f for f in result.findings if f.start <= offset <= f.end]
    if not here:
        return None
    rules = {rule.name: rule for rule in RULES}
    parts = []
    for name in dict.fromkeys(f.rule for f in here):
        rule = rules[name]
        messages = "\n".join(f"- {f.message}" for f in here if f.rule == name)
        parts.append(f"**{rule.code} {rule.name}**: {rule.summary}\n\n{messages}\n\n{rule.doc}")
    first = here[0]
    return types.Hover(
        contents=types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(parts)),
        range=_range(result.index, first.start, first.end),
    )
