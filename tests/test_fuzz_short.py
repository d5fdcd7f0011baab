"""A short, seeded pass of bench/fuzz_loaders.py (issue #20): generated hostile inputs through
`build`, the classes that once lost or garbled text silently (deep nesting, mixed encodings,
GBK file names) with their oracle, and damaged dumps through `restore`. Bounded to a few seconds;
the full run (10,000 inputs) is `.venv/bin/python bench/fuzz_loaders.py`."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
pytest.importorskip("reportlab", reason="the fuzz seeds include PDFs (test extra)")
import fuzz_loaders  # noqa: E402

from policykg.graph.build import build  # noqa: E402
from policykg.graph.store import Store  # noqa: E402


@pytest.fixture(scope="module")
def seeds() -> dict[str, bytes]:
    return fuzz_loaders.seed_files()


def test_fuzz_short_random_inputs_and_cut_dumps(seeds):
    shard = fuzz_loaders.run_shard(16, seed=20, store_path=None, with_classics=False, dump_cuts=12)
    assert sum(shard["counts"].values()) == 16
    assert shard["uncaught"] == [] and shard["changed"] == [] and shard["garbled"] == []
    assert shard["dumps"] == {"cases": 12, "restored": [], "written": []}


@pytest.mark.parametrize("kind", fuzz_loaders.HOSTILE_KINDS)
def test_fuzz_short_hostile_classes_are_read_whole(tmp_path: Path, seeds, kind: str):
    rng = random.Random(f"issue-20-{kind}")
    lines = fuzz_loaders.seed_lines(seeds)
    with Store.open(tmp_path / "store", create=True) as store:
        for number in range(4):
            name, data, expected = fuzz_loaders.hostile_case(rng, lines, kind)
            path = tmp_path / str(number) / name
            path.parent.mkdir()
            path.write_bytes(data)
            report = build([path], store, vocabulary=False, workers=1)
            assert report.ok, report.failed
            assert fuzz_loaders.lost_lines(path, expected) == [], name.encode("utf-8", "surrogateescape")
