"""Generate ``tests/data/script_clean/hong_kong.txt.xz``: Hong Kong text to leave alone.

Sources (each checked out at the commit named, as ``owner+name`` folders of ``--sources``):

- fcbond/hkcancor @ d5a45de, ``data/utf8/*``: the Hong Kong Cantonese Corpus (HKCanCor,
  K. K. Luke and May L. Y. Wong), 1997-98 conversations and radio programmes transcribed in
  Hong Kong's character forms (着 裏 吓 嘅 係); CC BY 4.0 (``data/LICENSE``). Each
  utterance's words joined (a space only between two Latin words), one utterance a line,
  one transcript a document.
- Edditoria/notepad-plus-plus-localization-hong-kong @ dd09a25, ``hongKongCantonese.xml``:
  Notepad++'s interface in written Hong Kong Cantonese; MIT (``LICENSE.txt``). Every
  attribute value with a Han character, one a line.

Documents are separated by a line holding only ``\\f``. Run:
``python scripts/gen_hong_kong_clean_set.py --sources DIR``.
"""

from __future__ import annotations

import argparse
import html
import lzma
import pathlib
import re

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "script_clean"
SEPARATOR = "\n\f\n"
SENTENCE_RE = re.compile(r"<sent_tag>(.*?)</sent_tag>", re.DOTALL)
ATTRIBUTE_RE = re.compile(r'(?:name|value|title)="([^"]*[\u4e00-\u9fff][^"]*)"')


def _utterance(tagged: str) -> str:
    """The words of one ``<sent_tag>`` (``word/pos/jyutping/`` a line), joined."""
    text = ""
    for line in tagged.split("\n"):
        word = line.strip().split("/")[0]
        if word and text and word[0].isascii() and text[-1].isascii() and word[0].isalnum():
            text += " "
        text += word
    return text


def hkcancor(folder: pathlib.Path) -> list[str]:
    documents = []
    for path in sorted((folder / "data" / "utf8").iterdir()):
        lines = [_utterance(m) for m in SENTENCE_RE.findall(path.read_text("utf-8"))]
        documents.append("\n".join(line for line in lines if line))
    return documents


def notepad_plus_plus(folder: pathlib.Path) -> list[str]:
    xml = (folder / "hongKongCantonese.xml").read_text("utf-8")
    return ["\n".join(html.unescape(value) for value in ATTRIBUTE_RE.findall(xml))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=pathlib.Path, required=True)
    args = parser.parse_args()
    documents = hkcancor(args.sources / "fcbond+hkcancor")
    documents += notepad_plus_plus(
        args.sources / "Edditoria+notepad-plus-plus-localization-hong-kong"
    )
    text = SEPARATOR.join(documents) + "\n"
    (OUT / "hong_kong.txt.xz").write_bytes(lzma.compress(text.encode("utf-8")))
    print(f"{len(documents)} documents, {len(text.encode('utf-8')):,} bytes")


if __name__ == "__main__":
    main()
