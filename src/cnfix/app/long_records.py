"""JSON Lines records too long to hold their findings at once (issue 21, F23).

A string field of many megabytes can have a finding every few characters: checked as
one document, its findings took gigabytes. A block of lines that
``is_long`` is done here, in the parent process (only its last line can be
long: ``blocks.read_blocks`` reads a block and then the rest of its last line). A field
longer than ``chunks.LONG_LINE_CHARS`` characters is checked or repaired in the pieces
a long line of a streamed file is cut into (``chunks.split_text``); each piece is a
record outcome of its own, as the chunks of a streamed file are, and the line is
written again piece by piece once a piece changed. Every other line is done by
``process_block``, as on any block, so its output is the same byte for byte.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from cnfix.app import jsonl
from cnfix.app.json_fields import encode_string, locate_string
from cnfix.app.jsonl import BlockResult, RecordOutcome, check_value, process_block
from cnfix.app.runner import RunOptions
from cnfix.io.chunks import CHUNK_BYTES, LONG_LINE_CHARS, split_text

_NOT_ASCII = re.compile("[^\x00-\x7f]")


def is_long(length: int) -> bool:
    """Whether a block of ``length`` bytes holds a line longer than ``BATCH_BYTES``: the
    parent does it here, in pieces; its worker is sent an empty block in its place."""
    return length > 2 * jsonl.BATCH_BYTES


def sent_block(block: tuple[int, bytes]) -> tuple[int, bytes]:
    """What a worker is sent of a block read from a stream (``jsonl.run_blocks``)."""
    return (block[0], b"") if is_long(len(block[1])) else block


def sent_span(span: tuple[int, int], source: int | str) -> tuple[int | str, int, int]:
    """What a worker is sent of a block of the file ``source`` (its descriptor or its
    name, ``jsonl.run_blocks``)."""
    return source, span[0], 0 if is_long(span[1]) else span[1]


def long_block_results(
    block: tuple[int, bytes], path: tuple[str, ...], options: RunOptions
) -> Iterator[BlockResult]:
    """``process_block`` of a long block, its last line in pieces when its field is
    long: the results, in order, numbered from ``block[0]``."""
    first, data = block
    cut = data.rfind(b"\n", 0, len(data) - 1) + 1  # where the last line starts
    if cut:
        head = data[:cut]
        yield process_block((first, head), path, options)
        first += head.count(b"\n")
    # A slice from 0 is the block itself, not a copy: a long line is held once.
    yield from _line_results(first, data[cut:], path, options)


def _located(raw: bytes, path: tuple[str, ...]) -> tuple[str, str, str, str] | None:
    """The text before the field's literal, a literal of its style (ASCII-only or
    not: all ``encode_string`` looks at), its value and the text after it, when the
    field is a string longer than ``LONG_LINE_CHARS``; else None (the line is done
    as any other: blank, invalid, without the field, or short)."""
    try:  # the line ending is white space after the record, kept in what follows it
        line = raw.decode("utf-8")
        located = locate_string(line, path)
    except (ValueError, TypeError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if located is None or len(located[2]) <= LONG_LINE_CHARS:
        return None
    start, end, value = located
    like = '"\u4e2d"' if _NOT_ASCII.search(line, start, end) else '""'  # the span, not a copy
    return line[:start], like, value, line[end:]


def _literal(text: str, like: str) -> bytes:
    """``text`` as the inside of a JSON string literal in the style of ``like``."""
    return encode_string(text, like)[1:-1].encode("utf-8")


def _line_results(
    number: int, raw: bytes, path: tuple[str, ...], options: RunOptions
) -> Iterator[BlockResult]:
    """The results of one line: its pieces one by one (no line counted until the
    last result) when its field is long, else ``process_block`` of the line.

    Nothing is written while no piece changed: an unchanged record is written as it
    was, byte for byte. At the first piece that changed, the line up to it is written
    again (the field's literal in its style, a slice at a time), and from then on
    each piece as it comes."""
    located = _located(raw, path)
    if located is None:
        yield process_block((number, raw), path, options)
        return
    before, like, value, after = located
    changed = False
    done, first_line = 0, 1  # characters of the value done, line of the next piece
    for piece in split_text(value):
        outcome = RecordOutcome(number, b"", first_line=first_line)
        check_value(outcome, piece, options)
        if outcome.repaired is not None and not changed:
            changed = True
            yield BlockResult(0, (before + '"').encode("utf-8"), [], Counter())
            for at in range(0, done, CHUNK_BYTES):
                part = value[at : min(at + CHUNK_BYTES, done)]
                yield BlockResult(0, _literal(part, like), [], Counter())
        text = piece if outcome.repaired is None else outcome.repaired
        data = _literal(text, like) if changed else b""
        worth = outcome.error or outcome.findings or outcome.changed
        yield BlockResult(0, data, [outcome] if worth else [], Counter())
        done += len(piece)
        first_line += piece.count("\n")
    last = ('"' + after).encode("utf-8") if changed else raw
    yield BlockResult(1, last if options.repair else b"", [], Counter(checked=1))
