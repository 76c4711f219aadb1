"""Mojibake (bytes decoded with the wrong codec) and bytes that were lost on the way."""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from cnfix.model import Applicability, Document, Edit, Finding, Fix, Rule
from cnfix.text.charmodel import (
    ASCII_COST,
    COMMON_PUNCT_COST,
    CP1252_HIGH,
    UNUSUAL_HAN_COST,
    char_cost,
    char_costs,
    han_profile,
    noise_count,
    sloppy_encode_1252,
    text_cost,
)
from cnfix.text.chars import HAN, ScanBudget, lazy_compile
from cnfix.text.datafiles import read_data
from cnfix.text.regions import protected_regions

_HAN_CHAR_RE = lazy_compile(f"[{HAN}]")

# ---------------------------------------------------------------------------
# Codecs and chains
# ---------------------------------------------------------------------------

#: Display name → Python codecs tried in turn. "GBK" is decoded as GB18030, its
#: superset, so that the user-defined areas cp936 maps to private use round-trip.
CODECS: dict[str, tuple[str, ...]] = {
    "UTF-8": ("utf-8",),
    "GBK": ("gb18030",),
    "Big5": ("big5", "cp950"),
}


#: Layers undone, outermost first: (codec the bytes were read as, their real codec).
Chain = tuple[tuple[str, str], ...]


def _encode(text: str, read_as: str) -> bytes | None:
    if read_as == "Latin-1":
        return sloppy_encode_1252(text)
    for codec in CODECS[read_as]:
        try:
            return text.encode(codec)
        except UnicodeEncodeError:
            continue
    return None


def _decode(data: bytes, original: str) -> str | None:
    for codec in CODECS[original]:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def redecode(text: str, read_as: str, original: str) -> str | None:
    """Undo one layer: ``text`` is ``original`` bytes that were read as ``read_as``.

    >>> redecode("浣犲ソ", "GBK", "UTF-8")
    '你好'
    >>> redecode("ÄãºÃ", "Latin-1", "GBK")
    '你好'
    """
    data = _encode(text, read_as)
    if data is None or data.isascii():
        return None
    return _decode(data, original)


#: (read as, original) pairs for one layer, by the kind of text the garble shows.
LATIN_LAYERS = (("Latin-1", "UTF-8"), ("Latin-1", "GBK"), ("Latin-1", "Big5"))
HAN_LAYERS = (("GBK", "UTF-8"), ("Big5", "UTF-8"), ("GBK", "Big5"), ("Big5", "GBK"))


def _chain_message(chain: Chain) -> str:
    """``((Latin-1, GBK), (GBK, UTF-8))`` → 'UTF-8 bytes read as GBK, then as Latin-1'."""
    # The chain lists layers as they are undone (outermost first); say them in the
    # order the damage happened.
    layers = list(reversed(chain))
    first_read, original = layers[0]
    words = f"{original} bytes read as {first_read}"
    for read_as, _ in layers[1:]:
        words += f", then as {read_as}"
    return words


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------

#: A candidate's Han characters must be this common on average (half-bits) …
PLAUSIBLE_HAN_MEAN = 30.0
#: … and it must save at least this much cost per garbled character to be a clear win.
SAFE_GAIN_PER_CHAR = 6.0
SAFE_MIN_GAIN = 30


@functools.cache
def _cost(char: str) -> int:
    """Context-free cost of one character (cached: the hot loops call it often)."""
    return char_cost(char)


def _odd_count(text: str) -> int:
    """Rare letters, marks and format characters other than Han: what a wrong decoding
    scatters (ⷰ, ソ, 銆), unlike the symbols and emoji that real text carries."""
    return sum(
        1
        for char in text
        if not char.isascii()
        and unicodedata.category(char)[0] in "LMC"
        and not _HAN_CHAR_RE.match(char)
        and _cost(char) >= ODD_COST
    )


ODD_COST = 36


def _only_common_punctuation(text: str) -> bool:
    """True for ``……``, ``“”`` and the like: non-ASCII, and all common CJK punctuation."""
    rest = [char for char in text if not char.isascii()]
    return bool(rest) and all(_cost(char) <= COMMON_PUNCT_COST for char in rest)


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str
    chain: Chain
    gain: int
    #: False when the span itself is too short to trust, however good the candidate.
    sure: bool = True
    #: ftfy's reading: safe whenever our cost model agrees that it is more plausible.
    vouched: bool = False
    #: A short garble next to a confirmed one of the same chain: safe when it gains.
    neighbour: bool = False


def _best_candidate(garbled: str, options: Mapping[str, Chain]) -> Candidate | None:
    """The most plausible re-decoding of ``garbled`` that beats it, or None."""
    base = text_cost(garbled)
    best: Candidate | None = None
    for text, chain in options.items():
        if text == garbled or noise_count(text) or _odd_count(text) > len(text) // 20:
            continue
        han, mean = han_profile(text)
        if han == 0 and not _only_common_punctuation(text):
            continue
        if mean > PLAUSIBLE_HAN_MEAN + 4:
            continue
        gain = base - text_cost(text)
        if gain > 0 and (best is None or gain > best.gain):
            best = Candidate(text, chain, gain)
    return best


def _is_clear_win(garbled: str, candidate: Candidate) -> bool:
    if candidate.vouched:
        return candidate.sure
    if candidate.neighbour:
        return candidate.gain > 0
    _, mean = han_profile(candidate.text)
    return (
        candidate.sure
        and mean <= PLAUSIBLE_HAN_MEAN
        and candidate.gain >= SAFE_MIN_GAIN
        and candidate.gain >= SAFE_GAIN_PER_CHAR * sum(not c.isascii() for c in garbled)
    )


def _expand(text: str, first_layers: tuple[tuple[str, str], ...]) -> dict[str, Chain]:
    """Every strict re-decoding of ``text`` by one layer, and by a second Han layer."""
    options: dict[str, Chain] = {}
    firsts = []
    for layer in first_layers:
        once = redecode(text, *layer)
        if once is not None:
            options.setdefault(once, (layer,))
            firsts.append((layer, once))
    # Second layers after all first ones: a one-layer explanation is preferred.
    for layer, once in firsts:
        for second in HAN_LAYERS:
            twice = redecode(once, *second)
            if twice is not None:
                options.setdefault(twice, (layer, second))
    return options


# ---------------------------------------------------------------------------
# Latin-1/cp1252 readings: ä½ å¥½ (UTF-8), ÄãºÃ (GBK), §A¦n (Big5)
# ---------------------------------------------------------------------------

_HIGH_1252 = "".join(re.escape(c) for c in CP1252_HIGH)
LATIN_RUN_RE = lazy_compile(f"[\u0080-\u00ff{_HIGH_1252}][\u0020-\u00ff{_HIGH_1252}]*")
_PRINTABLE_ASCII = "".join(map(chr, range(0x20, 0x7F)))
#: Latin-1 characters that count as evidence of a Latin-1 reading: not the middle dot,
#: multiplication sign and other symbols that Chinese text uses on purpose.
_LATIN_NON_ASCII = (
    "\u0080-\u00a0\u00a2-\u00a6\u00a8-\u00af\u00b2-\u00b6\u00b8-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
)
_LATIN_NON_ASCII_RE = lazy_compile(f"[{_LATIN_NON_ASCII}]")
#: Two of those in one run: what a run needs to be read at all (``_read_latin_run``).
#: Text without it has nothing for ``_latin_spans``, whose leftovers are read only
#: beside a run that was: pinyin like ``(dé)`` makes thousands of one-letter runs.
_TWO_LATIN_IN_A_RUN_RE = lazy_compile(
    f"[{_LATIN_NON_ASCII}][\u0020-\u00ff{_HIGH_1252}]*?[{_LATIN_NON_ASCII}]"
)


@functools.cache
def _ftfy_config():  # type: ignore[no-untyped-def]
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )


def _ftfy_fix(text: str) -> tuple[str, str] | None:
    """ftfy's repair of ``text`` with every step that is not about encodings turned
    off (no width folding, no quote uncurling, no normalisation), and the codec it undid."""
    if _ftfy_keeps(text):
        return None
    import ftfy

    fixed, steps = ftfy.fix_and_explain(text, _ftfy_config())
    if fixed == text:
        return None
    codecs_undone = [name for kind, name in steps or () if kind == "encode"]
    return fixed, (codecs_undone[0] if codecs_undone else "an inconsistent codec")


#: Characters that no single-byte codec ftfy tries (Latin-1, the Windows code pages,
#: ISO 8859-2, Mac Roman, cp437) can encode: CJK punctuation, kana, Han.
_NO_CHARMAP_RE = lazy_compile("[\u3000-\u9fff]")  # 28,000 code points: 4 ms to compile
_SURROGATE_RE = lazy_compile("[\ud800-\udfff]")


def _ftfy_keeps(text: str) -> bool:
    """True when ``ftfy.fix_and_explain`` (with ``_ftfy_config``) certainly returns
    ``text`` unchanged, decided in a regex search or two instead of ftfy's badness
    heuristic (~100 µs a line). With every other step off, ftfy changes text only by
    re-encoding it with a single-byte codec (impossible once the text holds a
    character none of them has), by its decoder of UTF-8 sequences embedded in other
    text (only where ``UTF8_DETECTOR_RE`` matches), or by fixing C1 controls and
    surrogates. (ftfy 6.x; the prefilter test runs both on every sample.)"""
    if (
        _NO_CHARMAP_RE.search(text) is None
        or FTFY_C1_RE.search(text)
        or _SURROGATE_RE.search(text) is not None
    ):
        return False
    if _utf8_sequence_re().search(text) is None:
        return True
    from ftfy.chardata import UTF8_DETECTOR_RE

    return UTF8_DETECTOR_RE.search(text) is None


@functools.cache
def _utf8_sequence_re() -> re.Pattern[str]:
    """ftfy's ``UTF8_DETECTOR_RE`` without its look-behind, from the copy of ftfy's
    ``UTF8_CLUES`` in ``data/mojibake_classes.txt``: a text with no match has none of
    ftfy's either, known without importing ftfy (~50 ms: an accented name followed by a
    space, ``René Núñez``, is a clue pair but no sequence). Unlike ftfy's pattern it
    starts with a class, so ``re`` skips clean text fast. Same flags as ftfy's."""
    classes = generated_classes()
    follow = f"[{classes['ftfy-utf8-continuation']}]"
    return re.compile(
        "|".join(
            f"[{classes[f'ftfy-utf8-first-{length}']}]{follow}{{{length - 1}}}"
            for length in (2, 3, 4)
        ),
        re.VERBOSE,
    )


FTFY_C1_RE = re.compile("[\u0080-\u009f]")


def _han_dense(text: str) -> bool:
    """At least two Han characters, and more Han than non-ASCII letters: what a Chinese
    reading of Latin-1 mojibake gives (``你好，世界``), unlike the lone Han character a
    GBK reading makes of accented Latin (``H么tel`` for ``HÃ´tel``)."""
    han, _ = han_profile(text)
    cjk = han + sum(1 for char in text if _cost(char) == COMMON_PUNCT_COST)
    letters = sum(
        1 for char in text if char.isalpha() and not char.isascii() and not _HAN_CHAR_RE.match(char)
    )
    paired = _HAN_PAIR_RE.search(text) is not None
    enough = han >= 2 or (han == 1 and cjk >= 3)
    return (enough and han > letters and paired) or _only_common_punctuation(text)


_HAN_PAIR_RE = lazy_compile(
    f"[{HAN}][{HAN}\u3001\u3002\uff0c\uff1a\uff1b\uff01\uff1f]"
    f"|[\u3000\u3001\u3002\uff0c\uff1a][{HAN}]"
)


#: Characters in a line that make it worth asking ftfy: Latin-1 letters and symbols
#: other than the ones Chinese text uses (· × ÷ ° ±, no-break space), C1 controls,
#: Greek, Cyrillic, the box drawing of cp437 mojibake (not the plain ─ │ ┌ of tables)
#: and the square root of Mac Roman mojibake.
_FTFY_HINTS = (
    "\u0080-\u009f\u00a2-\u00a6\u00a8-\u00af\u00b2-\u00b6\u00b8-\u00d6"
    "\u00d8-\u00f6\u00f8-\u00ff\u0370-\u03ff\u0400-\u04ff\u2510-\u257f\u221a"
)
FTFY_HINT_RE = lazy_compile(f"[{_FTFY_HINTS}]")


def _ftfy_spans(text: str) -> Iterator[tuple[int, int, str, Candidate]]:
    """ftfy's own family (UTF-8 read as Windows-1252, Latin-1, Mac Roman, cp437, …), line
    by line, as the span between the first and last character ftfy changed."""
    # Only the lines holding a hint are looked at: one search through the text finds
    # them (splitting into lines and searching each cost more than the rest of the rule).
    position = 0
    while (hint := FTFY_HINT_RE.search(text, position)) is not None:
        offset = text.rfind("\n", 0, hint.start()) + 1
        end = text.find("\n", hint.end())
        end = len(text) if end == -1 else end
        line = text[offset:end]
        position = end + 1
        found = _ftfy_fix(line)
        if found is not None:
            fixed, codec = found
            prefix = 0
            limit = min(len(line), len(fixed))
            while prefix < limit and line[prefix] == fixed[prefix]:
                prefix += 1
            suffix = 0
            while (
                suffix < limit - prefix
                and line[len(line) - 1 - suffix] == fixed[len(fixed) - 1 - suffix]
            ):
                suffix += 1
            garbled = line[prefix : len(line) - suffix]
            replacement = fixed[prefix : len(fixed) - suffix]
            # Costs of the whole line, so that neighbours count (``ZURÃœCK``).
            gain = text_cost(line) - text_cost(fixed)
            chain = ((f"{codec} (ftfy)", "UTF-8"),)
            yield (
                offset + prefix,
                offset + len(line) - suffix,
                garbled,
                Candidate(replacement, chain, gain, sure=gain >= 0, vouched=True),
            )


def _latin_spans(text: str) -> Iterator[tuple[int, int, str, Candidate | None]]:
    """Latin-1/cp1252 runs that read as Chinese once re-encoded; a byte that no
    candidate codec can decode splits the run and is reported as (start, end, char,
    None). Once a chain is certain somewhere in the text, short runs (``ºÍ`` for 和,
    ``°²×°`` for 安装) are read with it too."""
    if _TWO_LATIN_IN_A_RUN_RE.search(text) is None:
        return
    confirmed: set[Chain] = set()
    leftovers: list[tuple[int, str]] = []
    for match in LATIN_RUN_RE.finditer(text):
        spans = _read_latin_run(match.group(), match.start())
        if spans is None:
            leftovers.append((match.start(), match.group()))
            continue
        for span in spans:
            if span[3] is not None and _is_clear_win(span[2], span[3]):
                confirmed.add(span[3].chain)
            yield span
    for chain in confirmed:
        if len(chain) == 1:
            yield from _latin_leftovers(leftovers, chain[0])


def _read_latin_run(run: str, start: int) -> list[tuple[int, int, str, Candidate | None]] | None:
    """The readings of one Latin-1/cp1252 run at ``start``: its best candidate, or the
    pieces around bytes no codec decodes. None for a run too weak to read alone (fewer
    than two Latin-1 letters, or no reading): a leftover, read only next to a
    confirmed chain."""
    # Trim ASCII from the right, but keep one ASCII byte that may be a GBK/Big5
    # trail byte (0x40–0x7E) of the last double-byte character: nothing after it
    # counts, so the readings are looked up by that head of the run.
    core = run.rstrip(_PRINTABLE_ASCII)
    if len(_LATIN_NON_ASCII_RE.findall(core)) < 2:
        return None
    head = run[: len(core) + 1]
    reader = _latin_head_readings if len(head) <= 64 else _latin_head_readings.__wrapped__
    spans = reader(head, len(core))
    if spans is None or not start:
        return None if spans is None else list(spans)
    return [(start + a, start + b, garbled, candidate) for a, b, garbled, candidate in spans]


@functools.lru_cache(maxsize=4096)
def _latin_head_readings(head: str, core_end: int) -> tuple[Span, ...] | None:
    """``_read_latin_run`` for a run at offset 0, by its head: the core and the one
    character after it. Short heads are remembered (runs of no-break spaces before
    code recur: ``\xa0\xa0\xa0\xa0s``); long ones are not, so as not to hold them."""
    found = _latin_candidate(head, core_end)
    if found is not None:
        return ((0, found[0], head[: found[0]], found[1]),)
    # Every piece with a candidate is a clear win; a bad byte's piece has none.
    return tuple(_split_at_bad_bytes(head[:core_end], 0)) or None


def _latin_leftovers(
    leftovers: list[tuple[int, str]], layer: tuple[str, str]
) -> Iterator[tuple[int, int, str, Candidate]]:
    for start, run in leftovers:
        core = run.rstrip(_PRINTABLE_ASCII)
        ends = [len(core)]
        if len(core) < len(run) and "\u0040" <= run[len(core)] <= "\u007e":
            ends.append(len(core) + 1)
        for end in reversed(ends):
            garbled = run[:end]
            fixed = redecode(garbled, *layer)
            if fixed is None or fixed.isascii() or noise_count(fixed) or _odd_count(fixed):
                continue
            gain = text_cost(garbled) - text_cost(fixed)
            if gain > 0:
                candidate = Candidate(fixed, (layer,), gain, neighbour=True)
                yield start, start + end, garbled, candidate
                break


def _latin_candidate(run: str, core_end: int) -> tuple[int, Candidate] | None:
    ends = [core_end]
    if core_end < len(run) and "\u0040" <= run[core_end] <= "\u007e":
        ends.append(core_end + 1)
    best: tuple[int, Candidate] | None = None
    for end in ends:
        garbled = run[:end]
        options = {
            fixed: chain
            for fixed, chain in _expand(garbled, LATIN_LAYERS).items()
            if _han_dense(fixed)
        }
        candidate = _best_candidate(garbled, options)
        if candidate is not None and (best is None or candidate.gain > best[1].gain):
            best = (end, candidate)
    return best


def _split_at_bad_bytes(core: str, offset: int) -> Iterator[tuple[int, int, str, Candidate | None]]:
    """GBK read as Latin-1 with a byte GBK cannot decode (cp936's lone 0x80 €): the
    run is read piece by piece around it (one character is one byte here), and the
    byte is reported, not guessed."""
    data = sloppy_encode_1252(core)
    if data is None:
        return
    for original in ("GBK", "Big5"):
        pieces: list[tuple[int, int]] = []
        bad: list[int] = []
        position = 0
        while position < len(data):
            error = _first_error(data[position:], original)
            if error is None:
                pieces.append((position, len(data)))
                break
            pieces.append((position, position + error))
            bad.append(position + error)
            position += error + 1
        found = []
        for begin, end in pieces:
            piece = core[begin:end].rstrip(_PRINTABLE_ASCII)
            piece = piece[len(piece) - len(piece.lstrip(_PRINTABLE_ASCII)) :]
            lead = core[begin:end].find(piece) + begin if piece else begin
            if len(_LATIN_NON_ASCII_RE.findall(piece)) < 2:
                continue
            result = _latin_candidate(piece, len(piece))
            if result is not None and _is_clear_win(piece, result[1]):
                found.append((offset + lead, offset + lead + result[0], piece, result[1]))
        if found:
            yield from found
            for index in bad:
                yield offset + index, offset + index + 1, core[index], None
            return


def _first_error(data: bytes, original: str) -> int | None:
    """Offset of the first byte that ``original``'s codecs cannot decode."""
    try:
        data.decode(CODECS[original][0])
    except UnicodeDecodeError as error:
        return error.start
    return None


# ---------------------------------------------------------------------------
# Han readings: 浣犲ソ (UTF-8 as GBK), 銝剜? (UTF-8 as Big5), GBK ↔ Big5
# ---------------------------------------------------------------------------


def _char_class(chars: set[str]) -> str:
    """The inside of ``[...]`` for ``chars``, runs of consecutive code points as ranges
    (letters and Han as they are: ``re.escape`` on thousands of them is slow)."""

    def literal(code: int) -> str:
        char = chr(code)
        return char if char.isalnum() else re.escape(char)

    parts: list[str] = []
    start = previous = -2
    for code in [*sorted(map(ord, chars)), -2]:
        if code == previous + 1:
            previous = code
            continue
        if start >= 0:
            parts.append(
                literal(start) if start == previous else f"{literal(start)}-{literal(previous)}"
            )
        start = previous = code
    return "".join(parts)


def utf8_lead_source(read_as: str) -> str:
    """Where ``read_as`` garble of UTF-8 can start: a character made of a UTF-8 lead
    byte (E1–EF) and a continuation byte, followed by one whose first byte is a
    continuation byte too and whose second starts the next UTF-8 character
    (浣犲 = e4 bd | a0 e5 | …). The pattern's source, stored in
    ``data/mojibake_classes.txt`` by ``scripts/gen_mojibake_classes.py``."""
    leads = _pair_chars(range(0xE1, 0xF0), range(0x80, 0xC0), read_as)
    follows = _pair_chars(range(0x80, 0xC0), [*range(0x40, 0x7F), *range(0xC2, 0xF5)], read_as)
    return f"[{_char_class(leads)}](?=[{_char_class(follows)}])"


#: ``鈥`` (E2 80 read as GBK): the start of ‘’“”–— in UTF-8 (``鈥檚`` = ``’s``).
_QUOTE_LEAD = "\N{CJK UNIFIED IDEOGRAPH-9225}"


def utf8_walk_source(read_as: str) -> str:
    """What must follow a ``utf8_lead_source`` start for ``_utf8_span`` to find a
    garble there: a lookahead over the next characters, by the bytes ``_encode`` gives
    them (the pattern's source, stored in ``data/mojibake_classes.txt``).

    After the lead character one UTF-8 continuation byte is due. The follow
    character brings it and ends with an ASCII byte (the first UTF-8 character is
    complete: a span of two characters is reported only before an ASCII letter or
    digit, or as ``鈥檚``; a longer one needs a second UTF-8 character, which starts at
    a character made of a lead byte and a continuation byte after any ASCII), or ends
    with a lead byte of a 2-, 3- or 4-byte character, whose continuation bytes the
    next one or two characters must bring. (UTF-8's few extra limits on the byte
    after E0, ED, F0 and F4 are left out: the pattern can only match more.)
    """
    pairs: dict[str, bytes] = {}
    for char in _pair_chars(range(0x80, 0xF5), range(0x40, 0xFF), read_as):
        data = _encode(char, read_as)
        if data is not None and len(data) == 2:
            pairs[char] = data

    def chars(first: Iterable[int], second: Iterable[int]) -> str:
        first, second = set(first), set(second)
        return _char_class({c for c, (a, b) in pairs.items() if a in first and b in second})

    cont, ascii_trail = range(0x80, 0xC0), range(0x40, 0x7F)
    two, three, four = range(0xC2, 0xE0), range(0xE0, 0xF0), range(0xF0, 0xF5)
    complete = chars(cont, ascii_trail)
    # A continuation byte, then ASCII or a lead byte (a continuation byte would be a
    # stray one).
    open_ = f"[{chars(cont, [*ascii_trail, *range(0xC2, 0xF5)])}]"
    closing = f"[{chars(cont, cont)}]"
    second_start = chars(range(0xC2, 0xF5), cont)
    return (
        f"(?=[{complete}](?:[\\x00-\\x09\\x0b-\\x7f]*[{second_start}]|[0-9A-Za-z])"
        f"|(?<={_QUOTE_LEAD})[{complete}]"
        f"|[{chars(cont, two)}]{open_}"
        f"|[{chars(cont, three)}]{closing}"
        f"|[{chars(cont, four)}]{closing}{open_})"
    )


@functools.cache
def generated_classes() -> dict[str, str]:
    """``data/mojibake_classes.txt``: name → pattern source, as the ``*_source``
    functions build them (building them took ~20 ms of each run's start-up)."""
    classes: dict[str, str] = {}
    for line in read_data("mojibake_classes.txt").split("\n"):
        if line and not line.startswith("#"):
            name, _, source = line.partition("\t")
            classes[name] = source
    return classes


@functools.cache
def _utf8_lead_re(read_as: str) -> re.Pattern[str]:
    return re.compile(generated_classes()[f"utf8-lead-{read_as}"])


def utf8_lead_chars(read_as: str) -> tuple[str, str]:
    """The characters of ``utf8_lead_source``'s two classes: (leads, follows), sorted."""
    return (
        "".join(sorted(_pair_chars(range(0xE1, 0xF0), range(0x80, 0xC0), read_as))),
        "".join(
            sorted(
                _pair_chars(range(0x80, 0xC0), [*range(0x40, 0x7F), *range(0xC2, 0xF5)], read_as)
            )
        ),
    )


@functools.cache
def _utf8_lead_sets(read_as: str) -> tuple[frozenset[str], frozenset[str]]:
    classes = generated_classes()
    return (
        frozenset(classes[f"utf8-lead-chars-{read_as}"]),
        frozenset(classes[f"utf8-follow-chars-{read_as}"]),
    )


#: Compiling ``_utf8_lead_re`` and ``_unusual_han_re`` costs ~15 ms, most of a short
#: run's work: the first texts are matched against their characters in Python.
_PYTHON_SCANS = ScanBudget()


def _utf8_lead_starts(text: str, read_as: str) -> list[int]:
    """Where ``_utf8_lead_re(read_as)`` matches ``text``."""
    if _utf8_lead_re.cache_info().currsize == 0 and _PYTHON_SCANS.take(text):
        leads, follows = _utf8_lead_sets(read_as)
        return [
            index
            for index, char in enumerate(text)
            if char in leads and text[index + 1 : index + 2] in follows
        ]
    return [match.start() for match in _utf8_lead_re(read_as).finditer(text)]


def _pair_chars(leads: Iterable[int], trails: Iterable[int], read_as: str) -> set[str]:
    """The single characters that the byte pairs ``lead trail`` decode to in ``read_as``
    (pairs that do not decode, or decode to more than one character, give nothing).

    All pairs are decoded in one call per codec, each followed by a newline: no trail
    byte of GBK or Big5 is a newline, so a pair that fails cannot swallow the next one,
    and a pair decodes strictly exactly when its piece has no U+FFFD (neither codec
    maps a pair to U+FFFD). One call instead of one per pair: 20 ms → 1 ms.
    """
    first, second = bytes(leads), bytes(trails)
    count = len(first) * len(second)
    data = bytearray(3 * count)
    data[0::3] = b"".join(bytes([lead]) * len(second) for lead in first)
    data[1::3] = second * len(first)
    data[2::3] = b"\n" * count
    readings = [data.decode(codec, "replace").split("\n")[:count] for codec in CODECS[read_as]]
    chars: set[str] = set()
    for pieces in zip(*readings, strict=True):
        for piece in pieces:  # the first codec that decodes the pair decides it
            if "\ufffd" not in piece:
                if len(piece) == 1:
                    chars.add(piece)
                break
    return chars


def unusual_han_source() -> str:
    """Han characters outside the common part of the frequency table, and the symbols
    that a wrong double-byte reading scatters among them (the pattern's source, stored
    in ``data/mojibake_classes.txt``)."""
    common = sorted(
        code
        for code in map(ord, (c for c, cost in char_costs().items() if cost < UNUSUAL_HAN_COST))
        if 0x4E00 <= code < 0xA000
    )
    # The unusual Unified Ideographs are the gaps between the common ones, as ranges.
    gaps, start = [], 0x4E00
    for code in [*common, 0xA000]:
        if code > start:
            gaps.append(f"{chr(start)}-{chr(code - 1)}" if code - 1 > start else chr(start))
        start = max(start, code + 1)
    # Extension A, private use, kana, Cyrillic, vertical forms and circled numbers: what
    # GBK and Big5 read as each other scatter among Han characters.
    others = "\u3400-\u4dbf\ue000-\uf8ff\u3040-\u30ff\u0400-\u04ff\ufe30-\ufe4f\u2460-\u24ff"
    return f"[{''.join(gaps)}\uf900-\ufaff\U00020000-\U0003134f{others}]"


@functools.cache
def _unusual_han_re() -> re.Pattern[str]:
    return re.compile(generated_classes()["unusual-han"])


def is_unusual_han(char: str, costs: Mapping[str, int]) -> bool:
    """One character of ``unusual_han_source``'s class, without the pattern (``costs``:
    ``char_costs()``; a test checks the two agree on every code point)."""
    code = ord(char)
    if 0x4E00 <= code < 0xA000:
        return costs.get(char, UNUSUAL_HAN_COST) >= UNUSUAL_HAN_COST
    return (
        0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
        or 0xE000 <= code <= 0xF8FF
        or 0x3040 <= code <= 0x30FF
        or 0x0400 <= code <= 0x04FF
        or 0xFE30 <= code <= 0xFE4F
        or 0x2460 <= code <= 0x24FF
    )


def _unusual_han_positions(text: str) -> list[int]:
    """Where ``_unusual_han_re()`` matches ``text``."""
    if _unusual_han_re.cache_info().currsize == 0 and _PYTHON_SCANS.take(text):
        costs = char_costs()
        return [
            index
            for index, char in enumerate(text)
            if not char.isascii() and is_unusual_han(char, costs)
        ]
    return [match.start() for match in _unusual_han_re().finditer(text)]


MAX_WINDOW = 400
_UTF8_DECODER = codecs.getincrementaldecoder("utf-8")


@functools.lru_cache(maxsize=65536)
def _encode_char(char: str, read_as: str) -> bytes | None:
    """``_encode`` of one character, remembered: the walks ask for the same ones."""
    return _encode(char, read_as)


def _utf8_in_han(
    text: str, start: int, read_as: str, limit: int | None = None
) -> tuple[int, str, int] | None:
    """The best span from ``start`` whose ``read_as`` bytes are UTF-8: (end, decoded, gain).

    The bytes are fed to an incremental UTF-8 decoder one character at a time, so a
    clean stretch stops the walk after a character or two.
    """
    decoder = _UTF8_DECODER()
    stop = min(len(text) if limit is None else limit, start + MAX_WINDOW)
    garbled_cost = decoded_cost = 0
    pieces: list[str] = []
    best: tuple[int, str, int] | None = None
    for index in range(start, stop):
        char = text[index]
        if char == "\n":
            break
        encoded = char.encode() if char.isascii() else _encode_char(char, read_as)
        if encoded is None:
            break
        try:
            piece = decoder.decode(encoded)
        except UnicodeDecodeError:
            break
        garbled_cost += _cost(char)
        if piece:
            pieces.append(piece)
            decoded_cost += sum(_cost(c) for c in piece)
        if decoder.getstate()[0]:
            continue
        gain = garbled_cost - decoded_cost
        if best is None or gain > best[2]:
            best = (index + 1, "".join(pieces), gain)
    return best


def _long_enough(text: str, end: int, garbled: str, decoded: str) -> bool:
    """Three garbled characters make a case; two only when the second swallowed an
    ASCII byte that continues a word (``鍜孋hervonenkis`` = ``和Chervonenkis``)."""
    if len(garbled) >= 3 and sum(not c.isascii() for c in decoded) >= 2:
        return True
    if _english_punctuation(text, end - len(garbled), decoded):
        return True
    if len(garbled) != 2 or not decoded[-1:].isalnum() or not decoded[-1].isascii():
        return False
    following = text[end : end + 1]
    han, mean = han_profile(decoded)
    return (
        bool(following)
        and following.isascii()
        and following.isalnum()
        and han == 1
        and (mean <= COMMON_HAN_COST)
    )


def _english_punctuation(text: str, start: int, decoded: str) -> bool:
    """``Director鈥檚`` = ``Director’s``: a curly quote or dash and a letter, glued to an
    English word, where two rare Han characters make no sense."""
    before = text[start - 1 : start]
    return (
        len(decoded) == 2
        and decoded[0] in "\u2018\u2019\u201c\u201d\u2013\u2014"
        and decoded[1].isascii()
        and decoded[1].isalpha()
        and before.isascii()
        and before.isalpha()
    )


#: A lone re-decoded character must be at least this common.
COMMON_HAN_COST = 26


def _han_utf8_spans(text: str) -> Iterator[tuple[int, int, str, Candidate]]:
    for read_as in ("GBK", "Big5"):
        taken_until = -1
        confirmed: list[tuple[int, int]] = []
        for start in _utf8_lead_starts(text, read_as):
            if start < taken_until:
                continue
            placeholder = PLACEHOLDER_RE.match(text, start)
            if placeholder:  # 锟斤拷 is U+FFFD's bytes: lost-bytes reports it; skip it whole
                taken_until = placeholder.end()
                continue
            span = _utf8_span(text, start, read_as)
            if span is None:
                continue
            end, garbled, candidate = span
            taken_until = end
            if _is_clear_win(garbled, candidate):
                confirmed.append((start, end))
            yield start, end, garbled, candidate
        if confirmed:
            yield from _utf8_leftovers(text, read_as, confirmed)


def _utf8_span(text: str, start: int, read_as: str) -> tuple[int, str, Candidate] | None:
    """The garble of UTF-8 read as ``read_as`` that starts at ``start``, long enough to
    report and with a candidate that beats it: (end, garbled, candidate), or None."""
    found = _utf8_in_han(text, start, read_as)
    if found is None:
        return None
    end, decoded, _ = found
    garbled = text[start:end]
    if not _long_enough(text, end, garbled, decoded):
        return None
    candidate = _best_candidate(garbled, {decoded: ((read_as, "UTF-8"),)})
    return None if candidate is None else (end, garbled, candidate)


def _utf8_span_found(text: str, start: int, read_as: str) -> bool:
    """``_utf8_span(text, start, read_as) is not None``, remembered by context when the
    walk surely stops within four characters: then the answer depends only on the
    character before ``start`` and those four (phrases such as 合作夥伴， recur)."""
    found = _utf8_short_walk(text[max(0, start - 1) : start + 4], start > 0, read_as)
    return _utf8_span(text, start, read_as) is not None if found is None else found


@functools.lru_cache(maxsize=8192)
def _utf8_short_walk(context: str, has_before: bool, read_as: str) -> bool | None:
    """``_utf8_span`` found something at the start of ``context`` (after its first
    character when ``has_before``); None when the walk could go on past the context:
    its four characters are all UTF-8 so far. Otherwise the walk stops inside the
    context (at a line end, a character the codec lacks, bytes that are no UTF-8, or
    the end of the text) and the context decides everything."""
    window = context[int(has_before) :]
    if len(window) == 4 and "\n" not in window:
        data = [encoded for char in window if (encoded := _encode_char(char, read_as))]
        if len(data) == 4 and _utf8_valid(b"".join(data)):
            return None
    return _utf8_span(context, int(has_before), read_as) is not None


def _utf8_valid(data: bytes) -> bool:
    """``data`` is UTF-8, or the start of it (a character may be cut off at the end)."""
    try:
        codecs.utf_8_decode(data, "strict", False)
    except UnicodeDecodeError:
        return False
    return True


def _utf8_leftovers(
    text: str, read_as: str, confirmed: list[tuple[int, int]]
) -> Iterator[tuple[int, int, str, Candidate]]:
    """Short garbles on a line that certainly holds UTF-8 read as ``read_as``: ``聽`` for
    a no-break space, ``鈥檚`` for ``’s``. Alone they could be real text; next to a
    confirmed garble on the same line they are the same damage."""
    lines = sorted(
        {(text.rfind("\n", 0, start) + 1, _line_end(text, end)) for start, end in confirmed}
    )
    for line_start, line_end in lines:
        position = line_start
        while position < line_end:
            if text[position].isascii() or any(a <= position < b for a, b in confirmed):
                position += 1
                continue
            following = [a for a, _ in confirmed if a > position]
            found = _utf8_in_han(text, position, read_as, min([line_end, *following]))
            if found is None:
                position += 1
                continue
            end, decoded, gain = found
            garbled = text[position:end]
            plausible = gain > 0 and not decoded.isascii()
            if plausible and not noise_count(decoded) and not _odd_count(decoded):
                chain = ((read_as, "UTF-8"),)
                yield position, end, garbled, Candidate(decoded, chain, gain, neighbour=True)
                position = end
                continue
            position += 1


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


@functools.cache
def _swap(char: str, read_as: str, original: str) -> str | None:
    return redecode(char, read_as, original)


#: A GBK/Big5 swap must change at least this many characters, and the span must read
#: as unusual text: real text rarely averages this cost per non-ASCII character.
MIN_SWAP_CHARS = 4
GARBLED_MEAN = 30.0
CLUSTER_SIZE = 2
CLUSTER_WIDTH = 5
CLUSTER_MARGIN = 120
#: A cluster is only looked at closely when swapping it alone already saves this much.
CLUSTER_MIN_GAIN = 10


def _han_swap_spans(text: str) -> Iterator[tuple[int, int, str, Candidate]]:
    """GBK read as Big5 and the reverse: one double-byte character for another.

    Only clusters of unusual characters are looked at (two within five characters;
    clean text has about one unusual character in 150); in a window around each,
    within its line, the span is the stretch where re-decoding saves the most cost
    (Kadane's maximum sum).
    """
    positions = _unusual_han_positions(text)
    pairs = zip(positions, positions[CLUSTER_SIZE - 1 :], strict=False)
    regions = _cluster_regions((first, third) for first, third in pairs)
    for layer in SWAP_LAYERS:
        found = [
            span
            for start, end in _swap_windows(text, regions, layer)
            for span in _swap_in_line(text[start:end], start, layer)
        ]
        yield from found
        if layer == ("GBK", "Big5"):
            yield from _big5_leftovers(text, found)


SWAP_LAYERS = (("GBK", "Big5"), ("Big5", "GBK"))


def _swap_windows(text: str, regions: list[list[int]], layer: tuple[str, str]) -> list[list[int]]:
    """Windows [start, end) around the regions whose swap by ``layer`` saves enough,
    within their lines, merged where they overlap."""
    windows: list[list[int]] = []
    for first, last in regions:
        if _swap_gain(text[first:last], layer) < CLUSTER_MIN_GAIN:
            continue
        line_start = text.rfind("\n", 0, first) + 1
        line_end = text.find("\n", last)
        line_end = len(text) if line_end < 0 else line_end
        start = max(line_start, first - CLUSTER_MARGIN)
        end = min(line_end, last + CLUSTER_MARGIN)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return windows


def _cluster_regions(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Regions [start, end) of the clusters: each pair is an unusual character and the
    next one; pairs more than ``CLUSTER_WIDTH`` apart are ignored, and regions within
    ``CLUSTER_WIDTH`` of each other merged."""
    regions: list[list[int]] = []
    for first, third in pairs:
        if third - first > CLUSTER_WIDTH:
            continue
        if regions and first <= regions[-1][1] + CLUSTER_WIDTH:
            regions[-1][1] = third + 1
        else:
            regions.append([first, third + 1])
    return regions


def _big5_leftovers(
    text: str, found: list[tuple[int, int, str, Candidate]]
) -> Iterator[tuple[int, int, str, Candidate]]:
    """On a line that is certainly Big5 read as GBK, a character that Big5 cannot
    encode is garble too, however plausible it looks alone: ``〗`` for ``■``. (Only on
    such lines: elsewhere the document may hold clean Simplified text.)"""
    layer = ("GBK", "Big5")
    lines = sorted(
        {
            (text.rfind("\n", 0, start) + 1, _line_end(text, end))
            for start, end, garbled, candidate in found
            if _is_clear_win(garbled, candidate)
        }
    )
    matches = (m for a, b in lines for m in _NOT_ASCII_RE.finditer(text, a, b))
    for match in matches:
        index = match.start()
        if any(a <= index < b for a, b, _, _ in found):
            continue
        char = match.group()
        if _encode(char, "Big5") is not None:
            continue
        swapped = _swap(char, *layer)
        if swapped is None or noise_count(swapped) or _odd_count(swapped):
            continue
        # The evidence is structural (no Big5 file holds this character), not the
        # cost: ■ may well cost more than 〗. Count it as a gain.
        gain = max(1, _cost(char) - sum(_cost(c) for c in swapped))
        yield index, index + 1, char, Candidate(swapped, (layer,), gain, neighbour=True)


_NOT_ASCII_RE = re.compile("[^\\x00-\\x7f]")


def _swap_gain(text: str, layer: tuple[str, str]) -> int:
    """Cost saved by swapping the non-ASCII characters of ``text`` that can be swapped."""
    table = _SWAPS[layer]
    total = 0
    for char in text:
        entry = table.get(char)
        if entry is None:
            entry = table[char] = _swap_entry(char, layer)
        total += entry[1] or 0
    return total


def _may_swap(region: str) -> bool:
    """``_swap_gain(region, layer) >= CLUSTER_MIN_GAIN`` for either layer, in one
    loop over the region (clean text has a cluster every ~600 characters)."""
    table = _BOTH_GAINS
    first = second = 0
    for char in region:
        gains = table.get(char)
        if gains is None:
            gains = table[char] = tuple(_swap_gain(char, layer) for layer in SWAP_LAYERS)
        first += gains[0]
        second += gains[1]
    return first >= CLUSTER_MIN_GAIN or second >= CLUSTER_MIN_GAIN


_BOTH_GAINS: dict[str, tuple[int, ...]] = {}


def _swap_entry(char: str, layer: tuple[str, str]) -> tuple[str, int | None]:
    """``char`` as ``layer`` swaps it and the cost that saves; itself and None when it
    cannot be swapped (ASCII stays, saving 0)."""
    if char.isascii():
        return char, 0
    swapped = _swap(char, *layer)
    if swapped is None:
        return char, None
    return swapped, _cost(char) - sum(_cost(c) for c in swapped)


#: Per layer, ``_swap_entry`` of each character once looked up: a dictionary lookup
#: per character is what scanning clusters and their lines can afford.
_SWAPS: dict[tuple[str, str], dict[str, tuple[str, int | None]]] = {
    layer: {} for layer in SWAP_LAYERS
}


def _plausible_neighbour(char: str, swapped: str) -> bool:
    if char.isascii() or char == swapped:
        return False
    return all(_cost(c) <= COMMON_HAN_COST for c in swapped) and (
        sum(_cost(c) for c in swapped) - _cost(char) <= NEIGHBOUR_SLACK
    )


NEIGHBOUR_SLACK = 3


def _to_run_edges(line: str, mapped: list[str], start: int, end: int) -> tuple[int, int]:
    """Take in up to two characters at either end when that reaches the edge of the
    run (line start or end, ASCII) and each becomes a common character: ``苦`` at the
    start of a garbled line is the wrong reading of ``賴``."""

    def takeable(index: int) -> bool:
        char, swapped = line[index], mapped[index]
        return (
            not char.isascii()
            and swapped != char
            and all(_cost(c) <= PLAUSIBLE_HAN_MEAN for c in swapped)
            and sum(_cost(c) for c in swapped) - _cost(char) <= EDGE_SLACK
        )

    def edge(index: int) -> bool:
        return index < 0 or index >= len(line) or line[index].isascii()

    for step in (1, 2):
        if edge(start - step):
            break
        if not all(takeable(start - k) for k in range(1, step + 1)):
            break
        if edge(start - step - 1):
            start -= step
            break
    for step in (1, 2):
        if edge(end + step - 1):
            break
        if not all(takeable(end + k) for k in range(step)):
            break
        if edge(end + step):
            end += step
            break
    return start, end


EDGE_SLACK = 14


def _swap_in_line(
    line: str, offset: int, layer: tuple[str, str]
) -> Iterator[tuple[int, int, str, Candidate]]:
    best_sum, best_span = 0, (0, 0)
    current, current_start = 0, 0
    mapped: list[str] = []
    table = _SWAPS[layer]
    for index, char in enumerate(line):
        entry = table.get(char)
        if entry is None:
            entry = table[char] = _swap_entry(char, layer)
        swapped, gain = entry
        mapped.append(swapped)
        if gain is None:  # this reading cannot swap the character: start again after it
            current, current_start = 0, index + 1
            continue
        if current <= 0:
            current, current_start = gain, index
        else:
            current += gain
        if current > best_sum:
            best_sum, best_span = current, (current_start, index + 1)
    start, end = best_span
    # Widen over neighbours that a wrong reading made into common characters (還 for
    # 临): each costs a little, where a clean neighbour would become a rare one.
    while start > 0 and _plausible_neighbour(line[start - 1], mapped[start - 1]):
        start -= 1
    while end < len(line) and _plausible_neighbour(line[end], mapped[end]):
        end += 1
    start, end = _to_run_edges(line, mapped, start, end)
    garbled = line[start:end]
    wide = [char for char in garbled if not char.isascii()]
    # In context: kana in a Japanese word are cheap, kana scattered among Han are not.
    mean = (text_cost(garbled) - ASCII_COST * (len(garbled) - len(wide))) / max(1, len(wide))
    short = len(wide) < MIN_SWAP_CHARS
    if short and not _standalone_field(line, start, end, mapped):
        return
    if mean < GARBLED_MEAN:
        return
    fixed = "".join(mapped[start:end])
    candidate = _best_candidate(garbled, {fixed: (layer,)})
    if candidate is not None:
        if short:
            candidate = Candidate(candidate.text, candidate.chain, candidate.gain, sure=False)
        yield offset + start, offset + end, garbled, candidate


def _standalone_field(line: str, start: int, end: int, mapped: list[str]) -> bool:
    """A short garble (``楷冞`` for 发送) that is a whole Han run of its own, reads as
    very unusual text and swaps into very common characters: a suggestion only."""
    before = line[start - 1 : start]
    after = line[end : end + 1]
    if _HAN_CHAR_RE.match(before) or _HAN_CHAR_RE.match(after):
        return False
    han, mean = han_profile(line[start:end])
    _, fixed_mean = han_profile("".join(mapped[start:end]))
    return han >= 2 and mean >= UNUSUAL_HAN_COST and fixed_mean <= COMMON_HAN_COST - 2


# ---------------------------------------------------------------------------
# The rule
# ---------------------------------------------------------------------------

LATIN_HINT_RE = re.compile(f"[\u0080-\u00ff{_HIGH_1252}]")


def _rank(span: tuple[int, int, str, Candidate | None]) -> int:
    candidate = span[3]
    if candidate is None:
        return 0
    if candidate.vouched:
        return 1
    return 0 if _is_clear_win(span[2], candidate) else 2


Span = tuple[int, int, str, "Candidate | None"]


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
    a line to ftfy. The first class lets ``re`` skip everything else at the speed of
    a plain class search; a named empty group tells which sign matched."""
    classes = generated_classes()
    gbk_leads, _ = _split_lead_source(classes["utf8-lead-GBK"])
    big5_leads, big5_follows = _split_lead_source(classes["utf8-lead-Big5"])
    unusual = classes["unusual-han"][1:-1]
    run = f"\\u0020-\\u00ff{_HIGH_1252}"
    signs = "".join((gbk_leads, big5_leads, unusual, _LATIN_NON_ASCII, _FTFY_HINTS))
    return (
        f"[{signs}](?:"
        f"(?<=[{gbk_leads}]){classes['utf8-walk-GBK']}(?P<gbk>)"
        f"|(?<=[{big5_leads}])(?=[{big5_follows}])(?P<big5>)"
        f"|(?<=[{unusual}])(?=(?s:.){{0,{CLUSTER_WIDTH - 1}}}?(?P<next>[{unusual}]))(?P<unusual>)"
        f"|(?<=[{_LATIN_NON_ASCII}])[{run}]*?[{_LATIN_NON_ASCII}][{run}]*(?P<latin>)"
        f"|(?<=[{_FTFY_HINTS}])(?P<ftfy>)"
        ")"
    )


#: Compiling it costs ~50 ms: short texts early in a run take the full path, which
#: matches in Python (``_PYTHON_SCANS``), instead.
PREFILTER_RE = lazy_compile(_prefilter_source)
_prefilter_compiled = False
#: Runs of no-break spaces (``&nbsp;`` indentation) and ASCII in which no no-break
#: space is followed by a byte 0x40–0x7E (``\xa0\xa0 70.0%``) have no reading, so
#: ``_read_latin_run`` returns None for them: byte 0xA0 starts no UTF-8 or Big5
#: character, and in GB18030 ``A0 A0`` is 牋 (rare: too costly to be a candidate; as
#: Big5 bytes ``DA 66`` it is no UTF-8 and reads as the rare 趂 in GBK), ``A0 3x A0 3x``
#: an unassigned code point (noise) and ``A0`` before anything else undecodable.
#: ``tests/test_mojibake_prefilter.py`` checks these facts and many such runs.
_QUIET_RUN_RE = re.compile("(?:\u00a0(?![\u0040-\u007e])|[\u0020-\u007e])+")


def _worth_a_look(text: str) -> bool:
    """False only when no reading can find anything in ``text``: the full search
    would return no span. ``PREFILTER_RE`` finds each reading's necessary signs, and
    each sign is then checked the way the reading itself would (its own first steps),
    so a sign in clean text costs microseconds, not a search of the whole text.
    ``tests/test_mojibake_prefilter.py`` checks that ``_spans`` finds nothing wherever
    this says False."""
    global _prefilter_compiled
    _prefilter_compiled = True
    gbk: list[int] = []
    big5: list[int] = []
    pairs: list[tuple[int, int]] = []
    latin_lines: dict[int, int] = {}
    ftfy_lines: dict[int, int] = {}
    big5_leads, big5_follows = _utf8_lead_sets("Big5")
    costs = char_costs()
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
        # A GBK or Big5 start, which may be the other's too, and unusual.
        char = text[index]
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
    # The first million characters of a run go straight to the full search (its first
    # 200,000 matched in Python, without compiling anything): compiling the prefilter
    # (~50 ms) pays only from about that much text on. After that, the prefilter
    # turns clean text away in one pass.
    if (_prefilter_compiled or not _FULL_SEARCHES.take(text)) and not _worth_a_look(text):
        return []
    return _all_spans(text)


_FULL_SEARCHES = ScanBudget()
_FULL_SEARCHES.budget = 1_000_000


def _all_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    if LATIN_HINT_RE.search(text):
        spans.extend(_latin_spans(text))
    spans.extend(_han_utf8_spans(text))
    spans.extend(_han_swap_spans(text))
    if FTFY_HINT_RE.search(text):
        spans = _settle_with_ftfy(text, spans)
    # Where readings overlap: a clear Chinese reading first, then ftfy's, then the
    # one that saves most.
    spans.sort(key=lambda s: (_rank(s), -(s[3].gain if s[3] else 0), s[0]))
    chosen: list[Span] = []
    for span in spans:
        if all(span[1] <= other[0] or other[1] <= span[0] for other in chosen):
            chosen.append(span)
    chosen.sort()
    return chosen


def _settle_with_ftfy(text: str, spans: list[Span]) -> list[Span]:
    """Add ftfy's line repairs; where one overlaps Chinese readings, keep whichever
    makes the line more plausible: GBK bytes read as Latin-1 become Chinese (ftfy
    would leave them or make them Cyrillic), Russian mojibake becomes Russian."""
    result = list(spans)
    for ftfy_span in _ftfy_spans(text):
        start, end, _, candidate = ftfy_span
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        rivals = [s for s in result if s[0] < end and start < s[1] and not _vouched(s)]
        if not rivals:
            result.append(ftfy_span)
            continue
        line = text[line_start:line_end]
        ftfy_line = line[: start - line_start] + candidate.text + line[end - line_start :]
        chinese_line = line
        for rival in sorted(rivals, reverse=True):
            if rival[3] is not None:
                a, b = rival[0] - line_start, rival[1] - line_start
                chinese_line = chinese_line[:a] + rival[3].text + chinese_line[b:]
        if text_cost(ftfy_line) < text_cost(chinese_line):
            result = [s for s in result if s not in rivals]
            result.append(ftfy_span)
    return result


def _vouched(span: Span) -> bool:
    return span[3] is not None and span[3].vouched


def check_mojibake(doc: Document) -> Iterator[Finding]:
    """Text whose bytes were decoded with the wrong codec, and can be decoded again.

    Example: ``浣犲ソ锛屼笘鐣`` is ``你好，世界`` saved as UTF-8 and opened as GBK;
    ``ÄãºÃ`` is GBK opened as Latin-1; ``ä½ å¥½`` is UTF-8 opened as Latin-1 (the one
    family ftfy repairs, and ftfy is used for it); Big5 opened as GBK and the reverse,
    UTF-8 opened as Big5, and two such layers are found the same way.

    Why: the text is unreadable and unsearchable, but nothing is lost: the original
    bytes are still there, one wrong decoding away.

    How: every span that looks like one of these readings is re-encoded with the
    codec that misread it and decoded, strictly, with the original one. Each
    candidate is scored with a character-frequency model (jieba's word counts per
    character) plus penalties for private-use, replacement and control characters,
    Latin-1 letters among Han, and kana or Hangul scattered among Han. Text that is
    already plausible — classical Chinese, rare names, Japanese, Korean, accented
    Latin, mixed Chinese and English — has no candidate that beats it.

    ftfy handles its own family (UTF-8 read as Windows-1252, Latin-1, Mac Roman…),
    with width folding, quote uncurling and normalisation turned off; where its
    reading and a Chinese one overlap, the more plausible line wins (GBK read as
    Latin-1 becomes Chinese, not ftfy's Cyrillic).

    Fix: the span is replaced by the re-decoded text; the message names the chain,
    e.g. ``UTF-8 bytes read as GBK; re-decoded: 你好，世界``. Safe when the candidate
    is common Chinese and much more plausible than the garble, when ftfy's reading is
    more plausible too, or when a short garble (``聽`` for a no-break space) sits on a
    line whose chain is already certain; a close call, or a short GBK/Big5 swap on its
    own, is an unsafe suggestion. A byte that the original codec cannot decode at all
    (cp936's lone 0x80) is reported without a fix.
    """
    text = doc.text
    if text.isascii():
        return
    for start, end, garbled, candidate in _spans(text):
        protected = protected_regions(doc)
        if protected.covers(start) and protected.covers(end - 1):
            # Inside a URL or code from end to end. A garble that only starts in one
            # (a URL regex runs on through Latin-1 mojibake) is still repaired.
            continue
        if candidate is None:
            yield MOJIBAKE.finding(
                start,
                end,
                f"byte 0x{ord(garbled) if ord(garbled) < 256 else CP1252_HIGH[garbled]:02X} "
                f"({garbled!r}) inside GBK text read as Latin-1 has no GBK character; "
                "left as it is",
            )
            continue
        safe = _is_clear_win(garbled, candidate)
        shown = candidate.text if len(candidate.text) <= 40 else candidate.text[:39] + "…"
        yield MOJIBAKE.finding(
            start,
            end,
            f"{_chain_message(candidate.chain)}; re-decoded: {shown}",
            Fix(
                (Edit(start, end, candidate.text),),
                "Re-decode the garbled text",
                Applicability.SAFE if safe else Applicability.UNSAFE,
            ),
        )


MOJIBAKE = Rule(
    code="E002",
    name="mojibake",
    summary="text decoded with the wrong codec (浣犲ソ, ÄãºÃ, ä½ å¥½), re-decoded",
    fix_safety="mixed",
    check=check_mojibake,
)


# ---------------------------------------------------------------------------
# Lost bytes
# ---------------------------------------------------------------------------

PLACEHOLDER_RE = lazy_compile(
    "(?:锟斤拷)+(?:锟斤?)?"  # U+FFFD's UTF-8 bytes read as GBK, once or many times
    "|\ufffd+"  # replacement characters
    "|烫{3,}|屯{3,}"  # 0xCC / 0xCD filler bytes of uninitialised memory read as GBK
)
PLACEHOLDER_START_RE = re.compile("[锟\ufffd烫屯]")
PLACEHOLDER_WHY = {
    "锟": "U+FFFD replacement bytes read as GBK (锟斤拷): the original bytes are gone",
    "\ufffd": "replacement characters: a decoder dropped bytes it could not read",
    "烫": "0xCC filler bytes (uninitialised stack memory) read as GBK",
    "屯": "0xCD filler bytes (uninitialised heap memory) read as GBK",
}

_PINYIN_LETTERS = (
    "a-zA-Z\u00e0-\u00fc\u0101\u0113\u011b\u012b\u014d\u016b"
    "\u01ce\u01d0\u01d2\u01d4\u01d6\u01d8\u01da\u01dc"
)
LOST_PAREN_RE = lazy_compile(f"[{_PINYIN_LETTERS}]{{1,7}}\\)")
ANNOTATION_RE = lazy_compile(f"\\([{_PINYIN_LETTERS}]{{1,7}}\\)")
LOOKAHEAD = 12


def _out_of_step(text: str, mark: int, mark_end: int) -> tuple[int, int] | None:
    """The damaged span that starts at the ``?``/U+FFFD run ``text[mark:mark_end]``.

    A GBK character the GB2312 decoder could not map became ``?`` and the decoder
    read the following bytes out of step: an ASCII character right after the mark
    (the lost character's trail byte, ``?y今``), rare characters, an ASCII letter
    glued between Han characters, an annotation that lost its ``(``. Returns None
    when nothing after the mark shows damage (``什么?你`` is a flattened ``？``).
    """
    costs = char_costs()
    position = end = mark_end
    evidence = structural = 0
    trail = TRAIL_BYTE_RE.match(text, position)
    lost = LOST_PAREN_RE.match(text, position)
    if trail:
        evidence += 3
        structural += 1
        position = end = trail.end()
    elif lost:
        evidence += 2
        structural += 1
        position = end = lost.end()
    limit = min(len(text), position + LOOKAHEAD)
    while position < limit:
        char = text[position]
        if char in "\n\r" or char.isspace():
            break
        if char in "?\ufffd":
            end = position + 1
            trail = TRAIL_BYTE_RE.match(text, end)
            if trail:
                end = position = trail.end()
                continue
        elif _HAN_CHAR_RE.match(char):
            if costs.get(char, 99) >= UNUSUAL_HAN_COST:
                evidence += 1
                end = position + 1
        elif char.isascii() and char.isalpha():
            before = text[position - 1]
            after = text[position + 1 : position + 2]
            glued = _HAN_CHAR_RE.match(before) and (
                after in ("(", "?", "\ufffd") or _HAN_CHAR_RE.match(after)
            )
            if not glued:
                break
            evidence += 2
            structural += 1
            end = position + 1
            annotation = ANNOTATION_RE.match(text, end)
            if annotation:
                end = annotation.end()
        position += 1
    if structural and evidence >= 3:
        return mark, end
    return None


#: The trail byte (0x40–0x7E) of a character whose lead byte was lost, between the
#: mark and a Han character. Not the backtick: `?` is inline code in Markdown.
TRAIL_BYTE_RE = lazy_compile(f"[\x40-\x5f\x61-\x7e](?=[{HAN}?\ufffd])")
MARK_RE = re.compile("[?\ufffd]+")
#: With this many certain out-of-step spans the document is known to be GBK read as
#: GB2312, and every other `?` run touching Chinese text is reported as well.
DAMAGED_DOCUMENT = 3
AFTER_CHINESE_RE = lazy_compile(f"[{HAN}\u3001-\u3011\uff01-\uff1f\u201c\u201d]")


#: A guess is offered only when the best character is this much cheaper (half-bits,
#: so 8 = 16 times likelier) than the next best, and common itself.
GUESS_MARGIN = 8
GUESS_MAX_COST = 30


def _guess_lost_characters(text: str, start: int, end: int) -> Fix | None:
    """Stretch repair, unsafe only: ``?y`` is a GBK character whose lead byte was lost
    and whose trail byte 0x79 survived as ``y``. Of the characters that end in that
    byte, offer the one the frequency model strongly prefers (``?W`` → 學)."""
    edits = []
    for match in GUESS_RE.finditer(text, start, min(len(text), end + 1)):
        if match.start() >= end:
            break
        trail = match.group(1).encode("ascii")
        ranked = sorted((text_cost(char), char) for char in _characters_with_trail(trail[0]))
        if len(ranked) < 2 or ranked[0][0] > GUESS_MAX_COST:
            continue
        if ranked[1][0] - ranked[0][0] >= GUESS_MARGIN:
            edits.append(Edit(match.start(), match.end(), ranked[0][1]))
    if not edits:
        return None
    guesses = "".join(edit.replacement for edit in edits)
    return Fix(tuple(edits), f"Guess the lost characters: {guesses}", Applicability.UNSAFE)


GUESS_RE = lazy_compile(f"[?\ufffd]([\x40-\x7e])(?=[{HAN}?\ufffd])")


@functools.cache
def _characters_with_trail(trail: int) -> tuple[str, ...]:
    """Every GBK character whose second byte is ``trail`` and that GB2312 lacks (the
    reason its lead byte was lost)."""
    found = []
    for lead in range(0x81, 0xFF):
        pair = bytes([lead, trail])
        try:
            char = pair.decode("gbk")
        except UnicodeDecodeError:
            continue
        try:
            pair.decode("gb2312")
        except UnicodeDecodeError:
            found.append(char)
    return tuple(found)


def _remaining_marks(doc: Document, reported: list[tuple[int, int]]) -> Iterator[Finding]:
    text = doc.text
    for match in MARK_RE.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in reported):
            continue
        before = text[start - 1 : start]
        after = text[end : end + 1]
        touching = AFTER_CHINESE_RE.match(before) or AFTER_CHINESE_RE.match(after)
        glued = (before.isascii() and before.strip()) or TRAIL_BYTE_RE.match(text, end)
        if not (touching or glued) or protected_regions(doc).covers(start):
            continue
        yield LOST_BYTES.finding(
            start,
            end,
            "`?` in a document that lost bytes in decoding (GBK read as GB2312, Big5 "
            "bytes lost): probably a character whose bytes were lost",
            _guess_lost_characters(text, start, min(len(text), end + 1)),
        )


def check_lost_bytes(doc: Document) -> Iterator[Finding]:
    """Bytes that were lost when the text was decoded: the original cannot be recovered.

    Examples: ``�`` (U+FFFD) runs; ``锟斤拷`` (U+FFFD's own UTF-8 bytes read as GBK,
    the classic sign of a round trip through a broken converter); ``烫烫烫`` and
    ``屯屯屯`` (uninitialised memory printed as GBK); and GBK text decoded as GB2312:
    ``兼備(bèi)的醫(yī)學`` came out as ``兼?zhèn)涞尼t(yī)學`` — the decoder lost a byte at
    備, which GB2312 lacks, printed ``?`` and read the next bytes out of step,
    producing rare characters (涞), an ASCII letter glued between Han characters
    (``t``, a trail byte) and an annotation that lost its ``(``.

    Why: such spans are silent data loss. They survive every later conversion, poison
    search and training data, and only a person (or the source file) can restore them.

    Fix: none that is safe. Each damaged span is reported with its position and the
    kind of damage; cnfix never invents text in a safe fix. Where a ``?`` is followed
    by the surviving ASCII trail byte of the lost character (``?W``), and one GBK
    character with that trail byte is far more common than all others (``學``), it is
    offered as an unsafe guess.
    """
    text = doc.text
    has_mark = "?" in text or "\ufffd" in text
    if not has_mark and "锟" not in text and "烫" not in text and "屯" not in text:
        return
    reported: list[tuple[int, int]] = []
    if has_mark:
        for start, mark_end in _mark_spans(text):
            if start and text[start - 1] != "\n" and not AFTER_CHINESE_RE.match(text, start - 1):
                # Also after the trail byte of an earlier lost character: 尼t?W.
                if start < 2 or not text[start - 1].isascii() or not text[start - 1].isalpha():
                    continue
                if not AFTER_CHINESE_RE.match(text, start - 2):
                    continue
            if reported and start < reported[-1][1]:
                continue
            span = _out_of_step(text, start, mark_end)
            if span is None or protected_regions(doc).covers(span[0]):
                continue
            reported.append(span)
            yield LOST_BYTES.finding(
                span[0],
                span[1],
                "GBK text decoded as GB2312: a byte was lost at the `?` and the bytes "
                f"after it were read out of step ({text[span[0] : span[1]]!r})",
                _guess_lost_characters(text, *span),
            )
        if len(reported) >= DAMAGED_DOCUMENT:
            yield from _remaining_marks(doc, reported)
    starts = _positions(text, "锟\ufffd烫屯")
    if starts is None:
        starts = [match.start() for match in PLACEHOLDER_START_RE.finditer(text)]
    position = 0
    for begin in starts:
        if begin < position:
            continue
        placeholder = PLACEHOLDER_RE.match(text, begin)
        if placeholder is None:
            continue
        start, end = placeholder.span()
        position = end
        for a, b in reported:
            if a <= start < b:
                start = b
        if start < end:
            # Placeholders are damage even inside a URL: no protected regions here.
            yield LOST_BYTES.finding(start, end, PLACEHOLDER_WHY[placeholder.group()[0]])


#: Up to this many, the characters a rule looks for are found with ``str.find`` (a
#: scan at memory speed, several GB/s, where a regex pass runs at ~500 MB/s); beyond
#: it (``?`` on every line) one regex pass is cheaper than a call per character.
FIND_LIMIT = 2000


def _positions(text: str, chars: str) -> list[int] | None:
    """Where any of ``chars`` occurs in ``text``, sorted; None for more than
    ``FIND_LIMIT``."""
    found: list[int] = []
    for char in chars:
        position = text.find(char)
        while position >= 0:
            if len(found) == FIND_LIMIT:
                return None
            found.append(position)
            position = text.find(char, position + 1)
    found.sort()
    return found


def _mark_spans(text: str) -> list[tuple[int, int]]:
    """``MARK_RE``'s matches as spans: the runs of ``?`` and U+FFFD."""
    positions = _positions(text, "?\ufffd")
    if positions is None:
        return [match.span() for match in MARK_RE.finditer(text)]
    spans: list[tuple[int, int]] = []
    for position in positions:
        if spans and spans[-1][1] == position:
            spans[-1] = (spans[-1][0], position + 1)
        else:
            spans.append((position, position + 1))
    return spans


LOST_BYTES = Rule(
    code="E003",
    name="lost-bytes",
    summary="bytes lost in decoding (�, 锟斤拷, 烫烫烫, GBK read as GB2312), reported",
    fix_safety="none",
    check=check_lost_bytes,
)
