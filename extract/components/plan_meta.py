"""Plan metadata: title, jurisdiction (resolved in the GB/T 2260 gazetteer), province, level,
发文字号, issuer, date, period covered and validity.

Sources, in order of trust: the notice header (a 发文字号 line, bracketed or glued to the notice
title; the signature block "issuer / date", dates in Arabic or Chinese numerals), the footer
(`抄送…  X办公厅 2019年3月15日印发`), the plan title (jurisdiction, "(2022—2025年)", 十四五, an
annual plan's year), the portal's metadata rows (`key: value` or `key | value` cells, keys in
extract/patterns/plan_meta.json), then the text (到2026年, 建设期限, YYYY年起N年内, 自…起施行,
有效期至…). Where line breaks were lost, the same forms are found inside sentences. Each field
keeps its evidence span and the reason it was chosen (`Outline.decisions`).
Writes `doc._.policykg["plan"]` (result.PlanMeta).

DOCS: docs/components.md#plan-meta
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..gazetteer import (Place, choose_by_evidence, doc_number_candidates, parent_of, places, places_named,
                         province_of)
from ..outline import Outline
from ..result import Evidence, PlanMeta
from ..textutil import CJK, LP, RP, cn_to_int, lines_of
from .citations import DOC_NUMBER

PATTERNS = Path(__file__).resolve().parents[1] / "patterns"
_CN_DIGIT = "〇○零OoО一二三四五六七八九"
_CN_DATE = re.compile(rf"(?P<y>[{_CN_DIGIT}]{{4}})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,3}})\s*月\s*(?P<d>[一二三四五六七八九十]{{1,4}})\s*日")
_AR_DATE = r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
_ANY_DATE = rf"(?:{_AR_DATE}|[{_CN_DIGIT}]{{4}}\s*年\s*[一二三四五六七八九十]{{1,3}}\s*月\s*[一二三四五六七八九十]{{1,4}}\s*日)"
_DATE = re.compile(r"((?:19|20)\d\d)\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?")
_TITLE_YEARS = re.compile(rf"{LP}\s*((?:19|20)\d\d)\s*年?\s*[-—–~至到]+\s*((?:19|20)\d\d)\s*年?\s*{RP}")
_BARE_YEARS = re.compile(r"((?:19|20)\d\d)\s*[-—–~至到]\s*((?:19|20)\d\d)\s*年")
_ANNUAL = re.compile(r"((?:19|20)\d\d)\s*年?\s*(?:度)?[^\d]{0,30}?(?:工作要点|工作计划|行动计划|实施方案|工作方案|行动方案|推进计划|重点工作|任务清单|工作任务)$")
_ANNUAL_BRACKET = re.compile(rf"(?:{LP}\s*((?:19|20)\d\d)\s*年?\s*(?:度)?\s*{RP}$|((?:19|20)\d\d)\s*年度)")
_TERM = re.compile(r"(?:建设|实施|执行|规划|试点|行动|计划|方案)(?:期限|期|周期|时限)\s*(?:为|是|:|：)?\s*((?:19|20)\d\d)\s*年?(?:\s*\d{1,2}\s*月)?\s*(?:至|到|—|–|-|~)\s*((?:19|20)\d\d)\s*年")
_FROM_N_YEARS = re.compile(r"((?:19|20)\d\d)\s*年\s*起\s*[,，]?\s*(?:用)?\s*([一二三四五六七八九十两\d]{1,2})\s*年(?:时间|内|左右)?")
_DEADLINE = re.compile(r"(?:到|至|截至)\s*((?:19|20)\d\d)\s*年")
_VALID_FROM = re.compile(r"自\s*((?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起\s*(?:施行|实施|执行|生效)")
_VALID_UNTIL = re.compile(r"有效期(?:至|到)\s*((?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")


@lru_cache(maxsize=1)
def meta_words() -> dict:
    return json.loads((PATTERNS / "plan_meta.json").read_text(encoding="utf-8"))


def _alternation(words) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    words = meta_words()
    keys = _alternation(words["portal_keys"])
    spaced_keys = "(?:" + "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(words["portal_keys"], key=len, reverse=True)) + ")"
    issuer = rf"[{CJK}()（）]{{2,40}}?{_alternation(words['issuer_suffixes'])}"
    return {
        "key": re.compile(rf"(?P<key>{spaced_keys})\s*[:：]"),
        "keys": re.compile(keys),
        "issuer_line": re.compile(rf"^(?:{issuer})(?:\s+(?:{issuer}))*$"),
        "issuer_date": re.compile(rf"(?P<issuer>{issuer})\s*(?P<date>{_ANY_DATE})\s*(?:印发|发布)?"),
        "date_line": re.compile(rf"^\s*(?:(?P<issuer>.+?)\s+)?(?P<date>{_ANY_DATE})\s*(?:印发|发布)?\s*$"),
        "notice_issuer": re.compile(rf"^(?:[^关]*?号)?(?P<issuer>[{CJK}、\s]{{3,60}}?)关于"),
    }


def iso_date(text: str | None) -> str | None:
    """2019年3月15日 / 2019-03-15 / 二〇一九年三月十五日 (also with ○, 零 or a Latin O) -> 2019-03-15."""
    text = text or ""
    m = _DATE.search(text)
    if m:
        y, mo, d = map(int, m.groups())
    else:
        m = _CN_DATE.search(text)
        if not m:
            return None
        year = m.group("y").translate(str.maketrans("〇○零OoО", "〇〇〇〇〇〇"))
        y, mo, d = cn_to_int(year), cn_to_int(m.group("m")), cn_to_int(m.group("d"))
        if y is None or mo is None or d is None:
            return None
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1900 <= y <= 2100):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


# ------------------------------------------------------------------ jurisdiction
def _places_in(text: str) -> list[tuple[list[Place], int, int]]:
    """Every full place name in `text`: (candidates, start, end), longest match at each position."""
    from ..gazetteer import match_name_at

    found, i = [], 0
    while i < len(text):
        hit = match_name_at(text, i)
        if hit:
            cands, end = hit
            found.append((cands, i, end))
            i = end
        else:
            i += 1
    return found


def _most_specific(chain: list[list[Place]], evidence: list[str | None]) -> Place | None:
    """The most specific unit of a chain of names (X省Y市Z区 -> Z区 in Y市 in X省); an ambiguous
    name is settled by the other names of the chain, then by the evidence texts."""
    chosen: Place | None = None
    for i, cands in enumerate(chain):
        inside = [p for p in cands if chosen.contains(p)] if chosen else cands
        if chosen is not None and not inside:
            # not inside what the chain named so far (a separate place): the chain ends
            break
        pick = inside[0] if len(inside) == 1 else None
        if pick is None and inside:
            # a later name of the chain may settle it (鼓楼区福建省…: the province named after)
            later = [p for rest in chain[i + 1:] for p in rest]
            within = [p for p in inside if any(q.contains(p) for q in later)]
            pick = within[0] if len(within) == 1 else (choose_by_evidence(inside, *evidence[:2])
                                                       or _by_parent_mentions(inside, evidence))
        if pick is None:
            return chosen
        chosen = pick   # inside the previous choice by construction
    return chosen


def _by_parent_mentions(candidates: list[Place], texts: list[str | None]) -> Place | None:
    """Units of the same name (鼓楼区 in 南京, 福州, 徐州, 开封): the one whose prefecture or
    province the texts name most, when one clearly leads."""
    def score(p: Place) -> int:
        total = 0
        for parent in (parent_of(p), province_of(p)):
            if parent is not None and parent != p:
                for text in texts:
                    if text:
                        total += text.count(parent.name) + (text.count(parent.short) if len(parent.short) >= 2 else 0)
        return total
    ranked = sorted(((score(p), p) for p in candidates), key=lambda item: -item[0])
    if ranked and ranked[0][0] > 0 and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
        return ranked[0][1]
    return None


def _scope_level(text: str) -> str | None:
    counts = {level: sum(text.count(w) for w in words) for level, words in meta_words()["scope_words"].items()}
    level, n = max(counts.items(), key=lambda kv: kv[1])
    ranked = sorted(counts.values(), reverse=True)
    return level if n >= 2 and n >= 2 * ranked[1] else None


def resolve_jurisdiction(meta: PlanMeta, text: str) -> tuple[Place | None, str]:
    """The gazetteer unit a plan belongs to, with the reason. Clues in order of trust: the places
    the plan title names (the most specific unit of a chain), the issuer, the notice title; then
    the 发文字号's issuer prefix (衡政办发 -> 衡阳市 or 衡水市, chosen by which one the issuer, notice
    title or text names); last, the unit of the plan's own scope words (全省/我市/全县) that the text
    names most. A provincial plan without a place in its title never takes a city from its body.
    DOCS: docs/places.md#resolution
    """
    evidence = [meta.issuer, meta.notice_title, text]
    for label, source in (("title", meta.title), ("issuer", meta.issuer), ("notice title", meta.notice_title)):
        found = _places_in(source or "")
        if found:
            place = _most_specific([c for c, _, _ in found], evidence)
            if place is not None:
                return place, f"named in the {label}"
    candidates = doc_number_candidates(meta.doc_number)
    if candidates:
        chosen = choose_by_evidence(candidates, meta.issuer, meta.notice_title, text)
        if chosen is not None:
            return chosen, "the 发文字号 prefix, settled by the names in the text"
    level = _scope_level(text)
    if level == "province":
        count = _counter(text)
        ranked = sorted(((count(p.name) + count(p.short), p) for p in places() if p.level == "province"),
                        key=lambda item: -item[0])
        if ranked and ranked[0][0] >= 1 and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
            return ranked[0][1], "a provincial plan (全省/我省) naming this province most"
        return None, ""
    place = _most_named_unit(text, level)
    return (place, "the unit of the plan's scope words the text names most") if place else (None, "")


def _counter(text: str):
    """`text.count`, answering 0 without a scan for a word holding a character the text lacks
    (most of the ~370 unit names asked about, each a scan of the whole text)."""
    chars = set(text)
    return lambda word: text.count(word) if chars.issuperset(word) else 0


def _most_named_unit(text: str, level: str | None = None) -> Place | None:
    levels = ("province", "city") if level is None else (level,)
    count = _counter(text)
    counts = sorted(((count(p.name) + (count(p.short) if len(p.short) >= 2 else 0), p)
                     for p in places() if p.level in levels),
                    key=lambda item: -item[0])
    if counts and counts[0][0] >= 2 and (len(counts) == 1 or counts[0][0] > counts[1][0]):
        return counts[0][1]
    return None


def jurisdiction_label(place: Place) -> str:
    """A county-level unit whose name is not unique in the country is printed with its prefecture
    (福州市鼓楼区), as Chinese texts do; every other unit by its own name."""
    if place.level == "county" and len(places_named(place.name)) > 1:
        parent = parent_of(place)
        if parent is not None and parent.level == "city":
            return parent.name + place.name
    return place.name


# ------------------------------------------------------------------ header fields
class _Found:
    def __init__(self, meta: PlanMeta, outline: Outline):
        self.meta, self.outline = meta, outline

    def set(self, field: str, value, start: int, end: int, reason: str) -> None:
        if getattr(self.meta, field) in (None, "") and value not in (None, ""):
            setattr(self.meta, field, value)
            self.meta.evidence[field] = Evidence(start, end)
            self.outline.note(start, end, f"meta:{field}", reason)


def _portal_fields(lines) -> dict[str, tuple[str, int, int]]:
    """`key: value` and `key | value` cells of a portal's metadata table -> field -> (value, start, end)."""
    pats = _patterns()
    keys = meta_words()["portal_keys"]
    out: dict[str, tuple[str, int, int]] = {}
    for line in lines:
        hits = list(pats["key"].finditer(line.text))
        for i, m in enumerate(hits):
            key = re.sub(r"\s+", "", m.group("key"))
            field = keys.get(key)
            end = hits[i + 1].start() if i + 1 < len(hits) else len(line.text)
            raw = line.text[m.end():end]
            cells = [c for c in raw.split("|")]
            value = cells[0].strip() if cells else ""
            if not value and len(cells) > 1:
                value = next((c.strip() for c in cells[1:] if c.strip()), "")
            value = value.split("|")[0].strip()
            if field and value and field not in out:
                s = line.start + m.end() + raw.find(value)
                out[field] = (value, s, s + len(value))
    return out


_TITLE_END = re.compile(r"(?:通\s*知|意见|方案|计划|规划|办法|决定|措施|要点|批复)(?=[\u3400-\u9fff]{1,8}\s*[〔﹝\[［【(（]\s*(?:19|20)\d\d)")


_GLUED_IN_LINE = re.compile(
    rf"(?:通\s*知|意见|方案|计划|规划|办法|决定|措施|要点)(?![》〉])\s*[(（]?\s*(?P<no>[{CJK}]{{1,10}}\s*[〔﹝\[［【]\s*(?:19|20)\d\d\s*[〕﹞\]］】]\s*第?\s*\d{{1,4}}\s*号)")


def _doc_number_in_line(text: str) -> tuple[str, int, int] | None:
    """A 发文字号 printed alone (also in brackets) or glued to the end of a title line:
    (number, start, end) within `text`."""
    m = None
    for m in DOC_NUMBER.finditer(text):
        pass
    if m is None:
        return None
    start = m.start()
    glued = None
    for glued in _TITLE_END.finditer(text, m.start(), m.end()):
        pass
    if glued is not None:
        start = glued.end()
    before, after = text[:start].strip(), text[m.end():].strip(" \u3000)）]】")
    if after:
        return None
    number = re.sub(r"\s+", "", text[start:m.end()])
    if not before.strip(" \u3000(（[【"):
        return number, start, m.end()
    # glued to a notice or plan title ("…的通知粤办函〔2019〕267号"), not cited in a sentence
    if glued is not None and "《" not in before[-3:]:
        return number, start, m.end()
    return None


def find_plan_meta(outline: Outline) -> PlanMeta:
    text = outline.text
    meta = PlanMeta(title=outline.title, notice_title=outline.notice_title)
    found = _Found(meta, outline)
    pats = _patterns()
    if outline.title_start is not None:
        meta.title_span = Evidence(outline.title_start, outline.title_end)
        meta.evidence["title"] = meta.title_span
    first_heading = next((h.start for h in outline.headings if h.level <= 2), outline.body_end)
    header_stop = max(outline.header_end, min(first_heading, outline.header_end + 600 if outline.header_end else 3000))
    lines = list(lines_of(text))
    header_lines = [ln for ln in lines if ln.start < header_stop and ln.text.strip()]
    last_twelve = len(lines) - 12   # the last 12 lines by index: `ln in lines[-12:]` compared each line by value
    footer_lines = [ln for i, ln in enumerate(lines) if ln.start >= outline.body_end or i >= last_twelve]
    portal = _portal_fields(header_lines[:60])
    # 发文字号: a header line of its own (bracketed or glued to a title), else the portal's field
    for line in header_lines:
        if pats["key"].match(line.text.strip()):
            continue
        hit = _doc_number_in_line(line.text)
        if hit and len(line.text.strip()) <= 150:
            number, s, e = hit
            found.set("doc_number", number, line.start + s, line.start + e,
                      "a 发文字号 printed on its own line or at the end of the title line")
            break
    if not meta.doc_number:
        # line breaks lost: a 发文字号 right after the notice or plan title inside a line
        for m in _GLUED_IN_LINE.finditer(text, 0, header_stop):
            found.set("doc_number", re.sub(r"\s+", "", m.group("no")), m.start("no"), m.end("no"),
                      "a 发文字号 right after the title inside a line")
            break
    if "doc_number" in portal and DOC_NUMBER.search(portal["doc_number"][0]):
        value, s, e = portal["doc_number"]
        m = DOC_NUMBER.search(value)
        found.set("doc_number", re.sub(r"\s+", "", m.group(0)), s + m.start(), s + m.end(), "the portal's 文号 field")
    # the signature block: an issuer line followed by a date line (or both on one line), header first
    for where, block in (("signature block", header_lines), ("footer", footer_lines)):
        for i, line in enumerate(block):
            m = pats["date_line"].match(line.text)
            if not m:
                continue
            issuer = (m.group("issuer") or "").strip()
            if issuer and not pats["issuer_line"].match(re.sub(r"^(?:抄送|印发)[:：]?", "", issuer).strip()):
                issuer = ""
            above = i - 1
            if above > 0 and re.fullmatch(r"[(（][^()（）]{2,30}[)）]", block[above].text.strip()):
                above -= 1   # "(X代章)" printed between the issuer and the date
            if not issuer and above >= 0 and pats["issuer_line"].match(block[above].text.strip()):
                prev = block[above]
                first = above
                while first > 0 and above - first < 3 and pats["issuer_line"].match(block[first - 1].text.strip()):
                    first -= 1   # joint issuers, one per line: '中共X市委办公室' / 'X市人民政府办公室'
                joint = "".join(re.sub(r"\s+", "", ln.text.strip()) for ln in block[first:above + 1])
                found.set("issuer", joint, block[first].start, prev.end,
                          f"the issuer line{'s' if first < above else ''} above the date in the {where}")
            elif issuer:
                s = line.start + line.text.find(issuer)
                found.set("issuer", re.sub(r"\s+", "", issuer), s, s + len(issuer), f"the issuer before the date in the {where}")
            found.set("issued", iso_date(m.group("date")), line.start + m.start("date"), line.start + m.end("date"),
                      f"the date of the {where}")
            break
        if meta.issued:
            break
    # inside sentences (line breaks lost): "X人民政府办公室 2019年3月15日(印发)"
    if not meta.issued:
        region = text[:header_stop] + "\n" + text[outline.body_end:]
        for m in pats["issuer_date"].finditer(region):
            offset = 0 if m.start() < header_stop else outline.body_end - header_stop - 1
            found.set("issuer", re.sub(r"\s+", "", m.group("issuer")), offset + m.start("issuer"), offset + m.end("issuer"),
                      "an issuer followed by a date inside a line")
            found.set("issued", iso_date(m.group("date")), offset + m.start("date"), offset + m.end("date"),
                      "the date after the issuer inside a line")
            break
    if not meta.issuer and outline.notice_title:
        m = pats["notice_issuer"].match(outline.notice_title)
        if m and re.search(_alternation(meta_words()["issuer_suffixes"]) + r"$", m.group("issuer").strip()):
            span = outline.notice_span or (0, 0)
            found.set("issuer", re.sub(r"\s+", "", m.group("issuer")), span[0], span[1], "the notice title's issuer (X关于…)")
    if not meta.issuer and meta.title:
        m = pats["notice_issuer"].match(meta.title)
        if m and re.search(_alternation(meta_words()["issuer_suffixes"]) + r"$", m.group("issuer").strip()):
            span = meta.title_span or Evidence(0, 0)
            found.set("issuer", m.group("issuer"), span.start, span.end, "the title's issuer (X关于…)")
    if not meta.issuer:
        for line in header_lines[:40]:
            m = pats["notice_issuer"].match(re.sub(r"^.*?\s(?=\S+关于)", "", line.text.strip()))
            if m and meta.title and meta.title.replace("关于", "", 1)[:8] in line.text and \
                    re.search(_alternation(meta_words()["issuer_suffixes"]) + r"$", m.group("issuer").strip()):
                s = line.start + line.text.find(m.group("issuer").strip())
                found.set("issuer", m.group("issuer").strip(), s, s + len(m.group("issuer").strip()),
                          "the issuer printed before the title in a headline (X关于…)")
                break
    if "issuer" in portal:
        value, s, e = portal["issuer"]
        found.set("issuer", value, s, e, "the portal's 发布机构 field")
    for field in ("issued", "published"):
        if field in portal and iso_date(portal[field][0]):
            value, s, e = portal[field]
            found.set("issued", iso_date(value), s, e, f"the portal's {'成文' if field == 'issued' else '发布'}日期 field")
    if not meta.title and "title" in portal:
        value, s, e = portal["title"]
        meta.title = re.sub(r"\s+", "", value)
        meta.evidence["title"] = Evidence(s, e)
        outline.note(s, e, "meta:title", "the portal's 名称 field (no title line found)")
    # jurisdiction: a gazetteer entity (docs/places.md), whose level the plan takes
    place, why = resolve_jurisdiction(meta, text)
    if place is not None:
        province = province_of(place)
        meta.jurisdiction, meta.place_code = jurisdiction_label(place), place.code
        meta.level = place.level
        meta.province = province.name if province else None
        outline.note(0, 0, "meta:jurisdiction", f"{place.name} ({place.code}): {why}")
    _find_period(meta, outline, found)
    vf, vu = _VALID_FROM.search(text), _VALID_UNTIL.search(text)
    if vf:
        found.set("valid_from", iso_date(vf.group(1)), vf.start(1), vf.end(1), "自…起施行")
    if vu:
        found.set("valid_until", iso_date(vu.group(1)), vu.start(1), vu.end(1), "有效期至…")
    if meta.valid_until and meta.period_end and int(meta.valid_until[:4]) < meta.period_end and \
            not _TITLE_YEARS.search(meta.title or ""):
        meta.period_end = int(meta.valid_until[:4])
    # addressees: the line ending with a colon right after the notice title
    for line in header_lines:
        if re.search(r"[:：]\s*$", line.text) and re.search(r"人民政府|各部门|各单位|直属", line.text):
            meta.addressees = [x for x in re.split(r"[,，、]", line.text.strip().rstrip(":：")) if x]
            break
    return meta


def _find_period(meta: PlanMeta, outline: Outline, found: _Found) -> None:
    """Years the plan covers: "(2022—2025年)" in the title, a stated term (规划期为2022—2025年,
    建设期限…), 十四五 in the title, an annual plan's year, YYYY年起N年内, else the issue year to the
    latest 到YYYY年 before the tasks.
    period_start stays empty rather than copying the end year."""
    text, title = outline.text, meta.title or ""
    span = meta.title_span or Evidence(0, 0)
    years = _TITLE_YEARS.search(title) or _BARE_YEARS.search(title)
    if years:
        found.set("period_start", int(years.group(1)), span.start, span.end, "the years in the title")
        found.set("period_end", int(years.group(2)), span.start, span.end, "the years in the title")
        return
    body = text[outline.header_end:outline.body_end]
    term = _TERM.search(body)
    if term:
        s = outline.header_end + term.start()
        found.set("period_start", int(term.group(1)), s, s + len(term.group(0)), "the stated term (期限 YYYY年至YYYY年)")
        found.set("period_end", int(term.group(2)), s, s + len(term.group(0)), "the stated term (期限 YYYY年至YYYY年)")
        return
    for name, (start, end) in meta_words()["periods"].items():
        if name in title:
            found.set("period_start", start, span.start, span.end, f"“{name}” in the title")
            found.set("period_end", end, span.start, span.end, f"“{name}” in the title")
            return
    annual = _ANNUAL.search(title) or _ANNUAL_BRACKET.search(title)
    if annual:
        year = int(next(g for g in annual.groups() if g))
        found.set("period_start", year, span.start, span.end, "an annual plan: the year in its title")
        found.set("period_end", year, span.start, span.end, "an annual plan: the year in its title")
        return
    n_years = _FROM_N_YEARS.search(body)
    if n_years:
        start, n = int(n_years.group(1)), cn_to_int(n_years.group(2)) if not n_years.group(2).isdigit() else int(n_years.group(2))
        if n and 1 <= n <= 15:
            s = outline.header_end + n_years.start()
            found.set("period_start", start, s, s + len(n_years.group(0)), "YYYY年起N年内")
            found.set("period_end", start + n - 1, s, s + len(n_years.group(0)), "YYYY年起N年内")
            return
    start_year = int(meta.issued[:4]) if meta.issued else None
    goal_end = next((h.end for h in outline.headings if h.level == 1 and h.kind == "tasks"), outline.body_end)
    goal_start = outline.header_end
    deadlines = [(int(m.group(1)), m) for m in _DEADLINE.finditer(text, goal_start, goal_end)]
    deadlines = [(y, m) for y, m in deadlines if start_year is None or start_year <= y <= start_year + 15]
    if deadlines:
        # the nearest horizon the goals commit to: a 2035 vision beside a 2025 goal is not the period
        ys = sorted({y for y, _ in deadlines})
        base = start_year or ys[0]
        end = max((y for y in ys if y - base <= 8), default=ys[0])
        m = next(m for y, m in deadlines if y == end)
        found.set("period_end", end, m.start(1), m.end(1), "the latest 到YYYY年 in the goals")
        if start_year:
            found.set("period_start", start_year, meta.evidence["issued"].start, meta.evidence["issued"].end,
                      "the issue year")
    elif start_year:
        found.set("period_start", start_year, meta.evidence["issued"].start, meta.evidence["issued"].end, "the issue year")
