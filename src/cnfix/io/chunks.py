"""Large files read and written chunk by chunk, so memory stays flat at any size."""

from __future__ import annotations

import codecs
import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cnfix.io.decode import (
    BOMS,
    BinaryFileError,
    ChangedOnDiskError,
    ForeignTextError,
    InputError,
    check_named_encoding,
    detected_codec,
)
from cnfix.io.folder import Folder
from cnfix.io.safe_files import (
    FileIdentity,
    _check_replaceable,
    clean_stale_temps,
    keep_metadata,
    link_target,
    new_temp,
    open_regular,
)

# --- streaming large files --------------------------------------------------------

#: Files larger than this (in bytes) are read and repaired chunk by chunk, so memory
#: stays flat however large the file; smaller files are judged as one document. A file
#: read whole peaks at about 30 MB plus 30 times its size (its findings, the repaired
#: copy): from 2 MB on, streaming keeps a run under 150 MB.
STREAM_THRESHOLD = 2 << 20
#: Bytes read at a time when streaming; a chunk is about this size, cut at a blank line.
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of a streamed file: whole paragraphs (or at least whole lines).

    ``offset`` is the character offset of ``text`` in the decoded file and
    ``first_line`` the 1-based line number of its first line.
    """

    text: str
    offset: int
    first_line: int
    encoding: str
    bom: bool
    confidence: float
    #: The file's identity when it was opened: a streamed rewrite compares it at the end.
    identity: FileIdentity | None = None
    #: ``(offset, length)`` of the bytes that decode to ``text`` alone (``_Spans``), else
    #: None: a worker can read them itself (``read_chunk``) instead of being sent them.
    span: tuple[int, int] | None = None


#: A line that opens or closes a Markdown code fence, in a list item or a block quote too.
_FENCE_LINE_RE = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(`{3,}|~{3,})([^\n]*)$", re.M)


def _fence_lines(text: str, end: int) -> Iterator[re.Match[str]]:
    """The fence lines of ``text[:end]`` in order (``_FENCE_LINE_RE``'s matches), tried
    only at the lines that hold three backticks or tildes: the pattern tried at every
    line start of a megabyte chunk cost more than the rest of cutting it."""
    # The next ``` and ~~~ at or after ``position``: each searched for again only once
    # passed (a search for the absent one must not rescan the chunk at every line).
    find, rfind, fence_line = text.find, text.rfind, _FENCE_LINE_RE.match
    ticks, tildes = find("```", 0, end), find("~~~", 0, end)
    while ticks >= 0 or tildes >= 0:
        marker = ticks if tildes < 0 or 0 <= ticks < tildes else tildes  # the first
        match = fence_line(text, rfind("\n", 0, marker) + 1, end)
        if match is not None:
            yield match
        position = find("\n", marker, end) + 1
        if position == 0:
            return
        if 0 <= ticks < position:
            ticks = find("```", position, end)
        if 0 <= tildes < position:
            tildes = find("~~~", position, end)


def _open_fence_start(text: str, end: int) -> int | None:
    """Where the code fence still open at ``end`` starts (None: no fence is open), for
    a text that starts outside any fence. Blank lines in a fence are no place to cut:
    the next chunk would start inside code, and take it for prose."""
    opened: tuple[str, int] | None = None
    for match in _fence_lines(text, end):
        fence, rest = match[1], match[2]
        if opened is None:
            if not (fence[0] == "`" and "`" in rest):
                opened = (fence, match.start())
        elif fence[0] == opened[0][0] and len(fence) >= len(opened[0]) and not rest.strip():
            opened = None
    return None if opened is None else opened[1]


def _cut(text: str) -> int:
    """Where to end a chunk: after the last blank line in the second half of ``text``
    that is not inside a code fence, else before the fence still open there, else after
    the last line end, else nowhere (0: read more first)."""
    fenced = "```" in text or "~~~" in text
    half = len(text) // 2
    blank = max(text.rfind("\n\n", half), text.rfind("\n\r\n", half))
    while blank != -1:
        fence = _open_fence_start(text, blank) if fenced else None
        if fence is None:
            return text.index("\n", blank + 1) + 1
        blank = max(text.rfind("\n\n", half, fence), text.rfind("\n\r\n", half, fence))
    end = text.rfind("\n") + 1
    fence = _open_fence_start(text, end) if fenced else None
    return fence or end  # a fence opening the text and never closed: cut at a line end


#: Where a line too long to keep whole is cut: after a full-width sentence end or a
#: space, before a character that starts no punctuation (so that no rule sees half of
#: ``,,``, ``,。`` or a garbled run on either side).
_LONG_LINE_CUT_RE = re.compile('[。！？ \u3000](?=[^\\s,.;:!?，。、；：！？)）"”’\ufffd])')


def _cut_long_line(text: str) -> int:
    """Where to end a chunk inside a very long line: after the last sentence end (or
    space) in its second half, looked for in the last 64 KB first; else at the end of
    the text read (never inside ``\\r\\n``)."""
    half = len(text) // 2
    for begin in (max(half, len(text) - (1 << 16)), half):
        last = None
        for last in _LONG_LINE_CUT_RE.finditer(text, begin):  # noqa: B007 - keeps the last
            pass
        if last is not None:
            return last.end()
    return len(text) - 1 if text.endswith("\r") else len(text)


#: A line longer than this many characters is cut into chunks of about this many (at
#: most one read more): a chunk's findings are held together, and a line can have one
#: every two characters.
LONG_LINE_CHARS = 1 << 18


def _pieces(text: str, long_line: int, *, final: bool) -> tuple[list[str], str]:
    """The chunks to cut from ``text`` (read, not yet given out) and what is left of it
    for the next read: up to a blank line (``_cut``), or the whole of a final text; a
    line longer than ``long_line`` characters is cut into pieces of at most that many."""
    if final:
        return ([text] if text else []), ""
    pieces = []
    cut = _cut(text)
    while cut == 0 and len(text) > long_line:
        cut = _cut_long_line(text[:long_line])
        pieces.append(text[:cut])
        text = text[cut:]
        cut = _cut(text)
    if cut:
        pieces.append(text[:cut])
    return pieces, text[cut:]


def split_text(text: str, chunk_chars: int | None = None) -> Iterator[str]:
    """``text``, already in memory (a JSON string of many megabytes), in the pieces
    ``iter_chunks`` cuts a file into, read ``chunk_chars`` (``LONG_LINE_CHARS``)
    characters at a time: the findings of one piece at a time are held, whatever the
    text's size."""
    chunk_chars = chunk_chars or LONG_LINE_CHARS
    pending, at = "", 0
    while True:
        block = text[at : at + chunk_chars]
        at += len(block)
        long_line = min(4 * chunk_chars, LONG_LINE_CHARS)
        pieces, pending = _pieces(pending + block, long_line, final=not block)
        yield from pieces
        if not block:
            return


def _stream_codec(
    head: bytes, encoding: str | None, force: bool = False
) -> tuple[str, int, bool, float]:
    """Codec, bytes of BOM to skip, whether there was a BOM, confidence — from the head."""
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
            text = codecs.getincrementaldecoder(name)().decode(head, final=False)
        except LookupError as error:
            raise InputError(f"unknown encoding {encoding!r}: {error}") from None
        except UnicodeDecodeError as error:
            raise InputError(f"cannot decode as {encoding}: {error}") from None
        if not force:
            check_named_encoding(text, name)
        return name, 0, False, 1.0
    for bom, codec in BOMS:
        if head.startswith(bom):
            return codec, len(bom), True, 1.0
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", 0, False, 1.0
    # The head may end inside a character: then judge it without its last bytes.
    for trim in range(min(3, len(head) - 1)):
        try:
            codec, confidence = detected_codec(head[: len(head) - trim])
        except ForeignTextError:
            raise
        except BinaryFileError:
            continue
        return codec, 0, False, confidence
    codec, confidence = detected_codec(head)
    return codec, 0, False, confidence


#: Codecs whose line feed is the byte 0x0A and no other character holds that byte (their
#: continuation and trail bytes are 0x30 or above): a chunk cut after a line feed is cut
#: after that byte, at a character's start, and its bytes decode alone.
_LINE_FEED_CODECS = frozenset({"utf-8", "gb18030", "gbk", "gb2312", "big5", "cp950", "big5hkscs"})


class _Spans:
    """Where each chunk's bytes lie in the file (``Chunk.span``), followed as it is read:
    a chunk that ends at a line end holds the bytes up to its last line feed; the last
    one holds the rest. Lost (None from then on) in another codec or after a chunk cut
    inside a line (``_cut_long_line``)."""

    def __init__(self, codec: str, start: int) -> None:
        self.at: int | None = start if codec in _LINE_FEED_CODECS else None
        self.unread = b""  # read, and in no chunk yet

    def read(self, data: bytes) -> None:
        if self.at is not None:
            self.unread += data

    def skip(self, size: int) -> None:
        if self.at is not None:
            self.at += size
            self.unread = self.unread[size:]

    def lose(self) -> None:
        self.at, self.unread = None, b""

    def take(self, piece: str, *, final: bool) -> tuple[int, int] | None:
        if self.at is None:
            return None
        if piece.endswith("\n"):
            rest = self.unread.split(b"\n", piece.count("\n"))[-1]
            size = len(self.unread) - len(rest)
        elif final:
            size = len(self.unread)
        else:
            self.lose()
            return None
        span = (self.at, size)
        self.at += size
        self.unread = self.unread[size:]
        return span


def iter_chunks(
    path: Path,
    *,
    encoding: str | None = None,
    force: bool = False,
    chunk_bytes: int | None = None,
    walked: os.stat_result | None = None,
) -> Iterator[Chunk]:
    """Decode ``path`` incrementally and yield it as chunks of whole paragraphs.

    The encoding is decided from the first block (BOM, strict UTF-8, detection) and
    every later block is decoded strictly with it. A chunk ends after a blank line
    when there is one in its second half, else after a line end; a line longer than
    four blocks or ``LONG_LINE_CHARS`` is cut into pieces of about that (never inside
    ``\\r\\n``). At most a few blocks are in memory at once. ``chunk_bytes`` defaults
    to ``CHUNK_BYTES``. The file is opened by ``open_regular`` (``walked``: see there);
    each chunk carries the identity the file had when it was opened, before any byte
    was read, so a rewrite refuses a file an editor saved meanwhile.
    """
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    fd = open_regular(path, walked=walked)
    identity = FileIdentity.of(os.fstat(fd))
    with open(fd, "rb") as stream:
        data = stream.read(chunk_bytes)
        codec, skip, bom, confidence = _stream_codec(data, encoding, force)
        decoder = codecs.getincrementaldecoder(codec)("strict")
        data = data[skip:]
        pending = ""
        offset, line, consumed, first = 0, 1, 0, True
        spans = _Spans(codec, skip)
        while True:
            spans.read(data)
            try:
                text = pending + decoder.decode(data, final=not data)
            except UnicodeDecodeError as error:
                if data or codec != "utf-8" or error.reason != "unexpected end of data":
                    raise InputError(
                        f"cannot decode as {codec} near byte {consumed + error.start}"
                    ) from None
                text = pending + "\ufffd"  # the last character cut short: _cut_short_utf8
                spans.lose()  # (a character no byte of the file holds)
            consumed += len(data)
            if first:
                if encoding is not None and text.startswith("\ufeff"):
                    text = text[1:]
                    spans.skip(len("\ufeff".encode(codec)))
                first = False
            if "\x00" in text:
                raise BinaryFileError("binary file (NUL bytes)")
            pieces, pending = _pieces(text, min(4 * chunk_bytes, LONG_LINE_CHARS), final=not data)
            for piece in pieces:
                span = spans.take(piece, final=not data)
                yield Chunk(piece, offset, line, codec, bom, confidence, identity, span)
                offset += len(piece)
                line += piece.count("\n")
            if not data:
                return
            data = stream.read(chunk_bytes)


def read_chunk(source: str, chunk: Chunk) -> str:
    """The text of ``chunk`` read again from its bytes (``chunk.span``) in the file
    ``source`` (a worker's read: it was sent where the chunk is, not its text). The file
    must still be the one the chunk was cut from (``chunk.identity``): a file changed
    since would give other text at these bytes, so ChangedOnDiskError."""
    if chunk.span is None:
        raise ValueError("the chunk's bytes are not known: its text is sent")
    offset, length = chunk.span
    fd = open_regular(source)
    try:
        if FileIdentity.of(os.fstat(fd)) != chunk.identity:
            raise ChangedOnDiskError("file changed on disk while it was read; not read further")
        data = os.pread(fd, length, offset)
    finally:
        os.close(fd)
    return data.decode(chunk.encoding)


class StreamWriter:
    """``write_atomic`` for a file produced piece by piece (a streamed repair).

    The pieces go to a temporary file beside the target; ``commit`` fsyncs it, gives
    it the target's permission bits (and owner where allowed) and renames it over the
    target, refusing when the target's identity is no longer ``expected`` (it changed
    while it was being read). ``abort`` removes the temporary file; the target is
    never touched until the rename. ``follow_symlinks``: as for ``write_atomic``.
    Temporary files that killed runs left in the folder are removed first.
    """

    def __init__(
        self,
        path: Path,
        *,
        expected: FileIdentity | None = None,
        follow_symlinks: bool = True,
    ) -> None:
        self.target = link_target(path, follow_symlinks)
        self.expected = expected
        clean_stale_temps(self.target.parent)
        # Every step happens in this folder, opened once (F12: see ``write_atomic``).
        self.folder = Folder(self.target.parent)
        self.fd = -1
        try:
            try:
                self.status: os.stat_result | None = self._stat()
            except FileNotFoundError:
                if expected is not None:
                    raise ChangedOnDiskError(
                        "file disappeared since it was read; not written"
                    ) from None
                self.status = None
            if self.status is not None:
                _check_replaceable(self.status)
            self.fd, self.temp_name = new_temp(self.folder)
        except BaseException:
            self.folder.close()
            raise

    def _stat(self) -> os.stat_result:
        return self.folder.stat(self.target.name)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def commit(self) -> None:
        try:
            os.fsync(self.fd)
            keep_metadata(self.fd, self.status)
            os.close(self.fd)
            self.fd = -1
            if self.expected is not None:
                try:
                    current = FileIdentity.of(self._stat())
                except FileNotFoundError:
                    current = None
                if current != self.expected:
                    raise ChangedOnDiskError(
                        "file changed on disk since it was read; not overwritten"
                    )
            self.folder.replace(self.temp_name, self.target.name)
        except BaseException:
            self.abort()
            raise
        self.folder.sync()
        self.folder.close()

    def abort(self) -> None:
        if self.fd != -1:
            os.close(self.fd)
            self.fd = -1
        if not self.folder.closed:
            with contextlib.suppress(FileNotFoundError):
                self.folder.unlink(self.temp_name)
            self.folder.close()
