"""Pick the real documents of tests/data/prose_documents/ from public repositories.

Usage: python scripts/gen_prose_documents.py MIRRORS_DIR

``MIRRORS_DIR`` holds bare clones named ``owner+name/repo`` (``git clone --bare``). For
each source below, the files under its folder whose name matches, that hold at least
``MIN_HAN`` Han characters and are at most ``max_bytes`` long are listed in path
order, and ``count`` of them, evenly spaced, are copied (as ``owner__name/<path with
/ as __>``). A prose document is kept only when cnfix finds nothing to repair in it
(a clean document: the property test damages its prose and expects it back). The
manifest (``manifest.json``) records repository, commit, path and licence of each; each
repository's LICENSE file is copied beside its documents.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from cnfix import repair_text
from cnfix.text.kinds import kind_for_name

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "tests" / "data" / "prose_documents"
MIN_HAN = 40
HAN_RE = re.compile(r"[\u4e00-\u9fff]")


class Source(NamedTuple):
    repo: str
    licence: str
    folder: str
    pattern: str
    count: int
    max_bytes: int


SOURCES = [
    # docs translations: front matter, Nunjucks tags, HTML, Vue components, code fences
    Source("hexojs/site", "MIT", "source/zh-cn/docs/", r"\.md$", 8, 10_000),
    Source("vuejs-translations/docs-zh-cn", "CC-BY-4.0", "src/guide/", r"\.md$", 6, 12_500),
    Source("layui/layui", "MIT", "docs/", r"\.md$", 4, 9_000),
    # templates: HTML with Django template syntax
    Source("liangliangyy/DjangoBlog", "MIT", "templates/", r"\.html$", 4, 8_000),
    # programs with Chinese comments and strings
    Source("liangliangyy/DjangoBlog", "MIT", "", r"\.py$", 5, 8_000),
    Source("alibaba/easyexcel", "Apache-2.0", "", r"\.java$", 5, 6_000),
    Source("armink/CmBacktrace", "MIT", "cm_backtrace/", r"\.[ch]$", 2, 12_000),
    Source("layui/layui", "MIT", "src/", r"\.js$", 3, 30_000),
    Source("silenceper/wechat", "Apache-2.0", "", r"\.go$", 5, 6_000),
]


def _git(repo: Path, *args: str) -> str:
    """Output of git as UTF-8 text, line ends as they are (CRLF files stay CRLF)."""
    output = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True)
    return output.stdout.decode("utf-8")


def _pick(mirrors: Path, source: Source) -> list[tuple[str, str, str]]:
    """``(path, text, commit)`` of the chosen files of ``source``."""
    repo = mirrors / source.repo.replace("/", "+") / "repo"
    commit = _git(repo, "rev-parse", "HEAD").strip()
    listing = _git(repo, "ls-tree", "-r", "-l", "HEAD", "--", source.folder or ".")
    candidates = []
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        size = meta.split()[3]
        if not re.search(source.pattern, path) or not size.isdigit():
            continue
        if int(size) > source.max_bytes:
            continue
        try:
            text = _git(repo, "show", f"HEAD:{path}")
        except (subprocess.CalledProcessError, UnicodeDecodeError):
            continue
        if len(HAN_RE.findall(text)) < MIN_HAN:
            continue
        kind = kind_for_name(path, text)
        if kind != "code" and repair_text(text, kind=kind).text != text:
            print(f"not clean, left out: {source.repo} {path}", file=sys.stderr)
            continue
        candidates.append((path, text, commit))
    step = max(len(candidates) / source.count, 1)
    return [candidates[int(index * step)] for index in range(min(source.count, len(candidates)))]


def main(mirrors: Path) -> None:
    manifest = []
    for old in TARGET.glob("*/*"):
        old.unlink()  # a fresh pick: no file left from an earlier one
    for source in SOURCES:
        folder = TARGET / source.repo.replace("/", "__")
        folder.mkdir(parents=True, exist_ok=True)
        repo = mirrors / source.repo.replace("/", "+") / "repo"
        (folder / "LICENSE").write_bytes(_git(repo, "show", "HEAD:LICENSE").encode("utf-8"))
        for path, text, commit in _pick(mirrors, source):
            name = path.replace("/", "__")
            (folder / name).write_bytes(text.encode("utf-8"))
            manifest.append(
                {
                    "file": f"{folder.name}/{name}",
                    "repository": f"https://github.com/{source.repo}",
                    "commit": commit,
                    "path": path,
                    "licence": source.licence,
                }
            )
    (TARGET / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(manifest)} documents")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
