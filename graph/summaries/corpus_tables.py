"""Corpus tables: each summarised query's whole-corpus rows kept whole in the named graph
CORPUS_GRAPH (corpus_rows.py `write_corpus_tables` has the build write them, `corpus_rows` reads
them when current), and how they are written, read, and removed by every write that could make
them stale. `policykg analyze` keeps the whole-corpus rows of the queries over its graph
(`ANALYSED`) as tables of the same format here too (analysis_rows.py `write_analysis_tables`),
removed by the same drops and by every write of the analysis graph (docs/analysis.md,
"Whole-corpus tables"), each with an index of the rows a city or a source selects
(analysis_scope.py). The details follow.
"""
from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice

import pyoxigraph as ox

from ..rdf import ANALYSIS_GRAPH, ID
from ..store import WriteBuffers
from .summary_format import (ANALYSED, DOCUMENT_GRAPH_PREFIX, NQ, SUMMARISED, SUMMARY_GRAPH_PREFIX, SUMMARY_NS,
                             fingerprint)
from .table_codec import _collector_paused, _decode_table, _encode_table


# -- corpus tables: the whole-corpus rows, kept whole ----------------------------------------------
# Read from the plans' summaries, every whole-corpus query at 10k plans paid ~0.2-0.4 CPU-s to
# check that each plan's summary is current (every named graph and fingerprint listed), ~0.15 to
# read and sort the plans' keys and 0.3-1.4 to read 10k literals, then decoded 10k tables and
# added up or sorted the rows: 1.4-3 CPU-s each on a real 10k store. None of that depends on the
# query being asked again. So the build keeps, per summarised query, the rows `summary_rows`
# gives (the whole-corpus rows, combined and ordered) as they are, in chunks of
# CORPUS_CHUNK_ROWS rows, each chunk an `_encode_table` text (a string table and packed indexes):
#     <CORPUS_GRAPH/name> pksum:corpusFingerprint "<fingerprint(name)>" ;
#                         pksum:corpusChunks "<count> <digest of the chunks>" .
#     <CORPUS_GRAPH/name/digest/i> pksum:corpusRows "<chunk i>" .
# A whole-corpus query then reads two quads and its chunks, one at a time (listings stream: a
# run of at most CORPUS_CHUNK_ROWS rows is held at once, as before).
# - Exact: the rows are those the summaries give (held equal to the full SPARQL by the tests),
#   and the chunks decode to them exactly (tests/graph/test_summary_tables.py).
# - Never stale: the tables read the plan graphs' names, their summaries and their sources, so
#   every write of a plan or summary graph by policykg removes CORPUS_GRAPH in the same update
#   (graph/store.py `_replace_update`, which graph/writer.py's replacements, `Store.replace_graphs`
#   and `rebuild_summaries` use; `Store.remove_document`), or, for new plans written with
#   `Store.load` / `bulk_load` (which can only add quads), in the transaction just before the
#   plans' (graph/writer.py): from then on no reader finds a table, whether the plans' write
#   succeeds, fails or is cut off. The build writes the tables again at its end
#   (`write_corpus_tables`), after its plans and summaries. The store takes one writing process
#   (RocksDB's lock), and within it the build is the only writer while it runs.
# - A table records its query's fingerprint (query text, format, vocabularies): after a query or
#   vocabulary edit it is not read (the summaries, or the SPARQL, answer) until a build writes it.
# - The chunks' IRIs carry a digest of their text, so a reader never mixes the chunks of two
#   tables (a table written again while a listing is read makes the reader fail, not mix).
# Writes outside policykg (a SPARQL update, `oxigraph load`) bypass this as they bypass the plans'
# summaries: a summary is as fresh as its plan's last build, and so is a table.

CORPUS_GRAPH = ox.NamedNode(ID + "summary-corpus")
CORPUS_FINGERPRINT = ox.NamedNode(SUMMARY_NS + "corpusFingerprint")
CORPUS_CHUNKS = ox.NamedNode(SUMMARY_NS + "corpusChunks")
CORPUS_ROWS = ox.NamedNode(SUMMARY_NS + "corpusRows")
CORPUS_CHUNK_ROWS = 50000
# The chunks go to Oxigraph's write buffers (RocksDB memtables), which it flushes on its own only
# when they are full (128 MB each, up to six, as graph/writer.py FLUSH_BYTES says of the plans):
# the tables of 10k plans (~180 MB of text) stayed in memory after their write. `_write_table`
# flushes them every TABLE_FLUSH_BYTES of chunks written (`table_write_buffers`, shared by the tables of one
# write), and `write_corpus_tables` once more at its end (issue #24). On the 10k store the phase's
# peak was 611 MB unflushed, 563 flushed every 64 MB (+1.1 CPU-s), 521 every 16 MB (+6.3 CPU-s,
# the flushes' writes and, likely, RocksDB compacting the level-0 files they add): 64 MB, as the
# writer's FLUSH_BYTES.
TABLE_FLUSH_BYTES = 64 << 20
# Prepended to (or run just before) every update that writes a plan or summary graph.
DROP_CORPUS_TABLES = f"DROP SILENT GRAPH {CORPUS_GRAPH}"


# The analysis tables (`ANALYSED`) sit in the same graph, so every drop above removes them too;
# `policykg analyze` also removes them alone (DROP_ANALYSIS_TABLES: the summarised queries' tables
# stay), before or in the same transaction as its write of the analysis graph, and writes them
# again once the graph is complete. Each carries, under its IRI and digest (so the same drops
# remove it), the index of the rows a city or a source selects (analysis_scope.py).
ANALYSIS_TABLES_PREFIX = f"{CORPUS_GRAPH.value}/analysis/"
DROP_ANALYSIS_TABLES = (f"DELETE {{ GRAPH {CORPUS_GRAPH} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {CORPUS_GRAPH} "
                        f"{{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), \"{ANALYSIS_TABLES_PREFIX}\")) }} }}")


def invalidates_corpus_tables(graph: str) -> bool:
    """Whether writing named graph `graph` can change a corpus table (a plan or summary graph)."""
    return graph.startswith(DOCUMENT_GRAPH_PREFIX) or graph.startswith(SUMMARY_GRAPH_PREFIX)


def drop_corpus_tables(store: ox.Store) -> None:
    """Remove every corpus table (one transaction; nothing to do when there is none)."""
    if store.contains_named_graph(CORPUS_GRAPH):
        store.update(DROP_CORPUS_TABLES)


def invalidates_analysis_tables(graph: str) -> bool:
    """Whether writing named graph `graph` can change an analysis table (the analysis graph;
    a plan or summary graph drops every corpus table, `invalidates_corpus_tables`)."""
    return graph == ANALYSIS_GRAPH.value


def drop_analysis_tables(store: ox.Store) -> None:
    """Remove the analysis tables only (one transaction; nothing to do when there is none)."""
    if store.contains_named_graph(CORPUS_GRAPH):
        store.update(DROP_ANALYSIS_TABLES)


def _table_path(name: str) -> str:
    return f"{ANALYSIS_TABLES_PREFIX}{name}" if name in ANALYSED else f"{CORPUS_GRAPH.value}/{name}"


def _table_node(name: str) -> ox.NamedNode:
    return ox.NamedNode(_table_path(name))


def _chunk_node(name: str, digest: str, index: int) -> ox.NamedNode:
    return ox.NamedNode(f"{_table_path(name)}/{digest}/{index}")


def _table_head(store: ox.Store, name: str) -> tuple[int, str] | None:
    """(chunk count, digest) of query `name`'s corpus table when the store holds one of the
    query's current fingerprint, else None."""
    node = _table_node(name)
    recorded = next(store.quads_for_pattern(node, CORPUS_FINGERPRINT, None, CORPUS_GRAPH), None)
    if recorded is None or recorded.object.value != fingerprint(name):
        return None
    chunks = next(store.quads_for_pattern(node, CORPUS_CHUNKS, None, CORPUS_GRAPH), None)
    if chunks is None:
        return None
    count, digest = chunks.object.value.split(" ")
    return int(count), digest


def table_rows(store: ox.Store, name: str) -> Iterator[list[str | None]] | None:
    """The whole-corpus rows of query `name` from its corpus table, chunk by chunk, or None when
    the store holds no current table of it."""
    head = _table_head(store, name)
    return None if head is None else _table_chunks(store, name, *head)


def _table_chunks(store: ox.Store, name: str, count: int, digest: str) -> Iterator[list[str | None]]:
    for index in range(count):
        chunk = next(store.quads_for_pattern(_chunk_node(name, digest, index), CORPUS_ROWS, None, CORPUS_GRAPH), None)
        if chunk is None:
            raise RuntimeError(f"the corpus table of {name!r} was removed or written again while it was read")
        with _collector_paused():  # one run of rows at a time, as `_streamed_rows`
            rows = _decode_table(chunk.object.value)
        yield from rows


def corpus_tables_current(store: ox.Store, names: Iterable[str] = SUMMARISED) -> bool:
    return all(_table_head(store, name) is not None for name in names)


def table_write_buffers() -> WriteBuffers:
    """A count of the table chunks written since the last flush, shared by the tables of one write."""
    return WriteBuffers(TABLE_FLUSH_BYTES)


def _write_table(store: ox.Store, name: str, rows: Iterator[list[str | None]], scope_index=None,
                 flushes: WriteBuffers | None = None) -> None:
    """Write query `name`'s corpus table of `rows` (whole-corpus rows in their order): its chunks,
    then its fingerprint, chunk count and digest (the head); with `scope_index` (an analysis
    table's analysis_scope.py `ScopeIndex`, which watches the rows go by) its per-source
    and per-city index too, under the same digest (which covers both), in the head's transaction.

    Memory stays one chunk, whatever the corpus: the encoded chunks wait in a temporary file
    while the digest is computed (their IRIs carry it), then each is written in a transaction
    of its own, and the head last. A reader finds a table only through its head
    (`_table_head`), so it sees the whole table or none; a write that stops half-way leaves
    chunks with no head, never read and removed by the next drop (the whole graph, or every
    analysis table's IRIs). Oxigraph's write buffers are flushed every TABLE_FLUSH_BYTES of
    chunks (`flushes`: the count of the tables written before this one, else a new count)."""
    if scope_index is not None:
        rows = scope_index.watch(rows)
    if flushes is None:
        flushes = table_write_buffers()
    hashed = hashlib.sha256()
    sizes: list[int] = []
    with tempfile.TemporaryFile(prefix="policykg-table-") as spool:
        while True:
            with _collector_paused():
                chunk = list(islice(rows, CORPUS_CHUNK_ROWS))
            if not chunk:
                break
            data = _encode_table(chunk).encode()
            del chunk
            if sizes:
                hashed.update(b"\0")  # the digest of the chunks joined by NUL, as before
            hashed.update(data)
            spool.write(data)
            sizes.append(len(data))
        entries = scope_index.entries() if scope_index is not None else None
        for entry in entries or ():
            hashed.update("\0".join(["", entry[0], entry[1], entry[2].value, entry[3]]).encode())
        digest = hashed.hexdigest()[:16]
        spool.seek(0)
        for index, size in enumerate(sizes):
            text = spool.read(size).decode()
            quad = ox.Quad(_chunk_node(name, digest, index), CORPUS_ROWS, ox.Literal(text), CORPUS_GRAPH)
            store.load(ox.serialize([quad], format=NQ), format=NQ)
            flushes.wrote(store, size)
    node = _table_node(name)
    quads = [ox.Quad(node, CORPUS_FINGERPRINT, ox.Literal(fingerprint(name)), CORPUS_GRAPH),
             ox.Quad(node, CORPUS_CHUNKS, ox.Literal(f"{len(sizes)} {digest}"), CORPUS_GRAPH)]
    if entries is not None:
        from .analysis_scope import index_quads

        quads += index_quads(node.value, digest, entries)
    store.load(ox.serialize(quads, format=NQ), format=NQ)


__all__ = ["ANALYSIS_TABLES_PREFIX", "CORPUS_GRAPH", "DROP_ANALYSIS_TABLES", "DROP_CORPUS_TABLES", "corpus_tables_current",
           "drop_analysis_tables", "drop_corpus_tables", "invalidates_analysis_tables", "invalidates_corpus_tables",
           "table_rows"]
