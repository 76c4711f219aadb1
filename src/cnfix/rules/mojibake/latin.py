"""Latin-1/cp1252 readings: ä½ å¥½ (UTF-8), ÄãºÃ (GBK), §A¦n (Big5), and ftfy's family."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from cnfix.adapters.ftfy import fix_encoding, has_utf8_sequence
from cnfix.rules.mojibake.chains import CODECS, LATIN_LAYERS, Chain, generated_classes, redecode
from cnfix.rules.mojibake.scoring import (
    Candidate,
    Span,
    _best_candidate,
    _cost,
    _expand,
    _is_clear_win,
    _odd_count,
    _only_common_punctuation,
)
from cnfix.text.charmodel import (
    COMMON_PUNCT_COST,
    CP1252_HIGH,
    han_profile,
    noise_count,
    sloppy_encode_1252,
    text_cost,
)
from cnfix.text.chars import HAN, HAN_RE, lazy_compile

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


def _ftfy_fix(text: str) -> tuple[str, str] | None:
    """ftfy's repair of ``text`` with every step that is not about encodings turned
    off (no width folding, no quote uncurling, no normalisation), and the codec it undid."""
    if _ftfy_keeps(text):
        return None
    return fix_encoding(text)


#: Characters that no single-byte codec ftfy tries (Latin-1, the Windows code pages,
#: ISO 8859-2, Mac Roman, cp437) can encode: CJK punctuation, kana, Han.
_NO_CHARMAP_RE = lazy_compile("[\u3000-\u9fff]")  # 28,000 code points: 4 ms to compile
_SURROGATE_RE = lazy_compile("[\ud800-\udfff]")


def _ftfy_keeps(text: str) -> bool:
    """True when ``ftfy.fix_and_explain`` (with ``fixer_config``) certainly returns
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
    if UTF8_SEQUENCE_RE.search(text) is None:
        return True
    return not has_utf8_sequence(text)


def _utf8_sequence_source() -> str:
    """ftfy's ``UTF8_DETECTOR_RE`` without its look-behind, from the copy of ftfy's
    ``UTF8_CLUES`` in ``data/mojibake_classes.txt``: a text with no match has none of
    ftfy's either, known without importing ftfy (~50 ms: an accented name followed by a
    space, ``René Núñez``, is a clue pair but no sequence). Unlike ftfy's pattern it
    starts with a class, so ``re`` skips clean text fast."""
    classes = generated_classes()
    follow = f"[{classes['ftfy-utf8-continuation']}]"
    return "|".join(
        f"[{classes[f'ftfy-utf8-first-{length}']}]{follow}{{{length - 1}}}" for length in (2, 3, 4)
    )


#: ``_utf8_sequence_source`` with ftfy's flags; its code is stored (compiling it cost
#: ~1.6 ms of the first clean text with an accented letter).
UTF8_SEQUENCE_RE = lazy_compile(_utf8_sequence_source, re.VERBOSE)


FTFY_C1_RE = lazy_compile("[\u0080-\u009f]")


def _han_dense(text: str) -> bool:
    """At least two Han characters, and more Han than non-ASCII letters: what a Chinese
    reading of Latin-1 mojibake gives (``你好，世界``), unlike the lone Han character a
    GBK reading makes of accented Latin (``H么tel`` for ``HÃ´tel``)."""
    han, _ = han_profile(text)
    cjk = han + sum(1 for char in text if _cost(char) == COMMON_PUNCT_COST)
    letters = sum(
        1 for char in text if char.isalpha() and not char.isascii() and not HAN_RE.match(char)
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
    garbled_lines: set[int] = set()  # where lines with a certain garble start
    leftovers: list[tuple[int, str]] = []
    for match in LATIN_RUN_RE.finditer(text):
        spans = _read_latin_run(match.group(), match.start())
        if spans is None:
            leftovers.append((match.start(), match.group()))
            continue
        for span in spans:
            if span[3] is not None and _is_clear_win(span[2], span[3]):
                confirmed.add(span[3].chain)
                garbled_lines.add(text.rfind("\n", 0, span[0]) + 1)
            yield span
    if not confirmed:
        return
    # A short run is read with a chain certain elsewhere only on a line that holds a
    # certain garble too, or no Chinese at all (a line of garble): on a line of clean
    # Chinese, ``”U`` of ``“标准的”Unix`` and the ``××`` of ``（××××）`` are text.
    leftovers = [
        (start, run)
        for start, run in leftovers
        if (line := text.rfind("\n", 0, start) + 1) in garbled_lines
        or HAN_RE.search(text, line, _line_end(text, start)) is None
    ]
    for chain in confirmed:
        if len(chain) == 1:
            yield from _latin_leftovers(leftovers, chain[0])


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end == -1 else end


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
            error = _first_error(data, original, position)
            if error is None:
                pieces.append((position, len(data)))
                break
            pieces.append((position, error))
            bad.append(error)
            position = error + 1
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


#: Bytes decoded at a time by ``_first_error``.
_ERROR_WINDOW = 4096


def _first_error(data: bytes, original: str, start: int = 0) -> int | None:
    """Offset of the first byte from ``start`` on that ``original``'s codecs cannot
    decode. Decoded a window at a time, so that finding every bad byte of a long run
    (a run of no-break spaces has one at every byte) stays linear in its length."""
    codec = CODECS[original][0]
    while start < len(data):
        window = data[start : start + _ERROR_WINDOW]
        try:
            window.decode(codec)
        except UnicodeDecodeError as error:
            cut_short = error.reason == "incomplete multibyte sequence" and error.start > 0
            if cut_short and start + len(window) < len(data):
                start += error.start  # the window ended inside a character: go on from it
                continue
            return start + error.start
        start += len(window)
    return None
