"""`analyze(store, frameworks)`: text reuse, classification and network analytics over the whole
store, written as one derived named graph `id:graph/analysis`.

Reads what graph/rdf.py wrote (measures, plans, assignments, targets, citations) with SPARQL,
calls this package's text_reuse.py, keyword_classifier.py and metrics.py, and turns their results
into quads.

The write streams (issue #24: one SPARQL update text of the whole graph reached 11.3 GB at 1,000
plans). Everything is computed first, then the quads are generated one result at a time into a
temporary N-Quads file: a failure up to there writes nothing and leaves the previous analysis as
it was. Oxigraph 0.5 replaces a graph atomically only in one transaction, which it holds in memory
(a DROP of 300k quads: 0.5 GB; a MOVE: 1 GB, 42 CPU-s). So when the old and new graphs hold at
most ATOMIC_MAX_QUADS together (the seeds, small corpora) one transaction replaces the graph, as
before; above that the old graph is deleted in chunks and the file bulk-loaded in chunks of
BULK_LOAD_CHUNK quads (one load of the whole file held memory in proportion to it), in bounded memory:
a process killed during those two steps leaves a partial analysis, which the next run replaces.
`AnalysisReport.atomic_write` and the CLI say which was done.
Then, on a local store, the whole-corpus rows of the queries that read this graph
(instrument_mix, measure_reuse, pmc_features, plan_similarity) are computed once by their SPARQL
and kept as corpus tables (graph/summaries/analysis_rows.py `write_analysis_tables`), which their whole-corpus
runs read. The old tables are removed before the graph changes (with it, in the one-transaction
write), so no table outlives the graph it was computed from; a plan write removes them too.
The caps of text_reuse.py and metrics.py (boilerplate shingles, top-k reuse targets, top-k similar
plans, sampled betweenness) are recorded as properties of the graph node `id:graph/analysis`.
Re-running replaces the graph; document graphs are never touched. DOCS: docs/analysis.md
"""
from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad

from policykg.errors import PolicyKGError
from policykg.ontology import DCTERMS, ELI, ID, OA, PK, PROV

from ..plan_stamps import document_stamps
from ..rdf import ANALYSIS_GRAPH, cited_document_iri, iri_segment
from ..store import Store
from ..summaries.analysis_rows import write_analysis_tables
from ..summaries.corpus_tables import drop_analysis_tables
from . import metrics
from .freshness import ANALYSED_VERSION
from .keyword_classifier import MIN_SCORE, Decision, classify, load_scheme, primary
from .metrics import MetricSettings, MetricStats
from .text_reuse import Framework, ReuseLink, ReuseResult, ReuseSettings, Unit, load_frameworks, reuse_links

DEFAULT_FRAMEWORKS = Path("data/frameworks")
ANALYSIS_VERSION = "1"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"

# The responsibility line that closes many measures ("(责任单位:…)", "牵头单位:…"): agency names
# (市场监管局, 金融工作局, 财政局) are not what the measure is about, so texts stop before it.
_RESPONSIBILITY = re.compile(r"[(（]?\s*(?:责任单位|牵头单位|配合单位|责任部门|牵头部门|主要责任单位)\s*[:：]")


@dataclass
class MeasureRecord:
    """One measure as the analysis sees it. `text` is `body` up to its responsibility line, so
    offsets into `text` are offsets into `pk:body`."""

    iri: str
    plan: str
    source: str
    no: str
    title: str
    section: str
    kind: str
    body: str
    issued: str = ""  # eli:date_document, else pk:periodStart: orders plans in time

    @property
    def text(self) -> str:
        match = _RESPONSIBILITY.search(self.body)
        return self.body[:match.start()] if match else self.body


@dataclass
class AnalysisReport:
    """What `analyze` computed (the CLI prints it; `tables` feed `--csv`)."""

    plans: int = 0
    measures: int = 0
    framework_items: int = 0
    reuse_links: int = 0
    framework_links: int = 0
    classified_pillar: int = 0
    classified_instrument: int = 0
    quads: int = 0
    tables: dict[str, tuple[list[str], list[list]]] = field(default_factory=dict)
    reuse: ReuseResult | None = None          # the reuse caps and what they removed
    metrics: MetricStats = field(default_factory=MetricStats)
    metric_settings: MetricSettings = field(default_factory=MetricSettings)
    atomic_write: bool = True  # written in one transaction (else streamed: write_analysis)
    analysis_tables: int = 0  # corpus tables written after the graph (graph/summaries/: ANALYSED)

    def caps(self) -> list[str]:
        """One line per cap: what it kept and what it left out (the CLI prints them)."""
        lines = []
        if self.reuse is not None:
            r, s = self.reuse, self.reuse.settings
            lines.append(f"reuse: kept {len(r.links)} links ({self.framework_links} to framework items, "
                         f"all kept); {r.boilerplate_shingles} boilerplate shingles in > {r.cutoff} "
                         f"plans ignored between measures (cutoff max({s.boilerplate_min_plans}, "
                         f"{s.boilerplate_share:g} x {r.plans} plans)), {r.unindexed_clauses} clauses "
                         f"left with none; top {s.top_k or 'all'} measure targets per measure: "
                         f"{r.measure_links_dropped} of {r.measure_links_found} measure links dropped")
        m, ms = self.metrics, self.metric_settings
        lines.append(f"plan similarity: kept {m.similarity_pairs_kept} of {m.plan_pairs} pairs "
                     f"(each plan's top {ms.similar_plans or 'all'}, similarity >= {ms.min_similarity:g})")
        lines.append("betweenness: exact" if not m.betweenness_samples else
                     f"betweenness: estimated from {m.betweenness_samples} sampled agencies of "
                     f"{m.agencies} (seed {m.betweenness_seed}; exact up to "
                     f"{metrics.BETWEENNESS_EXACT_MAX_NODES})")
        return lines


_MEASURES = f"""
PREFIX pk: <{PK}> PREFIX dcterms: <{DCTERMS}> PREFIX eli: <{ELI}>
SELECT ?measure ?plan ?source ?no ?title ?section ?kind ?body ?issued ?start WHERE {{
  GRAPH ?g {{
    ?g dcterms:source ?source ; pk:plan ?plan .
    ?measure a pk:Measure .
    OPTIONAL {{ ?measure pk:order ?order }}
    OPTIONAL {{ ?measure pk:start ?span_start }}
    OPTIONAL {{ ?measure pk:measureNo ?no }}
    OPTIONAL {{ ?measure dcterms:title ?title }}
    OPTIONAL {{ ?measure pk:sectionLabel ?section }}
    OPTIONAL {{ ?measure pk:measureKind ?kind }}
    OPTIONAL {{ ?measure pk:body ?body }}
    OPTIONAL {{ ?plan eli:date_document ?issued }}
    OPTIONAL {{ ?plan pk:periodStart ?start }}
  }}
}} ORDER BY ?source ?order ?span_start"""


def load_measures(store: Store) -> list[MeasureRecord]:
    rows = store.query(_MEASURES).rows
    return [MeasureRecord(iri=r[0], plan=r[1], source=r[2] or "", no=r[3] or "", title=r[4] or "",
                          section=r[5] or "", kind=r[6] or "", body=r[7] or "",
                          issued=r[8] or r[9] or "")
            for r in rows]


# ------------------------------------------------------------------------------ quads
class _Quads:
    """Collects the quads of one result; `drain` hands them on (the write streams them)."""

    def __init__(self, graph: NamedNode = ANALYSIS_GRAPH) -> None:
        self.graph = graph
        self.pending: list[Quad] = []

    def add(self, s: str, p: str, o) -> None:
        if o is None:
            return
        obj = NamedNode(o) if isinstance(o, str) else o
        self.pending.append(Quad(NamedNode(s), NamedNode(p), obj, self.graph))

    def drain(self) -> list[Quad]:
        quads, self.pending = self.pending, []
        return quads

    def lit(self, s: str, p: str, value, datatype: str | None = None, lang: str | None = None) -> None:
        if value is None or value == "":
            return
        if lang:
            self.add(s, p, Literal(str(value), language=lang))
        elif datatype:
            self.add(s, p, Literal(str(value), datatype=NamedNode(XSD + datatype)))
        else:
            self.add(s, p, Literal(str(value)))

    def evidence(self, fact: str, node: str, start: int, end: int, *, field_name: str | None = None,
                 of: str | None = None) -> None:
        """A light evidence node, the plan graphs' compact form (graph/rdf.py `evidence`, issue
        #24): fact pk:evidence <node>, and on the node oa:start / oa:end and whichever of pk:field
        and pk:textOf the fact does not already say (a classification's text is its pk:measure's,
        so it names the field; a reuse link's side names the node whose text, and the field follows
        from that node's class: `body` of a measure, `text` of a framework item). No selector
        types, no oa:exact (the store holds the text; a reuse side adds its quote, `_reuse_quads`):
        `policykg export --web-annotation` writes the full W3C selectors back
        (graph/export/exporters.py `web_annotation_quads`)."""
        self.add(fact, PK + "evidence", node)
        self.lit(node, OA + "start", start, "integer")
        self.lit(node, OA + "end", end, "integer")
        self.lit(node, PK + "field", field_name)
        self.add(node, PK + "textOf", of)


def _decimal(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"


def framework_iri(framework: Framework) -> str:
    return ID + "framework/" + iri_segment(framework.slug)


def is_framework_iri(iri: str) -> bool:
    return iri.startswith(ID + "framework/")


def framework_item_iri(framework: Framework, no: int) -> str:
    return f"{framework_iri(framework)}/item/{no}"


def _framework_quads(q: _Quads, framework: Framework, source_name: str) -> None:
    node = framework_iri(framework)
    q.add(node, RDF_TYPE, PK + "FrameworkText")
    q.add(node, RDF_TYPE, ELI + "LegalResource")
    q.lit(node, ELI + "title", framework.title, lang="zh")
    q.lit(node, RDFS_LABEL, framework.title, lang="zh")
    q.lit(node, PK + "fileName", source_name)
    q.add(node, PK + "refersTo", cited_document_iri(framework.title).value)
    for item in framework.items:
        item_node = framework_item_iri(framework, item.no)
        q.add(item_node, RDF_TYPE, PK + "FrameworkItem")
        q.add(item_node, DCTERMS + "isPartOf", node)
        q.lit(item_node, PK + "itemNo", item.no, "integer")
        q.lit(item_node, PK + "marker", item.marker)
        q.lit(item_node, DCTERMS + "title", item.title, lang="zh")
        q.lit(item_node, RDFS_LABEL, f"{item.marker}{item.title}", lang="zh")
        q.lit(item_node, PK + "part", item.part, lang="zh")
        q.lit(item_node, PK + "text", item.text, lang="zh")
        q.lit(item_node, PK + "order", item.no, "integer")


def _reuse_quads(q: _Quads, links: list[ReuseLink], reuser: dict[str, tuple[str, Literal | None]]
                 ) -> Iterator[Quad]:
    """reuser: measure IRI -> (file name, jurisdiction label) of its plan, written on the link so
    that measure_reuse narrows by them in the analysis graph."""
    per_source: dict[str, int] = defaultdict(int)
    for link in links:
        per_source[link.source] += 1
        node = f"{link.source}/reuse/{per_source[link.source]}"
        q.add(node, RDF_TYPE, PK + "Reuse")
        q.add(node, PK + "source", link.source)
        source_name, place = reuser.get(link.source, ("", None))
        q.lit(node, PK + "reuserSource", source_name)
        q.add(node, PK + "reuserPlace", place)
        q.add(node, PK + "target", link.target)
        q.lit(node, PK + "score", _decimal(link.score), "decimal")
        q.lit(node, PK + "sharedChars", link.shared, "integer")
        q.lit(node, PK + "longestSpan", link.longest, "integer")
        for side, of, (start, end), exact in (("source", link.source, link.source_span, link.source_exact),
                                              ("target", link.target, link.target_span, link.target_exact)):
            evidence = f"{node}/evidence/{side}"
            q.evidence(node, evidence, start, end, of=of)
            # the quote stays on a reuse side (two quads a link): measure_reuse returns it, and
            # Virtuoso cannot SUBSTR a long stored literal (pk:body: "Incomplete RDF box" per city,
            # "Max row length" once STR'd), so the query reads it rather than cutting the text
            q.lit(evidence, OA + "exact", exact, lang="zh")
        yield from q.drain()


def _classification_quads(q: _Quads, measure: MeasureRecord, scheme: str,
                          decisions: list[Decision]) -> None:
    for decision in decisions:
        if decision.score < MIN_SCORE:  # a lone body keyword is a mention, not a decision
            continue
        concept = decision.concept
        node = f"{measure.iri}/classification/{scheme}/{iri_segment(concept.notation)}"
        q.add(node, RDF_TYPE, PK + "Classification")
        q.add(node, PK + "measure", measure.iri)
        q.add(node, PK + "concept", concept.iri)
        q.lit(node, PK + "scheme", scheme)
        q.lit(node, PK + "score", decision.score, "integer")
        q.lit(node, PK + "primary", "true" if decision.primary else "false", "boolean")
        for n, match in enumerate(decision.matches, 1):
            q.evidence(node, f"{node}/evidence/{n}", match.start, match.end, field_name=match.field)
        if decision.primary:
            q.add(measure.iri, PK + scheme, concept.iri)


def _table_quads(q: _Quads, tables: dict[str, tuple[list[str], list[list]]],
                 plan_of: dict[str, str], places: dict[str, Literal]) -> Iterator[Quad]:
    columns, rows = tables["centrality"]
    for row in rows:
        r = dict(zip(columns, row))
        q.lit(r["agency_iri"], PK + "degreeCentrality", _decimal(r["degree_centrality"]), "decimal")
        q.lit(r["agency_iri"], PK + "betweenness", _decimal(r["betweenness"]), "decimal")
        q.lit(r["agency_iri"], PK + "coAgencies", r["degree"], "integer")
        if r["community"] is not None:
            q.lit(r["agency_iri"], PK + "community", r["community"], "integer")
        yield from q.drain()
    columns, rows = tables["similarity"]
    for row in rows:
        r = dict(zip(columns, row))
        a, b = plan_of[r["source_a"]], plan_of[r["source_b"]]
        node = f"{a}/similarity/{iri_segment(r['source_b'])}"
        q.add(node, RDF_TYPE, PK + "PlanSimilarity")
        q.add(node, PK + "planA", a)
        q.add(node, PK + "planB", b)
        # the file names and cities of both plans, so plan_similarity narrows without the plans' graphs
        q.lit(node, PK + "sourceA", r["source_a"])
        q.lit(node, PK + "sourceB", r["source_b"])
        for predicate, plan in ((PK + "placeA", a), (PK + "placeB", b)):
            if plan in places:
                q.add(node, predicate, places[plan])
        for key in ("agencies", "frameworks", "indicators", "similarity"):
            q.lit(node, PK + f"{key}Jaccard" if key != "similarity" else PK + "similarity",
                  _decimal(r[key]), "decimal")
        q.lit(node, PK + "reuseLinks", r["reuse_links"], "integer")
        yield from q.drain()
    columns, rows = tables["pmc_features"]
    for row in rows:
        r = dict(zip(columns, row))
        plan = plan_of[r["source"]]
        for name in columns[1:]:
            node = f"{plan}/pmc/{iri_segment(name)}"
            q.add(node, RDF_TYPE, PK + "PmcFeature")
            q.add(node, PK + "planOf", plan)
            q.lit(node, PK + "feature", name)
            q.lit(node, PK + "value", "true" if r[name] else "false", "boolean")
        yield from q.drain()


# ------------------------------------------------------------------------------ the run's caps
def _caps_quads(q: _Quads, report: AnalysisReport) -> None:
    """The caps and what they removed, as properties of the graph node (docs/analysis.md)."""
    graph = ANALYSIS_GRAPH.value
    if report.reuse is not None:
        r, s = report.reuse, report.reuse.settings
        q.lit(graph, PK + "reuseBoilerplateShare", _decimal(s.boilerplate_share), "decimal")
        q.lit(graph, PK + "reuseBoilerplateMinPlans", s.boilerplate_min_plans, "integer")
        q.lit(graph, PK + "reuseBoilerplateCutoff", r.cutoff, "integer")
        q.lit(graph, PK + "reuseBoilerplateShingles", r.boilerplate_shingles, "integer")
        q.lit(graph, PK + "reuseTopK", s.top_k, "integer")
        q.lit(graph, PK + "reuseLinksDropped", r.measure_links_dropped, "integer")
        q.lit(graph, PK + "reuseLinksKept", len(r.links), "integer")
    m, ms = report.metrics, report.metric_settings
    q.lit(graph, PK + "similarityTopK", ms.similar_plans, "integer")
    q.lit(graph, PK + "similarityMinimum", _decimal(ms.min_similarity), "decimal")
    q.lit(graph, PK + "planPairs", m.plan_pairs, "integer")
    q.lit(graph, PK + "similarityPairs", m.similarity_pairs_kept, "integer")
    q.lit(graph, PK + "betweennessSamples", m.betweenness_samples, "integer")
    if m.betweenness_seed is not None:
        q.lit(graph, PK + "betweennessSeed", m.betweenness_seed, "integer")


# ------------------------------------------------------------------------------ the write
ATOMIC_MAX_QUADS = 200_000  # old + new graph up to this: one transaction; above: streamed
_DELETE_CHUNK = 50_000
# Quads per `bulk_load` call of the streamed write. One call over the whole file held memory in
# proportion to it (3.3 M quads: 1.7 GB at peak; in chunks of 500k: 0.86 GB, +22 % CPU for the load).
BULK_LOAD_CHUNK = 500_000


def _graph_size(raw, graph: NamedNode) -> int:
    answer = raw.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    return int(next(iter(answer))[0].value)


def _delete_in_chunks(raw, graph: NamedNode) -> None:
    """Remove every quad of `graph`, _DELETE_CHUNK per transaction (one DROP of a large graph is
    one transaction held in memory: 0.5 GB and 13 CPU-s for 300k quads). One scan of the graph
    (its iterator reads a snapshot), not one per chunk over the tombstones of the chunks before."""
    def delete(batch: list[Quad]) -> None:
        raw.update(f"DELETE DATA {{ GRAPH {graph} {{\n"
                   + "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in batch) + "\n} }")

    batch: list[Quad] = []
    for quad in raw.quads_for_pattern(None, None, None, graph):
        batch.append(quad)
        if len(batch) == _DELETE_CHUNK:
            delete(batch)
            batch = []
    if batch:
        delete(batch)


def _bulk_load_in_chunks(raw, path: Path) -> None:
    """Bulk-load an N-Quads file `chunk` lines (one quad a line in N-Quads) per call, so that the
    loader's memory is bounded by the chunk, not by the file."""
    with path.open("rb") as lines:
        while True:
            batch = list(islice(lines, BULK_LOAD_CHUNK))
            if not batch:
                return
            raw.bulk_load(b"".join(batch), format=ox.RdfFormat.N_QUADS)


@dataclass
class WriteReport:
    quads: int
    atomic: bool  # one transaction; else streamed (module docstring)


def write_analysis(store: Store, quads: Iterator[Quad], *,
                   atomic_max: int | None = None) -> WriteReport:
    """Replace `id:graph/analysis` with `quads` (all in that graph). Module docstring: the quads
    go to a temporary N-Quads file first (generation fails -> nothing written); then, when the
    old and new graphs hold at most `atomic_max` (ATOMIC_MAX_QUADS) quads together, one transaction replaces the
    graph; above that the old graph is deleted in chunks and the file bulk-loaded (bounded
    memory). Stores without a local pyoxigraph store (the capturing remote store of
    `analyze --endpoint`) get the quads through `replace_graphs`."""
    raw = getattr(store, "raw", None)
    if not isinstance(raw, ox.Store):  # a remote store: its endpoint mimics pyoxigraph's API
        return WriteReport(store.replace_graphs({ANALYSIS_GRAPH: list(quads)}), True)
    if getattr(store, "read_only", False):
        raise PolicyKGError(f"the store at {store.path} is open read-only")
    atomic_max = ATOMIC_MAX_QUADS if atomic_max is None else atomic_max
    written = [0]

    def counted() -> Iterator[Quad]:
        for quad in quads:
            written[0] += 1
            yield quad

    with tempfile.TemporaryDirectory(prefix="policykg-analysis-") as folder:
        staged = Path(folder) / "analysis.nq"
        ox.serialize(counted(), output=str(staged), format=ox.RdfFormat.N_QUADS)
        if written[0] + _graph_size(raw, ANALYSIS_GRAPH) <= atomic_max:
            store.replace_graphs({ANALYSIS_GRAPH: ox.parse(path=str(staged), format=ox.RdfFormat.N_QUADS)})
            atomic = True
        else:
            drop_analysis_tables(raw)  # before the graph changes (replace_graphs drops them with it)
            _delete_in_chunks(raw, ANALYSIS_GRAPH)
            _bulk_load_in_chunks(raw, staged)
            atomic = False
    return WriteReport(_graph_size(raw, ANALYSIS_GRAPH), atomic)


# ------------------------------------------------------------------------------ the pipeline
def analyze(store: Store, frameworks: Path | None = DEFAULT_FRAMEWORKS, *,
            now: datetime | None = None, reuse: ReuseSettings | None = None,
            metric_settings: MetricSettings | None = None) -> AnalysisReport:
    """Compute everything, then replace `id:graph/analysis` (module docstring: how the write keeps
    the previous analysis when anything fails).

    frameworks (Path): a folder of framework `.txt` files (data/frameworks); None or a missing
        folder means no framework items (only plan-to-plan reuse).
    reuse, metric_settings: the caps (text_reuse.ReuseSettings, metrics.MetricSettings); the
        defaults when None.
    RETURNS (AnalysisReport): counts, the caps and what they removed, and the CSV tables
        (centrality, communities, similarity, pmc_features, reuse).
    """
    report = AnalysisReport(metric_settings=metric_settings or MetricSettings())
    versions = document_stamps(store.raw)  # the plans read, before reading them (freshness.py)
    measures = load_measures(store)
    report.measures = len(measures)
    report.plans = len({m.plan for m in measures})
    framework_list = load_frameworks(frameworks) if frameworks and Path(frameworks).is_dir() else []

    # -- reuse
    units: list[Unit] = []
    for framework in framework_list:
        for item in framework.items:
            key = framework_item_iri(framework, item.no)
            units.append(Unit(key, framework_iri(framework), item.text, framework=True))
            report.framework_items += 1
    for m in measures:
        units.append(Unit(m.iri, m.plan, m.text, (m.issued or "", m.source)))
    report.reuse = reuse_links(units, reuse)
    links = report.reuse.links
    del units
    report.reuse_links = len(links)
    report.framework_links = sum(1 for link in links if is_framework_iri(link.target))

    # -- classification
    decisions: dict[str, dict[str, list[Decision]]] = {}
    for m in measures:
        decisions[m.iri] = {}
        for scheme in ("pillar", "instrument"):
            # only the decisions the graph states (a lone body keyword is a mention: no node, never
            # primary), so the decisions of a large corpus are not all held until the write
            decisions[m.iri][scheme] = [d for d in classify(scheme, title=m.title, section=m.section,
                                                            body=m.text, kind=m.kind)
                                        if d.score >= MIN_SCORE]
        report.classified_pillar += primary(decisions[m.iri]["pillar"]) is not None
        report.classified_instrument += primary(decisions[m.iri]["instrument"]) is not None

    # -- networks, similarity, PMC features
    instrument_types = {c.notation: c.broader for c in load_scheme("instrument")}
    primary_instruments = {iri: instrument_types[p.concept.notation]
                           for iri, d in decisions.items() if (p := primary(d["instrument"]))}
    primary_pillars = {iri: p.concept.notation
                       for iri, d in decisions.items() if (p := primary(d["pillar"]))}
    tables = metrics.compute_tables(store, measures, links, primary_instruments, primary_pillars,
                                      framework_cited=[cited_document_iri(f.title).value
                                                       for f in framework_list],
                                      settings=report.metric_settings, stats=report.metrics)
    plan_of = {m.source: m.plan for m in measures}
    plan_of.update(metrics.plan_sources(store))
    places = metrics.plan_places(store)
    tables["reuse"] = (["source_measure", "target", "score", "shared_chars", "longest", "source_text",
                        "target_text"],
                       [[link.source, link.target, link.score, link.shared, link.longest,
                         link.source_exact, link.target_exact] for link in links])
    report.tables = tables
    stamp = (now or datetime.now(timezone.utc)).replace(microsecond=0).isoformat()

    def quads() -> Iterator[Quad]:
        """The graph, one result at a time."""
        q = _Quads()
        graph = ANALYSIS_GRAPH.value
        q.add(graph, RDF_TYPE, PK + "AnalysisGraph")
        q.add(graph, RDF_TYPE, PROV + "Entity")
        q.lit(graph, PK + "analysisVersion", ANALYSIS_VERSION)
        q.lit(graph, PROV + "generatedAtTime", stamp, "dateTime")
        _caps_quads(q, report)
        for document_graph, version in sorted(versions.items()):
            q.lit(document_graph, ANALYSED_VERSION, version)
        for framework in framework_list:
            _framework_quads(q, framework, framework.slug + ".txt")
            q.add(graph, PK + "framework", framework_iri(framework))
            yield from q.drain()
        reuser = {m.iri: (m.source, places.get(m.plan)) for m in measures}
        yield from _reuse_quads(q, links, reuser)
        for m in measures:
            for scheme in ("pillar", "instrument"):
                _classification_quads(q, m, scheme, decisions[m.iri][scheme])
            yield from q.drain()
        yield from _table_quads(q, tables, plan_of, places)

    written = write_analysis(store, quads())
    report.quads, report.atomic_write = written.quads, written.atomic
    raw = getattr(store, "raw", None)
    if isinstance(raw, ox.Store):  # a local store: the analysis queries' whole-corpus rows, once
        report.analysis_tables = write_analysis_tables(raw, reuse_links=links, decisions=decisions)
    return report


__all__ = ["ANALYSIS_GRAPH", "AnalysisReport", "DEFAULT_FRAMEWORKS", "MeasureRecord", "WriteReport",
           "analyze", "framework_item_iri", "framework_iri", "is_framework_iri", "load_measures",
           "write_analysis"]
