"""viz/web/query_workers.py in-process: a pool answers a query through its worker process, and a
worker that cannot open the store makes the request a clear 503 instead of a hang."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import _folder, seed_store  # noqa: E402

from policykg.viz.web.http import WebError  # noqa: E402
from policykg.viz.web.query_workers import QueryJob, WorkerPool, deadline_after  # noqa: E402


def test_query_workers_answer_and_stream():
    pool = WorkerPool(str(seed_store()), size=1)
    try:
        answer = list(pool.run(QueryJob("ASK { ?s ?p ?o }", {"use_default_graph_as_union": True},
                                         output="answer"), deadline_after(30)))
        assert answer[-1][0] == "answer" and answer[-1][1].boolean is True
        streamed = list(pool.run(QueryJob("SELECT (1 AS ?x) {}", accept="text/csv"),
                                 deadline_after(30)))
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
            list(pool.run(QueryJob("ASK {}"), deadline_after(30)))
        assert caught.value.status == 503 and "could not open the store" in caught.value.message
    finally:
        pool.close()
