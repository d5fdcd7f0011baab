"""graph/store.py: opening, one-transaction replace, queries with a row cap and a time limit, stats."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.errors import PolicyKGError, QueryFailed, StoreLocked, StoreNotFound
from policykg.graph import store as store_module
from policykg.graph.store import PK, Store, resolve_store_path

EX = "https://example.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")


def doc_quads(graph: ox.NamedNode, titles: list[str]) -> list[ox.Quad]:
    """A plan with one measure per title, all in `graph`."""
    plan = ox.NamedNode(graph.value + "#plan")
    quads = [ox.Quad(plan, RDF_TYPE, ox.NamedNode(PK + "Plan"), graph)]
    for i, title in enumerate(titles):
        measure = ox.NamedNode(f"{graph.value}#m{i}")
        quads += [ox.Quad(measure, RDF_TYPE, ox.NamedNode(PK + "Measure"), graph),
                  ox.Quad(measure, TITLE, ox.Literal(title, language="zh"), graph)]
    return quads


def graph_titles(store: Store, graph: ox.NamedNode) -> set[str]:
    return {q.object.value for q in store.raw.quads_for_pattern(None, TITLE, None, graph)}


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "store", create=True) as opened:
        yield opened


def test_store_open_missing_raises_store_not_found(tmp_path: Path):
    with pytest.raises(StoreNotFound, match="no store at"):
        Store.open(tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()  # looking did not create it


def test_store_open_create_makes_parent_folders(tmp_path: Path):
    with Store.open(tmp_path / "a" / "b" / "store", create=True) as store:
        assert len(store) == 0
    with Store.open(tmp_path / "a" / "b" / "store") as store:  # now it exists
        assert len(store) == 0


def test_store_open_refuses_a_non_empty_folder_that_is_not_a_store(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "plan.txt").write_text("x", encoding="utf-8")
    with pytest.raises(PolicyKGError, match="not a store"):
        Store.open(tmp_path / "data", create=True)
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["plan.txt"]


def test_store_open_locked_by_another_process(tmp_path: Path):
    folder = tmp_path / "store"
    Store.open(folder, create=True).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); "
         "print('open', flush=True); sys.stdin.read()", str(folder)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreLocked, match="locked by another policykg process"):
            Store.open(folder)
    finally:
        holder.communicate("")
    Store.open(folder).close()  # released again


def test_store_close_releases_the_lock(tmp_path: Path):
    folder = tmp_path / "store"
    with Store.open(folder, create=True) as store:
        store.replace_document(ox.NamedNode(EX + "g"), doc_quads(ox.NamedNode(EX + "g"), ["a"]))
    with Store.open(folder) as again:
        assert len(again) == 3
    with pytest.raises(PolicyKGError, match="closed"):
        store.raw


def test_store_resolve_path_env_and_default(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("POLICYKG_STORE", raising=False)
    assert resolve_store_path(None) == Path(".policykg/store")
    monkeypatch.setenv("POLICYKG_STORE", str(tmp_path / "env"))
    assert resolve_store_path(None) == tmp_path / "env"
    assert resolve_store_path(tmp_path / "given") == tmp_path / "given"


def test_store_replace_document_replaces_the_graph(store: Store):
    g = ox.NamedNode(EX + "doc/a.txt")
    other = ox.NamedNode(EX + "doc/b.txt")
    store.replace_document(other, doc_quads(other, ["别的"]))
    store.replace_document(g, doc_quads(g, ["旧措施一", "旧措施二"]))
    assert store.replace_document(g, doc_quads(g, ["新措施"])) == 3
    assert graph_titles(store, g) == {"新措施"}
    assert graph_titles(store, other) == {"别的"}  # other documents untouched
    assert len(store) == 6


def test_store_replace_document_is_idempotent_with_blank_nodes(store: Store):
    g = ox.NamedNode(EX + "doc/a.txt")
    quads = doc_quads(g, ["一"]) + [
        ox.Quad(ox.BlankNode("sel"), RDF_TYPE, ox.NamedNode("http://www.w3.org/ns/oa#TextPositionSelector"), g),
        ox.Quad(ox.NamedNode(g.value + "#m0"), ox.NamedNode(EX + "evidence"), ox.BlankNode("sel"), g)]
    store.replace_document(g, quads)
    first = len(store)
    store.replace_document(g, quads)
    assert len(store) == first == 5
    # the blank node is still one node: subject of one quad, object of the other
    (sel,) = [q.subject for q in store.raw.quads_for_pattern(None, RDF_TYPE, None, g)
              if isinstance(q.subject, ox.BlankNode)]
    assert list(store.raw.quads_for_pattern(None, ox.NamedNode(EX + "evidence"), sel, g))


@pytest.mark.parametrize("text", ['引号"与\\反斜杠', "换行\n制表\t回车\r", "字面 \\u0022 转义", "\x01控制", "𠮷 emoji 😀", '"""'])
def test_store_replace_document_round_trips_awkward_literals(store: Store, text: str):
    g = ox.NamedNode(EX + "doc/a.txt")
    store.replace_document(g, doc_quads(g, [text]))
    assert graph_titles(store, g) == {text}


def test_store_failed_insert_keeps_the_old_graph(store: Store):
    """The quad iterator dies half way: nothing of the new version is written."""
    g = ox.NamedNode(EX + "doc/a.txt")
    store.replace_document(g, doc_quads(g, ["旧措施一", "旧措施二"]))
    before = len(store)

    def failing_quads():
        new = doc_quads(g, ["新措施一", "新措施二", "新措施三"])
        yield from new[:3]
        raise RuntimeError("extraction died half way")

    with pytest.raises(RuntimeError, match="half way"):
        store.replace_document(g, failing_quads())
    assert graph_titles(store, g) == {"旧措施一", "旧措施二"}
    assert len(store) == before


def test_store_failed_update_rolls_back_the_drop(store: Store, monkeypatch):
    """The engine fails *after* it has dropped the graph and inserted the new quads (a trailing
    operation that errors at run time): Oxigraph rolls the whole update back. This pins the
    property `replace_document` relies on (one SPARQL Update = one transaction)."""
    g = ox.NamedNode(EX + "doc/a.txt")
    store.replace_document(g, doc_quads(g, ["旧措施"]))
    real = store_module._replace_update

    def update_then_fail(graphs, **kwargs):
        text, count = real(graphs, **kwargs)
        return text + " ;\nDROP GRAPH <urn:policykg:test:missing>", count

    monkeypatch.setattr(store_module, "_replace_update", update_then_fail)
    with pytest.raises(Exception, match="does not exist"):
        store.replace_document(g, doc_quads(g, ["新措施"]))
    assert graph_titles(store, g) == {"旧措施"}
    assert store.named_graphs() == [g.value]


def test_store_replace_document_rejects_quads_of_another_graph(store: Store):
    g = ox.NamedNode(EX + "doc/a.txt")
    store.replace_document(g, doc_quads(g, ["旧"]))
    stray = doc_quads(ox.NamedNode(EX + "doc/b.txt"), ["外"])
    with pytest.raises(ValueError, match="outside its document graph"):
        store.replace_document(g, doc_quads(g, ["新"]) + stray)
    assert graph_titles(store, g) == {"旧"}


def test_store_replace_document_survives_reopening(tmp_path: Path):
    g = ox.NamedNode(EX + "doc/a.txt")
    with Store.open(tmp_path / "s", create=True) as store:
        store.replace_document(g, doc_quads(g, ["一", "二"]))
    with Store.open(tmp_path / "s") as store:
        assert graph_titles(store, g) == {"一", "二"}


def test_store_query_select_ask_construct(store: Store):
    g = ox.NamedNode(EX + "doc/a.txt")
    store.replace_document(g, doc_quads(g, ["甲", "乙"]))
    select = store.query(f"SELECT ?t WHERE {{ ?m a <{PK}Measure> ; <{TITLE.value}> ?t }} ORDER BY ?t")
    assert select.columns == ["t"] and select.rows == [["乙"], ["甲"]] and not select.truncated
    assert store.query(f"ASK {{ ?p a <{PK}Plan> }}").rows == [["true"]]
    construct = store.query(f"CONSTRUCT {{ ?m <{TITLE.value}> ?t }} WHERE {{ ?m <{TITLE.value}> ?t }}")
    assert construct.columns == ["subject", "predicate", "object"]
    assert {row[2] for row in construct.rows} == {"甲", "乙"}
    assert len(construct.triples) == 2


def test_store_query_substitutions_bind_values(store: Store):
    g = ox.NamedNode(EX + "doc/a.txt")
    store.replace_document(g, doc_quads(g, ["甲", "乙"]))
    results = store.query(f"SELECT ?m ?t WHERE {{ ?m <{TITLE.value}> ?t }}",
                          {"t": ox.Literal("乙", language="zh")})
    assert [row[1] for row in results.rows] == ["乙"]


def test_store_query_limit_truncates(store: Store):
    g = ox.NamedNode(EX + "doc/a.txt")
    store.replace_document(g, doc_quads(g, [str(i) for i in range(10)]))
    results = store.query(f"SELECT ?t WHERE {{ ?m <{TITLE.value}> ?t }}", limit=4)
    assert len(results.rows) == 4 and results.truncated
    assert not store.query(f"SELECT ?t WHERE {{ ?m <{TITLE.value}> ?t }}", limit=10).truncated


def test_store_query_syntax_error_is_query_failed(store: Store):
    with pytest.raises(QueryFailed, match="syntax error"):
        store.query("SELECT ?x WHERE { ?x")


def test_store_query_timeout(store: Store):
    g = ox.NamedNode(EX + "big")
    store.replace_document(g, [ox.Quad(ox.NamedNode(f"{EX}s{i}"), TITLE, ox.Literal(str(i)), g)
                               for i in range(2000)])
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y }"  # 4 M pairs, about a second
    started = time.monotonic()
    with pytest.raises(QueryFailed, match=r"took longer than 0.05 s; raise --timeout"):
        store.query(slow, timeout=0.05)
    assert time.monotonic() - started < 0.5
    assert store.query("ASK { ?s ?p ?o }", timeout=5).rows == [["true"]]


def test_store_stats_counts_by_class(store: Store):
    a, b = ox.NamedNode(EX + "doc/a.txt"), ox.NamedNode(EX + "doc/b.txt")
    agency = ox.NamedNode(EX + "agency/市财政局")  # shared by both documents: counted once
    for g in (a, b):
        store.replace_document(g, doc_quads(g, ["一", "二"]) + [
            ox.Quad(agency, RDF_TYPE, ox.NamedNode(PK + "Agency"), g)])
    counts = store.stats()
    assert counts["plans"] == 2 and counts["measures"] == 4 and counts["agencies"] == 1
    assert counts["targets"] == 0 and counts["people"] == 0
    assert counts["triples"] == len(store) == 12 and counts["graphs"] == 2
    assert list(counts) == ["plans", "measures", "assignments", "agencies", "citations",
                            "cited_documents", "targets", "people", "triples", "graphs"]


def test_store_documents_lists_plan_graphs(store: Store):
    a = ox.NamedNode(EX + "doc/%E7%94%B2.txt")
    store.replace_document(a, doc_quads(a, ["一"]))
    store.replace_graphs({ox.NamedNode(EX + "vocab"): [
        ox.Quad(ox.NamedNode(PK + "Plan"), RDF_TYPE, ox.NamedNode(EX + "Class"), ox.NamedNode(EX + "vocab"))]})
    (doc,) = store.documents()
    assert doc.graph == a.value and doc.source == "甲.txt"


def test_store_ensure_vocabulary_is_idempotent(store: Store):
    assert store.ensure_vocabulary() > 0
    size, graphs = len(store), store.named_graphs()
    assert size > 0 and graphs
    store.ensure_vocabulary()
    assert len(store) == size and store.named_graphs() == graphs


def test_store_read_only_reads_but_refuses_writes(tmp_path: Path):
    g = ox.NamedNode(EX + "doc/a.txt")
    with Store.open(tmp_path / "s", create=True) as store:
        store.replace_document(g, doc_quads(g, ["一"]))
    with Store.open(tmp_path / "s", read_only=True) as store:
        assert graph_titles(store, g) == {"一"}
        with pytest.raises(PolicyKGError, match="read-only"):
            store.replace_document(g, doc_quads(g, ["二"]))
    with pytest.raises(StoreNotFound):
        Store.open(tmp_path / "missing", read_only=True, create=True)
