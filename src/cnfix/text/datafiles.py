"""The generated tables under ``cnfix/data/``, read as text.

Read with plain ``open`` next to this module: importing :mod:`importlib.resources`
(and the ``tempfile``, ``zipfile`` machinery behind it) cost ``cnfix scan`` several
milliseconds of start-up for files that are always on disk in an installed package.
Only a package imported from a zip archive falls back to ``importlib.resources``.
"""

from __future__ import annotations

import os

_DATA_FOLDER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")


def read_data(name: str) -> str:
    """The text of ``cnfix/data/<name>`` (UTF-8, universal newlines)."""
    try:
        with open(os.path.join(_DATA_FOLDER, name), encoding="utf-8") as handle:
            return handle.read()
    except OSError:  # not a folder on disk (a zip archive): ask the package loader
        from importlib import resources

        return resources.files("cnfix.data").joinpath(name).read_text(encoding="utf-8")


def read_data_bytes(name: str) -> bytes:
    """The bytes of ``cnfix/data/<name>`` (for a table decoded in parts, as needed)."""
    try:
        with open(os.path.join(_DATA_FOLDER, name), "rb") as handle:
            return handle.read()
    except OSError:  # not a folder on disk (a zip archive): ask the package loader
        from importlib import resources

        return resources.files("cnfix.data").joinpath(name).read_bytes()
