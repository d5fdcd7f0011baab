"""Benchmark: the compact graph of issue #24, before / after, every figure from ONE run.

Goal: "the same information in at least a third fewer quads, every fact still tied to its span".
On the seeds, the dev plans and `--plans N` generated plans (bench/generate_corpus.py), each
extracted once, then mapped to RDF three ways:

- original: graph/rdf.py before issue #24 (commit ORIGINAL, loaded from git): the baseline of
  the goal;
- before: graph/rdf.py of commit BEFORE (main before this change: selector node per fact, pk:plan
  on every fact, pk:order everywhere);
- after: this checkout (span on the fact, no pk:plan on facts, pk:order only where the spans do
  not give document order).

Printed: quads per plan per set and a predicate histogram (before → after) for the generated
plans; then, for the before and after N-Quads of all plans (vocabularies included), the CPU
seconds (user + system, this process: pyoxigraph works in its threads) of ONE `Store.bulk_load`
into a new store (median of `--load-rounds`, before and after alternately) and the store's size
on disk as loaded; then per-plan (`source`) and per-city query times
(CPU ms, p50 / max) of the named queries this change rewrote, before (their text at BEFORE on the
before store) and after (this checkout's text on the after store), run alternately so that the
load of a shared machine falls on both, full SPARQL (no summaries), with the rows compared.

Usage:
    .venv/bin/python bench/bench_compact.py --plans 300 [--corpus DIR] [--json OUT]
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ORIGINAL = "125a709"  # graph/rdf.py before issue #24 (the goal's baseline, 3,201 quads per plan at 1k)
BEFORE = "a9dfabf"    # main before the compact facts (selector nodes, pk:plan, pk:order)
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
REWRITTEN = ("agency_load", "citations", "co_responsibility", "corrections", "coverage", "incentives",
             "instrument_mix", "leading_groups", "measure_reuse", "measures", "people",
             "places_mentioned", "plan_targets_timeline", "responsibilities", "target_comparison",
             "targets")


def cpu_now() -> float:
    return time.process_time()


def module_at(commit: str, name: str):
    """graph/rdf.py at `commit`, importable beside the current one (relative imports resolve)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:graph/rdf.py"],
                            check=True, capture_output=True, text=True).stdout
    path = ROOT / "graph" / f"_bench_rdf_{name}.py"
    path.write_text(source, encoding="utf-8")
    try:
        spec = importlib.util.spec_from_file_location(f"policykg.graph._bench_rdf_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        path.unlink(missing_ok=True)
    return module


def corpus(plans: int, folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        folder = folder or Path(tempfile.mkdtemp(prefix="bench-compact-")) / "plans"
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate_corpus.py"), str(folder),
                        "--count", str(plans)], check=True, stdout=subprocess.DEVNULL)
    return sorted(folder.iterdir())[:plans]


def extract(files: list[Path]) -> list:
    from policykg.extract import extract_text
    from policykg.extract.load import load_path

    out = []
    for file in files:
        loaded = load_path(file)
        out.append(extract_text(loaded.text, loaded.source))
    return out


def nquads(mapping, results) -> list[tuple[bytes, int]]:
    if hasattr(mapping, "result_to_nquads"):
        return [mapping.result_to_nquads(r, now=NOW)[1:] for r in results]
    import pyoxigraph as ox
    out = []
    for r in results:
        _, quads = mapping.result_to_quads(r, now=NOW)
        out.append((ox.serialize(quads, format=ox.RdfFormat.N_QUADS), len(quads)))
    return out


def histogram(documents: list[tuple[bytes, int]]) -> Counter:
    counts: Counter = Counter()
    for data, _ in documents:
        for line in data.decode("utf-8").splitlines():
            parts = line.split(" ", 3)
            counts[parts[1] if not parts[1].endswith("#type>") else "a " + parts[2]] += 1
    return counts


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def write_dump(documents: list[tuple[bytes, int]], dump: Path) -> Path:
    """The plans' N-Quads plus the vocabularies, as one file."""
    import pyoxigraph as ox

    from policykg.graph.rdf import vocabulary_quads

    with dump.open("wb") as file:
        file.write(ox.serialize(vocabulary_quads(), format=ox.RdfFormat.N_QUADS))
        for data, _ in documents:
            file.write(data)
    return dump


def load_store(dump: Path, folder: Path) -> tuple[object, dict]:
    """ONE bulk_load of the dump into a new store: CPU-s and the store's size as loaded."""
    import shutil

    import pyoxigraph as ox

    shutil.rmtree(folder, ignore_errors=True)
    t0 = cpu_now()
    store = ox.Store(str(folder))
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.flush()
    cpu = cpu_now() - t0
    return store, {"bulk_load_cpu_s": cpu, "store_mb": folder_mb(folder), "quads": len(store),
                   "dump_mb": dump.stat().st_size / 1e6}


def interleaved_times(stores: dict, texts: dict[str, dict[str, Path]], name: str, scopes: list[dict],
                      reps: int) -> dict:
    """CPU ms of `name` per scope, before and after run alternately (before text on the before
    store, then after text on the after store, `reps` times per scope), so a change of load on
    the shared machine falls on both; rows compared."""
    from policykg.queries import parse_query_file, run_query

    declared = {p.name for p in parse_query_file(texts["after"][name], name).params}
    chosen = [s for s in scopes if set(s) <= declared]
    times: dict[str, list[float]] = {"before": [], "after": []}
    same, rows = True, 0
    for params in chosen:
        found = {}
        for _ in range(reps):
            for k in ("before", "after"):
                t0 = cpu_now()
                found[k] = run_query(stores[k], texts[k][name], params, use_summary=False)[1]
                times[k].append((cpu_now() - t0) * 1000)
        same &= found["before"] == found["after"]
        rows += len(found["after"])
    if not chosen:
        return {}
    return {"before_p50_ms": statistics.median(times["before"]), "after_p50_ms": statistics.median(times["after"]),
            "before_max_ms": max(times["before"]), "after_max_ms": max(times["after"]),
            "same_rows": same, "rows": rows, "scopes": len(chosen)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=300)
    ap.add_argument("--corpus", type=Path, help="a generated corpus folder (made when missing)")
    ap.add_argument("--scopes", type=int, default=8, help="sources and cities timed per query")
    ap.add_argument("--load-rounds", type=int, default=2, help="bulk loads of each dump, alternating")
    ap.add_argument("--reps", type=int, default=3, help="runs of each query per scope, before and after alternately")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT.parent))

    from policykg.graph import rdf as after

    original, before = module_at(ORIGINAL, "original"), module_at(BEFORE, "before")
    sets = {"seeds": sorted((SHARED / "seeds").iterdir()),
            "dev": sorted((SHARED / "eval" / "dev" / "docs").iterdir()),
            "generated": corpus(args.plans, args.corpus)}
    figures: dict = {"sets": {}}
    mapped: dict[str, dict] = {}
    for name, files in sets.items():
        results = extract(files)
        mapped[name] = {k: nquads(m, results) for k, m in
                        (("original", original), ("before", before), ("after", after))}
        per_plan = {k: sum(n for _, n in docs) / len(docs) for k, docs in mapped[name].items()}
        figures["sets"][name] = {"plans": len(files), **per_plan}
        print(f"{name:9s} {len(files):4d} plans: quads/plan original {per_plan['original']:7.1f}  "
              f"before {per_plan['before']:7.1f} ({per_plan['before'] / per_plan['original'] - 1:+.1%})  "
              f"after {per_plan['after']:7.1f} ({per_plan['after'] / per_plan['original'] - 1:+.1%}; "
              f"{per_plan['after'] / per_plan['before'] - 1:+.1%} on before)")

    n = len(sets["generated"])
    old, new = histogram(mapped["generated"]["before"]), histogram(mapped["generated"]["after"])
    print("\npredicates per generated plan that changed (before -> after):")
    for key in sorted(set(old) | set(new), key=lambda k: -(old[k] - new[k])):
        if old[key] != new[key]:
            print(f"  {old[key] / n:7.1f} -> {new[key] / n:7.1f}  {key}")
    figures["histogram_changes"] = {k: [old[k] / n, new[k] / n] for k in set(old) | set(new) if old[k] != new[k]}

    everything = {k: [d for name in mapped for d in mapped[name][k]] for k in ("before", "after")}
    scratch = Path(tempfile.mkdtemp(prefix="bench-compact-stores-"))
    stores = {}
    print()
    dumps = {k: write_dump(everything[k], scratch / f"{k}.nq") for k in ("before", "after")}
    del everything, mapped
    loads: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(args.load_rounds):  # alternately, so a change of load falls on both
        for k in ("before", "after"):
            stores.pop(k, None)  # the previous round's store, closed before its folder is replaced
            gc.collect()
            stores[k], loaded = load_store(dumps[k], scratch / k)
            loads[k].append(loaded)
    for k in ("before", "after"):
        loaded = dict(loads[k][-1], bulk_load_cpu_s=statistics.median(x["bulk_load_cpu_s"] for x in loads[k]),
                      bulk_load_cpu_s_runs=[x["bulk_load_cpu_s"] for x in loads[k]])
        figures[f"store_{k}"] = loaded
        print(f"store {k:6s}: {loaded['quads']:,} quads, dump {loaded['dump_mb']:.1f} MB, one bulk_load "
              f"{loaded['bulk_load_cpu_s']:.2f} CPU-s (median of {args.load_rounds}, alternating), "
              f"store {loaded['store_mb']:.1f} MB as loaded")
    b, a = figures["store_before"], figures["store_after"]
    print(f"after / before: quads {a['quads'] / b['quads']:.3f}, bulk_load CPU {a['bulk_load_cpu_s'] / b['bulk_load_cpu_s']:.3f}, "
          f"store {a['store_mb'] / b['store_mb']:.3f}")

    from policykg.graph.store import Store
    from policykg.queries import run_query

    plans = run_query(Store(stores["after"]).raw, "plans", use_summary=False)
    columns, rows = plans
    sources = sorted(r[columns.index("source")] for r in rows)
    step = max(1, len(sources) // args.scopes)
    cities = sorted({r[columns.index("jurisdiction")] for r in rows if r[columns.index("jurisdiction")]})
    scopes = ([{"source": s} for s in sources[::step][:args.scopes]]
              + [{"city": c} for c in cities[::max(1, len(cities) // args.scopes)][:args.scopes]])
    before_texts = {}
    for name in REWRITTEN:
        path = scratch / f"{name}.rq"
        path.write_text(subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE}:queries/{name}.rq"],
                                       check=True, capture_output=True, text=True).stdout, encoding="utf-8")
        before_texts[name] = path
    texts = {"before": before_texts, "after": {name: ROOT / "queries" / f"{name}.rq" for name in REWRITTEN}}
    raw = {k: Store(stores[k]).raw for k in stores}
    print(f"\nper-plan and per-city query CPU ms (full SPARQL, the rewritten queries; {args.scopes} sources "
          f"and {args.scopes} cities, before and after alternately, {args.reps} times each), before -> after:")
    timed = {}
    for scope_kind in ("source", "city"):
        chosen = [s for s in scopes if scope_kind in s]
        for name in REWRITTEN:
            x = interleaved_times(raw, texts, name, chosen, args.reps)
            if not x:
                continue
            timed[f"{name} per {scope_kind}"] = x
            print(f"  {name:22s} per {scope_kind:6s} p50 {x['before_p50_ms']:7.1f} -> {x['after_p50_ms']:7.1f} "
                  f"({x['after_p50_ms'] / x['before_p50_ms'] - 1:+4.0%})   max {x['before_max_ms']:7.1f} -> "
                  f"{x['after_max_ms']:7.1f}   rows {x['rows']:5d} {'same' if x['same_rows'] else 'DIFFER'}")
    figures["queries"] = timed
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
