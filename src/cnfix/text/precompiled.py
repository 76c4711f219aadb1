"""Regular expressions compiled at build time: the big ones cost tens of milliseconds.

``re`` parses and compiles a pattern in pure Python: the mojibake prefilter (55,000
characters of classes) took ~35-40 ms of every run that read much text, the classes of
every Han character 1-3 ms each. ``scripts/gen_regex_code.py`` stores what ``re``'s
compiler makes of them (the code the C matcher runs, with the group names) in
``data/regex_code.txt``; :func:`compile_pattern` hands that code to the C matcher
directly (~0.5 ms for the prefilter).

The code belongs to one matcher version: the file names it (the interpreter, its
version, ``_sre.MAGIC``, the code word size and the byte order), and under any other
interpreter, for a source the file does not hold, or if the matcher refuses the code,
:func:`compile_pattern` is ``re.compile``. Entries are found by a hash of the source and
flags, so a pattern changed since the file was made is compiled as before; the matcher
validates code it is given, and ``tests/test_precompiled.py`` checks that every entry is
equal (``==``: same flags, source and code) to what ``re.compile`` makes of its source.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import zlib
from typing import Any

from cnfix.text.datafiles import read_data

DATA_FILE = "regex_code.txt"

try:
    import _sre
except ImportError:  # pragma: no cover - another interpreter: re.compile only
    _sre = None


#: The ``memoryview`` format of one code word (native byte order, as the tag says).
_WORD = "I" if _sre is None or _sre.CODESIZE == 4 else "H"


def matcher_tag() -> str:
    """The matcher version the stored code is for (and the only one it is used by)."""
    if _sre is None:  # pragma: no cover
        return "none"
    return (
        f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}"
        f"-{_sre.MAGIC}-{_sre.CODESIZE}-{sys.byteorder}"
    )


def pattern_key(source: str, flags: int) -> str:
    """The entry name of a pattern: its flags, length and two checksums of its source
    (``zlib``'s, cheap to import, where ``hashlib`` cost ~5 ms of start-up)."""
    data = source.encode("utf-8", "surrogatepass")
    return f"{int(flags)}-{len(data)}-{zlib.crc32(data):08x}-{zlib.adler32(data):08x}"


@functools.cache
def _entries() -> dict[str, str]:
    """Entry name → the rest of its line, for this matcher (none for another)."""
    try:
        lines = read_data(DATA_FILE).split("\n")
    except OSError:  # pragma: no cover - a package built without it
        return {}
    entries: dict[str, str] = {}
    tag = None
    for line in lines:
        if not line or line.startswith("#"):
            continue
        name, _, rest = line.partition("\t")
        if tag is None:
            tag = rest
            if name != "tag" or tag != matcher_tag():
                return {}
            continue
        entries[name] = rest
    return entries


def stored(source: str, flags: int = 0) -> bool:
    """True when the compiled code of ``source`` is stored for this matcher."""
    return pattern_key(source, flags) in _entries()


def compile_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, from the stored code when there is some."""
    entry = _entries().get(pattern_key(source, flags))
    if entry is not None and _sre is not None:
        try:
            return _from_entry(source, entry)
        except Exception:  # code the matcher refuses (it validates it): compile as re does
            pass
    return re.compile(source, flags)


def _from_entry(source: str, entry: str) -> re.Pattern[str]:
    final_flags, groups, names, code = entry.split("\t")
    words = memoryview(bytes.fromhex(code)).cast(_WORD)
    groupindex: dict[str, int] = json.loads(names)
    indexgroup: list[Any] = [None] * (int(groups) + 1)
    for name, index in groupindex.items():
        indexgroup[index] = name
    pattern: re.Pattern[str] = _sre.compile(
        source, int(final_flags), words.tolist(), int(groups), groupindex, tuple(indexgroup)
    )
    return pattern


def entry_line(source: str, flags: int = 0) -> str:
    """The line of ``data/regex_code.txt`` for ``source`` (the generator's; it uses
    ``re``'s own parser and compiler, as ``re.compile`` does)."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_compile as _compiler
        import sre_parse as _parser

    parsed = _parser.parse(source, flags)
    code = _compiler._code(parsed, flags)
    words = memoryview(bytearray(len(code) * _sre.CODESIZE)).cast(_WORD)
    for index, word in enumerate(code):
        words[index] = word
    return "\t".join(
        (
            pattern_key(source, flags),
            str(int(flags | parsed.state.flags)),
            str(parsed.state.groups - 1),
            json.dumps(parsed.state.groupdict, sort_keys=True),
            words.tobytes().hex(),
        )
    )
