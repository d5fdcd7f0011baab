"""Subgraph exports in the web app (issue 9): the Export links on plan, agency and cited-document
pages download through `/export` and re-parse with each format's standard reader; bad requests
get a clear 400/404 page. Runs the real app in-process (Starlette's TestClient over the seed store
that the other web tests use)."""
from __future__ import annotations

import html
import io
import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

import networkx as nx
import pytest
import rdflib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import seed_store  # noqa: E402

from policykg.graph.export.exporters import EXPORTERS  # noqa: E402

ID = "https://w3id.org/policykg/id/"
SOURCE = "003_ad288fc7cf756697.txt"
PLAN_IRI = ID + "plan/" + SOURCE
RDF_READERS = {"ttl": "turtle", "nt": "nt", "rdfxml": "xml"}
QUAD_READERS = {"nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def client():
    import warnings

    from policykg.viz.web.app import create_app

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2")  # starlette prefers httpx2; httpx works
        from starlette.testclient import TestClient

        with TestClient(create_app(seed_store())) as test_client:
            yield test_client


def _export_links(page: str) -> dict[str, str]:
    """data-format -> URL of the page's Export block."""
    block = re.search(r'id="subgraph-exports">(.*?)</p>', page, re.S)
    assert block, "the page has no Export block"
    return {name: html.unescape(url) for url, name in
            re.findall(r'<a href="([^"]+)" class="subgraph-export" data-format="([^"]+)"', block.group(1))}


def _download(client, url: str) -> tuple[bytes, str, str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.text[-300:])
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    return response.content, response.headers["content-type"], disposition


def _subjects_and_objects(data: bytes, fmt: str) -> set[str]:
    if fmt in RDF_READERS:
        graph = rdflib.Graph().parse(data=data, format=RDF_READERS[fmt])
        assert len(graph) > 100
        return {str(t) for triple in graph for t in (triple[0], triple[2])}
    dataset = rdflib.Dataset().parse(data=data, format=QUAD_READERS[fmt])
    quads = list(dataset.quads((None, None, None, None)))
    assert len(quads) > 100
    if fmt != "jsonld":  # named graphs kept: the plan's own document graph is there
        assert any(str(q[3]) == ID + "doc/" + SOURCE for q in quads)
    return {str(t) for q in quads for t in (q[0], q[2])}


def test_web_exports_plan_page_links_cover_every_format(client):
    page = client.get("/plans/" + quote(SOURCE)).text
    links = _export_links(page)
    assert set(links) == set(EXPORTERS) | {"zip"}
    assert all(url.startswith("/export?") and f"plan={SOURCE}" in url for url in links.values())


@pytest.mark.parametrize("fmt", sorted(set(EXPORTERS) | {"zip"}))
def test_web_exports_plan_download_reparses(client, fmt):
    links = _export_links(client.get("/plans/" + quote(SOURCE)).text)
    data, media_type, disposition = _download(client, links[fmt])
    stem = "policykg-plan-" + SOURCE.removesuffix(".txt")
    if fmt == "zip":
        assert media_type == "application/zip" and f'filename="{stem}.zip"' in disposition
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            assert names == {stem + e.extension for n, e in EXPORTERS.items() if n != "csv"} \
                | {"nodes.csv", "edges.csv"}
            graph = rdflib.Graph().parse(data=archive.read(stem + ".ttl"), format="turtle")
            assert (rdflib.URIRef(PLAN_IRI), None, None) in graph
        return
    exporter = EXPORTERS[fmt]
    assert media_type.split(";")[0] == exporter.media_type.split(";")[0]
    assert f'filename="{stem}{exporter.extension}"' in disposition
    if fmt in RDF_READERS or fmt in QUAD_READERS:
        assert PLAN_IRI in _subjects_and_objects(data, fmt)
    elif fmt in ("graphml", "gexf"):
        graph = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(data))
        assert PLAN_IRI in graph and graph.number_of_edges() > 100
        assert any(d.get("type", "").startswith("Measure") for _, d in graph.nodes(data=True))
    else:  # csv: nodes.csv + edges.csv in a zip, read by pandas without options
        import pandas as pd

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert set(archive.namelist()) == {"nodes.csv", "edges.csv"}
            nodes = pd.read_csv(io.BytesIO(archive.read("nodes.csv")))
            edges = pd.read_csv(io.BytesIO(archive.read("edges.csv")))
        assert PLAN_IRI in set(nodes["id"]) and list(edges.columns) == ["source", "target", "predicate", "label"]
        assert set(edges["source"]) | set(edges["target"]) <= set(nodes["id"])


def _agency(client) -> tuple[str, str]:
    rows = client.get("/queries/responsibilities.json?" + urlencode({"source": SOURCE})).json()
    row = next(r for r in rows if r["agency_iri"])
    return row["agency_iri"], row["agency_canonical"] or row["agency"]


def test_web_exports_agency_page_graphml_holds_the_agency(client):
    agency_iri, _ = _agency(client)
    page = client.get("/entity?" + urlencode({"iri": agency_iri})).text
    links = _export_links(page)
    assert set(links) == set(EXPORTERS) | {"zip"}
    assert unquote(links["graphml"].split("agency=", 1)[1].split("&", 1)[0]) == agency_iri
    data, _, disposition = _download(client, links["graphml"])
    graph = nx.read_graphml(io.BytesIO(data))
    assert agency_iri in graph
    assert "Agency" in graph.nodes[agency_iri]["type"]
    assert graph.degree(agency_iri) > 0  # its neighbourhood (hops=1): assignments naming it
    assert disposition.endswith(".graphml")


def test_web_exports_cited_document_page(client):
    cited = client.get("/queries/citations.json?" + urlencode({"source": SOURCE})).json()
    framework = next(r["cited"] for r in cited if r["cited"])
    links = _export_links(client.get("/entity?" + urlencode({"iri": framework})).text)
    assert "framework=" in links["gexf"]
    data, _, _ = _download(client, links["gexf"])
    assert framework in nx.read_gexf(io.BytesIO(data))


def test_web_exports_no_block_on_other_entities(client):
    measures = client.get("/queries/measures.json?" + urlencode({"source": SOURCE})).json()
    page = client.get("/entity?" + urlencode({"iri": measures[0]["measure"]})).text
    assert 'id="subgraph-exports"' not in page


def test_web_exports_city_selector_names_the_file_in_utf8(client):
    response = client.get("/export?" + urlencode({"city": "衡阳市", "format": "nq"}))
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert "filename*=UTF-8''" + quote("policykg-city-衡阳市.nq", safe="") in disposition
    assert disposition.encode("latin-1")  # a header value any client can read
    graphs = {str(q[3]) for q in rdflib.Dataset().parse(data=response.content, format="nquads")
              .quads((None, None, None, None))}
    assert graphs and all(g.startswith(ID + "doc/") for g in graphs)


@pytest.mark.parametrize("query, status, words", [
    ({"plan": SOURCE, "format": "docx"}, 400, "not an export format"),
    ({"plan": SOURCE}, 400, "zip=1"),
    ({"plan": SOURCE, "format": "ttl", "colour": "red"}, 400, "colour"),
    ({"agency": SOURCE, "format": "ttl", "hops": "two"}, 400, "whole number"),
    ({"plan": "no-such-plan.txt", "format": "ttl"}, 404, "matches nothing"),
    ({"agency": "不存在的机构", "format": "graphml"}, 404, "matches nothing"),
])
def test_web_exports_bad_requests_get_a_clear_page(client, query, status, words):
    response = client.get("/export?" + urlencode(query))
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    message = html.unescape(re.search(r'id="error">(.*?)</p>', response.text, re.S).group(1))
    assert words in message
    assert f"<h1>{status} · " in response.text
