"""Bytes in, text out: byte-order marks, strict UTF-8, then detection limited to the
encodings Chinese text uses (``cnfix.io.detect``). Newlines are kept as they are.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

from cnfix.model import Document, Settings
from cnfix.text.kinds import kind_for_name

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Prefix of the temporary files that atomic writes create beside their target.


class InputError(Exception):
    """A file that cannot be processed; ``str()`` is a one-line reason."""


class BinaryFileError(InputError):
    """The file holds binary data, not text: it is skipped, never written."""


class NotTextError(BinaryFileError):
    """A FIFO, socket, device or link out of the tree: skipped, never opened."""


class ChangedOnDiskError(InputError):
    """The file changed between reading and writing; it was not overwritten."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with the encoding it was in."""

    text: str
    encoding: str
    bom: bool
    confidence: float

    def document(
        self,
        *,
        kind: str = "text",
        name: str | os.PathLike[str] | None = None,
        settings: Settings | None = None,
    ) -> Document:
        """The Document the rules see: this text and what is known of its bytes. Its kind
        is ``kind``, or the kind of a file called ``name`` (``cnfix.text.kinds``)."""
        return Document(
            self.text,
            kind=kind if name is None else kind_for_name(name, self.text),
            encoding=self.encoding,
            bom=self.bom,
            confidence=self.confidence,
            settings=settings or Settings(),
        )


#: Bytes of multi-byte characters beyond their first (16: eight Han characters) that
#: the text before a cut-short last character must hold to be taken as UTF-8: ASCII
#: and one partial sequence could be anything (``Hello 浣`` in GBK is ``Hello e4 bd``).
MIN_UTF8_EVIDENCE_BYTES = 16


def _cut_short_utf8(data: bytes, error: UnicodeDecodeError) -> str | None:
    """UTF-8 whose only fault is a last character cut short (a download or a size
    limit cut the file): the text, the lost character as U+FFFD, which ``lost-bytes``
    reports. None when the fault is anything else."""
    if error.reason != "unexpected end of data" or error.end != len(data):
        return None
    text = data[: error.start].decode("utf-8")
    if error.start - len(text) < MIN_UTF8_EVIDENCE_BYTES:
        return None
    return text + "\ufffd"


#: Confidence of UTF-8 with a few invalid bytes (``damaged_utf8``): reported, never
#: rewritten (the invalid bytes would be lost).
DAMAGED_UTF8_CONFIDENCE = 0.5
#: Valid non-ASCII characters per invalid byte above which data that is not valid
#: UTF-8 is still UTF-8, damaged: GBK or Big5 read as UTF-8 has fewer valid characters
#: than invalid bytes (most of their byte pairs are no UTF-8 sequence).
DAMAGED_UTF8_RATIO = 8


def damaged_utf8(data: bytes) -> str | None:
    """The text of UTF-8 that holds a few invalid bytes (a stray 0x85, a byte lost in a
    copy), each read as U+FFFD, which ``lost-bytes`` reports; None when the data is not
    mostly UTF-8. Detection would read it as UTF-16 or GB18030 and see only noise."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    if invalid <= 0:
        return None
    valid = sum(1 for char in text if char > "\x7f") - text.count("\ufffd")
    return text if valid >= DAMAGED_UTF8_RATIO * invalid else None


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data``: BOM, strict UTF-8, UTF-8 with a few damaged bytes
    (``damaged_utf8``), then Chinese-only detection.

    ``encoding`` forces a codec (the user's ``--encoding``) with full confidence.
    Raises BinaryFileError for data that is not text in any candidate encoding.
    """
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise InputError(f"cannot decode as {encoding}: {error}") from None
        return Decoded(text.removeprefix("\ufeff"), codecs.lookup(encoding).name, False, 1.0)
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(codec), codec, True, 1.0)
            except UnicodeDecodeError:
                break
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = _cut_short_utf8(data, error)
    if text is not None:
        if "\x00" not in text:
            return Decoded(text, "utf-8", False, 1.0)
        from cnfix.io.detect import has_wide_nul_pattern

        if not has_wide_nul_pattern(data):
            raise BinaryFileError("binary file (NUL bytes)")
        # NULs at every other byte: UTF-16/32 without BOM of mostly ASCII text.
    elif (damaged := damaged_utf8(data)) is not None and "\x00" not in damaged:
        return Decoded(damaged, "utf-8", False, DAMAGED_UTF8_CONFIDENCE)
    from cnfix.io.detect import detect_encoding

    detected = detect_encoding(data)
    if detected is None:
        raise BinaryFileError("binary or undecodable file (not UTF-8, GB18030, Big5 or UTF-16)")
    codec, confidence = detected
    text = data.decode(codec)
    if "\x00" in text:
        raise BinaryFileError("binary file (NUL bytes)")
    return Decoded(text, codec, False, confidence)


#: Files larger than this are refused (``--max-size``), never read whole into memory.
