"""Bytes in, Document out; repaired text back to disk atomically, as UTF-8.

Decoding order: byte-order marks, then strict UTF-8 (the common case, and the fast
one), then detection limited to the encodings Chinese text uses (``cnfix.detect``).
Newlines are kept as they are in the text, so a CRLF file stays CRLF.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cnfix.model import Document, Settings

KIND_BY_SUFFIX = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".rst": "text",
    ".csv": "table",
    ".tsv": "table",
    ".json": "json",
    ".jsonl": "json",
    ".html": "markup",
    ".htm": "markup",
    ".xml": "markup",
    ".srt": "text",
    ".yaml": "text",
    ".yml": "text",
}
TEXT_SUFFIXES = frozenset(KIND_BY_SUFFIX)

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Prefix of the temporary files that atomic writes create beside their target.
TEMP_PREFIX = ".cnfix-tmp-"


class InputError(Exception):
    """A file that cannot be processed; ``str()`` is a one-line reason."""


class BinaryFileError(InputError):
    """The file holds binary data, not text: it is skipped, never written."""


class ChangedOnDiskError(InputError):
    """The file changed between reading and writing; it was not overwritten."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with the encoding it was in."""

    text: str
    encoding: str
    bom: bool
    confidence: float


def kind_for_path(path: Path | str) -> str:
    """The document kind for a file name (``text`` when the suffix is unknown)."""
    return KIND_BY_SUFFIX.get(Path(path).suffix.lower(), "text")


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data``: BOM, strict UTF-8, then Chinese-only detection.

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
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" in text:
            raise BinaryFileError("binary file (NUL bytes)")
        return Decoded(text, "utf-8", False, 1.0)
    from cnfix.detect import detect_encoding

    detected = detect_encoding(data)
    if detected is None:
        raise BinaryFileError("binary or undecodable file (not UTF-8, GB18030, Big5 or UTF-16)")
    codec, confidence = detected
    text = data.decode(codec)
    if "\x00" in text:
        raise BinaryFileError("binary file (NUL bytes)")
    return Decoded(text, codec, False, confidence)


def read_document(
    path: Path, *, settings: Settings | None = None, encoding: str | None = None
) -> tuple[Document, bytes]:
    """Read and decode ``path``; return the Document and the original bytes."""
    data = path.read_bytes()
    decoded = decode_bytes(data, encoding)
    doc = Document(
        decoded.text,
        kind=kind_for_path(path),
        encoding=decoded.encoding,
        bom=decoded.bom,
        confidence=decoded.confidence,
        settings=settings or Settings(),
    )
    return doc, data


def write_atomic(path: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace ``path`` by ``data`` whole, or leave it untouched.

    The bytes go to a temporary file in the same folder, are fsynced, get the
    original permission bits, and are renamed over the target. With ``expected``,
    the target is re-read first and left alone if it no longer holds those bytes.
    """
    original_mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    handle, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        if original_mode is not None:
            os.chmod(temp_name, original_mode)
        if expected is not None and path.read_bytes() != expected:
            raise ChangedOnDiskError("file changed on disk since it was read; not overwritten")
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
