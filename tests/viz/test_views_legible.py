"""Legible views (issue 23): every node label contrasts with what it is drawn on, dense views open
on their top hubs within the bounds and reach every node through the controls, nodes link back to
their pages in the web app and nowhere in files, and the web form of a page has no inline script
(the app's CSP) while the file form stays self-contained."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote

import networkx as nx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stores  # noqa: E402

from policykg.viz import page  # noqa: E402
from policykg.viz.views import render  # noqa: E402

def shown_by_default(data: dict) -> tuple[set[int], list[dict]]:
    """What views.js shows before any click: nodes ranked within `top`, edges at or above
    `minWeight` between them, and (with a weight filter) only nodes such an edge touches."""
    density = data["density"]
    nodes = {n["id"] for n in data["nodes"] if n["rank"] <= density["top"]}
    edges = [e for e in data["edges"] if e["from"] in nodes and e["to"] in nodes
             and e.get("weight", 0) >= density["minWeight"]]
    if density["minWeight"] > 0:
        nodes = {x for e in edges for x in (e["from"], e["to"])}
    return nodes, edges


@pytest.mark.parametrize("key", sorted(page.KINDS))
def test_views_legible_every_label_contrasts_with_its_background(key):
    name, fill, shape = page.KINDS[key]
    font = page.label_colour(fill, shape)
    background = fill if shape in page.LABEL_INSIDE_SHAPES else "#ffffff"
    assert page.contrast_ratio(font, background) >= 4.5, (key, fill, font)


@pytest.mark.parametrize("fill, shape, expected", [
    ("#1f4e9c", "box", "#ffffff"),      # dark blue plan box: white text
    ("#f0e442", "box", "#000000"),      # yellow box: black text
    ("#555555", "ellipse", "#ffffff"),  # dark year ellipse: white text
    ("#1f4e9c", "dot", "#222222"),      # label below a dot sits on the white page
])
def test_views_legible_label_colour_by_shape_and_fill(fill, shape, expected):
    assert page.label_colour(fill, shape) == expected


def test_views_legible_page_data_carries_the_label_colours(seed):
    data = stores.page_data(render(seed, "indicator", {}))
    by_key = {k["key"]: k for k in data["kinds"]}
    assert by_key["city"]["inside"] and by_key["city"]["font"] == "#ffffff"
    assert not by_key["target"]["inside"]


@pytest.mark.parametrize("view", ["indicator", "network"])
def test_views_legible_dense_views_open_within_bounds(seed, view):
    data = stores.page_data(render(seed, view, {}))
    nodes, edges = shown_by_default(data)
    assert 1 <= len(nodes) <= page.DENSE_NODE_BOUND
    assert len(edges) <= page.DENSE_EDGE_BOUND
    assert len(nodes) < len(data["nodes"]) or len(edges) < len(data["edges"]), "not narrowed"


@pytest.mark.parametrize("view", ["indicator", "network", "responsibility"])
def test_views_legible_controls_reach_every_node(seed, view):
    data = stores.page_data(render(seed, view, {}))
    density = data["density"]
    assert all(1 <= n["rank"] <= density["hubs"] for n in data["nodes"])
    html = render(seed, view, {})
    assert 'id="pk-top"' in html and 'id="pk-show-all"' in html
    if density["maxWeight"]:
        assert 'id="pk-min-weight"' in html


def test_views_legible_small_views_have_no_density_control(seed):
    html = render(seed, "plan", {"source": stores.FIRST_SEED})
    assert stores.page_data(html)["density"] is None and 'id="pk-top"' not in html


def test_views_legible_hub_ranks_follow_hubs_two_steps_not_through_other_hubs():
    graph = nx.Graph()
    for name, size in (("big", 3), ("small", 1)):
        graph.add_node(name, kind="indicator", size=size, label=name)
    for target, hub in (("t1", "big"), ("t2", "big"), ("t3", "small")):
        graph.add_node(target, kind="target", label=target)
        graph.add_edge(target, hub)
    graph.add_node("city", kind="city", label="city")
    graph.add_edges_from([("t1", "city"), ("t3", "city")])
    graph.add_node("alone", kind="year", label="alone")
    ranks, hubs = page.hub_ranks(graph, frozenset({"indicator"}))
    assert hubs == 2
    assert ranks["big"] == ranks["t1"] == ranks["t2"] == ranks["city"] == 1
    assert ranks["small"] == ranks["t3"] == 2
    assert ranks["alone"] == 2   # no hub reaches it: shown with all hubs


def test_views_legible_default_density_keeps_the_node_bound(monkeypatch):
    graph = nx.star_graph(30)
    nx.set_node_attributes(graph, {n: {"kind": "agency", "label": str(n)} for n in graph})
    for n in range(1, 31):
        graph.nodes[n]["size"] = 31 - n
    ranks, hubs = page.hub_ranks(graph, None)
    monkeypatch.setattr(page, "DENSE_NODE_BOUND", 10)
    assert page.default_density(graph, ranks, hubs)["top"] == 10


def test_views_legible_web_nodes_link_back_to_their_pages(seed):
    data = stores.page_data(render(seed, "plan", {"source": stores.FIRST_SEED}, web=True, link_base=""))
    by_kind: dict[str, list[str]] = {}
    for node in data["nodes"]:
        if "href" in node:
            by_kind.setdefault(node["kind"], []).append(unquote(node["href"]))
    assert by_kind["plan"] == [f"/plans/{stores.FIRST_SEED}"]
    assert by_kind["agency"] and all(h.startswith("/entity?iri=https://") for h in by_kind["agency"])
    assert by_kind["measure"] and all(h.startswith("/entity?iri=") for h in by_kind["measure"])
    indicator = stores.page_data(render(seed, "indicator", {}, web=True, link_base=""))
    assert any(n.get("href", "").startswith("/viz/indicator?indicator=")
               for n in indicator["nodes"] if n["kind"] == "indicator")


@pytest.mark.parametrize("view, params", [("plan", {"source": stores.FIRST_SEED}), ("frameworks", {}),
                                          ("map", {})])
def test_views_legible_files_have_no_links_to_a_server(seed, view, params):
    html = render(seed, view, params)
    assert "/entity?" not in html and "/plans/" not in html
    assert 'href="/' not in html


@pytest.mark.parametrize("view, params", [("plan", {"source": stores.FIRST_SEED}), ("network", {}),
                                          ("map", {})])
def test_views_legible_web_form_has_no_inline_script(seed, view, params):
    html = render(seed, view, params, web=True, link_base="")
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "Content-Security-Policy" not in html  # the app sends its own CSP header
    file_form = render(seed, view, params)
    assert "Content-Security-Policy" in file_form and not re.search(r"<script[^>]*\bsrc\s*=", file_form)


def test_views_legible_web_words_are_the_callers(seed):
    html = render(seed, "network", {}, web=True, link_base="", words={"show_all": "全部显示"})
    assert ">全部显示<" in html


def test_views_legible_web_map_points_link_to_their_plans(seed):
    html = render(seed, "map", {}, web=True, link_base="")
    links = re.findall(r'<a href="(/plans/[^"]+)">', html)
    assert len(links) == 5 and any(stores.FIRST_SEED in unquote(h) for h in links)
    assert '<script src="/static/views_map.js"></script>' in html
