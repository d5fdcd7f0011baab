"""Researchers' corrections (issue 26, extract/corrections.py, docs/corrections.md): each op applied
to a constructed plan, re-applied by a rebuild, reported when stale, visible in the named queries
and carried by an export as pk:Correction provenance; `policykg corrections check` finds bad rows."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from policykg.cli import app
from policykg.extract import extract_text
from policykg.extract.corrections import (Correction, CorrectionsError, apply_corrections,
                                          load_corrections, read_corrections)
from policykg.extract.result import ExtractionResult
from policykg.graph.build import build
from policykg.graph.rdf import result_to_quads
from policykg.graph.store import Store
from policykg.ontology import PK
from policykg.queries import run_query

PLAN = """甲市知识产权强市建设工作方案(2024—2026年)

一、主要目标
到2026年，全市万人有效发明专利拥有量达到12件，知识产权质押融资金额达到5亿元。

二、重点任务
1.加强专利质量提升。实施高价值专利培育计划。(责任单位：市市场监管局、市科技局)
2.推进知识产权金融。扩大质押融资规模。(责任单位：市财政局、市金融局)
3.加强知识产权保护。完善行政执法协作机制。(责任单位：市市场监管局、市公安局)

三、保障措施
(一)加强组织领导。建立部门协作机制，定期会商重大事项。
"""
# the same plan after its text changed: task 3 is gone
PLAN_WITHOUT_3 = PLAN.replace("3.加强知识产权保护。完善行政执法协作机制。(责任单位：市市场监管局、市公安局)\n", "")
HEADER = "op,plan,target,value,who,when,why\n"
runner = CliRunner()


def row(op: str, target: str, value: str, plan: str = "plan.txt") -> Correction:
    return Correction(op=op, plan=plan, target=target, value=value, who="王研究员", when="2026-12-01",
                      why="test", file="corrections.csv", line=2)


def extracted() -> ExtractionResult:
    return extract_text(PLAN, source="plan.txt")


def units(result: ExtractionResult, no: str) -> dict[str, str]:
    ids = {m.id for m in result.measures if m.no == no}
    return {r.agency: r.role for r in result.responsibilities if r.measure_id in ids}


def test_corrections_plan_reads_as_expected():
    """The constructed plan's extraction, which the other tests correct (fails if it changes)."""
    result = extracted()
    assert [m.no for m in result.measures][:3] == ["1", "2", "3"]
    assert units(result, "1") == {"市市场监管局": "support", "市科技局": "support"}
    assert units(result, "3") == {"市市场监管局": "support", "市公安局": "support"}
    assert [(t.indicator, t.value, t.year) for t in result.targets] == [
        ("万人有效发明专利拥有量", 12.0, 2026), ("知识产权质押融资金额", 5.0, 2026)]
    assert not result.people and result.plan.jurisdiction is None


# ------------------------------------------------------------------ each op applied
def _lead(r):
    return units(r, "1")["市市场监管局"] == "lead"


def _unlead(r):
    return units(r, "1")["市市场监管局"] == "support"


CASES = [
    ("add_unit", "2", "agency=市科技局;role=lead", lambda r: units(r, "2").get("市科技局") == "lead"),
    ("add_unit", "2", "市科技局", lambda r: units(r, "2").get("市科技局") == "support"),
    ("remove_unit", "3", "市公安局", lambda r: "市公安局" not in units(r, "3") and "市市场监管局" in units(r, "3")),
    ("set_lead", "1", "市市场监管局", _lead),
    ("set_target", "知识产权质押融资金额@2026", "value=6;unit=亿元",
     lambda r: [(t.value, t.unit) for t in r.targets if t.indicator == "知识产权质押融资金额"] == [(6.0, "亿元")]),
    ("set_target", "万人有效发明专利拥有量", "year=2025",
     lambda r: [t.year for t in r.targets if t.indicator == "万人有效发明专利拥有量"] == [2025]),
    ("set_target", "万人有效发明专利拥有量@2026", "indicator=每万人口高价值发明专利拥有量",
     lambda r: r.targets[0].indicator == "每万人口高价值发明专利拥有量" and r.targets[0].indicator_id),
    ("set_target", "万人有效发明专利拥有量@2026", "indicator_id=",
     lambda r: r.targets[0].indicator_id is None),
    ("merge_agency", "市金融局", "甲市地方金融监督管理局",
     lambda r: [a.canonical for a in r.agencies if a.name == "市金融局"] == ["甲市地方金融监督管理局"]),
    ("set_plan_field", "jurisdiction", "甲市", lambda r: r.plan.jurisdiction == "甲市"),
    ("set_plan_field", "period_end", "2027", lambda r: r.plan.period_end == 2027),
    ("add_measure", "4", "title=加强宣传培训;kind=safeguard",
     lambda r: [(m.title, m.kind) for m in r.measures if m.no == "4"] == [("加强宣传培训", "safeguard")]),
    ("add_person", "张三", "role=组长;post=市长", lambda r: [(p.name, p.role, p.post) for p in r.people]
     == [("张三", "组长", "市长")]),
]


@pytest.mark.parametrize("op,target,value,holds", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_corrections_each_op_applied(op, target, value, holds):
    result = extracted()
    assert not holds(result)
    stale = apply_corrections(result, [row(op, target, value)])
    assert stale == [] and holds(result)
    [record] = result.corrections
    assert (record.op, record.status, record.who, record.when) == (op, "applied", "王研究员", "2026-12-01")
    assert record.item  # the corrected node is known


def test_corrections_unset_lead_after_set_lead():
    result = extracted()
    apply_corrections(result, [row("set_lead", "1", "市市场监管局"), row("unset_lead", "1", "市市场监管局")])
    assert _unlead(result)
    assert [c.original for c in result.corrections] == ["市市场监管局 (support)", "市市场监管局 (lead)"]


def test_corrections_keep_the_original_value():
    result = extracted()
    apply_corrections(result, [row("set_target", "知识产权质押融资金额@2026", "value=6")])
    assert (result.corrections[0].original, result.corrections[0].corrected) == ("value=5", "value=6")


def test_corrections_other_plans_rows_are_ignored():
    result = extracted()
    assert apply_corrections(result, [row("remove_unit", "3", "市公安局", plan="other.txt")]) == []
    assert "市公安局" in units(result, "3") and result.corrections == []


@pytest.mark.parametrize("op,target,value", [
    ("add_unit", "9", "市财政局"),                      # no such measure
    ("remove_unit", "3", "市税务局"),                   # no such unit
    ("set_lead", "2", "市科技局"),
    ("set_target", "商标注册量@2026", "value=3"),       # no such indicator
    ("set_target", "万人有效发明专利拥有量@2030", "value=3"),  # no such year
    ("merge_agency", "市税务局", "甲市税务局"),
    ("add_measure", "2", "title=重复"),                 # the extractor now finds it
    ("add_unit", "1", "市科技局"),                      # already there
])
def test_corrections_stale_rows_are_recorded_not_dropped(op, target, value):
    result = extracted()
    before = (len(result.responsibilities), [(t.value, t.year) for t in result.targets])
    [stale] = apply_corrections(result, [row(op, target, value)])
    assert stale.status == "stale" and stale.note and result.corrections == [stale]
    assert (len(result.responsibilities), [(t.value, t.year) for t in result.targets]) == before


def test_corrections_survive_json_round_trip():
    result = extracted()
    apply_corrections(result, [row("set_lead", "1", "市市场监管局")])
    again = ExtractionResult.from_dict(result.to_dict())
    assert again.corrections == result.corrections


def test_corrections_rdf_marks_the_corrected_node_and_keeps_the_original():
    result = extracted()
    apply_corrections(result, [row("set_target", "知识产权质押融资金额@2026", "value=6"),
                               row("add_unit", "9", "市财政局")])
    _, quads = result_to_quads(result)
    by = {(q.subject.value, q.predicate.value): q.object for q in quads}
    fixes = sorted(q.subject.value for q in quads if q.object == ox.NamedNode(PK + "Correction"))
    assert len(fixes) == 2
    applied, stale = fixes
    assert by[(applied, PK + "originalValue")].value == "value=5"
    assert by[(applied, PK + "correctionStatus")].value == "applied"
    target = by[(applied, PK + "corrects")]
    assert by[(target.value, PK + "correctedBy")].value == applied
    assert by[(target.value, PK + "value")].value == "6"
    assert by[(stale, PK + "correctionStatus")].value == "stale"
    assert (stale, PK + "corrects") not in by


# ------------------------------------------------------------------ build, rebuild, stale, queries, export
def corpus(tmp_path: Path, rows: str, text: str = PLAN) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir(exist_ok=True)
    (folder / "plan.txt").write_text(text, encoding="utf-8")
    (folder / "corrections.csv").write_text(HEADER + rows, encoding="utf-8")
    return folder


ROWS = ("set_lead,plan.txt,1,市市场监管局,王研究员,2026-12-01,牵头单位列在首位\n"
        "remove_unit,plan.txt,3,市公安局,王研究员,2026-12-01,原文无此单位\n"
        "set_target,plan.txt,知识产权质押融资金额@2026,value=6,王研究员,2026-12-01,抽取误读\n"
        "set_plan_field,plan.txt,jurisdiction,甲市,王研究员,2026-12-01,地名不在行政区划表\n")


def table(store: Store, name: str, **params: str) -> list[dict[str, str | None]]:
    columns, rows = run_query(store.raw, name, params)
    return [dict(zip(columns, r)) for r in rows]


def test_corrections_build_applies_and_rebuild_reapplies(tmp_path):
    folder = corpus(tmp_path, ROWS)
    with Store.open(tmp_path / "store", create=True) as db:
        for _ in range(2):   # a rebuild re-extracts and re-applies: same corrected facts
            report = build([folder], db, workers=1)
            assert report.ok and report.warnings == []
            fixes = table(db, "corrections")
            assert [(r["op"], r["status"]) for r in fixes] == [
                ("set_lead", "applied"), ("remove_unit", "applied"), ("set_target", "applied"),
                ("set_plan_field", "applied")]
            assert fixes[0]["original"] == "市市场监管局 (support)" and fixes[0]["why"] == "牵头单位列在首位"
            resp = {(r["measure_no"], r["agency"]): r["role"] for r in table(db, "responsibilities")}
            assert resp[("1", "市市场监管局")] == "lead" and ("3", "市公安局") not in resp
            assert [r["value"] for r in table(db, "targets") if r["indicator"] == "知识产权质押融资金额"] == ["6"]
            assert [r["jurisdiction"] for r in table(db, "plans")] == ["甲市"]
            assert table(db, "responsibilities", city="甲市")  # the corrected field filters too


def test_corrections_stale_after_the_text_changed(tmp_path):
    folder = corpus(tmp_path, ROWS)
    with Store.open(tmp_path / "store", create=True) as db:
        build([folder], db, workers=1)
        (folder / "plan.txt").write_text(PLAN_WITHOUT_3, encoding="utf-8")
        report = build([folder], db, workers=1)
        assert report.ok
        [warning] = report.warnings
        assert "stale correction" in warning and "line 3" in warning and "remove_unit 3" in warning
        status = {r["op"]: (r["status"], r["note"]) for r in table(db, "corrections")}
        assert status["remove_unit"] == ("stale", "no measure numbered '3'")
        assert status["set_lead"][0] == "applied"
        assert [r["op"] for r in table(db, "corrections", status="stale")] == ["remove_unit"]


def test_corrections_for_a_plan_not_built_are_reported(tmp_path):
    folder = corpus(tmp_path, ROWS.replace("plan.txt", "renamed.txt", 1))
    with Store.open(tmp_path / "store", create=True) as db:
        report = build([folder], db, workers=1)
    assert any("renamed.txt" in w and "not in this build" in w for w in report.warnings)


def test_corrections_parallel_build_applies_them(tmp_path):
    folder = corpus(tmp_path, ROWS)
    (folder / "other.txt").write_text(PLAN, encoding="utf-8")
    with Store.open(tmp_path / "store", create=True) as db:
        report = build([folder], db, workers=2)
        assert report.ok
        assert {r["source"] for r in table(db, "corrections")} == {"plan.txt"}


def test_corrections_export_carries_provenance(tmp_path):
    folder = corpus(tmp_path, ROWS)
    store = tmp_path / "store"
    assert runner.invoke(app, ["build", "--store", str(store), str(folder)]).exit_code == 0
    out = tmp_path / "plan.nq"
    result = runner.invoke(app, ["export", "--store", str(store), "--plan", "plan.txt", "--format", "nq",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    fixes = {q.subject for q in quads if q.object == ox.NamedNode(PK + "Correction")}
    assert len(fixes) == 4
    said = {(q.subject, q.predicate.value): q.object.value for q in quads}
    assert all(said[(f, "http://www.w3.org/ns/prov#wasAssociatedWith")] for f in fixes)
    assert {said[(f, PK + "originalValue")] for f in fixes if (f, PK + "originalValue") in said} >= {"value=5"}


def test_corrections_explicit_file_on_the_cli(tmp_path):
    folder = corpus(tmp_path, "")
    other = tmp_path / "fixes.csv"
    other.write_text(HEADER + ROWS, encoding="utf-8")
    store = tmp_path / "store"
    result = runner.invoke(app, ["build", "--store", str(store), "--corrections", str(other), str(folder)])
    assert result.exit_code == 0, result.output
    with Store.open(store) as db:
        assert len(table(db, "corrections")) == 4


# ------------------------------------------------------------------ checking the file
@pytest.mark.parametrize("line,problem", [
    ("frobnicate,plan.txt,1,x,w,2026-12-01,y", "unknown op 'frobnicate'"),
    ("add_unit,plan.txt,1,市财政局,w,yesterday,y", "not an ISO date"),
    ("add_unit,,1,市财政局,w,2026-12-01,y", "the 'plan' column is empty"),
    ("add_unit,plan.txt,1,,w,2026-12-01,y", "the 'value' column is empty"),
    ("add_unit,plan.txt,1,agency=市财政局;role=boss,w,2026-12-01,y", "role 'boss'"),
    ("set_target,plan.txt,x@2026,value=abc,w,2026-12-01,y", "not a number"),
    ("set_target,plan.txt,x@2026,colour=red,w,2026-12-01,y", "unknown key 'colour'"),
    ("set_target,plan.txt,x@26,value=3,w,2026-12-01,y", "four-digit year"),
    ("set_target,plan.txt,x@2026,value=,w,2026-12-01,y", "value= cannot be empty"),
    ("set_target,plan.txt,x@2026,kind=big,w,2026-12-01,y", "kind 'big'"),
    ("set_plan_field,plan.txt,colour,red,w,2026-12-01,y", "unknown plan field 'colour'"),
    ("add_person,plan.txt,张三,post=市长,w,2026-12-01,y", "no role"),
    ("add_unit,plan.txt,1,市财政局,,2026-12-01,y", "the 'who' column is empty"),
    ("add_unit,plan.txt,1,市财政局,w,2026-12-01", "6 cells"),
])
def test_corrections_check_names_file_line_and_problem(tmp_path, line, problem):
    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + "# a comment line\n" + ROWS + line + "\n", encoding="utf-8")
    rows, problems = read_corrections(path)
    assert len(rows) == 4 and len(problems) == 1
    assert problems[0].startswith("corrections.csv:7: ") and problem in problems[0]
    with pytest.raises(CorrectionsError, match="corrections.csv:7"):
        load_corrections(path)
    result = runner.invoke(app, ["corrections", "check", str(path)])
    assert result.exit_code == 1 and "corrections.csv:7:" in result.output


def test_corrections_check_accepts_a_good_file_and_quoted_commas(tmp_path):
    path = tmp_path / "corrections.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["op", "plan", "target", "value", "who", "when", "why"])
    writer.writerow(["set_plan_field", "plan.txt", "title", "甲市方案, 修订", "w", "2026-12-01", "a, b"])
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")   # Excel's BOM is fine
    [good] = load_corrections(path)
    assert good.value == "甲市方案, 修订" and good.why == "a, b"
    assert runner.invoke(app, ["corrections", "check", str(path)]).exit_code == 0


@pytest.mark.parametrize("header,problem", [
    ("op,plan,target,value,who,when\n", "missing column(s) why"),
    ("op,plan,target,value,who,when,why,colour\n", "unknown column(s) colour"),
])
def test_corrections_check_bad_header(tmp_path, header, problem):
    path = tmp_path / "corrections.csv"
    path.write_text(header, encoding="utf-8")
    _, problems = read_corrections(path)
    assert problems == [problems[0]] and problem in problems[0] and problems[0].startswith("corrections.csv:1:")


def test_corrections_bad_file_stops_the_build(tmp_path):
    folder = corpus(tmp_path, "frobnicate,plan.txt,1,x,w,2026-12-01,y\n")
    with Store.open(tmp_path / "store", create=True) as db:
        with pytest.raises(CorrectionsError, match="corrections.csv:2: unknown op"):
            build([folder], db, workers=1)


# ------------------------------------------------------------------ the worked example of the docs
def test_corrections_docs_worked_example_runs(tmp_path):
    """docs/corrections.md's example, as written there, on the Yinchuan seed plan."""
    import re
    import shutil

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "corrections.md").read_text(encoding="utf-8")
    script = re.search(r"```bash\n(.*?)```", doc, re.S).group(1)
    rows = re.search(r"<<'EOF'\n(.*?)\nEOF", script, re.S).group(1)
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(root / "data" / "seeds" / "003_ad288fc7cf756697.txt", folder)
    (folder / "corrections.csv").write_text(rows + "\n", encoding="utf-8")
    checked = runner.invoke(app, ["corrections", "check", str(folder / "corrections.csv")])
    assert checked.exit_code == 0 and "2 correction(s) for 1 plan(s), all well-formed" in checked.output
    with Store.open(tmp_path / "store", create=True) as db:
        report = build([folder], db, workers=1)
        assert report.ok and not [w for w in report.warnings if "correction" in w]
        fixes = table(db, "corrections")
        assert [(r["op"], r["status"]) for r in fixes] == [("add_unit", "applied"), ("set_target", "applied")]
        assert (fixes[1]["original"], fixes[1]["corrected"]) == (
            "indicator=知识产权质押融资;unit=亿", "indicator=知识产权质押融资金额;unit=亿元")
        assert f"{fixes[1]['original']},{fixes[1]['corrected']}" in doc
        task3 = [(r["agency"], r["role"], r["rank"]) for r in table(db, "responsibilities") if r["measure_no"] == "3"]
        assert task3[-1] == ("市财政局", "support", "7")
        pledge = [(r["value"], r["unit"], r["indicator_id"]) for r in table(db, "targets")
                  if r["indicator"] == "知识产权质押融资金额" and r["year"] == "2025"]
        assert pledge == [("3.6", "亿元", "ip-pledge-financing")] * 2


def test_corrections_shapes_conform_and_warn_on_stale(tmp_path):
    from policykg.graph.validate import validate_store

    folder = corpus(tmp_path, ROWS + "add_unit,plan.txt,9,市财政局,王研究员,2026-12-01,第9项\n")
    with Store.open(tmp_path / "store", create=True) as db:
        build([folder], db, workers=1)
        report = validate_store(db.raw)
    assert report.conforms
    about = [v for v in report.violations if "correction" in v.focus]
    assert [(v.severity, v.path) for v in about] == [("Warning", "pk:correctionStatus")]
    assert about[0].focus.endswith("/correction/5")


def test_corrections_check_with_plans_finds_stale_rows(tmp_path):
    folder = corpus(tmp_path, ROWS + "add_unit,plan.txt,9,市财政局,王研究员,2026-12-01,第9项\n"
                                    "add_unit,gone.txt,1,市财政局,王研究员,2026-12-01,改名了\n")
    result = runner.invoke(app, ["corrections", "check", str(folder / "corrections.csv"), "--plans", str(folder)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("corrections.csv:")]
    assert lines == ["corrections.csv:6: stale: add_unit 9: no measure numbered '9'",
                     f"corrections.csv:7: plan 'gone.txt' is not in {folder}"]
    (folder / "corrections.csv").write_text(HEADER + ROWS, encoding="utf-8")
    ok = runner.invoke(app, ["corrections", "check", str(folder / "corrections.csv"), "--plans", str(folder)])
    assert ok.exit_code == 0, ok.output


def test_corrections_python_api_build(tmp_path):
    from policykg import api

    folder = corpus(tmp_path, "")
    fixes = tmp_path / "fixes.csv"
    fixes.write_text(HEADER + ROWS, encoding="utf-8")
    report = api.build(folder, tmp_path / "store", corrections=fixes)
    assert report.ok and report.warnings == []
    frame = api.query(tmp_path / "store", "corrections")
    assert list(frame["status"]) == ["applied"] * 4


def test_corrections_merge_agency_for_every_plan(tmp_path):
    folder = corpus(tmp_path, "merge_agency,*,市科技局,甲市科学技术局,王研究员,2026-12-01,全称\n"
                              "merge_agency,*,市无此局,甲市无此局,王研究员,2026-12-01,笔误\n")
    (folder / "other.txt").write_text(PLAN.replace("市科技局", "市教育局"), encoding="utf-8")
    with Store.open(tmp_path / "store", create=True) as db:
        report = build([folder], db, workers=1)
        assert report.ok
        [warning] = report.warnings
        assert "line 3: merge_agency * 市无此局" in warning and "no plan in the store" in warning
        fixes = table(db, "corrections")
        assert [(r["source"], r["target"], r["status"]) for r in fixes] == [("plan.txt", "市科技局", "applied")]
        canon = {r["agency_canonical"] for r in table(db, "responsibilities") if r["agency"] == "市科技局"}
        assert canon == {"甲市科学技术局"}


def test_corrections_every_plan_is_only_for_merge_agency(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + "add_unit,*,1,市财政局,w,2026-12-01,y\n", encoding="utf-8")
    _, problems = read_corrections(path)
    assert problems == ["corrections.csv:2: add_unit: plan '*' (every plan) is only for merge_agency"]
