"""Measures: the numbered tasks of a plan, plus numbered safeguard and engineering items.

Reads the outline (extract/outline.py). The measure level is chosen per item from evidence, not
fixed by the marker type:
- a top-level part whose kind holds no tasks (goals, principles, steps, background, evaluation,
  fields) yields none; items printed outside any part of a sectioned plan are not measures;
- an item without numbered children is a measure;
- an item with children: the children are the measures when they carry their own responsibility
  blocks (extract/patterns/cues.json), or when they are numbered tasks (1. / 1突破) and nothing says
  otherwise; the item itself is the measure when its block sits at its own level (before the first
  child, or printed after its last child while no other child has one; a numbered child closing
  with a prose block `A牵头，B、C配合。` has one) or when its children are
  sub-points ((1), ①, 一是);
- unnumbered headed paragraphs (`标题。正文……(责任单位:…)`) inside a part or item are measures with
  no number when two or more of them carry a block;
- a plan whose tasks exist only as a task-division table takes its measures from the table.
"保障(一)" / "工程(一)" number the (一) items of safeguard and project parts. Each choice is noted in
`Outline.decisions`. Writes `doc._.policykg["measures"]` and `doc.spans["policykg_measures"]`.

DOCS: docs/components.md#measures
"""
from __future__ import annotations

import re

from ..cues import cue_starts, has_block
from ..headings import part_styles
from ..outline import Heading, Outline, heading_title, title_words
from ..result import Measure
from ..textutil import iter_lines
from .responsibility_blocks import ends_with_role_sentence
from .task_tables import find_task_tables

NOT_MEASURES = {"goals", "steps", "preamble", "background", "principles", "evaluation", "fields", "provisions"}
LEAF_PREFIX = {"safeguards": "保障", "projects": "工程"}
KIND = {"safeguards": "safeguard", "projects": "project"}
SUB_POINT_STYLES = {"ar_paren", "ar_half_paren", "circled", "cn_shi"}
TASK_STYLES = {"ar_dot", "ar_glued", "dec2", "dec3", "cn_article"}
_HEADED = re.compile(r"^[\s\u3000]*(?P<head>[\u3400-\u9fff“”\"A-Za-z0-9、]{2,30}?)[。!！]")


class _Chooser:
    def __init__(self, outline: Outline):
        self.outline = outline
        self.text = outline.text
        self.kids: dict[str | None, list[Heading]] = {}
        for h in outline.headings:
            self.kids.setdefault(h.parent, []).append(h)
        self.chosen: list[tuple[Heading | None, int, int, str, str, str | None]] = []
        self._sections: dict[int, Heading | None] = {}   # measure start -> the heading it sits under

    def own_text(self, h: Heading) -> str:
        """The item's text before its first child (its heading, intro and, for a leaf, everything)."""
        kids = self.kids.get(h.id, [])
        return self.text[h.start:kids[0].start if kids else h.end]

    def tail_block(self, kid: Heading) -> bool:
        """A block printed on a line of its own after the last child's first line."""
        first_line_end = self.text.find("\n", kid.start)
        if first_line_end < 0 or first_line_end >= kid.end:
            return False
        return bool(cue_starts()["responsibility_line"].search(self.text, first_line_end + 1, kid.end))

    def add(self, h: Heading | None, start: int, end: int, no: str, title: str, reason: str,
            section: Heading | None) -> None:
        self.chosen.append((h, start, end, no, title, reason))
        self.outline.note(start, min(end, start + 80), "measure", reason)
        self._sections[start] = section

    def run(self) -> list[Measure]:
        regions = [(None, [h for h in self.kids.get(None, []) if h.style != "annex"])]
        regions += [(a, self.kids.get(a.id, [])) for a in self.outline.headings if a.style == "annex"]
        for annex, tops in regions:
            sectioned = any(h.style in part_styles() for h in tops)
            for h in tops:
                kind = h.kind
                if kind in NOT_MEASURES or (annex is not None and kind == "annex" and not has_block(self.text[h.start:h.end])):
                    self.outline.note(h.start, h.start + len(h.label), "not-measure",
                                      f"part of kind '{kind}' holds no tasks")
                    continue
                if h.style in part_styles():
                    self.part(h)
                elif sectioned and annex is None:
                    self.outline.note(h.start, h.start + len(h.label), "not-measure",
                                      "numbered item outside any part of a sectioned plan")
                else:
                    self.item(h, annex)
        return self.measures()

    def part(self, part: Heading) -> None:
        kids = self.kids.get(part.id, [])
        if kids:
            for kid in kids:
                if kid.style in part_styles():
                    if kid.kind in NOT_MEASURES:
                        self.outline.note(kid.start, kid.start + len(kid.label), "not-measure",
                                          f"part of kind '{kid.kind}' holds no tasks")
                    else:
                        self.part(kid)
                else:
                    self.item(kid, part)
            return
        if self.paragraphs(part, part.start, part.end, part):
            return
        if has_block(self.text[part.start:part.end]):
            self.add(part, part.start, part.end, part.number, part.title,
                     "a part with no numbered items that carries its own responsibility block", None)

    def item(self, h: Heading, section: Heading | None) -> None:
        if h.style == "box":
            for kid in self.kids.get(h.id, []):
                self.item(kid, h)
            return
        kids = [k for k in self.kids.get(h.id, []) if k.style != "box"]
        if h.style == "cn_article":
            why = self.article_not_measure(h)
            if why:
                self.outline.note(h.start, h.start + len(h.label), "not-measure", why)
                return
        if not kids:
            if not self.paragraphs(h, h.start, h.end, h):
                self.add(h, h.start, h.end, self.number(h), h.title, "an item without numbered children", section)
            return
        with_block = [k for k in kids if has_block(self.text[k.start:k.end]) or self.role_sentence(k)]
        others = [k for k in with_block if k is not kids[-1]]
        last_has = kids[-1] in with_block
        own = has_block(self.own_text(h))
        if others:
            why = f"{len(with_block)} of {len(kids)} sub-items carry their own responsibility block"
            for kid in kids:
                if kid.style not in SUB_POINT_STYLES or kid in with_block:
                    self.item(kid, h)
            self.outline.note(h.start, h.start + len(h.label), "not-measure", f"a section: {why}")
            return
        if own or (last_has and len(kids) > 1) or (last_has and self.tail_block(kids[-1])):
            where = "before its first sub-item" if own else "after its last sub-item"
            self.add(h, h.start, h.end, self.number(h), h.title,
                     f"its responsibility block sits at its own level ({where})", section)
            return
        if all(k.style in SUB_POINT_STYLES for k in kids):
            self.add(h, h.start, h.end, self.number(h), h.title,
                     "its children are sub-points ((1), ①, 一是), not tasks", section)
            return
        if any(k.style in TASK_STYLES for k in kids):
            self.outline.note(h.start, h.start + len(h.label), "not-measure",
                              "a section: its numbered children are the tasks")
            for kid in kids:
                if kid.style in TASK_STYLES or kid.style not in SUB_POINT_STYLES:
                    self.item(kid, h)
            return
        self.add(h, h.start, h.end, self.number(h), h.title, "an item whose children are not tasks", section)

    def role_sentence(self, kid: Heading) -> bool:
        """A numbered task with no children of its own that closes with a prose block
        ('A牵头，B、C配合。') carries its responsibilities as surely as with a bracket."""
        return (kid.style in TASK_STYLES and not self.kids.get(kid.id)
                and ends_with_role_sentence(self.text[kid.start:kid.end]))

    def article_not_measure(self, h: Heading) -> str | None:
        """Why a 第N条 article is not a measure, or None: an article with its own responsibility
        block is one; in a rule text (办法, 条例 …: title_words.json rule_suffixes) the others are
        rules, and a plan's closing article (施行, 解释, 有效期) is not a task."""
        if has_block(self.text[h.start:h.end]):
            return None
        words = title_words()
        title = re.sub(r"[(（][^()（）]*[)）]$", "", (self.outline.title or "").strip())
        if any(title.endswith(w) for w in words["rule_suffixes"]):
            return "an article of a rule text without a responsibility block"
        if re.search(words["closing_article"], self.text[h.start:h.end]):
            return "a closing article (when the text applies, who interprets it)"
        return None

    def paragraphs(self, h: Heading, start: int, end: int, section: Heading) -> bool:
        """Two or more unnumbered headed paragraphs with a block each: those are the measures."""
        kids = self.kids.get(h.id, [])
        first_line_end = self.text.find("\n", start)
        if first_line_end < 0 or first_line_end >= end or kids:
            return False
        found = []
        for line in iter_lines(self.text[first_line_end + 1:end]):
            m = _HEADED.match(line.text)
            if m and has_block(line.text):
                s = first_line_end + 1 + line.start
                found.append((s + m.start("head"), s + len(line.text), m.group("head")))
        if len(found) < 2:
            return False
        for s, e, title in found:
            self.add(None, s, e, "", title, "an unnumbered headed paragraph with its own responsibility block", h)
        self.outline.note(h.start, h.start + len(h.label), "not-measure",
                          f"a section: {len(found)} headed paragraphs carry their own blocks")
        return True

    def number(self, h: Heading) -> str:
        if h.style in ("cn_paren",):
            return f"{LEAF_PREFIX.get(h.kind, '')}({h.number})"
        if h.style == "cn_article":
            return f"第{h.number}条"
        return h.number

    def measures(self) -> list[Measure]:
        by_id = {h.id: h for h in self.outline.headings}
        out: list[Measure] = []
        for h, start, end, no, title, reason in sorted(self.chosen, key=lambda c: c[1]):
            section = self._sections.get(start)
            if h is not None and section is None and h.parent:
                section = by_id.get(h.parent)
            if section is not None and section.style == "annex":
                section_label = section.label
            else:
                section_label = section.label if section is not None else None
            kind = h.kind if h is not None else (section.kind if section is not None else "tasks")
            out.append(Measure(
                id=f"m{len(out) + 1}", no=no, title=title, section=section_label,
                section_id=section.id if section is not None else None,
                kind=KIND.get(kind, "task"), body=self.text[start:end].strip(), start=start, end=end,
            ))
        return out


def _describes(row, measure: Measure) -> bool:
    """A task-table row that restates a measure of the text (its title in the task cell, or close)."""
    from difflib import SequenceMatcher

    from ..textutil import nfkc_key

    title, task = nfkc_key(measure.title), nfkc_key(row.task)
    if len(title) >= 4 and (title in task or task in title):
        return True
    return SequenceMatcher(None, title, task[: len(title) + 10], autojunk=False).ratio() >= 0.8


def find_measures(outline: Outline) -> list[Measure]:
    measures = _Chooser(outline).run()
    if measures:
        # a task-division table (often an annex) listing tasks the text does not number itself
        rows = find_task_tables(outline.text, outline.header_end)
        extra = [row for row in rows
                 if not any(m.start <= row.task_start < m.end for m in measures)
                 and not any(_describes(row, m) for m in measures)]
        for row in extra:
            measures.append(Measure(id="", no=row.no or "", title=heading_title(row.task), section=None,
                                    section_id=None, kind="task", body=row.task, start=row.task_start,
                                    end=row.task_end))
            outline.note(row.task_start, row.task_end, "measure",
                         "a row of a task-division table that no numbered measure of the text restates")
        if extra:
            measures.sort(key=lambda m: m.start)
            for i, m in enumerate(measures, 1):
                m.id = f"m{i}"
    if not measures:
        # a plan whose tasks exist only as a task-division table
        for i, row in enumerate(find_task_tables(outline.text, outline.header_end), 1):
            measures.append(Measure(id=f"m{i}", no=row.no or str(i), title=heading_title(row.task), section=None,
                                    section_id=None, kind="task", body=row.task, start=row.task_start,
                                    end=row.task_end))
            outline.note(row.task_start, row.task_end, "measure", "a row of a task-division table")
    return measures
