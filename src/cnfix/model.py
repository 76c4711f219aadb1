"""Pure data: what a rule finds and how it would fix it. No I/O here."""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple


class Applicability(enum.Enum):
    """How far a fix may be trusted (ruff's terms).

    SAFE fixes are applied by default; UNSAFE ones only with ``--unsafe-fixes``;
    DISPLAY ones are shown as a suggestion and never applied.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY = "display-only"


# Edit, Fix and Finding are named tuples rather than frozen dataclasses: as immutable,
# and built three times faster (a frozen dataclass sets each field through
# ``object.__setattr__``), which counts where a damaged text has 40,000 fixes per MB.


class Edit(NamedTuple):
    """Replace ``text[start:end]`` with ``replacement`` (offsets in characters)."""

    start: int
    end: int
    replacement: str = ""


class Fix(NamedTuple):
    """A set of edits that are applied together or not at all."""

    edits: tuple[Edit, ...]
    title: str
    applicability: Applicability = Applicability.SAFE


#: Values of ``Document.kind``, each with what is prose in it (the README's "What is prose"
#: table says it in full; ``cnfix.text.kinds`` says which files hold which kind).
KINDS: dict[str, str] = {
    "text": "everything but URLs, e-mail addresses and paths",
    "markdown": (
        "paragraphs, headings, table cells, list items, block quotes and link texts; "
        "not code, link targets, HTML tags, front matter, math or template syntax"
    ),
    "markup": "HTML/XML text nodes and alt/title attributes",
    "json": "string values (not keys, escapes, or the code and links of Markdown in them)",
    "yaml": "values and comments (not keys, flow collections or identifier values)",
    "table": "cells (the delimiters are syntax)",
    "redirects": "comment lines only (mapping lines are paths)",
    "code": "nothing: program text and configuration are never edited",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Options that change what rules report or how they fix it.

    ``target_script`` is the ``--to`` option of the mixed-script rule:
    ``auto`` (the document's majority script), ``hans``, ``hant``, ``tw``, ``hk`` or ``keep``.
    """

    target_script: str = "auto"


#: Below this detection confidence a non-UTF-8 file is reported but never rewritten
#: unless the user names the encoding (``--encoding``): the encoding rule's fix is
#: display-only and the runner writes nothing.
MIN_REWRITE_CONFIDENCE = 0.9


@dataclass(frozen=True, slots=True)
class Document:
    """Decoded text plus what is known about where it came from.

    ``kind`` is the file's format, one of ``KINDS``: it decides
    what is prose (``text``, ``markdown``, ``markup``, ``json``, ``yaml``, ``table``,
    ``redirects``; in ``code`` nothing is). ``protected`` holds the spans that are not
    prose when the engine already knows them (``cnfix.text.regions.Regions``, carried
    through a repair's edits so the Markdown parser runs once per repair); None: not
    worked out yet.
    """

    text: str
    kind: str = "text"
    encoding: str = "utf-8"
    bom: bool = False
    confidence: float = 1.0
    settings: Settings = field(default_factory=Settings)
    protected: object = field(default=None, compare=False, repr=False)


class Finding(NamedTuple):
    """One problem at ``text[start:end]``, named by its rule, with an optional fix."""

    rule: str
    code: str
    start: int
    end: int
    message: str
    fix: Fix | None = None

    @property
    def fixable(self) -> bool:
        return self.fix is not None and self.fix.applicability is not Applicability.DISPLAY


#: ``tuple.__new__`` builds a named tuple without its generated constructor, a Python
#: function that handles defaults: half the time of ``Finding(…, Fix((Edit(…),), …))``.
_new_tuple = tuple.__new__


def one_edit_finding(
    rule: str,
    code: str,
    start: int,
    end: int,
    message: str,
    replacement: str,
    title: str,
    applicability: Applicability = Applicability.SAFE,
) -> Finding:
    """A finding of ``text[start:end]`` whose fix replaces that span with
    ``replacement``: the same value as ``Finding(rule, code, start, end, message,
    Fix((Edit(start, end, replacement),), title, applicability))``, built in half the
    time, for the rules that make tens of thousands per MB of damaged text."""
    edit = _new_tuple(Edit, (start, end, replacement))
    fix = _new_tuple(Fix, ((edit,), title, applicability))
    return _new_tuple(Finding, (rule, code, start, end, message, fix))  # type: ignore[no-any-return]


Check = Callable[[Document], Iterable[Finding]]


class BulkFixes(NamedTuple):
    """What a rule's check finds in a document, with its safe fixes as bare edits: the
    same fixes, without a finding built for each, where no one reads them (``repair
    -q -o``). ``edits`` are ``(start, end, fix, replacement)``, sorted, ``fix`` numbering
    the ``fixes`` safe fixes (a fix of two edits has two); ``rest`` holds the check's
    other findings (no fix, or not a safe one), in the order the check yields them."""

    edits: list[tuple[int, int, int, str]]
    fixes: int
    rest: list[Finding]


#: A rule's fix safety in one word; its docstring says when each applies.
FIX_SAFETY = ("safe", "unsafe", "mixed", "none")


@dataclass(frozen=True)
class Rule:
    """A registered rule: stable code and name, a one-line summary, the check, its docs.

    ``fix_safety`` is one word: ``safe`` (fixes applied by default), ``unsafe`` (only
    with ``--unsafe-fixes``), ``mixed`` (depends on context; the docs say when) or
    ``none`` (report only).

    The rule's full documentation is the docstring of its check function, so the
    docs live beside the code that they describe.
    """

    code: str
    name: str
    summary: str
    fix_safety: str
    check: Check
    #: Whether the rule reports damage outside prose too (mojibake in a string of a
    #: program): such findings stay, without their fix. Other rules' findings there go.
    reports_outside_prose: bool = False

    def __post_init__(self) -> None:
        if self.fix_safety not in FIX_SAFETY:
            raise ValueError(f"rule {self.name}: fix_safety must be one of {FIX_SAFETY}")

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or self.summary)

    def finding(self, start: int, end: int, message: str, fix: Fix | None = None) -> Finding:
        """Build a finding of this rule."""
        return Finding(self.name, self.code, start, end, message, fix)
