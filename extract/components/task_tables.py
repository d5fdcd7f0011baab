"""Task-division tables (任务分工表): rows of 序号 / 任务 / 牵头单位 / 配合单位 / 完成时限, in any order.

Text layouts that reach the extractors: one row per line with cells joined by " | " (how
extract/formats renders HTML and DOCX tables) or by tabs (text copied from a spreadsheet or a web
page), and one cell per line (text copied from a PDF). The header row says which column is the
task, which the lead units and which the supporting ones; its words are data
(extract/patterns/responsibility_labels.json, "task_table_headers"). A task printed over several
rows (a merged task cell, or a row that only continues the cells above it) is one row: a row
with no number and no task of its own adds its text and units to the row above.
Used by measures.py (a plan whose tasks exist only as a table) and responsibility_blocks.py
(units for measures whose text carries no block).
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..textutil import Line, lines_of, runs_of

PATTERNS = Path(__file__).resolve().parents[1] / "patterns"
_SPACES = runs_of(r"[\s\u3000]")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
_NUMBER = re.compile(r"^[(（]?\d{1,3}[)）.．、]?$|^[一二三四五六七八九十]{1,3}[、.．]?$")


@dataclass
class TaskRow:
    no: str | None
    task: str
    task_start: int
    task_end: int
    lead: list[tuple[str, int]] = field(default_factory=list)      # (cell text, offset)
    support: list[tuple[str, int]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _header_words() -> dict[str, set[str]]:
    data = json.loads((PATTERNS / "responsibility_labels.json").read_text(encoding="utf-8"))
    return {kind: set(words) for kind, words in data["task_table_headers"].items()}


@lru_cache(maxsize=65536)   # pure; asked of every cell of every line that could be a header
def _column_kind(cell: str) -> str | None:
    """'牵头单位' -> lead, '重点任务' -> task, '完成时限' -> other; brackets and spaces ignored."""
    key = _SPACES.sub("", cell)
    key = _BRACKETED.sub("", key)   # '牵头单位（部门）'
    for kind in ("no", "lead", "support", "task", "other"):
        if key in _header_words()[kind]:
            return kind
    return None


def _header(cells: list[str]) -> list[str | None] | None:
    kinds = [_column_kind(c) for c in cells]
    if "task" in kinds and ("lead" in kinds or "support" in kinds):
        return kinds
    return None


def _cells(line: Line, separator: str) -> list[tuple[str, int]]:
    """A row split on its separator -> [(cell, offset of the cell in the text)]."""
    out, pos = [], 0
    for part in _compiled(separator).split(line.text):
        stripped = part.strip(" \t\u3000")
        out.append((stripped, line.start + pos + (part.index(stripped) if stripped else 0)))
        pos += len(part)
        sep = _compiled(separator).match(line.text, pos)
        pos = sep.end() if sep else pos
    return out


# the last: cells parted by one full-width space ('序号　工作任务　牵头单位'), tried only after wider gaps
_SEPARATORS = (r"\|", r"\t+", r"[ \u3000]{2,}", r"\u3000")
_SEPARATOR_CHARS = "|\t \u3000"   # a line holds one of them wherever a separator above matches


def _display_column(text: str) -> int:
    """Where text ends on screen: wide (CJK, full-width) characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _short_row_cells(line: Line, separator: str, header: Line, n: int) -> list[tuple[str, int]] | None:
    """Cells of a row that splits into fewer cells than the header has columns, placed where the
    row prints them: a tab row that keeps its empty cells ('\t工程\t\t市财政局'), a wide-space row
    whose cells are glued by a single space ('市科技局、 2025年底'), or an indented continuation
    row of an aligned table ('　　　工程　　　　市财政局') whose cells sit under the header's columns.
    None when the row gives no such evidence (then the row is aligned to the right)."""
    if separator == r"\t+":
        if "\t\t" in header.text.strip("\t") or not ("\t\t" in line.text or line.text.startswith("\t")):
            return None
        cells = _cells(line, r"\t")
        return cells + [("", line.end)] * (n - len(cells)) if len(cells) <= n else None
    if separator != r"[ \u3000]{2,}":
        return None
    tokens = [(m.group(0), line.start + m.start()) for m in re.finditer(r"[^ \u3000\t]+", line.text)]
    if len(tokens) == n:
        return tokens
    if not tokens or not line.text[:1].isspace():
        return None
    starts = [_display_column(header.text[:o - header.start]) for _, o in _cells(header, separator)]
    placed: list[list[tuple[str, int]]] = [[] for _ in range(n)]
    last = -1
    for token, offset in tokens:
        at = _display_column(line.text[:offset - line.start])
        k = min(range(n), key=lambda c: abs(starts[c] - at))
        if abs(starts[k] - at) > 3:
            k = last   # a word glued to the previous one by a single space
        if k < 0 or k < last:
            return None
        placed[k].append((token, offset))
        last = k
    return [("".join(t for t, _ in cell), cell[0][1]) if cell else ("", line.start) for cell in placed]


@lru_cache(maxsize=None)
def _compiled(separator: str) -> re.Pattern:
    return re.compile(separator)


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


def _continues(kinds: list[str | None], cells: list[tuple[str, int]], previous: TaskRow | None) -> bool:
    """A row with no number (where the table numbers its rows) or no task: part of the row above."""
    if previous is None:
        return False
    by_kind = {k: c for k, (c, _) in zip(kinds, cells) if k}
    if "no" in kinds and previous.no:
        return not by_kind.get("no")
    return not by_kind.get("task")


def _extend(row: TaskRow, kinds: list[str | None], cells: list[tuple[str, int]]) -> None:
    for k, (c, o) in zip(kinds, cells):
        if not c:
            continue
        if k == "task":
            row.task = row.task + c
        elif k in ("lead", "support"):
            getattr(row, k).append((c, o))


def _delimited_rows(lines: list[Line], i: int) -> tuple[list[TaskRow], int] | None:
    """A header line whose cells are joined by '|', tabs or wide spaces, then rows in that layout."""
    line = lines[i]
    stripped = line.text.strip(" \t\u3000")
    if not any(ch in stripped for ch in _SEPARATOR_CHARS):
        return None   # no separator can match (most lines of prose): four searches saved
    for separator in _SEPARATORS:
        if not _compiled(separator).search(stripped):
            continue
        kinds = _header([c for c, _ in _cells(line, separator)])
        if not kinds:
            continue
        rows: list[TaskRow] = []
        j = i + 1
        while j < len(lines):
            text = lines[j].text
            if not text.strip():
                j += 1
                continue
            if not _compiled(separator).search(text.strip(" \t\u3000")) and separator != r"\|" and not (
                    text[:1].isspace() and _short_row_cells(lines[j], separator, line, len(kinds))):
                break   # one cell alone on its line ends the table, unless indented under its column
            if separator == r"\|" and "|" not in text:
                break
            cells = _cells(lines[j], separator)
            if all(re.fullmatch(r":?-{3,}:?|", c) for c, _ in cells):
                j += 1   # the rule under a markdown header: |---|---|
                continue
            if len(cells) < len(kinds):
                cells = _short_row_cells(lines[j], separator, line, len(kinds)) or cells
            if len(cells) < len(kinds):
                # a row whose leading merged cells were left out: align it to the right
                cells = [("", lines[j].start)] * (len(kinds) - len(cells)) + cells
            cells = cells[:len(kinds)]
            if _continues(kinds, cells, rows[-1] if rows else None):
                _extend(rows[-1], kinds, cells)
            else:
                row = _row(kinds, cells)
                if row:
                    rows.append(row)
            j += 1
        return rows, j
    return None


def _cell_per_line_rows(lines: list[Line], i: int) -> tuple[list[TaskRow], int] | None:
    """A run of header cells one per line, then groups of the same size."""
    kinds: list[str | None] = []
    j = i
    while j < len(lines) and _column_kind(lines[j].text.strip()) and len(kinds) < 8:
        kinds.append(_column_kind(lines[j].text.strip()))
        j += 1
    if len(kinds) < 3 or "task" not in kinds or not ("lead" in kinds or "support" in kinds):
        return None
    n = len(kinds)
    rows: list[TaskRow] = []
    while j + n <= len(lines):
        group = lines[j:j + n]
        if "no" in kinds and not _NUMBER.match(group[kinds.index("no")].text.strip()):
            break
        row = _row(kinds, [(g.text.strip(), g.start + len(g.text) - len(g.text.lstrip())) for g in group])
        if row:
            rows.append(row)
        j += n
    return rows, j


def find_task_tables(text: str, start: int = 0, end: int | None = None) -> list[TaskRow]:
    lines = [ln for ln in lines_of(text) if ln.start >= start and (end is None or ln.start < end)]
    rows: list[TaskRow] = []
    i = 0
    while i < len(lines):
        found = _delimited_rows(lines, i) or _cell_per_line_rows(lines, i)
        if found:
            table, i = found
            rows.extend(table)
            continue
        i += 1
    return rows
