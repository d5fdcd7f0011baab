"""Views without a browser: parameters and errors, the graphs the views project from the seed
store, JSON escaping for <script>, the node cap and its note, and `policykg viz` in-process."""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stores  # noqa: E402

from policykg.cli import app  # noqa: E402
from policykg.errors import PolicyKGError  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.viz import projections_for_views as projections  # noqa: E402
from policykg.viz.errors import MissingViewParameter, NothingToShow, UnknownView  # noqa: E402
from policykg.viz.page import reduce_graph, render_page, script_json, vis_assets  # noqa: E402
from policykg.viz.views import VIEWS, render  # noqa: E402

def test_views_lists_the_five_views_with_params():
    assert set(VIEWS) == {"plan", "responsibility", "frameworks", "agency", "indicator", "network", "map"}
    assert VIEWS["plan"].required == ("source",) and VIEWS["agency"].required == ("agency",)
    assert "city" in VIEWS["responsibility"].params and not VIEWS["responsibility"].required


@pytest.mark.parametrize("view, params, error, words", [
    ("bogus", {}, UnknownView, "no view named 'bogus'; available: plan"),
    ("plan", {}, MissingViewParameter, "view 'plan' needs --param source=VALUE"),
    ("plan", {"source": "  "}, MissingViewParameter, "needs --param source"),
    ("frameworks", {"city": "x"}, PolicyKGError, "has no parameter 'city'"),
    ("plan", {"source": "nope.txt"}, NothingToShow, "no plan with source 'nope.txt'"),
    ("agency", {"agency": "不存在的局"}, NothingToShow, "no agency '不存在的局'"),
    ("indicator", {"indicator": "不存在的指标"}, NothingToShow, "no indicator"),
    ("responsibility", {"city": "不存在市"}, NothingToShow, "no plan for city"),
])
def test_views_render_rejects_bad_input_with_one_line(seed, view, params, error, words):
    with pytest.raises(error) as info:
        render(seed, view, params)
    assert isinstance(info.value, PolicyKGError)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_views_plan_graph_has_the_outline_and_distinct_lead_and_support_edges(seed):
    graph = projections.plan_graph(seed, stores.FIRST_SEED)
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert {"plan", "section", "measure", "agency"} <= kinds
    edge_kinds = {d["kind"] for _, _, d in graph.edges(data=True)}
    assert {"lead", "support", "part"} <= edge_kinds
    # every agency hangs off a measure, every measure off a section or the plan
    for node, data in graph.nodes(data=True):
        if data["kind"] == "agency":
            assert all(graph.nodes[m]["kind"] == "measure" for m in graph.predecessors(node))
        if data["kind"] == "measure":
            assert [graph.nodes[p]["kind"] for p in graph.predecessors(node)] in (["section"], ["plan"])
    measures = [d for _, d in graph.nodes(data=True) if d["kind"] == "measure"]
    assert any(len(d["tip"]) > len(d["label"]) for d in measures), "tooltips carry the evidence text"


def test_views_responsibility_sizes_agencies_by_measures_led(seed):
    graph = projections.responsibility_view_graph(seed)
    rows = seed.run_query(__import__("policykg.queries", fromlist=["load_query"]).load_query(
        "responsibilities")).as_dicts()
    led: dict[str, set] = {}
    for row in rows:
        if row["role"] == "lead":
            led.setdefault(row["agency_iri"], set()).add(row["measure"])
    top = max(led, key=lambda a: len(led[a]))
    assert graph.nodes[top]["size"] == len(led[top]) > 1
    assert {d["kind"] for _, d in graph.nodes(data=True)} == {"plan", "agency"}


def test_views_responsibility_city_keeps_one_city(seed):
    everything = projections.responsibility_view_graph(seed)
    city = sorted({d["city"] for _, d in everything.nodes(data=True) if d["kind"] == "plan"})[-1]
    graph = projections.responsibility_view_graph(seed, city)
    assert {d["city"] for _, d in graph.nodes(data=True) if d["kind"] == "plan"} == {city}


@pytest.mark.parametrize("title, level", [
    ("四川省专利保护条例", "provincial"),
    ("宁夏回族自治区知识产权保护和运用“十四五”规划", "provincial"),
    ("知识产权强国建设纲要(2021—2035年)", "national"),
    ("国家知识产权局关于确定国家知识产权强市建设试点示范城市的通知", "national"),
    ("杭州市知识产权发展规划", "local"),
])
def test_views_document_level_from_the_title(title, level):
    assert projections.document_level(title) == level


def test_views_document_level_prefers_the_graph():
    assert projections.document_level("四川省专利保护条例", "national") == "national"


def test_views_frameworks_styles_national_and_provincial_apart(seed):
    graph = projections.frameworks_view_graph(seed)
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert {"plan", "doc-national", "doc-provincial"} <= kinds
    assert {"applies", "cites"} <= {d["kind"] for _, _, d in graph.edges(data=True)}


def test_views_agency_ego_network_by_label_and_iri(seed):
    responsibility = projections.responsibility_view_graph(seed)
    iri = max((n for n, d in responsibility.nodes(data=True) if d["kind"] == "agency"),
              key=lambda n: responsibility.nodes[n]["size"])
    label = responsibility.nodes[iri]["tip"].split("\n")[0]
    by_label, centres = projections.agency_graph(seed, label)
    assert centres == [iri]
    by_iri, _ = projections.agency_graph(seed, iri)
    assert set(by_iri) == set(by_label)
    assert by_iri.nodes[iri]["kind"] == "focus"
    measures = [n for n in by_iri.neighbors(iri) if by_iri.nodes[n]["kind"] == "measure"]
    assert len(measures) >= responsibility.nodes[iri]["size"]


def test_views_indicator_links_targets_to_cities_and_years(seed):
    graph = projections.indicator_graph(seed)
    targets = [n for n, d in graph.nodes(data=True) if d["kind"] == "target"]
    assert targets
    for node in targets:
        kinds = {graph.nodes[m]["kind"] for m in graph.neighbors(node)}
        assert {"indicator", "city"} <= kinds
    rows = projections.target_rows(seed)
    name = Counter(r["indicator"] for r in rows).most_common(1)[0][0]
    only = projections.indicator_graph(seed, name)
    indicators = [d for _, d in only.nodes(data=True) if d["kind"] == "indicator"]
    assert len(indicators) == 1 and indicators[0]["tip"] == f"指标 {name}"
    assert sum(1 for _, d in only.nodes(data=True) if d["kind"] == "target") == \
        sum(1 for r in rows if r["indicator"] == name)


def test_views_script_json_cannot_close_the_script_or_break_js():
    value = {"t": "</script><script>alert(1)</script> & \u2028\u2029 <!--"}
    text = script_json(value)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert json.loads(text) == value


def test_views_hostile_page_has_no_raw_markup_from_the_document():
    with Store.open(stores.hostile_store(), read_only=True) as store:
        html = render(store, "plan", {"source": stores.HOSTILE_SOURCE})
    assert stores.SCRIPT not in html and stores.IMG not in html
    assert "alert(1)" in html  # the text is there, escaped
    assert html.replace(vis_assets()[0], "").count("<script") == 3  # vis-network's own code aside
    data = stores.page_data(html)
    assert any(stores.SCRIPT in n["tip"] for n in data["nodes"])
    assert any(stores.IMG in n["label"] + n["tip"] for n in data["nodes"] if n["kind"] == "agency")


def test_views_page_loads_nothing_from_outside(seed):
    html = render(seed, "frameworks", {})
    assert not re.search(r"<(?:link|iframe|img)\b", html)
    assert not re.search(r"<script[^>]*\bsrc\s*=", html)
    js, css = vis_assets()
    ours = html.replace(js, "").replace(css, "")
    assert "http://" not in ours and "https://" not in ours and "//cdn" not in ours
    assert "default-src 'none'" in html  # a CSP that would block any request that slipped in


def test_views_node_cap_keeps_top_degree_and_says_so():
    graph = nx.star_graph(30)                      # hub 0 with 30 leaves
    graph.add_edges_from([(1, 2), (1, 3), (1, 4)])  # leaf 1 is second best connected
    nx.set_node_attributes(graph, {n: {"label": f"n{n}", "kind": "agency", "tip": ""} for n in graph})
    reduced, reduction = reduce_graph(graph, 5)
    assert reduced.number_of_nodes() == 5 and {0, 1} <= set(reduced)
    assert reduction.total == 31
    html = render_page(graph, title="t", node_cap=5)
    assert "showing 5 of 31 nodes" in html and 'id="pk-note"' in html
    assert len(stores.page_data(html)["nodes"]) == 5
    assert 'id="pk-note"' not in render_page(graph, title="t", node_cap=100)


def test_views_node_cap_keeps_the_centre():
    graph = nx.star_graph(20)
    graph.add_node("lonely", label="lonely", kind="focus", tip="")
    nx.set_node_attributes(graph, {n: {"label": str(n), "kind": "agency", "tip": ""} for n in range(21)})
    reduced, _ = reduce_graph(graph, 3, keep=["lonely"])
    assert "lonely" in reduced and 0 in reduced


def test_views_positions_are_precomputed_and_physics_is_off(seed):
    html = render(seed, "responsibility", {})
    data = stores.page_data(html)
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == len(data["nodes"])
    assert "physics: false" in html


# -- the CLI -----------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_viz_writes_a_page(tmp_path):
    out = tmp_path / "views" / "plan.html"
    result = runner.invoke(app, ["viz", "plan", "--store", str(stores.seed_store()),
                                 "--param", f"source={stores.FIRST_SEED}", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and stores.page_data(out.read_text(encoding="utf-8"))["nodes"]
    assert str(out) in result.stdout


def test_cli_viz_max_nodes(tmp_path):
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["viz", "responsibility", "--store", str(stores.seed_store()),
                                 "--max-nodes", "10", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(stores.page_data(out.read_text(encoding="utf-8"))["nodes"]) == 10


@pytest.mark.parametrize("args, words", [
    (["viz", "bogus"], "error: no view named 'bogus'"),
    (["viz", "agency"], "error: view 'agency' needs --param agency=VALUE"),
    (["viz", "plan", "--param", "source"], "error: --param takes NAME=VALUE"),
])
def test_cli_viz_errors_are_one_line(tmp_path, args, words):
    result = runner.invoke(app, args + ["--store", str(stores.seed_store()), "--out",
                                        str(tmp_path / "x.html")])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(words) and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists()


def test_views_indicator_uses_the_vocabulary_name_when_targets_link_to_one():
    """Targets linked (pk:indicator) to an indicator concept are grouped under its @zh prefLabel;
    the printed name still selects them."""
    from pyoxigraph import Literal, NamedNode, Quad

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from fixtures import plan_text

    from policykg.extract import extract_text
    from policykg.graph.rdf import result_to_quads

    pk = "https://w3id.org/policykg/ns#"
    concept = NamedNode("https://w3id.org/policykg/id/indicator/test-concept")
    store = Store.in_memory()
    for n, city in enumerate(["临江市", "青山市"]):
        graph, quads = result_to_quads(extract_text(plan_text(city=city), source=f"p{n}.txt"))
        quads = [q for q in quads if q.predicate != NamedNode(pk + "indicator")]  # ours only
        targets = {q.subject for q in quads if q.predicate == NamedNode(pk + "indicatorLabel")}
        quads += [Quad(t, NamedNode(pk + "indicator"), concept, graph) for t in targets]
        store.replace_document(graph, quads)
    store.raw.add(Quad(concept, NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                       Literal("规范指标名", language="zh"), NamedNode("https://w3id.org/policykg/id/graph/test")))
    graph = projections.indicator_graph(store)
    names = {d["tip"] for _, d in graph.nodes(data=True) if d["kind"] == "indicator"}
    assert names == {"指标 规范指标名"}
    printed = next(r["printed"] for r in projections.target_rows(store))
    cities = {d["city"] for _, d in projections.indicator_graph(store, printed).nodes(data=True)
              if d["kind"] == "city"}
    assert len(cities) == 2 and "临江市" in cities  # a plan without a resolved city shows its file


def test_views_plan_shows_each_measure_once_not_also_as_a_section():
    from policykg.graph.store import Store
    from policykg.viz.projections_for_views import plan_graph

    from stores import seed_store

    with Store.open(seed_store(), read_only=True) as store:
        graph = plan_graph(store, "000_8c7ba4464c8b6764.txt")
    labels = [d["label"] for _, d in graph.nodes(data=True) if d["kind"] == "section"]
    measures = [d["label"] for _, d in graph.nodes(data=True) if d["kind"] == "measure"]
    assert len(measures) == 16
    assert not any("加强工作统筹" in label for label in labels)
