"""`policykg build` in-process: summary, failures one line each, idempotence, re-ingest, store location."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import PlanSpec, write_bad_files, write_plan, write_plans  # noqa: E402

from policykg.cli import app  # noqa: E402

runner = CliRunner()


def invoke(*args: str, **kwargs):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)


def query_csv(store: Path, name: str) -> list[dict]:
    import csv
    import io

    result = invoke("query", name, "--store", store, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def stats(store: Path) -> dict:
    result = invoke("stats", "--store", store, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_cli_build_prints_a_summary_on_stderr(tmp_path: Path):
    write_plans(tmp_path / "plans", 2)
    result = invoke("build", "--store", tmp_path / "store", tmp_path / "plans")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"built 2 plans (0 failed) into {tmp_path / 'store'}: 2 plans, ")
    for word in ["measures", "assignments", "agencies", "citations", "targets", "people", "triples"]:
        assert word in last


def test_cli_build_twice_gives_the_same_triple_count(tmp_path: Path):
    write_plans(tmp_path / "plans", 2)
    assert invoke("build", "--store", tmp_path / "store", tmp_path / "plans").exit_code == 0
    first = stats(tmp_path / "store")
    assert invoke("build", "--store", tmp_path / "store", tmp_path / "plans").exit_code == 0
    assert stats(tmp_path / "store") == first
    assert first["plans"] == 2 and first["triples"] > 0


def test_cli_build_bad_files_fail_one_line_each_and_the_rest_is_built(tmp_path: Path):
    write_plans(tmp_path / "plans", 2)
    bad = write_bad_files(tmp_path / "plans")
    result = invoke("build", "--store", tmp_path / "store", tmp_path / "plans")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    for line, path in zip(sorted(errors), sorted([bad["empty"], bad["junk"]])):
        assert line.startswith(f"error: {path}: ") and len(line) > len(f"error: {path}: ")
    assert "built 2 plans (2 failed)" in result.stderr
    plans = query_csv(tmp_path / "store", "plans")
    assert sorted(row["source"] for row in plans) == ["plan_1.txt", "plan_2.txt"]
    measures = query_csv(tmp_path / "store", "measures")
    assert {row["source"] for row in measures} == {"plan_1.txt", "plan_2.txt"}
    assert stats(tmp_path / "store")["plans"] == 2


def test_cli_build_reingest_replaces_old_measures(tmp_path: Path):
    path = write_plan(tmp_path / "plans", "plan.txt")
    assert invoke("build", "--store", tmp_path / "store", path).exit_code == 0
    assert any("高价值专利" in row["title"] for row in query_csv(tmp_path / "store", "measures"))
    write_plan(tmp_path / "plans", "plan.txt", spec=PlanSpec(measures=[
        ("建设知识产权公共服务平台", ["市科技局"]), ("开展地理标志保护工程", ["市农业农村局"])]))
    assert invoke("build", "--store", tmp_path / "store", path).exit_code == 0
    titles = [row["title"] for row in query_csv(tmp_path / "store", "measures")]
    assert titles and not any("高价值专利" in t for t in titles)
    assert any("公共服务平台" in t for t in titles)


def test_cli_build_missing_path_is_one_error_line(tmp_path: Path):
    path = write_plan(tmp_path, "plan.txt")
    result = invoke("build", "--store", tmp_path / "store", path, tmp_path / "gone.txt")
    assert result.exit_code == 1
    assert [l for l in result.stderr.splitlines() if l.startswith("error:")] == [
        f"error: {tmp_path / 'gone.txt'}: no such file or folder"]


def test_cli_build_refuses_two_inputs_with_one_plan_name(tmp_path: Path):
    a = write_plan(tmp_path / "a", "plan.txt")
    b = write_plan(tmp_path / "b", "plan.txt", city="青山市")
    result = invoke("build", "--store", tmp_path / "store", a, b)
    assert result.exit_code == 1
    errors = [l for l in result.stderr.splitlines() if l.startswith("error:")]
    assert len(errors) == 1 and "same plan 'plan.txt'" in errors[0] and str(b) in errors[0]
    assert "built 1 plans (1 failed)" in result.stderr


def test_cli_build_store_from_env_and_default(tmp_path: Path, monkeypatch):
    path = write_plan(tmp_path / "plans", "plan.txt")
    result = invoke("build", path, env={"POLICYKG_STORE": str(tmp_path / "envstore")})
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "envstore" / "CURRENT").is_file()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICYKG_STORE", raising=False)
    result = invoke("build", path, env={"POLICYKG_STORE": None})
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / ".policykg" / "store" / "CURRENT").is_file()
    assert stats(Path(".policykg/store"))["plans"] == 1


def test_cli_build_bulk_into_a_fresh_store_then_refused_on_a_full_one(tmp_path: Path):
    write_plans(tmp_path / "plans", 2)
    store = tmp_path / "store"
    first = invoke("build", "--store", store, "--bulk", tmp_path / "plans")
    assert first.exit_code == 0, first.stderr
    assert stats(store)["plans"] == 2
    again = invoke("build", "--store", store, "--bulk", tmp_path / "plans")
    assert again.exit_code == 1
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "already holds documents" in lines[0]
    assert "Traceback" not in again.stderr and stats(store)["plans"] == 2
    assert invoke("build", "--store", store, tmp_path / "plans").exit_code == 0  # auto: transactions
