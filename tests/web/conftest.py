"""The in-process web app over the web seed store (web_helpers.seed_store: the seeds and the
hostile plan), opened once per test session for every tests/web module that asks for it, instead
of one copy of the same store-and-TestClient fixtures per module. A fixture in web_helpers.py
would be set up again by each module that imports it; a conftest shares it."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import seed_store  # noqa: E402


@pytest.fixture(scope="session")
def seed_web_store():
    """The web seed store, opened read-only (graph/store.py Store)."""
    from policykg.graph.store import Store

    with Store.open(seed_store(), read_only=True) as opened:
        yield opened


@pytest.fixture(scope="session")
def seed_web_app(seed_web_store):
    """`create_app` over the seed store, queries in-process (workers=0)."""
    from policykg.viz.web.app import create_app

    return create_app(None, store=seed_web_store, workers=0)


@pytest.fixture
def seed_client(seed_web_app):
    """A TestClient of the shared app, new for each test, so no test sees the language cookie
    another test's `?lang=` set."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2")  # starlette prefers httpx2; httpx works
        from starlette.testclient import TestClient

        return TestClient(seed_web_app)
