"""The seed corpus end to end: extraction -> store -> named queries agree with each other.

Expected values are computed from the ExtractionResults, not typed in, so the tests check that
the graph and the queries say what the extractor found.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from policykg.extract import extract_path
from policykg.graph.build import build
from policykg.graph.store import Store
from policykg.queries import load_query

SEEDS = sorted((Path(__file__).resolve().parents[2] / "data" / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("seed") / "store", create=True)
    report = build(SEEDS, store)
    assert not report.failed
    results = {p.name: extract_path(p) for p in SEEDS}
    yield store, results
    store.close()


def rows(store, name, **params):
    res = store.run_query(load_query(name), params)
    return [dict(zip(res.columns, r)) for r in res.rows]


def test_seed_graph_every_agency_has_a_type_and_an_english_label(seed):
    store, _ = seed
    res = store.query("""
        PREFIX pk: <https://w3id.org/policykg/ns#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?a (SAMPLE(?t) AS ?type) (SAMPLE(?en) AS ?english) WHERE {
          ?a a pk:Agency .
          OPTIONAL { ?a org:classification ?t }
          OPTIONAL { ?a skos:prefLabel ?en FILTER(LANG(?en) = "en") }
        } GROUP BY ?a""")
    assert len(res.rows) > 50
    missing = [r for r in res.rows if not r[1] or not r[2]]
    assert missing == []


def test_seed_graph_agency_load_matches_extraction(seed):
    store, results = seed
    led, supported = Counter(), Counter()
    for r in results.values():
        canon = {a.name: (a.jurisdiction, a.canonical) for a in r.agencies}
        for x in r.responsibilities:
            (led if x.role == "lead" else supported)[(canon[x.agency], x.measure_id, r.source)] += 1
    expected_led = Counter(key[0][1] for key in led)
    got = {row["agency"]: int(row["measures_led"]) for row in rows(store, "agency_load")}
    for agency, count in expected_led.most_common(5):
        assert got[agency] == count


def test_seed_graph_agency_load_city_filter(seed):
    store, results = seed
    yinchuan = rows(store, "agency_load", city="银川市")
    names = {a.canonical for a in results["003_ad288fc7cf756697.txt"].agencies}
    assert yinchuan and {row["agency"] for row in yinchuan} <= names


def test_seed_graph_co_responsibility_pairs_share_measures(seed):
    store, results = seed
    pairs = rows(store, "co_responsibility", city="衡阳市")
    r = results["000_8c7ba4464c8b6764.txt"]
    canon = {a.name: a.canonical for a in r.agencies}
    by_measure: dict[str, set[str]] = {}
    for x in r.responsibilities:
        by_measure.setdefault(x.measure_id, set()).add(canon[x.agency])
    top = pairs[0]
    shared = sum(1 for units in by_measure.values() if {top["agency_a"], top["agency_b"]} <= units)
    assert int(top["shared_measures"]) == shared == max(
        sum(1 for u in by_measure.values() if {p["agency_a"], p["agency_b"]} <= u) for p in pairs)


def test_seed_graph_leading_groups_one_row_per_member_with_post_agency(seed):
    store, results = seed
    for source in ("003_ad288fc7cf756697.txt", "004_6d9d402cb80ceabd.txt"):
        found = rows(store, "leading_groups", source=source)
        people = results[source].people
        assert len(found) == len(people)
        with_agency = [p for p in people if p.post_agency]
        assert sum(1 for row in found if row["post_agency"]) == len(with_agency) > 10
        assert all(row["group"] and row["group"].endswith("领导小组") for row in found)


def test_seed_graph_conforms_to_shacl(seed):
    from policykg.graph.validate import validate_store

    store, _ = seed
    report = validate_store(store.raw)
    assert report.conforms, report.format_text()
