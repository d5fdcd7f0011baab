"""Per-plan summaries: the rows whole-corpus named queries need, kept by the build beside each plan.

Why: over the whole corpus a named query pays one index lookup per OPTIONAL per row (8-10 µs
each in Oxigraph 0.5), so `responsibilities` took 20 s at 1k plans and minutes at 10k, however it
is written (issue #24). A plan's rows for those queries do not depend on the other plans, so the
build computes them once, when it writes the plan, and stores them beside it:

- **What**: for each query of `SUMMARISED`, the rows that query returns when the store holds
  this plan alone (plus the vocabularies), computed by running the query itself on a small
  in-memory store (so the summary cannot drift from the query text), in document order.
- **Where**: one named graph per plan, `SUMMARY_GRAPH_PREFIX` + the plan graph's last segment,
  holding one node with the plan's sort key (`pksum:key`, its source), a fingerprint of the
  query texts and this module (`pksum:fingerprint`) and, per query, one JSON literal with every
  row of the plan (`pksum:<query name>`). About 10 quads per plan instead of ~24 lookups per row.
- **When**: graph/build.py's `prepare_document` appends the summary's N-Quads to the plan's, so
  graph/writer.py writes (or replaces) both in the same transaction.
- **Reading**: `corpus_rows(store, name)` streams the whole-corpus rows from the summaries:
  listings are the plans' rows in source order (`target_comparison` re-sorted by its ORDER BY),
  `agency_load` and `co_responsibility` add up per-plan counts (measures and assignments belong
  to one plan, so distinct counts add). It returns None when any plan lacks a summary of the
  current fingerprint (a store built before summaries, a query file edited since): the caller
  then runs the full query. queries/__init__.py decides; per-plan and per-city answers always
  run the full query.
- Exactness is a test: tests/graph/test_summary.py compares both paths on the seeds, the dev set
  and a generated corpus.

Limits: a summary is as fresh as its plan's last build; vocabulary labels (agency types, places,
indicators) are read when the plan is built, so after an ontology edit rebuild, or run
`rebuild_summaries` (the fingerprint covers the query texts, not the vocabulary files).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from .rdf import ID

DOCUMENT_GRAPH_PREFIX = ID + "doc/"
SUMMARY_GRAPH_PREFIX = ID + "summary/"
SUMMARY_NS = "https://w3id.org/policykg/ns/summary#"
KEY = ox.NamedNode(SUMMARY_NS + "key")
FINGERPRINT = ox.NamedNode(SUMMARY_NS + "fingerprint")
SUMMARY_OF = ox.NamedNode(SUMMARY_NS + "summaryOf")
NQ = ox.RdfFormat.N_QUADS
# Listings: whole corpus = each plan's rows, plans in source order (the queries order by source first).
LISTINGS = ("leading_groups", "measures", "people", "places_mentioned", "plan_targets_timeline",
            "responsibilities", "targets")
# target_comparison: each plan's rows, then sorted again by the query's own ORDER BY.
SORTED = ("target_comparison",)
# Aggregates: per-plan counts added up per agency (pair).
AGGREGATES = ("agency_load", "co_responsibility")
SUMMARISED = LISTINGS + SORTED + AGGREGATES
# Bump when the way rows are computed or combined changes: old summaries then stop being used.
FORMAT_VERSION = "1"

_QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"


def rows_predicate(name: str) -> ox.NamedNode:
    return ox.NamedNode(SUMMARY_NS + name)


def summary_graph(document_graph: str) -> str:
    """The summary graph of a plan graph (`.../id/doc/X` -> `.../id/summary/X`)."""
    return SUMMARY_GRAPH_PREFIX + document_graph.removeprefix(DOCUMENT_GRAPH_PREFIX)


def fingerprint() -> str:
    """A hash of this module's format and the summarised queries' texts: summaries written under
    another fingerprint are not read (the full query runs instead)."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for name in SUMMARISED:
        digest.update(name.encode() + b"\0" + (_QUERY_DIR / f"{name}.rq").read_bytes())
    return digest.hexdigest()[:16]


# -- writing (in the build's workers) --------------------------------------------------------------

_scratch: ox.Store | None = None


def _scratch_store() -> ox.Store:
    """An in-memory store with the vocabularies (made once per process), to which one plan at a
    time is added and removed."""
    global _scratch
    if _scratch is None:
        from .store import Store

        store = Store.in_memory()
        store.ensure_vocabulary()
        _scratch = store.raw
    return _scratch


def plan_rows(store: ox.Store) -> dict[str, list[list[str | None]]]:
    """Every summarised query's rows over `store` (which holds one plan): query name -> rows."""
    from policykg.queries import load_query, run_query

    for name in SUMMARISED:
        if name not in _loaded:
            _loaded[name] = load_query(name)
    return {name: run_query(store, _loaded[name], {}, use_summary=False)[1] for name in SUMMARISED}


_loaded: dict = {}


def summary_quads(document_graph: str, source: str, rows: dict[str, list[list[str | None]]]) -> list[ox.Quad]:
    graph = ox.NamedNode(summary_graph(document_graph))
    node = graph
    quads = [ox.Quad(node, SUMMARY_OF, ox.NamedNode(document_graph), graph),
             ox.Quad(node, KEY, ox.Literal(source), graph),
             ox.Quad(node, FINGERPRINT, ox.Literal(fingerprint()), graph)]
    for name, table in rows.items():
        text = json.dumps(table, ensure_ascii=False, separators=(",", ":"))
        quads.append(ox.Quad(node, rows_predicate(name), ox.Literal(text), graph))
    return quads


def summary_nquads(document_graph: str, nquads: bytes) -> bytes:
    """The summary graph of one plan, as N-Quads, from the plan's own N-Quads (what the writer
    stores in the same transaction)."""
    store = _scratch_store()
    graph = ox.NamedNode(document_graph)
    store.load(nquads, format=NQ)
    try:
        rows = plan_rows(store)
        source = _plan_source(store, graph)
    finally:
        store.remove_graph(graph)
    return ox.serialize(summary_quads(document_graph, source, rows), format=NQ)


def _plan_source(store: ox.Store, graph: ox.NamedNode) -> str:
    for quad in store.quads_for_pattern(graph, ox.NamedNode("http://purl.org/dc/terms/source"), None, graph):
        return quad.object.value
    return graph.value.removeprefix(DOCUMENT_GRAPH_PREFIX)


def rebuild_summaries(store: ox.Store, graphs: Iterable[str] | None = None) -> int:
    """(Re)write the summary of every plan graph of `store` (or of `graphs`), one transaction per
    plan: for a store built before summaries existed. RETURNS the number of plans summarised."""
    from .store import _replace_update

    count = 0
    targets = list(graphs) if graphs is not None else document_graphs(store)
    for document_graph in targets:
        graph = ox.NamedNode(document_graph)
        nquads = ox.serialize(store.quads_for_pattern(None, None, None, graph), format=NQ)
        quads = list(ox.parse(summary_nquads(document_graph, nquads), format=NQ))
        target = ox.NamedNode(summary_graph(document_graph))
        update, _ = _replace_update({target: quads}, check_graphs=True)
        store.update(update)
        count += 1
    return count


# -- reading ---------------------------------------------------------------------------------------


def document_graphs(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if g.value.startswith(DOCUMENT_GRAPH_PREFIX))


def summaries_complete(store: ox.Store) -> bool:
    """Whether every plan graph has a summary of the current fingerprint (and no other exists)."""
    documents = {g.removeprefix(DOCUMENT_GRAPH_PREFIX) for g in document_graphs(store)}
    current = ox.Literal(fingerprint())
    summarised = {q.subject.value.removeprefix(SUMMARY_GRAPH_PREFIX)
                  for q in store.quads_for_pattern(None, FINGERPRINT, current, None)}
    return bool(documents) and documents == summarised


def _plan_tables(store: ox.Store, name: str) -> Iterator[list[list[str | None]]]:
    """Each plan's rows of query `name`, plans in source order (the keys sorted here, as SPARQL
    orders plain literals: by code point), read and decoded one plan at a time, so the first
    rows come before the last plan is read and memory holds one plan's rows."""
    predicate = rows_predicate(name)
    keyed = sorted((q.object.value, q.subject.value) for q in store.quads_for_pattern(None, KEY, None, None))
    for _, subject in keyed:
        node = ox.NamedNode(subject)
        for quad in store.quads_for_pattern(node, predicate, None, node):
            yield json.loads(quad.object.value)


def corpus_rows(store: ox.Store, name: str) -> Iterator[list[str | None]] | None:
    """The whole-corpus rows of summarised query `name` from the plans' summaries, or None when
    the summaries cannot answer (not a summarised query, or a plan without a current summary)."""
    if name not in SUMMARISED or not summaries_complete(store):
        return None
    tables = _plan_tables(store, name)
    if name in LISTINGS:
        return (row for table in tables for row in table)
    if name == "target_comparison":
        return iter(_sorted_target_comparison(tables))
    if name == "agency_load":
        return iter(_agency_load(tables))
    return iter(_co_responsibility(tables))


# Sorting as SPARQL ORDER BY does for these columns: unbound first, numbers as numbers.
def _text_key(value: str | None) -> tuple:
    return (0, "") if value is None else (1, value)


def _number_key(value: str | None) -> tuple:
    if value is None:
        return (0, 0.0, "")
    try:
        return (1, float(value), "")
    except ValueError:
        return (2, 0.0, value)


def _sorted_target_comparison(tables: Iterable[list[list[str | None]]]) -> list[list[str | None]]:
    """ORDER BY ?indicator_id ?axis ?jurisdiction ?year ?source ?order: each plan's rows are in
    document order already, so a stable sort on the other keys gives the same order."""
    rows = [row for table in tables for row in table]
    # columns: indicator_id 0, jurisdiction 3, year 5, source 14, axis 17
    rows.sort(key=lambda r: (_text_key(r[0]), _text_key(r[17]), _text_key(r[3]), _number_key(r[5]),
                             _text_key(r[14])))
    return rows


def _add_up(tables: Iterable[list[list[str | None]]], key_of, counts_of, labels_of
            ) -> tuple[dict, dict]:
    """Counts added per key over plans (a plan's label variants of one key count once), with the
    number of plans; label variants kept from the first plan that has the key (the full queries
    take them from one plan graph, SAMPLE(?g)). RETURNS key -> [counts, plans] and
    key -> (labelling plan, {variant: None})."""
    totals: dict = {}
    labels: dict = {}
    for plan, table in enumerate(tables):
        counted: set = set()
        for row in table:
            key = key_of(row)
            if key not in counted:
                counted.add(key)
                entry = totals.get(key)
                if entry is None:
                    entry = totals[key] = [[0] * len(counts_of(row)), 0]
                entry[0] = [a + b for a, b in zip(entry[0], counts_of(row))]
                entry[1] += 1
            labelling_plan, variants = labels.setdefault(key, (plan, {}))
            if labelling_plan == plan:
                variants[labels_of(row)] = None
    return totals, labels


def _agency_load(tables: Iterable[list[list[str | None]]]) -> list[list[str | None]]:
    """Per agency: measures led, supported and carried added over plans, plans counted; labels
    (name, English, type, category, jurisdiction) from the first plan that names it."""
    # columns: agency, agency_en, agency_type, agency_category, jurisdiction, measures_led,
    #   measures_supported, measures, plans, agency_iri, city
    totals, labels = _add_up(tables, lambda r: r[9], lambda r: (int(r[5]), int(r[6]), int(r[7])),
                             lambda r: tuple(r[:5]))
    rows = []
    for iri, entry in totals.items():
        led, supported, measures = entry[0]
        for variant in labels[iri][1]:
            rows.append([*variant, str(led), str(supported), str(measures), str(entry[1]), iri, None])
    rows.sort(key=lambda r: (-int(r[5]), -int(r[7]), _text_key(r[0])))
    return rows


def _co_responsibility(tables: Iterable[list[list[str | None]]]) -> list[list[str | None]]:
    """Per agency pair: shared measures added over plans, plans counted; labels from the first plan."""
    # columns: agency_a, agency_b, shared_measures, plans, agency_a_iri, agency_b_iri, city
    totals, labels = _add_up(tables, lambda r: (r[4], r[5]), lambda r: (int(r[2]),), lambda r: (r[0], r[1]))
    rows = []
    for pair, entry in totals.items():
        for a, b in labels[pair][1]:
            rows.append([a, b, str(entry[0][0]), str(entry[1]), pair[0], pair[1], None])
    rows.sort(key=lambda r: (-int(r[2]), _text_key(r[0]), _text_key(r[1])))
    return rows


__all__ = ["AGGREGATES", "LISTINGS", "SUMMARISED", "SUMMARY_GRAPH_PREFIX", "corpus_rows", "fingerprint",
           "rebuild_summaries", "summaries_complete", "summary_graph", "summary_nquads"]
