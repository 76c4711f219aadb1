"""GBK text that went through UTF-8 and back (``锟斤拷``): the trail bytes that survived.

A GBK file read as UTF-8 loses every byte that is not valid UTF-8 (each becomes U+FFFD),
but a trail byte 0x40–0x7E is ASCII and survives; saved as UTF-8 and read as GBK again,
the U+FFFDs are ``锟斤拷`` runs and the trail byte is a letter after one (``锟斤拷t`` for
醫's trail 0x74) or, after an odd run, the second byte of the character it makes with
U+FFFD's last byte 0xBD (``锟絎`` for 學's trail 0x57). The character whose lead byte was
lost is one of the GBK characters with that trail byte, ranked by the language model.
"""

from __future__ import annotations

import functools

from cnfix.rules.lost_bytes.recovery import LostCharacter, choose

#: U+FFFD's UTF-8 bytes EF BF BD read as GBK: 锟 (EF BF) leaves BD to pair with the
#: next byte, 拷 (BF BD) ends a whole number of them.
ODD_END = "锟"
EVEN_END = "拷"
FFFD_LAST_BYTE = 0xBD


def _trail(byte: int) -> bool:
    return 0x40 <= byte <= 0x7E and byte != 0x60  # not the backtick: Markdown code


def surviving_trail(text: str, end: int) -> tuple[int, int, int] | None:
    """The trail byte that survived right after the ``锟斤拷`` run ending at ``end``:
    (start, end of the text that holds it, the byte), or None. A letter after a run is
    taken as a trail byte only before more Chinese or another run (``锟斤拷abc`` may be
    a word that was ASCII all along)."""
    if end >= len(text) or not end:
        return None
    char = text[end]
    if text[end - 1] == EVEN_END and char.isascii():
        after = text[end + 1 : end + 2]
        if _trail(ord(char)) and after and not after.isascii():
            return end, end + 1, ord(char)
        return None
    if text[end - 1] == ODD_END:
        try:
            data = char.encode("gbk")
        except UnicodeEncodeError:
            return None
        if len(data) == 2 and data[0] == FFFD_LAST_BYTE and _trail(data[1]):
            return end - 1, end + 1, data[1]
    return None


def lost_character(text: str, start: int, end: int, trail: int) -> LostCharacter:
    """The character whose trail byte ``text[start:end]`` holds, ranked by the model
    before the text that follows (what precedes is lost bytes: no context)."""
    (chosen,) = choose([gbk_characters_with_trail(trail)], "", text[end : end + 8])
    assert isinstance(chosen, LostCharacter)
    return chosen


@functools.cache
def gbk_characters_with_trail(trail: int) -> tuple[str, ...]:
    """Every GBK double-byte character whose second byte is ``trail``."""
    found = []
    for lead in range(0x81, 0xFF):
        try:
            found.append(bytes([lead, trail]).decode("gbk"))
        except UnicodeDecodeError:
            continue
    return tuple(found)
