"""viz/web/query_workers.py in-process: a pool answers a query through its worker process, and a
worker that cannot open the store makes the request a clear 503 instead of a hang."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import _folder, seed_store  # noqa: E402

from policykg.viz.web.http import WebError  # noqa: E402
from policykg.viz.web.query_workers import QueryJob, WorkerPool  # noqa: E402


def test_query_workers_answer_and_stream():
    pool = WorkerPool(str(seed_store()), size=1)
    try:
        answer = list(pool.run(QueryJob("ASK { ?s ?p ?o }", {"use_default_graph_as_union": True},
                                         output="answer"), 30))
        assert answer[-1][0] == "answer" and answer[-1][1].boolean is True
        streamed = list(pool.run(QueryJob("SELECT (1 AS ?x) {}", accept="text/csv"),
                                 30))
        assert [m[0] for m in streamed] == ["head", "chunk", "end"]
        assert streamed[0][1] == "text/csv" and streamed[1][1] == b"x\r\n1\r\n"
        assert len(pool.worker_pids()) == 1
    finally:
        pool.close()
    assert pool.worker_pids() == []


def test_query_workers_missing_store_is_a_clear_503():
    pool = WorkerPool(str(_folder("policykg-nostore-") / "store"), size=1)
    try:
        with pytest.raises(WebError) as caught:
            list(pool.run(QueryJob("ASK {}"), 30))
        assert caught.value.status == 503 and "could not open the store" in caught.value.message
    finally:
        pool.close()


def test_query_workers_start_time_is_not_the_query_time(tmp_path, monkeypatch):
    """A worker still starting (server start, or replacing a killed one) is the server's overhead:
    a query with a time limit shorter than the start still gets its answer. (It got 503 "Server
    busy" when the start counted against the limit, on loaded CI machines at `--time-limit 1`.)"""
    import time

    slow = tmp_path / "slow_start"
    slow.mkdir()
    (slow / "sitecustomize.py").write_text("import time\ntime.sleep(1.5)\n")
    monkeypatch.setenv("PYTHONPATH", str(slow))  # the spawned worker sleeps 1.5 s at start
    pool = WorkerPool(str(seed_store()), size=1)
    try:
        started = time.monotonic()
        answer = list(pool.run(QueryJob("ASK {}", output="answer"), 0.5))
        assert time.monotonic() - started >= 1.5  # the start really took longer than the limit
        assert answer[-1][0] == "answer" and answer[-1][1].boolean is True
    finally:
        pool.close()


def test_query_workers_import_little():
    """A worker imports query_workers.py, not the web app: each start (one per killed query) took
    ~0.6 s importing Starlette, Jinja2 and rdflib through viz/web/__init__.py."""
    import subprocess
    import sys

    code = ("import sys, policykg.viz.web.query_workers; "
            "print(sorted(m for m in ('starlette', 'jinja2', 'rdflib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
