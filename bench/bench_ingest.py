"""Benchmark: ingest speed of the seed corpus, against the floor of just loading and cleaning it.

Prints docs/s, chars/s and triples/s for each stage, measured in one run so the ratios hold on a
noisy machine (a benchmark, not a timed test). Usage:
    .venv/bin/python bench/bench_ingest.py [--repeat N] [DIR]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from policykg.extract import extract_text
from policykg.extract.load import load_path
from policykg.graph.rdf import result_to_quads
from policykg.graph.store import Store
from policykg.graph.writer import DocumentWriter, Prepared


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder", nargs="?", default="data/seeds")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    files = sorted(Path(args.folder).glob("*.txt"))
    extract_text("一、重点任务\n1.甲。内容。", "warmup.txt")   # build the pipeline once

    t_load, loaded = timed(lambda: [load_path(f) for f in files], args.repeat)
    chars = sum(len(x.text) for x in loaded)
    t_extract, results = timed(lambda: [extract_text(x.text, x.source) for x in loaded], args.repeat)
    t_rdf, quads = timed(lambda: [result_to_quads(r) for r in results], args.repeat)
    n_quads = sum(len(q) for _, q in quads)

    import pyoxigraph as ox

    # new stores opened before the clock starts: opening RocksDB is not part of writing
    folder = tempfile.TemporaryDirectory()
    stores = iter([Store.open(Path(folder.name) / f"store{i}", create=True) for i in range(args.repeat)])

    def write():  # as `policykg build` writes a few plans: N-Quads, one transaction per plan
        store = next(stores)
        writer = DocumentWriter(store, lambda item, problem: None)
        for (graph, qs), f in zip(quads, files):
            writer.add(Prepared(f, graph.value, ox.serialize(qs, format=ox.RdfFormat.N_QUADS), len(qs)))
        writer.close()
        store.flush()

    t_store, _ = timed(write, args.repeat)
    folder.cleanup()
    total = t_load + t_extract + t_rdf + t_store
    n = len(files)
    print(f"{n} documents, {chars:,} cleaned chars, {n_quads:,} quads (median of {args.repeat} runs)")
    for name, t in [("load+clean (floor)", t_load), ("extract", t_extract), ("to RDF", t_rdf), ("store write", t_store), ("total", total)]:
        print(f"{name:20s} {t * 1000:8.1f} ms  {n / t:8.1f} docs/s  {chars / t / 1e6:6.2f} M chars/s")
    print(f"ingest / floor ratio: {total / t_load:.1f}x")


if __name__ == "__main__":
    main()
