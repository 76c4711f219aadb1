"""The floor plan as a test (docs/architecture.md): which layer may import which, each
third-party library imported in exactly one place, and every rule registered once.

Read from the source with ``ast``: nothing is imported to check it, so a violation
that only happens on one code path is still seen.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cnfix.model import Rule
from cnfix.rules import RULES

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "cnfix"

#: Layer → the layers its modules may import (a layer may always import itself).
#: Pure layers first; the edges (cli, the language server, pipeline steps) last.
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "text": {"model"},
    "adapters": {"model", "text"},
    "rules": {"model", "text", "adapters"},
    "engine": {"model", "text", "rules"},
    "io": {"model", "text"},
    "report": {"model"},
    "config": {"model", "rules"},
    "app": {"model", "text", "rules", "engine", "io", "config"},
    "api": {"model", "engine"},
    "main": {"cli"},
    "cli": {"model", "rules", "engine", "io", "app", "report", "config", "api", "lsp"},
    "lsp": {"model", "rules", "engine", "io", "app", "report", "config", "api", "text"},
    "integrations": {"model", "rules", "engine", "io", "app", "report", "config", "api"},
}

#: Third-party modules → the one module (or package) allowed to import them.
THIRD_PARTY: dict[str, str] = {
    "click": "cli",
    "rich": "report",
    "ftfy": "adapters/ftfy.py",
    "opencc": "adapters/opencc.py",
    "markdown_it": "text/markdown.py",
}


def _layer(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    if relative.parts[0] == "__init__.py":
        return "api"
    if relative.parts[0] == "__main__.py":
        return "main"
    return relative.parts[0].removesuffix(".py")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module ``path`` imports (absolute names), anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import"
            found.append((node.module or "", node.lineno))
    return found


def _cnfix_layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "cnfix":
        return None
    if len(parts) == 1:
        return "api"
    return parts[1]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layers_import_only_what_they_may(path: Path) -> None:
    layer = _layer(path)
    assert layer in ALLOWED, f"{path}: layer {layer!r} is not in the floor plan"
    for module, line in _imports(path):
        imported = _cnfix_layer(module)
        if imported is None or imported == layer or imported == "__version__":
            continue
        assert imported in ALLOWED[layer], (
            f"{path.relative_to(PACKAGE)}:{line}: the {layer} layer imports {module}"
        )


def test_each_third_party_library_is_imported_in_one_place() -> None:
    for path in _modules():
        relative = path.relative_to(PACKAGE).as_posix()
        for module, line in _imports(path):
            top = module.split(".")[0]
            owner = THIRD_PARTY.get(top)
            if owner is None:
                continue
            assert relative == owner or relative.startswith(owner + "/"), (
                f"{relative}:{line} imports {top}, which only {owner} may import"
            )


def test_rules_import_no_other_rule() -> None:
    """A rule is one place: its module or package imports no other rule's code."""
    for path in sorted((PACKAGE / "rules").rglob("*.py")):
        relative = path.relative_to(PACKAGE / "rules")
        if relative.as_posix() == "__init__.py":
            continue  # the registry imports every rule
        own = relative.parts[0].removesuffix(".py")
        for module, line in _imports(path):
            parts = module.split(".")
            if parts[:2] == ["cnfix", "rules"] and len(parts) > 2:
                assert parts[2] == own, f"rules/{relative}:{line} imports {module}"


def _rule_constants(path: Path) -> list[str]:
    """Names bound at module level to ``Rule(...)`` in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "Rule"
        ):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
    return names


def test_every_rule_is_defined_in_its_module_and_registered_once() -> None:
    defined: dict[str, str] = {}
    for path in sorted((PACKAGE / "rules").rglob("*.py")):
        for name in _rule_constants(path):
            defined[name] = path.relative_to(PACKAGE).as_posix()
    registered = {}
    for rule in RULES:
        assert isinstance(rule, Rule)
        module = rule.check.__module__
        assert module.startswith("cnfix.rules."), f"{rule.name} is checked outside rules/"
        registered[rule.name] = module
    assert len(registered) == len(RULES), "a rule is registered twice"
    # Every Rule constant written in rules/ is registered, and nothing else is.
    import cnfix.rules as registry

    registered_names = {name for name, value in vars(registry).items() if isinstance(value, Rule)}
    assert registered_names == set(defined), (registered_names, defined)
    # A rule's check lives in the module (or package) that defines its Rule.
    for rule in RULES:
        constant = next(n for n, v in vars(registry).items() if v is rule)
        home = defined[constant].removesuffix("/__init__.py").removesuffix(".py")
        assert rule.check.__module__.replace(".", "/").startswith(f"cnfix/{home}")


def test_no_module_is_over_the_size_limit() -> None:
    """~450 lines at most: a module that grows past it holds more than one idea."""
    for path in _modules():
        relative = path.relative_to(PACKAGE).as_posix()
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 460, f"{relative}: {lines} lines"
