"""A synthetic large store from a built one: N renamed copies of every plan (issue #24).

Why: a 10,000-plan build takes hours on a shared 2-core machine, and the whole-corpus read path
(graph/summaries/) is measured by how many plans and summary literals it reads, not by how
varied they are. Each copy of a plan is a distinct plan: its name stem (the file name without
its suffix, which the plan graph, the plan's IRIs, its `dcterms:source` and its summary graph
and summary literals all carry) is renamed `<stem>-<copy>` everywhere in the plan graph and
its summary graph, by a replacement of the N-Quads text, so the summaries stay exactly those
of the renamed plan (string tables and JSON hold the names as text; packed indexes do not
change). Agencies, places and vocabularies are shared, as between plans of one city. Every
other graph (vocabularies, places) is copied once, but for the source's corpus tables: they hold
the source's rows, so they are left out and written for the copies at the end, as a build does
(`write_corpus_tables`). The result is written as one N-Quads file and given to one `bulk_load`
(a new store), then the file is deleted.

Usage:
    .venv/bin/python bench/replicate_store.py SOURCE_STORE TARGET_STORE --copies 10
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

NQ = ox.RdfFormat.N_QUADS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source")
    ap.add_argument("target")
    ap.add_argument("--copies", type=int, default=10)
    args = ap.parse_args()

    from policykg.graph.summaries.corpus_rows import write_corpus_tables
    from policykg.graph.summaries.corpus_tables import CORPUS_GRAPH
    from policykg.graph.summaries.summary_format import DOCUMENT_GRAPH_PREFIX, summary_graph

    if Path(args.target).exists():
        raise SystemExit(f"{args.target} exists: give a new folder")
    started = time.process_time()
    source = ox.Store.read_only(args.source)
    graphs = sorted(g.value for g in source.named_graphs())
    documents = [g for g in graphs if g.startswith(DOCUMENT_GRAPH_PREFIX)]
    summaries = {summary_graph(g) for g in documents}
    others = [g for g in graphs if g not in summaries and not g.startswith(DOCUMENT_GRAPH_PREFIX)
              and g != CORPUS_GRAPH.value]  # the source's rows: written anew below
    handle, spool = tempfile.mkstemp(prefix=".replicate-", suffix=".nq", dir=Path(args.target).parent)
    written = 0
    try:
        with os.fdopen(handle, "wb") as out:
            for graph in others:
                written += out.write(ox.serialize(source.quads_for_pattern(None, None, None, ox.NamedNode(graph)),
                                                  format=NQ))
            for graph in documents:
                stem = unquote(graph.removeprefix(DOCUMENT_GRAPH_PREFIX)).rsplit(".", 1)[0].encode()
                text = b"".join(ox.serialize(source.quads_for_pattern(None, None, None, ox.NamedNode(g)), format=NQ)
                                for g in (graph, summary_graph(graph)))
                if text.count(stem) == 0:
                    raise SystemExit(f"{graph}: its name stem does not occur in its quads")
                for copy in range(args.copies):
                    written += out.write(text.replace(stem, stem + f"-{copy}".encode()))
        target = ox.Store(args.target)
        target.bulk_load(path=spool, format=NQ)
        tables = write_corpus_tables(target)
        target.flush()
        target.optimize()
    finally:
        Path(spool).unlink(missing_ok=True)
    print(f"{len(documents)} plans x {args.copies} copies into {args.target}: {written / 1e9:.2f} GB of N-Quads, "
          f"{tables} corpus tables written, {time.process_time() - started:.0f} CPU-s in this process")


if __name__ == "__main__":
    main()
