"""Benchmark: ingest at the store's own speed (issue #24), every figure from ONE run.

A shared 2-core machine makes wall time noisy, so the figures are CPU seconds
(resource.getrusage: user + system of this process and of the children it waited for) and
ratios between steps of the same run. On `--plans N` generated plans (bench/generate_corpus.py):

1. extraction: `load_path` + `extract_text` in this process -> plans/s per core (goal >= 100);
2. RDF mapping, before / after: the pre-#24 mapping (a pyoxigraph `Quad` per quad, then
   `ox.serialize`; graph/rdf.py as of commit BEFORE_MAPPING, loaded from git) against
   `result_to_nquads` (N-Quads lines written directly, compact graph): CPU and quads per plan;
   then the rest of a worker's steps on the same plans, CPU-ms a plan: the search-index rows
   (graph/search_index.py) and the summaries (graph/summaries/plan_summaries.py `summaries_nquads`, in tasks of
   graph/build.py's CHUNK_FILES plans), and within them each summarised query;
3. build, in a child process per writer mode (`policykg build --bulk` / `--no-bulk`, 2 workers):
   CPU of the build and its workers, peak RSS of the parent and of the largest worker, and the
   parent's peak RSS in each phase of the build (documents in, end of the store load, summaries,
   corpus tables, search index); the parent alone (the writer side) against the floor, and the
   CPU of its search-index writing;
4. `oxigraph load` floor: the bulk build's store dumped to N-Quads, then ONE `Store.bulk_load`
   of that file into a new store (what Oxigraph alone needs for the very same quads), and the
   same quads given to `bulk_load` in 250k-quad chunks (the pre-#24 writer) -> the ratios.

Usage:
    .venv/bin/python bench/bench_ingest.py --plans 1000 [--corpus DIR] [--workers 2] [--json OUT]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE_MAPPING = "125a709"  # graph/rdf.py before the N-Quads writer and the compact graph
CHUNK_QUADS = 250_000       # the pre-#24 bulk writer's chunk


def cpu_now(children: bool = True) -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    if children:
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += kids.ru_utime + kids.ru_stime
    return total


def corpus(plans: int, folder: Path | None) -> Path:
    if folder is not None and folder.is_dir():
        return folder
    target = folder or Path(tempfile.mkdtemp(prefix="bench-ingest-")) / "plans"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate_corpus.py"), str(target),
                    "--count", str(plans)], check=True, stdout=subprocess.DEVNULL)
    return target


def old_rdf_module():
    """graph/rdf.py as it was before issue #24 (from git), importable next to the current one."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE_MAPPING}:graph/rdf.py"],
                            check=True, capture_output=True, text=True).stdout
    path = ROOT / "graph" / "_bench_rdf_before.py"
    path.write_text(source, encoding="utf-8")
    try:
        spec = importlib.util.spec_from_file_location("policykg.graph._bench_rdf_before", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        path.unlink(missing_ok=True)
    return module


def extraction_and_mapping(files: list[Path]) -> dict:
    import pyoxigraph as ox

    from policykg.extract import extract_text
    from policykg.extract.load import load_path
    from policykg.graph.rdf import result_to_nquads

    old = old_rdf_module()
    extract_text("一、重点任务\n1.甲。内容。", "warmup.txt")   # build the pipeline once
    t0 = cpu_now(children=False)
    loaded = [load_path(f) for f in files]
    t_load = cpu_now(children=False) - t0
    t0 = cpu_now(children=False)
    results = [extract_text(x.text, x.source) for x in loaded]
    t_extract = cpu_now(children=False) - t0
    t0 = cpu_now(children=False)
    before = [ox.serialize(old.result_to_quads(r)[1], format=ox.RdfFormat.N_QUADS) for r in results]
    t_before = cpu_now(children=False) - t0
    quads_before = sum(data.count(b"\n") for data in before)
    del before
    t0 = cpu_now(children=False)
    after = [result_to_nquads(r) for r in results]
    t_after = cpu_now(children=False) - t0
    quads_after = sum(count for _, _, count in after)
    n = len(files)
    return {"sample_plans": n, "load_cpu_s": t_load, "extract_cpu_s": t_extract,
            "extraction_plans_per_cpu_s": n / (t_load + t_extract),
            "mapping_before_cpu_s": t_before, "mapping_after_cpu_s": t_after,
            "quads_per_plan_before": quads_before / n, "quads_per_plan_after": quads_after / n,
            **worker_steps([(graph.value, data) for graph, data, _ in after])}


def worker_steps(documents: list[tuple[str, bytes]]) -> dict:
    """CPU-ms a plan of a worker's steps after the mapping: search-index rows, then the summaries
    in tasks of CHUNK_FILES plans (the first task warms the vocabularies and is not counted), with
    each summarised query's share (`run_query` and coverage's Python count timed in place; the rest
    is loading the plans into the scratch store, encoding and the per-plan look-ups)."""
    from collections import Counter

    import policykg.queries as queries
    from policykg.graph.summaries import plan_summaries
    from policykg.graph.build import CHUNK_FILES
    from policykg.graph.search_index import document_search_rows

    t0 = cpu_now(children=False)
    for graph, data in documents:
        document_search_rows(graph, data)
    t_search = cpu_now(children=False) - t0
    spent: Counter = Counter()
    run_query, coverage_rows = queries.run_query, plan_summaries._coverage_rows

    def timed(name_of, function):
        def run(*args, **kwargs):
            start = cpu_now(children=False)
            try:
                return function(*args, **kwargs)
            finally:
                spent[name_of(args)] += cpu_now(children=False) - start
        return run

    plan_summaries.summaries_nquads(documents[:CHUNK_FILES])
    counted = documents[CHUNK_FILES:]
    queries.run_query = timed(lambda args: args[1].name, run_query)
    plan_summaries._coverage_rows = timed(lambda args: "coverage", coverage_rows)
    try:
        t0 = cpu_now(children=False)
        for start in range(0, len(counted), CHUNK_FILES):
            plan_summaries.summaries_nquads(counted[start:start + CHUNK_FILES])
        t_summaries = cpu_now(children=False) - t0
    finally:
        queries.run_query, plan_summaries._coverage_rows = run_query, coverage_rows
    per_plan = 1000 / max(len(counted), 1)
    return {"search_rows_ms": t_search * 1000 / len(documents), "summaries_ms": t_summaries * per_plan,
            "summary_query_ms": {name: cpu * per_plan for name, cpu in spent.most_common()}}


CHILD = """
import json, resource, sys, threading, time
from pathlib import Path
from policykg.graph import build as build_module, search_index, writer
from policykg.graph.summaries import corpus_rows, plan_summaries
from policykg.graph.build import build
from policykg.graph.store import Store
folder, store_path, mode, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
# the parent's peak RSS per phase of the build, sampled every 0.2 s (issue #24: what grows with the corpus)
phase, phase_rss = ["set-up"], {}
def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))
def sample():
    while True:
        phase_rss[phase[0]] = max(phase_rss.get(phase[0], 0), rss_mb())
        time.sleep(0.2)
threading.Thread(target=sample, daemon=True).start()
def entering(name, function, only_once=False):
    def run(*args, **kwargs):
        if not (only_once and name in phase_rss):
            phase_rss[name] = max(phase_rss.get(name, 0), rss_mb())
            phase[0] = name
        return function(*args, **kwargs)
    return run
writer.BackgroundWriter.add = entering("documents in", writer.BackgroundWriter.add, only_once=True)
writer.BackgroundWriter.stop = entering("store load ends, full-text table", writer.BackgroundWriter.stop, only_once=True)
plan_summaries.refresh_stale_summaries = entering("summaries refreshed", plan_summaries.refresh_stale_summaries)
corpus_rows.write_corpus_tables = entering("corpus tables", corpus_rows.write_corpus_tables)
build_module._refresh_search_index = entering("search index finished", build_module._refresh_search_index)
index_cpu = [0.0]  # CPU of the parent's thread writing the search index (thread time: the writer runs beside it)
def timed(method):
    def run(*args, **kwargs):
        start = time.thread_time()
        try:
            return method(*args, **kwargs)
        finally:
            index_cpu[0] += time.thread_time() - start
    return run
for name in ("add", "make_full_text", "finish"):
    setattr(search_index.BuildIndexer, name, timed(getattr(search_index.BuildIndexer, name)))
search_index.refresh_after_build = timed(search_index.refresh_after_build)
with Store.open(store_path, create=True) as store:
    report = build([folder], store, workers=workers, bulk=(mode == "bulk"))
    store.flush()
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"ingested": len(report.ingested), "failed": len(report.failed), "quads": report.quads_written,
                  "bulk": report.bulk, "parent_cpu_s": own.ru_utime + own.ru_stime,
                  "workers_cpu_s": kids.ru_utime + kids.ru_stime, "index_cpu_s": index_cpu[0],
                  "index_mb": search_index.search_index_path(store_path).stat().st_size / 1e6,
                  "parent_rss_mb": own.ru_maxrss / 1024, "worker_rss_mb": kids.ru_maxrss / 1024,
                  "phase_rss_mb": dict(phase_rss)}))
"""


def build_in_child(folder: Path, store: Path, mode: str, workers: int) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(store), mode, str(workers)],
                         check=True, capture_output=True, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    figures["wall_s"] = time.perf_counter() - t0
    figures["cpu_s"] = figures["parent_cpu_s"] + figures["workers_cpu_s"]
    return figures


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def oxigraph_floor(store_path: Path, scratch: Path) -> dict:
    """Dump the built store, then time Oxigraph alone loading the very same quads."""
    import pyoxigraph as ox

    from policykg.graph.bulk import dump_store
    from policykg.graph.store import Store

    dump = scratch / "corpus.nq"
    with Store.open(store_path) as store:
        quads = dump_store(store, dump)
    one = scratch / "one-stream"
    t0 = cpu_now(children=False)
    target = ox.Store(str(one))
    target.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    target.flush()
    t_one = cpu_now(children=False) - t0
    del target
    size_one = folder_mb(one)
    chunked = scratch / "chunked"
    t0 = cpu_now(children=False)
    target = ox.Store(str(chunked))
    lines: list[bytes] = []
    with dump.open("rb") as file:
        for line in file:
            lines.append(line)
            if len(lines) >= CHUNK_QUADS:
                target.bulk_load(b"".join(lines), format=ox.RdfFormat.N_QUADS)
                lines = []
    if lines:
        target.bulk_load(b"".join(lines), format=ox.RdfFormat.N_QUADS)
    target.flush()
    t_chunked = cpu_now(children=False) - t0
    del target
    return {"dump_quads": quads, "dump_mb": dump.stat().st_size / 1e6,
            "oxigraph_load_cpu_s": t_one, "oxigraph_load_store_mb": size_one,
            "chunked_load_cpu_s": t_chunked, "chunked_load_store_mb": folder_mb(chunked)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--corpus", type=Path, help="a generated corpus folder (made when missing)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--modes", default="bulk,transactional")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--extract-sample", type=int, default=1000,
                    help="plans for step 1 and 2 (in one process, all in memory: per-plan figures, so a sample "
                         "of the corpus gives them; 10,000 results in memory took 11 GB)")
    ap.add_argument("--keep-store", type=Path, help="move the bulk build's store here (for bench_queries.py)")
    ap.add_argument("--builds-only", action="store_true",
                    help="only step 3, the builds of --modes (e.g. --modes transactional: the --no-bulk "
                         "parent's peak RSS by phase); no extraction sample, no oxigraph floor")
    args = ap.parse_args()
    if args.keep_store and args.keep_store.exists():  # a move would put the store inside it
        ap.error(f"--keep-store {args.keep_store} already exists; give a path that does not")
    folder = corpus(args.plans, args.corpus)
    files = sorted(folder.glob("*.txt"))[: args.plans]
    figures: dict = {"plans": len(files), "workers": args.workers,
                     "load_average_before": os.getloadavg()[0], "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    if not args.builds_only:
        figures.update(extraction_and_mapping(files[: args.extract_sample]))
    with tempfile.TemporaryDirectory(prefix="bench-ingest-", dir=folder.parent) as scratch_name:
        scratch = Path(scratch_name)
        for mode in args.modes.split(","):
            figures[mode] = build_in_child(folder, scratch / f"store-{mode}", mode, args.workers)
            figures[mode]["store_mb"] = folder_mb(scratch / f"store-{mode}")
        if not args.builds_only:
            figures.update(oxigraph_floor(scratch / "store-bulk", scratch))
        if args.keep_store and (scratch / "store-bulk").exists():
            import shutil

            shutil.move(str(scratch / "store-bulk"), str(args.keep_store))
    figures["load_average_after"] = os.getloadavg()[0]
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


def report(f: dict) -> None:
    n = f["plans"]
    print(f"{n:,} generated plans, {f['workers']} workers, load average {f['load_average_before']:.1f} -> "
          f"{f['load_average_after']:.1f} ({f['date']})")
    if "oxigraph_load_cpu_s" not in f:  # --builds-only
        report_builds(f, None)
        return
    print(f"extraction (load + extract, 1 process, first {f.get('sample_plans', n):,} plans): "
          f"{f['load_cpu_s'] + f['extract_cpu_s']:.1f} CPU-s, "
          f"{f['extraction_plans_per_cpu_s']:.0f} plans/s/core (goal >= 100)")
    print(f"RDF mapping: before {f['mapping_before_cpu_s']:.1f} CPU-s ({f['quads_per_plan_before']:,.0f} quads/plan), "
          f"after {f['mapping_after_cpu_s']:.1f} CPU-s ({f['quads_per_plan_after']:,.0f} quads/plan): "
          f"{f['mapping_before_cpu_s'] / max(f['mapping_after_cpu_s'], 1e-9):.2f}x, "
          f"{1 - f['quads_per_plan_after'] / f['quads_per_plan_before']:.0%} fewer quads")
    if "summaries_ms" in f:
        sample = f.get("sample_plans", n)
        queries = f["summary_query_ms"]
        print(f"a worker's steps, CPU-ms a plan ({sample:,} plans): extraction "
              f"{(f['load_cpu_s'] + f['extract_cpu_s']) * 1000 / sample:.1f}, mapping "
              f"{f['mapping_after_cpu_s'] * 1000 / sample:.1f}, search-index rows {f['search_rows_ms']:.1f}, "
              f"summaries {f['summaries_ms']:.1f} (queries {sum(queries.values()):.1f}: "
              + ", ".join(f"{name} {ms:.2f}" for name, ms in queries.items())
              + f"; the rest {f['summaries_ms'] - sum(queries.values()):.1f})")
    floor = f["oxigraph_load_cpu_s"]
    print(f"oxigraph load (one bulk_load of the dumped {f['dump_quads']:,} quads): {floor:.1f} CPU-s, "
          f"store {f['oxigraph_load_store_mb']:.0f} MB; in {CHUNK_QUADS:,}-quad chunks: "
          f"{f['chunked_load_cpu_s']:.1f} CPU-s ({f['chunked_load_cpu_s'] / max(floor, 1e-9):.2f}x), "
          f"store {f['chunked_load_store_mb']:.0f} MB")
    report_builds(f, floor)


def report_builds(f: dict, floor: float | None) -> None:
    """Each build's figures; with the oxigraph floor (`floor`, CPU-s), their ratios to it."""
    def ratio(cpu: float) -> str:
        return "" if floor is None else f" = {cpu / max(floor, 1e-9):.2f}x oxigraph load"

    for mode in ("bulk", "transactional"):
        if mode in f:
            b = f[mode]
            print(f"build {mode:13s}: {b['cpu_s']:.1f} CPU-s (parent {b['parent_cpu_s']:.1f}, workers "
                  f"{b['workers_cpu_s']:.1f}){ratio(b['cpu_s'])}{'' if floor is None else ' (goal <= 1.3x)'}; "
                  f"wall {b['wall_s']:.0f} s; peak RSS parent {b['parent_rss_mb']:.0f} MB / worker "
                  f"{b['worker_rss_mb']:.0f} MB; store {b['store_mb']:.0f} MB; {b['ingested']} plans, "
                  f"{b['quads']:,} quads")
            print(f"  parent alone (the writer side: store and search index): {b['parent_cpu_s']:.1f} CPU-s"
                  f"{ratio(b['parent_cpu_s'])}; of it the search index "
                  f"{b.get('index_cpu_s', float('nan')):.1f} CPU-s (index file {b.get('index_mb', float('nan')):.0f} MB "
                  "on disk)")
            if b.get("phase_rss_mb"):
                print("  parent's peak RSS by phase, MB: " + ", ".join(
                    f"{name} {mb:,}" for name, mb in b["phase_rss_mb"].items()))


if __name__ == "__main__":
    main()
