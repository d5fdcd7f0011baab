"""What an entity page shows: an IRI's properties, its incoming links, and for an extracted item
the passage of the plan's cleaned text its evidence selector points at.

Read straight from the store's quad index (`quads_for_pattern`), so no IRI is ever spliced into
SPARQL. Partners: viz/web/app.py (routes, content negotiation), templates/entity.html.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from policykg.ontology import PREFIXES

PK = PREFIXES["pk"]
OA = PREFIXES["oa"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
EVIDENCE = ox.NamedNode(PK + "evidence")
CLEANED_TEXT = ox.NamedNode(PK + "cleanedText")
PLAN = ox.NamedNode(PK + "plan")
OA_START, OA_END = ox.NamedNode(OA + "start"), ox.NamedNode(OA + "end")
SOURCE = ox.NamedNode(PREFIXES["dcterms"] + "source")
AGENCY_CLASS = ox.NamedNode(PK + "Agency")
# display labels, most preferred first
LABEL_PROPERTIES = [ox.NamedNode(iri) for iri in (
    PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label", PREFIXES["dcterms"] + "title",
    PREFIXES["eli"] + "title", PREFIXES["foaf"] + "name", PK + "indicatorLabel", PK + "citedTitle",
    PK + "agencyName", PREFIXES["oa"] + "exact")]

PASSAGE_CONTEXT = 160   # characters shown either side of the evidence
MAX_INCOMING = 500      # incoming links listed on one page
MAX_VALUE_CHARS = 2000  # a longer literal (the cleaned text) is cut on the page


@dataclass
class Statement:
    """One property value (or, for incoming links, one subject) and the graphs stating it."""

    predicate: str
    term: Any
    label: str | None
    graphs: list[str] = field(default_factory=list)


@dataclass
class Passage:
    before: str
    exact: str
    after: str
    start: int
    end: int
    source: str | None  # the plan's file name, for the link to its plan page


@dataclass
class Entity:
    iri: str
    label: str | None
    types: list[str]
    properties: list[Statement]
    incoming: list[Statement]
    incoming_truncated: bool
    passage: Passage | None
    is_agency: bool


def prefixed(iri: str) -> str:
    """`pk:Measure` for a known namespace, else the IRI itself."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def exists(raw: ox.Store, node: ox.NamedNode) -> bool:
    return any(True for _ in raw.quads_for_pattern(node, None, None, None)) or \
        any(True for _ in raw.quads_for_pattern(None, None, node, None))


def label_of(raw: ox.Store, node: Any) -> str | None:
    """A display label: the first label property present, Chinese preferred."""
    if not isinstance(node, ox.NamedNode):
        return None
    for predicate in LABEL_PROPERTIES:
        values = [q.object for q in raw.quads_for_pattern(node, predicate, None, None)
                  if isinstance(q.object, ox.Literal)]
        if values:
            values.sort(key=lambda lit: (lit.language != "zh", lit.value))
            return values[0].value
    return None


def describe(raw: ox.Store, iri: str) -> Entity | None:
    """Everything the entity page shows, or None when the graph never mentions `iri`."""
    node = ox.NamedNode(iri)
    if not exists(raw, node):
        return None
    properties = _grouped((q.predicate, q.object, q.graph_name)
                          for q in raw.quads_for_pattern(node, None, None, None))
    incoming_quads = []
    truncated = False
    for quad in raw.quads_for_pattern(None, None, node, None):
        if len(incoming_quads) >= MAX_INCOMING:
            truncated = True
            break
        incoming_quads.append((quad.predicate, quad.subject, quad.graph_name))
    incoming = _grouped(incoming_quads)
    for statement in properties + incoming:
        statement.label = label_of(raw, statement.term)
    types = sorted({s.term.value for s in properties
                    if s.predicate == RDF_TYPE.value and isinstance(s.term, ox.NamedNode)})
    return Entity(iri, label_of(raw, node), types, properties, incoming, truncated,
                  evidence_passage(raw, node), AGENCY_CLASS.value in types)


def entity_triples(raw: ox.Store, iri: str) -> list[ox.Triple]:
    """The IRI's outgoing triples (each once, whatever graphs state it), plus those of its
    evidence selectors, for the Turtle and JSON-LD forms of the page."""
    node = ox.NamedNode(iri)
    seen: dict[ox.Triple, None] = {}
    for quad in raw.quads_for_pattern(node, None, None, None):
        seen[quad.triple] = None
        if quad.predicate == EVIDENCE and isinstance(quad.object, ox.NamedNode):
            for inner in raw.quads_for_pattern(quad.object, None, None, None):
                seen[inner.triple] = None
    return list(seen)


def evidence_passage(raw: ox.Store, node: ox.NamedNode) -> Passage | None:
    """The cleaned-text passage of an extracted item (or of a selector itself), or None."""
    selector, graph = _selector(raw, node)
    if selector is None or graph is None:
        return None
    start, end = _integer(raw, selector, OA_START, graph), _integer(raw, selector, OA_END, graph)
    text, source = _plan_text(raw, graph)
    if start is None or end is None or text is None or not 0 <= start <= end <= len(text):
        return None
    return Passage(text[max(0, start - PASSAGE_CONTEXT):start], text[start:end],
                   text[end:end + PASSAGE_CONTEXT], start, end, source)


def _selector(raw: ox.Store, node: ox.NamedNode) -> tuple[Any, Any]:
    for quad in raw.quads_for_pattern(node, OA_START, None, None):
        return node, quad.graph_name  # the node is a selector
    if any(True for _ in raw.quads_for_pattern(node, CLEANED_TEXT, None, None)):
        return None, None  # a plan: its own page shows the whole text
    for quad in raw.quads_for_pattern(node, EVIDENCE, None, None):
        return quad.object, quad.graph_name
    return None, None


def _integer(raw: ox.Store, node: Any, predicate: ox.NamedNode, graph: Any) -> int | None:
    for quad in raw.quads_for_pattern(node, predicate, None, graph):
        try:
            return int(quad.object.value)
        except (AttributeError, ValueError):
            return None
    return None


def _plan_text(raw: ox.Store, graph: Any) -> tuple[str | None, str | None]:
    """The cleaned text and source name of the plan in a document graph."""
    source = next((q.object.value for q in raw.quads_for_pattern(graph, SOURCE, None, graph)), None)
    for quad in raw.quads_for_pattern(graph, PLAN, None, graph):
        for text in raw.quads_for_pattern(quad.object, CLEANED_TEXT, None, graph):
            return text.object.value, source
    return None, source


def _grouped(triples: Any) -> list[Statement]:
    """(predicate, term, graph) -> one Statement per (predicate, term), graphs listed; sorted so
    rdf:type comes first, then by predicate."""
    statements: dict[tuple[Any, Any], Statement] = {}
    for predicate, term, graph in triples:
        key = (predicate, term)
        if key not in statements:
            statements[key] = Statement(predicate.value, term, None)
        if isinstance(graph, ox.NamedNode) and graph.value not in statements[key].graphs:
            statements[key].graphs.append(graph.value)
    return sorted(statements.values(),
                  key=lambda s: (s.predicate != RDF_TYPE.value, prefixed(s.predicate), str(s.term)))
