"""Every named query gives the same rows on Oxigraph (the local seed store) and on Virtuoso (the
same store pushed there): in the same order where the query sets ORDER BY, as a multiset
otherwise; GROUP_CONCAT lists compared as sets of their parts. Also the store interface the
readers use (documents, stats, len) and a few parameters (bound as VALUES on the endpoint)."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.graph.remote import RemoteStore, with_values
from policykg.graph.store import Store
from policykg.queries import list_queries, load_query

QUERIES = [q.name for q in list_queries()]
PARAMETERS = [("measures", {"city": "银川市"}), ("responsibilities", {"city": "杭州市"}), ("people", {"source": "004_6d9d402cb80ceabd.txt"}),
              ("plans", {"city": "衡阳市"}), ("targets", {"source": "001_1eab838177af062e.txt"}),
              ("measure_reuse", {"city": "银川市"}), ("coverage", {"city": "银川市"}),
              ("coverage", {"source": "003_ad288fc7cf756697.txt"}), ("target_comparison", {"indicator": "每万人口高价值发明专利拥有量"}),
              ("plans_by_region", {"region": "330000"}),  # by code: a Chinese name, see docs/scale.md
              ("plans", {"city": "no such city"})]


def normalised(rows: list[list[str | None]], grouped: set[int]) -> list[tuple]:
    """GROUP_CONCAT's order is the engine's: compare its parts as a sorted list."""
    return [tuple("; ".join(sorted(v.split("; "))) if i in grouped and v else v
                  for i, v in enumerate(row)) for row in rows]


def group_concat_columns(sparql: str, columns: list[str]) -> set[int]:
    text = " ".join(sparql.split())
    return {i for i, c in enumerate(columns) if f"AS ?{c})" in text and "GROUP_CONCAT" in
            text.split(f"AS ?{c})")[0].rsplit("(", 3)[0] + text.split(f"AS ?{c})")[0][-200:]}


def assert_same_rows(name: str, params: dict[str, str], seed_store: Path, endpoint: str) -> None:
    query = load_query(name)
    with Store.open(seed_store) as local:
        expected = local.run_query(query, params, timeout=120)
    got = RemoteStore.open(endpoint).run_query(query, params, timeout=120)
    assert got.columns == expected.columns
    grouped = group_concat_columns(query.sparql, expected.columns)
    want, have = normalised(expected.rows, grouped), normalised(got.rows, grouped)
    if "ORDER BY" not in query.sparql.upper():
        want, have = sorted(want, key=repr), sorted(have, key=repr)
    assert have == want, f"{name} {params}: Virtuoso differs (first local row {want[:1]})"


@pytest.mark.parametrize("name", QUERIES)
def test_named_query_same_rows_on_virtuoso(name: str, seed_store: Path, pushed: str):
    assert_same_rows(name, {}, seed_store, pushed)


@pytest.mark.parametrize("name,params", PARAMETERS, ids=[f"{n}-{'-'.join(p.values())}" for n, p in PARAMETERS])
def test_named_query_with_parameters_same_rows_on_virtuoso(name, params, seed_store: Path, pushed: str):
    assert_same_rows(name, params, seed_store, pushed)


def test_the_analysis_queries_have_rows_to_compare(seed_store: Path):
    with Store.open(seed_store) as local:
        for name in ("instrument_mix", "measure_reuse", "plan_similarity", "pmc_features",
                     "target_comparison", "framework_reuse"):
            assert local.run_query(load_query(name)).rows, name


def test_store_interface_agrees(seed_store: Path, pushed: str):
    remote = RemoteStore.open(pushed)
    with Store.open(seed_store) as local:
        assert remote.documents() == local.documents()
        assert remote.stats() == local.stats()
        assert remote.named_graphs() == local.named_graphs()
        assert len(remote) == len(local)


def test_endpoint_is_read_only(pushed: str):
    from policykg.errors import PolicyKGError
    import pyoxigraph as ox

    remote = RemoteStore.open(pushed)
    with pytest.raises(PolicyKGError, match="read-only"):
        remote.replace_document(ox.NamedNode("https://w3id.org/policykg/id/doc/x"), [])
    with pytest.raises(PolicyKGError, match="read-only"):
        remote.raw.update("CLEAR ALL")


def test_time_limit_stops_a_long_query(pushed: str):
    from policykg.errors import QueryFailed

    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
            "FILTER(STRLEN(STR(?c)) + STRLEN(STR(?f)) + STRLEN(STR(?i)) = 7) }")
    with pytest.raises(QueryFailed, match="longer than 1 s"):
        RemoteStore.open(pushed).query(slow, timeout=1)


@pytest.mark.parametrize("sparql,values,expected", [
    ("SELECT ?x WHERE { ?s ?p ?x }", {"x": "a"}, 'SELECT ("a" AS ?x) WHERE { ?s ?p "a" }'),
    ("# ?x {not this}\nSELECT ?x (COUNT(?y) AS ?n) WHERE { <urn:a?x> ?p \"?x\" . FILTER(?y != ?x) }"
     " GROUP BY ?x ORDER BY ?x",
     {"x": "b"},
     '# ?x {not this}\nSELECT ("b" AS ?x) (COUNT(?y) AS ?n) WHERE { <urn:a?x> ?p "?x" . FILTER(?y != "b") }'
     ' GROUP BY ("b") ORDER BY ("b")'),
    ("SELECT ?x WHERE { ?s ?p ?o BIND(STR(?o) AS ?x) }", {"x": 'q"'},
     'SELECT ?x WHERE { ?s ?p ?o BIND(STR(?o) AS ?x) }\nVALUES (?x) { ("q\\"") }\n'),
])
def test_with_values_writes_the_value_in_place_of_the_variable(sparql, values, expected):
    assert with_values(sparql, values) == expected
