"""lost-bytes recovers what the bytes still hold (issue 15): GBK read as GB2312 re-read
in step, UTF-8 read as Windows cp936 with `?`/U+FFFD holes read back, the lost character
ranked by the language model and restored safely only when it is overwhelming."""

from __future__ import annotations

import difflib
import pathlib
import random

import pytest
from damage import SENTENCE_RE, corpus, lossy_gb2312, lossy_utf8_as_gbk, read_cp936

from cnfix import Applicability, repair_text, scan_text
from cnfix.adapters.opencc import convert
from cnfix.rules.lost_bytes import realigned, recovery, truncated
from cnfix.text.losses import out_of_step_span

RULES = ["mojibake", "lost-bytes"]


def _gb2312_sentences(limit: int) -> list[tuple[str, str]]:
    """Simplified corpus sentences holding one Traditional character GB2312 lacks (as
    in the seeds, machine-converted text), as GBK read as GB2312: (clean, damaged)."""
    rng = random.Random(2312)
    cases = []
    for _, text in corpus("hant"):
        for match in SENTENCE_RE.finditer(text):
            traditional = match.group()
            simplified = convert(traditional, "t2s")
            if len(simplified) != len(traditional):
                continue
            kept = [
                i for i, (a, b) in enumerate(zip(traditional, simplified, strict=True)) if a != b
            ]
            if not kept:
                continue
            keep = rng.choice(kept)
            sentence = simplified[:keep] + traditional[keep] + simplified[keep + 1 :]
            try:
                sentence.encode("gbk")
            except UnicodeEncodeError:
                continue
            damaged = lossy_gb2312(sentence)
            if damaged != sentence:
                cases.append((sentence, damaged))
            if len(cases) == limit:
                return cases
    return cases


def test_gbk_read_as_gb2312_is_read_again_in_step() -> None:
    damaged = "兼備的醫學".encode("gbk").decode("gb2312", errors="replace").replace("\ufffd", "?")
    assert damaged == "兼?涞尼t?W"
    (finding,) = scan_text(damaged, select=["lost-bytes"])
    assert "備(+0)" in finding.message and "學(+0)" in finding.message
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    assert repair_text(damaged, select=RULES).text == damaged
    assert repair_text(damaged, select=RULES, unsafe_fixes=True).text == "兼備的醫學"


def _subsequence(part: str, whole: str) -> bool:
    rest = iter(whole)
    return all(char in rest for char in part)


def test_in_step_reading_keeps_every_certain_character() -> None:
    """What the in-step reading calls certain is the original text, and each lost
    character is among its candidates; two marks in a row (a character neither of
    whose bytes GB2312 reads) are kept as they stand. Every line reads that way, also
    those where a mark hid the second byte of a character read out of step."""
    read = kept = 0
    cases = _gb2312_sentences(300)
    for sentence, damaged in cases:
        pieces = realigned.in_step(damaged)
        if pieces is None:
            continue
        read += 1
        assert len(pieces) == len(sentence)
        for piece, char in zip(pieces, sentence, strict=True):
            if isinstance(piece, tuple):
                assert char in piece
            elif piece in ("??", "\ufffd\ufffd"):
                kept += 1
            else:
                assert char == piece
    assert read == len(cases)
    assert kept


def test_two_marks_and_a_mark_after_a_lead_byte_are_read_in_step() -> None:
    """挑戰，却 read as GB2312: 戰 (91 E9) lost its lead, E9 was read with ，'s first
    byte (穑) and ，'s second byte became a mark; 國 (87 F8) is two marks."""
    clean = "这次金融危机对世界各國虽是挑戰，却也是转机。"
    damaged = lossy_gb2312(clean)
    assert damaged == "这次金融危机对世界各??虽是挑?穑?却也是转机。"
    pieces = realigned.in_step(damaged[damaged.index("挑") + 1 :])
    assert pieces is not None
    assert "戰" in pieces[0] and "，" in pieces[1]
    assert pieces[2:] == list("却也是转机。")
    findings = scan_text(damaged, select=["lost-bytes"])
    (read,) = [f for f in findings if f.fix is not None]
    assert read.fix.applicability is Applicability.SAFE
    assert repair_text(damaged, select=RULES).text == clean.replace("國", "??")


def test_a_reading_in_step_shown_only_by_rare_characters_needs_a_wide_margin() -> None:
    """在場的部落居民，read as GB2312: no letter or lost ``(`` after the mark, only rare
    characters (龅 瘢); the reading in step is offered (場 leads by 8 bits: unsafe)."""
    clean = "问候在場的部落居民，并表示，这是他第三度来到玛家乡"
    damaged = lossy_gb2312(clean)
    assert damaged == "问候在?龅牟柯渚用瘢?并表示，这是他第三度来到玛家乡"
    (finding,) = scan_text(damaged, select=["lost-bytes"])
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert "場(+0)" in finding.message
    assert repair_text(damaged, select=RULES, unsafe_fixes=True).text == clean


def test_safe_guesses_of_lost_characters_are_almost_never_wrong() -> None:
    safe = wrong = 0
    for sentence, damaged in _gb2312_sentences(400):
        pieces = realigned.in_step(damaged)
        if pieces is None or len(pieces) != len(sentence):
            continue
        for piece, char in zip(recovery.choose(pieces, ""), sentence, strict=True):
            if isinstance(piece, recovery.LostCharacter) and piece.chosen != "\ufffd":
                safe += piece.safe
                wrong += piece.safe and piece.chosen != char
    assert wrong <= max(1, safe // 100)


def test_utf8_read_as_cp936_with_question_marks_reads_back_around_the_loss() -> None:
    text = "请先退出登录再试——“你好”。\n"
    damaged = read_cp936(text.encode(), "?")
    assert damaged is not None and "?" in damaged and "€" in damaged
    repaired = repair_text(damaged, select=RULES).text
    assert repaired.startswith("请先退出登录再试——“你好”")
    assert len(repaired) == len(text)


def test_windows_euro_sign_is_byte_0x80() -> None:
    """UTF-8 read as Windows cp936 carries € for byte 0x80 (閫€ for 退)."""
    tried = exact = 0
    for _, text in corpus():
        for sentence in SENTENCE_RE.findall(text):
            damaged = read_cp936(sentence.encode())
            if damaged is None or "€" not in damaged:
                continue
            tried += 1
            exact += repair_text(damaged, select=RULES).text == sentence
    assert tried >= 10
    assert exact / tried >= 0.9


def _matched(a: str, b: str) -> int:
    return sum(
        block.size for block in difflib.SequenceMatcher(None, a, b, False).get_matching_blocks()
    )


@pytest.mark.parametrize("make", [lossy_utf8_as_gbk, lambda s: read_cp936(s.encode(), "?")])
def test_most_characters_around_losses_come_back(make) -> None:
    rng = random.Random(15)
    docs = [text for _, text in corpus("hans")]
    rng.shuffle(docs)
    restored = lost = 0
    for text in docs[:40]:
        sentence = next(iter(SENTENCE_RE.findall(text)), None)
        if sentence is None:
            continue
        damaged = make(sentence)
        repaired = repair_text(damaged, select=RULES).text
        before = _matched(damaged, sentence)
        lost += len(sentence) - before
        restored += _matched(repaired, sentence) - before
    assert restored / lost >= 0.6


def test_seeds_four_spans_are_reported_with_their_candidates() -> None:
    from conftest import SEEDS

    messages = [
        finding.message
        for path in sorted(SEEDS.glob("00[02]_*.txt"))
        for finding in scan_text(path.read_text(encoding="utf-8"), select=["lost-bytes"])
    ]
    assert len(messages) == 4
    assert sum("candidates" in message for message in messages) == 3


def test_gbk_that_lost_one_byte_is_read_again_in_step() -> None:
    """A byte lost from GBK text: every character after the loss comes back, the one
    that lost a byte (and the one whose byte became the mark) at most a U+FFFD."""
    clean = "及其仅在开发环境中的重新挂载检查。你还可以在"
    data = clean.encode("gbk")
    damaged = (data[:10] + data[11:]).decode("gbk", errors="replace")
    assert damaged == "及其仅在开⒒肪持械闹匦鹿以丶觳椤Ｄ慊箍梢栽\ufffd"
    (finding,) = scan_text(damaged, select=["lost-bytes"])
    assert "GBK text lost a byte" in finding.message
    repaired = repair_text(damaged, select=RULES, unsafe_fixes=True).text
    assert len(repaired) == len(clean)
    assert all(a == b or a == "\ufffd" for a, b in zip(repaired, clean, strict=True))
    assert sum(a != b for a, b in zip(repaired, clean, strict=True)) <= 2
    assert repair_text(repaired, select=RULES, unsafe_fixes=True).text == repaired


def test_big5_that_lost_one_byte_falls_back_in_step_at_a_letter() -> None:
    damaged = "此外，目前我國在醫學、悀憭峎鴔瑑本滶鴘熊o展不輸其他先進國家"
    (finding,) = scan_text(damaged, select=["lost-bytes"])
    assert "Big5 text lost a byte" in finding.message
    repaired = repair_text(damaged, select=RULES, unsafe_fixes=True).text
    assert repaired in (
        "此外，目前我國在醫學、天文及科技等領域的發展不輸其他先進國家",
        "此外，目前我國在醫學、\ufffd文及科技等領域的發展不輸其他先進國家",
    )


def test_question_marks_in_clean_text_are_not_read_in_step() -> None:
    """Every ，and ？ of the corpus made ``?`` (what flattening does, and the hardest
    case for the reading in step: a mark after Chinese text): no finding reads it."""
    checked = 0
    for _, text in corpus()[::2]:
        flattened = text.replace("？", "?").replace("，", "?")
        checked += flattened.count("?")
        findings = scan_text(flattened, select=["lost-bytes"])
        assert not [f for f in findings if "lost a byte here" in f.message]
        # Nor the reading as GB2312 that only rare characters after the mark call for.
        gb2312 = [f for f in findings if "decoded as GB2312" in f.message]
        assert all(out_of_step_span(flattened, f.start, f.start + 1) for f in gb2312)
    assert checked >= 4000


def _cut_lines(text: str) -> str:
    """Every line's GBK bytes cut before their last byte (a truncated column)."""
    lines = []
    for line in text.split("\n"):
        data = line.encode("gbk", errors="replace")
        if len(data) >= 2 and data[-2] >= 0x81:
            line = data[:-1].decode("gbk", errors="replace")
        lines.append(line)
    return "\n".join(lines)


def test_lines_cut_before_their_last_byte_are_reported() -> None:
    cut = _cut_lines(corpus("hans")[5][1])
    marks = [i for i, char in enumerate(cut) if char == "\ufffd" and cut[i + 1 : i + 2] == "\n"]
    found = scan_text(cut, select=["lost-bytes"])
    assert len(marks) >= 3
    assert all(any(f.start <= mark < f.end for f in found) for mark in marks)
    findings = [f for f in found if "line cut" in f.message]
    assert len(findings) >= len(marks) // 2
    assert all(cut[f.start] == "\ufffd" and f.fix is None for f in findings)
    assert "。(+0)" in findings[0].message


def test_questions_flattened_to_ascii_are_not_cut_lines() -> None:
    """A document of questions whose ？ became ``?`` (a FAQ) is not a cut document."""
    questions = [
        line.replace("？", "?")
        for _, text in corpus()
        for line in text.split("\n")
        if line.endswith("？") and len(line) >= 6
    ]
    assert len(questions) >= 20
    faq = "\n".join(questions)
    assert not [f for f in scan_text(faq, select=["lost-bytes"]) if "line cut" in f.message]


def test_a_mark_that_cut_a_utf8_sequence_is_read_alone() -> None:
    """``銆?`` at a line end is 。 (E3 80 82) read as cp936 with its last byte lost,
    after the garble before it was re-decoded: the mark is read even with nothing else
    to read back; ``么?`` (a complete sequence before the mark) is left alone."""
    assert recovery.ends_inside_utf8("再试銆?", 3)
    assert not recovery.ends_inside_utf8("什么?", 2)
    repaired = repair_text("退出登录后再试銆?\n", select=RULES).text
    assert repaired in ("退出登录后再试。\n", "退出登录后再试\ufffd\n")
    assert repair_text("你说什么?\n", select=RULES).text == "你说什么?\n"


def test_euro_signs_that_start_a_garble_are_a_lost_lead_byte() -> None:
    """A line cut inside 退 (E9 80 80) and read as cp936 starts ``€€``: the last bytes
    of a character whose first byte was lost, never left as two euro signs."""
    damaged = read_cp936("退出登录后再试。".encode()[1:], "?")
    assert damaged is not None and damaged.startswith("€€")
    (first, *_) = scan_text(damaged, select=["lost-bytes"])
    assert first.start == 0 and "退(" in first.message
    repaired = repair_text(damaged, select=RULES).text
    assert repaired.startswith(("退出登录后再试", "\ufffd出登录后再试"))
    for clean in ("价格 €100 元", "€是欧元符号。"):
        assert repair_text(clean, select=RULES).text == clean


def test_other_scripts_before_a_mark_are_not_read_in_step() -> None:
    """Cyrillic, Greek and kana are double bytes in GBK too: ``българ�ки`` (a Bulgarian
    word that lost a byte) is never re-read as Chinese."""
    for text in ("българ\ufffdки език", "αβγδε\ufffd λόγος", "ひらがな\ufffdカタカナ"):
        assert repair_text(text, select=RULES, unsafe_fixes=True).text == text


def test_no_span_is_reported_twice() -> None:
    """A document of lost data (every mark reported by the document-wide look) does not
    get its U+FFFD runs reported again as placeholders."""
    damaged = "测试文本。".encode("gbk").decode("utf-8", errors="replace") * 3
    damaged = "\n".join([damaged, "兼?涞尼t?W的醫學", "兼?涞尼t?W", "兼?涞尼t?W"] * 2)
    spans = [(f.start, f.end) for f in scan_text(damaged, select=["lost-bytes"])]
    assert len(spans) == len(set(spans))


def _reference_utf8_window(text: str, mark: int, mark_end: int):
    """``utf8_window`` as it was written first: every start and every end re-read."""
    from cnfix.text.plausibility import preference_bits

    if not mark or text[mark - 1].isascii():
        return None
    left = mark
    while left > max(0, mark - recovery.UTF8_WINDOW) and not text[left - 1].isascii():
        left -= 1
    right = mark_end
    while (
        right < min(len(text), mark_end + recovery.UTF8_WINDOW)
        and not text[right].isascii()
        and text[right] != "\ufffd"
    ):
        right += 1
    best = None
    for start in range(left, mark):
        for end in range(right, mark_end - 1, -1):
            pieces = recovery.utf8_with_holes(
                text[start:end], text[mark] == "\ufffd", text[end : end + 1]
            )
            if pieces is None or all(isinstance(p, str) for p in pieces):
                continue
            lone = start == mark - 1 and end == mark_end and recovery.ends_inside_utf8(text, mark)
            if not lone and not any(
                isinstance(p, str) and not p.isascii() and p != "\ufffd" for p in pieces
            ):
                continue
            read = "".join(p if isinstance(p, str) else p[0] for p in pieces)
            gain = preference_bits(text, start, end, read)
            if best is None or gain > best[0]:
                best = (gain, start, end, pieces)
    return None if best is None else best[1:]


def test_window_search_finds_what_reading_every_window_finds() -> None:
    """The window search reads only the ends where whole UTF-8 sequences end (issue 15's
    clean-scan speed): around every mark of UTF-8 read as cp936 or GBK with losses, and
    of clean text with ``?``, it finds exactly the window the plain search finds."""
    rng = random.Random(936)
    texts = []
    for _, text in corpus()[::16]:
        sentences = [m.group() for m in SENTENCE_RE.finditer(text)][:10]
        for sentence in sentences:
            data = sentence.encode("utf-8")
            texts.append(read_cp936(data, "?"))
            texts.append(lossy_utf8_as_gbk(sentence))
            texts.append(sentence.replace("，", "?"))
            cut = rng.randrange(len(data))  # one byte lost
            texts.append(read_cp936(data[:cut] + data[cut + 1 :], "?"))
    marks = 0
    for text in texts:
        for mark in recovery.MARK_RE.finditer(text):
            marks += 1
            expected = _reference_utf8_window(text, *mark.span())
            assert recovery.utf8_window(text, *mark.span()) == expected, text
    assert marks > 200, marks


def test_trail_bytes_that_survived_a_round_trip_through_utf8_are_read_back() -> None:
    """GBK read as UTF-8 and back (锟斤拷): 學's trail 0x57 survives as 絎 after 锟 (with
    U+FFFD's last byte 0xBD), 醫's trail 0x74 as ``t`` after 拷; each finding names
    the characters that end in that byte, and 發 before 展 is offered."""
    damaged = "中華民國的醫學發展".encode("gbk").decode("utf-8", errors="replace")
    damaged = damaged.encode("utf-8").decode("gbk", errors="replace")
    assert damaged == "锟斤拷锟紸锟斤拷锟斤拷锟斤拷t锟絎锟絣展"
    findings = scan_text(damaged, select=["lost-bytes"])
    assert [damaged[f.start : f.end] for f in findings] == [
        "锟斤拷锟紸",
        "锟斤拷锟斤拷锟斤拷t",
        "锟絎",
        "锟絣",
    ]
    assert all("survived" in f.message for f in findings)
    assert "華(+0)" in findings[0].message and "學(+0)" in findings[2].message
    assert [f.fix is None for f in findings] == [True, True, True, False]
    assert repair_text(damaged, select=RULES).text == damaged
    assert repair_text(damaged, select=RULES, unsafe_fixes=True).text.endswith("锟絎發展")


def test_a_word_after_a_placeholder_is_not_a_trail_byte() -> None:
    for text in ("锟斤拷abc 中文", "锟斤拷a 中文", "锟斤拷`中文"):
        (finding,) = scan_text(text, select=["lost-bytes"])
        assert (finding.start, finding.end) == (0, 3)
        assert finding.fix is None


def test_a_reading_in_step_that_reads_back_only_losses_rewrites_nothing() -> None:
    """MNBVC's Big5 sample flattened to ``?``: a reading as GB2312 through ``??`` that
    changes only ``?E`` and ``?@`` into U+FFFD would throw away their trail bytes."""
    path = pathlib.Path(__file__).parent / "data" / "mnbvc" / "big5_sample.txt"
    text = path.read_text(encoding="utf-8", errors="replace")
    findings = scan_text(text, select=["lost-bytes"])
    assert findings
    assert not [f for f in findings if f.fix and f.fix.applicability is Applicability.SAFE]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "没有问号。\n",
        "一?\n二?\r\n三\ufffd\r\r\n四?",
        "一??\n二?x\n三?\r四\ufffd",
        "?\n?\n?\n",
        "一?二?三?",
    ],
)
def test_the_count_before_the_cut_line_search_is_never_below_its_matches(text: str) -> None:
    """The count of runs of marks before a break that spares clean text the regex pass
    of ``cut_line_ends`` counts at least every mark that ends a line: it never hides a
    cut document."""
    matches = len(truncated.MARKED_LINE_END_RE.findall(text))
    marks = [match.span() for match in recovery.MARK_RE.finditer(text)]
    assert truncated._marks_before_breaks(text, marks) >= matches


def test_a_euro_sign_before_a_lost_byte_is_gb18030s_a2_e3() -> None:
    """UTF-8 read as GB18030 with U+FFFD: 面。 (E9 9D A2 E3 80 82) reads ``闈€�``, the
    € being A2 E3 and the U+FFFD the 0x80 GB18030 cannot read alone; never 靀 (E9 9D
    80, as if € were cp936's byte 0x80), and 面 is read back."""
    damaged = lossy_utf8_as_gbk("他们在整个页面。例如我们")
    assert "闈€\ufffd" in damaged
    repaired = repair_text(damaged, select=RULES).text
    assert "靀" not in repaired and repaired.startswith("他们在整个页面")
    pieces = recovery.utf8_with_holes("闈€\ufffd備緥", gb18030=True)
    assert pieces is not None and pieces[0] == "面" and "。" in pieces[1] and pieces[2] == "例"
    assert recovery.utf8_with_holes("闈€\ufffd備緥") is None  # as cp936: 靀, a stray byte


def test_a_question_mark_that_hid_a_pair_is_two_bytes() -> None:
    """检 is E6 A3 80 and GBK cannot read A3 80: cp936 wrote one ``?`` for both bytes
    (``鐮佹?鏌`` for 码检查). The mark is read as the two bytes 检 lost, never as one,
    which read 码�鹤 (查工's cp936 bytes taken for UTF-8) for 码检查工."""
    damaged = read_cp936("的代码检查工具会强制".encode(), "?")
    assert damaged is not None and "佹?鏌" in damaged
    repaired = repair_text(damaged, select=RULES).text
    assert "鹤" not in repaired and "查工具会强制" in repaired
    pieces = recovery.utf8_with_holes("鐮佹?")
    assert pieces is not None and pieces[0] == "码" and "检" in pieces[1]
    # A U+FFFD of GB18030 is one byte: the same window does not read.
    assert recovery.utf8_with_holes("鐮佹\ufffd", gb18030=True) is None


def test_a_candidate_the_model_folds_is_never_restored_safely() -> None:
    """U+3000 is a space to the model: it beats 〔 after ``/`` by a wide margin, but the
    model knows nothing of the character itself, so it is never restored safely."""
    candidates = recovery._utf8_fillings(0xE3, (0x80, None))
    (lost,) = recovery.choose([candidates], "其四/", "魏晉〕")
    assert isinstance(lost, recovery.LostCharacter)
    assert lost.ranking.best == "\u3000" and lost.ranking.margin >= recovery.SAFE_GUESS_BITS
    assert not lost.safe


def test_a_replacement_character_before_a_byte_gb18030_pairs_is_0x80() -> None:
    """GB18030 pairs any byte from 0x81 with a next byte of 0x40–0xFE: a U+FFFD inside
    UTF-8 before such a byte (the next garble, a character already re-decoded, a letter)
    hid 0x80, so 需 (E9 9C 80) is read back for certain; before a line end it may have
    been any continuation byte, and the character is ranked."""
    (finding,) = scan_text("组件通常闇\ufffd要根据交互改变", select=["lost-bytes"])
    assert finding.fix is not None and finding.fix.edits[0].replacement == "需"
    assert finding.fix.applicability is Applicability.SAFE
    assert recovery.utf8_with_holes("闇\ufffd", gb18030=True, after="要") == [("需",)]
    assert recovery.utf8_with_holes("屻\ufffd\ufffd", gb18030=True) is None  # no lead
    pieces = recovery.utf8_with_holes("楠屻\ufffd\ufffd", gb18030=True)
    assert pieces is not None and pieces[0] == "验" and len(pieces[1]) == 64


def test_a_question_mark_before_a_continuation_byte_hid_the_next_lead() -> None:
    """们 is E4 BB AC and 的 E7 9A 84: cp936 could not read AC E7 and wrote one ``?``
    for both (it leaves no lone byte before a byte it could pair): ``浠?殑`` is 们 and
    a character that ends in 9A 84, 的 among them."""
    damaged = read_cp936("我们的页面".encode()[3:], "?")
    assert damaged == "浠?殑椤甸潰"
    pieces = recovery.utf8_with_holes(damaged)
    assert pieces is not None and pieces[2:] == ["页", "面"]
    assert "们" in pieces[0] and "的" in pieces[1]
    assert len(pieces[1]) == 15  # leads E0–EF but ED (ED 9A 84 is a surrogate)
    # Only a three-byte lead: a third continuation byte (here 存's cp936 B4, the
    # character already re-decoded) is no part of it, and such a window does not read.
    assert recovery.utf8_with_holes("琚?紦存") is None
    assert recovery.utf8_with_holes("琚?紦") is not None
