"""Search and pickers in the web app (viz/web/search.py), in-process over the seed store plus the
hostile plan: a measure found by a phrase of its body links to its span on the plan page, a
2-character query works, hostile text in snippets stays text, a store without an index says how to
build one, /suggest offers 衡阳市 for 衡阳 and the query page offers it for a near miss."""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urlsplit

import pytest
from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import HOSTILE_SOURCE, SCRIPT, seed_store  # noqa: E402

from policykg.graph.search_index import rebuild, search_index_path  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.viz.web.app import create_app  # noqa: E402


def indexed_seed_store() -> Path:
    """The shared seed store with its index rebuilt (the hostile plan is written after the build)."""
    path = seed_store()
    with Store.open(path, read_only=True) as store:
        rebuild(store)
    return path


@pytest.fixture(scope="module")
def store_path() -> Path:
    return indexed_seed_store()


@pytest.fixture(scope="module")
def client(store_path) -> TestClient:
    return TestClient(create_app(store_path, workers=0))


def _measure_with_body_phrase(store_path: Path) -> tuple[str, str, str]:
    """(source, measure IRI, a phrase from the middle of its body that its title does not hold)."""
    with sqlite3.connect(search_index_path(store_path)) as conn:
        rows = conn.execute("SELECT source, iri, title, body FROM entries WHERE kind = 'measure' "
                            "AND source != ? AND length(body) > 60 ORDER BY id", (HOSTILE_SOURCE,)).fetchall()
    for source, iri, title, body in rows:
        phrase = body[30:38]
        if phrase not in title and "\n" not in phrase and " " not in phrase:
            return source, iri, phrase
    raise AssertionError("no seed measure with a long body")


def test_web_search_finds_measure_by_body_phrase_and_links_to_it(client, store_path):
    source, iri, phrase = _measure_with_body_phrase(store_path)
    response = client.get("/search?" + urlencode({"q": phrase, "kind": "measure"}))
    assert response.status_code == 200
    data = client.get("/search.json?" + urlencode({"q": phrase, "kind": "measure"})).json()
    hit = next(h for h in data["hits"] if h["iri"] == iri)
    anchor = "measure-" + iri.rsplit("/measure/", 1)[1]
    assert unquote(hit["url"]) == f"/plans/{source}#{anchor}"
    assert hit["url"] in response.text.replace("&amp;", "&")
    assert f"<mark>{phrase}</mark>" in hit["snippet_html"]
    plan_page = client.get(urlsplit(hit["url"]).path)
    assert plan_page.status_code == 200
    assert f'id="{anchor}"' in plan_page.text


@pytest.mark.parametrize("query", ["专利", "商标"])
def test_web_search_two_character_query(client, query):
    response = client.get("/search?" + urlencode({"q": query, "lang": "en"}))
    assert response.status_code == 200
    assert 'id="search-results"' in response.text
    assert f"<mark>{query}</mark>" in response.text
    assert "Words under three characters" in response.text
    data = client.get("/search.json?" + urlencode({"q": query})).json()
    assert data["total"] > 0 and data["like_terms"] == [query]


def test_web_search_escapes_hostile_text_in_snippets(client):
    for query in ("alert(1)", "script>"):
        response = client.get("/search?" + urlencode({"q": query}))
        assert response.status_code == 200
        assert SCRIPT not in response.text and "<script>alert" not in response.text
        assert "&lt;script&gt;" in response.text and "<mark>" in response.text
        data = client.get("/search.json?" + urlencode({"q": query})).json()
        assert any(h["source"] == HOSTILE_SOURCE for h in data["hits"])
        assert all("<script>" not in h["snippet_html"] for h in data["hits"])


def test_web_search_kind_facets_and_bad_kind(client):
    data = client.get("/search.json?" + urlencode({"q": "知识产权", "kind": "agency"})).json()
    assert data["hits"] and {h["kind"] for h in data["hits"]} == {"agency"}
    assert set(data["counts"]) >= {"measure", "plan", "agency"}
    response = client.get("/search.json?q=x&kind=everything")
    assert response.status_code == 400 and response.json()["ok"] is False


def test_web_search_without_index_says_how_to_build_it(tmp_path):
    Store.open(tmp_path / "store", create=True).close()
    local = TestClient(create_app(tmp_path / "store", workers=0))
    response = local.get("/search?" + urlencode({"q": "专利", "lang": "en"}))
    assert response.status_code == 503
    assert "policykg build" in response.text and "policykg search --reindex" in response.text
    assert "Traceback" not in response.text
    as_json = local.get("/search.json?q=专利")
    assert as_json.status_code == 503 and "policykg build" in as_json.json()["error"]


def test_web_nav_has_search_box(client):
    page = client.get("/plans/").text
    assert 'action="/search"' in page and 'id="nav-search"' in page


def test_web_suggest_offers_store_names(client):
    data = client.get("/suggest?" + urlencode({"field": "city", "q": "衡阳"})).json()
    assert data["values"][0] == "衡阳市"
    assert "银川市" not in data["values"]
    everything = client.get("/suggest?field=agency&q=").json()["values"]
    assert len(everything) > 5
    assert client.get("/suggest?field=password&q=x").status_code == 400


@pytest.mark.parametrize("query", ["measures", "responsibilities"])
def test_web_near_miss_offers_nearest_names(client, query):
    response = client.get(f"/queries/{query}?" + urlencode({"city": "衡阳", "lang": "en"}))
    assert response.status_code == 200
    assert 'id="near-miss-city"' in response.text
    assert f'href="/queries/{query}?city={quote("衡阳市")}"' in response.text
    assert 'list="picker-city"' in response.text and 'data-suggest="city"' in response.text
    exact = client.get(f"/queries/{query}?" + urlencode({"city": "衡阳市"}))
    assert 'id="near-miss-city"' not in exact.text


def test_web_near_miss_value_is_escaped(client):
    response = client.get("/queries/measures?" + urlencode({"city": SCRIPT}))
    assert SCRIPT not in response.text
    assert 'id="near-miss-city"' in response.text


def test_web_search_json_is_the_page_data(client):
    body = client.get("/search.json?" + urlencode({"q": "知识产权质押"})).content
    data = json.loads(body)
    assert data["ok"] and data["query"] == "知识产权质押"
    assert all(h["url"].startswith(("/plans/", "/entity?")) for h in data["hits"])


def test_web_search_says_when_the_index_is_behind_the_store(tmp_path):
    """A plan written after the index (here straight into the store) is named on the page, with
    the command that catches the index up; hits from the index are still shown."""
    from fixtures import PlanSpec, plan_text

    from policykg.extract import extract_text
    from policykg.graph.rdf import result_to_quads

    folder = tmp_path / "store"
    with Store.open(folder, create=True) as store:
        for source, city in (("p1.txt", "临江市"), ("p2.txt", "青山市")):
            graph, quads = result_to_quads(extract_text(plan_text(PlanSpec(city=city)), source=source))
            store.replace_document(graph, quads)
            if source == "p1.txt":
                rebuild(store)
    local = TestClient(create_app(folder, workers=0))
    page = local.get("/search?" + urlencode({"q": "质押融资", "lang": "en"}))
    assert page.status_code == 200 and 'id="search-results"' in page.text
    assert 'id="search-behind"' in page.text and "policykg search --reindex" in page.text


NAMES = sorted(["临江市", "临江县", "青山市", "白沙市", "临江市市场监管局", "东海省"], key=lambda v: (len(v), v))


@pytest.mark.parametrize("typed, first", [
    ("临江", "临江县"),                 # prefix first, shortest first
    ("江市", "临江市"),                 # containment
    ("临江市人民政府", "临江市"),       # the value contains a known name
    ("青山巿", "青山市"),               # one character off: difflib
])
def test_web_nearest_names(typed, first):
    from policykg.viz.web.search import nearest

    found = nearest(typed, NAMES, 5)
    assert found[0] == first and len(found) == len(set(found)) <= 5


def test_web_nearest_names_is_bounded_on_many_names():
    import time

    from policykg.viz.web.search import nearest

    many = sorted([f"某某{i}局" for i in range(50_000)] + NAMES, key=lambda v: (len(v), v))
    started = time.monotonic()
    assert nearest("某", many, 20)[0] == "某某0局"
    assert nearest("临江", many, 5)[:2] == ["临江县", "临江市"]
    assert time.monotonic() - started < 5


def test_web_picker_datalist_is_in_the_page_when_small(client):
    """Few names (the seed store's cities): the datalist carries them all, escaped, without JS."""
    page = client.get("/queries/measures").text
    datalist = page[page.index('<datalist id="picker-city">'):]
    datalist = datalist[:datalist.index("</datalist>")]
    assert '<option value="衡阳市">' in datalist and '<option value="银川市">' in datalist


def test_web_plan_text_hit_links_to_the_words_found(client):
    data = client.get("/search.json?" + urlencode({"q": "知识产权保护", "kind": "plan"})).json()
    assert data["hits"]
    for hit in data["hits"]:
        path, _, fragment = hit["url"].partition("#")
        assert path == "/plans/" + quote(hit["source"], safe="")
        assert unquote(fragment) == ":~:text=知识产权保护"
