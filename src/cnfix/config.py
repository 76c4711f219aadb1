"""Settings from ``[tool.cnfix]`` in the nearest ``pyproject.toml``, merged with the CLI."""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cnfix.rules import UnknownRuleError, resolve_rule

#: Keys accepted in ``[tool.cnfix]`` and what type each takes.
CONFIG_KEYS: dict[str, type] = {
    "select": list,
    "ignore": list,
    "include": list,
    "exclude": list,
    "to": str,
    "unsafe-fixes": bool,
}


class ConfigError(ValueError):
    """A configuration file or option that cannot be used; the message names the problem."""


@dataclass(frozen=True)
class Config:
    """Project configuration as read from ``pyproject.toml`` (all keys optional)."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def _tomllib() -> Any:
    """The TOML parser, imported only when there is a ``pyproject.toml`` to read."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    return tomllib


#: Every TOML spelling of a ``tool.cnfix`` table: a ``[tool]`` header, a dotted key or
#: header ``tool.cnfix`` (with spaces or quotes), or an inline ``tool = {…}``. A file
#: without any has no ``[tool.cnfix]`` and is not parsed: most projects' pyproject.toml
#: configures other tools only, and importing and running ``tomllib`` cost ~9 ms of
#: every start of a pre-commit hook.
_MAY_CONFIGURE_RE = re.compile(
    r"""^[ \t]*\[[ \t]*["']?tool["']?[ \t]*\]|["']?tool["']?[ \t]*\.[ \t]*["']?cnfix"""
    r"""|^[ \t]*["']?tool["']?[ \t]*=""",
    re.MULTILINE,
)


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has ``[tool.cnfix]``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            text = _read_pyproject(candidate)
            if _MAY_CONFIGURE_RE.search(text) is None:
                continue
            tomllib = _tomllib()
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as error:
                raise ConfigError(f"{candidate}: invalid TOML: {error}") from None
            tool = data.get("tool", {})
            if isinstance(tool, dict) and "cnfix" in tool:
                return candidate
    return None


#: A pyproject.toml larger than this is refused: a link to /dev/zero or a huge file
#: must not exhaust memory (a FIFO or device is never opened: ``is_file`` first).
MAX_PYPROJECT_BYTES = 1 << 20


def _read_pyproject(path: Path) -> str:
    """The text of ``path``: a regular file of bounded size (ConfigError otherwise)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as file:
            status = os.fstat(file.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise ConfigError(f"{path}: not a regular file")
            data = file.read(MAX_PYPROJECT_BYTES + 1)
        if len(data) > MAX_PYPROJECT_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_PYPROJECT_BYTES >> 20} MB")
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None


def load_config(start: Path) -> Config:
    """Read and validate ``[tool.cnfix]`` from the nearest pyproject.toml (empty if none)."""
    path = find_pyproject(start)
    if path is None:
        return Config()
    table = _tomllib().loads(_read_pyproject(path))["tool"]["cnfix"]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.cnfix] must be a table, not {type(table).__name__}")
    for key, value in table.items():
        expected = CONFIG_KEYS.get(key)
        if expected is None:
            known = ", ".join(CONFIG_KEYS)
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.cnfix] (known: {known})")
        if not isinstance(value, expected):
            raise ConfigError(
                f"{path}: [tool.cnfix] {key} must be a {expected.__name__}, "
                f"not {type(value).__name__}"
            )
        if expected is list and not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{path}: [tool.cnfix] {key} must be a list of strings")
    for key in ("select", "ignore"):
        for name in table.get(key, []):
            try:
                resolve_rule(str(name))
            except UnknownRuleError as error:
                raise ConfigError(f"{path}: [tool.cnfix] {key}: {error}") from None
    return Config(path, dict(table))
