"""graph/writer.py: documents reach the store whole (transactions) or fast (bulk), in input order.

The writer is fed hand-made N-Quads, so each failure mode can be staged exactly: a document the
store refuses, a bulk chunk that fails half way, a graph met twice, a store that already holds
documents. tests/scale/test_parallel_build.py checks that real builds give the same store either way.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import write_plan, write_plans  # noqa: E402

import policykg.graph.build as build_module  # noqa: E402
from policykg.errors import PolicyKGError  # noqa: E402
from policykg.graph.build import build  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.graph.writer import DOCUMENT_GRAPH_PREFIX, DocumentWriter, Prepared  # noqa: E402
from policykg.queries import load_query  # noqa: E402


def doc(name: str, value: str | None = None, *, broken: bool = False) -> Prepared:
    graph = DOCUMENT_GRAPH_PREFIX + name
    if broken:  # an object that is not an RDF term: the store refuses the whole text
        return Prepared(Path(name), graph, f"<http://x/s> <http://x/p> oops <{graph}> .\n".encode(), 1)
    line = f'<http://x/s> <http://x/p> "{value or name}" <{graph}> .\n'
    return Prepared(Path(name), graph, line.encode(), 1)


def values(store: Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for quad in store.raw.quads_for_pattern(None, ox.NamedNode("http://x/p"), None, None):
        out.setdefault(quad.graph_name.value.removeprefix(DOCUMENT_GRAPH_PREFIX), set()).add(quad.object.value)
    return out


def write(store: Store, items: list[Prepared], **options) -> list[tuple[str, str | None]]:
    outcomes: list[tuple[str, str | None]] = []
    writer = DocumentWriter(store, lambda item, problem: outcomes.append((item.path.name, problem)),
                            **options)
    for item in items:
        writer.add(item)
    writer.close()
    return outcomes


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "store", create=True) as opened:
        yield opened


@pytest.mark.parametrize("options", [{"batch": 1}, {"batch": 4}, {"bulk": True}])
def test_writer_a_refused_document_fails_alone_and_order_is_kept(store: Store, options):
    items = [doc("a"), doc("b", broken=True), doc("c"), Prepared(Path("d"), problem="unreadable"), doc("e")]
    outcomes = write(store, items, **options)
    assert [name for name, _ in outcomes] == ["a", "b", "c", "d", "e"]
    assert [name for name, problem in outcomes if problem is None] == ["a", "c", "e"]
    assert dict(outcomes)["d"] == "unreadable"
    assert "cannot write" in dict(outcomes)["b"] and "\n" not in dict(outcomes)["b"]
    assert values(store) == {"a": {"a"}, "c": {"c"}, "e": {"e"}}  # nothing of b


@pytest.mark.parametrize("options", [{"batch": 1}, {"batch": 3}, {"bulk": True}])
def test_writer_a_graph_met_twice_keeps_the_last_version(store: Store, options):
    outcomes = write(store, [doc("a", "old"), doc("b"), doc("a", "new")], **options)
    assert [problem for _, problem in outcomes] == [None, None, None]
    assert values(store) == {"a": {"new"}, "b": {"b"}}  # replaced, not merged


def test_writer_replaces_a_document_already_in_the_store(store: Store):
    write(store, [doc("a", "old"), doc("b")])
    outcomes = write(store, [doc("a", "new"), doc("a", broken=True)], batch=8)
    assert outcomes[0] == ("a", None) and outcomes[1][1] is not None
    assert values(store) == {"a": {"new"}, "b": {"b"}}  # the failed replacement changed nothing


def test_writer_bulk_is_refused_for_a_store_with_documents(store: Store):
    write(store, [doc("a")])
    with pytest.raises(PolicyKGError, match="already holds documents"):
        DocumentWriter(store, lambda item, problem: None, bulk=True)


class FailingBulkLoads:
    """A pyoxigraph store whose bulk loads write the first quad, then fail (a disk error mid-chunk)."""

    def __init__(self, raw: ox.Store):
        self._raw = raw
        self.calls = 0

    def bulk_load(self, data: bytes | None = None, format=None, *, path: str | None = None) -> None:
        self.calls += 1
        data = Path(path).read_bytes() if path is not None else data  # the writer streams a spool file
        self._raw.load(data.splitlines(keepends=True)[0], format=format)
        raise OSError("No space left on device")

    def __getattr__(self, name):
        return getattr(self._raw, name)


class StoreWithFailingBulk(Store):
    @property
    def raw(self):
        return self._failing


def test_writer_a_failed_bulk_chunk_is_removed_and_written_again_with_transactions(tmp_path: Path):
    real = Store.open(tmp_path / "store", create=True)
    store = StoreWithFailingBulk(real.raw, real.path)
    store._failing = FailingBulkLoads(real.raw)
    outcomes = write(store, [doc("a"), doc("b", broken=True), doc("c")], bulk=True)
    assert store._failing.calls == 1
    assert [(name, problem is None) for name, problem in outcomes] == [("a", True), ("b", False), ("c", True)]
    assert values(real) == {"a": {"a"}, "c": {"c"}}
    real.close()


def test_build_chooses_bulk_only_for_a_store_without_documents(tmp_path: Path, store: Store, monkeypatch):
    write_plans(tmp_path / "plans", 3)
    assert build([tmp_path / "plans"], store).bulk is False  # fewer files than BULK_MIN_FILES
    monkeypatch.setattr(build_module, "BULK_MIN_FILES", 2)
    with Store.open(tmp_path / "fresh", create=True) as fresh:
        report = build([tmp_path / "plans"], fresh)
        assert report.bulk is True and len(report.ingested) == 3
        assert build([tmp_path / "plans"], fresh).bulk is False  # now it holds documents
    assert build([tmp_path / "plans"], store).bulk is False


def test_build_bulk_keeps_the_first_of_two_files_with_one_plan_name(tmp_path: Path, store: Store):
    write_plan(tmp_path / "a", "plan.txt", city="临江市")
    write_plan(tmp_path / "b", "plan.txt", city="青山市")
    report = build([tmp_path / "a", tmp_path / "b"], store, bulk=True)
    assert report.bulk and [path for path, _ in report.failed] == [str(tmp_path / "b" / "plan.txt")]
    rows = store.run_query(load_query("plans"), {}).as_dicts()
    assert len(rows) == 1 and "临江市" in rows[0]["title"] and "青山市" not in rows[0]["title"]


@pytest.mark.parametrize("options", [{"batch": 1}, {"bulk": True}])
def test_background_writer_gives_the_same_outcomes_in_the_same_order(tmp_path: Path, options):
    from policykg.graph.writer import BackgroundWriter

    items = [doc("a"), doc("b", broken=True), doc("c"), Prepared(Path("d"), problem="unreadable"),
             doc("a", "again")]
    expected_store = Store.open(tmp_path / "direct", create=True)
    expected = write(expected_store, items, **options)
    outcomes: list[tuple[str, str | None]] = []
    with Store.open(tmp_path / "threaded", create=True) as store:
        background = BackgroundWriter(DocumentWriter(
            store, lambda item, problem: outcomes.append((item.path.name, problem)), **options), max_items=2)
        for item in items:
            background.add(item)
        background.close()
        assert values(store) == values(expected_store) == {"a": {"again"}, "c": {"c"}}
    expected_store.close()
    assert outcomes == expected


def test_background_writer_reraises_a_writer_failure_in_the_callers_thread(store: Store):
    from policykg.graph.writer import BackgroundWriter

    def explode(item, problem):
        raise RuntimeError("progress callback failed")

    background = BackgroundWriter(DocumentWriter(store, explode), max_items=1)
    background.add(doc("a"))
    with pytest.raises(RuntimeError, match="progress callback failed"):
        for name in "bcdefgh":  # never blocks, although the queue holds one item
            background.add(doc(name))
        background.close()


class CountingBulkLoads:
    """A pyoxigraph store that counts its bulk loads (issue #24: one stream, not chunks)."""

    def __init__(self, raw: ox.Store):
        self._raw = raw
        self.calls = 0

    def bulk_load(self, *args, **kwargs) -> None:
        self.calls += 1
        self.read_from_file = "path" in kwargs and not args  # streamed by Oxigraph, not bytes held here
        self._raw.bulk_load(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._raw, name)


class StoreWithCountingBulk(StoreWithFailingBulk):
    pass


def test_writer_bulk_is_one_stream_and_leaves_no_spool(tmp_path: Path):
    real = Store.open(tmp_path / "store", create=True)
    store = StoreWithCountingBulk(real.raw, real.path)
    store._failing = CountingBulkLoads(real.raw)
    outcomes = write(store, [doc(f"d{i}", "x" * 2000) for i in range(300)], bulk=True)
    assert store._failing.calls == 1 and store._failing.read_from_file
    assert all(problem is None for _, problem in outcomes)
    assert len(values(real)) == 300
    assert not list(tmp_path.glob(".policykg-bulk-*"))  # the spool beside the store is gone
    real.close()


@pytest.mark.parametrize("options", [{"batch": 1}, {"bulk": True}])
def test_background_writer_stop_lets_the_writer_finish_while_the_caller_works(tmp_path: Path, options):
    """`stop` hands the end of the stream to the writer thread (a bulk stream: its one load) and
    returns at once; `close` then only waits. Same outcomes as `close` alone (issue #24: the build
    makes the index's full-text table meanwhile)."""
    import threading

    from policykg.graph.writer import BackgroundWriter

    outcomes: list[tuple[str, str | None]] = []
    loaded = threading.Event()

    def done(item, problem):
        outcomes.append((item.path.name, problem))
        if len(outcomes) == 2:
            loaded.set()

    with Store.open(tmp_path / "store", create=True) as store:
        background = BackgroundWriter(DocumentWriter(store, done, **options), max_items=2)
        background.add(doc("a"))
        background.add(doc("b"))
        background.stop()
        background.stop()  # twice is once
        assert loaded.wait(timeout=60), "the writer did not finish after stop()"
        background.close()
        assert values(store) == {"a": {"a"}, "b": {"b"}}
    assert outcomes == [("a", None), ("b", None)]


class _CountingFlushes:
    """An Oxigraph store that counts `flush` calls (its other methods are the store's own)."""

    def __init__(self, raw: ox.Store):
        self._raw, self.flushes = raw, 0

    def flush(self) -> None:
        self.flushes += 1
        self._raw.flush()

    def __getattr__(self, name: str):
        return getattr(self._raw, name)


@pytest.mark.parametrize("options", [{"batch": 1}, {"batch": 2}])
def test_writer_flushes_oxigraphs_write_buffers_every_flush_bytes(tmp_path: Path, monkeypatch, options):
    # transactional mode: Oxigraph's write buffers are flushed each time FLUSH_BYTES of N-Quads
    # were written, and once more at the end, so they never hold more than that (issue #24)
    import policykg.graph.writer as writer_module

    items = [doc(name, name * 40) for name in "abcdef"]  # 6 documents of the same size
    monkeypatch.setattr(writer_module, "FLUSH_BYTES", 2 * len(items[0].nquads))
    raw = ox.Store(str(tmp_path / "store"))
    counting = _CountingFlushes(raw)
    store = Store(counting, tmp_path / "store")  # type: ignore[arg-type]
    outcomes = write(store, items + [doc("a", "new")], **options)  # the last one replaces a graph
    assert [problem for _, problem in outcomes] == [None] * 7
    # after b, d, f (every two documents), and at close for the replacement of a (1 document)
    assert counting.flushes == 4
    assert values(store)["a"] == {"new"} and len(values(store)) == 6


def test_writer_bulk_mode_leaves_flushing_to_the_bulk_loader(tmp_path: Path, monkeypatch):
    import policykg.graph.writer as writer_module

    monkeypatch.setattr(writer_module, "FLUSH_BYTES", 1)
    counting = _CountingFlushes(ox.Store(str(tmp_path / "store")))
    store = Store(counting, tmp_path / "store")  # type: ignore[arg-type]
    outcomes = write(store, [doc("a"), doc("b")], bulk=True)
    assert [problem for _, problem in outcomes] == [None, None]
    assert counting.flushes == 0 and values(store) == {"a": {"a"}, "b": {"b"}}
