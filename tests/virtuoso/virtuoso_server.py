"""Start and stop a private Virtuoso (Debian's `virtuoso-opensource`) for the tests and
bench/bench_virtuoso.py: a fresh database in a temporary folder, an ini written here, free loopback
ports for SQL (isql-vt) and HTTP, the process stopped (and its folder removed) afterwards. The
system service, if any, is never used. docs/scale.md ("A shared server") explains the settings.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
DBA_PASSWORD = "dba"  # a fresh database's; the server listens on 127.0.0.1 only
DBA_AUTH = f"dba:{DBA_PASSWORD}"
ROOT = Path(__file__).resolve().parents[2]

INI = """\
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
MaxClientConnections     = 10
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., {dirs_allowed}
ThreadsPerQuery          = 2
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty_buffers}
MaxQueryMem              = 1G

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {db}
MaxClientConnections        = 10
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
Charset                     = UTF-8
EnabledGzipContent          = 0

[SPARQL]
ResultSetMaxRows           = {max_rows}
MaxSortedTopRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 300
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def available() -> bool:
    return Path(VIRTUOSO).exists() and Path(ISQL).exists()


def require() -> None:
    """Like the Chromium tests: never skipped; without Virtuoso they fail with the fix."""
    if not available():
        import pytest

        pytest.fail("Debian's virtuoso-opensource is missing: `make test` installs it "
                    "(or: sudo apt-get install -y virtuoso-opensource)", pytrace=False)


class VirtuosoServer:
    """One virtuoso-t process on a temporary database. `start()` waits until /sparql answers."""

    def __init__(self, folder: Path | None = None, *, buffers: int = 170000,
                 dirs_allowed: str = "/tmp", max_rows: int = 1000000):
        """max_rows: `[SPARQL] ResultSetMaxRows`, the rows Virtuoso sends of any SELECT (Debian's
        default is 10000; the tests give a small one to see a cut answer reported)."""
        self.folder = Path(folder or tempfile.mkdtemp(prefix="policykg-virtuoso-"))
        self.db = self.folder / "db"
        self.db.mkdir(parents=True, exist_ok=True)
        self.sql_port = free_port()
        self.http_port = free_port()
        self.ini = self.folder / "virtuoso.ini"
        self.ini.write_text(INI.format(db=self.db, sql_port=self.sql_port, http_port=self.http_port,
                                       buffers=buffers, dirty_buffers=buffers * 3 // 4,
                                       dirs_allowed=dirs_allowed, max_rows=max_rows),
                            encoding="utf-8")
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    @property
    def graph_crud(self) -> str:
        return self.base + "/sparql-graph-crud-auth"

    def start(self, timeout: float = 120.0) -> "VirtuosoServer":
        self.process = subprocess.Popen([VIRTUOSO, "-f", "-c", str(self.ini)], cwd=self.db,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(self.sparql + "?query=ASK%7B%7D", timeout=5).read()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = (self.db / "virtuoso.log")
                    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    self.stop()
                    raise RuntimeError(f"virtuoso-t did not start: {tail}")
                time.sleep(0.3)

    def isql(self, sql: str, timeout: float = 600.0) -> str:
        """Run SQL through isql-vt as dba; RETURNS its output (raises on an error)."""
        done = subprocess.run([ISQL, str(self.sql_port), "dba", DBA_PASSWORD, "VERBOSE=OFF",
                               "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT"],
                              input=sql.rstrip().rstrip(";") + ";\n", capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed: {done.stdout[-1000:]} {done.stderr[-500:]}")
        return done.stdout

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 30 s); the database stays for a restart."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
