"""Per-city, per-source and whole-corpus timings of the queries that read `policykg analyze`'s graph
(instrument_mix, pmc_features, plan_similarity, measure_reuse) and of `incentives`, on a built
store (issue #24: per city p50 <= 50 ms, whole corpus <= 2 s at 10,000 plans).

Each is timed two ways in the same process: the query's SPARQL (`run_query(use_summary=False)`,
the restriction lines for a city or a source), and `run_query` as users get it, which reads the
analysis tables (graph/summary.py ANALYSED, written by `policykg analyze`, or here with
`--write-tables`): the whole corpus from the table, a city or a source from the table's index
(graph/analysis_scope.py) when it answers, else the SPARQL. The rows of both are compared (same
rows, same order), and "index answered" counts the scopes the index served. Optionally the texts
of an older checkout (`--before DIR` of .rq files), SPARQL only, on the same store. A benchmark,
not a test.

Usage:
    .venv/bin/python bench/bench_analysis.py STORE [--cities 5] [--sources 10] [--before DIR]
        [--queries a,b] [--write-tables] [--skip-whole]
Figures are CPU seconds of this process (pyoxigraph evaluates in the calling thread, so CPU time
is the figure that holds on a shared machine); per city, the median and max over the cities that
bench/bench_queries.py's `cities_of` spreads over the plans-per-city distribution; per source,
over sources spread over the sorted file names. `--write-tables` times `write_analysis_tables`
(the SPARQL of each query once, the tables and their index) and, apart, the index's share: its
reads of the store, its watching of the rows and its encoding, run again over the tables' rows.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_queries import cities_of  # noqa: E402

QUERIES = ("incentives", "instrument_mix", "pmc_features", "plan_similarity", "measure_reuse")


def cpu_run(fn) -> tuple[float, object]:
    start = time.process_time()
    value = fn()
    return time.process_time() - start, value


def sources_of(store: ox.Store, count: int) -> list[str]:
    from policykg.queries import run_query

    columns, rows = run_query(store, "plans")
    sources = sorted({dict(zip(columns, row))["source"] for row in rows})
    step = max(1, len(sources) // max(1, count))
    return sources[::step][:count]


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {max(values):.1f}" if values else "–"


def write_tables(path: str, names: list[str]) -> None:
    from policykg.graph import analysis_scope, summary

    writable = ox.Store(path)
    analysed = [name for name in names if name in summary.ANALYSED]
    cpu, written = cpu_run(lambda: summary.write_analysis_tables(writable, analysed))
    print(f"wrote {written} analysis tables in {cpu:.2f} CPU-s (the SPARQL of each once, the tables, their index)")

    def index_again() -> int:
        indexes = analysis_scope.scope_indexes(writable, analysed)
        entries = 0
        for name, index in indexes.items():
            for _ in index.watch(summary.table_rows(writable, name)):
                pass
            entries += len(index.entries() or ())
        return entries

    cpu, entries = cpu_run(index_again)
    print(f"of which the index (store reads, watching the rows, {entries:,} entries encoded), "
          f"run again over the tables' rows: {cpu:.2f} CPU-s", flush=True)
    del writable


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--cities", type=int, default=5)
    ap.add_argument("--sources", type=int, default=10)
    ap.add_argument("--before", type=Path, help="folder of older .rq texts to time on the same store")
    ap.add_argument("--queries", default=",".join(QUERIES))
    ap.add_argument("--skip-whole", action="store_true", help="per city and source only")
    ap.add_argument("--skip-whole-sparql", action="store_true",
                    help="whole corpus through run_query only (at 10k each SPARQL takes minutes; "
                         "--write-tables has just run it)")
    ap.add_argument("--write-tables", action="store_true",
                    help="(re)write the analysis tables first (opens the store for writing) and time it")
    args = ap.parse_args()

    from policykg.graph import analysis_scope, summary
    from policykg.queries import load_query, parse_query_file, run_query

    names = args.queries.split(",")
    if args.write_tables:
        write_tables(args.store, names)
    store = ox.Store.read_only(args.store)
    cities, sources = cities_of(store, args.cities), sources_of(store, args.sources)
    print(f"store {args.store}: {len(store):,} quads; cities {', '.join(cities)}; {len(sources)} sources", flush=True)
    print("\nCPU-ms per city / per source (p50 / max); SPARQL = the restriction lines, run_query = as users "
          "get it (the index when it answers)\n")
    print("| query | per-city rows | city SPARQL | city run_query | source SPARQL | source run_query "
          "| index answered | same rows | before: city SPARQL |")
    print("|---|---|---|---|---|---|---|---|---|")
    whole_lines: list[str] = []
    for name in names:
        query = load_query(name)
        scopes = [("city", {"city": c}) for c in cities] + [("source", {"source": s}) for s in sources]
        cpu: dict[tuple[str, str], list[float]] = {}
        same, answered, city_rows = True, 0, []
        for kind, params in scopes:
            sparql_cpu, (_, expected) = cpu_run(lambda: run_query(store, query, params, use_summary=False))
            read_cpu, (_, got) = cpu_run(lambda: run_query(store, query, params))
            cpu.setdefault((kind, "sparql"), []).append(sparql_cpu * 1000)
            cpu.setdefault((kind, "read"), []).append(read_cpu * 1000)
            same = same and got == expected
            if name in summary.ANALYSED:
                answered += analysis_scope.scoped_rows(store, name, params) is not None
            if kind == "city":
                city_rows.append(len(expected))
        before = "–"
        if args.before and (args.before / f"{name}.rq").is_file():
            old = parse_query_file(args.before / f"{name}.rq", name=name)
            before = spread([cpu_run(lambda: run_query(store, old, {"city": c}, use_summary=False))[0] * 1000
                             for c in cities])
        print(f"| {name} | {'/'.join(map(str, city_rows))} | {spread(cpu[('city', 'sparql')])} | "
              f"{spread(cpu[('city', 'read')])} | {spread(cpu[('source', 'sparql')])} | "
              f"{spread(cpu[('source', 'read')])} | "
              f"{f'{answered}/{len(scopes)}' if name in summary.ANALYSED else '–'} | {same} | {before} |", flush=True)
        if not args.skip_whole:
            expected = None
            if not args.skip_whole_sparql:
                sparql_cpu, (_, expected) = cpu_run(lambda: run_query(store, query, use_summary=False))
            read_cpu, (_, got) = cpu_run(lambda: run_query(store, query))
            table = name in summary.ANALYSED and summary.table_rows(store, name) is not None
            whole_lines.append(f"| {name} | {len(got):,} | {'–' if expected is None else f'{sparql_cpu:.2f}'} | "
                               f"{read_cpu:.3f} | {'table' if table else 'SPARQL'} | "
                               f"{'–' if expected is None else got == expected} |")
    if whole_lines:
        print("\nWhole corpus, CPU-s:\n\n| query | rows | SPARQL | run_query | run_query read | same rows |")
        print("|---|---|---|---|---|---|")
        print("\n".join(whole_lines), flush=True)


if __name__ == "__main__":
    main()
