"""The workers' scratch store (graph/summaries/plan_summaries.py `_scratch_store`) is made again every
SCRATCH_PLANS plans, because Oxigraph's in-memory store keeps every interned string after a
plan's quads are removed: a remade store must give byte-identical summaries and hold exactly the
vocabularies."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.extract import extract_path
from policykg.graph.rdf import result_to_nquads
from policykg.graph.summaries import plan_summaries, summary_format

SEEDS = sorted((Path(__file__).resolve().parents[2] / "data" / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def seed_nquads() -> list[tuple[str, bytes]]:
    out = []
    for path in SEEDS:
        graph, data, _ = result_to_nquads(extract_path(path))
        out.append((graph.value, data))
    return out


def _fresh(monkeypatch, plans: int) -> None:
    monkeypatch.setattr(plan_summaries, "_scratch", None)
    monkeypatch.setattr(plan_summaries, "_scratch_plans", 0)
    monkeypatch.setattr(plan_summaries, "_vocabulary_dump", None)
    monkeypatch.setattr(plan_summaries, "SCRATCH_PLANS", plans)


def test_remade_scratch_store_gives_the_same_summaries(monkeypatch, seed_nquads):
    assert len(seed_nquads) == 5
    _fresh(monkeypatch, 1000)
    once = [plan_summaries.summary_nquads(graph, data) for graph, data in seed_nquads]
    first_store = plan_summaries._scratch
    _fresh(monkeypatch, 2)
    remade = [plan_summaries.summary_nquads(graph, data) for graph, data in seed_nquads]
    assert plan_summaries._scratch is not first_store
    assert remade == once
    # and in the other order, so each plan is also summarised in a store made from the dump
    _fresh(monkeypatch, 1)
    backwards = [plan_summaries.summary_nquads(graph, data) for graph, data in reversed(seed_nquads)]
    assert list(reversed(backwards)) == once


def test_scratch_store_is_remade_after_its_plans_and_holds_only_the_vocabularies(monkeypatch, seed_nquads):
    _fresh(monkeypatch, 2)
    stores = []
    for graph, data in seed_nquads:
        plan_summaries.summary_nquads(graph, data)
        stores.append(plan_summaries._scratch)
    # plans 1-2 in the first store, 3-4 in the second, 5 in the third
    assert stores[0] is stores[1] and stores[2] is stores[3] and stores[4] is not stores[2]
    assert stores[1] is not stores[2]
    first_graphs = {g.value for g in stores[0].named_graphs()}
    last_graphs = {g.value for g in stores[4].named_graphs()}
    assert first_graphs == last_graphs and not any(g.startswith(summary_format.DOCUMENT_GRAPH_PREFIX) for g in last_graphs)
    assert len(stores[4]) == len(stores[0]) > 1000


def test_remade_scratch_store_holds_exactly_the_vocabularies_quads(monkeypatch, seed_nquads):
    """The scratch store is remade from the vocabularies' N-Quads parsed leniently (no IRI
    checks): it must hold the very quads of a store that loaded the vocabulary files."""
    from policykg.graph.store import Store

    expected = Store.in_memory()
    expected.ensure_vocabulary()
    _fresh(monkeypatch, 1)
    graph, data = seed_nquads[0]
    plan_summaries.summary_nquads(graph, data)
    used = plan_summaries._scratch
    remade = plan_summaries._scratch_store()  # it served SCRATCH_PLANS (1) plans: made again from the dump
    assert remade is not used
    assert set(remade) == set(expected.raw) and len(remade) == len(expected.raw) > 1000
