"""SHACL validation of a policykg store (`policykg validate`).

Copies the union of the document graphs from Oxigraph into an rdflib Graph, adds the subclass
axioms of ontology/policykg.ttl (so that sh:class sees subclasses) and runs pyshacl with
ontology/shapes.ttl; no inference beyond that, which keeps a corpus to seconds, not minutes.
Partners: ontology/shapes.ttl (the rules), graph/rdf.py (what it checks).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from ..ontology import PREFIXES, ontology_file
from .rdf import VOCABULARY_GRAPHS

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass
class Violation:
    focus: str               # the node that fails, as an IRI (or a literal's text)
    path: str | None         # the property, shortened with our prefixes (pk:value)
    message: str
    severity: str            # "Violation" | "Warning" | "Info"
    graph: str | None = None  # the document graph that states the focus node, when one does
    value: str | None = None  # the offending value, when there is one
    constraint: str | None = None  # the SHACL constraint component: "MinCount", "Datatype" ...

    def format_text(self) -> str:
        """`Violation: id:plan/x.txt/target/1 pk:targetKind: <message> (value: bogus)
        [In; graph id:doc/x.txt]`"""
        path = f" {self.path}" if self.path else ""
        value = f" (value: {_clip(self.value)})" if self.value is not None else ""
        where = [c for c in (self.constraint, self.graph and f"graph {shorten(self.graph)}") if c]
        where_text = f" [{'; '.join(where)}]" if where else ""
        return f"{self.severity}: {shorten(self.focus)}{path}: {self.message}{value}{where_text}"


def _clip(text: str, limit: int = 60) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Report:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def format_text(self) -> str:
        """One readable line per result; a one-line summary when there is none."""
        if not self.violations:
            return "conforms: no SHACL violations"
        return "\n".join(v.format_text() for v in self.violations)

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in self.violations:
            out[v.severity] = out.get(v.severity, 0) + 1
        return out


def shorten(iri: str) -> str:
    """pk:value rather than https://w3id.org/policykg/ns#value; id:plan/... for data IRIs."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


@lru_cache(maxsize=1)
def _shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_file("shapes.ttl"), format="turtle")


@lru_cache(maxsize=1)
def _ontology_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_file("policykg.ttl"), format="turtle")


def _to_rdflib(term, cache: dict) -> rdflib.term.Node:
    node = cache.get(term)
    if node is None:
        if isinstance(term, pyoxigraph.NamedNode):
            node = rdflib.URIRef(term.value)
        elif isinstance(term, pyoxigraph.BlankNode):
            node = rdflib.BNode(term.value)
        elif term.language:
            node = rdflib.Literal(term.value, lang=term.language)
        elif term.datatype.value == _XSD_STRING:  # rdflib tells "a" from "a"^^xsd:string
            node = rdflib.Literal(term.value)
        else:
            node = rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
        cache[term] = node
    return node


def data_graph(store: pyoxigraph.Store) -> rdflib.Graph:
    """The union of the store's document graphs (vocabulary graphs left out) as an rdflib Graph.
    A triple stated in several graphs appears once, as in any RDF merge."""
    excluded = set(VOCABULARY_GRAPHS.values())
    graph = rdflib.Graph()
    cache: dict = {}
    for quad in store.quads_for_pattern(None, None, None):
        if quad.graph_name in excluded or isinstance(quad.graph_name, pyoxigraph.DefaultGraph):
            continue
        graph.add((_to_rdflib(quad.subject, cache), _to_rdflib(quad.predicate, cache),
                   _to_rdflib(quad.object, cache)))
    return graph


def _graph_of(store: pyoxigraph.Store, focus: rdflib.term.Node) -> str | None:
    if not isinstance(focus, rdflib.URIRef):
        return None
    names = sorted(q.graph_name.value for q in
                   store.quads_for_pattern(pyoxigraph.NamedNode(str(focus)), None, None)
                   if isinstance(q.graph_name, pyoxigraph.NamedNode))
    return names[0] if names else None


def validate_store(store: pyoxigraph.Store) -> Report:
    """Validate every document graph of a store against ontology/shapes.ttl.

    RETURNS (Report): `conforms` is False only for sh:Violation results (warnings are listed but
        do not fail); `violations` has one entry per SHACL result, sorted by graph, focus, path.
    DOCS: docs/ontology.md#validation
    """
    return validate_graph(data_graph(store), store=store)


def validate_graph(graph: rdflib.Graph, *, store: pyoxigraph.Store | None = None) -> Report:
    """Validate an rdflib graph already in memory (the store, when given, names the graphs).

    The graph is validated in place: the ontology's subclass axioms are added to it first, so
    that sh:class accepts subclasses, instead of letting pyshacl clone the data to mix them in.
    """
    for axiom in _ontology_graph().triples((None, rdflib.RDFS.subClassOf, None)):
        graph.add(axiom)
    conforms, results, _ = shacl_validate(
        graph, shacl_graph=_shapes_graph(), inference="none", inplace=True,
        allow_warnings=True, allow_infos=True)
    violations = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        severity = _SEVERITY.get(results.value(result, SH.resultSeverity), "Violation")
        component = str(results.value(result, SH.sourceConstraintComponent) or "")
        component = component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent") or None
        violations.append(Violation(
            focus=str(focus),
            path=shorten(str(path)) if isinstance(path, rdflib.URIRef) else None,
            message=messages[0] if messages else "fails a SHACL constraint",
            severity=severity,
            graph=_graph_of(store, focus) if store is not None else None,
            value=None if value is None or value == focus else str(value),
            constraint=component,
        ))
    violations.sort(key=lambda v: (v.graph or "", v.focus, v.path or "", v.message))
    return Report(conforms=bool(conforms), violations=violations)


__all__ = ["Report", "Violation", "data_graph", "shorten", "validate_graph", "validate_store"]
