"""The analysis tables' rows: `write_analysis_tables` keeps the whole-corpus rows of the queries over
`policykg analyze`'s graph (summary_format.py `ANALYSED`: no per-plan summaries) as corpus tables
(corpus_tables.py), each with the index of the rows a city or a source selects (analysis_scope.py).
Their rows are the full SPARQL's, run once, except measure_reuse's and instrument_mix's, made here
from what `policykg analyze` has just written to the analysis graph and still holds (its reuse
links and its classifications), not from the queries' SPARQL over the whole graph.

Why: these two queries' SPARQL was most of that write: 18 and 7.6 of ~30 CPU-s at 1,000
plans, 729 CPU-s for the four at 7,356 (issue #24), a quarter on top of analyze. measure_reuse's
rows are one per link; instrument_mix's count a plan's classifications per concept. The links'
and classifications' side of each row is what analyze holds in memory (text_reuse.ReuseLink,
keyword_classifier.Decision); the rest, a few facts of each measure, target and instrument, is
looked up here in the store by index (`quads_for_pattern`, ~8 CPU-us each), as the queries'
patterns read them. measure_reuse: 3.5 CPU-s instead of 18 at 1,000 plans.

Same rows, same order, as the SPARQL (queries/measure_reuse.rq, queries/instrument_mix.rq), by
construction and by test (tests/analysis/test_analysis_rows.py, tests/analysis/test_analysis_tables.py
and bench/bench_analysis.py --write-tables, which compares the tables written both ways):
- measure_reuse: a row per link whose measure is `a pk:Measure` in a plan graph `?g` with a
  `dcterms:source` and a `pk:plan` (the query's `GRAPH ?g` group), its cells as the query BINDs
  them: STR of the measure's number and title (that graph), the score and shared characters as
  the graph's literals (`analysis_graph._decimal`, xsd:integer), the quoted texts, `target_kind`
  from the framework item's title (analysis graph), `target_source` the source of the graph that
  holds the target as a pk:Measure, `reused_from` the first of 《framework title》item label /
  "source no title" / the target IRI whose parts are all bound (as COALESCE skips an error);
  ordered by ?source ?order ?span_start DESC(?score) ?measure ?target.
- instrument_mix: per source (as above) and instrument concept of the classifications analyze
  wrote (score MIN_SCORE or more), `measures` the primary ones and `mentioned` all, `share`
  ROUND(1000.0 * measures / the source's primary ones) / 1000.0 as Oxigraph's decimal; a source
  with no primary classification has no row (the query's join drops it); the concept's notation,
  its broader concept's notation and its zh prefLabel from the instruments graph; ordered by
  ?source ?instrument_type DESC(?measures) ?instrument.
- SPARQL's comparisons: plain-literal sources and IRIs by code point, integers and decimals by
  value, unbound first.
Anything whose SPARQL answer this does not model returns None and the SPARQL writes the table: a
measure in two graphs or with two values of a property a row reads (the join would repeat or fan
out rows), a value that is not a literal of the datatype assumed, a quad in the default graph, a
link with an empty quote (no oa:exact is written for it) or from a measure to itself, two links of
one measure and target, a framework item or instrument with two labels, titles or notations, two
rows the ORDER BY ties.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pyoxigraph as ox

from policykg.ontology import PK, SKOS

from ..rdf import (ANALYSIS_GRAPH, D_PART, D_SOURCE, D_TITLE, LABEL, PREF, VOCABULARY_GRAPHS, XSD_INTEGER, XSD_STRING,
                   A)
from .analysis_scope import scope_indexes
from .corpus_tables import _write_table, drop_analysis_tables
from .plan_summaries import ELI_TITLE, PK_MEASURE_TYPE, PK_PLAN, _objects
from .summary_format import ANALYSED, _named

# rdf:type, rdfs:label, the dcterms and xsd terms: graph/rdf.py; pk:plan, pk:Measure, eli:title:
# plan_summaries.py, which reads them from a plan graph too
_FRAMEWORK_ITEM = ox.NamedNode(PK + "FrameworkItem")
_ORDER = ox.NamedNode(PK + "order")
_START = ox.NamedNode(PK + "start")
_MEASURE_NO = ox.NamedNode(PK + "measureNo")


class _Unmodelled(Exception):
    """The graph holds something the rows here do not model: the SPARQL answers."""


def _one(values: list):
    """The one value of an OPTIONAL (None when there is none); two would repeat the row."""
    if len(values) > 1:
        raise _Unmodelled
    return values[0] if values else None


def _text(term) -> str | None:
    """STR() of a bound literal (a language tag or xsd:string is dropped; other datatypes, whose
    lexical form the engine may rewrite, are not modelled); None when unbound."""
    if term is None:
        return None
    if not isinstance(term, ox.Literal) or (term.language is None and term.datatype != XSD_STRING):
        raise _Unmodelled
    return term.value


def _integer(term) -> int | None:
    if term is None:
        return None
    if not isinstance(term, ox.Literal) or term.datatype != XSD_INTEGER:
        raise _Unmodelled
    return int(term.value)


def _nullable(value) -> tuple:
    """SPARQL's ORDER BY puts unbound first."""
    return (0, 0) if value is None else (1, value)


class _Facts:
    """The facts of measures and targets the rows read, each looked up once."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.graphs: dict[str, list] = {}       # measure -> the graphs it is a pk:Measure in
        self.plan_graphs: dict[object, tuple] = {}
        self.measures: dict[str, tuple | None] = {}
        self.targets: dict[str, tuple] = {}

    def measure_graphs(self, iri: str) -> list:
        graphs = self.graphs.get(iri)
        if graphs is None:
            graphs = []
            for quad in self.store.quads_for_pattern(ox.NamedNode(iri), A, PK_MEASURE_TYPE, None):
                if isinstance(quad.graph_name, ox.DefaultGraph):
                    raise _Unmodelled
                graphs.append(quad.graph_name)
            self.graphs[iri] = graphs
        return graphs

    def plan_graph(self, graph) -> tuple[list, list]:
        """(its dcterms:source values, its pk:plan values) of a plan graph, in that graph."""
        found = self.plan_graphs.get(graph)
        if found is None:
            found = self.plan_graphs[graph] = (_objects(self.store, graph, D_SOURCE, graph),
                                               _objects(self.store, graph, PK_PLAN, graph))
        return found

    def source(self, iri: str) -> tuple[str, object] | None:
        """(source, graph) of a measure: the plan graph `?g` it is a pk:Measure in, with the
        graph's `?g dcterms:source ?source ; pk:plan ?plan`; None when no plan graph matches."""
        graphs = self.measure_graphs(iri)
        if not graphs:
            return None
        graph = _one(graphs)
        sources, plans = self.plan_graph(graph)
        if not sources or not plans:
            return None
        source = _one(sources)
        _one(plans)
        if not isinstance(source, ox.Literal) or source.datatype != XSD_STRING:
            raise _Unmodelled
        return source.value, graph

    def measure(self, iri: str) -> tuple | None:
        """(source, order, span start, number, title) of a reusing measure: the query's `GRAPH ?g`
        group; None when no plan graph matches it (the link has no row)."""
        if iri in self.measures:
            return self.measures[iri]
        found = self.source(iri)
        facts = None
        if found is not None:
            source, graph = found
            store, node = self.store, ox.NamedNode(iri)
            facts = (source, _integer(_one(_objects(store, node, _ORDER, graph))),
                     _integer(_one(_objects(store, node, _START, graph))),
                     _text(_one(_objects(store, node, _MEASURE_NO, graph))),
                     _text(_one(_objects(store, node, D_TITLE, graph))))
        self.measures[iri] = facts
        return facts

    def target(self, iri: str) -> tuple:
        """(reused_from, target_kind, target_source) of a link's target: the query's OPTIONALs
        and BINDs."""
        if iri in self.targets:
            return self.targets[iri]
        store, node = self.store, ox.NamedNode(iri)
        framework_title = item_label = None
        graphs = self.measure_graphs(iri)
        if not graphs and next(store.quads_for_pattern(node, A, _FRAMEWORK_ITEM, ANALYSIS_GRAPH), None):
            labels = _objects(store, node, LABEL, ANALYSIS_GRAPH)
            frameworks = _objects(store, node, D_PART, ANALYSIS_GRAPH)
            if labels and frameworks:
                framework = _one(frameworks)
                titles = [] if isinstance(framework, ox.Literal) else _objects(store, framework, ELI_TITLE,
                                                                                ANALYSIS_GRAPH)
                if titles:  # the group OPTIONAL binds all four or none
                    item_label, framework_title = _text(_one(labels)), _text(_one(titles))
        elif graphs and next(store.quads_for_pattern(node, A, _FRAMEWORK_ITEM, None), None):
            raise _Unmodelled  # a measure and a framework item at once
        graph = _one(graphs)
        target_source = _text(_one(self.plan_graph(graph)[0])) if graph is not None else None
        # any named graph (the query's default graph, their union), never the default graph
        target_no = _text(_one(_objects(store, node, _MEASURE_NO, None, default_graph_error=_Unmodelled)))
        target_title = _text(_one(_objects(store, node, D_TITLE, None, default_graph_error=_Unmodelled)))
        if framework_title is not None:
            reused_from = f"《{framework_title}》{item_label}"
        elif None not in (target_source, target_no, target_title):
            reused_from = f"{target_source} {target_no} {target_title}"
        else:
            reused_from = iri
        kind = "framework" if framework_title else "measure"
        facts = self.targets[iri] = (reused_from, kind, target_source)
        return facts


def measure_reuse_rows(store: ox.Store, links: Iterable) -> list[list[str | None]] | None:
    """The whole-corpus rows of measure_reuse, in its order, for the reuse links `links`
    (text_reuse.ReuseLink) that analyze has just written to the store's analysis graph; None when
    the graph holds something these rows do not model (module docstring): run the SPARQL then."""
    from ..analysis.analysis_graph import _decimal  # the score's lexical form, as written

    facts = _Facts(store)
    keyed = []
    seen: set[tuple[str, str]] = set()
    try:
        for link in links:
            if (not link.source_exact or not link.target_exact or link.source == link.target
                    or (link.source, link.target) in seen):
                raise _Unmodelled
            seen.add((link.source, link.target))
            measure = facts.measure(link.source)
            if measure is None:
                continue
            source, order, start, measure_no, measure_title = measure
            reused_from, kind, target_source = facts.target(link.target)
            score = _decimal(link.score)
            row = [source, measure_no, measure_title, reused_from, score, link.source_exact,
                   link.target_exact, kind, target_source, str(link.shared), link.source, link.target, None]
            keyed.append(((source, _nullable(order), _nullable(start), -Decimal(score), link.source,
                           link.target), row))
    except _Unmodelled:
        return None
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


_INSTRUMENTS_GRAPH = VOCABULARY_GRAPHS["instruments.ttl"]
_NOTATION = ox.NamedNode(SKOS + "notation")
_BROADER = ox.NamedNode(SKOS + "broader")


def _instrument(store: ox.Store, concept: str) -> tuple | None:
    """(instrument_type, instrument, instrument_label) of an instrument concept, as the query's
    instruments-graph group reads them; None when the group has no solution (no row)."""
    node = ox.NamedNode(concept)
    notations = _objects(store, node, _NOTATION, _INSTRUMENTS_GRAPH)
    types = [t for broader in _objects(store, node, _BROADER, _INSTRUMENTS_GRAPH)
             if not isinstance(broader, ox.Literal)
             for t in _objects(store, broader, _NOTATION, _INSTRUMENTS_GRAPH)]
    if not notations or not types:
        return None
    labels = [label for label in _objects(store, node, PREF, _INSTRUMENTS_GRAPH)
              if isinstance(label, ox.Literal) and label.language == "zh"]
    return _text(_one(types)), _text(_one(notations)), _text(_one(labels))


def _share(measures: int, classified: int) -> str:
    """ROUND(1000.0 * measures / classified) / 1000.0 as Oxigraph writes the decimal: SPARQL's
    ROUND takes .5 up, and a decimal has no trailing zeros ("0.25", "1", "0")."""
    with localcontext() as context:
        context.prec = 50
        rounded = (Decimal(1000 * measures) / Decimal(classified)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        text = f"{rounded / 1000:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def instrument_mix_rows(store: ox.Store, decisions: Mapping[str, Mapping[str, list]]) -> list[list[str | None]] | None:
    """The whole-corpus rows of instrument_mix, in its order, for the classifications analyze has
    just written (`decisions`: measure IRI -> scheme -> keyword_classifier.Decision; a decision of
    score MIN_SCORE or more is a pk:Classification node, as analysis_graph writes it); None when
    the graph holds something these rows do not model (module docstring): run the SPARQL then.

    As the query: per plan graph's source and instrument concept, `measures` the primary and
    `mentioned` all classifications of the source's measures, `share` measures over the source's
    primary classifications (a source with none has no rows: the join drops it)."""
    from ..analysis.keyword_classifier import MIN_SCORE

    facts = _Facts(store)
    counts: dict[str, dict[str, list[int]]] = {}   # source -> concept -> [measures, mentioned]
    instruments: dict[str, tuple | None] = {}
    try:
        for measure, by_scheme in decisions.items():
            written = [d for d in by_scheme.get("instrument", ()) if d.score >= MIN_SCORE]
            if not written:
                continue
            if len({d.concept.notation for d in written}) != len(written):
                raise _Unmodelled  # two concepts of one node IRI
            found = facts.source(measure)
            if found is None:
                continue
            per_concept = counts.setdefault(found[0], {})
            for decision in written:
                tally = per_concept.setdefault(decision.concept.iri, [0, 0])
                tally[0] += decision.primary
                tally[1] += 1
        rows = []
        for source in sorted(counts):
            classified = sum(measures for measures, _ in counts[source].values())
            if not classified:
                continue
            keyed = []
            for concept, (measures, mentioned) in counts[source].items():
                if concept not in instruments:
                    instruments[concept] = _instrument(store, concept)
                if instruments[concept] is None:
                    continue
                kind, notation, label = instruments[concept]
                keyed.append(((kind, -measures, notation), [source, kind, notation, label, str(measures),
                                                            _share(measures, classified), str(mentioned), None]))
            keyed.sort(key=lambda pair: pair[0])
            if any(a[0] == b[0] for a, b in zip(keyed, keyed[1:])):
                raise _Unmodelled  # rows the ORDER BY ties: the engine's order
            rows += [row for _, row in keyed]
    except _Unmodelled:
        return None
    return rows


def write_analysis_tables(store: ox.Store, names: Iterable[str] = ANALYSED, *, reuse_links=None,
                          decisions=None) -> int:
    """(Re)write the analysis table of each query of `names` (graph/analysis/analysis_graph.py,
    once the analysis graph is complete): the old analysis tables are removed first (one
    transaction), then each query's rows, in its order, are written chunk by chunk
    (`_write_table`), each with the index of the rows a city or a source selects
    (analysis_scope.py). The rows are its full SPARQL's, run once over the store, except
    when analyze hands on what it has just written to the graph: its reuse links (`reuse_links`,
    text_reuse.ReuseLink) and classifications (`decisions`, measure IRI -> scheme -> Decision) make
    measure_reuse's and instrument_mix's rows with a few lookups (below: the same
    rows, a fraction of the CPU) unless the graph holds what those do not model.
    RETURNS the number written."""
    from policykg.queries import iter_query

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


__all__ = ["instrument_mix_rows", "measure_reuse_rows", "write_analysis_tables"]
