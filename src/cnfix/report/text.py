"""Finding lines, JSON records and summaries: what ``scan`` prints."""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import IO, NamedTuple

from cnfix.model import Finding

#: Findings of one rule on one line are folded into one output line from this many on.
GROUP_AT = 3
#: How many messages a folded line shows before "…".
GROUP_SHOWN = 3
#: Characters that act on a terminal or reorder what it shows: C0 controls but the tab,
#: DEL, C1 controls (0x9b is a one-byte CSI), line and paragraph separators and the
#: BiDi controls (U+202E shows ``txt.exe`` as ``exe.txt``).
_UNPRINTABLE_RE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


#: The subset that acts on a terminal even inside a diff meant for ``patch``: escape
#: sequences (ESC, C1), other C0 controls and the BiDi controls; not the line ends,
#: form feeds and separators that ``patch`` must see as they are.
_ACTING_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """``text`` with the characters that act on a terminal escaped (``printable``), but
    line ends, tabs, form feeds and line separators kept (a unified diff for ``patch``)."""
    return _ACTING_RE.sub(_escape, text)


def printable(text: str) -> str:
    """``text`` with every character that could act on a terminal written as an escape
    (``\\x1b``, ``\\u202e``): file names and file text are printed through this, so no
    file can move the cursor, retitle the window, reorder a line, swallow the output
    after it (an OSC cut in half) or start a line of its own (a GitHub workflow command)."""
    return _UNPRINTABLE_RE.sub(_escape, text)


class LineIndex:
    """Map character offsets to 1-based (line, column), columns counted in characters.

    ``first_line`` is the line number of the text's first line: a chunk of a streamed
    file (``cnfix.app.parallel``) is located in the whole file.
    """

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.first_line = first_line
        self.starts = [0]
        position = text.find("\n")
        while position != -1:
            self.starts.append(position + 1)
            position = text.find("\n", position + 1)

    def locate(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + self.first_line, offset - self.starts[line] + 1


def format_location_line(text: str, finding: Finding, index: LineIndex | None = None) -> str:
    """``line:col: CODE rule message`` for one finding."""
    line, column = (index or LineIndex(text)).locate(finding.start)
    return f"{line}:{column}: {finding.code} {finding.rule} {finding.message}"


class Located(NamedTuple):
    """A finding with its 1-based start and end positions (a named tuple: built once
    per finding of every report)."""

    finding: Finding
    line: int
    column: int
    end_line: int
    end_column: int


def locate_all(text: str, findings: Iterable[Finding], first_line: int = 1) -> list[Located]:
    return list(iter_located(text, findings, first_line))


def iter_located(text: str, findings: Iterable[Finding], first_line: int = 1) -> Iterator[Located]:
    """``locate_all`` one finding at a time (a report written as it goes holds none)."""
    locate = LineIndex(text, first_line).locate
    for finding in findings:
        yield Located(finding, *locate(finding.start), *locate(finding.end))


def text_lines(
    path: str,
    text: str,
    findings: Sequence[Finding],
    *,
    first_line: int = 1,
    note: Callable[[Finding], str] | None = None,
) -> list[str]:
    """One line per finding, ``path:line:col: CODE rule message``, in text order; when one
    rule has many findings on one source line they are folded into one output line, at
    the first of them, with their count and the first few messages. ``note`` adds a
    parenthesised remark to each line (a repair's reason for leaving a finding)."""
    groups: dict[tuple[int, str], list[Located]] = {}
    for item in locate_all(text, findings, first_line):
        groups.setdefault((item.line, item.finding.rule), []).append(item)
    entries: list[tuple[int, int, str]] = []
    for group in groups.values():
        first = group[0]
        head = f"{path}:{first.line}:{first.column}: {first.finding.code} {first.finding.rule}"
        if len(group) >= GROUP_AT:
            messages = list(dict.fromkeys(item.finding.message for item in group))
            shown = "; ".join(messages[:GROUP_SHOWN])
            more = " …" if len(messages) > GROUP_SHOWN else ""
            remark = _remark(note, [item.finding for item in group])
            entries.append(
                (
                    first.line,
                    first.column,
                    f"{head} {len(group)} on this line: {shown}{more}{remark}",
                )
            )
            continue
        for item in group:
            entries.append(
                (
                    item.line,
                    item.column,
                    f"{path}:{item.line}:{item.column}: {item.finding.code} "
                    f"{item.finding.rule} {item.finding.message}"
                    f"{_remark(note, [item.finding])}",
                )
            )
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return [printable(line) for _, _, line in entries]


def _remark(note: Callable[[Finding], str] | None, findings: list[Finding]) -> str:
    if note is None:
        return ""
    return f" ({'; '.join(dict.fromkeys(note(finding) for finding in findings))})"


def json_records(
    path: str,
    text: str,
    findings: Sequence[Finding],
    *,
    first_line: int = 1,
    fields: dict[str, object] | None = None,
) -> Iterator[str]:
    """Every finding's JSON record with its exact span, as ``write_json_records`` lays it
    out: ``fields`` (where a JSON Lines record is) first, then ``path``, ``line``,
    ``column``, ``end_line``, ``end_column``, ``rule``, ``code``, ``message``, ``fixable``,
    ``fix`` (its ``title`` and ``applicability``, or null). Written as text, not built as
    dicts, and one at a time: a damaged file has millions of findings."""
    layout = JsonLayout()
    head = {**(fields or {}), "path": path}
    lead = "".join(
        layout.key(key) + layout.indented(value, "\n    ") + ",\n    "
        for key, value in head.items()
    )
    spelled: dict[str, str] = {}
    fixes: dict[tuple[str, str] | None, str] = {None: "null"}
    for item in iter_located(text, findings, first_line):
        finding = item.finding
        fix = finding.fix
        fix_key = None if fix is None else (fix.title, fix.applicability.value)
        fix_text = fixes.get(fix_key)
        if fix_text is None:
            title, applicability = fix_key  # type: ignore[misc]
            fix_text = fixes[fix_key] = (
                f'{{\n      "title": {encode_basestring(title)},\n      '
                f'"applicability": {encode_basestring(applicability)}\n    }}'
            )
        words = []
        for word in (finding.rule, finding.code, finding.message):
            encoded = spelled.get(word)
            if encoded is None:
                encoded = spelled[word] = encode_basestring(word)
            words.append(encoded)
        yield (
            f'{{\n    {lead}"line": {item.line},\n    "column": {item.column},\n    '
            f'"end_line": {item.end_line},\n    "end_column": {item.end_column},\n    '
            f'"rule": {words[0]},\n    "code": {words[1]},\n    "message": {words[2]},\n    '
            f'"fixable": {"true" if finding.fixable else "false"},\n    "fix": {fix_text}\n  }}'
        )


def write_json_records(records: Iterable[str], stream: IO[str]) -> None:
    """The records of ``json_records`` as one JSON list (``write_json``'s layout)."""
    writer = JsonArrayWriter(stream)
    writer.extend(records)
    writer.close()


#: Records joined into one write: few writes, and a bounded string however many records.
JSON_BATCH = 4096


class JsonArrayWriter:
    """The records of ``json_records`` written as one JSON list a batch at a time (a
    file's findings as they come), so memory does not grow with the run's findings."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.count = 0

    def extend(self, records: Iterable[str]) -> None:
        records = iter(records)
        while batch := list(islice(records, JSON_BATCH)):
            self.stream.write(("[\n  " if self.count == 0 else ",\n  ") + ",\n  ".join(batch))
            self.count += len(batch)

    def close(self) -> None:
        self.stream.write("\n]\n" if self.count else "[]\n")


def write_json(records: object, stream: IO[str]) -> None:
    """``json.dump(records, stream, ensure_ascii=False, indent=2)`` and a newline, the
    same bytes written several times faster: with ``indent`` the ``json`` module encodes
    in Python, item by item, through many small writes; here strings go through its C
    escaping, each key once, and the layout is joined in one string."""
    stream.write(JsonLayout().indented(records, "\n") + "\n")


class JsonLayout:
    """Values laid out as ``json.dumps(value, ensure_ascii=False, indent=2)`` does;
    remembers how each key is spelled (the keys of records repeat)."""

    def __init__(self) -> None:
        self.keys: dict[object, str] = {}

    def key(self, key: object) -> str:
        spelled = self.keys.get(key)
        if spelled is None:
            text = key if isinstance(key, str) else json.dumps(key)  # as json spells keys
            spelled = self.keys[key] = encode_basestring(text) + ": "
        return spelled

    def indented(self, value: object, newline: str) -> str:
        """``value`` at the depth whose line break (with its indentation) is ``newline``."""
        kind = type(value)
        if kind is str:
            return encode_basestring(value)  # type: ignore[no-any-return]
        if kind is int:
            return int.__repr__(value)  # type: ignore[arg-type]
        if kind is dict:
            if not value:
                return "{}"
            inner = newline + "  "
            key = self.key
            items = [
                key(name)
                + (encode_basestring(item) if type(item) is str else self.indented(item, inner))
                for name, item in value.items()  # type: ignore[attr-defined]
            ]
            return "{" + inner + ("," + inner).join(items) + newline + "}"
        if kind is list or kind is tuple:
            if not value:
                return "[]"
            inner = newline + "  "
            rows = [self.indented(item, inner) for item in value]  # type: ignore[attr-defined]
            return "[" + inner + ("," + inner).join(rows) + newline + "]"
        if value is None:
            return "null"
        if value is True or value is False:
            return "true" if value else "false"
        return json.dumps(value)  # floats (nan, inf) and subclasses, as json writes them


def count_by_rule(findings: Iterable[Finding]) -> Counter[str]:
    """Findings per rule, in the order each rule first appears. A repair's deferred
    fixes (``engine.deferred.AppliedFixes``) count themselves: the inline diff's header
    built every fix's finding only to count them (0.58 of its 1.4 s on 4 MB)."""
    by_rule = getattr(findings, "by_rule", None)
    if by_rule is not None:
        counts: Counter[str] = by_rule()
        return counts
    return Counter(finding.rule for finding in findings)


def summary_lines(
    counts: Counter[str], codes: dict[str, str], fixable: Counter[str], safe: Counter[str]
) -> list[str]:
    """A small table: code, rule, count, how many are fixable safely and how many only
    with ``--unsafe-fixes``."""
    if not counts:
        return []
    width = max(len(name) for name in counts)
    lines = [f"{'code':<5} {'rule':<{width}} {'count':>6} {'safe':>6} {'unsafe':>6}"]
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        unsafe = fixable[name] - safe[name]
        lines.append(f"{codes[name]:<5} {name:<{width}} {count:>6} {safe[name]:>6} {unsafe:>6}")
    total, all_safe = sum(counts.values()), sum(safe.values())
    all_unsafe = sum(fixable.values()) - all_safe
    lines.append(f"{'':<5} {'total':<{width}} {total:>6} {all_safe:>6} {all_unsafe:>6}")
    return lines


#: How a summary names each kind of finding (``cnfix.app.tally``), in the order it
#: lists them.
KIND_WORDS = {
    "fixed": "fixed",
    "would-fix": "would be fixed",
    "safe": "fixable safely",
    "unsafe": "fixable with --unsafe-fixes",
    "report-only": "report-only",
    "conflicted": "left by conflicting fixes",
    "skipped": "skipped",
}

#: Why a repair left a finding, by kind, as printed after it.
LEFT_BECAUSE = {
    "unsafe": "not fixed: unsafe, --unsafe-fixes applies it",
    "report-only": "not fixed: report-only",
    "conflicted": "not fixed: its fix conflicts with another one",
    "skipped": "not fixed: skipped",
}


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(kinds: Mapping[str, int], *, noun: str, checked: int, with_findings: int) -> str:
    """The one summary of ``scan`` and ``repair``: findings by what became of them, and
    the units (files or records) with findings among those checked."""
    total = sum(kinds.values())
    if not total:
        return f"No findings in {plural(checked, noun)}."
    parts = ", ".join(
        f"{kinds[kind]} {words}" for kind, words in KIND_WORDS.items() if kinds.get(kind)
    )
    return f"{plural(total, 'finding')} in {with_findings} of {plural(checked, noun)}: {parts}."


def moved_back(old: str, new: str, findings: Sequence[Finding]) -> list[Finding]:
    """``findings`` located in ``new``, a repair of ``old`` not written, moved to where
    their text stands in ``old`` (what the reader's file still holds): lines paired as
    a line diff pairs them, columns as a character diff of the two lines does; text the
    repair inserted maps to where the insertion was made. Lines pair one to one when
    the repair removed or added none, and columns as the inline diff pairs them
    (``report.matcher``): ``difflib`` was quadratic on a long file whose lines repeat
    (13 of 14 s of ``repair FILE`` on 1 MB of the seeds repeated)."""
    from cnfix.report import matcher

    if old == new or not findings:
        return list(findings)
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    old_starts, new_starts = _line_starts(old_lines), _line_starts(new_lines)
    opcodes = [op for op in _line_pairing(old_lines, new_lines) if op[4] > op[3]]
    if not opcodes:  # the repair left no text: nothing to move
        return list(findings)
    opcodes_ends = [j2 for *_, j2 in opcodes]

    def back(offset: int) -> int:
        line = max(bisect.bisect_right(new_starts, offset) - 1, 0)
        new_text = new_lines[line] if line < len(new_lines) else ""
        # The opcode holding the line (the last one for the end of the text).
        at = min(bisect.bisect_right(opcodes_ends, line), len(opcodes) - 1)
        _, i1, i2, j1, j2 = opcodes[at]
        old_line = min(i1 + line - j1, max(i2 - 1, i1))
        if i2 - i1 != j2 - j1 and 1 < i2 - i1 <= PAIRED_AT_MOST:  # the likeliest
            old_line = max(range(i1, i2), key=lambda k: _likeness(old_lines[k], new_text))
        if old_line >= len(old_lines):
            return len(old)
        column = offset - new_starts[line]
        old_text = old_lines[old_line]
        if old_text != new_text:
            for tag, c1, _, d1, d2 in matcher.opcodes(old_text, new_text):
                if d1 <= column < d2 or column == d2 == len(new_text):
                    column = c1 + column - d1 if tag == "equal" else c1
                    break
        return old_starts[old_line] + min(column, len(old_text))

    return [f._replace(start=back(f.start), end=max(back(f.end), back(f.start))) for f in findings]


def _line_pairing(
    old_lines: list[str], new_lines: list[str]
) -> list[tuple[str, int, int, int, int]]:
    """Which lines of the repair stand for which of the original, as opcodes: line by
    line when no line was removed or added (the usual case: the inline diff pairs them
    so too), else as ``difflib`` pairs them, or for a long text as the inline diff does
    (``difflib`` took 405 s on 18,000 lines of the seeds repeated, blank lines cut)."""
    import difflib

    from cnfix.report import matcher

    if len(old_lines) == len(new_lines):
        return [("replace", 0, len(old_lines), 0, len(new_lines))]
    if len(old_lines) + len(new_lines) > matcher.DIFFLIB_LINES:
        return matcher.long_line_opcodes(old_lines, new_lines)
    return difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()


#: Lines of a changed block compared one by one to pair a line of the repair with its
#: original (larger blocks pair by position).
PAIRED_AT_MOST = 50


def _likeness(old: str, new: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, old, new, autojunk=False).quick_ratio()


def _line_starts(lines: list[str]) -> list[int]:
    starts, total = [], 0
    for line in lines:
        starts.append(total)
        total += len(line)
    return starts
