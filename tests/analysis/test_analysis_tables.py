"""The analysis tables (graph/summaries/ ANALYSED): `policykg analyze` keeps the whole-corpus rows
of the queries that read its graph (instrument_mix, measure_reuse, pmc_features, plan_similarity)
as corpus tables, computed once by their SPARQL (issue #24: 17-37 CPU-s each at 1,000 plans).
They give exactly the SPARQL's rows, in its order, and a stale one is never read: a plan write,
an analysis write and a query edit (the fingerprint) each put the SPARQL back. A city or a source
is answered from each table's index (graph/summaries/analysis_scope.py) with the SPARQL's rows, every one
on this corpus; the cases it must leave to the SPARQL are made by editing the graph.

Store: the seeds and 20 generated plans (bench/generate_corpus.py), built and analysed."""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fixtures import query_scopes  # noqa: E402

from policykg.graph.analysis import analysis_graph  # noqa: E402
from policykg.graph.analysis.analysis_graph import ANALYSIS_GRAPH, analyze, write_analysis  # noqa: E402
from policykg.graph.build import build  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.graph.summaries import analysis_rows, analysis_scope, corpus_tables, summary_format  # noqa: E402
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
        assert report.analysis_tables == len(summary_format.ANALYSED)
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
    return {name: corpus_tables.table_rows(raw, name) for name in summary_format.ANALYSED}


@pytest.mark.parametrize("name", summary_format.ANALYSED)
def test_the_table_gives_the_sparql_rows_in_its_order(reader, name):
    expected = _full(reader, name)
    assert expected, f"{name} has no rows: the comparison proves nothing"
    assert list(corpus_tables.table_rows(reader, name)) == expected
    columns, rows = iter_query(reader, name)
    assert list(rows) == expected and columns == run_query(reader, name, use_summary=False)[0]


@pytest.mark.parametrize("name", summary_format.ANALYSED)
def test_every_city_and_source_gives_the_sparql_rows(reader, name):
    scopes = query_scopes(reader)
    assert any(_full(reader, name, params) for params in scopes if params), name
    for params in scopes:
        assert run_query(reader, name, params)[1] == _full(reader, name, params), (name, params)


def test_tables_in_small_chunks(fresh, monkeypatch):
    raw = fresh.raw
    expected = {name: _full(raw, name) for name in summary_format.ANALYSED}
    monkeypatch.setattr(corpus_tables, "CORPUS_CHUNK_ROWS", 7)
    assert analysis_rows.write_analysis_tables(raw) == len(summary_format.ANALYSED)
    for name, rows in expected.items():
        count, _ = corpus_tables._table_head(raw, name)
        assert count == -(-len(rows) // 7) and count > 1, name
        assert run_query(raw, name)[1] == rows, name


def test_analyze_keeps_the_summarised_queries_tables(fresh):
    assert corpus_tables.corpus_tables_current(fresh.raw)
    assert corpus_tables.corpus_tables_current(fresh.raw, summary_format.ANALYSED)


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
    assert _no_index(raw)
    assert corpus_tables.corpus_tables_current(raw)
    for name in summary_format.ANALYSED:
        assert run_query(raw, name)[1] == _full(raw, name)


def test_analyze_writes_new_tables_after_the_graph(fresh, monkeypatch):
    """A second analyze with other caps gives other rows; its tables are those rows."""
    raw = fresh.raw
    before = list(corpus_tables.table_rows(raw, "plan_similarity"))
    order = []
    real_write = analysis_graph.write_analysis_tables

    def recording(store, **handed):  # the links and classifications analyze hands on
        order.append(all(rows is None for rows in _tables(store).values()))
        return real_write(store, **handed)

    monkeypatch.setattr(analysis_graph, "write_analysis_tables", recording)
    settings = analysis_graph.MetricSettings(similar_plans=2)
    report = analyze(fresh, FRAMEWORKS, metric_settings=settings)
    assert order == [True] and report.analysis_tables == len(summary_format.ANALYSED)
    after = list(corpus_tables.table_rows(raw, "plan_similarity"))
    assert after != before and after == _full(raw, "plan_similarity")
    for name in summary_format.ANALYSED:
        assert list(corpus_tables.table_rows(raw, name)) == _full(raw, name), name


@pytest.mark.parametrize("how", ["replaced plan", "removed plan", "build"])
def test_a_plan_write_removes_the_analysis_tables(fresh, corpus, how):
    raw = fresh.raw
    graph = ox.NamedNode(summary_format.document_graphs(raw)[0])
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
    assert _no_index(raw)
    for name in summary_format.ANALYSED:
        assert run_query(raw, name)[1] == _full(raw, name), name


def test_an_edited_query_is_not_read_from_its_table(fresh, monkeypatch):
    raw = fresh.raw
    real = summary_format._fingerprint  # what every module's `fingerprint` reads
    monkeypatch.setattr(summary_format, "_fingerprint",
                        lambda name, vocabulary: real(name, vocabulary) + ("x" if name == "measure_reuse" else ""))
    assert corpus_tables.table_rows(raw, "measure_reuse") is None
    assert corpus_tables.table_rows(raw, "instrument_mix") is not None
    assert run_query(raw, "measure_reuse")[1] == _full(raw, "measure_reuse")


def test_a_store_without_tables_runs_the_sparql(fresh):
    raw = fresh.raw
    corpus_tables.drop_analysis_tables(raw)
    assert all(rows is None for rows in _tables(raw).values())
    assert corpus_tables.corpus_tables_current(raw)  # the summarised queries' tables stay
    for name in summary_format.ANALYSED:
        assert run_query(raw, name)[1] == _full(raw, name)


# -- per city and per source from the tables' index (graph/summaries/analysis_scope.py) -------------

PK = "https://w3id.org/policykg/ns#"


def _scoped(raw, name, params):
    rows = analysis_scope.scoped_rows(raw, name, params)
    return None if rows is None else list(rows)


def _analysis_table_quads(raw) -> int:
    """The quads of the analysis tables, their index included (all under one IRI prefix)."""
    return sum(1 for q in raw.quads_for_pattern(None, None, None, corpus_tables.CORPUS_GRAPH)
               if q.subject.value.startswith(corpus_tables.ANALYSIS_TABLES_PREFIX))


def _no_index(raw) -> bool:
    """No analysis query answers a city or a source from an index, and no index quad is left."""
    source = summary_format.document_graphs(raw)[0]
    return (not any(q.subject.value.startswith(corpus_tables.ANALYSIS_TABLES_PREFIX)
                    for q in raw.quads_for_pattern(None, None, None, corpus_tables.CORPUS_GRAPH))
            and all(_scoped(raw, name, params) is None for name in summary_format.ANALYSED
                    for params in ({"city": "衡阳市"}, {"source": source.rsplit("/", 1)[-1]})))


def _plan_of_reuse(raw) -> tuple[str, str, str]:
    """(source, city, link IRI) of a reusing plan with several links, in a city of several rows."""
    rows = raw.query(f"""SELECT ?source ?city (SAMPLE(?reuse) AS ?link) (COUNT(?reuse) AS ?n) WHERE {{
        GRAPH {ANALYSIS_GRAPH} {{ ?reuse <{PK}reuserSource> ?source ; <{PK}reuserPlace> ?place }}
        BIND(STR(?place) AS ?city) }} GROUP BY ?source ?city ORDER BY DESC(?n) ?source LIMIT 1""")
    source, city, link, _ = next(iter(rows))
    return source.value, city.value, link.value


def test_every_city_and_source_is_answered_from_the_index(reader):
    """On this corpus no plan, link or pair needs the SPARQL: the index answers every scope (so the
    equality above is the index's), and its rows are the SPARQL's."""
    scopes = [params for params in query_scopes(reader) if params]
    for name in summary_format.ANALYSED:
        for params in scopes:
            rows = _scoped(reader, name, params)
            assert rows is not None, (name, params)
            assert rows == _full(reader, name, params), (name, params)


def test_the_index_answers_one_parameter_of_source_and_city(reader):
    source, city, _ = _plan_of_reuse(reader)
    assert _scoped(reader, "measure_reuse", {"source": source})
    assert _scoped(reader, "measure_reuse", {"source": source, "city": city}) is None
    assert run_query(reader, "measure_reuse", {"source": source, "city": city})[1] == \
        _full(reader, "measure_reuse", {"source": source, "city": city})


def test_measure_reuse_ties_are_ordered_by_measure_and_target(reader):
    """Links of one measure with equal scores exist in this corpus (else the ORDER BY's tie-break
    would be untested), and the table orders them by measure then target, as the SPARQL now does."""
    columns = summary_format._named("measure_reuse").columns
    source, measure, score, target = (columns.index(c) for c in ("source", "measure", "score", "target"))
    rows = list(corpus_tables.table_rows(reader, "measure_reuse"))
    ties = [(a, b) for a, b in zip(rows, rows[1:])
            if (a[source], a[measure], a[score]) == (b[source], b[measure], b[score])]
    assert ties
    assert all(a[target] < b[target] for a, b in ties)


def test_a_table_written_without_an_index_runs_the_sparql(fresh):
    """A table of an older policykg (no index): the whole corpus from it, a city from the SPARQL."""
    raw = fresh.raw
    corpus_tables.drop_analysis_tables(raw)
    _, city, _ = _plan_of_reuse(raw)
    for name in summary_format.ANALYSED:
        corpus_tables._write_table(raw, name, iter(_full(raw, name)))
        assert corpus_tables.table_rows(raw, name) is not None
        assert _scoped(raw, name, {"city": city}) is None
        assert run_query(raw, name, {"city": city})[1] == _full(raw, name, {"city": city})


def test_every_invalidation_removes_the_index(fresh, corpus):
    """A plan write, an analysis write, `drop_analysis_tables` and the build's own corpus tables'
    rewrite each leave no index quad and no scoped answer (the tests above check the tables)."""
    raw = fresh.raw
    assert _analysis_table_quads(raw) and not _no_index(raw)
    corpus_tables.drop_analysis_tables(raw)
    assert _no_index(raw)
    analysis_rows.write_analysis_tables(raw)
    assert not _no_index(raw)
    write_analysis(fresh, iter(list(raw.quads_for_pattern(None, None, None, ANALYSIS_GRAPH))), atomic_max=0)
    assert _no_index(raw)
    analysis_rows.write_analysis_tables(raw)
    corpus_tables.drop_corpus_tables(raw)
    assert _no_index(raw)
    analysis_rows.write_analysis_tables(raw)
    graph = ox.NamedNode(summary_format.document_graphs(raw)[0])
    fresh.replace_document(graph, list(raw.quads_for_pattern(None, None, None, graph)))
    assert _no_index(raw)
    for name in summary_format.ANALYSED:
        _, city, _ = _plan_of_reuse(raw)
        assert run_query(raw, name, {"city": city})[1] == _full(raw, name, {"city": city})


def _rewritten(raw, update: str) -> None:
    """`update` applied behind policykg's back (which keeps the tables), then the tables written again."""
    raw.update(update)
    assert analysis_rows.write_analysis_tables(raw) == len(summary_format.ANALYSED)


def _every_scope_is_the_sparql(raw) -> None:
    for name in summary_format.ANALYSED:
        for params in query_scopes(raw):
            assert run_query(raw, name, params)[1] == _full(raw, name, params), (name, params)


def test_a_link_of_another_place_leaves_its_city_to_the_sparql(fresh):
    raw = fresh.raw
    source, city, link = _plan_of_reuse(raw)
    before = _full(raw, "measure_reuse", {"city": city})
    _rewritten(raw, f"""DELETE {{ GRAPH {ANALYSIS_GRAPH} {{ <{link}> <{PK}reuserPlace> ?p }} }}
        INSERT {{ GRAPH {ANALYSIS_GRAPH} {{ <{link}> <{PK}reuserPlace> "别处"@zh }} }}
        WHERE {{ GRAPH {ANALYSIS_GRAPH} {{ <{link}> <{PK}reuserPlace> ?p }} }}""")
    assert len(_full(raw, "measure_reuse", {"city": city})) < len(before)  # the link's rows left the city
    assert _scoped(raw, "measure_reuse", {"city": city}) is None
    assert _scoped(raw, "measure_reuse", {"city": "别处"}) == [] == _full(raw, "measure_reuse", {"city": "别处"})
    assert _scoped(raw, "measure_reuse", {"source": source}) is not None
    _every_scope_is_the_sparql(raw)


def test_a_link_of_another_file_name_leaves_its_source_to_the_sparql(fresh):
    raw = fresh.raw
    source, city, link = _plan_of_reuse(raw)
    before = _full(raw, "measure_reuse", {"source": source})
    _rewritten(raw, f"""DELETE {{ GRAPH {ANALYSIS_GRAPH} {{ <{link}> <{PK}reuserSource> ?s }} }}
        INSERT {{ GRAPH {ANALYSIS_GRAPH} {{ <{link}> <{PK}reuserSource> "other.txt" }} }}
        WHERE {{ GRAPH {ANALYSIS_GRAPH} {{ <{link}> <{PK}reuserSource> ?s }} }}""")
    assert len(_full(raw, "measure_reuse", {"source": source})) < len(before)
    assert _scoped(raw, "measure_reuse", {"source": source}) is None
    assert _scoped(raw, "measure_reuse", {"city": city}) is not None
    _every_scope_is_the_sparql(raw)


def test_a_plan_reaching_its_city_twice_leaves_the_city_to_the_sparql(fresh):
    """A second jurisdiction with the same label: the `#[city]` path matches twice and
    instrument_mix counts the plan's measures twice, so the table's rows are not the city's."""
    raw = fresh.raw
    source, city, _ = _plan_of_reuse(raw)
    graph = next(iter(raw.query(
        f'SELECT ?g WHERE {{ GRAPH ?g {{ ?g <http://purl.org/dc/terms/source> "{source}" }} }}')))[0]
    table = [row for row in corpus_tables.table_rows(raw, "instrument_mix") if row[0] == source]
    _rewritten(raw, f"""INSERT {{ GRAPH {graph} {{ ?plan <{PK}jurisdiction> <urn:test:twin> .
        <urn:test:twin> <http://www.w3.org/2000/01/rdf-schema#label> "{city}"@zh }} }}
        WHERE {{ GRAPH {graph} {{ {graph} <{PK}plan> ?plan }} }}""")
    doubled = [row for row in _full(raw, "instrument_mix", {"city": city}) if row[0] == source]
    assert doubled and [row[4] for row in doubled] != [row[4] for row in table]
    for name in summary_format.ANALYSED:
        if name != "plan_similarity":  # its city is the pair's place, not the plan's label
            assert _scoped(raw, name, {"city": city}) is None, name
        assert _scoped(raw, name, {"source": source}) is not None, name
    _every_scope_is_the_sparql(raw)


def test_two_rows_that_tie_leave_their_plan_to_the_sparql(fresh):
    """A second link of the same measure and target with the same score and other text: the
    ORDER BY ties them, so their order is the engine's, not the table's."""
    raw = fresh.raw
    source, city, link = _plan_of_reuse(raw)
    before = len(_full(raw, "measure_reuse", {"source": source}))
    copy = f"{link}/copy"
    # the copy's evidence quotes other text (a reuse side's oa:exact is what measure_reuse returns)
    _rewritten(raw, f"""INSERT {{ GRAPH {ANALYSIS_GRAPH} {{ <{copy}> ?p ?o . <{copy}> <{PK}evidence> ?copied .
            ?copied ?sp ?so . ?copied <http://www.w3.org/ns/oa#exact> ?longer }} }}
        WHERE {{ GRAPH {ANALYSIS_GRAPH} {{ <{link}> ?p ?o FILTER(?p != <{PK}evidence>)
            <{link}> <{PK}evidence> ?selector . ?selector ?sp ?so FILTER(?sp != <http://www.w3.org/ns/oa#exact>)
            ?selector <http://www.w3.org/ns/oa#exact> ?exact
            BIND(IRI(CONCAT(STR(?selector), "/copy")) AS ?copied) BIND(CONCAT(?exact, "，另") AS ?longer) }} }}""")
    assert len(_full(raw, "measure_reuse", {"source": source})) > before  # the copy has its row
    assert _scoped(raw, "measure_reuse", {"source": source}) is None
    assert _scoped(raw, "measure_reuse", {"city": city}) is None
    _every_scope_is_the_sparql(raw)


def test_a_pair_with_two_file_names_leaves_plan_similarity_to_the_sparql(fresh):
    raw = fresh.raw
    pair = next(iter(raw.query(
        f"SELECT ?pair WHERE {{ GRAPH {ANALYSIS_GRAPH} {{ ?pair <{PK}sourceA> ?a }} }} LIMIT 1")))[0]
    _rewritten(raw, f'INSERT DATA {{ GRAPH {ANALYSIS_GRAPH} {{ {pair} <{PK}sourceA> "other.txt" }} }}')
    assert _scoped(raw, "plan_similarity", {"source": "other.txt"}) is None
    assert _full(raw, "plan_similarity", {"source": "other.txt"})
    _every_scope_is_the_sparql(raw)
