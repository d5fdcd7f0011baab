"""Places benchmark (docs/places.md): gazetteer load, jurisdiction resolution and mention finding
per plan, building and loading the places graph, and rendering the map. Prints figures; asserts
nothing. Usage: .venv/bin/python bench/bench_places.py [STORE_DIR]  (default: builds data/seeds)."""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int = 1):
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        runs.append(time.perf_counter() - start)
    return value, statistics.median(runs)


def main() -> None:
    from policykg.extract import gazetteer
    from policykg.extract.components.places import find_places
    from policykg.extract.components.plan_meta import resolve_jurisdiction
    from policykg.extract import extract_path
    from policykg.graph import places as places_graph
    from policykg.graph.build import build
    from policykg.graph.store import Store
    from policykg.viz.map import render_map

    units, seconds = timed(gazetteer.places)
    print(f"gazetteer: {len(units)} units loaded in {seconds * 1000:.0f} ms")
    results = [extract_path(p) for p in sorted((REPO / "data" / "seeds").iterdir())]
    for result in results:
        _, resolve = timed(lambda: resolve_jurisdiction(result.plan, result.text), 20)
        _, mentions = timed(lambda: find_places(result.measures, result.text, result.plan), 20)
        print(f"{result.source}: {result.plan.jurisdiction} {result.plan.place_code} "
              f"resolve {resolve * 1000:.2f} ms, mentions {mentions * 1000:.1f} ms for "
              f"{len(result.text)} chars ({len(result.places)} mentions)")
    quads, seconds = timed(places_graph.places_quads)
    print(f"places graph: {len(quads)} quads built in {seconds:.2f} s")
    with Store.open(Path(tempfile.mkdtemp()) / "s", create=True) as store:
        _, first = timed(lambda: places_graph.ensure_places_graph(store))
        _, again = timed(lambda: places_graph.ensure_places_graph(store))
        print(f"places graph load: first {first:.2f} s, up to date {again * 1000:.2f} ms")
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "store"
    if not path.exists():
        with Store.open(path, create=True) as store:
            build([REPO / "data" / "seeds"], store)
    with Store.open(path, read_only=True) as store:
        render_map(store, {})  # warm-up (imports)
        html, seconds = timed(lambda: render_map(store, {"color_by": "measures"}), 5)
        print(f"map page: {len(html) / 1024:.0f} KiB in {seconds * 1000:.0f} ms (median of 5)")


if __name__ == "__main__":
    main()
