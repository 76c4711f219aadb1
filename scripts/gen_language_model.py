"""Generate ``src/cnfix/data/language_model.txt``: the character bigram model of Chinese.

Sources (each public, each licence allowing it; none on the reserved list):

- jieba 0.42.1 ``dict.txt`` (https://github.com/fxsjy/jieba, MIT): 349,000 Simplified
  words with corpus counts. Each word adds its characters and the character pairs
  inside it, weighted by its count; the words through OpenCC ``s2t`` add the same
  for Traditional.
- oscarsun72/chtxt @ a8469ff: public-domain classical and pre-modern texts
  (histories, philosophers, vernacular novels, Traditional characters). The poetry
  folder ``0.詩詞`` is left out: it is part of the clean test set of classical poetry.
- kiang/www.president.gov.tw @ 7e5cb2f, ``news_json/2002`` … ``2009``: news releases
  of the Office of the President (Taiwan official documents are not copyrightable,
  Copyright Act art. 9; repository MIT). Modern written Chinese, Traditional.

Traditional prose also goes through OpenCC ``t2s`` (Apache-2.0), so that the model
knows both scripts. jieba and OpenCC are development tools here: cnfix reads only the
committed table, through ``cnfix.text.plausibility`` (which owns its format).

Model: symbols are characters, with ASCII letters, digits and spaces folded
(``plausibility.fold``) and characters seen fewer than ``--min-count`` times replaced
by a class symbol (rare Han, rare other). Bigram probabilities are absolutely
discounted; the mass left over in each context (discount plus pruned pairs) is the
backoff weight to the unigram. Costs are stored in half-bits.

Output format (UTF-8 text, sections opened by ``#!`` lines, groups ``<half-bits>:<symbols>``
separated by tabs): ``#! unigram`` and ``#! backoff`` and ``#! member`` lines are groups;
``#! bigram`` lines are ``<first symbol>\\t<groups of second symbols>``.

Run: ``python scripts/gen_language_model.py --chtxt DIR --president DIR`` with the two
repositories checked out at the commits above (jieba and OpenCC installed).
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import pathlib
import re
import time

from cnfix.text.plausibility import (
    CLASS_SYMBOLS,
    NOISE,
    RARE_HAN,
    RARE_OTHER,
    fold,
    symbol_class,
    symbols,
)

OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "cnfix" / "data"
OUT_FILE = OUT / "language_model.txt"
CHTXT_SKIPPED = ("0.詩詞", "9.工具腳本", "m.字書訓詁")
PRESIDENT_YEARS = range(2002, 2010)
#: Characters of one chtxt book at most, so that the long histories do not drown the rest.
BOOK_LIMIT = 400_000
DISCOUNT = 0.75


def chtxt_texts(folder: pathlib.Path) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*.txt")):
        if path.relative_to(folder).parts[0] in CHTXT_SKIPPED:
            continue
        lines = []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(("#下載", "#如果", "#創建", "#更新")):
                continue
            lines.append(line.lstrip("# ").strip())
        texts.append("\n".join(line for line in lines if line)[:BOOK_LIMIT])
    return texts


def president_texts(folder: pathlib.Path) -> list[str]:
    texts = []
    for year in PRESIDENT_YEARS:
        for path in sorted((folder / "news_json" / str(year)).glob("*.json")):
            record = json.loads(path.read_text(encoding="utf-8"))
            body = "\n".join(record.get("content_paragraphs") or []) or record.get("content", "")
            if body:
                texts.append(record.get("title", "") + "\n" + body)
    return texts


def jieba_words() -> list[tuple[str, int]]:
    import jieba

    words = []
    dict_path = pathlib.Path(jieba.__file__).parent / "dict.txt"
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            words.append((parts[0], int(parts[1])))
    return words


def convert(texts: list[str], config: str) -> list[str]:
    """``texts`` through OpenCC ``config``, in large batches (one call each is slow)."""
    import opencc

    converter = opencc.OpenCC(config)
    out: list[str] = []
    batch = 2000
    separator = "\n@@@@\n"
    for index in range(0, len(texts), batch):
        chunk = texts[index : index + batch]
        out += converter.convert(separator.join(chunk)).split(separator)
    assert len(out) == len(texts)
    return out


def weighted_texts(args: argparse.Namespace) -> list[tuple[str, float]]:
    """Every training text with its weight: prose weight 1, words scaled to match."""
    prose = chtxt_texts(args.chtxt) + president_texts(args.president)
    prose += convert(prose, "t2s")
    words = jieba_words()
    traditional = convert([w for w, _ in words], "s2t")
    prose_chars = sum(len(t) for t in prose)
    word_chars = 2 * sum(len(w) * c for w, c in words)
    scale = args.word_share * prose_chars / word_chars
    texts = [(text, 1.0) for text in prose]
    texts += [(w, c * scale) for w, c in words]
    texts += [(t, c * scale) for (w, c), t in zip(words, traditional, strict=True) if t != w]
    return texts


def half_bits(probability: float) -> int:
    return round(-2 * math.log2(probability))


def groups(costs: dict[str, int]) -> str:
    levels: dict[int, list[str]] = collections.defaultdict(list)
    for symbol, level in costs.items():
        levels[level].append(symbol)
    return "\t".join(f"{level}:{''.join(sorted(chars))}" for level, chars in sorted(levels.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chtxt", type=pathlib.Path, required=True)
    parser.add_argument("--president", type=pathlib.Path, required=True)
    parser.add_argument("--min-count", type=float, default=5.0)
    parser.add_argument("--min-pair", type=float, default=3.0)
    parser.add_argument("--word-share", type=float, default=1.0)
    args = parser.parse_args()
    started = time.perf_counter()

    texts = weighted_texts(args)
    folded = [(fold(text), weight) for text, weight in texts]
    counts: collections.Counter[str] = collections.Counter()
    for text, weight in folded:
        for char, n in collections.Counter(text).items():
            counts[char] += n * weight
    vocabulary = frozenset(
        c
        for c, n in counts.items()
        if n >= args.min_count and c not in CLASS_SYMBOLS and symbol_class(c) != NOISE
    )

    unigram: collections.Counter[str] = collections.Counter()
    pairs: collections.Counter[str] = collections.Counter()
    members: dict[str, set[str]] = {RARE_HAN: set(), RARE_OTHER: set()}
    for text, weight in folded:
        stream = symbols(text, vocabulary)
        for symbol, n in collections.Counter(stream).items():
            unigram[symbol] += n * weight
        for pair, n in collections.Counter(map(str.__add__, stream, stream[1:])).items():
            pairs[pair] += n * weight
        for char, symbol in zip(text, stream, strict=True):
            if symbol in members:
                members[symbol].add(char)

    total = sum(unigram.values())
    unigram_costs = {s: half_bits(n / total) for s, n in unigram.items()}
    kept: dict[str, dict[str, int]] = collections.defaultdict(dict)
    left_over: dict[str, float] = {s: 1.0 for s in unigram}
    for pair, n in pairs.items():
        if n < args.min_pair:
            continue
        first, second = pair
        probability = (n - DISCOUNT) / unigram[first]
        # A pair no likelier than its backoff estimate adds nothing but size.
        if half_bits(probability) >= unigram_costs[second]:
            continue
        kept[first][second] = half_bits(probability)
        left_over[first] -= probability
    backoff_costs = {s: half_bits(max(m, 1e-6)) for s, m in left_over.items()}
    # Which of the many rare characters a class symbol stands for.
    member_costs = {s: half_bits(1 / max(1, len(chars))) for s, chars in members.items()}

    lines = [
        "# cnfix language model: character bigrams with backoff, generated by"
        " scripts/gen_language_model.py",
        "# sources: jieba 0.42.1 dict.txt (MIT); oscarsun72/chtxt @ a8469ff (public-domain"
        " classical texts); kiang/www.president.gov.tw @ 7e5cb2f news 2002-2009 (Taiwan",
        "# official documents, not copyrightable); OpenCC s2t/t2s (Apache-2.0)",
        f"# {len(unigram)} symbols, {sum(len(v) for v in kept.values())} bigrams;"
        " costs in half-bits (-2*log2 p)",
        "#! unigram",
        groups(unigram_costs),
        "#! backoff",
        groups(backoff_costs),
        "#! member",
        groups(member_costs),
        "#! bigram",
    ]
    lines += [f"{first}\t{groups(seconds)}" for first, seconds in sorted(kept.items())]
    text = "\n".join(lines) + "\n"
    assert not re.search("[\r\u2028\u2029]", text), "a symbol that breaks lines"
    OUT_FILE.write_text(text, encoding="utf-8", newline="\n")
    print(
        f"wrote {OUT_FILE}: {OUT_FILE.stat().st_size / 1e6:.2f} MB, {len(unigram)} symbols, "
        f"{sum(len(v) for v in kept.values())} bigrams, in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
