"""Per-city and whole-corpus timings of the queries that read `policykg analyze`'s graph
(instrument_mix, pmc_features, plan_similarity, measure_reuse) and of `incentives`, on a built
store (issue #24: per city p50 <= 50 ms, whole corpus <= 2 s at 10,000 plans). Each timed run is
the query's SPARQL; when the store holds a current analysis table of the query (graph/summary.py
ANALYSED, written by `policykg analyze`, or here with `--write-tables`), the whole corpus is also
read through `run_query` from the table, and its rows compared with the SPARQL's. Optionally the
texts of an older checkout (`--before DIR` of .rq files) on the same store, and each one's rows
compared with the current text's. A benchmark, not a test.

Usage:
    .venv/bin/python bench/bench_analysis.py STORE [--cities 5] [--before DIR] [--queries a,b] [--write-tables]
Figures are CPU seconds of this process (pyoxigraph evaluates in the calling thread, so CPU time
is the figure that holds on a shared machine); per city, the median and max over the cities that
bench/bench_queries.py's `cities_of` spreads over the plans-per-city distribution.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--cities", type=int, default=5)
    ap.add_argument("--before", type=Path, help="folder of older .rq texts to time on the same store")
    ap.add_argument("--queries", default=",".join(QUERIES))
    ap.add_argument("--skip-whole", action="store_true", help="per city only")
    ap.add_argument("--write-tables", action="store_true",
                    help="(re)write the analysis tables first (opens the store for writing) and time it")
    args = ap.parse_args()

    from policykg.graph import summary
    from policykg.queries import load_query, parse_query_file, run_query

    if args.write_tables:
        writable = ox.Store(args.store)
        cpu, written = cpu_run(lambda: summary.write_analysis_tables(writable))
        print(f"wrote {written} analysis tables in {cpu:.2f} CPU-s (the SPARQL of each, once)", flush=True)
        del writable
    store = ox.Store.read_only(args.store)
    cities = cities_of(store, args.cities)
    print(f"store {args.store}: {len(store):,} quads; cities {', '.join(cities)}", flush=True)
    print("| query | rows | whole corpus CPU-s | before CPU-s | per-city rows | per-city p50 / max CPU-ms "
          "| before p50 / max CPU-ms | same rows as before |")
    print("|---|---|---|---|---|---|---|---|")
    tables: list[str] = []
    for name in args.queries.split(","):
        versions = {"now": load_query(name)}
        if args.before and (args.before / f"{name}.rq").is_file():
            versions["before"] = parse_query_file(args.before / f"{name}.rq", name=name)
        whole: dict[str, tuple[float, list]] = {}
        city_cpu: dict[str, list[float]] = {key: [] for key in versions}
        city_rows: dict[str, list] = {key: [] for key in versions}
        for key, query in versions.items():
            if not args.skip_whole:
                cpu, (_, rows) = cpu_run(lambda: run_query(store, query, use_summary=False))
                whole[key] = (cpu, rows)
            for city in cities:
                cpu, (_, rows) = cpu_run(lambda: run_query(store, query, {"city": city}, use_summary=False))
                city_cpu[key].append(cpu * 1000)
                city_rows[key].append(rows)
        same = "–"
        if "before" in versions:
            same = str(city_rows["now"] == city_rows["before"]
                       and (not whole or whole["now"][1] == whole["before"][1]))

        def p50(key: str) -> str:
            values = city_cpu.get(key) or []
            return f"{statistics.median(values):.0f} / {max(values):.0f}" if values else "–"

        if whole and summary.table_rows(store, name) is not None:
            cpu, (_, rows) = cpu_run(lambda: run_query(store, versions["now"]))
            tables.append(f"| {name} | {len(rows):,} | {whole['now'][0]:.2f} | {cpu:.3f} | "
                          f"{rows == whole['now'][1]} |")

        rows_now = f"{len(whole['now'][1]):,}" if whole else "–"
        print(f"| {name} | {rows_now} | {whole['now'][0]:.2f} | "
              f"{whole['before'][0] if 'before' in whole else float('nan'):.2f} | "
              f"{'/'.join(str(len(r)) for r in city_rows['now'])} | {p50('now')} | {p50('before')} | {same} |"
              if whole else
              f"| {name} | – | – | – | {'/'.join(str(len(r)) for r in city_rows['now'])} | {p50('now')} "
              f"| {p50('before')} | {same} |", flush=True)
    if tables:
        print("\nWhole corpus from the analysis tables:\n\n| query | rows | SPARQL CPU-s | table CPU-s | same rows |")
        print("|---|---|---|---|---|")
        print("\n".join(tables), flush=True)


if __name__ == "__main__":
    main()
