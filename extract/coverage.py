"""Coverage: lines that carry a cue but produced nothing, so misses show on plans nobody has seen.

Input: a finished ExtractionResult. Output: `UncoveredCue`s, one per line and cue kind:
- responsibility: a unit label or a (…牵头/负责/配合) bracket in a line no responsibility points into;
- quantity: a number with a unit in a goals/tasks part where no target or incentive was found;
- annex: a 附件 line after the body with no measure after it (only when the annex title reads as a
  task list, target table or member list);
- doc_number: a 发文字号 pattern in the header that is neither the plan's nor a citation's.
Cues are data (extract/patterns/cues.json). `policykg build` reports the counts per plan, the
`coverage` named query lists plans that look under-extracted, `policykg extract FILE --explain`
shows the lines.
"""
from __future__ import annotations

import re

from .cues import cue_starts, cues as all_cues
from .result import ExtractionResult, UncoveredCue
from .textutil import lines_of

_QUANTITY_PARTS = {"goals", "tasks", "projects", "other", "annex", "safeguards"}
_ANNEX_CONTENT = re.compile(r"任务|分工|清单|指标|目标|名单|成员|责任")


class _Covered:
    """Which lines some span touches, answered by line start (bisect, not a scan per line)."""

    def __init__(self, spans: list[tuple[int, int]], line_starts: list[int]):
        import bisect

        self.lines: set[int] = set()
        for s, e in spans:
            first = bisect.bisect_right(line_starts, s) - 1
            last = bisect.bisect_right(line_starts, max(s, e - 1)) - 1
            self.lines.update(range(max(first, 0), last + 1))
        self.index = {start: i for i, start in enumerate(line_starts)}

    def __call__(self, start: int) -> bool:
        return self.index.get(start, -1) in self.lines


def _repeats_units(line, measures, units_of: dict[str, set[str]]) -> bool:
    """A block that names only units its measure already has (a sub-paragraph repeating the
    measure's lead): read, but kept once, so no span points into it."""
    for m in measures:
        if m.start <= line.start < m.end:
            return any(unit in line.text for unit in units_of.get(m.id, ()))
    return False


def find_uncovered(result: ExtractionResult, header_end: int = 0) -> list[UncoveredCue]:
    cues, finders = all_cues(), cue_starts()
    text = result.text
    resp_spans = [(r.start, r.end) for r in result.responsibilities]
    quantity_spans = [(t.start, t.end) for t in result.targets]
    quantity_spans += [(i.start, i.end) for i in getattr(result, "incentives", [])]
    doc_spans = [(c.start, c.end + 40) for c in result.citations]
    if "doc_number" in result.plan.evidence:
        ev = result.plan.evidence["doc_number"]
        doc_spans.append((ev.start, ev.end))
    kinds = [(s.start, s.end, s.kind) for s in result.sections if s.level <= 1]
    measure_starts = [m.start for m in result.measures]
    lines = lines_of(text)
    starts = [ln.start for ln in lines]
    resp_covered = _Covered(resp_spans, starts)
    quantity_covered = _Covered(quantity_spans, starts)
    doc_covered = _Covered(doc_spans, starts)
    last_measure = max(measure_starts, default=-1)
    units_of: dict[str, set[str]] = {}
    for r in result.responsibilities:
        units_of.setdefault(r.measure_id, set()).add(r.agency)
    out: list[UncoveredCue] = []
    for number, line in enumerate(lines, 1):
        raw = line.text.strip()
        if not raw:
            continue

        def add(kind: str) -> None:
            out.append(UncoveredCue(kind=kind, line=number, start=line.start, end=line.end, text=raw[:120]))

        # each test is pure: the cheap ones (a set look-up) go before the regexes and scans
        if line.start >= header_end and not resp_covered(line.start) \
                and finders["responsibility"].search(line.text) \
                and not _repeats_units(line, result.measures, units_of):
            add("responsibility")
        if not quantity_covered(line.start) and finders["quantity"].search(line.text) \
                and finders["quantity_verb"].search(line.text) \
                and next((k for s, e, k in kinds if s <= line.start < e), None) in _QUANTITY_PARTS:
            add("quantity")
        if cues["annex"].match(line.text) and len(raw) <= 60 and line.start >= header_end and result.measures \
                and _ANNEX_CONTENT.search(text[line.start:line.start + 80]) \
                and last_measure <= line.start and not result.people and not result.targets:
            add("annex")
        if line.start >= max(header_end, 1):
            continue   # a document number is only looked for in the header
        numbers = {re.sub(r"\s+", "", m.group(0)) for m in cues["doc_number"].finditer(line.text)}
        known = {result.plan.doc_number} | {c.doc_number for c in result.citations}
        if numbers and not numbers <= known and not doc_covered(line.start):
            add("doc_number")
    return out
