"""The responsibility grammar over constructed fragments, one per layout class real plans print.

Each fragment is a one-measure plan; the assertion is the (unit, role) list the measure gets.
"""
from __future__ import annotations

import pytest

from policykg.extract import extract_text

HEAD = "某市知识产权工作方案\n一、重点任务\n"


def units_of(body: str, head: str = HEAD) -> list[tuple[str, str]]:
    r = extract_text(head + body, "t.txt")
    first = r.measures[0].id
    return [(x.agency, x.role) for x in r.responsibilities if x.measure_id == first]


L, S = "lead", "support"


@pytest.mark.parametrize("block, expected", [
    # verbs without 由, separated by a comma or a 、
    ("（市发改委牵头，市工信局配合）", [("市发改委", L), ("市工信局", S)]),
    ("（市发改委牵头、市工信局配合）", [("市发改委", L), ("市工信局", S)]),
    ("（市发改委、市商务局牵头，市工信局、市财政局、市统计局配合）",
     [("市发改委", L), ("市商务局", L), ("市工信局", S), ("市财政局", S), ("市统计局", S)]),
    # boxed and inline labels
    ("【责任单位：市教育局、市人社局】", [("市教育局", S), ("市人社局", S)]),
    ("【牵头单位】市教育局【配合单位】市人社局", [("市教育局", L), ("市人社局", S)]),
    # two labels on one line, separated by spaces only
    ("\n牵头单位：市交通局  配合单位：市住建局、市城管局", [("市交通局", L), ("市住建局", S), ("市城管局", S)]),
    # label vocabulary: every label word, never inside a unit's name, never lead unless it says so
    ("（参加单位：市大数据局）", [("市大数据局", S)]),
    ("（参与单位：市大数据局、市公安局）", [("市大数据局", S), ("市公安局", S)]),
    ("（协办单位：市档案馆）", [("市档案馆", S)]),
    ("（实施主体：各区县政府）", [("各区县政府", S)]),
    ("（牵头考核单位：市统计局；责任部门：市农业局）", [("市统计局", L), ("市农业局", S)]),
    ("（主办：市文旅局；协办：市体育局）", [("市文旅局", L), ("市体育局", S)]),
    ("（牵头部门：市卫健委；配合部门：市医保局）", [("市卫健委", L), ("市医保局", S)]),
    # a lead mark after one unit of a list
    ("（责任单位：市水利局（牵头）、市林业局、市气象局）", [("市水利局", L), ("市林业局", S), ("市气象局", S)]),
    # list endings
    ("（市民政局、市残联分工负责）", [("市民政局", S), ("市残联", S)]),
    ("（市民政局、市残联、市妇联负责，市总工会配合）",
     [("市民政局", S), ("市残联", S), ("市妇联", S), ("市总工会", S)]),
    ("（市应急局牵头，市消防支队、市公安局按职责分工配合）",
     [("市应急局", L), ("市消防支队", S), ("市公安局", S)]),
    ("（市应急局牵头，市公安局等有关部门配合）", [("市应急局", L), ("市公安局", S)]),
    ("（责任单位：市审计局、市国资委等）", [("市审计局", S), ("市国资委", S)]),
    ("（市侨办牵头，各县区政府按职责分工负责）", [("市侨办", L), ("各县区政府", S)]),
    # generic units printed in the list are kept as printed
    ("（责任单位：市司法局、各有关部门）", [("市司法局", S), ("各有关部门", S)]),
    ("（市司法局牵头，省有关部门配合）", [("市司法局", L), ("省有关部门", S)]),
    # shared heads, 及, page-number lines
    ("（责任单位：各区、市政府）", [("各区、市政府", S)]),
    ("（责任单位：潍坊、淄博、临沂市政府）", [("潍坊市政府", S), ("淄博市政府", S), ("临沂市政府", S)]),
    ("（责任单位：市科协及市社科联）", [("市科协", S), ("市社科联", S)]),
    ("（责任单位：市人防办、\n— 4 —\n市地震局）", [("市人防办", S), ("市地震局", S)]),
    # unit groups separated by full-width commas, departments then districts then institutes
    ("（责任单位：市科技局、市财政局，甲区政府、乙区政府，市农科院）",
     [("市科技局", S), ("市财政局", S), ("甲区政府", S), ("乙区政府", S), ("市农科院", S)]),
    # inline label after the text on the same line
    ("做好服务。责任单位：市税务局、市商务局", [("市税务局", S), ("市商务局", S)]),
    # a label at the line start followed by spaces, no colon
    ("\n责任单位　市税务局、市商务局", [("市税务局", S), ("市商务局", S)]),
    # a label list that goes on on the next line after a trailing 、
    ("\n牵头单位：市税务局\n配合单位：市商务局、\n市外办", [("市税务局", L), ("市商务局", S), ("市外办", S)]),
    # a label with a bracketed note, a time-limit label closing the list
    ("（责任单位（部门）：市税务局、市商务局）", [("市税务局", S), ("市商务局", S)]),
    ("\n牵头单位：市税务局 配合单位：市商务局 完成时限：2025年底", [("市税务局", L), ("市商务局", S)]),
    # spaces instead of colons and commas
    ("（牵头单位　市税务局；配合单位　市商务局）", [("市税务局", L), ("市商务局", S)]),
    ("（市税务局牵头 市商务局配合）", [("市税务局", L), ("市商务局", S)]),
    # a label alone at the line end, the list on the next line
    ("\n责任单位：\n市税务局、市商务局", [("市税务局", S), ("市商务局", S)]),
    # a collective with a verb glued to it is not a unit name
    ("（市发改委、市财政局按职责分工负责；各县区政府落实）", [("市发改委", S), ("市财政局", S), ("各县区政府", S)]),
    # manner words before the verb, 会同 between two units
    ("（市农业局、市林业局按职责分别负责）", [("市农业局", S), ("市林业局", S)]),
    ("（市版权局会同市公安局负责）", [("市版权局", S), ("市公安局", S)]),
    # a shared head that is not a place: each item takes the head of the last one
    ("（参与单位：市高新区、市经开区管委会）", [("市高新区管委会", S), ("市经开区管委会", S)]),
    # a lead mark inside a list without a label
    ("（市水利局（牵头）、市林业局）", [("市水利局", L), ("市林业局", S)]),
])
def test_responsibility_layouts_bracket_and_label_clauses(block, expected):
    assert units_of(f"1.做好某项工作。推进相关事项落实。{block}\n") == expected


@pytest.mark.parametrize("block, expected", [
    ("（装备信息中心、教科院）", [("装备信息中心", S), ("教科院", S)]),
    ("（市图书馆、市博物馆）", [("市图书馆", S), ("市博物馆", S)]),
    ("（兼）", []),
    ("（试行）", []),
    ("（2021—2025年）", []),
    ("（以下简称“中心”）", []),
])
def test_responsibility_layouts_bare_brackets_only_when_every_item_is_a_unit(block, expected):
    assert units_of(f"1.做好某项工作。推进相关事项落实{block}。\n") == expected


def test_responsibility_layouts_alias_bracket_is_not_a_list():
    assert units_of("1.做好某项工作。支持市市场监管局（知识产权局）开展工作。\n") == []


@pytest.mark.parametrize("body, expected", [
    ("1.建立机制。由市商务局牵头，市贸促会、市外办配合，建立工作机制。",
     [("市商务局", L), ("市贸促会", S), ("市外办", S)]),
    ("1.建立机制。建立工作机制，由市商务局负责。", [("市商务局", S)]),
    ("1.建立机制。建立工作机制。市商务局牵头，市外办配合。", [("市商务局", L), ("市外办", S)]),
    ("1.建立机制。建立工作机制，各县（市、区）政府按职责分工负责。", [("各县（市、区）政府", S)]),
    # a duty sentence trailing after a bracket adds its units
    ("1.建立机制。建立工作机制（市商务局牵头）。各县区政府按职责分工负责。", [("市商务局", L), ("各县区政府", S)]),
    # a generic unit after a specific lead is kept in sentences as in brackets; alone it names nobody
    ("1.建立机制。由市商务局牵头，有关部门配合，建立工作机制。", [("市商务局", L), ("有关部门", S)]),
    ("1.建立机制。建立工作机制。市商务局牵头，有关部门配合。", [("市商务局", L), ("有关部门", S)]),
    ("1.建立机制。建立工作机制，由有关部门负责。", []),
    # prose that only sounds like a clause
    ("1.建立机制。推行由相关部门牵头组织的模式，各部门要密切配合。", []),
])
def test_responsibility_layouts_sentences(body, expected):
    assert units_of(body + "\n") == expected


@pytest.mark.parametrize("rule", [
    "列第一位者为牵头部门，下同", "排名第一的单位为牵头单位", "第一个单位为牵头单位", "排在首位的为牵头单位",
    "牵头单位列第一位", "第一责任单位为牵头单位", "列在首位的单位牵头",
])
def test_responsibility_layouts_first_unit_lead_rule_in_any_wording(rule):
    body = (f"1.甲任务。内容。（市科技局、市财政局负责，{rule}）\n"
            "2.乙任务。内容。（责任单位：市商务局、市教育局）\n")
    r = extract_text(HEAD + body, "t.txt")
    roles = [(x.agency, x.role) for x in r.responsibilities]
    assert roles == [("市科技局", L), ("市财政局", S), ("市商务局", L), ("市教育局", S)]


def test_responsibility_layouts_lead_only_bracket_and_no_rule_no_lead():
    assert units_of("1.甲任务。内容。（牵头单位：市科技局、市工信局）\n") == [("市科技局", L), ("市工信局", L)]
    assert units_of("1.甲任务。内容。（市科技局、市工信局负责）\n") == [("市科技局", S), ("市工信局", S)]


def test_responsibility_layouts_several_brackets_in_one_measure_merge_and_lead_wins():
    body = ("1.甲任务。做好A类事项（责任单位：市科技局、市财政局）；"
            "做好B类事项（市财政局牵头，市商务局配合）。\n")
    assert units_of(body) == [("市科技局", S), ("市财政局", L), ("市商务局", S)]


BODY = "1.加强工作统筹。建立工作机制。\n2.培育高价值专利。做好培育。\n附件\n任务分工表\n"


@pytest.mark.parametrize("table", [
    # tab-separated, columns in the usual order
    "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n1\t加强工作统筹\t市市场监管局\t市财政局\t2025年\n"
    "2\t培育高价值专利\t市科技局\t市教育局、市人社局\t2026年\n",
    # columns in another order, pipes
    "牵头单位 | 配合单位 | 序号 | 主要任务\n市市场监管局 | 市财政局 | 1 | 加强工作统筹\n"
    "市科技局 | 市教育局、市人社局 | 2 | 培育高价值专利\n",
    # one task over two rows: the second row has no number and only adds units
    "序号 | 重点任务 | 牵头单位 | 配合单位\n1 | 加强工作统筹 | 市市场监管局 | 市财政局\n"
    "2 | 培育高价值专利 | 市科技局 | 市教育局\n |  |  | 市人社局\n",
    # cells separated by wide spaces
    "序号  工作任务  牵头部门  责任部门\n1  加强工作统筹  市市场监管局  市财政局\n2  培育高价值专利  市科技局  市教育局、市人社局\n",
])
def test_responsibility_layouts_task_tables(table):
    r = extract_text(HEAD + BODY + table, "t.txt")
    by_measure = {m.id: m.no for m in r.measures}
    got = [(by_measure[x.measure_id], x.agency, x.role) for x in r.responsibilities]
    assert got == [("1", "市市场监管局", L), ("1", "市财政局", S),
                   ("2", "市科技局", L), ("2", "市教育局", S), ("2", "市人社局", S)]


def test_responsibility_layouts_lead_rule_stated_before_the_tasks():
    text = ("某市知识产权工作方案\n各项任务所列单位中排名第一的为牵头单位。\n一、重点任务\n"
            "1.甲任务。内容。（责任单位：市科技局、市财政局）\n")
    r = extract_text(text, "t.txt")
    assert [(x.agency, x.role) for x in r.responsibilities] == [("市科技局", L), ("市财政局", S)]


def test_responsibility_layouts_label_after_task_text_and_a_space():
    assert units_of("1.建立工作机制　牵头单位：市税务局；配合单位：市商务局\n") == [("市税务局", L), ("市商务局", S)]
    assert units_of("1.建立工作机制。要确定牵头单位：明确分工。\n") == []
