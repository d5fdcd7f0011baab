"""Oxigraph next to Virtuoso on one generated corpus, measured in one run (docs/scale.md, "A shared
server"): publishing (`policykg push` over the Graph Store Protocol to `oxigraph serve` and to
Virtuoso), bulk loading a `policykg dump` (`oxigraph load` and scripts/virtuoso_bulk_load.sh), and
every named query over the whole corpus and for one city (embedded Oxigraph, as `policykg query
--store` runs it, and Virtuoso through graph/remote.py, as `--endpoint` runs it), with a check
that both engines give the same rows. Wall seconds and the server's CPU seconds are printed.

    .venv/bin/python bench/bench_virtuoso.py --plans 1000 [--workdir /tmp/bench-virtuoso] [--keep]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "virtuoso"))
from virtuoso_server import VirtuosoServer, free_port  # noqa: E402

PYTHON = sys.executable
BIN = Path(sys.executable).parent
TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def run(command: list[str], **kwargs) -> tuple[float, float]:
    """Run a command; RETURNS (wall seconds, CPU seconds of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, **kwargs)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def policykg(*args: str) -> list[str]:
    return [PYTHON, "-c", "from policykg.cli import main; main()", *args]


class OxigraphServer:
    def __init__(self, folder: Path):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(BIN / "oxigraph"), "serve", "--location", str(folder), "--bind",
             f"127.0.0.1:{self.port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/query?query=ASK%7B%7D", timeout=2)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("oxigraph serve did not start")
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def timed_push(store: Path, endpoint: str, server_pid: int, *auth: str) -> tuple[float, float, float]:
    """(wall s, client CPU s, server CPU s) of `policykg push`."""
    cpu_before = process_cpu(server_pid)
    wall, client = run(policykg("push", "--endpoint", endpoint, "--store", str(store), *auth),
                       stdout=subprocess.DEVNULL)
    return wall, client, process_cpu(server_pid) - cpu_before


def query_figures(store_dir: Path, endpoint: str, city: str, timeout: float, province: str = ""):
    """Yields (query, scope, oxigraph s, rows, virtuoso s, rows, same rows) as each is measured:
    each query over the whole corpus, then with each of its Chinese-valued parameters (`city`, and
    `region` by the province's name, which Virtuoso once missed: graph/remote.py `with_values`)."""
    from policykg.graph.remote import RemoteStore
    from policykg.graph.store import Store
    from policykg.queries import bind_params, instantiate, list_queries

    remote = RemoteStore.open(endpoint, timeout=timeout)
    with Store.open(store_dir) as local:
        for query in list_queries():
            scopes = (("corpus", {}), ("city", {"city": city}), ("region", {"region": province}))
            for label, params in scopes:
                if params and not all(query.param(name) and value for name, value in params.items()):
                    continue
                bound = bind_params(query, params)
                sparql = instantiate(query.sparql, {v.value: t.value for v, t in bound.items()})
                row = [query.name, label]
                answers = []
                for engine in (local, remote):
                    start = time.perf_counter()
                    try:
                        rows = engine.query(sparql, bound, timeout=timeout).rows
                    except Exception as e:  # noqa: BLE001 - a bench reports and goes on
                        row += [None, f"error: {' '.join(str(e).split())[:80]}"]
                        answers.append(None)
                        continue
                    row += [time.perf_counter() - start, len(rows)]
                    # GROUP_CONCAT's order is each engine's own: compare its parts as a set
                    answers.append(sorted(repr([";".join(sorted(v.split("; "))) if v else v
                                                for v in r]) for r in rows))
                same = answers[0] is not None and answers[0] == answers[1]
                yield (*row, same)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/bench-virtuoso"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    work = args.workdir.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    say = lambda text: print(text, flush=True)  # noqa: E731

    plans = work / "plans"
    run([PYTHON, str(ROOT / "bench" / "generate_corpus.py"), str(plans), "--count", str(args.plans)],
        stdout=subprocess.DEVNULL)
    store = work / "store"
    wall, cpu = run(policykg("build", "--store", str(store), "--workers", str(args.workers), str(plans)),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    say(f"built {args.plans} plans into Oxigraph: {wall:.0f} s")
    dump = work / "corpus.nq"
    run(policykg("dump", "--store", str(store), "--out", str(dump)), stderr=subprocess.DEVNULL)
    quads = sum(1 for line in dump.open(encoding="utf-8") if not line.startswith("#"))
    say(f"dump: {quads} quads, {dump.stat().st_size / 1e6:.0f} MB")

    say("\n== publish (policykg push, Graph Store Protocol): wall s, client CPU s, server CPU s")
    oxi = OxigraphServer(work / "oxigraph-push")
    figures = timed_push(store, f"http://127.0.0.1:{oxi.port}/store", oxi.process.pid)
    oxi.stop()
    say(f"oxigraph serve  {figures[0]:8.1f} {figures[1]:8.1f} {figures[2]:8.1f}")
    virtuoso = VirtuosoServer(work / "virtuoso-push", dirs_allowed=str(work)).start()
    figures = timed_push(store, virtuoso.graph_crud, virtuoso.process.pid, "--auth", "dba:dba")
    virtuoso.remove()
    say(f"virtuoso        {figures[0]:8.1f} {figures[1]:8.1f} {figures[2]:8.1f}")

    say("\n== bulk load of the dump: wall s, CPU s (the loader's process, or the server's)")
    wall, cpu = run([str(BIN / "oxigraph"), "load", "--location", str(work / "oxigraph-load"),
                     "--file", str(dump)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    say(f"oxigraph load   {wall:8.1f} {cpu:8.1f}")
    virtuoso = VirtuosoServer(work / "virtuoso-load", dirs_allowed=str(work)).start()
    server_before = process_cpu(virtuoso.process.pid)
    wall, _client = run(["sh", str(ROOT / "scripts" / "virtuoso_bulk_load.sh"), str(dump)],
                        env={**os.environ, "VIRTUOSO_PORT": str(virtuoso.sql_port)},
                        stderr=subprocess.DEVNULL)
    say(f"virtuoso bulk   {wall:8.1f} {process_cpu(virtuoso.process.pid) - server_before:8.1f}"
        "   (ld_dir + rdf_loader_run + checkpoint, graphs cleared first)")

    try:
        from policykg.graph.store import Store

        with Store.open(store) as local:
            city = local.query("PREFIX pk: <https://w3id.org/policykg/ns#> "
                               "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                               "SELECT ?c WHERE { ?p a pk:Plan ; pk:jurisdiction/rdfs:label ?c "
                               "FILTER(LANG(?c) = 'zh') } ORDER BY ?c LIMIT 1").rows[0][0]
            provinces = local.query("PREFIX pk: <https://w3id.org/policykg/ns#> "
                                    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                                    "SELECT ?c WHERE { ?p a pk:Plan ; pk:province/rdfs:label ?c "
                                    "FILTER(LANG(?c) = 'zh') } ORDER BY ?c LIMIT 1").rows
            province = provinces[0][0] if provinces else ""
        say(f"\n== named queries (seconds; rows), whole corpus, city={city}, region={province}")
        say(f"{'query':24} {'scope':6} {'oxigraph':>9} {'rows':>7} {'virtuoso':>9} {'rows':>7}  same")
        for name, scope, t_ox, n_ox, t_vt, n_vt, same in query_figures(store, virtuoso.sparql, city,
                                                                        args.timeout, province):
            show = lambda t: f"{t:9.2f}" if isinstance(t, float) else f"{'-':>9}"  # noqa: E731
            say(f"{name:24} {scope:6} {show(t_ox)} {n_ox!s:>7} {show(t_vt)} {n_vt!s:>7}  "
                f"{'yes' if same else 'NO'}")
    finally:
        virtuoso.remove()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
