"""Targets: every quantified commitment (indicator, value, unit, deadline year, kind, comparator).

Two sources:
- clauses of the plan body: a number with a unit, governed by a target verb (达到, 培育, 新建,
  年均增长 ...) in the same clause, or continuing a clause that had one ("累计建成A30个,B10个");
- year-column tables laid out one cell per line (or one row per line): 指标 / 2023年 / 2024年 ...
The deadline is the nearest "到2025年" / "2025年底前" before the number in the same sentence, else
in the same paragraph, else in the enclosing headings' lead paragraphs, else the plan's end year
(marked inferred). Word lists live in extract/patterns/target_words.json.
Writes `doc._.policykg["targets"]` and `doc.spans["policykg_targets"]` (label TARGET).

DOCS: docs/components.md#targets
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..outline import Outline
from ..result import Target
from ..textutil import CN_NUMERAL, cn_to_int, iter_lines, pipe_cells, to_halfwidth_digits

PATTERNS = Path(__file__).resolve().parents[1] / "patterns"


@lru_cache(maxsize=1)
def words() -> dict:
    return json.loads((PATTERNS / "target_words.json").read_text(encoding="utf-8"))


def _alt(key: str) -> str:
    return "|".join(sorted(map(re.escape, words()[key]), key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns():
    w = words()
    num = rf"(?:\d+(?:\s*[.．。]\s*\d+)?|[{CN_NUMERAL}]+)"
    unit = _alt("units")
    number = re.compile(
        rf"(?P<num>{num})\s*(?P<pct1>%|％)?\s*(?:(?P<sep>-|—|–|~|～|至|到)\s*(?P<num2>{num}))?\s*(?P<unit>{unit})"
        rf"\s*(?P<post>以上|及以上|以内|以下|左右)?")
    deadline = re.compile(
        r"(?:(?:到|至|截至|截止到?|于)\s*(?P<y1>(?:19|20)\d\d|[〇○零一二三四五六七八九]{4})\s*年)"
        r"|(?P<y2>(?:19|20)\d\d)\s*年\s*(?:\d{1,2}\s*月\s*)?(?:底|末)?\s*(?:前|之前|以前|底|末)")
    return {
        "number": number,
        "deadline": deadline,
        "level_verb": re.compile(rf"(?:{_alt('level_verbs')})\s*$"),
        "count_verb": re.compile(_alt("count_verbs")),
        "growth": re.compile(rf"(?:{_alt('growth_verbs')})\s*(?:{_alt('level_verbs')})?\s*$"),
        "cumulative": re.compile(_alt("cumulative")),
        "strip_head": re.compile(rf"^(?:{_alt('strip_prefixes')})+"),
        "strip_tail": re.compile(rf"(?:{_alt('strip_suffixes')})+$"),
        "ge": re.compile(rf"(?:{_alt('ge_verbs')})\s*$"),
        "le": re.compile(rf"(?:{_alt('le_verbs')})\s*$"),
        "soft": w["soft_prefixes"],
    }


_SENTENCE_END = re.compile(r"(?<!\d)[。！？!?](?!\d)|\n")
_CLAUSE_END = re.compile(r"[,，;；:：]")


def _value(raw: str) -> float | None:
    raw = to_halfwidth_digits(re.sub(r"\s+", "", raw)).replace("。", ".").replace("．", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
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
    text = re.sub(r"^\s*(?:到|至|截至)?\s*(?:(?:19|20)\d\d\s*年\s*(?:\d{1,2}\s*月)?\s*(?:底|末)?\s*(?:前)?)", "", text)
    text = text.strip(" \u3000,，、;；:：—-")
    prev = None
    while prev != text:
        prev = text
        text = p["strip_head"].sub("", text).strip(" \u3000,，、")
        text = p["strip_tail"].sub("", text).strip(" \u3000,，、")
    if text.count("”") > text.count("“"):
        text = "“" + text
    return text.strip(" \u3000,，、;；:：。")


def _object_after(post: str) -> str:
    obj = re.split(r"[,，;；。]", post, maxsplit=1)[0]
    obj = re.sub(r"^(?:以上|及以上|左右)?的?", "", obj)
    return obj.strip()


def _core(obj: str) -> str:
    """'100家影响力大、经济价值高的商标品牌' -> '商标品牌' (drop modifiers before the last 的)."""
    if "的" in obj:
        tail = obj.rsplit("的", 1)[1]
        if len(tail) >= 2:
            return tail
    return obj


class _Context:
    def __init__(self, outline: Outline, period_end: int | None):
        self.outline = outline
        self.text = outline.text
        self.period_end = period_end
        self.p = _patterns()

    def deadline_before(self, start: int, end: int) -> int | None:
        found = None
        for m in self.p["deadline"].finditer(self.text, start, end):
            found = _year(m) or found
        return found

    def year_for(self, pos: int, sentence_start: int, line_start: int) -> tuple[int | None, bool]:
        year = self.deadline_before(sentence_start, pos) or self.deadline_before(line_start, pos)
        if year:
            return year, False
        for h in reversed(self.outline.enclosing(pos)):
            first_child = min((c.start for c in self.outline.headings if c.parent == h.id), default=h.end)
            lead_end = min(first_child, pos)
            year = self.deadline_before(h.start, lead_end)
            if year:
                return year, False
        return self.period_end, True


def link_indicators(targets: list[Target]) -> None:
    """Set each target's indicator_id from the indicator vocabulary (ontology/indicators.ttl)."""
    try:
        from policykg.ontology.vocab import match_indicator
    except ImportError:   # vocabulary not shipped: targets keep only their printed indicator
        return
    for target in targets:
        found = match_indicator(target.indicator)
        target.indicator_id = found["notation"] if found else None


def find_targets(outline: Outline, period_end: int | None) -> list[Target]:
    ctx = _Context(outline, period_end)
    tables, covered = find_table_targets(outline, period_end)
    clause_targets = _clause_targets(ctx, covered)
    return sorted(tables + clause_targets, key=lambda t: t.start)


def _in_quotes(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 12):start], text[end:end + 12]
    opened = before.rfind("“") > before.rfind("”")
    return opened and "”" in after


def _clause_targets(ctx: _Context, covered: list[tuple[int, int]]) -> list[Target]:
    text, p = ctx.text, ctx.p
    out: list[Target] = []
    start = ctx.outline.header_end
    end = ctx.outline.body_end
    lines = [ln for ln in iter_lines(text) if ln.end > start and ln.start < end]
    for line in lines:
        if any(a <= line.start < b for a, b in covered):
            continue
        sent_start = line.start
        for sent_m in list(_SENTENCE_END.finditer(line.text)) + [None]:
            sent_end = line.start + (sent_m.start() if sent_m else len(line.text))
            _sentence_targets(ctx, line.start, sent_start, sent_end, out)
            if sent_m is None:
                break
            sent_start = line.start + sent_m.end()
    return out


def _sentence_targets(ctx: _Context, line_start: int, s_start: int, s_end: int, out: list[Target]) -> None:
    text, p = ctx.text, ctx.p
    clause_start = s_start
    governing = None       # (kind, comparator) of the last clause with a target verb in this sentence
    bounds = [m.end() for m in _CLAUSE_END.finditer(text, s_start, s_end)]
    clauses, prev = [], s_start
    for b in bounds + [s_end]:
        clauses.append((prev, b))
        prev = b
    for c_start, c_end in clauses:
        clause = text[c_start:c_end]
        for m in p["number"].finditer(clause):
            n_start, n_end = c_start + m.start(), c_start + m.end()
            pre, post = clause[:m.start()], clause[m.end():]
            raw_num = m.group("num")
            if _skip_number(clause, m, text, n_start, n_end):
                continue
            value = _value(raw_num)
            if value is None:
                continue
            unit = m.group("unit").replace("％", "%")
            if m.group("pct1") and not m.group("num2"):
                continue
            value_max = _value(m.group("num2")) if m.group("num2") else None
            growth = p["growth"].search(pre)
            lvl = p["level_verb"].search(pre)
            count = p["count_verb"].search(pre)
            cumulative = bool(p["cumulative"].search(pre)) or (governing and governing[0] == "cumulative" and not (lvl or count or growth))
            number_first = not pre.strip(" \u3000，,、“”") and (unit == "%" or m.group("post") in ("以上", "及以上"))
            if not (growth or lvl or count or governing or number_first):
                continue
            # indicator
            if growth:
                indicator = _clean_indicator(pre[:growth.start()])
            elif lvl:
                indicator = _clean_indicator(pre[:lvl.start()])
            elif count:
                subject = _clean_indicator(pre[:count.start()])
                between = _clean_indicator(pre[count.end():])
                obj = _object_after(post)
                if between and len(pre) - count.end() > 0 and not obj:
                    indicator = between
                elif not between and subject and not obj:
                    indicator = subject
                else:
                    indicator = (between + _core(obj)) if between else _core(obj) or subject
            elif number_first:
                indicator = _clean_indicator(_object_after(post))
            else:
                before = _clean_indicator(pre)
                indicator = before + _core(_object_after(post)) if before else _core(_object_after(post))
            indicator = indicator.strip(" \u3000,，、;；")
            if len(indicator) < 2 or not re.search(r"[\u4e00-\u9fff]", indicator):
                continue
            # kind and comparator
            if growth:
                kind = "growth"
            elif cumulative:
                kind = "cumulative"
            elif unit in ("%", "个百分点") and not growth:
                kind = "ratio"
            elif count and not lvl:
                kind = "count"
            else:
                kind = governing[0] if governing and not (lvl or count) else "level"
            if value_max is not None:
                comparator = "range"
            elif m.group("post") in ("以内", "以下") or p["le"].search(pre):
                comparator = "<="
            elif m.group("post") in ("以上", "及以上") or p["ge"].search(pre) or lvl:
                comparator = ">="
            else:
                comparator = "="
            year, inferred = ctx.year_for(n_start, s_start, line_start)
            evidence_start = c_start + len(clause) - len(clause.lstrip(" \u3000,，;；"))
            out.append(Target(indicator=indicator, value=value, value_max=value_max, unit=unit, year=year,
                              kind=kind, comparator=comparator,
                              text=text[evidence_start:c_end].rstrip(",，;；。 "),
                              start=evidence_start, end=n_end, year_inferred=inferred))
            governing = (kind, comparator)


def _skip_number(clause: str, m: re.Match, text: str, n_start: int, n_end: int) -> bool:
    before = clause[:m.start()]
    raw = m.group("num")
    if before.endswith(("第", "〔", "[", "（", "(", "·", "每")) or clause[m.end(): m.end() + 1] in ("·",):
        return True
    if _in_quotes(text, n_start, n_end):
        return True
    if re.fullmatch(r"[{}]+".format(CN_NUMERAL), raw):
        # Chinese numerals: only small counts like 一个 / 两家, never inside words like 一批 / 一站式
        if len(raw) > 4:
            return True
    if re.match(r"\d", raw) and re.search(r"[A-Za-z]$", before):
        return True   # G60, PCT...
    return False


# ------------------------------------------------------------------ tables
_YEAR_CELL = re.compile(r"^\s*((?:19|20)\d\d)\s*年?\s*(?:目标值?|预期值?)?\s*$")
_NUM_CELL = re.compile(r"^\s*(\d+(?:[.．]\d+)?)\s*(%|％)?\s*$")
_HEADER_CELL = re.compile(r"^\s*(?:指\s*标|指标名称|主要指标|序\s*号|单\s*位)\s*$")
_UNIT_IN_NAME = re.compile(r"^(?P<name>.+?)\s*[(（](?P<unit>[^()（）]{1,6})[)）]\s*$")


_BASE_YEAR = re.compile(r"基期|基准|现状|现值|实际")
_UNIT_HEADER = re.compile(r"^\s*(?:单\s*位|计量单位)\s*$")


def _pipe_table(lines, i: int, out: list[Target]) -> int:
    """'指标 | 单位 | 2023年 | 2024年' then '发明专利拥有量 | 件 | 10 | 11' rows; returns the next line index."""
    header = [c for c, _ in pipe_cells(lines[i])]
    if not header or not _HEADER_CELL.match(header[0]):
        return i
    years = {k: int(m.group(1)) for k, c in enumerate(header)
             if (m := re.match(r"^\s*((?:19|20)\d\d)\s*年?", c)) and not _BASE_YEAR.search(c)}
    if not years:
        return i
    unit_col = next((k for k, c in enumerate(header) if _UNIT_HEADER.match(c)), None)
    j = i + 1
    while j < len(lines) and "|" in lines[j].text:
        cells = pipe_cells(lines[j])
        if len(cells) != len(header):
            break
        name, name_at = cells[0]
        um = _UNIT_IN_NAME.match(name)
        indicator, unit = (um.group("name"), um.group("unit")) if um else (name, None)
        if unit_col is not None and cells[unit_col][0]:
            unit = cells[unit_col][0]
        for k, year in years.items():
            vm = _NUM_CELL.match(cells[k][0])
            if not vm:
                continue
            unit_here = "%" if vm.group(2) else unit
            kind = "ratio" if unit_here == "%" else ("count" if unit_here in ("个", "项") else "level")
            out.append(Target(indicator=indicator.strip(), value=float(vm.group(1).replace("．", ".")), value_max=None,
                              unit=unit_here, year=year, kind=kind, comparator="=",
                              text=f"{name} {year}年:{vm.group(1)}", start=name_at, end=cells[k][1] + len(cells[k][0])))
        j += 1
    return j


def find_table_targets(outline: Outline, period_end: int | None) -> tuple[list[Target], list[tuple[int, int]]]:
    """Year-column tables laid out one cell per line, one row per line, or as ' | ' rows."""
    lines = [ln for ln in iter_lines(outline.text) if outline.header_end <= ln.start < outline.body_end]
    out, covered = [], []
    i = 0
    while i < len(lines):
        if "|" in lines[i].text:
            j = _pipe_table(lines, i, out)
            if j > i:
                covered.append((lines[i].start, lines[j - 1].end))
                i = j
                continue
        if not _HEADER_CELL.match(lines[i].text):
            i += 1
            continue
        j = i + 1
        years = []
        while j < len(lines) and _YEAR_CELL.match(lines[j].text):
            years.append(int(_YEAR_CELL.match(lines[j].text).group(1)))
            j += 1
        if not years:
            i += 1
            continue
        table_start = lines[i].start
        while j < len(lines):
            name_line = lines[j]
            cells = lines[j + 1:j + 1 + len(years)]
            inline = re.split(r"\s{1,}", name_line.text.strip())
            if len(cells) == len(years) and all(_NUM_CELL.match(c.text) for c in cells) and not _NUM_CELL.match(name_line.text):
                values = [(c, _NUM_CELL.match(c.text)) for c in cells]
                j += 1 + len(years)
            elif len(inline) == len(years) + 1 and all(_NUM_CELL.match(x) for x in inline[1:]):
                values = [(name_line, _NUM_CELL.match(x)) for x in inline[1:]]
                j += 1
            else:
                break
            name = inline[0] if len(inline) == len(years) + 1 and values[0][0] is name_line else name_line.text.strip()
            um = _UNIT_IN_NAME.match(name)
            indicator, unit = (um.group("name"), um.group("unit")) if um else (name, None)
            for year, (cell, vm) in zip(years, values):
                unit_here = "%" if vm.group(2) else unit
                kind = "ratio" if unit_here == "%" else ("count" if unit_here in ("个", "项") else "level")
                out.append(Target(indicator=indicator.strip(), value=float(vm.group(1).replace("．", ".")),
                                  value_max=None, unit=unit_here, year=year, kind=kind, comparator="=",
                                  text=f"{name} {year}年:{vm.group(1)}", start=name_line.start, end=cell.end))
        covered.append((table_start, lines[j - 1].end if j > 0 else table_start))
        i = j
    return out, covered
