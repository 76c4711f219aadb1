"""The parts of a review report's DOM the tests look at."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class ReportDom(HTMLParser):
    """Text by element id, rule table rows, samples per rule section."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[dict[str, str | None]] = []
        self.text_by_id: dict[str, str] = {}
        self.rule_rows: dict[str, dict[str, str]] = {}
        self.samples: dict[str, int] = {}
        self.elements: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.elements.append(tag)
        if tag == "tr" and found.get("data-rule"):
            self.rule_rows[str(found["data-rule"])] = {}
        if tag == "figure" and "sample" in str(found.get("class")):
            rule = str(found["data-rule"])
            self.samples[rule] = self.samples.get(rule, 0) + 1
        self.stack.append({"tag": tag, **found})

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()["tag"] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            if element.get("id"):
                key = str(element["id"])
                self.text_by_id[key] = self.text_by_id.get(key, "") + data
        row = next(
            (e for e in reversed(self.stack) if e["tag"] == "tr" and e.get("data-rule")), None
        )
        cell = self.stack[-1] if self.stack else {}
        if row is not None and cell.get("tag") == "td" and cell.get("class"):
            name = str(cell["class"]).split()[-1]
            self.rule_rows[str(row["data-rule"])][name] = data


def dom_of(html: str) -> ReportDom:
    dom = ReportDom()
    dom.feed(html)
    return dom


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))
