"""Measures: the numbered tasks of a plan, plus numbered safeguard and engineering items.

Reads the outline (extract/outline.py). A measure is every `1.`-style item outside the goals,
steps and annex parts, and every `(一)`-style item without children inside a tasks, safeguards
or projects part ("保障(一)", "工程(一)"). Writes `doc._.policykg["measures"]` (list of
result.Measure) and `doc.spans["policykg_measures"]` (label MEASURE).

DOCS: docs/components.md#measures
"""
from __future__ import annotations

from ..outline import Outline, heading_title
from ..result import Measure
from .task_tables import find_task_tables

NOT_MEASURES = {"goals", "steps", "annex", "preamble", "background"}
LEAF_PREFIX = {"safeguards": "保障", "projects": "工程", "tasks": "", "other": ""}
KIND = {"safeguards": "safeguard", "projects": "project"}


def find_measures(outline: Outline) -> list[Measure]:
    measures: list[Measure] = []
    by_id = {h.id: h for h in outline.headings}

    def top_kind(h) -> str:
        while h.parent:
            h = by_id[h.parent]
        return h.kind

    for h in outline.headings:
        top = top_kind(h)
        if top in NOT_MEASURES:
            continue
        parent = by_id.get(h.parent) if h.parent else None
        if h.level == 3:
            no = h.number
        elif h.level == 2 and not h.has_children and top in LEAF_PREFIX:
            no = f"{LEAF_PREFIX[top]}({h.number})"
        else:
            continue
        measures.append(Measure(
            id=f"m{len(measures) + 1}", no=no, title=h.title,
            section=parent.label if parent else None, section_id=parent.id if parent else None,
            kind=KIND.get(top, "task"), body=outline.text[h.start:h.end].strip(),
            start=h.start, end=h.end,
        ))
    if not measures:
        # a plan whose tasks exist only as a task-division table
        for i, row in enumerate(find_task_tables(outline.text, outline.header_end), 1):
            measures.append(Measure(id=f"m{i}", no=row.no or str(i), title=heading_title(row.task), section=None,
                                    section_id=None, kind="task", body=row.task, start=row.task_start,
                                    end=row.task_end))
    return measures
