"""A JSON Lines file in blocks of whole lines (``app.jsonl``): read from a stream, or
only found in a regular file, for workers that read their blocks themselves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from cnfix.io.decode import InputError


def read_blocks(
    stream: IO[bytes], block_bytes: int, max_line: int | None = None
) -> Iterator[tuple[int, bytes]]:
    """Blocks of whole lines of ``stream``, about ``block_bytes`` each, with the
    number of their first line. A line longer than ``max_line`` bytes (``--max-size``:
    a pipe from /dev/zero has no line end) stops the reading with an InputError."""
    number = 1
    while data := stream.read(block_bytes):
        if not data.endswith(b"\n"):
            rest = stream.readline(-1 if max_line is None else max_line + 1)
            if max_line is not None and len(rest) > max_line and not rest.endswith(b"\n"):
                line = number + data.count(b"\n")
                raise InputError(
                    f"line {line} is longer than the size limit of "
                    f"{max_line / 2**20:.0f} MB (--max-size); the rest of the input is not read"
                )
            data, rest = data + rest, b""  # to the end of the line (a long one held once)
        yield number, data
        number += data.count(b"\n")


def block_spans(stream: IO[bytes], size: int, block_bytes: int) -> Iterator[tuple[int, int]]:
    """``(offset, length)`` of the blocks ``read_blocks`` would read from the regular
    file ``stream`` of ``size`` bytes, found without reading them: a seek to each block's
    last byte and the rest of its line."""
    offset = 0
    while offset < size:
        if offset + block_bytes >= size:
            yield offset, size - offset
            return
        stream.seek(offset + block_bytes - 1)
        stream.readline()  # to the end of the line the block's last byte is on
        end = min(stream.tell(), size)
        yield offset, end - offset
        offset = end
