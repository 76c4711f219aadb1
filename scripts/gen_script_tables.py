"""Generate the classification tables of the ``mixed-script`` rule (run once; output is committed).

Source: the conversion dictionaries of **OpenCC** (https://github.com/BYVoid/OpenCC, Apache-2.0
licence), ``data/dictionary/*.txt``, exactly as shipped (compiled to ``.ocd2``) in the official
``OpenCC`` wheel on PyPI that cnfix depends on. The wheel also ships OpenCC's own
``opencc_dict`` tool, which this script uses to turn each ``.ocd2`` back into the text form
(``key<TAB>value value…``); with ``--dict-dir`` it reads the text dictionaries of an OpenCC
source checkout instead. Nothing here is hand-made: every class comes from these files.

Dictionaries used:

``STCharacters``  Simplified → Traditional characters (first candidate = OpenCC's default)
``TSCharacters``, ``TSCharactersExt``  Traditional → Simplified characters
``TWVariants``, ``HKVariants``  OpenCC-standard Traditional → Taiwan / Hong Kong forms
``STPhrases``, ``STPhrases_GeneratedFromRegionalPhrases``, ``TSPhrases``  phrase exceptions

Writes ``src/cnfix/data/script_tables.txt`` (UTF-8, ``#`` header naming the source), with
one ``[section]`` per table:

``[simplified-only]``
    Characters that only Simplified text uses: keys of STCharacters that OpenCC always
    changes (the key is not among its own candidates) and that no Traditional standard uses
    (not a Traditional candidate of any character, not a key of TSCharacters, not an
    OpenCC / Taiwan / Hong Kong variant form). ``们 这 并 发 恒`` are here; ``群 吃``
    (Taiwan-standard Traditional) and ``干 于 里 后`` (their own candidates) are not.
``[traditional-only]``
    Characters that only Traditional text uses: keys of TSCharacters / TSCharactersExt that
    OpenCC always changes and that are not a Simplified form of anything (not a key of
    STCharacters, not a Simplified candidate). ``們 這 並 為 爲 裡 裏`` are here; ``於 乾``
    (their own candidates) are not.
``[st-candidates]``
    ``char<TAB>candidates`` for every Simplified character with more than one Traditional
    candidate (``发 發髮``, ``干 幹乾干榦``): the one-to-many conversions whose repair is safe only
    when a phrase decides.
``[st-probe]``
    Two-character contexts, as they appear in Traditional text, in which a phrase of
    STPhrases gives a character valid in both scripts a different Traditional form: ``干部``
    and ``战斗``/``戰斗`` (the phrases 干部→幹部, 战斗→戰鬥). Only a prefilter: the rule asks
    OpenCC's phrase dictionaries whether the phrase really applies.
``[ts-probe]``
    The same for Simplified text, from TSPhrases (``凭藉``: 憑藉→凭借) and from STPhrases
    read backwards for characters whose Simplified default is another one (``关於``:
    关于→關於 shows 於 where Simplified writes 于).
``[st-converted]``
    Characters valid in both scripts whose OpenCC default Traditional form is another
    character (``后`` → 後, ``么`` → 麼, ``户`` → 戶): a phrase or word that changes them is
    strong evidence; for the others (``布`` → 布/佈, ``系`` → 系/係/繫) it is weak.
``[ts-spellings]``
    ``simplified<TAB>traditional``: words TSPhrases spells in Traditional otherwise than
    OpenCC's s2t writes them back (``计划	計畫``: Taiwan's 計畫, where s2t writes 計劃;
    ``深沉	深沈``). A text that already spells the word so decides its remnants.
``[variants]``
    ``standard<TAB>characters``: the Traditional-only forms each variant standard does not
    write — ``tw``: the keys of TWVariants (爲 裏 衆 喫 …, which Taiwan writes 為 裡 眾 吃)
    and Hong Kong's own forms (説 税); ``hk``: the keys of HKVariants (說 稅 爲 …) and
    Taiwan's own forms (裡); ``opencc``: the values of both (為 裡 眾 説 …). The standard a
    document uses is the one with the fewest foreign forms in it.

Usage: ``python scripts/gen_script_tables.py [--dict-dir DIR]``.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src" / "cnfix" / "data"
OUTPUT = DATA / "script_tables.txt"

DICTIONARIES = (
    "STCharacters",
    "TSCharacters",
    "TSCharactersExt",
    "TWVariants",
    "HKVariants",
    "STPhrases",
    "STPhrases_GeneratedFromRegionalPhrases",
    "TSPhrases",
)

Table = dict[str, list[str]]


def _parse(text: str) -> Table:
    table: Table = {}
    for line in text.splitlines():
        if not line or line.startswith("#") or "\t" not in line:
            continue
        key, _, values = line.partition("\t")
        table[key] = values.split()
    return table


def load_dictionaries(dict_dir: Path | None) -> tuple[dict[str, Table], str]:
    """Every dictionary as ``{key: [values]}`` and a line naming where they came from."""
    if dict_dir is not None:
        tables = {
            name: _parse((dict_dir / f"{name}.txt").read_text(encoding="utf-8"))
            for name in DICTIONARIES
        }
        return tables, f"OpenCC text dictionaries in {dict_dir.name}/"
    import opencc  # the official OpenCC wheel: dictionaries + the opencc_dict tool

    clib = Path(opencc.__file__).parent / "clib"
    tool = clib / "bin" / "opencc_dict"
    share = clib / "share" / "opencc"
    tables = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in DICTIONARIES:
            out = Path(tmp) / f"{name}.txt"
            command = [str(tool), "-i", str(share / f"{name}.ocd2"), "-o", str(out)]
            subprocess.run(
                [*command, "-f", "ocd2", "-t", "text"],
                check=True,
                capture_output=True,
            )
            tables[name] = _parse(out.read_text(encoding="utf-8"))
    return tables, f"OpenCC {opencc.__version__} (PyPI wheel, dictionaries dumped by opencc_dict)"


def _flat(values: Iterable[list[str]]) -> set[str]:
    return {value for group in values for value in group}


def classify(tables: dict[str, Table]) -> dict[str, object]:
    st, ts = tables["STCharacters"], {**tables["TSCharactersExt"], **tables["TSCharacters"]}
    tw, hk = tables["TWVariants"], tables["HKVariants"]
    traditional_forms = _flat(st.values()) | set(ts) | set(tw) | _flat(tw.values())
    traditional_forms |= set(hk) | _flat(hk.values())
    simplified_forms = set(st) | _flat(ts.values())

    simplified_only = {c for c, values in st.items() if c not in values} - traditional_forms
    traditional_only = {c for c, values in ts.items() if c not in values} - simplified_forms
    assert not simplified_only & traditional_only

    # Characters valid in both scripts: everything not in one of the two classes.
    def shared(char: str) -> bool:
        return char not in simplified_only and char not in traditional_only

    def text_forms_t(char: str) -> set[str]:
        """How a Simplified character of a phrase may appear in Traditional text."""
        forms = {char, *st.get(char, ())}
        for form in list(forms):
            forms |= set(tw.get(form, ())) | set(hk.get(form, ()))
        return forms

    def text_forms_s(char: str) -> set[str]:
        """How a Traditional character of a phrase may appear in Simplified text."""
        return {char, *ts.get(char, ())}

    st_probe = _probes(
        [tables["STPhrases"], tables["STPhrases_GeneratedFromRegionalPhrases"]],
        shared,
        text_forms_t,
    )
    ts_probe = _probes([tables["TSPhrases"]], shared, text_forms_s)
    # STPhrases read backwards: 关于 → 關於 says that 於 in Simplified text next to 关 is
    # the Traditional form. Only for characters whose own Simplified default is another
    # character (於 → 于, 徵 → 征): 於 as a surname stays.
    for table in (tables["STPhrases"], tables["STPhrases_GeneratedFromRegionalPhrases"]):
        for key, values in table.items():
            if len(values) != 1 or len(values[0]) != len(key):
                continue
            value = values[0]
            for k, char in enumerate(value):
                if char == key[k] or not shared(char) or ts.get(char, [char])[0] == char:
                    continue
                left, right = ts_probe.setdefault(char, (set(), set()))
                if k > 0:
                    left |= {key[k - 1], *text_forms_s(value[k - 1])}
                if k + 1 < len(key):
                    right |= {key[k + 1], *text_forms_s(value[k + 1])}
    candidates = {c: values for c, values in st.items() if len(values) > 1}
    # Shared characters whose OpenCC default is another form (后 → 後, 么 → 麼, 户 → 戶).
    converted = {c for c, values in st.items() if shared(c) and values[0] != c}
    ts_candidates = {c: values for c, values in ts.items() if len(values) > 1}

    # The forms each standard does not write, among Traditional-only characters (shared
    # ones such as 才 核 吃 群 say nothing about the standard): Taiwan rewrites the keys of
    # TWVariants (爲 裏 衆 → 為 裡 眾) and never writes Hong Kong's own forms (説 税);
    # Hong Kong likewise; OpenCC's standard writes neither region's forms.
    def rewritten(table: Table) -> set[str]:
        return {k for k, values in table.items() if k not in values}

    def written(table: Table) -> set[str]:
        return {v for k, values in table.items() for v in values if v != k}

    # A region's own form that is also an OpenCC-standard form (煙, 濕: values of
    # STCharacters) is written everywhere and marks nothing.
    own_tw = written(tw) - _flat(st.values())
    own_hk = written(hk) - _flat(st.values())
    variants = {
        "tw": (rewritten(tw) | (own_hk - own_tw)) & traditional_only,
        "hk": (rewritten(hk) | (own_tw - own_hk)) & traditional_only,
        "opencc": (own_tw | own_hk) & traditional_only,
    }
    return {
        "simplified-only": simplified_only,
        "traditional-only": traditional_only,
        "st-candidates": candidates,
        "ts-candidates": ts_candidates,
        "st-probe": st_probe,
        "ts-probe": ts_probe,
        "variants": variants,
        "st-converted": converted,
        "ts-spellings": _other_spellings(tables["TSPhrases"]),
    }


def _other_spellings(ts_phrases: Table) -> dict[str, str]:
    """Simplified words that TSPhrases gives a Traditional spelling OpenCC's own s2t does
    not write back (计划: 計畫, which t2s maps to 计划, where s2t writes 計劃)."""
    from cnfix.adapters.opencc import convert

    spellings = {}
    for traditional, values in ts_phrases.items():
        simplified = values[0]
        if len(simplified) == len(traditional) and convert(simplified, "s2t") != traditional:
            spellings[simplified] = traditional
    return spellings


Probes = dict[str, tuple[set[str], set[str]]]


def _probes(
    dictionaries: list[Table], shared: Callable[[str], bool], text_forms: Callable[[str], set[str]]
) -> Probes:
    """For each shared character, the neighbours (left, right) of the phrases that change it."""
    probes: Probes = {}
    for table in dictionaries:
        for key, values in table.items():
            if any(len(value) != len(key) for value in values):
                continue
            for k, char in enumerate(key):
                if not shared(char) or any(value[k] == char for value in values):
                    continue
                left, right = probes.setdefault(char, (set(), set()))
                if k > 0:
                    left |= text_forms(key[k - 1])
                if k + 1 < len(key):
                    right |= text_forms(key[k + 1])
    return probes


def _wrap(chars: Iterable[str], width: int = 64) -> list[str]:
    ordered = "".join(sorted(chars))
    return [ordered[i : i + width] for i in range(0, len(ordered), width)]


def render(tables: dict[str, object], source: str) -> str:
    lines = [
        "# script_tables.txt: generated by scripts/gen_script_tables.py. Do not edit.",
        f"# Source: {source}: https://github.com/BYVoid/OpenCC data/dictionary/,",
        "# Apache License 2.0. Sections are described in the script's docstring.",
    ]
    for name in ("simplified-only", "traditional-only"):
        lines.append(f"[{name}]")
        lines.extend(_wrap(tables[name]))  # type: ignore[arg-type]
    lines.append("[st-candidates]")
    candidates: dict[str, list[str]] = tables["st-candidates"]  # type: ignore[assignment]
    lines.extend(f"{c}\t{''.join(v)}" for c, v in sorted(candidates.items()))
    lines.append("[ts-candidates]")
    candidates = tables["ts-candidates"]  # type: ignore[assignment]
    lines.extend(f"{c}\t{''.join(v)}" for c, v in sorted(candidates.items()))
    for name in ("st-probe", "ts-probe"):
        lines.append(f"[{name}]")
        probes: Probes = tables[name]  # type: ignore[assignment]
        for char, (left, right) in sorted(probes.items()):
            lines.append(f"{char}\t{''.join(sorted(left))}\t{''.join(sorted(right))}")
    lines.append("[st-converted]")
    lines.extend(_wrap(tables["st-converted"]))  # type: ignore[arg-type]
    lines.append("[ts-spellings]")
    spellings: dict[str, str] = tables["ts-spellings"]  # type: ignore[assignment]
    lines.extend(f"{s}\t{t}" for s, t in sorted(spellings.items()))
    lines.append("[variants]")
    variants: dict[str, set[str]] = tables["variants"]  # type: ignore[assignment]
    lines.extend(f"{name}\t{''.join(sorted(chars))}" for name, chars in variants.items())
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dict-dir", type=Path, help="OpenCC data/dictionary/ text files")
    args = parser.parse_args()
    tables, source = load_dictionaries(args.dict_dir)
    OUTPUT.write_text(render(classify(tables), source), encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
