"""graph/summaries/ corpus tables: the whole-corpus rows of each summarised query kept whole by the
build. They give exactly the rows the plans' summaries give (held equal to the full SPARQL in
tests/graph/test_summary.py), in chunks read one at a time, and a stale one is never read: every
way policykg writes a plan or a summary removes them (issue #24)."""
from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.graph.build import build
from policykg.graph.store import Store
from policykg.graph.summaries import corpus_rows, corpus_tables, plan_summaries, scoped_rows, summary_format, table_codec
from policykg.queries import iter_query, run_query

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "data" / "seeds").glob("*.txt"))


def _folder(tmp_path: Path, name: str, seeds: list[Path]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for seed in seeds:
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


@pytest.fixture
def seeded(tmp_path):
    """A store of four seeds, built (so with its corpus tables), and a folder with the fifth."""
    with Store.open(tmp_path / "store", create=True) as store:
        report = build([_folder(tmp_path, "four", SEEDS[:4])], store, workers=1, bulk=False)
        assert report.ok and report.corpus_tables == len(summary_format.SUMMARISED)
        yield store, _folder(tmp_path, "fifth", SEEDS[4:5])


def _full(raw, name):
    return run_query(raw, name, use_summary=False)[1]


@pytest.mark.parametrize("name", summary_format.SUMMARISED)
def test_tables_in_small_chunks_give_the_summaries_rows(seeded, monkeypatch, name):
    store, _ = seeded
    raw = store.raw
    expected = list(corpus_rows.summary_rows(raw, name))
    monkeypatch.setattr(corpus_tables, "CORPUS_CHUNK_ROWS", 7)
    corpus_tables.drop_corpus_tables(raw)
    assert corpus_rows.write_corpus_tables(raw) == len(summary_format.SUMMARISED)
    count, _ = corpus_tables._table_head(raw, name)
    assert count == -(-len(expected) // 7)
    assert list(corpus_tables.table_rows(raw, name)) == expected
    assert run_query(raw, name)[1] == expected
    assert expected, f"{name} has no rows on the seeds: the comparison proves nothing"


def _rewrite_tables_in_chunks_of(raw, rows: int, monkeypatch) -> None:
    """The tables written again with `rows` rows a chunk, so that the seeds' tables span chunks."""
    monkeypatch.setattr(corpus_tables, "CORPUS_CHUNK_ROWS", rows)
    corpus_tables.drop_corpus_tables(raw)
    corpus_rows.write_corpus_tables(raw)


def test_a_current_build_writes_no_table_again(seeded):
    store, _ = seeded
    assert corpus_tables.corpus_tables_current(store.raw)
    assert corpus_rows.write_corpus_tables(store.raw) == 0


def test_tables_stream_one_chunk_at_a_time(seeded, monkeypatch):
    store, _ = seeded
    raw = store.raw
    _rewrite_tables_in_chunks_of(raw, 10, monkeypatch)
    decoded = []
    real = table_codec._decode_table
    monkeypatch.setattr(corpus_tables, "_decode_table", lambda text: decoded.append(1) or real(text))
    monkeypatch.setattr(corpus_rows, "summary_rows", lambda *a: pytest.fail("the summaries were read"))
    columns, rows = iter_query(raw, "responsibilities")
    first = next(rows)
    assert len(decoded) == 1
    rest = list(rows)
    assert len(decoded) == corpus_tables._table_head(raw, "responsibilities")[0] > 2
    assert [first, *rest] == _full_in_table_order(raw, "responsibilities")


def _full_in_table_order(raw, name):
    """The full SPARQL's rows in the order the summaries give (the engine's order within ties of
    the ORDER BY may differ: tests/graph/test_summary.py compares those as multisets)."""
    full = _full(raw, name)
    table = list(corpus_tables.table_rows(raw, name))
    assert Counter(map(tuple, full)) == Counter(map(tuple, table))
    return table


def test_a_table_removed_while_read_fails_rather_than_mixes(seeded, monkeypatch):
    store, _ = seeded
    raw = store.raw
    _rewrite_tables_in_chunks_of(raw, 10, monkeypatch)
    rows = corpus_tables.table_rows(raw, "measures")
    next(rows)
    corpus_tables.drop_corpus_tables(raw)
    with pytest.raises(RuntimeError, match="while it was read"):
        list(rows)


def test_an_older_fingerprint_is_not_read(seeded, monkeypatch):
    store, _ = seeded
    raw = store.raw
    assert corpus_tables.table_rows(raw, "targets") is not None
    real = summary_format._fingerprint  # what every module's `fingerprint` reads
    monkeypatch.setattr(summary_format, "_fingerprint",
                        lambda name, vocabulary: real(name, vocabulary) + ("x" if name == "targets" else ""))
    assert corpus_tables.table_rows(raw, "targets") is None
    assert corpus_tables.table_rows(raw, "measures") is not None  # per query, as the summaries
    assert run_query(raw, "targets")[1] == _full(raw, "targets")  # the SPARQL answers (summaries stale too)


@pytest.mark.parametrize("how", ["new plan", "replaced plan"])
def test_writing_a_plan_removes_the_tables_before_anything_else(seeded, monkeypatch, how):
    """A transactional build (a new plan by `Store.load`, a changed one by one update) removes the
    tables; with the build's own rewrite of them switched off, the store holds none after, and
    the whole corpus is answered from the summaries with the new plan."""
    store, fifth = seeded
    raw = store.raw
    monkeypatch.setattr(corpus_rows, "write_corpus_tables", lambda raw, names=None: 0)
    if how == "new plan":
        folder = fifth
    else:
        folder = fifth.parent / "four"
        text = (folder / SEEDS[0].name).read_text(encoding="utf-8")
        (folder / SEEDS[0].name).write_text(text[: len(text) // 2], encoding="utf-8")
    before = list(corpus_tables.table_rows(raw, "measures"))
    assert build([folder], store, workers=1, bulk=False).ok
    assert not raw.contains_named_graph(corpus_tables.CORPUS_GRAPH)
    assert corpus_tables.table_rows(raw, "measures") is None
    rows = run_query(raw, "measures")[1]
    assert rows != before and Counter(map(tuple, rows)) == Counter(map(tuple, _full(raw, "measures")))


def test_the_build_writes_the_tables_again_after_its_plans(seeded):
    store, fifth = seeded
    raw = store.raw
    before = list(corpus_tables.table_rows(raw, "plans"))
    report = build([fifth], store, workers=1, bulk=False)
    assert report.ok and report.corpus_tables == len(summary_format.SUMMARISED)
    after = list(corpus_tables.table_rows(raw, "plans"))
    assert len(after) == len(before) + 1 and after == _full(raw, "plans")


def test_a_failed_document_leaves_the_plans_and_current_tables(seeded, tmp_path):
    store, fifth = seeded
    raw = store.raw
    (fifth / "broken.txt").write_bytes(b"\x00\x01\x02 not a plan")
    report = build([fifth], store, workers=1, bulk=False)
    assert report.failed and report.corpus_tables == len(summary_format.SUMMARISED)
    for name in summary_format.SUMMARISED:
        assert Counter(map(tuple, corpus_tables.table_rows(raw, name))) == Counter(map(tuple, _full(raw, name))), name


def test_other_writes_of_plans_and_summaries_remove_the_tables(seeded):
    store, _ = seeded
    raw = store.raw
    graph = summary_format.document_graphs(raw)[0]

    def fresh():
        corpus_rows.write_corpus_tables(raw)
        assert raw.contains_named_graph(corpus_tables.CORPUS_GRAPH)

    plan_summaries.rebuild_summaries(raw, [graph])  # a summary written again: one update with the drop
    assert not raw.contains_named_graph(corpus_tables.CORPUS_GRAPH)
    fresh()
    # another graph (an analysis, a vocabulary) does not change what the tables hold
    store.replace_graphs({ox.NamedNode("https://w3id.org/policykg/id/graph/analysis-test"): []})
    assert raw.contains_named_graph(corpus_tables.CORPUS_GRAPH)
    plan_quads = list(raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    store.replace_document(ox.NamedNode(graph), plan_quads)
    assert not raw.contains_named_graph(corpus_tables.CORPUS_GRAPH)
    fresh()
    store.remove_document(ox.NamedNode(graph))
    assert not raw.contains_named_graph(corpus_tables.CORPUS_GRAPH)
    assert run_query(raw, "measures")[1] == _full(raw, "measures")  # summaries of a gone plan: SPARQL


def test_a_bulk_stream_removes_the_tables_before_it_loads(tmp_path, monkeypatch):
    """Bulk loading is not transactional: the tables go in a transaction of their own first. A
    store without documents has no tables of its own, so one is put there by hand."""
    monkeypatch.setattr(corpus_rows, "write_corpus_tables", lambda raw, names=None: 0)
    with Store.open(tmp_path / "store", create=True) as store:
        node = corpus_tables._table_node("plans")
        store.raw.add(ox.Quad(node, corpus_tables.CORPUS_FINGERPRINT, ox.Literal(summary_format.fingerprint("plans")),
                              corpus_tables.CORPUS_GRAPH))
        store.raw.add(ox.Quad(node, corpus_tables.CORPUS_CHUNKS, ox.Literal("0 x"), corpus_tables.CORPUS_GRAPH))
        assert corpus_tables.table_rows(store.raw, "plans") is not None
        assert build([_folder(tmp_path, "four", SEEDS[:4])], store, workers=1, bulk=True).ok
        assert corpus_tables.table_rows(store.raw, "plans") is None
        assert run_query(store.raw, "plans")[1] == _full(store.raw, "plans")


def test_an_indicator_from_the_table_is_the_summaries_answer(seeded):
    """target_comparison for one indicator filters the corpus table (in the ORDER BY already) to
    the same rows, in the same order, as sorting the plans' summaries' rows of it."""
    store, _ = seeded
    raw = store.raw
    indicators = {row[0] for row in corpus_tables.table_rows(raw, "target_comparison")} - {None}
    assert indicators
    from_table = {value: list(scoped_rows.scoped_rows(raw, "target_comparison", {"indicator": value}))
                  for value in indicators}
    corpus_tables.drop_corpus_tables(raw)
    for value in indicators:
        from_summaries = list(scoped_rows.scoped_rows(raw, "target_comparison", {"indicator": value}))
        assert from_table[value] == from_summaries and from_summaries, value
        full = run_query(raw, "target_comparison", {"indicator": value}, use_summary=False)[1]
        assert Counter(map(tuple, from_summaries)) == Counter(map(tuple, full)), value


class _Transactions:
    """The store's `load` as `_write_table` calls it: each transaction's quads recorded, and the
    process stopped (OSError) before transaction `stop_at` (1-based) when given."""

    def __init__(self, raw, stop_at: int | None = None) -> None:
        self.raw, self.stop_at, self.loads = raw, stop_at, []

    def load(self, data, format):
        if self.stop_at is not None and len(self.loads) + 1 >= self.stop_at:
            raise OSError("stopped")
        self.loads.append(list(ox.parse(data, format=format)))
        self.raw.load(data, format=format)


def _measures_in_chunks_of_ten(seeded, monkeypatch):
    """The seeds' `measures` rows, with chunks of 10 rows and no table in the store."""
    store, _ = seeded
    monkeypatch.setattr(corpus_tables, "CORPUS_CHUNK_ROWS", 10)
    rows = list(corpus_rows.summary_rows(store.raw, "measures"))
    corpus_tables.drop_corpus_tables(store.raw)
    return store.raw, rows


def test_a_table_is_written_chunk_by_chunk_with_the_digest_of_its_chunks(seeded, monkeypatch):
    """The chunks go to the store one transaction each (memory: one chunk, whatever the corpus),
    the head last; the digest in their IRIs is still the sha256 of the chunks joined by NUL."""
    raw, rows = _measures_in_chunks_of_ten(seeded, monkeypatch)
    transactions = _Transactions(raw)
    corpus_tables._write_table(transactions, "measures", iter(rows))
    loads = transactions.loads
    texts = [table_codec._encode_table(rows[i:i + 10]) for i in range(0, len(rows), 10)]
    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]
    assert len(texts) > 2
    assert [len(quads) for quads in loads] == [1] * len(texts) + [2]
    assert [quads[0].object.value for quads in loads[:-1]] == texts
    assert {q.predicate for q in loads[-1]} == {corpus_tables.CORPUS_FINGERPRINT, corpus_tables.CORPUS_CHUNKS}
    assert corpus_tables._table_head(raw, "measures") == (len(texts), digest)
    assert list(corpus_tables.table_rows(raw, "measures")) == rows


def test_a_table_cut_off_before_its_head_is_not_read_and_goes_with_the_next_drop(seeded, monkeypatch):
    raw, rows = _measures_in_chunks_of_ten(seeded, monkeypatch)
    with pytest.raises(OSError):  # the process stops after the second chunk
        corpus_tables._write_table(_Transactions(raw, stop_at=3), "measures", iter(rows))
    assert sum(1 for _ in raw.quads_for_pattern(None, corpus_tables.CORPUS_ROWS, None, corpus_tables.CORPUS_GRAPH)) == 2
    assert corpus_tables.table_rows(raw, "measures") is None
    assert run_query(raw, "measures")[1] == rows  # the summaries answer
    corpus_tables.drop_corpus_tables(raw)
    assert next(raw.quads_for_pattern(None, None, None, corpus_tables.CORPUS_GRAPH), None) is None


def test_the_table_write_reads_each_plans_literals_in_turn_never_all_at_once(seeded, monkeypatch):
    # write_corpus_tables streams every query's summaries plan by plan (`_plan_texts`): one scan of
    # a query's literals held all of them at once, which grew with the corpus (issue #24); the
    # tables are the same rows as the scan gives
    store, _ = seeded
    raw = store.raw
    expected = {name: list(corpus_rows.summary_rows(raw, name, scanned=True)) for name in summary_format.SUMMARISED}

    def scan(*args, **kwargs):
        raise AssertionError("the table write scanned a query's literals whole")

    monkeypatch.setattr(corpus_rows, "_plan_texts_scanned", scan)
    corpus_tables.drop_corpus_tables(raw)
    assert corpus_rows.write_corpus_tables(raw) == len(summary_format.SUMMARISED)
    for name in summary_format.SUMMARISED:
        assert list(corpus_tables.table_rows(raw, name)) == expected[name], name
    assert sum(map(len, expected.values())) > 0
