"""An analysis graph that no longer describes the store's plans is said so (graph/analysis/freshness.py):
plans added, built again or removed after `policykg analyze`, on the API and in the CLI's query,
build and stats; an up-to-date one costs no stamp lookup on a local store."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import write_plans  # noqa: E402

from policykg.cli import app  # noqa: E402
from policykg.graph.analysis import freshness  # noqa: E402
from policykg.graph.analysis.analysis_graph import ANALYSIS_GRAPH, analyze  # noqa: E402
from policykg.graph.analysis.freshness import (ANALYSED_VERSION, AnalysisCoverage, analysis_coverage,  # noqa: E402
                                               reads_analysis_graph, stale_analysis)
from policykg.graph.build import build  # noqa: E402
from policykg.graph.plan_stamps import document_stamps  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.queries import load_query  # noqa: E402

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> tuple[Path, Path]:
    """Three plans analysed together, and a fourth kept apart to be added later."""
    folder = tmp_path_factory.mktemp("freshness")
    paths = write_plans(folder / "all", 4)
    (folder / "later").mkdir()
    later = folder / "later" / paths[-1].name
    paths[-1].rename(later)
    return folder / "all", folder / "later"


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, plans) -> Path:
    path = tmp_path_factory.mktemp("freshness-store") / "store"
    with Store.open(path, create=True) as store:
        assert build([plans[0]], store, workers=1).ok
        analyze(store, None)
    return path


@pytest.fixture
def store_path(analysed, tmp_path) -> Path:
    """A writable copy of the analysed store."""
    shutil.copytree(analysed, tmp_path / "store")
    return tmp_path / "store"


def test_analyze_records_the_stamp_of_every_plan_it_read(analysed):
    with Store.open(analysed) as store:
        recorded = {q.subject.value: q.object.value for q in store.raw.quads_for_pattern(
            None, ox.NamedNode(ANALYSED_VERSION), None, ANALYSIS_GRAPH)}
        assert recorded == document_stamps(store.raw)
        assert len(recorded) == 3
        coverage = analysis_coverage(store.raw)
    assert coverage is not None and coverage.up_to_date
    assert (coverage.analysed, coverage.current, coverage.added, coverage.changed, coverage.removed) == (3, 3, 0, 0, 0)
    assert coverage.message() is None


def test_an_up_to_date_local_store_is_vouched_for_by_its_tables(analysed, monkeypatch):
    def never(*_):
        raise AssertionError("read every plan's stamp although the analysis tables are current")

    monkeypatch.setattr(freshness, "document_stamps", never)
    with Store.open(analysed) as store:
        assert stale_analysis(store) is None


def test_a_plan_added_after_analyze_is_reported(store_path, plans, monkeypatch):
    with Store.open(store_path) as store:
        assert build([plans[1]], store, workers=1).ok
        coverage = analysis_coverage(store.raw)
        assert (coverage.analysed, coverage.current, coverage.added, coverage.changed, coverage.removed) == (3, 4, 1, 0, 0)
        message = stale_analysis(store)
    assert message is not None and "covers 3 of the store's 4 plans" in message
    assert "1 plan added" in message and "policykg analyze" in message


def test_a_plan_built_again_and_a_plan_removed_are_reported(store_path, plans, tmp_path):
    # the same file name with an edited text: another sha256, whatever the clock says (a stamp's
    # extraction time has one-second resolution, so an unchanged file built within the same
    # second as the analysed one would keep its stamp)
    first = sorted(plans[0].glob("*.txt"))[0]
    edited = tmp_path / "edited" / first.name
    edited.parent.mkdir()
    edited.write_text(first.read_text(encoding="utf-8") + "\n附件：无\n", encoding="utf-8")
    with Store.open(store_path) as store:
        graphs = sorted(document_stamps(store.raw))
        assert build([edited], store, workers=1).ok  # built again
        store.remove_document(ox.NamedNode(graphs[-1]))
        coverage = analysis_coverage(store.raw)
    assert (coverage.analysed, coverage.current, coverage.added, coverage.changed, coverage.removed) == (3, 2, 0, 1, 1)
    message = coverage.message()
    assert "covers 1 of the store's 2 plans" in message
    assert "1 plan built again" in message and "1 plan removed" in message


def test_analyze_again_brings_it_up_to_date(store_path, plans):
    with Store.open(store_path) as store:
        assert build([plans[1]], store, workers=1).ok
        assert stale_analysis(store) is not None
        analyze(store, None)
        assert stale_analysis(store) is None
        assert analysis_coverage(store.raw).analysed == 4


def test_a_graph_from_before_the_stamps_is_reported_once_the_tables_are_gone(store_path):
    with Store.open(store_path) as store:
        store.raw.update(f"DELETE WHERE {{ GRAPH {ANALYSIS_GRAPH} {{ ?g <{ANALYSED_VERSION}> ?v }} }}")
        assert stale_analysis(store) is None  # its tables still vouch for it
        store.remove_document(ox.NamedNode(sorted(document_stamps(store.raw))[0]))  # drops the tables
        message = stale_analysis(store)
    assert message is not None and "does not record which plans it read" in message


def test_a_store_without_analysis_has_nothing_to_report(tmp_path, plans):
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([plans[0]], store, workers=1).ok
        assert analysis_coverage(store.raw) is None
        assert stale_analysis(store) is None


def test_which_queries_read_the_analysis_graph():
    for name in ("measure_reuse", "instrument_mix", "pmc_features", "plan_similarity"):
        assert reads_analysis_graph(load_query(name).sparql), name
    for name in ("plans", "responsibilities", "measures", "framework_reuse"):
        assert not reads_analysis_graph(load_query(name).sparql), name
    assert reads_analysis_graph("PREFIX id: <https://w3id.org/policykg/id/>\n"
                                "SELECT * WHERE { GRAPH id:graph/analysis { ?s ?p ?o } }")
    assert not reads_analysis_graph("# see graph/analysis/metrics.py\nSELECT * WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("coverage, expected", [
    (AnalysisCoverage("t", True, 5, 5), None),
    (AnalysisCoverage("t", True, 5, 7, added=2), "covers 5 of the store's 7 plans as they are now (2 plans added since)"),
    (AnalysisCoverage("", True, 5, 4, removed=1), "(policykg analyze, time not recorded) covers 4 of the store's 4 plans"),
    (AnalysisCoverage("t", False), "does not record which plans it read"),
])
def test_the_message_names_what_changed_and_the_command(coverage, expected):
    message = coverage.message()
    if expected is None:
        assert message is None
    else:
        assert expected in message and "run `policykg analyze`" in message


def test_the_cli_says_so_where_a_stale_analysis_would_mislead(store_path, plans):
    built = invoke("build", "--store", store_path, plans[1])
    assert built.exit_code == 0, built.stderr
    assert "1 plan added" in built.stderr
    for name in ("measure_reuse", "instrument_mix"):
        for fmt in ("csv", "json"):
            result = invoke("query", name, "--store", store_path, "--format", fmt)
            assert result.exit_code == 0, result.stderr
            assert "warning: the analysis graph" in result.stderr and "1 plan added" in result.stderr
    plain = invoke("query", "plans", "--store", store_path, "--format", "csv")
    assert plain.exit_code == 0 and "analysis graph" not in plain.stderr
    stats = invoke("stats", "--store", store_path, "--json")
    assert stats.exit_code == 0 and "1 plan added" in stats.stderr
    assert invoke("analyze", "--store", store_path).exit_code == 0
    again = invoke("query", "measure_reuse", "--store", store_path, "--format", "csv")
    assert again.exit_code == 0 and "analysis graph" not in again.stderr


def test_the_web_page_of_an_analysis_query_says_so(store_path, plans):
    import warnings

    from policykg.viz.web.app import create_app

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2")
        from starlette.testclient import TestClient
    with Store.open(store_path) as store:
        client = TestClient(create_app(None, store=store, workers=0))
        assert "data-stale-analysis" not in client.get("/queries/measure_reuse").text
        assert build([plans[1]], store, workers=1).ok
        page = client.get("/queries/measure_reuse?lang=en")
        assert page.status_code == 200 and "data-stale-analysis" in page.text
        assert "covers 3 of the store&#39;s 4 plans as they are now (1 added, 0 built again, 0 removed since)" in page.text
        assert "分析图" in client.get("/queries/instrument_mix?lang=zh").text
        assert "data-stale-analysis" not in client.get("/queries/plans").text


def test_the_python_api_warns_and_reports_the_coverage(store_path, plans):
    import warnings

    from policykg import api
    from policykg.graph.analysis.freshness import StaleAnalysisWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", StaleAnalysisWarning)
        api.query(store_path, "measure_reuse")  # up to date: no warning
        assert api.analysis_coverage(store_path).up_to_date
    with Store.open(store_path) as store:
        assert build([plans[1]], store, workers=1).ok
    with pytest.warns(StaleAnalysisWarning, match="1 plan added"):
        api.query(store_path, "instrument_mix")
    with pytest.warns(StaleAnalysisWarning, match="1 plan added"):
        list(api.iter_rows(store_path, "measure_reuse"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", StaleAnalysisWarning)
        api.query(store_path, "plans")
    assert api.analysis_coverage(store_path).added == 1
