"""The `network` view (issue 11: analytics shown as views): the co-responsibility network of
agencies with size = betweenness and colour = community, read from id:graph/analysis after
`analyze`, computed with networkx when it has not run; offline and escaped like every view
(a headless Chromium run checks requests and colours)."""
from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import networkx as nx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import chromium  # noqa: E402
import stores  # noqa: E402

from policykg.graph.store import Store  # noqa: E402
from policykg.viz.errors import NothingToShow  # noqa: E402
from policykg.viz.page import KINDS  # noqa: E402
from policykg.viz.projections_for_views import COMMUNITY_COLOURS  # noqa: E402
from policykg.viz.views import VIEWS, render  # noqa: E402


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    """A copy of the seed store after `analyze`: (path, centrality rows by agency IRI)."""
    from policykg.graph.analysis.analysis_graph import analyze

    path = tmp_path_factory.mktemp("analyzed") / "store"
    shutil.copytree(stores.seed_store(), path)
    with Store.open(path) as store:
        report = analyze(store)
    columns, rows = report.tables["centrality"]
    return path, {row[columns.index("agency_iri")]: dict(zip(columns, row)) for row in rows}


def _data(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="pk-data">(.*?)</script>',
                                page, re.S).group(1))


def _tip_value(tip: str, key: str) -> str:
    return re.search(rf"{key}: (\S+)", tip).group(1)


def _co_responsibility(store: Store, city: str | None = None) -> list[dict]:
    from policykg.queries import load_query

    return store.run_query(load_query("co_responsibility"), {"city": city} if city else {}).as_dicts()


def test_analysis_view_is_registered():
    assert "network" in VIEWS and VIEWS["network"].required == ()
    assert set(VIEWS["network"].params) == {"city"}


def test_analysis_view_colours_communities_from_the_analysis_graph(analyzed):
    path, centrality = analyzed
    with Store.open(path, read_only=True) as store:
        page = render(store, "network", {})
        pairs = _co_responsibility(store)
    data = _data(page)
    assert "metrics from policykg analyze" in page
    kinds = {k["key"]: k["color"] for k in data["kinds"]}
    assert len(data["nodes"]) == len({r[k] for r in pairs for k in ("agency_a_iri", "agency_b_iri")})
    by_label = {}
    for node in data["nodes"]:
        community = int(_tip_value(node["tip"], "community"))
        assert node["kind"] == f"community-{community}"
        assert kinds[node["kind"]] == COMMUNITY_COLOURS[community - 1]
        by_label.setdefault(node["tip"].split("\n", 1)[0], []).append(node)
    assert len(kinds) >= 2, "the seed plans form several communities"
    # every node's community and betweenness are those analyze stored for that agency
    for iri, row in centrality.items():
        if row["agency"] in by_label and len(by_label[row["agency"]]) == 1:
            node = by_label[row["agency"]][0]
            assert int(_tip_value(node["tip"], "community")) == row["community"]
            assert float(_tip_value(node["tip"], "betweenness")) == pytest.approx(row["betweenness"], abs=1e-4)
            assert int(_tip_value(node["tip"], r"degree \(co-agencies\)")) == row["degree"]
    # size follows betweenness; edge width follows shared measures
    top = max(data["nodes"], key=lambda n: float(_tip_value(n["tip"], "betweenness")))
    assert top["value"] == max(n["value"] for n in data["nodes"]) > min(n["value"] for n in data["nodes"])
    assert sorted(e["weight"] for e in data["edges"]) == sorted(float(r["shared_measures"]) for r in pairs)
    assert {e["kind"] for e in data["edges"]} == {"shared"}


def test_analysis_view_computes_metrics_when_analyze_has_not_run():
    with Store.open(stores.seed_store(), read_only=True) as store:
        page = render(store, "network", {})
        pairs = _co_responsibility(store)
    assert "metrics computed for this view" in page
    graph = nx.Graph()
    for r in pairs:
        graph.add_edge(r["agency_a"], r["agency_b"], weight=int(r["shared_measures"]))
    expected = nx.betweenness_centrality(graph)
    data = _data(page)
    assert len(data["nodes"]) == graph.number_of_nodes()
    for node in data["nodes"]:
        label = node["tip"].split("\n", 1)[0]
        assert float(_tip_value(node["tip"], "betweenness")) == pytest.approx(expected[label], abs=1e-4)
        assert node["kind"].startswith("community-")


def test_analysis_view_city_filter_and_unknown_city(analyzed):
    path, _ = analyzed
    with Store.open(path, read_only=True) as store:
        data = _data(render(store, "network", {"city": "衡阳市"}))
        assert data["nodes"] and {n["city"] for n in data["nodes"]} == {"衡阳市"}
        with pytest.raises(NothingToShow, match="北京"):
            render(store, "network", {"city": "北京市"})


def test_analysis_view_page_is_offline_and_escaped():
    with Store.open(stores.hostile_store(), read_only=True) as store:
        page = render(store, "network", {})
    data = _data(page)
    assert any(stores.IMG in n["tip"] or stores.SCRIPT in n["tip"] for n in data["nodes"]), \
        "the hostile unit names are in the data"
    assert stores.IMG not in page and stores.SCRIPT not in page
    assert len(re.findall(r"(?:^|\n)<script", page)) == 3  # the page's own three elements
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)
    assert "default-src 'none'" in page


def test_analysis_view_web_route(analyzed):
    import warnings

    from policykg.viz.web.app import create_app

    path, _ = analyzed
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2")
        from starlette.testclient import TestClient

        with TestClient(create_app(path)) as client:
            response = client.get("/viz/network")
            assert response.status_code == 200 and "community-1" in response.text
            assert client.get("/viz/network?city=北京市").status_code == 404


def test_analysis_view_browser_draws_community_colours_offline(analyzed, tmp_path):
    path, _ = analyzed
    with Store.open(path, read_only=True) as store:
        page_path = tmp_path / "network.html"
        page_path.write_text(render(store, "network", {}), encoding="utf-8")
    driver = chromium.start()
    try:
        chromium.requested_urls(driver)
        chromium.console_errors(driver)
        driver.get(page_path.as_uri())
        chromium.wait_ready(driver)
        urls = chromium.requested_urls(driver)
        assert urls and chromium.outside(urls) == []
        assert chromium.console_errors(driver) == []
        shown = driver.execute_script(
            "return window.policykgNodes.get().map(function (n) { return [n.kind, n.color.background]; })")
        assert shown and all(colour == KINDS[kind][1] for kind, colour in shown)
        assert len({colour for _, colour in shown}) >= 2
    finally:
        driver.quit()
