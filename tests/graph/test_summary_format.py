"""graph/summaries/table_codec.py's stored row format (issue #24, the whole-corpus read path): a listing's rows
kept as a per-plan string table and packed indexes come back exactly (unbound cells, empty
strings, quotes, newlines, astral characters, the table's own separator), a summary written in
another format is never read, listings stream in runs with the garbage collector restored, and
the re-sorts and sums done with numpy give the ORDER BY's order."""
from __future__ import annotations

import gc
import json
import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.graph.build import build
from policykg.graph.store import Store
from policykg.graph.summaries import corpus_rows, corpus_tables, plan_summaries, summary_format, table_codec
from policykg.queries import run_query

ROOT = Path(__file__).resolve().parents[2]

TABLES = {
    "no rows": [],
    "one unbound cell": [[None]],
    "unbound and empty differ": [[None, ""], ["", None], ["", ""]],
    "quotes, backslashes, newlines": [['say "hi"', "a\\b", "line\nnext\r\n", "\t"]],
    "unicode": [["中文", "😀 astral", "\u2028\u2029", "é"], ["中文", None, "\u0000", "\x1e"]],
    "the separator in a value": [["a\x1fb", "c"], ["c", None]],
    "values that look like the format": [["[", "]"], ['["x"]', "0\t0\tH\t\n"], ["\n", "\x1f"]],
    "a value starting with [ and no separator": [["[1,2]", None]],
}


@pytest.mark.parametrize("numpy_from", [0, 10**9], ids=["numpy", "map-zip"])
@pytest.mark.parametrize("rows", TABLES.values(), ids=TABLES.keys())
def test_table_rows_come_back_exactly(monkeypatch, rows, numpy_from):
    """Both decoders (numpy for a large table, map and zip for a small one) give the rows."""
    monkeypatch.setattr(table_codec, "_NUMPY_CELLS", numpy_from)
    text = table_codec._encode_table(rows)
    assert table_codec._decode_table(text) == rows
    literal = ox.Literal(text)  # and through the store's N-Quads, as the workers write it
    quad = ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), literal, ox.NamedNode("http://x/g"))
    (parsed,) = ox.parse(ox.serialize([quad], format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    assert table_codec._decode_table(parsed.object.value) == rows


@pytest.mark.parametrize("numpy_from", [0, 10**9], ids=["numpy", "map-zip"])
@pytest.mark.parametrize("distinct,kind", [(254, "B"), (255, "B"), (256, "H"), (65535, "H"), (65536, "I")])
def test_indexes_take_the_narrowest_width_that_holds_every_string(monkeypatch, distinct, kind, numpy_from):
    """`distinct` different values plus unbound (slot 0): 256 strings fit in a byte, 65,536 in 16 bits."""
    monkeypatch.setattr(table_codec, "_NUMPY_CELLS", numpy_from)
    rows = [[str(n), None] for n in range(distinct)]
    text = table_codec._encode_table(rows)
    assert text.split("\t")[2] == kind
    assert table_codec._decode_table(text) == rows


def test_a_plan_table_is_smaller_than_its_json():
    agency = "https://w3id.org/policykg/id/agency/x/y"
    rows = [["plan.txt", str(n), "开展专利转化运用" * 3, "市发展改革委", "lead", agency, None]
            for n in range(40)]
    assert len(table_codec._encode_table(rows).encode()) < len(json.dumps(rows, ensure_ascii=False).encode()) / 3


@pytest.mark.parametrize("chunk", [1, 2, 5, 10_000])
def test_listing_rows_stream_in_runs_and_the_collector_is_restored(monkeypatch, chunk):
    """Plans without rows between others, runs cut inside a plan's rows or spanning several plans."""
    monkeypatch.setattr(corpus_rows, "STREAM_CHUNK_ROWS", chunk)
    plans = [[["a", "1"], ["a", "2"]], [], [["b", None]], [], [], [["c", "3"], ["c", "4"], ["c", "5"]], []]
    texts = [table_codec._encode_table(rows) for rows in plans]
    assert gc.isenabled()
    rows = corpus_rows._streamed_rows(texts)
    first = next(rows)
    assert gc.isenabled(), "the collector is paused only while a run is decoded, never across a yield"
    assert [first, *rows] == [row for plan in plans for row in plan]
    assert gc.isenabled()
    assert list(corpus_rows._streamed_rows([])) == []
    gc.disable()
    try:
        list(corpus_rows._streamed_rows(texts))
        assert not gc.isenabled(), "a collector the caller had disabled stays disabled"
    finally:
        gc.enable()


def _order_key(value):
    return (0, "") if value is None else (1, value)


def _year_key(value):
    if value is None:
        return (0, 0.0, "")
    try:
        return (1, float(value), "")
    except ValueError:
        return (2, 0.0, value)


def test_target_comparison_is_sorted_as_its_order_by_and_stable():
    """ORDER BY ?indicator_id ?axis ?jurisdiction ?year(numeric) ?source; ties keep plan order."""
    generator = random.Random(24)
    rows = []
    for n in range(400):
        row = [None] * 19
        row[0] = generator.choice([None, "ip.patents", "ip.trademarks", "ip.a"])
        row[17] = generator.choice([None, "x", "y"])
        row[3] = generator.choice(["甲市", "乙市", None])
        row[5] = generator.choice([None, "2025", "2030", "999", "2025.0", "later"])
        row[14] = generator.choice(["a.txt", "b.txt"])
        row[18] = str(n)  # the row's place in the plans' order
        rows.append(row)
    expected = sorted(rows, key=lambda r: (_order_key(r[0]), _order_key(r[17]), _order_key(r[3]),
                                           _year_key(r[5]), _order_key(r[14])))
    assert corpus_rows._sorted_target_comparison([rows[:150], [], rows[150:]]) == expected
    assert corpus_rows._sorted_target_comparison([]) == []


def test_co_responsibility_ties_order_by_labels_unbound_first():
    A, B, C, D = (f"https://w3id.org/policykg/id/agency/X/{n}" for n in "abcd")
    plan = [["乙", "丙", "2", "1", B, C, None], [None, "乙", "2", "1", A, B, None],
            ["甲", "乙", "3", "1", D, B, None], ["乙", None, "2", "1", B, D, None]]
    rows = corpus_rows._co_responsibility([table_codec.encode("co_responsibility", plan)])
    assert [row[:2] for row in rows] == [["甲", "乙"], [None, "乙"], ["乙", None], ["乙", "丙"]]


def test_agency_load_ties_order_by_name_and_counts_each_plan_once():
    A, B, C = (f"https://w3id.org/policykg/id/agency/X/{n}" for n in "abc")
    one = [["乙", None, None, None, None, "1", "0", "1", "1", B, None],
           [None, None, None, None, None, "1", "0", "1", "1", C, None]]
    two = [["甲", None, None, None, None, "1", "0", "1", "1", A, None],
           ["乙2", None, None, None, None, "0", "1", "1", "1", B, None]]
    rows = corpus_rows._agency_load([table_codec.encode("agency_load", plan) for plan in (one, two)])
    assert [(row[0], row[5], row[7], row[8]) for row in rows] == [
        ("乙", "1", "2", "2"), (None, "1", "1", "1"), ("甲", "1", "1", "1")]
    assert corpus_rows._agency_load([table_codec.encode("agency_load", [])]) == []


def test_a_summary_in_an_older_format_is_stale_and_never_read(tmp_path, monkeypatch):
    """The encoding of each query is part of its fingerprint: rows kept as JSON (the format before
    the tables) under the fingerprint of that format are not read; the SPARQL answers instead."""
    folder = tmp_path / "store"
    with Store.open(folder, create=True) as store:
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
        raw = store.raw
        name = "responsibilities"
        current = summary_format.fingerprint(name)
        monkeypatch.setitem(summary_format.ENCODINGS, name, "rows")
        summary_format._fingerprint.cache_clear()
        older = summary_format.fingerprint(name)
        monkeypatch.undo()
        summary_format._fingerprint.cache_clear()
        assert older != current == summary_format.fingerprint(name)
        full = run_query(raw, name, use_summary=False)[1]
        corpus_tables.drop_corpus_tables(raw)  # as policykg's writes do (these raw ones stand for an older build)
        node = ox.NamedNode(summary_format.summary_graph(summary_format.document_graphs(raw)[0]))
        predicate = summary_format.rows_predicate(name)
        (rows_quad,) = raw.quads_for_pattern(node, predicate, None, node)
        own_rows = table_codec._decode_table(rows_quad.object.value)
        raw.remove(rows_quad)
        raw.remove(ox.Quad(node, summary_format.FINGERPRINT, ox.Literal(current), node))
        raw.add(ox.Quad(node, predicate, ox.Literal(json.dumps(own_rows, ensure_ascii=False)), node))
        raw.add(ox.Quad(node, summary_format.FINGERPRINT, ox.Literal(older), node))
        assert not summary_format.summaries_complete(raw, name)
        assert corpus_rows.corpus_rows(raw, name) is None
        assert run_query(raw, name)[1] == full
        assert summary_format.document_graphs(raw)[0] in plan_summaries.stale_summaries(raw)
