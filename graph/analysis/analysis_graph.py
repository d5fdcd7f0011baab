"""`analyze(store, frameworks)`: text reuse, classification and network analytics over the whole
store, written as one derived named graph `id:graph/analysis` in one transaction.

Reads what graph/rdf.py wrote (measures, plans, assignments, targets, citations) with SPARQL,
calls this package's text_reuse.py, keyword_classifier.py and metrics.py, and turns their results
into quads.
Re-running replaces the graph; document graphs are never touched. DOCS: docs/analysis.md
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from policykg.ontology import DCTERMS, ELI, ID, OA, PK, PROV

from ..rdf import cited_document_iri, iri_segment
from ..store import Store
from . import metrics
from .keyword_classifier import MIN_SCORE, Decision, classify, load_scheme, primary
from .text_reuse import Framework, ReuseLink, Unit, find_reuse, load_frameworks

ANALYSIS_GRAPH = NamedNode(ID + "graph/analysis")
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
    def __init__(self) -> None:
        self.quads: dict[Quad, None] = {}

    def add(self, s: str, p: str, o) -> None:
        if o is None:
            return
        obj = NamedNode(o) if isinstance(o, str) else o
        self.quads[Quad(NamedNode(s), NamedNode(p), obj, ANALYSIS_GRAPH)] = None

    def lit(self, s: str, p: str, value, datatype: str | None = None, lang: str | None = None) -> None:
        if value is None or value == "":
            return
        if lang:
            self.add(s, p, Literal(str(value), language=lang))
        elif datatype:
            self.add(s, p, Literal(str(value), datatype=NamedNode(XSD + datatype)))
        else:
            self.add(s, p, Literal(str(value)))

    def selector(self, node: str, of: str, start: int, end: int, exact: str, field_name: str) -> None:
        self.add(node, RDF_TYPE, OA + "TextPositionSelector")
        self.add(node, RDF_TYPE, OA + "TextQuoteSelector")
        self.lit(node, OA + "start", start, "integer")
        self.lit(node, OA + "end", end, "integer")
        self.lit(node, OA + "exact", exact, lang="zh")
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


def _reuse_quads(q: _Quads, links: list[ReuseLink]) -> None:
    per_source: dict[str, int] = defaultdict(int)
    for link in links:
        per_source[link.source] += 1
        node = f"{link.source}/reuse/{per_source[link.source]}"
        q.add(node, RDF_TYPE, PK + "Reuse")
        q.add(node, PK + "source", link.source)
        q.add(node, PK + "target", link.target)
        q.lit(node, PK + "score", _decimal(link.score), "decimal")
        q.lit(node, PK + "sharedChars", link.shared, "integer")
        q.lit(node, PK + "longestSpan", link.longest, "integer")
        for side, of, (start, end), exact in (("source", link.source, link.source_span, link.source_exact),
                                              ("target", link.target, link.target_span, link.target_exact)):
            field_name = "text" if is_framework_iri(of) else "body"
            selector = f"{node}/evidence/{side}"
            q.add(node, PK + "evidence", selector)
            q.selector(selector, of, start, end, exact, field_name)


def _classification_quads(q: _Quads, measure: MeasureRecord, scheme: str,
                          decisions: list[Decision]) -> None:
    fields = {"title": measure.title, "section": measure.section, "body": measure.text,
              "kind": measure.kind}
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
            selector = f"{node}/evidence/{n}"
            q.add(node, PK + "evidence", selector)
            text = fields[match.field]
            q.selector(selector, measure.iri, match.start, match.end, text[match.start:match.end],
                       match.field)
        if decision.primary:
            q.add(measure.iri, PK + scheme, concept.iri)


def _table_quads(q: _Quads, tables: dict[str, tuple[list[str], list[list]]],
                 plan_of: dict[str, str]) -> None:
    columns, rows = tables["centrality"]
    for row in rows:
        r = dict(zip(columns, row))
        q.lit(r["agency_iri"], PK + "degreeCentrality", _decimal(r["degree_centrality"]), "decimal")
        q.lit(r["agency_iri"], PK + "betweenness", _decimal(r["betweenness"]), "decimal")
        q.lit(r["agency_iri"], PK + "coAgencies", r["degree"], "integer")
        if r["community"] is not None:
            q.lit(r["agency_iri"], PK + "community", r["community"], "integer")
    columns, rows = tables["similarity"]
    for row in rows:
        r = dict(zip(columns, row))
        a, b = plan_of[r["source_a"]], plan_of[r["source_b"]]
        node = f"{a}/similarity/{iri_segment(r['source_b'])}"
        q.add(node, RDF_TYPE, PK + "PlanSimilarity")
        q.add(node, PK + "planA", a)
        q.add(node, PK + "planB", b)
        for key in ("agencies", "frameworks", "indicators", "similarity"):
            q.lit(node, PK + f"{key}Jaccard" if key != "similarity" else PK + "similarity",
                  _decimal(r[key]), "decimal")
        q.lit(node, PK + "reuseLinks", r["reuse_links"], "integer")
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


# ------------------------------------------------------------------------------ the pipeline
def analyze(store: Store, frameworks: Path | None = DEFAULT_FRAMEWORKS, *,
            now: datetime | None = None) -> AnalysisReport:
    """Compute everything and replace `id:graph/analysis` (one transaction).

    frameworks (Path): a folder of framework `.txt` files (data/frameworks); None or a missing
        folder means no framework items (only plan-to-plan reuse).
    RETURNS (AnalysisReport): counts and the CSV tables (centrality, communities, similarity,
        pmc_features, reuse).
    """
    report = AnalysisReport()
    measures = load_measures(store)
    report.measures = len(measures)
    report.plans = len({m.plan for m in measures})
    framework_list = load_frameworks(frameworks) if frameworks and Path(frameworks).is_dir() else []
    q = _Quads()
    graph = ANALYSIS_GRAPH.value
    q.add(graph, RDF_TYPE, PK + "AnalysisGraph")
    q.add(graph, RDF_TYPE, PROV + "Entity")
    q.lit(graph, PK + "analysisVersion", ANALYSIS_VERSION)
    stamp = (now or datetime.now(timezone.utc)).replace(microsecond=0).isoformat()
    q.lit(graph, PROV + "generatedAtTime", stamp, "dateTime")

    # -- reuse
    units: list[Unit] = []
    for framework in framework_list:
        _framework_quads(q, framework, framework.slug + ".txt")
        q.add(graph, PK + "framework", framework_iri(framework))
        for item in framework.items:
            key = framework_item_iri(framework, item.no)
            units.append(Unit(key, framework_iri(framework), item.text))
            report.framework_items += 1
    for m in measures:
        units.append(Unit(m.iri, m.plan, m.text, (m.issued or "", m.source)))
    links = find_reuse(units)
    _reuse_quads(q, links)
    report.reuse_links = len(links)
    report.framework_links = sum(1 for link in links if is_framework_iri(link.target))

    # -- classification
    decisions: dict[str, dict[str, list[Decision]]] = {}
    for m in measures:
        decisions[m.iri] = {}
        for scheme in ("pillar", "instrument"):
            found = classify(scheme, title=m.title, section=m.section, body=m.text, kind=m.kind)
            decisions[m.iri][scheme] = found
            _classification_quads(q, m, scheme, found)
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
                                                       for f in framework_list])
    plan_of = {m.source: m.plan for m in measures}
    plan_of.update(metrics.plan_sources(store))
    _table_quads(q, tables, plan_of)
    tables["reuse"] = (["source_measure", "target", "score", "shared_chars", "longest", "source_text",
                        "target_text"],
                       [[link.source, link.target, link.score, link.shared, link.longest,
                         link.source_exact, link.target_exact] for link in links])
    report.tables = tables

    quads = list(q.quads)
    report.quads = store.replace_graphs({ANALYSIS_GRAPH: quads})
    return report


__all__ = ["ANALYSIS_GRAPH", "AnalysisReport", "DEFAULT_FRAMEWORKS", "MeasureRecord", "analyze",
           "framework_item_iri", "framework_iri", "is_framework_iri", "load_measures"]
