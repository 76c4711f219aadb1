"""The file-type table: which file holds which kind of document (``model.KINDS``).

The one place that knows file types. The kind decides what is prose (``cnfix.text.prose``),
a folder walk takes the files of the prose kinds, and ``--stdin-filename`` and the
pre-commit hooks follow the same table.
"""

from __future__ import annotations

import os

#: Suffixes of the prose formats: a folder walk takes these files (``include`` globs
#: add others).
KIND_BY_SUFFIX: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".rst": "text",
    ".srt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".csv": "table",
    ".tsv": "table",
    ".json": "json",
    ".jsonl": "json",
    ".html": "markup",
    ".htm": "markup",
    ".xhtml": "markup",
    ".xml": "markup",
    ".yaml": "yaml",
    ".yml": "yaml",
}

#: Suffixes of program text, build files and configuration: never edited.
CODE_SUFFIXES = frozenset(
    [
        ".py",
        ".pyi",
        ".pyw",
        ".pyx",
        ".ipynb",
        ".js",
        ".mjs",
        ".cjs",
        ".jsx",
        ".ts",
        ".mts",
        ".cts",
        ".tsx",
        ".vue",
        ".svelte",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".hh",
        ".hpp",
        ".hxx",
        ".m",
        ".mm",
        ".java",
        ".kt",
        ".kts",
        ".scala",
        ".groovy",
        ".gradle",
        ".go",
        ".rs",
        ".swift",
        ".cs",
        ".fs",
        ".vb",
        ".rb",
        ".php",
        ".pl",
        ".pm",
        ".lua",
        ".r",
        ".jl",
        ".dart",
        ".hs",
        ".ex",
        ".exs",
        ".erl",
        ".clj",
        ".el",
        ".vim",
        ".sql",
        ".sh",
        ".bash",
        ".zsh",
        ".fish",
        ".ksh",
        ".ps1",
        ".psm1",
        ".bat",
        ".cmd",
        ".awk",
        ".sed",
        ".tcl",
        ".asm",
        ".s",
        ".css",
        ".scss",
        ".sass",
        ".less",
        ".toml",
        ".ini",
        ".cfg",
        ".conf",
        ".properties",
        ".env",
        ".lock",
        ".mk",
        ".cmake",
        ".tf",
        ".proto",
        ".thrift",
        ".graphql",
        ".j2",
        ".jinja",
        ".tmpl",
        ".tpl",
        ".ejs",
        ".erb",
        ".twig",
        ".liquid",
        ".bib",
        ".tex",
    ]
)

#: File names (lower case) whose kind the suffix does not tell: build files, tool
#: configuration and site metadata (``key: value`` lines read by programs), and the
#: redirect maps of documentation sites.
KIND_BY_NAME: dict[str, str] = {
    **dict.fromkeys(
        [
            "makefile",
            "gnumakefile",
            "dockerfile",
            "containerfile",
            "cmakelists.txt",
            "rakefile",
            "gemfile",
            "jenkinsfile",
            "vagrantfile",
            "procfile",
            "build",
            "workspace",
            "sconstruct",
            "meson.build",
            "requirements.txt",
            "constraints.txt",
            "package.json",
            "package-lock.json",
            "tsconfig.json",
            "jsconfig.json",
            "composer.json",
            "deno.json",
            "mkdocs.yml",
            "mkdocs.yaml",
            "_config.yml",
            "_config.yaml",
            "book.json",
            "netlify.toml",
            "vercel.json",
            "manifest.json",
            "_metadata.yml",
            "_metadata.yaml",
            "metadata.yml",
            "metadata.yaml",
            "_wikihistory.json",
            "citation.cff",
            "pubspec.yaml",
            "docker-compose.yml",
            "docker-compose.yaml",
            ".pre-commit-config.yaml",
            ".pre-commit-hooks.yaml",
            ".gitlab-ci.yml",
            ".travis.yml",
        ],
        "code",
    ),
    **dict.fromkeys(("_redirects", "_redirects.txt", "redirects.txt"), "redirects"),
}


def kind_for_name(name: str | os.PathLike[str], text: str = "") -> str:
    """The kind of a file called ``name`` (a path or a bare name), ``text`` when neither
    its name nor its suffix is known; a script (``text`` starts with ``#!``) is ``code``.

    >>> kind_for_name("docs/index.md"), kind_for_name("CMakeLists.txt")
    ('markdown', 'code')
    >>> kind_for_name("bin/run", "#!/bin/sh"), kind_for_name("notes", "会议")
    ('code', 'text')
    """
    base = os.path.basename(name).lower()
    by_name = KIND_BY_NAME.get(base)
    if by_name is not None:
        return by_name
    suffix = os.path.splitext(base)[1]
    if suffix in CODE_SUFFIXES or (suffix not in KIND_BY_SUFFIX and text.startswith("#!")):
        return "code"
    return KIND_BY_SUFFIX.get(suffix, "text")
