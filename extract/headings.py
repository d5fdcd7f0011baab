"""Heading candidates: every numbered marker a plan prints, wherever it is printed.

Input: cleaned text. Output: `Candidate`s (style, rank, number, offsets) found at line starts and,
where line breaks were lost (web copies, PDF/DOCX conversions), inside long lines after a sentence
end. Marker styles (一、 / (一) / 1. / 1突破 / (1) / ① / 一是 / 专栏1) are data in
`extract/patterns/heading_markers.jsonl`; extract/outline.py decides which candidates are headings
(a sequence that continues) and keeps the reason for each decision.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .cues import has_block
from .textutil import Line, cn_to_int, opening_class, unnamed

PATTERNS = Path(__file__).resolve().parent / "patterns"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# a line this long that holds several sentences may be several paragraphs run together
LONG_LINE = 40
# where a heading can start inside a flattened line: after a sentence end or a space, and before
# a (一) / 一、 marker anywhere (sequence rules in extract/outline.py reject what does not continue)
# (after a sentence end or space, before a non-space: _AFTER_BREAK's match end; or a (一) marker,
# _PAREN_CN's start; 一、 after a sentence end is inside the first case)
_AFTER_BREAK = re.compile(r"[。!！?？\s\u3000](?=\S)")
_PAREN_CN = re.compile(r"[(（][一二三四五六七八九十]{1,3}[)）]")
# compiled once (asked for every marker candidate; re's own cache lookup costs as much as the match)
_TITLE_START = re.compile(r"[\u3400-\u9fff“\"《〈A-Za-z0-9０-９]")
_DIGITS_NOISE = re.compile(r"\s+|．")


@dataclass(frozen=True)
class MarkerStyle:
    style: str
    rank: int
    pattern: re.Pattern
    strict: bool        # accepted only where its sequence continues (never opens a list alone)
    inline: bool = True  # may start inside a line (where line breaks were lost)
    decimal: bool = False  # a level of a decimal outline (2 / 2.1 / 2.1.1): numbered by its path
    requires: str | None = None  # kept only in a document that also prints this style
    evidence: bool = False  # a list of it is headings only with evidence it numbers tasks (extract/outline.py)


@dataclass
class Candidate:
    style: str
    rank: int
    number: int         # 1-based position the marker prints
    marker: str         # the printed marker: "一", "(一)", "1", "(1)", "专栏1"
    digits: str         # the number as printed, without brackets or a trailing dot: "一", "1", "2.1"
    rest_start: int     # offset of the text after the marker
    start: int          # offset of the marker
    line_start: int     # offset of the (possibly virtual) line the marker opens
    line_end: int
    inline: bool        # found inside a long line, not at a printed line start
    strict: bool


@lru_cache(maxsize=1)
def marker_styles() -> tuple[MarkerStyle, ...]:
    rows = [json.loads(x) for x in (PATTERNS / "heading_markers.jsonl").read_text(encoding="utf-8").splitlines()
            if x.strip()]
    return tuple(MarkerStyle(r["style"], int(r["rank"]), re.compile(r["pattern"]), bool(r.get("strict")),
                             bool(r.get("inline", True)), bool(r.get("decimal")), r.get("requires"),
                             bool(r.get("evidence")))
                 for r in rows)


def style_named(name: str) -> MarkerStyle | None:
    return _styles_by_name().get(name)


@lru_cache(maxsize=1)
def _styles_by_name() -> dict[str, MarkerStyle]:
    """The first style listed under each name (what a scan of marker_styles() finds first)."""
    named: dict[str, MarkerStyle] = {}
    for style in marker_styles():
        named.setdefault(style.style, style)
    return named


@lru_cache(maxsize=1)
def part_styles() -> frozenset[str]:
    """Styles that print a plan's parts (第一部分, 一、): what measures are grouped under."""
    rows = [json.loads(x) for x in (PATTERNS / "heading_markers.jsonl").read_text(encoding="utf-8").splitlines()
            if x.strip()]
    return frozenset(r["style"] for r in rows if r.get("part"))


def marker_number(marker: str) -> int | None:
    if marker in _CIRCLED:   # before the digit test: str.isdigit() is True for ① but int("①") fails
        return _CIRCLED.index(marker) + 1
    if marker.isdecimal():
        return int(marker)
    return cn_to_int(marker)


@lru_cache(maxsize=1)
def _any_marker() -> re.Pattern:
    """Every marker style in one pattern (group names dropped): most positions tried hold no
    marker, and one match in C says so instead of one match per style."""
    return re.compile("|".join(f"(?:{unnamed(style.pattern)})" for style in marker_styles()))


@lru_cache(maxsize=1)
def _after_break_before_marker() -> re.Pattern:
    """`_AFTER_BREAK` where the character after the break can open a marker (`opening_class`
    of every style): a break before any other character gives no candidate, and most sentence
    ends in a long line are such breaks; each one asked `match_marker` in Python (#24)."""
    openings = opening_class(_any_marker())
    if openings is None:
        return _AFTER_BREAK
    return re.compile(f"{_AFTER_BREAK.pattern}(?={openings})")


def match_marker(text: str, pos: int) -> tuple[MarkerStyle, re.Match] | None:
    """The marker style printed at text[pos:], if any (first listed style wins)."""
    if not _any_marker().match(text, pos):
        return None
    for style in marker_styles():
        m = style.pattern.match(text, pos)
        if m:
            return style, m
    return None


_LEADING_BRACKET = re.compile(r"[\s\u3000]*[(（【\[][^()（）【】\[\]\n]{2,120}[)）】\]][\s\u3000]*")


def leading_block_end(text: str, pos: int = 0) -> int:
    """Where the title starts when a responsibility bracket is printed before it
    ('（一）（市科技局牵头，市财政局配合）加快建设…', '1.【牵头单位：A；配合单位：B】推动…'); else pos."""
    m = _LEADING_BRACKET.match(text, pos)
    return m.end() if m and has_block(m.group(0)) else pos


def _title_start_ok(text: str, pos: int, end: int) -> bool:
    """A heading's text must start with a word: CJK, a quote or title mark, or a Latin/digit token
    such as 5G, PCT, 2021年 (not punctuation, not nothing); a responsibility bracket before it is
    skipped."""
    pos = leading_block_end(text, pos)
    if pos >= end:
        return False
    ch = text[pos]
    return bool(_TITLE_START.match(ch))


def candidates_in_line(text: str, line: Line, *, inline: bool) -> list[Candidate]:
    """Markers at the line start and, for a long line, after each sentence end inside it."""
    found: list[Candidate] = []
    lead = len(line.text) - len(line.text.lstrip(" \u3000\t"))
    positions = [line.start + lead]
    if inline and len(line.text) >= LONG_LINE:
        breaks = {m.end() for m in _after_break_before_marker().finditer(line.text)} \
            | {m.start() for m in _PAREN_CN.finditer(line.text)}
        positions += sorted(line.start + at for at in breaks if at > lead)
    for n, pos in enumerate(positions):
        while pos < line.end and text[pos] in " \u3000\t":
            pos += 1
        hit = match_marker(text, pos)
        if not hit:
            continue
        style, m = hit
        if n and not style.inline:
            continue
        number = marker_number(m.group("marker"))
        if number is None or not _title_start_ok(text, m.end(), line.end):
            continue
        printed = text[pos:m.end()].strip(" \u3000\t、.．﹒:：")
        next_pos = positions[n + 1] if n + 1 < len(positions) else line.end
        found.append(Candidate(style=style.style, rank=style.rank, number=number, marker=printed,
                               digits=_DIGITS_NOISE.sub(lambda x: "." if x.group() == "．" else "",
                                             (m.groupdict().get("path") or "") + m.group("marker")),
                               rest_start=m.end(), start=pos, line_start=pos if n else line.start,
                               line_end=next_pos if n + 1 < len(positions) else line.end,
                               inline=n > 0, strict=style.strict))
    # a candidate's (virtual) line runs to the next candidate in the same printed line
    for a, b in zip(found, found[1:]):
        a.line_end = b.start
    if found:
        found[-1].line_end = line.end
    return found
