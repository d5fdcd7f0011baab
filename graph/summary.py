"""Per-plan summaries: the rows whole-corpus named queries need, kept by the build beside each plan.

Why: over the whole corpus a named query pays one index lookup per OPTIONAL per row (8-10 µs
each in Oxigraph 0.5), so `responsibilities` took 20 s at 1k plans and minutes at 10k, however it
is written (issue #24). A plan's rows for those queries do not depend on the other plans, so the
build computes them once, when it writes the plan, and stores them beside it:

- **What**: for each query of `SUMMARISED`, the rows that query returns when the store holds
  this plan alone (plus the vocabularies), computed by running the query itself on a small
  in-memory store (so the summary cannot drift from the query text), in document order.
- **Where**: one named graph per plan, `SUMMARY_GRAPH_PREFIX` + the plan graph's last segment,
  holding one node with the plan's sort key (`pksum:key`, its source) and, per query, a
  fingerprint of its text, its encoding and the vocabularies (`pksum:fingerprint`, "name:hash")
  and one literal with
  every row of the plan (`pksum:<query name>`): the listings as a string table with packed
  indexes (`_encode_table`), the aggregates in a compact form (agency IRIs once, packed integer
  counts, labels on a second line read only when needed).
  About 20 quads per plan instead of ~24 lookups per row.
- **When**: graph/build.py's `prepare_documents` appends the summary's N-Quads to the plan's, so
  graph/writer.py writes (or replaces) both in the same transaction. A worker summarises its task's
  plans together (`summaries_nquads`): Oxigraph spends longer planning a query of many OPTIONALs
  than running it on one plan, so the queries whose rows carry the plan's source run once for the
  task and are split by source (same bytes as one plan at a time: tests/graph/test_summary_batch.py).
- **Reading**: `corpus_rows(store, name)` streams the whole-corpus rows from the summaries:
  listings (every query ordered by ?source first, including the per-plan `plans`, `citations`
  and `plan_frameworks`; the last reads registry titles from the frameworks vocabulary graph,
  which the workers' scratch store holds) are the plans' rows in source order
  (`target_comparison` re-sorted by its ORDER BY), `agency_load` and `co_responsibility` add up per-plan counts (measures and assignments belong
  to one plan, so distinct counts add). It returns None when any plan lacks a summary of the
  query's current fingerprint (a store built before summaries, the query file or a vocabulary
  edited since): the caller then runs the full query. queries/__init__.py decides.
- **Corpus tables**: the build also keeps each summarised query's whole-corpus rows as they come
  from the summaries, in chunks (`write_corpus_tables`, CORPUS_GRAPH), and `corpus_rows` reads
  those when current: two quads and the chunks instead of 10k plans' literals, their check and
  their combining. Every write of a plan or summary graph by policykg removes them first or in
  the same transaction; see "corpus tables" below. `policykg analyze` keeps the whole-corpus
  rows of the queries over its graph (`ANALYSED`, no summaries: their full SPARQL run once, or
  for two of them rows made from what analyze holds, graph/analysis_rows.py) as tables of the
  same format there too (`write_analysis_tables`), removed by the same drops and by
  every write of the analysis graph (docs/analysis.md, "Whole-corpus tables"), each with an index
  of the rows a city or a source selects, which answers those (graph/analysis_scope.py).
- **Scoped**: `scoped_rows(store, name, params)` answers a `city` or `source` (`SCOPE_PARAMS`)
  from the summaries of exactly the plans the restriction line would select: candidate plan
  graphs by one index lookup (`?g dcterms:source "x"`; graphs holding a label "x"@zh), kept when
  the summary's `pksum:cities` (the plan's jurisdiction labels, written with it) has the city;
  the rows combined as for the whole corpus, the parameter's column set to its value (the engine
  substitutes the projected variable). `target_comparison`'s `indicator` filters its rows. None
  (full SPARQL) when a candidate plan has no current summary or its city is undecided.
- **framework_reuse** and **plans_by_region** (`ENGINE_ORDERED`) group plans (by framework,
  province and year; by province and level) with COUNT DISTINCT, SAMPLE, MIN/MAX and
  GROUP_CONCAT DISTINCT: each plan keeps its own rows of the query (and its plan node), and the
  whole corpus combines them with plans taken in the order the engine meets them
  (`_engine_plan_order`, the source index's order: ~7 ms at 1k plans), so SAMPLE's first bound
  value and GROUP_CONCAT's order of first appearance come out as the engine's (same rows, same
  strings, tested). A plan whose labels or source hold the separator "; " is left to the SPARQL.
  A city or region runs the SPARQL (~10 ms a city; its plan starts from the city).
- **coverage** is counted per plan in Python (`_coverage_rows`), not by its SPARQL (a measures x
  assignments x cues product, ~40 ms a plan), and sorted by its ORDER BY when read.
- Exactness is a test: tests/graph/test_summary.py and test_summary_scoped.py compare both paths
  on the seeds and a generated corpus (and were run on the dev set and 1k generated plans).
- **Vocabularies**: labels read outside the plan graph (agency types, places, framework registry
  titles, indicators) are those of the build. Every fingerprint covers them too
  (`vocabulary_digest`: the vocabulary files and the places data version), so after a vocabulary
  edit (a new policykg version) the summaries are stale and the full SPARQL answers, and the next
  `policykg build` on the store rewrites the stale summaries of the plans it did not rebuild
  (`refresh_stale_summaries`, ~0.2 CPU-s a plan); tests/graph/test_summary_vocabulary.py.

Limits: a summary is as fresh as its plan's last build, like the plan graph it summarises.
"""
from __future__ import annotations

import array
import base64
import gc
import hashlib
import json
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path

import pyoxigraph as ox

from .rdf import ANALYSIS_GRAPH, ID

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

_QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"


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
    from . import rdf
    from .places import places_graph_stamp

    digest = hashlib.sha256()
    for name, graph in sorted(rdf.VOCABULARY_GRAPHS.items()):
        digest.update(f"{name}\0{graph.value}\0".encode())
        digest.update(Path(rdf.ontology_file(name)).read_bytes())
        digest.update(b"\0")
    digest.update(places_graph_stamp().encode())
    return digest.hexdigest()[:16]


def encode(name: str, rows: list[list[str | None]], plans: list[str] | None = None,
           separable: bool = True) -> str:
    """The text of query `name`'s summary literal for one plan's rows (`plans`: the IRIs of the
    plan graph's `?g pk:plan` nodes, kept with the rows of ENGINE_ORDERED queries; `separable`:
    no label or source of the plan holds GROUP_CONCAT's separator, so plans_by_region's lists
    split back into their values)."""
    if name in ENGINE_ORDERED:
        # one plan node, or null: then the groups cannot be added up here (the SPARQL answers)
        usable = plans is not None and len(plans) == 1 and (separable or name != "plans_by_region")
        return _dumps({"plan": plans[0] if usable else None, "rows": rows})
    if name == "agency_load":
        return _encode_agency_load(rows)
    if name == "co_responsibility":
        return _encode_co_responsibility(rows)
    return _encode_table(rows)


# -- listings: a string table and packed indexes ---------------------------------------------------
# A listing's rows repeat a few strings many times (the plan's source in every row, a measure's
# title in each of its assignments, agency names, types, IRIs): `responsibilities` kept 278 MB of
# JSON at 10k plans, and decoding it (3.6 CPU-s) and reading it from the store (~1.3 CPU-s) was
# most of its whole-corpus time. A plan's table is kept as
#     "<rows>\t<columns>\t<B|H|I>\t<base64 of the row-major indexes, little-endian 8/16/32-bit>\n<strings>"
# where <strings> is the plan's distinct values in order of first appearance joined by U+001F,
# slot 0 standing for unbound (None); when a value holds U+001F itself, <strings> is instead the
# JSON list of the values after slot 0 (it then starts with "[", which a joined table, starting
# with slot 0's empty text, never does). Decoding is a split, a base64 decode and C loops (one
# numpy gather whose `tolist()` builds the rows, or for a small table, whose numpy calls would
# cost more, `map` and `zip` over the indexes): no per-cell Python work (`_decode_table`).

_TABLE_SEPARATOR = "\x1f"
_INDEX_TYPES = {"B": "u1", "H": "<u2", "I": "<u4"}
_INDEX_BYTES = {"B": 1, "H": 2, "I": 4}
# From this many cells a plan's table is decoded with numpy (~10 us a call more, ~15 ns a cell
# less): `plans` and `coverage` (one row a plan) took twice as long with numpy for every plan.
_NUMPY_CELLS = 1000


def _encode_table(rows: list[list[str | None]]) -> str:
    import numpy as np

    if not rows:
        return "0\t0\tH\t\n"
    # slots in order of first appearance, unbound at 0, numbered and looked up in C loops (a
    # Python loop per cell was most of writing the corpus tables: 771k rows x 13 at 10k plans)
    cells = list(chain.from_iterable(rows))
    strings: list = list(dict.fromkeys(chain((None,), cells)))
    slots = dict(zip(strings, range(len(strings))))
    strings[0] = ""
    kind = "B" if len(strings) <= 0x100 else "H" if len(strings) <= 0x10000 else "I"  # the narrowest
    packed = np.fromiter(map(slots.__getitem__, cells), dtype=_INDEX_TYPES[kind], count=len(cells))
    table = (_dumps(strings[1:]) if any(_TABLE_SEPARATOR in value for value in strings)
             else _TABLE_SEPARATOR.join(strings))
    return f"{len(rows)}\t{len(rows[0])}\t{kind}\t{base64.b64encode(packed.tobytes()).decode('ascii')}\n{table}"


def _decode_table(text: str) -> list[list[str | None]]:
    """A plan's rows from `_encode_table`'s text."""
    import numpy as np

    head, _, table = text.partition("\n")
    count, width, kind, packed = head.split("\t")
    if count == "0":
        return []
    if table[:1] == "[":
        strings = [None, *json.loads(table)]
    else:
        strings = table.split(_TABLE_SEPARATOR)
        strings[0] = None
    raw = base64.b64decode(packed)
    count, width = int(count), int(width)
    if count * width < _NUMPY_CELLS:
        indexes = raw if kind == "B" else array.array(kind, raw)
        if kind == "B" or (indexes.itemsize == _INDEX_BYTES[kind] and sys.byteorder == "little"):
            return list(map(list, zip(*[map(strings.__getitem__, indexes)] * width)))
    values = np.empty(len(strings), dtype=object)
    values[:] = strings
    return values[np.frombuffer(raw, dtype=_INDEX_TYPES[kind]).reshape(count, width)].tolist()


# -- writing (in the build's workers) --------------------------------------------------------------

_scratch: ox.Store | None = None
_scratch_plans = 0
_vocabulary_dump: tuple[str, bytes] | None = None   # (vocabulary_digest, the vocabularies' N-Quads)
# Oxigraph's in-memory store keeps every string it has interned after the quads are removed, so a
# scratch store that saw every plan of a worker grew by ~0.9 MB a plan (3.2 GB per worker at 5,000
# plans; ~0.6 MB with the compact graph). A fresh one from the vocabularies' N-Quads every
# SCRATCH_PLANS plans bounds that at ~60 MB: parsed leniently (they were serialised by Oxigraph
# from the vocabulary files, checked when those were loaded), 62 ms instead of the 100 ms of a
# checked `bulk_load`, and not the 1.1 s of building them; ~0.6 ms a plan (2 ms before, at 50).
SCRATCH_PLANS = 100


def _scratch_store(plans: int = 1) -> ox.Store:
    """An in-memory store with the vocabularies (made again when their digest changed or it has
    served SCRATCH_PLANS plans), to which a few plans at a time are added and removed."""
    global _scratch, _scratch_plans, _vocabulary_dump
    digest = vocabulary_digest()
    if _vocabulary_dump is None or _vocabulary_dump[0] != digest:
        from .store import Store

        vocabularies = Store.in_memory()
        vocabularies.ensure_vocabulary()
        _vocabulary_dump, _scratch = (digest, ox.serialize(vocabularies.raw, format=NQ)), None
    if _scratch is None or _scratch_plans >= SCRATCH_PLANS:
        _scratch, _scratch_plans = ox.Store(), 0
        _scratch.load(_vocabulary_dump[1], format=NQ, lenient=True)
    _scratch_plans += plans
    return _scratch


# Planning a query costs Oxigraph more than running it on one plan: responsibilities' 15 OPTIONALs
# take 4.2 ms to plan and 6 ms to run (superlinear in the OPTIONALs: 1.1 ms with 8), and the
# workers' queries spent ~25 of their ~55 ms a plan in planning. The queries whose rows carry the
# plan's `source` run once over a few plans, and their rows are split by source: a plan's rows are
# what the query returns with the plan alone, since its rows read the plan's own graph and the
# vocabularies (the property every whole-corpus read of the summaries rests on, tested on corpora),
# and they keep their order (a plan's rows are a run of the ORDER BY, whose keys after the source
# are the plan's own). The others count or group over the plans they see: they run per plan, on the
# same store restricted to the plan's graph and the vocabularies (SPARQL's dataset: FROM and FROM
# NAMED, as if the store held that plan alone).
SPLIT_BY_SOURCE = LISTINGS + SORTED
PER_PLAN = AGGREGATES + ENGINE_ORDERED


def _rows(store: ox.Store, name: str, dataset: list) -> list[list[str | None]]:
    """Query `name`'s rows over `dataset` only (the vocabularies and one plan's graph)."""
    from policykg.queries import run_query

    return run_query(store, _named(name), use_summary=False, dataset=dataset)[1]


class _NotSplittable(Exception):
    """A row of a batched query names no plan of the batch (or several plans share a source)."""


def plans_rows(store: ox.Store, document_graphs: list[str], sources: list[str]
               ) -> list[dict[str, list[list[str | None]]]]:
    """Every summarised query's rows (query name -> rows) for each plan graph of
    `document_graphs`, all held by `store` beside the vocabularies and no other plan: the
    source-keyed queries run once for them all and are split by source, the others run per plan
    on the plan's dataset. Falls back to one plan at a time (each on its own dataset) when a
    row's source does not name exactly one of the plans (`sources`: each plan's `_plan_source`)."""
    from policykg.queries import run_query

    graphs = [ox.NamedNode(g) for g in document_graphs]
    vocabularies = [g for g in store.named_graphs() if g.value not in set(document_graphs)]
    per_plan = [{} for _ in graphs]
    try:
        if len(set(sources)) != len(sources):
            raise _NotSplittable
        index = {source: i for i, source in enumerate(sources)}
        for name in SPLIT_BY_SOURCE:
            split = [[] for _ in graphs]
            columns, rows_of_all = run_query(store, _named(name), use_summary=False)
            column = columns.index("source")
            for row in rows_of_all:
                where = index.get(row[column])
                if where is None:
                    raise _NotSplittable
                split[where].append(row)
            for rows, table in zip(per_plan, split):
                rows[name] = table
    except _NotSplittable:
        for rows, graph in zip(per_plan, graphs):
            rows.update({name: _rows(store, name, vocabularies + [graph]) for name in SPLIT_BY_SOURCE})
    for rows, graph in zip(per_plan, graphs):
        dataset = vocabularies + [graph]
        rows.update({name: _rows(store, name, dataset) for name in PER_PLAN})
        rows["coverage"] = _coverage_rows(store, graph)
    return per_plan


_loaded: dict = {}


def _named(name: str):
    """The shipped named query `name`, loaded once per process."""
    from policykg.queries import load_query

    if name not in _loaded:
        _loaded[name] = load_query(name)
    return _loaded[name]


def summary_quads(document_graph: str, source: str, rows: dict[str, list[list[str | None]]],
                  cities: list[str] | None = None, plans: list[str] | None = None,
                  separable: bool = True) -> list[ox.Quad]:
    graph = ox.NamedNode(summary_graph(document_graph))
    node = graph
    quads = [ox.Quad(node, SUMMARY_OF, ox.NamedNode(document_graph), graph),
             ox.Quad(node, KEY, ox.Literal(source), graph),
             ox.Quad(node, CITIES, ox.Literal(_dumps(cities)), graph)]
    for name, table in rows.items():
        quads.append(ox.Quad(node, FINGERPRINT, ox.Literal(fingerprint(name)), graph))
        quads.append(ox.Quad(node, rows_predicate(name), ox.Literal(encode(name, table, plans, separable)), graph))
    return quads


def summary_nquads(document_graph: str, nquads: bytes) -> bytes:
    """The summary graph of one plan, as N-Quads, from the plan's own N-Quads (what the writer
    stores in the same transaction)."""
    return summaries_nquads([(document_graph, nquads)])[0]


def summaries_nquads(documents: list[tuple[str, bytes]]) -> list[bytes]:
    """`summary_nquads` of a few plans at once (a worker's chunk), with the same bytes: the
    source-keyed queries are planned and run once for them all (`plans_rows`). The plans'
    N-Quads are ours (graph/rdf.py, or serialised by the store), so they are parsed without
    validating every IRI again (lenient: 4.6 instead of 9.5 ms a plan)."""
    if len({graph for graph, _ in documents}) != len(documents):  # one graph twice: one at a time
        return [out for document in documents for out in summaries_nquads([document])]
    store = _scratch_store(len(documents))
    graphs = [ox.NamedNode(graph) for graph, _ in documents]
    try:
        # one parse for the task's plans (each line names its graph); ~3.6 ms a plan of new plans either way
        store.load(b"".join(nquads for _, nquads in documents), format=NQ, lenient=True)
        sources = [_plan_source(store, graph) for graph in graphs]
        tables = plans_rows(store, [graph for graph, _ in documents], sources)
        out = []
        for graph, source, rows in zip(graphs, sources, tables):
            cities = _plan_cities(store, graph)
            plans = list(dict.fromkeys(term.value for term in _objects(store, graph, PK_PLAN, graph)))
            separable = not any(_SEPARATOR in q.object.value for predicate in (RDFS_LABEL, DC_SOURCE)
                                for q in store.quads_for_pattern(None, predicate, None, graph))
            out.append(ox.serialize(summary_quads(graph.value, source, rows, cities, plans, separable),
                                    format=NQ))
    finally:
        for graph in graphs:
            store.remove_graph(graph)
    return out


_SEPARATOR = "; "  # plans_by_region's GROUP_CONCAT separator


def _plan_source(store: ox.Store, graph: ox.NamedNode) -> str:
    for quad in store.quads_for_pattern(graph, ox.NamedNode("http://purl.org/dc/terms/source"), None, graph):
        return quad.object.value
    return graph.value.removeprefix(DOCUMENT_GRAPH_PREFIX)


_PK = "https://w3id.org/policykg/ns#"
PK_PLAN = ox.NamedNode(_PK + "plan")
PK_JURISDICTION = ox.NamedNode(_PK + "jurisdiction")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DC_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
PK_MEASURE_TYPE, PK_ASSIGNMENT_TYPE = ox.NamedNode(_PK + "Measure"), ox.NamedNode(_PK + "Assignment")
PK_MEASURE, PK_UNCOVERED_CUE = ox.NamedNode(_PK + "measure"), ox.NamedNode(_PK + "uncoveredCue")
ELI_TITLE, PK_PERIOD_END = ox.NamedNode("http://data.europa.eu/eli/ontology#title"), ox.NamedNode(_PK + "periodEnd")


def _objects(store: ox.Store, subject, predicate, graph) -> list:
    return [q.object for q in store.quads_for_pattern(subject, predicate, None, graph)]


def _plan_cities(store: ox.Store, graph: ox.NamedNode, *, plan_node_only: bool = False) -> list[str] | None:
    """The values of the zh labels the path `?plan pk:jurisdiction/rdfs:label` reaches in the plan
    graph (one entry per path match, as the `#[city]` line joins), or None when the graph has not
    exactly one plan node (`?g pk:plan`): then whether a city selects the plan is left to the
    SPARQL. The summaries' queries also join ?plan from other nodes' pk:plan links, so for them
    every pk:plan link and pk:jurisdiction of the graph must be about that node too; the analysis
    queries follow the plan node's path only (`plan_node_only`, graph/analysis_scope.py: 254
    pk:plan links a plan, 1.4 ms, not read)."""
    plans = set(_objects(store, graph, PK_PLAN, graph))
    if len(plans) != 1:
        return None
    if not plan_node_only:
        linked = {q.object for q in store.quads_for_pattern(None, PK_PLAN, None, graph)}
        governed = {q.subject for q in store.quads_for_pattern(None, PK_JURISDICTION, None, graph)}
        if linked != plans or not governed <= plans:
            return None
    (plan,) = plans
    return [label.value for place in _objects(store, plan, PK_JURISDICTION, graph)
            for label in _objects(store, place, RDFS_LABEL, graph)
            if isinstance(label, ox.Literal) and label.language == "zh"]


def _coverage_rows(store: ox.Store, graph: ox.NamedNode | None) -> list[list[str | None]]:
    """queries/coverage.rq's rows for one plan graph, counted here: per plan node of the graph
    (`?g pk:plan ?plan`), distinct measures of the graph (`a pk:Measure`: facts carry no pk:plan
    since issue #24, the graph is the plan's), those no quad
    `?unit pk:measure` points to, distinct assignments, distinct `?g pk:uncoveredCue` values; then
    one row per source x the plan's title x its period end (unbound when missing) x jurisdiction
    label, kept when one reason holds. The SPARQL stays the definition
    (tests/graph/test_summary_scoped.py holds both equal); its per-plan product of measures,
    assignments and cues costs ~40 ms a plan."""
    if graph is None:
        return []
    from policykg.queries import term_text

    typed = {kind: {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, kind, graph)}
             for kind in (PK_MEASURE_TYPE, PK_ASSIGNMENT_TYPE)}
    cues = len(set(_objects(store, graph, PK_UNCOVERED_CUE, graph)))
    sources = [term_text(t) for t in _objects(store, graph, DC_SOURCE, graph)] or [None]
    rows = []
    for plan in dict.fromkeys(_objects(store, graph, PK_PLAN, graph)):
        measures = typed[PK_MEASURE_TYPE]
        bare = sum(1 for m in measures if next(store.quads_for_pattern(None, PK_MEASURE, m, graph), None) is None)
        assignments = len(typed[PK_ASSIGNMENT_TYPE])
        titles = [t.value for t in _objects(store, plan, ELI_TITLE, graph)] or [None]
        ends = [e.value for e in _objects(store, plan, PK_PERIOD_END, graph)] or [None]
        cities = [label.value for place in _objects(store, plan, PK_JURISDICTION, graph)
                  for label in _objects(store, place, RDFS_LABEL, graph)] or [None]
        for source in sources:
            for title in titles:
                for end in ends:
                    reasons = ("no measures; " if not measures else "") + \
                        (f"{bare} measures without units; " if bare and (assignments or cues) else "") + \
                        (f"{cues} lines with cues that produced nothing; " if cues else "") + \
                        ("no period; " if end is None else "")
                    if reasons:
                        rows.extend([source, title, str(len(measures)), str(bare), str(assignments),
                                     str(cues), end, reasons[:-2], plan.value, city] for city in cities)
    return rows


def rebuild_summaries(store: ox.Store, graphs: Iterable[str] | None = None) -> int:
    """(Re)write the summary of every plan graph of `store` (or of `graphs`), one transaction per
    plan: for a store built before summaries existed. RETURNS the number of plans summarised."""
    from .store import _replace_update

    count = 0
    targets = list(graphs) if graphs is not None else document_graphs(store)
    for start in range(0, len(targets), REBUILD_CHUNK):
        chunk = targets[start:start + REBUILD_CHUNK]
        documents = [(g, ox.serialize(store.quads_for_pattern(None, None, None, ox.NamedNode(g)), format=NQ))
                     for g in chunk]
        for document_graph, nquads in zip(chunk, summaries_nquads(documents)):
            quads = list(ox.parse(nquads, format=NQ))
            target = ox.NamedNode(summary_graph(document_graph))
            update, _ = _replace_update({target: quads}, check_graphs=True)
            store.update(update)
            count += 1
    return count


REBUILD_CHUNK = 8  # plans summarised together (`summaries_nquads`), as a build's worker does


def stale_summaries(store: ox.Store) -> list[str]:
    """The plan graphs without a current summary of every summarised query (built before
    summaries, a query text or the vocabularies changed since), in graph order."""
    current: set[str] | None = None
    for name in SUMMARISED:
        stamped = set(_stamped(store, name))
        current = stamped if current is None else current & stamped
    return [graph for graph in document_graphs(store) if summary_graph(graph) not in (current or ())]


def refresh_stale_summaries(store: ox.Store) -> int:
    """Rewrite the summaries of the plans `stale_summaries` finds (graph/build.py, after writing
    the plans it was given: the other plans' summaries then follow a new vocabulary or query text).
    RETURNS the number of plans summarised."""
    stale = stale_summaries(store)
    return rebuild_summaries(store, stale) if stale else 0


# -- reading ---------------------------------------------------------------------------------------


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


def _plan_texts(store: ox.Store, name: str, order: list[str] | None = None) -> Iterator[str]:
    """Each plan's summary literal of query `name`, plans in source order (the keys sorted here,
    as SPARQL orders plain literals: by code point), read one plan at a time, so the first rows
    come before the last plan is read and memory holds one plan's rows. `order`: the summary
    nodes in source order (`_source_order`), when the caller has it."""
    predicate = rows_predicate(name)
    for subject in _source_order(store) if order is None else order:
        node = ox.NamedNode(subject)
        for quad in store.quads_for_pattern(node, predicate, None, node):
            yield quad.object.value


def _plan_texts_scanned(store: ox.Store, name: str, order: list[str] | None = None) -> Iterator[str]:
    """`_plan_texts` for readers that hold every row anyway (aggregates, re-sorted listings):
    one scan of the query's literals (one lookup per plan cost twice as much at 10k plans).
    `order`: the summary nodes in source order (`_source_order`), when the caller has it."""
    texts = {q.subject.value: q.object.value
             for q in store.quads_for_pattern(None, rows_predicate(name), None, None)}
    return (texts[subject] for subject in (_source_order(store) if order is None else order) if subject in texts)


def _source_order(store: ox.Store) -> list[str]:
    """Every summary node, in the order of its plan's sort key (~0.3 CPU-s at 10k plans)."""
    keyed = sorted((q.object.value, q.subject.value) for q in store.quads_for_pattern(None, KEY, None, None))
    return [subject for _, subject in keyed]


def corpus_rows(store: ox.Store, name: str) -> Iterator[list[str | None]] | None:
    """The whole-corpus rows of summarised query `name`: from its corpus table when the store
    holds a current one (`table_rows`), else from the plans' summaries, or None when the
    summaries cannot answer (not a summarised query, or a plan without a current summary)."""
    if name in ANALYSED:  # no summaries: the table or the SPARQL
        return table_rows(store, name)
    if name not in SUMMARISED:
        return None
    rows = table_rows(store, name)
    return rows if rows is not None else summary_rows(store, name)


def summary_rows(store: ox.Store, name: str, *, scanned: bool = False) -> Iterator[list[str | None]] | None:
    """`corpus_rows` from the plans' summaries (what a corpus table keeps), never the table.
    `scanned`: listings' literals read in one scan too (`_plan_texts_scanned`: the same texts in
    the same order, all held before the first row: for a reader that holds every row anyway)."""
    if name not in SUMMARISED or not summaries_complete(store, name):
        return None
    return _rows_from_summaries(store, name, scanned=scanned)


def _rows_from_summaries(store: ox.Store, name: str, *, scanned: bool, order: list[str] | None = None,
                         streamed: bool = False) -> Iterator[list[str | None]] | None:
    """`streamed`: every query's literals read plan by plan (`_plan_texts`), never all held at
    once, aggregates too (`write_corpus_tables`, which writes a chunk at a time: one scan held
    all of a query's literals, 6.4 M characters for `responsibilities` at 1k plans, growing with
    the corpus; the lookups cost ~25 % more CPU than the scan, ~0.1 CPU-s at 500 plans; issue #24)."""
    if name in ENGINE_ORDERED:
        rows = _framework_reuse(store) if name == "framework_reuse" else _plans_by_region(store)
        return None if rows is None else iter(rows)
    if streamed or (name in LISTINGS and not scanned):
        return _combined(name, _plan_texts(store, name, order))
    return _combined(name, _plan_texts_scanned(store, name, order))


def _combined(name: str, texts: Iterable[str]) -> Iterator[list[str | None]]:
    """The rows of query `name` over the plans whose summary texts are `texts`, combined as the
    query does: listed in turn, sorted by its ORDER BY, or counts added up."""
    if name in LISTINGS:
        return _streamed_rows(texts)
    with _collector_paused():  # these hold every row before the first is given
        if name == "coverage":
            return iter(_sorted_coverage(_decode_table(text) for text in texts))
        if name == "target_comparison":
            return iter(_sorted_target_comparison(_decode_table(text) for text in texts))
        if name == "agency_load":
            return iter(_agency_load(texts))
        return iter(_co_responsibility(texts))


# Listing rows are decoded in runs of about this many rows with the collector paused (`_streamed_rows`).
STREAM_CHUNK_ROWS = 20000


def _streamed_rows(texts: Iterable[str]) -> Iterator[list[str | None]]:
    """The rows of the plans' listing `texts`, in turn, decoded a run of plans at a time with
    the collector paused (`_collector_paused`) and given out after. The collector counts new
    row lists and goes over the young ones every 700: decoded one plan at a time (~77 rows),
    a listing of 770k rows set off ~1,100 young and ~7 full collections, the full ones over
    every row its consumer held so far (0.5 of 1.2 CPU-s for 770k rows kept in a list). Paused
    over ~20k rows, each run is gone over once when the collector runs again, and at most one
    run is held here: the listing still streams."""
    texts = iter(texts)
    exhausted = False
    while not exhausted:
        run: list[list[str | None]] = []
        with _collector_paused():
            for text in texts:
                run += _decode_table(text)
                if len(run) >= STREAM_CHUNK_ROWS:
                    break
            else:
                exhausted = True
        yield from run


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while a reader builds every row in memory (and
    enabled again after, if it was): each row is a list, which the collector tracks, so building
    150k-770k of them set off collections that went over all the rows held so far, ~0.9 us a row
    (0.7 of 1.0 CPU-s for 770k rows of 13 cells). Row lists hold strings only: no cycles to find.
    Listings stream (their consumer holds the rows, or not) and are left alone."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def scoped_rows(store: ox.Store, name: str, params: dict[str, str]) -> Iterator[list[str | None]] | None:
    """The rows of summarised query `name` with parameters `params` (values given, non-empty)
    from the summaries of exactly the plans the parameters select, or None when the summaries
    cannot answer (a parameter they do not model, a candidate plan without a current summary,
    a plan whose city the summary cannot decide): the caller then runs the full SPARQL.

    Plans are selected as the restriction lines do, by index lookups: `source` = the plan graphs
    `?g` with `?g dcterms:source "value"`; `city` = the plan graphs holding a label "value"@zh
    (every graph where the `#[city]` path could match), kept when the plan's jurisdiction has
    that label (its summary's `pksum:cities`). The rows are theirs, combined as for the whole
    corpus, with each parameter's column set to its value (the engine substitutes it). (The
    analysis queries, `ANALYSED`, have no summaries: graph/analysis_scope.py `scoped_rows`.)"""
    scope = SCOPE_PARAMS.get(name, ())
    if not params or any(key not in scope for key in params):
        return None
    if name == "target_comparison":
        return _indicator_rows(store, params["indicator"])
    keyed = (_indexed_city_plans(store, name, params["city"]) if set(params) == {"city"} else None)
    if keyed is None:
        keyed = _selected_plans(store, name, params.get("source"), params.get("city"))
    if keyed is None:
        return None
    columns = _param_columns(name)
    fixed = [(columns[key], value) for key, value in params.items()]

    def scoped(rows: Iterable[list[str | None]]) -> Iterator[list[str | None]]:
        for row in rows:
            for column, value in fixed:
                row[column] = value
            yield row

    predicate = rows_predicate(name)

    def texts() -> Iterator[str]:
        for _, subject in keyed:
            node = ox.NamedNode(subject)
            for quad in store.quads_for_pattern(node, predicate, None, node):
                yield quad.object.value

    return scoped(_combined(name, texts()))


def _param_columns(name: str) -> dict[str, int]:
    columns = _named(name).columns
    return {param: columns.index(param) for param in SCOPE_PARAMS[name]}


def _selected_plans(store: ox.Store, name: str | None, source: str | None, city: str | None
                    ) -> list[tuple[str, str]] | None:
    """(sort key, summary node) of the plans `source` and `city` select, in source order; None
    when one of the candidate plans has no current summary of `name` or an undecided city
    (`name` None: any summary with a key will do, `write_city_index`)."""
    candidates: set[str] | None = None
    if source is not None:
        candidates = {q.graph_name.value for q in store.quads_for_pattern(None, DC_SOURCE, ox.Literal(source), None)
                      if q.subject == q.graph_name and q.graph_name.value.startswith(DOCUMENT_GRAPH_PREFIX)}
    if city is not None:
        labelled = {q.graph_name.value
                    for q in store.quads_for_pattern(None, RDFS_LABEL, ox.Literal(city, language="zh"), None)
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
# or "null" where the selection itself answers None (an undecided plan: the SPARQL runs). It is
# used for a query only while that query's table is current (`_table_head`): the table was
# written when every plan had a current summary of the query, and any plan or summary write drops
# the corpus graph, index and all. A city with no entry takes `_selected_plans`.
CORPUS_CITY_PLANS = ox.NamedNode(SUMMARY_NS + "corpusCityPlans")


def _city_node(city: str) -> ox.NamedNode:
    from urllib.parse import quote

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


def _indexed_city_plans(store: ox.Store, name: str, city: str) -> list[tuple[None, str]] | None:
    """`_selected_plans(store, name, None, city)` from the city index when it can answer for
    `name` (its table current, the city indexed and decided), else None."""
    node = _city_node(city)
    recorded = next(store.quads_for_pattern(node, CORPUS_CITY_PLANS, None, CORPUS_GRAPH), None)
    if recorded is None or _table_head(store, name) is None:
        return None
    nodes = json.loads(recorded.object.value)
    return None if nodes is None else [(None, summary) for summary in nodes]


def _indicator_rows(store: ox.Store, indicator: str) -> Iterator[list[str | None]] | None:
    """target_comparison for one indicator: the rows whose notation or zh label is `indicator`
    (the query's FILTER), its `indicator` column set to the value, in the ORDER BY: from the
    corpus table when current (in that order already, so the filtered rows keep it), else from
    the plans' summaries, sorted (a stable sort: the same order either way)."""
    table = table_rows(store, "target_comparison")
    if table is not None:
        chosen = [row for row in table if row[0] == indicator or row[1] == indicator]
    elif not summaries_complete(store, "target_comparison"):
        return None
    else:
        rows = (row for text in _plan_texts_scanned(store, "target_comparison") for row in _decode_table(text)
                if row[0] == indicator or row[1] == indicator)
        chosen = _sorted_target_comparison([list(rows)])
    column = _param_columns("target_comparison")["indicator"]
    for row in chosen:
        row[column] = indicator
    return iter(chosen)


_ENGINE_ORDER_QUERY = "SELECT ?g WHERE { GRAPH ?g { ?g <http://purl.org/dc/terms/source> ?source } }"


def _engine_plan_order(store: ox.Store) -> list[str] | None:
    """The plan graphs in the order the engine meets them in a query that starts from
    `GRAPH ?g { ?g dcterms:source ?source ; pk:plan ?plan }` (framework_reuse.rq's plan: the
    source index's order, by Oxigraph's encoding of the source literal, not the text), found
    by evaluating that pattern (~7 ms at 1k plans). None when a graph has several sources (its
    rows would not come together). tests/graph/test_summary.py holds the whole rows equal."""
    graphs = [solution[0].value for solution in store.query(_ENGINE_ORDER_QUERY)]
    return graphs if len(set(graphs)) == len(graphs) else None


def _engine_ordered_tables(store: ox.Store, name: str) -> list[list[list[str | None]]] | None:
    """Each plan's own rows of ENGINE_ORDERED query `name`, plans in the engine's order; None (the
    SPARQL answers) when that order is unknown, a plan has no summary of `name`, or a plan graph
    has not exactly one plan node or shares it with another graph (its counts would not add)."""
    order = _engine_plan_order(store)
    if order is None:
        return None
    texts = {q.subject.value: q.object.value
             for q in store.quads_for_pattern(None, rows_predicate(name), None, None)}
    tables = []
    plans_seen: set[str] = set()
    for document_graph in order:
        text = texts.get(summary_graph(document_graph))
        if text is None:
            return None
        plan = json.loads(text)
        if plan["plan"] is None or plan["plan"] in plans_seen:
            return None
        plans_seen.add(plan["plan"])
        tables.append(plan["rows"])
    return tables


def _framework_reuse(store: ox.Store) -> list[list[str | None]] | None:
    """queries/framework_reuse.rq over the whole corpus from each plan's own rows of it (grouped
    by framework, province and year already): plans in the engine's order; per group the plans
    and plans applying added up (one plan node per graph, no plan in two graphs, so the distinct
    counts add), the first bound framework title, level and kind (SAMPLE), the plans' sources in
    order of first appearance (GROUP_CONCAT DISTINCT); then its ORDER BY. None (the SPARQL
    answers) when a plan graph has not exactly one plan node or one source."""
    tables = _engine_ordered_tables(store, "framework_reuse")
    if tables is None:
        return None
    # columns: framework 0, framework_level 1, framework_kind 2, province 3, year 4, plans 5,
    #   plans_applying 6, sources 7, framework_iri 8, city 9
    groups: dict[tuple, list] = {}
    for table in tables:
        for row in table:
            key = (row[8], row[3], row[4], row[9])
            group = groups.get(key)
            if group is None:
                groups[key] = [*row[:5], int(row[5]), int(row[6]), {row[7]: None}, *row[8:]]
                continue
            for column in (0, 1, 2):
                if group[column] is None:
                    group[column] = row[column]
            group[5] += int(row[5])
            group[6] += int(row[6])
            group[7][row[7]] = None  # one source per plan graph: its GROUP_CONCAT is that source
    rows = [[*group[:5], str(group[5]), str(group[6]), "; ".join(group[7]), *group[8:]] for group in groups.values()]
    rows.sort(key=lambda row: (-int(row[5]), _text_key(row[0]), _text_key(row[3]), _number_key(row[4])))
    return rows


def _plans_by_region(store: ox.Store) -> list[list[str | None]] | None:
    """queries/plans_by_region.rq over the whole corpus (no region) from each plan's own rows of
    it, plans in the engine's order: per province, code and level the plans added up, the
    jurisdictions, codes and sources in order of first appearance (each plan's lists split at the
    separator, which none of its values holds), MIN of the starts and MAX of the ends (unbound
    when one plan's is, as Oxigraph's MIN/MAX give for an unbound value); then ORDER BY
    ?province_code ?level. None (the SPARQL answers) as for `_framework_reuse`, or for a period
    that is not an integer."""
    tables = _engine_ordered_tables(store, "plans_by_region")
    if tables is None:
        return None
    # columns: province 0, province_code 1, level 2, plans 3, jurisdictions 4, codes 5,
    #   period_start 6, period_end 7, sources 8, region 9
    groups: dict[tuple, list] = {}
    unbound = object()
    for table in tables:
        for row in table:
            try:
                start = unbound if row[6] is None else (int(row[6]), row[6])  # compared as numbers
                end = unbound if row[7] is None else (int(row[7]), row[7])
            except ValueError:
                return None
            key = (row[0], row[1], row[2], row[9])
            group = groups.get(key)
            if group is None:
                groups[key] = [int(row[3]), *({v: None for v in row[c].split(_SEPARATOR)} for c in (4, 5, 8)),
                               start, end]
                continue
            group[0] += int(row[3])
            for lists, column in zip(group[1:4], (4, 5, 8)):
                lists.update(dict.fromkeys(row[column].split(_SEPARATOR)))
            group[4] = unbound if unbound in (group[4], start) else min(group[4], start)
            group[5] = unbound if unbound in (group[5], end) else max(group[5], end)
    rows = []
    for (province, code, level, region), (plans, jurisdictions, codes, start, end, sources) in \
            ((key, (g[0], g[1], g[2], g[4], g[5], g[3])) for key, g in groups.items()):
        rows.append([province, code, level, str(plans), _SEPARATOR.join(jurisdictions), _SEPARATOR.join(codes),
                     None if start is unbound else start[1], None if end is unbound else end[1],
                     _SEPARATOR.join(sources), region])
    rows.sort(key=lambda row: (_text_key(row[1]), _text_key(row[2])))
    return rows


def _sorted_coverage(tables: Iterable[list[list[str | None]]]) -> list[list[str | None]]:
    """ORDER BY DESC(?uncovered_cues) ?source over the plans' rows (plans in source order: stable)."""
    rows = [row for table in tables for row in table]
    rows.sort(key=lambda row: (-int(row[5]), _text_key(row[0])))
    return rows


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


def _ranks(values: Iterable[str | None], key) -> dict:
    """Each distinct value -> its position in ORDER BY order; values the order holds equal (the
    numbers "2025" and "2025.0") share a rank, so their rows stay in the order they came."""
    ranks: dict = {}
    rank, previous = -1, object()
    for value in sorted(set(values), key=key):
        ordered_as = key(value)
        if ordered_as != previous:
            rank, previous = rank + 1, ordered_as
        ranks[value] = rank
    return ranks


def _sorted_target_comparison(tables: Iterable[list[list[str | None]]]) -> list[list[str | None]]:
    """ORDER BY ?indicator_id ?axis ?jurisdiction ?year ?source ?order: each plan's rows are in
    document order already, so a stable sort on the other keys gives the same order. Each key
    column's few distinct values are ranked once and a row's sort key is one integer made of its
    ranks (a tuple of strings per row made the sort most of the cost at 10k plans); the ranks
    are looked up and the rows sorted on them (numpy's stable lexsort) without a Python loop."""
    import numpy as np

    rows = list(chain.from_iterable(tables))
    if not rows:
        return rows
    # columns: indicator_id 0, jurisdiction 3, year 5, source 14, axis 17
    keys = []
    for column, sort_key in ((0, _text_key), (17, _text_key), (3, _text_key), (5, _number_key), (14, _text_key)):
        values = list(map(itemgetter(column), rows))
        ranks = _ranks(values, sort_key)
        keys.append(np.fromiter(map(ranks.__getitem__, values), dtype=np.int64, count=len(rows)))
    return _stably_sorted(rows, keys)


# -- the aggregates' compact form ------------------------------------------------------------------
# A plan's rows of `agency_load` / `co_responsibility` are stored as two JSON lines: first the
# numbers (the plan's agency IRIs once, then flat integer counts that point into them), then the
# labels. Adding up reads the first line of every plan and the second only of a plan that brings
# an agency (pair) no earlier plan had, whose labels the corpus row then takes (as the queries'
# SAMPLE(?g) takes them from one plan graph). Encoding keeps exactly what adding up uses: each
# key's counts from its first row in the plan, and its label variants in row order.


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # escapes newlines


def _encode_agency_load(rows: list[list[str | None]]) -> str:
    # columns: agency, agency_en, agency_type, agency_category, jurisdiction, measures_led,
    #   measures_supported, measures, plans, agency_iri, city
    iris: list[str] = []
    counts: list[int] = []
    variants: list[list] = []
    index: dict[str, int] = {}
    for row in rows:
        position = index.get(row[9])
        if position is None:
            position = index[row[9]] = len(iris)
            iris.append(row[9])
            counts += (int(row[5]), int(row[6]), int(row[7]))
            variants.append([])
        if row[:5] not in variants[position]:
            variants[position].append(row[:5])
    return _dumps({"a": iris, "c": counts}) + "\n" + _dumps(variants)


def _encode_co_responsibility(rows: list[list[str | None]]) -> str:
    """Pairs as indices into the plan's agencies; labels per agency when every pair's label
    variants are the product of its two agencies' labels (they come from one plan graph), else
    per pair."""
    # columns: agency_a, agency_b, shared_measures, plans, agency_a_iri, agency_b_iri, city
    iris: list[str] = []
    index: dict[str, int] = {}
    pairs: list[int] = []
    pair_variants: list[list] = []
    pair_index: dict[tuple, int] = {}
    agency_labels: dict[int, list] = {}
    for row in rows:
        a = index.setdefault(row[4], len(index))
        if a == len(iris):
            iris.append(row[4])
        b = index.setdefault(row[5], len(index))
        if b == len(iris):
            iris.append(row[5])
        position = pair_index.get((a, b))
        if position is None:
            position = pair_index[(a, b)] = len(pair_variants)
            pairs += (a, b, int(row[2]))
            pair_variants.append([])
        if [row[0], row[1]] not in pair_variants[position]:
            pair_variants[position].append([row[0], row[1]])
        for agency, label in ((a, row[0]), (b, row[1])):
            known = agency_labels.setdefault(agency, [])
            if label not in known:
                known.append(label)
    labels = [agency_labels[k] for k in range(len(iris))]
    product = all(sorted(map(tuple, variants), key=str) ==
                  sorted(((x, y) for x in labels[pairs[3 * k]] for y in labels[pairs[3 * k + 1]]), key=str)
                  for k, variants in enumerate(pair_variants))
    tail = {"agencies": labels} if product else {"pairs": pair_variants}
    packed_pairs = array.array("i", pairs)  # 32-bit; stored little-endian, read as "<i4"
    if sys.byteorder == "big":
        packed_pairs.byteswap()
    packed = base64.b64encode(packed_pairs.tobytes()).decode("ascii")
    return _dumps({"a": iris, "p": packed}) + "\n" + _dumps(tail)


def _agency_load(texts: Iterable[str]) -> list[list[str | None]]:
    """Per agency: measures led, supported and carried added over plans, plans counted; labels
    (name, English, type, category, jurisdiction) from the first plan that names it. Each plan
    names an agency once, so the counts are summed per agency with numpy over every plan's slots
    (~300k at 10k plans: a Python loop over them was most of the cost)."""
    import numpy as np

    plan_agencies: list[list[str]] = []
    counts: list[list[int]] = []
    tails: list[str] = []
    for text in texts:
        head, _, tail = text.partition("\n")
        numbers = json.loads(head)
        plan_agencies.append(numbers["a"])
        counts.append(numbers["c"])
        tails.append(tail)
    every_slot = list(chain.from_iterable(plan_agencies))
    if not every_slot:
        return []
    agencies = list(dict.fromkeys(every_slot))  # numbered in order of first appearance
    numbers_of = dict(zip(agencies, range(len(agencies))))
    number = np.fromiter(map(numbers_of.__getitem__, every_slot), dtype=np.int64, count=len(every_slot))
    per_slot = np.fromiter(chain.from_iterable(counts), dtype=np.int64, count=3 * len(every_slot)).reshape(-1, 3)
    led, supported, measures = (np.bincount(number, weights=per_slot[:, k], minlength=len(agencies)).astype(np.int64)
                                for k in range(3))
    plans = np.bincount(number, minlength=len(agencies))
    _, first_slot = np.unique(number, return_index=True)  # every number 0..n-1 occurs
    plan_of_slot = np.repeat(np.arange(len(plan_agencies)), [len(a) for a in plan_agencies])
    plan_start = np.concatenate(([0], np.cumsum([len(a) for a in plan_agencies])[:-1])).astype(np.int64)
    first_plan = plan_of_slot[first_slot]
    decoded: dict[int, list] = {}
    rows = []
    keys: list[list[int]] = [[], []]
    for iri, plan, position, led_, supported_, measures_, plans_ in zip(
            agencies, first_plan.tolist(), (first_slot - plan_start[first_plan]).tolist(), led.tolist(),
            supported.tolist(), measures.tolist(), plans.tolist()):
        variants = decoded.get(plan)
        if variants is None:
            variants = decoded[plan] = json.loads(tails[plan])
        for variant in variants[position]:
            rows.append([*variant, str(led_), str(supported_), str(measures_), str(plans_), iri, None])
            keys[0].append(-led_)
            keys[1].append(-measures_)
    # ORDER BY DESC(?measures_led) DESC(?measures) ?agency, ties in the order made here
    return _stably_sorted(rows, [np.array(keys[0], dtype=np.int64), np.array(keys[1], dtype=np.int64),
                                 _rank_column(rows, 0)])


def _co_responsibility(texts: Iterable[str]) -> list[list[str | None]]:
    """Per agency pair: shared measures added over plans, plans counted; labels from the first
    plan that has the pair. ~1.1 M per-plan pair rows at 10k plans: a Python loop over them took
    2-3 CPU-s, so the plans' packed (agency, agency, count) arrays are added up with numpy
    (installed with spaCy): agencies numbered over the corpus, pairs keyed by the two numbers."""
    import numpy as np

    plan_agencies: list[list[str]] = []   # each plan's agency IRIs, in its own numbering
    starts: list[int] = []         # the plan's first slot
    arrays = []
    tails: list[str] = []
    slot_count = 0
    for text in texts:
        head, _, tail = text.partition("\n")
        numbers = json.loads(head)
        starts.append(slot_count)
        plan_agencies.append(numbers["a"])
        slot_count += len(numbers["a"])
        arrays.append(np.frombuffer(base64.b64decode(numbers["p"]), dtype="<i4"))
        tails.append(tail)
    if not arrays or not sum(len(a) for a in arrays):
        return []
    # agencies numbered over the corpus in order of first appearance, without a loop per slot
    every_slot = list(chain.from_iterable(plan_agencies))
    agencies = list(dict.fromkeys(every_slot))
    numbers_of = dict(zip(agencies, range(len(agencies))))
    slots = list(map(numbers_of.__getitem__, every_slot))  # each slot -> its corpus number
    sizes = np.array([len(a) // 3 for a in arrays], dtype=np.int64)
    flat = np.concatenate(arrays).reshape(-1, 3).astype(np.int64)
    plan_of = np.repeat(np.arange(len(arrays)), sizes)
    first_row = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    slot_offset = np.repeat(np.array(starts, dtype=np.int64), sizes)
    corpus_number = np.array(slots, dtype=np.int64)
    key = corpus_number[flat[:, 0] + slot_offset] * len(agencies) + corpus_number[flat[:, 1] + slot_offset]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    shared = np.bincount(inverse.ravel(), weights=flat[:, 2]).astype(np.int64)
    plans = np.bincount(inverse.ravel())
    order = np.argsort(first, kind="stable")  # pairs in order of first appearance
    occurrence = first[order]
    plan = plan_of[occurrence]
    columns = (plan, occurrence - first_row[plan], flat[occurrence, 0], flat[occurrence, 1],
               corpus_number[flat[occurrence, 0] + slot_offset[occurrence]],
               corpus_number[flat[occurrence, 1] + slot_offset[occurrence]], shared[order], plans[order])
    decoded: dict[int, dict] = {}
    rows = []
    totals = []
    for plan, position, a, b, number_a, number_b, total, count in zip(*(c.tolist() for c in columns)):
        labels = decoded.get(plan)
        if labels is None:
            labels = decoded[plan] = json.loads(tails[plan])
        iri_a, iri_b, total_text, count_text = agencies[number_a], agencies[number_b], str(total), str(count)
        if "agencies" in labels:
            variants = [(x, y) for x in labels["agencies"][a] for y in labels["agencies"][b]]
        else:
            variants = labels["pairs"][position]
        for label_a, label_b in variants:
            rows.append([label_a, label_b, total_text, count_text, iri_a, iri_b, None])
            totals.append(-total)
    # ORDER BY DESC(?shared_measures) ?agency_a ?agency_b, ties in the order made here
    return _stably_sorted(rows, [np.array(totals, dtype=np.int64), _rank_column(rows, 0), _rank_column(rows, 1)])


def _rank_column(rows: list[list[str | None]], column: int):
    """The ORDER BY rank (unbound first, then by code point) of each row's text in `column`, as a
    numpy array: the few distinct values are sorted once, the rows looked up in C."""
    import numpy as np

    values = list(map(itemgetter(column), rows))
    ranks = _ranks(values, _text_key)
    return np.fromiter(map(ranks.__getitem__, values), dtype=np.int64, count=len(values))


def _stably_sorted(rows: list, keys: list) -> list:
    """`rows` sorted on integer key arrays (the first the most significant), stable."""
    import numpy as np

    if not rows:
        return rows
    return list(map(rows.__getitem__, np.lexsort(keys[::-1]).tolist()))


# -- corpus tables: the whole-corpus rows, kept whole ----------------------------------------------
# Read from the plans' summaries, every whole-corpus query at 10k plans paid ~0.2-0.4 CPU-s to
# check that each plan's summary is current (every named graph and fingerprint listed), ~0.15 to
# read and sort the plans' keys and 0.3-1.4 to read 10k literals, then decoded 10k tables and
# added up or sorted the rows: 1.4-3 CPU-s each on a real 10k store. None of that depends on the
# query being asked again. So the build keeps, per summarised query, the rows `summary_rows`
# gives (the whole-corpus rows, combined and ordered) as they are, in chunks of
# CORPUS_CHUNK_ROWS rows, each chunk an `_encode_table` text (a string table and packed indexes):
#     <CORPUS_GRAPH/name> pksum:corpusFingerprint "<fingerprint(name)>" ;
#                         pksum:corpusChunks "<count> <digest of the chunks>" .
#     <CORPUS_GRAPH/name/digest/i> pksum:corpusRows "<chunk i>" .
# A whole-corpus query then reads two quads and its chunks, one at a time (listings stream: a
# run of at most CORPUS_CHUNK_ROWS rows is held at once, as before).
# - Exact: the rows are those the summaries give (held equal to the full SPARQL by the tests),
#   and the chunks decode to them exactly (tests/graph/test_summary_tables.py).
# - Never stale: the tables read the plan graphs' names, their summaries and their sources, so
#   every write of a plan or summary graph by policykg removes CORPUS_GRAPH in the same update
#   (graph/store.py `_replace_update`, which graph/writer.py's replacements, `Store.replace_graphs`
#   and `rebuild_summaries` use; `Store.remove_document`), or, for new plans written with
#   `Store.load` / `bulk_load` (which can only add quads), in the transaction just before the
#   plans' (graph/writer.py): from then on no reader finds a table, whether the plans' write
#   succeeds, fails or is cut off. The build writes the tables again at its end
#   (`write_corpus_tables`), after its plans and summaries. The store takes one writing process
#   (RocksDB's lock), and within it the build is the only writer while it runs.
# - A table records its query's fingerprint (query text, format, vocabularies): after a query or
#   vocabulary edit it is not read (the summaries, or the SPARQL, answer) until a build writes it.
# - The chunks' IRIs carry a digest of their text, so a reader never mixes the chunks of two
#   tables (a table written again while a listing is read makes the reader fail, not mix).
# Writes outside policykg (a SPARQL update, `oxigraph load`) bypass this as they bypass the plans'
# summaries: a summary is as fresh as its plan's last build, and so is a table.

CORPUS_GRAPH = ox.NamedNode(ID + "summary-corpus")
CORPUS_FINGERPRINT = ox.NamedNode(SUMMARY_NS + "corpusFingerprint")
CORPUS_CHUNKS = ox.NamedNode(SUMMARY_NS + "corpusChunks")
CORPUS_ROWS = ox.NamedNode(SUMMARY_NS + "corpusRows")
CORPUS_CHUNK_ROWS = 50000
# Prepended to (or run just before) every update that writes a plan or summary graph.
DROP_CORPUS_TABLES = f"DROP SILENT GRAPH {CORPUS_GRAPH}"


# The analysis tables (`ANALYSED`) sit in the same graph, so every drop above removes them too;
# `policykg analyze` also removes them alone (DROP_ANALYSIS_TABLES: the summarised queries' tables
# stay), before or in the same transaction as its write of the analysis graph, and writes them
# again once the graph is complete. Each carries, under its IRI and digest (so the same drops
# remove it), the index of the rows a city or a source selects (graph/analysis_scope.py).
ANALYSIS_TABLES_PREFIX = f"{CORPUS_GRAPH.value}/analysis/"
DROP_ANALYSIS_TABLES = (f"DELETE {{ GRAPH {CORPUS_GRAPH} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {CORPUS_GRAPH} "
                        f"{{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), \"{ANALYSIS_TABLES_PREFIX}\")) }} }}")


def invalidates_corpus_tables(graph: str) -> bool:
    """Whether writing named graph `graph` can change a corpus table (a plan or summary graph)."""
    return graph.startswith(DOCUMENT_GRAPH_PREFIX) or graph.startswith(SUMMARY_GRAPH_PREFIX)


def drop_corpus_tables(store: ox.Store) -> None:
    """Remove every corpus table (one transaction; nothing to do when there is none)."""
    if store.contains_named_graph(CORPUS_GRAPH):
        store.update(DROP_CORPUS_TABLES)


def invalidates_analysis_tables(graph: str) -> bool:
    """Whether writing named graph `graph` can change an analysis table (the analysis graph;
    a plan or summary graph drops every corpus table, `invalidates_corpus_tables`)."""
    return graph == ANALYSIS_GRAPH.value


def drop_analysis_tables(store: ox.Store) -> None:
    """Remove the analysis tables only (one transaction; nothing to do when there is none)."""
    if store.contains_named_graph(CORPUS_GRAPH):
        store.update(DROP_ANALYSIS_TABLES)


def _table_path(name: str) -> str:
    return f"{ANALYSIS_TABLES_PREFIX}{name}" if name in ANALYSED else f"{CORPUS_GRAPH.value}/{name}"


def _table_node(name: str) -> ox.NamedNode:
    return ox.NamedNode(_table_path(name))


def _chunk_node(name: str, digest: str, index: int) -> ox.NamedNode:
    return ox.NamedNode(f"{_table_path(name)}/{digest}/{index}")


def _table_head(store: ox.Store, name: str) -> tuple[int, str] | None:
    """(chunk count, digest) of query `name`'s corpus table when the store holds one of the
    query's current fingerprint, else None."""
    node = _table_node(name)
    recorded = next(store.quads_for_pattern(node, CORPUS_FINGERPRINT, None, CORPUS_GRAPH), None)
    if recorded is None or recorded.object.value != fingerprint(name):
        return None
    chunks = next(store.quads_for_pattern(node, CORPUS_CHUNKS, None, CORPUS_GRAPH), None)
    if chunks is None:
        return None
    count, digest = chunks.object.value.split(" ")
    return int(count), digest


def table_rows(store: ox.Store, name: str) -> Iterator[list[str | None]] | None:
    """The whole-corpus rows of query `name` from its corpus table, chunk by chunk, or None when
    the store holds no current table of it."""
    head = _table_head(store, name)
    return None if head is None else _table_chunks(store, name, *head)


def _table_chunks(store: ox.Store, name: str, count: int, digest: str) -> Iterator[list[str | None]]:
    for index in range(count):
        chunk = next(store.quads_for_pattern(_chunk_node(name, digest, index), CORPUS_ROWS, None, CORPUS_GRAPH), None)
        if chunk is None:
            raise RuntimeError(f"the corpus table of {name!r} was removed or written again while it was read")
        with _collector_paused():  # one run of rows at a time, as `_streamed_rows`
            rows = _decode_table(chunk.object.value)
        yield from rows


def corpus_tables_current(store: ox.Store, names: Iterable[str] = SUMMARISED) -> bool:
    return all(_table_head(store, name) is not None for name in names)


def write_corpus_tables(store: ox.Store, names: Iterable[str] = SUMMARISED) -> int:
    """(Re)write the corpus table of each query of `names` the summaries answer (graph/build.py,
    after the plans and their summaries), unless every one is current already: the old tables
    are removed first (one transaction), then each query's table is written chunk by chunk, its
    head last (`_write_table`). RETURNS the number of tables written."""
    names = list(names)
    if corpus_tables_current(store, names):
        return 0
    drop_corpus_tables(store)
    # the plans and their order once, not per query
    documents = {g.removeprefix(DOCUMENT_GRAPH_PREFIX) for g in document_graphs(store)}
    order = _source_order(store)
    written = 0
    for name in names:
        summarised = {node.removeprefix(SUMMARY_GRAPH_PREFIX) for node in _stamped(store, name)}
        rows = (_rows_from_summaries(store, name, scanned=False, order=order, streamed=True)
                if documents and documents == summarised else None)
        if rows is None:
            continue
        _write_table(store, name, rows)
        written += 1
    if written:
        write_city_index(store)
    return written


def _write_table(store: ox.Store, name: str, rows: Iterator[list[str | None]], scope_index=None) -> None:
    """Write query `name`'s corpus table of `rows` (whole-corpus rows in their order): its chunks,
    then its fingerprint, chunk count and digest (the head); with `scope_index` (an analysis
    table's graph/analysis_scope.py `ScopeIndex`, which watches the rows go by) its per-source
    and per-city index too, under the same digest (which covers both), in the head's transaction.

    Memory stays one chunk, whatever the corpus: the encoded chunks wait in a temporary file
    while the digest is computed (their IRIs carry it), then each is written in a transaction
    of its own, and the head last. A reader finds a table only through its head
    (`_table_head`), so it sees the whole table or none; a write that stops half-way leaves
    chunks with no head, never read and removed by the next drop (the whole graph, or every
    analysis table's IRIs)."""
    if scope_index is not None:
        rows = scope_index.watch(rows)
    hashed = hashlib.sha256()
    sizes: list[int] = []
    with tempfile.TemporaryFile(prefix="policykg-table-") as spool:
        while True:
            with _collector_paused():
                chunk = list(islice(rows, CORPUS_CHUNK_ROWS))
            if not chunk:
                break
            data = _encode_table(chunk).encode()
            del chunk
            if sizes:
                hashed.update(b"\0")  # the digest of the chunks joined by NUL, as before
            hashed.update(data)
            spool.write(data)
            sizes.append(len(data))
        entries = scope_index.entries() if scope_index is not None else None
        for entry in entries or ():
            hashed.update("\0".join(["", entry[0], entry[1], entry[2].value, entry[3]]).encode())
        digest = hashed.hexdigest()[:16]
        spool.seek(0)
        for index, size in enumerate(sizes):
            text = spool.read(size).decode()
            quad = ox.Quad(_chunk_node(name, digest, index), CORPUS_ROWS, ox.Literal(text), CORPUS_GRAPH)
            store.load(ox.serialize([quad], format=NQ), format=NQ)
    node = _table_node(name)
    quads = [ox.Quad(node, CORPUS_FINGERPRINT, ox.Literal(fingerprint(name)), CORPUS_GRAPH),
             ox.Quad(node, CORPUS_CHUNKS, ox.Literal(f"{len(sizes)} {digest}"), CORPUS_GRAPH)]
    if entries is not None:
        from .analysis_scope import index_quads

        quads += index_quads(node.value, digest, entries)
    store.load(ox.serialize(quads, format=NQ), format=NQ)


def write_analysis_tables(store: ox.Store, names: Iterable[str] = ANALYSED, *, reuse_links=None,
                          decisions=None) -> int:
    """(Re)write the analysis table of each query of `names` (graph/analysis/analysis_graph.py,
    once the analysis graph is complete): the old analysis tables are removed first (one
    transaction), then each query's rows, in its order, are written chunk by chunk
    (`_write_table`), each with the index of the rows a city or a source selects
    (graph/analysis_scope.py). The rows are its full SPARQL's, run once over the store, except
    when analyze hands on what it has just written to the graph: its reuse links (`reuse_links`,
    text_reuse.ReuseLink) and classifications (`decisions`, measure IRI -> scheme -> Decision) make
    measure_reuse's and instrument_mix's rows with a few lookups (graph/analysis_rows.py: the same
    rows, a fraction of the CPU) unless the graph holds what those do not model.
    RETURNS the number written."""
    from policykg.queries import iter_query

    from .analysis_rows import instrument_mix_rows, measure_reuse_rows
    from .analysis_scope import scope_indexes

    producers = {"measure_reuse": (measure_reuse_rows, reuse_links),
                 "instrument_mix": (instrument_mix_rows, decisions)}
    drop_analysis_tables(store)
    names = list(names)
    indexes = scope_indexes(store, names)
    written = 0
    for name in names:
        produce, computed = producers.get(name, (None, None))
        made = produce(store, computed) if computed is not None else None
        rows = iter(made) if made is not None else iter_query(store, _named(name), use_summary=False)[1]
        _write_table(store, name, rows, indexes.pop(name))
        written += 1
    return written


__all__ = ["ANALYSED", "AGGREGATES", "COMPUTED", "CORPUS_GRAPH", "DROP_CORPUS_TABLES", "ENGINE_ORDERED", "LISTINGS", "SCOPE_PARAMS",
           "SUMMARISED", "SUMMARY_GRAPH_PREFIX", "corpus_rows", "corpus_tables_current", "drop_analysis_tables", "drop_corpus_tables",
           "fingerprint", "invalidates_corpus_tables", "rebuild_summaries", "refresh_stale_summaries", "scoped_rows",
           "stale_summaries", "summaries_complete", "summaries_nquads", "summary_graph", "summary_nquads",
           "summary_rows", "table_rows", "vocabulary_digest", "write_analysis_tables", "write_corpus_tables"]
