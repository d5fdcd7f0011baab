"""The full-text index beside the store (graph/search_index.py): built by `build`, found by a phrase
of a measure's body, by a 2-character term, kept in step when a plan is replaced or removed, and
its snippet markers cannot be forged by a document."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fixtures import PlanSpec, plan_text, temp_folder, write_plan  # noqa: E402

from policykg.graph.build import build  # noqa: E402
from policykg.graph.rdf import document_graph  # noqa: E402
from policykg.graph.search_index import (MARK_END, MARK_START, SearchIndexMissing,  # noqa: E402
                                         plans_out_of_step, refresh_after_build, remove_graphs, search,
                                         search_index_path)
from policykg.graph.store import Store  # noqa: E402

FIRST = PlanSpec(city="临江市", measures=[("推进商标品牌指导站建设", ["市市场监管局"]),
                                       ("开展海外维权援助服务", ["市商务局", "市司法局"])])
SECOND = PlanSpec(city="青山市", office="青政办发",
                  measures=[("建设专利导航服务基地", ["市科技局"]),
                            ("完善知识产权公共服务网点", ["市市场监管局"])])


def _build(folder: Path, *specs: tuple[str, PlanSpec]) -> Path:
    for name, spec in specs:
        write_plan(folder / "plans", name, spec)
    with Store.open(folder / "store", create=True) as store:
        report = build([folder / "plans"], store, workers=1)
    assert not report.failed, report.failed
    return folder / "store"


@pytest.fixture(scope="module")
def store_path() -> Path:
    return _build(temp_folder("policykg-search-"), ("a.txt", FIRST), ("b.txt", SECOND))


def _plain(text: str) -> str:
    return text.replace(MARK_START, "[").replace(MARK_END, "]")


def test_search_index_is_built_beside_the_store(store_path):
    assert search_index_path(store_path) == store_path.parent / "store.search.sqlite"
    assert search_index_path(store_path).is_file()


@pytest.mark.parametrize("phrase, number, source", [
    ("海外维权援助", "2", "a.txt"),      # a phrase inside the title and body
    ("专利导航服务", "1", "b.txt"),
])
def test_search_finds_measure_by_phrase_in_its_body(store_path, phrase, number, source):
    results = search(search_index_path(store_path), phrase, kind="measure")
    assert results.hits, phrase
    hit = results.hits[0]
    assert (hit.kind, hit.number, hit.source) == ("measure", number, source)
    assert "/measure/" in hit.measure and hit.measure == hit.iri
    assert f"[{phrase}]" in _plain(hit.snippet)


def test_search_phrase_only_in_the_body_not_the_title(store_path):
    # the fixture body sentence every measure carries; the title does not hold it
    results = search(search_index_path(store_path), "建立健全工作机制", kind="measure")
    assert {hit.source for hit in results.hits} == {"a.txt", "b.txt"}
    assert all("[建立健全工作机制]" in _plain(hit.snippet) for hit in results.hits)


@pytest.mark.parametrize("query, expected_source", [("商标", "a.txt"), ("导航", "b.txt")])
def test_search_two_character_query_falls_back_to_like(store_path, query, expected_source):
    results = search(search_index_path(store_path), query, kind="measure")
    assert results.short_terms == [query]
    assert [hit.source for hit in results.hits] == [expected_source]
    assert f"[{query}]" in _plain(results.hits[0].snippet)


def test_search_mixes_long_and_short_terms(store_path):
    results = search(search_index_path(store_path), "服务 援助", kind="measure")
    assert [hit.number for hit in results.hits] == ["2"]


def test_search_counts_every_kind_and_filters_by_kind(store_path):
    path = search_index_path(store_path)
    everything = search(path, "市科技局")
    assert everything.counts.get("agency") == 1 and everything.counts.get("measure") == 1
    only = search(path, "市科技局", kind="agency")
    assert {hit.kind for hit in only.hits} == {"agency"}


def test_search_without_index_says_how_to_build_it(tmp_path):
    with pytest.raises(SearchIndexMissing, match=r"policykg build.*policykg search --reindex"):
        search(tmp_path / "store.search.sqlite", "专利")


def test_search_index_follows_a_replaced_and_a_removed_plan():
    folder = temp_folder("policykg-search-sync-")
    store_path = _build(folder, ("a.txt", FIRST), ("b.txt", SECOND))
    path = search_index_path(store_path)
    assert search(path, "海外维权援助").hits
    # replace a.txt by a new version: its old phrase goes, its new one comes, b.txt stays
    replaced = PlanSpec(city="临江市", measures=[("培育地理标志运用促进工程", ["市农业农村局"])])
    write_plan(folder / "plans", "a.txt", replaced)
    with Store.open(store_path) as store:
        build([folder / "plans" / "a.txt"], store, workers=1)
    assert not search(path, "海外维权援助").hits
    assert [h.source for h in search(path, "地理标志运用", kind="measure").hits] == ["a.txt"]
    assert [h.source for h in search(path, "专利导航服务", kind="measure").hits] == ["b.txt"]
    # remove b.txt from the store: the next refresh drops its rows
    with Store.open(store_path) as store:
        store.remove_document(document_graph("b.txt"))
        refresh_after_build(store, [])
    assert not search(path, "专利导航服务").hits
    assert search(path, "地理标志运用").hits
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM entries WHERE source = 'b.txt'").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM plans").fetchone() == (1,)
    remove_graphs([document_graph("a.txt").value], path)
    assert not search(path, "地理标志运用").hits


def test_search_markers_cannot_be_forged_by_a_document():
    folder = temp_folder("policykg-search-forge-")
    forged = PlanSpec(city="临江市", measures=[(f"加强{MARK_START}<b>伪造</b>{MARK_END}标记检查", ["市市场监管局"])])
    store_path = _build(folder, ("f.txt", forged))
    results = search(search_index_path(store_path), "标记检查", kind="measure")
    assert results.hits
    snippet = _plain(results.hits[0].snippet)
    assert "[标记检查]" in snippet and "<b>伪造</b>" in snippet  # raw text: the page escapes it
    assert snippet.count("[") == 1


def test_search_index_catches_up_with_a_plan_replaced_outside_a_build():
    """A plan written straight into the store (or by a build that was killed before the index was
    updated) is reindexed at the next refresh: its graph's sha256 and extraction time changed."""
    from datetime import datetime, timezone

    from policykg.extract import extract_text
    from policykg.graph.rdf import result_to_quads

    folder = temp_folder("policykg-search-stamp-")
    store_path = _build(folder, ("a.txt", FIRST), ("b.txt", SECOND))
    path = search_index_path(store_path)
    other = PlanSpec(city="青山市", office="青政办发", measures=[("推广数据知识产权登记试点", ["市数据局"]),
                                                            ("建立维权快速响应机制", ["市司法局"])])
    result = extract_text(plan_text(other), source="b.txt")
    graph, quads = result_to_quads(result, now=datetime(2031, 1, 2, tzinfo=timezone.utc))
    with Store.open(store_path) as store:
        store.replace_document(graph, quads)
        assert not search(path, "数据知识产权登记").hits  # not yet: nobody told the index
        assert plans_out_of_step(store) == 1
        assert refresh_after_build(store) == 1          # only b.txt changed
        assert plans_out_of_step(store) == 0
    assert [h.source for h in search(path, "数据知识产权登记", kind="measure").hits] == ["b.txt"]
    assert not search(path, "专利导航服务").hits
    assert search(path, "海外维权援助").hits


def test_search_cli_prints_hits_and_reindexes(store_path, tmp_path):
    import json

    from typer.testing import CliRunner

    from policykg.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["search", "海外维权援助", "--store", str(store_path), "--kind", "measure",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["kind"], r["source"], r["number"]) for r in rows] == [("measure", "a.txt", "2")]
    assert MARK_START not in result.stdout
    short = runner.invoke(app, ["search", "商标", "--store", str(store_path), "--format", "csv"])
    assert short.exit_code == 0 and "a.txt" in short.stdout
    empty = tmp_path / "store"
    Store.open(empty, create=True).close()
    missing = runner.invoke(app, ["search", "专利", "--store", str(empty)])
    assert missing.exit_code == 1 and "policykg search --reindex" in missing.output
    assert "Traceback" not in missing.output
    reindexed = runner.invoke(app, ["search", "--reindex", "--store", str(empty)])
    assert reindexed.exit_code == 0 and search_index_path(empty).is_file()


@pytest.mark.parametrize("before, phrase, after", [
    ("甲" * 5, "知识产权保护中心", "乙" * 200),      # near the start
    ("甲" * 300, "知识产权保护中心", "乙" * 5),      # near the end
    ("甲" * 100, "长" * 120, "乙" * 100),            # a marked span longer than the window
])
def test_search_snippet_window_never_cuts_a_marked_span(before, phrase, after):
    from policykg.graph.search_index import _window

    snippet = _window(before + MARK_START + phrase + MARK_END + after)
    assert MARK_START + phrase + MARK_END in snippet
    assert snippet.count(MARK_START) == snippet.count(MARK_END) == 1
    assert len(snippet) < len(before) + len(phrase) + len(after)
