"""networkx views of the graph: RDF triples -> a property graph, and the researchers' projections.

`rdf_to_networkx` is the generic conversion GraphML, GEXF and CSV exports use (graph/export.py):
IRIs become nodes, literals flattened node attributes, IRI-valued triples edges. The projections
(responsibility, co-responsibility, plan-framework) are built from the named queries, so they
agree with `policykg query`. Partner: policykg/api.py (the notebook functions that return them).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import networkx as nx
import pyoxigraph as ox

from policykg.ontology import DCTERMS, ELI, FOAF, PK, PREFIXES, RDF, RDFS, SKOS, XSD

if TYPE_CHECKING:
    from policykg.graph.store import Store

RDF_TYPE = RDF + "type"

# Predicates left out of the property graph: evidence selectors would double the node count and
# the cleaned text is the whole plan (tens of KB per node); both stay in the RDF exports.
SKIPPED_PREDICATES = frozenset({PK + "evidence", PK + "cleanedText"})

# Which literal names a node, best first (the node's `label` attribute).
LABEL_PREDICATES = (SKOS + "prefLabel", ELI + "title", PK + "indicatorLabel", FOAF + "name",
                    DCTERMS + "title", RDFS + "label", PK + "citedTitle", DCTERMS + "source")

_INTEGER_TYPES = frozenset(XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort",
    "unsignedByte", "gYear"))
_FLOAT_TYPES = frozenset(XSD + t for t in ("decimal", "double", "float"))
_BOOLEAN = XSD + "boolean"

MULTI_VALUE_SEPARATOR = " | "


def qname(iri: str) -> str:
    """`https://w3id.org/policykg/ns#measureNo` -> `pk:measureNo` (the IRI itself if no prefix fits)."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def local_name(iri: str) -> str:
    """The part after the last `#` or `/`: `pk:measureNo` -> `measureNo`."""
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return iri


def attribute_key(predicate: str) -> str:
    """Attribute name for a literal-valued predicate: `pk:measureNo` -> `pk_measureNo` (safe as a
    GraphML key, a GEXF title and a CSV/R column name)."""
    return qname(predicate).replace(":", "_").replace("/", "_").replace("#", "_")


def literal_value(literal: ox.Literal) -> int | float | bool | str:
    """A literal as a Python number, bool or str (language tags dropped)."""
    datatype = literal.datatype.value
    text = literal.value
    try:
        if datatype in _INTEGER_TYPES:
            return int(text)
        if datatype in _FLOAT_TYPES:
            return float(text)
    except ValueError:
        return text
    if datatype == _BOOLEAN:
        return text in ("true", "1")
    return text


def rdf_to_networkx(triples: Iterable[ox.Triple | ox.Quad], *,
                    years: Mapping[str, int] | None = None) -> nx.DiGraph:
    """A directed property graph of RDF triples, with every value a string or a number.

    Nodes are IRIs (id = the IRI) with `label` (see LABEL_PREDICATES; else the IRI's last segment),
    `type` (rdf:type local names, sorted, joined by " | ") and one attribute per literal predicate
    (`pk_value`, `eli_title`, ...; several values are joined by " | "; a key holds numbers only if
    every value of it in the graph is a number, so GraphML/GEXF get one type per key).
    Triples whose object is an IRI become edges with `predicate` (the qname) and `label` (its
    local name); two predicates between the same pair share one edge ("a | b").
    years (dict): node IRI -> year; such nodes get `year` (int) and `start` ("YYYY-01-01"), the
        time attribute Gephi's timeline reads from GEXF.
    """
    literals: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    types: dict[str, set[str]] = defaultdict(set)
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    nodes: dict[str, None] = {}
    seen: set[tuple] = set()
    for triple in triples:
        s, p, o = triple.subject, triple.predicate, triple.object
        key = (s, p, o)
        if key in seen or p.value in SKIPPED_PREDICATES or not isinstance(s, ox.NamedNode):
            continue
        seen.add(key)
        subject = s.value
        nodes.setdefault(subject)
        if p.value == RDF_TYPE and isinstance(o, ox.NamedNode):
            types[subject].add(local_name(o.value))
        elif isinstance(o, ox.Literal):
            literals[subject][p.value].append(o)
        elif isinstance(o, ox.NamedNode):
            nodes.setdefault(o.value)
            if qname(p.value) not in edges[(subject, o.value)]:
                edges[(subject, o.value)].append(qname(p.value))

    numeric_keys = _numeric_keys(literals)
    graph = nx.DiGraph()
    for node in nodes:
        node_types = sorted(types.get(node, ()))
        attrs: dict[str, int | float | str] = {"label": _label(node, literals.get(node, {}), node_types),
                                                 "type": MULTI_VALUE_SEPARATOR.join(node_types)}
        for predicate, values in sorted(literals.get(node, {}).items()):
            attrs[attribute_key(predicate)] = _flatten(values, numeric_keys.get(predicate))
        if years and node in years:
            attrs["year"] = int(years[node])
            attrs["start"] = f"{int(years[node]):04d}-01-01"
        graph.add_node(node, **attrs)
    for (source, target), predicates in edges.items():
        graph.add_edge(source, target, predicate=MULTI_VALUE_SEPARATOR.join(predicates),
                       label=MULTI_VALUE_SEPARATOR.join(local_name(p) for p in predicates))
    return graph


def _label(node: str, literals: Mapping[str, list], node_types: list[str]) -> str:
    """The best naming literal; else "<Type> <last segment>" (`Assignment 2`), else the segment."""
    for predicate in LABEL_PREDICATES:
        values = literals.get(predicate)
        if values:
            return sorted(v.value for v in values)[0]
    own = [t for t in node_types if t not in _GENERIC_TYPES] or node_types
    return f"{own[0]} {local_name(node)}" if own else local_name(node)


# Superclasses rdf.py states next to our own class; a label names the more specific one.
_GENERIC_TYPES = frozenset({"Organization", "LegalResource", "Entity", "Activity", "Membership",
                            "Item", "AdministrativeArea", "Person"})


def _numeric_keys(literals: Mapping[str, Mapping[str, list]]) -> dict[str, type]:
    """predicate -> int or float when every value of it, on every node, is single and numeric."""
    kinds: dict[str, set] = defaultdict(set)
    for by_predicate in literals.values():
        for predicate, values in by_predicate.items():
            distinct = {v.value for v in values}
            if len(distinct) > 1:
                kinds[predicate].add(str)
            for value in values:
                kinds[predicate].add(type(literal_value(value)))
    numeric: dict[str, type] = {}
    for predicate, found in kinds.items():
        if found == {int}:
            numeric[predicate] = int
        elif found <= {int, float}:
            numeric[predicate] = float
    return numeric


def _flatten(values: list, number: type | None) -> int | float | str:
    if number is not None:
        return number(literal_value(values[0]))
    texts = sorted({str(literal_value(v)).lower() if isinstance(literal_value(v), bool)
                    else str(literal_value(v)) for v in values})
    return MULTI_VALUE_SEPARATOR.join(texts)


# -- projections ----------------------------------------------------------------------------------


def responsibility_graph(store: "Store", city: str | None = None) -> nx.Graph:
    """Bipartite agencies–measures graph from the `responsibilities` query.

    Nodes: agencies (id = agency IRI, `bipartite="agency"`, `label` = canonical name) and measures
    (id = measure IRI, `bipartite="measure"`, `label` = title, `source`, `no`, `city`).
    Edges: `role` ("lead"/"support") and `rank`. city (str): only plans of that jurisdiction.
    """
    from policykg.queries import load_query

    params = {"city": city} if city else {}
    results = store.run_query(load_query("responsibilities"), params)
    graph = nx.Graph(name="responsibility")
    cities = _plan_cities(store)
    for row in results.as_dicts():
        agency, measure = row.get("agency_iri"), row.get("measure")
        if not agency or not measure:
            continue
        graph.add_node(agency, bipartite="agency", label=row.get("agency_canonical") or row.get("agency") or "")
        graph.add_node(measure, bipartite="measure", label=row.get("measure_title") or "",
                       no=row.get("measure_no") or "", source=row.get("source") or "",
                       city=cities.get(row.get("source") or "", ""))
        rank = row.get("rank")
        graph.add_edge(agency, measure, role=row.get("role") or "", rank=int(rank) if rank else 0)
    return graph


def co_responsibility_graph(store: "Store", city: str | None = None) -> nx.Graph:
    """Agency pairs that share measures: `weight` = number of shared measures, `lead_pairs` =
    measures where one of the two leads. Nodes carry `label` and `measures` (their count)."""
    bipartite = responsibility_graph(store, city)
    graph = nx.Graph(name="co-responsibility")
    agencies = [n for n, kind in bipartite.nodes(data="bipartite") if kind == "agency"]
    for agency in agencies:
        graph.add_node(agency, label=bipartite.nodes[agency]["label"],
                       measures=bipartite.degree(agency))
    for measure, kind in bipartite.nodes(data="bipartite"):
        if kind != "measure":
            continue
        members = sorted(bipartite.neighbors(measure))
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                data = graph.get_edge_data(a, b) or {"weight": 0, "lead_pairs": 0}
                led = "lead" in (bipartite.edges[a, measure]["role"], bipartite.edges[b, measure]["role"])
                graph.add_edge(a, b, weight=data["weight"] + 1, lead_pairs=data["lead_pairs"] + int(led))
    return graph


def plan_framework_graph(store: "Store") -> nx.Graph:
    """Plans and the documents they cite (from the `plans` and `citations` queries).

    Nodes: plans (id = plan IRI, `kind="plan"`, `label` = title, `source`, `city`, `year`) and
    cited documents (id = IRI, `kind="framework"`, `label` = framework or printed title,
    `doc_kind`). Edges: `mentions` (how often the plan cites it), `applies` (True when cited in
    the preamble's 根据/贯彻/落实 clause).
    """
    from policykg.queries import load_query

    graph = nx.Graph(name="plan-framework")
    plan_by_source: dict[str, str] = {}
    for row in store.run_query(load_query("plans")).as_dicts():
        source, plan = row.get("source") or "", row.get("plan")
        if not plan:
            continue
        plan_by_source[source] = plan
        year = _year(row.get("issued")) or _year(row.get("period_start"))
        graph.add_node(plan, kind="plan", label=row.get("title") or source, source=source,
                       city=row.get("jurisdiction") or "", year=year or 0)
    for row in store.run_query(load_query("citations")).as_dicts():
        plan, cited = plan_by_source.get(row.get("source") or ""), row.get("cited")
        if not plan or not cited:
            continue
        if cited not in graph:
            graph.add_node(cited, kind="framework", label=row.get("framework") or row.get("title") or "",
                           doc_kind=row.get("kind") or "")
        data = graph.get_edge_data(plan, cited) or {"mentions": 0, "applies": False}
        graph.add_edge(plan, cited, mentions=data["mentions"] + 1,
                       applies=data["applies"] or row.get("in_preamble") == "true")
    return graph


def _plan_cities(store: "Store") -> dict[str, str]:
    from policykg.queries import load_query

    return {row["source"]: row.get("jurisdiction") or ""
            for row in store.run_query(load_query("plans")).as_dicts() if row.get("source")}


def _year(text: str | None) -> int | None:
    if text and len(text) >= 4 and text[:4].isdigit():
        return int(text[:4])
    return None


__all__ = ["co_responsibility_graph", "plan_framework_graph", "qname", "rdf_to_networkx",
           "responsibility_graph"]
