"""`policykg analyze` end to end: the derived graph id:graph/analysis over the seed plans (real
restatements of 知识产权强国建设纲要 are linked to its items), over constructed plans (a copied
measure is linked, an unrelated one is not), the named queries and the CSVs."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py

from policykg.cli import app  # noqa: E402
from policykg.graph.analysis.analysis_graph import ANALYSIS_GRAPH, analyze  # noqa: E402
from policykg.graph.analysis.metrics import PMC_FEATURES, agency_key, jaccard  # noqa: E402
from policykg.graph.build import build  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.queries import load_query  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "data" / "seeds"
FRAMEWORKS = ROOT / "data" / "frameworks"
FRAMEWORK_TEXT = next(FRAMEWORKS.glob("*.txt")).read_text(encoding="utf-8")


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def rows(store_dir: Path, name: str, **params) -> list[dict]:
    with Store.open(store_dir, read_only=True) as store:
        return store.run_query(load_query(name), params).as_dicts()


def analysis_quads(store_dir: Path) -> int:
    with Store.open(store_dir, read_only=True) as store:
        return len(list(store.raw.quads_for_pattern(None, None, None, ANALYSIS_GRAPH)))


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> tuple[Path, Path]:
    """The seed plans built and analysed once through the CLI: (store folder, csv folder)."""
    base = tmp_path_factory.mktemp("analysis")
    store_dir, csv_dir = base / "store", base / "csv"
    with Store.open(store_dir, create=True) as store:
        assert not build([SEEDS], store).failed
    result = invoke("analyze", "--store", store_dir, "--frameworks", FRAMEWORKS, "--csv", csv_dir)
    assert result.exit_code == 0, result.output
    return store_dir, csv_dir


# Seed measures that restate items of 知识产权强国建设纲要, found by reading both texts:
# (plan, measure no, item marker, a phrase the measure shares with that item).
RESTATEMENTS = [
    ("003_ad288fc7cf756697.txt", "12", "（十七）", "尊重和保护知识产权的行为习惯"),
    ("001_1eab838177af062e.txt", "19", "（十九）", "知识产权人才培养、评价激励、流动配置机制"),
    ("004_6d9d402cb80ceabd.txt", "9", "（十二）", "生态文明建设、历史文化传承"),
    ("001_1eab838177af062e.txt", "11", "（九）", "知识产权纠纷行政调解协议司法确认制度"),
    ("001_1eab838177af062e.txt", "15", "（十六）", "知识产权数据标准制定和数据资源供给"),
]


@pytest.mark.parametrize("source,no,marker,phrase", RESTATEMENTS)
def test_analysis_seed_restatements_link_to_framework_items(seeds, source, no, marker, phrase):
    store_dir, _ = seeds
    found = [r for r in rows(store_dir, "measure_reuse", source=source)
             if r["measure_no"] == no and r["target_kind"] == "framework"]
    assert found, f"{source} {no} has no framework link"
    link = next((r for r in found if marker in r["reused_from"]), None)
    assert link is not None, [r["reused_from"] for r in found]
    assert "知识产权强国建设纲要" in link["reused_from"]
    assert phrase in link["shared_text"] + link["reused_text"] or \
        phrase.replace("、", "") in (link["shared_text"] + link["reused_text"]).replace("、", "")
    assert link["reused_text"] in FRAMEWORK_TEXT
    assert 0 < float(link["score"]) <= 1


def test_analysis_shared_text_is_in_the_measure(seeds):
    store_dir, _ = seeds
    bodies = {r["measure"]: r for r in rows(store_dir, "measures")}
    with Store.open(store_dir, read_only=True) as store:
        body = dict(store.query("""SELECT ?m ?b WHERE { GRAPH ?g {
            ?m <https://w3id.org/policykg/ns#body> ?b } }""").rows)
    links = rows(store_dir, "measure_reuse")
    assert len(links) >= 5
    for link in links:
        assert link["measure"] in bodies
        assert link["shared_text"] in body[link["measure"]]


def test_analysis_rerun_replaces_the_graph(seeds):
    store_dir, _ = seeds
    before = analysis_quads(store_dir)
    with Store.open(store_dir) as store:
        documents, total = store.documents(), len(store)
        report = analyze(store, FRAMEWORKS)  # the fixture already ran it once
        assert store.documents() == documents and len(store) == total
    assert report.quads == before == analysis_quads(store_dir)
    assert report.framework_items == 24 and report.framework_links >= len(RESTATEMENTS)


def test_analysis_instrument_mix_adds_up(seeds):
    store_dir, _ = seeds
    mix = rows(store_dir, "instrument_mix")
    assert {r["instrument_type"] for r in mix} <= {"supply", "demand", "environment"}
    by_plan: dict[str, float] = {}
    for r in mix:
        assert int(r["measures"]) <= int(r["mentioned"])
        by_plan[r["source"]] = by_plan.get(r["source"], 0) + float(r["share"])
    assert len(by_plan) == 5
    assert all(abs(total - 1) < 0.01 for total in by_plan.values()), by_plan
    only = rows(store_dir, "instrument_mix", city="银川市")
    assert only and {r["source"] for r in only} == {"003_ad288fc7cf756697.txt"}


def test_analysis_plan_similarity_is_jaccard(seeds):
    store_dir, _ = seeds
    pairs = rows(store_dir, "plan_similarity")
    assert len(pairs) == 10  # 5 plans
    for r in pairs:
        parts = [float(r[k]) for k in ("agencies", "frameworks", "indicators")]
        assert all(0 <= p <= 1 for p in parts)
        assert abs(float(r["similarity"]) - sum(parts) / 3) < 0.001
    one = rows(store_dir, "plan_similarity", source="002_5c1e57f522dedf74.txt")
    assert len(one) == 4
    assert sum(int(r["reuse_links"]) for r in pairs) == sum(
        1 for r in rows(store_dir, "measure_reuse") if r["target_kind"] == "measure")


def test_analysis_csv_files(seeds):
    _, csv_dir = seeds
    tables = {p.stem: list(csv.DictReader(p.open(encoding="utf-8"))) for p in csv_dir.glob("*.csv")}
    assert set(tables) == {"centrality", "communities", "similarity", "pmc_features", "reuse"}
    pmc = tables["pmc_features"]
    assert len(pmc) == 5 and list(pmc[0]) == ["source", *PMC_FEATURES]
    assert all(v in ("0", "1") for row in pmc for k, v in row.items() if k != "source")
    by_source = {r["source"]: r for r in pmc}
    assert by_source["002_5c1e57f522dedf74.txt"]["level_province"] == "1"
    assert by_source["003_ad288fc7cf756697.txt"]["leading_group"] == "1"
    assert by_source["003_ad288fc7cf756697.txt"]["supervision_evaluation"] == "1"  # 严格督导考评
    central = {r["agency"]: r for r in tables["centrality"]}
    assert int(central["衡阳市市场监督管理局"]["degree"]) > 5
    assert all(0 <= float(r["betweenness"]) <= 1 for r in tables["centrality"])
    assert sum(int(r["size"]) for r in tables["communities"]) == sum(
        1 for r in tables["centrality"] if r["community"])


def test_analysis_pmc_query_matches_csv(seeds):
    store_dir, csv_dir = seeds
    from_csv = list(csv.DictReader((csv_dir / "pmc_features.csv").open(encoding="utf-8")))
    from_query = rows(store_dir, "pmc_features")
    assert [{k: r[k] for k in from_csv[0]} for r in from_query] == from_csv


def test_analysis_missing_frameworks_folder_is_one_error_line(seeds, tmp_path):
    store_dir, _ = seeds
    result = invoke("analyze", "--store", store_dir, "--frameworks", tmp_path / "nope")
    assert result.exit_code == 1
    assert result.output.strip().startswith("error:") and len(result.output.strip().splitlines()) == 1


def test_analysis_agency_key_and_jaccard():
    assert agency_key("https://w3id.org/policykg/id/agency/甲市/甲市财政局") == "财政局"
    assert agency_key("https://w3id.org/policykg/id/agency/_/市财政局") == "市财政局"
    assert jaccard({1, 2}, {2, 3}) == 1 / 3 and jaccard(set(), set()) == 0


# ---------------------------------------------------------------- constructed plans
COPIED = ("鼓励银行业金融机构创新知识产权质押融资产品，扩大质押物范围，健全风险分担补偿机制，"
          "为中小企业提供便捷高效的融资支持。")


def constructed_plan(city: str, year: int, copied: str, own: tuple[str, str], safeguard: str) -> str:
    return "\n".join([
        f"{city}人民政府办公室关于印发{city}知识产权强市建设工作方案的通知",
        "各县(市、区)人民政府,市直各单位:",
        f"现将《{city}知识产权强市建设工作方案》印发给你们,请认真贯彻执行。",
        f"{city}人民政府办公室",
        f"{year}年3月15日",
        "",
        f"{city}知识产权强市建设工作方案({year}—{year + 2}年)",
        "",
        "一、重点任务",
        f"1.推进知识产权金融服务。{copied}",
        "(责任单位:市金融办、市市场监管局)",
        f"2.{own[0]}。{own[1]}",
        "(责任单位:市市场监管局)",
        "二、保障措施",
        f"(一)加强组织领导。{safeguard}",
        "",
    ])


def test_analysis_constructed_plans_link_only_the_copied_measure(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.txt").write_text(constructed_plan(
        "临江市", 2022, COPIED,
        ("开展知识产权宣传", "依托世界知识产权日开展宣传周活动，在中小学普及知识产权常识。"),
        "建立联席会议制度,定期研究解决重大问题。"), encoding="utf-8")
    edited = COPIED.replace("健全", "完善").replace("为中小企业", "为科技型中小企业").replace("，", ",")
    (plans / "b.txt").write_text(constructed_plan(
        "青山市", 2024, edited,
        ("加强海关保护", "加大进出境货物查验力度，严厉打击侵权商品进出口行为。"),
        "成立工作领导小组,由分管副市长任组长。"), encoding="utf-8")
    with Store.open(tmp_path / "store", create=True) as store:
        assert not build([plans], store).failed
        analyze(store, None)
    links = rows(tmp_path / "store", "measure_reuse")
    assert [(r["source"], r["measure_no"], r["target_source"], r["target_kind"]) for r in links] == [
        ("b.txt", "1", "a.txt", "measure")]  # the later plan reuses the earlier; the other measures are unrelated
    assert "质押融资产品" in links[0]["shared_text"]


def test_analysis_empty_store_writes_an_empty_analysis():
    with Store.in_memory() as store:
        report = analyze(store, FRAMEWORKS)
        assert (report.plans, report.measures, report.reuse_links) == (0, 0, 0)
        assert report.framework_items == 24 and report.tables["pmc_features"][1] == []
        # and the analysis tables (graph/summaries/ ANALYSED), empty as their queries' answers
        from policykg.graph.summaries.corpus_tables import CORPUS_GRAPH, table_rows
        from policykg.graph.summaries.summary_format import ANALYSED

        assert sorted(store.named_graphs()) == sorted([ANALYSIS_GRAPH.value, CORPUS_GRAPH.value])
        assert report.analysis_tables == len(ANALYSED)
        assert all(list(table_rows(store.raw, name)) == [] for name in ANALYSED)
