"""The web app's pages and downloads over HTTP from the real `policykg serve`: saved queries (CSV
identical to `policykg query`), entity pages with content negotiation and evidence, plan pages,
escaping of document text, the static route against path traversal, and `serve --get`."""
from __future__ import annotations

import http.client
import json
import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import HOSTILE_SOURCE, SCRIPT, fetch, running_server, seed_store  # noqa: E402

from policykg.cli import app  # noqa: E402

ID = "https://w3id.org/policykg/id/"
RUNNER = CliRunner()


@pytest.fixture(scope="module")
def base():
    with running_server(seed_store()) as url:
        yield url


def _cli(*args: str) -> str:
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _first_measure(base: str) -> str:
    _, _, body = fetch(base + "/queries/measures.json?" + urlencode({"source": HOSTILE_SOURCE}))
    rows = json.loads(body)
    assert rows
    query = """PREFIX pk: <https://w3id.org/policykg/ns#>
    SELECT ?m WHERE { ?m a pk:Measure ; pk:start ?e } ORDER BY ?m LIMIT 1"""
    _, _, answer = fetch(base + "/sparql?" + urlencode({"query": query}),
                         headers={"Accept": "application/sparql-results+json"})
    return json.loads(answer)["results"]["bindings"][0]["m"]["value"]


def test_web_saved_query_csv_is_the_cli_csv(base):
    city = "衡阳市"
    status, headers, body = fetch(base + "/queries/responsibilities.csv?" + urlencode({"city": city}))
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert "attachment" in headers["content-disposition"]
    expected = _cli("query", "responsibilities", "--store", str(seed_store()), "--param",
                    f"city={city}", "--format", "csv")
    assert body.decode("utf-8") == expected
    assert expected.count("\n") > 5


def test_web_saved_query_json_and_turtle_downloads(base):
    from rdflib import Graph, URIRef

    _, _, body = fetch(base + "/queries/plans.json")
    plans = json.loads(body)
    assert {p["source"] for p in plans} >= {HOSTILE_SOURCE}
    status, headers, ttl = fetch(base + "/queries/plans.ttl?" + urlencode({"source": HOSTILE_SOURCE}))
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=ttl, format="turtle")
    assert (URIRef(ID + "plan/" + HOSTILE_SOURCE), None, None) in graph


def test_web_saved_query_page_form_and_errors(base):
    status, _, body = fetch(base + "/queries/measures?" + urlencode({"source": HOSTILE_SOURCE}))
    page = body.decode()
    assert status == 200 and 'id="param-source"' in page and 'value="hostile.txt"' in page
    assert "/queries/measures.csv?source=hostile.txt" in page
    status, _, body = fetch(base + "/queries/measures?bogus=1")
    assert status == 400 and "bogus" in body.decode()
    status, _, body = fetch(base + "/queries/nope")
    assert status == 404 and "measures" in body.decode()
    status, _, _ = fetch(base + "/queries/measures.exe")
    assert status == 404


def test_web_entity_page_shows_evidence_and_negotiates(base):
    from rdflib import Graph, URIRef

    measure = _first_measure(base)
    status, headers, body = fetch(base + "/entity?" + urlencode({"iri": measure}))
    page = body.decode()
    assert status == 200 and "<mark>" in page and 'id="passage"' in page
    assert "default-src 'self'" in headers["content-security-policy"]
    _, headers, ttl = fetch(base + "/entity?" + urlencode({"iri": measure}),
                            headers={"Accept": "text/turtle"})
    assert headers["content-type"].startswith("text/turtle")
    assert (URIRef(measure), None, None) in Graph().parse(data=ttl, format="turtle")
    _, headers, jsonld = fetch(base + "/entity.jsonld?" + urlencode({"iri": measure}))
    assert headers["content-type"].startswith("application/ld+json")
    assert (URIRef(measure), None, None) in Graph().parse(data=jsonld, format="json-ld")
    status, _, _ = fetch(base + "/entity?" + urlencode({"iri": ID + "nothing/here"}))
    assert status == 404


def test_web_id_path_resolves_data_iris(base):
    query = """PREFIX pk: <https://w3id.org/policykg/ns#>
    SELECT ?a WHERE { ?a a pk:Agency } ORDER BY ?a LIMIT 1"""
    _, _, answer = fetch(base + "/sparql?" + urlencode({"query": query}),
                         headers={"Accept": "application/sparql-results+json"})
    agency = json.loads(answer)["results"]["bindings"][0]["a"]["value"]
    # the IRI's URI form, as a browser sends it: only non-ASCII characters are escaped
    path = "/id/" + quote(agency[len(ID):], safe="".join(map(chr, range(33, 127))))
    status, _, body = fetch(base + path)
    assert status == 200 and agency in body.decode()
    status, headers, _ = fetch(base + path + ".ttl")
    assert status == 200 and headers["content-type"].startswith("text/turtle")


def test_web_plan_page_highlights_and_escapes(base):
    status, _, body = fetch(base + "/plans/" + HOSTILE_SOURCE)
    page = body.decode()
    assert status == 200
    for kind in ("measure", "agency", "citation", "target"):
        assert f'class="hl hl-{kind}"' in page
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a class="hl hl-agency" href="/entity?iri=https%3A%2F%2Fw3id.org%2Fpolicykg%2Fid%2Fagency' in page
    status, _, _ = fetch(base + "/plans/missing.txt")
    assert status == 404


def test_web_hostile_text_is_escaped_everywhere(base):
    plan = ID + "plan/" + HOSTILE_SOURCE
    for path in ("/queries/plans", "/plans/", "/entity?" + urlencode({"iri": plan}),
                 "/?" + urlencode({"query": "SELECT ?t WHERE { ?p <http://data.europa.eu/eli/ontology#title> ?t }"})):
        _, _, body = fetch(base + path)
        assert SCRIPT not in body.decode(), path


@pytest.mark.parametrize("path", [
    "/static/../web_helpers.py", "/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py",
    "/static/%2e%2e%2fapp.py", "/static/vendor/../../app.py", "/static/..%5capp.py",
    "/static/%252e%252e/app.py", "/static//etc/passwd", "/static/....//app.py",
])
def test_web_static_route_refuses_path_traversal(base, path):
    host, port = urlsplit(base).hostname, urlsplit(base).port
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request("GET", path)  # sent as written: no client-side normalisation
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status in (400, 404), (path, response.status)
    assert b"create_app" not in body and b"root:" not in body


def test_web_static_assets_are_served(base):
    status, headers, body = fetch(base + "/static/vendor/codemirror/codemirror.js")
    assert status == 200 and b"CodeMirror" in body
    status, _, _ = fetch(base + "/static/vendor/codemirror/LICENSE")
    assert status == 200


def test_web_serve_get_answers_in_process():
    store = str(seed_store())
    served = _cli("serve", "--store", store, "--get", "/queries/plans.csv")
    assert served == _cli("query", "plans", "--store", store, "--format", "csv")
    result = RUNNER.invoke(app, ["serve", "--store", store, "--get", "/queries/nope"])
    assert result.exit_code == 1


def test_web_serve_missing_store_is_one_line_error(tmp_path):
    result = RUNNER.invoke(app, ["serve", "--store", str(tmp_path / "none"), "--get", "/"])
    assert result.exit_code == 1 and "error: no store" in result.output


def test_web_agency_page_links_to_its_ego_network(base):
    import importlib.util

    if importlib.util.find_spec("policykg.viz.views") is None:
        pytest.skip("policykg.viz.views is not installed: the page omits the link")
    query = """PREFIX pk: <https://w3id.org/policykg/ns#>
    SELECT ?a WHERE { ?x pk:agency ?a } ORDER BY ?a LIMIT 1"""
    _, _, answer = fetch(base + "/sparql?" + urlencode({"query": query}),
                         headers={"Accept": "application/sparql-results+json"})
    agency = json.loads(answer)["results"]["bindings"][0]["a"]["value"]
    _, _, body = fetch(base + "/entity?" + urlencode({"iri": agency}))
    page = body.decode()
    assert 'id="ego-link"' in page
    ego = "/viz/agency?agency=" + quote(agency, safe="")
    assert ego in page
    status, headers, view = fetch(base + ego)
    assert status == 200 and headers["content-type"].startswith("text/html") and len(view) > 1000
    status, _, _ = fetch(base + "/viz/nope")
    assert status == 404
