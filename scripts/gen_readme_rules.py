"""Regenerate the rule table in README.md from the registry (``cnfix.rules.RULES``).

The table sits between ``<!-- rules:start -->`` and ``<!-- rules:end -->`` and is
exactly ``cnfix rules --format markdown``. ``tests/test_readme.py`` fails when it is
stale. Usage: ``python scripts/gen_readme_rules.py`` (rewrite) or ``--check`` (exit 1
when the README differs, write nothing).
"""

from __future__ import annotations

import sys
from pathlib import Path

from cnfix.report.formats import rules_markdown
from cnfix.rules import RULES

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def with_table(readme: str) -> str:
    """``readme`` with the text between the markers replaced by the current table."""
    head, found_start, rest = readme.partition(START)
    _, found_end, tail = rest.partition(END)
    if not (found_start and found_end):
        raise SystemExit(f"{README}: markers {START} / {END} not found")
    return f"{head}{START}\n{rules_markdown(RULES)}{END}{tail}"


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    wanted = with_table(current)
    if "--check" in argv:
        if current != wanted:
            print(f"{README.name}: rule table is stale; run python scripts/gen_readme_rules.py")
            return 1
        return 0
    if current != wanted:
        README.write_text(wanted, encoding="utf-8")
        print(f"{README.name}: rule table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
