"""The HTML review report: bounded however long the run, and rendered by a real
browser (headless Chromium) with the totals and one sample per rule in its DOM."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from html_dom import dom_of, number
from pipeline_data import damaged_records

from cnfix import repair_text, scan_text
from cnfix.report.html import render_html
from cnfix.report.review import SNIPPET_CHARS, ReviewCollector

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (Debian: apt-get install -y chromium)",
)


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    """Headless Chromium, isolated: no network services, a throw-away profile."""
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def _locate(text: str, rule: str, kind: str) -> list:
    return scan_text(text, select=[rule], kind=kind)


def _collected(copies: int, max_files: int = 100) -> ReviewCollector:
    """The damaged records, repaired once, fed ``copies`` times as separate files."""
    records = damaged_records()
    repairs = [(r["text"], repair_text(r["text"])) for r in records]
    collector = ReviewCollector("repair", "file", locate=_locate, max_files=max_files)
    for copy in range(copies):
        for index, (text, result) in enumerate(repairs):
            path = f"part-{copy:04}/{index:03}.txt"
            collector.add(path, path, text, result.remaining, result.text, result.applied)
    return collector


def test_report_stays_small_on_a_big_run() -> None:
    small = render_html(_collected(2).review)
    collector = _collected(100)  # 3,600 files
    big = render_html(collector.review)
    review = collector.review
    assert review.units == 3600 and review.files_seen == 3600
    assert len(review.files) <= 4 * collector.max_files
    assert all(len(samples) <= 3 for samples in review.samples.values())
    for samples in review.samples.values():
        for sample in samples:
            assert len(sample.before) <= SNIPPET_CHARS
            assert sample.after is None or len(sample.after) <= SNIPPET_CHARS
    assert len(big.encode()) < 120_000
    assert len(big) < 3 * len(small)
    assert dom_of(big).elements.count("tr") <= collector.max_files + len(review.touched) + 2
    assert "3,500 more file(s) not listed" in big


def test_scan_samples_show_each_fix_alone() -> None:
    text = "会议指出,,要抓实学习教育,。\n醫(yī)院\n"
    collector = ReviewCollector("scan", "file")
    collector.add("a.txt", "a.txt", text, scan_text(text))
    review = collector.review
    assert review.flagged == 1 and review.left["stray-comma"] == 2
    (first, *_) = review.samples["stray-comma"]
    assert first.where == "a.txt:1"
    assert (first.before, first.after) == (
        "会议指出,,要抓实学习教育,。",
        "会议指出,要抓实学习教育,。",
    )


@needs_chromium
def test_chromium_renders_totals_and_a_sample_per_rule(tmp_path: Path) -> None:
    collector = _collected(3)
    review = collector.review
    report = tmp_path / "report.html"
    report.write_text(render_html(review, command="cnfix repair -o out/ raw/"), encoding="utf-8")
    html = report.read_text(encoding="utf-8")
    assert not re.search(r"<script|<link|\bsrc=|@import|url\(", html)  # self-contained

    dom = dom_of(chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile").stdout)
    assert number(dom.text_by_id["total-units"]) == review.units == 108
    assert number(dom.text_by_id["total-changed"]) == review.changed
    assert number(dom.text_by_id["total-fixed"]) == sum(review.fixed.values())
    assert number(dom.text_by_id["total-left"]) == sum(review.left.values())
    assert set(dom.rule_rows) == set(review.touched) and len(review.touched) >= 4
    for rule, cells in dom.rule_rows.items():
        assert number(cells["fixed"]) == review.fixed[rule]
        assert number(cells["left"]) == review.left[rule]
        assert number(cells["touched"]) == review.touched[rule]
    assert set(dom.samples) == set(review.touched)
    assert all(count >= 1 for count in dom.samples.values())

    shot = tmp_path / "report.png"
    chromium(
        "--hide-scrollbars",
        "--window-size=1100,1500",
        f"--screenshot={shot}",
        report.as_uri(),
        profile=tmp_path / "profile",
    )
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000


def test_repair_samples_end_alike_on_long_lines() -> None:
    clean = "会议指出，要抓实学习教育，深入开展调查研究。" * 40
    damaged = clean.replace("，", ",,")
    collector = ReviewCollector("repair", "file")
    result = repair_text(damaged)
    collector.add("a.txt", "a.txt", damaged, result.remaining, result.text, result.applied)
    for sample in collector.review.samples["stray-comma"]:
        assert sample.after is not None
        assert len(sample.before) <= SNIPPET_CHARS and len(sample.after) <= SNIPPET_CHARS
        assert sample.before[-5:] == sample.after[-5:]  # the unchanged text after
        assert sample.before.startswith("会议指出,,") and sample.after.startswith("会议指出，")
