"""Shared by tests/virtuoso: a private Virtuoso (server.py) started once per session from Debian's
package on free loopback ports, the seed plans built and analysed once into a local Oxigraph store,
and that store pushed to the server over the Graph Store Protocol. Without Virtuoso these tests
FAIL with the command that installs it (never skip: issue 25, like the Chromium tests)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from virtuoso_server import DBA_AUTH, ROOT, VirtuosoServer, require  # noqa: E402,F401



@pytest.fixture(scope="session")
def seed_store(tmp_path_factory) -> Path:
    """The seed plans with their analysis graph (so the analysis queries have rows)."""
    from policykg.graph.analysis.analysis_graph import analyze
    from policykg.graph.build import build
    from policykg.graph.store import Store

    folder = tmp_path_factory.mktemp("virtuoso-seed") / "store"
    with Store.open(folder, create=True) as store:
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
        store.ensure_vocabulary()
        analyze(store, ROOT / "data" / "frameworks")
    return folder


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    require()
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso-session"),
                            dirs_allowed=str(tmp_path_factory.getbasetemp()))
    server.start()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="session")
def pushed(virtuoso: VirtuosoServer, seed_store: Path) -> str:
    """The seed store pushed to the session server with `policykg push`; RETURNS the /sparql URL."""
    from policykg.cli import app

    result = CliRunner().invoke(app, ["push", "--endpoint", virtuoso.graph_crud, "--auth", DBA_AUTH,
                                      "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    return virtuoso.sparql


@pytest.fixture(scope="session")
def capped(tmp_path_factory, seed_store: Path) -> str:
    """A second private Virtuoso holding the seeds that sends at most 50 rows of any answer
    (`[SPARQL] ResultSetMaxRows = 50`, Debian ships 10000); RETURNS its /sparql URL."""
    from policykg.cli import app

    require()
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso-capped"), buffers=10000, max_rows=50)
    server.start()
    try:
        result = CliRunner().invoke(app, ["push", "--endpoint", server.graph_crud, "--auth", DBA_AUTH,
                                          "--store", str(seed_store)])
        assert result.exit_code == 0, result.output
        yield server.sparql
    finally:
        server.remove()
