"""Exports (graph/export/exporters.py, `policykg export`): selectors, every format read back by its standard
reader with node/edge counts, and a plan's N-Quads answering every named query like the store."""
from __future__ import annotations

import io
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import networkx as nx
import pandas as pd
import pyoxigraph as ox
import pytest
import rdflib
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import make_store  # noqa: E402

from policykg.cli import app
from policykg.errors import NothingSelected, PolicyKGError
from policykg.graph.build import build
from policykg.graph.export.exporters import (EXPORTERS, Selection, csv_tables, export, export_zip,
                                   jsonld_context, select)
from policykg.graph.store import Store
from policykg.queries import list_queries, run_query

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld",
                  "rdfxml": "xml"}
runner = CliRunner()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "store"
    with Store.open(path, create=True) as store:
        report = build([SEEDS], store)
    assert report.ingested, report.failed
    return path


@pytest.fixture(scope="module")
def store(store_path):
    with Store.open(store_path) as opened:
        yield opened


@pytest.fixture(scope="module")
def sources(store) -> list[str]:
    return sorted(d.source for d in store.documents())


@pytest.fixture(scope="module")
def one_plan(store, sources):
    return select(store, Selection(plans=[sources[0]]))


def test_export_plan_is_its_whole_graph(store, sources, one_plan):
    graph = f"https://w3id.org/policykg/id/doc/{sources[0]}"
    expected = len(list(store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph))))
    assert len(one_plan) == expected > 100
    assert one_plan.graphs == [graph]
    assert one_plan.years[graph] >= 2000


def test_export_city_selects_its_plans(store):
    rows = store.query("""PREFIX pk: <https://w3id.org/policykg/ns#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?g ?city WHERE { GRAPH ?g { ?g pk:plan ?p . ?p pk:jurisdiction/rdfs:label ?city } }""").rows
    graph, city = rows[0]
    expected = sorted({g for g, c in rows if c == city})
    assert select(store, Selection(cities=[city])).graphs == expected


def test_export_agency_neighbourhood_grows_with_hops(store):
    agency = store.query("""PREFIX pk: <https://w3id.org/policykg/ns#>
        SELECT ?a (COUNT(?x) AS ?n) WHERE { ?x pk:agency ?a } GROUP BY ?a ORDER BY DESC(?n) LIMIT 1""").rows[0][0]
    zero = select(store, Selection(agencies=[agency], hops=0))
    one = select(store, Selection(agencies=[agency], hops=1))
    two = select(store, Selection(agencies=[agency], hops=2))
    assert {q.subject.value for q in zero.quads} == {agency}
    assigned = {q.subject.value for q in one.quads
                if q.predicate.value == "https://w3id.org/policykg/ns#agency" and q.object.value == agency}
    assert assigned and assigned <= {q.subject.value for q in one.quads}
    assert len(zero) < len(one) < len(two)


def test_export_agency_within_plan_scope(store, sources):
    agency = store.query("""PREFIX pk: <https://w3id.org/policykg/ns#>
        SELECT ?a WHERE { ?x pk:agency ?a } GROUP BY ?a HAVING (COUNT(DISTINCT ?x) > 3) LIMIT 1""").rows[0][0]
    everywhere = select(store, Selection(agencies=[agency]))
    scoped = select(store, Selection(agencies=[agency], plans=sources[:1]))
    assert set(scoped.graphs) <= {f"https://w3id.org/policykg/id/doc/{sources[0]}"}
    assert len(scoped) <= len(everywhere)


def test_export_framework_and_indicator_selectors(store):
    cited, title = store.query("""PREFIX pk: <https://w3id.org/policykg/ns#>
        PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?c ?t WHERE { ?x pk:refersTo ?c . ?c eli:title ?t } ORDER BY ?c LIMIT 1""").rows[0]
    framework = select(store, Selection(frameworks=[f"《{title}》"]))
    subjects = {q.subject.value for q in framework.quads}
    assert cited in subjects
    assert any(q.predicate.value == "https://w3id.org/policykg/ns#refersTo" and q.object.value == cited
               for q in framework.quads)  # hop 1: the citations that name it
    title = store.query("""PREFIX pk: <https://w3id.org/policykg/ns#>
        SELECT ?l WHERE { ?t pk:indicatorLabel ?l } LIMIT 1""").rows[0][0]
    indicator = select(store, Selection(indicators=[title[:4]], hops=0))
    assert {q.predicate.value for q in indicator.quads} >= {"https://w3id.org/policykg/ns#indicatorLabel"}


@pytest.mark.parametrize("selection, selector", [
    (Selection(plans=["no-such-plan.txt"]), "--plan"),
    (Selection(cities=["不存在市"]), "--city"),
    (Selection(agencies=["不存在局"]), "--agency"),
    (Selection(frameworks=["不存在的纲要"]), "--framework"),
    (Selection(indicators=["不存在的指标"]), "--indicator"),
])
def test_export_selector_matching_nothing_is_an_error(store, selection, selector):
    with pytest.raises(NothingSelected, match=selector):
        select(store, selection)


def test_export_construct(store, tmp_path):
    query = tmp_path / "leads.rq"
    query.write_text("""PREFIX pk: <https://w3id.org/policykg/ns#>
        CONSTRUCT { ?a pk:leads ?m } WHERE { ?x pk:agency ?a ; pk:measure ?m ; pk:role pk:LeadRole }""",
                     encoding="utf-8")
    subgraph = select(store, Selection(construct=query))
    assert subgraph.quads and {q.predicate.value for q in subgraph.quads} == {"https://w3id.org/policykg/ns#leads"}
    with pytest.raises(PolicyKGError, match="CONSTRUCT"):
        select(store, Selection(construct="SELECT * WHERE { ?s ?p ?o }"))


@pytest.mark.parametrize("name", sorted(RDFLIB_FORMATS))
def test_export_rdf_formats_read_back_by_rdflib(one_plan, name):
    buffer = io.BytesIO()
    EXPORTERS[name].write(one_plan, buffer)
    if name in ("nq", "trig"):
        dataset = rdflib.Dataset()
        dataset.parse(data=buffer.getvalue(), format=RDFLIB_FORMATS[name])
        quads = [q for q in dataset.quads((None, None, None, None))]
        assert len(quads) == len(one_plan.quads)
        assert {str(q[3]) for q in quads} == set(one_plan.graphs)
    elif name == "jsonld":
        dataset = rdflib.Dataset()
        dataset.parse(data=buffer.getvalue(), format="json-ld")
        assert len(list(dataset.quads((None, None, None, None)))) == len(one_plan.quads)
    else:
        graph = rdflib.Graph()
        graph.parse(data=buffer.getvalue(), format=RDFLIB_FORMATS[name])
        assert len(graph) == len(one_plan.triples)


def test_export_jsonld_context_gives_short_keys(one_plan):
    context = jsonld_context(one_plan)
    assert context["pk"] == "https://w3id.org/policykg/ns#"
    assert context["measureNo"] == "https://w3id.org/policykg/ns#measureNo"
    assert context["measure"] == {"@id": "https://w3id.org/policykg/ns#measure", "@type": "@id"}
    buffer = io.BytesIO()
    EXPORTERS["jsonld"].write(one_plan, buffer)
    text = buffer.getvalue().decode("utf-8")
    assert '"measureNo"' in text and "知识产权" in text  # short keys used, Chinese not escaped


def test_export_graphml_and_gexf_read_back_by_networkx(one_plan, tmp_path):
    expected = one_plan.to_networkx()
    assert expected.number_of_nodes() > 50 and expected.number_of_edges() > 50
    export(one_plan, "graphml", tmp_path / "plan.graphml")
    graphml = nx.read_graphml(tmp_path / "plan.graphml")
    assert (graphml.number_of_nodes(), graphml.number_of_edges()) == (
        expected.number_of_nodes(), expected.number_of_edges())
    plan = next(n for n, d in graphml.nodes(data=True) if d.get("type", "").startswith("Plan") or "Plan" in d.get("type", "").split(" | "))
    assert isinstance(graphml.nodes[plan]["year"], int)
    export(one_plan, "gexf", tmp_path / "plan.gexf")
    gexf = nx.read_gexf(tmp_path / "plan.gexf")
    assert (gexf.number_of_nodes(), gexf.number_of_edges()) == (
        expected.number_of_nodes(), expected.number_of_edges())


def test_export_gexf_has_gephi_timeline(one_plan, tmp_path):
    export(one_plan, "gexf", tmp_path / "plan.gexf")
    ns = {"g": "http://www.gexf.net/1.2draft"}
    root = ET.parse(tmp_path / "plan.gexf").getroot()
    graph = root.find("g:graph", ns)
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    starts = {node.get("start") for node in graph.iter("{http://www.gexf.net/1.2draft}node")}
    (year,) = one_plan.years.values()
    assert starts == {f"{year}-01-01"}


def test_export_csv_read_by_pandas_without_options(one_plan, tmp_path):
    written = export(one_plan, "csv", tmp_path / "csv")
    assert sorted(p.name for p in written) == ["edges.csv", "nodes.csv"]
    nodes = pd.read_csv(tmp_path / "csv" / "nodes.csv")
    edges = pd.read_csv(tmp_path / "csv" / "edges.csv")
    expected = one_plan.to_networkx()
    assert list(nodes.columns[:3]) == ["id", "label", "type"]
    assert list(edges.columns) == ["source", "target", "predicate", "label"]
    assert (len(nodes), len(edges)) == (expected.number_of_nodes(), expected.number_of_edges())
    assert set(edges["source"]) | set(edges["target"]) <= set(nodes["id"])
    assert nodes["id"].is_unique


def test_export_zip_holds_every_format(one_plan, tmp_path):
    out = export_zip(one_plan, tmp_path / "all.zip", stem="plan")
    names = set(zipfile.ZipFile(out).namelist())
    assert names == {f"plan{e.extension}" for n, e in EXPORTERS.items() if n != "csv"} | set(csv_tables(one_plan))


def _load_nquads(subgraph, path: Path, fresh: ox.Store | None = None) -> ox.Store:
    export(subgraph, "nq", path)
    fresh = fresh or ox.Store()
    fresh.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return fresh


def test_export_plan_nquads_answers_named_queries_like_the_store(store, sources, tmp_path):
    per_plan = [q for q in list_queries() if q.param("source")]
    assert len(per_plan) >= 6  # plans, measures, responsibilities, citations, targets, people
    # the vocabularies (ontology, agency types, places ...) exported once, as --vocabulary does
    everything = select(store, Selection(vocabulary=True))
    vocabulary = [q for q in everything.quads
                  if not q.graph_name.value.startswith("https://w3id.org/policykg/id/doc/")]
    assert vocabulary
    vocabulary_nq = ox.serialize(vocabulary, format=ox.RdfFormat.N_QUADS)
    for source in sources:
        fresh = ox.Store()
        fresh.load(vocabulary_nq, format=ox.RdfFormat.N_QUADS)
        _load_nquads(select(store, Selection(plans=[source])), tmp_path / f"{source}.nq", fresh)
        for query in per_plan:
            expected = run_query(store.raw, query, {"source": source})
            assert run_query(fresh, query, {"source": source}) == expected, (source, query.name)
    plans = run_query(store.raw, "plans", {"source": sources[0]})[1]
    assert len(plans) == 1


def test_export_everything_as_nquads_answers_every_named_query(store, tmp_path):
    """Queries that count across plans (agency_load, co_responsibility ...) need every plan."""
    fresh = _load_nquads(select(store, Selection(vocabulary=True)), tmp_path / "all.nq")
    for query in list_queries():
        required = [p for p in query.params if not p.optional]
        if required:
            continue
        assert run_query(fresh, query, {}) == run_query(store.raw, query, {}), query.name


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory) -> Path:
    """A small synthetic store for CLI runs (the seed store above stays open in this process)."""
    return make_store(tmp_path_factory.mktemp("export_cli"), count=2)


def test_export_cli_writes_and_reports(cli_store, tmp_path):
    out = tmp_path / "plan.ttl"
    result = runner.invoke(app, ["export", "--store", str(cli_store), "--plan", "plan_1.txt",
                                 "--format", "ttl", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(rdflib.Graph().parse(out, format="turtle")) > 50
    assert "exported" in result.stderr
    result = runner.invoke(app, ["export", "--store", str(cli_store), "--plan", "plan_2.txt",
                                 "--zip", "--out", str(tmp_path / "all.zip")])
    assert result.exit_code == 0, result.output
    assert "nodes.csv" in zipfile.ZipFile(tmp_path / "all.zip").namelist()


@pytest.mark.parametrize("args, needle", [
    (["--format", "pdf"], "unknown --format"),
    ([], "--format"),
    (["--format", "ttl", "--city", "不存在市"], "--city"),
    (["--format", "ttl", "--construct", "missing.rq"], "--construct"),
])
def test_export_cli_errors_are_one_line(cli_store, tmp_path, args, needle):
    result = runner.invoke(app, ["export", "--store", str(cli_store), "--out", str(tmp_path / "x"), *args])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0]


def test_export_cli_store_not_found(tmp_path):
    result = runner.invoke(app, ["export", "--store", str(tmp_path / "none"), "--format", "ttl",
                                 "--out", str(tmp_path / "x.ttl")])
    assert result.exit_code == 1 and "no store" in result.stderr
