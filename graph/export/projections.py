"""networkx views of the graph: RDF triples -> a property graph, and the researchers' projections.

`rdf_to_networkx` is the generic conversion GraphML, GEXF and CSV exports use (exporters.py):
IRIs become nodes, literals flattened node attributes, IRI-valued triples edges. The projections
(responsibility, plan-responsibility, co-responsibility, plan-framework) are built from the named
queries, so they agree with `policykg query`; they are the one home of these relations:
policykg/api.py returns them to notebooks, graph/analysis/metrics.py measures them and
viz/projections_for_views.py only decorates them for display (labels, tips, colours, sizes).
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

    Nodes: agencies (id = agency IRI, `bipartite="agency"`, `label` = canonical name,
    `agency_type` = the agency-type concept's name or "") and measures (id = measure IRI,
    `bipartite="measure"`, `label` = title, `source`, `no`, `city`, `plan` = plan IRI).
    Edges: `role` ("lead"/"support"; "lead" when any of the agency's assignments to the measure
    leads) and `rank`. city (str): only plans of that jurisdiction.
    The other responsibility projections (`plan_responsibility_graph`, `co_responsibility_graph`)
    are built from this one, so every view of who-does-what counts the same assignments.
    """
    from policykg.queries import load_query

    params = {"city": city} if city else {}
    results = store.run_query(load_query("responsibilities"), params)
    graph = nx.Graph(name="responsibility")
    plans = _plans_by_source(store)
    for row in results.as_dicts():
        agency, measure = row.get("agency_iri"), row.get("measure")
        if not agency or not measure:
            continue
        plan = plans.get(row.get("source") or "", {})
        graph.add_node(agency, bipartite="agency", label=row.get("agency_canonical") or row.get("agency") or "",
                       agency_type=row.get("agency_type") or "")
        graph.add_node(measure, bipartite="measure", label=row.get("measure_title") or "",
                       no=row.get("measure_no") or "", source=row.get("source") or "",
                       city=plan.get("jurisdiction") or "", plan=plan.get("plan") or "")
        rank = row.get("rank")
        role = row.get("role") or ""
        if graph.has_edge(agency, measure) and graph.edges[agency, measure]["role"] == "lead":
            role = "lead"
        graph.add_edge(agency, measure, role=role, rank=int(rank) if rank else 0)
    return graph


def plan_responsibility_graph(store: "Store", city: str | None = None) -> nx.Graph:
    """Plans and the agencies they assign, counted from `responsibility_graph` (measures folded
    into their plans).

    Nodes: plans (id = plan IRI, `bipartite="plan"`, `label` = title or source, `title`, `source`,
    `city`)
    and agencies (id = agency IRI, `bipartite="agency"`, `label`, `agency_type`, `city` = the
    jurisdiction of the first plan, in source order, that assigns it, `measures` and
    `measures_led` = distinct measures it is assigned / leads). Edges: `lead` and `support` = the
    plan's measures the agency leads / supports, `role` = "lead" when it leads any of them.
    city (str): only plans of that jurisdiction.
    """
    bipartite = responsibility_graph(store, city)
    plans = _plans_by_source(store)
    graph = nx.Graph(name="plan-responsibility")
    for measure, data in bipartite.nodes(data=True):
        if data["bipartite"] != "measure" or not data["plan"]:
            continue
        plan = data["plan"]
        if plan not in graph:
            title = plans.get(data["source"], {}).get("title")
            graph.add_node(plan, bipartite="plan", label=title or data["source"], title=title or "",
                           source=data["source"], city=data["city"])
        for agency in bipartite.neighbors(measure):
            role = bipartite.edges[agency, measure]["role"]
            if agency not in graph:
                agency_data = bipartite.nodes[agency]
                graph.add_node(agency, bipartite="agency", label=agency_data["label"],
                               agency_type=agency_data["agency_type"], city=data["city"],
                               measures=0, measures_led=0)
            graph.nodes[agency]["measures"] += 1
            graph.nodes[agency]["measures_led"] += int(role == "lead")
            counts = graph.get_edge_data(plan, agency) or {"lead": 0, "support": 0}
            counts[role if role == "lead" else "support"] += 1
            graph.add_edge(plan, agency, lead=counts["lead"], support=counts["support"],
                           role="lead" if counts["lead"] else "support")
    return graph


def co_responsibility_graph(store: "Store", city: str | None = None) -> nx.Graph:
    """Agency pairs that share measures, from `responsibility_graph`: `weight` = number of shared
    measures, `lead_pairs` = measures where one of the two leads, `plans` = plans in which they
    share one. Nodes: every agency of the bipartite graph (also those sharing nothing), with
    `label`, `measures` (their count) and `city` (the jurisdiction of their first measure's plan,
    in source order). city (str): only plans of that jurisdiction."""
    bipartite = responsibility_graph(store, city)
    graph = nx.Graph(name="co-responsibility")
    agencies = [n for n, kind in bipartite.nodes(data="bipartite") if kind == "agency"]
    for agency in agencies:
        graph.add_node(agency, label=bipartite.nodes[agency]["label"],
                       measures=bipartite.degree(agency), city="")
    shared_plans: dict[tuple[str, str], set[str]] = defaultdict(set)
    for measure, data in bipartite.nodes(data=True):
        if data["bipartite"] != "measure":
            continue
        members = sorted(bipartite.neighbors(measure))
        for agency in members:
            graph.nodes[agency]["city"] = graph.nodes[agency]["city"] or data["city"]
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                edge = graph.get_edge_data(a, b) or {"weight": 0, "lead_pairs": 0}
                led = "lead" in (bipartite.edges[a, measure]["role"], bipartite.edges[b, measure]["role"])
                shared_plans[(a, b)].add(data["plan"] or data["source"])
                graph.add_edge(a, b, weight=edge["weight"] + 1, lead_pairs=edge["lead_pairs"] + int(led),
                               plans=len(shared_plans[(a, b)]))
    return graph


def plan_framework_graph(store: "Store", *, evidence: bool = False) -> nx.Graph:
    """Plans and the documents they cite (from the `plans` and `citations` queries).

    Nodes: plans (id = plan IRI, `kind="plan"`, `label` = title, `title`, `source`, `city`,
    `year`) and cited documents (id = IRI, `kind="framework"`, `label` = framework or printed
    title, `title` = the document's own title (eli:title), else the first printed one, `printed`
    = every title plans print for it, " | "-joined, `level` = its pk:level or "", `doc_kind`,
    `citations` = how often plans cite it). Edges: `mentions` (how often the plan cites it),
    `applies` (True when cited in the preamble's 根据/贯彻/落实 clause) and, with evidence=True,
    `evidence` (the plan's text at its first citation of it, up to 500 characters).
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
        graph.add_node(plan, kind="plan", label=row.get("title") or source, title=row.get("title") or "",
                       source=source, city=row.get("jurisdiction") or "", year=year or 0)
    details = _citation_details(store, evidence=evidence)
    printed: dict[str, list[str]] = defaultdict(list)
    for row in store.run_query(load_query("citations")).as_dicts():
        plan, cited = plan_by_source.get(row.get("source") or ""), row.get("cited")
        if not plan or not cited:
            continue
        detail = details.get(row.get("citation") or "", {})
        if cited not in graph:
            graph.add_node(cited, kind="framework", label=row.get("framework") or row.get("title") or "",
                           title=detail.get("cited_title") or row.get("title") or cited,
                           level=detail.get("level") or "", doc_kind=row.get("kind") or "", citations=0)
        graph.nodes[cited]["citations"] += 1
        if row.get("title") and row["title"] not in printed[cited]:
            printed[cited].append(row["title"])
        data = graph.get_edge_data(plan, cited)
        if data is None:
            data = {"mentions": 0, "applies": False}
            if evidence:
                data["evidence"] = detail.get("exact") or ""
        graph.add_edge(plan, cited, **{**data, "mentions": data["mentions"] + 1,
                                       "applies": data["applies"] or row.get("in_preamble") == "true"})
    for cited, titles in printed.items():
        graph.nodes[cited]["printed"] = MULTI_VALUE_SEPARATOR.join(titles)
    for node, kind in graph.nodes(data="kind"):
        if kind == "framework":
            graph.nodes[node].setdefault("printed", "")
    return graph


# What the `citations` query leaves out: the cited document's own title and level, and the
# citation's evidence (the plan's cleaned text between its pk:start and pk:end, up to 500 characters).
_CITATION_DETAILS = """
PREFIX pk: <https://w3id.org/policykg/ns#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?citation ?cited_title ?level ?exact WHERE {
  GRAPH ?g { ?citation a pk:Citation ; pk:refersTo ?cited .
    OPTIONAL { ?cited eli:title ?cited_title } OPTIONAL { ?cited pk:level ?level }
    %s } }
"""
_CITATION_EVIDENCE = """OPTIONAL { ?citation pk:start ?start ; pk:end ?end .
      ?g pk:plan/pk:cleanedText ?text
      BIND(SUBSTR(?text, ?start + 1, IF(?end - ?start > 500, 500, ?end - ?start)) AS ?exact) }"""


def _citation_details(store: "Store", *, evidence: bool) -> dict[str, dict[str, str | None]]:
    """citation IRI -> cited_title, level and (with evidence=True) exact."""
    sparql = _CITATION_DETAILS % (_CITATION_EVIDENCE if evidence else "")
    details: dict[str, dict[str, str | None]] = {}
    for row in store.query(sparql).as_dicts():
        details.setdefault(row["citation"], row)
    return details


def _plans_by_source(store: "Store") -> dict[str, dict[str, str | None]]:
    """source -> that plan's row of the `plans` query (plan IRI, title, jurisdiction, ...)."""
    from policykg.queries import load_query

    return {row["source"]: row for row in store.run_query(load_query("plans")).as_dicts()
            if row.get("source")}


def _year(text: str | None) -> int | None:
    if text and len(text) >= 4 and text[:4].isdigit():
        return int(text[:4])
    return None


__all__ = ["co_responsibility_graph", "plan_framework_graph", "plan_responsibility_graph", "qname",
           "rdf_to_networkx", "responsibility_graph"]
