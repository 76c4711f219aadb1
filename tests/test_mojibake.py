"""The mojibake (E002) and lost-bytes (E003) rules: families, negatives, real data, seeds."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, SEEDS
from damage import FAMILIES, corpus, damage_span, lossy_gb2312, placeholder
from hypothesis import assume, given
from hypothesis import strategies as st

from cnfix import repair_text, scan_text
from cnfix.model import Applicability
from cnfix.text.charmodel import char_costs

RULES = ["mojibake", "lost-bytes"]


def _fixed(text: str, **options: object) -> str:
    return repair_text(text, select=["mojibake"], **options).text  # type: ignore[arg-type]


def _rules_findings(text: str) -> list:
    return scan_text(text, select=RULES)


# --- the families of the issue, one example each ------------------------------------

EXAMPLES = [
    ("你好世界".encode().decode("gb18030"), "你好世界", "UTF-8 bytes read as GBK"),
    ("ÄãºÃ£¬ÊÀ½ç", "你好，世界", "GBK bytes read as Latin-1"),
    ("确认步骤".encode().decode("big5"), "确认步骤", "UTF-8 bytes read as Big5"),
    ("你好，世界".encode().decode("latin-1"), "你好，世界", "UTF-8 bytes read as Latin-1"),
    ("總統致詞感謝".encode("big5").decode("latin-1"), "總統致詞感謝", "Big5 bytes read as Latin-1"),
    (
        "馬英九總統今天下午前往屏東縣".encode("big5").decode("gb18030"),
        "馬英九總統今天下午前往屏東縣",
        "Big5 bytes read as GBK",
    ),
    (
        "你可以用这个组件为页面添加状态".encode("gbk").decode("big5"),
        "你可以用这个组件为页面添加状态",
        "GBK bytes read as Big5",
    ),
    (
        "数据库连接关闭了".encode().decode("gb18030").encode().decode("latin-1"),
        "数据库连接关闭了",
        "UTF-8 bytes read as GBK, then as Latin-1",
    ),
]


@pytest.mark.parametrize(("garbled", "clean", "chain"), EXAMPLES, ids=[e[2] for e in EXAMPLES])
def test_family_is_repaired_and_named(garbled: str, clean: str, chain: str) -> None:
    text = f"标题\n{garbled}\n"
    findings = scan_text(text, select=["mojibake"])
    assert len(findings) == 1
    assert findings[0].message.startswith(chain + ";")
    assert findings[0].fix is not None
    assert findings[0].fix.applicability is Applicability.SAFE
    assert _fixed(text) == f"标题\n{clean}\n"


def test_span_inside_good_text_is_repaired_in_place() -> None:
    garbled = "服务器组件是新的应用架构".encode().decode("gb18030")
    text = f"第一项：{garbled}，由团队设计。"
    (finding,) = scan_text(text, select=["mojibake"])
    assert text[finding.start : finding.end] == garbled
    assert _fixed(text) == "第一项：服务器组件是新的应用架构，由团队设计。"


def test_ftfy_is_not_allowed_to_make_gbk_cyrillic_or_fold_width() -> None:
    # ftfy's default would fold the full-width marks; ours keeps them.
    assert _fixed("ÄãºÃ£¬ÊÀ½ç£¡") == "你好，世界！"
    assert _fixed("ä½\xa0å¥½ï¼\x8cä¸\x96ç\x95\x8c") == "你好，世界"


def test_a_byte_gbk_cannot_decode_is_reported_not_guessed() -> None:
    text = ("价格".encode("gbk") + b"70\x80" + "左右的价值".encode("gbk")).decode("cp1252")
    findings = scan_text(text, select=["mojibake"])
    unmappable = [f for f in findings if f.fix is None]
    assert len(unmappable) == 1
    assert "0x80" in unmappable[0].message
    assert _fixed(text) == "价格70€左右的价值"


# --- what must stay ------------------------------------------------------------------

KEEP = [
    "學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？魑魅魍魎，饕餮窮奇。",
    "我的同学叫王𬀩，另一位叫陶喆，还有一位姓禤，名字叫禤靖燊。",
    "東京都は日本の首都です。ソフトウェアの文字化けを直します。",
    "안녕하세요. 한국어 문장은 그대로 남아야 합니다.",
    "我们使用 Python 3.12 和 café résumé naïve 做测试，München 也一样。",
    "今天很开心 😀🎉✅，公式 α² + β² = γ²，温度 25℃，约 ±0.5°，价格 ×2，马丁·路德。",
    "領(lǐng)域實(shí)現(xiàn)突破，德才兼備(bèi)的醫(yī)學(xué)人才，略(lüè)。",
    "São Paulo, Zürich, Kraków, Ελληνικά, русский язык, עברית.",
    "你说什么?我没听清。真的吗???我不信！https://example.com/?q=中文",
    "汤很烫，烫烫的汤要慢慢喝。屯兵屯田。",
    "“引号”‘单引号’……——《书名》【注】",
]


@pytest.mark.parametrize("text", KEEP)
def test_real_text_is_left_alone(text: str) -> None:
    assert _rules_findings(text) == []
    assert repair_text(text, select=RULES, unsafe_fixes=True).text == text


def test_clean_corpus_has_no_finding_and_no_change() -> None:
    flagged = []
    for name, text in corpus():
        if _rules_findings(text) or repair_text(text, select=RULES, unsafe_fixes=True).text != text:
            flagged.append(name)
    assert flagged == []


# --- ftfy's own cases ---------------------------------------------------------------

#: Cases outside what cnfix asks ftfy for: the expected text keeps U+FFFD that our
#: model counts as noise, and Hebrew mojibake made only of × and cp1252 quotes, which
#: the hint leaves to Chinese text (× and quotes are everyday Chinese typography).
FTFY_OUT_OF_SCOPE = {"Synthetic: Hebrew UTF-8 / Windows-1250 mojibake", "For goodness' sake"}


def _ftfy_cases() -> list[dict]:
    cases = []
    for name in ("in-the-wild", "synthetic", "language-names"):
        cases += json.loads((DATA / "ftfy" / f"{name}.json").read_text(encoding="utf-8"))
    return [c for c in cases if c["expect"] == "pass"]


def _only_folding_differs(got: str, expected: str) -> bool:
    """The case expects width folding or quote uncurling, which cnfix never does."""
    from ftfy.fixes import fix_character_width, uncurl_quotes

    return uncurl_quotes(fix_character_width(got)) == expected


def test_ftfy_cases_pass_where_they_do_not_expect_folding() -> None:
    failures = []
    for case in _ftfy_cases():
        expected = case.get("fixed-encoding", case["fixed"])
        got = _fixed(case["original"])
        if got == expected or _only_folding_differs(got, expected):
            continue
        if not any(case["label"].startswith(s) for s in FTFY_OUT_OF_SCOPE):
            failures.append((case["label"], case["original"], got, expected))
    assert failures == []


def test_ftfy_negative_cases_stay_unchanged() -> None:
    cases = json.loads((DATA / "ftfy" / "negative.json").read_text(encoding="utf-8"))
    changed = []
    for case in cases:
        # One expects ftfy's C1-control repair (\x85 → …); none expects a re-decoding.
        expected = case.get("fixed-encoding", case["fixed"])
        got = _fixed(case["original"])
        if got != expected and not _only_folding_differs(got, expected):
            changed.append((case["original"], got))
    assert changed == []


# --- real damaged files (tests/data/mnbvc) --------------------------------------------


def test_mnbvc_lost_bytes_novel_is_reported_everywhere() -> None:
    text = (DATA / "mnbvc" / "gbk_with_lost_bytes.txt").read_text(encoding="utf-8")[:20000]
    findings = scan_text(text, select=["lost-bytes"])
    marks = [i for i, c in enumerate(text) if c == "\ufffd"]
    covered = {i for f in findings for i in range(f.start, f.end)}
    assert marks and set(marks) <= covered
    assert all(f.fix is None for f in findings)
    assert repair_text(text, select=["lost-bytes"]).text == text


def test_mnbvc_gbk_read_as_latin1_is_repaired() -> None:
    text = (DATA / "mnbvc" / "gbk_cp936_sample.txt").read_text(encoding="utf-8")
    fixed = repair_text(text, select=["mojibake"]).text
    assert "更多精校小说尽在知轩藏书下载" in fixed
    assert "　　“教授！安德烈教授，成功了！" in fixed
    # Nothing Latin-1 is left but the € of cp936's byte 0x80, which was reported.
    assert re.findall("[\u0080-\u00ff\u20ac]", fixed) == ["€"]
    assert any("0x80" in f.message for f in scan_text(text, select=["mojibake"]))


# --- lost bytes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "damaged"),
    [
        ("这是\ufffd\ufffd一段文字", "\ufffd\ufffd"),
        ("标题：锟斤拷锟斤拷", "锟斤拷锟斤拷"),
        ("值是烫烫烫烫", "烫烫烫烫"),
        ("值是屯屯屯屯", "屯屯屯屯"),
        ("德才兼?zhèn)涞尼t(yī)學人才", "?zhèn)涞尼t(yī)"),
        ("這是?y今天", "?y"),
    ],
)
def test_lost_bytes_are_reported_without_a_fix(text: str, damaged: str) -> None:
    (finding,) = scan_text(text, select=["lost-bytes"])
    assert text[finding.start : finding.end] == damaged
    assert finding.fix is None
    assert repair_text(text, select=RULES).text == text


def test_gb2312_damage_of_corpus_text_is_reported_at_every_mark() -> None:
    rng = random.Random(3)
    for _, text in corpus("hant")[:15]:
        for mark in ("?", "\ufffd"):
            damaged = lossy_gb2312(text, mark)
            covered = {
                i for f in scan_text(damaged, select=["lost-bytes"]) for i in range(f.start, f.end)
            }
            marks = [i for i, c in enumerate(damaged) if c == mark]
            if mark == "\ufffd":
                assert set(marks) <= covered
            else:
                # A `?` glued to the previous mark or to non-Chinese text may stay
                # unreported; most must be.
                assert len(set(marks) & covered) >= 0.5 * len(marks)
        damaged = placeholder(text, rng)
        assert scan_text(damaged, select=["lost-bytes"])


# --- the seeds ------------------------------------------------------------------------


def test_seeds_four_garbled_spans_and_nothing_else(tmp_path) -> None:
    copy = tmp_path / "seeds"
    shutil.copytree(SEEDS, copy)
    reported = {}
    for path in sorted(copy.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for finding in _rules_findings(text):
            line = text.count("\n", 0, finding.start) + 1
            reported.setdefault(path.name[:3], []).append(
                (line, text[finding.start : finding.end], finding.rule)
            )
    assert reported == {
        "000": [
            (16, "?qū)崿F(xiàn)", "lost-bytes"),
            (20, "?zhèn)涞尼t(yī)", "lost-bytes"),
        ],
        "002": [(7, "?lián)姑臅r", "lost-bytes"), (11, "?!痹趹c", "lost-bytes")],
    }


# --- the damage generator, whole and partial ------------------------------------------


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_generated_damage_is_repaired(family: str) -> None:
    damage, scripts = FAMILIES[family]
    rng = random.Random(family)
    docs = [d for d in corpus() if d[0].split("/")[0] in scripts][:25]
    tried = exact = 0
    for _, text in docs:
        for size in ("paragraph", "sentence"):
            made = damage_span(text, family, rng, size)
            if made is None:
                continue
            tried += 1
            exact += _fixed(made[0]) == text
        whole = damage(text)
        if whole is not None:
            tried += 1
            exact += _fixed(whole) == text
    if family == "utf8-as-big5":
        # UTF-8 read as Big5 almost never decodes strictly: in the wild it loses
        # bytes. Nothing to measure on corpus paragraphs.
        return
    assert tried >= 10
    assert exact / tried >= 0.9


# --- properties -----------------------------------------------------------------------

COMMON = sorted((c for c, cost in char_costs().items() if cost <= 24), key=ord)
chinese = st.text(alphabet=st.sampled_from(COMMON), min_size=4, max_size=30)


@given(chinese)
def test_utf8_read_as_latin1_round_trips(s: str) -> None:
    assert _fixed(s.encode("utf-8").decode("latin-1")) == s


@given(chinese)
def test_utf8_read_as_gbk_round_trips(s: str) -> None:
    try:
        garbled = s.encode("utf-8").decode("gbk")
    except UnicodeDecodeError:
        assume(False)
        raise
    assert _fixed(garbled) == s


@given(chinese)
def test_clean_chinese_is_never_reported(s: str) -> None:
    assert _rules_findings(s) == []


@given(st.text(max_size=60))
def test_repair_never_raises_and_is_idempotent(s: str) -> None:
    once = repair_text(s, select=RULES, unsafe_fixes=True).text
    assert repair_text(once, select=RULES, unsafe_fixes=True).text == once


def test_a_strongly_preferred_lost_character_is_only_an_unsafe_guess() -> None:
    # 辦 is GBK 0xDE6B: GB2312 lacks it, its lead byte was lost, its trail byte is `k`.
    text = "他在?k公室等你。"
    (finding,) = scan_text(text, select=["lost-bytes"])
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    assert repair_text(text, select=RULES).text == text
    assert repair_text(text, select=RULES, unsafe_fixes=True).text == "他在辦公室等你。"


def test_big5_read_as_gbk_leftovers_only_on_certain_lines() -> None:
    # ■ read as GBK is 〗, which alone looks fine; Big5 has no 〗, so on a line that is
    # certainly Big5 read as GBK it is repaired. The clean Simplified line stays.
    line = "■馬英九總統今天下午前往屏東縣瑪家鄉參加永久屋入住儀式。"
    garbled = line.encode("big5").decode("gb18030")
    assert garbled.startswith("〗")
    clean = "这是一段简体中文，没有任何问题。"
    assert _fixed(f"{garbled}\n{clean}\n") == f"{line}\n{clean}\n"


def test_generated_classes_are_current() -> None:
    """``data/mojibake_classes.txt`` holds what its generator builds now, from the rule's
    own sources and the installed ftfy's clue classes (regenerate with
    ``python scripts/gen_mojibake_classes.py`` when this fails)."""
    import importlib.util

    from cnfix.rules.mojibake.chains import generated_classes

    script = Path(__file__).parent.parent / "scripts" / "gen_mojibake_classes.py"
    spec = importlib.util.spec_from_file_location("gen_mojibake_classes", script)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generated_classes() == generator.build()


def test_python_scans_match_the_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short texts are scanned in Python instead of compiling the big classes (where
    their compiled code is not stored: ``text.precompiled``): the positions must be the
    patterns' on every code point and on real text."""
    from cnfix.rules.mojibake import han_utf8

    monkeypatch.setattr(han_utf8, "_stored", lambda name: False)

    costs = char_costs()
    unusual = han_utf8._unusual_han_re()
    for code in range(0x80, 0x32000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        assert han_utf8.is_unusual_han(char, costs) == bool(unusual.match(char)), hex(code)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts += ["浣犲ソ锛屼笘鐣", "銝剜?蝢", "a浣", "浣"]
    for text in texts:
        for read_as in ("GBK", "Big5"):
            han_utf8._utf8_lead_re.cache_clear()
            han_utf8._PYTHON_SCANS.scanned = 0
            python = han_utf8._utf8_lead_starts(text, read_as)
            assert han_utf8._utf8_lead_re.cache_info().currsize == 0  # the Python path ran
            pattern = han_utf8._utf8_lead_re(read_as)
            assert python == [m.start() for m in pattern.finditer(text)]
            assert python == han_utf8._utf8_lead_starts(text, read_as)  # the pattern's path
        han_utf8._unusual_han_re.cache_clear()
        han_utf8._PYTHON_SCANS.scanned = 0
        python = han_utf8._unusual_han_positions(text)
        assert han_utf8._unusual_han_re.cache_info().currsize == 0
        assert python == [m.start() for m in han_utf8._unusual_han_re().finditer(text)]


def test_a_gbk_big5_swap_on_a_line_that_lost_bytes_is_never_safe() -> None:
    """What is left of GBK text read as GB2312 (``?`` marks touching Chinese) re-reads
    as GBK/Big5 swaps by chance (激?钔 as 鎡): offered at most, never applied."""
    from damage import corpus, lossy_gb2312, paragraphs

    from cnfix import repair_text

    checked = 0
    for _, text in corpus("hant")[:40]:
        for start, end in paragraphs(text)[:3]:
            damaged = lossy_gb2312(text[start:end])
            applied = repair_text(damaged, select=["mojibake", "lost-bytes"]).applied
            assert [f for f in applied if f.rule == "mojibake"] == [], damaged[:60]
            checked += 1
    assert checked >= 50


def test_a_euro_sign_is_read_as_the_bytes_around_it_say() -> None:
    """``€`` in UTF-8 read as GBK is cp936's byte 0x80 (閫€ for 退), or GB18030's A2 E3
    when the sequence before it wants one byte and a continuation byte or a U+FFFD
    (GB18030 reads no lone 0x80) follows."""
    from cnfix.rules.mojibake.han_utf8 import _euro_bytes

    assert _euro_bytes(b"\xe9\x9d", "\ufffd") == b"\xa2\xe3"
    assert _euro_bytes(b"\xe9\x9d", "備") == b"\xa2\xe3"  # 0x82 0xE4: 0x82 continues E3
    assert _euro_bytes(b"\xe9\x80", "鍑") == b"\x80"  # 退出: 鍑 (E5 87) starts 出
    assert _euro_bytes(b"\xe9", "\ufffd") == b"\x80"  # two bytes wanted: A2 then E3 fails
    assert _euro_bytes(b"\xe9\x9d", "a") == b"\x80"
    assert repair_text("閫€鍑虹櫥褰", select=["mojibake"]).text.startswith("退出")
