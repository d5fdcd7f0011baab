"""The browser suite's backends (issue 25: `policykg serve --endpoint` over Virtuoso passes the web
app's browser tests). A browser test that asks for `web_base` (or `open_on_backend`) runs twice:
over the local Oxigraph store, and over a private Virtuoso holding the same store. Only the tests
that ask for these fixtures are parametrized; the Virtuoso server starts the first time one needs
it and stops at the end of the session. The fixtures live here, at the root of tests/, because
the browser tests sit in tests/web and tests/viz; their helpers are in tests/web/web_helpers.py.
Also here: `corpus_generator`, the load-test corpus generator, for tests/graph and tests/scale.
"""
from __future__ import annotations

import contextlib
import importlib.util
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "web"))
from web_helpers import BACKENDS, VirtuosoPublisher, running_server, seed_store  # noqa: E402


@pytest.fixture(scope="session")
def corpus_generator():
    """bench/generate_corpus.py, imported from its file (bench/ is not a package)."""
    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("generate_corpus", root / "bench" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_corpus"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request) -> str:
    """"oxigraph" or "virtuoso": what the module's server (or rendered views) read."""
    return request.param


@pytest.fixture(scope="session")
def web_virtuoso(tmp_path_factory):
    """The private Virtuoso the browser tests publish their stores to (web_helpers.VirtuosoPublisher)."""
    publisher = VirtuosoPublisher(tmp_path_factory.mktemp("web-virtuoso"))
    try:
        yield publisher
    finally:
        publisher.close()


@pytest.fixture(scope="module")
def web_base(backend: str, request) -> str:
    """The base URL of a real `policykg serve` over the web seed store (web_helpers.seed_store:
    the seeds and the hostile plan): `--store` on Oxigraph, `--endpoint` on Virtuoso."""
    store = seed_store()
    if backend == "oxigraph":
        with running_server(store) as url:
            yield url
    else:
        endpoint = request.getfixturevalue("web_virtuoso").publish(store)
        with running_server(None, "--endpoint", endpoint) as url:
            yield url


@pytest.fixture(scope="module")
def open_on_backend(backend: str, request):
    """A function: `with open_on_backend(folder) as store:` reads that local store folder,
    itself on Oxigraph, or published to the Virtuoso and read through its endpoint."""
    from policykg.graph.remote import RemoteStore
    from policykg.graph.store import Store

    publisher = request.getfixturevalue("web_virtuoso") if backend == "virtuoso" else None

    @contextlib.contextmanager
    def opened(folder: Path):
        if publisher is None:
            with Store.open(folder, read_only=True) as store:
                yield store
        else:
            store = RemoteStore.open(publisher.publish(folder))
            try:
                yield store
            finally:
                store.close()

    return opened
