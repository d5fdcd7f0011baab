"""Per-city, per-source and whole-corpus timings of the queries that read `policykg analyze`'s graph
(instrument_mix, pmc_features, plan_similarity, measure_reuse) and of `incentives`, on a built
store (issue #24: per city p50 <= 50 ms, whole corpus <= 2 s at 10,000 plans).

Each is timed two ways in the same process: the query's SPARQL (`run_query(use_summary=False)`, the
restriction lines for a city or a source), and `run_query` as users get it, which reads the
analysis tables (graph/summaries/ ANALYSED, written by `policykg analyze`, or here with
`--write-tables`): the whole corpus from the table, a city or a source from the table's index
(graph/summaries/analysis_scope.py) when it answers, else the SPARQL. The rows of both are compared
(same rows, same order), and "index answered" counts the scopes the index served. Optionally the
texts of an older checkout (`--before DIR` of .rq files), SPARQL only, on the same store. A
benchmark, not a test.

Usage:
    .venv/bin/python bench/bench_analysis.py STORE [--cities 5] [--sources 10] [--before DIR]
        [--queries a,b] [--write-tables] [--skip-whole]
Figures are CPU seconds of this process (pyoxigraph evaluates in the calling thread, so CPU time
is the figure that holds on a shared machine); per city, the median and max over the cities that
bench/bench_queries.py's `cities_of` spreads over the plans-per-city distribution; per source,
over sources spread over the sorted file names. `--write-tables` times `write_analysis_tables` as
analyze calls it (measure_reuse's and instrument_mix's rows from analyze's reuse links and
classifications, graph/summaries/analysis_rows.py, read back from the graph here) and as before
(the SPARQL of each query once), checks that both write the same tables, and gives each query's
SPARQL, rows made without it, and the index's share apart.
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


_LINKS = """PREFIX pk: <https://w3id.org/policykg/ns#> PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?source ?target ?score ?shared ?longest ?ss ?se ?ts ?te WHERE { GRAPH <https://w3id.org/policykg/id/graph/analysis> {
  ?link a pk:Reuse ; pk:source ?source ; pk:target ?target ; pk:score ?score ; pk:sharedChars ?shared ;
        pk:longestSpan ?longest ; pk:evidence ?s , ?t .
  ?s pk:textOf ?source ; oa:start ?ss ; oa:end ?se . ?t pk:textOf ?target ; oa:start ?ts ; oa:end ?te } }"""


def graph_links(store: ox.Store) -> list:
    """The reuse links analyze held when it wrote the store's analysis graph (text_reuse.ReuseLink),
    read back from it: each side's quote cut from the measure's pk:body or the framework item's
    pk:text by its span (as the graph's evidence says, whichever form it is written in)."""
    from policykg.graph.analysis.text_reuse import ReuseLink

    texts: dict[str, str] = {}

    def text(iri: str) -> str:
        if iri not in texts:
            node = ox.NamedNode(iri)
            quad = next(store.quads_for_pattern(node, ox.NamedNode("https://w3id.org/policykg/ns#body"), None, None), None) \
                or next(store.quads_for_pattern(node, ox.NamedNode("https://w3id.org/policykg/ns#text"), None, None))
            texts[iri] = quad.object.value
        return texts[iri]

    links = []
    for row in store.query(_LINKS, use_default_graph_as_union=True):
        source, target = row["source"].value, row["target"].value
        ss, se, ts, te = (int(row[name].value) for name in ("ss", "se", "ts", "te"))
        links.append(ReuseLink(source, target, float(row["score"].value), int(row["shared"].value),
                               int(row["longest"].value), (ss, se), (ts, te), text(source)[ss:se], text(target)[ts:te]))
    return links


_CLASSIFICATIONS = """PREFIX pk: <https://w3id.org/policykg/ns#>
SELECT ?measure ?concept ?score ?primary WHERE { GRAPH <https://w3id.org/policykg/id/graph/analysis> {
  ?c a pk:Classification ; pk:measure ?measure ; pk:scheme "instrument" ; pk:concept ?concept ;
     pk:score ?score ; pk:primary ?primary } }"""


def graph_decisions(store: ox.Store) -> dict:
    """The instrument classifications analyze held (measure IRI -> {"instrument": [Decision]}),
    read back from the graph (those it wrote: score MIN_SCORE or more; no matches kept)."""
    from policykg.graph.analysis.keyword_classifier import Decision, load_scheme

    concepts = {concept.iri: concept for concept in load_scheme("instrument")}
    decisions: dict = {}
    for row in store.query(_CLASSIFICATIONS):
        decision = Decision(concepts[row["concept"].value], int(row["score"].value), (), row["primary"].value == "true")
        decisions.setdefault(row["measure"].value, {"instrument": []})["instrument"].append(decision)
    return decisions


def _table_quads(store: ox.Store) -> set[str]:
    from policykg.graph.summaries import corpus_tables

    return {str(q) for q in store.quads_for_pattern(None, None, None, corpus_tables.CORPUS_GRAPH)
            if q.subject.value.startswith(corpus_tables.ANALYSIS_TABLES_PREFIX)}


def write_tables(path: str, names: list[str], breakdown: bool = True) -> None:
    """`write_analysis_tables` as analyze calls it (with its reuse links and classifications, read
    back from the graph here: not timed, analyze holds them) and without them (every table by its
    SPARQL, as before), in this order, then as analyze again; the tables (rows, chunks, index,
    digests) compared."""
    from policykg.graph.summaries import analysis_rows, analysis_scope, corpus_tables, summary_format

    writable = ox.Store(path)
    analysed = [name for name in names if name in summary_format.ANALYSED]
    handed = {"reuse_links": graph_links(writable) if "measure_reuse" in analysed else None,
              "decisions": graph_decisions(writable) if "instrument_mix" in analysed else None}
    runs = []
    for label, given in (("with analyze's links and classifications", handed), ("by the SPARQL alone (before)", {}),
                         ("with analyze's links and classifications, again", handed)):
        cpu, written = cpu_run(lambda: analysis_rows.write_analysis_tables(writable, analysed, **given))
        runs.append(_table_quads(writable))
        print(f"wrote {written} analysis tables {label} in {cpu:.2f} CPU-s (the tables and their index)", flush=True)
    print(f"same tables (rows, chunks, index, digests) each time: {runs[0] == runs[1] == runs[2]} "
          f"({len(runs[0]):,} quads)", flush=True)
    if not breakdown:
        return
    from policykg.queries import iter_query

    cpu, _ = cpu_run(lambda: analysis_scope.scope_indexes(writable, analysed))
    print(f"of which the index's reads of the store: {cpu:.2f} CPU-s")
    made = {"measure_reuse": (analysis_rows.measure_reuse_rows, handed["reuse_links"]),
            "instrument_mix": (analysis_rows.instrument_mix_rows, handed["decisions"])}
    for name in analysed:
        if name in made:
            produce, computed = made[name]
            cpu, rows = cpu_run(lambda: produce(writable, computed))
            print(f"  {name} rows from what analyze holds: {cpu:.2f} CPU-s ({len(rows or ()):,} rows)")

        cpu, count = cpu_run(lambda: sum(1 for _ in iter_query(writable, summary_format._named(name), use_summary=False)[1]))
        print(f"  {name} SPARQL: {cpu:.2f} CPU-s ({count:,} rows)", flush=True)

    def index_again() -> int:
        indexes = analysis_scope.scope_indexes(writable, analysed)
        entries = 0
        for name, index in indexes.items():
            for _ in index.watch(corpus_tables.table_rows(writable, name)):
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
    ap.add_argument("--write-only", action="store_true",
                    help="with --write-tables: time the writes only (no per-query breakdown, no query timings)")
    args = ap.parse_args()

    from policykg.graph.summaries import analysis_scope, corpus_tables, summary_format
    from policykg.queries import load_query, parse_query_file, run_query

    names = args.queries.split(",")
    if args.write_tables:
        write_tables(args.store, names, breakdown=not args.write_only)
        if args.write_only:
            return
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
            if name in summary_format.ANALYSED:
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
              f"{f'{answered}/{len(scopes)}' if name in summary_format.ANALYSED else '–'} | {same} | {before} |", flush=True)
        if not args.skip_whole:
            expected = None
            if not args.skip_whole_sparql:
                sparql_cpu, (_, expected) = cpu_run(lambda: run_query(store, query, use_summary=False))
            read_cpu, (_, got) = cpu_run(lambda: run_query(store, query))
            table = name in summary_format.ANALYSED and corpus_tables.table_rows(store, name) is not None
            whole_lines.append(f"| {name} | {len(got):,} | {'–' if expected is None else f'{sparql_cpu:.2f}'} | "
                               f"{read_cpu:.3f} | {'table' if table else 'SPARQL'} | "
                               f"{'–' if expected is None else got == expected} |")
    if whole_lines:
        print("\nWhole corpus, CPU-s:\n\n| query | rows | SPARQL | run_query | run_query read | same rows |")
        print("|---|---|---|---|---|---|")
        print("\n".join(whole_lines), flush=True)


if __name__ == "__main__":
    main()
