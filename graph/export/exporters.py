"""Subgraph exports: selectors -> a `Subgraph` of quads -> one of the `EXPORTERS` formats.

`select(store, Selection(...))` picks document graphs (plans, cities), seed nodes (agencies,
frameworks, indicators) and their N-hop neighbourhood, or runs a user CONSTRUCT. `EXPORTERS` is the
one format registry the CLI (`policykg export`), the notebook API and the web app share
(STYLE.md §8: a format is one entry). RDF formats keep IRIs and named graphs; GraphML, GEXF and
CSV go through projections.py `rdf_to_networkx`. Docs: docs/export.md.
The store keeps facts compact (graph/rdf.py, issue #24): a fact's span is pk:start / pk:end on the
fact, its plan is its named graph's, and pk:order is stated only where the spans do not give
document order. `web_annotation` adds the full W3C Web Annotation selectors (a selector node per
fact, its types and the quoted oa:exact); triple formats and property graphs, which lose the
graph names, get each fact's pk:plan and pk:order back (`derived_quads`).
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from policykg.errors import NothingSelected, PolicyKGError
from policykg.ontology import DCTERMS, ELI, OA, ORG, PK, PREFIXES, PROV, RDF, RDFS, SKOS, XSD

from .projections import local_name, rdf_to_networkx

if TYPE_CHECKING:
    import networkx as nx
    import rdflib

    from ..store import Store

# Links the neighbourhood walk does not follow: they point at hubs shared by most of the graph
# (classes, the lead/support roles, agency types, the extractor, leading-group roles), so one hop
# through them would reach nearly everything.
NOT_WALKED = frozenset({RDF + "type", PK + "role", ORG + "classification", ORG + "role",
                        PROV + "wasAssociatedWith"})


@dataclass
class Selection:
    """What to export. Every list is a union; an empty Selection means every document.

    plans: source file names, plan IRIs or document-graph IRIs.
    cities: plan jurisdictions as printed (a province matches its provincial plans).
    agencies: agency labels (canonical or any printed form) or IRIs.
    frameworks: cited-document titles (matched after title normalisation, as a substring) or IRIs.
    indicators: text contained in a target's indicator label.
    hops: neighbourhood depth; default 1 around agencies/frameworks/indicators, 0 for plans only.
    construct: a CONSTRUCT query (SPARQL text or a .rq path) whose triples are added.
    web_annotation: give every evidence selector its W3C Web Annotation form: the types
        oa:TextPositionSelector and oa:TextQuoteSelector and oa:exact, the span's text (at most
        EXACT_MAX_CHARS characters) from the plan's pk:cleanedText (`web_annotation_quads`).
    vocabulary: also export the vocabulary graphs (ontology, agency types: every named graph
        that is not a document's), so another store answers the named queries the same way.
    """

    plans: Sequence[str] = ()
    cities: Sequence[str] = ()
    agencies: Sequence[str] = ()
    frameworks: Sequence[str] = ()
    indicators: Sequence[str] = ()
    hops: int | None = None
    construct: str | Path | None = None
    vocabulary: bool = False
    web_annotation: bool = False

    @property
    def has_plans(self) -> bool:
        return bool(self.plans or self.cities)

    @property
    def has_entities(self) -> bool:
        return bool(self.agencies or self.frameworks or self.indicators)


@dataclass
class Subgraph:
    """The quads selected for export (sorted, no duplicates) and each plan's year.

    `years` maps a document-graph IRI to its plan's year (issue date, else first period year);
    `node_years` gives every node the earliest year of the graphs that describe it.
    """

    quads: list[ox.Quad]
    years: dict[str, int] = field(default_factory=dict)
    # pk:plan and pk:order of the facts among `quads`, which the store derives from the named
    # graph and the spans (`derived_quads`): written where graph names are lost
    derived: list[ox.Quad] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.quads)

    @property
    def triples(self) -> list[ox.Triple]:
        """The quads without their graph names, duplicates dropped (for triple formats), with
        each fact's pk:plan and pk:order (`derived`): the graph name no longer says the plan."""
        unique = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object)
                               for q in (*self.quads, *self.derived))
        return list(unique)

    @property
    def graphs(self) -> list[str]:
        return sorted({q.graph_name.value for q in self.quads if isinstance(q.graph_name, ox.NamedNode)})

    def node_years(self) -> dict[str, int]:
        years: dict[str, int] = {}
        for quad in self.quads:
            graph = quad.graph_name
            year = self.years.get(graph.value) if isinstance(graph, ox.NamedNode) else None
            if year is None:
                continue
            for term in (quad.subject, quad.object):
                if isinstance(term, ox.NamedNode) and (term.value not in years or year < years[term.value]):
                    years[term.value] = year
        return years

    def to_rdflib(self, *, named_graphs: bool = False) -> "rdflib.Graph":
        """An rdflib Graph of the triples, or an rdflib Dataset keeping the named graphs."""
        import rdflib

        if named_graphs:
            dataset = rdflib.Dataset()
            dataset.parse(data=ox.serialize(self.quads, format=ox.RdfFormat.N_QUADS).decode("utf-8"),
                          format="nquads")
            return dataset
        graph = rdflib.Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        graph.parse(data=ox.serialize(self.triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"),
                    format="nt")
        return graph

    def to_networkx(self) -> "nx.DiGraph":
        """The property graph GraphML, GEXF and CSV exports write (graph/export/projections.py)."""
        return rdf_to_networkx([*self.quads, *self.derived], years=self.node_years())


# -- selecting ------------------------------------------------------------------------------------


def select(store: "Store", selection: Selection | None = None) -> Subgraph:
    """The subgraph `selection` describes (docs/export.md "Selectors").

    1. `plans`/`cities` choose document graphs: the scope. With nothing else selected they are
       exported whole; `hops` N > 0 then walks N links out of them through shared nodes
       (agencies, cited documents, places) into every document.
    2. `agencies`/`frameworks`/`indicators` choose seed nodes; the export is every node within
       `hops` links of a seed (both directions), described by its triples in the scope graphs
       (all documents when no plan is chosen).
    3. `construct` adds the triples of a CONSTRUCT query (in the default graph).
    RAISES: NothingSelected (a selector that matches nothing), QueryFailed, PolicyKGError.
    """
    selection = selection or Selection()
    if selection.hops is not None and selection.hops < 0:
        raise PolicyKGError(f"--hops must be 0 or more, not {selection.hops}")
    raw = store.raw
    documents = [d.graph for d in store.documents()]
    years = _plan_years(store)
    # Whole graphs are copied as they are (their quads are distinct already); only the quads a
    # walk or a CONSTRUCT adds are deduplicated (hashing pyoxigraph terms is the slow part).
    whole: list[str] = []
    extra: set[ox.Quad] = set()

    scope = documents
    if selection.has_plans:
        scope = sorted(set(_match_plans(store, selection.plans, documents))
                       | set(_match_cities(store, selection.cities)))
    nothing_chosen = not (selection.has_plans or selection.has_entities or selection.construct)

    if selection.has_entities:
        seeds = (_match_agencies(store, selection.agencies) | _match_frameworks(store, selection.frameworks)
                 | _match_indicators(store, selection.indicators, scope))
        hops = 1 if selection.hops is None else selection.hops
        extra |= _neighbourhood(raw, seeds, hops, scope)
    elif selection.has_plans or nothing_chosen:
        whole.extend(scope)
        if selection.hops:
            start = {t.value for g in scope for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(g))
                     for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
            extra |= _neighbourhood(raw, start, selection.hops, documents)
    if selection.construct:
        extra.update(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                     for t in construct_triples(store, selection.construct))
    if selection.vocabulary:  # every named graph that is not a document's: ontology, SKOS schemes
        whole.extend(sorted(set(store.named_graphs()) - set(documents)))
    copied = set(whole)
    ordered = [q for graph in whole for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
    ordered += sorted((q for q in extra if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in copied)),
                      key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    present = copied | {q.graph_name.value for q in extra if isinstance(q.graph_name, ox.NamedNode)}
    if selection.web_annotation:
        ordered += web_annotation_quads(store, ordered)
    return Subgraph(ordered, {g: y for g, y in years.items() if g in present},
                    derived_quads(store, ordered))


_EVIDENCE, _CLEANED_TEXT, _PLAN = ox.NamedNode(PK + "evidence"), ox.NamedNode(PK + "cleanedText"), ox.NamedNode(PK + "plan")
_OA_START, _OA_END = ox.NamedNode(OA + "start"), ox.NamedNode(OA + "end")
_SPAN_START, _SPAN_END, _ORDER = ox.NamedNode(PK + "start"), ox.NamedNode(PK + "end"), ox.NamedNode(PK + "order")
# the extracted facts of a document graph (graph/rdf.py): each had pk:plan and pk:order before #24
FACT_CLASSES = frozenset(PK + c for c in ("Section", "Measure", "Assignment", "Citation", "PlaceMention",
                                          "Target", "Incentive", "LeadingGroup", "GroupMembership",
                                          "Correction"))


def derived_quads(store: "Store", quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """What the compact graph leaves to its named graphs and spans, stated again for the facts
    among `quads` (in their graph): pk:plan (the plan the graph names) and, where the plan does
    not state it, pk:order (the fact's rank by pk:start among the facts of its class in that
    graph, counted over the whole graph in the store, so a partial export numbers as a full one).
    RETURNS (list[Quad]): only quads not already in `quads`."""
    facts = {(q.subject, q.graph_name): q.object.value for q in quads
             if q.predicate == _RDF_TYPE and isinstance(q.object, ox.NamedNode) and q.object.value in FACT_CLASSES}
    if not facts:
        return []
    present = set(quads)
    raw = store.raw
    plans: dict[object, object] = {}
    ranks: dict[tuple, dict] = {}

    def rank(graph, cls: str, node) -> int | None:
        if (graph, cls) not in ranks:
            starts = []
            for typed in raw.quads_for_pattern(None, _RDF_TYPE, ox.NamedNode(cls), graph):
                start = next((int(s.object.value) for s in raw.quads_for_pattern(typed.subject, _SPAN_START, None, graph)), None)
                if start is not None:
                    starts.append((start, str(typed.subject), typed.subject))
            ranks[(graph, cls)] = {n: i for i, (_, _, n) in enumerate(sorted(starts), 1)}
        return ranks[(graph, cls)].get(node)

    out: list[ox.Quad] = []
    for (node, graph), cls in sorted(facts.items(), key=lambda kv: (str(kv[0][1]), str(kv[0][0]))):
        if not isinstance(graph, ox.NamedNode):
            continue
        if graph not in plans:
            plans[graph] = next((q.object for q in raw.quads_for_pattern(graph, _PLAN, None, graph)), None)
        added = []
        if plans[graph] is not None:
            added.append(ox.Quad(node, _PLAN, plans[graph], graph))
        if not any(True for _ in raw.quads_for_pattern(node, _ORDER, None, graph)):
            number = rank(graph, cls, node)
            if number is not None:
                added.append(ox.Quad(node, _ORDER, ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer")), graph))
        out.extend(q for q in added if q not in present)
    return out
_OA_EXACT, _RDF_TYPE = ox.NamedNode(OA + "exact"), ox.NamedNode(RDF + "type")
_SELECTOR_TYPES = (ox.NamedNode(OA + "TextPositionSelector"), ox.NamedNode(OA + "TextQuoteSelector"))


# The analysis graph's compact evidence (graph/analysis/analysis_graph.py `_Quads.evidence`): a
# classification's node names the field of its pk:measure, a reuse side names the node whose text
# (pk:textOf), the field following from that node's class. The field -> the predicate holding it.
_TEXT_OF, _FIELD, _MEASURE = ox.NamedNode(PK + "textOf"), ox.NamedNode(PK + "field"), ox.NamedNode(PK + "measure")
_FRAMEWORK_ITEM = ox.NamedNode(PK + "FrameworkItem")
ANALYSIS_FIELDS = {"body": PK + "body", "title": DCTERMS + "title", "section": PK + "sectionLabel",
                   "kind": PK + "measureKind", "text": PK + "text"}


def web_annotation_quads(store: "Store", quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """The W3C Web Annotation form of the evidence selectors among `quads` (objects of
    pk:evidence with oa:start and oa:end), in the selector's graph: its two selector types and
    oa:exact, the span of the plan's cleaned text (as graph/rdf.py wrote it before issue #24).
    Evidence in the analysis graph gets back what `policykg analyze` wrote before its evidence was
    compact: pk:textOf and pk:field both, and oa:exact quoting the whole span of that field
    (`_analysis_text`).
    RETURNS (list[Quad]): only the quads not already in `quads`."""
    from ..rdf import ANALYSIS_GRAPH, EXACT_MAX_CHARS

    present = set(quads)
    selectors = {(q.object, q.graph_name) for q in quads if q.predicate == _EVIDENCE}
    owners = {(q.object, q.graph_name): q.subject for q in quads
              if q.predicate == _EVIDENCE and q.graph_name == ANALYSIS_GRAPH}
    spans: dict[tuple, dict[str, int]] = {}
    for quad in quads:
        if quad.predicate in (_OA_START, _OA_END) and (quad.subject, quad.graph_name) in selectors:
            spans.setdefault((quad.subject, quad.graph_name), {})[quad.predicate.value] = int(quad.object.value)
    # a fact's own span (pk:start / pk:end) gets the selector node <fact/evidence> it had before #24
    links: list[ox.Quad] = []
    for quad in quads:
        if quad.predicate in (_SPAN_START, _SPAN_END) and isinstance(quad.subject, ox.NamedNode):
            selector = ox.NamedNode(quad.subject.value + "/evidence")
            key = (selector, quad.graph_name)
            if key not in selectors:
                selectors.add(key)
                links.append(ox.Quad(quad.subject, _EVIDENCE, selector, quad.graph_name))
            name = OA + ("start" if quad.predicate == _SPAN_START else "end")
            spans.setdefault(key, {})[name] = int(quad.object.value)
    texts: dict[object, str | None] = {}

    def text_of(graph) -> str | None:
        if graph not in texts:
            texts[graph] = None
            if isinstance(graph, ox.NamedNode):
                for link in store.raw.quads_for_pattern(graph, _PLAN, None, graph):
                    for found in store.raw.quads_for_pattern(link.object, _CLEANED_TEXT, None, graph):
                        texts[graph] = found.object.value
        return texts[graph]

    out: list[ox.Quad] = [q for q in links if q not in present]
    for selector, graph in sorted(selectors, key=lambda k: (str(k[1]), str(k[0]))):
        span = spans.get((selector, graph), {})
        start, end = span.get(OA + "start"), span.get(OA + "end")
        if start is None or end is None:
            continue
        added = [ox.Quad(selector, _OA_START, ox.Literal(str(start), datatype=ox.NamedNode(XSD + "integer")), graph),
                 ox.Quad(selector, _OA_END, ox.Literal(str(end), datatype=ox.NamedNode(XSD + "integer")), graph)]
        added += [ox.Quad(selector, _RDF_TYPE, kind, graph) for kind in _SELECTOR_TYPES]
        if graph == ANALYSIS_GRAPH:
            holder, field_name, text = _analysis_text(store.raw, selector, owners.get((selector, graph)))
            if holder is not None:
                added.append(ox.Quad(selector, _TEXT_OF, holder, graph))
            if field_name is not None:
                added.append(ox.Quad(selector, _FIELD, ox.Literal(field_name), graph))
            if text is not None and 0 <= start < end <= len(text):
                added.append(ox.Quad(selector, _OA_EXACT, ox.Literal(text[start:end], language="zh"), graph))
        else:
            text = text_of(graph)
            if text is not None and 0 <= start < end:
                added.append(ox.Quad(selector, _OA_EXACT, ox.Literal(text[start:end][:EXACT_MAX_CHARS], language="zh"), graph))
        out.extend(q for q in added if q not in present)
    return out


def _analysis_text(raw: ox.Store, selector: ox.NamedNode, owner) -> tuple[object, str | None, str | None]:
    """(the node whose text, its field, that text) of an evidence node of the analysis graph: the
    node from pk:textOf, else the pk:measure of the classification owning the evidence; the field
    from pk:field, else `text` for a framework item and `body` for a measure. The text is read from
    the store (a measure's in its plan's graph, a framework item's in the analysis graph). The whole
    span is quoted, as `analyze` wrote oa:exact before its evidence was compact."""
    from ..rdf import ANALYSIS_GRAPH

    def first(subject, predicate, graph=ANALYSIS_GRAPH):
        return next((q.object for q in raw.quads_for_pattern(subject, predicate, None, graph)), None)

    holder = first(selector, _TEXT_OF)
    if holder is None and owner is None:
        owner = next((q.subject for q in raw.quads_for_pattern(None, _EVIDENCE, selector, ANALYSIS_GRAPH)), None)
    if holder is None and owner is not None:
        holder = first(owner, _MEASURE)
    field_literal = first(selector, _FIELD)
    field_name = field_literal.value if field_literal is not None else None
    if field_name is None and holder is not None:
        is_item = any(True for _ in raw.quads_for_pattern(holder, _RDF_TYPE, _FRAMEWORK_ITEM, ANALYSIS_GRAPH))
        field_name = "text" if is_item else "body"
    predicate = ANALYSIS_FIELDS.get(field_name or "")
    text = None
    if holder is not None and predicate is not None:
        found = first(holder, ox.NamedNode(predicate), None)
        text = found.value if found is not None else None
    return holder, field_name, text


def construct_triples(store: "Store", query: str | Path) -> list[ox.Triple]:
    """Run a CONSTRUCT (SPARQL text, or a path to a .rq file) over the union of all graphs."""
    text = str(query)
    path = Path(text)
    if text.endswith(".rq") or (len(text) < 1024 and "\n" not in text and path.is_file()):
        if not path.is_file():
            raise PolicyKGError(f"--construct: no such file {text}")
        text = path.read_text(encoding="utf-8")
    results = store.query(text)
    if results.triples is None:
        raise PolicyKGError("--construct needs a CONSTRUCT or DESCRIBE query, not a SELECT or ASK")
    return list(results.triples)


def _neighbourhood(raw: ox.Store, seeds: set[str], hops: int, graphs: Iterable[str]) -> set[ox.Quad]:
    """Triples (in `graphs`) of every node within `hops` links of `seeds`, both directions."""
    graph_nodes = [ox.NamedNode(g) for g in graphs]
    out_links: dict[str, list[ox.Quad]] = defaultdict(list)
    in_links: dict[str, list[ox.Quad]] = defaultdict(list)
    for graph in graph_nodes:
        for quad in raw.quads_for_pattern(None, None, None, graph):
            out_links[quad.subject.value].append(quad)
            if isinstance(quad.object, ox.NamedNode):
                in_links[quad.object.value].append(quad)
    reached = set(seeds)
    frontier = set(seeds)
    for _ in range(hops):
        found: set[str] = set()
        for node in frontier:
            for quad in out_links.get(node, ()):
                if isinstance(quad.object, ox.NamedNode) and quad.predicate.value not in NOT_WALKED:
                    found.add(quad.object.value)
            for quad in in_links.get(node, ()):
                if quad.predicate.value not in NOT_WALKED and isinstance(quad.subject, ox.NamedNode):
                    found.add(quad.subject.value)
        frontier = found - reached
        reached |= frontier
        if not frontier:
            break
    return {quad for node in reached for quad in out_links.get(node, ())}


def _rows(store: "Store", sparql: str, **substitutions: str) -> list[list[str | None]]:
    return store.query(sparql, substitutions or None).rows


_PREFIXES = f"PREFIX pk: <{PK}> PREFIX rdfs: <{RDFS}> PREFIX skos: <{SKOS}> PREFIX eli: <{ELI}> " \
            f"PREFIX dcterms: <{DCTERMS}> "


def _match_plans(store: "Store", values: Sequence[str], documents: list[str]) -> list[str]:
    by_key: dict[str, str] = {}
    for graph, source, plan in _rows(store, _PREFIXES + """
            SELECT ?g ?source ?plan WHERE { GRAPH ?g { ?g dcterms:source ?source ; pk:plan ?plan } }"""):
        for key in (graph, source, plan):
            if key:
                by_key[key] = graph
    for graph in documents:  # a document graph without provenance still matches by IRI
        by_key.setdefault(graph, graph)
    chosen = []
    for value in values:
        if value not in by_key:
            raise NothingSelected("--plan", value, "give a source file name as in `policykg query plans`")
        chosen.append(by_key[value])
    return chosen


def _match_cities(store: "Store", cities: Sequence[str]) -> list[str]:
    chosen = []
    for city in cities:
        graphs = [g for (g,) in _rows(store, _PREFIXES + """
            SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g pk:plan ?plan .
              ?plan pk:jurisdiction|pk:province ?place . ?place rdfs:label ?name }
              FILTER(STR(?name) = STR(?city)) } """.replace("?city", _literal(city)))]
        if not graphs:
            raise NothingSelected("--city", city, "give a jurisdiction as in `policykg query plans`")
        chosen.extend(graphs)
    return chosen


def _match_agencies(store: "Store", agencies: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for agency in agencies:
        if "://" in agency:  # an IRI
            typed = store.raw.quads_for_pattern(ox.NamedNode(agency), ox.NamedNode(RDF + "type"),
                                                ox.NamedNode(PK + "Agency"))
            iris = {agency} if any(True for _ in typed) else set()
        else:
            iris = {a for (a,) in _rows(store, _PREFIXES + f"""
                SELECT DISTINCT ?a WHERE {{ ?a a pk:Agency ; skos:prefLabel|skos:altLabel ?name
                  FILTER(STR(?name) = {_literal(agency)}) }}""")}
        if not iris:
            raise NothingSelected("--agency", agency, "give a name from `policykg query responsibilities` or an IRI")
        found |= iris
    return found


def _match_frameworks(store: "Store", frameworks: Sequence[str]) -> set[str]:
    from ..rdf import normalise_title

    if not frameworks:
        return set()
    titles: dict[str, set[str]] = defaultdict(set)
    for iri, title in _rows(store, _PREFIXES + """
            SELECT DISTINCT ?c ?t WHERE { ?c a pk:CitedDocument .
              OPTIONAL { ?c eli:title|pk:framework|rdfs:label|skos:prefLabel|skos:altLabel ?t } }"""):
        titles[iri].add(normalise_title(title or ""))
    found: set[str] = set()
    for framework in frameworks:
        wanted = normalise_title(framework)
        matches = {iri for iri, names in titles.items()
                   if iri == framework or any(wanted and wanted in name for name in names)}
        if not matches:
            raise NothingSelected("--framework", framework, "give a title from `policykg query citations`")
        found |= matches
    return found


def _match_indicators(store: "Store", indicators: Sequence[str], scope: list[str]) -> set[str]:
    found: set[str] = set()
    in_scope = set(scope)
    for text in indicators:
        targets = {t for g, t in _rows(store, _PREFIXES + f"""
            SELECT DISTINCT ?g ?t WHERE {{ GRAPH ?g {{ ?t a pk:Target ; pk:indicatorLabel ?label }}
              FILTER(CONTAINS(STR(?label), {_literal(text)})) }}""") if g in in_scope}
        if not targets:
            raise NothingSelected("--indicator", text, "give words from the indicator column of `policykg query targets`")
        found |= targets
    return found


def _literal(text: str) -> str:
    """A selector value as a SPARQL string literal (N-Triples escaping by pyoxigraph itself)."""
    return str(ox.Literal(text))


def _plan_years(store: "Store") -> dict[str, int]:
    years: dict[str, int] = {}
    for graph, issued, start in _rows(store, _PREFIXES + """
            SELECT ?g (SAMPLE(?d) AS ?issued) (MIN(?p) AS ?start) WHERE { GRAPH ?g { ?g pk:plan ?plan .
              OPTIONAL { ?plan eli:date_document ?d } OPTIONAL { ?plan pk:periodStart ?p } } }
            GROUP BY ?g"""):
        for text in (issued, start):
            if text and text[:4].isdigit():
                years[graph] = int(text[:4])
                break
    return years


# -- formats --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exporter:
    """One export format: `write(subgraph, fh)` writes bytes to a binary file object."""

    name: str
    media_type: str
    extension: str
    write: Callable[[Subgraph, IO[bytes]], None]
    description: str = ""


def _rdf_writer(rdf_format: ox.RdfFormat, quads: bool) -> Callable[[Subgraph, IO[bytes]], None]:
    def write(subgraph: Subgraph, fh: IO[bytes]) -> None:
        data = subgraph.quads if quads else subgraph.triples
        prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
        fh.write(ox.serialize(data, format=rdf_format, prefixes=prefixes))

    return write


def jsonld_context(subgraph: Subgraph) -> dict[str, object]:
    """A JSON-LD context with the ontology prefixes and a short key (the local name) for every
    predicate whose local name is unambiguous in this subgraph; IRI-valued ones are `@id` typed."""
    context: dict[str, object] = dict(PREFIXES)
    by_name: dict[str, set[str]] = defaultdict(set)
    iri_valued: dict[str, bool] = {}
    for quad in subgraph.quads:
        predicate = quad.predicate.value
        by_name[local_name(predicate)].add(predicate)
        is_iri = isinstance(quad.object, ox.NamedNode)
        iri_valued[predicate] = iri_valued.get(predicate, True) and is_iri
    for name, predicates in sorted(by_name.items()):
        if len(predicates) != 1 or name in context or not name.isidentifier():
            continue
        (predicate,) = predicates
        if predicate == RDF + "type":
            continue
        context[name] = {"@id": predicate, "@type": "@id"} if iri_valued[predicate] else predicate
    return context


def write_jsonld(subgraph: Subgraph, fh: IO[bytes]) -> None:
    """JSON-LD compacted with `jsonld_context` (rdflib's serializer); named graphs are kept."""
    dataset = subgraph.to_rdflib(named_graphs=True)
    text = dataset.serialize(format="json-ld", context=jsonld_context(subgraph), auto_compact=True,
                             ensure_ascii=False, indent=1)
    fh.write(text.encode("utf-8"))


def write_graphml(subgraph: Subgraph, fh: IO[bytes]) -> None:
    import networkx as nx

    graph = subgraph.to_networkx()
    for _, data in graph.nodes(data=True):
        data.pop("start", None)  # GEXF's time attribute; GraphML keeps the integer `year`
    nx.write_graphml(graph, fh, encoding="utf-8", named_key_ids=True)


def write_gexf(subgraph: Subgraph, fh: IO[bytes]) -> None:
    """GEXF 1.2 for Gephi: dynamic mode, each node's `start` = its plan's year as a date."""
    import networkx as nx

    graph = subgraph.to_networkx()
    graph.graph["mode"] = "dynamic"
    nx.write_gexf(graph, fh, encoding="utf-8", version="1.2draft")


NODE_COLUMNS = ("id", "label", "type")
EDGE_COLUMNS = ("source", "target", "predicate", "label")


def csv_tables(subgraph: Subgraph) -> dict[str, str]:
    """{"nodes.csv": text, "edges.csv": text}: UTF-8, a header row, commas; read by pandas
    `read_csv` and R `read.csv` without options. Node columns: id, label, type, then one per
    flattened literal attribute (sorted); edge columns: source, target, predicate, label."""
    graph = subgraph.to_networkx()
    attributes = sorted({key for _, data in graph.nodes(data=True) for key in data} - set(NODE_COLUMNS))
    attributes = [a for a in attributes if a != "start"]
    nodes = io.StringIO()
    writer = csv.writer(nodes, lineterminator="\n")
    writer.writerow([*NODE_COLUMNS, *attributes])
    for node, data in graph.nodes(data=True):
        writer.writerow([node, data.get("label", ""), data.get("type", ""),
                         *(_cell(data.get(a)) for a in attributes)])
    edges = io.StringIO()
    writer = csv.writer(edges, lineterminator="\n")
    writer.writerow(EDGE_COLUMNS)
    for source, target, data in graph.edges(data=True):
        writer.writerow([source, target, data.get("predicate", ""), data.get("label", "")])
    return {"nodes.csv": nodes.getvalue(), "edges.csv": edges.getvalue()}


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def write_csv_zip(subgraph: Subgraph, fh: IO[bytes]) -> None:
    """nodes.csv and edges.csv in one zip (one stream for the web app and `--zip`)."""
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in csv_tables(subgraph).items():
            archive.writestr(name, text.encode("utf-8"))


def write_csv_folder(subgraph: Subgraph, folder: str | Path) -> list[Path]:
    """Write nodes.csv and edges.csv into `folder` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in csv_tables(subgraph).items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written


# fmt: off
EXPORTERS: dict[str, Exporter] = {
    "ttl":     Exporter("ttl", "text/turtle; charset=utf-8", ".ttl", _rdf_writer(ox.RdfFormat.TURTLE, False), "Turtle (triples)"),
    "nt":      Exporter("nt", "application/n-triples", ".nt", _rdf_writer(ox.RdfFormat.N_TRIPLES, False), "N-Triples"),
    "nq":      Exporter("nq", "application/n-quads", ".nq", _rdf_writer(ox.RdfFormat.N_QUADS, True), "N-Quads (named graphs kept)"),
    "trig":    Exporter("trig", "application/trig; charset=utf-8", ".trig", _rdf_writer(ox.RdfFormat.TRIG, True), "TriG (named graphs kept)"),
    "jsonld":  Exporter("jsonld", "application/ld+json", ".jsonld", write_jsonld, "JSON-LD with a short-key context"),
    "rdfxml":  Exporter("rdfxml", "application/rdf+xml", ".rdf", _rdf_writer(ox.RdfFormat.RDF_XML, False), "RDF/XML"),
    "graphml": Exporter("graphml", "application/graphml+xml", ".graphml", write_graphml, "GraphML (networkx)"),
    "gexf":    Exporter("gexf", "application/gexf+xml", ".gexf", write_gexf, "GEXF 1.2 for Gephi (plan year as time)"),
    "csv":     Exporter("csv", "application/zip", ".csv.zip", write_csv_zip, "nodes.csv + edges.csv"),
}
# fmt: on


def export(subgraph: Subgraph, format: str, out: str | Path) -> list[Path]:
    """Write `subgraph` as `format` to `out`; RETURNS the files written.

    For "csv", `out` is a folder that gets nodes.csv and edges.csv (or a `.zip` file holding both).
    RAISES: PolicyKGError for an unknown format.
    """
    exporter = exporter_for(format)
    out = Path(out)
    if exporter.name == "csv" and out.suffix.lower() != ".zip":
        return write_csv_folder(subgraph, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        exporter.write(subgraph, fh)
    return [out]


def export_zip(subgraph: Subgraph, out: str | Path, *, stem: str = "subgraph") -> Path:
    """Every format in one zip: `{stem}.ttl`, `{stem}.nq`, ..., `nodes.csv`, `edges.csv`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, exporter in EXPORTERS.items():
            if name == "csv":
                for table, text in csv_tables(subgraph).items():
                    archive.writestr(table, text.encode("utf-8"))
                continue
            buffer = io.BytesIO()
            exporter.write(subgraph, buffer)
            archive.writestr(stem + exporter.extension, buffer.getvalue())
    return out


def exporter_for(format: str) -> Exporter:
    if format not in EXPORTERS:
        raise PolicyKGError(f"unknown export format {format!r}; choose one of {', '.join(EXPORTERS)}")
    return EXPORTERS[format]


__all__ = ["EXPORTERS", "Exporter", "Selection", "Subgraph", "construct_triples", "csv_tables",
           "export", "export_zip", "exporter_for", "jsonld_context", "select"]
