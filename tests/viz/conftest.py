"""The view tests' seed store (stores.seed_store: the seed plans), opened once per test session for
every tests/viz module that asks for `seed`, instead of a copy of the fixture per module (a
fixture imported from stores.py would be set up again by each module that imports it)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stores  # noqa: E402


@pytest.fixture(scope="session")
def seed():
    """The seed store, opened read-only (graph/store.py Store)."""
    from policykg.graph.store import Store

    with Store.open(stores.seed_store(), read_only=True) as store:
        yield store
