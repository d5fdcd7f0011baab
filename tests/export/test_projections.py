"""graph/export/projections.py: the responsibility projections are one relation counted once
(bipartite -> plan–agency and co-responsibility), and the views (viz/projections_for_views.py)
only decorate them: same pairs, same counts.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import write_plan  # noqa: E402

from policykg.graph.export import projections  # noqa: E402
from policykg.graph.store import Store  # noqa: E402

SHARED_PAIR = ["市市场监管局", "市财政局"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Two plans of one city that both give a measure to the same pair of agencies, and a third
    plan of another (unknown) city."""
    from policykg.graph.build import build

    folder = tmp_path_factory.mktemp("projections")
    plans = folder / "plans"
    write_plan(plans, "a.txt", number=1, measures=[("加强专利培育", SHARED_PAIR), ("推动质押融资", ["市金融办"])])
    write_plan(plans, "b.txt", number=2, measures=[("强化司法保护", SHARED_PAIR),
                                                  ("完善服务体系", ["市市场监管局", "市金融办"])])
    write_plan(plans, "c.txt", city="青山市", office="青政办发", number=3)
    with Store.open(folder / "store", create=True) as built:
        assert not build([plans], built).failed
    with Store.open(folder / "store") as opened:
        yield opened


def _bipartite_counts(bipartite):
    """(plan, agency) -> {"lead": n, "support": n} counted edge by edge from the bipartite graph."""
    counts: dict = {}
    for a, b, data in bipartite.edges(data=True):
        agency, measure = (a, b) if bipartite.nodes[a]["bipartite"] == "agency" else (b, a)
        key = (bipartite.nodes[measure]["plan"], agency)
        role = "lead" if data["role"] == "lead" else "support"
        counts.setdefault(key, {"lead": 0, "support": 0})[role] += 1
    return counts


@pytest.mark.parametrize("city", [None, "临江市"])
def test_projections_plan_responsibility_counts_the_bipartite_edges(store, city):
    bipartite = projections.responsibility_graph(store, city)
    graph = projections.plan_responsibility_graph(store, city)
    expected = _bipartite_counts(bipartite)
    found = {}
    for a, b, data in graph.edges(data=True):
        plan, agency = (a, b) if graph.nodes[a]["bipartite"] == "plan" else (b, a)
        found[(plan, agency)] = {"lead": data["lead"], "support": data["support"]}
        assert data["role"] == ("lead" if data["lead"] else "support")
    assert found == expected and found
    for node, data in graph.nodes(data=True):
        if data["bipartite"] == "agency":
            assert data["measures"] == bipartite.degree(node)
            assert data["measures_led"] == sum(c["lead"] for (_, a), c in expected.items() if a == node)
    plan_sources = {d["source"] for _, d in graph.nodes(data=True) if d["bipartite"] == "plan"}
    assert plan_sources == ({"a.txt", "b.txt"} if city else {"a.txt", "b.txt", "c.txt"})


def test_projections_co_responsibility_counts_shared_measures_and_plans(store):
    graph = projections.co_responsibility_graph(store, "临江市")
    by_label = {data["label"]: node for node, data in graph.nodes(data=True)}
    pair = [node for label, node in by_label.items() if "市场" in label or "财政" in label]
    assert len(pair) == 2, by_label  # the printed names are canonicalised (市场监督管理局)
    edge = graph.edges[pair[0], pair[1]]
    assert (edge["weight"], edge["plans"]) == (2, 2)  # one shared measure in each of the two plans
    assert all(d["city"] == "临江市" for _, d in graph.nodes(data=True))


class _Rows:
    def __init__(self, rows):
        self.rows = rows

    def as_dicts(self):
        return list(self.rows)


class _FakeStore:
    """Answers `responsibilities` and `plans` with fixed rows."""

    def __init__(self, responsibilities):
        self.responsibilities = responsibilities

    def run_query(self, query, params=None):
        if query.name == "plans":
            return _Rows([{"source": "x.txt", "plan": "plan:x", "title": "X", "jurisdiction": "临江市"}])
        return _Rows(self.responsibilities)


@pytest.mark.parametrize("roles", [("lead", "support"), ("support", "lead"), ("support", "support")])
def test_projections_responsibility_role_is_lead_when_any_assignment_leads(roles):
    rows = [{"source": "x.txt", "agency_iri": "agency:a", "measure": "measure:1", "role": role,
             "rank": str(rank)} for rank, role in enumerate(roles, 1)]
    bipartite = projections.responsibility_graph(_FakeStore(rows))
    assert bipartite.edges["agency:a", "measure:1"]["role"] == ("lead" if "lead" in roles else "support")
    plan_graph = projections.plan_responsibility_graph(_FakeStore(rows))
    edge = plan_graph.edges["plan:x", "agency:a"]
    assert (edge["lead"], edge["support"]) == ((1, 0) if "lead" in roles else (0, 1))


@pytest.mark.parametrize("city", [None, "临江市"])
def test_projections_views_decorate_the_same_counts(store, city):
    from policykg.viz.projections_for_views import network_view_graph, responsibility_view_graph

    plan_graph = projections.plan_responsibility_graph(store, city)
    view = responsibility_view_graph(store, city)
    assert set(view.nodes) == set(plan_graph.nodes)
    assert {frozenset((a, b)): d["weight"] for a, b, d in view.edges(data=True)} == {
        frozenset((a, b)): d["lead"] + d["support"] for a, b, d in plan_graph.edges(data=True)}
    co = projections.co_responsibility_graph(store, city)
    network = network_view_graph(store, city)
    assert {frozenset((a, b)): d["weight"] for a, b, d in network.edges(data=True)} == {
        frozenset((a, b)): d["weight"] for a, b, d in co.edges(data=True)}


def test_projections_frameworks_view_keeps_the_citations(store):
    from policykg.viz.projections_for_views import frameworks_view_graph

    graph = projections.plan_framework_graph(store, evidence=True)
    view = frameworks_view_graph(store)
    edges = {frozenset((a, b)): d for a, b, d in graph.edges(data=True)}
    assert {frozenset((a, b)) for a, b in view.edges} == set(edges)
    for a, b, data in view.edges(data=True):
        source = edges[frozenset((a, b))]
        assert data["kind"] == ("applies" if source["applies"] else "cites")
        assert source["evidence"] and source["evidence"] in data["tip"]
    assert any(d["applies"] for d in edges.values())
