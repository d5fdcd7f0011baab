"""What the web tests share: stores built once per test process (the seed plans, and a plan whose
text carries `<script>`), and `running_server`, which starts the real `policykg serve` in a
subprocess on a free 127.0.0.1 port and stops it (and any abandoned query thread) afterwards;
`running_server_process` also yields the server's Popen, and `worker_pids` lists its SPARQL
worker processes.
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
def running_server(store: Path, *options: str) -> Iterator[str]:
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
def running_server_process(store: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`running_server`, yielding (base URL, the server's Popen)."""
    port = free_port()
    command = [sys.executable, "-c", "from policykg.cli import main; main()", "serve",
               "--store", str(store), "--port", str(port), *options]
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
