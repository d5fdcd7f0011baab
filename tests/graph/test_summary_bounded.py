"""The corpus tables' write in bounded memory (issue #24): the re-sorted queries sort in spilled
runs (graph/summaries/spilled_sort.py), the aggregates add up a batch of plans at a time, and
Oxigraph's write buffers are flushed as the tables fill them; the tables stay the same rows in
the same order, quad for quad."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from policykg.graph.build import build
from policykg.graph.store import Store
from policykg.graph.summaries import corpus_rows, corpus_tables, spilled_sort, summary_format
from policykg.graph.summaries.table_codec import encode
from policykg.queries import run_query

ROOT = Path(__file__).resolve().parents[2]
A, B, C, D = (f"https://w3id.org/policykg/id/agency/X/{n}" for n in "abcd")


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory):
    with Store.open(tmp_path_factory.mktemp("bounded") / "store", create=True) as store:
        report = build([ROOT / "data" / "seeds"], store, workers=1, bulk=False)
        assert report.ok and report.corpus_tables == len(summary_format.SUMMARISED)
        yield store


def _corpus_graph(raw) -> set:
    return set(raw.quads_for_pattern(None, None, None, corpus_tables.CORPUS_GRAPH))


# -- spilled runs ----------------------------------------------------------------------------------

def _rows_with_ties(count: int, seed: int) -> list[list]:
    """Rows whose key (columns 0-1) ties often; column 2 numbers them, so an order among ties shows."""
    chosen = random.Random(seed)
    return [[chosen.choice(["b", "a", None, "c"]), str(chosen.choice([3, 1, 2])), str(i)] for i in range(count)]


def _key(row):
    return ((0, "") if row[0] is None else (1, row[0]), int(row[1]))


def _stable_sort(rows):
    return sorted(rows, key=_key)


@pytest.mark.parametrize("count,run,block", [(0, 5, 2), (5, 5, 2), (6, 5, 2), (101, 5, 2), (101, 7, 100), (300, 64, 3)])
def test_runs_merge_into_one_stable_sort(monkeypatch, count, run, block):
    monkeypatch.setattr(spilled_sort, "SORT_RUN_ROWS", run)
    monkeypatch.setattr(spilled_sort, "SPILL_BLOCK_ROWS", block)
    rows = _rows_with_ties(count, count + run)
    held = []

    def sort_run(rows):
        held.append(len(rows))
        return _stable_sort(rows)

    assert list(spilled_sort.sorted_in_runs(iter(rows), sort_run, _key)) == _stable_sort(rows)
    assert max(held, default=0) <= run
    assert len(held) == max(1, -(-count // run))  # one sort per run: each row sorted once


def test_one_run_is_sorted_in_memory_without_a_file(monkeypatch):
    monkeypatch.setattr(spilled_sort.tempfile, "TemporaryFile", lambda **kw: pytest.fail("a file for one run"))
    rows = _rows_with_ties(50, 1)
    assert list(spilled_sort.sorted_in_runs(rows, _stable_sort, _key)) == _stable_sort(rows)


def test_target_comparison_in_runs_of_three_rows_keeps_its_order(seeds_store, monkeypatch):
    raw, name = seeds_store.raw, "target_comparison"
    expected = list(corpus_rows.summary_rows(raw, name))
    assert len(expected) > 3, f"{name}: too few rows on the seeds for two runs"
    monkeypatch.setattr(spilled_sort, "SORT_RUN_ROWS", 3)
    monkeypatch.setattr(spilled_sort, "SPILL_BLOCK_ROWS", 2)
    rows = list(corpus_rows.summary_rows(raw, name))
    assert rows == expected
    # the runs' merge key is the ORDER BY: every row is in it, and it never decreases
    order = corpus_rows._target_comparison_order
    assert all(order(a) <= order(b) for a, b in zip(rows, rows[1:]))
    full = run_query(raw, name, use_summary=False)[1]
    assert sorted(map(tuple, rows), key=str) == sorted(map(tuple, full), key=str)


def test_target_comparison_in_runs_sorts_like_one_sort():
    """target_comparison's rank sort and its merge key agree on rows with ties on every key."""
    chosen = random.Random(7)
    rows = [[chosen.choice(["I1", "I2", None]), None, None, chosen.choice(["甲市", "乙市"]), None,
             chosen.choice(["2025", "2025.0", "2030", None, "n/a"]), *[None] * 8,
             chosen.choice(["a.txt", "b.txt"]), None, None, chosen.choice(["x", None]), str(i)] for i in range(400)]
    whole = corpus_rows._sorted_target_comparison([rows])
    for run in (1, 7, 64):
        spilled_sort_rows = _spilled(rows, run, corpus_rows._sorted_target_comparison_run,
                                     corpus_rows._target_comparison_order)
        assert spilled_sort_rows == whole, run


def test_coverage_in_runs_sorts_like_one_sort():
    chosen = random.Random(8)
    rows = [[chosen.choice(["a.txt", "b.txt", None]), "t", "1", "0", "0", str(chosen.choice([0, 2, 10])),
             None, "no period", f"plan{i}", None] for i in range(300)]
    whole = corpus_rows._sorted_coverage([rows])
    for run in (1, 7, 64):
        assert _spilled(rows, run, corpus_rows._sorted_coverage_run, corpus_rows._coverage_order) == whole, run


def _spilled(rows, run, sort_run, order):
    saved = spilled_sort.SORT_RUN_ROWS
    spilled_sort.SORT_RUN_ROWS = run
    try:
        return list(spilled_sort.sorted_in_runs(iter(rows), sort_run, order))
    finally:
        spilled_sort.SORT_RUN_ROWS = saved


# -- the aggregates, a batch of plans at a time ---------------------------------------------------

@pytest.mark.parametrize("batch", [1, 2, 3, 256])
def test_aggregates_add_up_the_same_in_any_batch(seeds_store, monkeypatch, batch):
    raw = seeds_store.raw
    expected = {name: list(corpus_rows.summary_rows(raw, name)) for name in summary_format.AGGREGATES}
    monkeypatch.setattr(corpus_rows, "AGGREGATE_BATCH_PLANS", batch)
    for name, rows in expected.items():
        assert rows, f"{name} has no rows on the seeds"
        assert list(corpus_rows.summary_rows(raw, name)) == rows, (name, batch)


@pytest.mark.parametrize("batch", [1, 2, 256])
def test_co_responsibility_across_batches(monkeypatch, batch):
    monkeypatch.setattr(corpus_rows, "AGGREGATE_BATCH_PLANS", batch)
    plans = [[["a", "b", "2", "1", A, B, None], ["a2", "b", "2", "1", A, B, None]],
             [["a-other", "b", "3", "1", A, B, None], ["b", "c", "1", "1", B, C, None]],
             [],
             [["c", "d", "4", "1", C, D, None], ["b", "c", "5", "1", B, C, None]]]
    rows = corpus_rows._co_responsibility(encode("co_responsibility", plan) for plan in plans)
    assert rows == [["b", "c", "6", "2", B, C, None], ["a", "b", "5", "2", A, B, None],
                    ["a2", "b", "5", "2", A, B, None], ["c", "d", "4", "1", C, D, None]]


@pytest.mark.parametrize("batch", [1, 2, 256])
def test_agency_load_reads_labels_only_from_plans_that_bring_an_agency(monkeypatch, batch):
    monkeypatch.setattr(corpus_rows, "AGGREGATE_BATCH_PLANS", batch)
    one = encode("agency_load", [["甲", "A", "局", "government", "X市", "2", "1", "3", "1", A, None]])
    two = encode("agency_load", [["甲2", None, None, None, "X市", "1", "0", "1", "1", A, None]])
    three = encode("agency_load", [["乙", None, None, None, "X市", "0", "4", "4", "1", B, None]])
    # plan two brings no agency: its labels line is never decoded (nor kept)
    two = two.partition("\n")[0] + "\nnot JSON"
    rows = corpus_rows._agency_load(iter([one, two, three]))
    assert rows == [["甲", "A", "局", "government", "X市", "3", "1", "4", "2", A, None],
                    ["乙", None, None, None, "X市", "0", "4", "4", "1", B, None]]


def test_the_aggregates_read_the_plans_as_they_go(monkeypatch):
    """A batch is added up before the plans after it are read: a generator of plan texts is not
    drained first."""
    monkeypatch.setattr(corpus_rows, "AGGREGATE_BATCH_PLANS", 2)
    read, folded_after = [], []
    real = corpus_rows._added

    def added(*args, **kwargs):
        folded_after.append(len(read))
        return real(*args, **kwargs)

    monkeypatch.setattr(corpus_rows, "_added", added)
    plans = [[[f"p{i}", None, None, None, "X市", "1", "0", "1", "1", f"{A}{i % 3}", None]] for i in range(6)]

    def texts():
        for plan in plans:
            read.append(1)
            yield encode("agency_load", plan)

    assert len(corpus_rows._agency_load(texts())) == 3
    assert folded_after[0] == 2 and folded_after[-1] == 6


# -- Oxigraph's write buffers ------------------------------------------------------------------------

class _Flushing:
    """The store as `_write_table` uses it, its flushes counted."""

    def __init__(self, raw) -> None:
        self.raw, self.flushes = raw, 0

    def load(self, data, format):
        self.raw.load(data, format=format)

    def flush(self):
        self.flushes += 1
        self.raw.flush()


def test_a_table_flushes_the_write_buffers_as_its_chunks_fill_them(seeds_store, monkeypatch):
    raw = seeds_store.raw
    rows = list(corpus_rows.summary_rows(raw, "measures"))
    before, chunk_rows = _corpus_graph(raw), corpus_tables.CORPUS_CHUNK_ROWS
    monkeypatch.setattr(corpus_tables, "CORPUS_CHUNK_ROWS", 10)
    monkeypatch.setattr(corpus_tables, "TABLE_FLUSH_BYTES", 1)
    corpus_tables.drop_corpus_tables(raw)
    store = _Flushing(raw)
    corpus_tables._write_table(store, "measures", iter(rows))
    assert store.flushes == -(-len(rows) // 10) > 2  # one per chunk
    assert list(corpus_tables.table_rows(raw, "measures")) == rows
    monkeypatch.setattr(corpus_tables, "TABLE_FLUSH_BYTES", 10**12)
    flushes = corpus_tables.table_write_buffers()
    corpus_tables._write_table(_Flushing(raw), "measures", iter(rows), flushes=flushes)
    assert flushes.unflushed > 0  # counted for the next table of the same write
    monkeypatch.setattr(corpus_tables, "CORPUS_CHUNK_ROWS", chunk_rows)
    corpus_tables.drop_corpus_tables(raw)
    assert corpus_rows.write_corpus_tables(raw) == len(summary_format.SUMMARISED)
    assert _corpus_graph(raw) == before


def test_every_table_is_the_same_quads_in_runs_batches_and_flushes(seeds_store, monkeypatch):
    """The whole corpus graph, quad for quad (chunks, digests, heads, city index), with every
    bound at its smallest, equals the one the build wrote."""
    raw = seeds_store.raw
    before = _corpus_graph(raw)
    assert len(before) > 2 * len(summary_format.SUMMARISED)
    monkeypatch.setattr(spilled_sort, "SORT_RUN_ROWS", 2)
    monkeypatch.setattr(spilled_sort, "SPILL_BLOCK_ROWS", 1)
    monkeypatch.setattr(corpus_rows, "AGGREGATE_BATCH_PLANS", 1)
    monkeypatch.setattr(corpus_tables, "TABLE_FLUSH_BYTES", 1)
    corpus_tables.drop_corpus_tables(raw)
    assert corpus_rows.write_corpus_tables(raw) == len(summary_format.SUMMARISED)
    assert _corpus_graph(raw) == before


# -- framework_reuse and plans_by_region, a plan at a time ---------------------------------------

def test_engine_ordered_plans_are_decoded_one_at_a_time_and_dropped():
    from policykg.graph.summaries.summary_format import DOCUMENT_GRAPH_PREFIX, summary_graph

    graphs = [DOCUMENT_GRAPH_PREFIX + name for name in ("b", "a", "c")]
    texts = {summary_graph(g): encode("framework_reuse", [[g]], plans=[f"plan-{g}"]) for g in graphs}
    tables = corpus_rows._EngineOrderedTables(graphs, dict(texts))
    seen = []
    for table in tables:
        seen.append(table)
        assert len(tables.texts) == len(graphs) - len(seen)  # each text dropped once decoded
    assert seen == [[[g]] for g in graphs] and tables.combinable
    # a plan node met twice: the iteration stops there and says the counts would not add
    texts[summary_graph(graphs[2])] = encode("framework_reuse", [[graphs[2]]], plans=[f"plan-{graphs[0]}"])
    tables = corpus_rows._EngineOrderedTables(graphs, dict(texts))
    assert len(list(tables)) == 2 and not tables.combinable


def test_engine_ordered_queries_equal_their_sparql_on_the_seeds(seeds_store):
    raw = seeds_store.raw
    for name in summary_format.ENGINE_ORDERED:
        rows = list(corpus_rows.summary_rows(raw, name))
        full = run_query(raw, name, use_summary=False)[1]
        assert rows and sorted(map(tuple, rows), key=str) == sorted(map(tuple, full), key=str), name
