"""Incentives (issue 19): amounts and rates a plan grants, with cap, kind, beneficiary and condition,
read from fragments written for each layout; thresholds stay conditions, goals stay targets."""
from __future__ import annotations

import pytest

from policykg.extract import extract_text

PLAN = "湘潭市促进知识产权高质量发展若干措施（2024—2026年）"


def incentives(sentence: str):
    r = extract_text(f"{PLAN}\n一、支持措施\n（一）加大支持。{sentence}", "t.txt")
    return r.incentives


@pytest.mark.parametrize("sentence, expected", [
    ("对新认定的国家知识产权示范企业，给予最高50万元奖励。",
     [(50, None, None, "万元", True, "奖励", "国家知识产权示范企业", "新认定")]),
    ("对通过知识产权贯标认证的企业每家补助10万元。",
     [(10, None, None, "万元", False, "补助", "企业", "通过知识产权贯标认证")]),
    ("对购买专利保险的企业，按保费的50%给予补贴，每家最高不超过20万元。",
     [(20, None, 50, "万元", True, "补贴", "企业", "购买专利保险")]),
    ("对开展知识产权质押融资的企业，按贷款利息的40%给予贴息。",
     [(None, None, 40, "%", False, "贴息", "企业", "开展知识产权质押融资")]),
    ("对获得中国专利金奖、银奖的单位，分别给予30万元、20万元奖励。",
     [(30, None, None, "万元", False, "奖励", "单位", "获得中国专利金奖、银奖;获得中国专利金奖"),
      (20, None, None, "万元", False, "奖励", "单位", "获得中国专利金奖、银奖;银奖")]),
    ("对年度专利授权量超过100件的企业，给予5万元至10万元资助。",
     [(5, 10, None, "万元", False, "资助", "企业", "年度专利授权量超过100件")]),
])
def test_incentives_amount_rate_cap_kind_beneficiary_condition(sentence, expected):
    found = incentives(sentence)
    assert [(i.amount, i.amount_max, i.rate, i.unit, i.cap, i.kind, i.beneficiary, i.condition)
            for i in found] == expected
    assert all(i.measure_id == "m1" and i.text.startswith(sentence[:4]) for i in found)


def test_incentives_eligibility_threshold_is_a_condition_not_an_amount():
    found = incentives("年销售收入首次达到2000万元、5000万元的企业，分别给予最高50万元、100万元扶持。")
    assert [(i.amount, i.cap) for i in found] == [(50, True), (100, True)]
    assert all("2000万元" in (i.condition or "") for i in found)


@pytest.mark.parametrize("sentence", [
    "到2026年，知识产权质押融资金额达到30亿元。",
    "设立规模10亿元的知识产权运营基金。",
    "专利密集型产业增加值占GDP比重达到12%。",
])
def test_incentives_goals_are_not_incentives(sentence):
    assert incentives(sentence) == []


def test_incentives_round_trip_and_do_not_become_targets():
    import json

    from policykg.extract.result import ExtractionResult

    r = extract_text(f"{PLAN}\n一、支持措施\n（一）加大支持。对新认定的示范企业，给予最高50万元奖励。", "t.txt")
    assert r.targets == [] and len(r.incentives) == 1
    again = ExtractionResult.from_dict(json.loads(json.dumps(r.to_dict(), ensure_ascii=False)))
    assert again == r


def test_incentives_reach_the_graph_the_named_query_and_the_plan_page():
    import pyoxigraph as ox

    from policykg.graph.rdf import result_to_quads
    from policykg.queries import run_query
    from policykg.viz.web.plan_text import plan_page

    text = f"{PLAN}\n一、支持措施\n（一）加大支持。对新认定的<示范>企业，按投资额的5%给予补助，最高不超过20万元。"
    r = extract_text(text, "t.txt")
    store = ox.Store()
    store.extend(result_to_quads(r)[1])
    columns, rows = run_query(store, "incentives", {})
    row = dict(zip(columns, rows[0]))
    assert (row["kind"], row["rate"], row["amount"], row["unit"], row["cap"], row["base_value"]) == \
        ("补助", "5", "20", "万元", "true", "200000")
    assert (row["beneficiary"], row["condition"], row["measure_no"]) == ("<示范>企业", "新认定", "(一)")
    page = plan_page(store, "t.txt")
    assert page.counts.get("incentive") == 1 and 'class="hl hl-incentive"' in page.html
    assert "<示范>" not in page.html and "&lt;示范&gt;" in page.html


@pytest.mark.parametrize("sentence, expected", [
    ("对认定的示范企业，给予最高不超过50万元的一次性奖励。", (50, None, "万元", True, "capped_amount")),
    ("资助金额不超过项目总投资的30%，最高500万元。", (500, 30, "万元", True, "rate_with_cap")),
    ("补助标准为每件1000元。", (1000, None, "元", False, "amount")),
])
def test_incentives_ceilings_and_rates_in_other_word_orders(sentence, expected):
    found = incentives(sentence)
    assert [(i.amount, i.rate, i.unit, i.cap, i.rule) for i in found] == [expected]


@pytest.mark.parametrize("sentence, expected", [
    ("1.对新认定的国家知识产权示范企业、优势企业，分别给予30万元、20万元一次性奖励。",
     [(30, "国家知识产权示范企业", "新认定"), (20, "优势企业", "新认定")]),
    ("（2）对获得中国专利金奖、银奖的单位，分别奖励50万元、30万元。",
     [(50, "单位", "获得中国专利金奖、银奖;获得中国专利金奖"), (30, "单位", "获得中国专利金奖、银奖;银奖")]),
])
def test_incentives_numbered_items_and_respective_amounts(sentence, expected):
    assert [(i.amount, i.beneficiary, i.condition) for i in incentives(sentence)] == expected


def test_incentives_a_ratio_named_after_a_reward_is_not_an_incentive():
    assert incentives("奖励性绩效占比不低于绩效工资总量的70%。") == []
