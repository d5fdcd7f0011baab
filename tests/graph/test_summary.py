"""graph/summaries/: whole-corpus named queries answered from the per-plan summaries return the
same rows as the full SPARQL (order-insensitive within the query's ties, the ORDER BY keys in the
same sequence), on the seeds and a generated corpus (the suite runs on a clean clone, where the
shared dev set is absent; it was checked there too while building); summaries are replaced with
their plan, and stale or missing ones are never read; the build's corpus tables hold exactly the
summaries' rows (issue #24)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.graph.build import build
from policykg.graph.store import Store
from policykg.graph.summaries import corpus_rows, corpus_tables, plan_summaries, scoped_rows, summary_format, table_codec
from policykg.queries import iter_query, load_query, run_query

ROOT = Path(__file__).resolve().parents[2]
GENERATED_PLANS = 200

# The columns of each query's ORDER BY that it returns: their sequence must be the same both ways.
ORDER_COLUMNS = {
    "measures": ["source"], "targets": ["source"], "responsibilities": ["source"],
    "people": ["source"], "leading_groups": ["source"], "places_mentioned": ["source"],
    "plans": ["source"], "citations": ["source"], "plan_frameworks": ["source", "framework"],
    "plan_targets_timeline": ["source", "year"],
    "target_comparison": ["indicator_id", "axis", "jurisdiction", "year", "source"],
    "agency_load": ["measures_led", "measures"],
    "co_responsibility": ["shared_measures"],
    "coverage": ["uncovered_cues", "source"],
    "framework_reuse": ["plans", "framework", "province", "year"],
    "plans_by_region": ["province_code", "level"],
}


@pytest.fixture(scope="module", params=["seeds", "generated"])
def built_store(request, tmp_path_factory, corpus_generator):
    folder = tmp_path_factory.mktemp(f"summary_{request.param}")
    if request.param == "seeds":
        source = ROOT / "data" / "seeds"
    else:
        source = folder / "corpus"
        corpus_generator.generate(source, GENERATED_PLANS, 20261123)
    store = Store.open(folder / "store", create=True)
    report = build([source], store, workers=2 if request.param == "generated" else 1)
    assert report.ok, report.failed
    yield request.param, store
    store.close()


@pytest.mark.parametrize("name", summary_format.SUMMARISED)
def test_summary_rows_equal_full_query(built_store, name):
    label, store = built_store
    assert summary_format.summaries_complete(store.raw), f"{label}: a plan without its summary"
    assert corpus_rows.corpus_rows(store.raw, name) is not None
    # the build's corpus table (what run_query reads) holds exactly the summaries' rows
    assert corpus_tables.table_rows(store.raw, name) is not None, f"{label}: the build wrote no corpus table of {name}"
    assert list(corpus_tables.table_rows(store.raw, name)) == list(corpus_rows.summary_rows(store.raw, name))
    columns, full = run_query(store.raw, name, use_summary=False)
    summary_columns, from_summary = run_query(store.raw, name)
    assert summary_columns == columns == load_query(name).columns
    assert Counter(map(tuple, from_summary)) == Counter(map(tuple, full)), f"{label}: {name} differs"
    keys = [columns.index(c) for c in ORDER_COLUMNS[name]]
    assert [[r[k] for k in keys] for r in from_summary] == [[r[k] for k in keys] for r in full]
    assert full, f"{label}: {name} returns no rows, so the comparison proves nothing"


@pytest.mark.parametrize("name", ["plans", "citations", "plan_frameworks"])
def test_plan_listings_from_summaries_in_the_same_order(built_store, name):
    """Listings whose ORDER BY decides every row (a plan's source, then its citations' document
    order or its frameworks' titles): the summaries give the engine's rows in the engine's order."""
    label, store = built_store
    full = run_query(store.raw, name, use_summary=False)[1]
    assert corpus_rows.corpus_rows(store.raw, name) is not None
    assert run_query(store.raw, name)[1] == full, f"{label}: {name} rows or order differ"
    assert full


def test_summary_is_replaced_with_its_plan(tmp_path):
    """Rebuilding a plan with other text (transactional replace) replaces its summary too."""
    plans = tmp_path / "plans"
    plans.mkdir()
    seeds = sorted((ROOT / "data" / "seeds").glob("*.txt"))[:2]
    for seed in seeds:
        (plans / seed.name).write_bytes(seed.read_bytes())
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([plans], store, workers=1, bulk=False).ok
        before = run_query(store.raw, "measures")[1]
        text = seeds[0].read_text(encoding="utf-8")
        cut = text[: len(text) // 2]  # fewer measures in the new version
        (plans / seeds[0].name).write_text(cut, encoding="utf-8")
        assert build([plans], store, workers=1, bulk=False).ok
        assert summary_format.summaries_complete(store.raw)
        after = run_query(store.raw, "measures")[1]
        assert after == run_query(store.raw, "measures", use_summary=False)[1]
        assert len(after) < len(before)


def test_stale_or_missing_summaries_are_not_read(tmp_path):
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
        raw = store.raw
        # policykg's own writes remove the corpus tables (tests/graph/test_summary_tables.py); these
        # raw writes stand for a store whose summaries are missing or old, so the tables go first
        corpus_tables.drop_corpus_tables(raw)
        graph = next(iter(summary_format.document_graphs(raw)))
        raw.remove_graph(ox.NamedNode(summary_format.summary_graph(graph)))  # a plan without a summary
        assert corpus_rows.corpus_rows(raw, "measures") is None
        assert run_query(raw, "measures")[1] == run_query(raw, "measures", use_summary=False)[1]
        plan_summaries.rebuild_summaries(raw, [graph])
        assert corpus_rows.corpus_rows(raw, "measures") is not None
        current = ox.Literal(summary_format.fingerprint("agency_load"))
        stamp = next(iter(raw.quads_for_pattern(None, summary_format.FINGERPRINT, current, None)))
        raw.remove(stamp)  # written under another fingerprint (an older query text)
        raw.add(ox.Quad(stamp.subject, stamp.predicate, ox.Literal("agency_load:older"), stamp.graph_name))
        assert corpus_rows.corpus_rows(raw, "agency_load") is None
        assert not summary_format.summaries_complete(raw)
        # fingerprints are per query: the other queries' summaries are still read
        assert corpus_rows.corpus_rows(raw, "co_responsibility") is not None


def test_parameters_read_only_the_selected_plans(tmp_path, monkeypatch):
    """A city is answered from its plans' summaries (tests/graph/test_summary_scoped.py), never by
    reading the whole corpus's."""
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
        city = run_query(store.raw, "plans")[1][0][2]
        full = run_query(store.raw, "agency_load", {"city": city}, use_summary=False)[1]
        monkeypatch.setattr(corpus_rows, "corpus_rows", lambda *a: pytest.fail("whole corpus read for a city"))
        for reader in (corpus_rows, scoped_rows):  # the modules that read every plan's literals
            monkeypatch.setattr(reader, "_plan_texts_scanned", lambda *a: pytest.fail("whole corpus read for a city"))
        columns, rows = iter_query(store.raw, "agency_load", {"city": city})
        assert list(rows) == full


def test_cli_csv_streams_the_same_bytes_as_the_renderer(tmp_path):
    """`policykg query NAME --format csv|tsv` writes rows as they come, byte for byte what
    policykg/render.py writes from the whole table; --limit cuts and warns."""
    from typer.testing import CliRunner

    from policykg.cli import app
    from policykg.render import render_csv, render_tsv

    folder = tmp_path / "store"
    with Store.open(folder, create=True) as store:
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
        columns, rows = run_query(store.raw, "responsibilities")
    runner = CliRunner()
    for fmt, render in (("csv", render_csv), ("tsv", render_tsv)):
        result = runner.invoke(app, ["query", "responsibilities", "--store", str(folder), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert result.stdout == render(columns, rows)
    cut = runner.invoke(app, ["query", "responsibilities", "--store", str(folder), "--format", "csv",
                              "--limit", "5"])
    assert cut.exit_code == 0
    assert cut.stdout == render_csv(columns, rows[:5])


def test_api_iter_rows_yields_dicts_lazily(tmp_path):
    from policykg import api

    folder = tmp_path / "store"
    with Store.open(folder, create=True) as store:
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
        columns, rows = run_query(store.raw, "measures")
    iterator = api.iter_rows(folder, "measures")
    first = next(iterator)
    assert first == dict(zip(columns, rows[0]))
    assert [first, *iterator] == [dict(zip(columns, row)) for row in rows]


A, B, C = (f"https://w3id.org/policykg/id/agency/X/{n}" for n in "abc")


@pytest.mark.parametrize("plan_one,plan_two,expected", [
    # labels from the first plan with the pair; counts and plans added; product of label variants
    ([["a", "b", "2", "1", A, B, None], ["a2", "b", "2", "1", A, B, None]],
     [["a-other", "b", "3", "1", A, B, None], ["b", "c", "1", "1", B, C, None]],
     [["a", "b", "5", "2", A, B, None], ["a2", "b", "5", "2", A, B, None], ["b", "c", "1", "1", B, C, None]]),
    # variants that are not a product of the agencies' labels are kept per pair
    ([["a", "b", "1", "1", A, B, None], ["a2", "c", "4", "1", A, C, None], ["a", "c", "4", "1", A, C, None]],
     [[None, "b", "1", "1", A, B, None]],
     [["a", "c", "4", "1", A, C, None], ["a2", "c", "4", "1", A, C, None], ["a", "b", "2", "2", A, B, None]]),
])
def test_co_responsibility_pairs_add_up_from_their_compact_form(plan_one, plan_two, expected):
    texts = [table_codec.encode("co_responsibility", plan) for plan in (plan_one, plan_two)]
    assert corpus_rows._co_responsibility(texts) == expected


def test_agency_load_adds_up_from_its_compact_form():
    one = [["甲", "A", "局", "government", "X市", "2", "1", "3", "1", A, None],
           ["甲局", "A", "局", "government", "X市", "2", "1", "3", "1", A, None]]
    two = [["甲2", None, None, None, "X市", "1", "0", "1", "1", A, None],
           ["乙", None, None, None, "X市", "0", "4", "4", "1", B, None]]
    rows = corpus_rows._agency_load([table_codec.encode("agency_load", plan) for plan in (one, two)])
    assert rows == [["甲", "A", "局", "government", "X市", "3", "1", "4", "2", A, None],
                    ["甲局", "A", "局", "government", "X市", "3", "1", "4", "2", A, None],
                    ["乙", None, None, None, "X市", "0", "4", "4", "1", B, None]]


@pytest.mark.parametrize("plans,separable,usable", [(["p"], True, True), (["p"], False, False),
                                                    (["p", "q"], True, False), ([], True, False)])
def test_plans_by_region_summary_is_left_to_the_sparql_when_it_cannot_be_split(plans, separable, usable):
    """A plan whose labels or source hold GROUP_CONCAT's separator, or a graph with not exactly one
    plan node, keeps no usable rows: the whole corpus then runs the SPARQL."""
    import json

    text = table_codec.encode("plans_by_region", [["湖南省", "430000", "city", "1", "衡阳市", "430400", "2021", "2025",
                                               "a.txt", None]], plans, separable)
    assert (json.loads(text)["plan"] is not None) == usable
