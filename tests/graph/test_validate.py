"""graph/validate.py and the shipped ontology files: SHACL reports, the OWL terms' labels and
domains, the agency-type vocabulary and classify_agency."""
from __future__ import annotations

from datetime import datetime, timezone

import pyoxigraph as ox
import pytest

from policykg.extract.result import (Agency, Citation, Evidence, ExtractionResult, Measure, Person,
                                     PlanMeta, Responsibility, Section, Target)
from policykg.graph.rdf import result_to_quads, vocabulary_quads
from policykg.graph.validate import Report, validate_store
from policykg.ontology import ontology_file
from policykg.ontology.vocab import agency_categories, agency_types, classify_agency

NOW = datetime(2024, 5, 1, tzinfo=timezone.utc)


def good_result(source: str = "000_a.txt") -> ExtractionResult:
    text = ("甲市知识产权工作方案\n一、重点任务\n1.加强统筹。(市市场监管局牵头，各县(市)区人民政府配合)\n"
            "到2026年，专利质押融资额达10-12亿元。组长：张三(市长)\n")

    def at(needle: str) -> tuple[int, int]:
        start = text.index(needle)
        return start, start + len(needle)

    m = at("1.加强统筹")
    return ExtractionResult(
        source=source, path=source, sha256="0" * 64, encoding="utf-8", format="txt", text=text,
        plan=PlanMeta(title="甲市知识产权工作方案", title_span=Evidence(*at("甲市知识产权工作方案")),
                      jurisdiction="甲市", province="乙省", level="city", issued="2024-04-29",
                      period_start=2024, period_end=2026, issuer="甲市人民政府办公室"),
        sections=[Section("s1", 1, "一", "重点任务", "tasks", None, *at("一、重点任务"))],
        measures=[Measure("m1", "1", "加强统筹", "一、重点任务", "s1", "task", text[m[0]:m[1]], *m)],
        responsibilities=[Responsibility("m1", "市市场监管局", "lead", 1, *at("市市场监管局")),
                          Responsibility("m1", "各县(市)区人民政府", "support", 2, *at("各县(市)区人民政府"))],
        agencies=[Agency("市市场监管局", "甲市市场监督管理局", "甲市", "market-regulation"),
                  Agency("各县(市)区人民政府", "甲市各县(市)区人民政府", "甲市", collective=True)],
        citations=[Citation("知识产权强国建设纲要(2021—2035年)", None, None, "plan", None, 0, 4)],
        targets=[Target("专利质押融资额", 10.0, 12.0, "亿元", 2026, "level", "range", "专利质押融资额达10-12亿元",
                        *at("专利质押融资额达10-12亿元"))],
        people=[Person("张三", "组长", "市长", "领导小组", *at("组长：张三(市长)"))],
    )


def store_of(*results: ExtractionResult, vocabulary: bool = True) -> ox.Store:
    store = ox.Store()
    for result in results:
        store.extend(result_to_quads(result, now=NOW)[1])
    if vocabulary:
        store.extend(vocabulary_quads())
    return store


# ------------------------------------------------------------------ SHACL
def test_validate_good_graph_conforms():
    report = validate_store(store_of(good_result("000_a.txt"), good_result("001_b.txt")))
    assert isinstance(report, Report)
    assert report.conforms, report.format_text()
    assert report.violations == []
    assert report.format_text() == "conforms: no SHACL violations"


def test_validate_empty_store_conforms():
    assert validate_store(ox.Store()).conforms


def test_validate_reports_a_readable_violation():
    broken = good_result("002_bad.txt")
    broken.targets[0].kind = "bogus"
    report = validate_store(store_of(good_result(), broken))
    assert not report.conforms
    [violation] = report.violations
    assert violation.severity == "Violation"
    assert violation.focus.endswith("/plan/002_bad.txt/target/1")
    assert violation.path == "pk:targetKind"
    assert violation.value == "bogus"
    assert violation.graph == "https://w3id.org/policykg/id/doc/002_bad.txt"
    line = report.format_text()
    assert "\n" not in line
    assert "id:plan/002_bad.txt/target/1 pk:targetKind" in line and "bogus" in line
    assert "target kind must be" in line and "graph id:doc/002_bad.txt" in line


@pytest.mark.parametrize("breakage, path, needle", [
    (lambda r: setattr(r.responsibilities[0], "rank", 0), "pk:rank", "rank"),
    (lambda r: setattr(r.responsibilities[0], "role", "co-lead"), "pk:role", "lead or support"),
    (lambda r: setattr(r.responsibilities[0], "measure_id", "m404"), "pk:measure", "measure"),
    (lambda r: setattr(r.targets[0], "comparator", "~"), "pk:comparator", "comparator"),
    (lambda r: setattr(r.targets[0], "value_max", None), None, "range"),
    (lambda r: setattr(r.targets[0], "value_max", 5.0), "pk:value", "upper bound"),
    (lambda r: setattr(r.measures[0], "title", ""), "dcterms:title", "title"),
    (lambda r: setattr(r.plan, "title", None), "eli:title", "title"),
    (lambda r: setattr(r.plan, "issued", "2024年4月29日"), "eli:date_document", "date"),
    (lambda r: setattr(r.plan, "period_end", 2020), "pk:periodStart", "period_end"),
    (lambda r: setattr(r.people[0], "start", r.people[0].end + 5), "pk:start", "not after its end"),
    (lambda r: setattr(r.people[0], "start", -1), "pk:start", ">= 0"),
])
def test_validate_catches_broken_items(breakage, path, needle):
    broken = good_result()
    breakage(broken)
    report = validate_store(store_of(broken))
    assert not report.conforms
    assert any((v.path == path) and needle in v.message for v in report.violations), report.format_text()


def test_validate_warnings_do_not_fail():
    result = good_result()
    result.plan.jurisdiction = None
    report = validate_store(store_of(result))
    assert report.conforms
    assert [v.severity for v in report.violations] == ["Warning"]
    assert report.counts == {"Warning": 1}


def test_validate_ignores_vocabulary_graphs():
    assert validate_store(store_of(vocabulary=True)).violations == []


# ------------------------------------------------------------------ the ontology itself
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PK = "https://w3id.org/policykg/ns#"


def _ontology() -> dict[str, dict[str, list[ox.Term]]]:
    terms: dict[str, dict[str, list]] = {}
    for q in ox.parse(path=ontology_file("policykg.ttl")):
        if q.subject.value.startswith(PK):
            terms.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)
    return terms


def test_ontology_every_term_has_zh_en_labels_and_comment():
    terms = _ontology()
    assert len(terms) > 60
    for iri, props in terms.items():
        labels = {o.language for o in props.get(RDFS + "label", [])}
        assert {"zh", "en"} <= labels, iri
        assert {o.language for o in props.get(RDFS + "comment", [])} >= {"zh", "en"}, iri


def test_ontology_every_property_has_domain_and_range():
    for iri, props in _ontology().items():
        kinds = {o.value for o in props.get("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", [])}
        if kinds & {OWL + "ObjectProperty", OWL + "DatatypeProperty"}:
            assert props.get(RDFS + "domain") or props.get("https://schema.org/domainIncludes"), iri
            assert props.get(RDFS + "range") or props.get("https://schema.org/rangeIncludes"), iri


def test_ontology_aligns_with_reused_vocabularies():
    terms = _ontology()
    sub = lambda iri: {o.value for o in terms[PK + iri].get(RDFS + "subClassOf", [])}  # noqa: E731
    assert "http://data.europa.eu/eli/ontology#LegalResource" in sub("Plan")
    assert "http://data.europa.eu/eli/ontology#LegalResource" in sub("CitedDocument")
    assert "http://www.w3.org/ns/org#Organization" in sub("Agency")
    assert PK + "Agency" in sub("CollectiveUnit")
    assert "http://www.w3.org/ns/org#Membership" in sub("GroupMembership")
    assert "https://schema.org/AdministrativeArea" in sub("Jurisdiction")


def test_ontology_shapes_parse():
    assert len(list(ox.parse(path=ontology_file("shapes.ttl")))) > 100


# ------------------------------------------------------------------ agency types
def test_agency_types_vocabulary_is_complete():
    types = agency_types()
    assert len(types) >= 60
    categories = {c["notation"] for c in agency_categories()}
    assert categories == {"party", "government", "judicial", "regulator", "institution",
                          "enterprise", "collective"}
    for t in types:
        assert t["pref_zh"] and t["pref_en"] and t["category"] in categories, t["notation"]
        assert t["suffixes"] or t["prefixes"], t["notation"]
    assert len({t["notation"] for t in types}) == len(types)


def test_agency_types_returns_copies():
    agency_types()[0]["suffixes"].append("x")
    assert "x" not in agency_types()[0]["suffixes"]


@pytest.mark.parametrize("name, notation, category", [
    ("市市场监管局(知识产权局)", "market-regulation", "government"),
    ("衡阳市市场监督管理局", "market-regulation", "government"),
    ("市发改委", "development-reform", "government"),
    ("市人社局", "human-resources", "government"),
    ("市文旅广体局", "culture-tourism", "government"),
    ("市委组织部", "organization-dept", "party"),
    ("市委编办", "staffing-office", "party"),
    ("市中院", "intermediate-court", "judicial"),
    ("市人民检察院", "procuratorate", "judicial"),
    ("衡阳海关", "customs", "regulator"),
    ("国家金融监督管理总局衡阳监管分局", "financial-regulation", "regulator"),
    ("中国人民银行衡阳市分行", "central-bank-branch", "regulator"),
    ("中国银行衡阳分行", "commercial-bank", "enterprise"),
    ("国家税务总局衡阳市税务局", "tax", "regulator"),
    ("市贸促会", "ccpit", "institution"),
    ("高新区管委会", "development-zone", "government"),
    ("各县(市)区人民政府", "local-governments", "collective"),
    ("各县（市）区人民政府", "local-governments", "collective"),
    ("领导小组各成员单位", "member-units", "collective"),
    ("各县市区", "local-units", "collective"),
])
def test_classify_agency(name, notation, category):
    found = classify_agency(name)
    assert found is not None and (found["notation"], found["category"]) == (notation, category)


def test_classify_agency_unknown_and_empty():
    assert classify_agency("张三") is None
    assert classify_agency("") is None


def test_vocab_does_not_import_graph():
    import subprocess
    import sys

    code = ("import sys, policykg.ontology.vocab as v; v.classify_agency('市财政局'); "
            "print(any(m.startswith('policykg.graph') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
