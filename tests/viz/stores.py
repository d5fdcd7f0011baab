"""Stores the view tests share, built once per test process: the seed plans (data/seeds) and a
hostile plan whose title, unit names and measure text carry `<script>` and `<img onerror>`.
Each lives in its own temporary folder, removed when the process exits.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import PlanSpec, plan_text, temp_folder  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "data" / "seeds"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SOURCE = "hostile.txt"


_folder = temp_folder


@lru_cache(maxsize=1)
def seed_store() -> Path:
    from policykg.graph.build import build
    from policykg.graph.store import Store

    path = _folder("policykg-viz-seeds-") / "store"
    with Store.open(path, create=True) as store:
        report = build([SEEDS], store)
    assert not report.failed, report.failed
    return path


@lru_cache(maxsize=1)
def hostile_store() -> Path:
    """A plan extracted from constructed text, with hostile strings in the unit names and the
    measure text; the title and measure titles are then set to hostile strings too (extraction
    may pick another title line), so every place a view shows document text is covered."""
    from policykg.extract import extract_text
    from policykg.extract.components.agencies import resolve_agencies
    from policykg.extract.result import Responsibility
    from policykg.graph.rdf import result_to_quads
    from policykg.graph.store import Store

    spec = PlanSpec(city="临江市", measures=[
        (f"加强{SCRIPT}专利培育", [f"市{IMG}局", "市市场监管局"]),
        (f"推动{IMG}质押融资", ["市金融办", f"市{SCRIPT}办"]),
    ])
    result = extract_text(plan_text(spec), source=HOSTILE_SOURCE)
    # the unit names are set like the titles: the unit-list grammar may refuse markup inside a
    # name, and what is tested here is that views escape whatever the graph holds
    result.responsibilities = [
        Responsibility(measure_id=m.id, agency=unit, role="support", rank=rank, start=m.start, end=m.end,
                       rule="hostile fixture")
        for m, (_, units) in zip(result.measures, spec.measures) for rank, unit in enumerate(units, 1)]
    result.agencies = resolve_agencies(result.responsibilities, result.plan, [])
    result.plan = replace(result.plan, title=f"临江市{SCRIPT}{IMG}工作方案")
    result.measures = [replace(m, title=f"{SCRIPT}{m.title}{IMG}") for m in result.measures]
    graph, quads = result_to_quads(result)
    path = _folder("policykg-viz-hostile-") / "store"
    with Store.open(path, create=True) as store:
        store.replace_document(graph, quads)
    return path


# the first seed plan by file name, and a rendered view's data: helpers the view tests share
FIRST_SEED = sorted(p.name for p in SEEDS.iterdir())[0]


def page_data(html: str) -> dict:
    """The JSON a view page hands its script (<script type="application/json" id="pk-data">)."""
    import json
    import re

    match = re.search(r'<script type="application/json" id="pk-data">(.*?)</script>', html, re.S)
    assert match, "the page carries its data as a JSON script element"
    return json.loads(match.group(1))
