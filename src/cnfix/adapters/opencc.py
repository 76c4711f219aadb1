"""The OpenCC adapter: the only module that imports ``opencc``.

Everything the ``mixed-script`` rule needs from OpenCC goes through here: whole-text
conversion with one of the configurations we expose (:data:`CONFIGS`), and conversion
with OpenCC's *phrase dictionaries only*, which tells whether a phrase decides a
character (``干部`` → ``幹部``) or only the one-to-many character default would
(``干`` → ``幹``/``乾``/``干``). Converters are created lazily, once per configuration.

One policy lives here rather than in OpenCC's data:

* a small phrase table for a known gap of OpenCC's ``t2s``/``hk2s``: ``著`` as the aspect
  particle or in ``著力``-type words is ``着`` in Simplified (:func:`fix_zhe`).

Vocabulary conversion (``s2twp``, ``tw2sp``: 設備→裝置) is never used unless a caller names
that configuration explicitly; ``--to`` never does.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any

#: OpenCC configurations this layer exposes (``tests/test_opencc_cases.py`` runs OpenCC's
#: own test cases through every one). Simplified → Traditional: OpenCC standard, Taiwan,
#: Hong Kong; Traditional → Simplified from each standard; variant changes between standards.
CONFIGS: tuple[str, ...] = (
    "s2t",
    "s2tw",
    "s2hk",
    "t2s",
    "tw2s",
    "hk2s",
    "t2tw",
    "t2hk",
    "tw2t",
    "hk2t",
)

#: Traditional variant standards and the configurations that write them.
TO_TRADITIONAL = {"opencc": "s2t", "tw": "s2tw", "hk": "s2hk"}
TO_SIMPLIFIED = {"opencc": "t2s", "tw": "tw2s", "hk": "hk2s"}
BETWEEN_STANDARDS = {"tw": "t2tw", "hk": "t2hk"}
FROM_STANDARD = {"tw": "tw2t", "hk": "hk2t"}

#: Simplified → Taiwan/Hong Kong as OpenCC standard Traditional, then that standard's
#: variants: what OpenCC's own ``s2tw``/``s2hk`` do, but they each load the large phrase
#: dictionary again (~0.1 s apiece), so one ``s2t`` serves all three.
#: ``tests/test_opencc_cases.py`` checks the chain gives OpenCC's configuration's output.
_CHAINED = {"s2tw": ("s2t", "t2tw"), "s2hk": ("s2t", "t2hk")}

#: Configurations whose output is Simplified and that leave ``著`` alone (``tw2s`` has
#: its own 著/着 phrases in OpenCC's TWVariantsRevPhrases).
_ZHE_GAP_CONFIGS = frozenset({"t2s", "hk2s"})


# -- the 著 → 着 gap ------------------------------------------------------------------------

#: Words right before ``著`` that make it the aspect particle (``有著`` ``蘊含著`` ``隨著``) or
#: the zhuó of ``穿著``/``執著``: Simplified writes ``着``. Spelled in Simplified, because the
#: table is applied to the converted text; a longer word is listed where its last character
#: alone would be ambiguous (``发生著``, not ``生著``: ``先生著`` is "written by Mr …").
_ZHE_AFTER_WORDS = (
    "有|含|带|看|随|接|跟|向|对|朝|沿|凭|借|靠|本|味|存在|发生|进行|等|想|说|做|走|听|写|坐|站|"
    "活|忙|笑|闪|充满|保持|承载|扮演|推动|影响|面临|经历|代表|预示|标志|穿|衣|执|沉|睡|盯|望|"
    "抱|挂|围|绕|伴|陪|戴|握|躺|留|记|怀|坚持|持续|流|飘|响|亮|燃"
)
#: Words that ``著`` starts where Simplified writes ``着`` (``著力`` ``著眼`` ``著手``).
_ZHE_BEFORE_CHARS = "力眼手重陆想急迷落实装色凉火地魔意墨笔"
#: ``著`` read zhù (名著, 著名, 著作): never changed, even after a word of the list above.
_ZHU_FOLLOWERS = "名作称述录书者"

_ZHE_WORDS = tuple(_ZHE_AFTER_WORDS.split("|"))


def zhe_positions(text: str) -> list[int]:
    """Offsets of ``著`` that Simplified writes ``着``, by the phrase table above.

    Each ``著`` is found with ``str.find`` and judged by its neighbours: a word of the
    list right before it (and no zhù follower after it), or a zhuó follower after it.
    (A regex alternation of the words was tried at every position: 7 MB/s.)

    >>> zhe_positions("有著 著力 著名 显著 有著名")
    [1, 3]
    """
    found = []
    position = text.find("著")
    while position != -1:
        after = text[position + 1 : position + 2]
        if (
            (not after or after not in _ZHU_FOLLOWERS) and text.endswith(_ZHE_WORDS, 0, position)
        ) or (after and after in _ZHE_BEFORE_CHARS):
            found.append(position)
        position = text.find("著", position + 1)
    return found


def fix_zhe(text: str) -> str:
    """Close OpenCC's t2s gap: ``著`` → ``着`` where the phrase table says so.

    >>> fix_zhe("有著 著力 蕴含著 著名 显著 名著")
    '有着 着力 蕴含着 著名 显著 名著'
    """
    positions = zhe_positions(text)
    if not positions:
        return text
    chars = list(text)
    for position in positions:
        chars[position] = "着"
    return "".join(chars)


# -- converters ----------------------------------------------------------------------------


def _opencc() -> Any:
    import opencc  # lazily: only when something is converted

    return opencc


@functools.cache
def _converter(config: str) -> Any:
    return _opencc().OpenCC(config)


#: Phrase-only configurations: the phrase dictionaries of a direction, no characters.
_PHRASE_DICTS = {
    "st": ("STPhrases.ocd2", "STPhrases_GeneratedFromRegionalPhrases.ocd2"),
    "ts": ("TSPhrases.ocd2",),
    # regional vocabulary, OpenCC-standard Traditional in and out (軟件 → 軟體)
    "tw": ("TWPhrases.ocd2",),
    "hk": ("HKPhrases.ocd2",),
}


@functools.cache
def _phrase_converter(direction: str) -> Any:
    opencc = _opencc()
    share = os.path.join(os.path.dirname(opencc.__file__), "clib", "share", "opencc")
    dicts = [
        {"type": "ocd2", "file": os.path.join(share, name)} for name in _PHRASE_DICTS[direction]
    ]
    config = {
        "name": f"cnfix {direction} phrases only",
        "conversion_chain": [{"dict": {"type": "group", "match_policy": "union", "dicts": dicts}}],
    }
    import tempfile  # only when OpenCC is configured: keeps start-up fast

    handle, path = tempfile.mkstemp(suffix=".json", prefix="cnfix-opencc-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(config, file)
        return opencc.OpenCC(path)
    finally:
        os.unlink(path)


def convert(text: str, config: str) -> str:
    """``text`` through the OpenCC configuration ``config`` (one of :data:`CONFIGS`).

    Output into Simplified from the OpenCC and Hong Kong standards also gets
    :func:`fix_zhe`. Any other OpenCC configuration name (``s2twp`` …) is passed through
    unchanged: vocabulary conversion happens only when asked for by name.
    """
    if not text:
        return text
    converted: str = text
    for step in _CHAINED.get(config, (config,)):
        converted = _converter(step).convert(converted)
    if config in _ZHE_GAP_CONFIGS:
        converted = fix_zhe(converted)
    return converted


def convert_phrases(text: str, direction: str) -> str:
    """``text`` through OpenCC's phrase dictionaries only (``"st"``, ``"ts"``, or the
    regional vocabulary ``"tw"`` / ``"hk"``).

    Characters that no phrase covers come out unchanged, so a changed character is one
    that a phrase decides: ``若干部分`` stays (若干 is a phrase), ``紅安干部`` → ``紅安幹部``.
    """
    if not text:
        return text
    converted: str = _phrase_converter(direction).convert(text)
    return converted
