"""The plan page's text: a plan's whole cleaned text with its measures, agencies (through their
assignments), citations, targets and incentives highlighted from their evidence spans and linked.

`plan_page(raw, source)` finds the document graph by its `dcterms:source`, reads the spans with
one SPARQL query (the graph bound by substitution, never spliced) and returns escaped HTML
(markupsafe.Markup) whose spans nest properly. Facts a researcher corrected (docs/corrections.md)
carry the class `corrected`, and the page lists the plan's corrections with the extracted value
beside the corrected one. A unit's role shows inside its link (`unit unit-lead` with a badge,
`unit unit-support`); every measure with evidence gets the anchor `measure_anchor(iri)`, and the
side panel lists the measures with their units, lead first. Partner: templates/plan.html.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from markupsafe import Markup, escape

from . import entity as entities
from .entity import CLEANED_TEXT, PLAN, SOURCE, label_of, measure_anchor  # noqa: F401 (re-exported)
from .i18n import gettext as _

PK = "https://w3id.org/policykg/ns#"
DOCUMENT_GRAPH = ox.NamedNode(PK + "DocumentGraph")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

# item class -> css kind; measures wrap the others
KINDS = {PK + "Measure": "measure", PK + "Assignment": "agency", PK + "Citation": "citation",
         PK + "Target": "target", PK + "Incentive": "incentive"}

_SPANS = """
PREFIX pk: <https://w3id.org/policykg/ns#>
# ?fix per row, not COUNT(?fix) ... GROUP BY: Virtuoso 7.2 counted a fix for every item of the
# UNION below; the rows of one item are merged in _spans
SELECT ?g ?item ?type ?start ?end ?agency ?no ?role ?fix WHERE {
  GRAPH ?g {
    # one branch per kind, each binding its type: Virtuoso 7.2 answered both a VALUES list of the
    # types and `a ?type` + FILTER(?type IN (...)) with the measures and targets only (no
    # assignments, no citations) once its store held more graphs, so plan pages over it lost
    # their units and citations
    { ?item a pk:Measure . BIND(pk:Measure AS ?type) }
    UNION { ?item a pk:Assignment . BIND(pk:Assignment AS ?type) }
    UNION { ?item a pk:Citation . BIND(pk:Citation AS ?type) }
    UNION { ?item a pk:Target . BIND(pk:Target AS ?type) }
    UNION { ?item a pk:Incentive . BIND(pk:Incentive AS ?type) }
    ?item pk:start ?start ; pk:end ?end .
    OPTIONAL { ?item pk:agency ?agency }
    OPTIONAL { ?item pk:measureNo ?no }
    OPTIONAL { ?item pk:role ?role }
    OPTIONAL { ?item pk:correctedBy ?fix }
  }
}"""

# the plan's researchers' corrections (extract/corrections.py), in file order
_CORRECTIONS = """
PREFIX pk: <https://w3id.org/policykg/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?g ?fix ?op ?target ?original ?corrected ?who ?when ?why ?status ?note ?line ?item WHERE {
  GRAPH ?g {
    ?fix a pk:Correction .
    OPTIONAL { ?fix pk:correctionOp ?op }
    OPTIONAL { ?fix pk:correctionTarget ?target }
    OPTIONAL { ?fix pk:originalValue ?original }
    OPTIONAL { ?fix pk:correctedValue ?corrected }
    OPTIONAL { ?fix prov:wasAssociatedWith/rdfs:label ?who }
    OPTIONAL { ?fix dcterms:date ?when }
    OPTIONAL { ?fix rdfs:comment ?why }
    OPTIONAL { ?fix pk:correctionStatus ?status }
    OPTIONAL { ?fix pk:staleReason ?note }
    OPTIONAL { ?fix pk:correctionLine ?line }
    OPTIONAL { ?fix pk:corrects ?item }
  }
} ORDER BY ?line"""


@dataclass
class Span:
    start: int
    end: int
    kind: str
    iri: str      # the page the span links to (the agency for an assignment)
    item: str     # the extracted item itself
    title: str
    corrected: bool = False  # a researcher's correction changed the item
    role: str | None = None  # an assignment's role: "lead" or "support"


@dataclass
class PlanPage:
    source: str
    graph: str
    plan: str
    title: str | None
    html: Markup
    counts: dict[str, int]
    corrections: list[dict[str, str]] = field(default_factory=list)  # column -> text (escaped by Jinja)
    jurisdiction: str | None = None
    measures: list[SideMeasure] = field(default_factory=list)   # the side panel, in document order


@dataclass
class SideMeasure:
    """A measure of the side panel: its anchor in the text (None when it has no evidence span)."""

    iri: str
    no: str | None
    title: str | None
    anchor: str | None
    units: list[entities.Unit]
    href: str = ""   # the anchor in the text, else the measure's entity page


# the badge a unit's role carries in the text (translated when the page is drawn)
ROLE_BADGES = {"lead": "lead", "support": "support"}


def entity_url(iri: str) -> str:
    return "/entity?" + urlencode({"iri": iri})


def find_graph(raw: ox.Store, source: str) -> ox.NamedNode | None:
    """The document graph whose `dcterms:source` is `source` (the file name)."""
    for quad in raw.quads_for_pattern(None, SOURCE, ox.Literal(source), None):
        if quad.subject == quad.graph_name and isinstance(quad.subject, ox.NamedNode):
            return quad.subject
    return None


def plan_page(raw: ox.Store, source: str) -> PlanPage | None:
    graph = find_graph(raw, source)
    if graph is None:
        return None
    plan = next((q.object for q in raw.quads_for_pattern(graph, PLAN, None, graph)), None)
    text = next((q.object.value for q in raw.quads_for_pattern(plan, CLEANED_TEXT, None, graph)),
                None) if plan is not None else None
    if plan is None or text is None:
        return None
    spans = _spans(raw, graph, len(text))
    counts: dict[str, int] = {}
    for span in spans:
        counts[span.kind] = counts.get(span.kind, 0) + 1
    # the legend lists kinds in one order, not in the order the engine happened to send the rows
    counts = {kind: counts[kind] for kind in KINDS.values() if kind in counts}
    anchored = {s.item for s in spans if s.kind == "measure"}
    ref = entities.plan_ref(raw, plan)
    return PlanPage(source, graph.value, plan.value, label_of(raw, plan),
                    highlight(text, spans), counts, _corrections(raw, graph), ref.jurisdiction,
                    _side_measures(raw, graph, anchored))


def _side_measures(raw: ox.Store, graph: ox.NamedNode, anchored: set[str]) -> list[SideMeasure]:
    measures = []
    for quad in raw.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(PK + "Measure"), graph):
        ref = entities.measure_ref(raw, quad.subject, graph)
        measures.append((ref.order, SideMeasure(
            ref.iri, ref.no, ref.title, measure_anchor(ref.iri) if ref.iri in anchored else None,
            entities.units_of(raw, quad.subject, graph),
            anchor_href(measure_anchor(ref.iri)) if ref.iri in anchored else entity_url(ref.iri))))
    return [m for _, m in sorted(measures, key=lambda pair: (pair[0], pair[1].iri))]


def plan_view_links(page: PlanPage) -> list[tuple[str, str]]:
    """(label, url) of the views (viz/views.py VIEWS) that show this plan."""
    links = [(_("Plan overview"), "/viz/plan?" + urlencode({"source": page.source})),
             (_("Plans on the map"), "/viz/map")]
    if page.jurisdiction:
        city = page.jurisdiction
        links.append((_("Responsibility network of {city}", city=city),
                      "/viz/responsibility?" + urlencode({"city": city})))
        links.append((_("Co-responsibility network of {city}", city=city),
                      "/viz/network?" + urlencode({"city": city})))
    links.append((_("Framework reuse"), "/viz/frameworks"))
    return links


def anchor_href(anchor: str) -> str:
    """`#measure-(一)` as a link target (non-ASCII percent-encoded; browsers decode it)."""
    return "#" + quote(anchor, safe="-._~()")


def _corrections(raw: ox.Store, graph: ox.NamedNode) -> list[dict[str, str]]:
    rows = []
    for row in raw.query(_CORRECTIONS, substitutions={ox.Variable("g"): graph}):
        values = {name: (row[name].value if row[name] is not None else "")
                  for name in ("op", "target", "original", "corrected", "who", "when", "why", "status",
                               "note", "line", "item")}
        values["item_url"] = entity_url(values["item"]) if values["item"] else ""
        rows.append(values)
    return rows


def _spans(raw: ox.Store, graph: ox.NamedNode, length: int) -> list[Span]:
    spans = []
    labels: dict[str, str | None] = {}
    rows: dict[tuple, ox.QuerySolution] = {}  # one row per span; corrected when any row has a fix
    fixed: set[tuple] = set()
    for row in raw.query(_SPANS, substitutions={ox.Variable("g"): graph}):
        key = tuple(row[name] for name in ("item", "type", "start", "end", "agency", "no", "role"))
        rows.setdefault(key, row)
        if row["fix"] is not None:
            fixed.add(key)
    for key, row in rows.items():
        kind = KINDS[row["type"].value]
        try:
            start, end = int(row["start"].value), int(row["end"].value)
        except ValueError:
            continue
        if not 0 <= start < end <= length:
            continue
        item = row["item"].value
        target = row["agency"].value if kind == "agency" and row["agency"] is not None else item
        if target not in labels:
            labels[target] = label_of(raw, ox.NamedNode(target))
        title = labels[target] or target
        if kind == "measure" and row["no"] is not None:
            title = f"{row['no'].value} {title}"
        corrected = key in fixed
        if corrected:
            title += " " + _("(corrected)")
        role = entities.ROLE_NAMES.get(row["role"].value) if row["role"] is not None else None
        spans.append(Span(start, end, kind, target, item, title, corrected, role))
    return spans


def highlight(text: str, spans: list[Span]) -> Markup:
    """`text` escaped, with each span wrapped and linked. Measures contain the other spans; a
    span overlapping an earlier one of its layer is dropped, one crossing a measure's edge is
    cut at that edge, so the tags always nest."""
    all_measures = [s for s in spans if s.kind == "measure"]
    measures = _non_overlapping(all_measures)
    leaves = []
    for leaf in _non_overlapping([s for s in spans if s.kind != "measure"]):
        for m in measures:
            if leaf.start < m.start < leaf.end:
                leaf = replace(leaf, end=m.start)
            if leaf.start < m.end < leaf.end:
                leaf = replace(leaf, end=m.end)
        leaves.append(leaf)
    # (position, order, html): at one position close a leaf, close a measure, open a measure,
    # open a leaf
    events: list[tuple[int, int, Markup]] = []
    for m in measures:
        events.append((m.start, 2, Markup('<span class="hl hl-measure{}" id="{}" title="{}">'
                                          '<a class="marker" href="{}">M</a>').format(
            " corrected" if m.corrected else "", measure_anchor(m.item), m.title, entity_url(m.item))))
        events.append((m.end, 1, Markup("</span>")))
    kept = {id(m) for m in measures}
    for m in all_measures:  # a measure hidden by an overlapping one still gets its anchor
        if id(m) not in kept:
            events.append((m.start, 2, Markup('<span class="measure-anchor" id="{}"></span>').format(
                measure_anchor(m.item))))
    for leaf in leaves:
        role = ""
        if leaf.kind == "agency" and leaf.role in ROLE_BADGES:
            role = Markup('<span class="unit unit-{}" data-badge="{}">').format(
                leaf.role, _(ROLE_BADGES[leaf.role]))
        events.append((leaf.start, 3, Markup('<a class="hl hl-{}{}" href="{}" title="{}">{}').format(
            leaf.kind, " corrected" if leaf.corrected else "", entity_url(leaf.iri), leaf.title, role)))
        events.append((leaf.end, 0, Markup("</span></a>" if role else "</a>")))
    events.sort(key=lambda e: (e[0], e[1]))
    out: list[str] = []
    position = 0
    for at, _order, tag in events:
        out.append(escape(text[position:at]))
        out.append(tag)
        position = at
    out.append(escape(text[position:]))
    return Markup("".join(out))


def _non_overlapping(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept
