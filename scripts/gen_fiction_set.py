"""Generate ``tests/data/fiction/``: excerpts of modern Chinese fiction in the public domain.

Source: Lu Xun's short-story collections 《呐喊》 (1923) and 《彷徨》 (1926), one file per
story in ``data/raw/呐喊/`` and ``data/raw/彷徨/`` of ``tallusil/luxun-novel-analysis``
(MIT-licensed repository; the stories are in the public domain: Lu Xun died in 1936, and
both books were published before 1930). The editors' notes of the 1981 edition that the
files carry (``□注释`` and after, the markers ``⑴`` ``①`` in the text, the bracketed
publication line) are left out: they are not Lu Xun's and not public domain.

The files are hard-wrapped at about 38 characters; the lines of a paragraph are joined
(Chinese needs no space between them) and paragraphs separated by one blank line, as
in ``tests/data/corpus``. Each story is cut at paragraph boundaries into excerpts of
300-3,000 characters, at most ``--per-story`` of them. An excerpt is left out when it
holds an ASCII ``, ; : ! ? ( )`` or ``□``/``【`` (the e-text's stand-ins for missing
characters). The wording is never edited.

Run: ``python scripts/gen_fiction_set.py REPO_GIT_DIR [--per-story 2]`` where
``REPO_GIT_DIR`` is a clone (or bare mirror) of the repository at commit ``432ecfa``.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import subprocess

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "fiction"
COMMIT = "432ecfaa721f3f8a08268dabfc0a301ea3ffa50e"
REPOSITORY = "tallusil/luxun-novel-analysis"
BOOKS = ("呐喊", "彷徨")
#: Not stories: the table of contents and the author's preface.
SKIPPED = ("目录", "自序")
MIN_CHARS, MAX_CHARS = 300, 3000
#: The editors' note markers: ⑴-⒇ and ①-⑳.
NOTE_MARK_RE = re.compile("[\u2474-\u2487\u2460-\u2473]")
REJECT_RE = re.compile("[,;:!?()□【]")


def _git(repo: str, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", repo, "-c", "core.quotepath=off", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def paragraphs(raw: str) -> list[str]:
    """The story's paragraphs: title, author line, notes and fences left out, the
    hard-wrapped lines of each paragraph joined."""
    body = raw.split("□注释")[0].split("注释：")[0]
    result: list[str] = []
    for block in re.split(r"\n[ \t\u3000]*\n", body):
        lines = [line.strip(" \t\u3000") for line in block.splitlines()]
        lines = [line for line in lines if line and line != "```"]
        if not lines or not block.startswith(("\u3000", "\n\u3000")):
            continue  # titles, the author's name and dates are centred with ASCII spaces
        result.append(NOTE_MARK_RE.sub("", "".join(lines)))
    return result


def excerpts(paras: list[str], limit: int) -> list[str]:
    """Runs of paragraphs of ``MIN_CHARS``-``MAX_CHARS`` characters, in story order."""
    chosen: list[str] = []
    run: list[str] = []
    for para in paras:
        if REJECT_RE.search(para):
            run = []
            continue
        run.append(para)
        text = "\n\n".join(run)
        if len(text) > MAX_CHARS:
            run = [para]
            text = para
        if len(text) >= MIN_CHARS and len(run) > 1:
            chosen.append(text + "\n")
            run = []
            if len(chosen) >= limit:
                break
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo")
    parser.add_argument("--per-story", type=int, default=2)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = []
    for book in BOOKS:
        names = _git(args.repo, "ls-tree", "--name-only", COMMIT, f"data/raw/{book}/").split()
        for path in sorted(names):
            if any(word in path for word in SKIPPED):
                continue
            raw = _git(args.repo, "show", f"{COMMIT}:{path}")
            for number, text in enumerate(excerpts(paragraphs(raw), args.per_story)):
                name = f"{len(manifest):03d}.txt"
                (OUT / name).write_text(text, encoding="utf-8")
                manifest.append({"file": name, "path": path, "excerpt": number, "chars": len(text)})
    (OUT / "manifest.json").write_text(
        json.dumps(
            {"repository": REPOSITORY, "commit": COMMIT, "documents": manifest},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(manifest)} excerpts to {OUT}")


if __name__ == "__main__":
    main()
