"""queries.run_query(..., typed=True): numeric literals come as NumberText (the web's JSON and
sorting see numbers) with the very text the plain rows have (CSV unchanged), and the SPARQL runs
even where the per-plan summaries could answer, since a summary keeps cells as text only."""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.graph.build import build
from policykg.graph.store import Store
from policykg.graph.summaries import corpus_rows, summary_format
from policykg.queries import NumberText, run_query, typed_term_text

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/, for fixtures.py
from fixtures import write_plans  # noqa: E402

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def summarised_store(tmp_path_factory):
    """Two synthetic plans, built with their summaries (so whole-corpus queries may use them)."""
    folder = tmp_path_factory.mktemp("typed")
    write_plans(folder / "plans", 2)
    store = Store.open(folder / "store", create=True)
    report = build([folder / "plans"], store)
    assert report.ok, report.failed
    assert summary_format.summaries_complete(store.raw)
    yield store
    store.close()


@pytest.mark.parametrize("literal, text, number", [
    (ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")), "7", 7),
    (ox.Literal("2.0E0", datatype=ox.NamedNode(XSD + "double")), "2", 2.0),
    (ox.Literal("6.5", datatype=ox.NamedNode(XSD + "decimal")), "6.5", 6.5),
])
def test_queries_typed_term_text_keeps_cli_text_and_number(literal, text, number):
    typed = typed_term_text(literal)
    assert isinstance(typed, NumberText) and typed == text and typed.number == number


@pytest.mark.parametrize("term", [ox.Literal("7"), ox.Literal("7", language="zh"),
                                  ox.NamedNode("https://example.org/7"), None])
def test_queries_typed_term_text_leaves_other_terms_plain(term):
    assert not isinstance(typed_term_text(term), NumberText)


@pytest.mark.parametrize("name", ["agency_load", "targets", "plans"])
def test_queries_run_query_typed_same_text_numbers_typed(summarised_store, name):
    columns, plain = run_query(summarised_store.raw, name, {}, use_summary=False)
    typed_columns, typed = run_query(summarised_store.raw, name, {}, typed=True)
    assert typed_columns == columns and typed == plain
    assert not any(isinstance(cell, NumberText) for row in plain for cell in row)
    if name == "agency_load":  # its counts are integers
        counts = [row[columns.index("measures")] for row in typed]
        assert counts and all(isinstance(c, NumberText) and c.number == int(c) for c in counts)


def test_queries_run_query_typed_skips_summaries(summarised_store, monkeypatch):
    """The summaries answer agency_load untyped; typed=True must not read them."""
    read = []
    original = corpus_rows.corpus_rows
    monkeypatch.setattr(corpus_rows, "corpus_rows", lambda *a: read.append(a) or original(*a))
    run_query(summarised_store.raw, "agency_load", {})
    assert read, "the summaries should answer the untyped whole-corpus query"
    read.clear()
    columns, rows = run_query(summarised_store.raw, "agency_load", {}, typed=True)
    assert not read
    assert any(isinstance(cell, NumberText) for row in rows for cell in row)
