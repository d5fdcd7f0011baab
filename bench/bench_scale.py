"""Benchmark at corpus scale: ingest and query figures for 1k and 10k generated plans (issue #10).

`run --plans N` builds a fresh store from the first N plans of a generated corpus with --workers
processes and records, in one run: the floor (load_path alone: read, decode, clean, 繁->简, in the
same number of processes), ingest documents/s, MB/s and triples/s and their ratio to the floor,
the writer's share, store size, peak memory (ru_maxrss of this process and its children), p50/p95
of every named query whole-corpus and per city, optionally the same queries on rdflib, and a
cProfile of extraction. `report` turns the saved figures into bench/RESULTS.md. A benchmark, not a
timed test: targets are printed next to the figures. Usage:
    .venv/bin/python bench/bench_scale.py run --plans 1000 --workers 2 --rdflib
    .venv/bin/python bench/bench_scale.py run --plans 10000 --workers 2
    .venv/bin/python bench/bench_scale.py report
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = Path(os.environ.get("POLICYKG_BENCH_DIR", "/tmp/policykg_bench"))
TARGETS = {"ingest_10k_s": 120.0, "ingest_over_floor": 10.0, "city_p50_ms": 50.0, "corpus_p50_s": 2.0}


# -- helpers ---------------------------------------------------------------------------------------


def corpus_files(plans: int, seed: int) -> list[Path]:
    """The first `plans` files of the generated corpus (generated once, the biggest size asked)."""
    folder = WORK / "corpus"
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if len(files) < plans:
        sys.path.insert(0, str(HERE))
        from generate_corpus import generate

        shutil.rmtree(folder, ignore_errors=True)
        files = generate(folder, plans, seed)
    return files[:plans]


def _load_one(path: str) -> int:
    from policykg.extract.load import load_path

    return len(load_path(path).text)


def floor_seconds(files: list[Path], workers: int) -> tuple[float, int]:
    """Wall time of load_path over `files` in `workers` spawned processes (same set-up as build)."""
    import multiprocessing

    start = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        chars = sum(pool.map(_load_one, [str(f) for f in files], chunksize=16))
    return time.perf_counter() - start, chars


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def cpu_seconds() -> float:
    """User + system CPU of this process and its reaped children (the workers): unlike wall
    time, it barely moves when other jobs share the machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb() -> dict[str, float]:
    # ru_maxrss is in KiB on Linux; "children" is the largest reaped child (a worker)
    return {"self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def cities_in(store, count: int) -> list[str]:
    rows = store.query("""
        PREFIX pk: <https://w3id.org/policykg/ns#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?city (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?plan a pk:Plan ; pk:jurisdiction/rdfs:label ?city } }
        GROUP BY ?city ORDER BY DESC(?n) ?city""").rows
    names = [row[0] for row in rows if row[0]]
    step = max(1, len(names) // count)
    return names[::step][:count]


def query_child(store_path: str, name: str, cities: list[str], runs: int, budget_s: float) -> None:
    """Time one named query on a read-only store (a child process, so that a query past the time
    limit is killed instead of keeping a core busy: pyoxigraph cannot cancel a query). Per-city
    runs first (the targets that matter most), then whole-corpus runs. Prints a JSON line when a
    run starts ({"start": scope}) and one when it ends ({"scope": scope, "s": seconds, "rows": n})."""
    from policykg.graph.store import Store
    from policykg.queries import load_query

    store = Store.open(store_path, read_only=True)
    query = load_query(name)
    series = [("city", {"city": city}) for city in cities] if query.param("city") is not None else []
    series += [("corpus", {})] * runs
    spent = {"corpus": 0.0, "city": 0.0}
    for scope, params in series:
        if spent[scope] > budget_s:
            continue
        print(json.dumps({"start": scope}), flush=True)
        start = time.perf_counter()
        rows = len(store.run_query(query, params).rows)
        elapsed = time.perf_counter() - start
        spent[scope] += elapsed
        print(json.dumps({"scope": scope, "s": elapsed, "rows": rows}), flush=True)


def time_queries(store_path: Path, *, runs: int, cities: list[str], budget_s: float,
                 timeout_s: float) -> list[dict]:
    """p50/p95 of every named query: whole corpus (`runs` times) and per city (one run per city),
    each series stopped past `budget_s` of cumulative time; a run past `timeout_s` is killed with
    its process (and the series ends there)."""
    import selectors

    from policykg.queries import list_queries

    figures = []
    for query in list_queries():
        entry: dict = {"query": query.name, "rows": None, "corpus_s": [], "city_s": [], "note": ""}
        required = [p.name for p in query.params if not p.optional]
        if required:
            entry["note"] = f"skipped: needs {', '.join(required)}"
            figures.append(entry)
            continue
        command = [sys.executable, __file__, "query-child", str(store_path), query.name,
                   "--runs", str(runs), "--budget", str(budget_s), "--cities", *cities]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        last, running = time.monotonic(), "corpus"
        try:
            while True:
                if not selector.select(timeout=max(0.1, last + timeout_s - time.monotonic())):
                    if time.monotonic() - last > timeout_s:
                        scope = "whole corpus" if running == "corpus" else "per city"
                        entry["note"] = f"{scope}: a run took more than {timeout_s:.0f} s (killed)"
                        break
                    continue
                line = process.stdout.readline()
                if not line:
                    if process.wait() != 0:
                        entry["note"] = f"query process exited with {process.returncode}"
                    break
                last = time.monotonic()
                item = json.loads(line)
                if "start" in item:
                    running = item["start"]
                    continue
                entry[f"{item['scope']}_s"].append(item["s"])
                if item["scope"] == "corpus":
                    entry["rows"] = item["rows"]
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
        figures.append(entry)
        summary = _summary(entry)
        print(f"  {query.name:20s} rows={entry['rows']!s:>8}  corpus p50 {summary['corpus_p50']}  "
              f"p95 {summary['corpus_p95']}  city p50 {summary['city_p50']}  p95 {summary['city_p95']}"
              f"  {entry['note']}", flush=True)
    return figures


def _fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _summary(entry: dict) -> dict[str, str]:
    corpus, city = entry["corpus_s"], entry["city_s"]
    return {
        "corpus_p50": _fmt_s(percentile(corpus, 0.5) if corpus else None),
        "corpus_p95": _fmt_s(percentile(corpus, 0.95) if corpus else None),
        "city_p50": _fmt_s(percentile(city, 0.5) if city else None),
        "city_p95": _fmt_s(percentile(city, 0.95) if city else None),
    }


def profile_extraction(files: list[Path], top: int = 18) -> list[tuple[str, float, float, int]]:
    """cProfile of extract + RDF + N-Quads over `files` in this process: the functions under
    extract/, graph/ and ontology/ with the largest cumulative time (name, cum s, own s, calls)."""
    from policykg.extract import extract_path, extract_text
    from policykg.graph.build import Extracted, prepare_document

    extract_text("一、重点任务\n1.甲。内容。", "warmup.txt")
    extract_path(files[0])
    profile = cProfile.Profile()
    profile.enable()
    for path in files:
        prepare_document(Extracted(path, result=extract_path(path)))
    profile.disable()
    stats = pstats.Stats(profile)
    rows = []
    root = str(HERE.parent)
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if filename.startswith(root) and "/bench/" not in filename:
            rows.append((f"{Path(filename).relative_to(root)}:{line}({name})", cumulative, own, calls))
    rows.sort(key=lambda r: -r[1])
    return rows[:top]


# -- rdflib comparison (a child process: its memory and time stay out of the Oxigraph figures) -----


def rdflib_child(dump: str, cities: list[str], cap_s: float) -> None:
    """Load the N-Quads dump into an rdflib Dataset (union default graph) and time the named
    queries; one JSON line per result on stdout, so a parent can stop it and keep what finished."""
    import rdflib
    from rdflib import Literal

    from policykg.queries import instantiate, list_queries

    start = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    print(json.dumps({"load_s": time.perf_counter() - start, "quads": len(dataset),
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)
    import signal

    def give_up(signum, frame):
        raise TimeoutError

    signal.signal(signal.SIGALRM, give_up)

    def timed(sparql: str, bindings: dict | None = None) -> float | None:
        """Seconds for one query, or None past `cap_s` (rdflib is pure Python: SIGALRM stops it)."""
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, cap_s)
        try:
            list(dataset.query(sparql, initBindings=bindings or {}))
        except TimeoutError:
            return None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return time.perf_counter() - t0

    for query in list_queries():
        if any(not p.optional for p in query.params):
            continue
        elapsed = timed(query.sparql)
        item = {"query": query.name, "corpus_s": [elapsed] if elapsed is not None else [],
                "corpus_timeout": elapsed is None, "cap_s": cap_s}
        if query.param("city") is not None:
            city_times = []
            for city in cities:
                # the same text as Oxigraph runs: restriction lines on, the column bound
                elapsed = timed(instantiate(query.sparql, {"city": city}), {"city": Literal(city)})
                if elapsed is None:
                    item["city_timeout"] = True
                    break
                city_times.append(elapsed)
            item["city_s"] = city_times
        print(json.dumps(item), flush=True)


def run_rdflib(store, cities: list[str], budget_s: float) -> dict:
    from policykg.graph.bulk import dump_store

    dump = WORK / "rdflib_dump.nq"
    dump_store(store, dump, "nq")
    command = [sys.executable, __file__, "rdflib-child", str(dump), "--cities", *cities]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    out: dict = {"queries": {}, "budget_s": budget_s, "complete": False}
    deadline = time.monotonic() + budget_s
    try:
        assert process.stdout is not None
        import selectors

        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.1, deadline - time.monotonic())):
                continue
            line = process.stdout.readline()
            if not line:
                out["complete"] = process.wait() == 0
                break
            item = json.loads(line)
            if "load_s" in item:
                out.update(item)
                print(f"  rdflib: loaded {item['quads']} quads in {item['load_s']:.1f} s", flush=True)
            else:
                out["queries"].setdefault(item["query"], {}).update(item)
                print(f"  rdflib: {item}", flush=True)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        dump.unlink(missing_ok=True)
    return out


# -- the run --------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict:
    from policykg.graph import build as build_module
    from policykg.graph.store import Store

    files = corpus_files(args.plans, args.seed)
    input_bytes = sum(f.stat().st_size for f in files)
    print(f"{len(files)} plans, {input_bytes / 1e6:.1f} MB, workers={args.workers}", flush=True)

    load_before = os.getloadavg()
    cpu0 = cpu_seconds()
    floor_s, chars = floor_seconds(files, args.workers)
    floor_cpu = cpu_seconds() - cpu0
    print(f"floor (load_path in {args.workers} processes): {floor_s:.1f} s", flush=True)

    # time the writer (the parent's share) by wrapping the two methods through which it writes
    from policykg.graph.writer import DocumentWriter

    writer = {"s": 0.0}
    originals = {name: getattr(DocumentWriter, name) for name in ("add", "close")}

    def timed(method):
        def wrapper(self, *a):
            t0 = time.perf_counter()
            try:
                return method(self, *a)
            finally:
                writer["s"] += time.perf_counter() - t0
        return wrapper

    for name, method in originals.items():
        setattr(DocumentWriter, name, timed(method))
    folder = WORK / f"store_{args.plans}"
    shutil.rmtree(folder, ignore_errors=True)
    store = Store.open(folder, create=True)
    done = {"n": 0, "t": time.perf_counter()}

    def progress(path: Path, count: int, total: int) -> None:
        if count % 500 == 0 or count == total:
            print(f"  ingested {count}/{total} in {time.perf_counter() - done['t']:.0f} s", flush=True)

    start, cpu0 = time.perf_counter(), cpu_seconds()
    report = build_module.build(files, store, workers=args.workers, progress=progress,
                                bulk=False if args.no_bulk else None)
    store.flush()
    ingest_s = time.perf_counter() - start
    ingest_cpu = cpu_seconds() - cpu0
    load_after_ingest = os.getloadavg()
    for name, method in originals.items():
        setattr(DocumentWriter, name, method)
    memory_after_ingest = peak_rss_mb()
    quads = len(store)
    vocabulary = store.ensure_vocabulary()
    plan_quads = quads - vocabulary
    size_before = folder_bytes(folder)
    print(f"ingest: {ingest_s:.1f} s, {len(report.ingested)} ok, {len(report.failed)} failed, "
          f"{quads} quads, writer {writer['s']:.1f} s, store {size_before / 1e6:.0f} MB", flush=True)
    partial = {
        "plans": len(files), "workers": args.workers, "input_bytes": input_bytes, "chars": chars,
        "floor_s": floor_s, "floor_cpu_s": floor_cpu, "ingest_s": ingest_s, "ingest_cpu_s": ingest_cpu,
        "writer_s": writer["s"], "bulk": report.bulk, "ingested": len(report.ingested), "failed": len(report.failed),
        "failures": report.failed[:5], "quads": quads, "plan_quads": plan_quads,
        "store_bytes": size_before, "store_bytes_optimized": size_before, "optimize_s": 0.0,
        "memory_after_ingest": memory_after_ingest, "memory_end": peak_rss_mb(),
        "loadavg": [load_before, load_after_ingest], "cities": [], "queries": [], "rdflib": None,
        "profile": [], "profile_docs": 0, "machine": machine(), "partial": True,
    }
    out = WORK / f"results_{args.plans}.json"
    out.write_text(json.dumps(partial, ensure_ascii=False, indent=1), encoding="utf-8")
    start = time.perf_counter()
    store.optimize()
    optimize_s = time.perf_counter() - start
    size_after = folder_bytes(folder)

    cities = cities_in(store, args.cities)
    store.close()  # the queries run in child processes on the store opened read-only
    print(f"queries ({len(cities)} cities for per-city runs)", flush=True)
    queries = time_queries(folder, runs=args.runs, cities=cities, budget_s=args.query_budget,
                           timeout_s=args.query_timeout)

    rdflib_figures = None
    if args.rdflib:
        with Store.open(folder, read_only=True) as store:
            rdflib_figures = run_rdflib(store, cities, args.rdflib_budget)

    profile_rows = profile_extraction(files[: args.profile_docs]) if args.profile_docs else []
    result = dict(partial, store_bytes_optimized=size_after, optimize_s=optimize_s, memory_end=peak_rss_mb(),
                  cities=cities, queries=queries, rdflib=rdflib_figures, profile=profile_rows,
                  profile_docs=args.profile_docs, partial=False,
                  loadavg=[load_before, load_after_ingest, os.getloadavg()])
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"figures saved to {out}", flush=True)
    if not args.keep_store:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def machine() -> dict[str, str]:
    def sh(command: str) -> str:
        return subprocess.run(command, shell=True, capture_output=True, text=True).stdout.strip()

    import pyoxigraph

    cpu = next((line.split(":", 1)[1].strip() for line in sh("cat /proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor())
    return {"nproc": sh("nproc"), "cpu": cpu, "free": sh("free -h"), "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__, "os": sh(". /etc/os-release && echo $PRETTY_NAME"),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


# -- RESULTS.md -----------------------------------------------------------------------------------


def report(args: argparse.Namespace) -> None:
    runs = {}
    for path in sorted(WORK.glob("results_*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        runs[data["plans"]] = data
    if not runs:
        sys.exit(f"no results_*.json in {WORK}: run `bench_scale.py run` first")
    text = render(runs, Path(args.notes).read_text(encoding="utf-8") if args.notes else "")
    out = Path(args.out)
    try:
        merged = merge_report(out.read_text(encoding="utf-8") if out.exists() else None, text)
    except ValueError as e:
        sys.exit(f"{out}: {e}")
    out.write_text(merged, encoding="utf-8")
    print(f"wrote {out}")


REPORT_BEGIN = "<!-- bench_scale.py report: begin (generated; text outside these markers is kept) -->"
REPORT_END = "<!-- bench_scale.py report: end -->"


def merge_report(existing: str | None, text: str) -> str:
    """RESULTS.md also holds sections written by hand after later runs (issue 24's): a report
    replaces only what lies between its markers and keeps the rest; a file without the markers is
    not overwritten (ValueError), so a report can never wipe those sections."""
    title, _, body = text.partition("## Machine")
    block = f"{REPORT_BEGIN}\n## Machine{body.rstrip()}\n{REPORT_END}"
    if existing is None:
        return f"{title}{block}\n"
    start, end = existing.find(REPORT_BEGIN), existing.find(REPORT_END)
    if start < 0 or end < start:
        raise ValueError("has no bench_scale.py report markers: not overwritten (give --out another file)")
    return existing[:start] + block + existing[end + len(REPORT_END):]


def render(runs: dict[int, dict], notes: str) -> str:
    first = runs[max(runs)]
    m = first["machine"]
    out = ["# Scale benchmark results", "",
           "Written by `bench/bench_scale.py report` from the figures of `bench_scale.py run` "
           "(issue #10). Corpus: `bench/generate_corpus.py` (fixed seed; the 1k run uses the first "
           "1,000 plans of the 10k corpus). A benchmark, not a test.", "",
           "## Machine", "",
           f"- {m['os']}, {m['nproc']} CPUs: {m['cpu']}",
           f"- Python {m['python']}, pyoxigraph {m['pyoxigraph']}; run {m['date']}",
           "- `free -h`:", "", "```", m["free"], "```", "",
           "## Ingest", "",
           "| plans | workers | writer mode | input MB | floor s | ingest s | docs/s | MB/s | triples/s | ingest / floor | writer s | quads | store MB (optimized) | peak RSS parent / worker MB |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for n, r in sorted(runs.items()):
        mb = r["input_bytes"] / 1e6
        out.append(
            f"| {n:,} | {r['workers']} | {'bulk' if r.get('bulk') else 'transactions'} | {mb:.0f} | {r['floor_s']:.1f} | {r['ingest_s']:.1f} | "
            f"{r['ingested'] / r['ingest_s']:.1f} | {mb / r['ingest_s']:.2f} | {r['plan_quads'] / r['ingest_s']:,.0f} | "
            f"{r['ingest_s'] / r['floor_s']:.1f}x | {r['writer_s']:.1f} | {r['quads']:,} | "
            f"{r['store_bytes'] / 1e6:,.0f} ({r['store_bytes_optimized'] / 1e6:,.0f}) | "
            f"{r['memory_end']['self_mb']:,.0f} / {r['memory_after_ingest']['children_mb']:,.0f} |")
    out += ["", "| plans | floor CPU s | ingest CPU s | ingest CPU ms / plan | CPU ingest / floor | load average (1 min) before / after ingest |",
            "|---|---|---|---|---|---|"]
    for n, r in sorted(runs.items()):
        if "ingest_cpu_s" in r:
            loads = " / ".join(f"{load[0]:.1f}" for load in r.get("loadavg", [])[:2])
            out.append(f"| {n:,} | {r['floor_cpu_s']:.0f} | {r['ingest_cpu_s']:.0f} | "
                       f"{r['ingest_cpu_s'] * 1000 / max(r['ingested'], 1):.0f} | "
                       f"{r['ingest_cpu_s'] / max(r['floor_cpu_s'], 1e-9):.1f}x | {loads} |")
    out += ["", "CPU = user + system seconds of the benchmark process and its workers: it barely moves when "
            "other jobs share the machine, so it is the figure to compare across runs; wall time on 2 "
            "cores is at best CPU / 2.", ""]
    out += ["", "Floor = `load_path` (read, decode, clean, 繁->简) over the same files in the same number "
            "of spawned processes, timed in the same run. Writer = time the parent spent handing "
            "plans to graph/writer.py's writer thread, which blocks while the writer is behind: close to the "
            "ingest time means the write is the bottleneck. Peak RSS = `ru_maxrss` of the benchmark "
            "process (store + queries) and of the largest worker.", ""]
    for n, r in sorted(runs.items()):
        if not r["queries"]:
            out += [f"## Named queries at {n:,} plans", "", "Not measured in this run (the run stopped "
                    "after ingest; see the notes below).", ""]
            continue
        out += [f"## Named queries at {n:,} plans", "",
                f"Whole corpus: up to {max((len(e['corpus_s']) for e in r['queries']), default=0)} runs each; "
                f"per city: one run for each of {len(r['cities'])} cities ({', '.join(r['cities'][:5])} …). "
                "Each series stops early past its time budget, so a slow query has fewer samples.", "",
                "| query | rows | corpus p50 | corpus p95 | per-city p50 | per-city p95 | note |",
                "|---|---|---|---|---|---|---|"]
        for entry in r["queries"]:
            s = _summary(entry)
            out.append(f"| {entry['query']} | {entry['rows'] if entry['rows'] is not None else '–'} | "
                       f"{s['corpus_p50']} | {s['corpus_p95']} | {s['city_p50']} | {s['city_p95']} | {entry['note']} |")
        out.append("")
        if r.get("rdflib"):
            out += _render_rdflib(r)
    out += ["## Where extraction time goes", ""]
    profiled = runs[min(runs)]
    if profiled["profile"]:
        out += [f"cProfile of extract + RDF + N-Quads over {profiled['profile_docs']} plans in one "
                "process (cumulative seconds; functions of this repo only):", "",
                "| function | cumulative s | own s | calls |", "|---|---|---|---|"]
        out += [f"| `{name}` | {cum:.2f} | {own:.2f} | {calls:,} |" for name, cum, own, calls in profiled["profile"]]
        out.append("")
    else:
        out += ["Not profiled in this run (it profiles last); see the notes below.", ""]
    out += ["## Targets", "", _targets(runs), ""]
    if notes:
        out += [notes.strip(), ""]
    return "\n".join(out)


def _render_rdflib(r: dict) -> list[str]:
    figures = r["rdflib"]
    oxigraph = {e["query"]: e for e in r["queries"]}
    out = [f"### The same queries on rdflib (in-memory `Dataset`, union default graph) at {r['plans']:,} plans", ""]
    if "load_s" in figures:
        out.append(f"Loading the N-Quads dump ({figures['quads']:,} quads): {figures['load_s']:.0f} s, "
                   f"peak RSS {figures['rss_mb']:,.0f} MB. Budget {figures['budget_s']:.0f} s"
                   + ("" if figures["complete"] else "; queries missing below did not finish within it") + ".")
    out += ["", "| query | rdflib corpus | Oxigraph corpus p50 | ratio | rdflib per-city p50 | Oxigraph per-city p50 | ratio |",
            "|---|---|---|---|---|---|---|"]
    for name, item in figures["queries"].items():
        ox_entry = oxigraph.get(name, {})
        rd_corpus = statistics.median(item["corpus_s"]) if item.get("corpus_s") else None
        ox_corpus = statistics.median(ox_entry["corpus_s"]) if ox_entry.get("corpus_s") else None
        rd_city = statistics.median(item["city_s"]) if item.get("city_s") else None
        ox_city = statistics.median(ox_entry["city_s"]) if ox_entry.get("city_s") else None
        ratio = f"{rd_corpus / ox_corpus:.0f}x" if rd_corpus and ox_corpus else "–"
        cap = f"> {item.get('cap_s', 0):.0f} s"
        if item.get("corpus_timeout"):
            rd_corpus, ratio = None, f"> {item['cap_s'] / ox_corpus:.0f}x" if ox_corpus else "–"
        if item.get("city_timeout") and not item.get("city_s"):
            rd_city = None
        city_ratio = f"{rd_city / ox_city:.0f}x" if rd_city and ox_city else "–"
        out.append(f"| {name} | {cap if item.get('corpus_timeout') else _fmt_s(rd_corpus)} | {_fmt_s(ox_corpus)} | {ratio} | "
                   f"{cap if item.get('city_timeout') and not item.get('city_s') else _fmt_s(rd_city)} | "
                   f"{_fmt_s(ox_city)} | {city_ratio} |")
    out.append("")
    return out


def _targets(runs: dict[int, dict]) -> str:
    lines = []
    big = runs.get(max(runs))
    if big:
        n = big["plans"]
        ingest = big["ingest_s"] * 10_000 / n
        verdict = "met" if ingest <= TARGETS["ingest_10k_s"] else f"missed by {ingest / TARGETS['ingest_10k_s']:.1f}x"
        lines.append(f"- 10k plans in ≤ 2 min on 2 cores: {ingest:.0f} s "
                     f"({'measured' if n == 10_000 else f'extrapolated from {n:,}'}): {verdict}.")
        ratio = big["ingest_s"] / big["floor_s"]
        verdict = "met" if ratio <= TARGETS["ingest_over_floor"] else f"missed by {ratio / TARGETS['ingest_over_floor']:.1f}x"
        lines.append(f"- ingest ≤ 10x the floor: {ratio:.1f}x: {verdict}.")
        city = [percentile(e["city_s"], 0.5) for e in big["queries"] if e["city_s"]]
        corpus = [percentile(e["corpus_s"], 0.5) for e in big["queries"] if e["corpus_s"]]
        if city:
            worst = max(city)
            over = sum(1 for c in city if c * 1000 > TARGETS["city_p50_ms"])
            lines.append(f"- per-city p50 ≤ 50 ms at {n:,}: worst {_fmt_s(worst)}, {over} of {len(city)} queries over.")
        if corpus:
            worst = max(corpus)
            over = sum(1 for c in corpus if c > TARGETS["corpus_p50_s"])
            lines.append(f"- whole-corpus ≤ 2 s at {n:,}: worst {_fmt_s(worst)}, {over} of {len(corpus)} queries over.")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--plans", type=int, default=1000)
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--seed", type=int, default=20261123)
    r.add_argument("--runs", type=int, default=7, help="whole-corpus runs per query")
    r.add_argument("--cities", type=int, default=20, help="cities for per-city runs")
    r.add_argument("--query-budget", type=float, default=20.0, help="seconds per query series")
    r.add_argument("--query-timeout", type=float, default=120.0)
    r.add_argument("--rdflib", action="store_true", help="also time rdflib (in a child process)")
    r.add_argument("--rdflib-budget", type=float, default=900.0)
    r.add_argument("--profile-docs", type=int, default=40)
    r.add_argument("--keep-store", action="store_true")
    r.add_argument("--no-bulk", action="store_true", help="write with transactions, not the bulk loader")
    p = sub.add_parser("report")
    p.add_argument("--out", default=str(HERE / "RESULTS.md"))
    p.add_argument("--notes", help="a Markdown file appended to RESULTS.md (analysis of misses)")
    q = sub.add_parser("query-child")
    q.add_argument("store")
    q.add_argument("name")
    q.add_argument("--runs", type=int, default=7)
    q.add_argument("--budget", type=float, default=20.0)
    q.add_argument("--cities", nargs="*", default=[])
    c = sub.add_parser("rdflib-child")
    c.add_argument("dump")
    c.add_argument("--cities", nargs="*", default=[])
    c.add_argument("--cap", type=float, default=30.0, help="seconds per query before giving up")
    args = ap.parse_args()
    if args.command == "run":
        WORK.mkdir(parents=True, exist_ok=True)
        run(args)
    elif args.command == "report":
        report(args)
    elif args.command == "query-child":
        query_child(args.store, args.name, args.cities, args.runs, args.budget)
    else:
        rdflib_child(args.dump, args.cities[:5], args.cap)


if __name__ == "__main__":
    main()
