"""Which plans a `source` or a `city` parameter selects, read as the queries' restriction lines
would (`_selected_plans`), or, for a city, from the index the build keeps with the corpus tables
(`write_city_index`, `_indexed_city_plans`). scoped_rows.py then combines those plans' summaries.

- A source: the plan graphs `?g` with `?g dcterms:source "x"` (one index lookup).
- A city: the plan graphs holding a label "x"@zh (every graph where the `#[city]` path could
  match), kept when the summary's `pksum:cities` (the plan's jurisdiction labels, written with
  it, plan_summaries.py `_plan_cities`) has the city. None (the full SPARQL answers) when a
  candidate plan has no current summary or its city is undecided.
"""
from __future__ import annotations

import json
from urllib.parse import quote

import pyoxigraph as ox

from ..rdf import D_SOURCE, LABEL
from .corpus_tables import CORPUS_GRAPH, _table_head
from .summary_format import (CITIES, DOCUMENT_GRAPH_PREFIX, FINGERPRINT, KEY, NQ, SUMMARY_NS, fingerprint,
                             summary_graph)
from .table_codec import _dumps


def _selected_plans(store: ox.Store, name: str | None, source: str | None, city: str | None
                    ) -> list[tuple[str, str]] | None:
    """(sort key, summary node) of the plans `source` and `city` select, in source order; None
    when one of the candidate plans has no current summary of `name` or an undecided city
    (`name` None: any summary with a key will do, `write_city_index`)."""
    candidates: set[str] | None = None
    if source is not None:
        candidates = {q.graph_name.value for q in store.quads_for_pattern(None, D_SOURCE, ox.Literal(source), None)
                      if q.subject == q.graph_name and q.graph_name.value.startswith(DOCUMENT_GRAPH_PREFIX)}
    if city is not None:
        labelled = {q.graph_name.value
                    for q in store.quads_for_pattern(None, LABEL, ox.Literal(city, language="zh"), None)
                    if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(DOCUMENT_GRAPH_PREFIX)}
        candidates = labelled if candidates is None else candidates & labelled
    current = None if name is None else ox.Literal(fingerprint(name))
    keyed = []
    for document_graph in candidates or ():
        node = ox.NamedNode(summary_graph(document_graph))
        if current is not None and next(store.quads_for_pattern(node, FINGERPRINT, current, node), None) is None:
            return None
        if city is not None:
            recorded = next(store.quads_for_pattern(node, CITIES, None, node), None)
            cities = json.loads(recorded.object.value) if recorded is not None else None
            if cities is None or cities.count(city) > 1:
                return None
            if city not in cities:
                continue
        key = next(store.quads_for_pattern(node, KEY, None, node), None)
        if key is None:
            return None
        keyed.append((key.object.value, node.value))
    keyed.sort()
    return keyed


# -- per city, the plans it selects, kept with the corpus tables ------------------------------------
# `_selected_plans` for a city makes three lookups per candidate plan (its fingerprint, cities and
# sort key): on the 10k build, whose store holds ~120 files after the bulk load, each took ~0.45 ms,
# so a city of ~36 plans spent ~50 of its ~55 CPU-ms there and ~1.5 reading the plans' rows
# (`people` and `plans` were past the 50 ms goal). The same selection is made once, for every city
# some plan's summary names (`pksum:cities`), when the corpus tables are written, and kept in the
# corpus graph: `<corpus>/city/<city> pksum:corpusCityPlans "[summary nodes in source order]"`,
# or "null" where the selection itself answers None (an undecided plan: the SPARQL runs, without
# the lookups, which would answer None again: `UNDECIDED`). It is
# used for a query only while that query's table is current (`_table_head`): the table was
# written when every plan had a current summary of the query, and any plan or summary write drops
# the corpus graph, index and all. A city with no entry takes `_selected_plans`.
CORPUS_CITY_PLANS = ox.NamedNode(SUMMARY_NS + "corpusCityPlans")


class _Undecided:
    """The type of `UNDECIDED`."""

    def __repr__(self) -> str:
        return "UNDECIDED"


# `_indexed_city_plans`' answer for a city the index records as null: a plan it would select has a
# city its summary cannot decide, so the SPARQL answers (None means "not indexed": the lookups decide).
UNDECIDED = _Undecided()


def _city_node(city: str) -> ox.NamedNode:
    return ox.NamedNode(f"{CORPUS_GRAPH.value}/city/{quote(city, safe='')}")


def write_city_index(store: ox.Store) -> int:
    """Write the plans each city selects (see above) in one transaction. RETURNS the cities."""
    cities: set[str] = set()
    for quad in store.quads_for_pattern(None, CITIES, None, None):
        if isinstance(quad.graph_name, ox.NamedNode) and quad.subject == quad.graph_name:
            cities.update(json.loads(quad.object.value) or ())
    quads = []
    for city in sorted(cities):
        keyed = _selected_plans(store, None, None, city)
        value = None if keyed is None else [node for _, node in keyed]
        quads.append(ox.Quad(_city_node(city), CORPUS_CITY_PLANS, ox.Literal(_dumps(value)), CORPUS_GRAPH))
    if quads:
        store.load(ox.serialize(quads, format=NQ), format=NQ)
    return len(quads)


def _indexed_city_plans(store: ox.Store, name: str, city: str) -> list[tuple[None, str]] | _Undecided | None:
    """`_selected_plans(store, name, None, city)` from the city index when it can answer for
    `name` (its table current and the city indexed): the plans, or UNDECIDED when the index
    records the city as undecided (`_selected_plans` would answer None: the SPARQL runs); None
    when the index cannot answer (the lookups decide)."""
    node = _city_node(city)
    recorded = next(store.quads_for_pattern(node, CORPUS_CITY_PLANS, None, CORPUS_GRAPH), None)
    if recorded is None or _table_head(store, name) is None:
        return None
    nodes = json.loads(recorded.object.value)
    return UNDECIDED if nodes is None else [(None, summary) for summary in nodes]


__all__ = ["UNDECIDED", "write_city_index"]
