"""Plan metadata: title, jurisdiction (resolved in the GB/T 2260 gazetteer), province, level,
发文字号, issuer, date, period covered and validity.

Sources, in order of trust: the notice header (发文字号 line, the signature block "issuer /
date" just before the plan title), the plan title (jurisdiction, "(2022—2025年)" period), the
portal's metadata lines (发文字号: / 发布机构: / 成文日期:), then the text (到2026年, 自…起施行,
有效期至…). Writes `doc._.policykg["plan"]` (result.PlanMeta).

DOCS: docs/components.md#plan-meta
"""
from __future__ import annotations

import re

from ..gazetteer import Place, choose_by_evidence, doc_number_candidates, find_place, places, province_of
from ..outline import Outline
from ..result import Evidence, PlanMeta
from ..textutil import CJK, LP, RP, iter_lines
from .citations import DOC_NUMBER

_DATE = re.compile(r"((?:19|20)\d\d)\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?")
_DATE_LINE = re.compile(r"^\s*(?:(?P<issuer>.+?)\s+)?(?P<date>(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(?:印发)?\s*$")
_ISSUER_LINE = re.compile(rf"^[{CJK}()（）]{{3,40}}(?:人民政府|人民政府办公室|人民政府办公厅|政府办公室|政府办公厅|委员会|办公室|办公厅|局|厅|委|部)$")
_META = re.compile(r"^\s*(?P<key>发\s*文\s*字\s*号|文\s*号|发\s*布\s*机\s*构|发\s*文\s*机\s*关|成\s*文\s*日\s*期|发\s*布\s*日\s*期)\s*[:：]\s*(?P<value>[^\s]+)")
_TITLE_YEARS = re.compile(rf"{LP}\s*((?:19|20)\d\d)\s*年?\s*[-—–~至到]+\s*((?:19|20)\d\d)\s*年?\s*{RP}")
_DEADLINE = re.compile(r"(?:到|至|截至)\s*((?:19|20)\d\d)\s*年")
_VALID_FROM = re.compile(r"自\s*((?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起\s*(?:施行|实施|执行|生效)")
_VALID_UNTIL = re.compile(r"有效期(?:至|到)\s*((?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
_VALID_YEARS = re.compile(r"有效期\s*(?:为)?\s*([一二三四五六七八九十\d]+)\s*年")


def iso_date(text: str | None) -> str | None:
    m = _DATE.search(text or "")
    if not m:
        return None
    y, mo, d = map(int, m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def resolve_jurisdiction(meta: PlanMeta, text: str) -> Place | None:
    """The gazetteer unit a plan belongs to. Clues in order of trust: the first place named in
    the plan title, the issuer, the notice title; then the 发文字号's issuer prefix (衡政办发 ->
    衡阳市 or 衡水市, chosen by which one the issuer, notice title or text names, counting the
    units inside each); last, a province or prefecture the text names clearly most often.
    DOCS: docs/places.md#resolution
    """
    for source in (meta.title, meta.issuer, meta.notice_title):
        found = find_place(source or "")
        if found:
            return found[0]
    candidates = doc_number_candidates(meta.doc_number)
    if candidates:
        chosen = choose_by_evidence(candidates, meta.issuer, meta.notice_title, text)
        if chosen is not None:
            return chosen
    return _most_named_unit(text)


def _most_named_unit(text: str) -> Place | None:
    counts = sorted(((text.count(p.name) + (text.count(p.short) if len(p.short) >= 2 else 0), p)
                     for p in places() if p.level in ("province", "city")),
                    key=lambda item: -item[0])
    if counts and counts[0][0] >= 2 and (len(counts) == 1 or counts[0][0] > counts[1][0]):
        return counts[0][1]
    return None


def find_plan_meta(outline: Outline) -> PlanMeta:
    text = outline.text
    meta = PlanMeta(title=outline.title, notice_title=outline.notice_title)
    if outline.title_start is not None:
        meta.title_span = Evidence(outline.title_start, outline.title_end)
        meta.evidence["title"] = meta.title_span
    header_lines = [ln for ln in iter_lines(text) if ln.end <= max(outline.header_end, 1)]
    portal: dict[str, tuple[str, int, int]] = {}
    for line in header_lines:
        for m in _META.finditer(line.text):
            key = re.sub(r"\s+", "", m.group("key"))
            portal.setdefault(key, (m.group("value"), line.start + m.start("value"), line.start + m.end("value")))
    # 发文字号: a header line of its own, else the portal's field
    for line in header_lines:
        m = DOC_NUMBER.search(line.text)
        if m and len(line.text.strip()) <= len(m.group(0)) + 4 and not _META.match(line.text):
            meta.doc_number = re.sub(r"\s+", "", m.group(0))
            meta.evidence["doc_number"] = Evidence(line.start + m.start(), line.start + m.end())
            break
    if not meta.doc_number:
        for key in ("发文字号", "文号"):
            if key in portal and DOC_NUMBER.search(portal[key][0]):
                value, s, e = portal[key]
                meta.doc_number, meta.evidence["doc_number"] = value, Evidence(s, e)
                break
    # the signature block: an issuer line followed by a date line, before the plan title
    for i, line in enumerate(header_lines):
        m = _DATE_LINE.match(line.text)
        if not m:
            continue
        issuer = (m.group("issuer") or "").strip()
        if not issuer and i > 0 and _ISSUER_LINE.match(header_lines[i - 1].text.strip()):
            prev = header_lines[i - 1]
            issuer, span = prev.text.strip(), Evidence(prev.start, prev.end)
        else:
            span = Evidence(line.start, line.start + len(issuer))
        if issuer:
            meta.issuer, meta.evidence["issuer"] = re.sub(r"\s+", "", issuer), span
        meta.issued = iso_date(m.group("date"))
        meta.evidence["issued"] = Evidence(line.start + m.start("date"), line.start + m.end("date"))
        break
    if not meta.issuer and outline.notice_title:
        m = re.match(rf"^(?:[^关]*?号)?(?P<issuer>[{CJK}]{{3,40}}?)关于", outline.notice_title)
        if m:
            meta.issuer = m.group("issuer")
    for key in ("发布机构", "发文机关"):
        if not meta.issuer and key in portal:
            meta.issuer = portal[key][0]
    for key in ("成文日期", "发布日期"):
        if not meta.issued and key in portal:
            meta.issued = iso_date(portal[key][0])
    # jurisdiction: a gazetteer entity (docs/places.md), whose level the plan takes
    place = resolve_jurisdiction(meta, text)
    if place is not None:
        province = province_of(place)
        meta.jurisdiction, meta.place_code, meta.level = place.name, place.code, place.admin_level
        meta.province = province.name if province else None
    # period: "(2022—2025年)" in the title, else issue year to the latest 到YYYY年 in the goals
    years = _TITLE_YEARS.search(meta.title or "")
    if years:
        meta.period_start, meta.period_end = int(years.group(1)), int(years.group(2))
    else:
        start_year = int(meta.issued[:4]) if meta.issued else None
        goal_end = next((h.end for h in outline.headings if h.level == 1 and h.kind == "tasks"), outline.body_end)
        deadlines = [int(m.group(1)) for m in _DEADLINE.finditer(text, outline.header_end, goal_end)]
        deadlines = [y for y in deadlines if start_year is None or start_year <= y <= start_year + 15]
        if deadlines:
            meta.period_end = max(deadlines)
            meta.period_start = start_year or min(deadlines)
        elif start_year:
            meta.period_start = start_year
    vf, vu = _VALID_FROM.search(text), _VALID_UNTIL.search(text)
    if vf:
        meta.valid_from = iso_date(vf.group(1))
        meta.evidence["valid_from"] = Evidence(vf.start(1), vf.end(1))
    if vu:
        meta.valid_until = iso_date(vu.group(1))
        meta.evidence["valid_until"] = Evidence(vu.start(1), vu.end(1))
    if meta.valid_until and not years and meta.period_end and int(meta.valid_until[:4]) < meta.period_end:
        meta.period_end = int(meta.valid_until[:4])
    # addressees: the line ending with a colon right after the notice title
    for line in header_lines:
        if re.search(r"[:：]\s*$", line.text) and re.search(r"人民政府|各部门|各单位|直属", line.text):
            meta.addressees = [x for x in re.split(r"[,，、]", line.text.strip().rstrip(":：")) if x]
            break
    return meta
