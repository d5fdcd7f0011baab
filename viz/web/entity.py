"""What an entity page shows: an IRI's properties, its incoming links (grouped and counted), for an
extracted item the passage of the plan's cleaned text its evidence selector points at, and what
the entity's kind asks: an agency's led and supported measures by plan with their co-responsible
units, a measure's plan, units, targets and citations, the plans citing a document, and the views
(viz/views.py) that show it.

Read straight from the store's quad index (`quads_for_pattern`), so no IRI is ever spliced into
SPARQL. Partners: viz/web/app.py (routes, content negotiation), templates/entity.html.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from policykg.ontology import PREFIXES

from .i18n import gettext as _

PK = PREFIXES["pk"]
OA = PREFIXES["oa"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
EVIDENCE = ox.NamedNode(PK + "evidence")
CLEANED_TEXT = ox.NamedNode(PK + "cleanedText")
PLAN = ox.NamedNode(PK + "plan")
OA_START, OA_END = ox.NamedNode(OA + "start"), ox.NamedNode(OA + "end")
SPAN_START, SPAN_END = ox.NamedNode(PK + "start"), ox.NamedNode(PK + "end")  # a fact's own span (issue #24)
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
    start, end, graph = _offsets(raw, node)
    if graph is None:
        return None
    text, source = _plan_text(raw, graph)
    if start is None or end is None or text is None or not 0 <= start <= end <= len(text):
        return None
    return Passage(text[max(0, start - PASSAGE_CONTEXT):start], text[start:end],
                   text[end:end + PASSAGE_CONTEXT], start, end, source)


def _offsets(raw: ox.Store, node: ox.NamedNode) -> tuple[int | None, int | None, Any]:
    """(start, end, graph) of the node's span: a fact states pk:start / pk:end itself (issue #24),
    a plan field's selector oa:start / oa:end; (None, None, None) for a plan (its own page shows
    the whole text) and for anything without a span."""
    for quad in raw.quads_for_pattern(node, SPAN_START, None, None):
        graph = quad.graph_name
        return _integer(raw, node, SPAN_START, graph), _integer(raw, node, SPAN_END, graph), graph
    for quad in raw.quads_for_pattern(node, OA_START, None, None):  # the node is a selector
        graph = quad.graph_name
        return _integer(raw, node, OA_START, graph), _integer(raw, node, OA_END, graph), graph
    if any(True for _ in raw.quads_for_pattern(node, CLEANED_TEXT, None, None)):
        return None, None, None
    for quad in raw.quads_for_pattern(node, EVIDENCE, None, None):
        selector, graph = quad.object, quad.graph_name
        return _integer(raw, selector, OA_START, graph), _integer(raw, selector, OA_END, graph), graph
    return None, None, None


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


# -- what an entity page answers, by kind ---------------------------------------------------------
# An agency page lists the measures it leads and supports, by plan; a measure page its plan, units
# (lead first), targets and citations; a cited document the plans citing it; a plan its text page.
# All read through quads_for_pattern (no IRI spliced into SPARQL).

RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
ROLE = ox.NamedNode(PK + "role")
RANK = ox.NamedNode(PK + "rank")
AGENCY = ox.NamedNode(PK + "agency")
AGENCY_NAME = ox.NamedNode(PK + "agencyName")
MEASURE = ox.NamedNode(PK + "measure")
MEASURE_NO = ox.NamedNode(PK + "measureNo")
IN_MEASURE = ox.NamedNode(PK + "inMeasure")
ORDER = ox.NamedNode(PK + "order")
JURISDICTION = ox.NamedNode(PK + "jurisdiction")
PLAN_LEAD = ox.NamedNode(PK + "planLead")
PASSED_BY = ox.NamedNode(PREFIXES["eli"] + "passed_by")
CITES = ox.NamedNode(PREFIXES["eli"] + "cites")
APPLIES = ox.NamedNode(PREFIXES["eli"] + "applies")
DC_TITLE = ox.NamedNode(PREFIXES["dcterms"] + "title")
PLAN_CLASS = PK + "Plan"
MEASURE_CLASS = PK + "Measure"
CITED_CLASS = PK + "CitedDocument"
TARGET_CLASS = PK + "Target"
CITATION_CLASS = PK + "Citation"
ASSIGNMENT_CLASS = PK + "Assignment"
JURISDICTION_CLASS = PK + "Jurisdiction"
ROLE_NAMES = {PK + "LeadRole": "lead", PK + "SupportRole": "support"}
COLLAPSE_AFTER = 3      # incoming links of one (predicate, subject type) shown one by one up to this


@dataclass
class PlanRef:
    """A plan as the entity pages name it: title, jurisdiction and the source of its text page."""

    iri: str
    title: str | None
    jurisdiction: str | None
    source: str | None


@dataclass
class Unit:
    """An agency assigned to a measure: lead units come first, then support, then by rank."""

    iri: str | None
    name: str
    role: str | None   # "lead", "support" or None (unstated)
    rank: int | None


@dataclass
class MeasureRef:
    iri: str
    no: str | None
    title: str | None
    order: int
    plan: PlanRef
    role: str | None = None                     # the agency's role, on an agency page
    units: list[Unit] = field(default_factory=list)  # the co-responsible units (all, lead first)


@dataclass
class PlanRoles:
    """One plan's part of an agency page: the measures the agency leads, supports, or is named in
    without a stated role."""

    plan: PlanRef
    lead: list[MeasureRef] = field(default_factory=list)
    support: list[MeasureRef] = field(default_factory=list)
    other: list[MeasureRef] = field(default_factory=list)


@dataclass
class AgencyProfile:
    plans: list[PlanRoles]
    lead_count: int
    support_count: int
    other_count: int
    plans_led: list[PlanRef]      # pk:planLead: the plan names it as the agency in charge
    plans_issued: list[PlanRef]   # eli:passed_by: it issued the plan
    jurisdictions: list[str]      # of the plans it appears in, for the city views


@dataclass
class MeasureProfile:
    measure: MeasureRef
    targets: list[tuple[str, str]]     # (iri, label)
    citations: list[tuple[str, str]]   # (iri, cited title)


@dataclass
class IncomingGroup:
    """Incoming links of one predicate from subjects of one type; more than COLLAPSE_AFTER of them
    are shown as one counted line that opens to the list."""

    predicate: str
    subject_type: str | None
    statements: list[Statement]

    @property
    def collapsed(self) -> bool:
        return len(self.statements) > COLLAPSE_AFTER


def _literal(raw: ox.Store, node: Any, predicate: ox.NamedNode, graph: Any = None) -> str | None:
    for quad in raw.quads_for_pattern(node, predicate, None, graph):
        if isinstance(quad.object, ox.Literal):
            return quad.object.value
    return None


def _object(raw: ox.Store, node: Any, predicate: ox.NamedNode, graph: Any = None) -> Any:
    return next((q.object for q in raw.quads_for_pattern(node, predicate, None, graph)), None)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def plan_ref(raw: ox.Store, plan: ox.NamedNode, cache: dict[str, PlanRef] | None = None) -> PlanRef:
    if cache is not None and plan.value in cache:
        return cache[plan.value]
    place = _object(raw, plan, JURISDICTION)
    ref = PlanRef(plan.value, label_of(raw, plan), label_of(raw, place) if place is not None else None,
                  _literal(raw, plan, SOURCE))
    if cache is not None:
        cache[plan.value] = ref
    return ref


def units_of(raw: ox.Store, measure: ox.NamedNode, graph: Any) -> list[Unit]:
    """The agencies assigned to `measure`, lead first, then support, then by rank."""
    units = []
    for quad in raw.quads_for_pattern(None, MEASURE, measure, graph):
        assignment = quad.subject
        agency = _object(raw, assignment, AGENCY, graph)
        role = _object(raw, assignment, ROLE, graph)
        name = _literal(raw, assignment, AGENCY_NAME, graph) or \
            (label_of(raw, agency) if agency is not None else None) or "?"
        units.append(Unit(agency.value if isinstance(agency, ox.NamedNode) else None, name,
                          ROLE_NAMES.get(role.value) if role is not None else None,
                          _int_or_none(_literal(raw, assignment, RANK, graph))))
    return sorted(units, key=_unit_order)


def _unit_order(unit: Unit) -> tuple[int, int, str]:
    return ({"lead": 0, "support": 1}.get(unit.role or "", 2),
            unit.rank if unit.rank is not None else 1_000_000, unit.name)


def measure_ref(raw: ox.Store, measure: ox.NamedNode, graph: Any,
                plans: dict[str, PlanRef] | None = None) -> MeasureRef:
    plan = _object(raw, graph, PLAN, graph)  # the document graph names its plan
    ref = plan_ref(raw, plan, plans) if isinstance(plan, ox.NamedNode) else PlanRef("", None, None, None)
    return MeasureRef(measure.value, _literal(raw, measure, MEASURE_NO, graph),
                      _literal(raw, measure, DC_TITLE, graph) or label_of(raw, measure),
                      _document_order(raw, measure, graph), ref)


def _document_order(raw: ox.Store, node: Any, graph: Any) -> int:
    """pk:order where the plan states it, else the span's start (graph/rdf.py writes pk:order
    for a kind of fact only when the spans do not give document order, issue #24)."""
    order = _int_or_none(_literal(raw, node, ORDER, graph))
    if order is None:
        order = _integer(raw, node, SPAN_START, graph)
    return order or 0


def agency_profile(raw: ox.Store, iri: str) -> AgencyProfile:
    """The measures the agency leads and supports, grouped by plan (in the order of the plans'
    titles, measures in document order), each with all its units."""
    agency = ox.NamedNode(iri)
    plans: dict[str, PlanRef] = {}
    by_plan: dict[str, PlanRoles] = {}
    seen: set[tuple[str, str | None]] = set()
    for quad in raw.quads_for_pattern(None, AGENCY, agency, None):
        assignment, graph = quad.subject, quad.graph_name
        if not any(True for _ in raw.quads_for_pattern(
                assignment, RDF_TYPE, ox.NamedNode(ASSIGNMENT_CLASS), graph)):
            continue
        measure = _object(raw, assignment, MEASURE, graph)
        role_node = _object(raw, assignment, ROLE, graph)
        role = ROLE_NAMES.get(role_node.value) if role_node is not None else None
        if isinstance(measure, ox.NamedNode):
            ref = measure_ref(raw, measure, graph, plans)
            ref.units = units_of(raw, measure, graph)
        else:  # an assignment to the plan as a whole
            plan = _object(raw, graph, PLAN, graph)
            if not isinstance(plan, ox.NamedNode):
                continue
            ref = MeasureRef(assignment.value, None, None, 0, plan_ref(raw, plan, plans))
        key = (ref.iri, role)
        if key in seen:  # the agency printed twice in one measure with one role
            continue
        seen.add(key)
        ref.role = role
        group = by_plan.setdefault(ref.plan.iri, PlanRoles(ref.plan))
        {"lead": group.lead, "support": group.support}.get(role or "", group.other).append(ref)
    for group in by_plan.values():
        for listing in (group.lead, group.support, group.other):
            listing.sort(key=lambda m: (m.order, m.no or "", m.iri))
    ordered = sorted(by_plan.values(), key=lambda g: (g.plan.jurisdiction or "", g.plan.title or "",
                                                     g.plan.iri))
    led = [plan_ref(raw, q.subject, plans) for q in raw.quads_for_pattern(None, PLAN_LEAD, agency, None)
           if isinstance(q.subject, ox.NamedNode)]
    issued = [plan_ref(raw, q.subject, plans) for q in raw.quads_for_pattern(None, PASSED_BY, agency, None)
              if isinstance(q.subject, ox.NamedNode) and _has_type(raw, q.subject, PLAN_CLASS)]
    jurisdictions = sorted({g.plan.jurisdiction for g in ordered if g.plan.jurisdiction})
    return AgencyProfile(ordered, sum(len(g.lead) for g in ordered), sum(len(g.support) for g in ordered),
                         sum(len(g.other) for g in ordered), _unique_plans(led), _unique_plans(issued),
                         jurisdictions)


def _unique_plans(refs: list[PlanRef]) -> list[PlanRef]:
    return list({ref.iri: ref for ref in refs}.values())


def _has_type(raw: ox.Store, node: Any, type_iri: str) -> bool:
    return any(True for _ in raw.quads_for_pattern(node, RDF_TYPE, ox.NamedNode(type_iri), None))


def measure_profile(raw: ox.Store, iri: str) -> MeasureProfile | None:
    """A measure's plan, its units (lead first), the targets inside it and the citations whose
    evidence lies within its span."""
    node = ox.NamedNode(iri)
    graph = next((q.graph_name for q in raw.quads_for_pattern(node, RDF_TYPE, ox.NamedNode(MEASURE_CLASS),
                                                               None)), None)
    if graph is None:
        return None
    ref = measure_ref(raw, node, graph)
    ref.units = units_of(raw, node, graph)
    targets = sorted(((q.subject.value, label_of(raw, q.subject) or prefixed(q.subject.value))
                      for q in raw.quads_for_pattern(None, IN_MEASURE, node, graph)
                      if _has_type(raw, q.subject, TARGET_CLASS)), key=lambda t: _tail_number(t[0]))
    citations = []
    span = _span(raw, node, graph)
    plan = _object(raw, graph, PLAN, graph)
    if span is not None and plan is not None:
        for quad in raw.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(CITATION_CLASS), graph):
            inner = _span(raw, quad.subject, graph)
            if inner is not None and span[0] <= inner[0] and inner[1] <= span[1]:
                citations.append((quad.subject.value, label_of(raw, quad.subject) or prefixed(quad.subject.value)))
        citations.sort(key=lambda c: _tail_number(c[0]))
    return MeasureProfile(ref, targets, citations)


def _tail_number(iri: str) -> tuple[int, str]:
    tail = iri.rsplit("/", 1)[-1]
    return (int(tail), iri) if tail.isdigit() else (1_000_000, iri)


def _span(raw: ox.Store, node: Any, graph: Any) -> tuple[int, int] | None:
    start, end = _integer(raw, node, SPAN_START, graph), _integer(raw, node, SPAN_END, graph)
    return (start, end) if start is not None and end is not None else None


def citing_plans(raw: ox.Store, iri: str) -> list[tuple[PlanRef, bool]]:
    """The plans citing a document (eli:cites), each with whether it applies it (根据/贯彻/落实)."""
    node = ox.NamedNode(iri)
    plans: dict[str, PlanRef] = {}
    applies = {q.subject.value for q in raw.quads_for_pattern(None, APPLIES, node, None)}
    found: dict[str, tuple[PlanRef, bool]] = {}
    for quad in raw.quads_for_pattern(None, CITES, node, None):
        if isinstance(quad.subject, ox.NamedNode) and _has_type(raw, quad.subject, PLAN_CLASS):
            ref = plan_ref(raw, quad.subject, plans)
            found[ref.iri] = (ref, ref.iri in applies)
    return sorted(found.values(), key=lambda p: (p[0].jurisdiction or "", p[0].title or ""))


def jurisdiction_plans(raw: ox.Store, iri: str) -> list[PlanRef]:
    """The plans whose jurisdiction is this place (pk:jurisdiction), by title."""
    plans: dict[str, PlanRef] = {}
    for quad in raw.quads_for_pattern(None, JURISDICTION, ox.NamedNode(iri), None):
        if isinstance(quad.subject, ox.NamedNode) and _has_type(raw, quad.subject, PLAN_CLASS):
            plan_ref(raw, quad.subject, plans)
    return sorted(plans.values(), key=lambda p: (p.title or "", p.iri))


def incoming_groups(raw: ox.Store, incoming: list[Statement]) -> list[IncomingGroup]:
    """Incoming links grouped by (predicate, the subject's pk: type), in first-seen order."""
    groups: dict[tuple[str, str | None], IncomingGroup] = {}
    for statement in incoming:
        kind = _main_type(raw, statement.term)
        key = (statement.predicate, kind)
        groups.setdefault(key, IncomingGroup(statement.predicate, kind, [])).statements.append(statement)
    return list(groups.values())


def _main_type(raw: ox.Store, node: Any) -> str | None:
    if not isinstance(node, ox.NamedNode):
        return None
    types = sorted({q.object.value for q in raw.quads_for_pattern(node, RDF_TYPE, None, None)})
    return next((t for t in types if t.startswith(PK)), types[0] if types else None)


# -- links: to a measure in its plan's text, to the views that show an entity ---------------------

def measure_anchor(iri: str) -> str:
    """The id of a measure on its plan page: `measure-` + the measure IRI's last part (the printed
    number, e.g. `measure-3`, `measure-(一)`, or `measure-3~m12` for a number printed twice), so
    search results and other pages link to /plans/<source>#measure-3. Stable as the IRI is."""
    return "measure-" + iri.rsplit("/measure/", 1)[-1]


def plan_url(source: str | None) -> str | None:
    return "/plans/" + quote(source, safe="") if source else None


def measure_url(measure: MeasureRef) -> str | None:
    """The measure in its plan's text page (its anchor), or None without a plan source."""
    base = plan_url(measure.plan.source)
    if base is None or "/measure/" not in measure.iri:
        return base
    return base + "#" + quote(measure_anchor(measure.iri), safe="-._~()")


def _view(name: str, **params: str | None) -> str:
    values = {k: v for k, v in params.items() if v}
    return f"/viz/{name}" + ("?" + urlencode(values) if values else "")


def view_links(raw: ox.Store, entity: Entity, *, plan_source: str | None = None,
               agency: AgencyProfile | None = None, measure: MeasureProfile | None = None) -> list[tuple[str, str]]:
    """(label, url) of the views (viz/views.py VIEWS) that show this entity, in the reader's language."""
    links: list[tuple[str, str]] = []
    cities: list[str] = []
    if entity.is_agency:
        links.append((_("Agency ego network"), _view("agency", agency=entity.iri)))
        cities = agency.jurisdictions if agency else []
    elif measure is not None:
        if measure.measure.plan.source:
            links.append((_("Plan overview"), _view("plan", source=measure.measure.plan.source)))
        cities = [measure.measure.plan.jurisdiction] if measure.measure.plan.jurisdiction else []
    elif PLAN_CLASS in entity.types:
        if plan_source:
            links.append((_("Plan overview"), _view("plan", source=plan_source)))
        place = _object(raw, ox.NamedNode(entity.iri), JURISDICTION)
        cities = [label_of(raw, place)] if place is not None and label_of(raw, place) else []
        links.append((_("Plans on the map"), _view("map")))
    elif CITED_CLASS in entity.types:
        links.append((_("Framework reuse"), _view("frameworks")))
    elif TARGET_CLASS in entity.types:
        indicator = _literal(raw, ox.NamedNode(entity.iri), ox.NamedNode(PK + "indicatorLabel"))
        links.append((_("Indicator comparison"), _view("indicator", indicator=indicator)))
    elif JURISDICTION_CLASS in entity.types and entity.label:
        cities = [entity.label]
        links.append((_("Plans on the map"), _view("map")))
    for city in cities:
        links.append((_("Responsibility network of {city}", city=city), _view("responsibility", city=city)))
        links.append((_("Co-responsibility network of {city}", city=city), _view("network", city=city)))
    return links


def page_context(raw: ox.Store, entity: Entity, plan_source: str | None) -> dict[str, Any]:
    """What entity.html shows beyond properties: the kind's answer and the view links."""
    agency = agency_profile(raw, entity.iri) if entity.is_agency else None
    measure = measure_profile(raw, entity.iri) if MEASURE_CLASS in entity.types else None
    cited_by = citing_plans(raw, entity.iri) if CITED_CLASS in entity.types else None
    place_plans = jurisdiction_plans(raw, entity.iri) if JURISDICTION_CLASS in entity.types else None
    return {"agency": agency, "measure": measure, "cited_by": cited_by, "place_plans": place_plans,
            "incoming_groups": incoming_groups(raw, entity.incoming),
            "views": view_links(raw, entity, plan_source=plan_source, agency=agency, measure=measure),
            "measure_url": measure_url, "plan_url": plan_url}
