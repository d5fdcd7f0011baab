"""Task-division tables (任务分工表): rows of 序号 / 任务 / 牵头单位 / 责任单位 (or 配合单位).

Two text layouts reach the extractors: one row per line with cells joined by " | " (how
extract/formats renders HTML and DOCX tables), and one cell per line (how text copied from a web
page or PDF often arrives). The header row says which column is the task, which the lead units and
which the supporting ones. Used by measures.py (a plan whose tasks exist only as a table) and
responsibility_blocks.py (units for measures whose text carries no block).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..textutil import iter_lines, pipe_cells

_NO = re.compile(r"^(?:序\s*号|编\s*号|序)$")
_TASK = re.compile(r"^(?:重点|主要|工作|具体)?(?:任务|工作|措施|举措|内容)(?:内容|措施|名称|事项)?$|^任务(?:分工|事项)$")
_LEAD = re.compile(r"^(?:牵头(?:单位|部门)|主责(?:单位|部门)|责任主体)$")
_SUPPORT = re.compile(r"^(?:责任(?:单位|部门)|配合(?:单位|部门)|参与(?:单位|部门)|协办(?:单位|部门)|协同(?:单位|部门))$")
_OTHER = re.compile(r"^(?:完成时(?:限|间)|时间(?:节点|安排)?|进度安排|备注|预期成果|工作目标)$")


@dataclass
class TaskRow:
    no: str | None
    task: str
    task_start: int
    task_end: int
    lead: list[tuple[str, int]] = field(default_factory=list)      # (cell text, offset)
    support: list[tuple[str, int]] = field(default_factory=list)


def _column_kind(cell: str) -> str | None:
    cell = re.sub(r"\s+", "", cell)
    for kind, pattern in (("no", _NO), ("lead", _LEAD), ("support", _SUPPORT), ("task", _TASK), ("other", _OTHER)):
        if pattern.match(cell):
            return kind
    return None


def _header(cells: list[str]) -> list[str | None] | None:
    kinds = [_column_kind(c) for c in cells]
    if "task" in kinds and ("lead" in kinds or "support" in kinds):
        return kinds
    return None


def _row(kinds: list[str | None], cells: list[tuple[str, int]]) -> TaskRow | None:
    task = next(((c, o) for k, (c, o) in zip(kinds, cells) if k == "task"), None)
    if not task or not task[0]:
        return None
    no = next((c for k, (c, o) in zip(kinds, cells) if k == "no"), None)
    row = TaskRow(no=no.strip() if no else None, task=task[0], task_start=task[1], task_end=task[1] + len(task[0]))
    for k, (c, o) in zip(kinds, cells):
        if k in ("lead", "support") and c:
            getattr(row, k).append((c, o))
    return row


def find_task_tables(text: str, start: int = 0, end: int | None = None) -> list[TaskRow]:
    lines = [ln for ln in iter_lines(text) if ln.start >= start and (end is None or ln.start < end)]
    rows: list[TaskRow] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "|" in line.text:
            cells = pipe_cells(line)
            kinds = _header([c for c, _ in cells])
            if kinds:
                i += 1
                while i < len(lines) and "|" in lines[i].text:
                    cells = pipe_cells(lines[i])
                    if len(cells) == len(kinds):
                        row = _row(kinds, cells)
                        if row:
                            rows.append(row)
                    i += 1
                continue
        # one cell per line: a run of header cells, then groups of the same size
        kinds: list[str | None] = []
        j = i
        while j < len(lines) and _column_kind(lines[j].text.strip()) and len(kinds) < 8:
            kinds.append(_column_kind(lines[j].text.strip()))
            j += 1
        if len(kinds) >= 3 and "task" in kinds and ("lead" in kinds or "support" in kinds):
            n = len(kinds)
            while j + n <= len(lines):
                group = lines[j:j + n]
                if "no" in kinds and not re.fullmatch(r"\d{1,3}", group[kinds.index("no")].text.strip()):
                    break
                row = _row(kinds, [(g.text.strip(), g.start + len(g.text) - len(g.text.lstrip())) for g in group])
                if row:
                    rows.append(row)
                j += n
            i = j
            continue
        i += 1
    return rows
