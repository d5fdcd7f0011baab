"""The document's structure: notice header, the plan's own title, preamble, outline, annexes.

Input: cleaned text. Output: an `Outline` (plain data) that the entity components read:
where the header ends and the body starts, the plan title with its span, and the heading tree
(一、 / (一) / 1. / (1)) with each heading's kind (goals, tasks, safeguards, projects, steps...).
Headings are recognised by their printed markers; section kinds by vocabulary in
`extract/patterns/section_kinds.jsonl`, so a new heading wording is a data change.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .textutil import CJK, LP, RP, Line, iter_lines, nfkc_key

PATTERNS = Path(__file__).resolve().parent / "patterns"

_CN = "一二三四五六七八九十"
HEADING_RES = [
    (1, re.compile(rf"^(?P<marker>[{_CN}]{{1,3}})\s*[、.．]\s*(?P<rest>.*)$")),
    (2, re.compile(rf"^{LP}\s*(?P<marker>[{_CN}]{{1,3}})\s*{RP}\s*(?P<rest>.*)$")),
    # 1. / 1、 / 1． but not 3.0 or 2025年
    (3, re.compile(r"^(?P<marker>\d{1,2})\s*[.．、](?!\d)\s*(?P<rest>.*)$")),
    (4, re.compile(rf"^{LP}\s*(?P<marker>\d{{1,2}})\s*{RP}\s*(?P<rest>.*)$")),
]
_ANNEX = re.compile(r"^附\s*件\s*\d*\s*[:：]?")
_COLOPHON = re.compile(r"^(抄送|抄报|主送)\s*[:：]|印发\s*$")
_DATE_LINE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_DOC_NO = re.compile(rf"[{CJK}]{{1,12}}\s*[〔\[［【(（]\s*(?:19|20)\d\d\s*[〕\]］】)）]\s*第?\s*\d{{1,4}}\s*号")
PLAN_SUFFIX = r"(?:工作方案|实施方案|行动方案|方案|行动计划|工作计划|计划|规划|纲要|实施意见|意见|措施|办法|工作要点|要点)"
_YEARS = rf"(?:\s*{LP}\s*(?:19|20)\d\d\s*(?:年)?\s*[-—–~至到]+\s*(?:19|20)\d\d\s*年?\s*{RP})?"
_TITLE_LINE = re.compile(rf"^[{CJK}“”\"‘’0-9A-Za-z()（）、—\-·\s]{{4,80}}?{PLAN_SUFFIX}{_YEARS}$")
_WRAPPED_NOTICE = re.compile(rf"关于(?:印发|转发|发布)\s*《?(?P<title>.+?)》?\s*的\s*通\s*知")
_APPROVED = re.compile(r"《(?P<title>[^《》]{4,80})》\s*(?:已经|已|经)")
_WRAP_IN_SENTENCE = re.compile(r"现将《(?P<title>[^《》]{4,80})》(?:印发|转发)")


@dataclass
class Heading:
    id: str
    level: int
    marker: str          # printed marker: "一", "(一)", "1", "(1)"
    number: str          # "一", "一", "1", "1"
    title: str           # heading text up to the first 。 (without marker)
    label: str           # printed form of the heading: marker + title, e.g. "(一)聚焦顶层设计,..."
    kind: str            # section kind of the level-1 ancestor (or its own for level 1)
    parent: str | None
    line_start: int      # offset of the heading's line
    start: int           # offset of the marker
    end: int             # end of its block (next heading of same or higher level, annex, colophon)
    has_children: bool = False


@dataclass
class Outline:
    text: str
    header_end: int = 0                  # body starts here (after the plan's own title line)
    title: str | None = None
    title_start: int | None = None
    title_end: int | None = None
    notice_title: str | None = None
    notice_span: tuple[int, int] | None = None
    body_end: int = 0                    # annex or colophon starts here
    annex_start: int | None = None
    headings: list[Heading] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    def heading(self, hid: str | None) -> Heading | None:
        return next((h for h in self.headings if h.id == hid), None)

    def enclosing(self, pos: int, level: int | None = None) -> list[Heading]:
        """Headings whose block contains `pos`, outermost first."""
        found = [h for h in self.headings if h.start <= pos < h.end]
        if level is not None:
            found = [h for h in found if h.level == level]
        return sorted(found, key=lambda h: h.level)


@lru_cache(maxsize=1)
def section_kinds() -> list[tuple[str, re.Pattern]]:
    rows = [json.loads(x) for x in (PATTERNS / "section_kinds.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    return [(r["kind"], re.compile(r["pattern"])) for r in rows]


def classify_section(title: str) -> str:
    for kind, pattern in section_kinds():
        if pattern.search(title):
            return kind
    return "other"


def heading_title(rest: str) -> str:
    """The short heading before the first 。 (or the whole first clause when there is none)."""
    head = re.split(r"[。!！?？]", rest, maxsplit=1)[0]
    head = head.strip(" \u3000")
    if len(head) > 40:
        clause = re.split(r"[,，;；:：]", head, maxsplit=1)[0]
        head = clause if len(clause) >= 4 else head[:40]
    return head.rstrip("。.;；,，:： ")


def _clean_title(title: str) -> str:
    title = re.sub(r"\s+", "", title)
    return title.strip("《》〈〉 ")


def find_title(lines: list[Line]) -> tuple[str | None, int | None, int | None, str | None, tuple[int, int] | None, int]:
    """Locate the plan title; returns (title, start, end, notice_title, notice_span, header_end)."""
    notice_title, notice_span, wrapped = None, None, None
    scan = lines[:60]
    # a notice title may wrap over up to three short lines
    for i, line in enumerate(scan):
        for k in (1, 2, 3):
            chunk = "".join(x.text for x in scan[i:i + k])
            m = _WRAPPED_NOTICE.search(chunk)
            inside_citation = m and chunk[:m.start()].count("《") > chunk[:m.start()].count("》")
            if m and not inside_citation and len(chunk) < 120 and m.start() < len(line.text):
                notice_title = re.sub(r"^名称[:：]", "", re.sub(r"\s+", "", chunk))
                notice_span = (line.start, scan[min(i + k, len(scan)) - 1].end)
                wrapped = _clean_title(m.group("title"))
                break
        if wrapped:
            break
    if not wrapped:
        for line in scan:
            m = _APPROVED.search(line.text) or _WRAP_IN_SENTENCE.search(line.text)
            if m:
                wrapped = _clean_title(m.group("title"))
                break
    # the title printed on its own (possibly over two lines) after the notice
    after = notice_span[1] if notice_span else 0
    for i, line in enumerate(lines[:80]):
        if line.start < after:
            continue
        for k in (1, 2, 3):
            group = lines[i:i + k]
            joined = "".join(x.text.strip() for x in group)
            candidate = _clean_title(joined)
            if wrapped:
                if nfkc_key(candidate) == nfkc_key(wrapped):
                    return wrapped, group[0].start, group[-1].end, notice_title, notice_span, group[-1].end
            elif (_TITLE_LINE.match(joined) and "关于" not in joined and "通知" not in joined
                  and not any(pattern.match(x.text) for x in group for _, pattern in HEADING_RES)):
                return candidate, group[0].start, group[-1].end, notice_title, notice_span, group[-1].end
        # a line that is only 《title》
        m = re.fullmatch(r"\s*《([^《》]{4,80})》\s*", line.text)
        if m and not wrapped:
            return _clean_title(m.group(1)), line.start + line.text.index("《") + 1, line.start + line.text.index("》"), notice_title, notice_span, line.end
    if wrapped:
        return wrapped, None, None, notice_title, notice_span, notice_span[1] if notice_span else 0
    return None, None, None, notice_title, notice_span, 0


def parse_outline(text: str) -> Outline:
    lines = list(iter_lines(text))
    title, t_start, t_end, notice_title, notice_span, header_end = find_title(lines)
    out = Outline(text=text, title=title, title_start=t_start, title_end=t_end, notice_title=notice_title,
                  notice_span=notice_span, header_end=header_end, lines=lines, body_end=len(text))
    # if no title was found, the body starts at the first level-1 heading
    body_lines = [ln for ln in lines if ln.start >= header_end]
    stack: list[Heading] = []
    counter = 0
    for line in body_lines:
        stripped = line.text.strip()
        if _ANNEX.match(stripped) and out.headings:
            out.annex_start = out.body_end = line.start
            break
        if _COLOPHON.search(stripped) and out.headings and len(stripped) < 60:
            out.body_end = line.start
            break
        for level, pattern in HEADING_RES:
            m = pattern.match(stripped)
            if not m:
                continue
            rest = m.group("rest")
            if not rest or not re.match(rf"[{CJK}“\"《]", rest):
                break
            # a level-1 marker must continue a plausible sequence (一 after nothing, 二 after 一 ...)
            offset = line.start + line.text.index(stripped[0])
            while stack and stack[-1].level >= level:
                stack.pop().end = line.start
            parent = stack[-1] if stack else None
            if parent:
                parent.has_children = True
            counter += 1
            marker = m.group("marker")
            printed = stripped[: m.start("rest")].strip()
            title_text = heading_title(rest)
            kind = classify_section(title_text) if level == 1 else (stack[0].kind if stack else "other")
            if level == 1 or not stack:
                kind = classify_section(title_text)
            heading = Heading(id=f"s{counter}", level=level, marker=printed, number=marker, title=title_text,
                              label=f"{printed}{title_text}", kind=kind, parent=parent.id if parent else None,
                              line_start=line.start, start=offset, end=len(text))
            out.headings.append(heading)
            stack.append(heading)
            break
    for h in stack:
        h.end = out.body_end
    for h in out.headings:
        h.end = min(h.end, out.body_end)
    return out
