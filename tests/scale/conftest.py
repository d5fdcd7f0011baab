"""Shared by tests/scale: the seed plans built once per module into a store on disk (the corpus
generator fixture, `corpus_generator`, is in tests/conftest.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.graph.build import build
from policykg.graph.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seed") / "store"
    with Store.open(folder, create=True) as store:
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
    return folder
