"""The file's own encoding: anything but UTF-8 without BOM is reported."""

from __future__ import annotations

from collections.abc import Iterator

from cnfix.model import MIN_REWRITE_CONFIDENCE, Applicability, Document, Finding, Fix, Rule


def check_encoding(doc: Document) -> Iterator[Finding]:
    """The file is not UTF-8, or starts with a byte-order mark.

    Example: a GBK file read by a UTF-8 tool shows ``���``; the same file decoded
    here as GB18030 is reported as ``file is gb18030 (confidence 1.00)``.

    Why: UTF-8 without BOM is what editors, git diffs, search indexes and language
    model pipelines expect; a legacy encoding is damage waiting to happen.

    Fix: the file is written back as UTF-8 without BOM, with identical text. Safe
    when the encoding was given with ``--encoding`` or detected with confidence of
    at least 0.9 (strict decoding plus a plausibility score, see ``textio``);
    below that the finding is reported and the file is left alone.
    """
    if doc.encoding == "utf-8" and not doc.bom:
        return
    if doc.bom and doc.encoding == "utf-8":
        message = "file starts with a UTF-8 byte-order mark"
    else:
        bom = " with BOM" if doc.bom else ""
        message = f"file is {doc.encoding}{bom} (confidence {doc.confidence:.2f}), not UTF-8"
    applicability = (
        Applicability.SAFE if doc.confidence >= MIN_REWRITE_CONFIDENCE else Applicability.DISPLAY
    )
    yield ENCODING.finding(0, 0, message, Fix((), "Write as UTF-8 without BOM", applicability))


ENCODING = Rule(
    code="E001",
    name="encoding",
    summary="file is not UTF-8 (GBK, GB18030, Big5, UTF-16/32) or has a byte-order mark",
    fix_safety="safe",
    check=check_encoding,
    reports_outside_prose=True,
)
