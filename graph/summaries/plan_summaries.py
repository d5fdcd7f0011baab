"""Writing the per-plan summaries (summary_format.py says what they are): in the build's workers,
the rows of every summarised query for a few plans at a time, as N-Quads stored with the plans.

- **When**: graph/build.py's `prepare_documents` appends the summary's N-Quads to the plan's, so
  graph/writer.py writes (or replaces) both in the same transaction. A worker summarises its task's
  plans together (`summaries_nquads`): Oxigraph spends longer planning a query of many OPTIONALs
  than running it on one plan, so the queries whose rows carry the plan's source run once for the
  task and are split by source (same bytes as one plan at a time: tests/graph/test_summary_batch.py).
  They run on a scratch in-memory store holding the vocabularies (`_scratch_store`), made again
  every SCRATCH_PLANS plans.
- **coverage** is counted per plan in Python (`_coverage_rows`), not by its SPARQL (a measures x
  assignments x cues product, ~40 ms a plan).
- Each summary also keeps the plan's jurisdiction labels (`pksum:cities`, `_plan_cities`), which
  decide whether a `city` selects the plan (plan_selection.py).
- A store built before summaries, or whose summaries a query or vocabulary edit made stale, gets
  them (re)written by `rebuild_summaries` / `refresh_stale_summaries` (graph/build.py, after its plans).
"""
from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from policykg.ontology import ELI, PK

from ..rdf import A, D_SOURCE, LABEL
from .summary_format import (AGGREGATES, CITIES, DOCUMENT_GRAPH_PREFIX, ENGINE_ORDERED, FINGERPRINT, KEY, LISTINGS,
                             NQ, SORTED, SUMMARISED, SUMMARY_OF, _SEPARATOR, _named, _stamped, document_graphs,
                             fingerprint, rows_predicate, summary_graph, vocabulary_digest)
from .table_codec import _dumps, encode


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
        from ..store import Store

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
            separable = not any(_SEPARATOR in q.object.value for predicate in (LABEL, D_SOURCE)
                                for q in store.quads_for_pattern(None, predicate, None, graph))
            out.append(ox.serialize(summary_quads(graph.value, source, rows, cities, plans, separable),
                                    format=NQ))
    finally:
        for graph in graphs:
            store.remove_graph(graph)
    return out


def _plan_source(store: ox.Store, graph: ox.NamedNode) -> str:
    for quad in store.quads_for_pattern(graph, D_SOURCE, None, graph):
        return quad.object.value
    return graph.value.removeprefix(DOCUMENT_GRAPH_PREFIX)


# the terms the summaries read from a plan graph (rdf:type, rdfs:label, dcterms:source: graph/rdf.py)
PK_PLAN = ox.NamedNode(PK + "plan")
PK_JURISDICTION = ox.NamedNode(PK + "jurisdiction")
PK_MEASURE_TYPE, PK_ASSIGNMENT_TYPE = ox.NamedNode(PK + "Measure"), ox.NamedNode(PK + "Assignment")
PK_MEASURE, PK_UNCOVERED_CUE = ox.NamedNode(PK + "measure"), ox.NamedNode(PK + "uncoveredCue")
ELI_TITLE, PK_PERIOD_END = ox.NamedNode(ELI + "title"), ox.NamedNode(PK + "periodEnd")


def _objects(store: ox.Store, subject, predicate, graph, *,
             default_graph_error: type[Exception] | None = None) -> list:
    """The objects of (subject, predicate) in `graph`, or in any graph when `graph` is None. One
    index lookup: ~8 CPU-us, where every quad of a node at once (a measure's body among them) is
    ~100. `default_graph_error`: raised when `graph` is None and a match sits in the default graph,
    which the queries' default graph, the union of the named graphs, does not include (for
    analysis_rows.py, whose rows model the named graphs only)."""
    if graph is not None or default_graph_error is None:
        return [q.object for q in store.quads_for_pattern(subject, predicate, None, graph)]
    found = []
    for quad in store.quads_for_pattern(subject, predicate, None, None):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            raise default_graph_error
        found.append(quad.object)
    return found


def _plan_cities(store: ox.Store, graph: ox.NamedNode, *, plan_node_only: bool = False) -> list[str] | None:
    """The values of the zh labels the path `?plan pk:jurisdiction/rdfs:label` reaches in the plan
    graph (one entry per path match, as the `#[city]` line joins), or None when the graph has not
    exactly one plan node (`GRAPH ?g { ?g pk:plan ?plan }`): then whether a city selects the plan is left to the
    SPARQL. The summaries' queries also join ?plan from other nodes' pk:plan links, so for them
    every pk:plan link and pk:jurisdiction of the graph must be about that node too; the analysis
    queries follow the plan node's path only (`plan_node_only`, analysis_scope.py: 254
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
            for label in _objects(store, place, LABEL, graph)
            if isinstance(label, ox.Literal) and label.language == "zh"]


def _coverage_rows(store: ox.Store, graph: ox.NamedNode | None) -> list[list[str | None]]:
    """queries/coverage.rq's rows for one plan graph, counted here: per plan node of the graph
    (`GRAPH ?g { ?g pk:plan ?plan }`), distinct measures of the graph (`a pk:Measure`: facts carry no pk:plan
    since issue #24, the graph is the plan's), those no quad
    `?unit pk:measure` points to, distinct assignments, distinct `?g pk:uncoveredCue` values; then
    one row per source x the plan's title x its period end (unbound when missing) x jurisdiction
    label, kept when one reason holds. The SPARQL stays the definition
    (tests/graph/test_summary_scoped.py holds both equal); its per-plan product of measures,
    assignments and cues costs ~40 ms a plan."""
    if graph is None:
        return []
    from policykg.queries import term_text

    typed = {kind: {q.subject for q in store.quads_for_pattern(None, A, kind, graph)}
             for kind in (PK_MEASURE_TYPE, PK_ASSIGNMENT_TYPE)}
    cues = len(set(_objects(store, graph, PK_UNCOVERED_CUE, graph)))
    sources = [term_text(t) for t in _objects(store, graph, D_SOURCE, graph)] or [None]
    rows = []
    for plan in dict.fromkeys(_objects(store, graph, PK_PLAN, graph)):
        measures = typed[PK_MEASURE_TYPE]
        bare = sum(1 for m in measures if next(store.quads_for_pattern(None, PK_MEASURE, m, graph), None) is None)
        assignments = len(typed[PK_ASSIGNMENT_TYPE])
        titles = [t.value for t in _objects(store, plan, ELI_TITLE, graph)] or [None]
        ends = [e.value for e in _objects(store, plan, PK_PERIOD_END, graph)] or [None]
        cities = [label.value for place in _objects(store, plan, PK_JURISDICTION, graph)
                  for label in _objects(store, place, LABEL, graph)] or [None]
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
    from ..store import _replace_update

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


__all__ = ["plans_rows", "rebuild_summaries", "refresh_stale_summaries", "stale_summaries", "summaries_nquads",
           "summary_nquads", "summary_quads"]
