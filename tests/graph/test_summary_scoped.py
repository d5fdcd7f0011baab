"""graph/summaries/scoped_rows.py `scoped_rows`: every summarised query given a scope parameter (city, source,
indicator) answers from the summaries of exactly the plans the parameter selects, with the rows
the full SPARQL returns (same order where the query orders); and `coverage`, counted per plan
in Python when the plan is built, returns the rows of queries/coverage.rq (issue #24).

Stores: the seeds, and ~100 generated plans (bench/generate_corpus.py) with the seeds among them,
built with the normal build, so the summaries are those the workers write. Cities: the most common one, a
province-level jurisdiction, the province of a city plan (its label is in every plan of that
province, on the province node, but selects only provincial plans), and a city with no plan.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.graph.build import build
from policykg.graph.store import Store
from policykg.graph.summaries import corpus_rows, corpus_tables, plan_selection, plan_summaries, scoped_rows, summary_format
from policykg.queries import run_query

ROOT = Path(__file__).resolve().parents[2]
GENERATED_PLANS = 100
NO_SUCH_CITY = "无此市"
INDICATORS = ("high-value-invention-patents-per-10k", "每万人口高价值发明专利拥有量", "no-such-indicator")


@pytest.fixture(scope="module", params=["seeds", "generated"])
def built_store(request, tmp_path_factory, corpus_generator):
    folder = tmp_path_factory.mktemp(f"scoped_{request.param}")
    if request.param == "seeds":
        source = ROOT / "data" / "seeds"
    else:  # generated city plans, with the seeds' provincial plan among them
        source = folder / "corpus"
        corpus_generator.generate(source, GENERATED_PLANS, 20261123)
        for seed in (ROOT / "data" / "seeds").glob("*.txt"):
            (source / seed.name).write_bytes(seed.read_bytes())
    store = Store.open(folder / "store", create=True)
    report = build([source], store, workers=2 if request.param == "generated" else 1)
    assert report.ok, report.failed
    yield request.param, store
    store.close()


def _scopes(raw: ox.Store, parameter: str) -> list[dict[str, str]]:
    """The parameter values to compare with, from the store's own plans."""
    columns, plans = run_query(raw, "plans")
    plans = [dict(zip(columns, row)) for row in plans]
    if parameter == "indicator":
        return [{"indicator": value} for value in INDICATORS]
    if parameter == "source":
        return [{"source": plans[0]["source"]}, {"source": plans[-1]["source"]}, {"source": "no-such-file.txt"}]
    counts = Counter(plan["jurisdiction"] for plan in plans if plan["jurisdiction"])
    common = max(counts, key=lambda city: (counts[city], city))
    province_level = next(plan["jurisdiction"] for plan in plans if plan["level"] == "province")
    # a province named only on the province node of its cities' plans: selects none of them
    provinces = {plan["province"] for plan in plans if plan["level"] != "province"} - set(counts)
    cities = [common, province_level, *sorted(provinces)[:1], NO_SUCH_CITY]
    return [{"city": city} for city in cities]


def _order_keys(name: str) -> list[str]:
    """The columns the query's ORDER BY sorts on that it also returns."""
    from test_summary import ORDER_COLUMNS

    return ORDER_COLUMNS[name]


@pytest.mark.parametrize("name,parameter",
                         [(name, parameter) for name in summary_format.SUMMARISED for parameter in summary_format.SCOPE_PARAMS[name]])
def test_scoped_rows_equal_full_query(built_store, name, parameter):
    label, store = built_store
    raw = store.raw
    compared = 0
    scopes = _scopes(raw, parameter)
    if name == "coverage":  # few plans have a coverage row: add the scope of one that has
        columns, rows = run_query(raw, "coverage", use_summary=False)
        scopes += [{parameter: row[columns.index(parameter)]} for row in rows[:1]]
    for params in scopes:
        assert scoped_rows.scoped_rows(raw, name, params) is not None, f"{label}: {name} {params} not from summaries"
        columns, full = run_query(raw, name, params, use_summary=False)
        _, scoped = run_query(raw, name, params)
        assert Counter(map(tuple, scoped)) == Counter(map(tuple, full)), f"{label}: {name} {params} differs"
        keys = [columns.index(column) for column in _order_keys(name)]
        assert [[row[k] for k in keys] for row in scoped] == [[row[k] for k in keys] for row in full]
        if NO_SUCH_CITY in params.values():
            assert not full
        compared += len(full)
    assert compared, f"{label}: {name} by {parameter} returns no rows, so the comparison proves nothing"


def test_city_and_source_together_select_their_intersection(built_store):
    label, store = built_store
    raw = store.raw
    columns, plans = run_query(raw, "plans")
    first = dict(zip(columns, plans[0]))
    other_city = next(row[2] for row in plans if row[2] != first["jurisdiction"])
    for city, expect_rows in ((first["jurisdiction"], True), (other_city, False)):
        params = {"city": city, "source": first["source"]}
        full = run_query(raw, "measures", params, use_summary=False)[1]
        assert scoped_rows.scoped_rows(raw, "measures", params) is not None
        assert run_query(raw, "measures", params)[1] == full
        assert bool(full) == expect_rows


def test_whole_corpus_coverage_equals_full_query(built_store):
    label, store = built_store
    assert corpus_rows.corpus_rows(store.raw, "coverage") is not None
    full = run_query(store.raw, "coverage", use_summary=False)[1]
    assert run_query(store.raw, "coverage")[1] == full
    assert full, f"{label}: coverage returns no rows, so the comparison proves nothing"


def test_a_plan_without_a_current_summary_sends_its_city_to_the_sparql(tmp_path):
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
        raw = store.raw
        columns, plans = run_query(raw, "plans")
        plan = dict(zip(columns, plans[0]))
        graph = summary_format.DOCUMENT_GRAPH_PREFIX + plan["source"]
        assert scoped_rows.scoped_rows(raw, "responsibilities", {"city": plan["jurisdiction"]}) is not None
        raw.remove_graph(ox.NamedNode(summary_format.summary_graph(graph)))
        corpus_tables.drop_corpus_tables(raw)  # as every write through Store does (the city index goes too)
        assert scoped_rows.scoped_rows(raw, "responsibilities", {"city": plan["jurisdiction"]}) is None
        assert scoped_rows.scoped_rows(raw, "responsibilities", {"source": plan["source"]}) is None
        assert run_query(raw, "responsibilities", {"city": plan["jurisdiction"]})[1] == \
            run_query(raw, "responsibilities", {"city": plan["jurisdiction"]}, use_summary=False)[1]
        # another city's plans still answer from their summaries
        other = next(row[2] for row in plans if row[2] != plan["jurisdiction"])
        assert scoped_rows.scoped_rows(raw, "responsibilities", {"city": other}) is not None


def test_an_undecided_city_sends_the_query_to_the_sparql(tmp_path, monkeypatch):
    """A plan whose summary could not tell its city (`pksum:cities` null, or the city reached twice)
    is never guessed; once the city index records the city as undecided, the SPARQL answers
    without the lookups."""
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
        raw = store.raw
        city = run_query(raw, "plans")[1][0][2]
        recorded = next(q for q in raw.quads_for_pattern(None, summary_format.CITIES, None, None)
                        if city in q.object.value)

        def record(cities: str) -> None:
            raw.remove(next(raw.quads_for_pattern(recorded.subject, recorded.predicate, None, recorded.graph_name)))
            raw.add(ox.Quad(recorded.subject, recorded.predicate, ox.Literal(cities), recorded.graph_name))
            corpus_tables.drop_corpus_tables(raw)  # as every write through Store does

        record("null")
        assert scoped_rows.scoped_rows(raw, "agency_load", {"city": city}) is None
        # written again, the city index holds no entry for a city no summary names: the lookups decide
        assert corpus_rows.write_corpus_tables(raw)
        assert plan_selection._indexed_city_plans(raw, "agency_load", city) is None
        assert scoped_rows.scoped_rows(raw, "agency_load", {"city": city}) is None
        # a plan reached twice by its city's path is undecided too; the index records the city as
        # null, and the SPARQL answers without running the lookups again
        record(json.dumps([city, city], ensure_ascii=False))
        assert corpus_rows.write_corpus_tables(raw)
        assert plan_selection._indexed_city_plans(raw, "agency_load", city) is plan_selection.UNDECIDED
        looked_up = []
        real = scoped_rows._selected_plans
        monkeypatch.setattr(scoped_rows, "_selected_plans", lambda *a: looked_up.append(a) or real(*a))
        assert scoped_rows.scoped_rows(raw, "agency_load", {"city": city}) is None
        assert looked_up == [], "the index's null answers: no lookups"
        assert run_query(raw, "agency_load", {"city": city})[1] == \
            run_query(raw, "agency_load", {"city": city}, use_summary=False)[1]
        # a city the index does not hold still takes the lookups
        assert scoped_rows.scoped_rows(raw, "agency_load", {"city": NO_SUCH_CITY}) is not None
        assert [a[3] for a in looked_up] == [NO_SUCH_CITY]


# -- the city index kept with the corpus tables ------------------------------------------------------

def _indexed_cities(raw: ox.Store) -> dict[str, object]:
    return {q.subject.value: q.object.value
            for q in raw.quads_for_pattern(None, plan_selection.CORPUS_CITY_PLANS, None, corpus_tables.CORPUS_GRAPH)}


def test_a_city_node_is_one_path_segment_that_names_its_city():
    """The city index's node of a city: under the corpus graph's `city/`, one path segment (a `/`,
    `?`, `#` or `%` in a name cannot reach another node), distinct per city, decoding to the name."""
    from urllib.parse import unquote

    cities = ["衡阳市", "a/b", "a b", "a%2Fb", "x?y#z", NO_SUCH_CITY]
    prefix = corpus_tables.CORPUS_GRAPH.value + "/city/"
    segments = [plan_selection._city_node(city).value.removeprefix(prefix) for city in cities]
    assert all(plan_selection._city_node(city).value.startswith(prefix) for city in cities)
    assert not any(c in segment for segment in segments for c in "/?# ")
    assert [unquote(segment) for segment in segments] == cities


def test_the_city_index_selects_what_the_lookups_select(built_store):
    """Every indexed city: the same plans, in the same order, as `_selected_plans`' lookups, for
    every query with a city parameter; and every city a plan's summary names is indexed."""
    label, store = built_store
    raw = store.raw
    named = {city for q in raw.quads_for_pattern(None, summary_format.CITIES, None, None)
             for city in (__import__("json").loads(q.object.value) or ())}
    assert named and len(_indexed_cities(raw)) == len(named), label
    for city in sorted(named):
        for name in (n for n in summary_format.SUMMARISED if "city" in summary_format.SCOPE_PARAMS[n]):
            indexed = plan_selection._indexed_city_plans(raw, name, city)
            looked_up = plan_selection._selected_plans(raw, name, None, city)
            assert indexed is not None and looked_up is not None, (label, name, city)
            assert [node for _, node in indexed] == [node for _, node in looked_up], (label, name, city)
    assert plan_selection._indexed_city_plans(raw, "people", NO_SUCH_CITY) is None  # not indexed: the lookups


def test_the_city_index_goes_with_the_tables(tmp_path):
    """Used only while the query's table is current; any plan write drops it with the tables, and
    the build writes it again."""
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
        raw = store.raw
        city = run_query(raw, "plans")[1][0][2]
        assert plan_selection._indexed_city_plans(raw, "people", city)
        stale = next(raw.quads_for_pattern(corpus_tables._table_node("people"), corpus_tables.CORPUS_FINGERPRINT,
                                           None, corpus_tables.CORPUS_GRAPH))
        raw.remove(stale)  # the people table no longer current: its city runs take the lookups
        assert plan_selection._indexed_city_plans(raw, "people", city) is None
        assert plan_selection._indexed_city_plans(raw, "measures", city)
        assert run_query(raw, "people", {"city": city})[1] == \
            run_query(raw, "people", {"city": city}, use_summary=False)[1]
        raw.add(stale)
        assert plan_selection._indexed_city_plans(raw, "people", city)
        graph = next(iter(store.documents())).graph
        store.replace_document(ox.NamedNode(graph), list(raw.quads_for_pattern(None, None, None, ox.NamedNode(graph))))
        assert not _indexed_cities(raw), "a plan write drops the index with the tables"
        assert plan_selection._indexed_city_plans(raw, "people", city) is None
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
        assert plan_selection._indexed_city_plans(raw, "people", city), "the build writes it again with the tables"


# -- coverage counted per plan, on plans changed to reach each branch of the query ------------------

ELI_TITLE = ox.NamedNode("http://data.europa.eu/eli/ontology#title")
PERIOD_END = ox.NamedNode("https://w3id.org/policykg/ns#periodEnd")
CITED = ox.NamedNode("https://w3id.org/policykg/id/doc-cited/x")


def _drop(quads, predicate, subject=None):
    return [q for q in quads if not (q.predicate == predicate and (subject is None or q.subject == subject))]


@pytest.mark.parametrize("change", ["none", "no_title", "no_title_cited_title", "cited_title", "no_period",
                                    "no_measures", "no_assignments", "cue", "no_title_cited_title_cue"])
def test_coverage_rows_counted_per_plan_equal_the_query(built_store, change):
    label, store = built_store
    raw = store.raw
    graph = ox.NamedNode(summary_format.document_graphs(raw)[0])
    plan = next(q.object for q in raw.quads_for_pattern(graph, plan_summaries.PK_PLAN, None, graph))
    quads = list(raw.quads_for_pattern(None, None, None, graph))
    pk = "https://w3id.org/policykg/ns#"
    if change.startswith("no_title"):
        quads = _drop(quads, ELI_TITLE, plan)
    if "cited_title" in change:
        quads.append(ox.Quad(CITED, ELI_TITLE, ox.Literal("被引文件", language="zh"), graph))
    if change == "no_period":
        quads = _drop(quads, PERIOD_END)
    if change == "no_measures":
        quads = [q for q in quads if q.object != ox.NamedNode(pk + "Measure")]
    if change == "no_assignments":
        quads = [q for q in quads if q.object != ox.NamedNode(pk + "Assignment")]
    if change.endswith("cue"):
        quads.append(ox.Quad(graph, ox.NamedNode(pk + "uncoveredCue"), ox.Literal("第3行"), graph))
    one = Store.in_memory()
    one.ensure_vocabulary()
    one.raw.extend(quads)
    full = run_query(one.raw, "coverage", use_summary=False)[1]
    assert Counter(map(tuple, plan_summaries._coverage_rows(one.raw, graph))) == Counter(map(tuple, full))
    if change in ("no_period", "no_measures", "cue", "no_title_cited_title_cue"):
        assert full, "the change gives the plan a reason, so a row is expected"
    if change == "no_title_cited_title_cue":
        # a cited document's title is not the plan's (coverage.rq once lost this plan's row)
        assert {row[1] for row in full} == {None} and {row[8] for row in full} == {plan.value}
