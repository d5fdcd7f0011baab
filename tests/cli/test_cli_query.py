"""`policykg query` in-process: formats, the CSV contract, parameters, errors, limit, timeout."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import CONTRACT, write_plans  # noqa: E402

from policykg.cli import app  # noqa: E402
from policykg.graph.store import Store  # noqa: E402

runner = CliRunner()



def invoke(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)


def assert_one_error_line(result, *needles: str) -> str:
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("query")
    write_plans(folder / "plans", 2)
    result = invoke("build", "--store", folder / "store", folder / "plans")
    assert result.exit_code == 0, result.stderr
    return folder / "store"


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_cli_query_csv_header_is_the_query_columns(store: Path, name: str):
    from policykg.queries import load_query

    result = invoke("query", name, "--store", store, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    raw = result.stdout_bytes
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    header = next(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert header == list(load_query(name).columns)
    assert all(column in header for column in CONTRACT[name])


def test_cli_query_measures_csv_rows(store: Path):
    result = invoke("query", "measures", "--store", store, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {row["source"] for row in rows} == {"plan_1.txt", "plan_2.txt"}
    assert any("高价值专利" in row["title"] for row in rows)


def test_cli_query_json_is_a_list_of_objects(store: Path):
    result = invoke("query", "measures", "--store", store, "--format", "json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert records and all(set(r) >= set(CONTRACT["measures"]) for r in records)
    assert "\\u" not in result.stdout and "高价值专利" in result.stdout  # ensure_ascii=False


def test_cli_query_tsv_and_table(store: Path):
    tsv = invoke("query", "measures", "--store", store, "--format", "tsv")
    assert tsv.exit_code == 0
    lines = tsv.stdout.splitlines()
    assert lines[0].split("\t")[:4] == CONTRACT["measures"] and len(lines) > 1
    table = invoke("query", "measures", "--store", store)  # table is the default
    assert table.exit_code == 0
    assert "source" in table.stdout and "plan_1.txt" in table.stdout


def test_cli_query_limit_truncates_with_a_warning(store: Path):
    result = invoke("query", "measures", "--store", store, "--format", "json", "--limit", "1")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 1
    assert "raise --limit" in result.stderr


def test_cli_query_a_file(store: Path, tmp_path: Path):
    path = tmp_path / "count.rq"
    path.write_text("# title: Count plans\n# description: how many plans\n# columns: n\n"
                    "PREFIX pk: <https://w3id.org/policykg/ns#>\n"
                    "SELECT (COUNT(?p) AS ?n) WHERE { ?p a pk:Plan }\n", encoding="utf-8")
    result = invoke("query", path, "--store", store, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "n\n2\n"


def test_cli_query_unknown_name_lists_the_available_queries(store: Path):
    line = assert_one_error_line(invoke("query", "no_such_query", "--store", store), "no_such_query")
    assert "measures" in line and "plans" in line


def test_cli_query_missing_and_unknown_params(store: Path, tmp_path: Path):
    path = tmp_path / "by_source.rq"
    path.write_text("# title: Plans of one source\n# description: test\n# params: source\n"
                    "# columns: source, title\n"
                    "PREFIX pk: <https://w3id.org/policykg/ns#>\n"
                    "SELECT ?source ?title WHERE { ?p a pk:Plan . BIND(?source AS ?title) }\n",
                    encoding="utf-8")
    assert_one_error_line(invoke("query", path, "--store", store), "source")
    assert_one_error_line(invoke("query", "measures", "--store", store, "--param", "nope=1"), "nope")
    assert_one_error_line(invoke("query", "measures", "--store", store, "--param", "nope"),
                          "NAME=VALUE")


def test_cli_query_missing_store(tmp_path: Path):
    assert_one_error_line(invoke("query", "measures", "--store", tmp_path / "nothing"),
                          "no store at", "policykg build")
    assert not (tmp_path / "nothing").exists()


def test_cli_query_bad_format(store: Path):
    assert_one_error_line(invoke("query", "measures", "--store", store, "--format", "xml"),
                          "xml", "csv")


def test_cli_query_timeout(tmp_path: Path):
    Store.open(tmp_path / "store", create=True).close()  # its own store: the abandoned query holds it
    values = " ".join(str(i) for i in range(250))
    path = tmp_path / "slow.rq"
    path.write_text("# title: Slow\n# description: a cross product of 15 M rows\n# columns: n\n"
                    f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {values} }} "
                    f"VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} }}\n", encoding="utf-8")
    assert_one_error_line(invoke("query", path, "--store", tmp_path / "store", "--timeout", "0.05"),
                          "took longer than 0.05 s", "--timeout")
