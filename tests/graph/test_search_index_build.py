"""The search index written from the rows the build's workers send (graph/search_index.py
`BuildIndexer`, graph/build.py; issue #24): the same index as one rebuilt from the store, row for
row, with the same search results, in both writer modes; the same rows as the store's own literals
gave before (the SPARQL the index used to run, kept here as the reference); a plan the store
refuses leaves no rows, a document without rows is read from the store, the writer never holds
rows, and a build that stops leaves the old index as it was."""
from __future__ import annotations

import shutil
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fixtures import PlanSpec, write_plan  # noqa: E402

from policykg.graph import build as build_module  # noqa: E402
from policykg.graph import search_index, writer  # noqa: E402
from policykg.graph.build import build  # noqa: E402
from policykg.graph.rdf import document_graph  # noqa: E402
from policykg.graph.search_index import (document_search_rows, plans_out_of_step, rebuild, search,  # noqa: E402
                                         search_index_path)
from policykg.graph.store import Store  # noqa: E402
from policykg.ontology import DCTERMS, ELI, PK, PROV, RDFS, SKOS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "data" / "seeds"
QUERIES = ["知识产权", "专利", "商标 品牌", "市场监管局", "2025", "保护中心", "服务 体系 建设", "高价值发明专利"]

FIRST = PlanSpec(city="临江市", measures=[("推进商标品牌指导站建设", ["市市场监管局"]),
                                       ("开展海外维权援助服务", ["市商务局", "市司法局"])])
SECOND = PlanSpec(city="青山市", office="青政办发",
                  measures=[("建设专利导航服务基地", ["市科技局"]),
                            ("完善知识产权公共服务网点", ["市市场监管局"])])


def _tables(path: Path) -> tuple[list[tuple], dict[str, list[tuple]]]:
    """The plans table, and each plan's entries in the order they were written (ids left out:
    they also count the plans written before)."""
    with sqlite3.connect(path) as conn:
        plans = conn.execute("SELECT graph, source, title, stamp FROM plans ORDER BY graph").fetchall()
        entries: dict[str, list[tuple]] = {}
        for row in conn.execute("SELECT graph, source, kind, iri, title, body, number, measure, position "
                                "FROM entries ORDER BY graph, id"):
            entries.setdefault(row[0], []).append(row)
    return plans, entries


def _results(path: Path) -> list:
    return [(q, kind, search(path, q, kind=kind, limit=200)) for q in QUERIES for kind in (None, "measure")]


def _reindexed_copy(store: Store, tmp_path: Path) -> Path:
    """The index `policykg search --reindex` writes (from the store), in a file of its own."""
    other = tmp_path / "reindexed.search.sqlite"
    rebuild(store, other)
    return other


@pytest.fixture(scope="module")
def seed_builds(tmp_path_factory):
    """The seeds built twice: transactional in-process, and bulk with two worker processes."""
    built = {}
    for mode, workers in (("transactional", 1), ("bulk", 2)):
        folder = tmp_path_factory.mktemp(f"search_build_{mode}")
        with Store.open(folder / "store", create=True) as store:
            report = build([SEEDS], store, workers=workers, bulk=(mode == "bulk"))
            assert report.ok and report.bulk == (mode == "bulk"), report.failed
            assert not [w for w in report.warnings if "search index" in w], report.warnings
            built[mode] = (folder, _reindexed_copy(store, folder))
    return built


@pytest.mark.parametrize("mode", ["transactional", "bulk"])
def test_build_index_equals_index_rebuilt_from_store(seed_builds, mode):
    folder, reindexed = seed_builds[mode]
    built = search_index_path(folder / "store")
    plans, entries = _tables(built)
    assert len(plans) == len(list(SEEDS.glob("*.txt"))) and sum(map(len, entries.values())) > 100
    assert (plans, entries) == _tables(reindexed)
    assert not Path(str(built) + ".new").exists()
    for (query, kind, got), (_, _, want) in zip(_results(built), _results(reindexed)):
        assert got.hits, (query, kind)
        assert (got.counts, got.hits) == (want.counts, want.hits), (query, kind)


def test_both_writer_modes_give_the_same_index(seed_builds):
    (bulk_folder, _), (tx_folder, _) = seed_builds["bulk"], seed_builds["transactional"]
    bulk_plans, bulk_entries = _tables(search_index_path(bulk_folder / "store"))
    tx_plans, tx_entries = _tables(search_index_path(tx_folder / "store"))
    assert bulk_entries == tx_entries
    # the stamps differ by extraction time only
    assert [p[:3] for p in bulk_plans] == [p[:3] for p in tx_plans]


# The SPARQL the index read the store with before the rows came from the workers (issue #24):
# the reference the rows must equal (GROUP_CONCAT's order is the store's, so names are compared
# as a set there). A position is pk:order where the plan states it, else pk:start (issue #24).
_PLAN = f"""
SELECT ?plan ?source ?title ?text ?sha ?at WHERE {{
  ?plan a <{PK}Plan> ; <{DCTERMS}source> ?source .
  OPTIONAL {{ ?plan <{ELI}title> ?title }}
  OPTIONAL {{ ?plan <{PK}cleanedText> ?text }}
  OPTIONAL {{ ?doc a <{PK}DocumentGraph> OPTIONAL {{ ?doc <{PK}sha256> ?sha }}
             OPTIONAL {{ ?doc <{PROV}generatedAtTime> ?at }} }}
}} LIMIT 1"""
_MEASURES = f"""
SELECT ?item ?title ?body ?no ?order WHERE {{
  ?item a <{PK}Measure> .
  OPTIONAL {{ ?item <{DCTERMS}title> ?title }} OPTIONAL {{ ?item <{PK}body> ?body }}
  OPTIONAL {{ ?item <{PK}measureNo> ?no }} OPTIONAL {{ ?item <{PK}order> ?order_ }}
  OPTIONAL {{ ?item <{PK}start> ?start }} BIND(COALESCE(?order_, ?start) AS ?order)
}}"""
_TARGETS = f"""
SELECT ?item ?title ?body ?measure ?no ?order WHERE {{
  ?item a <{PK}Target> .
  OPTIONAL {{ ?item <{RDFS}label> ?title }} OPTIONAL {{ ?item <{PK}text> ?body }}
  OPTIONAL {{ ?item <{PK}inMeasure> ?measure OPTIONAL {{ ?measure <{PK}measureNo> ?no }} }}
  OPTIONAL {{ ?item <{PK}order> ?order_ }}
  OPTIONAL {{ ?item <{PK}start> ?start }} BIND(COALESCE(?order_, ?start) AS ?order)
}}"""
_AGENCIES = f"""
SELECT ?item (SAMPLE(?zh) AS ?title) (GROUP_CONCAT(DISTINCT ?other; SEPARATOR=" / ") AS ?body) WHERE {{
  ?item a <{PK}Agency> .
  OPTIONAL {{ ?item <{SKOS}prefLabel> ?zh FILTER(lang(?zh) = "zh") }}
  OPTIONAL {{ {{ ?item <{SKOS}altLabel> ?other }}
              UNION {{ ?item <{SKOS}prefLabel> ?other FILTER(lang(?other) != "zh") }} }}
}} GROUP BY ?item"""


def _reference_rows(store: Store, graph: str) -> tuple[Counter, tuple]:
    node = ox.NamedNode(graph)

    def select(sparql: str) -> list[dict[str, str]]:
        result = store.raw.query(sparql, default_graph=node)
        names = [v.value for v in result.variables]
        return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]

    plan = select(_PLAN)[0]
    source = plan["source"]
    rows = [(graph, source, "plan", plan["plan"], plan["title"] or source, plan["text"], "", "", 0)]
    rows += [(graph, source, "measure", m["item"], m["title"], m["body"], m["no"], m["item"],
              int(m["order"] or 0)) for m in select(_MEASURES)]
    rows += [(graph, source, "target", t["item"], t["title"], t["body"], t["no"], t["measure"],
              int(t["order"] or 0)) for t in select(_TARGETS)]
    rows += [(graph, source, "agency", a["item"], a["title"], " / ".join(sorted(a["body"].split(" / "))),
              "", "", 0) for a in select(_AGENCIES) if a["title"]]
    return Counter(rows), (graph, source, plan["title"] or source, f"{plan['sha']}@{plan['at']}")


def test_rows_equal_what_the_store_query_gave(seed_builds):
    folder, _ = seed_builds["transactional"]
    with Store.open(folder / "store", read_only=True) as store:
        graphs = search_index._document_graphs(store)
        assert graphs
        for graph in graphs:
            rows, plan = search_index._graph_rows(store, graph)
            normalised = Counter(r if r[2] != "agency" else r[:5] + (" / ".join(sorted(r[5].split(" / "))),) + r[6:]
                                 for r in rows)
            assert (normalised, plan) == _reference_rows(store, graph), graph
            # and the worker's rows, from the graph's N-Quads, are the store's in the same order
            nquads = ox.serialize(store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)),
                                  format=ox.RdfFormat.N_QUADS)
            assert document_search_rows(graph, nquads) == (rows, plan)


@pytest.mark.parametrize("alias_order", [("知识产权局", "市知识产权局"), ("市知识产权局", "知识产权局")])
def test_agency_names_are_joined_in_one_order_whatever_the_order_written(alias_order):
    graph = "https://w3id.org/policykg/id/doc/x.txt"
    agency = "https://w3id.org/policykg/id/agency/x"
    lines = [f'<{graph}> <{PK}plan> <{graph}/plan> <{graph}> .',
             f'<{graph}/plan> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{PK}Plan> <{graph}> .',
             f'<{graph}/plan> <{DCTERMS}source> "x.txt" <{graph}> .',
             f'<{agency}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{PK}Agency> <{graph}> .',
             f'<{agency}> <{SKOS}prefLabel> "临江市市场监督管理局"@zh <{graph}> .',
             f'<{agency}> <{SKOS}prefLabel> "Market Regulation"@en <{graph}> .']
    lines += [f'<{agency}> <{SKOS}altLabel> "{name}"@zh <{graph}> .' for name in alias_order]
    rows, _ = document_search_rows(graph, "\n".join(lines).encode())
    assert rows[-1][2:6] == ("agency", agency, "临江市市场监督管理局", "Market Regulation / 市知识产权局 / 知识产权局")


def _two_plans(folder: Path) -> Path:
    write_plan(folder / "plans", "a.txt", FIRST)
    write_plan(folder / "plans", "b.txt", SECOND)
    return folder / "plans"


@pytest.mark.parametrize("bulk", [False, True])
def test_a_plan_the_store_refuses_leaves_no_rows(tmp_path, monkeypatch, bulk):
    plans = _two_plans(tmp_path)
    refused = document_graph("b.txt").value
    original = writer.DocumentWriter._load_one

    def refuse_b(self, item, spool=None):
        return "refused for the test" if item.graph == refused else original(self, item, spool)

    def load_without_b(self, items):
        if any(item.graph == refused for item in items):
            raise RuntimeError("refused for the test")
        return original_load(self, items)

    original_load = writer.DocumentWriter._load
    monkeypatch.setattr(writer.DocumentWriter, "_load_one", refuse_b)
    monkeypatch.setattr(writer.DocumentWriter, "_load", load_without_b)
    if bulk:  # the bulk stream fails as a whole, then each document is written alone
        failing = _failing_bulk_flush(writer.DocumentWriter.flush)
        monkeypatch.setattr(writer.DocumentWriter, "flush", failing)
        monkeypatch.setattr(writer.DocumentWriter, "close", failing)
    with Store.open(tmp_path / "store", create=True) as store:
        report = build([plans], store, workers=1, bulk=bulk)
        assert [f[0] for f in report.failed] == [str(plans / "b.txt")]
        assert plans_out_of_step(store) == 0
    path = search_index_path(tmp_path / "store")
    plans_rows, entries = _tables(path)
    assert [p[1] for p in plans_rows] == ["a.txt"] and list(entries) == [document_graph("a.txt").value]
    assert not search(path, "专利导航服务").hits and search(path, "海外维权援助").hits


def _failing_bulk_flush(flush):
    def failing(self):
        if self._spool is not None:
            real = self.store.raw

            class Refusing:  # the stream fails after it started: the writer retries one by one
                def __getattr__(self, name):
                    return getattr(real, name)

                def bulk_load(self, *args, **kwargs):
                    raise RuntimeError("bulk stream refused for the test")

            self.store._raw = Refusing()
            try:
                return flush(self)
            finally:
                self.store._raw = real
        return flush(self)
    return failing


def test_a_failed_replacement_keeps_the_plans_old_rows(tmp_path, monkeypatch):
    plans = _two_plans(tmp_path)
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([plans], store, workers=1).ok
    path = search_index_path(tmp_path / "store")
    before = _tables(path)
    write_plan(plans, "a.txt", PlanSpec(city="临江市", measures=[("培育地理标志运用促进工程", ["市农业农村局"])]))
    monkeypatch.setattr(writer.DocumentWriter, "_replace", lambda self, item: "refused for the test")
    with Store.open(tmp_path / "store") as store:
        report = build([plans / "a.txt"], store, workers=1)
        assert report.failed and plans_out_of_step(store) == 0
    assert _tables(path) == before
    assert search(path, "海外维权援助").hits and not search(path, "地理标志运用").hits


def test_a_document_without_rows_is_read_from_the_store(tmp_path, monkeypatch):
    plans = _two_plans(tmp_path)
    without = document_graph("a.txt").value
    made = build_module._search_rows
    monkeypatch.setattr(build_module, "_search_rows", lambda graph, data: None if graph == without else made(graph, data))
    read_back: list[str] = []
    graph_rows = search_index._graph_rows
    monkeypatch.setattr(search_index, "_graph_rows", lambda store, graph: read_back.append(graph) or graph_rows(store, graph))
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([plans], store, workers=1).ok
        assert read_back == [without]   # the other plan's rows came from the build
        assert _tables(search_index_path(tmp_path / "store")) == _tables(_reindexed_copy(store, tmp_path))


@pytest.mark.parametrize("bulk", [False, True])
def test_the_store_writer_never_holds_search_rows(tmp_path, monkeypatch, bulk):
    plans = _two_plans(tmp_path)
    seen: list = []
    add = writer.DocumentWriter.add
    monkeypatch.setattr(writer.DocumentWriter, "add", lambda self, item: seen.append(item.search_rows) or add(self, item))
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([plans], store, workers=1, bulk=bulk).ok
    assert seen == [None, None]
    assert len(_tables(search_index_path(tmp_path / "store"))[0]) == 2


@pytest.mark.parametrize("bulk", [False, True])
def test_a_build_that_stops_leaves_the_old_index(tmp_path, monkeypatch, bulk):
    plans = _two_plans(tmp_path)
    store_path = tmp_path / "store"
    with Store.open(store_path, create=True) as store:
        assert build([plans / "a.txt"], store, workers=1).ok
    path = search_index_path(store_path)
    before = _tables(path)
    if bulk:  # a bulk build needs a store without plans: the old index is that of another store
        shutil.rmtree(store_path)
    write_plan(plans, "a.txt", PlanSpec(city="临江市", measures=[("培育地理标志运用促进工程", ["市农业农村局"])]))

    def stop(self, item):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer.DocumentWriter, "add", stop)
    with Store.open(store_path, create=True) as store:
        with pytest.raises(KeyboardInterrupt):
            build([plans], store, workers=1, bulk=bulk)
    assert _tables(path) == before
    assert not Path(str(path) + ".new").exists()


def _full_text_consistent(path: Path) -> bool:
    """FTS5's own check that the full-text table holds exactly the rows of `entries`."""
    with sqlite3.connect(path) as conn:
        try:
            conn.execute("INSERT INTO entries_fts (entries_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError:
            return False
        triggers = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return triggers == {"entries_added", "entries_removed"}


@pytest.mark.parametrize("bulk", [False, True])
def test_a_new_index_gets_its_full_text_at_the_end_then_follows_later_builds(tmp_path, bulk):
    """A new index file has its full-text table made in one pass when the build ends (issue #24):
    it matches the rows, and carries the triggers, so a later build that replaces a plan live
    finds the new text and no longer the old."""
    plans = _two_plans(tmp_path)
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([plans], store, workers=1, bulk=bulk).ok
    path = search_index_path(tmp_path / "store")
    assert _full_text_consistent(path)
    assert search(path, "海外维权援助").hits and search(path, "专利导航服务").hits
    write_plan(plans, "a.txt", PlanSpec(city="临江市", measures=[("培育地理标志运用促进工程", ["市农业农村局"])]))
    with Store.open(tmp_path / "store") as store:
        assert build([plans / "a.txt"], store, workers=1, bulk=False).ok
        assert _tables(path) == _tables(_reindexed_copy(store, tmp_path))
    assert _full_text_consistent(path)
    assert search(path, "地理标志运用").hits and not search(path, "海外维权援助").hits


def test_a_failed_full_text_pass_falls_back_to_an_index_read_from_the_store(tmp_path, monkeypatch):
    """The build's one full-text pass failing never leaves an index without it: the index is
    then rebuilt from the store, whole."""
    plans = _two_plans(tmp_path)
    real = search_index._make_full_text
    calls: list[str] = []

    def fail_first(conn):
        calls.append("called")
        if len(calls) == 1:
            raise sqlite3.OperationalError("refused for the test")
        return real(conn)

    monkeypatch.setattr(search_index, "_make_full_text", fail_first)
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([plans], store, workers=1, bulk=True).ok
    path = search_index_path(tmp_path / "store")
    assert len(calls) == 2   # the build's pass, then that of the rebuild from the store
    assert not Path(str(path) + ".new").exists()
    assert _full_text_consistent(path) and len(_tables(path)[0]) == 2
    assert search(path, "海外维权援助").hits


def test_worker_picks_the_row_lines_by_their_predicate_and_class_not_by_text_inside_a_literal():
    """`_row_lines`: the lines whose predicate is one the rows read, or an rdf:type of a class they
    read; a literal that quotes such a predicate or class does not make its line one."""
    title, body = f"<{search_index._TITLE}>", f"<{search_index._BODY}>"
    kind, measure = f"<{search_index._RDF_TYPE}>", f"<{search_index._MEASURE_CLASS}>"
    other, g = "<https://example.org/other>", "<https://example.org/g>"
    lines = [f"<https://example.org/m1> {title} \"标题\" {g} .",
             f"<https://example.org/m1> {kind} {measure} {g} .",
             f"<https://example.org/m1> {kind} <https://example.org/NotIndexed> {g} .",
             f"<https://example.org/m1> {other} \"x {title} y\" {g} .",
             f"<https://example.org/m1> {other} \"{kind} {measure} \" {g} .",
             f"<https://example.org/m1> {body} \"正文 with spaces\" {g} ."]
    picked = search_index._row_lines("\n".join(lines).encode() + b"\n").decode().split("\n")
    assert picked == [lines[0], lines[1], lines[5]]
