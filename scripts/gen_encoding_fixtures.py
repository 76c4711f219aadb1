"""Write the binary inputs of ``fixtures/encoding/``: corpus text in legacy encodings.

The golden runner decodes each ``*.in.txt`` (BOM, strict UTF-8, then ``cnfix.io.detect``)
and compares the text with the UTF-8 ``*.out.txt`` that ``--update-golden`` writes.
The text comes from the project's own corpus (``tests/data/corpus``, see its README
for sources and licences). Run: ``python scripts/gen_encoding_fixtures.py``.
"""

from __future__ import annotations

import codecs
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"
OUT = ROOT / "fixtures" / "encoding"


def _first_lines(path: pathlib.Path, count: int) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[:count]) + "\n"


def main() -> None:
    hans = _first_lines(CORPUS / "hans" / "0109.txt", 3)
    hant = _first_lines(CORPUS / "hant" / "0002.txt", 1)
    files = {
        "gbk": hans.encode("gbk"),
        "gb18030": (hans + "欧元符号€与扩展字符𠀀。\n").encode("gb18030"),
        "big5": hant.encode("big5"),
        "utf-16-bom": codecs.BOM_UTF16_LE + hans.encode("utf-16-le"),
        "utf-16-le-no-bom": hans.encode("utf-16-le"),
        "utf-16-be-no-bom": hant.encode("utf-16-be"),
        "utf-8-bom": codecs.BOM_UTF8 + hans.encode("utf-8"),
        "short-gbk": "你好".encode("gbk"),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (OUT / f"{name}.in.txt").write_bytes(data)
    print(f"wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    main()
