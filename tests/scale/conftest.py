"""Shared by tests/scale: the seed plans built once per module into a store on disk, and the
load-test corpus generator (bench/generate_corpus.py) as a fixture."""
from __future__ import annotations

import importlib.util
import sys
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


@pytest.fixture(scope="session")
def corpus_generator():
    """bench/generate_corpus.py, imported from its file (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "bench" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_corpus"] = module
    spec.loader.exec_module(module)
    return module
