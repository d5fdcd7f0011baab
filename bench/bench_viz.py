"""Benchmark: how long a 1,000-node view takes to become interactive in headless Chromium.

Builds a synthetic responsibility-like graph (plans, measures, agencies; N nodes), renders it with
viz/page.py (positions from networkx, physics off), opens it from file:// and waits for the
network's first draw (`window.policykgReady`, set on vis-network's first afterDrawing). Prints
the page-build time in Python and the browser times (median of --repeat loads); target: < 2 s.
Usage:
    .venv/bin/python bench/bench_viz.py [--nodes 1000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "viz"))
import chromium  # noqa: E402

from policykg.viz.page import render_page  # noqa: E402

TARGET_S = 2.0


def synthetic_graph(nodes: int, seed: int = 7) -> nx.Graph:
    """~5 % plans, ~55 % measures, ~40 % agencies; each measure in one plan with 1-4 agencies."""
    rng = random.Random(seed)
    plans = max(1, nodes // 20)
    measures = int(nodes * 0.55)
    agencies = nodes - plans - measures
    graph = nx.Graph()
    for p in range(plans):
        graph.add_node(f"p{p}", label=f"某市知识产权强市建设工作方案{p}", kind="plan", city=f"城市{p % 10}",
                       tip=f"方案 {p}")
    for a in range(agencies):
        graph.add_node(f"a{a}", label=f"市场监督管理局{a}", kind="agency", city=f"城市{a % 10}",
                       tip=f"机构 {a}", size=rng.randint(0, 12))
    for m in range(measures):
        plan = f"p{rng.randrange(plans)}"
        graph.add_node(f"m{m}", label=f"{m}.加强高价值专利培育", kind="measure",
                       city=graph.nodes[plan]["city"], tip=f"措施 {m}:围绕重点产业开展工作,建立健全工作机制。")
        graph.add_edge(plan, f"m{m}", kind="part", tip="")
        for rank, a in enumerate(rng.sample(range(agencies), rng.randint(1, 4))):
            graph.add_edge(f"m{m}", f"a{a}", kind="lead" if rank == 0 else "support", tip="原文")
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    graph = synthetic_graph(args.nodes)
    t0 = time.perf_counter()
    html = render_page(graph, title="bench", node_cap=args.nodes)
    build_s = time.perf_counter() - t0
    folder = Path(tempfile.mkdtemp(prefix="policykg-bench-viz-"))
    page = folder / "bench.html"
    page.write_text(html, encoding="utf-8")

    driver = chromium.start()
    wall, ready = [], []
    try:
        driver.get(page.as_uri())  # warm-up (disk cache, JIT)
        chromium.wait_ready(driver, timeout=60)
        for _ in range(args.repeat):
            driver.get("about:blank")
            t0 = time.perf_counter()
            driver.get(page.as_uri())
            ready_ms = chromium.wait_ready(driver, timeout=60)
            wall.append(time.perf_counter() - t0)
            ready.append(ready_ms / 1000)
        shown = driver.execute_script("return window.policykgNodes.length")
        outside = chromium.outside(chromium.requested_urls(driver))
        errors = chromium.console_errors(driver)
    finally:
        driver.quit()
        page.unlink()
        folder.rmdir()

    median_ready = statistics.median(ready)
    print(f"nodes={shown} edges={graph.number_of_edges()} page={len(html) / 1e6:.2f} MB")
    print(f"python page build (layout + template): {build_s:.2f} s")
    print(f"browser: navigation start -> first draw (interactive): median {median_ready:.2f} s "
          f"(min {min(ready):.2f}, max {max(ready):.2f}, n={len(ready)})")
    print(f"browser: driver.get -> ready observed (wall, includes polling): median {statistics.median(wall):.2f} s")
    print(f"target {TARGET_S:.1f} s: ratio {median_ready / TARGET_S:.2f} -> "
          f"{'OK' if median_ready <= TARGET_S else 'SLOWER THAN TARGET'}")
    print(f"outside requests: {len(outside)}  console errors: {len(errors)}")


if __name__ == "__main__":
    main()
