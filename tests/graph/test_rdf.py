"""graph/rdf.py: ExtractionResult -> quads (IRIs, merging, provenance, literals, determinism)."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pyoxigraph as ox
import pytest

from policykg.extract.result import (Agency, Citation, Evidence, ExtractionResult, Measure, Person,
                                     PlanMeta, Responsibility, Target)
from policykg.graph.rdf import (AGENCY_TYPES_GRAPH, ONTOLOGY_GRAPH, agency_iri, base_value,
                                cited_document_iri, decimal_lexical, document_graph, iri_segment,
                                normalise_title, plan_iri, result_to_quads, vocabulary_quads)
from policykg.ontology import DCTERMS, ID, OA, PK, PROV, RDF, SKOS, ontology_file

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
TYPE = ox.NamedNode(RDF + "type")


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def make_result(source="000_a.txt", city="甲市", printed="市市场监管局", nos=("1", "2"),
                title="甲市知识产权工作方案") -> ExtractionResult:
    text = (f"{title}\n根据《知识产权强国建设纲要（2021－2035年）》制定。\n"
            + "".join(f"{no}.任务{i}。({printed}牵头)\n" for i, no in enumerate(nos, 1))
            + "到2026年，地理标志产品销售额达80亿元。组长：张三(市长)\n")
    measures = []
    for i, no in enumerate(nos, 1):
        start, end = span(text, f"{no}.任务{i}")
        measures.append(Measure(f"m{i}", no, f"任务{i}", None, None, "task", text[start:end], start, end))
    return ExtractionResult(
        source=source, path=f"/somewhere/{source}", sha256="e" * 64, encoding="utf-8", format="txt",
        text=text,
        plan=PlanMeta(title=title, title_span=Evidence(0, len(title)), jurisdiction=city, province="乙省",
                      level="city", issued="2024-04-29", period_start=2024, period_end=2026,
                      evidence={"issued": Evidence(0, 2)}),
        measures=measures,
        responsibilities=[Responsibility(m.id, printed, "lead", 1, m.start, m.end) for m in measures],
        agencies=[Agency(printed, "乙省市场监督管理局", "乙省", "market-regulation")],
        citations=[Citation("知识产权强国建设纲要（2021－2035年）", None, None, "plan", None,
                            *span(text, "《知识产权强国建设纲要（2021－2035年）》"), in_preamble=True)],
        targets=[Target("地理标志产品销售额", 80.0, None, "亿元", 2026, "level", ">=",
                        "地理标志产品销售额达80亿元", *span(text, "地理标志产品销售额达80亿元"))],
        people=[Person("张三", "组长", "市长", "领导小组", *span(text, "组长：张三(市长)"))],
    )


def objects(quads, subject: ox.NamedNode, predicate: str) -> list:
    return [q.object for q in quads if q.subject == subject and q.predicate.value == predicate]


# ------------------------------------------------------------------ graph and IRIs
def test_rdf_one_named_graph_per_document():
    graph, quads = result_to_quads(make_result(), now=NOW)
    assert graph == ox.NamedNode(ID + "doc/000_a.txt") == document_graph("000_a.txt")
    assert quads and all(q.graph_name == graph for q in quads)


def test_rdf_graph_iri_ignores_path_and_sha():
    one, two = make_result(), make_result()
    two.path, two.sha256 = "/elsewhere/000_a.txt", "f" * 64
    assert result_to_quads(one)[0] == result_to_quads(two)[0]


def test_rdf_is_deterministic():
    first = result_to_quads(make_result(), now=NOW)
    second = result_to_quads(make_result(), now=NOW)
    assert first == second
    assert len(set(first[1])) == len(first[1])  # no duplicate quads


def test_rdf_reingest_is_idempotent():
    store = ox.Store()
    quads = result_to_quads(make_result(), now=NOW)[1] + vocabulary_quads()
    store.extend(quads)
    size = len(store)
    store.extend(result_to_quads(make_result(), now=NOW)[1] + vocabulary_quads())
    assert len(store) == size == len(set(quads))


def test_rdf_no_blank_nodes_and_no_none():
    _, quads = result_to_quads(make_result(), now=NOW)
    for q in quads:
        assert not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
        assert not (isinstance(q.object, ox.Literal) and q.object.value in ("None", ""))


@pytest.mark.parametrize("no", ["保障(一)", "工程（二）", "1/2", "#3", "a b", "100%", "<x>", "a|b^c", "\ue000"])
def test_rdf_measure_iris_valid_for_odd_numbers(no):
    _, quads = result_to_quads(make_result(nos=(no, "2")), now=NOW)
    measures = [q.subject for q in quads if q.predicate == TYPE and q.object.value == PK + "Measure"]
    assert len(measures) == 2
    assert all(m.value.startswith(plan_iri("000_a.txt").value + "/measure/") for m in measures)
    store = ox.Store()
    store.extend(quads)  # an invalid IRI would have failed in NamedNode already; the store agrees
    nos = {s["no"].value for s in store.query(
        f"SELECT ?no WHERE {{ GRAPH ?g {{ ?m <{PK}measureNo> ?no }} }}")}
    assert nos == {no, "2"}


def test_rdf_repeated_measure_numbers_are_disambiguated():
    _, quads = result_to_quads(make_result(nos=("1", "1", "2")), now=NOW)
    measures = sorted(q.subject.value for q in quads
                      if q.predicate == TYPE and q.object.value == PK + "Measure")
    base = plan_iri("000_a.txt").value + "/measure/"
    assert measures == [base + "1~m1", base + "1~m2", base + "2"]


def test_rdf_iri_segment_is_readable_and_injective():
    assert iri_segment("衡阳市") == "衡阳市"
    assert iri_segment("保障(一)") == "保障(一)"
    assert iri_segment("a/b c#%") == "a%2Fb%20c%23%25"
    assert iri_segment("a%2Fb") != iri_segment("a/b")


# ------------------------------------------------------------------ shared entities
def test_rdf_agencies_merge_across_plans_with_alt_labels():
    store = ox.Store()
    store.extend(result_to_quads(make_result("000_a.txt", "甲市", "省市场监管局"), now=NOW)[1])
    store.extend(result_to_quads(make_result("001_b.txt", "丙市", "乙省市场监管局"), now=NOW)[1])
    node = agency_iri("乙省市场监督管理局", "乙省")
    agencies = {s["a"] for s in store.query(
        f"SELECT DISTINCT ?a WHERE {{ ?x <{PK}agency> ?a }}", use_default_graph_as_union=True)}
    assert agencies == {node}
    pref = {s["l"].value for s in store.query(
        f"SELECT DISTINCT ?l WHERE {{ <{node.value}> <{SKOS}prefLabel> ?l }}", use_default_graph_as_union=True)}
    alt = {s["l"].value for s in store.query(
        f"SELECT DISTINCT ?l WHERE {{ <{node.value}> <{SKOS}altLabel> ?l }}", use_default_graph_as_union=True)}
    assert pref == {"乙省市场监督管理局"}
    assert alt == {"省市场监管局", "乙省市场监管局"}
    graphs = {s["g"].value for s in store.query(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{node.value}> <{SKOS}altLabel> ?l }} }}")}
    assert graphs == {ID + "doc/000_a.txt", ID + "doc/001_b.txt"}  # labels as seen per document


def test_rdf_unknown_agency_gets_a_node_in_the_plan_jurisdiction():
    result = make_result()
    result.agencies = []
    _, quads = result_to_quads(result, now=NOW)
    node = agency_iri("市市场监管局", "甲市")
    assert objects(quads, node, SKOS + "prefLabel") == [ox.Literal("市市场监管局", language="zh")]
    assert objects(quads, node, "http://www.w3.org/ns/org#classification") == [
        ox.NamedNode(ID + "agency-type/market-regulation")]


def test_rdf_citation_cited_two_ways_is_one_node():
    assert normalise_title("《知识产权强国建设纲要（2021－2035年）》") == normalise_title(
        "知识产权强国建设纲要(2021—2035年)") == "知识产权强国建设纲要(2021-2035年)"
    one = make_result("000_a.txt")
    two = make_result("001_b.txt")
    two.citations[0].title = "知识产权强国建设纲要(2021—2035年)"
    two.citations[0].framework = "知识产权强国建设纲要（2021—2035年）"
    doc = cited_document_iri("知识产权强国建设纲要(2021-2035年)")
    for result in (one, two):
        _, quads = result_to_quads(result, now=NOW)
        plan = plan_iri(result.source)
        assert objects(quads, plan, "http://data.europa.eu/eli/ontology#cites") == [doc]
        assert objects(quads, plan, "http://data.europa.eu/eli/ontology#applies") == [doc]


def test_rdf_wrapped_document_is_linked_from_the_notice():
    result = make_result()
    result.citations[0].title = "关于印发〈知识产权强国建设纲要〉的通知"
    result.citations[0].kind = "notice"
    result.citations[0].in_preamble = False
    result.citations[0].wraps = "知识产权强国建设纲要"
    _, quads = result_to_quads(result, now=NOW)
    notice = cited_document_iri("关于印发〈知识产权强国建设纲要〉的通知")
    assert objects(quads, notice, PK + "wraps") == [cited_document_iri("知识产权强国建设纲要")]
    assert objects(quads, plan_iri("000_a.txt"), "http://data.europa.eu/eli/ontology#applies") == []


# ------------------------------------------------------------------ provenance, literals, evidence
def test_rdf_provenance_lives_in_the_document_graph():
    graph, quads = result_to_quads(make_result(), now=NOW)
    assert objects(quads, graph, DCTERMS + "source") == [ox.Literal("000_a.txt")]
    assert objects(quads, graph, PROV + "generatedAtTime") == [
        ox.Literal("2024-05-01T12:00:00+00:00", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))]
    assert objects(quads, graph, PK + "extractorVersion")
    source_file = objects(quads, graph, PROV + "wasDerivedFrom")[0]
    assert objects(quads, source_file, PK + "sha256") == [ox.Literal("e" * 64)]
    plan = plan_iri("000_a.txt")
    text = objects(quads, plan, PK + "cleanedText")[0]
    assert text.value == make_result().text and text.language == "zh"
    assert not any("/somewhere/" in str(q.object) for q in quads)  # no machine-specific path


def test_rdf_plan_literals_are_typed():
    _, quads = result_to_quads(make_result(), now=NOW)
    plan = plan_iri("000_a.txt")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    [issued] = objects(quads, plan, "http://data.europa.eu/eli/ontology#date_document")
    assert (issued.value, issued.datatype.value) == ("2024-04-29", xsd + "date")
    [start] = objects(quads, plan, PK + "periodStart")
    assert (start.value, start.datatype.value) == ("2024", xsd + "integer")


def test_rdf_partial_and_bad_dates_are_not_dropped_silently():
    result = make_result()
    result.plan.issued = "2024-04"
    _, quads = result_to_quads(result, now=NOW)
    [issued] = objects(quads, plan_iri("000_a.txt"), "http://data.europa.eu/eli/ontology#date_document")
    assert issued.datatype.value.endswith("gYearMonth")


def test_rdf_evidence_is_a_compact_span_of_the_text_on_the_fact():
    """Compact evidence (issue #24): pk:start and pk:end on the fact, no selector node;
    tests/graph/test_compact_graph.py checks that export --web-annotation gives back the
    selector, its types and the quote."""
    result = make_result()
    _, quads = result_to_quads(result, now=NOW)
    target = ox.NamedNode(plan_iri("000_a.txt").value + "/target/1")
    assert not objects(quads, target, PK + "evidence")
    [start] = objects(quads, target, PK + "start")
    [end] = objects(quads, target, PK + "end")
    assert result.text[int(start.value):int(end.value)] == "地理标志产品销售额达80亿元"


@pytest.mark.parametrize("value, text", [
    (2.0, "2"), (6.5, "6.5"), (83.41, "83.41"), (0.1 + 0.2, "0.30000000000000004"), (1e-7, "0.0000001"),
    (1e20, "100000000000000000000"), (3, "3"), (Decimal("2.50"), "2.5"), (-1.5, "-1.5"),
    (float("nan"), None), (float("inf"), None), (None, None),
])
def test_rdf_decimal_lexical(value, text):
    assert decimal_lexical(value) == text


def test_rdf_base_value_scales_units():
    assert base_value(80.0, "亿元") == ("8000000000", "元")
    assert base_value(1.5, "万件") == ("15000", "件")
    assert base_value(2.0, "件") == ("2", "件")
    assert base_value(10.0, "%") == ("10", "%")
    assert base_value(3.0, None) == ("3", None)


# ------------------------------------------------------------------ vocabulary
def test_rdf_vocabulary_quads_in_their_own_graphs():
    quads = vocabulary_quads()
    from policykg.graph.rdf import VOCABULARY_GRAPHS

    # one named graph per shipped vocabulary file, and nothing in the default graph
    assert {q.graph_name for q in quads} == set(VOCABULARY_GRAPHS.values()) >= {ONTOLOGY_GRAPH, AGENCY_TYPES_GRAPH}
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))
    assert vocabulary_quads() == quads


def test_rdf_every_own_term_used_is_declared():
    declared = {q.subject.value for q in ox.parse(path=ontology_file("policykg.ttl"))}
    _, quads = result_to_quads(make_result(), now=NOW)
    used = {q.predicate.value for q in quads} | {q.object.value for q in quads if q.predicate == TYPE}
    used |= {q.object.value for q in quads if q.predicate.value == PK + "role"}
    own = {term for term in used if term.startswith(PK)}
    assert own and own <= declared, sorted(own - declared)
