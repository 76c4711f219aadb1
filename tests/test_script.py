"""The mixed-script rule (S001) and the conversion layer behind ``--to``."""

from __future__ import annotations

import lzma
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, SEEDS, run_cnfix
from hypothesis import given
from hypothesis import strategies as st

from cnfix import Applicability, Settings, repair_text, scan_text
from cnfix.adapters.opencc import convert, fix_zhe
from cnfix.model import Document
from cnfix.rules.script import check_mixed_script
from cnfix.rules.script.charclass import CharClass
from cnfix.rules.script.judge import judge
from cnfix.rules.script.options import (
    HANS,
    HANT,
    TARGET_SCRIPTS,
    TargetScriptError,
    validate_target_script,
)
from cnfix.rules.script.probes import word_remnants
from cnfix.rules.script.regional import own_form_remnants
from cnfix.rules.script.standards import standard_of
from cnfix.rules.script.state import CheckState
from cnfix.rules.script.tables import tables, usage, word_forms
from cnfix.rules.script.units import LONG_TEXT, units
from cnfix.rules.script.view import without_glosses
from cnfix.text.chars import count_han

RULE = ["mixed-script"]


def scan(text: str, to: str = "auto") -> list:
    return scan_text(text, select=RULE, settings=Settings(target_script=to))


def repair(text: str, to: str = "auto", *, unsafe: bool = False) -> str:
    settings = Settings(target_script=to)
    return repair_text(text, select=RULE, settings=settings, unsafe_fixes=unsafe).text


# -- tables ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chars", "kind"),
    [
        ("们这并发恒为", "simplified"),
        ("們這並為爲裡裏喫羣於後"[:9], "traditional"),
        ("干于里后台面周吃群斗范余岳征着著人", "shared"),
    ],
)
def test_classification_comes_from_opencc(chars: str, kind: str) -> None:
    t = tables()
    for char in chars:
        in_s, in_t = char in t.simplified_only, char in t.traditional_only
        assert (in_s, in_t) == (kind == "simplified", kind == "traditional"), char


def test_data_file_names_its_source_and_licence() -> None:
    path = Path(__file__).parent.parent / "src" / "cnfix" / "data" / "script_tables.txt"
    header = "".join(line for line in path.read_text("utf-8").splitlines(True)[:4])
    assert "OpenCC" in header and "Apache" in header and "gen_script_tables.py" in header


@pytest.mark.parametrize("name", ["script_words.txt", "script_word_list.txt"])
def test_word_tables_name_cc_cedict_and_its_licence(name: str) -> None:
    path = Path(__file__).parent.parent / "src" / "cnfix" / "data" / name
    header = "".join(line for line in path.read_text("utf-8").splitlines(True)[:8])
    assert "CC-CEDICT" in header and "MDBG" in header and "CC BY-SA 4.0" in header
    assert "gen_script_words.py" in header
    assert path.stat().st_size < 300_000


@pytest.mark.parametrize(
    ("text", "position", "forms"),
    [
        ("一个人", 1, {"個"}),  # 個人
        ("合并且", 1, {"併", "並"}),  # 合併, 並且: undecided
        ("皇后", 1, {"后"}),
        ("以后", 1, {"後"}),
        ("以後", 1, {"後"}),  # read as Simplified either way
        ("關系之", 1, {"係"}),  # 關系 (a "variant of" entry) does not count
        ("到了解", 1, {"了", "瞭"}),
        ("岳勇", 0, set()),  # no word
    ],
)
def test_word_forms_from_cc_cedict(text: str, position: int, forms: set[str]) -> None:
    assert word_forms(text, position) == forms


def test_word_remnants_need_every_word_to_agree() -> None:
    assert word_remnants(CheckState(), "我們以后再談") == [3]
    assert (
        word_remnants(CheckState(), "皇后的寶座，皇后面前") == []
    )  # 皇后 keeps it, 后面 would not
    assert word_remnants(CheckState(), "這位客户的帳戶") == [3]  # Taiwan text: 客戶
    assert word_remnants(CheckState(), "呢位客户嘅説明同税務") == []  # Hong Kong text writes 客户
    assert word_remnants(CheckState(), "增加了3万人") == [4]  # a numeral before 万


def test_standard_of_a_traditional_text() -> None:
    assert standard_of(CheckState(), "為了這裡的眾人") == "tw"
    assert standard_of(CheckState(), "爲了這裏的衆人") == "opencc"
    assert standard_of(CheckState(), "為了這説明的税") == "hk"


# -- the --to setting -----------------------------------------------------------------------


def test_target_scripts_validated_in_one_place() -> None:
    assert TARGET_SCRIPTS == ("auto", "hans", "hant", "tw", "hk", "twp", "hkp", "keep")
    assert validate_target_script(" HK ") == "hk"
    with pytest.raises(TargetScriptError, match="known: auto, hans"):
        validate_target_script("s2twp")
    with pytest.raises(ValueError):
        scan("这是们", to="zh-cn")


# -- detection ------------------------------------------------------------------------------

TRADITIONAL = "醫院召開理論學習會議，全體同仁參加。會議強調，要發揮黨員的帶頭作用，做好各項工作。"


@pytest.mark.parametrize(
    ("remnant", "expected"),
    [
        ("全體中層干部參加", "幹"),
        ("發揮示范作用", "範"),
        ("在艱苦奮斗中成長", "鬥"),
        ("談到關于人才", "於"),
        ("今后一個時期", "後"),
        ("持之以恒", "恆"),
    ],
)
def test_simplified_remnants_in_traditional_text(remnant: str, expected: str) -> None:
    text = TRADITIONAL + remnant + "。並且" + remnant + "。"
    findings = scan(text)
    assert len(findings) == 2
    assert all("Simplified" in f.message and "Traditional text" in f.message for f in findings)
    assert all(f.fix and f.fix.edits[0].replacement == expected for f in findings)


@pytest.mark.parametrize(
    "legit",
    [
        "邁向新征程",
        "岳勇組長",
        "余杭區",
        "受到干擾",
        "若干部分",
        "台灣的夥伴",
        "安南區 保社里萬金路",
        "詩人余光中",  # CC-CEDICT has 餘光, OpenCC's phrases the poet
        "皇后與太后",
        "后羿射日",
    ],
)
def test_false_remnants_are_left_alone(legit: str) -> None:
    text = TRADITIONAL + legit + "。" + legit + "。"
    assert scan(text) == []


@pytest.mark.parametrize(
    ("remnant", "expected"),
    [
        ("我們以后再談", "我們以後再談"),
        ("這是一个好人", "這是一個好人"),  # 個人: a word of CC-CEDICT decides
        ("共有6个國家", "共有6個國家"),  # a numeral before the measure word
        ("臺灣、臺北服務客户", "臺灣、臺北服務客戶"),  # 臺 ×2: not Hong Kong (客户)
    ],
)
def test_words_decide_one_to_many_characters_safely(remnant: str, expected: str) -> None:
    text = TRADITIONAL + remnant + "。全體中層干部出席。"
    assert repair(text) == TRADITIONAL + expected + "。全體中層幹部出席。"


#: Makes a Traditional text mixed (two safe fixes: 幹部, 恆).
MIXED, MIXED_FIXED = "。全體中層干部出席，持之以恒。", "。全體中層幹部出席，持之以恆。"


def _finding_at(text: str, char: str) -> object:
    at = text.index(char)
    found = [f for f in scan(text) if f.start <= at < f.end]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("remnant", "fixed"),
    [
        ("協定生效后，紐西蘭", "協定生效後，紐西蘭"),
        ("總統于致詞中表示", "總統於致詞中表示"),
        ("他于2012年", "他於2012年"),
        ("核四厂的安全", "核四廠的安全"),
    ],
)
def test_prose_remnants_are_safe_in_mixed_text(remnant: str, fixed: str) -> None:
    # Mixed by 干部 and 恒: 后 于 厂, which modern Traditional prose writes only as remnants
    # (data/script_usage.txt), are converted where no word keeps them and no name reads.
    text = TRADITIONAL + remnant + MIXED
    finding = _finding_at(text, remnant[[c in "后于厂" for c in remnant].index(True)])
    assert finding.fix.applicability is Applicability.SAFE
    assert repair(text) == TRADITIONAL + fixed + MIXED_FIXED


def test_prose_remnants_stay_in_classical_text() -> None:
    # 后 is the empress, 于 "at": classical text is never modernised, even when mixed.
    text = (
        "臣聞后妃之德，樂得淑女以配君子，憂在進賢，不淫其色也。魯人于是乎作歌焉，其辭曰乐兮乐兮。"
    )
    assert all(text[f.start] not in "后于" for f in scan(text))


@pytest.mark.parametrize(
    ("remnant", "fixed", "candidates"),
    [
        ("在運算式 里進行", "在運算式 裡進行", "裡/里"),
        ("呼叫物件里的方法", "呼叫物件裡的方法", "裡/里"),
    ],
)
def test_characters_no_word_decides_need_review_in_mixed_text(
    remnant: str, fixed: str, candidates: str
) -> None:
    # Mixed by 干部 and 恒 (safe fixes); the character itself decides nothing: a review.
    text = TRADITIONAL + remnant + MIXED
    finding = _finding_at(text, "里")
    assert finding.fix.applicability is Applicability.UNSAFE
    assert f"needs review: {candidates}" in finding.message
    assert repair(text) == TRADITIONAL + remnant + MIXED_FIXED
    assert repair(text, unsafe=True) == TRADITIONAL + fixed + MIXED_FIXED


@pytest.mark.parametrize(
    "legit",
    [
        "皇后與太后出席",  # CC-CEDICT words keep 后
        "影后頒獎",
        "教授林月雲與于卓民，",  # 于 as a surname before a given name
        "于右任先生的書法",  # OpenCC's phrase (a name) keeps it
        "佛里曼（Thomas）",  # a transliteration: 里 between Han characters
        "余杭的余先生",  # the place, and the surname
        "新征程",
        "干擾",
        "岳勇",
    ],
)
def test_kept_words_and_names_stay_in_mixed_text(legit: str) -> None:
    text = TRADITIONAL + legit + MIXED
    assert repair(text, unsafe=True) == TRADITIONAL + legit + MIXED_FIXED


def test_characters_no_word_decides_never_make_a_text_mixed() -> None:
    # Taiwan text does write 于 (a surname) and 后 alone: without another remnant, nothing.
    text = TRADITIONAL + "總統于致詞中表示，協定生效后，物件里的方法。"
    assert scan(text) == []


def test_a_numeral_decides_yu_as_more_than() -> None:
    text = TRADITIONAL + "動員20余國代表" + MIXED
    assert repair(text) == TRADITIONAL + "動員20餘國代表" + MIXED_FIXED


def test_phrase_and_words_that_disagree_need_review() -> None:
    # OpenCC's phrases give 曆年 and 更復; CC-CEDICT also has 歷年 and 複雜: a review.
    text = TRADITIONAL + "我國历年均派遣，變得更复雜" + MIXED
    for char, candidates in (("历", "曆/歷"), ("复", "複/復")):  # the words agree on 複
        finding = _finding_at(text, char)
        assert finding.fix.applicability is Applicability.UNSAFE
        assert f"needs review: {candidates}" in finding.message


def test_the_text_s_own_form_decides_between_standards() -> None:
    remnant = "確为公務使用" + MIXED
    # The text writes 為 (Taiwan, Hong Kong) elsewhere, or 爲 (OpenCC's): that one.
    for written in ("為", "爲"):
        text = TRADITIONAL + f"因{written}如此，" + remnant
        assert repair(text) == TRADITIONAL + f"因{written}如此，確{written}公務使用" + MIXED_FIXED
    # Neither: the text's standard's form (Taiwan on a tie); a variant is no ambiguity.
    text = TRADITIONAL + remnant
    finding = _finding_at(text, "为")
    assert finding.fix.applicability is Applicability.SAFE
    assert finding.fix.edits[0].replacement == "為"


def test_the_text_s_own_spelling_of_a_word_decides() -> None:
    # OpenCC writes 计划 as 計劃; TSPhrases knows Taiwan's 計畫 as well.
    remnant = "這項計划明年完成。全體中層干部出席。"
    fixed = "明年完成。全體中層幹部出席。"
    assert repair(TRADITIONAL + "本計畫由政府推動，" + remnant).endswith("這項計畫" + fixed)
    assert repair(TRADITIONAL + "本計劃由政府推動，" + remnant).endswith("這項計劃" + fixed)
    # Neither spelling elsewhere: Taiwan's (data/script_usage.txt), not OpenCC's 計劃.
    assert repair(TRADITIONAL + remnant).endswith("這項計畫" + fixed)
    both = "本計畫與計劃不同，"  # the text writes both: OpenCC's spelling
    assert repair(TRADITIONAL + both + remnant).endswith("這項計劃" + fixed)


def test_weak_characters_stay_a_review_unless_the_text_spells_a_recorded_variant() -> None:
    # 公布 is the Taiwan standard (an accepted word, data/script_usage.txt): never changed.
    # 關系 is recorded by CC-CEDICT as a variant of 關係: safe, unless another word reads
    # 系 (相關系統: 系統).
    text = TRADITIONAL + "政府公布了兩岸關系的報告與相關系統。中層干部出席，持之以恒。"
    fixed = TRADITIONAL + "政府公布了兩岸關係的報告與相關系統。中層幹部出席，持之以恆。"
    assert repair(text) == fixed
    assert "公布" in repair(text, unsafe=True)


def test_one_to_many_without_a_phrase_needs_review() -> None:
    # 复: 復, 複 and 覆 are all common; 并: 並 is 16 times as frequent as 併, whose words
    # (合併) are OpenCC phrases, and 幷 is a variant: the default decides, safely.
    text = TRADITIONAL + "主持會議并講話，公司回复本會。全體中層干部出席。"
    findings = {f.message.split()[1]: f for f in scan(text)}
    assert findings["复"].fix.applicability is Applicability.UNSAFE
    assert "needs review: 覆/復/複" in findings["复"].message  # 回覆: OpenCC's, first
    assert findings["并"].fix.applicability is Applicability.SAFE
    assert findings["干"].fix.applicability is Applicability.SAFE


def test_a_named_script_leaves_no_character_of_the_other() -> None:
    # --to hant: the uncertain 复 is converted to the best candidate in context, and listed.
    text = TRADITIONAL + "主持會議并講話，公司回复本會。全體中層干部出席。"
    finding = next(f for f in scan(text, "hant") if text[f.start] == "复")
    assert finding.fix.applicability is Applicability.SAFE
    assert "uncertain, review: 覆/復/複" in finding.message
    assert not tables().simplified_only.search(repair(text, "hant"))


def test_traditional_remnants_in_simplified_text() -> None:
    text = "我们在这个项目里使用了新的构建工具，它們带来了明显的变化，文档中有著详细的说明。"
    assert repair(text) == text.replace("們", "们").replace("有著", "有着")


def test_single_character_needs_a_clear_majority() -> None:
    assert len(scan(TRADITIONAL + "這裡的说明。")) == 1
    assert scan("說明说明") == []  # one each: no majority
    assert scan(TRADITIONAL + "社里") == []  # a lone phrase hit is not enough


def test_finding_gives_majority_ratio_and_every_position() -> None:
    text = TRADITIONAL + "們" * 0 + "干部示范。全體干部。"
    findings = scan(text)
    assert [text[f.start : f.end] for f in findings] == ["干", "范", "干"]
    assert all("Traditional text (" in f.message and "%" in f.message for f in findings)


def test_japanese_is_not_judged() -> None:
    text = "東京の会議では新しい技術について議論しました。學習と学习が混在しています。"
    assert scan(text) == []


def test_romanisation_glosses_are_looked_through() -> None:
    view, index = without_glosses("規(guī)范性")
    assert view == "規范性" and index == [0, 6, 7]
    findings = scan(TRADITIONAL + "堅持規(guī)范管理，發揮模范作用。")
    assert [f.message.split()[1] for f in findings] == ["范", "范"]


def test_json_records_that_clearly_differ_are_judged_apart() -> None:
    simplified = '{"t": "这是我们的简体中文记录"}\n'
    traditional = '{"t": "這是我們的繁體中文記錄"}\n'
    text = (simplified + traditional) * 2
    assert list(check_mixed_script(Document(text, kind="json"))) == []
    assert scan(text)  # as one plain text, the two scripts are mixed


def test_json_file_is_one_decision_otherwise() -> None:
    # A record with one Simplified character in a Traditional file follows the file: on
    # its own it would be a Simplified record (关 against 這).
    records = ['{"t": "這是我們的繁體中文記錄，內容很長。"}\n'] * 20 + ['{"t": "关于這"}\n']
    findings = list(check_mixed_script(Document("".join(records), kind="json")))
    assert [f.fix.edits[0].replacement for f in findings] == ["關於"]


def test_long_text_is_judged_in_paragraph_blocks() -> None:
    paragraph_s = "这是一个简体中文段落，我们在这里写了很多内容。" * 20
    paragraph_t = "這是一個繁體中文段落，我們在這裡寫了很多內容。" * 20
    text = "\n\n".join([paragraph_s] * 25 + [paragraph_t] * 25)
    assert len(text) > LONG_TEXT
    spans = units(Document(text), CheckState())
    assert len(spans) == 2 and text[spans[1][0] :].startswith(paragraph_t)
    assert scan(text) == []
    remnant = text.replace("我們在這裡", "我們在这里", 30)  # remnants stay in their section
    assert len(units(Document(remnant), CheckState())) == 2
    assert len(scan(remnant)) == 30
    assert repair(remnant) == text


def test_paragraph_split_by_search_matches_counting_every_paragraph() -> None:
    """units() counts only the paragraphs a search points at: the same runs (and the same
    "has this script at all" answers) as counting every paragraph."""
    from cnfix.rules.script.units import (
        _all_paragraphs,
        _deciding_paragraphs,
        _finder,
        _paragraph_runs,
    )

    t = tables()
    astral = [*sorted(t.simplified_only.astral)[:2], *sorted(t.traditional_only.astral)[:2]]
    pieces = ["这是们", "這是們", "abc", "", "這們这", "们們", "\u3000", "晒", "😀", " ", "\n"]
    pieces += astral
    separators = ["\n\n", "\n \n", "\n\n\n", "\n", " \n\u3000\n \n"]
    rng = random.Random(5)
    for _ in range(3000):
        text = rng.choice(["", "\n\n", "\n"])
        for _ in range(rng.randint(1, 12)):
            text += "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
            text += rng.choice(separators)
        finders = {HANS: _finder(text, t.simplified_only), HANT: _finder(text, t.traditional_only)}
        searched = _paragraph_runs(len(text), _deciding_paragraphs(text, finders))
        assert searched == _paragraph_runs(len(text), _all_paragraphs(text)), repr(text)


def test_char_class_find_includes_supplementary_members() -> None:
    t = tables()
    member = sorted(t.simplified_only.astral)[0]
    text = "abc😀這" + member + "们"
    assert t.simplified_only.find(text) == 5
    assert t.simplified_only.find(text, 6) == 6
    assert t.simplified_only.find("😀abc") is None


# -- repair ---------------------------------------------------------------------------------


def test_auto_changes_only_the_minority() -> None:
    text = TRADITIONAL + "全體中層干部參加，發揮示范作用，在奮斗中成長。"
    out = repair(text)
    changed = [(a, b) for a, b in zip(text, out, strict=True) if a != b]
    assert changed == [("干", "幹"), ("范", "範"), ("斗", "鬥")]


def test_to_hans_and_hant_convert_the_whole_text() -> None:
    traditional = "這是一篇以繁體中文寫成的短文，內容關於軟體開發與團隊合作。"
    simplified = "这是一篇以简体中文写成的短文，内容关于软件开发与团队合作，我们使用的设备很新。"
    assert (
        repair(traditional, "hans") == "这是一篇以繁体中文写成的短文，内容关于软体开发与团队合作。"
    )
    # Characters, not vocabulary: 设备 is 設備 (s2twp would say 裝置), 软件 is 軟件.
    assert repair(simplified, "hant") == (
        "這是一篇以簡體中文寫成的短文，內容關於軟件開發與團隊合作，我們使用的設備很新。"
    )
    assert repair(simplified, "hans") == simplified
    assert repair(traditional, "hant") == traditional


def test_hant_keeps_the_standard_the_text_uses() -> None:
    taiwan = "我們為了這裡的眾人，大家都吃得很開心，群組裡有" + "们" * 2 + "的說明。"
    hong_kong_style = "我們爲了這裏的衆人，大家都喫得很開心，" + "们" * 2 + "的說明。"
    assert repair(taiwan, "hant") == taiwan.replace("们", "們")
    assert repair(hong_kong_style, "hant") == hong_kong_style.replace("们", "們")
    assert repair(hong_kong_style, "tw") == "我們為了這裡的眾人，大家都吃得很開心，們們的說明。"
    assert "裏" in repair(taiwan, "hk")


def test_hk_keeps_the_hong_kong_forms_the_text_writes() -> None:
    """OpenCC's Hong Kong standard writes 搵 溫 稅 as Simplified does (揾 温 税); Hong Kong
    text writes both, so ``--to hk`` keeps the form the text writes. A form of another
    standard (Taiwan's 裡) still becomes Hong Kong's (裏), and Simplified text still gets
    OpenCC's Hong Kong forms."""
    written = "我想搵份工，天氣好溫暖，要交稅。呢度係裡面。"
    assert repair(written, "hk") == written.replace("裡", "裏")
    assert repair("我想揾份工，天气好温暖，要交税。", "hk") == "我想揾份工，天氣好温暖，要交税。"


def test_a_named_standard_converges_and_keeps_accepted_forms() -> None:
    """``--to hk`` on Taiwan text: Taiwan's word list (户 → 戶) is not asked when another
    standard is named, so the repair no longer swings between 戶 and 户 until it gives up;
    ``--to tw`` converts Hong Kong's 濕 and 綫 but keeps 台, which Taiwan writes (臺 too)."""
    taiwan = "本公司代收款專户的資料，已於今日更新，客户可以上網查詢。這項計划預計明年完成。"
    assert repair(taiwan, "hk") == taiwan.replace("划", "劃")
    assert repair("濕的露台和灶台，電視台也在這裏。", "tw") == "溼的露台和灶台，電視台也在這裡。"
    assert repair("有線新聞 無綫新聞 無綫新聞台", "tw") == "有線新聞 無線新聞 無線新聞台"


def test_the_named_standards_phrase_is_final() -> None:
    """OpenCC's Hong Kong phrases write 隨着 where CC-CEDICT's word is 隨著: ``--to hk`` no
    longer turns 着 into 著 as a remnant and back as a variant until it gives up; the Hong
    Kong form, written or converted to, stays. Taiwan's standard still writes 著 (to review)."""
    text = (
        "本公司代收款專户的資料，已於今日更新，客户可以上網查詢。這項計划預計明年完成，"
        "屆時將提供諮詢服務。寫程式時要注意回圈的條件，隨着需求改變而調整。"
    )
    assert repair(text, "hk", unsafe=True) == text.replace("划", "劃").replace("回", "迴")
    assert repair(text + "這意味著", "hk") == text.replace("划", "劃") + "這意味着"
    assert "隨著" in repair(text, "tw", unsafe=True)


def test_hong_kong_remnants_take_the_form_hong_kong_text_writes() -> None:
    """Hong Kong text writes 說 and 衛 (OpenCC's Hong Kong standard: 説 衞): a remnant in a
    Hong Kong text that writes neither form is restored as Hong Kong text writes it; a text
    that writes 説 keeps its own form (and 衛 still, which it does not write as 衞), and a
    named standard (``--to hk``) gets OpenCC's."""
    text = (
        "我哋今日去咗睇戲，呢套戲講港口卫生署嘅職員，我哋都好鍾意。佢仲说下次再嚟，大家都好開心。"
    )
    assert repair(text) == text.replace("卫", "衛").replace("说", "說")
    assert repair(text, "hk") == text.replace("卫", "衞").replace("说", "説")
    own = text.replace("大家都好開心", "佢頭先都係咁説")
    assert repair(own) == own.replace("卫", "衛").replace("说", "説")
    for form in usage().hong_kong_as_taiwan:  # each a Hong Kong form Taiwan writes otherwise
        assert convert(convert(form, "hk2t"), "t2tw") != form


def test_keep_reports_without_fixes() -> None:
    findings = scan(TRADITIONAL + "全體干部發揮示范作用。", to="keep")
    assert findings and all(f.fix is None for f in findings)


def test_zhe_gap_closed_by_our_phrase_table() -> None:
    assert fix_zhe("有著 著力 蕴含著 随著 著名 显著 名著 有著名的") == (
        "有着 着力 蕴含着 随着 著名 显著 名著 有著名的"
    )
    assert convert("蘊含著巨大的能量，要著力推動", "t2s") == "蕴含着巨大的能量，要着力推动"
    assert convert("魯迅的名著", "t2s") == "鲁迅的名著"


def test_opencc_is_imported_lazily() -> None:
    code = (
        "import sys, cnfix\n"
        "cnfix.scan_text('這是一段乾淨的繁體中文，我們在這裡說明。')\n"
        "cnfix.scan_text('这是一段干净的简体中文，我们在这里说明。')\n"
        "print('opencc' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# -- seeds and corpus -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    copy = tmp_path_factory.mktemp("seeds")
    texts = {}
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, copy / path.name)
        texts[path.name[:3]] = (copy / path.name).read_bytes().decode("utf-8", "replace")
    return texts


@pytest.mark.parametrize("seed", ["000", "001", "002", "003"])
def test_damaged_seeds_are_mixed_with_traditional_majority(
    seed_texts: dict[str, str], seed: str
) -> None:
    text = seed_texts[seed]
    verdict = judge(CheckState(), text)
    assert verdict is not None and verdict.majority == HANT and verdict.mixed
    assert verdict.share > 0.95
    findings = scan(text)
    assert len(findings) >= 5
    assert all("in Traditional text" in f.message for f in findings)


def test_simplified_seed_is_not_reported(seed_texts: dict[str, str]) -> None:
    text = seed_texts["004"]
    verdict = judge(CheckState(), text)
    assert verdict is not None and verdict.majority == HANS and not verdict.mixed
    assert scan(text) == []


@pytest.mark.parametrize("seed", ["000", "001", "002", "003"])
def test_auto_on_seeds_changes_only_minority_characters(
    seed_texts: dict[str, str], seed: str
) -> None:
    text = seed_texts[seed]
    t = tables()
    out = repair(text, unsafe=True)
    assert len(out) == len(text)
    changed = [i for i, (a, b) in enumerate(zip(text, out, strict=True)) if a != b]
    assert changed
    for i in changed:
        assert text[i] not in t.traditional_only  # only Simplified-looking characters moved
        assert out[i] not in t.simplified_only  # and they became Traditional
    reported = {i for f in scan(text) for i in range(f.start, f.end)}
    assert set(changed) <= reported  # everything else is byte-identical
    assert len(changed) < 0.02 * count_han(text)


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_to_hans_leaves_no_traditional_only_character(
    seed_texts: dict[str, str], seed: str
) -> None:
    out = repair(seed_texts[seed], "hans")
    assert not tables().traditional_only.search(out)


def _clean_corpus() -> list[Path]:
    return [
        path
        for path in sorted(CORPUS.glob("*/*.txt"))
        if len(path.read_text(encoding="utf-8")) >= 200
    ]


def test_clean_corpus_has_no_finding_and_no_change() -> None:
    paths = _clean_corpus()
    assert len(paths) >= 350
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert scan(text) == [], path.name
        assert repair(text) == text, path.name


@pytest.mark.parametrize("script", ["hans", "hant"])
def test_clean_corpus_is_byte_identical_in_its_own_script(script: str) -> None:
    for path in sorted((CORPUS / script).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert repair(text, script) == text, path.name


# -- properties -----------------------------------------------------------------------------

MIXED_ALPHABET = "們们這这干幹部示范範並并說说爲為裏裡里台於于後后著着的是一，。 \nabc(ī)"


@given(st.text(alphabet=MIXED_ALPHABET, max_size=80))
def test_repair_never_raises_and_is_idempotent(text: str) -> None:
    for to in ("auto", "hans", "hant", "tw", "hk"):
        once = repair(text, to, unsafe=True)
        assert repair(once, to, unsafe=True) == once
        assert count_han(once) == count_han(text)


def test_char_class_python_path_matches_the_pattern() -> None:
    """Short runs look characters up in Python instead of compiling the big classes:
    same answers as the compiled classes."""
    from cnfix.rules.script import charclass

    t = tables()
    paths = [*sorted(SEEDS.glob("*.txt")), *sorted(CORPUS.glob("*/000*.txt"))]
    texts = [path.read_text(encoding="utf-8") for path in paths] + ["", "们們𠀀", "abc"]
    for table in (t.simplified_only, t.traditional_only):
        chars = "".join(table.chars)
        python, compiled = CharClass(chars), CharClass(chars)
        compiled.compiled = True
        for text in texts:
            python.compiled = False  # the Python path, whatever is left of the budget
            charclass._PYTHON_SCANS.scanned = 0
            python_answers = (python.search(text), python.count(text), python.positions(text))
            assert not python.compiled
            python.compiled = True
            assert python_answers == (
                compiled.search(text),
                compiled.count(text),
                compiled.positions(text),
            )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "size"), [("classical", 1_000_000), ("taiwan", 1_000_000), ("hong_kong", 1_000_000)]
)
def test_clean_sets_are_never_changed(name: str, size: int) -> None:
    """1.3 MB of classical text (verse, philosophy, history: 余 "I", 后 "empress", glyph
    variants 内 将), 1.2 MB of Taiwan press releases and 1.01 MB of Hong Kong text (speech
    transcribed in Hong Kong's forms: 着 裏 吓 系; Notepad++ in Cantonese; Firefox and 14
    Android apps as translated for Hong Kong: 打印機, 連綫, 㩒): no finding, nothing changed."""
    path = Path(__file__).parent / "data" / "script_clean" / f"{name}.txt.xz"
    text = lzma.decompress(path.read_bytes()).decode("utf-8")
    assert len(text.encode("utf-8")) > size
    assert scan(text) == []
    assert repair(text, unsafe=True) == text


def test_to_hant_leaves_no_simplified_only_character_in_the_seeds() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_bytes().decode("utf-8", "replace")
        assert not tables().simplified_only.search(repair(text, "hant")), path.name


def test_regional_vocabulary_only_when_named() -> None:
    text = "这个软件的信息保存在内存里，请用鼠标点击。我們也會這樣做。"
    assert "軟件的信息" in repair(text, "tw")
    assert "軟體的資訊" in repair(text, "twp")
    assert "滑鼠" in repair(text, "hkp") and "軟件" in repair(text, "hkp")
    traditional = TRADITIONAL + "這個軟件的信息很重要。"
    assert repair(traditional) == traditional
    assert repair(traditional, "hant") == traditional


# -- issue 16, second round ----------------------------------------------------------------


def test_placeholders_of_lost_data_are_never_converted() -> None:
    """烫烫烫 / 屯屯屯 / 锟斤拷 are GBK readings of filler bytes, not Simplified text: they
    neither make a Traditional text mixed nor change, so lost-bytes still reports them."""
    placeholders = "烫烫烫烫屯屯屯屯锟斤拷锟斤拷"
    text = TRADITIONAL + placeholders + "其餘的資料已經遗失，这些數據對研究很重要。"
    assert scan(TRADITIONAL + placeholders) == []
    for to in ("auto", "hant", "tw", "hk"):
        out = repair(text, to)
        assert placeholders in out and "遺失" in out and "這些" in out
    everything = repair_text(text).text  # all rules
    assert placeholders in everything
    assert any(f.code == "E003" for f in scan_text(everything))


def test_the_language_model_decides_a_simplified_only_character_in_context() -> None:
    # 复 → 復/複/覆: no phrase or word covers 复甦; the model prefers 復甦 by far.
    text = TRADITIONAL + "為推動企業复甦，政府將提出新的方案。"
    (finding,) = scan(text)
    assert finding.fix.applicability is Applicability.SAFE
    assert finding.fix.edits[0].replacement == "復"
    # 尽量: 儘量 and 盡量 are both Taiwan usage; the model's margin is small: review.
    (finding,) = scan(TRADITIONAL + "請大家尽量配合。")
    assert finding.fix.applicability is Applicability.UNSAFE


def test_hong_kong_forms_are_accepted() -> None:
    cantonese = "吓？而家旺季，通常都係貴㗎喎。去到嗰度食麻糍，着褸行街，叱咤風雲。佢話裏邊好大。"
    assert scan(cantonese) == []
    assert repair(cantonese, unsafe=True) == cantonese
    # Mixed anyway (们): the remnant changes, Hong Kong's 着 does not (Taiwan would write 著).
    out = repair(cantonese + "我们都係噉講。")
    assert out == cantonese + "我們都係噉講。"


def test_messages_say_what_was_found_not_which_option_asked() -> None:
    simplified = "这是简体中文的文章，我们写了很多内容。"
    for to in ("hant", "tw", "hk", "twp"):
        for finding in scan(simplified, to):
            assert "--to" not in finding.message
            assert "target script Traditional" in finding.message or "vocabulary" in finding.message


def test_summary_counts_safe_and_unsafe_script_fixes_apart(tmp_path: Path) -> None:
    """A safe conversion (们) and one that needs review (尽量: 儘/盡): the summary names each
    kind, and never calls the unsafe one fixable by a plain repair."""
    (tmp_path / "mixed.txt").write_text(TRADITIONAL + "們都這樣说。請大家尽量配合。\n", "utf-8")
    done = run_cnfix("scan", "--select", "mixed-script", "mixed.txt", cwd=tmp_path, text=True)
    summary = done.stdout + done.stderr
    assert "1 fixable safely, 1 fixable with --unsafe-fixes" in summary
    assert "fixable with `cnfix repair`" not in summary
    run_cnfix("repair", "-w", "--select", "mixed-script", "mixed.txt", cwd=tmp_path, text=True)
    left = run_cnfix("scan", "--select", "mixed-script", "mixed.txt", cwd=tmp_path, text=True)
    assert "1 fixable with --unsafe-fixes" in left.stdout + left.stderr  # 尽 waits for review


@pytest.mark.parametrize(("script", "back"), [(HANT, "t2s"), (HANS, "s2tw")])
def test_a_named_script_leaves_no_character_of_the_other_script(script: str, back: str) -> None:
    """Corpus documents with 5 % of their characters flipped into the other script's real
    forms: after ``--to`` (safe fixes), no character of the other script is left that the
    original does not hold. (Documents with URLs are left out: their anchors are never
    changed.)"""
    other = tables().simplified_only if script == HANT else tables().traditional_only
    rng = random.Random(16)
    checked = 0
    for path in sorted((CORPUS / script).glob("*.txt"))[::2]:
        original = path.read_text(encoding="utf-8")
        flipped = convert(original, back)
        if "://" in original or "](" in original or len(flipped) != len(original):
            continue
        chars = list(original)
        for i in [i for i, (a, b) in enumerate(zip(original, flipped, strict=True)) if a != b]:
            if rng.random() < 0.05:
                chars[i] = flipped[i]
        out = repair("".join(chars), script)
        assert other.count(out) <= other.count(original), path.name
        checked += 1
    assert checked >= 20


def test_word_forms_of_a_character_the_words_do_not_record() -> None:
    """面點 records only its ambiguous 面: asking about 點 gives nothing (it raised
    IndexError), and a word reaching out of a frame AXAY (兜口兜面 + 點樣) is no evidence."""
    assert word_forms("兜口兜面點樣", 4) == set()
    assert word_forms("兜口兜面點樣", 3) == set()
    assert word_forms("吃面点", 1) == {"麵"}
    assert word_forms("我的车的后面", 4) == {"後"}  # 的 repeats as a particle, not a frame


def test_ji_is_a_prose_remnant_outside_its_words() -> None:
    """Modern Traditional text writes 几 only in words (茶几): elsewhere, in a mixed text,
    it is 幾; in classical text it stays (几 "a low table")."""
    text = TRADITIONAL + "會議有三十几人參加，桌上有一張茶几。我们都同意。"
    assert repair(text) == TRADITIONAL + "會議有三十幾人參加，桌上有一張茶几。我們都同意。"
    poem = "憑几而坐，仰天而嘘。其人也，几几然如喪其耦。子游曰：敢問其方。们"
    assert "几" in repair(poem)


def test_a_list_of_short_lines_is_no_verse() -> None:
    """An interface's strings (one four-character label a line) are modern text: the
    remnant is found; verse ends its clauses with signs."""
    labels = "偏好設定\n瀏覽記錄\n已存密碼\n網路選項\n其他資料\n視窗分頁\n已存表單記录\n"
    assert repair(labels) == labels.replace("录", "錄")


def test_a_form_shared_with_simplified_is_a_remnant_where_the_text_writes_the_other() -> None:
    """OpenCC's Hong Kong standard writes 温 揾 as Simplified does; a text that writes 溫
    搵 itself (twice as often at least) shows that its 温 is a remnant. A text that writes
    both about as often, or only 温, keeps them."""
    text = "佢哋溫書，我都要溫書，成日溫習。你温咗未？我哋去飲茶啦，這个好食。"
    assert own_form_remnants(CheckState(), text) == {text.index("温"): "溫"}
    assert repair(text) == text.replace("温", "溫").replace("个", "個")
    even = "佢哋溫書，我都要温書，你温咗未？我哋溫習啦，這个好食。"
    assert own_form_remnants(CheckState(), even) == {}
    assert "温" in repair(even)


def test_the_text_s_own_spelling_of_a_two_character_word_decides() -> None:
    """钟意 is 鍾意 to OpenCC; a Hong Kong text that writes 鐘意 itself gets 鐘意; one that
    writes both gets OpenCC's form (no one spelling of its own). Spellings that hold a
    Simplified-only character (another 钟意) are remnants and say nothing."""
    own = "我好鐘意食雪糕，佢都鐘意。不過佢唔钟意朱古力，佢話太甜，這个我知。"
    assert repair(own) == own.replace("钟", "鐘").replace("个", "個")
    both = "佢鍾意睇書，我鐘意打波。你钟意乜嘢？這个我知，佢钟意。"
    assert repair(both) == both.replace("钟", "鍾").replace("个", "個")


def test_the_text_s_one_spelling_confirms_a_candidate_to_review() -> None:
    """注 is 注/註 to review where no phrase decides (Taiwan writes 注定 and 註定); a text
    that writes 註解 elsewhere, and 注解 nowhere else, gets 註解 safely. A text that writes
    周年 elsewhere too spells the word both ways: its 周 stays to review."""
    one = "按下確定即可新增註解，編輯註解後記得儲存。單行注解會顯示在右側，这个設定可以關閉。"
    assert repair(one) == one.replace("注", "註").replace("这个", "這個")
    both = (
        "本校創立50週年，校慶活動熱鬧。去年49周年時也辦過周年晚會，今年周年慶更盛大，"
        "这个大家都期待。"
    )
    assert repair(both) == both.replace("这个", "這個")
    assert repair(both, unsafe=True).count("週年") == 4


def test_written_cantonese_breaks_a_standard_tie_for_hong_kong() -> None:
    """Taiwan and Hong Kong forms equally few (none here): written Cantonese is Hong Kong's
    (湿 → 濕, not Taiwan's 溼); Mandarin stays Taiwan's, and a form Hong Kong does not
    write (裡) still decides."""
    assert standard_of(CheckState(), "點解咁乾？佢哋喺度") == "hk"
    assert standard_of(CheckState(), "為什麼這麼乾？他們在這") == "tw"
    assert standard_of(CheckState(), "佢哋喺呢度，這裡好乾") == "tw"
    cantonese = "我係咪要填表？佢話喺度填。點解咁湿？呢个好難講。"
    assert repair(cantonese) == "我係咪要填表？佢話喺度填。點解咁濕？呢個好難講。"


def test_a_reduplicated_character_takes_one_form() -> None:
    """A phrase that changes one half of a reduplication only (郁郁 → 鬱郁: Cantonese 郁郁
    "keep moving") is no evidence; a word that changes both (郁郁不樂) still is."""
    moving = "佢成日郁郁下，唔肯坐定，老師都話佢唔聽話。呢个細路真係好難湊。"
    assert repair(moving) == moving.replace("个", "個")
    sad = "他總是郁郁不樂，这个人很憂鬱。大家都知道。"
    assert repair(sad) == "他總是鬱鬱不樂，這個人很憂鬱。大家都知道。"


def test_a_person_s_name_in_opencc_s_phrases_is_no_evidence() -> None:
    """OpenCC's phrases hold people's names (黄世杰 → 黃世傑): in a name that no word covers,
    another person's name does not make 杰 a remnant; a word in the given name (万丰 → 萬豐)
    still decides."""
    name = "出席會議的有董事長陳志明、黃世杰、林美華等人，大家討論了这个計畫的預算。"
    assert repair(name) == name.replace("这个", "這個")
    word = "出席會議的有董事長陳志明、張万豐、林美華等人，大家討論了这个計畫的預算。"
    assert repair(word) == word.replace("这个", "這個").replace("万", "萬")
