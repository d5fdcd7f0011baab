"""The framework registry (ontology/frameworks.ttl) and how citations reach it across plans."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from policykg.extract import extract_text
from policykg.graph.rdf import result_to_quads, vocabulary_quads
from policykg.ontology.vocab import frameworks, resolve_framework
from policykg.queries import load_query, run_query


def plan(city: str, preamble: str, body: str = "1.加强统筹。内容。") -> str:
    return f"{city}知识产权强市建设工作方案（2024—2026年）\n{preamble}\n一、重点任务\n{body}"


def store_of(*texts: str) -> ox.Store:
    store = ox.Store()
    store.extend(vocabulary_quads())
    for i, text in enumerate(texts):
        _, quads = result_to_quads(extract_text(text, f"plan{i}.txt"))
        store.extend(quads)
    return store


def test_registry_has_the_documents_plans_cite():
    entries = frameworks()
    assert len(entries) >= 40
    assert {e["level"] for e in entries} == {"central", "ministerial", "provincial"}
    assert {e["kind"] for e in entries} >= {"law", "regulation", "plan", "opinion", "notice", "standard", "strategy"}
    by_id = {e["id"]: e for e in entries}
    assert by_id["ip-protection-use-14th-fyp"]["doc_number"] == "国发〔2021〕20号"
    assert by_id["national-ip-strategy-2008"]["year"] == 2008
    assert all(e["title"] and e["title_en"] for e in entries)


@pytest.mark.parametrize("name, entry", [
    ("知识产权强国建设纲要（2021－2035年）", "ip-powerful-country-2021-2035"),
    ("知识产权强国建设纲要", "ip-powerful-country-2021-2035"),
    ("国发〔2021〕20号", "ip-protection-use-14th-fyp"),
    ("国发[2021]20号", "ip-protection-use-14th-fyp"),
    ("专利法", "patent-law"),
    ("GB/T 29490-2013", "enterprise-ip-management-standard"),
])
def test_registry_resolves_titles_aliases_and_doc_numbers(name, entry):
    assert resolve_framework(name)["id"] == entry


def test_registry_leaves_unknown_documents_unresolved():
    assert resolve_framework("某某市科技创新条例") is None


def test_citation_back_reference_is_the_earlier_citation():
    text = plan("湘潭市", "为贯彻《知识产权强国建设纲要（2021—2035年）》，制定本方案。",
                "1.加强统筹。落实上述《纲要》要求，对照《纲要》部署。")
    cites = extract_text(text, "t.txt").citations
    assert [c.framework_id for c in cites] == ["ip-powerful-country-2021-2035"]


def test_citation_resolved_kind_and_level_come_from_the_registry():
    text = plan("湘潭市", "根据《中国制造2025》和《四川省专利保护条例》，制定本方案。")
    cites = extract_text(text, "t.txt").citations
    assert [(c.framework_id, c.kind, c.level) for c in cites] == [
        ("made-in-china-2025", "strategy", "central"), ("sichuan-patent-protection-regulations", "regulation", "provincial")]


def test_one_framework_cited_three_ways_in_three_plans_is_one_node():
    store = store_of(
        plan("湘潭市", "根据《知识产权强国建设纲要（2021－2035年）》，制定本方案。"),
        plan("株洲市", "贯彻中共中央、国务院印发的《知识产权强国建设纲要》，制定本方案。"),
        plan("岳阳市", "落实《中共中央 国务院关于印发〈知识产权强国建设纲要(2021—2035年)〉的通知》精神，制定本方案。"),
    )
    rows = list(store.query("""
        PREFIX eli: <http://data.europa.eu/eli/ontology#> PREFIX pk: <https://w3id.org/policykg/ns#>
        SELECT DISTINCT ?doc WHERE { ?plan a pk:Plan ; eli:applies ?doc . ?doc a pk:Framework }""",
                            use_default_graph_as_union=True))
    assert [r["doc"].value for r in rows] == ["https://w3id.org/policykg/id/framework/ip-powerful-country-2021-2035"]
    reuse = run_query(store, load_query("framework_reuse"), {})
    cols, data = reuse
    row = [dict(zip(cols, r)) for r in data if r[cols.index("framework")].startswith("知识产权强国建设纲要")]
    assert sum(int(r["plans"]) for r in row) == 3 and sum(int(r["plans_applying"]) for r in row) == 3


def test_unregistered_document_cited_with_different_spacing_is_one_node():
    store = store_of(plan("湘潭市", "根据《湖南省 知识产权 促进条例》，制定本方案。"),
                     plan("株洲市", "根据《湖南省知识产权促进条例》，制定本方案。"))
    rows = list(store.query("""
        PREFIX eli: <http://data.europa.eu/eli/ontology#> PREFIX pk: <https://w3id.org/policykg/ns#>
        SELECT DISTINCT ?doc WHERE { ?plan a pk:Plan ; eli:cites ?doc }""", use_default_graph_as_union=True))
    assert len(rows) == 1


def test_uncited_lists_registry_documents_no_plan_cites():
    store = store_of(plan("湘潭市", "根据《中华人民共和国专利法》，制定本方案。"))
    cols, data = run_query(store, load_query("uncited"), {})
    names = {r[cols.index("framework")] for r in data}
    assert "中华人民共和国专利法" not in names and "中华人民共和国商标法" in names
    assert len(data) == len(frameworks()) - 1


def test_plan_frameworks_marks_applied_documents():
    store = store_of(plan("湘潭市", "根据《中华人民共和国专利法》，制定本方案。", "1.加强统筹。贯彻《企业知识产权管理规范》。"))
    cols, data = run_query(store, load_query("plan_frameworks"), {})
    applies = {r[cols.index("framework")]: r[cols.index("applies")] for r in data}
    assert applies == {"中华人民共和国专利法": "1", "企业知识产权管理规范": "0"}
