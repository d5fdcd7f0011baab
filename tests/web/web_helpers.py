"""What the web tests share: stores built once per test process (the seed plans, and a plan whose
text carries `<script>`), and `running_server`, which starts the real `policykg serve` in a
subprocess on a free 127.0.0.1 port and stops it (and any abandoned query thread) afterwards;
`running_server_process` also yields the server's Popen, and `worker_pids` lists its SPARQL
worker processes. Given no store (None) and `--endpoint URL` among the options, the server reads
that SPARQL endpoint instead.

The browser suite runs on two backends (BACKENDS, the `backend` fixture of tests/conftest.py): the
local Oxigraph store, and `policykg serve --endpoint` over a private Virtuoso holding the same
store (`VirtuosoPublisher`, issue 25).
"""
from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import PlanSpec, plan_text, temp_folder  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "data" / "seeds"
SCRIPT = "<script>alert(1)</script>"
HOSTILE_SOURCE = "hostile.txt"
BACKENDS = ("oxigraph", "virtuoso")


_folder = temp_folder


@lru_cache(maxsize=1)
def seed_store() -> Path:
    """The five seed plans plus the hostile plan, in one store."""
    from policykg.extract import extract_text
    from policykg.graph.build import build
    from policykg.graph.rdf import result_to_quads
    from policykg.graph.store import Store

    path = _folder("policykg-web-") / "store"
    spec = PlanSpec(city="临江市", measures=[(f"加强{SCRIPT}专利培育", ["市市场监管局", "市财政局"])])
    result = extract_text(plan_text(spec), source=HOSTILE_SOURCE)
    result.plan = replace(result.plan, title=f"临江市{SCRIPT}工作方案")
    with Store.open(path, create=True) as store:
        report = build([SEEDS], store)
        graph, quads = result_to_quads(result)
        store.replace_document(graph, quads)
    assert not report.failed, report.failed
    return path


def sparql_get(port: int, query: str, host: str | None = None, timeout: float = 10) -> tuple[int, bytes]:
    """GET /sparql with an explicit Host header (urllib always sends the URL's own): (status, body)."""
    import http.client
    from urllib.parse import quote

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest("GET", "/sparql?query=" + quote(query, safe=""), skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{port}")
        connection.putheader("Accept", "application/sparql-results+json")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(store: Path | None, *options: str) -> Iterator[str]:
    """`policykg serve --store STORE OPTIONS...` on a free loopback port; yields its base URL."""
    with running_server_process(store, *options) as (base, _process):
        yield base


def worker_pids(server_pid: int) -> set[int]:
    """The SPARQL worker processes of the server `server_pid` (its spawned children)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[1]) == server_pid and b"spawn_main" in cmdline and fields[0] != "Z":
            pids.add(int(entry.name))
    return pids


@contextlib.contextmanager
def running_server_process(store: Path | None, *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`running_server`, yielding (base URL, the server's Popen). `store` None: the options name
    what the server reads (`--endpoint URL`)."""
    port = free_port()
    where = ["--store", str(store)] if store is not None else []
    command = [sys.executable, "-c", "from policykg.cli import main; main()", "serve",
               *where, "--port", str(port), *options]
    log = tempfile.TemporaryFile()  # a file, not a pipe: a chatty server never blocks on it
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_up(base: str, process: subprocess.Popen, log, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"policykg serve exited: {log.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(base + "/static/app.css", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise RuntimeError("policykg serve did not start")


def fetch(url: str, *, headers: dict[str, str] | None = None, data: bytes | None = None,
          method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request; HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


class VirtuosoPublisher:
    """One private Virtuoso (tests/virtuoso/virtuoso_server.py, Debian's package) for the browser
    suite's Virtuoso backend. `publish(store)` makes the server hold exactly that local store's
    named graphs, pushed with graph/gsp.py as `policykg push` does (the previously published
    store's graphs are dropped first), and RETURNS the server's /sparql URL.

    It is not tests/virtuoso's session server: that one holds the seeds with their analysis and
    its tests compare it with that store all session, while the browser tests need the stores
    they assert on (the seeds with the hostile plan, the views' hostile store), one at a time."""

    BUFFERS = 20_000  # 8 KB pages, 160 MB: the test stores are a few MB

    def __init__(self, folder: Path):
        sys.path.insert(0, str(REPO / "tests" / "virtuoso"))
        from virtuoso_server import VirtuosoServer, require

        require()
        self.server = VirtuosoServer(folder, buffers=self.BUFFERS)
        self.server.start()
        self.current: Path | None = None
        self.graphs: list[str] = []

    def publish(self, store: Path) -> str:
        from virtuoso_server import DBA_AUTH

        from policykg.graph.gsp import push_store
        from policykg.graph.store import Store

        if self.current != store:
            if self.graphs:
                self.server.isql("\n".join(f"SPARQL DROP SILENT GRAPH <{g}>;" for g in self.graphs))
            self.current, self.graphs = None, []
            with Store.open(store, read_only=True) as local:
                report = push_store(local, self.server.graph_crud, auth=DBA_AUTH)
            assert report.graphs > 0, store
            self.current, self.graphs = store, report.pushed
        return self.server.sparql

    def close(self) -> None:
        self.server.remove()
