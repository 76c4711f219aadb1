"""The register of a text: classical Chinese (文言, verse) or modern prose."""

from __future__ import annotations

import re

from cnfix.rules.script.state import CheckState
from cnfix.text.chars import count_han

#: Characters of modern written Chinese (particles, pronouns, measure words; Cantonese's
#: too) that classical text (文言, verse) hardly writes: 的 alone is some 4 % of modern prose.
MODERN_RE = re.compile("[的們们這这個个嗎吗呢吧您啊嘅咗喺佢哋]")
#: The particles of classical prose: some 4 % of 墨子, none in administrative text.
CLASSICAL_PARTICLES_RE = re.compile("[也矣焉哉兮乎曰]")
#: A clause of verse: 4, 5 or 7 Han characters between signs.
CLAUSE_RE = re.compile("[^，。？！；：、\n「」『』“”《》（）]+")
#: The signs that end a clause of verse.
SIGNS = tuple("，。？！；：、")
#: Below ``MODERN_SHARE`` of modern characters, a text is classical when its particles
#: reach ``PARTICLE_SHARE``, or when ``VERSE_SHARE`` of its clauses have the length of
#: verse (administrative text, also short of modern characters, has neither).
MODERN_SHARE, PARTICLE_SHARE, VERSE_SHARE = 0.01, 0.02, 0.6
#: Fewer Han characters than this do not tell.
CLASSICAL_MIN_HAN = 20


def classical(state: CheckState, text: str) -> bool:
    """True for classical Chinese (文言, verse): it is never modernised, so the characters
    valid in both scripts (余 "I", 几 "table", 后 "empress", 云 "to say") stay as written.

    >>> classical(CheckState(), "臣聞求木之長者，必固其根本；欲流之遠者，必浚其泉源。" * 2)
    True
    >>> classical(CheckState(), "床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。")
    True
    >>> classical(CheckState(), "本採購是否屬於共同供應契約之採購，依機關預算辦理，不另通知。")
    False
    >>> classical(CheckState(), "偏好設定\\n瀏覽記錄\\n已存密碼\\n網路選項\\n其他資料\\n視窗分頁")
    False
    """

    def judge() -> bool:
        modern = len(MODERN_RE.findall(text))
        # A text has no more Han characters than characters: modern text shows enough of
        # them against its length already, without counting its Han (a pass over them
        # all, several times the cost of this test on a MB of text).
        if modern >= MODERN_SHARE * len(text):
            return False
        han = count_han(text)
        if han < CLASSICAL_MIN_HAN or modern >= MODERN_SHARE * han:
            return False
        if len(CLASSICAL_PARTICLES_RE.findall(text)) >= PARTICLE_SHARE * han:
            return True
        clauses = [
            (count_han(match.group()), text.startswith(SIGNS, match.end()))
            for match in CLAUSE_RE.finditer(text)
        ]
        clauses = [(n, signed) for n, signed in clauses if n]
        # A clause of verse ends at a sign: a list of short lines (an interface's
        # strings: 偏好設定, 瀏覽記錄) is no verse.
        verse = sum(n in (4, 5, 7) and signed for n, signed in clauses)
        return len(clauses) >= 4 and verse >= VERSE_SHARE * len(clauses)

    return state.remembered("classical", text, judge)
