"""Per-plan summaries: the rows whole-corpus named queries need, kept by the build beside each plan.
This module says which queries are summarised and how their rows combine, names the summary graph's
terms, and decides when a summary may be read (its fingerprint).

Why: over the whole corpus a named query pays one index lookup per OPTIONAL per row (8-10 µs
each in Oxigraph 0.5), so `responsibilities` took 20 s at 1k plans and minutes at 10k, however it
is written (issue #24). A plan's rows for those queries do not depend on the other plans, so the
build computes them once, when it writes the plan, and stores them beside it:

- **What**: for each query of `SUMMARISED`, the rows that query returns when the store holds
  this plan alone (plus the vocabularies), computed by running the query itself on a small
  in-memory store (so the summary cannot drift from the query text), in document order
  (plan_summaries.py).
- **Where**: one named graph per plan, `SUMMARY_GRAPH_PREFIX` + the plan graph's last segment,
  holding one node with the plan's sort key (`pksum:key`, its source) and, per query, a
  fingerprint of its text, its encoding and the vocabularies (`pksum:fingerprint`, "name:hash")
  and one literal with
  every row of the plan (`pksum:<query name>`): the listings as a string table with packed
  indexes, the aggregates in a compact form (agency IRIs once, packed integer
  counts, labels on a second line read only when needed; table_codec.py).
  About 20 quads per plan instead of ~24 lookups per row.
- **Current**: a query's summaries are read only when every plan has one under the query's
  current fingerprint (`summaries_complete`): a store built before summaries, the query file or a
  vocabulary edited since, and the full query runs instead (queries/__init__.py decides).
- **Vocabularies**: labels read outside the plan graph (agency types, places, framework registry
  titles, indicators) are those of the build. Every fingerprint covers them too
  (`vocabulary_digest`: the vocabulary files and the places data version), so after a vocabulary
  edit (a new policykg version) the summaries are stale and the full SPARQL answers, and the next
  `policykg build` on the store rewrites the stale summaries of the plans it did not rebuild
  (plan_summaries.py `refresh_stale_summaries`, ~0.2 CPU-s a plan); tests/graph/test_summary_vocabulary.py.

Limits: a summary is as fresh as its plan's last build, like the plan graph it summarises.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..rdf import ID


DOCUMENT_GRAPH_PREFIX = ID + "doc/"
SUMMARY_GRAPH_PREFIX = ID + "summary/"
SUMMARY_NS = "https://w3id.org/policykg/ns/summary#"
KEY = ox.NamedNode(SUMMARY_NS + "key")
FINGERPRINT = ox.NamedNode(SUMMARY_NS + "fingerprint")
SUMMARY_OF = ox.NamedNode(SUMMARY_NS + "summaryOf")
NQ = ox.RdfFormat.N_QUADS
# Listings: whole corpus = each plan's rows, plans in source order (the queries order by source first).
LISTINGS = ("citations", "leading_groups", "measures", "people", "places_mentioned", "plan_frameworks",
            "plan_targets_timeline", "plans", "responsibilities", "targets")
# target_comparison: each plan's rows, then sorted again by the query's own ORDER BY.
SORTED = ("target_comparison",)
# Aggregates: per-plan counts added up per agency (pair).
AGGREGATES = ("agency_load", "co_responsibility")
# coverage: each plan's rows (0 or 1 usually) computed here in Python (`_coverage_rows`; the SPARQL
# counts a measures x assignments x cues product per plan: 40 ms a plan), then sorted by its ORDER BY.
COMPUTED = ("coverage",)
# framework_reuse: cross-plan groups (COUNT DISTINCT, SAMPLE, GROUP_CONCAT DISTINCT) combined from
# each plan's own rows of the query, plans taken in the order the engine meets them (`_engine_plan_order`:
# SAMPLE keeps the first bound value, GROUP_CONCAT DISTINCT the order of first appearance). Whole
# corpus only: a city is answered by the SPARQL (its plan starts from the city, ~10 ms).
ENGINE_ORDERED = ("framework_reuse", "plans_by_region")
SUMMARISED = LISTINGS + SORTED + AGGREGATES + COMPUTED + ENGINE_ORDERED
# Bump when the way rows are computed or combined changes: old summaries then stop being used.
FORMAT_VERSION = "2"
# How each query's rows are kept in its literal: "table-1" = the plan's distinct strings once and
# the rows as packed indexes into them (`_encode_table`); the aggregates in a compact form
# (`_encode_agency_load`, `_encode_co_responsibility`); coverage's rows from `_coverage_rows` as a
# table (bump "coverage-py-N" when they change). Part of the query's fingerprint, so a summary
# written in another format is stale, never misread.
ENCODINGS = {**{name: "table-1" for name in LISTINGS + SORTED},
             "agency_load": "agencies-1", "co_responsibility": "pairs-1", "coverage": "coverage-py-3-table-1",
             "framework_reuse": "plan-rows-1", "plans_by_region": "plan-rows-1"}
# The parameters that select plans (queries/*.rq restriction lines `#[source] ?g dcterms:source`,
# `#[city] ?plan pk:jurisdiction/rdfs:label {{city@zh}}`), answered from the selected plans'
# summaries; each such parameter's value is also the value of its column in the rows (pyoxigraph
# substitutes the projected variable). target_comparison's `indicator` filters rows instead.
SCOPE_PARAMS = {name: ("source", "city") for name in LISTINGS + COMPUTED}
SCOPE_PARAMS.update({name: ("city",) for name in AGGREGATES}, target_comparison=("indicator",))
SCOPE_PARAMS.update({name: () for name in ENGINE_ORDERED})
# The queries over `policykg analyze`'s graph whose whole-corpus rows a corpus table keeps
# ("analysis tables", `write_analysis_tables`): no per-plan summary, the rows of the full SPARQL
# computed once at the end of `policykg analyze` (graph/analysis/analysis_graph.py).
ANALYSED = ("instrument_mix", "measure_reuse", "pmc_features", "plan_similarity")
ENCODINGS.update({name: "analysis-table-1" for name in ANALYSED})
# Per plan, the zh labels of its jurisdiction (`pksum:cities`, JSON; null when the plan graph has
# not exactly one plan node that every pk:plan link points to, so a city cannot be decided here).
CITIES = ox.NamedNode(SUMMARY_NS + "cities")


_QUERY_DIR = Path(__file__).resolve().parent.parent.parent / "queries"


def rows_predicate(name: str) -> ox.NamedNode:
    return ox.NamedNode(SUMMARY_NS + name)


def summary_graph(document_graph: str) -> str:
    """The summary graph of a plan graph (`.../id/doc/X` -> `.../id/summary/X`)."""
    return SUMMARY_GRAPH_PREFIX + document_graph.removeprefix(DOCUMENT_GRAPH_PREFIX)


def fingerprint(name: str) -> str:
    """`name:hash` of this module's format, the query's encoding, its text and the vocabularies
    the rows read (`vocabulary_digest`): a query's summaries written under another fingerprint are
    not read (the full query runs instead). One per query, so editing one query's text leaves the
    other queries' summaries in use; a vocabulary edit makes every summary stale."""
    return _fingerprint(name, vocabulary_digest())


@lru_cache(maxsize=None)
def _fingerprint(name: str, vocabulary: str) -> str:
    # once per process and query, as `_named` loads the query's text once: a worker asked this
    # for every plan and query, and each time read and hashed the .rq file again
    digest = hashlib.sha256(f"{FORMAT_VERSION}\0{ENCODINGS[name]}\0{name}\0{vocabulary}\0".encode())
    digest.update((_QUERY_DIR / f"{name}.rq").read_bytes())
    return f"{name}:{digest.hexdigest()[:16]}"


@lru_cache(maxsize=1)
def vocabulary_digest() -> str:
    """A digest of the vocabularies a plan's summary rows read besides the plan's own graph
    (agency types, framework registry titles, indicators, places): the files
    graph/rdf.py's `vocabulary_quads` loads, with their graphs, and the places graph's data
    version (`places_graph_stamp`). They are read when the plan is built, so after a vocabulary
    edit (a new policykg version) the summaries would give old labels where the full SPARQL
    gives the new ones: the digest is part of every fingerprint, so they are not read, and a
    build refreshes them (`refresh_stale_summaries`). Once per process (~0.1 s, the gazetteer)."""
    from .. import rdf
    from ..places import places_graph_stamp

    digest = hashlib.sha256()
    for name, graph in sorted(rdf.VOCABULARY_GRAPHS.items()):
        digest.update(f"{name}\0{graph.value}\0".encode())
        digest.update(Path(rdf.ontology_file(name)).read_bytes())
        digest.update(b"\0")
    digest.update(places_graph_stamp().encode())
    return digest.hexdigest()[:16]


_loaded: dict = {}


def _named(name: str):
    """The shipped named query `name`, loaded once per process."""
    from policykg.queries import load_query

    if name not in _loaded:
        _loaded[name] = load_query(name)
    return _loaded[name]


_SEPARATOR = "; "  # plans_by_region's GROUP_CONCAT separator


def document_graphs(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if g.value.startswith(DOCUMENT_GRAPH_PREFIX))


def summaries_complete(store: ox.Store, name: str | None = None) -> bool:
    """Whether every plan graph has a summary of query `name` (of every summarised query when
    None) under its current fingerprint, and no summary of a plan that is gone exists."""
    documents = {g.removeprefix(DOCUMENT_GRAPH_PREFIX) for g in document_graphs(store)}
    if not documents:
        return False
    for query in (name,) if name is not None else SUMMARISED:
        summarised = {node.removeprefix(SUMMARY_GRAPH_PREFIX) for node in _stamped(store, query)}
        if documents != summarised:
            return False
    return True


def _stamped(store: ox.Store, name: str) -> Iterator[str]:
    """The summary nodes that hold query `name`'s current fingerprint. By SPARQL, not
    `quads_for_pattern`: that decodes every quad's object, the same fingerprint literal 10k times,
    which on a bulk-loaded 10k store cost 0.13 CPU-s for one query's fingerprint and up to 8 for
    another's (by where the literal is stored, apparently); the engine reads the subjects only."""
    query = f"SELECT ?node WHERE {{ GRAPH ?g {{ ?node {FINGERPRINT} {ox.Literal(fingerprint(name))} }} }}"
    return (solution[0].value for solution in store.query(query))


__all__ = ["AGGREGATES", "ANALYSED", "COMPUTED", "DOCUMENT_GRAPH_PREFIX", "ENCODINGS", "ENGINE_ORDERED", "LISTINGS",
           "SCOPE_PARAMS", "SORTED", "SUMMARISED", "SUMMARY_GRAPH_PREFIX", "SUMMARY_NS", "document_graphs", "fingerprint",
           "rows_predicate", "summaries_complete", "summary_graph", "vocabulary_digest"]
