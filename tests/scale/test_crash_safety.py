"""Crash safety per write mode, with real `kill -9` (issue #20; docs/scale.md "Crash safety"):

- transactional build (new or replaced plans): after a kill each plan in the store is whole —
  exactly its old or its new version — and running the build again gives the clean store;
- bulk build: not crash-safe, but running the same build again gives the clean store;
- dump: a killed dump never leaves a file under the target's name, and what it leaves behind is
  refused by `restore`.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policykg.errors import PolicyKGError
from policykg.graph.build import build
from policykg.graph.bulk import verify_dump
from policykg.graph.store import Store

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
POLICYKG = Path(sys.executable).parent / "policykg"
PROV_TIMES = ("http://www.w3.org/ns/prov#generatedAtTime", "http://www.w3.org/ns/prov#endedAtTime",
              "http://www.w3.org/ns/prov#startedAtTime")
DOC = "https://w3id.org/policykg/id/doc/"

# Builds in a child process that kills itself (SIGKILL: no cleanup of any kind) right after the
# writer reports its K-th document, i.e. at a commit boundary of the writer thread.
KILL_AFTER = """
import os, signal, sys
from pathlib import Path
from policykg.graph.build import build
from policykg.graph.store import Store
folder, corpus, k, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def progress(path, done, total):
    if done >= k:
        os.kill(os.getpid(), signal.SIGKILL)
with Store.open(folder, create=True) as store:
    build([corpus], store, workers=1, bulk=(mode == "bulk"), progress=progress)
"""



def by_graph(store: Store) -> dict[str, set[str]]:
    graphs: dict[str, set[str]] = {}
    for quad in store.raw:
        if quad.predicate.value not in PROV_TIMES and quad.graph_name.value.startswith(DOC):
            graphs.setdefault(quad.graph_name.value, set()).add(str(quad))
    return graphs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, corpus_generator) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "plans"
    corpus_generator.generate(folder, 5, seed=11)
    return folder


@pytest.fixture(scope="module")
def edited(tmp_path_factory, corpus: Path) -> Path:
    """The same plans with one measure fewer each: new versions of the same documents."""
    folder = tmp_path_factory.mktemp("crash-edited") / "plans"
    folder.mkdir()
    for path in corpus.iterdir():  # UTF-8 or GB18030: cut at a line end, in bytes
        data = path.read_bytes()
        (folder / path.name).write_bytes(data[: data.rfind(b"\n", 0, len(data) * 2 // 3) + 1])
    return folder


def reference(tmp_path_factory, corpus: Path) -> dict[str, set[str]]:
    with Store.open(tmp_path_factory.mktemp("ref") / "store", create=True) as store:
        assert build([corpus], store, workers=1, bulk=False).ok
        return by_graph(store)


@pytest.fixture(scope="module")
def clean(tmp_path_factory, corpus: Path) -> dict[str, set[str]]:
    return reference(tmp_path_factory, corpus)


@pytest.fixture(scope="module")
def clean_edited(tmp_path_factory, edited: Path) -> dict[str, set[str]]:
    return reference(tmp_path_factory, edited)


def killed_after(store: Path, corpus: Path, k: int, mode: str) -> None:
    child = subprocess.run([PYTHON, "-c", KILL_AFTER, str(store), str(corpus), str(k), mode],
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr


def killed_at(args: list[str], seconds: float) -> None:
    child = subprocess.Popen([str(POLICYKG), *args], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)


@pytest.mark.parametrize("k", [2])
def test_kill_during_a_transactional_build_leaves_every_plan_whole(tmp_path: Path, corpus: Path, clean, k: int):
    store = tmp_path / "store"
    killed_after(store, corpus, k, "transactions")
    with Store.open(store) as opened:
        graphs = by_graph(opened)
        assert len(graphs) >= k
        assert all(graphs[g] == clean[g] for g in graphs)  # no plan half-written
        assert build([corpus], opened, workers=1).ok  # and the same build finishes the job
        assert by_graph(opened) == clean


def test_kill_while_replacing_plans_leaves_each_the_old_or_the_new_version(
        tmp_path: Path, corpus: Path, edited: Path, clean, clean_edited):
    store = tmp_path / "store"
    with Store.open(store, create=True) as opened:
        assert build([corpus], opened, workers=1).ok
    killed_after(store, edited, 2, "transactions")
    with Store.open(store) as opened:
        graphs = by_graph(opened)
        assert set(graphs) == set(clean)
        replaced = [g for g in graphs if graphs[g] == clean_edited[g]]
        assert len(replaced) >= 2 and all(graphs[g] in (clean[g], clean_edited[g]) for g in graphs)
        assert build([edited], opened, workers=1).ok
        assert by_graph(opened) == clean_edited


@pytest.mark.parametrize("mode, seconds", [("--no-bulk", 6.0), ("--bulk", 6.0)])
def test_kill_at_a_random_moment_then_the_same_build_gives_the_clean_store(tmp_path: Path, corpus: Path,
                                                                             clean, mode: str, seconds: float):
    store = tmp_path / "store"
    killed_at(["build", "--store", str(store), "--workers", "1", mode, str(corpus)], seconds)
    # killed before the store existed (a slow machine): the same build must still create it whole
    with Store.open(store, create=True) as opened:
        if mode == "--no-bulk":
            graphs = by_graph(opened)
            assert all(graphs[g] == clean[g] for g in graphs)
        assert build([corpus], opened, workers=1).ok
        assert by_graph(opened) == clean


@pytest.mark.parametrize("seconds", [1.0, 2.0])
def test_kill_during_dump_never_leaves_a_file_restore_would_take(tmp_path: Path, seed_store: Path,
                                                               seconds: float):
    out = tmp_path / "corpus.nq"
    killed_at(["dump", "--store", str(seed_store), "--out", str(out)], seconds)
    if out.exists():  # the dump finished before the kill: then it is whole
        assert verify_dump(out).quads > 1000
    for partial in tmp_path.glob(".corpus.nq.*.partial"):
        with pytest.raises(PolicyKGError, match="incomplete dump|damaged dump"):
            verify_dump(partial)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".partial")) in ([], ["corpus.nq"])
