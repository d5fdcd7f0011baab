"""The evaluation's figures on the seed plans, held at the thresholds the issues set.

Uses the scorer and gold annotations vendored in tests/eval (see its README) over a store built
in-process from data/seeds, read through the named queries exactly as `policykg query` reads it.
A rule change that costs accuracy fails here, not only in `make score`.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from policykg.graph.build import build
from policykg.graph.store import Store
from policykg.queries import load_query

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "eval"
THRESHOLDS = {"plan_fields": 0.95, "measures": 0.95, "responsibilities": 0.98, "lead": 0.98,
              "citations": 0.98, "frameworks": 0.95, "targets": 0.95, "people": 0.95}


def _scorer():
    spec = importlib.util.spec_from_file_location("policykg_eval_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    scorer = _scorer()
    store = Store.open(tmp_path_factory.mktemp("scores") / "store", create=True)
    try:
        assert not build(sorted((ROOT / "data" / "seeds").glob("*.txt")), store).failed
        tables = {}
        for name in scorer.COLUMNS:
            res = store.run_query(load_query(name), {})
            tables[name] = [{c: ("" if v is None else v) for c, v in zip(res.columns, row)} for row in res.rows]
    finally:
        store.close()
    tallies = scorer.score(EVAL / "gold", tables)
    return {name: tally.prf()[2] for name, tally in tallies.items()}


@pytest.mark.parametrize("measure", sorted(THRESHOLDS))
def test_seed_scores_meet_thresholds(figures, measure):
    assert figures[measure] >= THRESHOLDS[measure], f"{measure} F1 = {figures[measure]:.3f}"


def test_seed_scores_macro_f1(figures):
    core = ["responsibilities", "lead", "citations", "targets", "measures", "plan_fields"]
    assert sum(figures[k] for k in core) / len(core) >= 0.95
