"""Generate ``tests/data/clean/*.txt.xz``: clean Chinese text that no repair may touch.

Four sets of at least 2 MB (UTF-8) each, from sources that are not on the reserved list
and that the language model (``scripts/gen_language_model.py``) was not built from:

- ``modern``: kiang/www.president.gov.tw @ 7e5cb2f, news releases of 2024 as published
  (Traditional) and of 2025 through OpenCC ``t2s`` (Simplified). Taiwan official
  documents are not copyrightable (Copyright Act art. 9); repository MIT.
- ``classical``: oscarsun72/chtxt @ a8469ff, folder ``0.詩詞`` (詩經, 楚辭, pre-Tang
  poetry, 敦煌歌辭, 人間詞話; public-domain works, Traditional), and Werneror/Poetry
  @ 4cfe49c (MIT), poems of the 南北朝, 唐末宋初, 宋末元初 and 金 CSVs (Simplified).
- ``names``: wainshine/Chinese-Names-Corpus @ 47d4af8 (Apache-2.0), the 250,000 names
  of historical people (``Ancient_Names_Corpus``), as lists of 400 names a document,
  one name a line or joined by ``、``.
- ``technical``: vuejs-translations/docs-zh-cn @ c2715ff (CC BY 4.0), rust-lang-cn/
  rust-by-example-cn @ 94ef6ea (MIT/Apache-2.0), d2l-ai/d2l-zh @ e6b18cc (Apache-2.0,
  chapters not excerpted in ``tests/data/corpus``): Markdown as published.

Each set is one xz file holding documents separated by a line holding only ``\\f``.
Run: ``python scripts/gen_clean_sets.py --sources DIR`` where DIR holds the repositories
checked out at those commits as ``owner+name`` folders (``president`` for the first).
"""

from __future__ import annotations

import argparse
import csv
import json
import lzma
import pathlib
import random

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "clean"
SEPARATOR = "\n\f\n"
TARGET_BYTES = 2_100_000


def _take(documents: list[str], target: int = TARGET_BYTES) -> list[str]:
    """Documents in order until ``target`` bytes of UTF-8 are reached."""
    taken, size = [], 0
    for document in documents:
        if size >= target:
            break
        taken.append(document)
        size += len(document.encode("utf-8"))
    return taken


def _news(folder: pathlib.Path, year: int) -> list[str]:
    documents = []
    for path in sorted((folder / "news_json" / str(year)).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        body = "\n".join(record.get("content_paragraphs") or []) or record.get("content", "")
        if body.strip():
            documents.append(f"{record['title']}\n\n{body.strip()}")
    return documents


def modern(sources: pathlib.Path) -> list[str]:
    import opencc

    folder = sources / "president"
    simplified = opencc.OpenCC("t2s")
    half = TARGET_BYTES // 2
    return _take(_news(folder, 2024), half) + [
        simplified.convert(doc) for doc in _take(_news(folder, 2025), half)
    ]


def classical(sources: pathlib.Path) -> list[str]:
    documents = []
    for path in sorted((sources / "oscarsun72+chtxt" / "0.詩詞").glob("*.txt")):
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith(("#下載", "#如果", "#創建", "#更新"))
        ]
        text = "\n".join(lines).strip()
        # Documents of about 20,000 characters, cut at blank lines.
        chunk: list[str] = []
        for paragraph in text.split("\n\n"):
            chunk.append(paragraph)
            if sum(map(len, chunk)) > 20_000:
                documents.append("\n\n".join(chunk))
                chunk = []
        if chunk:
            documents.append("\n\n".join(chunk))
    traditional = _take(documents, TARGET_BYTES // 2)
    poems = []
    for name in ("南北朝", "唐末宋初", "宋末元初", "金"):
        with open(sources / "Werneror+Poetry" / f"{name}.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                poems.append(f"{row['题目']}\n{row['朝代']}·{row['作者']}\n{row['内容']}")
    rng = random.Random(15)
    rng.shuffle(poems)
    simplified = ["\n\n".join(poems[i : i + 40]) for i in range(0, len(poems), 40)]
    return traditional + _take(simplified, TARGET_BYTES // 2 + 50_000)


def names(sources: pathlib.Path) -> list[str]:
    path = sources / "wainshine+Chinese-Names-Corpus" / "Chinese_Names_Corpus"
    text = (path / "Ancient_Names_Corpus（25W）.txt").read_text(encoding="utf-8-sig")
    listed = [line.strip() for line in text.splitlines()[3:] if line.strip()]
    documents = []
    for index in range(0, len(listed), 400):
        chunk = listed[index : index + 400]
        documents.append(("\n" if index // 400 % 2 else "、").join(chunk))
    return _take(documents)


def technical(sources: pathlib.Path) -> list[str]:
    manifest = json.loads((OUT.parent / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    excerpted = {doc["path"] for doc in manifest["documents"]}
    documents = []
    for folder, pattern in (
        ("vuejs-translations+docs-zh-cn", "src/**/*.md"),
        ("rust-lang-cn+rust-by-example-cn", "src/**/*.md"),
        ("d2l-ai+d2l-zh", "chapter_*/*.md"),
    ):
        root = sources / folder
        for path in sorted(root.glob(pattern)):
            relative = path.relative_to(root).as_posix()
            if relative in excerpted or relative.endswith("_origin.md"):
                continue
            text = path.read_text(encoding="utf-8").strip()
            if len(text) > 200:
                documents.append(text)
    return _take(documents)


SETS = {"modern": modern, "classical": classical, "names": names, "technical": technical}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=pathlib.Path, required=True)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in SETS.items():
        documents = build(args.sources)
        text = SEPARATOR.join(doc.replace("\r\n", "\n") for doc in documents) + "\n"
        data = text.encode("utf-8")
        (OUT / f"{name}.txt.xz").write_bytes(lzma.compress(data, preset=9 | lzma.PRESET_EXTREME))
        print(f"{name}: {len(documents)} documents, {len(data) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
