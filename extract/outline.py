"""The document's structure: notice header, the plan's own title, preamble, outline, annexes.

Input: cleaned text. Output: an `Outline` (plain data) that the entity components read: where the
header ends and the body starts, the plan title with its span, and the heading tree with each
heading's section kind (goals, tasks, safeguards, projects, steps, annex ...).

One structure pass: extract/headings.py finds candidate markers of every style anywhere (line
starts, and inside long lines whose breaks were lost); a candidate becomes a heading when its
number continues a plausible sequence (opens a list, follows its predecessor under the same
parent, or continues the numbering of the previous section). Annexes (附件N) and 专栏 boxes are
parsed like the body, each with its own numbering scope. Every decision is kept with its reason
in `Outline.decisions` (`policykg extract FILE --explain`). Section kinds and title words are data
in `extract/patterns/` (section_kinds.jsonl, heading_markers.jsonl, title_words.json).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .cues import has_block
from .headings import (Candidate, candidates_in_line, leading_block_end, match_marker, marker_styles, part_styles,
                       style_named)
from .result import Decision
from .textutil import CJK, LP, RP, Line, lines_of, nfkc_key, runs_of

PATTERNS = Path(__file__).resolve().parent / "patterns"

_ANNEX = re.compile(r"^附\s*件\s*(?P<no>\d{0,2}|[一二三四五六七八九十]{0,2})\s*[:：.．、]?\s*(?P<title>.{0,60})$")
_COLOPHON = re.compile(r"^(抄送|抄报|主送)\s*[:：]|印发\s*$")


@lru_cache(maxsize=1)
def title_words() -> dict:
    return json.loads((PATTERNS / "title_words.json").read_text(encoding="utf-8"))


def _alternation(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


@lru_cache(maxsize=1)
def _title_patterns() -> dict[str, re.Pattern]:
    words = title_words()
    suffix = _alternation([w for w in words["plan_suffixes"] if w != "通知"])
    draft = _alternation(words["draft_marks"])
    years = rf"(?:\s*{LP}\s*(?:19|20)\d\d\s*(?:年)?\s*[-—–~至到]+\s*(?:19|20)\d\d\s*年?\s*{RP})?"
    return {
        "title": re.compile(rf"^[{CJK}“”\"‘’0-9A-Za-z()（）、—\-·\s]{{4,90}}?{suffix}{years}(?:\s*{LP}\s*{draft}\s*{RP})?$"),
        "web": re.compile("|".join(f"(?:{p})" for p in words["web_headline"])),
        "not_title": re.compile("|".join(words["not_title"])),
    }


_WRAPPED_NOTICE = re.compile(r"关于(?:印发|转发|发布)\s*《?(?P<title>.+?)》?\s*的\s*通\s*知")
_OWN_NOTICE = re.compile(rf"^(?P<title>[{CJK}“”\"()（）、\-—]{{2,40}}?关于[^《》]{{2,80}}?的\s*(?:通\s*知|决定|批复|意见|函))(?P<rest>.*)$")
_TITLE_TAIL = re.compile(rf"{LP}\s*(?:(?:19|20)\d\d\s*(?:年度?)?(?:\s*[-—–~至到]+\s*(?:19|20)\d\d\s*年?)?|征求意见稿|试行|暂行|草案|送审稿)\s*{RP}")
_APPROVED = re.compile(r"《(?P<title>[^《》]{4,80})》\s*(?:已经|已|经)")
_WRAP_IN_SENTENCE = re.compile(r"现将《(?P<title>[^《》]{4,80})》(?:印发|转发)")


@dataclass
class Heading:
    id: str
    level: int           # rank of the marker style: 1 一、, 2 (一) / 专栏, 3 1. / 1突破, 4 (1), 5 ①, 6 一是
    marker: str          # printed marker: "一", "(一)", "1", "(1)"
    number: str          # "一", "一", "1", "1"
    title: str           # heading text up to the first 。 (without marker)
    label: str           # printed form of the heading: marker + title, e.g. "(一)聚焦顶层设计,..."
    kind: str            # section kind of the top-level ancestor (or its own at the top)
    parent: str | None
    line_start: int      # offset of the heading's line
    start: int           # offset of the marker
    end: int             # end of its block (next heading of same or higher rank, annex, colophon)
    has_children: bool = False
    style: str = ""      # marker style (extract/patterns/heading_markers.jsonl), "annex" for 附件
    value: int = 0       # the number as an integer
    annex: str | None = None   # id of the annex heading it lies in


@dataclass
class Outline:
    text: str
    header_end: int = 0                  # body starts here (after the plan's own title line)
    title: str | None = None
    title_start: int | None = None
    title_end: int | None = None
    notice_title: str | None = None
    notice_span: tuple[int, int] | None = None
    body_end: int = 0                    # colophon (抄送/印发) starts here, or the text ends
    annex_start: int | None = None       # first annex line, when annexes follow the body
    headings: list[Heading] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    title_from: str | None = None        # "line", "notice", "wrapped", "web headline"

    def heading(self, hid: str | None) -> Heading | None:
        return next((h for h in self.headings if h.id == hid), None)

    def enclosing(self, pos: int, level: int | None = None) -> list[Heading]:
        """Headings whose block contains `pos`, outermost first."""
        found = [h for h in self.headings if h.start <= pos < h.end]
        if level is not None:
            found = [h for h in found if h.level == level]
        return sorted(found, key=lambda h: h.level)

    def note(self, start: int, end: int, what: str, reason: str) -> None:
        self.decisions.append(Decision(start, end, what, reason))


@lru_cache(maxsize=1)
def section_kinds() -> list[tuple[str, re.Pattern]]:
    rows = [json.loads(x) for x in (PATTERNS / "section_kinds.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    return [(r["kind"], re.compile(r["pattern"])) for r in rows]


def classify_section(title: str) -> str:
    for kind, pattern in section_kinds():
        if pattern.search(title):
            return kind
    return "other"


_SENTENCE_STOP = re.compile(r"[。!！?？]")
_CLAUSE_STOP = re.compile(r"[,，;；:：]")


def heading_title(rest: str) -> str:
    """The short heading before the first 。 (or the whole first clause when there is none)."""
    head = _SENTENCE_STOP.split(rest[leading_block_end(rest):], maxsplit=1)[0]   # '（A牵头）标题'
    head = head.strip(" \u3000")
    if len(head) > 40:
        clause = _CLAUSE_STOP.split(head, maxsplit=1)[0]
        head = clause if len(clause) >= 4 else head[:40]
    return head.rstrip("。.;；,，:： ")


_SPACE_RUNS = re.compile(r"\s+")


def _clean_title(title: str) -> str:
    title = _SPACE_RUNS.sub("", title)
    return title.strip("《》〈〉 ")


def _is_heading_line(text: str, parts_only: bool = False) -> bool:
    """A line that starts with a numbered marker (extract/patterns/heading_markers.jsonl); styles
    that need a continuing sequence (1突破, 一是) do not count on their own."""
    hit = match_marker(text.strip(), 0)
    if hit is None or hit[0].strict:
        return False
    return not parts_only or hit[0].style in part_styles()


def _title_line(joined: str) -> bool:
    """A line (or two or three joined) that reads as a plan's own title."""
    pats = _title_patterns()
    if not pats["title"].match(joined) or pats["not_title"].search(joined):
        return False
    if re.search(r"印发|转发|通\s*知$", joined):
        return False
    # "关于…的若干意见 / 若干措施" is a title; "关于…" that is a sentence is not (no 的, or a verb clause)
    if joined.startswith("关于") and "的" not in joined:
        return False
    return not re.search(r"[。;；,，:：]", joined)


def find_title(lines: list[Line]) -> tuple[str | None, int | None, int | None, str | None, tuple[int, int] | None, int, str | None]:
    """Locate the plan title.

    Returns (title, start, end, notice_title, notice_span, header_end, title_from). Sources in order:
    the plan's own title line(s) after a wrapping notice (关于印发《X》的通知 names X), a title line
    (plan suffix from title_words.json), a line that is only 《X》, a web headline (《X》印发), and last
    the notice's own title when the document is a notice that wraps nothing.
    """
    notice_title, notice_span, wrapped, own_notice = None, None, None, None
    # the header is what precedes the first top-level heading
    first_heading = next((i for i, ln in enumerate(lines[:200]) if _is_heading_line(ln.text, parts_only=True)),
                         min(len(lines), 200))
    scan = lines[:min(first_heading, 60)]
    # a notice title may wrap over up to three short lines
    for i, line in enumerate(scan):
        for k in (1, 2, 3):
            chunk = "".join(x.text for x in scan[i:i + k])[:150]   # a flattened header: its first sentence
            m = _WRAPPED_NOTICE.search(chunk)
            inside_citation = m and chunk[:m.start()].count("《") > chunk[:m.start()].count("》")
            if m and not inside_citation and len(chunk) <= 150 and m.start() < len(line.text):
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
    if not wrapped:
        for line in scan[:30]:
            text = re.sub(r"^\s*(?:名称|标题)\s*[:：]\s*", "", line.text.strip())
            m = _OWN_NOTICE.match(text)
            if m and len(text) < 140 and "印发" not in m.group("title") and "《" not in m.group("title"):
                own_notice = (_clean_title(m.group("title")), line)
                notice_title = notice_title or _clean_title(m.group("title"))
                notice_span = notice_span or (line.start, line.end)
                break
    # the title printed on its own (possibly over two or three lines) after the notice
    after = notice_span[1] if notice_span and not own_notice else 0
    stop = lines[first_heading].start if first_heading < len(lines) and not wrapped else None
    titled: list[tuple[str, int, int]] = []
    issued = {nfkc_key(w) for w in _issued_documents(wrapped)} if wrapped else set()
    for i, line in enumerate(lines[:80]):
        if line.start < after:
            continue
        if stop is not None and line.start >= stop:
            break
        if titled and line.start < titled[-1][2]:
            continue
        for k in (1, 2, 3):
            group = lines[i:i + k]
            if stop is not None and group[-1].start >= stop:
                break
            joined = "".join(x.text.strip() for x in group)
            candidate = _clean_title(joined)
            if wrapped:
                # a notice may issue several documents (印发《A》和《B》的通知): the first printed is the plan
                if nfkc_key(candidate) in issued:
                    return candidate, group[0].start, group[-1].end, notice_title, notice_span, group[-1].end, "wrapped"
            elif _title_line(joined) and not any(_is_heading_line(x.text) for x in group):
                # several title-like lines (a web page's headline, then the document's own): the
                # one printed nearest the body is the document's
                # a year or draft mark printed on the next line belongs to the title: 指引\n(2024)
                nxt = lines[i + k] if i + k < len(lines) else None
                if nxt is not None and _TITLE_TAIL.fullmatch(nxt.text.strip()):
                    group = group + [nxt]
                    candidate = _clean_title(joined + nxt.text.strip())
                if stop is None:
                    return candidate, group[0].start, group[-1].end, notice_title, notice_span, group[-1].end, "line"
                titled.append((candidate, group[0].start, group[-1].end))
                break
        # a line that is only 《title》
        m = re.fullmatch(r"\s*《([^《》]{4,80})》\s*", line.text)
        if m and not wrapped and not titled:
            return (_clean_title(m.group(1)), line.start + line.text.index("《") + 1, line.start + line.text.index("》"),
                    notice_title, notice_span, line.end, "line")
    if titled:
        # the last title line, unless it only repeats the text after an earlier one's prefix
        title, start, end = titled[-1]
        return title, start, end, notice_title, notice_span, end, "line"
    if wrapped:
        return (_issued_documents(wrapped)[0], None, None, notice_title, notice_span,
                notice_span[1] if notice_span else 0, "wrapped")
    for line in scan[:10]:
        m = _title_patterns()["web"].search(line.text)
        if m:
            title = _clean_title(next(g for g in m.groups() if g))
            return title, None, None, notice_title, notice_span, line.end, "web headline"
    if own_notice:
        title, line = own_notice
        start = line.start + line.text.find(title[:2]) if title[:2] in line.text else line.start
        return title, start, start + len(title), notice_title, notice_span, line.end, "notice"
    return None, None, None, notice_title, notice_span, 0, None


def _issued_documents(wrapped: str) -> list[str]:
    """`A》和《B` (a notice issuing two documents) -> [A, B]; a single title -> [title]."""
    parts = [p.strip("《》〈〉 ") for p in re.split(r"》\s*(?:和|及|与|、|,|，)\s*《", wrapped)]
    return [p for p in parts if p] or [wrapped]


class _Scope:
    """Numbering state of one parent (a heading, the body root or an annex root)."""

    def __init__(self):
        self.last: dict[str, int] = {}


def _sequence_reason(cand: Candidate, scope: _Scope, region_last: dict[str, int],
                     upcoming: list[Candidate], parent_start: int | None = None) -> str | None:
    """Why this candidate continues a plausible sequence, or None when it does not."""
    last = scope.last.get(cand.style, 0)
    glast = region_last.get(cand.style, 0)
    follows = any(c.style == cand.style and c.number == cand.number + 1 for c in upcoming[:60])
    if cand.number == last + 1:
        run_in = parent_start is not None and cand.inline and not cand.strict and 0 < cand.start - parent_start <= 40
        # 一、X （一）… inside a line: a part that opens with its own first item
        nxt = upcoming[0] if upcoming else None
        run_in = run_in or (cand.inline and not cand.strict and nxt is not None and nxt.rank > cand.rank
                            and nxt.number == 1 and 0 < nxt.start - cand.start <= 60)
        if cand.number == 1 and (cand.strict or cand.inline) and not follows and not run_in:
            return None   # a lone "1…" glued or inside a sentence is not a list
        return "opens a list" if cand.number == 1 else f"follows {cand.number - 1} under the same parent"
    if last == 0 and glast and cand.number == glast + 1 and not cand.inline:
        return f"continues the numbering of the previous section ({glast})"
    if cand.strict or cand.inline:
        return None
    if last < cand.number <= last + 2 and last > 0:
        return f"follows {last} (one number skipped)"
    if cand.number == 1 and last > 0 and follows:
        return "restarts its list"
    return None


def _list_evidence(text: str, cand: Candidate, upcoming: list[Candidate], parent: "Heading | None",
                   body_end: int) -> str | None:
    """Why a list numbered like prose ('第一，…第二，…') numbers tasks, or None: one of its items
    carries its own responsibility block (as a 第N条 article with a block is a measure), or the list
    numbers the items of a tasks part. Under a safeguards or goals part without blocks it is prose."""
    items, ends = [cand], []
    for c in upcoming:
        if len(ends) < len(items):
            ends.append(c.start)   # an item's text runs to the next marker of any style
        if c.rank < cand.rank:
            break   # a heading of a higher level closes the list
        if c.style == cand.style and not c.inline and c.number == items[-1].number + 1:
            items.append(c)
    ends += [body_end] * (len(items) - len(ends))
    with_block = sum(1 for item, end in zip(items, ends) if has_block(text[item.start:end]))
    if with_block:
        return f"items with their own responsibility block: {with_block} of {len(items)}"
    if parent is not None and parent.style in part_styles() and parent.kind == "tasks":
        return "it numbers the items of a tasks part"
    return None


@lru_cache(maxsize=1)
def _decimal_styles() -> frozenset[str]:
    return frozenset(s.style for s in marker_styles() if s.decimal)


def _path(digits: str) -> tuple[int, ...] | None:
    parts = digits.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def decimal_outline(text: str, per_line: list[tuple[Line, list[Candidate]]]) -> list[tuple[Line, list[Candidate]]]:
    """A document numbered 1 / 1.1 / 1.1.1 (common in plans drafted like reports and standards).

    Styles that `require` another (dec1 '2 重点任务' needs 2.1-style lines) are dropped where that
    style is not printed: alone, '1 标题' is a table row or a list. Where two or more 2.1-style
    lines are printed, a short '2. 重点任务' / '2重点任务' line whose number prefixes them (or
    continues the first level, as a closing '3. 保障措施' with no 3.1 does) is the first level of
    that outline (dec1), not a task numbered 2.
    """
    present = {c.style for _, cands in per_line for c in cands}
    requires = {s.style: s.requires for s in marker_styles() if s.requires}
    kept = [(line, [c for c in cands if requires.get(c.style) in (None, *present)]) for line, cands in per_line]
    sub = [c for _, cands in kept for c in cands if c.style in _decimal_styles() and "." in c.digits]
    if len(sub) < 2:
        return kept
    prefixes = {c.digits.split(".")[0] for c in sub}

    def short_heading(cands: list[Candidate]) -> bool:
        if not cands or cands[0].inline or cands[0].style not in ("ar_dot", "ar_glued"):
            return False
        head = text[cands[0].rest_start:cands[0].line_end].strip()
        return len(head) <= 30 and not re.search(r"[。;；,，]", head)

    eligible = [i for i, (_, cands) in enumerate(kept) if short_heading(cands)]
    chosen = {i for i in eligible if kept[i][1][0].digits in prefixes}
    # the run of first-level lines around them: '1. 总体要求' before 2.1, '3. 保障措施' with no 3.1
    for pos, i in enumerate(eligible):
        if i not in chosen:
            continue
        for step in (-1, 1):
            k, number = pos + step, kept[i][1][0].number
            while 0 <= k < len(eligible) and kept[eligible[k]][1][0].number == number + step:
                chosen.add(eligible[k])
                number += step
                k += step
    out = []
    for i, (line, cands) in enumerate(kept):
        if i in chosen:
            c = cands[0]
            cands = [Candidate(style="dec1", rank=1, number=c.number, marker=c.marker, digits=c.digits,
                               rest_start=c.rest_start, start=c.start, line_start=c.line_start,
                               line_end=c.line_end, inline=False, strict=False), *cands[1:]]
        out.append((line, cands))
    return out


def _decimal_reason(cand: Candidate, last: tuple[int, ...] | None, parent: "Heading | None",
                    upcoming: list[Candidate]) -> str | None:
    """Why a 2.1-style marker continues its outline: it follows the last one under the same prefix,
    or opens the list of the section its prefix names; a path that names another section is not
    a child of the open one."""
    path = _path(cand.digits)
    if path is None or len(path) < 2:
        return None
    prefix = path[:-1]
    parent_path = _path(parent.number) if parent is not None and parent.style in _decimal_styles() else None
    if parent_path is not None and prefix != parent_path:
        return None
    shown = ".".join(map(str, prefix))
    if last is not None and last[:-1] == prefix and path[-1] == last[-1] + 1:
        return f"follows {'.'.join(map(str, last))} in the decimal outline"
    if path[-1] == 1:
        if parent_path == prefix:
            return f"opens the decimal list of section {shown}"
        nxt = f"{shown}.2"
        if any(c.style == cand.style and c.digits == nxt for c in upcoming[:60]):
            return "opens a decimal list (its next item follows)"
    return None


_OPEN_END = re.compile(r"[\u3400-\u9fff,，、]$")
_UNIT_LIST_END = re.compile(r"(?:单位|部门)\s*[:：]|(?:政府|局|委|办|院|会|中心|部|厅|室|队|所|站|处|公司|集团|行|社)$")


def _breaks_off(line: str) -> bool:
    """A long paragraph whose last character leaves the sentence open (a page or chunk boundary
    cut it): a number printed at the next line start is not a list item."""
    if len(line) < 60 or not _OPEN_END.search(line, len(line) - 1):   # its last character (a line holds no \n)
        return False
    # a list of units (责任单位:…, or a line ending in a unit's name) ends without a full stop
    return not _UNIT_LIST_END.search(line)


_WIDE = runs_of("[\u2e81-\U0010ffff]")   # runs of ord(ch) > 0x2e80: CJK and full-width


def _width(line: str) -> int:
    """Display width: CJK and full-width characters count two (summed per run of them: a list
    of every wide char cost ~2 % of extraction)."""
    return len(line) + sum(map(len, _WIDE.findall(line)))


def hard_wrap_width(lines: list[Line]) -> int | None:
    """The width at which the text was hard-wrapped (a copy of a PDF's lines), or None: most long
    lines end within a few columns of one width."""
    widths = [_width(ln.text.strip()) for ln in lines if len(ln.text.strip()) >= 8]
    if len(widths) < 12:
        return None
    widths.sort()
    top = widths[int(0.9 * (len(widths) - 1))]
    near = sum(1 for w in widths if top - 4 <= w <= top + 2)
    return top - 4 if top >= 24 and near >= 0.4 * len(widths) else None


def parse_outline(text: str) -> Outline:
    lines = list(lines_of(text))
    title, t_start, t_end, notice_title, notice_span, header_end, title_from = find_title(lines)
    out = Outline(text=text, title=title, title_start=t_start, title_end=t_end, notice_title=notice_title,
                  notice_span=notice_span, header_end=header_end, lines=lines, body_end=len(text),
                  title_from=title_from)
    if title:
        out.note(t_start if t_start is not None else 0, t_end if t_end is not None else header_end, "title",
                 f"plan title from the {title_from}")
    wrap_width = hard_wrap_width(lines)
    body_lines = [ln for ln in lines if ln.end > header_end]
    # every candidate first, so a list's opener can look ahead for its "2"
    per_line: list[tuple[Line, list[Candidate]]] = []
    for line in body_lines:
        if line.start < header_end:   # the rest of the title's line
            line = Line(text[header_end:line.end], header_end)
        per_line.append((line, candidates_in_line(text, line, inline=True)))
    per_line = decimal_outline(text, per_line)
    flat = [c for _, cands in per_line for c in cands]
    index_of = {id(c): i for i, c in enumerate(flat)}

    root = _Scope()
    region_last: dict[str, int] = {}
    stack: list[tuple[Heading, _Scope]] = []
    scopes: dict[str, _Scope] = {}
    annex: Heading | None = None
    counter = 0
    decimal_last: dict[str, tuple[int, ...]] = {}   # decimal style -> the last path accepted

    def close(upto_rank: int, pos: int) -> None:
        while stack and stack[-1][0].level >= upto_rank:
            stack.pop()[0].end = pos

    previous = ""
    for line, cands in per_line:
        stripped = line.text.strip()
        broken_off = _breaks_off(previous)
        if stripped:
            previous = stripped
        m_annex = _ANNEX.match(stripped)
        if m_annex and out.headings and len(stripped) <= 60 and not re.search(r"[。;；]", stripped):
            # an annex: its own numbering scope; its kind comes from its title (this line or the next)
            close(0, line.start)
            out.annex_start = out.annex_start if out.annex_start is not None else line.start
            title_text = m_annex.group("title").strip()
            if not title_text:
                nxt = next((ln for ln, _ in per_line if ln.start > line.start and ln.text.strip()), None)
                title_text = nxt.text.strip()[:60] if nxt else ""
            kind = classify_section(title_text)
            if kind == "other" and _title_line(re.sub(r"\s+", "", title_text)):
                kind = "plan"   # the attachment is a plan of its own: its parts are read like a body
            counter += 1
            annex = Heading(id=f"s{counter}", level=0, marker=f"附件{m_annex.group('no')}", number=m_annex.group("no"),
                            title=title_text, label=stripped, kind="annex" if kind == "other" else kind, parent=None,
                            line_start=line.start, start=line.start + line.text.index(stripped[0]), end=len(text),
                            style="annex", value=0, annex=None)
            annex.annex = annex.id
            out.headings.append(annex)
            stack.append((annex, _Scope()))
            scopes[annex.id] = stack[-1][1]
            region_last = {}
            out.note(annex.start, line.end, "annex", f"annex line; kind '{annex.kind}' from its title")
            continue
        if _COLOPHON.search(stripped) and out.headings and len(stripped) < 60:
            out.body_end = line.start
            out.note(line.start, line.end, "colophon", "抄送/印发 line ends the body")
            break
        for cand in cands:
            # the parent this candidate would have: the nearest open heading of a lower rank
            depth = len(stack)
            while depth and stack[depth - 1][0].level >= cand.rank:
                depth -= 1
            parent, scope = stack[depth - 1] if depth else (None, root)
            if annex is not None and parent is None:
                parent, scope = annex, scopes[annex.id]
            upcoming = flat[index_of[id(cand)] + 1:index_of[id(cand)] + 61]   # a list's next items are near
            # a run-in child right after its parent's title ("一、重点任务 （一）…"), not a point
            # inside the parent's first sentence ("（一）加强创造。1.培育…")
            run_in_parent = (parent is not None and not parent.has_children
                             and not re.search(r"[。!！?？;；]", text[parent.start:cand.start]))
            if cand.style in _decimal_styles() and "." in cand.digits:
                reason = _decimal_reason(cand, decimal_last.get(cand.style), parent, upcoming)
            else:
                reason = _sequence_reason(cand, scope, region_last, upcoming,
                                          parent.start if run_in_parent else None)
            style = style_named(cand.style)
            if reason is not None and cand.number == 1 and style is not None and style.evidence:
                evidence = _list_evidence(text, cand, upcoming, parent, out.body_end)
                if evidence is None:
                    out.note(cand.start, cand.line_end, "not-heading",
                             f"'{cand.marker}' ({cand.style}) opens a list that reads as prose: no item carries "
                             "a responsibility block and it does not number a tasks part")
                    continue
                reason = f"{reason}; {evidence}"
            if reason is not None and broken_off and not cand.inline and cand.rank >= 3:
                out.note(cand.start, cand.line_end, "not-heading",
                         f"'{cand.marker}' follows a paragraph that breaks off mid-sentence: a page-chunk marker")
                continue
            if reason is None:
                out.note(cand.start, cand.line_end, "not-heading",
                         f"'{cand.marker}' ({cand.style}) does not continue a sequence"
                         + (" inside a line" if cand.inline else ""))
                continue
            close(cand.rank, cand.line_start)
            if annex is not None and not stack:
                stack.append((annex, scopes[annex.id]))
            scope.last[cand.style] = cand.number
            region_last[cand.style] = cand.number
            if cand.style in _decimal_styles() and "." in cand.digits:
                decimal_last[cand.style] = _path(cand.digits) or ()
            if parent:
                parent.has_children = True
            counter += 1
            rest = text[cand.rest_start:cand.line_end]
            if cand.inline or cand.line_end < line.end:
                rest = re.split(r"[\s\u3000]", rest.strip(), maxsplit=1)[0]   # a run-in heading ends at a space
            elif wrap_width and _width(line.text.strip()) >= wrap_width and not re.search(r"[。!！?？]", rest):
                # a hard-wrapped line (text copied from a PDF): the heading goes on on the next line
                nxt = text[line.end + 1:text.find("\n", line.end + 1) if "\n" in text[line.end + 1:] else len(text)]
                if nxt.strip() and not candidates_in_line(text, Line(nxt, line.end + 1), inline=False):
                    rest = rest.rstrip() + nxt.strip()
            title_text = heading_title(rest)
            tops = [h for h, _ in stack if h.style != "annex"]
            parts = [h for h in tops if h.style in part_styles()]
            if not tops:
                kind = classify_section(title_text)
                if annex is not None and kind == "other":
                    kind = annex.kind
            else:
                kind = parts[-1].kind if parts else tops[0].kind
                if cand.style in part_styles() and kind == "other":
                    kind = classify_section(title_text)   # 一、 under a 第一部分 of no particular kind
            if cand.style == "box":
                kind = "projects"
            printed = text[cand.start:cand.rest_start].strip(" \u3000\t")
            heading = Heading(id=f"s{counter}", level=cand.rank, marker=printed, number=cand.digits,
                              title=title_text, label=f"{printed}{title_text}", kind=kind,
                              parent=parent.id if parent else None, line_start=cand.line_start, start=cand.start,
                              end=len(text), style=cand.style, value=cand.number,
                              annex=annex.id if annex is not None else None)
            out.headings.append(heading)
            new_scope = _Scope()
            scopes[heading.id] = new_scope
            stack.append((heading, new_scope))
            out.note(cand.start, cand.line_end, "heading", f"'{printed}' ({cand.style}): {reason}; section kind '{kind}'")
    for h, _ in stack:
        h.end = out.body_end
    for h in out.headings:
        h.end = min(h.end, out.body_end)
    if not title:
        first = next((h.start for h in out.headings), None)
        out.note(0, first or 0, "title", "no title line, notice title or web headline found")
    return out
