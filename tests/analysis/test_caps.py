"""The caps `policykg analyze` applies to large corpora (issue #24) and its streamed write:
boilerplate shingles and top-k targets for reuse between measures (framework reuse never capped),
top-k similar plans, sampled betweenness; every cap recorded on the graph node id:graph/analysis
and printed by the CLI; a failed analyze leaves the previous analysis as it was, whichever way
the graph is written."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.cli import app
from policykg.graph.analysis import analysis_graph, metrics
from policykg.graph.analysis.analysis_graph import ANALYSIS_GRAPH, analyze, write_analysis
from policykg.graph.analysis.metrics import MetricSettings, betweenness_sources
from policykg.graph.analysis.text_reuse import ReuseSettings, Unit, reuse_links
from policykg.graph.build import build
from policykg.graph.store import Store
from policykg.ontology import PK
from policykg.queries import load_query

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "data" / "seeds"
FRAMEWORKS = ROOT / "data" / "frameworks"

# Stock phrasing many plans carry, and a passage only two plans share (constructed, not from a plan).
STOCK = "加强部门协同和上下联动，推进行政执法与刑事司法有效衔接，严厉打击侵犯知识产权违法犯罪行为"
SHARED = "鼓励银行业金融机构创新知识产权质押融资产品，扩大质押物范围，健全风险分担补偿机制"
OWN = ["依托世界知识产权日开展宣传周活动，在中小学普及知识产权常识", "建设商标品牌指导站，培育区域公用品牌",
       "完善海外维权援助网络，发布重点国家风险预警", "推动专利开放许可试点，降低中小企业许可费用",
       "建立地理标志产品保护名录，开展专项执法检查", "开展知识产权贯标认证，支持企业建立管理体系"]
OWN_SECOND = ["设立知识产权运营基金，引导社会资本投向高价值专利", "组建产业专利池，开展专利导航分析"]


def stock_units() -> list[Unit]:
    """Six plans whose first measure carries STOCK (and the plan's own words); plans 0 and 1 also
    share SHARED in a second measure."""
    units = []
    for n, own in enumerate(OWN):
        plan = f"plan-{n}"
        units.append(Unit(f"{plan}/m1", plan, f"{STOCK}。{own}。", (str(2020 + n), plan)))
        if n < 2:
            units.append(Unit(f"{plan}/m2", plan, f"{SHARED}。{OWN_SECOND[n]}。", (str(2020 + n), plan)))
    return units


def measure_pairs(links) -> set[tuple[str, str]]:
    return {(link.source, link.target) for link in links if not link.target.startswith("fw")}


def test_caps_stock_phrasing_links_every_plan_without_a_cutoff():
    result = reuse_links(stock_units(), ReuseSettings(top_k=0))  # 6 plans: under the default floor of 20
    assert result.cutoff == 20 and result.boilerplate_shingles == 0
    stock = {pair for pair in measure_pairs(result.links) if pair[0].endswith("/m1")}
    assert len(stock) == 15  # every pair of the six plans' first measures
    assert ("plan-1/m2", "plan-0/m2") in measure_pairs(result.links)


def test_caps_boilerplate_shingles_are_no_evidence_between_measures():
    settings = ReuseSettings(boilerplate_share=0.0, boilerplate_min_plans=2, top_k=0)
    result = reuse_links(stock_units(), settings)
    assert (result.plans, result.cutoff) == (6, 2)
    assert result.boilerplate_shingles > 0
    # the stock sentence is in six plans: no link from it; the passage two plans share is still linked
    assert measure_pairs(result.links) == {("plan-1/m2", "plan-0/m2")}


def test_caps_framework_reuse_keeps_every_shingle():
    """A framework item made of the stock sentence: every plan restating it is linked to the item,
    however many plans carry it (the cutoff applies between measures only)."""
    units = [Unit("fw/1", "framework", f"（一）{STOCK}。", framework=True), *stock_units()]
    result = reuse_links(units, ReuseSettings(boilerplate_share=0.0, boilerplate_min_plans=2, top_k=1))
    framework = sorted(link.source for link in result.links if link.target == "fw/1")
    assert framework == [f"plan-{n}/m1" for n in range(6)]
    assert all(link.target == "fw/1" for link in result.links if link.source.endswith("/m1"))


def test_caps_top_k_keeps_each_measures_best_targets():
    everything = reuse_links(stock_units(), ReuseSettings(top_k=0))
    capped = reuse_links(stock_units(), ReuseSettings(top_k=2))
    per_source: dict[str, list] = {}
    for link in everything.links:
        per_source.setdefault(link.source, []).append(link)
    expected = set()
    for source, found in per_source.items():
        found.sort(key=lambda link: (-link.score, -link.shared, link.target))
        expected |= {(link.source, link.target) for link in found[:2]}
    assert {(link.source, link.target) for link in capped.links} == expected
    assert max(sum(1 for link in capped.links if link.source == s) for s in per_source) == 2
    assert capped.measure_links_found == len(everything.links)
    assert capped.measure_links_dropped == len(everything.links) - len(capped.links) > 0


def test_caps_betweenness_is_exact_up_to_the_limit():
    assert betweenness_sources(metrics.BETWEENNESS_EXACT_MAX_NODES, None) == 0
    assert betweenness_sources(metrics.BETWEENNESS_EXACT_MAX_NODES + 1, None) == metrics.BETWEENNESS_SAMPLES
    assert betweenness_sources(100, 0) == 0 and betweenness_sources(100, 10) == 10
    assert betweenness_sources(100, 500) == 0  # as many samples as agencies: exact


# ------------------------------------------------------------------------------ on the seeds
@pytest.fixture(scope="module")
def seed_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("caps") / "store"
    with Store.open(folder, create=True) as store:
        assert not build([SEEDS], store).failed
    return folder


@pytest.fixture
def store_copy(seed_store, tmp_path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(seed_store, copy)
    return copy


def graph_node(store: Store) -> dict[str, str]:
    rows = store.query(f"SELECT ?p ?o WHERE {{ GRAPH {ANALYSIS_GRAPH} {{ {ANALYSIS_GRAPH} ?p ?o }} }}").rows
    return {p[len(PK):]: o for p, o in rows if p.startswith(PK)}


def analysis_quads(store: Store) -> set[str]:
    return {str(q) for q in store.raw.quads_for_pattern(None, None, None, ANALYSIS_GRAPH)}


def test_caps_recorded_on_the_graph_node(store_copy):
    with Store.open(store_copy) as store:
        report = analyze(store, FRAMEWORKS, reuse=ReuseSettings(0.1, 3, 1),
                         metric_settings=MetricSettings(similar_plans=2, min_similarity=0.05,
                                                        betweenness_samples=10))
        node = graph_node(store)
    assert {k: node[k] for k in ("reuseBoilerplateShare", "reuseBoilerplateMinPlans", "reuseTopK",
                                 "similarityTopK", "similarityMinimum", "betweennessSamples",
                                 "betweennessSeed", "planPairs")} == {
        "reuseBoilerplateShare": "0.1", "reuseBoilerplateMinPlans": "3", "reuseTopK": "1",
        "similarityTopK": "2", "similarityMinimum": "0.05", "betweennessSamples": "10",
        "betweennessSeed": "1", "planPairs": "10"}
    assert node["reuseBoilerplateCutoff"] == str(report.reuse.cutoff) == "3"
    assert node["reuseBoilerplateShingles"] == str(report.reuse.boilerplate_shingles)
    assert node["reuseLinksKept"] == str(report.reuse_links)
    assert node["reuseLinksDropped"] == str(report.reuse.measure_links_dropped)
    assert node["similarityPairs"] == str(report.metrics.similarity_pairs_kept)


def test_caps_similar_plans_keep_each_plans_top_k(store_copy):
    with Store.open(store_copy) as store:
        everything = analyze(store, FRAMEWORKS, metric_settings=MetricSettings(similar_plans=0))
        all_pairs = everything.tables["similarity"][1]
        capped = analyze(store, FRAMEWORKS, metric_settings=MetricSettings(similar_plans=1))
        kept = {(r[0], r[1]) for r in capped.tables["similarity"][1]}
        rows = store.run_query(load_query("plan_similarity")).as_dicts()
    assert len(all_pairs) == 10 and everything.metrics.similarity_pairs_kept == 10
    sources = {r[0] for r in all_pairs} | {r[1] for r in all_pairs}
    expected = set()
    for plan in sources:  # each plan's best partner (ties: the earlier file name)
        mine = [r for r in all_pairs if plan in (r[0], r[1])]
        best = min(mine, key=lambda r: (-r[5], r[1] if r[0] == plan else r[0]))
        expected.add((best[0], best[1]))
    assert kept == expected and len(kept) < 10
    assert capped.metrics.similarity_pairs_kept == len(kept) and capped.metrics.plan_pairs == 10
    assert {(r["source_a"], r["source_b"]) for r in rows} == kept


def test_caps_min_similarity_drops_the_pairs_below(store_copy):
    with Store.open(store_copy) as store:
        everything = analyze(store, FRAMEWORKS, metric_settings=MetricSettings(similar_plans=0))
        similarities = sorted(r[5] for r in everything.tables["similarity"][1])
        floor = similarities[len(similarities) // 2]
        capped = analyze(store, FRAMEWORKS, metric_settings=MetricSettings(similar_plans=0,
                                                                          min_similarity=floor))
    assert {r[5] for r in capped.tables["similarity"][1]} == {s for s in similarities if s >= floor}


@pytest.mark.parametrize("atomic_max", [analysis_graph.ATOMIC_MAX_QUADS, 0], ids=["one-transaction", "streamed"])
def test_caps_a_failed_analyze_leaves_the_previous_analysis(store_copy, monkeypatch, atomic_max):
    monkeypatch.setattr(analysis_graph, "ATOMIC_MAX_QUADS", atomic_max)
    with Store.open(store_copy) as store:
        analyze(store, FRAMEWORKS)
        before, graphs = analysis_quads(store), store.named_graphs()

        def failing(*args, **kwargs):  # the PMC feature quads come last: most of the graph is generated
            yield from ()
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(analysis_graph, "_table_quads", failing)
        with pytest.raises(RuntimeError, match="disk on fire"):
            analyze(store, FRAMEWORKS, metric_settings=MetricSettings(similar_plans=1))
        assert analysis_quads(store) == before and store.named_graphs() == graphs


def test_caps_streamed_write_gives_the_graph_of_one_transaction(store_copy, monkeypatch):
    stamp = analysis_graph.datetime(2026, 12, 3, tzinfo=analysis_graph.timezone.utc)
    with Store.open(store_copy) as store:
        one = analyze(store, FRAMEWORKS, now=stamp)
        atomic = analysis_quads(store)
        monkeypatch.setattr(analysis_graph, "ATOMIC_MAX_QUADS", 0)
        monkeypatch.setattr(analysis_graph, "_DELETE_CHUNK", 1000)  # the old graph goes in 9 chunks
        monkeypatch.setattr(analysis_graph, "BULK_LOAD_CHUNK", 1000)  # the new one comes in 9
        streamed = analyze(store, FRAMEWORKS, now=stamp)  # replaces the graph it wrote
        assert analysis_quads(store) == atomic
    assert one.atomic_write and not streamed.atomic_write and one.quads == streamed.quads == len(atomic)


def test_caps_write_counts_the_quads_in_the_store(store_copy):
    with Store.open(store_copy) as store:
        analyze(store, FRAMEWORKS)
        quads = [q for q in store.raw.quads_for_pattern(None, None, None, ANALYSIS_GRAPH)][:100]
        written = write_analysis(store, iter(quads + quads[:10]), atomic_max=0)  # a repeated quad counts once
        assert (written.quads, written.atomic) == (100, False)


def test_caps_cli_prints_what_each_cap_kept(store_copy):
    result = CliRunner().invoke(app, ["analyze", "--store", str(store_copy), "--frameworks", str(FRAMEWORKS),
                                      "--similar-plans", "1", "--reuse-top-k", "3",
                                      "--boilerplate-min-plans", "2", "--boilerplate-share", "0",
                                      "--betweenness-samples", "10"])
    assert result.exit_code == 0, result.output
    with Store.open(store_copy, read_only=True) as store:
        node = graph_node(store)
    out = " ".join(result.output.split())
    assert (f"reuse: kept {node['reuseLinksKept']} links" in out
            and f"{node['reuseBoilerplateShingles']} boilerplate shingles in > 2 plans ignored" in out
            and f"{node['reuseLinksDropped']} of " in out), out
    assert f"plan similarity: kept {node['similarityPairs']} of 10 pairs (each plan's top 1" in out, out
    assert "betweenness: estimated from 10 sampled agencies of" in out and "(seed 1;" in out, out
