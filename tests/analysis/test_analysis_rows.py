"""measure_reuse's table rows made from analyze's reuse links (graph/summaries/analysis_rows.py) are the
SPARQL's rows, in its order, and whatever the graph holds that they do not model leaves the table
to the SPARQL (with the SPARQL's rows).

Store: the seeds and 20 generated plans (bench/generate_corpus.py), built and analysed once with
the links analyze handed to the table write recorded."""
from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.graph.analysis.analysis_graph import ANALYSIS_GRAPH, analyze
from policykg.graph.build import build
from policykg.graph.store import Store
from policykg.graph.summaries import analysis_rows, corpus_tables, summary_format
from policykg.graph.summaries.plan_summaries import _objects
from policykg.ontology import ID, PK
from policykg.queries import run_query

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ROOT / "data" / "frameworks"
GENERATED_PLANS = 20
DCTERMS_TITLE = "http://purl.org/dc/terms/title"
HANDED: dict[str, object] = {}  # what analyze handed to the table write, and the rows made of it


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, corpus_generator):
    """(store path, the links analyze passed on, the rows made from them during analyze); the
    classifications and instrument_mix's rows are in `handed`."""
    folder = tmp_path_factory.mktemp("analysis_rows") / "corpus"
    corpus_generator.generate(folder, GENERATED_PLANS, 20261124)
    for seed in (ROOT / "data" / "seeds").glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    path = tmp_path_factory.mktemp("analysed") / "store"
    made, mix = analysis_rows.measure_reuse_rows, analysis_rows.instrument_mix_rows

    def recording(store, links):
        HANDED["links"] = list(links)
        HANDED["rows"] = made(store, HANDED["links"])
        return HANDED["rows"]

    def recording_mix(store, decisions):
        HANDED["decisions"] = decisions
        HANDED["mix"] = mix(store, decisions)
        return HANDED["mix"]

    patch = pytest.MonkeyPatch()
    patch.setattr(analysis_rows, "measure_reuse_rows", recording)
    patch.setattr(analysis_rows, "instrument_mix_rows", recording_mix)
    try:
        with Store.open(path, create=True) as store:
            assert build([folder], store, workers=1).ok
            analyze(store, FRAMEWORKS)
    finally:
        patch.undo()
    return path, HANDED["links"], HANDED["rows"]


@pytest.fixture
def fresh(analysed, tmp_path):
    shutil.copytree(analysed[0], tmp_path / "store")
    with Store.open(tmp_path / "store") as store:
        yield store


def _sparql(raw):
    return run_query(raw, "measure_reuse", use_summary=False)[1]


def test_analyze_writes_the_rows_made_from_its_links(analysed):
    path, links, made = analysed
    raw = ox.Store.read_only(str(path))
    expected = _sparql(raw)
    assert made is not None, "analyze's links were not used: the comparison proves nothing"
    assert len(expected) == len(links) > 100
    assert made == expected
    assert list(corpus_tables.table_rows(raw, "measure_reuse")) == expected


def test_the_rows_cover_what_the_query_distinguishes(analysed):
    """The corpus has framework and measure targets, measures without pk:order (sorted first),
    and links of one measure with equal scores (the ?measure ?target tie-break), so each branch of
    the rows is compared above."""
    _, _, rows = analysed
    columns = summary_format._named("measure_reuse").columns
    kind, source, measure, score = (columns.index(c) for c in ("target_kind", "source", "measure", "score"))
    assert {row[kind] for row in rows} == {"framework", "measure"}
    assert any(row[columns.index("reused_from")].startswith("《") for row in rows)
    assert any((a[source], a[measure], a[score]) == (b[source], b[measure], b[score]) for a, b in zip(rows, rows[1:]))


def test_the_same_table_as_the_sparql_writes(fresh, analysed):
    """Rows, chunks, index and digest: the table written from the links is the SPARQL's table."""
    raw, links = fresh.raw, analysed[1]
    assert analysis_rows.write_analysis_tables(raw, ["measure_reuse"]) == 1
    by_sparql = _table_quads(raw)
    assert analysis_rows.write_analysis_tables(raw, ["measure_reuse"], reuse_links=links) == 1
    assert _table_quads(raw) == by_sparql and len(by_sparql) > 10


def _table_quads(raw) -> set[str]:
    return {str(q) for q in raw.quads_for_pattern(None, None, None, corpus_tables.CORPUS_GRAPH)
            if q.subject.value.startswith(corpus_tables.ANALYSIS_TABLES_PREFIX)}


def _linked_measure(raw, links) -> str:
    return next(link.source for link in links if "/item/" not in link.target)


def test_objects_in_the_union_of_named_graphs_refuse_the_default_graph():
    """plan_summaries.py `_objects`, which these rows read through: in one graph, or in any when
    the graph is None; with `default_graph_error`, a match in the default graph (which the
    queries' union of the named graphs leaves out) raises it, in a named graph it does not."""
    store = ox.Store()
    node, title = ox.NamedNode(PK + "m"), ox.NamedNode(DCTERMS_TITLE)
    named = ox.NamedNode(ID + "doc/x")
    store.add(ox.Quad(node, title, ox.Literal("甲"), named))
    assert _objects(store, node, title, named) == [ox.Literal("甲")]
    assert _objects(store, node, title, None, default_graph_error=LookupError) == [ox.Literal("甲")]
    store.add(ox.Quad(node, title, ox.Literal("乙"), ox.DefaultGraph()))
    assert sorted(o.value for o in _objects(store, node, title, None)) == ["乙", "甲"]
    assert _objects(store, node, title, named, default_graph_error=LookupError) == [ox.Literal("甲")]
    with pytest.raises(LookupError):
        _objects(store, node, title, None, default_graph_error=LookupError)


@pytest.mark.parametrize("edit", ["second title", "title in another graph", "untyped order",
                                  "title in the default graph"])
def test_what_the_rows_do_not_model_is_left_to_the_sparql(fresh, analysed, edit):
    raw, links = fresh.raw, analysed[1]
    measure = ox.NamedNode(_linked_measure(raw, links))
    graph = next(raw.quads_for_pattern(measure, None, None, None)).graph_name
    if edit == "second title":
        raw.add(ox.Quad(measure, ox.NamedNode(DCTERMS_TITLE), ox.Literal("另一标题", language="zh"), graph))
    elif edit == "title in another graph":  # read by the target's OPTIONAL over every graph
        raw.add(ox.Quad(measure, ox.NamedNode(DCTERMS_TITLE), ox.Literal("另一标题", language="zh"), ANALYSIS_GRAPH))
    elif edit == "untyped order":
        raw.add(ox.Quad(measure, ox.NamedNode(PK + "order"), ox.Literal("7"), graph))
    else:  # read by the target's OPTIONAL over the union of the named graphs
        raw.add(ox.Quad(measure, ox.NamedNode(DCTERMS_TITLE), ox.Literal("另一标题", language="zh"), ox.DefaultGraph()))
    assert analysis_rows.measure_reuse_rows(raw, links) is None
    analysis_rows.write_analysis_tables(raw, ["measure_reuse"], reuse_links=links)
    assert list(corpus_tables.table_rows(raw, "measure_reuse")) == _sparql(raw)


@pytest.mark.parametrize("edit", ["empty quote", "a measure reusing itself", "two links of one pair"])
def test_links_the_rows_do_not_model_are_left_to_the_sparql(analysed, edit):
    import dataclasses

    path, links, _ = analysed
    raw = ox.Store.read_only(str(path))
    changed = list(links)
    if edit == "empty quote":
        changed[0] = dataclasses.replace(changed[0], source_exact="")
    elif edit == "a measure reusing itself":
        changed[0] = dataclasses.replace(changed[0], target=changed[0].source)
    else:
        changed.append(changed[0])
    assert analysis_rows.measure_reuse_rows(raw, changed) is None


def test_a_link_whose_measure_is_in_no_plan_graph_has_no_row(fresh, analysed):
    """As the query's GRAPH ?g group: a measure typed nowhere gives its links no row."""
    raw, links = fresh.raw, analysed[1]
    measure = _linked_measure(raw, links)
    raw.update(f"DELETE WHERE {{ GRAPH ?g {{ <{measure}> a <{PK}Measure> }} }}")
    rows = analysis_rows.measure_reuse_rows(raw, links)
    assert rows == _sparql(raw)
    assert len(rows) < len(links)


def test_analyze_writes_instrument_mix_from_its_classifications(analysed):
    raw = ox.Store.read_only(str(analysed[0]))
    expected = run_query(raw, "instrument_mix", use_summary=False)[1]
    assert HANDED["mix"] is not None, "analyze's classifications were not used: the comparison proves nothing"
    assert HANDED["mix"] == expected and len(expected) > 100
    assert list(corpus_tables.table_rows(raw, "instrument_mix")) == expected
    columns = summary_format._named("instrument_mix").columns
    shares = {row[columns.index("share")] for row in expected}
    assert "0" in shares and any(len(share) == 5 for share in shares)  # 0 (mentions only) and 0.xyz


def test_the_same_instrument_mix_table_as_the_sparql_writes(fresh, analysed):
    raw = fresh.raw
    assert analysis_rows.write_analysis_tables(raw, ["instrument_mix"]) == 1
    by_sparql = _table_quads(raw)
    assert analysis_rows.write_analysis_tables(raw, ["instrument_mix"], decisions=HANDED["decisions"]) == 1
    assert _table_quads(raw) == by_sparql and len(by_sparql) > 10


@pytest.mark.parametrize("edit", ["second zh label", "second notation", "measure in two graphs"])
def test_what_instrument_mix_rows_do_not_model_is_left_to_the_sparql(fresh, analysed, edit):
    raw = fresh.raw
    decisions = HANDED["decisions"]
    measure, by_scheme = next((m, d) for m, d in decisions.items() if any(x.primary for x in d["instrument"]))
    concept = ox.NamedNode(next(x for x in by_scheme["instrument"] if x.primary).concept.iri)
    instruments = ox.NamedNode(ID + "graph/instruments")
    skos = "http://www.w3.org/2004/02/skos/core#"
    if edit == "second zh label":
        raw.add(ox.Quad(concept, ox.NamedNode(skos + "prefLabel"), ox.Literal("另一名称", language="zh"), instruments))
    elif edit == "second notation":
        raw.add(ox.Quad(concept, ox.NamedNode(skos + "notation"), ox.Literal("other"), instruments))
    else:
        raw.add(ox.Quad(ox.NamedNode(measure), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                        ox.NamedNode(PK + "Measure"), ANALYSIS_GRAPH))
    assert analysis_rows.instrument_mix_rows(raw, decisions) is None
    analysis_rows.write_analysis_tables(raw, ["instrument_mix"], decisions=decisions)
    assert list(corpus_tables.table_rows(raw, "instrument_mix")) == run_query(raw, "instrument_mix", use_summary=False)[1]
