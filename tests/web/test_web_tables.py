"""Every table sorts, filters, facets and pages from its URL (viz/web/tables.py), downloads hold
every row of the view or say inside the file that a cap cut them, JSON numbers are numbers, the
home page shows the store at a glance, the plans table facets, and no saved query offers an
empty Turtle download."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import HOSTILE_SOURCE, SCRIPT  # noqa: E402

from policykg.graph.store import Store  # noqa: E402
from policykg.queries import list_queries  # noqa: E402
from policykg.viz.web.app import create_app  # noqa: E402
from policykg.viz.web.tables import (NumberText, TableRequest, render_download, sort_rows,  # noqa: E402
                                     table_view, view_rows)

XSD = "http://www.w3.org/2001/XMLSchema#"
COLUMNS = ["name", "city", "n"]
ROWS = [["甲", "衡阳市", NumberText("10", 10)], ["乙", "杭州市", NumberText("9", 9)],
        ["丙", "衡阳市", NumberText("100", 100)], ["丁", None, None]]


@pytest.fixture(scope="module")
def capped(seed_web_store):
    """The app with --max-rows 3: downloads past it must say they were cut."""
    return TestClient(create_app(None, store=seed_web_store, workers=0, max_rows=3))


# -- the table layer --------------------------------------------------------------------------------


@pytest.mark.parametrize("values,descending,expected", [
    ([NumberText("10", 10), NumberText("9", 9), NumberText("100", 100)], False, ["9", "10", "100"]),
    ([NumberText("10", 10), NumberText("9", 9), NumberText("100", 100)], True, ["100", "10", "9"]),
    (["10", "9", "100", None], False, ["9", "10", "100", None]),   # plain numeric text: numbers
    (["10", "9", "x"], False, ["10", "9", "x"]),                  # mixed text: by string
    (["衡阳市", "杭州市", "朝阳市", ""], False, ["朝阳市", "杭州市", "衡阳市", ""]),
    ([None, "b", "a"], True, ["b", "a", None]),                   # empty last either way
])
def test_web_tables_sort_numbers_as_numbers_text_by_string(values, descending, expected):
    rows = [[v] for v in values]
    assert [row[0] for row in sort_rows(rows, 0, descending)] == expected


def test_web_tables_sort_typed_terms():
    rows = [[ox.Literal("10", datatype=ox.NamedNode(XSD + "integer"))],
            [ox.Literal("9.5", datatype=ox.NamedNode(XSD + "decimal"))],
            [ox.NamedNode("https://example.org/a")]]
    assert [r[0].value for r in sort_rows(rows, 0, False)] == ["9.5", "10", "https://example.org/a"]


@pytest.mark.parametrize("items,expected_names", [
    ([("city", "衡阳市")], ["甲", "丙"]),
    ([("_search", "杭州")], ["乙"]),
    ([("_sort_desc", "n")], ["丙", "甲", "乙", "丁"]),
    ([("city", "衡阳市"), ("_sort", "n")], ["甲", "丙"]),
    ([("city", "")], ["甲", "乙", "丙", "丁"]),            # an empty value is no filter
    ([("bogus", "x")], ["甲", "乙", "丙", "丁"]),           # not a column: left to the caller
])
def test_web_tables_filters_search_and_sort(items, expected_names):
    request = TableRequest.from_params(items, COLUMNS)
    assert [row[0] for row in view_rows(COLUMNS, ROWS, request)] == expected_names


def test_web_tables_reserved_column_is_not_a_filter():
    request = TableRequest.from_params([("city", "衡阳市")], COLUMNS, reserved=["city"])
    assert request.filters == ()


def test_web_tables_page_links_and_counts():
    table = table_view(COLUMNS, ROWS, [("q", "x"), ("_size", "3"), ("_page", "2")], path="/t",
                       facets=["city"], downloads={"csv": "/t.csv"})
    assert (table.total, table.first, table.last, table.page, table.pages) == (4, 4, 4, 2, 2)
    assert [row[0] for row in table.rows] == ["丁"]
    assert table.previous_url == "/t?q=x&_size=3&_page=1" and table.next_url is None
    # the download keeps the view's parameters but not the page
    assert table.downloads == {"csv": "/t.csv?q=x"}
    city = table.facets[0]
    assert [(v.value, v.count) for v in city.values] == [("衡阳市", 2), ("杭州市", 1)]
    assert city.values[0].url == "/t?q=x&_size=3&city=%E8%A1%A1%E9%98%B3%E5%B8%82"
    sort_n = next(link for link in table.sort_links if link.column == "n")
    assert sort_n.url == "/t?q=x&_size=3&_sort=n" and sort_n.state == ""
    sorted_table = table_view(COLUMNS, ROWS, [("_sort", "n")], path="/t")
    assert next(s for s in sorted_table.sort_links if s.column == "n").url == "/t?_sort_desc=n"


def test_web_tables_page_past_the_end_shows_the_last_page():
    table = table_view(COLUMNS, ROWS, [("_size", "2"), ("_page", "99")], path="/t")
    assert table.page == 2 and [r[0] for r in table.rows] == ["丙", "丁"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_web_tables_download_says_inside_when_cut(fmt):
    data, truncated = render_download(fmt, COLUMNS, ROWS, max_rows=2)
    text = data.decode("utf-8")
    assert truncated
    if fmt == "json":
        body = json.loads(text)
        assert body["truncated"] is True and body["rows_total"] == 4 and len(body["rows"]) == 2
    else:
        assert text.splitlines()[-1].startswith("# truncated: 2 of 4 rows")


def test_web_tables_download_uncut_json_has_numbers():
    data, truncated = render_download("json", COLUMNS, ROWS, max_rows=None)
    body = json.loads(data)
    assert not truncated and isinstance(body, list) and len(body) == 4
    assert body[0] == {"name": "甲", "city": "衡阳市", "n": 10} and body[3]["n"] is None
    csv_text, _ = render_download("csv", COLUMNS, ROWS, max_rows=10)
    assert csv_text.decode().splitlines()[1] == "甲,衡阳市,10"


# -- saved queries ------------------------------------------------------------------------------


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def test_web_tables_download_holds_more_rows_than_the_page(seed_client, seed_web_store):
    total = len(seed_web_store.run_query(list_by_name("measures")).rows)
    assert total > 50
    page = seed_client.get("/queries/measures?_size=5")
    assert page.status_code == 200
    assert page.text.count("<tr>") == 5 + 1  # five rows and the header
    assert f'data-total="{total}"' in page.text
    for path in ("/queries/measures.csv?_size=5&_page=2", "/queries/measures.csv"):
        assert len(_csv_rows(seed_client.get(path).content)) == total + 1
    rows = seed_client.get("/queries/measures.json?_size=5").json()
    assert isinstance(rows, list) and len(rows) == total


def test_web_tables_saved_query_view_is_what_downloads(seed_client):
    page = seed_client.get("/queries/responsibilities?" + urlencode({"city": "衡阳市", "_sort_desc": "agency",
                                                                     "role": "lead", "_size": "3"}))
    assert page.status_code == 200
    link = "/queries/responsibilities.csv?city=%E8%A1%A1%E9%98%B3%E5%B8%82&amp;_sort_desc=agency&amp;role=lead"
    assert link in page.text
    table = _csv_rows(seed_client.get(link.replace("&amp;", "&")).content)
    header, body = table[0], table[1:]
    assert body and {row[header.index("role")] for row in body} == {"lead"}
    agencies = [row[header.index("agency")] for row in body]
    assert agencies == sorted(agencies, reverse=True)


def test_web_tables_unknown_parameter_still_refused(seed_client):
    response = seed_client.get("/queries/measures?bogus=1")
    assert response.status_code == 400 and "bogus" in response.text
    assert seed_client.get("/plans/?bogus=1").status_code == 400


def test_web_tables_capped_downloads_say_so(capped, seed_web_store):
    total = len(seed_web_store.run_query(list_by_name("measures")).rows)
    response = capped.get("/queries/measures.csv")
    assert response.headers["x-policykg-truncated"] == "true"
    lines = response.text.splitlines()
    assert len(lines) == 1 + 3 + 1 and lines[-1].startswith(f"# truncated: 3 of {total} rows")
    body = capped.get("/queries/measures.json").json()
    assert body["truncated"] is True and body["rows_total"] == total and len(body["rows"]) == 3
    page = capped.get("/queries/measures?lang=en")
    assert 'data-truncated="true"' in page.text and "--max-rows" in page.text
    # the page itself pages through every row, not only the first three
    assert f'data-total="{total}"' in page.text


def test_web_tables_json_numbers_are_numbers(seed_client):
    rows = seed_client.get("/queries/targets.json").json()
    assert any(isinstance(row["value"], (int, float)) for row in rows)
    assert all(row["value"] is None or isinstance(row["value"], (int, float)) for row in rows)
    # CSV keeps the CLI's text
    assert seed_client.get("/queries/targets.csv").text.splitlines()[0].startswith("source,indicator")


def list_by_name(name: str):
    return next(q for q in list_queries() if q.name == name)


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_web_tables_turtle_offered_only_where_not_empty(seed_client, name):
    page = seed_client.get(f"/queries/{name}")
    assert page.status_code == 200, page.text[:500]
    response = seed_client.get(f"/queries/{name}.ttl")
    if 'id="download-ttl"' in page.text:
        assert response.status_code == 200
        assert len(list(ox.parse(response.content, ox.RdfFormat.TURTLE))) > 0
    else:
        assert response.status_code == 404 and "no IRI" in response.text


# -- plans and home -------------------------------------------------------------------------------


def test_web_tables_plans_table_facets_sorts_pages(seed_client):
    page = seed_client.get("/plans/?" + urlencode({"level": "city", "_sort_desc": "measures", "_size": "2",
                                                   "lang": "en"}))
    assert page.status_code == 200
    assert "rows 1–2 of 4" in page.text and "(filtered from 6)" in page.text
    for facet in ("province", "level", "year", "city"):
        assert f'data-facet="{facet}"' in page.text
    rows = seed_client.get("/plans/.json?" + urlencode({"level": "city", "_sort_desc": "measures"})).json()
    assert len(rows) == 4 and {row["level"] for row in rows} == {"city"}
    measures = [row["measures"] for row in rows]
    assert all(isinstance(n, int) for n in measures) and measures == sorted(measures, reverse=True)
    csv_rows = _csv_rows(seed_client.get("/plans/.csv?level=city").content)
    assert len(csv_rows) == 5 and csv_rows[0][:5] == ["title", "jurisdiction", "province", "level", "year"]


def test_web_tables_plans_titles_link_to_plan_pages_and_escape(seed_client):
    page = seed_client.get("/plans/?lang=zh").text
    assert f'href="/plans/{HOSTILE_SOURCE}"' in page
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert "第 1–6 行，共 6 行" in page  # Chinese by default


def test_web_tables_home_shows_the_store_at_a_glance(seed_client, seed_web_store):
    page = seed_client.get("/?lang=en").text
    assert 'data-kind="plans" data-count="6"' in page
    measures = seed_web_store.query("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { GRAPH ?g { ?m a "
                                    "<https://w3id.org/policykg/ns#Measure> } }").rows[0][0]
    assert f'data-kind="measures" data-count="{measures}"' in page
    assert 'href="/plans/?province=%E6%B9%96%E5%8D%97%E7%9C%81"' in page
    assert 'id="query-form"' in page  # the editor stays on /
    ran = seed_client.get("/?" + urlencode({"query": "SELECT ?s WHERE { ?s a <https://w3id.org/policykg/ns#Plan> }",
                                            "_size": "4", "lang": "en"}))
    assert ran.status_code == 200 and "rows 1–4 of 6" in ran.text
    assert 'id="overview"' not in ran.text


def test_web_tables_plans_empty_store():
    empty = TestClient(create_app(None, store=Store.in_memory(), workers=0))
    assert empty.get("/plans/").status_code == 200
    assert empty.get("/plans/.json").json() == []
    assert empty.get("/").status_code == 200


def test_web_tables_editor_query_parameter_is_never_a_column_filter(seed_client):
    sparql = 'SELECT ?query WHERE { VALUES ?query { "a" "b" } }'
    page = seed_client.get("/?" + urlencode({"query": sparql, "lang": "en"}))
    assert page.status_code == 200 and "rows 1–2 of 2" in page.text
