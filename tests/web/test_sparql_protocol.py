"""The SPARQL 1.1 Protocol at /sparql of the real `policykg serve` (issue 21).

First the 20 query tests of the W3C protocol test suite (tests/web/data/w3c_protocol/, licence
there), sent byte for byte as the manifest describes them, Host header included (the server runs
with `--host-name www.example`), against a store holding the suite's three graphs. Then the
dataset over the seed plans: FROM / FROM NAMED and `default-graph-uri` / `named-graph-uri` pick
graphs instead of being ignored or refused, relative IRIs resolve against the endpoint, and
CONSTRUCT comes as N-Quads and TriG too.
"""
from __future__ import annotations

import http.client
import json
import sys
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import _folder, fetch, running_server, seed_store  # noqa: E402

W3C = Path(__file__).resolve().parent / "data" / "w3c_protocol"
SUITE = json.loads((W3C / "query_tests.json").read_text(encoding="utf-8"))
BOOLEAN_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                 "application/sparql-results+xml": ox.QueryResultsFormat.XML}
TABULAR_TYPES = {**BOOLEAN_TYPES, "text/csv": ox.QueryResultsFormat.CSV,
                 "text/tab-separated-values": ox.QueryResultsFormat.TSV}
RDF_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD}
PK = "PREFIX pk: <https://w3id.org/policykg/ns#>\n"
JSON = {"Accept": "application/sparql-results+json"}


@lru_cache(maxsize=1)
def w3c_store() -> Path:
    """The suite's graphs http://kasei.us/2009/09/sparql/data/dataN.rdf from dataN.nt."""
    from policykg.graph.store import Store

    path = _folder("policykg-w3c-") / "store"
    with Store.open(path, create=True) as store:
        for number in (1, 2, 3):
            graph = ox.NamedNode(f"http://kasei.us/2009/09/sparql/data/data{number}.rdf")
            store.raw.load(path=str(W3C / f"data{number}.nt"), format=ox.RdfFormat.N_TRIPLES,
                           to_graph=graph)
    return path


@pytest.fixture(scope="module")
def w3c_base():
    with running_server(w3c_store(), "--host-name", SUITE["connectionAuthority"]) as base:
        yield base


@pytest.fixture(scope="module")
def endpoint():
    with running_server(seed_store(), "--time-limit", "10") as base:
        yield base + "/sparql"


def _send(base: str, test: dict) -> tuple[int, str, bytes]:
    port = int(base.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = test["body"].encode(test["bodyEncoding"]) if test["body"] is not None else None
    try:
        connection.putrequest(test["method"], test["absolutePath"], skip_host=True,
                              skip_accept_encoding=True)
        connection.putheader("Host", SUITE["connectionAuthority"])
        for name, value in test["headers"].items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        media = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return response.status, media, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("test", SUITE["tests"], ids=[t["name"] for t in SUITE["tests"]])
def test_sparql_protocol_w3c_query_test(w3c_base, test):
    status, media, body = _send(w3c_base, test)
    assert f"{status // 100}xx" in test["expectedStatus"], (status, body[:300])
    expected = test.get("expectedFormat")
    if expected == "boolean":
        assert media in BOOLEAN_TYPES, media
        answer = ox.parse_query_results(body, format=BOOLEAN_TYPES[media])
        assert isinstance(answer, ox.QueryBoolean)
        if "expectedBoolean" in test:
            assert bool(answer) is test["expectedBoolean"]
    elif expected == "tabular":
        assert media in TABULAR_TYPES, media
        answer = ox.parse_query_results(body, format=TABULAR_TYPES[media])
        assert isinstance(answer, ox.QuerySolutions)
    elif expected == "RDF":
        assert media in RDF_TYPES, media
        list(ox.parse(body, format=RDF_TYPES[media]))


def test_sparql_protocol_w3c_suite_is_the_whole_query_part():
    assert len(SUITE["tests"]) == 20
    assert len({t["name"] for t in SUITE["tests"]}) == 20


# -- the dataset over the seed plans ---------------------------------------------------------------


def _count(endpoint: str, query: str, **dataset: list[str]) -> int:
    params = [("query", query)] + [(k.replace("_", "-"), v) for k, vs in dataset.items() for v in vs]
    status, _, body = fetch(endpoint + "?" + urlencode(params), headers=JSON)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def _plan_graphs(endpoint: str) -> list[str]:
    query = PK + "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?p a pk:Plan } } ORDER BY ?g"
    _, _, body = fetch(endpoint + "?" + urlencode({"query": query}), headers=JSON)
    return [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]


def test_sparql_protocol_from_counts_one_plan_graph_not_the_union(endpoint):
    graphs = _plan_graphs(endpoint)
    assert len(graphs) == 6
    union = _count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    for graph in graphs[:2]:
        own = _count(endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert 0 < own < union
        assert _count(endpoint, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}") == own
        assert _count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                      default_graph_uri=[graph]) == own


def test_sparql_protocol_two_graphs_merge_and_named_graphs_restrict(endpoint):
    first, second = _plan_graphs(endpoint)[:2]
    both = PK + f"SELECT (COUNT(DISTINCT ?p) AS ?n) FROM <{first}> FROM <{second}> WHERE {{ ?p a pk:Plan }}"
    assert _count(endpoint, both) == 2
    named = PK + "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?p a pk:Plan } }"
    assert _count(endpoint, named) == 6
    assert _count(endpoint, named, named_graph_uri=[first]) == 1
    from_named = PK + f"SELECT (COUNT(DISTINCT ?g) AS ?n) FROM NAMED <{second}> WHERE {{ GRAPH ?g {{ ?p a pk:Plan }} }}"
    assert _count(endpoint, from_named) == 1
    # the protocol's dataset wins over the query's (SPARQL 1.1 Protocol 2.1.4)
    assert _count(endpoint, from_named, named_graph_uri=[first, second]) == 2


def test_sparql_protocol_relative_iris_resolve_against_the_endpoint(endpoint):
    query = "SELECT ?x WHERE { BIND(<relative/thing> AS ?x) }"
    status, _, body = fetch(endpoint + "?" + urlencode({"query": query}), headers=JSON)
    assert status == 200, body
    value = json.loads(body)["results"]["bindings"][0]["x"]["value"]
    assert value == endpoint.rsplit("/", 1)[0] + "/relative/thing"


@pytest.mark.parametrize("media,rdf_format", [("application/n-quads", ox.RdfFormat.N_QUADS),
                                              ("application/trig", ox.RdfFormat.TRIG),
                                              ("text/turtle", ox.RdfFormat.TURTLE)])
def test_sparql_protocol_construct_as_nquads_and_trig(endpoint, media, rdf_format):
    query = PK + "CONSTRUCT { ?p a pk:Plan } WHERE { ?p a pk:Plan }"
    status, headers, body = fetch(endpoint + "?" + urlencode({"query": query}),
                                  headers={"Accept": media})
    assert status == 200 and headers["content-type"].startswith(media)
    assert len(list(ox.parse(body, format=rdf_format))) == 6
