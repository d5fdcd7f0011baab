"""Every named query gives the same rows on Oxigraph (the local seed store) and on Virtuoso (the
same store pushed there): in the same order where the query sets ORDER BY, as a multiset
otherwise; GROUP_CONCAT lists compared as sets of their parts. Also the store interface the
readers use (documents, stats, len), and every parameter of every named query with a Chinese value
(written into the query as a constant on the endpoint, as Oxigraph binds it)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from policykg.graph.remote import RemoteStore, with_values
from policykg.graph.store import Store
from policykg.queries import list_queries, load_query

QUERIES = [q.name for q in list_queries()]
PARAMETERS = [("measures", {"city": "银川市"}), ("responsibilities", {"city": "杭州市"}), ("people", {"source": "004_6d9d402cb80ceabd.txt"}),
              ("plans", {"city": "衡阳市"}), ("targets", {"source": "001_1eab838177af062e.txt"}),
              ("measure_reuse", {"city": "银川市"}), ("coverage", {"city": "银川市"}),
              ("coverage", {"source": "003_ad288fc7cf756697.txt"}), ("target_comparison", {"indicator": "每万人口高价值发明专利拥有量"}),
              ("plans_by_region", {"region": "330000"}), ("plans_by_region", {"region": "浙江省"}),
              ("plans", {"city": "no such city"})]
# A value for each parameter, Chinese wherever the data is: the province-level plan's name (a
# province and a city), a province name, an indicator name. Virtuoso 7.2 narrowed a Chinese
# literal of the query to "???" inside STR() (graph/remote.py `with_values`).
CHINESE_VALUES = {"city": ["银川市", "四川省"], "region": ["四川省"], "indicator": ["每万人口高价值发明专利拥有量"],
                  "source": ["003_ad288fc7cf756697.txt"], "status": ["applied"]}
EVERY_PARAMETER = [(q.name, {p.name: value}) for q in list_queries() for p in q.params
                   for value in CHINESE_VALUES[p.name]]


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


@pytest.mark.parametrize("name,params", EVERY_PARAMETER,
                         ids=[f"{n}-{'-'.join(p.values())}" for n, p in EVERY_PARAMETER])
def test_every_parameter_with_a_chinese_value_same_rows_on_virtuoso(name, params, seed_store: Path,
                                                                    pushed: str):
    assert_same_rows(name, params, seed_store, pushed)


def test_a_chinese_region_name_finds_its_plans_on_virtuoso(pushed: str):
    rows = RemoteStore.open(pushed).run_query(load_query("plans_by_region"), {"region": "浙江省"}).rows
    assert [row[0] for row in rows] == ["浙江省"]


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


def test_the_analysis_coverage_is_read_the_same_from_virtuoso(seed_store: Path, pushed: str):
    """graph/analysis/freshness.py over SPARQL: the pushed analysis graph covers the pushed plans."""
    from policykg.graph.analysis.freshness import analysis_coverage, stale_analysis

    remote = RemoteStore.open(pushed)
    with Store.open(seed_store) as local:
        expected = analysis_coverage(local.raw)
    found = analysis_coverage(remote.raw)
    assert found == expected and found.up_to_date and found.analysed == len(remote.documents()) == 5
    assert stale_analysis(remote) is None


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


# -- an answer cut at the endpoint's row limit is reported, never shown as the whole table ----------


def test_an_answer_over_the_row_limit_is_reported(capped: str):
    from policykg.graph.remote import RowLimitReached

    with pytest.raises(RowLimitReached, match=f"{capped} cut the answer at its limit of 50 rows"):
        RemoteStore.open(capped).run_query(load_query("measures"))
    with pytest.raises(RowLimitReached):
        RemoteStore.open(capped).query("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s")


@pytest.mark.parametrize("sparql,rows", [("SELECT ?s WHERE { ?s ?p ?o } LIMIT 49", 49),
                                         ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 50", 50),
                                         ("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p LIMIT 50", 50)])
def test_an_answer_within_the_row_limit_is_whole(sparql: str, rows: int, capped: str):
    assert len(RemoteStore.open(capped).query(sparql).rows) == rows


def test_a_named_query_within_the_row_limit_gives_the_local_rows(seed_store: Path, capped: str):
    assert_same_rows("plans", {}, seed_store, capped)
    assert_same_rows("measures", {"city": "银川市", "source": "003_ad288fc7cf756697.txt"}, seed_store, capped)


def test_a_cut_construct_is_reported_once_the_limit_is_known(capped: str):
    from policykg.graph.remote import RowLimitReached

    remote = RemoteStore.open(capped)
    with pytest.raises(RowLimitReached):
        remote.query("SELECT ?s WHERE { ?s ?p ?o }")
    with pytest.raises(RowLimitReached):
        remote.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert len(remote.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 10").rows) == 10


def test_the_cli_says_the_answer_was_cut(capped: str):
    from typer.testing import CliRunner

    from policykg.cli import app

    result = CliRunner().invoke(app, ["query", "measures", "--endpoint", capped, "-f", "csv"])
    assert result.exit_code != 0
    assert f"{capped} cut the answer at its limit of 50 rows" in " ".join(result.output.split())
    assert "source,no,title" not in result.output  # no partial table


def test_the_web_app_says_the_answer_was_cut(capped: str):
    from typer.testing import CliRunner

    from policykg.cli import app

    for path in ("/queries/measures?lang=en", "/queries/measures.csv"):
        result = CliRunner().invoke(app, ["serve", "--endpoint", capped, "--get", path])
        assert "cut the answer at its limit of 50 rows" in " ".join(result.output.split()), path


@pytest.mark.parametrize("max_rows,cut_by_the_app", [("20", True), ("1000", False)])
def test_the_sparql_page_keeps_its_notice_when_it_keeps_fewer_rows(max_rows, cut_by_the_app, capped: str):
    """`serve --max-rows 20` shows 20 rows and says it cut them, as over a local store; with a
    --max-rows above the endpoint's 50 the page names the endpoint's limit instead."""
    from typer.testing import CliRunner

    from policykg.cli import app

    path = "/?lang=en&" + urlencode({"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"})
    result = CliRunner().invoke(app, ["serve", "--endpoint", capped, "--max-rows", max_rows, "--get", path])
    text = " ".join(result.output.split())
    assert ('data-truncated="true"' in text) is cut_by_the_app
    assert ("cut the answer at its limit of 50 rows" in text) is not cut_by_the_app


@pytest.mark.parametrize("sparql,values,expected", [
    ("SELECT ?x WHERE { ?s ?p ?x }", {"x": "a"}, 'SELECT ("a" AS ?x) WHERE { ?s ?p "a" }'),
    ("# ?x {not this}\nSELECT ?x (COUNT(?y) AS ?n) WHERE { <urn:a?x> ?p \"?x\" . FILTER(?y != ?x) }"
     " GROUP BY ?x ORDER BY ?x",
     {"x": "b"},
     '# ?x {not this}\nSELECT ("b" AS ?x) (COUNT(?y) AS ?n) WHERE { <urn:a?x> ?p "?x" . FILTER(?y != "b") }'
     ' GROUP BY ("b") ORDER BY ("b")'),
    ("SELECT ?x WHERE { ?s ?p ?o BIND(STR(?o) AS ?x) }", {"x": 'q"'},
     'SELECT ?x WHERE { ?s ?p ?o BIND(STR(?o) AS ?x) }\nVALUES (?x) { ("q\\"") }\n'),
    # a non-ASCII string in an expression is typed (Virtuoso's STR() keeps its characters),
    # a plain literal in a triple pattern (what the stored literal matches)
    ("SELECT ?r WHERE { ?p ?q ?r FILTER(STR(COALESCE(?r, ?p)) = ?p) } GROUP BY ?r", {"r": "浙江"},
     'SELECT (STR("浙江"^^<http://www.w3.org/2001/XMLSchema#string>) AS ?r) WHERE { ?p ?q "浙江" '
     'FILTER(STR(COALESCE(STR("浙江"^^<http://www.w3.org/2001/XMLSchema#string>), ?p)) = ?p) } '
     'GROUP BY (STR("浙江"^^<http://www.w3.org/2001/XMLSchema#string>))'),
    ("SELECT ?x WHERE { FILTER(NOT EXISTS { ?s ?p ?x }) }", {"x": "é"},
     'SELECT (STR("é"^^<http://www.w3.org/2001/XMLSchema#string>) AS ?x) WHERE { FILTER(NOT EXISTS { ?s ?p "é" }) }'),
    # a subquery projecting the variable binds it: the outer list keeps ?x (no second AS ?x)
    ("SELECT ?x ?n WHERE { { SELECT ?x (COUNT(?s) AS ?n) WHERE { ?s ?p ?x } GROUP BY ?x } ?x ?q ?r }",
     {"x": "a"},
     'SELECT ?x ?n WHERE { { SELECT ("a" AS ?x) (COUNT(?s) AS ?n) WHERE { ?s ?p "a" } GROUP BY ("a") } "a" ?q ?r }'),
])
def test_with_values_writes_the_value_in_place_of_the_variable(sparql, values, expected):
    assert with_values(sparql, values) == expected
