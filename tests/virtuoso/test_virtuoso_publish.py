"""Publishing to Virtuoso: `policykg push` replaces a plan's graph when the plan changed; a push
cut short by the server going away converges once the server is back (in the same run, through
the retries, or by running it again); the bulk path (policykg dump + scripts/virtuoso_bulk_load.sh)
loads the same store and replaces a re-published plan. Each test runs on its own server, which
it stops and restarts at will."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from policykg.cli import app
from policykg.graph.gsp import PushFailed, push_store
from policykg.graph.remote import RemoteStore
from policykg.graph.store import Store


from virtuoso_server import DBA_AUTH, ROOT, VirtuosoServer, require

PLAN_GRAPH = "https://w3id.org/policykg/id/doc/003_ad288fc7cf756697.txt"
MEASURE = ox.NamedNode("https://w3id.org/policykg/ns#Measure")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture
def server(tmp_path: Path):
    require()
    instance = VirtuosoServer(tmp_path / "virtuoso", dirs_allowed=str(tmp_path))
    instance.start()
    try:
        yield instance
    finally:
        instance.remove()


def remote_graph(endpoint: str, graph: str) -> set[str]:
    rows = RemoteStore.open(endpoint).query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return {" ".join(map(str, row)) for row in rows.rows}


def local_graph(store: Store, graph: str) -> set[str]:
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return {" ".join(map(str, row)) for row in rows.rows}


def changed_plan(seed_store: Path) -> Store:
    """An in-memory store holding one plan graph of the seeds with its first measure removed and
    a new statement added: what re-publishing a corrected plan sends."""
    changed = Store.in_memory()
    graph = ox.NamedNode(PLAN_GRAPH)
    with Store.open(seed_store) as seeds:
        quads = list(seeds.raw.quads_for_pattern(None, None, None, graph))
    first = sorted(q.subject.value for q in quads if q.predicate == RDF_TYPE and q.object == MEASURE)[0]
    kept = [q for q in quads if q.subject.value != first]
    kept.append(ox.Quad(ox.NamedNode(PLAN_GRAPH), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
                        ox.Literal("再次发布 · republished"), graph))
    changed.replace_document(graph, kept)
    return changed


def test_push_then_republish_replaces_the_plan_graph(server: VirtuosoServer, seed_store: Path):
    result = CliRunner().invoke(app, ["push", "--endpoint", server.graph_crud, "--auth", DBA_AUTH,
                                      "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    with Store.open(seed_store) as seeds:
        before = {g: local_graph(seeds, g) for g in seeds.named_graphs()}
        assert RemoteStore.open(server.sparql).stats() == seeds.stats()
    changed = changed_plan(seed_store)
    push_store(changed, server.graph_crud, auth=DBA_AUTH)
    assert remote_graph(server.sparql, PLAN_GRAPH) == local_graph(changed, PLAN_GRAPH)
    assert remote_graph(server.sparql, PLAN_GRAPH) != before[PLAN_GRAPH]
    for graph, triples in before.items():  # the other graphs are untouched
        if graph != PLAN_GRAPH:
            assert remote_graph(server.sparql, graph) == triples, graph


def test_push_cut_short_converges_when_run_again(server: VirtuosoServer, seed_store: Path):
    def stop_after_three(graph: str, done: int, total: int) -> None:
        if done == 3:
            server.stop()

    with Store.open(seed_store) as seeds:
        with pytest.raises(PushFailed, match="after 3 attempts: cannot reach"):
            push_store(seeds, server.graph_crud, auth=DBA_AUTH, retries=2, backoff=0.05,
                       progress=stop_after_three)
        server.start()
        assert RemoteStore.open(server.sparql).stats()["graphs"] == 3
        report = push_store(seeds, server.graph_crud, auth=DBA_AUTH)
        assert report.graphs == len(seeds.named_graphs())
        assert RemoteStore.open(server.sparql).stats() == seeds.stats()


def test_push_retries_through_a_restart(server: VirtuosoServer, seed_store: Path):
    """The server goes away after the second graph and is back during the first back-off wait:
    the same run retries and finishes."""
    def stop_after_two(graph: str, done: int, total: int) -> None:
        if done == 2:
            server.stop()

    def restart_while_waiting(seconds: float) -> None:
        if server.process is None:
            server.start()

    with Store.open(seed_store) as seeds:
        report = push_store(seeds, server.graph_crud, auth=DBA_AUTH, progress=stop_after_two,
                            sleep=restart_while_waiting)
        assert report.retries >= 1
        assert RemoteStore.open(server.sparql).stats() == seeds.stats()


def test_wrong_password_stops_with_one_line(server: VirtuosoServer, seed_store: Path):
    result = CliRunner().invoke(app, ["push", "--endpoint", server.graph_crud, "--auth", "dba:wrong",
                                      "--store", str(seed_store)])
    assert result.exit_code == 1
    assert "HTTP 401" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_bulk_load_of_a_dump_then_a_republished_plan(server: VirtuosoServer, seed_store: Path,
                                                     tmp_path: Path):
    dump = tmp_path / "corpus.nq"
    result = CliRunner().invoke(app, ["dump", "--store", str(seed_store), "--out", str(dump)])
    assert result.exit_code == 0, result.output
    env = {"PATH": "/usr/bin:/bin", "VIRTUOSO_PORT": str(server.sql_port)}
    script = str(ROOT / "scripts" / "virtuoso_bulk_load.sh")
    loaded = subprocess.run(["sh", script, str(dump)], env=env, capture_output=True, text=True, timeout=600)
    assert loaded.returncode == 0, loaded.stderr
    with Store.open(seed_store) as seeds:
        assert RemoteStore.open(server.sparql).stats() == seeds.stats()
    changed = changed_plan(seed_store)
    again = tmp_path / "plan.nq"
    again.write_bytes(ox.serialize(list(changed.raw.quads_for_pattern(None, None, None, None)),
                                   format=ox.RdfFormat.N_QUADS))
    loaded = subprocess.run(["sh", script, str(again)], env=env, capture_output=True, text=True, timeout=600)
    assert loaded.returncode == 0, loaded.stderr
    assert remote_graph(server.sparql, PLAN_GRAPH) == local_graph(changed, PLAN_GRAPH)


def test_bulk_load_refuses_a_folder_the_server_may_not_read(server: VirtuosoServer, seed_store: Path):
    outside = Path("/var/tmp") / f"policykg-bulk-{server.sql_port}.nq"
    outside.write_text("<urn:a> <urn:b> <urn:c> <urn:g> .\n", encoding="utf-8")
    try:
        loaded = subprocess.run(["sh", str(ROOT / "scripts" / "virtuoso_bulk_load.sh"), str(outside)],
                                env={"PATH": "/usr/bin:/bin", "VIRTUOSO_PORT": str(server.sql_port)},
                                capture_output=True, text=True, timeout=300)
    finally:
        outside.unlink()
    assert loaded.returncode == 1
    assert "DirsAllowed" in loaded.stderr or "access control" in loaded.stderr
