"""`policykg --help`, `queries`, `stats`, `extract`, `validate` in-process, and one subprocess smoke test."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import write_bad_files, write_plan, write_plans  # noqa: E402

from policykg.cli import app  # noqa: E402

runner = CliRunner()
COMMANDS = ["build", "query", "queries", "stats", "extract", "validate"]


def invoke(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("misc")
    write_plans(folder / "plans", 2)
    assert invoke("build", "--store", folder / "store", folder / "plans").exit_code == 0
    return folder / "store"


def test_cli_help_lists_every_command():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout


def test_cli_installed_script_help():
    script = Path(sys.executable).parent / "policykg"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert all(command in done.stdout for command in COMMANDS)


def test_cli_queries_lists_names_and_titles():
    from policykg.queries import list_queries

    result = invoke("queries")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for named in list_queries():
        assert any(line.startswith(named.name + " ") and named.title in line for line in lines)


def test_cli_stats(store: Path):
    result = invoke("stats", "--store", store)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split() == ["plans", "2"]
    counts = json.loads(invoke("stats", "--store", store, "--json").stdout)
    assert counts["plans"] == 2 and counts["measures"] >= 2 and counts["triples"] > 0


def test_cli_stats_missing_store(tmp_path: Path):
    result = invoke("stats", "--store", tmp_path / "none")
    assert result.exit_code == 1 and result.stderr.startswith("error: no store at")


def test_cli_extract_json(tmp_path: Path):
    path = write_plan(tmp_path, "plan.txt")
    result = invoke("extract", path, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"] == "plan.txt" and data["measures"]
    assert "\\u" not in result.stdout.split('"text"')[0]  # Chinese kept as it is


def test_cli_extract_summary(tmp_path: Path):
    result = invoke("extract", write_plan(tmp_path, "plan.txt"))
    assert result.exit_code == 0
    assert "plan.txt" in result.stdout and "measures" in result.stdout


def test_cli_extract_unreadable_file_is_one_line(tmp_path: Path):
    bad = write_bad_files(tmp_path)
    for path in bad.values():
        result = invoke("extract", path)
        assert result.exit_code == 1 and "Traceback" not in result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {path}")


def test_cli_validate(store: Path):
    from policykg.graph.store import Store
    from policykg.graph.validate import validate_store

    with Store.open(store) as db:
        report = validate_store(db.raw)
    result = invoke("validate", "--store", store)
    assert result.exit_code == (0 if report.conforms else 1)
    assert "Traceback" not in result.output
    if not report.conforms:
        assert len(result.stdout.strip().splitlines()) >= len(report.violations) > 0


def test_cli_validate_missing_store(tmp_path: Path):
    result = invoke("validate", "--store", tmp_path / "none")
    assert result.exit_code == 1 and result.stderr.startswith("error: no store at")
