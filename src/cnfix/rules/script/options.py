"""The options of the ``mixed-script`` rule: the scripts ``--to`` may name, and their check.

The CLI and ``[tool.cnfix] to`` import them from here, so that a value is known and
normalised in one place.
"""

from __future__ import annotations

HANS, HANT = "hans", "hant"
SCRIPT_NAMES = {HANS: "Simplified", HANT: "Traditional"}
STANDARD_NAMES = {"tw": "Taiwan", "hk": "Hong Kong", "opencc": "OpenCC"}

#: Values of ``--to`` / ``[tool.cnfix] to`` (``Settings.target_script``). ``auto``: unify
#: each text to its majority script; ``hans``: Simplified; ``hant``: Traditional in the
#: variant standard the text already uses (Taiwan 裡/為, Hong Kong, or OpenCC's 裏/爲);
#: ``tw`` / ``hk``: Traditional in that standard; ``twp`` / ``hkp``: the same, and that
#: region's vocabulary (OpenCC's TWPhrases / HKPhrases: 软件 → 軟體, 信息 → 資訊; only when
#: named, never by default); ``keep``: report only, never convert.
TARGET_SCRIPTS: tuple[str, ...] = ("auto", "hans", "hant", "tw", "hk", "twp", "hkp", "keep")
#: The vocabulary targets and the standard whose characters they write.
VOCABULARY_TARGETS = {"twp": "tw", "hkp": "hk"}


class TargetScriptError(ValueError):
    """A ``--to`` value that is not one of :data:`TARGET_SCRIPTS`."""


def validate_target_script(value: str) -> str:
    """``value`` normalised (lower case, trimmed) if it is a known target script.

    >>> validate_target_script(" HANT ")
    'hant'
    """
    normalised = value.strip().lower()
    if normalised not in TARGET_SCRIPTS:
        known = ", ".join(TARGET_SCRIPTS)
        raise TargetScriptError(f"unknown target script {value!r} (known: {known})")
    return normalised
