"""The analysis graph's evidence is compact (issue #24), and `export --web-annotation` gives the full
W3C selectors back.

`policykg analyze` wrote each classification keyword and each side of a reuse link as a selector
of 7 quads (two types, oa:start, oa:end, oa:exact, pk:field, pk:textOf) plus its pk:evidence link:
~75 % of the analysis graph. It now writes oa:start / oa:end and whichever of pk:field (a
classification: its text is its pk:measure's) and pk:textOf (a reuse side: the field follows from
the node's class) is not derivable; a reuse side keeps its oa:exact too (measure_reuse returns
the quotes, and Virtuoso cannot SUBSTR a long stored pk:body). Checked here, on the seeds and 30
generated plans:
- the graph holds no selector types and no classification quote, and each evidence node is what
  the docs say;
- the export's expansion quotes what the analysis found (reuse: the CSV's texts, computed in
  memory; classification: a keyword of the concept, or the measure kind);
- `measure_reuse` on the compact graph gives exactly the rows its text before this change
  (tests/analysis/query_texts_full_evidence/measure_reuse.rq) gives on the exported full graph.
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policykg.graph.analysis.analysis_graph import analyze  # noqa: E402
from policykg.graph.analysis.keyword_classifier import load_scheme  # noqa: E402
from policykg.graph.build import build  # noqa: E402
from policykg.graph.export.exporters import Selection, select, web_annotation_quads  # noqa: E402
from policykg.graph.rdf import ANALYSIS_GRAPH  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.ontology import OA, PK  # noqa: E402
from policykg.queries import load_query, run_query  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FULL_EVIDENCE_QUERY = Path(__file__).resolve().parent / "query_texts_full_evidence" / "measure_reuse.rq"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SELECTOR_TYPES = {OA + "TextPositionSelector", OA + "TextQuoteSelector"}


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, corpus_generator):
    folder = tmp_path_factory.mktemp("compact_evidence")
    corpus = folder / "corpus"
    corpus_generator.generate(corpus, 30, 20261204)
    for seed in (ROOT / "data" / "seeds").glob("*.txt"):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    store = Store.open(folder / "store", create=True)
    assert build([corpus], store, workers=1).ok
    report = analyze(store, ROOT / "data" / "frameworks")
    yield store, report
    store.close()


def _analysis(store) -> list[ox.Quad]:
    return list(store.raw.quads_for_pattern(None, None, None, ANALYSIS_GRAPH))


def _nodes(quads) -> dict[str, dict[str, list]]:
    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for q in quads:
        nodes[q.subject.value][q.predicate.value].append(q.object)
    return nodes


def test_compact_analysis_evidence_has_no_selector_types_and_no_classification_quote(analysed):
    store, report = analysed
    quads = _analysis(store)
    assert report.reuse_links > 20 and report.framework_links > 0  # measure and framework reuse
    quoted = {q.subject.value for q in quads if q.predicate.value == OA + "exact"}
    assert not [q for q in quads if q.predicate.value == RDF_TYPE and q.object.value in SELECTOR_TYPES]
    nodes = _nodes(quads)
    evidence = [(owner, o.value) for owner, props in nodes.items() for o in props.get(PK + "evidence", [])]
    kinds = {owner: {o.value for o in nodes[owner][RDF_TYPE]} for owner, _ in evidence}
    assert {PK + "Reuse", PK + "Classification"} <= set().union(*kinds.values())
    for owner, node in evidence:
        props = nodes[node]
        assert len(props[OA + "start"]) == len(props[OA + "end"]) == 1, node
        assert int(props[OA + "start"][0].value) < int(props[OA + "end"][0].value), node
        if PK + "Reuse" in kinds[owner]:  # the side says whose text (the field follows) and quotes it
            assert set(props) == {OA + "start", OA + "end", PK + "textOf", OA + "exact"}, node
            side = node.rsplit("/", 1)[1]
            assert props[PK + "textOf"] == nodes[owner][PK + side], node
            exact = props[OA + "exact"]
            assert len(exact) == 1 and exact[0].language == "zh", node
            assert len(exact[0].value) == int(props[OA + "end"][0].value) - int(props[OA + "start"][0].value)
        else:  # a classification's text is its measure's: the node says which field
            assert set(props) == {OA + "start", OA + "end", PK + "field"}, node
            assert props[PK + "field"][0].value in {"title", "section", "body", "kind"}
            assert node not in quoted, node


def test_web_annotation_export_quotes_what_the_analysis_found(analysed):
    store, report = analysed
    subgraph = select(store, Selection(vocabulary=True, web_annotation=True))
    nodes = _nodes(q for q in subgraph.quads if q.graph_name == ANALYSIS_GRAPH)
    columns, rows = report.tables["reuse"]
    quoted = {}
    for row in rows:
        r = dict(zip(columns, row))
        quoted.setdefault((r["source_measure"], r["target"]), set()).add((r["source_text"], r["target_text"]))
    concepts = {c.iri: c for scheme in ("pillar", "instrument") for c in load_scheme(scheme)}
    reuse = classifications = 0
    for owner, props in list(nodes.items()):
        types = {o.value for o in props.get(RDF_TYPE, [])}
        selectors = [nodes[o.value] for o in props.get(PK + "evidence", [])]
        for selector in selectors:
            assert {o.value for o in selector[RDF_TYPE]} == SELECTOR_TYPES
            assert len(selector[OA + "exact"]) == len(selector[PK + "textOf"]) == len(selector[PK + "field"]) == 1
            assert selector[OA + "exact"][0].language == "zh"
            exact = selector[OA + "exact"][0].value
            assert len(exact) == int(selector[OA + "end"][0].value) - int(selector[OA + "start"][0].value)
        if PK + "Reuse" in types:
            reuse += 1
            source, target = props[PK + "source"][0].value, props[PK + "target"][0].value
            by_side = {s[PK + "textOf"][0].value: s for s in selectors}
            texts = (by_side[source][OA + "exact"][0].value, by_side[target][OA + "exact"][0].value)
            assert texts in quoted[(source, target)]
            framework = target.startswith("https://w3id.org/policykg/id/framework/")
            assert by_side[target][PK + "field"][0].value == ("text" if framework else "body")
            assert by_side[source][PK + "field"][0].value == "body"
        elif PK + "Classification" in types:
            classifications += 1
            concept = concepts[props[PK + "concept"][0].value]
            for selector in selectors:
                assert selector[PK + "textOf"] == props[PK + "measure"]
                exact, field = selector[OA + "exact"][0].value, selector[PK + "field"][0].value
                assert exact in (concept.measure_kinds if field == "kind" else concept.keywords)
    assert reuse == report.reuse_links and classifications > 100
    # only the selectors' own quads are added, and nothing twice
    plain = select(store, Selection(vocabulary=True)).quads
    added = web_annotation_quads(store, plain)
    assert len(added) == len(set(added)) and not set(added) & set(plain)


def test_measure_reuse_rows_on_compact_evidence_are_those_of_the_full_selectors(analysed, tmp_path):
    """The query before this change, reading oa:exact, over the export with full selectors: the same
    rows, in the same order, as the query now over the compact store, whole corpus and per plan."""
    store, _ = analysed
    full = ox.Store()
    full.load(ox.serialize(select(store, Selection(vocabulary=True, web_annotation=True)).quads,
                           format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    before = load_query(FULL_EVIDENCE_QUERY)
    assert "oa:exact ?shared_text_" in before.sparql
    rows = run_query(store.raw, "measure_reuse", use_summary=False)
    assert len(rows[1]) > 20
    assert run_query(full, before, use_summary=False) == rows
    sources = sorted({row[0] for row in rows[1]})
    for source in sources:
        expected = run_query(full, before, {"source": source}, use_summary=False)
        assert run_query(store.raw, "measure_reuse", {"source": source}, use_summary=False) == expected, source
