"""Responsibility blocks: which units carry each measure, and which of them lead.

Layouts recognised (each a rule name on the Responsibility it produces):
- `paren_list`   (责任单位:A、B) / (牵头单位:A;配合单位:B、C)
- `paren_verb`   (A牵头,B、C配合) / (A负责) / (A牵头)
- `label_line`   lines "牵头单位:A" and "责任单位:B、C" under the measure
- `sentence`     "由A牵头,B、C配合" in the measure's text, used only when no explicit block exists
- a document rule such as "排名第一的单位为牵头单位" makes the first unit of every list the lead
Writes `doc._.policykg["responsibilities"]` and `doc.spans["policykg_responsibilities"]`.

DOCS: docs/components.md#responsibilities
"""
from __future__ import annotations

import re

from difflib import SequenceMatcher

from ..result import Measure, Responsibility
from ..textutil import nfkc_key, split_units
from .task_tables import TaskRow, find_task_tables

_NEST = r"[^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*"
LEAD_LABELS = r"牵头单位|牵头部门|主责单位|主办单位"
SUPPORT_LABELS = r"责任单位|责任部门|配合单位|配合部门|参与单位|协办单位|协同单位|承办单位|实施单位"
ANY_LABEL = rf"(?:{LEAD_LABELS}|{SUPPORT_LABELS})"
_PAREN_LIST = re.compile(rf"[(（]\s*(?P<body>{ANY_LABEL}\s*[:：]{_NEST})[)）]")
_LABEL_SPLIT = re.compile(rf"(?:^|[;；。,，]\s*)(?P<label>{ANY_LABEL})\s*[:：]\s*")
_PAREN_ANY = re.compile(rf"[(（](?P<body>{_NEST})[)）]")
_LABEL_LINE = re.compile(rf"^\s*(?P<label>{ANY_LABEL})\s*[:：]\s*(?P<body>.+?)\s*$", re.M)
_VERB_LEAD = re.compile(r"^(?P<lead>.+?)(?:牵头负责|牵头)(?:[,，;；]\s*(?P<sup>.+?)(?:配合|参与|协同|协助|按职责分工负责|按职责负责|分别负责|负责)?)?$")
_VERB_ONLY = re.compile(r"^(?P<units>.+?)(?:按职责分工负责|按职责负责|分别负责|共同负责|负责)$")
_SENTENCE = re.compile(r"由(?P<lead>[^,，。;；由]{2,40}?)(?:负责)?牵头(?:负责)?(?:[,，]\s*(?P<sup>[^。;；,，]{2,120}?)(?:配合|参与|协同|协助))?")
PLAN_LEVEL = re.compile(r"本(?:工作)?(?:实施)?(?:方案|计划|规划|意见|办法)|牵头(?:负责)?组织实施")
FIRST_IS_LEAD = re.compile(
    r"(?:排名|排序|排在|列|位列)?(?:第一|首)(?:位|个|名)?的?(?:单位|部门)?(?:为|是)牵头(?:单位|部门)")
AGENCY_END = re.compile(
    r"(?:局|委|办|厅|院|部|会|政府|中心|分局|海关|分行|支行|法院|检察院|公司|集团|学校|大学|学院|所|站|处|室|队|社|联|协会|管委会|办公室|单位|党校)"
    r"(?:\([^()]*\)|（[^（）]*）)?$")
_DUTY = re.compile(r"(?P<units>各[^,，。;；各]{1,30}?(?:政府|部门|单位|管委会))(?:要)?(?:按照|按)?(?:职责分工|各自职责|职能分工)(?:负责|抓好落实|抓好|落实|推进)")
_GENERIC = re.compile(r"^(?:相关|有关|各有关|其他|其它|各级|各类)")
_TRAILERS = re.compile(r"(?:等有关单位|等相关单位|等单位|等部门|等|按职责分工负责|按职责负责|分别负责|共同负责|负责|配合|参与)$")


def _clean_unit(name: str) -> str:
    name = name.strip(" \u3000\t。.")
    prev = None
    while prev != name:
        prev = name
        name = _TRAILERS.sub("", name).strip(" \u3000")
    return name.lstrip("由")


def _is_agency(name: str) -> bool:
    return bool(name) and len(name) >= 2 and not _GENERIC.match(name) and bool(AGENCY_END.search(name) or name.startswith("各"))


def _units(text: str, base: int) -> list[tuple[str, int, int]]:
    out = []
    for raw, offset in split_units(text):
        name = _clean_unit(raw)
        if name and re.search(r"[\u4e00-\u9fff]", name):
            start = base + offset + raw.find(name) if name in raw else base + offset
            out.append((name, start, start + len(name)))
    return out


def _labelled_lists(body: str, base: int) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """'牵头单位:A;配合单位:B、C' -> [("lead", [...]), ("support", [...])]."""
    parts = list(_LABEL_SPLIT.finditer(body))
    out = []
    for i, m in enumerate(parts):
        end = parts[i + 1].start() if i + 1 < len(parts) else len(body)
        chunk = body[m.end():end]
        chunk = re.split(r"[。]", chunk, maxsplit=1)[0]   # "…。排名第一的单位为牵头单位,下同"
        role = "lead" if re.fullmatch(LEAD_LABELS, m.group("label")) else "support"
        out.append((role, _units(chunk, base + m.end())))
    return out


def find_blocks(measure: Measure, text: str) -> list[tuple[str, list[tuple[str, int, int]], str]]:
    """All explicit blocks in a measure: (role, units, rule); role "support" lists may be promoted."""
    body_start, body = measure.start, text[measure.start:measure.end]
    blocks = []
    for m in _PAREN_LIST.finditer(body):
        for role, units in _labelled_lists(m.group("body"), body_start + m.start("body")):
            blocks.append((role, units, "paren_list"))
    if not blocks:
        for m in _LABEL_LINE.finditer(body):
            role = "lead" if re.fullmatch(LEAD_LABELS, m.group("label")) else "support"
            blocks.append((role, _units(m.group("body"), body_start + m.start("body")), "label_line"))
    if not blocks:
        for m in _PAREN_ANY.finditer(body):
            inner, base = m.group("body").strip(), body_start + m.start("body")
            verb = _VERB_LEAD.match(inner)
            if verb and "牵头" in inner:
                lead = [u for u in _units(verb.group("lead"), base) if _is_agency(u[0])]
                sup = [u for u in _units(verb.group("sup") or "", base + (verb.start("sup") if verb.group("sup") else 0))
                       if _is_agency(u[0])]
                if lead:
                    blocks.append(("lead", lead, "paren_verb"))
                    if sup:
                        blocks.append(("support", sup, "paren_verb"))
                continue
            only = _VERB_ONLY.match(inner)
            if only:
                units = [u for u in _units(only.group("units"), base) if _is_agency(u[0])]
                if units:
                    blocks.append(("support", units, "paren_verb"))
    if not blocks:
        for m in _SENTENCE.finditer(body):
            sentence = re.split(r"[。]", body[m.start():], maxsplit=1)[0]
            if PLAN_LEVEL.search(sentence) or PLAN_LEVEL.search(body[max(0, m.start() - 40):m.start()]):
                continue   # "本方案…由X负责牵头组织实施" is the plan's lead, not this measure's
            lead = [u for u in _units(m.group("lead"), body_start + m.start("lead")) if _is_agency(u[0])]
            if not lead:
                continue
            blocks.append(("lead", lead, "sentence"))
            if m.group("sup"):
                sup = [u for u in _units(m.group("sup"), body_start + m.start("sup")) if _is_agency(u[0])]
                if sup:
                    blocks.append(("support", sup, "sentence"))
            break
    if not blocks:
        for m in _DUTY.finditer(body):
            units = _units(m.group("units"), body_start + m.start("units"))
            if units:
                blocks.append(("support", units, "duty_sentence"))
    return blocks


def _row_for(measure: Measure, rows: list[TaskRow]) -> TaskRow | None:
    """The table row describing a measure: same span, or its title in the task cell, or same number and a similar task."""
    title = nfkc_key(measure.title)
    best, best_score = None, 0.0
    for row in rows:
        if (row.task_start, row.task_end) == (measure.start, measure.end):
            return row
        task = nfkc_key(row.task)
        score = 1.0 if title and len(title) >= 4 and (title in task or task in title) else \
            SequenceMatcher(None, title, task[: len(title) + 10], autojunk=False).ratio()
        if row.no and row.no == measure.no:
            score += 0.3
        if score > best_score:
            best, best_score = row, score
    return best if best_score >= 0.8 else None


def _table_blocks(row: TaskRow) -> list[tuple[str, list[tuple[str, int, int]], str]]:
    blocks = []
    for role in ("lead", "support"):
        units = [u for cell, offset in getattr(row, role) for u in _units(cell, offset)]
        if units:
            blocks.append((role, units, "task_table"))
    return blocks


def find_responsibilities(measures: list[Measure], text: str) -> list[Responsibility]:
    first_is_lead = bool(FIRST_IS_LEAD.search(text))
    rows = find_task_tables(text) if "|" in text or "牵头单位" in text or "责任单位" in text else []
    out: list[Responsibility] = []
    for measure in measures:
        blocks = find_blocks(measure, text)
        if not blocks and rows:
            row = _row_for(measure, rows)
            blocks = _table_blocks(row) if row else []
        has_lead = any(role == "lead" for role, _, _ in blocks)
        rank, seen = 0, set()
        for role, units, rule in blocks:
            for i, (name, start, end) in enumerate(units):
                if name in seen:
                    continue
                seen.add(name)
                rank += 1
                final = role
                if first_is_lead and not has_lead and rank == 1:
                    final, rule = "lead", f"{rule}+first_is_lead"
                out.append(Responsibility(measure_id=measure.id, agency=name, role=final, rank=rank,
                                          start=start, end=end, rule=rule))
    return out


def find_plan_leads(text: str) -> list[tuple[str, int, int]]:
    """'由市市场监管局负责牵头组织实施' at plan level (outside measures)."""
    found = []
    for m in re.finditer(r"由(?P<lead>[^,，。;；由]{2,40}?)(?:负责)?牵头(?:负责)?(?:组织实施|组织落实|抓好落实|实施|落实)", text):
        for name, start, end in _units(m.group("lead"), m.start("lead")):
            if _is_agency(name):
                found.append((name, start, end))
    return found
