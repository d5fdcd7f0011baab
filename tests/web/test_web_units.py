"""The web app's pure parts: Accept negotiation, update detection, result serialisers and the
plan-text highlighter (nesting and escaping)."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from policykg.viz.web.http import WebError, negotiate
from policykg.viz.web.plan_text import Span, highlight
from policykg.viz.web.sparql import (choose_media, is_update, read_query, run_sparql,
                                     serialize)


@pytest.mark.parametrize("accept,offers,expected", [
    (None, ["a/x", "b/y"], "a/x"),
    ("b/y", ["a/x", "b/y"], "b/y"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", ["application/json", "text/html"], "text/html"),
    ("application/json;q=0.5, text/*", ["application/json", "text/csv"], "text/csv"),
    ("text/csv;q=0", ["text/csv"], None),
    ("image/png", ["text/csv"], None),
])
def test_web_negotiate(accept, offers, expected):
    assert negotiate(accept, offers) == expected


@pytest.mark.parametrize("text,update", [
    ("SELECT * WHERE { ?s ?p ?o }", False),
    ("PREFIX insert: <urn:x#>\nSELECT ?insert WHERE { ?insert ?p ?o }", False),
    ("ASK { ?s <urn:delete> ?o }", False),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", True),
    ("# comment\nPREFIX x: <urn:x>\nBASE <urn:b>\n delete where { ?s ?p ?o }", True),
    ("LOAD <http://example.org/x>", True),
    ("CLEAR ALL", True),
    ("DROP GRAPH <urn:g>", True),
    ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
])
def test_web_is_update(text, update):
    assert is_update(text) is update


def test_web_read_query_refuses_update_parameter_and_bad_graph_uris():
    with pytest.raises(WebError) as caught:
        read_query("POST", {}, "application/x-www-form-urlencoded", b"update=CLEAR%20ALL")
    assert caught.value.status == 403
    with pytest.raises(WebError) as caught:
        read_query("GET", {"query": ["ASK {}"], "default-graph-uri": ["not an iri"]}, "", b"")
    assert caught.value.status == 400
    assert read_query("GET", {"query": ["ASK {}"], "default-graph-uri": ["urn:g"]}, "", b"") == "ASK {}"
    with pytest.raises(WebError) as caught:
        read_query("GET", {}, "", b"")
    assert caught.value.status == 400
    assert read_query("POST", {}, "application/sparql-query; charset=utf-8", "ASK {}".encode()) == "ASK {}"


def _store() -> ox.Store:
    store = ox.Store()
    g = ox.NamedNode("urn:g")
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("甲, \"乙\"", language="zh"), g))
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:n"), ox.Literal("3", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")), g))
    return store


def test_web_serializers_round_trip_through_pyoxigraph():
    answer = run_sparql(_store(), "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o", max_rows=None,
                        time_limit=None)
    for media, fmt in (("application/sparql-results+json", ox.QueryResultsFormat.JSON),
                       ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
                       ("text/tab-separated-values", ox.QueryResultsFormat.TSV)):
        parsed = ox.parse_query_results(serialize(answer, media), format=fmt)
        assert [[s[0], s[1]] for s in parsed] == answer.rows, media
    text = serialize(answer, "text/csv").decode()
    assert text.startswith("s,o\r\n") and '"甲, ""乙"""' in text


def test_web_row_cap_and_kinds():
    answer = run_sparql(_store(), "SELECT * WHERE { ?s ?p ?o }", max_rows=1, time_limit=5)
    assert answer.truncated and len(answer.rows) == 1
    assert json.loads(serialize(answer, "application/sparql-results+json"))["policykg"]["truncated"]
    graph = run_sparql(_store(), "CONSTRUCT WHERE { ?s ?p ?o }", max_rows=None, time_limit=None)
    assert graph.kind == "graph" and len(graph.triples) == 2
    assert choose_media("graph", "application/sparql-results+json, text/turtle;q=0.5", None) == "text/turtle"
    assert choose_media("select", "*/*", "tsv") == "text/tab-separated-values"
    with pytest.raises(WebError) as caught:
        choose_media("ask", "text/csv", None)
    assert caught.value.status == 406
    with pytest.raises(WebError) as caught:
        run_sparql(_store(), "SELECT WHERE", max_rows=None, time_limit=5)
    assert caught.value.status == 400 and caught.value.__traceback__ is not None


def test_web_highlight_nests_and_escapes():
    text = "一、<b>措施</b>由市局负责,目标10件。"
    spans = [
        Span(0, 20, "measure", "urn:m", "urn:m", "<m>"),
        Span(2, 10, "citation", "urn:c", "urn:c", "c"),
        Span(5, 12, "target", "urn:t", "urn:t", "t"),       # overlaps the citation: dropped
        Span(17, 22, "agency", "urn:a&b", "urn:x", "a"),     # crosses the measure's end: cut
    ]
    html = str(highlight(text, spans))
    assert "<b>" not in html and "&lt;b&gt;" in html and 'title="&lt;m&gt;"' in html
    assert "hl-target" not in html
    assert html.count("<a ") == html.count("</a>") and html.count("<span") == html.count("</span>")
    assert "目标1</a></span>0件" in html  # the agency link is cut at the measure's end
    assert "urn%3Aa%26b" in html


def test_web_uri_to_iri_decodes_only_non_ascii_escapes():
    from urllib.parse import quote

    from policykg.viz.web.app import uri_to_iri

    iri = "agency/衡阳市/市场监管局%2F(知识产权局)%25"
    uri = quote(iri, safe="".join(map(chr, range(33, 127))))
    assert uri.isascii() and uri_to_iri(uri) == iri
    assert uri_to_iri("a%C3b%2E") == "a%C3b%2E"  # broken UTF-8 and ASCII escapes stay as sent
