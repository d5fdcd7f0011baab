"""`policykg dump` / `policykg restore` (graph/bulk.py): a dump rebuilds an identical store."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.cli import app
from policykg.graph.store import Store
from policykg.queries import list_queries

CORE_QUERIES = ["plans", "measures", "responsibilities", "citations", "targets", "people"]  # DESIGN.md


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def snapshot(folder: Path) -> tuple[int, int, dict[str, set[tuple]]]:
    with Store.open(folder) as store:
        answers = {q.name: {tuple(r) for r in store.run_query(q, {}).rows} for q in list_queries()}
        return len(store), sum(1 for _ in store.raw.named_graphs()), answers


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_dump_then_restore_gives_the_same_store(tmp_path: Path, seed_store: Path, fmt: str):
    out = tmp_path / f"corpus.{fmt}"
    result = invoke("dump", "--store", str(seed_store), "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    result = invoke("restore", str(out), "--store", str(tmp_path / "copy"))
    assert result.exit_code == 0, result.output
    original, copy = snapshot(seed_store), snapshot(tmp_path / "copy")
    assert copy == original and original[0] > 1000
    assert all(original[2][name] for name in CORE_QUERIES)  # answers to compare


def test_dump_to_stdout_is_nquads(seed_store: Path):
    result = invoke("dump", "--store", str(seed_store), "--out", "-")
    assert result.exit_code == 0
    lines = result.stdout_bytes.decode("utf-8").splitlines()
    with Store.open(seed_store) as store:
        assert len(lines) == len(store)
    assert all(line.endswith(" .") for line in lines)


def test_restore_refuses_a_store_with_data(tmp_path: Path, seed_store: Path):
    out = tmp_path / "corpus.nq"
    assert invoke("dump", "--store", str(seed_store), "--out", str(out)).exit_code == 0
    result = invoke("restore", str(out), "--store", str(seed_store))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "not empty" in result.stderr
    assert result.stderr.count("\n") == 1


def test_dump_unknown_format_and_missing_dump_are_one_line_errors(tmp_path: Path, seed_store: Path):
    result = invoke("dump", "--store", str(seed_store), "--format", "xml", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1 and "unknown dump format" in result.stderr
    result = invoke("restore", str(tmp_path / "gone.nq"), "--store", str(tmp_path / "s"))
    assert result.exit_code == 1 and "no such dump file" in result.stderr
