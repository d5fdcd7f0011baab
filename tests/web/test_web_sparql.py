"""The SPARQL 1.1 Protocol endpoint of the real `policykg serve`, used over HTTP by standard
clients (SPARQLWrapper, rdflib's SPARQLStore): every result format, CONSTRUCT, refused updates,
the row cap and the time limit. The module's server has a generous time limit (complete streams of
the whole store must not be cut on a loaded machine); the time-limit test starts its own."""
from __future__ import annotations

import csv
import io
import json
import sys
import urllib.error
from pathlib import Path
from urllib.parse import urlencode

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import fetch, running_server, seed_store  # noqa: E402

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

PLANS = """PREFIX pk: <https://w3id.org/policykg/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?plan ?source WHERE { GRAPH ?g { ?plan a pk:Plan ; dcterms:source ?source } } ORDER BY ?source"""
MAX_ROWS = 40


@pytest.fixture(scope="module")
def endpoint():
    with running_server(seed_store(), "--time-limit", "60", "--max-rows", str(MAX_ROWS)) as base:
        yield base + "/sparql"


def _wrapper(endpoint: str, query: str, return_format: str, method: str = "GET"):
    from SPARQLWrapper import SPARQLWrapper as Client

    client = Client(endpoint)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    return client


def _sources_from_json(document: dict) -> list[str]:
    return [b["source"]["value"] for b in document["results"]["bindings"]]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_web_sparql_select_json_with_sparqlwrapper(endpoint, method):
    from SPARQLWrapper import JSON

    document = _wrapper(endpoint, PLANS, JSON, method).query().convert()
    sources = _sources_from_json(document)
    assert len(sources) == 6 and "hostile.txt" in sources
    assert sources == sorted(sources)
    plan = document["results"]["bindings"][0]["plan"]
    assert plan["type"] == "uri" and plan["value"].startswith("https://w3id.org/policykg/id/plan/")


def test_web_sparql_select_xml_csv_tsv_agree(endpoint):
    from SPARQLWrapper import CSV, JSON, TSV, XML

    expected = _sources_from_json(_wrapper(endpoint, PLANS, JSON).query().convert())
    dom = _wrapper(endpoint, PLANS, XML).query().convert()
    xml_sources = [b.getElementsByTagName("literal")[0].firstChild.data
                   for b in dom.getElementsByTagName("binding") if b.getAttribute("name") == "source"]
    assert xml_sources == expected
    table = list(csv.reader(io.StringIO(_wrapper(endpoint, PLANS, CSV).query().convert().decode())))
    assert table[0] == ["plan", "source"] and [row[1] for row in table[1:]] == expected
    lines = _wrapper(endpoint, PLANS, TSV).query().convert().decode().splitlines()
    assert lines[0] == "?plan\t?source"
    assert [line.split("\t")[1] for line in lines[1:]] == [f'"{s}"' for s in expected]
    assert lines[1].split("\t")[0].startswith("<https://w3id.org/policykg/id/plan/")


def test_web_sparql_typed_literals_keep_language_and_datatype(endpoint):
    query = """PREFIX pk: <https://w3id.org/policykg/ns#>
    SELECT ?title ?year WHERE { GRAPH ?g { ?p a pk:Plan ; <http://data.europa.eu/eli/ontology#title> ?title ;
      pk:periodStart ?year } } LIMIT 1"""
    status, headers, body = fetch(endpoint + "?" + urlencode({"query": query}),
                                  headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    row = json.loads(body)["results"]["bindings"][0]
    assert row["title"]["xml:lang"] == "zh"
    assert row["year"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_web_sparql_rdflib_sparqlstore_select_and_construct(endpoint):
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(endpoint))
    rows = list(graph.query(PLANS))
    assert len(rows) == 6 and all(isinstance(row[0], URIRef) for row in rows)
    constructed = graph.query("""PREFIX pk: <https://w3id.org/policykg/ns#>
        CONSTRUCT { ?p a pk:Plan } WHERE { ?p a pk:Plan }""")
    subjects = {str(s) for s, _, _ in constructed}
    assert {str(row[0]) for row in rows} == subjects


def test_web_sparql_construct_turtle_and_post_body(endpoint):
    from rdflib import Graph
    from SPARQLWrapper import TURTLE

    query = """PREFIX pk: <https://w3id.org/policykg/ns#>
    CONSTRUCT { ?m a pk:Measure } WHERE { ?m a pk:Measure } LIMIT 5"""
    data = _wrapper(endpoint, query, TURTLE).query().convert()
    graph = Graph().parse(data=data, format="turtle")
    assert len(graph) == 5
    # the raw protocol: an application/sparql-query body, JSON-LD and N-Triples back
    for accept, parse_as in (("application/ld+json", "json-ld"), ("application/n-triples", "nt")):
        status, headers, body = fetch(endpoint, data=query.encode(), method="POST",
                                      headers={"Content-Type": "application/sparql-query",
                                               "Accept": accept})
        assert status == 200 and headers["content-type"].startswith(accept)
        assert len(Graph().parse(data=body, format=parse_as)) == 5


def test_web_sparql_ask(endpoint):
    status, _, body = fetch(endpoint + "?" + urlencode({"query": "ASK { ?s ?p ?o }"}),
                            headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize("how", ["sparqlwrapper", "form", "body", "get"])
def test_web_sparql_update_is_refused(endpoint, how):
    update = "INSERT DATA { <urn:x> <urn:y> <urn:z> }"
    if how == "sparqlwrapper":
        from SPARQLWrapper import JSON, POST

        with pytest.raises(urllib.error.HTTPError) as caught:
            _wrapper(endpoint, update, JSON, POST).query()
        status, body = caught.value.code, caught.value.read()
    elif how == "form":
        status, _, body = fetch(endpoint, data=urlencode({"update": update}).encode(),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "body":
        status, _, body = fetch(endpoint, data=("PREFIX x: <urn:>\n" + update).encode(),
                                headers={"Content-Type": "application/sparql-query"})
    else:
        status, _, body = fetch(endpoint + "?" + urlencode({"query": "# c\n" + update}),
                                headers={"Accept": "application/sparql-results+json"})
    assert 400 <= status < 500
    assert b"read-only" in body
    ask = "ASK { <urn:x> <urn:y> <urn:z> }"
    _, _, answer = fetch(endpoint + "?" + urlencode({"query": ask}),
                         headers={"Accept": "application/sparql-results+json"})
    assert json.loads(answer)["boolean"] is False


def test_web_sparql_syntax_error_is_400_with_message(endpoint):
    status, _, body = fetch(endpoint + "?" + urlencode({"query": "SELECT WHERE {"}),
                            headers={"Accept": "application/sparql-results+json"})
    assert status == 400 and b"SPARQL syntax error" in body


def test_web_sparql_protocol_streams_complete_results_and_page_is_capped(endpoint):
    """--max-rows cuts only the HTML page (with a note); /sparql answers in full in every format,
    so no client (rdflib, pandas) can take a cut result for a whole one."""
    query = "SELECT * WHERE { ?s ?p ?o }"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    _, _, counted = fetch(endpoint + "?" + urlencode({"query": count}),
                          headers={"Accept": "application/sparql-results+json"})
    total = int(json.loads(counted)["results"]["bindings"][0]["n"]["value"])
    assert total > MAX_ROWS
    status, headers, body = fetch(endpoint + "?" + urlencode({"query": query}),
                                  headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == total
    _, _, table = fetch(endpoint + "?" + urlencode({"query": query}), headers={"Accept": "text/csv"})
    assert len(list(csv.reader(io.StringIO(table.decode())))) == total + 1
    page_status, _, page = fetch(endpoint.replace("/sparql", "/?") + urlencode({"query": query}))
    assert page_status == 200 and page.count(b"<tr") <= MAX_ROWS + 1
    assert b'data-truncated="true"' in page and b"--max-rows" in page


def test_web_sparql_no_cors_header_unless_configured(endpoint):
    _, headers, _ = fetch(endpoint + "?" + urlencode({"query": "ASK {}"}),
                          headers={"Origin": "http://example.org", "Accept": "application/json"})
    assert "access-control-allow-origin" not in {k.lower() for k in headers}


def test_web_sparql_cors_header_when_configured():
    with running_server(seed_store(), "--cors", "http://example.org") as base:
        _, headers, _ = fetch(base + "/sparql?" + urlencode({"query": "ASK {}"}),
                              headers={"Origin": "http://example.org", "Accept": "application/json"})
    assert headers.get("access-control-allow-origin") == "http://example.org"


def test_web_sparql_browser_accept_redirects_to_query_page(endpoint):
    status, headers, body = fetch(endpoint + "?" + urlencode({"query": PLANS}),
                                  headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"hostile.txt" in body and b"<script>alert" not in body


def test_web_sparql_time_limit_stops_a_heavy_query():
    from SPARQLWrapper import JSON

    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with running_server(seed_store(), "--time-limit", "2") as base, \
            pytest.raises(urllib.error.HTTPError) as caught:
        _wrapper(base + "/sparql", heavy, JSON).query()
    assert caught.value.code == 503
    message = caught.value.read().decode()
    assert "time limit of 2 s" in message and "--time-limit" in message
