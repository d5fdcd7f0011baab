"""graph/places.py and the plan -> place links in graph/rdf.py: the gazetteer as its own named
graph, loaded once; plans and mentions point at `id:place/{code}`; the two named queries."""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.extract import extract_text
from policykg.extract.gazetteer import lookup
from policykg.graph.places import (PLACES_GRAPH, english_names, ensure_places_graph, gazetteer_code,
                                   place_entity_iri, places_quads)
from policykg.graph.rdf import result_to_quads
from policykg.graph.store import Store
from policykg.queries import load_query

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "viz"))
import stores  # noqa: E402  (tests/viz/stores.py: the seed store, built once per process)

SCHEMA, PK = "https://schema.org/", "https://w3id.org/policykg/ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@pytest.fixture(scope="module")
def seed():
    with Store.open(stores.seed_store(), read_only=True) as store:
        yield store


def _objects(quads, subject: str, predicate: str) -> set[str]:
    return {q.object.value for q in quads if q.subject.value == subject and q.predicate.value == predicate}


@pytest.mark.parametrize("name, full, short", [
    ("衡阳市", "Hengyang Shi", "Hengyang"), ("朝阳市", "Chaoyang Shi", "Chaoyang"),
    ("宁夏回族自治区", "Ningxia Huizu Zizhiqu", "Ningxia"), ("西安市", "Xi'an Shi", "Xi'an"),
    ("四川省", "Sichuan Sheng", "Sichuan"), ("六安市", "Lu'an Shi", "Lu'an"),
])
def test_places_english_names(name, full, short):
    assert english_names(lookup(name)) == (full, short)


def test_places_graph_entity_shape():
    quads = places_quads()
    assert {q.graph_name for q in quads} == {PLACES_GRAPH}
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))
    hengyang = place_entity_iri("430400").value
    assert _objects(quads, hengyang, SCHEMA + "containedInPlace") == {place_entity_iri("430000").value}
    assert _objects(quads, hengyang, SCHEMA + "identifier") == {"430400"}
    assert _objects(quads, hengyang, "http://purl.org/dc/terms/identifier") == {"430400"}
    assert _objects(quads, hengyang, PK + "adminLevel") == {"city"}
    assert _objects(quads, hengyang, SKOS + "altLabel") == {"衡阳", "Hengyang"}
    assert {SCHEMA + "AdministrativeArea", PK + "Jurisdiction"} <= _objects(
        quads, hengyang, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    lat = _objects(quads, hengyang, "http://www.w3.org/2003/01/geo/wgs84_pos#lat").pop()
    assert abs(float(lat) - 26.89) < 0.05
    assert _objects(quads, place_entity_iri("430000").value, SKOS + "altLabel") == {"湖南", "湘", "Hunan"}


def test_places_graph_loads_once_per_version(tmp_path):
    with Store.open(tmp_path / "s", create=True) as store:
        assert ensure_places_graph(store) == len(places_quads()) + 1
        size = len(store)
        assert ensure_places_graph(store) == 0 and len(store) == size
        store.ensure_vocabulary()
        assert len(store) > size and PLACES_GRAPH.value in store.named_graphs()


def test_places_gazetteer_code_for_printed_names():
    assert gazetteer_code("衡阳市") == "430400"
    assert gazetteer_code("湖南", "430400") == "430000"
    assert gazetteer_code("朝阳区") is None                 # two districts: no single unit
    assert gazetteer_code("朝阳区", "110000") == "110105"   # the one in the plan's province
    assert gazetteer_code("临江新区") is None


def test_places_rdf_links_plan_and_mentions_to_code_iris():
    text = "\n".join(["衡阳市知识产权工作方案", "", "一、重点任务", "1.加强培育。支持雁峰区和银川经济技术开发区。", ""])
    graph, quads = result_to_quads(extract_text(text, "t.txt"))
    plan = "https://w3id.org/policykg/id/plan/t.txt"
    assert _objects(quads, plan, PK + "jurisdiction") == {place_entity_iri("430400").value}
    assert _objects(quads, plan, PK + "province") == {place_entity_iri("430000").value}
    assert _objects(quads, place_entity_iri("430400").value, "http://www.w3.org/2000/01/rdf-schema#label") == {"衡阳市"}
    mentions = {q.subject.value for q in quads if q.object.value == PK + "PlaceMention"}
    assert {o for m in mentions for o in _objects(quads, m, PK + "mentionedPlace")} == {
        place_entity_iri("430406").value, place_entity_iri("640100").value}


def test_places_queries_over_the_seeds(seed):
    columns, rows = _run(seed, "plans_by_region")
    by_code = {row[columns.index("codes")]: row for row in rows}
    assert set(by_code) == {"430400", "330100", "510000", "640100", "211300"}
    assert by_code["510000"][columns.index("level")] == "province"
    assert by_code["640100"][columns.index("province_code")] == "640000"
    columns, rows = _run(seed, "plans_by_region", region="湖南省")
    assert [row[columns.index("jurisdictions")] for row in rows] == ["衡阳市"]
    columns, rows = _run(seed, "places_mentioned", city="银川市")
    places = {(row[columns.index("place")], row[columns.index("code")]) for row in rows}
    assert ("银川经济技术开发区", "640100") in places and ("永宁县", "640121") in places
    columns, rows = _run(seed, "plans")  # the existing query still reads the jurisdiction label
    assert {row[columns.index("jurisdiction")] for row in rows} == {"衡阳市", "杭州市", "四川省", "银川市", "朝阳市"}


def _run(store, name, **params):
    result = store.run_query(load_query(name), params)
    return result.columns, result.rows
