"""The fast ``pinyin-annotation``, ``stray-comma`` and ``halfwidth-punctuation`` checks
report exactly what plain reference versions of them report.

The rules were rewritten for speed (issue 7: thousands of findings in a damaged
document): one regular expression that finds only real candidates, per-annotation
decisions made once per distinct annotation, the findings built with the least work.
The references below are the straightforward versions they replaced (a ``str.find`` per
parenthesis and a character test per letter; a protected-region test per mark). Both
run on everything with these defects that the project has, and the findings must be
identical: rule, code, start, end, message, fix edits and applicability, and order.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest
from conftest import FIXTURES, SEEDS
from damage import FAMILIES, corpus, lossy_gb2312, lossy_utf8_as_gbk

from cnfix.model import Applicability, Document, Edit, Finding, Fix, one_edit_finding
from cnfix.rules import annotation, punctuation
from cnfix.rules.annotation import PINYIN_ANNOTATION
from cnfix.rules.punctuation import FULLWIDTH, HALFWIDTH_PUNCTUATION, STRAY_COMMA, contexts
from cnfix.text import pinyin
from cnfix.text.charmodel import char_costs
from cnfix.text.chars import CHINESE, is_han
from cnfix.text.kinds import kind_for_name
from cnfix.text.pinyin import parse_reading
from cnfix.text.regions import protected_regions

# --- reference: pinyin-annotation -------------------------------------------------------

_OPEN = "(（"
_CLOSE = ")）"


_PAIRS = {"(": ")", "（": "）"}
_DAMAGE = "?？\ufffd"
_MAX = 10


def _in_reading(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char == ":"
    return (
        "\u00c0" <= char <= "\u024f" or "\u0300" <= char <= "\u036f" or "\u1e00" <= char <= "\u1eff"
    )


def _positions(text: str, chars: str) -> list[int]:
    return sorted(i for i, char in enumerate(text) if char in chars)


def _reference_annotations(doc: Document) -> list[tuple[int, int, str, str, int | None, bool]]:
    """(start, end, char, syllable, tone, embedded) of every intact annotation."""
    text = doc.text
    found = []
    protected = protected_regions(doc)
    for start in _positions(text, _OPEN):
        if start == 0 or not is_han(text[start - 1]):
            continue
        close = text.find(_PAIRS[text[start]], start + 2, start + _MAX + 2)
        if close == -1:
            continue
        written = text[start + 1 : close]
        if not all(_in_reading(c) for c in written):
            continue
        parsed = parse_reading(written)
        if parsed is None or not pinyin.is_reading_of(text[start - 1], *parsed):
            continue
        if protected and protected.covers(start):
            continue
        end = close + 1
        embedded = end < len(text) and is_han(text[end])
        found.append((start, end, text[start - 1], *parsed, embedded))
    return found


def _reference_damaged(text: str, artifact: bool, whole: set[int]) -> Iterator[Finding]:
    if artifact:
        candidates = []
        for close in _positions(text, _CLOSE):
            if close in whole:
                continue
            begin = close
            while begin > 0 and close - begin < _MAX and _in_reading(text[begin - 1]):
                begin -= 1
            if 0 < begin < close:
                candidates.append((begin, close))
    else:
        candidates = []
        for mark in _positions(text, _DAMAGE):
            close = mark + 1
            while close < len(text) and close - mark <= _MAX and _in_reading(text[close]):
                close += 1
            if close > mark + 1 and close < len(text) and text[close] in _CLOSE:
                candidates.append((mark + 1, close))
    for begin, close in candidates:
        before = text[begin - 1]
        if before in _DAMAGE or (artifact and is_han(before)):
            start, where = begin, "that lost its '(' in damaged text"
        elif (
            artifact
            and before in _OPEN
            and _PAIRS[before] == text[close]
            and begin >= 3
            and text[begin - 2].isascii()
            and text[begin - 2].isalpha()
            and (text[begin - 3] in _DAMAGE or is_han(text[begin - 3]))
        ):
            start = begin - 1
            where = f"after the stray letter {text[begin - 2]!r} in damaged text"
        else:
            continue
        parsed = parse_reading(text[begin:close])
        if parsed is None or parsed[1] is None:
            continue
        yield PINYIN_ANNOTATION.finding(
            start,
            close + 1,
            f'pinyin annotation "{text[start : close + 1]}" {where}',
            Fix(
                (Edit(start, close + 1),),
                "Remove the annotation once the damaged text around it is repaired",
                Applicability.DISPLAY,
            ),
        )


def _reference_repeats(text: str, end: int, char: str) -> int:
    """The end of the annotations of ``char`` written again right after ``end``."""
    while end < len(text) and text[end] in _OPEN:
        close = text.find(_PAIRS[text[end]], end + 2, end + _MAX + 2)
        if close == -1:
            break
        written = text[end + 1 : close]
        parsed = parse_reading(written) if all(_in_reading(c) for c in written) else None
        if parsed is None or not pinyin.is_reading_of(char, *parsed):
            break
        end = close + 1
    return end


def _reference_lost_close(doc: Document) -> Iterator[Finding]:
    """``(`` and a run of at most ``_MAX`` reading characters right before Han, after Han."""
    text = doc.text
    protected = protected_regions(doc)
    at = 1
    while at < len(text):
        if text[at] not in _OPEN or not is_han(text[at - 1]):
            at += 1
            continue
        end = at + 1
        while end < len(text) and _in_reading(text[end]):
            end += 1
        run = text[at + 1 : end]
        parsed = parse_reading(run) if 0 < len(run) <= _MAX else None
        if (
            parsed is None
            or end >= len(text)
            or not is_han(text[end])
            or not pinyin.is_reading_of(text[at - 1], *parsed)
        ):
            at += 1
            continue
        if not (protected and protected.covers(at)):
            yield PINYIN_ANNOTATION.finding(
                at,
                end,
                f'pinyin annotation "{text[at:end]}" after {text[at - 1]} that lost its ")"',
                Fix((Edit(at, end),), "Remove the pinyin annotation"),
            )
        at = end


def reference_pinyin_annotation(doc: Document) -> Iterator[Finding]:
    text = doc.text
    found = _reference_annotations(doc)
    costs = char_costs()
    on_common = [
        a for a in found if costs.get(a[2], annotation.RARE_HAN_COST) <= annotation.COMMON_COST
    ]
    common = len(on_common)
    usual = sum(1 for a in on_common if pinyin.is_usual_reading(a[2], a[3], a[4]))
    pairs = [(a[2], a[3]) for a in found]
    repeats = len(pairs) - len(set(pairs))
    unmarked = sum(1 for a in found if a[4] is None or text[a[1] - 2].isdigit())
    artifact = (
        repeats >= annotation.MIN_REPEATS
        or unmarked >= annotation.MIN_UNMARKED
        or (
            usual >= annotation.MIN_ARTIFACT
            and common * 2 >= len(found)
            and (repeats > 0 or usual >= annotation.MIN_UNREPEATED)
        )
    )
    suspect = not artifact and common >= annotation.MIN_SUSPECT and common * 2 >= len(found)
    syllables: dict[str, set[str]] = {}
    tones: dict[str, set[int]] = {}
    for _, _, char, syllable, tone, _ in found:
        syllables.setdefault(char, set()).add(syllable)
        if tone is not None:
            tones.setdefault(char, set()).add(tone)
    conflicting = {c for c, s in syllables.items() if len(s) > 1}
    conflicting |= {c for c, t in tones.items() if len(t) > 1}
    for start, end, char, _, _, _ in found:
        message = f'pinyin annotation "{text[start:end]}" after {char}'
        if artifact:
            applicability = Applicability.SAFE
            end = _reference_repeats(text, end, char)
        elif (
            suspect
            and char not in conflicting
            and costs.get(char, annotation.RARE_HAN_COST) <= annotation.COMMON_COST
        ):
            applicability = Applicability.UNSAFE
            message += " (may be a gloss)"
        else:
            continue
        yield PINYIN_ANNOTATION.finding(
            start,
            end,
            message,
            Fix((Edit(start, end),), "Remove the pinyin annotation", applicability),
        )
    if artifact:
        yield from _reference_lost_close(doc)
    yield from _reference_damaged(text, artifact, {a[1] - 1 for a in found})


# --- reference: stray-comma and halfwidth-punctuation ----------------------------------

_MARKS = ",;:!?"
_WIDE_MARKS = "，。、；：！？"


def _char_in(char: str, cls: str) -> bool:
    return re.fullmatch(f"[{cls}]", char) is not None


def _stray_run_end(text: str, at: int) -> tuple[int, bool] | None:
    """Where the stray run that starts with the comma at ``at`` ends, and whether only
    its line's Han makes it stray (the ``latin`` case), or None: the alternatives of the
    rule tried one after another, each reading the run of commas after ``at`` and backing
    off as a regular expression does."""
    run = at + 1
    while run < len(text) and text[run] == ",":
        run += 1
    after = text[run] if run < len(text) else ""
    before = text[at - 1] if at else ""
    if before and _char_in(before, CHINESE):
        if after and after in _MARKS + _WIDE_MARKS:
            return run, False
        if run - at > 1:
            return run - 1, False  # the last comma is itself the mark the run stands before
    if after and after in _WIDE_MARKS:
        return run, False
    line = text[text.rfind("\n", 0, at) + 1 :].split("\n", 1)[0]
    if not any(is_han(char) for char in line):
        return None
    if after and after in _MARKS:
        return run, True
    if run - at > 1:
        return run - 1, True  # the last comma is itself the mark the run stands before
    return None


def reference_stray_comma(doc: Document) -> Iterator[Finding]:
    """Every comma tested one position at a time; the ``latin`` runs count only in a
    document with a run in Chinese context."""
    text = doc.text
    if doc.kind == "table":
        return
    protected = protected_regions(doc)
    runs: list[tuple[int, int, bool]] = []
    at = 0
    while at < len(text):
        read = _stray_run_end(text, at) if text[at] == "," else None
        if read is None:
            at += 1
            continue
        end, latin = read
        runs.append((at, end, latin))
        at = end
    if all(latin for _, _, latin in runs):
        return
    for at, end, _ in runs:
        if not (protected and (protected.covers(at) or protected.covers(end - 1))):
            count = end - at
            following = text[end]
            yield STRAY_COMMA.finding(
                at,
                end,
                f"stray ASCII comma before {following!r}"
                if count == 1
                else f"{count} stray ASCII commas before {following!r}",
                Fix(
                    (Edit(at, end),),
                    "Remove the stray comma" if count == 1 else "Remove the stray commas",
                ),
            )


_OPENING = "“‘「『《【〔（"


def _context(text: str, at: int) -> tuple[str, int] | None:
    """``_contexts``'s reading, unless the mark follows a quote, dash or ellipsis that
    Western text writes too and no Chinese comes before that or after the mark."""
    read = _contexts(text, at)
    before = text[at - 1] if at else ""
    if read is None or not before or before not in "“”‘’…—·":
        return read
    back = at - 1
    while back > 0 and text[back - 1] in "“”‘’…—·":
        back -= 1
    if back and _char_in(text[back - 1], CHINESE):
        return read
    end = read[1]
    if end < len(text) and _char_in(text[end], CHINESE):
        return read
    return None  # Western text: `hin“: Von`


def _after_chinese_link(text: str, at: int) -> bool:
    """True when a Markdown link whose text holds Han ends right before ``at``."""
    if not at or text[at - 1] != ")":
        return False
    target = at - 2
    while target >= 0 and text[target] not in "()" and not text[target].isspace():
        target -= 1
    if target < 1 or text[target] != "(" or text[target - 1] != "]" or at - 2 - target < 1:
        return False
    if at - 2 - target > 500:
        return False
    label = target - 2
    while label >= 0 and text[label] not in "[]\n":
        label -= 1
    if label < 0 or text[label] != "[":
        return False
    inside = text[label + 1 : target - 1]
    han = [index for index, char in enumerate(inside) if is_han(char)]
    return any(index <= 200 and len(inside) - index - 1 <= 200 for index in han)


def _contexts(text: str, at: int) -> tuple[str, int] | None:
    """How a flattened document reads the mark at ``at``: ``("safe" | "unsafe", end of
    its fix)``, or None. The contexts of the rule's docstring, one test at a time."""
    mark = text[at]
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    chinese = bool(before) and _char_in(before, CHINESE)
    spaces = at + 1
    while spaces < len(text) and text[spaces] == " ":
        spaces += 1
    beyond = text[spaces] if spaces < len(text) else ""
    if chinese and mark != "!" and after not in (" ", "\t"):
        return "safe", at + 1
    if chinese and mark == "!" and after not in (" ", "\t", "["):
        return "safe", at + 1
    glued = at + 1
    while glued < len(text) and text[glued] in "*_":
        glued += 1
    glued_han = glued < len(text) and is_han(text[glued])
    if before and _char_in(before, 'A-Za-z0-9%)>.*_`" ') and glued_han:
        return "safe", at + 1
    if chinese and spaces > at + 1 and beyond and (is_han(beyond) or beyond in _OPENING):
        return "safe", spaces
    if chinese and spaces > at + 1 and beyond and _char_in(beyond, "A-Za-z0-9`*\\[<"):
        return "safe", at + 1
    if before and _char_in(before, "A-Za-z0-9%)") and spaces > at + 1 and is_han(beyond):
        return "unsafe", spaces
    if before and _char_in(before, "A-Za-z0-9)*_`"):
        rest = text[at + 1 :].split("\n", 1)[0]
        line_end = rest.strip(" \t") == ""
        code_next = rest[:1] in (" ", "\t") and rest.lstrip(" \t")[:1] in ("`", "{")
        if (line_end or code_next) and contexts.clause_has_han(text, at):
            return "safe", at + 1
    return None


def reference_halfwidth_punctuation(doc: Document) -> Iterator[Finding]:
    """The committed rule's logic with a test per mark and a membership test per mark.

    The pairs (``paren_pairs``), the clause test and the loss markers are the rule's
    own functions: what is compared is the scan of the marks, the counting shortcuts and
    the protected-region test."""
    text = doc.text
    if not any(mark in text for mark in ",;:!?(") or not punctuation.MARK_BY_NON_ASCII_RE.search(
        text
    ):
        return
    protected = protected_regions(doc)

    def allowed(position: int) -> bool:
        if doc.kind == "table" and text[position] == ",":
            return False
        if not (protected and protected.covers(position)):
            return True
        return punctuation._ends_region_before_han(text, protected, position)

    fullwidth = sum(text.count(mark) for mark in "，；：！？（）")

    def flattened(fullwidth: int, ascii_marks: int) -> bool:
        return bool(ascii_marks) and fullwidth * 10 <= ascii_marks

    safe: list[int] = []
    unsafe: list[int] = []
    ends: dict[int, int] = {}
    parens: list[tuple[int, int]] = []
    if flattened(fullwidth, sum(text.count(mark) for mark in _MARKS)):
        parens = punctuation.paren_pairs(doc) if "(" in text else []
        scanned = list(text)
        for open_at, end in parens:
            scanned[open_at], scanned[end - 1] = "（", "）"
        scanned_text = "".join(scanned)
        for at, char in enumerate(scanned_text):
            if char not in _MARKS:
                continue
            read = _context(scanned_text, at)
            if (
                (
                    char == ","
                    and at > 0
                    and scanned_text[at - 1].isascii()
                    and (scanned_text[at - 1].isalnum() or scanned_text[at - 1] == ".")
                    and re.match("[A-Za-z]{2}", scanned_text[at + 1 : at + 3])
                    and contexts.latin_comma(scanned_text, at)
                )
                or _after_chinese_link(scanned_text, at)
                or (read is not None and read[0] == "safe")
            ):
                read = ("safe", read[1] if read else at + 1)
            if read is not None and allowed(at):
                (safe if read[0] == "safe" else unsafe).append(at)
                if read[1] > at + 1:
                    ends[at] = read[1]
    if not flattened(fullwidth, len(safe) + len(unsafe)):
        safe = [
            at
            for at, char in enumerate(text)
            if char in _MARKS
            and 0 < at < len(text) - 1
            and is_han(text[at - 1])
            and is_han(text[at + 1])
            and allowed(at)
        ]
        unsafe, parens, ends = [], [], {}
    markers = punctuation._loss_markers(text, safe + unsafe) if "?" in text else set()
    for positions, applicability in ((safe, Applicability.SAFE), (unsafe, Applicability.UNSAFE)):
        for start in positions:
            if start in markers:
                continue
            mark = text[start]
            end = ends.get(start, start + 1)
            message = f"ASCII {mark!r} in Chinese text; full-width {FULLWIDTH[mark]!r} belongs here"
            if end > start + 1:
                message += " (the space after it goes too)"
            yield HALFWIDTH_PUNCTUATION.finding(
                start,
                end,
                message,
                Fix((Edit(start, end, FULLWIDTH[mark]),), "Use full width", applicability),
            )
    for open_at, end in parens:
        yield HALFWIDTH_PUNCTUATION.finding(
            open_at,
            end,
            "ASCII parentheses around Chinese text; full-width （） belong here",
            Fix(
                (Edit(open_at, open_at + 1, "（"), Edit(end - 1, end, "）")),
                "Use full-width parentheses",
            ),
        )


PAIRS_UNDER_TEST = [
    (annotation.check_pinyin_annotation, reference_pinyin_annotation),
    (punctuation.check_stray_comma, reference_stray_comma),
    (punctuation.check_halfwidth_punctuation, reference_halfwidth_punctuation),
]

# --- samples ------------------------------------------------------------------------------


def _readings_by_char() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for key, chars in sorted(pinyin.readings_table().items()):
        for char in chars:
            table.setdefault(char, []).append(key)
    return table


_TONED = {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù", "ü": "ǖǘǚǜ"}


def _write(key: str, rng: random.Random) -> str:
    """A reading ``yi1`` written the ways converters write it."""
    syllable, tone = key[:-1], int(key[-1])
    style = rng.choice(["mark", "mark", "number", "none", "upper", "wrong"])
    if style == "number":
        return key
    if style == "none":
        return syllable
    if style == "upper":
        return syllable.upper()
    if style == "wrong":
        return syllable + str((tone % 4) + 1)
    if tone == 5:
        return syllable
    for vowel in ("a", "e", "ou", "o", "iu", "ui", "i", "u", "ü"):
        if vowel in syllable:
            at = syllable.index(vowel) + len(vowel) - 1
            return syllable[:at] + _TONED[syllable[at]][tone - 1] + syllable[at + 1 :]
    return syllable


def annotate(text: str, rng: random.Random, every: int) -> str:
    """Glue a reading after each ``every``-th annotatable character of some chosen few
    (the artifact), with slips: full-width and mismatched parentheses, lost ``(``, stray
    letters and damage marks."""
    table = _readings_by_char()
    chosen = sorted({c for c in text if c in table and rng.random() < 0.05})
    usual = {char: rng.choice(table[char]) for char in chosen}  # one reading throughout
    out = []
    seen = 0
    for char in text:
        out.append(char)
        if char not in usual:
            continue
        seen += 1
        if seen % every:
            continue
        key = usual[char] if rng.random() < 0.9 else rng.choice(table[char])
        written = _write(key, rng)
        opener, closer = rng.choice([("(", ")"), ("(", ")"), ("（", "）"), ("(", "）")])
        slip = rng.random()
        if slip < 0.05:
            out.append(f"{written}{closer}")  # lost its (
        elif slip < 0.08:
            out.append(f"?{written}{closer}")
        elif slip < 0.1:
            out.append(f"F{opener}{written}{closer}")
        else:
            out.append(f"{opener}{written}{closer}")
    return "".join(out)


def flatten(text: str) -> str:
    """The width damage: full-width marks to ASCII, ``，`` doubled as the seeds have it."""
    table = str.maketrans("；：！？（）", ";:!?()")
    return text.replace("，", ",,").replace("。", ",。").translate(table)


def _samples() -> list[tuple[str, str, str]]:
    """(label, kind, text), deterministic."""
    samples = []
    for folder in ("pinyin-annotation", "stray-comma", "halfwidth-punctuation", "negative"):
        for path in sorted((FIXTURES / folder).glob("*.in.*")):
            samples.append((f"{folder}/{path.name}", kind_for_name(path), path.read_text()))
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for number, text in enumerate(seeds):
        samples.append((f"seed {number}", "text", text))
    samples.append(("seeds joined", "text", "".join(seeds)))
    docs = corpus()
    samples.extend((name, "text", text) for name, text in docs)
    rng = random.Random("rule-speed/damaged")
    for name, text in rng.sample(docs, 40):
        piece = text[:4000]
        annotated = annotate(piece, rng, rng.choice([1, 1, 2, 5]))
        samples.append((f"annotated/{name}", "text", annotated))
        samples.append((f"flattened/{name}", "text", flatten(piece)))
        samples.append((f"both/{name}", "text", flatten(annotated)))
        samples.append((f"commas/{name}", "text", piece.replace("，", ",,").replace("。", ",。")))
        samples.append((f"markdown/{name}", "markdown", flatten(annotated)))
        samples.append((f"table/{name}", "table", flatten(annotated)))
    for family, (damage, scripts) in FAMILIES.items():
        for name, text in rng.sample([d for d in docs if d[0].split("/")[0] in scripts], 3):
            damaged = damage(annotate(text[:1500], rng, 1))
            if damaged is not None:
                samples.append((f"{family}/{name}", "text", damaged))
    for name, text in rng.sample(docs, 10):
        annotated = annotate(text[:2000], rng, 1)
        samples.append((f"gb2312 ?/{name}", "text", lossy_gb2312(annotated)))
        samples.append((f"utf8 as gbk lossy/{name}", "text", lossy_utf8_as_gbk(annotated)))
    return samples


SAMPLES = _samples()


def _alphabet() -> str:
    table = _readings_by_char()
    han = "".join(sorted(table)[:: max(1, len(table) // 40)])
    return han + "醫學習中文,,,;:!?()（）。，、？！：；\ufffd yixuéYĪ1:2v`[]<>/.@\n"


@pytest.mark.parametrize("fast, reference", PAIRS_UNDER_TEST, ids=lambda f: f.__name__)
def test_same_findings_on_every_sample(fast, reference) -> None:  # type: ignore[no-untyped-def]
    for label, kind, text in SAMPLES:
        doc = Document(text, kind=kind)
        assert list(fast(doc)) == list(reference(doc)), label


def dense_strings(rng: random.Random, count: int) -> Iterator[str]:
    """Short strings dense in what the rules look at: parentheses, readings (some
    without their ``)``, some written twice), marks, damage marks."""
    alphabet = _alphabet()
    table = _readings_by_char()
    chars = sorted(table)
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 12)):
            if rng.random() < 0.3:
                char = rng.choice(chars)
                parts.append(char + rng.choice("(（") + _write(rng.choice(table[char]), rng))
                parts.append(rng.choice(")）") if rng.random() < 0.9 else "")
                if rng.random() < 0.2:  # written again: the converter ran twice
                    parts.append(rng.choice("(（") + _write(rng.choice(table[char]), rng))
                    parts.append(rng.choice(")）") if rng.random() < 0.9 else "")
            else:
                parts.append("".join(rng.choices(alphabet, k=rng.randint(1, 8))))
        yield "".join(parts)


@pytest.mark.parametrize("fast, reference", PAIRS_UNDER_TEST, ids=lambda f: f.__name__)
def test_same_findings_on_random_strings(fast, reference) -> None:  # type: ignore[no-untyped-def]
    """Short strings dense in what the rules look at: parentheses, readings, marks."""
    for text in dense_strings(random.Random("rule-speed/random"), 3000):
        for kind in ("text", "markdown", "table"):
            doc = Document(text, kind=kind)
            assert list(fast(doc)) == list(reference(doc)), (kind, text)


FRAGMENTS = (
    "that lost its '('",
    "after the stray letter",
    'that lost its ")"',
    "may be a gloss",
    "stray ASCII comma before",
    "stray ASCII commas before",
    "in Chinese text; full-width",
    "the space after it goes too",
    "ASCII parentheses around",
)


def test_the_samples_hold_what_the_rules_find() -> None:
    """The comparison means something: every kind of finding occurs in the samples."""
    kinds: set[tuple[str, Applicability]] = set()
    fragments: set[str] = set()
    for _, kind, text in SAMPLES:
        doc = Document(text, kind=kind)
        for fast, _ in PAIRS_UNDER_TEST:
            for finding in fast(doc):
                assert finding.fix is not None
                kinds.add((finding.rule, finding.fix.applicability))
                fragments.update(f for f in FRAGMENTS if f in finding.message)
    assert fragments == set(FRAGMENTS)
    assert {
        ("pinyin-annotation", Applicability.SAFE),
        ("pinyin-annotation", Applicability.UNSAFE),
        ("pinyin-annotation", Applicability.DISPLAY),
        ("stray-comma", Applicability.SAFE),
        ("halfwidth-punctuation", Applicability.SAFE),
        ("halfwidth-punctuation", Applicability.UNSAFE),
    } <= kinds


def test_reference_stray_comma_reads_the_pattern_as_documented() -> None:
    """A run of commas up to the last one before the mark; after Chinese, or before a
    full-width mark, or after Latin before a mark that Han follows."""
    text = "動員會,,對醫院,,,要部署,。好,a,、1.5%,,其"
    found = [(f.start, f.end) for f in reference_stray_comma(Document(text))]
    assert found == [(3, 4), (8, 10), (14, 15), (19, 20), (25, 26)]


EDGES = [
    "(yī)醫院",  # a parenthesis at the start: no character before it
    "醫(yī)",  # an annotation at the end: not embedded
    "醫(yī）院醫（yī)院醫(yī)院醫（yī）院",  # mismatched pairs
    "𠀀(yī)院醫(yī)院醫(yī)院醫(yī)院",  # a supplementary-plane character before
    "醫(yīyīyīyīyī)院醫(yī)院醫(yī)院",  # a run longer than a reading
    "兼?zhèn)涞醫(yī)院醫(yī)院醫(yī)院崿F(xiàn)行",  # lost '(' and a stray letter
    "行(xíng)院行(háng)院醫(yī)院醫(yī)院醫(yī)院",  # a conflicting character
    "醫(yī)院醫(yī)院",  # two: may be glosses
    "醫(yī)院 https://x.org/醫(yī)院 醫(yī)院醫(yī)院",  # one inside a URL
    "日,,湖北,,,要,。好,a,、中文,English中文, 中文100%,其中(关沮院区)",
    "落地; 要充分, English, 中文 Windows, 中文(GB2760-2011)規定,(WHO)和(二)辦理",
    "醫(yī)(yī)院醫(yī院醫(yī)院醫（yī）（yī）院學(xué)習,1.5%,,其(device),,\n什么是 React?\n",
    "協議」(ECFA)於,總統 API(大致上)是,ICRT(International Radio) 及 print(中文)。",
    "兼?zhèn)涞,什么?你,程?!痹趹,https://x.org/a),其中",
]


@pytest.mark.parametrize("fast, reference", PAIRS_UNDER_TEST, ids=lambda f: f.__name__)
@pytest.mark.parametrize("text", EDGES)
def test_same_findings_on_edge_cases(fast, reference, text: str) -> None:  # type: ignore[no-untyped-def]
    for kind in ("text", "markdown", "table"):
        doc = Document(text, kind=kind)
        assert list(fast(doc)) == list(reference(doc)), kind


def test_the_reading_cache_may_be_emptied_between_documents() -> None:
    """The remembered readings are a pure look-up: emptied before every document, the
    findings are the same."""
    for label, kind, text in SAMPLES[:200]:
        annotation._reading_of_key.cache_clear()
        doc = Document(text, kind=kind)
        assert list(annotation.check_pinyin_annotation(doc)) == list(
            reference_pinyin_annotation(doc)
        ), label


def test_placeholder_pattern_finds_what_its_plain_spelling_finds() -> None:
    """``PLACEHOLDER_RE`` is spelled so that every branch starts with a character (fast to
    skip to); its runs are those of the plain spelling on random mixes of its characters."""
    from cnfix.text.chars import PLACEHOLDER_RE

    plain = re.compile("(?:锟斤拷)+(?:锟斤?)?|\ufffd+|烫{3,}|屯{3,}")
    rng = random.Random(18)
    alphabet = "锟斤拷\ufffd烫屯中a"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        spans = [m.span() for m in PLACEHOLDER_RE.finditer(text)]
        assert spans == [m.span() for m in plain.finditer(text)], text


@pytest.mark.parametrize("replacement", ["", "，"])
@pytest.mark.parametrize("applicability", list(Applicability))
def test_one_edit_finding_is_what_the_named_tuples_build(replacement, applicability) -> None:  # type: ignore[no-untyped-def]
    """The rules above build their findings with ``one_edit_finding`` (no generated
    constructors): the same values, of the same types, as the constructors build."""
    fast = one_edit_finding("r", "X001", 3, 5, "message", replacement, "title", applicability)
    plain = Finding(
        "r", "X001", 3, 5, "message", Fix((Edit(3, 5, replacement),), "title", applicability)
    )
    assert fast == plain
    assert type(fast) is Finding and type(fast.fix) is Fix and type(fast.fix.edits[0]) is Edit
    assert fast.fix.edits[0]._asdict() == plain.fix.edits[0]._asdict()
    assert one_edit_finding("r", "X001", 3, 5, "m", "", "t") == Finding(
        "r", "X001", 3, 5, "m", Fix((Edit(3, 5),), "t")
    )
