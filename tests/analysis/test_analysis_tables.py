"""The analysis tables (graph/summary.py ANALYSED): `policykg analyze` keeps the whole-corpus rows
of the queries that read its graph (instrument_mix, measure_reuse, pmc_features, plan_similarity)
as corpus tables, computed once by their SPARQL (issue #24: 17-37 CPU-s each at 1,000 plans).
They give exactly the SPARQL's rows, in its order, and a stale one is never read: a plan write,
an analysis write and a query edit (the fingerprint) each put the SPARQL back.

Store: the seeds and 20 generated plans (bench/generate_corpus.py), built and analysed."""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fixtures import query_scopes  # noqa: E402

from policykg.graph import summary  # noqa: E402
from policykg.graph.analysis import analysis_graph  # noqa: E402
from policykg.graph.analysis.analysis_graph import ANALYSIS_GRAPH, analyze, write_analysis  # noqa: E402
from policykg.graph.build import build  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.queries import iter_query, run_query  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ROOT / "data" / "frameworks"
GENERATED_PLANS = 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, corpus_generator):
    folder = tmp_path_factory.mktemp("analysis_tables") / "corpus"
    corpus_generator.generate(folder, GENERATED_PLANS, 20261123)
    for seed in (ROOT / "data" / "seeds").glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, corpus):
    """The corpus built and analysed once; tests that write copy it (`fresh`)."""
    path = tmp_path_factory.mktemp("analysed") / "store"
    with Store.open(path, create=True) as store:
        assert build([corpus], store, workers=1).ok
        report = analyze(store, FRAMEWORKS)
        assert report.analysis_tables == len(summary.ANALYSED)
    return path


@pytest.fixture
def fresh(analysed, tmp_path):
    """A writable copy of the analysed store."""
    import shutil

    shutil.copytree(analysed, tmp_path / "store")
    with Store.open(tmp_path / "store") as store:
        yield store


@pytest.fixture(scope="module")
def reader(analysed):
    store = ox.Store.read_only(str(analysed))
    yield store


def _full(raw, name, params=None):
    return run_query(raw, name, params, use_summary=False)[1]


def _tables(raw) -> dict[str, object]:
    return {name: summary.table_rows(raw, name) for name in summary.ANALYSED}


@pytest.mark.parametrize("name", summary.ANALYSED)
def test_the_table_gives_the_sparql_rows_in_its_order(reader, name):
    expected = _full(reader, name)
    assert expected, f"{name} has no rows: the comparison proves nothing"
    assert list(summary.table_rows(reader, name)) == expected
    columns, rows = iter_query(reader, name)
    assert list(rows) == expected and columns == run_query(reader, name, use_summary=False)[0]


@pytest.mark.parametrize("name", summary.ANALYSED)
def test_every_city_and_source_gives_the_sparql_rows(reader, name):
    scopes = query_scopes(reader)
    assert any(_full(reader, name, params) for params in scopes if params), name
    for params in scopes:
        assert run_query(reader, name, params)[1] == _full(reader, name, params), (name, params)


def test_tables_in_small_chunks(fresh, monkeypatch):
    raw = fresh.raw
    expected = {name: _full(raw, name) for name in summary.ANALYSED}
    monkeypatch.setattr(summary, "CORPUS_CHUNK_ROWS", 7)
    assert summary.write_analysis_tables(raw) == len(summary.ANALYSED)
    for name, rows in expected.items():
        count, _ = summary._table_head(raw, name)
        assert count == -(-len(rows) // 7) and count > 1, name
        assert run_query(raw, name)[1] == rows, name


def test_analyze_keeps_the_summarised_queries_tables(fresh):
    assert summary.corpus_tables_current(fresh.raw)
    assert summary.corpus_tables_current(fresh.raw, summary.ANALYSED)


@pytest.mark.parametrize("atomic_max", [None, 0], ids=["one transaction", "streamed"])
def test_an_analysis_write_removes_the_analysis_tables(fresh, atomic_max):
    """Writing the analysis graph (here its own quads again, without analyze's rewrite of the
    tables) leaves no analysis table, whichever way it is written, and the summarised queries'
    tables in place."""
    raw = fresh.raw
    seen = []

    def graph_quads():
        seen.append(all(rows is None for rows in _tables(raw).values()))  # before the graph changes
        yield from list(raw.quads_for_pattern(None, None, None, ANALYSIS_GRAPH))

    write_analysis(fresh, graph_quads(), atomic_max=atomic_max)
    assert seen == [False]  # the tables were there while the new graph was generated
    assert all(rows is None for rows in _tables(raw).values())
    assert summary.corpus_tables_current(raw)
    for name in summary.ANALYSED:
        assert run_query(raw, name)[1] == _full(raw, name)


def test_analyze_writes_new_tables_after_the_graph(fresh, monkeypatch):
    """A second analyze with other caps gives other rows; its tables are those rows."""
    raw = fresh.raw
    before = list(summary.table_rows(raw, "plan_similarity"))
    order = []
    real_write = analysis_graph.write_analysis_tables

    def recording(store):
        order.append(all(rows is None for rows in _tables(store).values()))
        return real_write(store)

    monkeypatch.setattr(analysis_graph, "write_analysis_tables", recording)
    settings = analysis_graph.MetricSettings(similar_plans=2)
    report = analyze(fresh, FRAMEWORKS, metric_settings=settings)
    assert order == [True] and report.analysis_tables == len(summary.ANALYSED)
    after = list(summary.table_rows(raw, "plan_similarity"))
    assert after != before and after == _full(raw, "plan_similarity")


@pytest.mark.parametrize("how", ["replaced plan", "removed plan", "build"])
def test_a_plan_write_removes_the_analysis_tables(fresh, corpus, how):
    raw = fresh.raw
    graph = ox.NamedNode(summary.document_graphs(raw)[0])
    if how == "replaced plan":
        fresh.replace_document(graph, list(raw.quads_for_pattern(None, None, None, graph)))
    elif how == "removed plan":
        fresh.remove_document(graph)
    else:
        folder = corpus.parent / "changed"
        folder.mkdir(exist_ok=True)
        seed = next((ROOT / "data" / "seeds").glob("*.txt"))
        text = seed.read_text(encoding="utf-8")
        (folder / seed.name).write_text(text[: len(text) // 2], encoding="utf-8")
        assert build([folder], fresh, workers=1).ok
    assert all(rows is None for rows in _tables(raw).values())
    for name in summary.ANALYSED:
        assert run_query(raw, name)[1] == _full(raw, name), name


def test_an_edited_query_is_not_read_from_its_table(fresh, monkeypatch):
    raw = fresh.raw
    real = summary.fingerprint
    monkeypatch.setattr(summary, "fingerprint",
                        lambda name: real(name) + "x" if name == "measure_reuse" else real(name))
    assert summary.table_rows(raw, "measure_reuse") is None
    assert summary.table_rows(raw, "instrument_mix") is not None
    assert run_query(raw, "measure_reuse")[1] == _full(raw, "measure_reuse")


def test_a_store_without_tables_runs_the_sparql(fresh):
    raw = fresh.raw
    summary.drop_analysis_tables(raw)
    assert all(rows is None for rows in _tables(raw).values())
    assert summary.corpus_tables_current(raw)  # the summarised queries' tables stay
    for name in summary.ANALYSED:
        assert run_query(raw, name)[1] == _full(raw, name)
