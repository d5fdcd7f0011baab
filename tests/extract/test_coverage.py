"""Diagnostics for plans nobody has checked by hand (issue 17): `extract --explain`, the build's
cue report and the `coverage` named query, over plans constructed here."""
from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from policykg.cli import app
from policykg.extract import extract_text

runner = CliRunner()

READ = ("江北市知识产权强市建设工作方案(2024—2026年)\n为推进工作，制定本方案。\n一、重点任务\n"
        "（一）强化专利创造。开展培育。（责任单位：市科技局）\n（二）加强行政保护。开展执法。（责任单位：市市场监管局）\n")
# a unit label the rules cannot attach: printed outside any measure, in a part that holds no tasks
MISSED = READ + "三、实施步骤\n各阶段工作的牵头单位：市市场监管局，配合单位：市科技局\n"


def test_coverage_a_fully_read_plan_has_no_uncovered_cues():
    assert extract_text(READ, "t.txt").uncovered == []


def test_coverage_reports_a_responsibility_label_that_produced_nothing():
    r = extract_text(MISSED, "t.txt")
    assert [(u.kind, u.line) for u in r.uncovered] == [("responsibility", 7)]
    assert "牵头单位" in r.uncovered[0].text


def test_coverage_reports_an_unknown_doc_number_in_the_header():
    text = "江北市人民政府办公室关于印发江北市工作方案的通知\n北政办发〔2023〕4号\n江政办函〔2022〕9号\n江北市工作方案\n" + READ.split("\n", 1)[1]
    r = extract_text(text, "t.txt")
    assert r.plan.doc_number == "北政办发〔2023〕4号"
    assert [u.kind for u in r.uncovered] == ["doc_number"]


def test_coverage_decisions_carry_a_reason_for_every_measure():
    r = extract_text(READ, "t.txt")
    measures = [d for d in r.decisions if d.what == "measure"]
    assert len(measures) == len(r.measures) == 2
    assert all(d.reason for d in r.decisions)


def test_coverage_cli_explain_shows_reasons_and_missed_lines(tmp_path: Path):
    path = tmp_path / "plan.txt"
    path.write_text(MISSED, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--explain"], catch_exceptions=False)
    assert result.exit_code == 0
    out = result.stdout
    assert "decisions" in out and "opens a list" in out and "an item without numbered children" in out
    assert "lines with cues that produced nothing (1)" in out and "L7" in out


def test_coverage_build_reports_and_query_lists_under_extracted_plans(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "read.txt").write_text(READ, encoding="utf-8")
    (docs / "missed.txt").write_text(MISSED, encoding="utf-8")
    (docs / "empty.txt").write_text("江北市知识产权工作要点\n为推进工作，做好以下事项，认真落实。\n", encoding="utf-8")
    store = tmp_path / "store"
    built = runner.invoke(app, ["build", "--store", str(store), str(docs)], catch_exceptions=False)
    assert built.exit_code == 0
    checks = [line for line in built.stderr.splitlines() if line.startswith("check:")]
    assert len(checks) == 1 and "missed.txt: 1 lines with cues produced nothing (1 responsibility)" in checks[0]
    rows = runner.invoke(app, ["query", "coverage", "--store", str(store), "--format", "csv"], catch_exceptions=False)
    assert rows.exit_code == 0
    lines = rows.stdout.strip().splitlines()
    by_source = {line.split(",")[0]: line for line in lines[1:]}
    assert set(by_source) == {"missed.txt", "empty.txt"}
    assert "lines with cues that produced nothing" in by_source["missed.txt"]
    assert "no measures" in by_source["empty.txt"]
