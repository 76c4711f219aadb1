"""Mixed Traditional and Simplified Chinese: find the minority characters, unify the text.

Detection is table lookup only (tables generated from OpenCC's dictionaries by
``scripts/gen_script_tables.py``, and from CC-CEDICT's word list by
``scripts/gen_script_words.py``); OpenCC itself (through :mod:`cnfix.adapters.opencc`) is called
only to confirm a phrase probe and to build repairs, once per configuration for all the
windows of a text, which are remembered (:func:`convert_all`: a damaged text has
thousands, and its repair passes ask again). Clean text takes a cheap path: one
search per script for the text (or per run of paragraphs: the paragraph split counts
only the paragraphs a search points at), one pass of a character class over Traditional
text, and phrase or word lookups only where a probed character has a telling neighbour.

The package, by section: :mod:`.options` (``--to``), :mod:`.tables` and :mod:`.charclass`
(the data), :mod:`.state` (what one check remembers), :mod:`.units` (what is judged on
its own), :mod:`.probes`, :mod:`.regional` and :mod:`.standards` (shared characters in
context; regional remnants as data; the Traditional standards), :mod:`.judge` (majority
and minority), :mod:`.repairs` (the changes), :mod:`.spellings` (the text's own spelling
of a word decides its remnants) and :mod:`.view` (both, through romanisation glosses).
"""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Iterator

from cnfix.model import Applicability, BulkFixes, Document, Edit, Finding, Fix, Rule
from cnfix.rules.script.judge import judge
from cnfix.rules.script.options import (
    HANS,
    HANT,
    SCRIPT_NAMES,
    STANDARD_NAMES,
    VOCABULARY_TARGETS,
    validate_target_script,
)
from cnfix.rules.script.repairs import Change
from cnfix.rules.script.state import CheckState
from cnfix.rules.script.tables import tables
from cnfix.rules.script.units import units
from cnfix.rules.script.view import unit_changes
from cnfix.rules.script.vocabulary import vocabulary_edits
from cnfix.text.chars import HAN_RE, PLACEHOLDER_RE
from cnfix.text.regions import protected_regions

#: A safe fix as a bare edit ``(start, end, replacement)``, where no one reads the finding
BareEdit = tuple[int, int, str]

__all__ = ["MIXED_SCRIPT", "bulk_mixed_script", "check_mixed_script"]


#: A change's position (its first field), as a sort key
_POSITION = operator.itemgetter(0)


def _runs(changes: list[Change]) -> Iterator[list[Change]]:
    """Adjacent changes of the same kind and safety, as runs (one finding each)."""
    run: list[Change] = []
    for change in sorted(changes, key=_POSITION):
        if run and (
            change.position != run[-1].position + 1
            or (change.safe, change.variant) != (run[-1].safe, run[-1].variant)
        ):
            yield run
            run = []
        run.append(change)
    if run:
        yield run


def check_mixed_script(doc: Document) -> Iterator[Finding]:
    """Traditional and Simplified characters mixed in one text.

    Example: seed 003, a Simplified article machine-converted to Traditional, keeps
    ``紅安干部學院`` (幹部), ``示范`` / ``規范`` (示範 / 規範), ``戰斗`` (戰鬥) and ``持之以恒``
    (恆) — 9 remnants among ~1,500 Han characters. The reverse happens too: ``們`` or
    ``有著`` left in Simplified text.

    Why: a reader sees typos; search, deduplication and every tool that counts
    characters treat 干部 and 幹部 as different words. Yes/no detectors flag a whole
    document for one character and converters rewrite good text (OpenCC's ``s2t`` turns
    Taiwan's 吃/群 into 喫/羣), so this rule reports *where* and changes only that.

    How it judges: every Han character is Simplified-only (们 这 并 发 恒), Traditional-only
    (們 這 並 為 爲 裡 裏 喫) or shared (干 于 里 后 台 面 周 吃 群), by tables generated from
    OpenCC's own dictionaries (``scripts/gen_script_tables.py``). Shared characters count
    only where a phrase of OpenCC's phrase dictionaries gives them another form in the
    majority script (干部 → 幹部, 关于 → 關於, 战斗 → 戰鬥; in Simplified text TSPhrases,
    STPhrases read backwards (关於 → 关于) and our 著 → 着 table: 有著 → 有着). Character
    defaults never count (岳勇: 岳 → 嶽/岳 has no phrase); a phrase that starts at the
    character and keeps it wins (新征程: 征程), and one that changes a single half of a
    reduplication (郁郁 → 鬱郁; Cantonese 郁郁 "keep moving") is an artefact, no evidence,
    and so is a person's name among the phrases (黄世杰 → 黃世傑) where a name stands.
    The forms Taiwan and Hong Kong standards write are accepted in Traditional text and
    never flagged — 台 占 雇 挂 霉 岩 杯 准 征
    and the words 家具 了解 公布 余杭 余姚 (``data/script_usage.txt``: lists as data, with
    their sources) — and so are a Taiwan village 里 in an address and the Cantonese
    particle 晒 in Cantonese text. The phrase look-ups run on a window read in one script
    first, so that mixed neighbours match (``這里``: 这里 → 這裡). A phrase hit on a
    character that is its own default (周 → 周/週 in 周年) is weak: it never makes a text
    mixed; in a mixed text it is safe where CC-CEDICT's words all agree with the phrase
    (``制造`` → 製造, ``委托`` → 委託), except for 布 周 注, which Taiwan writes as they are
    (布局, 周刊), and otherwise reported as needing review.
    CC-CEDICT's words (``data/script_words.txt``, CC BY-SA 4.0, generated by
    ``scripts/gen_script_words.py``) add the shared characters no OpenCC phrase covers:
    one counts when a word covering it gives it another form and *no* word keeps it
    (``以后`` → 以後, ``客户`` → 戶 in Taiwan text, ``3万`` → 萬 after a numeral; ``皇后``,
    ``了解``, a surname such as ``于右任`` that no word covers, and Hong Kong's ``客户``
    stay). In a text that is mixed anyway, a few shared characters that Traditional text
    hardly writes where no word covers them — 后 于 里 厂 广 种 采 伙 户 么 着 云 叶 党 咨 几
    (``UNDECIDED_IN_TRADITIONAL``) — are reported too, as needing review (``生效后``:
    後/后; ``總統于致詞``: 於/于); they never make a text mixed, so clean text gets no
    finding for them (the 200 clean corpus documents write 后 nowhere and 于 once, as a
    surname). Words and phrases that keep them still do (皇后, 太后, 影后, 于右任), and
    so do 于 read as a surname (``與于卓民，``: one or two characters, then a sign or a
    title), 里 other than after a letter or sign or before 的 (``佛里曼`` stays), 余杭 and
    a village 里. 准 (Taiwan's 簽准) and the name characters 余 岳 范 涂 游 杰 郁 朴 are
    left out; ``余`` after a numeral is decided: ``20余國`` → 20餘國. Of them, 后 于 厂 广 种
    采 么 党 咨 几 are *prose remnants* (``data/script_usage.txt``): modern Traditional prose
    writes them only as remnants, so where a Simplified-only character or a phrase hit
    shows remnants anyway they count as minority and are converted safely (``生效后`` →
    後, ``趨向于`` → 於); so are the words Taiwan spells otherwise though CC-CEDICT records
    both (``伙伴`` → 夥伴), in Taiwan text only, and in written Cantonese 系
    for the copula 係, 哗 → 嘩, the classifier 隻 (``嗰只`` → 嗰隻) and 鐘 "hour" (``兩個钟``).
    In Simplified
    text, ``於`` is a remnant (于) unless it reads as a surname (``，於梨華教授``).

    Classical text (文言, verse: few modern characters such as 的 們 這, and classical
    particles 也 矣 焉 or clauses of 4, 5 or 7 characters) is never modernised: under
    ``auto`` it is left as written, glyph variants (内 将 并 洒) and all, so that 余 "I",
    几 "table", 后 "empress" or 云 "to say" stay; a named ``--to`` still converts it.

    The majority comes from prose: in Markdown, code, block quotations and front matter
    neither vote nor change (a Traditional quotation in a code block of a Simplified
    README). The unit judged is the text (a text over 20,000 characters with both scripts:
    each run of paragraphs of one script). A JSON or JSON Lines file is one decision,
    unless its records clearly differ (each script is the clear script — at least 5
    script-specific characters, nine in ten of one script — of at least 2 records and a
    tenth of the clear ones: a mixed-language dataset); then each record (line) is judged
    on its own. (``--jsonl`` record mode hands the rule one record at a time: each is its
    own decision.) It is *mixed*
    when the minority is at least 0.2 % of its script-specific characters and counts at
    least 2 — or is a single minority-only character (们 in Traditional text) against at
    least 5 of the majority. Japanese text (kana at least a tenth of the Han characters) is
    not judged; a Chinese text quoting a Japanese word is. One finding per run
    of minority characters (every position, in JSON too), with the majority script and
    its share. Romanisation glued between characters (``規(guī)范``) is looked through.

    The fix follows ``--to`` (``Settings.target_script``):

    - ``auto`` (default): convert only the minority characters to the majority script,
      by phrase-aware conversion of a window around each (in the Traditional standard the
      text already uses: Taiwan 裡/為, Hong Kong 為/説, or OpenCC's 裏/爲; written
      Cantonese is Hong Kong's where the forms tie: 濕, not 溼); the rest of the
      text stays byte-identical. ``hans`` / ``hant`` / ``tw`` / ``hk``: the same when the
      text is already mostly in that script; otherwise every character not yet in it is
      converted (Simplified into ``hant`` is written in the Taiwan standard), and ``tw`` /
      ``hk`` also convert variant forms of other standards (爲 → 為; not 搵 溫 稅, which
      Hong Kong text writes beside OpenCC's 揾 温 税: ``hk`` keeps them). A named script is a
      request: no character of the other script is left, those without a deciding
      context get the best candidate in context, safely, and are listed (``uncertain,
      review: 覆/復/複``). ``twp`` / ``hkp``: as ``tw`` / ``hk``, then the region's
      vocabulary from OpenCC's TWPhrases / HKPhrases (软件 → 軟體, 信息 → 資訊, 鼠标 → 滑鼠),
      once the characters are done; only when named. ``keep``: report only. Otherwise
      characters only, never vocabulary, never a round trip of the text.
    - Safe when a phrase decides (干部 → 幹部), or, into Traditional where no OpenCC
      phrase matches, when CC-CEDICT's words around the character give exactly one form
      (``一个人`` → 個: 個人; ``以后`` → 後; a numeral before ``个``/``万``: 6個, 3萬), or
      the character has one form in the target (们 → 們), or its other forms are rare
      next to OpenCC's default (eight times rarer in jieba's counts, ``charfreq.txt``:
      并 → 並, whose rival 併 has its words as phrases; 当 → 當, not 噹; variants such as
      説 or 為/爲 are no ambiguity: the text's standard decides); unsafe, "needs review"
      with the candidates, when a one-to-many character has no phrase and no word or
      words that disagree (``回复``: 覆/復/複) — unless it is Simplified-only and the
      plausibility model (``text/plausibility.py``) prefers one candidate in its context
      by 12 bits (``企業复甦`` → 復甦: safe; ``尽量``: 儘/盡 stays to review; calibrated on
      the Taiwan clean set read back through OpenCC, where from 11 bits no choice was
      wrong) — and for weak hits (``周年``: 周/週/賙). A shared character is never
      decided by the model alone: a character bigram cannot tell 巨額 from 鉅額
      — unless the text spells a word the
      way CC-CEDICT records only as a variant of the decided one and no other word reads
      the character otherwise (``關系`` → 關係, but ``相關系統`` stays). Where OpenCC
      knows a second Traditional spelling of the word (TSPhrases: 计划 is 計劃 or Taiwan's
      計畫) and the text writes that one elsewhere and not the other, the text's own
      spelling is taken, safely (``計划`` → 計畫 in a text that writes 計畫); so is the
      one way the text writes a two-character word elsewhere (``钟意`` → 鐘意 in a Hong Kong
      text that writes 鐘意, ``绕境`` → 遶境 in one that writes 遶境; a candidate to review
      too, ``注解`` → 註解 in a text that writes 註解, unless the character is valid as
      written and the text writes the word so elsewhere too: 周年 beside 週年), and a form that
      OpenCC's Hong Kong standard shares with Simplified (温 揾 税 脱) is a remnant where
      the text writes the other form (溫 搵 稅 脫) at least twice as often. Into
      Simplified, Traditional-only characters are safe (們 → 们). URLs, e-mail addresses
      and Markdown code are never changed.
    - Also unsafe, where a wrong safe fix used to be: an OpenCC phrase that CC-CEDICT's
      words dispute (``历年``: OpenCC 曆年, CC-CEDICT 曆年 and 歷年 — candidates 曆/歷;
      ``更复雜``: the words agree on 複, which comes first). A form the Traditional
      standards write differently (为: Taiwan and Hong Kong 為, OpenCC 爲) is the one the
      text writes elsewhere, else its standard's.
    """
    yield from _found(doc, bare=False)  # type: ignore[misc]


def bulk_mixed_script(doc: Document) -> BulkFixes:
    """``check_mixed_script`` with its safe fixes as bare edits (``BulkFixes``): a damaged
    text has thousands, and their messages cost more than finding them."""
    edits: list[tuple[int, int, int, str]] = []
    rest: list[Finding] = []
    for found in _found(doc, bare=True):
        if isinstance(found, Finding):
            rest.append(found)
        else:
            start, end, replacement = found
            edits.append((start, end, len(edits), replacement))
    edits.sort()
    return BulkFixes(edits, len(edits), rest)


def _found(doc: Document, *, bare: bool) -> Iterator[Finding | BareEdit]:
    """The check's findings, in order; ``bare``: each safe fix as a bare edit instead."""
    target = validate_target_script(doc.settings.target_script)
    vocabulary = VOCABULARY_TARGETS.get(target)
    target = vocabulary or target
    text = doc.text
    if not text or not HAN_RE.search(text):
        return
    protected = None
    state = CheckState()
    text = prose_view(doc)
    spans = units(doc if text is doc.text else dataclasses.replace(doc, text=text), state)
    _, split = state.known("runs", text)
    runs = {(a, b): flags for a, b, *flags in split} if split else {}
    t = tables()
    for start, end in spans:
        unit = text[start:end] if end - start < len(text) else text
        if (start, end) in runs:  # what splitting the text found out about this part
            has_simplified, has_traditional = runs[start, end]
            state.tell(t.simplified_only, unit, has_simplified)
            state.tell(t.traditional_only, unit, has_traditional)
        findings = list(_unit_findings(state, unit, target, start, bare))
        if vocabulary and not findings:  # the characters first; then, next pass, the words
            findings = list(_vocabulary_findings(state, unit, vocabulary, start, bare))
        for finding in findings:
            if protected is None:
                protected = protected_regions(doc)
            if protected and protected.covers(
                finding.start if isinstance(finding, Finding) else finding[0]
            ):
                continue
            yield finding


#: Markdown that is not the document's own prose: block quotations and YAML front matter.
QUOTE_RE = re.compile(r"^[ \t]{0,3}>.*$", re.MULTILINE)
FRONT_MATTER_RE = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def prose_view(doc: Document) -> str:
    """The text of ``doc`` with what does not vote on its script blanked out (same length,
    line breaks kept): what is not prose (``protected_regions``: code, markup, JSON keys,
    program text) and, in Markdown, block quotations and front matter. A Traditional
    quotation in a code block of a Simplified README neither makes the README Traditional
    nor is converted. Asked only of a text that holds both scripts (a clean text never
    pays for the Markdown parser); plain text is its own view. Placeholders of lost data
    (``烫烫烫``, ``屯屯屯``, ``锟斤拷``: GBK readings of filler bytes) are blanked out in every
    kind: they are no Simplified text, and ``lost-bytes`` reports them as they are."""
    text = doc.text
    spans = _placeholders(text)
    if doc.kind != "text":
        spans += _not_prose(doc)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _placeholders(text: str) -> list[tuple[int, int]]:
    """The spans of placeholder runs of lost data in ``text``."""
    runs = [run for run in _PLACEHOLDER_RUNS if run[0] in text]
    if not runs:
        return []
    if "\ufffd" not in text and not any(_holds(text, run) for run in runs):
        return []  # 屯 is a common character (屯門): no run of it, nothing to search for
    return [m.span() for m in PLACEHOLDER_RE.finditer(text)]


#: What each kind of placeholder run but U+FFFD's starts with.
_PLACEHOLDER_RUNS = ("锟斤拷", "烫烫烫", "屯屯屯")


def _holds(text: str, run: str) -> bool:
    """``run in text``, by a search for its first character (a search for one character is
    many times faster than one for several, and these are rare)."""
    at = text.find(run[0])
    while at != -1:
        if text.startswith(run, at):
            return True
        at = text.find(run[0], at + 1)
    return False


def _not_prose(doc: Document) -> list[tuple[int, int]]:
    """The spans of a text with both scripts that do not vote (see :func:`prose_view`)."""
    text = doc.text
    t = tables()
    if not (t.simplified_only.search(text) and t.traditional_only.search(text)):
        return []
    regions = protected_regions(doc)
    spans = list(zip(regions.starts, regions.ends, strict=True))
    if doc.kind == "markdown":
        spans += [m.span() for m in QUOTE_RE.finditer(text)]
        spans += [m.span() for m in FRONT_MATTER_RE.finditer(text)]
    return [(a, b) for a, b in spans if HAN_RE.search(text, a, b)]


def _vocabulary_findings(
    state: CheckState, unit: str, standard: str, offset: int, bare: bool = False
) -> Iterator[Finding | BareEdit]:
    """Words of a Traditional ``unit`` that the region ``standard`` writes otherwise
    (``bare``: as bare edits, all safe)."""
    verdict = judge(state, unit)
    if verdict is None or verdict.majority != HANT:
        return
    region = STANDARD_NAMES[standard]
    for start, end, new in vocabulary_edits(unit, standard):
        if bare:
            yield start + offset, end + offset, new
            continue
        old = unit[start:end]
        edit = Edit(start + offset, end + offset, new)
        fix = Fix((edit,), f"Use {region} vocabulary", Applicability.SAFE)
        message = f"{old} is not {region} vocabulary: {new}"
        yield MIXED_SCRIPT.finding(start + offset, end + offset, message, fix)


def _unit_findings(
    state: CheckState, unit: str, target: str, offset: int = 0, bare: bool = False
) -> Iterator[Finding | BareEdit]:
    """The findings on ``unit``, which starts at ``offset`` in the text (``bare``: each
    safe fix as a bare edit instead)."""
    verdict, wanted, changes = unit_changes(state, unit, target)
    if verdict is None or wanted is None or not changes:
        return
    majority = verdict.majority or wanted
    minority = len(verdict.minority)
    if wanted == majority:
        context = (
            f"in {SCRIPT_NAMES[majority]} text ({verdict.share:.1%} {SCRIPT_NAMES[majority]}; "
            f"{minority} of {verdict.specific} script-specific characters are not)"
        )
    else:  # the script asked for is not the text's: the rule says which, not how it was asked
        context = (
            f"{SCRIPT_NAMES[majority]} text ({verdict.share:.1%} of {verdict.specific} "
            f"script-specific characters), target script {SCRIPT_NAMES[wanted]}"
        )
    for run in _runs(changes):
        first, last = run[0].position, run[-1].position + 1
        new = "".join(change.replacement for change in run)
        if bare and run[0].safe and target != "keep":
            yield first + offset, last + offset, new
            continue
        old = unit[first:last]
        if run[0].variant:
            message = f"{old} is not the {STANDARD_NAMES[target]} form: {new}"
        elif wanted != majority:
            message = f"{old} → {new}: {context}"
        else:
            kind = SCRIPT_NAMES[HANS if majority == HANT else HANT]
            message = f"{kind} {old} {context}: {new}"
        options = " ".join("/".join(change.candidates) for change in run if change.candidates)
        if not run[0].safe:
            message += f" (needs review: {options})"
        elif options:  # a named script: converted to the best candidate in context
            message += f" (uncertain, review: {options})"
        fix = None
        if target != "keep":
            applicability = Applicability.SAFE if run[0].safe else Applicability.UNSAFE
            title = f"Convert to {SCRIPT_NAMES[wanted]}"
            fix = Fix((Edit(first + offset, last + offset, new),), title, applicability)
        yield MIXED_SCRIPT.finding(first + offset, last + offset, message, fix)


MIXED_SCRIPT = Rule(
    code="S001",
    name="mixed-script",
    summary="Traditional and Simplified characters mixed in one text",
    fix_safety="mixed",
    check=check_mixed_script,
)
