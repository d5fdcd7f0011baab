"""`policykg push` (graph/gsp.py) against a real `oxigraph serve` on a free loopback port: the server
answers every named query as the local store does; pushing twice changes nothing; 5xx answers are
retried and a 4xx stops with one line (against a tiny local HTTP server)."""
from __future__ import annotations

import http.server
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from policykg.cli import app
from policykg.graph.gsp import PushFailed, push_store
from policykg.graph.store import Store
from policykg.queries import list_queries, term_text

CORE_QUERIES = ["plans", "measures", "responsibilities", "citations", "targets", "people"]  # DESIGN.md
OXIGRAPH = Path(sys.executable).parent / "oxigraph"  # installed by the `oxigraph` package (test extra)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path):
    assert OXIGRAPH.is_file(), f"{OXIGRAPH} missing: pip install the test extra (package `oxigraph`)"
    port = free_port()
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(tmp_path / "remote"), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph serve did not start: {process.stderr.read()!r}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def remote_rows(base: str, sparql: str) -> set[tuple]:
    body = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
    request = urllib.request.Request(base + "/query", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        solutions = ox.parse_query_results(response.read(), format=ox.QueryResultsFormat.JSON)
    columns = [v.value for v in solutions.variables]
    return {tuple(term_text(s[c]) for c in columns) for s in solutions}


def test_push_gives_the_server_the_same_answers(seed_store: Path, server: str):
    result = CliRunner().invoke(app, ["push", "--endpoint", server + "/store", "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("pushed ")
    with Store.open(seed_store) as store:
        local_count = len(store)
        local = {q.name: {tuple(r) for r in store.run_query(q, {}).rows} for q in list_queries()}
        queries = {q.name: q.sparql for q in list_queries()}
    count_all = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert remote_rows(server, count_all) == {(str(local_count),)}
    assert all(local[name] for name in CORE_QUERIES)  # answers to compare
    for name, sparql in queries.items():
        assert remote_rows(server, sparql) == local[name], name
    # pushing again replaces each graph: the same store
    with Store.open(seed_store) as store:
        report = push_store(store, server + "/store")
    assert report.graphs >= 5 and report.triples == local_count
    assert remote_rows(server, count_all) == {(str(local_count),)}


class FlakyHandler(http.server.BaseHTTPRequestHandler):
    answers: list[int] = []
    seen: list[tuple[str, str]] = []

    def do_PUT(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        type(self).seen.append((self.path, self.headers.get("Authorization", "")))
        code = type(self).answers.pop(0) if type(self).answers else 204
        self.send_response(code)
        body = b"bad graph" if code >= 400 else b""
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FlakyHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    FlakyHandler.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}/gsp"
    httpd.shutdown()


def small_store() -> Store:
    store = Store.in_memory()
    g = ox.NamedNode("https://w3id.org/policykg/id/doc/甲.txt")
    store.raw.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("值"), g))
    return store


def test_push_retries_server_errors_with_backoff(flaky: str):
    FlakyHandler.answers = [503, 500]
    waits: list[float] = []
    report = push_store(small_store(), flaky, auth="user:pw", backoff=0.5, sleep=waits.append)
    assert report.retries == 2 and report.graphs == 1 and waits == [0.5, 1.0]
    path, auth = FlakyHandler.seen[-1]
    assert path == "/gsp?graph=https%3A%2F%2Fw3id.org%2Fpolicykg%2Fid%2Fdoc%2F%E7%94%B2.txt"
    assert auth.startswith("Basic ")


def test_push_client_error_is_one_line_without_retry(flaky: str):
    FlakyHandler.answers = [400]
    with pytest.raises(PushFailed) as caught:
        push_store(small_store(), flaky, sleep=lambda s: None)
    assert len(FlakyHandler.seen) == 1
    message = str(caught.value)
    assert "HTTP 400" in message and "bad graph" in message and "\n" not in message


def test_push_unreachable_endpoint_fails_after_retries(tmp_path: Path, seed_store: Path):
    url = f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(PushFailed, match="after 3 attempts: cannot reach"):
        push_store(small_store(), url, retries=2, sleep=lambda s: None)
    result = CliRunner().invoke(app, ["push", "--endpoint", "ftp://x", "--store", str(seed_store)])
    assert result.exit_code == 1 and result.stderr.startswith("error: --endpoint must be an http")
