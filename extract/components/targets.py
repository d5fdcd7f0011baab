"""Targets: every quantified commitment (indicator, value, unit, deadline year, kind, comparator).

Two sources:
- clauses of the plan body: a number with a unit, governed by a target verb (达到, 培育, 新建,
  年均增长, 压缩至 ...) in the same clause, or continuing a clause that had one ("累计建成A30个,B10个").
  A clause that lists several numbers is cut into one segment per number, so each target gets its
  own indicator: the noun after the number ("引进200名外国专家", "建设100家A、16家以上B") or before it
  ("培育专精特新企业60家、单项冠军企业5家"); "A、B分别达到x、y" pairs subjects and values in order.
  Amounts an incentive grants and eligibility thresholds (extract/components/incentives.py) are
  not targets, nor are figures before the plan's start (baselines) or in background sections.
  Also: a score or index without unit after a level verb ("满意度达到85以上"); a part in a bracket
  after a figure or in a '其中' clause, read against the target it details; in a goals section a
  figure without verb ("发明专利拥有量：3000件", "X目标为N").
- tables: a header row whose cells are classified (indicator, unit, base year, target years, 序号,
  属性/类型, category) in any order, printed as ' | ' rows, tab-separated rows or one cell per line.
The deadline is, nearest first: a year before the number in the same sentence ("到2025年",
"2025年底前", "2022年,…"), "N年内" counted from the stated start, "年底前" in an annual plan, a year in
the line or in the lead line a list hangs from ("到2025年,实现以下目标:"), the enclosing headings'
lead paragraphs, else the plan's end year or an annual plan's title year (marked inferred).
Word lists live in extract/patterns/target_words.json.
Writes `doc._.policykg["targets"]` and `doc.spans["policykg_targets"]` (label TARGET).

DOCS: docs/components.md#targets
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..outline import Outline
from ..result import PlanMeta, Target
from ..textutil import (cn_to_int, finditer_by_twin, lines_of, opening_twin, pipe_cells, split_cells,
                        to_halfwidth_digits, unnamed)
from .incentives import incentive_spans, is_threshold

PATTERNS = Path(__file__).resolve().parents[1] / "patterns"

_CN = "零〇○一二两三四五六七八九十百千"
# thousands parted by commas ('12,000') or by a thin / no-break space ('1 200'); a plain space is
# not taken (it parts table cells: '150 200')
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d{{1,3}}(?:[\u00a0\u2009\u202f]\d{{3}})+(?!\d)|\d+(?:\s*[.．。]\s*\d+)?|[{_CN}]+)"
# a character every number, bare scale (超万家) or fraction of `_patterns()` starts with: a
# sentence without one holds no target
_MAY_HOLD_NUMBER = re.compile(rf"[\d{_CN}万亿]")


@lru_cache(maxsize=1)
def words() -> dict:
    return json.loads((PATTERNS / "target_words.json").read_text(encoding="utf-8"))


def _alt(key: str) -> str:
    return "|".join(sorted(map(re.escape, words()[key]), key=len, reverse=True))


def _first_characters(words_: list[str]) -> str:
    """A character class of the words' first characters."""
    return "[" + "".join(sorted({re.escape(word[0]) for word in words_})) + "]"


@lru_cache(maxsize=1)
def _patterns():
    w = words()
    scale, base = _alt("scales"), _alt("units")
    latin = "|".join(sorted(map(re.escape, w["latin_units"]), key=len, reverse=True))
    # open unit pattern: an optional scale (万, 亿, 万亿 ...) before a known unit, a Latin unit
    # (EFLOPS, EB ...) not running into more letters, or a bare scale ("3.6亿")
    # each alternative behind a lookahead at the first characters of its words: a numeral before
    # no unit (一 in 进一步, 统一) is most of the numerals tried, and fails on one class test
    # instead of trying every unit word (the same matches: a word opens on one of those characters)
    unit = (rf"(?:(?={_first_characters(w['scales'] + w['units'])})(?:{scale})?(?:{base})"
            rf"|(?i:(?={_first_characters(w['latin_units'])})(?:{latin}))(?![A-Za-z])"
            rf"|(?={_first_characters(w['scales'])})(?:{scale}))")
    number = re.compile(
        rf"(?P<num>{_NUM})\s*(?P<pct1>%|％)?\s*(?:(?P<sep>-|—|–|~|～|至|到)\s*(?P<num2>{_NUM}))?\s*(?:余|多)?"
        rf"(?P<unit>{unit})\s*(?P<post>以上|及以上|以内|之内|以下|左右|内(?![\u4e00-\u9fff]{{0,1}}[容部外涵]))?")
    bare = re.compile(rf"(?<=超|逾|破|达)(?P<unit>(?:万亿|千亿|百亿|亿|万|千)(?:{base}))"
                      rf"\s*(?P<post>以上|左右)?")
    fraction = re.compile(r"(?<![\d/.])(?P<a>\d+)\s*/\s*(?P<b>\d+)(?![\d/])"
                          r"|(?P<cb>[一二三四五六七八九十]+)分之(?P<ca>[一二三四五六七八九十]+)")
    year = r"(?:19|20)\d\d|[〇○零一二三四五六七八九]{4}"
    deadline = re.compile(
        rf"(?:(?P<asof>截至|截止到?)|到|至|于)\s*(?P<y1>{year})\s*年"
        rf"|(?P<y2>(?:19|20)\d\d)\s*年\s*(?:\d{{1,2}}\s*月\s*)?(?:年?底|年?末)?\s*(?:前|之前|以前|底|末)")
    return {
        "number": number, "bare": bare, "fraction": fraction, "deadline": deadline,
        # the same two, for a search that only asks whether one starts somewhere: a character
        # class first lets the regex engine skip to the numerals (a pattern opening on a group
        # of alternatives is tried at every character, ~2x slower over a line)
        "number_somewhere": opening_twin(number, _MAY_HOLD_NUMBER.pattern),
        "fraction_somewhere": opening_twin(fraction, _MAY_HOLD_NUMBER.pattern),
        "figure_somewhere": opening_twin((number, fraction, bare), _MAY_HOLD_NUMBER.pattern),
        # where a deadline can start (its words, a year's first digit): `deadline` opens on groups
        # of alternatives, which the regex engine tries at every character
        "deadline_twin": opening_twin(deadline, "[截到至于12]"),
        "head_year": re.compile(r"[\s\u3000]*(?:力争|争取|确保|计划|预计)?\s*(?:在|于)?\s*(?:(?:19|20)\d\d\s*年?\s*[-—–~至到]\s*)?"
                                r"(?P<y>(?:19|20)\d\d)\s*年"
                                r"\s*(?:度|全年)?\s*(?:[,，:：]|(?=[全各我本]))"),
        "within": re.compile(r"(?:(?P<from>(?:19|20)\d\d)\s*年(?:起|开始)\s*[,，]?\s*)?(?:用|在)?\s*"
                             r"(?P<n>[一二三四五六七八九十两]|\d{1,2})\s*年(?:内|时间|左右时间)"),
        "bare_year": re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?:底|末)?(?!\s*(?:以来|以前|之前|起|开始|度?的|[-—–~至到]\s*(?:19|20)\d\d))"),
        "year_after": re.compile(r"\s*[(（]\s*(?:到|至|于)?\s*(?P<y>(?:19|20)\d\d)\s*年\s*(?:底|末)?\s*(?:前)?\s*[)）]"),
        "five_year_end": re.compile(r"“?十(?P<n>[一二三四五六七八九])五”?\s*(?:时期|期间)?\s*(?:末|期末|结束时)"),
        # a year heading a clause or right before its verb: '，2027年达到8000件', '，2024年底前建成5个'
        "clause_year": re.compile(rf"(?P<y>(?:19|20)\d\d)\s*年\s*(?:年?底|年?末)?\s*(?:前|之前)?\s*[,，]?\s*"
                                  rf"(?:力争|争取|确保|要|将|再)?\s*(?=(?:{_alt('level_verbs')}|{_alt('growth_verbs')}|{_alt('count_verbs')}))"),
        "heading_year": re.compile(r"(?:(?:19|20)\d\d\s*年?\s*(?:\d{1,2}\s*月)?\s*[-—–~至到]\s*)?(?P<y>(?:19|20)\d\d)\s*年"),
        "year_end": re.compile(r"(?:今年|本年度?|当年)?(?<![\d〇○零一二三四五六七八九年])年(?:底|末)(?:前|之前)?|年内"),
        "level_verb": re.compile(rf"(?:{_alt('level_verbs')})\s*$"),
        "count_verb": re.compile(_alt("count_verbs")),
        "count_verb_chain": re.compile(rf"(?:{_alt('count_verb_joiners')})?\s*(?:{_alt('count_verbs')})"),
        "growth": re.compile(rf"(?:{_alt('growth_verbs')})\s*(?:{_alt('level_verbs')})?\s*$"),
        # a bare number closing its clause after a level verb: a score or an index
        # ("满意度达到85以上", "发展指数达到70", "得分保持在80-90之间"); the indicator must end in a score word
        "score_number": re.compile(r"(?<![\d.．,，])(?P<num>\d+(?:[.．]\d+)?)(?:\s*(?:-|—|–|~|～|至|到)\s*(?P<num2>\d+(?:[.．]\d+)?))?"
                                   rf"\s*(?P<post>{_alt('bound_posts')})?(?=\s*(?:$|[，,；;。、）)]|和|及|与|或))"),
        "score_tail": re.compile(rf"(?:{_alt('score_words')})值?$"),
        "score_word": re.compile(_alt("score_words")),
        # '结案时间在30天以内', '增速保持8%左右': 在/保持 set a level only before a bounded figure
        "bound_verb": re.compile(rf"(?:{_alt('bound_verbs')})\s*$"),
        "article_unit": re.compile(_alt("article_units")),
        # '其中', '含' ('含金量', '含有' are no part words)
        "part_of": re.compile(rf"[\s\u3000]*(?:(?:{_alt('part_of_words')})(?<!含)|含(?![金量有义]))[,，:：]?"),
        "class_label": re.compile(rf"(?:{_alt('class_label_suffixes')})"),
        "cumulative": re.compile(_alt("cumulative")),
        "strip_head": re.compile(rf"^(?:{_alt('strip_prefixes')})+"),
        "strip_tail": re.compile(rf"(?:{_alt('strip_suffixes')})+$"),
        "object_tail": re.compile(rf"(?:{_alt('object_tail_words')})$"),
        "ge": re.compile(rf"(?:{_alt('ge_verbs')})\s*$"),
        "le": re.compile(rf"(?:{_alt('le_verbs')})\s*$"),
        "time_limit": re.compile(rf"(?:{_alt('time_limit_verbs')})\s*$"),
        "annual": re.compile(r"每年|每一年|逐年|每年度"),
        # not 在现有基础上; not the comparison of a growth target (较上年增长15%)
        "baseline": re.compile(rf"(?<![比较])(?:{_alt('baseline_words')})(?![^，,。]{{0,3}}基础)"),
        # a soft lead before a figure closing it ('力争使…', '争取'): compiled once, not per number
        "soft_end": re.compile(rf"(?:{'|'.join(map(re.escape, w['soft_prefixes']))})使?\s*$"),
        "bound_posts": w["bound_posts"],
        "increment_verbs": w["increment_verbs"],
        "count_bound": re.compile(_alt("count_bounds")),
        # '每个县', '每5所幼儿园', '各中小学至少': a quota per unit (not 每年, 每月: a rate in time)
        "quota": re.compile(r"每(?!年|天|日|月|季|周|一年|批|次)(?:个|一个|[\d一二两三四五六七八九十百千万]+\s*[个所家名户位人])?"
                            r"[\u4e00-\u9fff（）()、]{1,12}?(?:至少|不少于|均|都|要|应)?\s*(?:{cv})"
                            r"|各[\u4e00-\u9fff（）()、]{1,12}?(?:至少|不少于|均)\s*(?:{cv})".replace("{cv}", _alt("count_verbs"))),
        "fund": re.compile(rf"(?:{_alt('fund_words')})$"),
        "fund_anywhere": re.compile(_alt("fund_words")),
        # '…企业数量明显增加，达到1200家': a clause naming the indicator with a predicate and no figure
        "subject_clause": re.compile(rf"^(?P<subject>[^\d%％]{{2,40}}?)(?:(?:比|较)\s*(?:19|20)\d\d\s*年)?"
                                     rf"(?:{_alt('subject_adverbs')})*"
                                     rf"(?:{_alt('subject_predicates')})\s*[,，]?\s*$"),
    }


# 。 between digits is a decimal point (a class first, then the test: see incentives._SENTENCE_END)
_SENTENCE_END = re.compile(r"[！？!?\n。](?:(?<!\d。)|(?!\d))")
_CLAUSE_END = re.compile(r"[，;；:：|\t]|(?<!\d),|,(?!\d{3}(?!\d))")   # not the comma of 12,000; table cells end clauses
_LIST_SEP = re.compile(r"以及|及|和|与|、")
_CLOSES_CLAUSE = re.compile(r"\s*(?:之间)?\s*(?:$|[，,；;。、）)]|和|及|与|或)")
_SHARE = re.compile(r"(?:占比|比重|比例)$")
_GENERIC = re.compile(r"(?:总数|总量|数量|规模|总规模|总额|占比|比重|比例)$")
_LIST_ITEM = re.compile(r"^\s*(?:[—–\-－·•▪●○◆]+|[(（]\s*\d{1,2}\s*[)）]|\d{1,2}\s*[.、．]|[①-⑳]|[一二三四五六七八九十]+是)")
_ANNUAL_TITLE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年?\s*度?\s*(?:[^0-9\-—–~至到]{0,30}?)"
                           r"(?:工作要点|要点|工作计划|行动计划|实施计划|工作方案|实施方案|行动方案|推进计划|计划|方案)")


_SPACE_RUNS = re.compile(r"\s+")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")


def _value(raw: str) -> float | None:
    raw = to_halfwidth_digits(_SPACE_RUNS.sub("", raw)).replace("。", ".").replace("．", ".").replace(",", "")
    if _DECIMAL.fullmatch(raw):
        return float(raw)
    n = cn_to_int(raw)
    return float(n) if n is not None else None


def _year(m: re.Match) -> int | None:
    raw = m.group("y1") or m.group("y2")
    if raw and raw.isdigit():
        return int(raw)
    n = cn_to_int(raw) if raw else None
    return n if n and 1900 < n < 2100 else None


def _clean_indicator(text: str) -> str:
    p = _patterns()
    text = re.sub(r"^\s*(?:力争|争取)?\s*(?:到|至|截至|于|在)?\s*(?:(?:19|20)\d\d\s*年\s*(?:\d{1,2}\s*月)?\s*(?:年?底|年?末)?\s*(?:前)?)", "", text)
    text = text.strip(" \u3000,，、;；:：—-")
    prev = None
    while prev != text:
        prev = text
        text = p["strip_head"].sub("", text).strip(" \u3000,，、")
        text = p["strip_tail"].sub("", text).strip(" \u3000,，、")
    # "由2020年的8.5件提高到", "由20个工作日压缩至", "比2020年增长", "较上年增长": the baseline is not the
    # indicator (cut before the trailing year, or '比2023年' would leave '比')
    text = re.sub(r"(?:由|从|比|较)\s*(?:(?:19|20)\d\d\s*年(?:底|末)?|上一?年|去年|[\d.]+\s*\S{0,4}$).*$|同比$", "",
                  text).strip(" ,，")
    text = re.sub(r"\s*(?:到|至|于|在)?\s*(?:19|20)\d\d\s*年\s*(?:年?底|年?末)?\s*(?:前)?\s*$", "", text)   # "拥有量2024年达到"
    if text.count("”") > text.count("“"):
        text = "“" + text
    return text.strip(" \u3000,，、;；:：。")


def _object_after(post: str) -> str:
    obj = re.split(r"[,，;；。]", post, maxsplit=1)[0]
    obj = re.sub(r"^(?:以上|及以上|左右)?的?", "", obj)
    obj = _patterns()["object_tail"].sub("", obj.strip())
    return obj.strip(" \u3000、")


def _core(obj: str) -> str:
    """'100家影响力大、经济价值高的商标品牌' -> '商标品牌' (drop modifiers before the last 的)."""
    if "的" in obj:
        tail = obj.rsplit("的", 1)[1]
        if len(tail) >= 2:
            return tail
    return obj


@dataclass
class _Num:
    """One quantity found in a clause: absolute offsets, value(s), unit and trailing word."""
    start: int
    end: int
    value: float
    value_max: float | None
    unit: str | None
    post: str | None
    pct_pair: bool = False     # "5%-10%": the first number carries its own %
    fraction: bool = False
    printed: str = ""          # the number as printed ("一", "12,000"); "" for 超万亿元 and fractions
    score: bool = False        # a bare number without unit (a score or index: "满意度达到85")


class _Context:
    def __init__(self, outline: Outline, period_end: int | None, plan: PlanMeta | None = None):
        self.outline = outline
        self.text = outline.text
        self._blocks: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        self._first_child: dict[str, int] | None = None
        self.p = _patterns()
        self.lines = list(lines_of(self.text))
        self.line_starts = [ln.start for ln in self.lines]
        title = (plan.title if plan else None) or outline.title or ""
        period_start = plan.period_start if plan else None
        annual = _ANNUAL_TITLE.search(title)
        ranged = re.search(r"(?:19|20)\d\d\s*年?\s*[-—–~至到]+\s*(?:19|20)\d\d", title)
        self.annual_year = (int(annual.group("y")) if annual and not ranged else None)
        if self.annual_year is None and period_end and period_start == period_end:
            self.annual_year = period_end
        issued = plan.issued if plan else None
        issued_year = int(issued[:4]) if issued and re.match(r"\d{4}", issued) else None
        valid_until = plan.valid_until if plan else None
        valid_year = int(valid_until[:4]) if valid_until and re.match(r"\d{4}", valid_until) else None
        self.period_end = period_end or self.annual_year or valid_year   # "有效期至2025年12月31日"
        self.start_year = period_start or self.annual_year or issued_year
        self.issued_year = issued_year

    def deadline_before(self, start: int, end: int, carry: bool = False) -> tuple[int | None, bool]:
        """(year, as_of) of the last deadline phrase in text[start:end], not inside a 《》 title
        ('《纲要（2021至2035年）》' dates nothing). `carry` (a year reaching into another
        paragraph): a state before the plan's start ('截至2022年底') is no deadline there."""
        return self._last_deadline(start, end, carry)[:2]

    def _last_deadline(self, start: int, end: int, carry: bool = False) -> tuple[int | None, bool, int]:
        found, as_of, at = None, False, start
        for m in finditer_by_twin(self.p["deadline"], self.p["deadline_twin"], self.text, start, end):
            year = _year(m)
            before = self.text[start:m.start()]
            if not year or before.count("《") > before.count("》"):
                continue
            if carry and m.group("asof") and self.start_year and year < self.start_year:
                continue
            found, as_of, at = year, bool(m.group("asof")), m.end()
        return found, as_of, at

    def verb_year(self, pos: int, sentence_start: int) -> int | None:
        """A year printed right before a verb after the sentence's last deadline
        ('到2025年，A达到5000件，2027年达到8000件'): it switches the deadline for the rest of the
        sentence, as '；到2027年，' would. Not a comparison ('比2020年', '较2022年')."""
        _, _, deadline_end = self._last_deadline(sentence_start, pos)
        found = None
        for m in self.p["clause_year"].finditer(self.text, deadline_end, pos):
            before = self.text[sentence_start:m.start()]
            if re.search(r"(?:比|较|由|从|与|同|相当于)\s*$", before) or before.count("《") > before.count("》"):
                continue
            found = int(m.group("y"))
        return found

    def five_year_end(self, start: int, end: int) -> int | None:
        """'到“十四五”末' -> 2025: the last year of that five-year plan period."""
        m = None
        for m in self.p["five_year_end"].finditer(self.text, start, end):
            pass
        n = cn_to_int(m.group("n")) if m else None
        return 1955 + 5 * (10 + n) if n else None   # 十四五 (the 14th) ends in 2025

    def bare_year(self, start: int, end: int) -> int | None:
        """The last 'YYYY年' before `end` in the sentence ("2024年达到4000件"), outside 《》 titles;
        a state like a sentence-head year (a baseline when before the plan's start)."""
        found = None
        for m in self.p["bare_year"].finditer(self.text, start, end):
            before = self.text[start:m.start()]
            if before.count("《") > before.count("》"):
                continue
            found = int(m.group("y"))
        return found

    def head_year(self, start: int, end: int) -> int | None:
        m = self.p["head_year"].match(self.text, start, end)
        return int(m.group("y")) if m else None

    def within_years(self, start: int, end: int) -> int | None:
        m = None
        for m in self.p["within"].finditer(self.text, start, end):
            pass
        if not m:
            return None
        n = int(m.group("n")) if m.group("n").isdigit() else cn_to_int(m.group("n"))
        begin = int(m.group("from")) if m.group("from") else self.start_year
        if not (begin and n):
            return None
        # counted from the stated start (or issue); never past the plan's own horizon
        return min(begin + n - 1, self.period_end) if self.period_end and begin <= self.period_end else begin + n - 1

    def lead_line_year(self, line_start: int) -> int | None:
        """'到2025年,实现以下目标:' followed by list lines: the year of that lead line."""
        i = bisect.bisect_left(self.line_starts, line_start)
        j = i - 1
        steps = 0
        while j >= 0 and steps < 40:
            line = self.lines[j].text.strip()
            steps += 1
            if not line:
                j -= 1
                continue
            if line.endswith((":", "：")) or re.search(r"(?:以下|如下|下列)[^。]{0,8}。?$", line):
                ln = self.lines[j]
                return self.deadline_before(ln.start, ln.end)[0] or self.head_year(ln.start, ln.end)
            if not _LIST_ITEM.match(line) or any(h.line_start == self.lines[j].start for h in self.outline.headings
                                                  if h.level <= 2):
                return None
            j -= 1
        return None

    def year_for(self, pos: int, sentence_start: int, line_start: int) -> tuple[int | None, bool, bool]:
        """(year, inferred, stated_as_past) for a number at `pos`; stated_as_past when the year
        is printed as a state ("截至2020年底", "2020年,全市…") rather than a deadline. The
        source of the year is left in `self.how` (kept as the target's rule)."""
        for how, (year, as_state) in self._year_sources(pos, sentence_start, line_start):
            if year:
                self.how = how
                return year, False, as_state
        self.how = "plan_end"
        return self.period_end, True, False

    def _year_sources(self, pos: int, sentence_start: int, line_start: int):
        """(how, (year, stated_as_past)) nearest first, computed lazily."""
        own = self.verb_year(pos, sentence_start)
        if own:
            yield "verb_year", (own, bool(self.start_year and own < self.start_year))
        yield "sentence_deadline", self.deadline_before(sentence_start, pos)
        yield "sentence_year", (self.head_year(sentence_start, pos) or self.bare_year(sentence_start, pos), True)
        yield "sentence_period", (self.five_year_end(sentence_start, pos) or self.within_years(sentence_start, pos), False)
        if self.p["year_end"].search(self.text, sentence_start, pos):
            yield "year_end_of_annual_plan", (self.annual_year or self.issued_year, False)
        yield "line_deadline", self.deadline_before(line_start, pos)
        yield "line_year", (self.head_year(line_start, pos), True)
        yield "line_period", (self.within_years(line_start, pos), False)
        yield "lead_line", (self.lead_line_year(line_start), False)
        for h in reversed(self.outline.enclosing(pos)):
            first_child = self._first_child_starts().get(h.id, h.end)
            year, _ = self.deadline_before(h.start, min(first_child, pos), carry=True)
            yield "heading_lead", (year, False)
            titled = self.p["heading_year"].search(h.title or "")   # "（二）2024年：…", "第一阶段（2023年1月—2024年6月）"
            if titled and not re.search(r"以来|以前|之前", h.title[titled.end():titled.end() + 3]):
                year = int(titled.group("y"))
                if not self.start_year or year >= self.start_year:
                    yield "heading_title", (year, False)

    def _first_child_starts(self) -> dict[str, int]:
        """Heading id -> where its first child starts, gathered once per plan (asked for each
        enclosing heading of each figure whose year comes from a heading's lead, it went through
        every heading each time)."""
        if self._first_child is None:
            self._first_child = {}
            for c in self.outline.headings:
                if c.parent is not None:
                    self._first_child[c.parent] = min(self._first_child.get(c.parent, c.start), c.start)
        return self._first_child

    def _blocks_of_kind(self, kinds: tuple[str, ...]) -> list[tuple[int, int]]:
        """(start, end) of each heading's block of one of these kinds, gathered once per plan:
        asked for each figure, `outline.enclosing` went through every heading each time."""
        key = ("blocks",) + kinds
        if key not in self._blocks:
            self._blocks[key] = [(h.start, h.end) for h in self.outline.headings if getattr(h, "kind", "") in kinds]
        return self._blocks[key]

    def in_goals(self, pos: int) -> bool:
        """In a goals section (发展目标, 主要目标 ...), where an indicator and its figure need no verb."""
        return any(a <= pos < b for a, b in self._blocks_of_kind(("goals",)))

    def in_background(self, pos: int) -> bool:
        """In a section that reports the past (background) or scores results (evaluation:
        "专利授权量达到100件得5分" is a scoring rule, not a commitment)."""
        return any(a <= pos < b for a, b in self._blocks_of_kind(("background", "evaluation")))


def link_indicators(targets: list[Target]) -> None:
    """Set each target's indicator_id from the indicator vocabulary (ontology/indicators.ttl)."""
    try:
        from policykg.ontology.vocab import match_indicator  # noqa: F401 (is the vocabulary shipped?)
    except ImportError:   # vocabulary not shipped: targets keep only their printed indicator
        return
    for target in targets:
        target.indicator_id = _indicator_notation(target.indicator)


@lru_cache(maxsize=65536)   # pure; match_indicator deep-copies its entry on every call
def _indicator_notation(indicator: str) -> str | None:
    from policykg.ontology.vocab import match_indicator

    found = match_indicator(indicator)
    return found["notation"] if found else None


def find_targets(outline: Outline, period_end: int | None, plan: PlanMeta | None = None) -> list[Target]:
    ctx = _Context(outline, period_end, plan)
    tables, covered = find_table_targets(outline, ctx.period_end, ctx.start_year)
    clause_targets = _clause_targets(ctx, covered)
    found = sorted(tables + clause_targets, key=lambda t: t.start)
    annex = getattr(outline, "annex_start", None)
    if annex is None:
        return found
    # an annex that restates the body (a task breakdown table) repeats its targets: keep the body's
    seen = {(t.indicator, t.value, t.unit, t.year) for t in found if t.start < annex}
    return [t for t in found if t.start < annex or (t.indicator, t.value, t.unit, t.year) not in seen]


def _in_quotes(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 12):start], text[end:end + 12]
    opened = before.rfind("“") > before.rfind("”")
    return opened and "”" in after


def _may_hold_figure(ctx: _Context, start: int, end: int) -> bool:
    """Whether text[start:end] (a line or a sentence) can hold a clause target: one scan of the
    span for any figure `_numbers` reads (a number with its unit, a bare scale, a fraction), or a
    score word (a score is a bare number). Most lines and sentences hold none, and for them the
    per-sentence and per-clause passes (clause bounds, brackets, incentive terms, one set of
    number patterns per clause) were most of the targets' time (issue 24).

    Exact: a figure found in a clause is found in the span around it, since a clause ends on its
    delimiter, before a bracket or where the sentence ends, so no lookahead of the patterns
    reads differently past the clause's end; only a score's lookahead may end at the clause's
    end, and a score needs its score word and a digit in the span."""
    text, p = ctx.text, ctx.p
    if p["figure_somewhere"].search(text, start, end):
        return True
    return bool(p["score_word"].search(text, start, end) and _DIGIT.search(text, start, end))


def _clause_targets(ctx: _Context, covered: list[tuple[int, int]]) -> list[Target]:
    out: list[Target] = []
    start = ctx.outline.header_end
    end = ctx.outline.body_end
    lines = [ln for ln in ctx.lines if ln.end > start and ln.start < end]
    for line in lines:
        if any(a <= line.start < b for a, b in covered):
            continue
        if not _may_hold_figure(ctx, line.start, line.end):
            continue
        sent_start = line.start
        for sent_m in list(_SENTENCE_END.finditer(line.text)) + [None]:
            sent_end = line.start + (sent_m.start() if sent_m else len(line.text))
            _sentence_targets(ctx, line.start, sent_start, sent_end, out)
            if sent_m is None:
                break
            sent_start = line.start + sent_m.end()
    return out


def _finditer_from_first(p: dict, name: str, text: str, start: int, end: int):
    """`p[name].finditer(text, start, end)`, started where its first match starts (found by
    `p[name + "_somewhere"]`, which skips to the numerals): the same matches, as the patterns
    read no text before a match but through lookbehinds, which see before `pos` anyway."""
    first = p[name + "_somewhere"].search(text, start, end)
    return p[name].finditer(text, first.start(), end) if first else ()


def _numbers(ctx: _Context, c_start: int, c_end: int) -> list[_Num]:
    text, p = ctx.text, ctx.p
    found: list[_Num] = []
    for m in _finditer_from_first(p, "number", text, c_start, c_end):
        if text.startswith("分之", m.end() - 1):
            continue   # 三分之一 is a fraction, not 3 分
        value = _value(m.group("num"))
        if value is None:
            continue
        value_max = _value(m.group("num2")) if m.group("num2") else None
        unit = m.group("unit").replace("％", "%")
        found.append(_Num(m.start(), m.end(), value, value_max, unit, m.group("post"),
                          pct_pair=bool(m.group("pct1")), printed=m.group("num")))
    for m in p["bare"].finditer(text, c_start, c_end):
        if not any(n.start <= m.start() < n.end for n in found):
            found.append(_Num(m.start(), m.end(), 1.0, None, m.group("unit"), m.group("post")))
    for m in _finditer_from_first(p, "fraction", text, c_start, c_end):
        if any(n.start <= m.start() < n.end for n in found):
            continue
        a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("ca"), m.group("cb"))
        num, den = _value(a), _value(b)
        if not num or not den or num >= den:
            continue
        found.append(_Num(m.start(), m.end(), round(num / den, 10), None, None, None, fraction=True))
    for m in p["score_number"].finditer(text, c_start, c_end) if p["score_word"].search(text, c_start, c_end) else ():
        if any(n.start <= m.start() < n.end for n in found):
            continue
        pre = text[c_start:m.start()]
        verb = _level_verb(p, pre, bool(m.group("post") or m.group("num2")), True)
        if not verb or not p["score_tail"].search(_clean_indicator(pre[:verb.start()])):
            continue   # a bare number is a score only after a level verb and a score word
        value = _value(m.group("num"))
        if value is None or re.fullmatch(r"(?:19|20)\d\d", m.group("num")):
            continue   # a year, not a score ("指数达到2025")
        found.append(_Num(m.start(), m.end(), value, _value(m.group("num2")) if m.group("num2") else None, None,
                          m.group("post"), printed=m.group("num"), score=True))
    return sorted(found, key=lambda n: n.start)


def _level_verb(p: dict, seg_pre: str, bounded: bool, closes_clause: bool) -> re.Match | None:
    """The level verb right before a number; 在/保持/稳定 count only before a bounded figure
    (以上, 以内, 左右, a range) that closes its clause ('结案时间在30天以内'), not '在10个县开展'."""
    lvl = p["level_verb"].search(seg_pre)
    if lvl or not (bounded and closes_clause):
        return lvl
    return p["bound_verb"].search(seg_pre)


# compiled once: _skip_number runs for every number in the body (re's own cache lookup per call
# was ~1 % of extraction)
_PER_UNIT = re.compile(r"每[\u4e00-\u9fff]{1,3}$")
_PER_PERIOD = re.compile(r"每(?:年|天|月|季度?|周)[\u4e00-\u9fff]{0,3}$")
_ONE_OFF = re.compile(r"次性")
_STARTING_POINT = re.compile(r"(?:由|从)(?:(?:19|20)\d\d\s*年(?:底|末)?的?)?\s*$")
_CN_NUMERAL = re.compile(rf"[{_CN}]+")
_CN_ZERO = re.compile(r"[零〇○]+")
_DIGIT = re.compile(r"\d")
_LATIN_END = re.compile(r"[A-Za-z]$")
_ONE = re.compile(r"[一两]")
_IN_ONE = re.compile(r".?一体")
_VAGUE_BEFORE = re.compile(r"(?:数|几|若干|上|近)$")
_SLOGAN_AFTER = re.compile(r"(?:件事|次办|次告知|次到位|次审批|网通办|门式)")
_FIGURE_END = re.compile(r"[A-Za-z0-9%]\s*$")
_VALUE_TAG = re.compile(r"\s*[(（]?\s*(基期值?|基准|现状值?|目标值?|预期值?|规划值)\s*[)）]?\s*")


def _skip_number(ctx: _Context, n: _Num, c_start: int) -> bool:
    text = ctx.text
    before = text[c_start:n.start]
    raw = n.printed
    if before.endswith(("第", "〔", "[", "（", "(", "·", "每")) or text[n.end:n.end + 1] in ("·",):
        return True
    if _PER_UNIT.search(before) and not _PER_PERIOD.search(before):
        return True   # 每认定1家, 每新增1件: the unit an incentive counts by
    if _ONE_OFF.match(text[n.end - 1:n.end + 2]):
        return True
    if _in_quotes(text, n.start, n.end):
        return True
    if _STARTING_POINT.search(before):
        return True   # "由20个工作日压缩至5个", "从2022年的8.5件提高到15件": the starting point
    if raw and _CN_NUMERAL.fullmatch(raw) and (len(raw) > 4 or _CN_ZERO.fullmatch(raw)):
        return True   # Chinese numerals: only small counts like 一个 / 两家, never 零部件
    if raw and _DIGIT.match(raw) and _LATIN_END.search(before):
        return True   # G60, PCT...
    unit_and_after = text[n.end - len(n.unit or ""):n.end + 2]
    if raw and _ONE.fullmatch(raw) and ctx.p["article_unit"].match(unit_and_after):
        return True   # 一支队伍, 一套制度, 每年举办一届联赛: an article (an annual event), not a count
    if _IN_ONE.match(text[n.end - 1:n.end + 2]):
        return True   # 三位一体
    if ctx.p["class_label"].match(text, n.end) and not n.post:
        return True   # 百亿级产业集群, 10亿元级项目: a size class in a name, not a figure
    if raw and _CN_NUMERAL.fullmatch(raw) and (_VAGUE_BEFORE.search(before) or _SLOGAN_AFTER.match(
            text[n.start + len(raw):n.start + len(raw) + 3])):
        return True   # 数十家 (dozens), 一件事一次办 (a slogan)
    opened = before.rfind("（"), before.rfind("(")
    if max(opened) > max(before.rfind("）"), before.rfind(")")) and _FIGURE_END.search(before[:max(opened)]):
        return True   # an explanation of the figure before: "20EB（艾字节）"
    return False


def _segments(text: str, nums: list[_Num], c_start: int, c_end: int) -> list[tuple[int, int]]:
    """One (start, end) per number: a listed pair 'N个A、M个B' or 'A N个、B M个' is cut at the
    separator that belongs between them (right after a number when the noun comes first)."""
    starts, ends = [c_start], []
    for a, b in zip(nums, nums[1:]):
        between = text[a.end:b.start]
        lead = len(between) - len(re.sub(r"^(?:以上|及以上|左右|以内|以下)+", "", between))
        first = _LIST_SEP.match(between, lead)
        if first:
            cut = (a.end + first.start(), a.end + first.end())
        else:
            last = None
            for last in _LIST_SEP.finditer(between):
                pass
            if not last:   # no separator: one phrase ("营业收入1亿元以上企业覆盖率达到70%")
                ends.append(b.start)
                starts.append(starts[-1])
                continue
            cut = (a.end + last.start(), a.end + last.end())
        ends.append(cut[0])
        starts.append(cut[1])
    ends.append(c_end)
    return list(zip(starts, ends))


def _figure_brackets(ctx: _Context, s_start: int, s_end: int) -> list[tuple[int, int, int]]:
    """(open, close + 1, start of the figure) of each bracket holding a figure and printed right
    after a figure ('5000件（其中发明专利2000件）', '10个（省级3个、市级7个）', '800亿元（占GDP比重10%）')
    or after the figure's noun when it opens with a part word ('100个示范项目（其中省级20个）'). A
    bracket without a figure is an explanation ('20EB（艾字节）') and stays in its clause."""
    text, found = ctx.text, []
    if "（" not in text[s_start:s_end] and "(" not in text[s_start:s_end]:
        return found
    for m in _finditer_from_first(ctx.p, "number", text, s_start, s_end):
        k = m.end()
        while k < s_end and text[k] in " \u3000":
            k += 1
        if k < s_end and text[k] not in "（(":
            noun = re.match(r"[^（()）,，;；:：。、\d]{1,16}(?=[（(])", text[k:s_end])
            if noun and ctx.p["part_of"].match(text, k + noun.end() + 1, s_end):
                k += noun.end()
        if k >= s_end or text[k] not in "（(" or (found and k < found[-1][1]):
            continue
        depth, j = 0, k
        while j < s_end:
            depth += 1 if text[j] in "（(" else -1 if text[j] in "）)" else 0
            if depth == 0:
                break
            j += 1
        if j < s_end and re.search(r"\d", text[k:j]) and not ctx.p["year_after"].match(text, m.end()):
            found.append((k, j + 1, m.start()))
    return found


def _part_of(p: dict, indicator: str, whole: Target, direct: bool = True) -> str:
    """The indicator of a part of another target (in a bracket after it, or a '其中' clause):
    '其中'/'含' dropped; none left takes the whole's ('（每年不少于5个）'); a bare level ('省级3个')
    or a share ('占GDP比重10%'; '其中X占比80%' of a count) reads against the whole's
    ('省级知识产权服务平台', '数字经济核心产业增加值占GDP比重', '高新技术企业中X占比')."""
    parent = whole.indicator
    head = p["part_of"].match(indicator)
    indicator = indicator[head.end():].strip() if head else indicator
    if not indicator:
        return parent
    if _bare_modifier(indicator):
        head = re.match(r"^(?:.{0,6}?(?:级|类|型)(?:及?以上)?)?(?P<head>.{2,})$", parent)
        return indicator + (head.group("head") if head else parent)
    if indicator.startswith(("占", "中")):
        return parent + indicator
    if direct and _SHARE.search(indicator) and whole.unit not in ("%", "个百分点", "百分点", None) \
            and not indicator.startswith(parent):
        return f"{parent}中{indicator}"
    return indicator


def _respectively(text: str, nums: list[_Num], c_start: int) -> list[str] | None:
    """'A、B分别达到x、y': the subjects, one per number, or None."""
    head = text[c_start:nums[0].start]
    m = re.search(r"分别", head)
    if not m or len(nums) < 2:
        return None
    subjects = [_clean_indicator(s) for s in re.split(r"以及|、|和|及|与", head[:m.start()])]
    subjects = [s for s in subjects if s]
    if len(subjects) != len(nums):
        return None
    short = {len(s) for s in subjects[:-1]}
    if len(short) == 1 and (k := short.pop()) <= 3 and len(subjects[-1]) > k + 1:
        # "专利、商标、版权登记量": the short items share the last one's head (登记量)
        subjects = [s + subjects[-1][k:] for s in subjects[:-1]] + subjects[-1:]
    return subjects


def _years_respectively(text: str, nums: list[_Num], c_start: int, s_start: int) -> tuple[str, list[int]] | None:
    """'A 2023年、2024年、2025年分别达到x、y、z': (A, the years), one year per value, or None."""
    head = text[c_start:nums[0].start]
    m = re.search(r"(?P<years>(?:(?:19|20)\d\d\s*年?\s*(?:底|末)?\s*(?:、|和|及|，|,)\s*)+(?:19|20)\d\d\s*年?\s*(?:底|末)?)"
                  r"\s*(?:力争)?\s*分别", head)
    if not m:
        return None
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", m.group("years"))]
    if len(years) != len(nums):
        return None
    after = head[m.end():]
    verb = _patterns()["count_verb"].match(after)
    subject = _clean_indicator(head[:m.start()]) or _clean_indicator(after[verb.end():] if verb else after)
    if len(subject) < 2:   # the subject may head the sentence: "高新技术企业数量,2023年、2024年分别…"
        subject = _clean_indicator(text[s_start:c_start])
    return (subject, years) if len(subject) >= 2 else None


def _shared_head(indicators: list[str]) -> list[str]:
    """'90名国家级、150名省级科技人才': a bare modifier ('国家级') borrows the head noun of the
    nearest item after it with a modifier, else before it ('国家级示范园区一个、省级两个')."""
    if len(indicators) < 2:
        return indicators
    heads = [m.group(2) if (m := re.match(r"^(.{0,6}?(?:级|类|型))(.{2,})$", x)) and not _bare_modifier(x) else None
             for x in indicators]
    out = []
    for i, x in enumerate(indicators):
        if _bare_modifier(x):
            head = next((h for h in heads[i + 1:] if h), None) or next((h for h in reversed(heads[:i]) if h), None)
            x = x + head if head else x
        out.append(x)
    return out


def _bare_modifier(indicator: str) -> bool:
    return bool(re.fullmatch(r".{1,5}(?:级|类|型)(?:及?以上)?", indicator))   # '省级', '省级以上'


def _indicator(ctx: _Context, seg_pre: str, seg_post: str, growth, lvl, number_first: bool) -> str:
    p = ctx.p
    if growth:
        return _clean_indicator(seg_pre[:growth.start()])
    if lvl:
        return _clean_indicator(seg_pre[:lvl.start()])
    obj = _object_after(seg_post)
    if number_first:
        passed = re.match(r"^(?P<who>[^通]{1,12}?)(?P<what>通过.{2,})$", obj)
        if passed:   # "30%的县(市、区)通过X认定": the share of 县 that pass
            return _clean_indicator(f"{passed.group('what')}的{passed.group('who')}比例")
        return _clean_indicator(obj)
    verb = p["count_verb"].search(seg_pre)
    if verb:
        subject = _clean_indicator(seg_pre[:verb.start()])
        rest = seg_pre[verb.end():]
        while (more := p["count_verb_chain"].match(rest)) and (len(rest) > more.end() or obj):
            rest = rest[more.end():]   # 遴选建设, 推动建设, 引进和培育: a chain of verbs
        between = _clean_indicator(rest)
        if obj and re.search(r"[\u4e00-\u9fff]{2}", obj):
            return between + _core(obj) if between else _core(obj)
        if len(between) == 1:   # the verb was part of a noun: "培训班20期"
            return _clean_indicator(seg_pre[verb.start():])
        if not between and len(subject) <= 2:   # "服务组织10家": the verb word ends the noun
            return _clean_indicator(seg_pre) if len(_clean_indicator(seg_pre)) > len(subject) + 2 else subject
        return between or subject
    before = _clean_indicator(seg_pre)
    core = _core(obj) if obj and re.search(r"[\u4e00-\u9fff]{2}", obj) else ""
    return before + core if before else core


def _goal_label(ctx: _Context, clauses: list[tuple[int, int]], c_start: int, c_end: int, n: _Num,
                seg_pre: str) -> str | None:
    """A figure a goals section states without a verb, and its indicator: an item
    '发明专利拥有量：3000件；' (the label before the colon; the figure alone after it), a rate
    '企业上云率100%', or 'X为N' ('人才总量为1.5万人'). None otherwise."""
    label = _plain_goal_label(ctx, clauses, c_start, c_end, n, seg_pre)
    if label and (n.unit or "").endswith("元") and ctx.p["fund_anywhere"].search(label):
        return None   # '资金规模为5000万元': a budget, not a goal
    return label


def _plain_goal_label(ctx: _Context, clauses: list[tuple[int, int]], c_start: int, c_end: int, n: _Num,
                      seg_pre: str) -> str | None:
    text = ctx.text
    closes = not text[n.end:c_end].strip(" \u3000，,;；。、")
    if not closes:
        return None
    k = next((i for i, (a, _) in enumerate(clauses) if a == c_start), 0)
    if k and not seg_pre.strip(" \u3000") and re.search(r"[：:]\s*$", text[clauses[k - 1][0]:clauses[k - 1][1]]):
        label = text[clauses[k - 1][0]:clauses[k - 1][1]].strip(" \u3000：:")
        marker = _LIST_ITEM.match(label)
        label = _clean_indicator(label[marker.end():] if marker else label)
        if 2 <= len(label) <= 30 and re.search(r"[\u4e00-\u9fff]{2}", label) and not re.search(
                r"(?:如下|以下|下列|目标|指标)$", label) and not ctx.p["number"].search(label):
            return label
        return None
    before = _clean_indicator(seg_pre)
    if n.unit == "%" and re.search(r"[\u4e00-\u9fff]{2}率$", before):
        return before
    m = re.search(r"(?:(?P<goal>目标值?|预期值?)|总量|总数|规模|数量)为\s*$", seg_pre)
    if m:
        label = _clean_indicator(seg_pre[:m.start("goal")] if m.group("goal") else seg_pre[:m.end()].rstrip()[:-1])
        return label if len(label) >= 2 else None
    return None


def _subject_before(ctx: _Context, clauses: list[tuple[int, int]], c_start: int, generic: str) -> str:
    """'全市高新技术企业数量明显增加，达到1200家': a figure without its indicator takes the subject of
    the clause before it in the sentence, when that clause only says the indicator grows (no figure)."""
    k = next((i for i, (a, _) in enumerate(clauses) if a == c_start), 0)
    if not k:
        return ""
    before = ctx.text[clauses[k - 1][0]:clauses[k - 1][1]].strip(" \u3000")
    m = ctx.p["subject_clause"].match(before)
    if not m:
        return ""
    subject = _clean_indicator(m.group("subject"))
    return _GENERIC.sub("", subject) + generic if generic else subject


def _sentence_targets(ctx: _Context, line_start: int, s_start: int, s_end: int, out: list[Target]) -> None:
    text, p = ctx.text, ctx.p
    if not _may_hold_figure(ctx, s_start, s_end):
        return
    sentence = text[s_start:s_end]
    granted = [(s_start + a, s_start + b) for a, b in incentive_spans(sentence)]
    governing = None       # (kind, comparator) of the last clause with a target in this sentence
    governing_annual = False
    bounds = [m.end() for m in _CLAUSE_END.finditer(text, s_start, s_end)]
    brackets = _figure_brackets(ctx, s_start, s_end)
    for a, b, _ in brackets:   # a bracket after a figure holds clauses of its own: '5000件（其中发明专利2000件）'
        bounds += [a, b]
    bounds = sorted(set(b for b in bounds if s_start < b < s_end))
    clauses, prev = [], s_start
    for b in bounds + [s_end]:
        clauses.append((prev, b))
        prev = b
    parent = None        # the target a bracket after a figure details
    part_parent = None   # the target a '其中…' clause details (to the sentence's end)
    for c_start, c_end in clauses:
        bracket = next(((a, b, f) for a, b, f in brackets if a <= c_start < b), None)
        if bracket and any(a <= bracket[2] < b for a, b in granted):
            continue   # the terms of an incentive: '给予最高50万元奖励（每家企业不超过2个项目）'
        if bracket:
            if c_start == bracket[0]:
                parent = out[-1] if out and out[-1].start >= s_start else None
                c_start += 1   # the opening bracket
            if c_end == bracket[1]:
                c_end -= 1     # the closing bracket
        direct = bool(bracket) or bool(p["part_of"].match(text, c_start, c_end))
        if direct and not bracket:
            part_parent = out[-1] if out and out[-1].start >= s_start else None
        elif not bracket and text[c_start - 1:c_start] in ("；", ";"):
            part_parent = None   # '；' closes the item a '其中' detailed
        whole = parent if bracket else part_parent
        # a clause without a numeral character holds no number (as for the sentence above)
        candidates = _numbers(ctx, c_start, c_end) if _MAY_HOLD_NUMBER.search(text, c_start, c_end) else []
        nums = [n for n in candidates
                if not _skip_number(ctx, n, c_start)
                and not any(a <= n.start < b for a, b in granted)
                and not is_threshold(sentence, n.start - s_start, n.end - s_start)]
        nums = [n for n in nums if not (n.pct_pair and n.value_max is None)]
        if not nums:
            continue
        by_year = _years_respectively(text, nums, c_start, s_start)
        subjects = None if by_year else _respectively(text, nums, c_start)
        if by_year:
            subjects = [by_year[0]] * len(nums)
        segments = _segments(text, nums, c_start, c_end)
        produced: list[tuple[_Num, Target]] = []
        for i, n in enumerate(nums):
            seg_a, seg_b = segments[i]
            pre_clause = text[c_start:n.start]
            seg_pre, seg_post = text[seg_a:n.start], text[n.end:seg_b]
            growth = p["growth"].search(seg_pre)
            lvl = _level_verb(p, seg_pre, n.value_max is not None or (n.post or "") in p["bound_posts"],
                              bool(_CLOSES_CLAUSE.match(text, n.end, c_end)))
            count = p["count_verb"].search(pre_clause)
            cumulative = bool(p["cumulative"].search(pre_clause)) or (
                governing and governing[0] == "cumulative" and not (lvl or count or growth))
            number_first = i == 0 and not seg_pre.strip(" \u3000，,、“”") and (
                n.unit == "%" or n.post in ("以上", "及以上"))
            if subjects:   # "A、B分别增长x、y": the verb before the first value governs them all
                head = text[c_start:nums[0].start]
                growth = growth or p["growth"].search(head)
                lvl = lvl or (None if growth else p["level_verb"].search(head))
            soft = p["soft_end"].search(seg_pre)
            number_first = number_first or bool(soft and (n.unit == "%" or n.post in ("以上", "及以上")))
            labelled = None
            if not (growth or lvl or count or subjects) and ctx.in_goals(n.start):
                labelled = _goal_label(ctx, clauses, c_start, c_end, n, seg_pre)
            if not (growth or lvl or count or governing or number_first or subjects or labelled
                    or n.fraction and lvl):
                continue
            if n.fraction and not (lvl or growth):
                continue
            indicator = labelled or (subjects[i] if subjects else
                                     _indicator(ctx, seg_pre, seg_post, growth, lvl, number_first))
            indicator = indicator.strip(" \u3000,，、;；")
            if whole is not None:
                indicator = _part_of(p, indicator, whole, direct)
            prior = produced[-1][1] if produced else (out[-1] if out and out[-1].start >= s_start else None)
            if not indicator and (growth or lvl) and prior is not None \
                    and not text[n.end:c_end].strip(" \u3000，,;；。"):
                # "…融资额达到20亿元，年均增长15%以上", "…增加值增长55%以上、达到5.5万亿元": the same indicator
                indicator = prior.indicator
            elif not indicator and (growth or lvl) and prior is None and out and out[-1].start >= line_start \
                    and not _clean_indicator(text[s_start:seg_a + (growth or lvl).start()]):
                # '2023年，专利拥有量达到3000件。2024年，达到4000件。': a sentence with only a year
                # before its verb continues the indicator of the paragraph's last target
                indicator = out[-1].indicator
            if (not indicator or _GENERIC.fullmatch(indicator)) and (growth or lvl) and prior is None:
                indicator = _subject_before(ctx, clauses, c_start, indicator) or indicator
            if len(indicator) < 2 or not re.search(r"[\u4e00-\u9fff]", indicator):
                continue
            if count and not (lvl or growth) and (n.unit or "").endswith("元") and p["fund"].search(indicator):
                continue   # 设立2亿元运营基金: money a plan commits to spend (a budget), not a goal it measures
            unit = n.unit
            increment = growth and unit not in ("%", "个百分点", "百分点") and \
                growth.group(0).strip() in p["increment_verbs"]
            if increment and re.search(r"[\u4e00-\u9fff]{2}", _object_after(seg_post)):
                continue   # '帮助企业增加2条生产线': an action on a thing, not an indicator's change
            if increment:
                kind = "count"   # '专精特新企业增加100家': so many more, a count (增加5个百分点 is growth)
            elif growth:
                kind = "growth"
            elif cumulative:
                kind = "cumulative"
            elif unit in ("%", "个百分点", "百分点") or n.fraction:
                kind = "ratio"
            elif p["quota"].search(pre_clause) and not subjects:
                kind = "level"   # '每个乡镇至少建成一所', '每5所幼儿园配备1名': a quota per unit, a level
            elif count and lvl and p["count_bound"].fullmatch(lvl.group(0).strip()) \
                    and re.search(r"[\u4e00-\u9fff]{2}", _object_after(seg_post)):
                kind = "count"   # '实施不少于50项科技项目': a bound on a count of the noun after it
            elif (count or subjects and not lvl) and not lvl:
                kind = "count"
            else:
                kind = governing[0] if governing and not (lvl or count) else "level"
            if bracket and parent is not None and kind == "level" and parent.kind in ("count", "cumulative") \
                    and not count and (not lvl or p["count_bound"].fullmatch(lvl.group(0).strip())):
                kind = parent.kind   # '新增20个以上（每年不少于5个）': the part counts like the whole
            ahead = text[c_start:n.start]
            ge_m, le_m = p["ge"].search(seg_pre), p["le"].search(seg_pre)
            if ge_m and le_m:   # the longer word decides: 不少于 is not 少于, 不超过 is not 超过
                ge_m, le_m = (ge_m, None) if ge_m.start() <= le_m.start() else (None, le_m)
            if n.value_max is not None:
                comparator = "range"
            elif n.post in ("以内", "之内", "以下", "内") or le_m or p["time_limit"].search(seg_pre):
                comparator = "<="
            elif n.post == "左右" or (lvl and lvl.group(0).rstrip().endswith("为")):
                comparator = "="   # "达到70家左右": about, not at least; "目标为3000件": exactly
            elif n.post in ("以上", "及以上") or ge_m or re.search(r"至少|不少于|不低于", ahead) or lvl:
                comparator = ">="
            else:
                comparator = "="
            after = p["year_after"].match(text, n.end)
            if by_year:
                (year, inferred, as_state), how = (by_year[1][i], False, False), "listed_years"
            elif after:
                (year, inferred, as_state), how = (int(after.group("y")), False, False), "after_number"
            else:
                year, inferred, as_state = ctx.year_for(n.start, s_start, line_start)
                how = ctx.how
            if as_state and year and ctx.start_year and year < ctx.start_year:
                continue   # a baseline: "2020年,全市专利授权量达到5000件" in a 2021-2025 plan
            if ctx.in_background(n.start) or p["baseline"].search(text, s_start, n.start):
                continue   # "2021年以来,全市累计培育…", "目前已建成…": what was done, not a goal
            evidence_start = seg_a if i and seg_a > c_start else c_start
            evidence_start += len(text[evidence_start:n.start]) - len(text[evidence_start:n.start].lstrip(" \u3000,，;；、"))
            target = Target(indicator=indicator, value=n.value, value_max=n.value_max, unit=unit, year=year,
                            kind=kind, comparator=comparator,
                            text=text[c_start + len(text[c_start:c_end]) - len(text[c_start:c_end].lstrip(" \u3000,，;；")):c_end].rstrip(",，;；。 "),
                            start=evidence_start, end=n.end, year_inferred=inferred)
            own_verb = bool(lvl or p["count_verb"].search(text, c_start, n.start) or growth)
            trigger = ("labelled" if labelled else "respectively" if subjects else "growth_verb" if growth else "level_verb" if lvl
                       else "count_verb" if count else "number_first" if number_first else "continued")
            target.rule = f"clause:{trigger};year:{how}"
            target.annual = kind != "growth" and bool(
                p["annual"].search(text, c_start, n.start) or (governing_annual and not own_verb)
                or re.match(r"\s*/\s*年", text[n.end:n.end + 3]))   # "100件/年"
            produced.append((n, target))
            governing, governing_annual = (kind, comparator), target.annual
        for _, t in produced:
            if _GENERIC.fullmatch(t.indicator) and out and out[-1].start >= s_start:
                t.indicator = _GENERIC.sub("", out[-1].indicator) + t.indicator   # "…企业200家,总数达到1000家"
        if not subjects and len(produced) > 1:
            heads = _shared_head([t.indicator for _, t in produced])
            for (_, t), ind in zip(produced, heads):
                t.indicator = ind
        out.extend(t for _, t in produced)


# ------------------------------------------------------------------ tables
_YEAR_HEAD_AFTER = re.compile(r"^\s*(?:目标值?|预期值?|规划值|预期目标)\s*[(（]\s*(?P<y>(?:19|20)\d\d)\s*年?\s*[)）]\s*$")
_YEAR_HEAD = re.compile(r"^\s*(?P<y>(?:19|20)\d\d)\s*年?\s*(?:底|末)?\s*[(（]?\s*(?P<tag>基期|基准年?|现状|现值|实际|完成|目标值?|预期值?|规划值|目标|预期)?"
                        r"\s*(?:值|数)?\s*[)）]?\s*(?:目标值?|预期值?)?\s*$")
_BASE_WORDS = re.compile(r"基期|基准|现状|现值|实际|完成")
_HEADER_ROLES = [
    ("no", re.compile(r"^(?:序\s*号|编\s*号|序)$")),
    ("unit", re.compile(r"^(?:单\s*位|计量单位|指标单位)$")),
    ("kind", re.compile(r"^(?:指标)?(?:属\s*性|类\s*型|性\s*质)$")),
    ("category", re.compile(r"^(?:类\s*别|领\s*域|分\s*类|一级指标|维\s*度|板\s*块|方\s*面)$")),
    ("indicator", re.compile(r"^(?:指\s*标|指标名称|主要指标|具体指标|二级指标|指标内容|名\s*称|项\s*目|目标任务|内\s*容)"
                             r"\s*(?:[(（]\s*(?:单\s*位|计量单位)\s*[)）])?$")),
    ("growth", re.compile(r"^(?:年均增速|年均增长|年均增长率|增速|增幅|年均增幅)\s*(?:[(（][^()（）]{0,6}[)）])?$")),
    ("base", re.compile(r"^(?:基期值?|基准值|现状值?|现值|基数)$")),
    ("target", re.compile(r"^(?:目标值|预期值|预期目标|规划目标|期末值|目标值?\s*[(（]\s*预期\s*[)）])$")),
    ("note", re.compile(r"^(?:备\s*注|说\s*明|责任单位|牵头单位|数据来源)$")),
]
_VALUE_CELL = re.compile(r"^\s*(?P<cmp>≥|>=|＞|>|≤|<=|<|＜|不低于|不少于|超过|达到)?\s*(?P<num>\d+(?:[.．]\d+)?)\s*"
                         r"(?:(?:-|—|–|~|～)\s*(?P<num2>\d+(?:[.．]\d+)?))?\s*(?P<pct>%|％)?\s*(?P<scale>万亿|亿|万)?\s*"
                         r"(?P<post>以上|以下|左右|以内)?\s*$")
_UNIT_IN_NAME = re.compile(r"^(?P<name>.+?)\s*[(（](?P<unit>[^()（）]{1,6})[)）]\s*$")
_EMPTY_CELL = re.compile(r"^\s*(?:[-—–/／]+|无|暂无)?\s*$")


# every header pattern in one: most lines tried are no header cell, and one match says so
_ANY_HEADER = re.compile("|".join(f"(?:{unnamed(p)})" for p in
                                  [_YEAR_HEAD, _YEAR_HEAD_AFTER, *(p for _, p in _HEADER_ROLES)]))


def _header_role(cell: str) -> tuple[str, int | None] | None:
    cell = cell.strip()
    if not _ANY_HEADER.match(cell):
        return None
    m = _YEAR_HEAD.match(cell) or _YEAR_HEAD_AFTER.match(cell)
    if m:
        tag = m.groupdict().get("tag")
        return ("base" if tag and _BASE_WORDS.search(tag) else "target"), int(m.group("y"))
    for role, pattern in _HEADER_ROLES:
        if pattern.match(cell):
            return role, None
    return None


def _based(role, start_year: int | None):
    """A target-year column before the plan's start is a base year."""
    if role and role[0] == "target" and start_year and role[1] is not None and role[1] < start_year:
        return "base", role[1]
    return role


def _header(cells: list[str], start_year: int | None = None) -> list[tuple[str, int | None]] | None:
    """Roles of a header row, or None when the row is not a target table's header."""
    roles = [_based(_header_role(c), start_year) for c in cells]
    unknown = [c for c, r in zip(cells, roles) if r is None]
    # a header may carry one column we do not read ("数据来源", "牵头部门"), never a figure
    if len(unknown) > 1 or any(re.search(r"\d", c) or len(c.strip()) > 8 for c in unknown):
        return None
    roles = [r or ("other", None) for r in roles]
    names = [r[0] for r in roles]
    if "indicator" not in names or "target" not in names:
        return None
    return roles  # type: ignore[return-value]


def _row_targets(roles, cells: list[tuple[str, int]], out: list[Target], loose: bool = False,
                 default_year: int | None = None) -> bool:
    """Targets of one data row; False when the row does not fit the header. `loose` (rows
    delimited by the layout itself): a target cell may hold words ("全覆盖"), which give nothing."""
    if len(cells) != len(roles):
        return False
    names = [r[0] for r in roles]
    name, name_at = cells[names.index("indicator")]
    if not re.search(r"[\u4e00-\u9fff]", name) or _VALUE_CELL.match(name):
        return False
    values = [(k, cells[k]) for k, r in enumerate(roles) if r[0] == "target"]
    fits = [bool(_VALUE_CELL.match(c) or _EMPTY_CELL.match(c)) for _, (c, _) in values]
    if not all(fits) and not (loose and all(ok or (len(c) <= 10 and not re.search(r"\d", c))
                                            for ok, (_, (c, _)) in zip(fits, values))):
        return False
    um = _UNIT_IN_NAME.match(name)
    indicator, unit = (um.group("name"), um.group("unit")) if um else (name, None)
    if "unit" in names and cells[names.index("unit")][0].strip():
        unit = cells[names.index("unit")][0].strip()
    for k, (cell, at) in values:
        vm = _VALUE_CELL.match(cell)
        if not vm:
            continue
        unit_here = "%" if vm.group("pct") else unit
        if vm.group("scale"):   # "1.2万" under 单位 件 -> 1.2 万件
            unit_here = vm.group("scale") + (unit_here or "")
        kind = ("ratio" if unit_here in ("%", "个百分点") else "cumulative" if "累计" in indicator
                else "count" if unit_here in ("个", "项") else "level")
        cmp_word, post = vm.group("cmp") or "", vm.group("post") or ""
        comparator = ("range" if vm.group("num2") else ">=" if cmp_word in ("≥", ">=", "＞", ">", "不低于", "不少于", "超过", "达到") or post == "以上"
                      else "<=" if cmp_word in ("≤", "<=", "<", "＜") or post in ("以下", "以内") else "=")
        year = roles[k][1] or default_year   # a "目标值" column without a year: the plan's end
        out.append(Target(indicator=indicator.strip(), value=float(vm.group("num").replace("．", ".")),
                          value_max=float(vm.group("num2").replace("．", ".")) if vm.group("num2") else None,
                          unit=unit_here, year=year, kind=kind, comparator=comparator,
                          text=f"{name} {year}年:{cell.strip()}", start=name_at, end=at + len(cell),
                          year_inferred=roles[k][1] is None,
                          rule="table:" + ("target_column" if roles[k][1] is None else "year_column"),
                          annual=bool(re.match(r"(?:每年|年度|当年|年)新增|每年", indicator)) and kind != "ratio"))
    # a 年均增速 column: the growth the plan states for the indicator over its term (gold: 年均增长
    # targets are kind growth, unit %), dated by the last target year the table prints
    years = [r[1] for r in roles if r[0] == "target" and r[1]]
    for k, role in enumerate(roles):
        vm = _VALUE_CELL.match(cells[k][0]) if role[0] == "growth" else None
        if not vm or vm.group("num2") or vm.group("scale"):
            continue
        cell, at = cells[k]
        cmp_word, post = vm.group("cmp") or "", vm.group("post") or ""
        comparator = (">=" if cmp_word in ("≥", ">=", "＞", ">", "不低于", "不少于", "超过", "达到") or post == "以上"
                      else "<=" if cmp_word in ("≤", "<=", "<", "＜") or post in ("以下", "以内") else "=")
        year = max(years) if years else default_year
        out.append(Target(indicator=indicator.strip(), value=float(vm.group("num").replace("．", ".")),
                          value_max=None, unit="%", year=year, kind="growth", comparator=comparator,
                          text=f"{name} 年均增速:{cell.strip()}", start=name_at, end=at + len(cell),
                          year_inferred=not years, rule="table:growth_column", annual=False))
    return True


def _split_cells(line) -> list[tuple[str, int]] | None:
    """A row printed with ' | ' or tabs -> [(cell, offset)], else None. A row framed by pipes
    ('| 指标 | 2025年 |', markdown style) drops the empty cells outside its frame."""
    if "|" in line.text:
        cells = pipe_cells(line)
        framed = line.text.strip().startswith("|") and line.text.strip().endswith("|") and len(cells) > 2
        return cells[1:-1] if framed else cells
    if "\t" in line.text:
        return split_cells(line, "\t")
    return None


def _spaced_cells(line) -> list[tuple[str, int]]:
    return [(m.group(0), line.start + m.start()) for m in re.finditer(r"\S+", line.text)]


def _row_table(lines, i: int, out: list[Target], start_year: int | None = None,
               period_end: int | None = None) -> int:
    """Header and rows on one line each, cells split by ' | ' or tabs; returns the next line index."""
    cells = _split_cells(lines[i])
    roles = _header([c for c, _ in cells], start_year) if cells else None
    j = i + 1
    yearless = roles and any(r[0] == "target" and r[1] is None for r in roles)
    if (not roles or yearless) and cells and i + 1 < len(lines):
        # a two-row header: "指标 | 单位 | 目标值 | 目标值" over " |  | 2024年 | 2025年"
        below = _split_cells(lines[i + 1])
        if below and len(below) == len(cells):
            merged = [b if _header_role(b) and _header_role(b)[0] in ("target", "base") else a
                      for (a, _), (b, _) in zip(cells, below)]
            two_rows = _header(merged, start_year)
            if two_rows and any(_header_role(b) for b, _ in below):
                roles, j = two_rows, i + 2
    if not roles:
        return i
    while j < len(lines):
        row = _split_cells(lines[j])
        if row and all(re.fullmatch(r"\s*:?-{3,}:?\s*", c) for c, _ in row):
            j += 1   # the rule under a markdown header: |---|---|
            continue
        if row is None or not _row_targets(roles, row, out, loose=True, default_year=period_end):
            break
        j += 1
    return j


def _cell_table(lines, i: int, out: list[Target], start_year: int | None = None,
                period_end: int | None = None) -> int:
    """Header cells one per line ('指标' / '单位' / '2024年' ...), then rows one cell per line or
    one row per line (cells split by spaces); returns the next line index."""
    roles, j = [], i
    while j < len(lines) and lines[j].text.strip():
        tag = _VALUE_TAG.fullmatch(lines[j].text)
        role = _based(_header_role(lines[j].text), start_year)
        if role is None and not tag:
            break
        if tag and roles and roles[-1][1] is not None:
            # a year cell broken over two lines: "2025年" / "目标值", "2022年" / "（基期）"
            if _BASE_WORDS.search(tag.group(1)):
                roles[-1] = ("base", roles[-1][1])
            j += 1
            continue
        if role is None:
            break
        roles.append(role)
        j += 1
    names = [r[0] for r in roles]
    if "indicator" not in names or "target" not in names:
        return i
    width = len(roles)
    while j < len(lines):
        row = [(ln.text.strip(), ln.start + len(ln.text) - len(ln.text.lstrip())) for ln in lines[j:j + width]]
        if len(row) == width and _row_targets(roles, row, out, default_year=period_end):
            j += width
            continue
        spaced = _spaced_cells(lines[j])
        if len(spaced) == width and _row_targets(roles, spaced, out, default_year=period_end):
            j += 1
            continue
        if len(spaced) == width - 1 and names[0] == "no" and _row_targets(roles[1:], spaced, out,
                                                                           default_year=period_end):
            j += 1
            continue
        if "category" in names:
            # a merged category cell (printed once for several rows) leaves the row one cell short
            fewer = [r for r in roles if r[0] != "category"]
            row = [(ln.text.strip(), ln.start + len(ln.text) - len(ln.text.lstrip()))
                   for ln in lines[j:j + len(fewer)]]
            if len(row) == len(fewer) and _row_targets(fewer, row, out, default_year=period_end):
                j += len(fewer)
                continue
            if len(spaced) == len(fewer) and _row_targets(fewer, spaced, out, default_year=period_end):
                j += 1
                continue
        break
    return j


def find_table_targets(outline: Outline, period_end: int | None,
                       start_year: int | None = None) -> tuple[list[Target], list[tuple[int, int]]]:
    """Target tables anywhere after the title (annexes included): ' | ' rows, tab rows, one cell
    per line or one row per line; the header's cells are classified in any order. A year column
    before the plan's start is a base year even when the header does not say so."""
    lines = [ln for ln in lines_of(outline.text) if outline.header_end <= ln.start]
    out, covered = [], []
    i = 0
    while i < len(lines):
        j = _row_table(lines, i, out, start_year, period_end)
        if j == i:
            j = _cell_table(lines, i, out, start_year, period_end)
        if j > i:
            covered.append((lines[i].start, lines[j - 1].end))
            i = j
        else:
            i += 1
    return out, covered
