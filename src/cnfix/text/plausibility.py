"""How plausible a string is as written Chinese: a character bigram language model.

Every "is this damage?" and "which repair?" question comes down to comparing readings
of the same bytes: ``浣犲ソ`` or ``你好``, ``焦胶健健起舞`` or ``蝴蝶翩翩起舞``. A
character-frequency table cannot tell a nonsense sequence of common characters from
prose; a bigram model can. The model (``data/language_model.txt``, built by
``scripts/gen_language_model.py`` from jieba's word counts and public-domain prose,
Simplified and Traditional) is read on first use only, so start-up and clean scans
that never ask do not pay for it.

Costs are bits (``-log2`` of the probability); lower is more plausible.

>>> bits_per_char("你好世界") < bits_per_char("浣犲ソ涓栫晫")
True
>>> best_alternative("蝴蝶", ["翩翩", "健健"], "起舞").best
'翩翩'

This module is the only one that knows how the model is stored.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from cnfix.text.chars import is_han
from cnfix.text.datafiles import read_data_bytes

MODEL_FILE = "language_model.txt"

#: The symbols that stand for every character outside the model's vocabulary.
RARE_HAN = "\x01"
RARE_OTHER = "\x02"
NOISE = "\x03"
CLASS_SYMBOLS = RARE_HAN + RARE_OTHER + NOISE

#: Lookups of a character's bigrams answered by searching its line before the line is
#: read into a table; and the symbols that a line's ``<half-bits>:`` prefixes contain,
#: which are always looked up in the table.
SEARCHES_BEFORE_TABLE = 4
LEVEL_SYMBOLS = frozenset("0123456789:\t")

#: Cost of a character no text carries (U+FFFD, controls, private use, unassigned).
NOISE_BITS = 24.0


@functools.cache
def _fold_table() -> dict[int, str]:
    """ASCII letters are one symbol, digits another, every kind of space a third: the
    model is of Chinese, and what matters of Latin text is only that it is there."""
    return {
        **{code: "a" for code in range(ord("A"), ord("Z") + 1)},
        **{code: "a" for code in range(ord("a"), ord("z") + 1)},
        **{code: "0" for code in range(ord("0"), ord("9") + 1)},
        **{code: "0" for code in range(ord("０"), ord("９") + 1)},
        **{ord(space): " " for space in "\t\n\r\x0b\x0c\u00a0\u3000"},
    }


def fold(text: str) -> str:
    """``text`` with ASCII letters, digits and spaces folded to one symbol each."""
    return text.translate(_fold_table())


def symbol_class(char: str) -> str:
    """The class symbol of a character outside the vocabulary."""
    if is_han(char):
        return RARE_HAN
    if char == "\ufffd" or unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Cn"):
        return NOISE
    return RARE_OTHER


def symbols(text: str, vocabulary: dict[str, float] | frozenset[str]) -> str:
    """``text`` as the model's symbols: folded, characters outside ``vocabulary`` classed."""
    folded = fold(text)
    return "".join(char if char in vocabulary else symbol_class(char) for char in folded)


class Ranking(NamedTuple):
    """Candidates for one span ranked in their context, most plausible first.

    ``margin`` is how many bits less the best costs than the runner-up (infinite
    when there is only one): a margin of 10 means the model finds the best about
    a thousand times more probable.
    """

    best: str
    margin: float
    costs: tuple[tuple[str, float], ...]


class LanguageModel:
    """Character bigram model with backoff to unigrams; costs in bits.

    The bigrams of each character are kept as their line of the model file and read
    the first time that character precedes another: a document asks about a few
    hundred characters, and reading all 400,000 bigrams up front cost more than most
    scans that need the model at all."""

    def __init__(
        self,
        unigram: dict[str, float],
        backoff: dict[str, float],
        bigram_lines: dict[str, str | bytes],
        member: dict[str, float],
    ) -> None:
        self.unigram = unigram
        self.backoff = backoff
        self.member = member
        self.default_backoff = max(backoff.values(), default=0.0)
        #: A character's line of bigrams, as UTF-8 until it is first asked about
        #: (decoding all 1.5 MB was a third of reading the model).
        self._bigram_lines = bigram_lines
        self._bigrams: dict[str, dict[str, float]] = {}
        self._looks: dict[str, int] = {}
        self._symbol_of: dict[str, str] = {}

    def bigrams(self, first: str) -> dict[str, float]:
        """Bits of each character the model has seen after ``first``."""
        row = self._bigrams.get(first)
        if row is None:
            row = {}
            line = self._line(first)
            if line:
                for bits, seconds in _levels(line):
                    row.update(dict.fromkeys(seconds, bits))
            self._bigrams[first] = row
        return row

    def _search(self, first: str, second: str) -> float | None:
        """Bits of ``second`` after ``first`` (None: a pair the model has not seen), for
        a ``first`` whose line is not read into a table yet. Its first few lookups
        search the line (most characters are asked about once or twice: the candidates
        for a lost character); one asked about more often has its line read."""
        looks = self._looks.get(first, 0)
        if looks == SEARCHES_BEFORE_TABLE or second in LEVEL_SYMBOLS:
            return self.bigrams(first).get(second)
        self._looks[first] = looks + 1
        line = self._line(first)
        at = line.find(second)
        if at < 0:
            return None
        group = line.rfind("\t", 0, at) + 1  # ``<half-bits>:<symbols>``, tab-separated
        return _bits(line[group : line.index(":", group)])

    def _line(self, first: str) -> str:
        """``first``'s line of bigrams (empty when the model has none), decoded once."""
        line = self._bigram_lines.get(first, "")
        if isinstance(line, bytes):
            line = self._bigram_lines[first] = line.decode("utf-8")
        return line

    def _symbols(self, text: str) -> str:
        if len(text) != 1:
            return symbols(text, self.unigram)
        # One character (a candidate for a lost one: rankings ask about thousands).
        symbol = self._symbol_of.get(text)
        if symbol is None:
            symbol = self._symbol_of[text] = symbols(text, self.unigram)
        return symbol

    def _steps(self, previous: str, stream: str) -> list[float]:
        """Bits of each symbol of ``stream`` after the one before it (the first after
        ``previous``, a symbol or empty). One loop with the tables at hand: rankings
        of a hundred candidates call it a hundred times."""
        unigram, member, backoff, rows = self.unigram, self.member, self.backoff, self._bigrams
        costs = []
        for symbol in stream:
            if symbol == NOISE:
                costs.append(NOISE_BITS)
            elif previous and previous != NOISE:
                row = rows.get(previous)
                pair = row.get(symbol) if row is not None else self._search(previous, symbol)
                if pair is None:
                    pair = backoff.get(previous, self.default_backoff) + unigram[symbol]
                costs.append(pair + member.get(symbol, 0.0))
            else:
                costs.append(unigram[symbol] + member.get(symbol, 0.0))
            previous = symbol
        return costs

    def cost(self, text: str, left: str = "", right: str = "") -> float:
        """Bits of ``text`` after the last character of ``left``, and of the step
        from ``text`` into the first character of ``right`` (the context itself is
        not counted, so costs of alternatives in one context compare directly)."""
        return sum(self._steps(self._symbols(left[-1:]), self._symbols(text + right[:1])))

    def step_costs(self, text: str, left: str = "") -> list[float]:
        """Bits of each character of ``text`` after the one before it (the first after
        the last character of ``left``): sums of slices are costs of the parts."""
        return self._steps(self._symbols(left[-1:]), self._symbols(text))

    def bits_per_char(self, text: str, left: str = "", right: str = "") -> float:
        """Mean bits per character of ``text`` in its context (0.0 for empty text)."""
        if not text:
            return 0.0
        return self.cost(text, left, right) / (len(text) + bool(right))

    def rank(self, left: str, candidates: Iterable[str], right: str = "") -> Ranking:
        """Rank ``candidates`` for the span between ``left`` and ``right``."""
        # The context's symbols once, not once per candidate (symbols are per character).
        previous, after = self._symbols(left[-1:]), self._symbols(right[:1])
        costs = sorted(
            (sum(self._steps(previous, self._symbols(text) + after)), text)
            for text in set(candidates)
        )
        if not costs:
            raise ValueError("no candidates to rank")
        margin = costs[1][0] - costs[0][0] if len(costs) > 1 else math.inf
        return Ranking(costs[0][1], margin, tuple((text, cost) for cost, text in costs))


def _levels(line: str) -> Iterable[tuple[float, str]]:
    """``<half-bits>:<symbols>`` groups separated by tabs, as (bits, symbols)."""
    for group in line.split("\t"):
        level, _, chars = group.partition(":")
        yield _bits(level), chars


def _bits(level: str) -> float:
    """A level of the model file (half-bits) in bits."""
    return int(level) / 2


#: The last section of the model file: its lines are kept as UTF-8 until asked about.
BIGRAM_SECTION = b"\n#! bigram\n"


@functools.cache
def language_model() -> LanguageModel:
    """The model in ``data/language_model.txt`` (read once, on first use). The sections
    before the bigrams are read whole; each bigram line is split off as bytes and
    decoded when its character is first asked about (a scan asks about a few hundred)."""
    data = read_data_bytes(MODEL_FILE)
    if b"\r" in data:  # as a text-mode read would give it
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    split = data.find(BIGRAM_SECTION)
    if split < 0:
        split = len(data)
    unigram: dict[str, float] = {}
    backoff: dict[str, float] = {}
    member: dict[str, float] = {}
    section = ""
    for line in data[:split].decode("utf-8").split("\n"):
        if not line or line.startswith("# "):
            continue
        if line.startswith("#!"):
            section = line[2:].strip()
            continue
        target = {"unigram": unigram, "backoff": backoff, "member": member}[section]
        for bits, chars in _levels(line):
            target.update(dict.fromkeys(chars, bits))
    bigram_lines: dict[str, str | bytes] = {}
    for line in data[split + len(BIGRAM_SECTION) :].split(b"\n"):
        if not line or line.startswith(b"# "):
            continue
        first, _, rest = line.partition(b"\t")
        bigram_lines[first.decode("utf-8")] = rest
    return LanguageModel(unigram, backoff, bigram_lines, member)


def bits_per_char(text: str, left: str = "", right: str = "") -> float:
    """Mean cost of ``text`` in bits per character: about 9-11 for Chinese prose,
    well above 14 for mojibake of it."""
    return language_model().bits_per_char(text, left, right)


def text_bits(text: str, left: str = "", right: str = "") -> float:
    """Total cost of ``text`` in bits (compare readings of the same bytes with it)."""
    return language_model().cost(text, left, right)


def step_costs(text: str, left: str = "") -> list[float]:
    """Bits of each character of ``text`` after its predecessor (see ``LanguageModel``)."""
    return language_model().step_costs(text, left)


def preference_bits(text: str, start: int, end: int, reading: str) -> float:
    """Bits the model saves by reading ``reading`` in place of ``text[start:end]``, the
    characters either side counted at the joins (positive: the reading is preferred)."""
    left, right = text[max(0, start - 1) : start], text[end : end + 1]
    return text_bits(text[start:end], left, right) - text_bits(reading, left, right)


def required_bits(garbled: str, margin: tuple[float, float]) -> float:
    """The preference a reading of ``garbled`` needs: ``margin`` is (at least, per
    non-ASCII garbled character), so a long garble must be beaten by more than a short."""
    least, per_char = margin
    return max(least, per_char * sum(not char.isascii() for char in garbled))


def best_alternative(
    left: str, candidates: Sequence[str] | Iterable[str], right: str = ""
) -> Ranking:
    """The most plausible of ``candidates`` between ``left`` and ``right``, with margins."""
    return language_model().rank(left, candidates, right)
