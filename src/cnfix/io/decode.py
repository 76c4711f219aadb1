"""Bytes in, text out: byte-order marks, strict UTF-8, then detection limited to the
encodings Chinese text uses (``cnfix.io.detect``). Newlines are kept as they are.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

from cnfix.model import MIN_REWRITE_CONFIDENCE, Document, Settings
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


class ForeignTextError(BinaryFileError):
    """Text in another language's legacy encoding (Shift-JIS, Windows-1251, Latin-1…):
    reported and skipped, never rewritten."""


class ImplausibleDecodingError(InputError):
    """The encoding the user named gives text that is not plausible Chinese."""


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


#: Confidence given to UTF-8 that holds a few invalid bytes: read as UTF-8 with the
#: damage marked U+FFFD (the lost-bytes rule reports it), never written back, since
#: writing would replace bytes that are not ours to drop.
DAMAGED_UTF8_CONFIDENCE = 0.5
#: Valid multi-byte UTF-8 bytes needed per invalid byte to call input damaged UTF-8:
#: GBK or Big5 text read as UTF-8 makes a valid sequence for about one character in
#: fifty, so its invalid bytes outnumber the valid ones many times over.
UTF8_EVIDENCE_RATIO = 3
#: Valid multi-byte UTF-8 bytes needed at least: two Han characters.
MIN_DAMAGED_UTF8_BYTES = 6


def untrusted_reason(encoding: str, confidence: float) -> str:
    """Why text decoded with ``confidence`` below ``MIN_REWRITE_CONFIDENCE`` is not
    written back: one phrase for files and stdin alike."""
    if encoding == "utf-8":
        return "UTF-8 with invalid bytes, which a rewrite would replace with U+FFFD"
    return f"encoding {encoding} detected with low confidence ({confidence:.2f})"


def _damaged_utf8(data: bytes) -> str | None:
    """Mostly valid UTF-8 with some invalid bytes: the text with U+FFFD for each bad
    sequence, or None when the invalid bytes are too many to call it UTF-8, or when a
    Chinese legacy encoding reads the whole of ``data`` confidently."""
    escaped = data.decode("utf-8", errors="surrogateescape")
    invalid = sum(1 for char in escaped if "\udc80" <= char <= "\udcff")
    valid = sum(1 for byte in data if byte >= 0x80) - invalid
    if valid < MIN_DAMAGED_UTF8_BYTES or valid < UTF8_EVIDENCE_RATIO * invalid:
        return None
    from cnfix.io.detect import detect_encoding

    detected = detect_encoding(data)
    if detected is not None and detected[1] >= MIN_REWRITE_CONFIDENCE:
        return None
    return data.decode("utf-8", errors="replace")


def detected_codec(data: bytes) -> tuple[str, float]:
    """Codec and confidence from detection; BinaryFileError (or ForeignTextError) when
    no Chinese encoding reads ``data`` as plausible text."""
    from cnfix.io.detect import detect_encoding, foreign_encoding

    detected = detect_encoding(data)
    if detected is None or detected[1] < MIN_REWRITE_CONFIDENCE:
        foreign = foreign_encoding(data)
        if foreign is not None:
            raise ForeignTextError(
                f"{foreign} text, not Chinese: left as it is (cnfix repairs Chinese text only)"
            )
    if detected is None:
        raise BinaryFileError("binary or undecodable file (not UTF-8, GB18030, Big5 or UTF-16)")
    return detected


def check_named_encoding(text: str, name: str) -> None:
    """Raise ImplausibleDecodingError when ``text``, decoded with the codec the user
    named, is not plausible Chinese (Japanese read as GB18030 would be written over)."""
    if text.isascii():
        return
    from cnfix.io.detect import IMPLAUSIBLE_BITS, SAMPLE_BYTES
    from cnfix.text.plausibility import bits_per_char

    cost = bits_per_char(text[:SAMPLE_BYTES])
    if cost > IMPLAUSIBLE_BITS:
        raise ImplausibleDecodingError(
            f"decoded as {name}, the text is not plausible Chinese ({cost:.0f} bits a"
            " character); nothing written (add --force-encoding to decode it anyway)"
        )


def _named(data: bytes, encoding: str, force: bool) -> Decoded:
    """``data`` in the encoding the user named; implausible text is refused unless forced."""
    try:
        text = data.decode(encoding).removeprefix("\ufeff")
        name = codecs.lookup(encoding).name
    except (UnicodeDecodeError, LookupError) as error:
        raise InputError(f"cannot decode as {encoding}: {error}") from None
    if not force:
        check_named_encoding(text, name)
    return Decoded(text, name, False, 1.0)


def decode_bytes(data: bytes, encoding: str | None = None, *, force: bool = False) -> Decoded:
    """Decode ``data``: BOM, strict UTF-8, damaged UTF-8, then Chinese-only detection.

    ``encoding`` names a codec (the user's ``--encoding``): text it decodes to that is
    not plausible Chinese raises ImplausibleDecodingError unless ``force``.
    Raises BinaryFileError for data that is not text in any candidate encoding, and
    ForeignTextError for text in another language's legacy encoding.
    """
    if encoding is not None:
        return _named(data, encoding, force)
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
        if text is None:
            damaged = _damaged_utf8(data)
            if damaged is not None:
                return Decoded(damaged, "utf-8", False, DAMAGED_UTF8_CONFIDENCE)
    if text is not None:
        if "\x00" not in text:
            return Decoded(text, "utf-8", False, 1.0)
        from cnfix.io.detect import has_wide_nul_pattern

        if not has_wide_nul_pattern(data):
            raise BinaryFileError("binary file (NUL bytes)")
        # NULs at every other byte: UTF-16/32 without BOM of mostly ASCII text.
    codec, confidence = detected_codec(data)
    text = data.decode(codec)
    if "\x00" in text:
        raise BinaryFileError("binary file (NUL bytes)")
    return Decoded(text, codec, False, confidence)


#: Files larger than this are refused (``--max-size``), never read whole into memory.
