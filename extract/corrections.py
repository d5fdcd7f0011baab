"""Researchers' corrections: an editorial layer kept apart from what the rules extract (issue 26).

No rule-based extractor is right on every plan, and a fix made by editing the store would be
undone by the next build. So fixes live in one plain CSV file per corpus (docs/corrections.md),
each row an operation on an extracted fact addressed by keys a researcher can read (the plan's
`source`, the measure number as printed, an agency name, `indicator@year`, a plan field, a person
name), with who, when and why. `apply_corrections` runs after extraction and before RDF, on the
ExtractionResult dataclasses, so every query, export and view sees the corrected facts and a
rebuild after a rule change re-applies them. Each row becomes an `AppliedCorrection` on the result
(graph/rdf.py maps it to a `pk:Correction` with the original value); a row whose target no longer
exists (the text changed) is recorded as `stale`, never dropped silently.
Partners: graph/build.py (loads the file, applies per document), policykg/cli/corrections.py.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Callable

from policykg.errors import PolicyKGError

from .result import AppliedCorrection, ExtractionResult, Measure, Person, PlanMeta, Responsibility, Target

DEFAULT_FILE_NAME = "corrections.csv"
EVERY_PLAN = "*"        # the `plan` of a merge_agency row that applies to every plan naming the agency
COLUMNS = ("op", "plan", "target", "value", "who", "when", "why")

# op -> the keys its `value` may carry as `key=value;key=value` (None: the value is plain text)
VALUE_KEYS: dict[str, tuple[str, ...] | None] = {
    "add_unit": ("agency", "role"),
    "remove_unit": None,
    "set_lead": None,
    "unset_lead": None,
    "set_target": ("value", "value_max", "unit", "year", "indicator", "indicator_id", "kind", "comparator"),
    "merge_agency": None,
    "set_plan_field": None,
    "add_measure": ("title", "section", "kind", "body"),
    "add_person": ("role", "post", "group", "post_agency", "post_title"),
}
# the key a plain value (without `=`) stands for
PLAIN_KEY = {"add_unit": "agency", "set_target": "value", "add_measure": "title", "add_person": "role"}
ROLES = ("lead", "support")
MEASURE_KINDS = ("task", "safeguard", "project")
COMPARATORS = (">=", "=", "<=", "range")
TARGET_KINDS = ("level", "cumulative", "growth", "count", "ratio")
# plan fields a correction may set; integers and `;`-separated lists are parsed
PLAN_FIELDS = tuple(f.name for f in fields(PlanMeta) if f.name not in ("evidence", "title_span"))
INT_PLAN_FIELDS = ("period_start", "period_end")
LIST_PLAN_FIELDS = ("addressees", "plan_leads")


class CorrectionsError(PolicyKGError):
    """The corrections file has bad rows; the message names the file and line of each."""


@dataclass(frozen=True)
class Correction:
    """One row of the corrections file, checked."""

    op: str
    plan: str                # the plan's `source` (its file name, or path within the built folder)
    target: str              # measure number, agency name, indicator@year, plan field or person name
    value: str
    who: str
    when: str                # ISO date
    why: str
    file: str = ""
    line: int = 0

    def values(self) -> dict[str, str]:
        """The value as `key -> text` (a plain value stands for the op's main key)."""
        return parse_value(self.op, self.value)


def parse_value(op: str, value: str) -> dict[str, str]:
    keys = VALUE_KEYS.get(op)
    if keys is None:
        return {"": value.strip()}
    if "=" not in value:
        return {PLAIN_KEY[op]: value.strip()} if value.strip() else {}
    pairs: dict[str, str] = {}
    for part in value.split(";"):
        if not part.strip():
            continue
        key, sep, text = part.partition("=")
        if not sep:
            raise ValueError(f"{part.strip()!r} is not key=value (separate pairs with ';')")
        key = key.strip()
        if key not in keys:
            raise ValueError(f"unknown key {key!r} for {op} (known: {', '.join(keys)})")
        pairs[key] = text.strip()
    return pairs


# ------------------------------------------------------------------ reading and checking
def read_corrections(path: str | Path) -> tuple[list[Correction], list[str]]:
    """Every row of the file, checked. RETURNS (good rows, problems) where each problem is one
    line `FILE:LINE: problem`; a row with a problem is not among the good rows."""
    path = Path(path)
    shown = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [f"{shown}: no such file"]
    except (OSError, UnicodeDecodeError) as e:
        return [], [f"{shown}: cannot read ({e})"]
    reader = csv.reader(text.splitlines(keepends=True))
    problems: list[str] = []
    rows: list[Correction] = []
    header: list[str] | None = None
    for record in reader:
        line = reader.line_num
        if not record or all(not cell.strip() for cell in record) or record[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in record]
            missing = [c for c in COLUMNS if c not in header]
            unknown = [c for c in header if c not in COLUMNS]
            if missing or unknown:
                parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + \
                        ([f"unknown column(s) {', '.join(unknown)}"] if unknown else [])
                return [], [f"{shown}:{line}: header: {'; '.join(parts)} (expected {','.join(COLUMNS)})"]
            continue
        if len(record) != len(header):
            problems.append(f"{shown}:{line}: {len(record)} cells, the header has {len(header)} "
                            "(quote a value that holds a comma)")
            continue
        cells = {name: cell.strip() for name, cell in zip(header, record)}
        row = Correction(**{c: cells[c] for c in COLUMNS}, file=str(path), line=line)
        problem = check_row(row)
        if problem:
            problems.append(f"{shown}:{line}: {problem}")
        else:
            rows.append(row)
    if header is None:
        problems.append(f"{shown}: empty (expected the header {','.join(COLUMNS)})")
    return rows, problems


def load_corrections(path: str | Path) -> list[Correction]:
    """The rows of a corrections file; raises CorrectionsError naming every bad line."""
    rows, problems = read_corrections(path)
    if problems:
        raise CorrectionsError("bad corrections file: " + "; ".join(problems))
    return rows


def check_row(row: Correction) -> str | None:
    """What is wrong with one row, in one line, or None."""
    if row.op not in VALUE_KEYS:
        return f"unknown op {row.op!r} (known: {', '.join(VALUE_KEYS)})"
    for column in ("plan", "target", "who", "when", "why"):
        if not getattr(row, column):
            return f"{row.op}: the {column!r} column is empty"
    if row.plan == EVERY_PLAN and row.op != "merge_agency":
        return f"{row.op}: plan '*' (every plan) is only for merge_agency"
    try:
        date.fromisoformat(row.when)
    except ValueError:
        return f"when {row.when!r} is not an ISO date (YYYY-MM-DD)"
    if row.op != "set_plan_field" and not row.value:
        return f"{row.op}: the 'value' column is empty"
    try:
        values = row.values()
    except ValueError as e:
        return f"{row.op}: {e}"
    if row.op == "add_unit":
        if not values.get("agency"):
            return "add_unit: no agency in value"
        if values.get("role", "support") not in ROLES:
            return f"add_unit: role {values['role']!r} is not lead or support"
    elif row.op == "set_target":
        if not values:
            return "set_target: nothing to set in value"
        if "value" in values and not values["value"]:
            return "set_target: value= cannot be empty (a target has a value)"
        if values.get("kind") and values["kind"] not in TARGET_KINDS:
            return f"set_target: kind {values['kind']!r} is not one of {', '.join(TARGET_KINDS)}"
        for key in ("value", "value_max"):
            if values.get(key) and _number(values[key]) is None:
                return f"set_target: {key} {values[key]!r} is not a number"
        if values.get("year") and not re.fullmatch(r"\d{4}", values["year"]):
            return f"set_target: year {values['year']!r} is not a four-digit year"
        if values.get("comparator") and values["comparator"] not in COMPARATORS:
            return f"set_target: comparator {values['comparator']!r} is not one of {', '.join(COMPARATORS)}"
        _, year, _ = split_target_key(row.target)
        if year and not re.fullmatch(r"\d{4}", year):
            return f"set_target: target {row.target!r}: the year after @ is not a four-digit year"
    elif row.op == "set_plan_field":
        if row.target not in PLAN_FIELDS:
            return f"set_plan_field: unknown plan field {row.target!r} (known: {', '.join(PLAN_FIELDS)})"
        if row.target in INT_PLAN_FIELDS and row.value and not re.fullmatch(r"\d{4}", row.value):
            return f"set_plan_field: {row.target} {row.value!r} is not a four-digit year"
    elif row.op == "add_measure":
        if not values.get("title"):
            return "add_measure: no title in value"
        if values.get("kind", "task") not in MEASURE_KINDS:
            return f"add_measure: kind {values['kind']!r} is not one of {', '.join(MEASURE_KINDS)}"
    elif row.op == "add_person":
        if not values.get("role"):
            return "add_person: no role in value (e.g. role=组长;post=市长)"
    return None


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def split_target_key(key: str) -> tuple[str, str | None, int]:
    """`indicator@year#k` -> (indicator, year or None, k: the k-th match, 1 by default)."""
    key, nth = _split_nth(key)
    indicator, at, year = key.rpartition("@")
    if not at:
        return key.strip(), None, nth
    return indicator.strip(), year.strip() or None, nth


def _split_nth(key: str) -> tuple[str, int]:
    match = re.fullmatch(r"(.*?)#(\d+)", key.strip())
    if match and int(match.group(2)) >= 1:
        return match.group(1), int(match.group(2))
    return key.strip(), 1


def for_plan(corrections: list[Correction], source: str) -> list[Correction]:
    """The rows that apply to the plan `source`: its own and the every-plan (`*`) ones."""
    return [c for c in corrections if c.plan in (source, EVERY_PLAN)]


# ------------------------------------------------------------------ applying
class Stale(Exception):
    """The row's target is not in this extraction (the text or the rules changed)."""


def _norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").replace(" ", "").strip()


def _find_measure(result: ExtractionResult, key: str) -> Measure:
    number, nth = _split_nth(key)
    found = [m for m in result.measures if _norm(m.no) == _norm(number)]
    if len(found) < nth:
        if not found:
            raise Stale(f"no measure numbered {number!r}")
        raise Stale(f"only {len(found)} measure(s) numbered {number!r}, not #{nth}")
    return found[nth - 1]


def _agency_names(result: ExtractionResult, printed: str) -> set[str]:
    """Every name the plan's agency list gives the agency printed as `printed`."""
    names = {_norm(printed)}
    for agency in result.agencies:
        forms = {_norm(agency.name), _norm(agency.canonical), *(_norm(a) for a in agency.aliases)}
        if _norm(printed) in forms:
            names |= forms
    return names


def _unit_of(result: ExtractionResult, measure: Measure, agency: str) -> Responsibility | None:
    for resp in result.responsibilities:
        if resp.measure_id == measure.id and _norm(agency) in _agency_names(result, resp.agency):
            return resp
    return None


def _span(result: ExtractionResult, needle: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
    """Where `needle` is printed (within start..end), or the empty span at `start`."""
    at = result.text.find(needle, start, len(result.text) if end is None else end) if needle else -1
    return (at, at + len(needle)) if at >= 0 else (start, start)


def _add_unit(result: ExtractionResult, row: Correction) -> tuple[object, str, str]:
    values = row.values()
    measure = _find_measure(result, row.target)
    agency, role = values["agency"], values.get("role", "support")
    if _unit_of(result, measure, agency) is not None:
        raise Stale(f"measure {row.target} already has {agency} (the extractor now finds it)")
    ranks = [r.rank for r in result.responsibilities if r.measure_id == measure.id]
    start, end = _span(result, agency, measure.start, measure.end)
    resp = Responsibility(measure.id, agency, role, max(ranks, default=0) + 1, start, end, rule="correction")
    last = max((i for i, r in enumerate(result.responsibilities) if r.measure_id == measure.id), default=None)
    if last is None:
        later = [i for i, r in enumerate(result.responsibilities)
                 if _measure_order(result, r.measure_id) > _measure_order(result, measure.id)]
        result.responsibilities.insert(later[0] if later else len(result.responsibilities), resp)
    else:
        result.responsibilities.insert(last + 1, resp)
    return resp, "", f"{agency} ({role})"


def _measure_order(result: ExtractionResult, measure_id: str) -> int:
    for i, m in enumerate(result.measures):
        if m.id == measure_id:
            return i
    return len(result.measures)


def _remove_unit(result: ExtractionResult, row: Correction) -> tuple[object, str, str]:
    measure = _find_measure(result, row.target)
    resp = _unit_of(result, measure, row.value)
    if resp is None:
        raise Stale(f"measure {row.target} has no unit {row.value!r}")
    result.responsibilities.remove(resp)
    return measure, f"{resp.agency} ({resp.role})", ""


def _set_role(role: str) -> Callable[[ExtractionResult, Correction], tuple[object, str, str]]:
    def apply(result: ExtractionResult, row: Correction) -> tuple[object, str, str]:
        measure = _find_measure(result, row.target)
        resp = _unit_of(result, measure, row.value)
        if resp is None:
            raise Stale(f"measure {row.target} has no unit {row.value!r}")
        original = f"{resp.agency} ({resp.role})"
        resp.role = role
        return resp, original, f"{resp.agency} ({role})"
    return apply


def _find_target(result: ExtractionResult, key: str) -> Target:
    indicator, year, nth = split_target_key(key)
    found = [t for t in result.targets
             if (_norm(t.indicator) == _norm(indicator) or (t.indicator_id or "") == indicator)
             and (year is None or (t.year is not None and str(t.year) == year))]
    if len(found) < nth:
        where = f"{indicator!r}" + (f" for {year}" if year else "")
        raise Stale(f"no target {where}" + (f" #{nth}" if found else ""))
    return found[nth - 1]


def _shown(value: object) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return "" if value is None else str(value)


def _set_target(result: ExtractionResult, row: Correction) -> tuple[object, str, str]:
    target = _find_target(result, row.target)
    values = row.values()
    before, after = [], []
    for key in ("indicator", "indicator_id", "value", "value_max", "unit", "year", "kind", "comparator"):
        if key not in values:
            continue
        text = values[key]
        if key in ("value", "value_max"):
            new: object = _number(text) if text else None
        elif key == "year":
            new = int(text) if text else None
        else:
            new = text or None
        before.append(f"{key}={_shown(getattr(target, key))}")
        after.append(f"{key}={_shown(new)}")
        setattr(target, key, new)
        if key == "year":
            target.year_inferred = False
    return target, ";".join(before), ";".join(after)


def _merge_agency(result: ExtractionResult, row: Correction) -> tuple[object, str, str]:
    from .result import Agency

    key = _norm(row.target)
    matches = [a for a in result.agencies
               if key in {_norm(a.name), _norm(a.canonical), *(_norm(x) for x in a.aliases)}]
    if not matches:
        printed = [r.agency for r in result.responsibilities if _norm(r.agency) == key] + \
                  [p for p in result.plan.plan_leads if _norm(p) == key]
        if not printed and _norm(result.plan.issuer) != key and \
                not any(_norm(p.post_agency) == key for p in result.people):
            raise Stale(f"no agency {row.target!r} in this plan")
        agency = Agency(name=row.target, canonical=row.target, jurisdiction=result.plan.jurisdiction)
        result.agencies.append(agency)
        matches = [agency]
    originals = []
    for agency in matches:
        originals.append(agency.canonical)
        if agency.canonical != row.value and agency.canonical not in agency.aliases:
            agency.aliases.append(agency.canonical)
        agency.canonical = row.value
    return matches[0], "; ".join(dict.fromkeys(originals)), row.value


def _set_plan_field(result: ExtractionResult, row: Correction) -> tuple[object, str, str]:
    name = row.target
    old = getattr(result.plan, name)
    if name in INT_PLAN_FIELDS:
        new: object = int(row.value) if row.value else None
    elif name in LIST_PLAN_FIELDS:
        new = [x.strip() for x in row.value.split(";") if x.strip()]
    else:
        new = row.value or None
    setattr(result.plan, name, new)
    shown_old = "; ".join(old) if isinstance(old, list) else _shown(old)
    return result.plan, shown_old, row.value


def _add_measure(result: ExtractionResult, row: Correction) -> tuple[object, str, str]:
    values = row.values()
    if any(_norm(m.no) == _norm(row.target) for m in result.measures):
        raise Stale(f"measure {row.target} already exists (the extractor now finds it)")
    title = values["title"]
    body = values.get("body") or title
    start, end = _span(result, body if body in result.text else title)
    if start == end:
        start = end = 0
    section = None
    for s in result.sections:  # innermost heading enclosing the printed text
        if start < end and s.start <= start < s.end:
            section = s
    measure = Measure(id=f"c{row.line}", no=row.target, title=title,
                      section=values.get("section") or (section.marker + section.title if section else None),
                      section_id=section.id if section else None, kind=values.get("kind", "task"),
                      body=body, start=start, end=end)
    place = len(result.measures)
    if start < end:
        place = next((i for i, m in enumerate(result.measures) if m.start > start), place)
    result.measures.insert(place, measure)
    return measure, "", title


def _add_person(result: ExtractionResult, row: Correction) -> tuple[object, str, str]:
    values = row.values()
    if any(_norm(p.name) == _norm(row.target) for p in result.people):
        raise Stale(f"person {row.target} already exists (the extractor now finds them)")
    groups = list(dict.fromkeys(p.group for p in result.people))
    group = values.get("group") or (groups[0] if len(groups) == 1 else None)
    start, end = _span(result, row.target)
    person = Person(name=row.target, role=values["role"], post=values.get("post") or None, group=group,
                    start=start, end=end, post_agency=values.get("post_agency") or None,
                    post_title=values.get("post_title") or None)
    result.people.append(person)
    return person, "", f"{row.target} ({values['role']})"


APPLY: dict[str, Callable[[ExtractionResult, Correction], tuple[object, str, str]]] = {
    "add_unit": _add_unit,
    "remove_unit": _remove_unit,
    "set_lead": _set_role("lead"),
    "unset_lead": _set_role("support"),
    "set_target": _set_target,
    "merge_agency": _merge_agency,
    "set_plan_field": _set_plan_field,
    "add_measure": _add_measure,
    "add_person": _add_person,
}


def apply_corrections(result: ExtractionResult, corrections: list[Correction]) -> list[AppliedCorrection]:
    """Apply the rows whose `plan` is this result's source, in file order, to `result` in place.

    Each row is recorded in `result.corrections` as applied (with the original value and the
    corrected item, `item`: "plan", "measure:<id>", "responsibility:<i>", "target:<i>",
    "person:<i>", "agency:<i>", indexes into the corrected lists) or stale (with the reason).
    RETURNS the stale ones, for the build report.
    """
    touched: list[tuple[AppliedCorrection, object]] = []
    for row in corrections:
        if row.plan not in (result.source, EVERY_PLAN):
            continue
        record = AppliedCorrection(op=row.op, target=row.target, value=row.value, who=row.who,
                                   when=row.when, why=row.why, line=row.line)
        try:
            item, record.original, record.corrected = APPLY[row.op](result, row)
            record.status = "applied"
            touched.append((record, item))
        except Stale as e:
            if row.plan == EVERY_PLAN:
                continue  # most plans do not name the agency: graph/build.py reports a row no plan used
            record.status, record.note = "stale", str(e)
        result.corrections.append(record)
    for record, item in touched:
        record.item = _item_ref(result, item)
    return [c for c in result.corrections if c.status == "stale"]


def _item_ref(result: ExtractionResult, item: object) -> str:
    if item is result.plan:
        return "plan"
    if isinstance(item, Measure):
        return f"measure:{item.id}" if any(m is item for m in result.measures) else ""
    for prefix, items in (("responsibility", result.responsibilities), ("target", result.targets),
                          ("person", result.people), ("agency", result.agencies)):
        for i, candidate in enumerate(items):
            if candidate is item:
                return f"{prefix}:{i}"
    return ""  # the item was removed by a later row


def stale_message(record: AppliedCorrection, file_name: str = DEFAULT_FILE_NAME) -> str:
    """One line for the build report."""
    return (f"stale correction ({file_name} line {record.line}: {record.op} {record.target}"
            f"{' ' + record.value if record.value else ''}): {record.note}; "
            "the text or the rules changed: fix or delete the row")


__all__ = ["APPLY", "COLUMNS", "DEFAULT_FILE_NAME", "EVERY_PLAN", "Correction", "CorrectionsError", "VALUE_KEYS",
           "apply_corrections", "check_row", "for_plan", "load_corrections", "read_corrections",
           "split_target_key", "stale_message"]
