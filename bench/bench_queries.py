"""Named-query timings on a built store (issue #24): every shipped query over the whole corpus as
users get it (from the plans' summaries where graph/summaries/ holds the query), the full SPARQL
of the summarised queries for comparison, and per-city runs (as served, from the city's plans'
summaries where they answer, and the full SPARQL unless --skip-full); optionally the query texts
of an older checkout (`--before DIR` of .rq files) on the same store. A benchmark, not a test.
`--read-path` instead splits each summarised query's whole-corpus read (issue #24): from its corpus
table (the head checked, the chunks read, decoded) and from the plans' summaries (the check that
every plan's summary is current, reading the plans' literals, decoding and combining them), and
the garbage collections `run_query` set off (all rows kept in a list, as users get them).
`--digest` prints each query's CPU-s and a digest of its rows: run once with an older checkout on
PYTHONPATH and once with this one, on the same store, it gives before/after and same-rows.

Usage:
    .venv/bin/python bench/bench_queries.py STORE [--cities 5] [--before DIR] [--queries a,b]
    .venv/bin/python bench/bench_queries.py STORE --read-path [--queries a,b]
    [PYTHONPATH=OLD] .venv/bin/python bench/bench_queries.py STORE --digest [--queries a,b]
Times are wall seconds and CPU seconds of this process (pyoxigraph evaluates in the calling
thread, so CPU time is the figure that holds on a shared machine).
"""
from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

import pyoxigraph as ox


def timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def cities_of(store: ox.Store, count: int) -> list[str]:
    """`count` cities spread over the distribution of plans per city (largest first)."""
    from policykg.queries import run_query

    columns, rows = run_query(store, "plans")
    counts: dict[str, int] = {}
    for row in rows:
        city = dict(zip(columns, row))["jurisdiction"]
        if city:
            counts[city] = counts.get(city, 0) + 1
    ranked = sorted(counts, key=lambda c: (-counts[c], c))
    step = max(1, len(ranked) // max(1, count))
    return ranked[::step][:count]


def read_path(store: ox.Store, names: list[str]) -> None:
    """Per summarised query: CPU-s of `run_query` (second of two runs; its collections), and of the
    parts of both whole-corpus read paths: the corpus table (its head checked, its chunks read,
    decoded) and the plans' summaries (current check, literal reads, decoding and combining)."""
    from policykg.graph.summaries import corpus_rows, corpus_tables, summary_format, table_codec
    from policykg.queries import run_query

    print("| query | rows | run_query CPU-s | served from | table: head / read / decode | table MB "
          "| summaries: check / read / decode + combine | summaries MB | collections (young, middle, full) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in names:
        if name not in summary_format.SUMMARISED:
            continue
        run_query(store, name)
        counts = [0, 0, 0]

        def count(phase, info):
            if phase == "start":
                counts[info["generation"]] += 1

        gc.callbacks.append(count)
        try:
            _, cpu, (_, rows) = timed(lambda: run_query(store, name))
        finally:
            gc.callbacks.remove(count)
        head_cpu, head = timed(lambda: corpus_tables._table_head(store, name))[1:]
        table, table_mb = "–", "–"
        if head is not None:
            def chunks():
                return [next(store.quads_for_pattern(corpus_tables._chunk_node(name, head[1], i),
                                                     corpus_tables.CORPUS_ROWS, None, corpus_tables.CORPUS_GRAPH)
                             ).object.value for i in range(head[0])]
            _, read, texts = timed(chunks)
            decode = timed(lambda: [table_codec._decode_table(text) for text in texts])[1]
            table = f"{head_cpu:.2f} / {read:.2f} / {decode:.2f}"
            table_mb = f"{sum(len(text.encode()) for text in texts) / 1e6:.1f}"
        summaries, summaries_mb = "–", "–"
        if name not in summary_format.ENGINE_ORDERED:
            check = timed(lambda: summary_format.summaries_complete(store, name))[1]
            reader = corpus_rows._plan_texts if name in summary_format.LISTINGS else corpus_rows._plan_texts_scanned
            _, read, texts = timed(lambda: list(reader(store, name)))
            combine = timed(lambda: list(corpus_rows._combined(name, texts)))[1]
            summaries = f"{check:.2f} / {read:.2f} / {combine:.2f}"
            summaries_mb = f"{sum(len(text.encode()) for text in texts) / 1e6:.1f}"
        served = "table" if head is not None else "summaries" if summary_format.summaries_complete(store, name) else "SPARQL"
        print(f"| {name} | {len(rows):,} | {cpu:.2f} | {served} | {table} | {table_mb} | {summaries} | {summaries_mb} "
              f"| {counts[0]}, {counts[1]}, {counts[2]} |", flush=True)


def digests(store: ox.Store, names: list[str]) -> None:
    """Per query, as users get it (`run_query`, all rows in a list): CPU-s of a first and a second
    run in this process, the rows, and a digest of the rows in order. Run with another checkout on
    PYTHONPATH, this compares two versions of the code on one store (same digest = same rows)."""
    import hashlib
    import json

    from policykg.queries import run_query

    for name in names:
        first = timed(lambda: run_query(store, name))[1]
        _, second, (_, rows) = timed(lambda: run_query(store, name))
        digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:16]
        print(f"{name}\t{len(rows)}\t{first:.3f}\t{second:.3f}\t{digest}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--cities", type=int, default=5)
    ap.add_argument("--before", type=Path, help="folder of older .rq texts to time on the same store")
    ap.add_argument("--queries", help="comma-separated names (default: every shipped query)")
    ap.add_argument("--skip-full", action="store_true", help="do not time the full SPARQL of summarised queries")
    ap.add_argument("--per-city-only", action="store_true", help="only the per-city runs (no whole-corpus run)")
    ap.add_argument("--read-path", action="store_true",
                    help="split the whole-corpus read of each summarised query (issue #24) and stop")
    ap.add_argument("--digest", action="store_true",
                    help="per query: CPU-s of two whole-corpus runs and a digest of the rows (tab-separated), and stop")
    args = ap.parse_args()

    from policykg.graph.summaries.scoped_rows import scoped_rows
    from policykg.graph.summaries.summary_format import SUMMARISED, summaries_complete
    from policykg.queries import load_query, parse_query_file, run_query, shipped_query_names

    store = ox.Store.read_only(args.store)
    names = args.queries.split(",") if args.queries else shipped_query_names()
    if args.read_path:
        read_path(store, names)
        return
    if args.digest:
        digests(store, names)
        return
    cities = cities_of(store, args.cities)
    print(f"store {args.store}: {len(store):,} quads; summaries complete: {summaries_complete(store)}; "
          f"cities {', '.join(cities)}", flush=True)
    print("| query | rows | whole corpus (as served) | source | full SPARQL | before (old text) "
          "| per city from | per-city p50 | per-city max | per-city p50 full SPARQL | per-city p50 before |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in names:
        query = load_query(name)
        wall, cpu, rows = 0.0, 0.0, []
        if not args.per_city_only:
            wall, cpu, (_, rows) = timed(lambda: run_query(store, query))
        served = "summary" if name in SUMMARISED and summaries_complete(store, name) else "SPARQL"
        full = before = "–"
        if name in SUMMARISED and served == "summary" and not args.skip_full and not args.per_city_only:
            w, c, _ = timed(lambda: run_query(store, query, use_summary=False))
            full = f"{w:.2f} s ({c:.2f} CPU-s)"
        old = None
        if args.before and (args.before / f"{name}.rq").is_file():
            old = parse_query_file(args.before / f"{name}.rq", name=name)
            if not args.per_city_only:
                w, c, _ = timed(lambda: run_query(store, old, use_summary=False))
                before = f"{w:.2f} s ({c:.2f} CPU-s)"
        per_city, per_city_cpu, per_city_before, full_cpu = [], [], [], []
        city_served = "–"
        if query.param("city") is not None:
            city_served = ("summary" if all(scoped_rows(store, name, {"city": city}) is not None for city in cities)
                           else "SPARQL") if name in SUMMARISED else "SPARQL"
            for city in cities:
                w, c, _ = timed(lambda: run_query(store, query, {"city": city}))
                per_city.append(w)
                per_city_cpu.append(c)
                if name in SUMMARISED and not args.skip_full:
                    full_cpu.append(timed(lambda: run_query(store, query, {"city": city}, use_summary=False))[1])
                if old is not None and old.param("city") is not None:
                    per_city_before.append(timed(lambda: run_query(store, old, {"city": city}))[0])
        p50 = (f"{statistics.median(per_city) * 1000:.0f} ms ({statistics.median(per_city_cpu) * 1000:.0f} CPU-ms)"
               if per_city else "–")
        worst = f"{max(per_city) * 1000:.0f} ms" if per_city else "–"
        p50_before = f"{statistics.median(per_city_before) * 1000:.0f} ms" if per_city_before else "–"
        p50_full = f"{statistics.median(full_cpu) * 1000:.0f} CPU-ms" if full_cpu else "–"
        print(f"| {name} | {len(rows)} | {wall:.2f} s ({cpu:.2f} CPU-s) | {served} | {full} | {before} "
              f"| {city_served} | {p50} | {worst} | {p50_full} | {p50_before} |", flush=True)


if __name__ == "__main__":
    main()
