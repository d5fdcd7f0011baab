"""The one writer of a build: prepared documents (N-Quads of one named graph each) into the store.

Why a module of its own: at corpus scale the write, not the extraction, decided the build time
(issue #10: 1,367 of 1,451 s at 1k plans went into one SPARQL Update per document). What is
cheapest for Oxigraph, measured on 300 generated plans (~960k quads, bench/RESULTS.md):
SPARQL `INSERT DATA` text 7.7 plans/s, a transactional `Store.load` of N-Quads 9.1 plans/s,
`Store.bulk_load` 21 plans/s. So:

- **transactional** (the default, and always for a store that already holds documents): a
  document whose graph is not in the store yet is written with `Store.load` (one transaction; with
  `batch` > 1, several new documents per transaction, retried one by one if the batch fails); a
  document whose graph exists is replaced with one `DROP GRAPH` + `INSERT DATA` update. Either way
  a document is all or nothing and a failure leaves the store as it was. The whole-corpus
  tables (graph/summaries/corpus_tables.py) are removed in the transaction just before a load
  (a replacement's update removes them itself), so a table never outlives a plan it summarises.
  Oxigraph's write buffers are flushed every FLUSH_BYTES written, so the memory they take stays
  the same whatever the corpus size (issue #24: ~2.3 GB at 1,500 plans when left to RocksDB).
- **bulk** (a store with no documents yet, e.g. the first build of a large corpus): documents are
  appended to a spool file beside the store and given to ONE `Store.bulk_load` when the writer
  is flushed (at the end of the build, or before a graph met twice is replaced), which skips
  the transaction log and reads the file in Rust. One stream, not 250k-quad chunks: issue #24
  measured +19 % CPU and a 1.5x larger store for chunks (each `bulk_load` writes its own files),
  and memory stays bounded because the documents wait on disk, not in this process. Outcomes are
  reported when the stream is loaded (before that they are not known). A stream that fails has
  its graphs removed and each document is written again transactionally from the spool, one at
  a time, so a bad document fails alone. Bulk loading is not crash-safe: a killed process can
  leave documents partly written. The store held no documents before, and a build replaces every
  document's graph, so running the same build again repairs it (docs/scale.md).

Partners: graph/build.py (extraction in workers, calls `prepare_document` there and `DocumentWriter`
here), graph/store.py.
"""
from __future__ import annotations

import dataclasses
import os
import queue
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import pyoxigraph as ox

from policykg.errors import PolicyKGError

from .rdf import ID
from .store import Store, WriteBuffers, _replace_update
from .summaries.corpus_tables import drop_corpus_tables
from .summaries.summary_format import summary_graph

if TYPE_CHECKING:
    from .search_index import SearchRows

DOCUMENT_GRAPH_PREFIX = ID + "doc/"
# Prepared documents waiting for the background writer (~0.8 MB each).
QUEUE_ITEMS = 64
# Transactional mode: N-Quads bytes written between two flushes of Oxigraph's write buffers
# (`Store.flush`). Oxigraph opens RocksDB with large write buffers per column family (its
# `optimize_level_style_compaction(512 MB)`: 128 MB each, up to six, flushed two at a time) and
# pyoxigraph exposes none of its options: left alone, a transactional load of 1,500 plans held
# ~2.3 GB of them before RocksDB flushed on its own; flushed every ~50 MB it held ~0.35 GB, at
# no more CPU (issue #24, bench/RESULTS.md). Bulk mode writes SST files, not write buffers.
FLUSH_BYTES = 64 << 20
NQ = ox.RdfFormat.N_QUADS


@dataclass
class Prepared:
    """One document ready for the writer: its graph as N-Quads, or why there is none."""

    path: Path
    graph: str = ""          # the document graph's IRI
    nquads: bytes = b""      # every quad of the document, all in `graph`
    quads: int = 0
    problem: str | None = None
    warnings: list[str] = field(default_factory=list)  # what the build report shows for this document
    sha256: str = ""         # of the file, and the plan's title: to tell an edit from another document
    title: str = ""
    uncovered: tuple[str, ...] = ()   # kinds of the lines whose cues produced nothing (extract/coverage.py)
    # the document's full-text index rows (graph/search_index.py `document_search_rows`), made by
    # the worker; graph/build.py writes them to the index and takes them off before this writer
    # sees the item (so a bulk stream's items waiting on the spool do not hold them)
    search_rows: "SearchRows | None" = None


# done(item, problem): called once per item, in input order; problem is None when it was written.
Done = Callable[[Prepared, "str | None"], None]


def store_has_documents(store: Store) -> bool:
    return any(graph.value.startswith(DOCUMENT_GRAPH_PREFIX) for graph in store.raw.named_graphs())


class DocumentWriter:
    """Writes prepared documents in input order (see the module docstring for the two modes).

    store (Store): open and writable.
    done (callable): `done(item, problem)` after each item is written or refused.
    batch (int): new documents per transaction in transactional mode.
    bulk (bool): bulk mode; the store must not hold documents yet.
    """

    def __init__(self, store: Store, done: Done, *, batch: int = 1, bulk: bool = False):
        if bulk and store_has_documents(store):
            raise PolicyKGError(f"the store at {store.path} already holds documents; bulk loading "
                                "is only for a store without any (build without --bulk)")
        self.store, self.done, self.batch, self.bulk = store, done, max(1, int(batch)), bulk
        self._pending: list[Prepared] = []
        self._written: set[str] = set()  # graphs written by this writer
        self._spool: _Spool | None = None  # bulk mode: the documents of the stream, on disk
        self._buffers = WriteBuffers(FLUSH_BYTES)  # transactional mode: Oxigraph's write buffers

    def add(self, item: Prepared) -> None:
        if item.problem is not None:
            if not self._pending:
                self.done(item, item.problem)
            else:  # keep input order: report it after the documents before it
                self._pending.append(item)
            return
        if item.graph in self._written or (not self.bulk and self._exists(item.graph)):
            self.flush()
            if item.graph not in self._written:
                self._note_another_document(item)
            self.done(item, self._replace(item))
            return
        self._written.add(item.graph)
        if self.bulk:  # to the spool: the bytes wait on disk, a copy without them waits here
            if self._spool is None:
                self._spool = _Spool(self.store.path)
            item = self._spool.append(item)
        self._pending.append(item)
        if not self.bulk and sum(1 for p in self._pending if p.problem is None) >= self.batch:
            self.flush()

    def flush(self) -> None:
        items, self._pending = self._pending, []
        spool, self._spool = self._spool, None
        ready = [item for item in items if item.problem is None]
        failed: dict[int, str] = {}
        try:
            if ready:
                try:
                    drop_corpus_tables(self.store.raw)  # before plans are added (graph/summaries/corpus_tables.py)
                    if spool is not None:
                        self.store.raw.bulk_load(path=spool.close_for_reading(), format=NQ)
                    else:
                        self._load(ready)
                except Exception:  # nothing of a transaction, maybe part of a bulk stream, was written
                    if spool is not None:
                        for item in ready:
                            self.store.raw.remove_graph(ox.NamedNode(item.graph))
                    if spool is not None or len(ready) > 1:
                        for item in ready:  # one by one, so a bad document fails alone
                            problem = self._load_one(item, spool)
                            if problem is not None:
                                failed[id(item)] = problem
                    else:
                        failed[id(ready[0])] = self._load_one(ready[0]) or "cannot write the document"
        finally:
            if spool is not None:
                spool.remove()
        if spool is None:
            self._written_bytes(sum(len(item.nquads) for item in ready))
        for item in items:
            self.done(item, item.problem if item.problem is not None else failed.get(id(item)))

    def close(self) -> None:
        """Write what is pending; then (transactional mode) flush Oxigraph's write buffers, so
        that what the build does next (summaries, corpus tables) starts without them."""
        self.flush()
        self._buffers.flush(self.store.raw)

    # -- writing ------------------------------------------------------------------------------

    def _written_bytes(self, count: int) -> None:
        """Count bytes written in transactions; past FLUSH_BYTES, flush Oxigraph's write buffers
        (see FLUSH_BYTES): the memory a transactional build holds then stays bounded."""
        self._buffers.wrote(self.store.raw, count)

    def _exists(self, graph: str) -> bool:
        return self.store.raw.contains_named_graph(ox.NamedNode(graph))

    def _load(self, items: list[Prepared]) -> None:
        data = items[0].nquads if len(items) == 1 else b"".join(item.nquads for item in items)
        self.store.raw.load(data, format=NQ)

    def _load_one(self, item: Prepared, spool: "_Spool | None" = None) -> str | None:
        try:
            drop_corpus_tables(self.store.raw)
            self.store.raw.load(spool.read(item) if spool is not None else item.nquads, format=NQ)
        except SyntaxError as e:
            return f"cannot write the document's graph: {_one_line(e)}"
        except Exception as e:
            return f"internal error: {type(e).__name__}: {_one_line(e)}"
        return None

    def _note_another_document(self, item: Prepared) -> None:
        """Warn when a plan is replaced by a document with other bytes AND another title: most
        likely a different plan of the same name built from another folder (its identity is its
        path relative to the folder given, graph/build.py), not a new version of the same one."""
        graph = ox.NamedNode(item.graph)
        rows = self.store.raw.query(
            f"SELECT ?sha ?title WHERE {{ GRAPH {graph} {{ {graph} <https://w3id.org/policykg/ns#sha256> ?sha . "
            "OPTIONAL { ?plan a <https://w3id.org/policykg/ns#Plan> ; <http://data.europa.eu/eli/ontology#title> ?title } } }")
        for row in rows:
            sha, title = row["sha"], row["title"]
            if (sha is not None and item.sha256 and sha.value != item.sha256 and title is not None
                    and item.title and _plain(title.value) != _plain(item.title)):
                name = unquote(item.graph.removeprefix(DOCUMENT_GRAPH_PREFIX))
                item.warnings.append(
                    f"replaced the plan {name!r} built earlier from another document "
                    f"(《{title.value}》, now 《{item.title}》); if both are plans, build the folder "
                    "that holds both, so that each is named by its path in it")
            return

    def _replace(self, item: Prepared) -> str | None:
        """Replace an existing graph: one update, all or nothing."""
        try:
            graph = ox.NamedNode(item.graph)
            # the plan's graph and its summary graph (graph/summaries/), replaced together
            by_graph: dict[ox.NamedNode, list[ox.Quad]] = {graph: [], ox.NamedNode(summary_graph(item.graph)): []}
            for quad in ox.parse(item.nquads, format=NQ):
                by_graph.setdefault(quad.graph_name, []).append(quad)
            update, _ = _replace_update(by_graph, check_graphs=True)
            self.store.raw.update(update)
        except (SyntaxError, ValueError) as e:
            return f"cannot write the document's graph: {_one_line(e)}"
        except Exception as e:
            return f"internal error: {type(e).__name__}: {_one_line(e)}"
        self._written.add(item.graph)
        self._written_bytes(len(item.nquads))
        return None


class _Spool:
    """The documents of one bulk stream as one N-Quads file beside the store (same disk; the
    system's temporary folder for a store in memory), deleted when the stream is loaded. Each item
    gives its bytes to the file and keeps (offset, length) to be read back if the stream fails."""

    def __init__(self, store_path: Path | None):
        folder = Path(store_path).parent if store_path is not None else None
        if folder is not None and not folder.is_dir():
            folder = None
        try:
            handle, name = tempfile.mkstemp(prefix=".policykg-bulk-", suffix=".nq", dir=folder)
        except OSError:  # a folder we may not write into: the system's temporary folder
            handle, name = tempfile.mkstemp(prefix=".policykg-bulk-", suffix=".nq")
        self.path = name
        self.file = os.fdopen(handle, "w+b")
        self.where: dict[int, tuple[int, int]] = {}

    def append(self, item: Prepared) -> Prepared:
        """Writes the item's N-Quads; RETURNS the item without them (memory stays bounded
        whatever the corpus size), which `read` takes to find them again."""
        offset = self.file.tell()
        self.file.write(item.nquads)
        stub = dataclasses.replace(item, nquads=b"")
        self.where[id(stub)] = (offset, len(item.nquads))
        return stub

    def close_for_reading(self) -> str:
        self.file.flush()
        return self.path

    def read(self, item: Prepared) -> bytes:
        offset, length = self.where[id(item)]
        self.file.seek(offset)
        data = self.file.read(length)
        self.file.seek(0, os.SEEK_END)
        return data

    def remove(self) -> None:
        self.file.close()
        Path(self.path).unlink(missing_ok=True)


_STOP = object()


class BackgroundWriter:
    """Runs a DocumentWriter in its own thread, fed through a bounded queue, so that extraction
    (in this process or in workers whose results this thread collects) goes on while Oxigraph
    writes: `load` and `bulk_load` release the GIL. Same interface and same outcomes, in the same
    order, as the DocumentWriter it wraps; `done` is called from the writer thread."""

    def __init__(self, writer: DocumentWriter, max_items: int = QUEUE_ITEMS):
        self.writer = writer
        self._queue: queue.Queue = queue.Queue(maxsize=max_items)
        self._error: BaseException | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="policykg-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            if self._error is None:  # after a failure, drain so that `add` never blocks
                try:
                    self.writer.add(item)
                except BaseException as e:  # re-raised by close() in the caller's thread
                    self._error = e
        if self._error is None:
            try:
                self.writer.close()
            except BaseException as e:
                self._error = e

    def add(self, item: Prepared) -> None:
        if self._error is not None:
            self.close()
        self._queue.put(item)

    def stop(self) -> None:
        """No more items: the writer finishes (a bulk stream: its one `bulk_load`) in its thread
        while the caller goes on; `close` waits for it."""
        if not self._stopped and self._thread.is_alive():
            self._stopped = True
            self._queue.put(_STOP)

    def close(self) -> None:
        if self._thread.is_alive():
            self.stop()
            self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def _plain(title: str) -> str:
    return "".join(title.split())


def _one_line(message: object) -> str:
    return " ".join(str(message).split())
