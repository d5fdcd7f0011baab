"""SPARQL queries run in worker processes the server can kill.

Why: pyoxigraph cannot cancel a query, so a thread past the time limit kept running (an ORDER BY
grew to 3.3 GB in 36 s after its client had its 503), and an engine crash (a stack overflow on a
deeply nested query) took the whole server down. Here each query runs in one of a few worker
processes, each with the store opened read-only and, optionally, an address-space cap
(RLIMIT_AS). Past the time limit the server kills the worker (SIGKILL frees its memory at once)
and starts a fresh one; a worker that dies on its own (crash, memory cap) is replaced the same way.
Either way the request gets a clear error and the server keeps serving.

A job's messages, worker -> server: ("ready", pid) once; then per job either ("answer", Answer)
(typed rows for the HTML page), or ("head", media) + ("chunk", bytes)* + ("end",) (a streamed
result in the negotiated format), or ("error", status, title, message). Partners: viz/web/app.py
(the routes), viz/web/sparql.py (reading, running and serialising), docs/web.md.
"""
from __future__ import annotations

import atexit
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from .http import WebError

CHUNK_BYTES = 64 * 1024      # a streamed result goes to the server in pieces of this size
START_TIMEOUT = 60.0         # seconds a new worker may take to open the store (not the query's time)


@dataclass(frozen=True)
class QueryJob:
    """One query for a worker. options: pyoxigraph `Store.query` keyword arguments with IRIs as
    strings (sparql.query_kwargs turns them into terms). output: "answer" (typed rows, at most
    `max_rows`) or the result format negotiation inputs (`accept`, `format_name`)."""

    sparql: str
    options: dict[str, Any] = field(default_factory=dict)
    output: str = "stream"
    max_rows: int | None = None
    accept: str | None = None
    format_name: str | None = None


class _Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, process: Any, conn: Connection):
        self.process = process
        self.conn = conn
        self.ready = False

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def death(self) -> str:
        """Why the process ended, in words."""
        self.process.join(1)
        code = self.process.exitcode
        if code is None:
            return "it stopped answering"
        if code < 0:
            try:
                return f"it was ended by signal {signal.Signals(-code).name}"
            except ValueError:
                return f"it was ended by signal {-code}"
        return f"it exited with status {code}"


class WorkerPool:
    """`size` worker processes serving queries over the read-only store at `store_path`.

    memory_limit_mb (int | None): address-space cap per worker (RLIMIT_AS); a query that needs more
        dies with its worker instead of eating the machine.
    """

    def __init__(self, store_path: str, *, size: int = 2, memory_limit_mb: int | None = None):
        self.store_path = str(store_path)
        self.size = max(1, size)
        self.memory_limit_mb = memory_limit_mb
        self._context = multiprocessing.get_context("spawn")  # no forking a threaded server
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._started = False
        self._closed = False
        self._lock = threading.Condition()
        atexit.register(self.close)

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers (idempotent; also done by the first query)."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
            self._idle.extend(self._spawn() for _ in range(self.size))
            self._lock.notify_all()

    def close(self) -> None:
        """Kill every worker (server shutdown)."""
        with self._lock:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._busy.clear()
            self._lock.notify_all()
        for worker in workers:
            worker.stop()

    def worker_pids(self) -> list[int]:
        """The live workers' process ids (diagnostics and tests)."""
        with self._lock:
            return [w.pid for w in [*self._idle, *self._busy] if w.pid and w.process.is_alive()]

    def _spawn(self) -> _Worker:
        server_end, worker_end = self._context.Pipe(duplex=True)
        process = self._context.Process(target=serve_jobs, name="policykg-query-worker",
                                        args=(self.store_path, worker_end, self.memory_limit_mb,
                                              os.getpid()),
                                        daemon=True)
        process.start()
        worker_end.close()
        return _Worker(process, server_end)

    # -- running a job ------------------------------------------------------------------------

    def run(self, job: QueryJob, time_limit: float | None) -> Iterator[tuple[Any, ...]]:
        """The worker's messages for `job`, ending with its "end", "answer" or "error" message.

        time_limit: seconds the query may run (None or inf: no limit). It counts from the moment
        the job reaches a ready worker: a worker still opening the store (at server start, or
        replacing a killed one) is the server's overhead, not the query's, and may take up to
        START_TIMEOUT. Waiting for a free worker while all are busy is bounded by the time limit.
        RAISES WebError(503): past the time limit (the worker is killed), no worker free in time,
        or the worker could not start or died (crash, memory cap). Closing the iterator early
        kills the worker too.
        """
        worker = self._acquire(deadline_after(time_limit))
        finished = False
        try:
            self._wait_ready(worker)
            deadline = deadline_after(time_limit)
            worker.conn.send(job)
            while True:
                message = self._receive(worker, deadline)
                if message[0] in ("end", "answer", "error"):
                    finished = True
                yield message
                if finished:
                    return
        finally:
            self._release(worker, healthy=finished)

    def _acquire(self, deadline: float | None) -> _Worker:
        self.start()
        with self._lock:
            while not self._idle:
                if self._closed:
                    raise WebError(503, "Server stopping", "the server is shutting down")
                remaining = _remaining(deadline)
                if remaining is not None and remaining <= 0:
                    raise WebError(503, "Server busy",
                                   f"all {self.size} query workers stayed busy for this query's "
                                   "whole time limit; retry later")
                self._lock.wait(remaining)
            worker = self._idle.pop()
            self._busy.add(worker)
            return worker

    def _release(self, worker: _Worker, *, healthy: bool) -> None:
        if not healthy:
            worker.stop()
        with self._lock:
            self._busy.discard(worker)
            if self._closed:
                if healthy:
                    worker.stop()
                return
            self._idle.append(worker if healthy else self._spawn())
            self._lock.notify()

    def _wait_ready(self, worker: _Worker) -> None:
        """Return once the worker has opened the store.
        RAISES WebError(503): it could not open the store, died starting, or took longer than
        START_TIMEOUT (it is then replaced)."""
        if worker.ready:
            return
        try:
            message = self._receive(worker, time.monotonic() + START_TIMEOUT)
        except TimeLimitReached:
            raise WebError(503, "Server busy",
                           f"no query worker finished starting within {START_TIMEOUT:.0f} s "
                           "(the machine may be overloaded); retry") from None
        if message[0] == "error":
            _status, title, text = message[1:]
            raise WebError(503, title, text)
        worker.ready = True

    def _receive(self, worker: _Worker, deadline: float | None) -> tuple[Any, ...]:
        remaining = _remaining(deadline)
        try:
            # past the deadline, what the worker already sent is still taken (poll(0))
            if remaining is not None and not worker.conn.poll(max(remaining, 0)):
                raise TimeLimitReached
            return worker.conn.recv()
        except (EOFError, OSError):
            raise WebError(503, "Query stopped",
                           f"the worker process running the query died ({worker.death()}): the "
                           "engine failed or the query needed more than the memory cap "
                           f"({_memory_text(self.memory_limit_mb)}); the server goes on with a "
                           "fresh worker") from None


class TimeLimitReached(WebError):
    """The job ran past its deadline; its worker is killed when the job's iterator closes."""

    def __init__(self) -> None:
        super().__init__(503, "Query took too long", "the query ran past the time limit")


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else deadline - time.monotonic()


def _memory_text(limit_mb: int | None) -> str:
    return "none set" if not limit_mb else f"{limit_mb} MB per worker, `--memory-limit`"


def deadline_after(seconds: float | None) -> float | None:
    return None if seconds is None or math.isinf(seconds) else time.monotonic() + seconds


# -- the worker process ---------------------------------------------------------------------------


def serve_jobs(store_path: str, conn: Connection, memory_limit_mb: int | None,
               server_pid: int) -> None:
    """A worker's life: cap its memory, open the store read-only, answer jobs until the pipe
    closes. Ends itself when the server process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which ends us
    if memory_limit_mb:
        import resource

        cap = memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    threading.Thread(target=_exit_with_server, args=(server_pid,), daemon=True).start()
    import pyoxigraph as ox

    from .sparql import run_job

    try:
        store = ox.Store.read_only(store_path)
    except (OSError, RuntimeError) as e:
        conn.send(("error", 503, "Store unavailable",
                   f"a query worker could not open the store ({' '.join(str(e).split())}); if "
                   "the store is large, raise `policykg serve --memory-limit`"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            run_job(store, job, conn.send)
        except (BrokenPipeError, EOFError):
            return


def _exit_with_server(server_pid: int) -> None:
    while os.getppid() == server_pid:
        time.sleep(0.5)
    os._exit(0)
