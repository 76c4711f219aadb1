"""The units the rule judges on their own: the text, its JSON records, or runs of paragraphs."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator

from cnfix.model import Document
from cnfix.rules.script.charclass import CharClass
from cnfix.rules.script.options import HANS, HANT
from cnfix.rules.script.state import CheckState
from cnfix.rules.script.tables import tables

#: Text longer than this that holds both scripts is judged in sections: runs of
#: paragraphs (split at blank lines) of the same majority script, so that a file joining
#: a Simplified and a Traditional article is two clean texts, while a paragraph with a
#: few remnants joins its neighbours. JSON (and JSON Lines) is judged record by record
#: (line by line).
LONG_TEXT = 20_000

_BLANK_LINE_RE = re.compile(r"\n[ \t\u3000]*\n")


def units(doc: Document, state: CheckState) -> list[tuple[int, int]]:
    """The spans judged on their own: the text, its records (JSON) or paragraph blocks.

    What the split finds out (whether the text holds each script; the runs of paragraphs,
    with whether each holds each script) is told to ``state``.
    """
    text = doc.text
    if doc.kind == "json":
        return _json_units(state, text)
    if len(text) <= LONG_TEXT:
        return [(0, len(text))]
    t = tables()
    finders = {
        HANS: _finder(text, t.simplified_only),
        HANT: _finder(text, t.traditional_only),
    }
    state.tell(t.simplified_only, text, finders[HANS](0) is not None)
    state.tell(t.traditional_only, text, finders[HANT](0) is not None)
    if not (has(state, text, t.simplified_only) and has(state, text, t.traditional_only)):
        return [(0, len(text))]
    runs = _paragraph_runs(len(text), _deciding_paragraphs(text, finders))
    state.tell("runs", text, runs)
    return [(start, end) for start, end, _, _ in runs]


#: A JSON record (line) whose script-only characters number at least ``CLEAR_RECORD``, nine
#: in ten of one script, is clearly of that script.
CLEAR_RECORD = 5
CLEAR_SHARE = 0.9
#: The records of a JSON file are judged apart only when each script is the clear script of
#: at least ``APART_RECORDS`` records and ``APART_SHARE`` of the clear ones (a dataset
#: mixing Simplified and Traditional records); otherwise the file is one decision, so
#: that a record with only a few script-specific characters follows the file.
APART_RECORDS = 2
APART_SHARE = 0.1


def _json_units(state: CheckState, text: str) -> list[tuple[int, int]]:
    """A JSON (Lines) file: one unit, or its records when they clearly differ in script."""
    t = tables()
    if not (has(state, text, t.simplified_only) and has(state, text, t.traditional_only)):
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    clear = {HANS: 0, HANT: 0}
    start = 0
    for line in text.splitlines(keepends=True):
        spans.append((start, start + len(line)))
        start += len(line)
        simplified, traditional = _counts(line)
        if simplified + traditional >= CLEAR_RECORD:
            if simplified >= CLEAR_SHARE * (simplified + traditional):
                clear[HANS] += 1
            elif traditional >= CLEAR_SHARE * (simplified + traditional):
                clear[HANT] += 1
    total = clear[HANS] + clear[HANT]
    if all(n >= APART_RECORDS and n >= APART_SHARE * total for n in clear.values()):
        return spans
    return [(0, len(text))]


#: ``(start, end, simplified, traditional)``: a paragraph and its script-only characters
Paragraph = tuple[int, int, int, int]
#: ``(start, end, has_simplified, has_traditional)``: a run of paragraphs
Run = tuple[int, int, bool, bool]


def _paragraph_runs(length: int, paragraphs: Iterable[Paragraph]) -> list[Run]:
    """Runs of paragraphs of one majority script, from ``(start, end, simplified,
    traditional)`` (the counts of script-only characters) of the paragraphs (ascending)
    that may start one; the text is ``length`` characters long. Each run comes with
    whether it holds Simplified-only and Traditional-only characters at all.

    A paragraph joins the run before it when it has no majority (no script-specific
    characters, or as many of each) or the run's; otherwise it starts a run. Paragraphs
    not given are known to join, without a character of the other script.
    """
    runs: list[Run] = []
    current: str | None = None
    for start, end, simplified, traditional in paragraphs:
        script = HANS if simplified > traditional else HANT if traditional > simplified else None
        if runs and (script is None or current is None or script == current):
            first, _, has_s, has_t = runs[-1]
            runs[-1] = (first, end, has_s or simplified > 0, has_t or traditional > 0)
            current = current or script
        else:
            if runs:  # the paragraphs in between joined the run before
                runs[-1] = (runs[-1][0], start, *runs[-1][2:])
            # the first run: paragraphs before it had no script-specific character
            runs.append((start if runs else 0, end, simplified > 0, traditional > 0))
            current = script
    if not runs:
        return [(0, length, False, False)]
    runs[-1] = (runs[-1][0], length, *runs[-1][2:])
    return runs


def _counts(paragraph: str) -> tuple[int, int]:
    t = tables()
    return t.simplified_only.count(paragraph), t.traditional_only.count(paragraph)


def _majority_counts(paragraph: str) -> tuple[int, int]:
    """:func:`_counts`, the Traditional count cut at one more than the Simplified one: what
    a run split needs (which script has more, whether each is there at all), without
    finding every character of a Traditional paragraph."""
    t = tables()
    simplified = t.simplified_only.count(paragraph)
    return simplified, t.traditional_only.count_to(paragraph, simplified + 1)


def _all_paragraphs(text: str) -> Iterator[Paragraph]:
    """Every paragraph (split after each blank line) with its script: the reference."""
    start = 0
    for end in [*(m.end() for m in _BLANK_LINE_RE.finditer(text)), len(text)]:
        yield start, end, *_counts(text[start:end])
        start = end


def _deciding_paragraphs(
    text: str, finders: dict[str, Callable[[int], int | None]]
) -> Iterator[Paragraph]:
    """The paragraphs whose script can start a new run, found by searching the text.

    In a run of one script, a paragraph without a character of the other script joins
    it whatever it holds; so from the end of each counted paragraph the next one to count
    is the one holding the next character of the other script (of either script, while
    no majority has shown). Clean text of one script is a single search. The paragraphs
    are those of :func:`_all_paragraphs`, found around that character only
    (counted as :func:`_majority_counts` counts them), where :class:`_Blanks` puts them.
    """
    current: str | None = None
    end = 0
    blanks = _Blanks(text)
    while end < len(text):
        if current is None:
            found = [at for at in (finders[HANS](end), finders[HANT](end)) if at is not None]
            at = min(found) if found else None
        else:
            at = finders[HANS if current == HANT else HANT](end)
        if at is None:
            return
        start, end = blanks.around(at)
        simplified, traditional = _majority_counts(text[start:end])
        yield start, end, simplified, traditional
        script = HANS if simplified > traditional else HANT if traditional > simplified else None
        current = (current or script) if script is None or script == current else script


#: The white space a blank line may hold (:data:`_BLANK_LINE_RE`).
_BLANK_SPACE = frozenset(" \t\u3000")
#: Line breaks looked at around found characters, per character of the text, before the
#: text's blank lines are all found in one scan: some ~0.7 µs each, a seventh of what the
#: scan costs, so that damaged text (a paragraph to count for each remnant) loses little.
WALK_PER_CHAR = 1 / 2000


class _Blanks:
    """Where the paragraph around a character starts and ends: after the blank line
    (:data:`_BLANK_LINE_RE`, matched left to right) before it, and after the one after it.

    Found by walking the line breaks near the character (clean text asks about a few
    characters: one scan of the whole text for its blank lines cost ~0.7 ms per MB), and
    by that one scan once the walks have looked at ``WALK_PER_CHAR`` line breaks per
    character of the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.budget = len(text) * WALK_PER_CHAR
        self.breaks: list[int] | None = None  # where each blank line ends

    def around(self, at: int) -> tuple[int, int]:
        """``(start, end)`` of the paragraph holding ``text[at]`` (no white space)."""
        text = self.text
        if self.breaks is None:
            start, end = self._before(at), self._after(at)
            if start is not None and end is not None:
                return start, end
            self.breaks = [m.end() for m in _BLANK_LINE_RE.finditer(text)]
        k = bisect.bisect_right(self.breaks, at)
        breaks = self.breaks
        return breaks[k - 1] if k else 0, breaks[k] if k < len(breaks) else len(text)

    def _before(self, at: int) -> int | None:
        """Where the last blank line before ``at`` ends (0: none); None: over budget.

        The line breaks separated by white space only make a chain, and the scan pairs
        them from the chain's first: a chain of m breaks ends blank lines after its 2nd,
        4th … break."""
        text = self.text
        newline = text.rfind("\n", 0, at)
        while self.budget > 0:
            self.budget -= 1
            if newline < 0:
                return 0
            chain = [newline]  # the breaks of the chain that ends here, backwards
            j = newline - 1
            while j >= 0 and (text[j] == "\n" or text[j] in _BLANK_SPACE):
                if text[j] == "\n":
                    chain.append(j)
                j -= 1
            if len(chain) > 1:
                return chain[len(chain) % 2] + 1  # the last of an even count from the first
            newline = text.rfind("\n", 0, j + 1)
        return None

    def _after(self, at: int) -> int | None:
        """Where the first blank line after ``at`` ends (the text's end: none); None:
        over budget. The chain of breaks it starts is a blank line from its second."""
        text = self.text
        newline = text.find("\n", at)
        while self.budget > 0:
            self.budget -= 1
            if newline < 0:
                return len(text)
            j = newline + 1
            while j < len(text) and text[j] in _BLANK_SPACE:
                j += 1
            if j < len(text) and text[j] == "\n":
                return j + 1
            newline = text.find("\n", j)
        return None


def _finder(text: str, chars: CharClass) -> Callable[[int], int | None]:
    """``find(start)``: :meth:`CharClass.find` in ``text``, remembering the searches done
    (the paragraph split and then :func:`judge` ask again)."""
    # From starts[k] the answer is found[k]; so it is from any start in between.
    starts: list[int] = []
    found: list[int | None] = []

    def find(start: int) -> int | None:
        k = bisect.bisect_right(starts, start) - 1
        if k >= 0 and (found[k] is None or start <= found[k]):  # type: ignore[operator]
            return found[k]
        at = chars.find(text, start)
        starts.insert(k + 1, start)
        found.insert(k + 1, at)
        return at

    return find


def has(state: CheckState, text: str, chars: CharClass) -> bool:
    """``chars.search(text)``, remembered in ``state`` for a long text (or told by
    :func:`units`, which searched it already)."""
    known, answer = state.known(chars, text)
    if known:
        return bool(answer)
    if len(text) <= LONG_TEXT:
        return chars.search(text)
    return state.remembered(chars, text, lambda: chars.find(text) is not None)
