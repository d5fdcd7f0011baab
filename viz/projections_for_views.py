"""SPARQL over the store -> one networkx graph per interactive view (plan, responsibility,
frameworks, agency, indicator).

Every node carries `label` (short display text), `kind` (a key of page.KINDS), `city` (the plan's
jurisdiction, "" for shared nodes) and `tip` (plain tooltip text: the evidence from the plan);
edges carry `kind` (lead, support, part, cites, applies, ...) and `tip`. Values reach the queries
only as bound substitutions, never spliced into SPARQL. Partner: viz/page.py turns the graph into
HTML; viz/views.py names the views.
"""
from __future__ import annotations

import re

from collections import Counter

import networkx as nx
from pyoxigraph import NamedNode

from policykg.graph.store import Store

from .errors import NothingToShow

PREFIXES = """
PREFIX pk: <https://w3id.org/policykg/ns#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
LABEL_CHARS = 18  # longer labels are cut on the canvas; the tooltip keeps the whole text


def short(text: str | None, limit: int = LABEL_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rows(store: Store, sparql: str, **bound: object) -> list[dict[str, str | None]]:
    return store.query(PREFIXES + sparql, bound or None).as_dicts()


_MARKER = re.compile(r"^\s*[(（]?\s*[一二三四五六七八九十\d]+\s*[)）]?\s*[、.．]?\s*")


def _heading_key(text: str | None) -> str:
    """'1.加强工作统筹' and '加强工作统筹' -> '加强工作统筹' (marker and spaces dropped)."""
    return re.sub(r"\s+", "", _MARKER.sub("", text or ""))


def _tip(*lines: str | None) -> str:
    return "\n".join(line for line in lines if line)


# -- plan: plan -> sections -> measures -> agencies ---------------------------------------------

_PLAN = """
SELECT ?source ?plan ?title ?city ?doc_number ?issued WHERE {
  GRAPH ?g { ?g dcterms:source ?source ; pk:plan ?plan .
    OPTIONAL { ?plan eli:title ?title } OPTIONAL { ?plan pk:jurisdiction/rdfs:label ?city }
    OPTIONAL { ?plan eli:id_local ?doc_number } OPTIONAL { ?plan eli:date_document ?issued } } }
"""
_SECTIONS = """
SELECT ?source ?section ?label ?parent ?depth ?order WHERE {
  GRAPH ?g { ?g dcterms:source ?source .
    ?section a pk:Section ; dcterms:isPartOf ?parent .
    OPTIONAL { ?section rdfs:label ?label } OPTIONAL { ?section pk:depth ?depth }
    OPTIONAL { ?section pk:order ?order_ }
    OPTIONAL { ?section pk:start ?span_start } BIND(COALESCE(?order_, ?span_start) AS ?order) } }
"""
_MEASURES = """
SELECT ?source ?measure ?no ?title ?section ?section_label ?exact ?order WHERE {
  GRAPH ?g { ?g dcterms:source ?source .
    ?measure a pk:Measure .
    OPTIONAL { ?measure pk:measureNo ?no } OPTIONAL { ?measure dcterms:title ?title }
    OPTIONAL { ?measure pk:section ?section } OPTIONAL { ?measure pk:sectionLabel ?section_label }
    OPTIONAL { ?measure pk:start ?exact_start ; pk:end ?exact_end .
      ?g pk:plan/pk:cleanedText ?exact_text
      BIND(SUBSTR(?exact_text, ?exact_start + 1, IF(?exact_end - ?exact_start > 500, 500, ?exact_end - ?exact_start)) AS ?exact) } OPTIONAL { ?measure pk:order ?order_ }
    OPTIONAL { ?measure pk:start ?span_start } BIND(COALESCE(?order_, ?span_start) AS ?order) } }
"""
_ASSIGNMENTS = """
SELECT ?source ?measure ?agency ?label ?printed ?role ?exact WHERE {
  GRAPH ?g { ?g dcterms:source ?source .
    ?assignment a pk:Assignment ; pk:measure ?measure ; pk:agency ?agency .
    OPTIONAL { ?assignment pk:role ?role_ } OPTIONAL { ?assignment pk:agencyName ?printed }
    OPTIONAL { ?assignment pk:start ?exact_start ; pk:end ?exact_end .
      ?g pk:plan/pk:cleanedText ?exact_text
      BIND(SUBSTR(?exact_text, ?exact_start + 1, IF(?exact_end - ?exact_start > 500, 500, ?exact_end - ?exact_start)) AS ?exact) } OPTIONAL { ?agency skos:prefLabel ?label FILTER(LANG(?label) = "zh") } }
  BIND(IF(?role_ = pk:LeadRole, "lead", "support") AS ?role) }
"""


def _sources(store: Store) -> list[str]:
    return sorted(r["source"] for r in _rows(store, """
        SELECT DISTINCT ?source WHERE { GRAPH ?g { ?g dcterms:source ?source ; pk:plan ?p } }"""))


def plan_graph(store: Store, source: str) -> nx.DiGraph:
    """One plan: plan -> sections -> measures -> agencies; lead and support edges differ."""
    plans = _rows(store, _PLAN, source=source)
    if not plans:
        raise NothingToShow("plan with source", source, _sources(store))
    meta = plans[0]
    city = meta["city"] or ""
    graph = nx.DiGraph(title=meta["title"] or source)
    plan = meta["plan"]
    graph.add_node(plan, label=short(meta["title"] or source, 24), kind="plan", city=city, layer=0,
                   source=source,
                   tip=_tip(meta["title"], f"文件: {source}", meta["doc_number"], meta["issued"]))
    measure_rows = _rows(store, _MEASURES, source=source)
    # a measure's own heading (1. / 保障(一)) is also an outline section: show it once, as the measure
    own_headings = {(r["section"], _heading_key(r["title"])) for r in measure_rows}
    section_rows = [r for r in _rows(store, _SECTIONS, source=source)
                    if (r["parent"], _heading_key(r["label"])) not in own_headings]
    for row in sorted(section_rows, key=lambda r: int(r["order"] or 0)):
        depth = int(row["depth"] or 1)
        graph.add_node(row["section"], label=short(row["label"]), kind="section", city=city,
                       layer=depth, tip=_tip(row["label"]))
    for row in section_rows:
        parent = row["parent"] if row["parent"] in graph else plan
        graph.add_edge(parent, row["section"], kind="part", tip="")
    deepest = max((d["layer"] for _, d in graph.nodes(data=True)), default=0)
    measure_layer, agency_layer = deepest + 1, deepest + 2
    for row in sorted(measure_rows, key=lambda r: int(r["order"] or 0)):
        heading = f"{row['no'] or ''} {row['title'] or ''}".strip()
        graph.add_node(row["measure"], label=short(heading), kind="measure", city=city,
                       layer=measure_layer,
                       tip=_tip(f"措施 {heading}", row["section_label"], "", row["exact"]))
        parent = row["section"] if row["section"] in graph else plan
        graph.add_edge(parent, row["measure"], kind="part", tip="")
    for row in _rows(store, _ASSIGNMENTS, source=source):
        if row["measure"] not in graph:
            continue
        name = row["label"] or row["printed"] or row["agency"]
        if row["agency"] not in graph:
            graph.add_node(row["agency"], label=short(name), kind="agency", city=city,
                           layer=agency_layer, tip=_tip(name))
        role = row["role"] or "support"
        graph.add_edge(row["measure"], row["agency"], kind=role,
                       tip=_tip("牵头 lead" if role == "lead" else "配合 support",
                                f"原文: {row['printed']}" if row["printed"] else None, row["exact"]))
    return graph


# -- responsibility: agencies across plans, sized by measures led ------------------------------
# The counts are graph/export/projections.py's `plan_responsibility_graph`; this view only decorates it.


def _cities(store: Store) -> list[str]:
    return sorted({r["city"] for r in _rows(store, """
        SELECT DISTINCT ?city WHERE { GRAPH ?g { ?g pk:plan ?p . ?p pk:jurisdiction/rdfs:label ?city } }""")
        if r["city"]})


def _check_city(store: Store, city: str | None) -> None:
    if city and city not in _cities(store):
        raise NothingToShow("plan for city", city, _cities(store))


def responsibility_view_graph(store: Store, city: str | None = None) -> nx.Graph:
    """The responsibility view: graph/export/projections.py's plans–agencies projection, decorated; an
    agency's size is the number of measures it leads."""
    from policykg.graph.export.projections import plan_responsibility_graph

    _check_city(store, city)
    projection = plan_responsibility_graph(store, city)
    graph = nx.Graph()
    for node, data in projection.nodes(data=True):
        if data["bipartite"] == "plan":
            graph.add_node(node, label=short(data["label"], 20), kind="plan", source=data["source"],
                           city=data["city"], tip=_tip(data["title"], f"文件: {data['source']}"))
        else:
            led, agency_type = data["measures_led"], data["agency_type"]
            graph.add_node(node, label=short(data["label"]), kind="agency", city=data["city"], size=led,
                           tip=_tip(data["label"], agency_type and f"类型: {agency_type}",
                                    f"牵头措施 measures led: {led}"))
    for plan, agency, data in projection.edges(data=True):
        graph.add_edge(plan, agency, kind=data["role"], weight=data["lead"] + data["support"],
                       tip=f"牵头 {data['lead']} · 配合 {data['support']}")
    return graph


# -- frameworks: plans <-> cited documents, national vs provincial -----------------------------
# The citations are graph/export/projections.py's `plan_framework_graph`; this view only decorates it.

def document_level(title: str, stated: str | None = None) -> str:
    """national | provincial | local for a cited document: the graph's pk:level when present,
    else the administrative level of a place that opens its title (四川省… -> provincial)."""
    if stated:
        stated = stated.lower()
        if stated in ("national", "country", "central"):
            return "national"
        return "provincial" if stated == "province" or stated == "provincial" else "local"
    from policykg.extract.gazetteer import find_place

    found = find_place(title, allow_short=False)
    if found is None or found[1] != 0:
        return "national"
    return "provincial" if found[0].level == "province" else "local"


def frameworks_view_graph(store: Store) -> nx.Graph:
    """The frameworks view: graph/export/projections.py's `plan_framework_graph` (plans and the
    documents they cite), decorated: cites vs applies edges, documents styled by level; plans
    that cite nothing are left out."""
    from policykg.graph.export.projections import MULTI_VALUE_SEPARATOR, plan_framework_graph

    projection = plan_framework_graph(store, evidence=True)
    graph = nx.Graph()
    for node, data in projection.nodes(data=True):
        if data["kind"] == "plan" and projection.degree(node):
            graph.add_node(node, label=short(data["label"], 20), kind="plan", source=data["source"],
                           city=data["city"], tip=_tip(data["title"], f"文件: {data['source']}"))
        elif data["kind"] == "framework":
            title, cited_by = data["title"], projection.degree(node)
            names = sorted(set(data["printed"].split(MULTI_VALUE_SEPARATOR)) - {title, ""})
            graph.add_node(node, label=short(title), kind=f"doc-{document_level(title, data['level'])}",
                           city="", title=title, doc_kind=data["doc_kind"], cites=data["citations"],
                           size=cited_by,
                           tip=_tip(title, data["doc_kind"] and f"类型: {data['doc_kind']}",
                                    f"被 {cited_by} 个方案引用", names and "原文标题: " + "；".join(names)))
    for plan, cited, data in projection.edges(data=True):
        if projection.nodes[plan]["kind"] != "plan":
            plan, cited = cited, plan
        applies = data["applies"]
        graph.add_edge(plan, cited, kind="applies" if applies else "cites",
                       tip=_tip("贯彻落实 applies" if applies else "引用 cites", data["evidence"]))
    return graph


# -- agency: ego network -------------------------------------------------------------------------

_AGENCY_BY_LABEL = """
SELECT DISTINCT ?agency ?name WHERE {
  GRAPH ?g { ?agency a pk:Agency . { ?agency skos:prefLabel ?l } UNION { ?agency skos:altLabel ?l } }
  FILTER(STR(?l) = ?name) }
"""  # ?name is bound to a plain string; STR() of a non-ASCII constant matches nothing on Virtuoso 7.2
_AGENCY_EXISTS = "SELECT ?agency WHERE { GRAPH ?g { ?agency a pk:Agency } } LIMIT 1"
_EGO = """
SELECT ?agency ?source ?plan ?title ?city ?measure ?no ?mtitle ?exact ?other ?other_label ?role
       ?assignment_exact WHERE {
  GRAPH ?g { ?g dcterms:source ?source ; pk:plan ?plan .
    ?mine a pk:Assignment ; pk:agency ?agency ; pk:measure ?measure .
    ?assignment a pk:Assignment ; pk:measure ?measure ; pk:agency ?other .
    OPTIONAL { ?assignment pk:role ?role_ } OPTIONAL { ?assignment pk:start ?assignment_exact_start ; pk:end ?assignment_exact_end .
      ?g pk:plan/pk:cleanedText ?assignment_exact_text
      BIND(SUBSTR(?assignment_exact_text, ?assignment_exact_start + 1, IF(?assignment_exact_end - ?assignment_exact_start > 500, 500, ?assignment_exact_end - ?assignment_exact_start)) AS ?assignment_exact) }
    OPTIONAL { ?other skos:prefLabel ?other_label FILTER(LANG(?other_label) = "zh") }
    OPTIONAL { ?plan eli:title ?title } OPTIONAL { ?plan pk:jurisdiction/rdfs:label ?city }
    OPTIONAL { ?measure pk:measureNo ?no } OPTIONAL { ?measure dcterms:title ?mtitle }
    OPTIONAL { ?measure pk:start ?exact_start ; pk:end ?exact_end .
      ?g pk:plan/pk:cleanedText ?exact_text
      BIND(SUBSTR(?exact_text, ?exact_start + 1, IF(?exact_end - ?exact_start > 500, 500, ?exact_end - ?exact_start)) AS ?exact) } }
  BIND(IF(?role_ = pk:LeadRole, "lead", "support") AS ?role) }
"""


def resolve_agencies(store: Store, agency: str) -> list[str]:
    """Agency IRIs for an IRI or a label (prefLabel or any printed form)."""
    if agency.startswith(("http://", "https://")):
        try:
            node = NamedNode(agency)
        except ValueError:
            node = None
        if node is not None and _rows(store, _AGENCY_EXISTS, agency=node):
            return [agency]
    else:
        found = sorted({r["agency"] for r in _rows(store, _AGENCY_BY_LABEL, name=agency)})
        if found:
            return found
    labels = sorted({r["l"] for r in _rows(store, """
        SELECT DISTINCT ?l WHERE { GRAPH ?g { ?a a pk:Agency ; skos:prefLabel ?l FILTER(LANG(?l) = "zh") } }""")})
    raise NothingToShow("agency", agency, labels)


def agency_graph(store: Store, agency: str) -> tuple[nx.Graph, list[str]]:
    """The agency, the measures it is assigned (lead/support), their plans and co-assigned agencies.
    Returns the graph and the centre node(s)."""
    centres = resolve_agencies(store, agency)
    graph = nx.Graph()
    shared: Counter = Counter()
    for centre in centres:
        for row in _rows(store, _EGO, agency=NamedNode(centre)):
            city = row["city"] or ""
            if row["plan"] not in graph:
                graph.add_node(row["plan"], label=short(row["title"] or row["source"], 20),
                               kind="plan", city=city, source=row["source"], tip=_tip(row["title"], f"文件: {row['source']}"))
            if row["measure"] not in graph:
                heading = f"{row['no'] or ''} {row['mtitle'] or ''}".strip()
                graph.add_node(row["measure"], label=short(heading), kind="measure", city=city,
                               tip=_tip(f"措施 {heading}", "", row["exact"]))
                graph.add_edge(row["plan"], row["measure"], kind="part", tip="")
            other = row["other"]
            if other not in graph:
                name = row["other_label"] or other
                graph.add_node(other, label=short(name), kind="agency", city=city, tip=_tip(name))
            if other != centre:
                shared[other] += 1
            graph.add_edge(row["measure"], other, kind=row["role"],
                           tip=_tip("牵头 lead" if row["role"] == "lead" else "配合 support",
                                    row["assignment_exact"]))
    for centre in centres:
        if centre not in graph:  # named in the store but assigned nothing
            label = _rows(store, "SELECT ?agency ?l WHERE { GRAPH ?g { ?agency skos:prefLabel ?l FILTER(LANG(?l) = \"zh\") } }",
                          agency=NamedNode(centre))
            name = label[0]["l"] if label else centre
            graph.add_node(centre, label=short(name), kind="agency", city="", tip=_tip(name))
        graph.nodes[centre]["kind"] = "focus"
        graph.nodes[centre]["size"] = 3
    for other, n in shared.items():
        if graph.nodes[other]["kind"] == "agency":
            graph.nodes[other]["size"] = n
            graph.nodes[other]["tip"] += f"\n共同措施 shared measures: {n}"
    return graph, centres


# -- indicator: targets across cities and years ------------------------------------------------

_TARGETS = """
SELECT ?source ?plan ?title ?city ?target ?indicator ?printed ?value ?value_max ?unit ?year
       ?comparator ?text ?kind ?annual ?base_value ?base_unit
WHERE {
  GRAPH ?g { ?g dcterms:source ?source ; pk:plan ?plan .
    ?target a pk:Target ; pk:indicatorLabel ?printed .
    OPTIONAL { ?target pk:indicator ?canonical }
    OPTIONAL { ?plan eli:title ?title } OPTIONAL { ?plan pk:jurisdiction/rdfs:label ?city }
    OPTIONAL { ?target pk:value ?value } OPTIONAL { ?target pk:valueMax ?value_max }
    OPTIONAL { ?target pk:unit ?unit } OPTIONAL { ?target pk:deadlineYear ?year }
    OPTIONAL { ?target pk:comparator ?comparator } OPTIONAL { ?target pk:text ?text }
    OPTIONAL { ?target pk:targetKind ?kind } OPTIONAL { ?target pk:annual ?annual }
    OPTIONAL { ?target pk:baseValue ?base_value } OPTIONAL { ?target pk:baseUnit ?base_unit } }
  # the indicator vocabulary's name when the target is linked to one, else the printed name;
  # pk:none names no concept (an unbound ?canonical would match every prefLabel of the store)
  BIND(COALESCE(?canonical, pk:none) AS ?canonical_key)
  OPTIONAL { ?canonical_key skos:prefLabel ?canonical_label FILTER(LANG(?canonical_label) = "zh") }
  BIND(STR(COALESCE(?canonical_label, ?printed)) AS ?indicator) }
"""
_COMPARATOR = {">=": "≥", "<=": "≤", "=": "", "range": ""}


def target_rows(store: Store, indicator: str | None = None) -> list[dict[str, str | None]]:
    """Target rows (all, or one indicator's, by its canonical or printed name); `indicator` is
    the indicator vocabulary's name when the target links to one. RAISES: NothingToShow."""
    rows = _rows(store, _TARGETS)
    if indicator:
        chosen = [r for r in rows if indicator in (r["indicator"], r["printed"])]
        if not chosen:
            common = [name for name, _ in Counter(r["indicator"] for r in rows).most_common()]
            raise NothingToShow("indicator", indicator, common)
        rows = chosen
    return rows


def target_value(row: dict[str, str | None]) -> str:
    value = row["value"] or ""
    if row["value_max"] and row["comparator"] == "range":
        value = f"{value}–{row['value_max']}"
    return f"{_COMPARATOR.get(row['comparator'] or '', '')}{value}{row['unit'] or ''}"


def indicator_graph(store: Store, indicator: str | None = None) -> nx.Graph:
    """Indicators, the cities that set targets for them, and the target years."""
    graph = nx.Graph()
    for row in target_rows(store, indicator):
        city = row["city"] or row["source"] or ""
        city_node = f"city:{city}"
        if city_node not in graph:
            graph.add_node(city_node, label=short(city, 10), kind="city", city=city,
                           tip=_tip(city, row["title"]))
        ind_node = f"indicator:{row['indicator']}"
        if ind_node not in graph:
            graph.add_node(ind_node, label=short(row["indicator"]), kind="indicator", city="",
                           indicator=row["indicator"],
                           tip=_tip(f"指标 {row['indicator']}"), size=0)
        graph.nodes[ind_node]["size"] += 1
        value = target_value(row)
        year = row["year"] or "?"
        graph.add_node(row["target"], label=short(f"{value} ({year})"), kind="target", city=city,
                       tip=_tip(f"{row['indicator']}: {value}", f"{city} · {year}年", "", row["text"]))
        graph.add_edge(row["target"], ind_node, kind="part", tip="")
        graph.add_edge(row["target"], city_node, kind="part", tip="")
        if row["year"]:
            year_node = f"year:{row['year']}"
            if year_node not in graph:
                graph.add_node(year_node, label=f"{row['year']}年", kind="year", city="",
                               tip=f"{row['year']}年")
            graph.add_edge(row["target"], year_node, kind="year", tip="")
    return graph


# -- network: the co-responsibility network of agencies, coloured by community ------------------
# The pairs are graph/export/projections.py's `co_responsibility_graph`; this view only decorates it.

# Colours of the network view's communities (1 = largest). Each community is a node kind in
# page.KINDS, so the legend names it and its checkbox filters it; communities past the palette
# share one grey kind.
COMMUNITY_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                     "#b07aa1", "#ff9da7", "#9c755f", "#1b9e77", "#d95f02", "#7570b3")
OTHER_COMMUNITY = "community-other"


def _register_network_kinds() -> None:
    from .page import EDGE_KINDS, KINDS

    for number, colour in enumerate(COMMUNITY_COLOURS, start=1):
        KINDS.setdefault(f"community-{number}", (f"社群 community {number}", colour, "dot"))
    KINDS.setdefault(OTHER_COMMUNITY, ("其他社群 other communities", "#c7c7c7", "dot"))
    EDGE_KINDS.setdefault("shared", ("共同措施 shared measures (width)", "#9e9e9e", False, 1.0))


_register_network_kinds()

_ANALYSIS_METRICS = """
SELECT ?agency ?betweenness ?degree_centrality ?degree ?community WHERE {
  GRAPH <%s> { ?agency pk:betweenness ?betweenness .
    OPTIONAL { ?agency pk:degreeCentrality ?degree_centrality }
    OPTIONAL { ?agency pk:coAgencies ?degree } OPTIONAL { ?agency pk:community ?community } } }
"""
def community_kind(community: int | None) -> str:
    """The node kind (page.KINDS key) that colours a community."""
    if community is not None and 1 <= community <= len(COMMUNITY_COLOURS):
        return f"community-{community}"
    return OTHER_COMMUNITY


def analysis_metrics(store: Store) -> dict[str, dict[str, float | int | None]]:
    """agency IRI -> betweenness, degree_centrality, degree, community as `policykg analyze`
    stored them in id:graph/analysis; empty when analyze has not run."""
    from policykg.graph.analysis.analysis_graph import ANALYSIS_GRAPH

    metrics = {}
    for row in _rows(store, _ANALYSIS_METRICS % ANALYSIS_GRAPH.value):
        metrics[row["agency"]] = {
            "betweenness": float(row["betweenness"] or 0),
            "degree_centrality": float(row["degree_centrality"]) if row["degree_centrality"] else None,
            "degree": int(row["degree"]) if row["degree"] else None,
            "community": int(row["community"]) if row["community"] else None}
    return metrics


def _computed_metrics(graph: nx.Graph) -> dict[str, dict[str, float | int | None]]:
    """The same measures as graph/analysis/metrics.py (unweighted normalised betweenness, Louvain with
    weight and seed 1, numbered by size), computed on the view's own graph."""
    from policykg.graph.analysis.metrics import communities

    betweenness = nx.betweenness_centrality(graph) if graph.number_of_nodes() > 2 else {}
    degree_centrality = nx.degree_centrality(graph) if graph.number_of_nodes() > 1 else {}
    community = communities(graph)
    return {n: {"betweenness": round(betweenness.get(n, 0.0), 4),
                "degree_centrality": round(degree_centrality.get(n, 0.0), 4),
                "degree": graph.degree(n), "community": community.get(n)} for n in graph}


def network_view_graph(store: Store, city: str | None = None) -> nx.Graph:
    """The network view: graph/export/projections.py's `co_responsibility_graph` (agencies linked when
    they share measures), decorated: agencies sharing nothing are left out, edge `weight` = shared
    measures, node `size` = betweenness, kind = community. Metrics come from id:graph/analysis
    when `policykg analyze` has run, else are computed here; graph attribute `metrics` says which
    ("analysis" | "computed")."""
    from policykg.graph.export.projections import co_responsibility_graph

    _check_city(store, city)
    projection = co_responsibility_graph(store, city)
    labels = {node: data["label"] or node for node, data in projection.nodes(data=True)}
    graph = nx.Graph(title="")
    # heaviest pairs first, as the `co_responsibility` named query lists them (the layout and the
    # communities follow insertion order)
    pairs = sorted((sorted((a, b)) + [data] for a, b, data in projection.edges(data=True)),
                   key=lambda pair: (-pair[2]["weight"], labels[pair[0]], labels[pair[1]]))
    for a, b, data in pairs:
        shared = data["weight"]
        graph.add_edge(a, b, kind="shared", weight=shared,
                       tip=_tip(f"{labels[a]} — {labels[b]}", f"共同措施 shared measures: {shared}",
                                f"方案 plans: {data['plans']}"))
    stored = analysis_metrics(store)
    source = "analysis" if stored and all(n in stored for n in graph) else "computed"
    metrics = stored if source == "analysis" else _computed_metrics(graph)
    graph.graph["metrics"] = source
    note = "policykg analyze (id:graph/analysis)" if source == "analysis" else "computed for this view"
    for node in graph:
        m = metrics.get(node, {})
        place, measures = projection.nodes[node]["city"], projection.nodes[node]["measures"]
        betweenness = float(m.get("betweenness") or 0.0)
        graph.nodes[node].update(
            label=short(labels[node]), kind=community_kind(m.get("community")), city=place,
            size=betweenness,
            tip=_tip(labels[node], place and f"城市 city: {place}",
                     f"度 degree (co-agencies): {m.get('degree') if m.get('degree') is not None else graph.degree(node)}",
                     f"介数中心性 betweenness: {betweenness:.4f}",
                     f"社群 community: {m.get('community') if m.get('community') is not None else '—'}",
                     f"措施 measures: {measures}", f"({note})"))
    return graph
