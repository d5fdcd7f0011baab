"""Incentives: the money a plan promises (subsidies, rewards, grants, interest subsidies) as facts.

Why a class of its own: "给予最高50万元扶持" or "按实际投资额的5%给予补助" are not goals the plan
commits to reach, yet a number with a unit looks like a target. Researchers compare them across
cities (how generous, for what, on which condition), so they are read here and targets.py leaves
them alone (it asks `incentive_spans` / `is_threshold` which numbers are not targets).

An incentive is a money amount (元, 万元, 亿元 ...) or a rate (x%) in a clause that grants something:
the clause has a grant verb (给予, 予以) or a kind word (资助, 奖励, 补贴, 补助, 贴息, 扶持 ...), or it
states a cap (最高, 不超过) in a sentence that grants. Amounts that only set the eligibility
("年销售收入首次达到2000万元的企业", "超过10家的") are thresholds: they go into `condition`.
The beneficiary is the noun phrase after 对/对于 (the words after its last 的; what precedes is
the condition). Word lists: extract/patterns/incentive_words.json.
Writes `doc._.policykg["incentives"]` and `doc.spans["policykg_incentives"]` (label INCENTIVE).

DOCS: docs/components.md#incentives
"""
from __future__ import annotations

import bisect
import json
import re
from functools import lru_cache
from pathlib import Path

from ..outline import Outline
from ..result import Incentive
from ..textutil import cn_to_int, to_halfwidth_digits

PATTERNS = Path(__file__).resolve().parents[1] / "patterns"

# 。 between digits is a decimal point. One character class first, then the test (not three
# alternatives, one opening on a look-back): the regex engine skips to the class's characters
_SENTENCE_END = re.compile(r"[！？!?；;\n。](?:(?<!\d。)|(?!\d))")
_CLAUSE_END = re.compile(r"[，;；:：]|(?<!\d),|,(?!\d{3}(?!\d))")   # not the comma of 12,000
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.．]\d+)?|[零〇一二两三四五六七八九十百千]+)"


@lru_cache(maxsize=1)
def words() -> dict:
    return json.loads((PATTERNS / "incentive_words.json").read_text(encoding="utf-8"))


def _alt(key: str) -> str:
    return "|".join(sorted(map(re.escape, words()[key]), key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict:
    return {
        "amount": re.compile(
            rf"(?P<num>{_NUM})\s*(?:(?:{_alt('money_units')}|%|％)?\s*(?:-|—|–|~|～|至|到)\s*(?P<num2>{_NUM})\s*)?"
            rf"(?:(?P<unit>{_alt('money_units')})|(?P<pct>%|％))"),
        "kind": re.compile(rf"(?:{_alt('kinds')})(?!性|机制|政策|办法|制度)"),   # not 奖励性绩效
        "goal_before": re.compile(rf"(?:{_alt('goal_verbs')})\s*$"),
        "grant": re.compile(_alt("grant_verbs")),
        "cap": re.compile(rf"(?:{_alt('cap_words')})"),
        "threshold_before": re.compile(rf"(?:{_alt('threshold_verbs')})\s*$"),
        "threshold_after": re.compile(r"^\s*(?:以上|以下|及以上|及以下|以内)?\s*(?:规模|级别|水平|标准)?\s*(?:、[^，,；;。]*?)?的"),
        "opener": re.compile(rf"(?:^|[，,；;。\s]|^\s*(?:\d{{1,2}}\s*[.、．]|[(（][一二三四五六七八九十\d]{{1,3}}[)）]))"
                             rf"(?:{_alt('beneficiary_openers')})(?=[^，,；;。]{{2}})"),
    }


def _number(raw: str | None) -> float | None:
    if not raw:
        return None
    raw = to_halfwidth_digits(raw).replace(",", "").replace("．", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return float(raw)
    n = cn_to_int(raw)
    return float(n) if n is not None else None


def is_threshold(sentence: str, start: int, end: int) -> bool:
    """The amount at sentence[start:end] only sets who is eligible: 'X首次达到2000万元的企业',
    '营业收入5000万元以上的', '超过10家的'."""
    p = _patterns()
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)), default=0)
    before = sentence[clause_start:start]
    after = sentence[end:end + 40]
    if p["grant"].search(before) and not p["threshold_before"].search(before[-6:]) or \
            re.search(r"(?:给予|予以)\s*(?:每[家个项人户件]\s*)?(?:最高|最多)?\s*(?:不超过|不高于)?\s*$", before):
        return False   # "给予最高不超过50万元的一次性奖励": the grant, not who is eligible
    if p["threshold_after"].match(after):
        return bool(p["threshold_before"].search(before) or re.search(r"(?:收入|营收|产值|销售额|投资额|规模|金额|额)\s*$", before)
                    or re.search(r"(?:以上|以下)", after[:4]))
    return False


_GRANT_NOUN = re.compile(r"(?:奖励|补助|补贴|资助|贴息|奖补)(?!性|机制|政策|办法|制度)")


def _grants(text: str) -> bool:
    p = _patterns()
    return bool(p["grant"].search(text) and p["kind"].search(text)) or bool(
        _GRANT_NOUN.search(text))


def incentive_spans(sentence: str) -> list[tuple[int, int]]:
    """Offsets (within `sentence`) of the amounts and rates an incentive sentence grants, and of
    its eligibility thresholds: none of them is a target."""
    return [(s, e) for s, e, _ in _amounts(sentence)]


def _amounts(sentence: str) -> list[tuple[int, int, str]]:
    """(start, end, role) of every money amount or rate in a granting sentence; role is
    'amount', 'rate' or 'threshold'."""
    p = _patterns()
    if not _grants(sentence):
        return []
    out = []
    clauses = []
    prev = 0
    for m in list(_CLAUSE_END.finditer(sentence)) + [None]:
        end = m.end() if m else len(sentence)
        clauses.append((prev, end))
        prev = end
    for m in p["amount"].finditer(sentence):
        if is_threshold(sentence, m.start(), m.end()):
            out.append((m.start(), m.end(), "threshold"))
            continue
        c_start, c_end = next((a, b) for a, b in clauses if a <= m.start() < b)
        clause = sentence[c_start:c_end]
        granting = p["grant"].search(clause) or p["kind"].search(clause) or p["cap"].search(clause)
        if not granting:
            continue
        before = sentence[c_start:m.start()]
        if p["goal_before"].search(before) and not p["cap"].search(before[-8:]):
            continue   # "补助资金年均增长10%", "奖补资金达到1亿元": a goal about the money, a target
        if m.group("pct"):
            out.append((m.start(), m.end(), "rate"))
        else:
            out.append((m.start(), m.end(), "amount"))
    return out


def _beneficiary_and_condition(sentence: str, first_amount: int) -> tuple[str | None, str | None]:
    p = _patterns()
    head = sentence[:first_amount]
    grant = None
    for m in p["grant"].finditer(head):
        grant = m
    cut = grant.start() if grant else len(head)
    head = head[:cut]
    opener = None
    for m in p["opener"].finditer(head):
        opener = m
    if opener:
        phrase = head[opener.end():]
    else:
        # "年销售收入首次达到2000万元的，分别给予..." : the clause(s) before the grant
        phrase = head
        clause_starts = [m.end() for m in _CLAUSE_END.finditer(head)]
        if clause_starts and not head[clause_starts[-1]:].strip():
            clause_starts = clause_starts[:-1]
        if len(clause_starts) >= 2:
            phrase = head[clause_starts[-2]:]
    per = re.search(rf"(?:每(?:家|个|项|人|户|件|所|次)|分别|一次性|最高(?=[\d零一二两三四五六七八九十百千不])|按照?"
                    rf"|(?:{_alt('kinds')})(?!计划|政策|体系|方式))", phrase)
    if per:
        phrase = phrase[:per.start()]
    phrase = phrase.strip(" \u3000,，;；:：")
    if not phrase:
        return None, None
    if not opener:   # no "对X": "…的企业，给予" still names who; otherwise the words say when
        m = re.fullmatch(r"(?P<cond>.{2,}?)的(?P<who>[\u4e00-\u9fff]{1,6})", phrase)
        return (m.group("who"), m.group("cond")) if m else (None, phrase)
    if "的" in phrase:
        condition, _, tail = phrase.rpartition("的")
        tail, _, rest = tail.replace("，", ",").partition(",")
        tail, rest = tail.strip(" ,，"), rest.strip(" ,，")
        condition = ";".join(x for x in (condition.strip(" ,，"), rest) if x)
        return (tail or None), (condition or None)
    return phrase, None


def _respectively(head: str, beneficiary: str | None, condition: str | None,
                  count: int) -> list[tuple[str | None, str | None]] | None:
    """'对A、B分别给予30万元、20万元': one (beneficiary, condition) per amount, in order."""
    if "分别" not in head or count < 2:
        return None
    for text, is_beneficiary in ((beneficiary, True), (condition, False)):
        parts = [x for x in re.split(r"、|和|及", text or "") if x]
        if len(parts) == count:
            if is_beneficiary:
                return [(x, condition) for x in parts]
            return [(beneficiary, f"{condition};{x}") for x in parts]
    return None


def _kind(sentence: str, start: int, end: int) -> str | None:
    p = _patterns()
    clause_end = next((m.start() for m in _CLAUSE_END.finditer(sentence, end)), len(sentence))
    after = p["kind"].search(sentence, end, clause_end)
    if after:
        return after.group(0)
    before = list(p["kind"].finditer(sentence, 0, start))
    if before:
        return before[-1].group(0)
    later = p["kind"].search(sentence, end)
    return later.group(0) if later else None


def _cap(sentence: str, start: int) -> bool:
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)), default=0)
    before = sentence[clause_start:start]
    # "最高50万元、100万元、200万元": a cap word before the first amount of a list covers all
    before = re.sub(r"[\d.,．]+(?:万亿元|亿元|万元|千元|元|%|％)、", "", before)
    return bool(re.search(rf"(?:{_alt('cap_words')})[^，,；;。]{{0,12}}$", before)) or \
        bool(re.match(r"\s*(?:以内|封顶)", sentence[start:]))


def _granting_spans(text: str, start: int, end: int):
    """A test (sentence start, sentence end) -> whether the sentence can pass `_grants`: the words
    it needs (a grant verb and a kind, or a grant noun) are found once in the whole body, not
    searched for again in each sentence (most sentences grant nothing, and a call per sentence
    was most of this component's time, issue 24). A word holds no sentence end, so a match in a
    sentence is a match in the body at the same place (and the reverse)."""
    p = _patterns()
    starts = [[m.start() for m in pattern.finditer(text, start, end)]
              for pattern in (p["grant"], p["kind"], _GRANT_NOUN)]

    def holds(hits: list[int], a: int, b: int) -> bool:
        i = bisect.bisect_left(hits, a)
        return i < len(hits) and hits[i] < b

    grant, kind, noun = starts
    return lambda a, b: (holds(grant, a, b) and holds(kind, a, b)) or holds(noun, a, b)


def find_incentives(outline: Outline) -> list[Incentive]:
    """Every incentive amount or rate in the body, in document order."""
    text = outline.text
    out: list[Incentive] = []
    start, end = outline.header_end, len(text)
    may_grant = _granting_spans(text, start, end)
    pos = start
    for m in list(_SENTENCE_END.finditer(text, start, end)) + [None]:
        s_end = m.start() if m else end
        sentence = text[pos:s_end]
        if sentence.strip() and may_grant(pos, s_end):
            out.extend(_sentence_incentives(sentence, pos))
        if m is None:
            break
        pos = m.end()
    return out


def _sentence_incentives(sentence: str, offset: int) -> list[Incentive]:
    p = _patterns()
    found = _amounts(sentence)
    granted = [(s, e, role) for s, e, role in found if role != "threshold"]
    if not granted:
        return []
    beneficiary, condition = _beneficiary_and_condition(sentence, granted[0][0])
    per_item = _respectively(sentence[:granted[0][0]], beneficiary, condition, len(granted))
    items: list[Incentive] = []
    rate_item: Incentive | None = None
    for s, e, role in granted:
        m = p["amount"].match(sentence, s)
        value, value_max = _number(m.group("num")), _number(m.group("num2"))
        if value is None:
            continue
        cap = _cap(sentence, s)
        label = re.search(r"(?:^|[、，,])\s*([\u4e00-\u9fff]{2,6}?)\s*$", sentence[max(0, s - 8):s])
        item_beneficiary, item_condition = per_item[len(items)] if per_item and len(items) < len(per_item) \
            else (beneficiary, condition)
        if label and label.group(1) and re.search(r"等奖|类|级|档", label.group(1)):
            item_condition = (item_condition + ";" if item_condition else "") + p["grant"].sub("", label.group(1))
        if role == "rate":
            rate_item = Incentive(amount=None, amount_max=None, rate=value, unit="%", cap=cap,
                                  kind=_kind(sentence, s, e), beneficiary=item_beneficiary, condition=item_condition,
                                  text=sentence.strip(), start=offset + s, end=offset + e, rule="rate")
            items.append(rate_item)
            continue
        if rate_item is not None and cap and rate_item.amount is None:
            # "按投资额的5%给予补助,最高不超过50万元": one incentive, a rate capped at an amount
            rate_item.amount, rate_item.amount_max, rate_item.unit = value, value_max, m.group("unit")
            rate_item.cap, rate_item.end, rate_item.rule = True, offset + e, "rate_with_cap"
            continue
        items.append(Incentive(amount=value, amount_max=value_max, rate=None, unit=m.group("unit"), cap=cap,
                               kind=_kind(sentence, s, e), beneficiary=item_beneficiary, condition=item_condition,
                               text=sentence.strip(), start=offset + s, end=offset + e,
                               rule="capped_amount" if cap else "amount"))
    return items
