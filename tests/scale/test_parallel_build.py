"""graph/build.py with worker processes: the same store as an in-process build, in input order,
per-file errors kept, and the load-test generator is deterministic (bench/generate_corpus.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.graph.build import build, default_workers
from policykg.graph.store import Store
from policykg.queries import list_queries

PROV_TIMES = ("http://www.w3.org/ns/prov#generatedAtTime", "http://www.w3.org/ns/prov#endedAtTime",
              "http://www.w3.org/ns/prov#startedAtTime")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, corpus_generator) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    corpus_generator.generate(folder, 10, seed=7)
    (folder / "zz_broken.txt").write_bytes(b"")  # an empty file: one error line, the rest built
    return folder


def quads_without_times(store: Store) -> set[str]:
    return {str(q) for q in store.raw if q.predicate.value not in PROV_TIMES}


def answers(store: Store) -> dict[str, set[tuple]]:
    return {q.name: {tuple(row) for row in store.run_query(q, {}).rows} for q in list_queries()}


def test_generate_corpus_is_deterministic_and_plan_sized(tmp_path: Path, corpus_generator):
    generator = corpus_generator
    first = generator.generate(tmp_path / "a", 8, seed=3)
    second = generator.generate(tmp_path / "b", 8, seed=3)
    other = generator.generate(tmp_path / "c", 8, seed=4)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
    sizes = [p.stat().st_size for p in first]
    assert all(8_000 <= size <= 25_000 for size in sizes), sizes


def test_parallel_build_equals_serial_build(tmp_path: Path, corpus: Path):
    seen: list[tuple[str, int]] = []
    with Store.open(tmp_path / "serial", create=True) as serial:
        serial_report = build([corpus], serial, workers=1)
        serial_quads, serial_answers = quads_without_times(serial), answers(serial)
    with Store.open(tmp_path / "parallel", create=True) as parallel:
        report = build([corpus], parallel, workers=2,
                       progress=lambda path, done, total: seen.append((path.name, done)))
        assert quads_without_times(parallel) == serial_quads
        assert answers(parallel) == serial_answers
        assert parallel.stats()["plans"] == 10
    # same outcome per file, in input order, the broken file reported on one line
    assert report.ingested == serial_report.ingested and len(report.ingested) == 10
    assert [Path(p).name for p, _ in report.failed] == ["zz_broken.txt"]
    assert report.failed == serial_report.failed and "\n" not in report.failed[0][1]
    names = sorted(p.name for p in corpus.iterdir())
    assert seen == [(name, i) for i, name in enumerate(names, start=1)]


def test_parallel_build_twice_gives_the_same_store(tmp_path: Path, corpus: Path):
    with Store.open(tmp_path / "store", create=True) as store:
        build([corpus], store, workers=2)
        first, count = quads_without_times(store), len(store)
        build([corpus], store, workers=2)
        assert quads_without_times(store) == first and len(store) == count


def test_default_workers_is_one_for_a_few_files():
    assert default_workers(3) == 1
    assert default_workers(1000) >= 1


def test_batched_writes_give_the_same_store(tmp_path: Path, corpus: Path):
    with Store.open(tmp_path / "one", create=True) as one:
        build([corpus], one, workers=1)
        expected = quads_without_times(one)
    with Store.open(tmp_path / "batched", create=True) as batched:
        report = build([corpus], batched, workers=2, batch=4)
        assert quads_without_times(batched) == expected
    assert len(report.ingested) == 10 and [Path(p).name for p, _ in report.failed] == ["zz_broken.txt"]


def test_bulk_build_gives_the_same_store_as_transactions(tmp_path: Path, corpus: Path):
    with Store.open(tmp_path / "transactions", create=True) as one:
        build([corpus], one, workers=2, bulk=False)
        expected, expected_answers = quads_without_times(one), answers(one)
    with Store.open(tmp_path / "bulk", create=True) as bulk:
        report = build([corpus], bulk, workers=2, bulk=True)
        assert report.bulk and quads_without_times(bulk) == expected
        assert answers(bulk) == expected_answers
    assert len(report.ingested) == 10 and [Path(p).name for p, _ in report.failed] == ["zz_broken.txt"]
