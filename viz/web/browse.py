"""The browsing pages' data: the store at a glance (home), the plans table and the saved-query
list, all as rows for viz/web/tables.py (saved-query results come typed from
`policykg.queries.run_query(..., typed=True)`).

A researcher first asks what the store holds (how many plans, from which provinces, levels and
years) and then picks plans from a table they can facet and sort; each of those answers is one
SPARQL query here, shaped as columns and rows so the same table layer pages and downloads them.
The plans table starts from the named query `plans` (its contract columns, DESIGN.md) and adds
the counts of measures, targets and agencies per plan.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from urllib.parse import urlencode
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from policykg.ontology import PREFIXES

from .i18n import gettext as _
from .tables import (NumberText, Table, TableRequest, render_download, table_view, unknown_params,
                     view_rows)

PK = PREFIXES["pk"]
PLAN_COLUMNS = ["title", "jurisdiction", "province", "level", "year", "period_start", "period_end",
                "issuer", "measures", "targets", "agencies", "city", "source"]
PLAN_FACETS = ["province", "level", "year", "city"]
PROVINCE_LEVEL = "province"

# per plan: distinct measures, targets, and agencies named by its assignments
PLAN_COUNTS = f"""PREFIX pk: <{PK}>
SELECT ?plan ?kind (COUNT(DISTINCT ?item) AS ?n) WHERE {{
  GRAPH ?g {{
    ?g pk:plan ?plan .
    {{ ?item a pk:Measure . BIND("measures" AS ?kind) }}
    UNION {{ ?item a pk:Target . BIND("targets" AS ?kind) }}
    UNION {{ ?assignment a pk:Assignment ; pk:agency ?item .
             BIND("agencies" AS ?kind) }}
  }}
}} GROUP BY ?plan ?kind"""

# the whole store: distinct items of each kind over the document graphs
STORE_COUNTS = f"""PREFIX pk: <{PK}>
SELECT ?kind (COUNT(DISTINCT ?item) AS ?n) WHERE {{
  GRAPH ?g {{
    ?g pk:plan ?plan .
    {{ ?item a pk:Plan . BIND("plans" AS ?kind) }}
    UNION {{ ?item a pk:Agency . BIND("agencies" AS ?kind) }}
    UNION {{ ?item a pk:Measure . BIND("measures" AS ?kind) }}
    UNION {{ ?item a pk:Target . BIND("targets" AS ?kind) }}
  }}
}} GROUP BY ?kind"""


@dataclass
class Overview:
    """The home page's store at a glance. by_*: (value, number of plans), most plans first."""

    counts: dict[str, int]
    by_province: list[tuple[str, int]]
    by_level: list[tuple[str, int]]
    by_year: list[tuple[str, int]]


def plan_rows(raw: ox.Store) -> list[list[Any]]:
    """One row per plan in PLAN_COLUMNS order. year: the year the plan was issued, else the first
    year it covers; city: the jurisdiction of a plan below the province level."""
    from policykg.queries import run_query

    columns, rows = run_query(raw, "plans", {}, typed=True)
    counts: dict[str, dict[str, int]] = {}
    for solution in raw.query(PLAN_COUNTS, use_default_graph_as_union=False):
        plan, kind, n = solution["plan"], solution["kind"], solution["n"]
        if plan is not None and kind is not None and n is not None:
            counts.setdefault(plan.value, {})[kind.value] = int(n.value)
    table = []
    for row in rows:
        plan = dict(zip(columns, row))
        issued = plan.get("issued") or ""
        year = issued[:4] if issued[:4].isdigit() else (plan.get("period_start") or None)
        level = plan.get("level")
        city = plan.get("jurisdiction") if level and level != PROVINCE_LEVEL else None
        numbers = counts.get(plan.get("plan") or "", {})
        record = {**plan, "year": NumberText(str(year), int(year)) if year else None, "city": city,
                  **{kind: NumberText(str(numbers.get(kind, 0)), numbers.get(kind, 0))
                     for kind in ("measures", "targets", "agencies")}}
        table.append([record.get(column) for column in PLAN_COLUMNS])
    return table


def overview(raw: ox.Store, plans: list[list[Any]] | None = None) -> Overview:
    """The store at a glance: counts of plans, agencies, measures and targets, and the plans by
    province, level and year (from `plan_rows`)."""
    counts = {kind: 0 for kind in ("plans", "agencies", "measures", "targets")}
    for solution in raw.query(STORE_COUNTS, use_default_graph_as_union=False):
        if solution["kind"] is not None and solution["n"] is not None:
            counts[solution["kind"].value] = int(solution["n"].value)
    plans = plan_rows(raw) if plans is None else plans
    index = {name: i for i, name in enumerate(PLAN_COLUMNS)}

    def tally(column: str, by_value: bool = False) -> list[tuple[str, int]]:
        counted = Counter(str(row[index[column]]) for row in plans if row[index[column]])
        if by_value:
            return sorted(counted.items(), reverse=True)
        return sorted(counted.items(), key=lambda item: (-item[1], item[0]))

    return Overview(counts, tally("province"), tally("level"), tally("year", by_value=True))


# -- pages ----------------------------------------------------------------------------------------

PLAN_DOWNLOADS = ("csv", "json", "tsv")


def value_label(column: str, value: Any) -> str:
    """A stored data value as the interface names it: the catalog entry `"<column>=<value>"`
    (viz/web/messages/values.json: a plan's `level` province | city | county | district is
    省级 | 市级 | 县级 | 区级 in Chinese), else the value as stored (English, and values without an
    entry). Only the label changes: URLs, filters and downloads keep the stored value."""
    if value is None:
        return ""
    text = str(value)
    key = f"{column}={text}"
    label = _(key)
    return text if label == key else label


def plan_labels() -> dict[str, str]:
    """The plans table's column headers in the request's language."""
    return {"title": _("title"), "jurisdiction": _("jurisdiction"), "province": _("province"),
            "level": _("level"), "year": _("year"), "period_start": _("period start"),
            "period_end": _("period end"), "issuer": _("issuer"), "measures": _("measures"),
            "targets": _("targets"), "agencies": _("agencies"), "city": _("city"),
            "source": _("source file")}


def plans_response(web: Any, request: Any) -> Any:
    """/plans/ and /plans/.<csv|json|tsv>: the plans table as the query string asks (tables.py).
    `web` is the app's WebApp (its store, limits and render)."""
    from starlette.responses import Response

    from policykg.render import MEDIA_TYPES

    from .http import WebError
    from .sparql import call_with_time_limit

    suffix = request.path_params.get("suffix")
    if suffix is not None and suffix not in PLAN_DOWNLOADS:
        raise WebError(404, "Unknown format",
                       f"the plans table downloads as {', '.join('.' + s for s in PLAN_DOWNLOADS)}, "
                       f"not .{suffix}")
    items = list(request.query_params.multi_items())
    unknown = unknown_params(items, PLAN_COLUMNS)
    if unknown:
        raise WebError(400, "Bad parameter",
                       f"the plans table has no parameter {unknown[0]!r}: filter by a column "
                       f"({', '.join(PLAN_COLUMNS)}) or use _sort, _sort_desc, _search, _facet, "
                       "_page, _size")
    rows = call_with_time_limit(lambda: plan_rows(web.store.raw), web.time_limit)
    wanted = TableRequest.from_params(items, PLAN_COLUMNS)
    if suffix is not None:
        data, truncated = render_download(suffix, PLAN_COLUMNS, view_rows(PLAN_COLUMNS, rows, wanted),
                                          max_rows=web.max_rows)
        return Response(data, media_type=MEDIA_TYPES[suffix],
                        headers={"X-PolicyKG-Truncated": "true" if truncated else "false",
                                 "Content-Disposition": f'attachment; filename="plans.{suffix}"'})
    table = table_view(PLAN_COLUMNS, rows, items, path="/plans/", request=wanted, facets=PLAN_FACETS,
                       downloads={fmt: f"/plans/.{fmt}" for fmt in PLAN_DOWNLOADS})
    return web.render("plans.html", table=table, labels=plan_labels())


def answer_table(answer: Any, items: Sequence[tuple[str, str]]) -> Table | None:
    """The SPARQL editor's result (viz/web/sparql.py: Answer) as a table on `/` (None for ASK)."""
    if answer.kind == "ask":
        return None
    if answer.kind == "graph":
        columns = ["subject", "predicate", "object"]
        rows = [[t.subject, t.predicate, t.object] for t in answer.triples]
    else:
        columns, rows = list(answer.variables), answer.rows
    # `query` is the page's own parameter, even when the query projects a ?query variable
    wanted = TableRequest.from_params(items, columns, reserved=["query"])
    return table_view(columns, rows, items, path="/", request=wanted, truncated=answer.truncated)


QUERY_COLUMNS = ["name", "title", "description", "parameters"]


def queries_table(queries: Sequence[Any], items: Sequence[tuple[str, str]]) -> Table:
    """The saved queries as a table (name, title, description, parameters: `city?` is optional)."""
    rows = [[q.name, q.title, q.description,
             ", ".join(p.name + ("?" if p.optional else "") for p in q.params)] for q in queries]
    return table_view(QUERY_COLUMNS, rows, items, path="/queries/")


def download_paths(path: str, items: Sequence[tuple[str, str]], formats: Sequence[str]) -> dict[str, str]:
    """format -> `path`.format with the non-empty parameters of the page (no paging)."""
    kept = [(k, v) for k, v in items if v != "" and k not in ("_page", "_size", "_facet", "lang")]
    query = "?" + urlencode(kept) if kept else ""
    return {fmt: f"{path}.{fmt}{query}" for fmt in formats}
