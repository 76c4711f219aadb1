"""The prefilter: clean text is rejected in one regex pass before the full search."""

from __future__ import annotations

from cnfix.rules.mojibake.chains import generated_classes
from cnfix.rules.mojibake.han_swap import (
    CLUSTER_WIDTH,
    SWAP_LAYERS,
    _cluster_regions,
    _may_swap,
    _swap_in_line,
    _swap_windows,
)
from cnfix.rules.mojibake.han_utf8 import (
    _line_end,
    _utf8_lead_sets,
    _utf8_span_found,
    is_unusual_han,
)
from cnfix.rules.mojibake.latin import (
    _FTFY_HINTS,
    _HIGH_1252,
    _LATIN_NON_ASCII,
    FTFY_HINT_RE,
    LATIN_RUN_RE,
    _ftfy_fix,
    _read_latin_run,
)
from cnfix.rules.mojibake.scoring import Span
from cnfix.rules.mojibake.search import _all_spans
from cnfix.text.charmodel import (
    char_costs,
)
from cnfix.text.chars import PLACEHOLDER_RE, ScanBudget, is_cheap, lazy_compile

# ---------------------------------------------------------------------------
# The prefilter: clean text is rejected in one regex pass
# ---------------------------------------------------------------------------


def _split_lead_source(source: str) -> tuple[str, str]:
    """``[LEADS](?=[FOLLOWS])`` (a ``utf8-lead-*`` entry) → the two classes' insides."""
    leads, _, follows = source.partition("](?=[")
    assert leads.startswith("[") and follows.endswith("])"), source[:20]
    return leads[1:], follows[:-2]


def _prefilter_source() -> str:
    """One pattern for every reading's first, necessary sign, each in the context the
    reading needs: a UTF-8 lead character of a GBK reading followed by what
    ``_utf8_span`` needs (``utf8-walk-GBK``) or of a Big5 reading followed by its follow
    character, an unusual character with another within five, a Latin-1 letter with
    another in the same Latin-1 run (the run is taken whole), a character that sends
    a line to ftfy (not a pinyin vowel between ASCII characters). The first class lets
    ``re`` skip everything else at the speed of a plain class search; a named empty
    group tells which sign matched."""
    classes = generated_classes()
    gbk_leads, _ = _split_lead_source(classes["utf8-lead-GBK"])
    big5_leads, big5_follows = _split_lead_source(classes["utf8-lead-Big5"])
    unusual = classes["unusual-han"][1:-1]
    run = f"\\u0020-\\u00ff{_HIGH_1252}"
    lone_vowel = f"[\\x00-\\x7f][{_PINYIN_VOWELS}]"  # after ASCII; ASCII or the end next
    signs = "".join((gbk_leads, big5_leads, unusual, _LATIN_NON_ASCII, _FTFY_HINTS))
    return (
        f"[{signs}](?:"
        f"(?<=[{gbk_leads}]){classes['utf8-walk-GBK']}(?P<gbk>)"
        f"|(?<=[{big5_leads}])(?=[{big5_follows}])(?P<big5>)"
        f"|(?<=[{unusual}])(?=(?s:.){{0,{CLUSTER_WIDTH - 1}}}?(?P<next>[{unusual}]))(?P<unusual>)"
        f"|(?<=[{_LATIN_NON_ASCII}])[{run}]*?[{_LATIN_NON_ASCII}][{run}]*(?P<latin>)"
        f"|(?<=[{_FTFY_HINTS}])(?:(?<!{lone_vowel})|(?=[^\\x00-\\x7f]))(?P<ftfy>)"
        ")"
    )


#: Tone-marked pinyin vowels that are Latin-1 letters (``xué``, ``(dé)``): one of them
#: between ASCII characters sends no line to ftfy, which keeps it (in every codec ftfy
#: tries it is one byte from 0x81 to 0xA3 or from 0xE0 up: never UTF-8 alone, nor with
#: the space ftfy may restore to 0xA0). Annotated text has ~11,000 of them per MB.
_PINYIN_VOWELS = "àáèéìíòóùúü"


#: Compiling it costs ~35-50 ms: its code is stored (``text.precompiled``); under an
#: interpreter the stored code is not for, short texts early in a run take the full
#: path, which matches in Python (``_PYTHON_SCANS``), instead.
PREFILTER_RE = lazy_compile(_prefilter_source)
#: Runs of no-break spaces (``&nbsp;`` indentation) and ASCII in which no no-break
#: space is followed by a byte 0x40–0x7E (``\xa0\xa0 70.0%``) have no reading, so
#: ``_read_latin_run`` returns None for them: byte 0xA0 starts no UTF-8 or Big5
#: character, and in GB18030 ``A0 A0`` is 牋 (rare: too costly to be a candidate; as
#: Big5 bytes ``DA 66`` it is no UTF-8 and reads as the rare 趂 in GBK), ``A0 3x A0 3x``
#: an unassigned code point (noise) and ``A0`` before anything else undecodable.
#: ``tests/test_mojibake_prefilter.py`` checks these facts and many such runs.
_QUIET_RUN_RE = lazy_compile("(?:\u00a0(?![\u0040-\u007e])|[\u0020-\u007e])+")


def _worth_a_look(text: str) -> bool:
    """False only when no reading can find anything in ``text``: the full search
    would return no span. ``PREFILTER_RE`` finds each reading's necessary signs, and
    each sign is then checked the way the reading itself would (its own first steps),
    so a sign in clean text costs microseconds, not a search of the whole text.
    ``tests/test_mojibake_prefilter.py`` checks that ``_spans`` finds nothing wherever
    this says False."""
    gbk: list[int] = []
    big5: list[int] = []
    pairs: list[tuple[int, int]] = []
    latin_lines: dict[int, int] = {}
    ftfy_lines: dict[int, int] = {}
    # The line of the last sign that needed one: found once per line, not per sign (a
    # line of ten thousand Cyrillic letters must not cost ten thousand searches).
    line = end = -1
    for match in PREFILTER_RE.finditer(text):
        kind = match.lastgroup
        index = match.start()
        if kind == "unusual":  # the most frequent sign in clean text: kept cheap
            pairs.append((index, match.start("next")))
            if "\u0400" <= text[index] <= "\u04ff":  # Cyrillic is an ftfy hint too
                if index > end:
                    line, end = text.rfind("\n", 0, index) + 1, _line_end(text, index)
                ftfy_lines[line] = end
            continue
        if kind == "latin" or kind == "ftfy":
            if index > end:
                line, end = text.rfind("\n", 0, index) + 1, _line_end(text, index)
            if kind == "latin":
                latin_lines[line] = end
            if kind == "ftfy" or FTFY_HINT_RE.search(text, index, match.end()):
                ftfy_lines[line] = end
            continue
        # A GBK or Big5 start, which may be the other's too, and unusual. (The tables
        # are asked here, not before the loop: most short texts have no such sign.)
        char = text[index]
        big5_leads, big5_follows = _utf8_lead_sets("Big5")
        costs = char_costs()
        if kind == "gbk":
            gbk.append(index)
        if char in big5_leads and text[index + 1 : index + 2] in big5_follows:
            big5.append(index)
        if is_unusual_han(char, costs):  # (in Python: compiling the class costs ~10 ms)
            for following in range(index + 1, min(len(text), index + CLUSTER_WIDTH + 1)):
                if is_unusual_han(text[following], costs):
                    pairs.append((index, following))
                    break
    for read_as, starts in (("GBK", gbk), ("Big5", big5)):
        taken_until = -1
        for start in starts:
            if start < taken_until:
                continue
            placeholder = PLACEHOLDER_RE.match(text, start)
            if placeholder:  # skipped whole, as _han_utf8_spans does (锟斤拷 × 100,000)
                taken_until = placeholder.end()
            elif _utf8_span_found(text, start, read_as):
                return True
    regions = [region for region in _cluster_regions(pairs) if _may_swap(text[slice(*region)])]
    if regions:  # the others give no window: _swap_windows skips them for either layer
        for layer in SWAP_LAYERS:
            for start, end in _swap_windows(text, regions, layer):
                if next(_swap_in_line(text[start:end], start, layer), None) is not None:
                    return True
    for line_start, line_end in latin_lines.items():
        for run in LATIN_RUN_RE.finditer(text, line_start, line_end):
            if _QUIET_RUN_RE.fullmatch(run.group()):
                continue
            if _read_latin_run(run.group(), run.start()) is not None:
                return True
    return any(_ftfy_fix(text[start:end]) is not None for start, end in ftfy_lines.items())


def _spans(text: str) -> list[Span]:
    """The readings to report in ``text``, without overlaps, in text order."""
    # The prefilter turns clean text away in one pass. Where its code is not stored
    # (another interpreter), the first million characters of a run go straight to the
    # full search instead (its first 200,000 matched in Python, without compiling
    # anything): compiling the prefilter (~50 ms) pays only from about that much text on.
    if (is_cheap(PREFILTER_RE) or not _FULL_SEARCHES.take(text)) and not _worth_a_look(text):
        return []
    return _all_spans(text)


_FULL_SEARCHES = ScanBudget()
_FULL_SEARCHES.budget = 1_000_000


def compile_prefilter() -> None:
    """Compile the prefilter now (~50-80 ms), before worker processes are forked: they
    inherit it and skip the full searches of their first million characters."""
    PREFILTER_RE.search("")
