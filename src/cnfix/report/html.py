"""The review report: one self-contained HTML file (inline CSS and SVG, no script, no
link to anything) for a person to judge a run before trusting it.

``render_html`` is pure: a ``cnfix.report.review.Review`` in, the page out.
"""

from __future__ import annotations

from html import escape
from operator import attrgetter
from typing import TYPE_CHECKING

from cnfix.report.diff import inline_segments

if TYPE_CHECKING:
    from cnfix.report.review import Review, Sample

_CSS = """
body{font:15px/1.55 system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:2em auto;max-width:1040px;padding:0 1em;color:#1f2328;background:#fff}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.6em 0 .5em;
border-bottom:1px solid #d0d7de;padding-bottom:.2em}h3{font-size:1em;margin:1.2em 0 .4em}
.sub{color:#59636e;margin:0 0 1em}
.totals{display:flex;gap:1em;flex-wrap:wrap;margin:1em 0}
.total{border:1px solid #d0d7de;border-radius:6px;padding:.5em 1em;min-width:8em}
.total b{display:block;font-size:1.6em}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #eaeef2;padding:.3em .6em;text-align:left}
td.n,th.n{text-align:right}code{font-size:.9em}
.sample{border:1px solid #d0d7de;border-radius:6px;margin:.6em 0;padding:.4em .8em}
.sample figcaption{color:#59636e;font-size:.85em;font-family:monospace}
.sample pre{margin:.2em 0;white-space:pre-wrap;word-break:break-all;font:inherit}
.label{display:inline-block;width:4em;color:#59636e;font-size:.85em}
del{background:#ffd7d5;text-decoration:line-through}ins{background:#aff5b4;text-decoration:none}
.elided{color:#8c959f}.note{color:#59636e;font-size:.9em}
"""

_BAR = 18
_ROW = 26
_LABEL = 210
_PANEL = 300


def _number(value: int) -> str:
    return f"{value:,}"


def _plot(review: Review, rules: list[str]) -> str:
    """Two bar panels: fixes and findings per rule; units each rule touched."""
    unit = f"{review.unit}s"
    width = _LABEL + 2 * (_PANEL + 90)
    height = 40 + _ROW * len(rules)
    most = max([review.fixed[r] + review.left[r] for r in rules] + [1])
    touched_most = max([review.touched[r] for r in rules] + [1])
    second = _LABEL + _PANEL + 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="findings per rule">',
        "<style>text{font:12px system-ui,sans-serif;fill:#1f2328}</style>",
        f'<text x="{_LABEL}" y="14">fixes (green) and findings left (amber) per rule</text>',
        f'<text x="{second}" y="14">{unit} touched per rule</text>',
    ]
    codes = review.codes
    for index, rule in enumerate(rules):
        y = 28 + index * _ROW
        fixed, left, touched = review.fixed[rule], review.left[rule], review.touched[rule]
        fixed_width = _PANEL * fixed / most
        left_width = _PANEL * left / most
        touched_width = _PANEL * touched / touched_most
        parts += [
            f'<text x="{_LABEL - 8}" y="{y + 13}" text-anchor="end">'
            f"{escape(codes.get(rule, ''))} {escape(rule)}</text>",
            f'<rect class="fixed" x="{_LABEL}" y="{y}" width="{fixed_width:.1f}" '
            f'height="{_BAR}" fill="#2da44e"/>',
            f'<rect class="left" x="{_LABEL + fixed_width:.1f}" y="{y}" width="{left_width:.1f}" '
            f'height="{_BAR}" fill="#d4a72c"/>',
            f'<text x="{_LABEL + fixed_width + left_width + 6:.1f}" y="{y + 13}">'
            f"{_number(fixed)} + {_number(left)}</text>",
            f'<rect class="touched" x="{second}" y="{y}" width="{touched_width:.1f}" '
            f'height="{_BAR}" fill="#0969da"/>',
            f'<text x="{second + touched_width + 6:.1f}" y="{y + 13}">{_number(touched)}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def _marked(sample: Sample) -> tuple[str, str]:
    """Before with deletions marked, after with insertions marked."""
    if sample.after is None:
        return escape(sample.before), ""
    before, after = [], []
    for kind, text in inline_segments(sample.before, sample.after, context=10_000):
        if kind == "delete":
            before.append(f"<del>{escape(text)}</del>")
        elif kind == "insert":
            after.append(f"<ins>{escape(text)}</ins>")
        else:
            before.append(escape(text))
            after.append(escape(text))
    return "".join(before), "".join(after)


def _sample(sample: Sample) -> str:
    before, after = _marked(sample)
    shown_after = (
        f'<pre class="after"><span class="label">after</span>{after}</pre>'
        if sample.after is not None
        else '<p class="note">reported only: no fix is offered for this finding</p>'
    )
    return (
        f'<figure class="sample" data-rule="{escape(sample.rule)}">'
        f"<figcaption>{escape(sample.where)}</figcaption>"
        f'<pre class="before"><span class="label">before</span>{before}</pre>'
        f"{shown_after}</figure>"
    )


def render_html(review: Review, *, command: str = "", version: str = "") -> str:
    """The report page for ``review``."""
    rules = sorted(
        review.touched, key=lambda r: (-(review.fixed[r] + review.left[r]), review.codes.get(r, ""))
    )
    unit = review.unit
    codes = review.codes
    left = sum(review.left.values())
    if review.mode == "repair":
        totals = [
            (f"{unit}s", review.units, "units"),
            (f"{unit}s changed", review.changed, "changed"),
            ("fixes applied", sum(review.fixed.values()), "fixed"),
            ("findings left", left, "left"),
        ]
    else:
        totals = [
            (f"{unit}s", review.units, "units"),
            (f"{unit}s with findings", review.flagged, "flagged"),
            ("findings", left, "left"),
        ]
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>cnfix {escape(review.mode)} report</title><style>{_CSS}</style></head><body>",
        f"<h1>cnfix {escape(review.mode)} report</h1>",
        f'<p class="sub">{escape(command)}{" · cnfix " + escape(version) if version else ""}</p>',
        '<div class="totals">',
        *(
            f'<div class="total" id="total-{key}"><b>{_number(value)}</b>{escape(label)}</div>'
            for label, value, key in totals
        ),
        "</div>",
    ]
    if not rules:
        out.append('<p class="note">Nothing found: every unit is clean.</p>')
    else:
        out += [
            "<h2>Per rule</h2>",
            _plot(review, rules),
            '<table id="rules"><thead><tr><th>code</th><th>rule</th>'
            f'<th class="n">fixed</th><th class="n">left</th><th class="n">{unit}s</th>'
            "</tr></thead><tbody>",
        ]
        for rule in rules:
            out.append(
                f'<tr data-rule="{escape(rule)}">'
                f"<td><code>{escape(codes.get(rule, ''))}</code></td>"
                f"<td>{escape(rule)}</td>"
                f'<td class="n fixed">{_number(review.fixed[rule])}</td>'
                f'<td class="n left">{_number(review.left[rule])}</td>'
                f'<td class="n touched">{_number(review.touched[rule])}</td></tr>'
            )
        out.append("</tbody></table>")
    files = sorted(
        review.files.items(), key=lambda item: (-(item[1].fixed + item[1].left), item[0])
    )
    shown = [(path, totals) for path, totals in files if totals.fixed or totals.left]
    shown = shown[: review.files_shown]
    repair = review.mode == "repair"
    touched = attrgetter("changed" if repair else "flagged")
    if shown:
        out += [
            "<h2>Per file</h2>",
            '<table id="files"><thead><tr><th>file</th>'
            f'<th class="n">{unit}s {"changed" if repair else "with findings"}</th>'
            '<th class="n">fixed</th><th class="n">left</th></tr></thead><tbody>',
        ]
        for path, totals in shown:
            out.append(
                f"<tr><td><code>{escape(path)}</code></td>"
                f'<td class="n">{_number(touched(totals))}</td>'
                f'<td class="n">{_number(totals.fixed)}</td>'
                f'<td class="n">{_number(totals.left)}</td></tr>'
            )
        out.append("</tbody></table>")
        hidden = review.files_seen - len(shown)
        if hidden > 0:
            out.append(
                f'<p class="note">{_number(hidden)} more file(s) not listed '
                "(clean, or fewer findings than those shown).</p>"
            )
    if rules:
        out.append("<h2>Samples</h2>")
        out.append(
            '<p class="note">A random sample of each rule’s changes (or findings) over the '
            "whole run.</p>"
        )
        for rule in rules:
            samples = [s for s in review.samples.get(rule, []) if s.where]
            out.append(
                f'<section class="samples" data-rule="{escape(rule)}">'
                f"<h3>{escape(codes.get(rule, ''))} {escape(rule)}</h3>"
            )
            out += [_sample(sample) for sample in samples]
            out.append("</section>")
    out.append("</body></html>\n")
    return "\n".join(out)
