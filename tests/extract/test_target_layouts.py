"""Target layouts real plans use (issue 19), each from a fragment written for the class: where the
year comes from, target tables in any header order, listed pairs, the number before the noun,
units and scales, time limits, and figures that are not targets (incentives, thresholds, baselines)."""
from __future__ import annotations

import pytest

from policykg.extract import extract_text

PLAN = "湘潭市知识产权强市建设工作方案（2023—2027年）"


def targets(body: str, title: str = PLAN):
    return extract_text(f"{title}\n{body}", "t.txt").targets


def one(body: str, title: str = PLAN):
    found = targets(body, title)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------ year attachment
@pytest.mark.parametrize("body, title, year, inferred", [
    ("一、重点任务\n（一）培育人才。2025年，全市技术经纪人达到5000人以上。", PLAN, 2025, False),
    ("一、重点任务\n（一）培育人才。建设工作站。2024年底前，新建工作站5个。", PLAN, 2024, False),
    ("一、重点任务\n（一）培育人才。各单位于2024年年底前配备到位，各园区至少配备1名专员。", PLAN, 2024, False),
    ("一、重点任务\n（一）培育人才。三年内建成海外孵化器8家。", PLAN, 2025, False),
    ("一、重点任务\n（一）培育人才。2024年起3年内建成海外孵化器8家。", PLAN, 2026, False),
    ("一、重点任务\n（一）培育人才。年底前，完成专利导航项目3个。", "湘潭市2023年知识产权工作要点", 2023, False),
    ("一、重点任务\n（一）培育人才。完成专利导航项目3个。", "湘潭市2023年知识产权工作要点", 2023, True),
    ("一、重点任务\n（一）培育人才。年底前，建成工作站2个。", "湘潭市知识产权2021行动方案", 2021, False),
    ("一、重点任务\n（一）培育人才。建成工作站2个。", "湘潭市2021年度知识产权工作计划", 2021, True),
    ("一、重点任务\n（一）培育人才。新建工作站5个。", PLAN, 2027, True),
])
def test_target_layouts_year_attachment(body, title, year, inferred):
    t = one(body, title)
    assert (t.year, t.year_inferred) == (year, inferred)


@pytest.mark.parametrize("items", [
    "——专利质押融资金额达到3亿元；\n——新建工作站5个。",
    "1.专利质押融资金额达到3亿元；\n2.新建工作站5个。",
    "·专利质押融资金额达到3亿元；\n·新建工作站5个。",
])
def test_target_layouts_year_from_the_lead_line_of_a_list(items):
    body = f"一、总体要求\n主要目标如下。\n到2025年，实现以下目标：\n{items}\n二、重点任务\n（一）甲。内容。"
    assert [(t.value, t.year, t.year_inferred) for t in targets(body)] == [(3, 2025, False), (5, 2025, False)]


@pytest.mark.parametrize("sentence", [
    "2022年，全市专利授权量达到5000件。",
    "截至2022年底，全市有效发明专利达到3000件。",
])
def test_target_layouts_baseline_before_the_plan_is_not_a_target(sentence):
    assert targets(f"一、重点任务\n（一）甲。{sentence}") == []


# ------------------------------------------------------------------ tables
TABLE_ROWS = [("序号", "指标名称", "单位", "2022年（基期）", "2025年", "2027年", "属性"),
              ("1", "发明专利拥有量", "件", "100", "150", "200", "预期性"),
              ("2", "专利密集型产业增加值占比", "%", "8", "9.5", "≥11", "预期性")]
TABLE_EXPECTED = [("发明专利拥有量", 150, "件", 2025, "="), ("发明专利拥有量", 200, "件", 2027, "="),
                  ("专利密集型产业增加值占比", 9.5, "%", 2025, "="),
                  ("专利密集型产业增加值占比", 11, "%", 2027, ">=")]


def _table(rows, layout: str) -> str:
    if layout == "pipe":
        return "\n".join(" | ".join(r) for r in rows)
    if layout == "tab":
        return "\n".join("\t".join(r) for r in rows)
    return "\n".join(cell for r in rows for cell in r)   # one cell per line


@pytest.mark.parametrize("layout", ["pipe", "tab", "cells"])
@pytest.mark.parametrize("order", [None, (1, 3, 4, 5, 2, 6, 0), (0, 1, 4, 5, 2, 3, 6)])
def test_target_layouts_tables_any_header_order(layout, order):
    rows = [tuple(r[k] for k in order) for r in TABLE_ROWS] if order else TABLE_ROWS
    body = f"一、总体要求\n主要指标：\n{_table(rows, layout)}\n二、重点任务\n（一）甲。内容。"
    found = targets(body)
    assert sorted((t.indicator, t.value, t.unit, t.year, t.comparator) for t in found) == sorted(TABLE_EXPECTED)


def test_target_layouts_table_in_an_annex():
    body = "一、重点任务\n（一）甲。内容。\n附件\n主要指标表\n" + _table(TABLE_ROWS, "pipe")
    assert len(targets(body)) == 4


# ------------------------------------------------------------------ lists
@pytest.mark.parametrize("sentence, expected", [
    ("建设100家示范企业、16家以上优势企业。", [("示范企业", 100, "="), ("优势企业", 16, ">=")]),
    ("引进5名院士、20名领军人才和100名青年人才。", [("院士", 5, "="), ("领军人才", 20, "="), ("青年人才", 100, "=")]),
    ("专利授权量、商标注册量分别达到5000件、8000件。", [("专利授权量", 5000, ">="), ("商标注册量", 8000, ">=")]),
    ("培育专精特新企业40家、单项冠军企业3家左右。", [("专精特新企业", 40, "="), ("单项冠军企业", 3, "=")]),
    ("新认定60名国家级、150名省级专利代理师。", [("国家级专利代理师", 60, "="), ("省级专利代理师", 150, "=")]),
])
def test_target_layouts_lists_one_target_per_pair(sentence, expected):
    found = targets(f"一、重点任务\n（一）甲。到2025年，{sentence}")
    assert [(t.indicator, t.value, t.comparator) for t in found] == expected
    assert all(t.year == 2025 for t in found)


# ------------------------------------------------------------------ number before the noun
@pytest.mark.parametrize("sentence, indicator, value, unit, annual", [
    ("引进200名高端外国专家。", "高端外国专家", 200, "名", False),
    ("推动74项事项落地。", "事项", 74, "项", False),
    ("每年培训1万名知识产权人才。", "知识产权人才", 1, "万名", True),
    ("到2025年底推动建设30个专利导航服务基地。", "专利导航服务基地", 30, "个", False),
])
def test_target_layouts_number_before_the_noun(sentence, indicator, value, unit, annual):
    t = one(f"一、重点任务\n（一）甲。{sentence}")
    assert (t.indicator, t.value, t.unit, t.annual) == (indicator, value, unit, annual)


# ------------------------------------------------------------------ units and scale
@pytest.mark.parametrize("sentence, value, unit, kind", [
    ("全市算力规模达到12EFLOPS。", 12, "EFLOPS", "level"),
    ("数据存储总量达到10EB。", 10, "EB", "level"),
    ("带动相关产业规模达到2.2万亿元。", 2.2, "万亿元", "level"),
    ("带动相关产业规模超万亿元。", 1, "万亿元", "level"),
    ("专利许可金额达到12,000万元。", 12000, "万元", "level"),
    ("培育千家专精特新企业。", 1000, "家", "count"),
    ("每个乡镇至少建成一所公办中心幼儿园。", 1, "所", "level"),   # a quota per unit (gold: level)
    ("应用型高校科技成果转化率超过1/3。", 0.3333333333, None, "ratio"),
    ("应用型高校科技成果转化率超过三分之一。", 0.3333333333, None, "ratio"),
    ("知识产权保护社会满意度保持在85分以上。", 85, "分", "level"),
    ("每年开展培训不少于40课时。", 40, "课时", "level"),
    ("专利代理机构达到120余家。", 120, "家", "level"),
])
def test_target_layouts_units_and_scale(sentence, value, unit, kind):
    t = one(f"一、重点任务\n（一）甲。{sentence}")
    assert (t.value, t.unit, t.kind) == (pytest.approx(value), unit, kind)


def test_target_layouts_scaled_value_in_base_units():
    from policykg.graph.rdf import base_value

    assert base_value(2.2, "万亿元") == ("2200000000000", "元")
    assert base_value(3.6, "亿元") == ("360000000", "元")


# ------------------------------------------------------------------ time limits
@pytest.mark.parametrize("sentence, value, unit", [
    ("专利侵权纠纷办案周期压缩至48小时以内。", 48, "小时"),
    ("商标注册审查周期缩短至4个工作日。", 4, "个工作日"),
    ("企业开办时间压缩到1天。", 1, "天"),
])
def test_target_layouts_time_limits_are_at_most(sentence, value, unit):
    t = one(f"一、重点任务\n（一）甲。{sentence}")
    assert (t.value, t.unit, t.comparator) == (value, unit, "<=")


# ------------------------------------------------------------------ not targets
@pytest.mark.parametrize("sentence", [
    "对首次认定的高新技术企业给予最高50万元奖励。",
    "按不超过实际投资额的5%给予补助。",
    "对年度新增高新技术企业超过10家的园区给予奖励。",
    "对年销售收入首次达到2000万元的企业，给予一次性奖励。",
    "超过1000人规模的学校必须配备专职教师。",
    "对新认定的孵化器，每认定1家给予10万元扶持。",
    "给予贷款贴息50%，单个企业每年不超过100万元。",
])
def test_target_layouts_incentives_and_thresholds_are_not_targets(sentence):
    assert targets(f"一、重点任务\n（一）甲。{sentence}") == []


def test_target_layouts_threshold_inside_a_target_keeps_the_target():
    found = targets("一、重点任务\n（一）甲。新培育营业收入首次突破100亿元的企业15家、首次突破500亿元的企业5家。")
    assert [(t.value, t.unit) for t in found] == [(15, "家"), (5, "家")]
    assert "100亿元" in found[0].indicator and "500亿元" in found[1].indicator


# ------------------------------------------------------------------ more year and indicator forms
@pytest.mark.parametrize("body, title, year", [
    ("一、重点任务\n（一）甲。到“十四五”末，专利代理机构达到50家。", "湘潭市知识产权规划", 2025),
    ("一、重点任务\n（一）甲。2023—2025年，每年培育示范企业10家。", "湘潭市知识产权规划", 2025),
    ("一、实施步骤\n（一）第一阶段（2023年1月—2024年6月）\n完成专利导航项目3个。", PLAN, 2024),
])
def test_target_layouts_year_from_plan_periods_ranges_and_stage_headings(body, title, year):
    t = one(body, title)
    assert (t.year, t.year_inferred) == (year, False)


@pytest.mark.parametrize("sentence, indicator, value", [
    ("万人发明专利拥有量由2022年的8.5件提高到15件。", "万人发明专利拥有量", 15),
    ("专利侵权纠纷办理时限由20个工作日压缩至5个工作日。", "专利侵权纠纷办理时限", 5),
])
def test_target_layouts_baseline_in_the_sentence_is_not_the_indicator(sentence, indicator, value):
    t = one(f"一、重点任务\n（一）甲。{sentence}")
    assert (t.indicator, t.value) == (indicator, value)


def test_target_layouts_generic_indicator_borrows_the_previous_target():
    found = targets("一、重点任务\n（一）甲。力争新增国家高新技术企业200家，总数达到1000家。")
    assert [(t.indicator, t.value) for t in found] == [("国家高新技术企业", 200), ("国家高新技术企业总数", 1000)]


@pytest.mark.parametrize("table, expected", [
    ("指标名称 | 单位 | 2022年 | 2025年目标值 | 年均增速\n发明专利拥有量 | 件 | 1000 | 1.2万 | 5%",
     [("发明专利拥有量", 1.2, "万件", 2025), ("发明专利拥有量", 5, "%", 2025)]),
    ("指标 | 目标值（2025年） | 数据来源\n商标注册量（件） | 5000 | 市场监管局", [("商标注册量", 5000, "件", 2025)]),
])
def test_target_layouts_table_headers_with_unread_columns_and_years_before_the_start(table, expected):
    found = targets(f"一、主要目标\n{table}\n二、重点任务\n（一）甲。乙。")
    assert [(t.indicator, t.value, t.unit, t.year) for t in found] == expected


def test_target_layouts_money_goal_in_a_granting_sentence_stays_a_target():
    r = extract_text(f"{PLAN}\n一、支持措施\n（一）甲。市级财政奖补资金年均增长10%，对新认定的企业给予10万元奖励。", "t.txt")
    assert [(t.indicator, t.value, t.kind) for t in r.targets] == [("市级财政奖补资金", 10, "growth")]
    assert [(i.amount, i.unit) for i in r.incentives] == [(10, "万元")]


@pytest.mark.parametrize("sentence", [
    "2021年以来，全市累计培育示范企业50家。",
    "目前全市已建成工作站12个。",
])
def test_target_layouts_what_was_done_is_not_a_target(sentence):
    assert targets(f"一、重点任务\n（一）甲。{sentence}") == []


def test_target_layouts_respectively_with_a_shared_head_and_a_growth_verb():
    found = targets("一、重点任务\n（一）甲。专利、商标、版权登记量分别增长10%、15%、20%。")
    assert [(t.indicator, t.value, t.kind) for t in found] == [
        ("专利登记量", 10, "growth"), ("商标登记量", 15, "growth"), ("版权登记量", 20, "growth")]


def test_target_layouts_lead_sentence_ending_in_a_full_stop():
    body = "一、总体要求\n到2025年，力争实现以下目标。\n——发明专利拥有量达到5000件；\n——新建工作站5个。\n二、重点任务\n（一）甲。乙。"
    assert [(t.value, t.year, t.year_inferred) for t in targets(body)] == [(5000, 2025, False), (5, 2025, False)]


def test_target_layouts_time_limit_with_nei():
    t = one("一、重点任务\n（一）甲。商标注册审查压缩至3个工作日内。")
    assert (t.value, t.unit, t.comparator) == (3, "个工作日", "<=")


@pytest.mark.parametrize("sentence, value", [("在现有基础上，新增工作站5个。", 5), ("在目前基础上，专利授权量增长10%。", 10)])
def test_target_layouts_on_the_present_basis_is_still_a_target(sentence, value):
    assert one(f"一、重点任务\n（一）甲。{sentence}").value == value


def test_target_layouts_a_clause_without_subject_continues_the_previous_indicator():
    found = targets("一、重点任务\n（一）甲。知识产权质押融资额达到20亿元，年均增长15%以上；组织培训班20期。")
    assert [(t.indicator, t.value, t.kind) for t in found][:2] == [
        ("知识产权质押融资额", 20, "level"), ("知识产权质押融资额", 15, "growth")]


def test_target_layouts_two_row_header_and_worded_cells():
    table = ("指标 | 单位 | 目标值 | 目标值\n |  | 2024年 | 2025年\n"
             "高新技术企业专利覆盖率 | % | 全覆盖 | 100\n发明专利拥有量 | 件 | 800 | 1000")
    found = targets(f"一、主要目标\n{table}\n二、重点任务\n（一）甲。乙。")
    assert [(t.indicator, t.value, t.year) for t in found] == [
        ("高新技术企业专利覆盖率", 100, 2025), ("发明专利拥有量", 800, 2024), ("发明专利拥有量", 1000, 2025)]


def test_target_layouts_annex_restating_the_body_adds_no_duplicate():
    body = ("一、重点任务\n（一）培育主体。到2025年，培育示范企业10家。\n附件\n重点任务分工表\n"
            "序号 | 重点任务 | 责任单位\n1 | 到2025年，培育示范企业10家 | 市科技局\n2 | 到2025年，新建工作站5个 | 市市场监管局")
    assert [(t.indicator, t.value) for t in targets(body)] == [("示范企业", 10), ("工作站", 5)]


@pytest.mark.parametrize("sentence, expected", [
    ("发明专利拥有量2024年达到4000件，2025年达到5000件。",
     [("发明专利拥有量", 4000, 2024, False), ("发明专利拥有量", 5000, 2025, False)]),
    ("专利质押融资额达到10亿元以上（到2025年）。", [("专利质押融资额", 10, 2025, False)]),
    ("落实《知识产权强国建设纲要（2021—2035年）》，培育示范企业10家。", [("示范企业", 10, 2027, True)]),
])
def test_target_layouts_year_inside_the_clause_after_the_number_or_in_a_title(sentence, expected):
    found = targets(f"一、重点任务\n（一）甲。{sentence}")
    assert [(t.indicator, t.value, t.year, t.year_inferred) for t in found] == expected


def test_target_layouts_table_with_a_target_column_without_year():
    found = targets("一、主要目标\n指标 | 单位 | 基期值 | 目标值\n发明专利拥有量 | 件 | 800 | 1000\n二、重点任务\n（一）甲。乙。")
    assert [(t.indicator, t.value, t.year, t.year_inferred) for t in found] == [("发明专利拥有量", 1000, 2027, True)]


@pytest.mark.parametrize("sentence, value, unit, annual", [
    ("PCT国际专利申请量达到100件/年。", 100, "件", True),
    ("技术合同成交额达到5亿美元。", 5, "亿美元", False),
])
def test_target_layouts_per_year_units_and_currencies(sentence, value, unit, annual):
    t = one(f"一、重点任务\n（一）甲。{sentence}")
    assert (t.value, t.unit, t.annual) == (value, unit, annual)


@pytest.mark.parametrize("section", [
    "一、发展基础\n（一）成效。全市专利授权量达到5000件。",
    "一、考核方式\n（一）评分。专利授权量超过100件，得5分。",
])
def test_target_layouts_background_and_scoring_sections_hold_no_targets(section):
    found = targets(f"{section}\n二、重点任务\n（一）甲。新建工作站5个。")
    assert [(t.indicator, t.value) for t in found] == [("工作站", 5)]


@pytest.mark.parametrize("joiner", ["\n", " "])
def test_target_layouts_merged_category_cells(joiner):
    rows = [["序号", "类别", "指标", "单位", "2022年", "2025年", "属性"],
            ["1", "创造", "发明专利拥有量", "件", "100", "200", "预期性"],
            ["2", "商标注册量", "件", "50", "80", "预期性"],
            ["3", "运用", "质押融资金额", "亿元", "1", "3", "预期性"]]
    header = "\n".join(rows[0])
    body = "\n".join(joiner.join(r) for r in rows[1:])
    found = targets(f"一、主要目标\n{header}\n{body}\n二、重点任务\n（一）甲。乙。")
    assert [(t.indicator, t.value, t.unit, t.year) for t in found] == [
        ("发明专利拥有量", 200, "件", 2025), ("商标注册量", 80, "件", 2025), ("质押融资金额", 3, "亿元", 2025)]


@pytest.mark.parametrize("sentence", ["推进“一件事一次办”改革，实现一件事一次办。", "培育数十家骨干企业。"])
def test_target_layouts_slogans_and_vague_counts_are_not_targets(sentence):
    assert targets(f"一、重点任务\n（一）甲。{sentence}") == []


@pytest.mark.parametrize("sentence, indicator", [
    ("高新技术企业数量2023年、2024年、2025年分别达到100家、120家、150家。", "高新技术企业数量"),
    ("2024年、2025年分别新增示范企业100家、150家。", "示范企业"),
])
def test_target_layouts_one_value_per_listed_year(sentence, indicator):
    found = targets(f"一、重点任务\n（一）甲。{sentence}")
    assert [(t.indicator, t.year, t.year_inferred) for t in found][-2:] == [
        (indicator, 2024, False), (indicator, 2025, False)]


def test_target_layouts_header_cells_broken_over_two_lines():
    table = "指标\n单位\n2024年\n（基期）\n2026年\n目标值\n发明专利拥有量\n件\n800\n1000"
    found = targets(f"一、主要目标\n{table}\n二、重点任务\n（一）甲。乙。")
    assert [(t.indicator, t.value, t.year) for t in found] == [("发明专利拥有量", 1000, 2026)]


def test_target_layouts_table_row_stated_per_year():
    found = targets("一、主要目标\n指标 | 单位 | 2025年\n年度新增高新技术企业 | 家 | 100\n高新技术企业总数 | 家 | 1000\n二、重点任务\n（一）甲。乙。")
    assert [(t.indicator, t.annual) for t in found] == [("年度新增高新技术企业", True), ("高新技术企业总数", False)]


@pytest.mark.parametrize("sentence, indicator, value", [
    ("查处专利侵权案件50件以上。", "专利侵权案件", 50),
    ("组织专利技术对接活动6场。", "专利技术对接活动", 6),
    ("培育知识产权服务组织10家。", "知识产权服务组织", 10),
])
def test_target_layouts_enforcement_and_event_counts(sentence, indicator, value):
    t = one(f"一、重点任务\n（一）甲。{sentence}")
    assert (t.indicator, t.value) == (indicator, value)


def test_target_layouts_a_verb_that_runs_into_another_keeps_the_noun_whole():
    from policykg.extract import extract_text

    r = extract_text("江北市方案\n一、目标\n到2025年，新开通5G基站1万个以上。\n", "t.txt")
    assert [(t.indicator, t.value, t.unit) for t in r.targets] == [("5G基站", 1.0, "万个")]


def test_target_layouts_a_second_figure_of_the_same_indicator_in_one_clause():
    from policykg.extract import extract_text

    r = extract_text("江北省方案\n一、目标\n到2025年，全省软件业务收入增长40%以上、达到3.2万亿元。\n", "t.txt")
    assert [(t.indicator, t.value, t.unit, t.kind) for t in r.targets] == [
        ("软件业务收入", 40.0, "%", "growth"), ("软件业务收入", 3.2, "万亿元", "level")]


# ------------------------------------------------------------------ money committed to a fund
@pytest.mark.parametrize("sentence", [
    "市财政设立2亿元知识产权运营基金。",
    "每年设立500万元专利转化专项资金。",
    "统筹设立1亿元产业引导基金，支持企业发展。",
])
def test_target_layouts_money_set_aside_for_a_fund_is_not_a_target(sentence):
    assert targets(sentence) == []


@pytest.mark.parametrize("sentence, value, unit", [
    ("到2027年，知识产权运营基金规模达到10亿元。", 10, "亿元"),
    ("新设立知识产权运营基金3支。", 3, "支"),
])
def test_target_layouts_a_goal_about_a_fund_is_still_a_target(sentence, value, unit):
    t = one(sentence)
    assert (t.value, t.unit) == (value, unit)


# ------------------------------------------------------------------ a growth column in a target table
@pytest.mark.parametrize("sep", ["\t", " | "])
def test_target_layouts_growth_column_of_a_table_is_a_growth_target(sep):
    rows = [["指标名称", "2022年（基期）", "2027年", "年均增速"],
            ["知识产权质押融资额（亿元）", "10", "20", "15%以上"],
            ["专利密集型产业增加值（亿元）", "300", "450", "—"]]
    found = targets("\n".join(sep.join(r) for r in rows))
    growth = [(t.indicator, t.value, t.unit, t.year, t.kind, t.comparator) for t in found if t.kind == "growth"]
    assert growth == [("知识产权质押融资额", 15.0, "%", 2027, "growth", ">=")]
    assert sorted((t.indicator, t.value) for t in found if t.kind != "growth") == [
        ("专利密集型产业增加值", 450.0), ("知识产权质押融资额", 20.0)]
