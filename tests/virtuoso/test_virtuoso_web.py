"""`policykg serve --endpoint` over Virtuoso: the home page, a saved query (its page and its CSV,
byte for byte what the app serves from the local store), a plan page, an entity page and the
SPARQL endpoint, over HTTP from a real server process. And the other readers' `--endpoint`: query,
export and analyze give what they give from the store. The web app's whole browser suite runs over
Virtuoso too: tests/conftest.py's `backend` fixture runs each browser test on both stores."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from typer.testing import CliRunner

from policykg.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from web_helpers import fetch, running_server  # noqa: E402

SOURCE = "003_ad288fc7cf756697.txt"
TITLE = "银川市国家知识产权强市建设试点城市工作方案"
PLAN_IRI = f"https://w3id.org/policykg/id/plan/{SOURCE}"


@pytest.fixture(scope="module")
def base(pushed: str):
    with running_server(None, "--endpoint", pushed, "--time-limit", "60") as url:
        yield url


@pytest.fixture(scope="module")
def local_app(seed_store: Path):
    from starlette.testclient import TestClient

    from policykg.viz.web import create_app

    with TestClient(create_app(seed_store, workers=0)) as client:
        yield client


def page(base: str, path: str) -> str:
    status, _headers, body = fetch(base + path)
    assert status == 200, (path, body[:300])
    return body.decode("utf-8")


def test_home_lists_the_store(base: str):
    html = page(base, "/?lang=en")
    assert "policykg" in html and "SPARQL" in html


def test_saved_query_page_and_csv_match_the_local_store(base: str, local_app):
    assert TITLE in page(base, "/queries/plans?lang=en")
    for path in ("/queries/plans.csv", "/queries/measures.csv?" + urlencode({"city": "银川市"}),
                 "/queries/responsibilities.csv"):
        status, _headers, body = fetch(base + path)
        assert status == 200, path
        assert body == local_app.get(path).content, path


def test_plan_page(base: str):
    html = page(base, "/plans/" + quote(SOURCE) + "?lang=en")
    assert TITLE in html
    assert "加强组织领导" in html  # a measure title from the plan's text


@pytest.mark.parametrize("source", [SOURCE, "000_8c7ba4464c8b6764.txt"])
def test_plan_page_is_the_local_store_page(base: str, local_app, source: str):
    """The whole plan page (text, highlights, legend, side panel) as the local store gives it,
    but for the nav bar's search box: there is no search index behind an endpoint."""
    path = "/plans/" + quote(source) + "?lang=en"
    remote = page(base, path)
    local = local_app.get(path).text
    without_search_box = re.compile(r'<form action="/search"[^>]*class="nav-search".*?</form>', re.S)
    assert without_search_box.search(local) and not without_search_box.search(remote)
    assert remote == without_search_box.sub("", local)


def test_entity_page(base: str):
    html = page(base, "/entity?" + urlencode({"iri": PLAN_IRI, "lang": "en"}))
    assert TITLE in html
    status, headers, body = fetch(base + "/entity.ttl?" + urlencode({"iri": PLAN_IRI}))
    assert status == 200 and TITLE in body.decode("utf-8")


def test_sparql_endpoint_answers_through_virtuoso(base: str):
    query = "PREFIX pk: <https://w3id.org/policykg/ns#> SELECT (COUNT(*) AS ?n) WHERE { ?p a pk:Plan }"
    status, _headers, body = fetch(base + "/sparql?" + urlencode({"query": query, "format": "json"}))
    assert status == 200 and b'"5"' in body


def test_query_cli_same_output_from_endpoint_and_store(pushed: str, seed_store: Path):
    runner = CliRunner()
    for args in (["plans"], ["measures", "-p", "city=银川市"], ["targets"]):
        local = runner.invoke(app, ["query", *args, "--store", str(seed_store), "--format", "csv"])
        remote = runner.invoke(app, ["query", *args, "--endpoint", pushed, "--format", "csv"])
        assert remote.exit_code == 0, remote.output
        assert remote.stdout == local.stdout


def test_store_and_endpoint_together_is_one_line_error(pushed: str, seed_store: Path):
    result = CliRunner().invoke(app, ["query", "plans", "--endpoint", pushed, "--store", str(seed_store)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: give --store DIR or --endpoint URL, not both"


def test_export_from_endpoint_equals_export_from_store(pushed: str, seed_store: Path, tmp_path: Path):
    runner = CliRunner()
    for where, out in ((["--store", str(seed_store)], tmp_path / "local.nq"),
                       (["--endpoint", pushed], tmp_path / "remote.nq")):
        result = runner.invoke(app, ["export", *where, "--plan", SOURCE, "--format", "nq", "--out", str(out)])
        assert result.exit_code == 0, result.output
    local = sorted((tmp_path / "local.nq").read_text(encoding="utf-8").splitlines())
    assert local and sorted((tmp_path / "remote.nq").read_text(encoding="utf-8").splitlines()) == local


def test_analyze_reads_the_endpoint(pushed: str, seed_store: Path, tmp_path: Path):
    result = CliRunner().invoke(app, ["analyze", "--endpoint", pushed, "--csv", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "analysis.nt").stat().st_size > 0
    assert (tmp_path / "pmc_features.csv").read_text(encoding="utf-8").count("\n") == 6  # header + 5 plans
