"""policykg.api, the notebook API: every public function, typed DataFrames, and clear errors for
bad input (unknown query, missing parameter, store not found), over small synthetic plans."""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
import rdflib

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import write_plans  # noqa: E402

from policykg import api  # noqa: E402
from policykg.errors import (DocumentNotFound, MissingParameter, NothingSelected,  # noqa: E402
                             QueryFailed, QueryNotFound, StoreNotFound, UnknownParameter)


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> list[Path]:
    return write_plans(tmp_path_factory.mktemp("api_plans"), count=2)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, plans) -> Path:
    path = tmp_path_factory.mktemp("api") / "store"
    report = api.build([plans[0].parent], path)
    assert report.ok and len(report.ingested) == 2
    return path


@pytest.fixture(scope="module")
def store(store_path):
    with api.open_store(store_path) as opened:
        yield opened


def test_api_build_reports_failures(tmp_path):
    report = api.build([tmp_path / "missing"], tmp_path / "store")
    assert not report.ok and report.failed[0][1] == "no such file or folder"


def test_api_open_store_not_found(tmp_path):
    with pytest.raises(StoreNotFound, match="no store at"):
        api.open_store(tmp_path / "nowhere")
    with pytest.raises(StoreNotFound):
        api.query(tmp_path / "nowhere", "plans")


def test_api_query_named_gives_typed_columns(store):
    targets = api.query(store, "targets")
    assert len(targets) >= 2
    assert str(targets["value"].dtype) == "float64"
    assert str(targets["year"].dtype) == "Int64" and set(targets["year"].dropna()) == {2025}
    assert targets["target"].str.startswith("https://w3id.org/policykg/id/plan/").all()  # IRIs as str
    plans = api.query(store, "plans")
    assert str(plans["period_start"].dtype) == "Int64" or plans["period_start"].isna().all()
    assert sorted(plans["source"]) == ["plan_1.txt", "plan_2.txt"]
    responsibilities = api.query(store, "responsibilities", source="plan_1.txt")
    assert set(responsibilities["source"]) == {"plan_1.txt"}
    assert str(responsibilities["rank"].dtype) == "Int64"
    assert {"agency", "agency_iri"} <= set(responsibilities.columns)  # label and IRI side by side


def test_api_query_sparql_text_and_params(store):
    frame = api.query(store, """PREFIX pk: <https://w3id.org/policykg/ns#>
        SELECT ?source (COUNT(?m) AS ?n) WHERE { GRAPH ?g { ?g <http://purl.org/dc/terms/source> ?source .
          ?m a pk:Measure } } GROUP BY ?source ORDER BY ?source""")
    assert list(frame.columns) == ["source", "n"] and str(frame["n"].dtype) == "Int64"
    measures = api.query(store, "measures").groupby("source").size()
    assert frame["n"].tolist() == measures.tolist() and min(measures) >= 3
    bound = api.query(store, "SELECT ?source WHERE { GRAPH ?g { ?g <http://purl.org/dc/terms/source> ?source } }",
                      source="plan_2.txt")
    assert bound["source"].tolist() == ["plan_2.txt"]
    assert api.query(store, "ASK { ?s ?p ?o }")["result"].tolist() == [True]
    triples = api.query(store, "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 3")
    assert list(triples.columns) == ["subject", "predicate", "object"] and len(triples) == 3


def test_api_query_bad_input(store):
    with pytest.raises(QueryNotFound, match="no query named 'nope'; available: .*plans"):
        api.query(store, "nope")
    with pytest.raises(UnknownParameter, match="colour"):
        api.query(store, "plans", colour="red")
    with pytest.raises(QueryFailed, match="syntax"):
        api.query(store, "SELECT ?x WHERE { ?x }")


def test_api_query_missing_parameter(store, tmp_path):
    rq = tmp_path / "by_source.rq"
    rq.write_text("# title: By source\n# params: source\n"
                  "SELECT ?source ?g WHERE { GRAPH ?g { ?g <http://purl.org/dc/terms/source> ?source } }\n",
                  encoding="utf-8")
    with pytest.raises(MissingParameter, match="needs --param source"):
        api.query(store, str(rq))
    assert api.query(store, str(rq), source="plan_1.txt")["source"].tolist() == ["plan_1.txt"]


def test_api_list_queries():
    frame = api.list_queries()
    assert {"plans", "responsibilities", "targets"} <= set(frame["name"])


def test_api_extraction_from_path_and_store(store, plans):
    direct = api.extraction(None, plans[0])
    assert direct.measures and direct.source == "plan_1.txt"
    again = api.extraction(store, "plan_1.txt", folders=[plans[0].parent])
    assert [m.title for m in again.measures] == [m.title for m in direct.measures]
    with pytest.raises(DocumentNotFound, match="no document 'other.txt'"):
        api.extraction(store, "other.txt", folders=[plans[0].parent])


def test_api_extraction_refuses_a_changed_file(store, plans, tmp_path):
    changed = tmp_path / "plan_1.txt"
    changed.write_text(plans[0].read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    with pytest.raises(DocumentNotFound, match="no file of that name and content"):
        api.extraction(store, "plan_1.txt", folders=[tmp_path])


def test_api_responsibility_graphs(store):
    bipartite = api.responsibility_graph(store)
    kinds = nx.get_node_attributes(bipartite, "bipartite")
    assert set(kinds.values()) == {"agency", "measure"}
    assert nx.is_bipartite(bipartite)
    assert sum(1 for k in kinds.values() if k == "measure") == 6
    assert {d["role"] for _, _, d in bipartite.edges(data=True)} <= {"lead", "support"}
    co = api.co_responsibility_graph(store)
    assert co.number_of_edges() > 0
    weights = nx.get_edge_attributes(co, "weight")
    assert all(w >= 1 for w in weights.values())
    # two agencies named together on one measure of each plan share at least that one measure
    assert max(weights.values()) >= 1 and set(co.nodes) <= set(bipartite.nodes)
    by_plan = api.plan_responsibility_graph(store)
    assert {d["bipartite"] for _, d in by_plan.nodes(data=True)} == {"plan", "agency"}
    # every assignment of the bipartite graph is counted once, under its plan
    assert sum(d["lead"] + d["support"] for _, _, d in by_plan.edges(data=True)) == bipartite.number_of_edges()


def test_api_plan_framework_graph(store):
    graph = api.plan_framework_graph(store)
    kinds = nx.get_node_attributes(graph, "kind")
    assert sum(1 for k in kinds.values() if k == "plan") == 2
    frameworks = [n for n, k in kinds.items() if k == "framework"]
    assert frameworks and all(graph.degree(f) >= 1 for f in frameworks)
    assert any(d["applies"] for _, _, d in graph.edges(data=True))  # cited in the 为贯彻落实 clause


def test_api_subgraph_and_networkx(store):
    graph = api.subgraph(store, plans="plan_1.txt")
    assert isinstance(graph, rdflib.Graph) and len(graph) > 50
    dataset = api.subgraph(store, plans=["plan_1.txt"], named_graphs=True)
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} >= {"https://w3id.org/policykg/id/doc/plan_1.txt"}
    network = api.to_networkx(store, plans="plan_1.txt")
    assert isinstance(network, nx.DiGraph) and network.number_of_nodes() > 20
    assert all(isinstance(v, (str, int, float)) for _, d in network.nodes(data=True) for v in d.values())
    with pytest.raises(NothingSelected, match="--plan 'nope.txt'"):
        api.subgraph(store, plans="nope.txt")


def test_api_export(store, tmp_path):
    written = api.export(store, tmp_path / "p.gexf", "gexf", plans="plan_1.txt")
    assert written == [tmp_path / "p.gexf"] and nx.read_gexf(written[0]).number_of_nodes() > 20
    csvs = api.export(store, tmp_path / "csv", "csv")
    assert pd.read_csv(tmp_path / "csv" / "edges.csv").shape[0] > 0 and len(csvs) == 2
    (archive,) = api.export(store, tmp_path / "all.zip", zip=True, cities=[])
    assert "all.gexf" in zipfile.ZipFile(archive).namelist()
    with pytest.raises(Exception, match="choose a format"):
        api.export(store, tmp_path / "x")


def test_api_reference_builds_offline(tmp_path):
    """`make api-docs`: pdoc renders the docstrings to HTML that loads nothing from the network."""
    import re
    import subprocess

    subprocess.run([sys.executable, "-m", "pdoc", "--no-search", "--docformat", "google", "-o",
                    str(tmp_path), "policykg.api", "policykg.graph.export.exporters"], check=True,
                   capture_output=True, timeout=120)
    page = (tmp_path / "policykg" / "api.html").read_text(encoding="utf-8")
    for name in api.__all__[:13]:
        assert f'id="{name}"' in page, name
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', page)
