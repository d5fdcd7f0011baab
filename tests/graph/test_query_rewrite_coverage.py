"""queries/coverage.rq rewritten (issue #24) returns exactly the rows of its text before (kept in
tests/graph/query_texts_before/coverage.rq). The old text counted a plan's measures, measures
without units and assignments with OPTIONALs holding a nested OPTIONAL and a BIND, which
Oxigraph 0.5 plans as hash tables of every measure, unit link and assignment of the corpus, for
one city as for all; the new text counts them from a UNION of one branch per count, each looked
up from the plan, and narrows the outer plan lookup with the same restriction lines.

Stores: the seeds and 20 generated plans built with the normal build, compared whole corpus,
for every city (and one with no plan) and every source (and an unknown one); and plans
constructed from one built plan graph to reach each case the counts and reasons tell apart: no
measures, measures without units, uncovered cues, no period, no title, two titles and two period
ends (one row each), no assignments, and a graph that names two plans. The old text is kept as it
was but for the compact graph (issue #24): facts no longer carry pk:plan (the named graph says the
plan), so its `?measure a pk:Measure ; pk:plan ?plan` reads `?measure a pk:Measure` in the graph.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fixtures import query_scopes  # noqa: E402

from policykg.graph.build import build  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.graph.summaries import summary_format  # noqa: E402
from policykg.queries import load_query, parse_query_file, run_query  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BEFORE = Path(__file__).resolve().parent / "query_texts_before" / "coverage.rq"
GENERATED_PLANS = 20
PK = "https://w3id.org/policykg/ns#"
ELI_TITLE = ox.NamedNode("http://data.europa.eu/eli/ontology#title")
PERIOD_END = ox.NamedNode(PK + "periodEnd")
UNIT_OF_MEASURE = ox.NamedNode(PK + "measure")
MEASURE = ox.NamedNode(PK + "Measure")
ASSIGNMENT = ox.NamedNode(PK + "Assignment")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def texts():
    new, old = load_query("coverage"), parse_query_file(BEFORE, name="coverage")
    assert new.sparql != old.sparql, "the old text is the current one: nothing is compared"
    return new, old


@pytest.fixture(scope="module")
def store(tmp_path_factory, corpus_generator):
    folder = tmp_path_factory.mktemp("rewrite_coverage")
    corpus = folder / "corpus"
    corpus_generator.generate(corpus, GENERATED_PLANS, 20261203)
    for seed in (ROOT / "data" / "seeds").glob("*.txt"):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    opened = Store.open(folder / "store", create=True)
    report = build([corpus], opened, workers=1)
    assert report.ok, report.failed
    yield opened.raw
    opened.close()


def test_rewritten_coverage_returns_the_rows_of_its_old_text(store):
    new, old = texts()
    compared = 0
    for params in query_scopes(store):
        expected = run_query(store, old, params, use_summary=False)
        assert run_query(store, new, params, use_summary=False) == expected, params
        compared += len(expected[1])
    assert compared > 0, "no coverage row anywhere: the comparison proves nothing"


def in_query_order(result) -> tuple[list[str], list[tuple]]:
    """The rows as the query orders them: by its ORDER BY keys (uncovered_cues descending, source);
    rows equal on both keys (one plan's titles x period ends) come in the engine's order, which
    the query does not set, so they are compared as a multiset."""
    columns, rows = result
    cues, source = columns.index("uncovered_cues"), columns.index("source")
    groups: list[list[tuple]] = []
    for row in map(tuple, rows):
        if groups and (groups[-1][0][cues], groups[-1][0][source]) == (row[cues], row[source]):
            groups[-1].append(row)
        else:
            groups.append([row])
    return columns, [row for group in groups for row in sorted(group, key=repr)]


def _changed(quads: list[ox.Quad], change: str, graph: ox.NamedNode, plan) -> list[ox.Quad]:
    measures = [q.subject for q in quads if q.predicate == RDF_TYPE and q.object == MEASURE]
    if change == "no_measures":
        return [q for q in quads if q.object != MEASURE]
    if change == "measures_without_units":  # every other measure loses its units
        bare = set(measures[::2])
        return [q for q in quads if not (q.predicate == UNIT_OF_MEASURE and q.object in bare)]
    if change == "no_units_no_assignments":
        return [q for q in quads if q.predicate != UNIT_OF_MEASURE and q.object != ASSIGNMENT]
    if change == "no_assignments":
        return [q for q in quads if q.object != ASSIGNMENT]
    if change == "cues":
        return quads + [ox.Quad(graph, ox.NamedNode(PK + "uncoveredCue"), ox.Literal(f"第{n}行"), graph)
                        for n in (3, 7, 7)]
    if change == "no_period":
        return [q for q in quads if q.predicate != PERIOD_END]
    if change == "no_title":
        return [q for q in quads if not (q.predicate == ELI_TITLE and q.subject == plan)]
    if change == "two_titles_two_ends_no_measures":
        return [q for q in quads if q.object != MEASURE] + [
            ox.Quad(plan, ELI_TITLE, ox.Literal("另一标题", language="zh"), graph),
            ox.Quad(plan, PERIOD_END, ox.Literal("2031"), graph)]
    if change == "graph_names_two_plans":  # facts carry no pk:plan (issue #24): the graph's link counts
        other = ox.NamedNode(plan.value + "#other")
        return quads + [ox.Quad(graph, ox.NamedNode(PK + "plan"), other, graph),
                        ox.Quad(other, ELI_TITLE, ox.Literal("另一方案", language="zh"), graph)]
    assert change == "none", change
    return quads


CHANGES = ["none", "no_measures", "measures_without_units", "no_units_no_assignments", "no_assignments",
           "cues", "no_period", "no_title", "two_titles_two_ends_no_measures", "graph_names_two_plans"]


@pytest.mark.parametrize("change", CHANGES)
def test_rewritten_coverage_equals_old_text_on_constructed_plans(store, change):
    new, old = texts()
    rows_seen = 0
    for document_graph in summary_format.document_graphs(store)[:3]:
        graph = ox.NamedNode(document_graph)
        plan = next(q.object for q in store.quads_for_pattern(graph, ox.NamedNode(PK + "plan"), None, graph))
        quads = _changed(list(store.quads_for_pattern(None, None, None, graph)), change, graph, plan)
        one = Store.in_memory()
        one.ensure_vocabulary()
        one.raw.extend(quads)
        source = next(q.object.value for q in quads if q.predicate == ox.NamedNode("http://purl.org/dc/terms/source"))
        for params in ({}, {"source": source}):
            expected = in_query_order(run_query(one.raw, old, params, use_summary=False))
            assert in_query_order(run_query(one.raw, new, params, use_summary=False)) == expected, (change, params)
            rows_seen += len(expected[1])
    if change in ("no_measures", "cues", "no_period", "two_titles_two_ends_no_measures"):
        assert rows_seen, "the change gives the plan a reason, so a row is expected"
    if change == "two_titles_two_ends_no_measures":
        assert rows_seen == 3 * 2 * 4, "two titles x two period ends, each plan whole and by its source"
