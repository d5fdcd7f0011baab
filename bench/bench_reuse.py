"""Benchmark: text reuse (`reuse_links`, graph/analysis/text_reuse.py) of this tree against an
earlier commit, side by side in ONE run, and a check that both find the very same links and counts
(issue #24: text reuse was most of `policykg analyze`'s CPU and grew faster than the corpus).

The units `analyze` hands to `reuse_links` (every framework item of data/frameworks, every measure
of the store, as graph/analysis/analysis_graph.py `analyze` makes them) are read once from each
store with this tree's code and written to a JSON-lines file; then two child processes, one
importing `policykg` from this tree, one from the earlier commit (`git archive REV`, as
bench/bench_extract.py does), are started together (same load) on the same units. Each prints its
CPU seconds (time.process_time: user + sys of that process), its peak RSS (VmHWM) and the RSS
it had before `reuse_links` (the units and the interpreter), and writes every field of every link
(in the order returned) and every count of the ReuseResult as JSON lines; the parent compares both
files byte for byte and prints IDENTICAL or where they differ.

Usage:
    .venv/bin/python bench/bench_reuse.py [--base main] [--store DIR ...] [--docs DIR ...]
        [--json OUT]
`--docs` folders are built into a temporary store first (this tree's `policykg build`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_extract import tree_at  # noqa: E402

_CHILD = r"""
import json, os, sys, time
tree, units_path, out_path = sys.argv[1:4]
sys.path.insert(0, tree)
import policykg
policykg.__path__.append(tree)
from policykg.graph.analysis import text_reuse
assert text_reuse.__file__.startswith(tree), (text_reuse.__file__, tree)
with open(units_path, encoding="utf-8") as handle:
    units = [text_reuse.Unit(key, group, text, tuple(rank), framework)
             for key, group, text, rank, framework in map(json.loads, handle)]
def status_mb(field):  # VmHWM: this process's peak (ru_maxrss would carry the parent's over exec)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field)) / 1024
before = status_mb("VmRSS")
start = time.process_time()
result = text_reuse.reuse_links(units)
cpu = time.process_time() - start
peak = status_mb("VmHWM")
counts = {name: getattr(result, name) for name in ("plans", "cutoff", "boilerplate_shingles",
          "unindexed_clauses", "candidate_pairs", "measure_links_found", "measure_links_dropped")}
with open(out_path, "w", encoding="utf-8") as out:
    out.write(json.dumps(counts, sort_keys=True) + "\n")
    for link in result.links:
        out.write(json.dumps([link.source, link.target, repr(link.score), link.shared, link.longest,
                              list(link.source_span), list(link.target_span), link.source_exact,
                              link.target_exact], ensure_ascii=False) + "\n")
print(json.dumps({"cpu": cpu, "peak_mb": peak, "before_mb": before, "links": len(result.links),
                  **counts}))
"""


def write_units(store_path: Path, out: Path) -> int:
    """The units `analyze` would hand to reuse_links, from the store, as JSON lines."""
    from policykg.graph.analysis.analysis_graph import (DEFAULT_FRAMEWORKS, framework_iri, framework_item_iri,
                                                        load_measures)
    from policykg.graph.analysis.text_reuse import load_frameworks
    from policykg.graph.store import Store

    store = Store.open(store_path, read_only=True)
    keys: set[str] = set()
    with out.open("w", encoding="utf-8") as handle:
        for framework in load_frameworks(ROOT / DEFAULT_FRAMEWORKS):
            for item in framework.items:
                keys.add(framework_item_iri(framework, item.no))
                handle.write(json.dumps([framework_item_iri(framework, item.no), framework_iri(framework),
                                         item.text, [], True], ensure_ascii=False) + "\n")
        for m in load_measures(store):
            keys.add(m.iri)
            handle.write(json.dumps([m.iri, m.plan, m.text, [m.issued or "", m.source], False],
                                    ensure_ascii=False) + "\n")
    del store
    return len(keys)


def run_pair(trees: dict[str, Path], units: Path, scratch: Path) -> dict[str, dict]:
    """Both children started together on the same units; their figures and output files."""
    procs, outs = {}, {}
    for label, tree in trees.items():
        outs[label] = scratch / f"links_{label}.jsonl"
        procs[label] = subprocess.Popen([sys.executable, "-c", _CHILD, str(tree), str(units), str(outs[label])],
                                        stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir())
    figures = {}
    for label, proc in procs.items():
        stdout = proc.communicate()[0]
        if proc.returncode:
            raise SystemExit(f"bench_reuse: the {label} child failed (exit {proc.returncode})")
        figures[label] = json.loads(stdout.strip().splitlines()[-1])
        figures[label]["sha256"] = hashlib.sha256(outs[label].read_bytes()).hexdigest()
    base, head = (outs[label].read_bytes().splitlines() for label in ("base", "head"))
    differ = next((n for n, (x, y) in enumerate(zip(base, head)) if x != y), None)
    if differ is None and len(base) != len(head):
        differ = min(len(base), len(head))
    figures["identical"] = differ is None
    figures["first_difference"] = differ  # line 0: the counts; line n: the n-th link
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="main", help="the commit to compare with (git revision)")
    parser.add_argument("--store", action="append", default=[], help="a built store (repeat)")
    parser.add_argument("--docs", action="append", default=[], help="a folder of plans to build first (repeat)")
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()
    if not args.store and not args.docs:
        raise SystemExit("bench_reuse: give --store or --docs")
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench_reuse_") as folder:
        scratch = Path(folder)
        trees = {"base": tree_at(args.base, scratch / "base"), "head": ROOT}
        stores = [(Path(s).name, Path(s)) for s in args.store]
        for n, docs in enumerate(args.docs):
            built = scratch / f"store{n}"
            subprocess.run([str(Path(sys.executable).parent / "policykg"), "build", "--store", str(built), docs],
                           check=True, capture_output=True)
            stores.append((Path(docs).name, built))
        print(f"reuse_links, base {args.base} and head side by side (CPU-s of each process, peak RSS)")
        print("input            units  candidates   links  base CPU-s  head CPU-s  ratio  "
              "base peak MB  head peak MB (before)  same links and counts")
        for name, store in stores:
            units = scratch / f"units_{name}.jsonl"
            count = write_units(store, units)
            lines = sum(1 for _ in units.open(encoding="utf-8"))
            if count != lines:
                raise SystemExit(f"bench_reuse: {name}: unit keys are not unique ({count} of {lines})")
            f = run_pair(trees, units, scratch)
            results[name] = {"units": lines, "load": os.getloadavg()[0], **f}
            b, h = f["base"], f["head"]
            print(f"{name:14s} {lines:7d} {b['candidate_pairs']:11d} {b['links']:7d} {b['cpu']:11.1f} "
                  f"{h['cpu']:11.1f} {h['cpu'] / b['cpu']:6.3f} {b['peak_mb']:13.0f} {h['peak_mb']:13.0f} "
                  f"({h['before_mb']:.0f})  "
                  f"{'IDENTICAL' if f['identical'] else 'DIFFER at line ' + str(f['first_difference'])}",
                  flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    if not all(r["identical"] for r in results.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
