"""The compact graph (issue #24): the same information in fewer quads, nothing a reader needs lost.

A fact's evidence is its span (pk:start, pk:end on the fact) into the plan's pk:cleanedText, without
a selector node, types or a quoted copy; a node is typed with our own class only (superclasses are
stated once, in the ontology); a fact's plan is its named graph's; pk:order is stated only where
the spans do not give document order. `policykg export --web-annotation` gives back the full W3C
Web Annotation selectors, and triple formats get each fact's pk:plan and pk:order back.
"""
from __future__ import annotations

import re
import sys
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_rdf import make_result  # noqa: E402

from policykg.extract import extract_text  # noqa: E402
from policykg.graph.export.exporters import Selection, select, web_annotation_quads  # noqa: E402
from policykg.graph.rdf import EXACT_MAX_CHARS, plan_iri, result_to_quads  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.ontology import ELI, OA, ORG, PK, PROV, RDF, RDFS, SKOS, ontology_file  # noqa: E402

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
SUPERCLASSES = {ELI + "LegalResource", ORG + "Organization", PROV + "Entity", PROV + "Activity"}


def store_of(*results) -> Store:
    store = Store(ox.Store())
    for result in results:
        _, quads = result_to_quads(result, now=NOW)
        store.raw.extend(quads)
    return store


@pytest.mark.parametrize("predicate, value", [
    (RDF + "type", OA + "TextPositionSelector"), (RDF + "type", OA + "TextQuoteSelector"),
    (OA + "exact", None), *((RDF + "type", cls) for cls in sorted(SUPERCLASSES))])
def test_compact_graph_states_no_selector_type_quote_or_superclass(predicate: str, value: str | None):
    _, quads = result_to_quads(make_result(), now=NOW)
    assert not [q for q in quads if q.predicate.value == predicate and value in (None, q.object.value)]


@pytest.mark.parametrize("superclass", sorted(SUPERCLASSES))
def test_compact_graph_a_dropped_superclass_is_still_stated_by_the_ontology(superclass: str):
    """What lets a reader ask for an eli:LegalResource or org:Organization with rdfs:subClassOf*."""
    ontology = ox.Store()
    ontology.load(path=str(ontology_file("policykg.ttl")), format=ox.RdfFormat.TURTLE)
    subclasses = {q.subject.value for q in ontology.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"), ox.NamedNode(superclass), None)}
    assert subclasses & {PK + c for c in ("Plan", "Agency", "DocumentGraph", "Extraction", "Correction",
                                          "CitedDocument", "LeadingGroup", "SourceFile", "Notice")}


def test_compact_graph_web_annotation_export_gives_back_the_full_selectors():
    result = make_result()
    store = store_of(result)
    subgraph = select(store, Selection(plans=["000_a.txt"], web_annotation=True))
    quads = subgraph.quads
    target = ox.NamedNode(plan_iri("000_a.txt").value + "/target/1")
    [selector] = [q.object for q in quads if q.subject == target and q.predicate.value == PK + "evidence"]
    about = {(q.predicate.value, q.object.value) for q in quads if q.subject == selector}
    assert (RDF + "type", OA + "TextPositionSelector") in about and (RDF + "type", OA + "TextQuoteSelector") in about
    assert (OA + "exact", "地理标志产品销售额达80亿元") in about
    # every selector of the plan gets them, quoting exactly its span
    selectors = {q.object for q in quads if q.predicate.value == PK + "evidence"}
    exact = {q.subject: q.object for q in quads if q.predicate.value == OA + "exact"}
    start = {q.subject: int(q.object.value) for q in quads if q.predicate.value == OA + "start"}
    end = {q.subject: int(q.object.value) for q in quads if q.predicate.value == OA + "end"}
    assert selectors and all(exact[s].value == result.text[start[s]:end[s]][:EXACT_MAX_CHARS]
                             for s in selectors if start[s] < end[s])
    assert all(exact[s].language == "zh" for s in exact)
    # without the option the export is the compact graph
    plain = select(store, Selection(plans=["000_a.txt"])).quads
    assert not [q for q in plain if q.predicate.value == OA + "exact"]
    assert len(quads) - len(plain) == len(web_annotation_quads(store, plain)) > 2 * len(selectors)


def test_compact_graph_web_annotation_quote_is_cut_at_the_old_limit():
    result = make_result()
    result.text += "长" * 2000
    result.measures[0].end = len(result.text)
    store = store_of(result)
    quads = select(store, Selection(plans=["000_a.txt"], web_annotation=True)).quads
    selector = ox.NamedNode(plan_iri("000_a.txt").value + "/measure/1/evidence")
    [exact] = [q.object for q in quads if q.subject == selector and q.predicate.value == OA + "exact"]
    assert len(exact.value) == EXACT_MAX_CHARS


PLAN = ("关于印发临川市知识产权强市建设方案的通知\n一、重点任务\n1.加强知识产权保护。由市市场监管局牵头，市科技局配合。\n"
        "2.推进专利转化运用。到2025年，每万人口高价值发明专利拥有量达到10件。\n")


def test_compact_graph_every_fact_keeps_a_span_of_the_cleaned_text():
    result = extract_text(PLAN, source="compact.txt")
    _, quads = result_to_quads(result, now=NOW)
    facts = {q.subject for q in quads if q.predicate.value == RDF + "type" and q.object.value in
             {PK + "Measure", PK + "Assignment", PK + "Target", PK + "Section"}}
    start = {q.subject: int(q.object.value) for q in quads if q.predicate.value == PK + "start"}
    end = {q.subject: int(q.object.value) for q in quads if q.predicate.value == PK + "end"}
    assert facts and facts <= set(start) and facts <= set(end)
    assert all(0 <= start[f] <= end[f] <= len(result.text) for f in facts)
    # a fact's evidence is on the fact: no selector node (only the plan's metadata fields keep one)
    plan = plan_iri("compact.txt")
    assert {q.subject for q in quads if q.predicate.value == PK + "evidence"} <= {plan}


FACT_KINDS = ("Section", "Measure", "Assignment", "Citation", "PlaceMention", "Target", "Incentive",
              "LeadingGroup", "GroupMembership", "Correction")


def test_compact_graph_only_the_document_graph_names_the_plan():
    """The named graph says which plan a fact belongs to: no fact repeats it."""
    graph, quads = result_to_quads(make_result(), now=NOW)
    linked = [q for q in quads if q.predicate.value == PK + "plan"]
    assert [(q.subject, q.object) for q in linked] == [(graph, plan_iri("000_a.txt"))]
    assert {q.graph_name for q in quads} == {graph}


def test_compact_graph_no_order_where_the_spans_give_it():
    result = extract_text(PLAN, source="compact.txt")
    _, quads = result_to_quads(result, now=NOW)
    assert len(result.measures) == 2 and len(result.responsibilities) == 2
    assert not [q for q in quads if q.predicate.value == PK + "order"]


def test_compact_graph_order_kept_for_a_kind_whose_spans_do_not_give_it():
    result = extract_text(PLAN, source="compact.txt")
    first, second = result.responsibilities
    second.start = first.start  # two units read from one span: their starts tie
    _, quads = result_to_quads(result, now=NOW)
    order = {q.subject.value: int(q.object.value) for q in quads if q.predicate.value == PK + "order"}
    assignments = sorted(order)
    assert len(assignments) == 2 and all("/assignment/" in iri for iri in assignments)
    assert sorted(order.values()) == [1, 2]
    result.responsibilities[1].start = None  # or one has no span
    _, quads = result_to_quads(result, now=NOW)
    assert len([q for q in quads if q.predicate.value == PK + "order"]) == 2


def test_compact_graph_triple_export_gives_back_each_facts_plan_and_order():
    """Turtle and N-Triples lose the graph name: the export states pk:plan and pk:order on every
    fact again, pk:order as the fact's position among its kind, as graph/rdf.py numbered them."""
    result = extract_text(PLAN, source="compact.txt")
    store = store_of(result)
    subgraph = select(store, Selection(plans=["compact.txt"]))
    triples = subgraph.triples
    plan = plan_iri("compact.txt")
    facts = {t.subject for t in triples if t.predicate.value == RDF + "type"
             and t.object.value in {PK + k for k in FACT_KINDS}}
    assert facts and {t.subject for t in triples if t.predicate.value == PK + "plan" and t.object == plan} >= facts
    order = {t.subject.value: int(t.object.value) for t in triples if t.predicate.value == PK + "order"}
    measures = sorted(i for i in order if i.rsplit("/", 2)[-2] == "measure")
    assert [order[m] for m in measures] == [1, 2]
    assignments = [f"{plan.value}/measure/1/assignment/1", f"{plan.value}/measure/1/assignment/2"]
    assert [order[a] for a in assignments] == [1, 2]
    sections = [s for s in order if "/section/" in s]
    assert sorted(order[s] for s in sections) == list(range(1, len(result.sections) + 1))
    # the quad formats keep the compact graph: the graph name says the plan
    assert not [q for q in subgraph.quads if q.predicate.value == PK + "order"]
    # a partial export numbers a fact as the whole plan does
    part = select(store, Selection(indicators=["高价值发明专利"], hops=1))
    part_order = {t.subject.value: int(t.object.value) for t in part.triples if t.predicate.value == PK + "order"}
    assert part_order and all(order[i] == n for i, n in part_order.items())


def test_compact_graph_no_label_repeating_an_agency_or_person_name():
    """An agency's name is its skos:prefLabel, a person's their foaf:name: both sub-properties of
    rdfs:label (stated in the ontology graph), so no rdfs:label repeats them."""
    _, quads = result_to_quads(make_result(), now=NOW)
    typed = {cls: {q.subject for q in quads if q.predicate.value == RDF + "type" and q.object.value == cls}
             for cls in (PK + "Agency", "http://xmlns.com/foaf/0.1/Person")}
    assert typed[PK + "Agency"] and typed["http://xmlns.com/foaf/0.1/Person"]
    labelled = {q.subject for q in quads if q.predicate.value == RDFS + "label"}
    assert not labelled & (typed[PK + "Agency"] | typed["http://xmlns.com/foaf/0.1/Person"])
    named = {q.subject for q in quads if q.predicate.value in (SKOS + "prefLabel", "http://xmlns.com/foaf/0.1/name")}
    assert typed[PK + "Agency"] <= named
    ontology = ox.Store()
    ontology.load(path=str(ontology_file("policykg.ttl")), format=ox.RdfFormat.TURTLE)
    sub = {q.subject.value for q in ontology.quads_for_pattern(
        None, ox.NamedNode(RDFS + "subPropertyOf"), ox.NamedNode(RDFS + "label"), None)}
    assert {SKOS + "prefLabel", "http://xmlns.com/foaf/0.1/name"} <= sub


ROOT = Path(__file__).resolve().parents[2]
_TYPED_THEN_PLAN = re.compile(r"\?\w+\s+a\s+(?:pk|org):\w+\s*;\s*pk:plan\b")
_PLAN_SUBJECT = re.compile(r"(\?\w+)\s+pk:plan\b")
_GRAPH_VARIABLE = re.compile(r"GRAPH\s+(\?\w+)")


def _sparql_sources() -> list[Path]:
    found = sorted((ROOT / "queries").glob("*.rq"))
    for folder in ("graph", "viz", "policykg"):
        found += sorted((ROOT / folder).rglob("*.py"))
    return found


@pytest.mark.parametrize("path", _sparql_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_compact_graph_no_shipped_sparql_asks_a_fact_for_its_plan(path: Path):
    """Facts carry no pk:plan: a pattern `?x a pk:Measure ; pk:plan ?plan` would match nothing.
    Only a named graph (`GRAPH ?g { ?g pk:plan ?plan }`) states its plan."""
    text = path.read_text(encoding="utf-8")
    assert not _TYPED_THEN_PLAN.findall(text)
    graphs = set(_GRAPH_VARIABLE.findall(text))
    assert {s for s in _PLAN_SUBJECT.findall(text) if s not in graphs} == set()
