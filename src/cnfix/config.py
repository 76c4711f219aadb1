"""Settings from the configuration closest to each file, found as ruff finds its own:
in each folder from the file's up to the repository root, ``.cnfix.toml``, then
``cnfix.toml`` (both hold the settings at the top level), then a ``pyproject.toml``
with a ``[tool.cnfix]`` table; ``--config FILE`` names one for every file instead."""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cnfix.rules import UnknownRuleError, resolve_rule
from cnfix.rules.script.options import TARGET_SCRIPTS, TargetScriptError, validate_target_script

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


#: The configuration files a folder may hold, in the order they are looked for; the
#: first two hold the settings at the top level.
CONFIG_FILES = (".cnfix.toml", "cnfix.toml", "pyproject.toml")


#: A configuration file larger than this is refused: a link to /dev/zero or a huge file
#: must not exhaust memory (a FIFO or device is never opened: ``is_file`` first).
MAX_CONFIG_BYTES = 1 << 20


def _read(path: Path) -> str:
    """The text of ``path``: a regular file of bounded size (ConfigError otherwise)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as file:
            status = os.fstat(file.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise ConfigError(f"{path}: not a regular file")
            data = file.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES >> 20} MB")
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    tomllib = _tomllib()
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    return data


def _table(path: Path) -> dict[str, Any] | None:
    """The settings a configuration file holds: a ``cnfix.toml``'s top level, a
    ``pyproject.toml``'s ``[tool.cnfix]`` (None when it has none)."""
    text = _read(path)
    if path.name != "pyproject.toml":
        return _parse(path, text)
    if _MAY_CONFIGURE_RE.search(text) is None:
        return None
    tool = _parse(path, text).get("tool", {})
    if not isinstance(tool, dict) or "cnfix" not in tool:
        return None
    table = tool["cnfix"]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.cnfix] must be a table, not {type(table).__name__}")
    return table


def find_config(start: Path) -> Path | None:
    """The configuration closest to ``start`` (a folder): ``.cnfix.toml``,
    ``cnfix.toml`` or a ``pyproject.toml`` with ``[tool.cnfix]``, looked for in
    ``start`` and its parents, up to the repository root (a folder holding ``.git``)."""
    start = start.absolute()
    for folder in (start, *start.parents):
        try:
            for name in CONFIG_FILES:
                candidate = folder / name
                if candidate.is_file() and (
                    name != "pyproject.toml" or _table(candidate) is not None
                ):
                    return candidate
            if (folder / ".git").exists():
                return None
        except OSError:  # a folder deeper than PATH_MAX, or unreadable: look further up
            continue
    return None


def load_config_file(path: Path) -> Config:
    """Read and validate one configuration file (``--config``, or one found)."""
    table = _table(path)
    if table is None:
        raise ConfigError(f"{path}: no [tool.cnfix] table")
    table_name = "[tool.cnfix]" if path.name == "pyproject.toml" else "the file"
    where = "[tool.cnfix] " if path.name == "pyproject.toml" else ""
    for key, value in table.items():
        expected = CONFIG_KEYS.get(key)
        if expected is None:
            known = ", ".join(CONFIG_KEYS)
            raise ConfigError(f"{path}: unknown key {key!r} in {table_name} (known: {known})")
        if not isinstance(value, expected):
            raise ConfigError(
                f"{path}: {where}{key} must be a {expected.__name__}, not {type(value).__name__}"
            )
        if expected is list and not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{path}: {where}{key} must be a list of strings")
    if "to" in table:
        try:
            table["to"] = validate_target_script(table["to"])
        except TargetScriptError:
            known = ", ".join(TARGET_SCRIPTS)
            raise ConfigError(
                f"{path}: {where}to = {table['to']!r} is not one of {known}"
            ) from None
    for key in ("select", "ignore"):
        for name in table.get(key, []):
            try:
                resolve_rule(str(name))
            except UnknownRuleError as error:
                raise ConfigError(f"{path}: {where}{key}: {error}") from None
    return Config(path, dict(table))


def load_config(start: Path) -> Config:
    """The configuration closest to the folder ``start`` (empty if none)."""
    path = find_config(start)
    return Config() if path is None else load_config_file(path)
