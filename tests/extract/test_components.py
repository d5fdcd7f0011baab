"""Extractor components over short plans constructed for each layout (not only seed text).

Constructed texts use full-width punctuation as most real plans do; the seeds use half-width.
"""
from __future__ import annotations

import pytest

from policykg.extract import extract_text
from policykg.extract.components.citations import document_kind, wrapped_title
from policykg.extract.outline import parse_outline
from policykg.extract.textutil import cn_to_int, split_units

NOTICE = """某政办发〔2024〕3号
某某市人民政府办公室关于印发某某市知识产权强市建设工作方案的通知
各县（市、区）人民政府，市政府各部门：
现将《某某市知识产权强市建设工作方案》印发给你们，请认真贯彻执行。
某某市人民政府办公室
2024年3月5日
"""


def plan(body: str, title: str = "湘潭市知识产权强市建设工作方案") -> str:
    return NOTICE.replace("某某市", title[:3]) .replace("某政", "潭政") + title + "\n" + body


def responsibilities(text):
    r = extract_text(text, "t.txt")
    by_measure = {m.id: m.no for m in r.measures}
    return [(by_measure[x.measure_id], x.agency, x.role) for x in r.responsibilities]


def test_outline_recognises_fullwidth_markers_and_kinds():
    text = plan("一、总体要求\n到2026年，取得成效。\n二、重点任务\n（一）强化创造\n1．加强统筹。做好工作。\n2、优化供给。做好工作。\n三、保障措施\n（一）加强组织领导。成立领导小组。\n（二）加强经费保障。安排经费。")
    outline = parse_outline(text)
    kinds = [(h.level, h.kind) for h in outline.headings if h.level == 1]
    assert kinds == [(1, "goals"), (1, "tasks"), (1, "safeguards")]
    r = extract_text(text, "t.txt")
    assert [m.no for m in r.measures] == ["1", "2", "保障(一)", "保障(二)"]
    assert r.measures[0].section == "（一）强化创造"
    assert r.measures[2].title == "加强组织领导"


def test_measures_under_thematic_parts_but_not_background():
    text = plan("一、发展基础\n（一）成效明显。内容。\n二、强化知识产权创造\n（一）培育高价值专利。内容。\n（二）加强商标品牌建设。内容。")
    r = extract_text(text, "t.txt")
    assert [(m.no, m.title, m.section) for m in r.measures] == [
        ("(一)", "培育高价值专利", "二、强化知识产权创造"), ("(二)", "加强商标品牌建设", "二、强化知识产权创造")]


def test_outline_ignores_decimal_cells_and_annex():
    text = plan("一、主要任务\n1.甲任务。内容。\n3.0\n2.乙任务。内容。\n附件：1.领导小组名单\n2.任务分工表")
    r = extract_text(text, "t.txt")
    assert [m.title for m in r.measures] == ["甲任务", "乙任务"]


def test_responsibilities_first_is_lead_rule_applies_to_every_later_list():
    text = plan("一、重点任务\n1.甲。内容。（责任单位：市科技局、市财政局。排名第一的单位为牵头单位，下同）\n2.乙。内容。（责任单位：市商务局、市市场监管局）")
    assert responsibilities(text) == [("1", "市科技局", "lead"), ("1", "市财政局", "support"),
                                      ("2", "市商务局", "lead"), ("2", "市市场监管局", "support")]


def test_responsibilities_without_rule_have_no_lead():
    text = plan("一、重点任务\n1.甲。内容。（责任单位：市科技局，各县（市、区）政府）")
    assert responsibilities(text) == [("1", "市科技局", "support"), ("1", "各县（市、区）政府", "support")]


def test_responsibilities_lead_and_support_lines():
    text = plan("一、主要任务\n1.甲。内容。\n牵头单位：市司法局、市中级人民法院\n责任单位：市公安局，市检察院")
    assert responsibilities(text) == [("1", "市司法局", "lead"), ("1", "市中级人民法院", "lead"),
                                      ("1", "市公安局", "support"), ("1", "市检察院", "support")]


@pytest.mark.parametrize("block, expected", [
    ("（市科技局牵头，市财政局、市教育局配合）", [("市科技局", "lead"), ("市财政局", "support"), ("市教育局", "support")]),
    ("（市科技局负责）", [("市科技局", "support")]),
    ("（牵头单位：市科技局；配合单位：市财政局）", [("市科技局", "lead"), ("市财政局", "support")]),
    ("（市科技局牵头，各县（市）区政府按职责分工负责）", [("市科技局", "lead"), ("各县（市）区政府", "support")]),
])
def test_responsibilities_parenthesised_layouts(block, expected):
    text = plan(f"一、重点任务\n1.甲。内容内容。{block}")
    assert [(a, role) for _, a, role in responsibilities(text)] == expected


def test_responsibilities_sentence_layout_only_without_block():
    text = plan("一、重点任务\n1.建立机制。由市市场监管局牵头，市发展改革委配合，建立工作机制。")
    assert [(a, role) for _, a, role in responsibilities(text)] == [("市市场监管局", "lead"), ("市发展改革委", "support")]
    generic = plan("一、重点任务\n1.建立机制。推行由相关管理部门牵头组织的模式。")
    assert responsibilities(generic) == []


def test_plan_level_lead_is_not_a_measure_lead():
    text = plan("一、重点任务\n1.甲。内容。\n二、保障措施\n（一）加强保障。内容。\n本方案由市市场监管局负责牵头组织实施。")
    r = extract_text(text, "t.txt")
    assert r.responsibilities == []
    assert r.plan.plan_leads == ["市市场监管局"]


def test_split_units_keeps_bracketed_lists_whole():
    assert [u for u, _ in split_units("市市场监管局(知识产权局)、各县（市、区）人民政府，市财政局")] == [
        "市市场监管局(知识产权局)", "各县（市、区）人民政府", "市财政局"]


def test_agencies_resolved_within_jurisdiction():
    text = plan("一、重点任务\n1.甲。内容。（责任单位：市市场监管局（知识产权局）、财政局、湘潭海关、国家金融监管总局湘潭监管分局）")
    r = extract_text(text, "t.txt")
    canon = {a.name: a.canonical for a in r.agencies}
    assert canon["市市场监管局（知识产权局）"] == "湘潭市市场监督管理局"
    assert canon["财政局"] == "湘潭市财政局"
    assert canon["湘潭海关"] == "湘潭海关"
    assert canon["国家金融监管总局湘潭监管分局"] == "国家金融监管总局湘潭监管分局"
    assert next(a for a in r.agencies if a.name.startswith("市市场")).aliases == ["知识产权局"]
    by_name = {a.name: a for a in r.agencies}
    assert by_name["湘潭海关"].type == "customs" and by_name["湘潭海关"].category == "regulator"
    assert by_name["国家金融监管总局湘潭监管分局"].type == "financial-regulation"
    assert by_name["财政局"].name_en == "Xiangtan finance bureau"


@pytest.mark.parametrize("printed, canonical", [
    ("市市场监管局", "湘潭市市场监督管理局"), ("市场监管局", "湘潭市市场监督管理局"),
    ("市市场监督管理局", "湘潭市市场监督管理局"), ("市政府办", "湘潭市人民政府办公室"),
    ("市人社局", "湘潭市人力资源和社会保障局"), ("市委编办", "湘潭市委机构编制委员会办公室"),
    ("人民银行湘潭市分行", "人民银行湘潭市分行"), ("湘潭高新区管委会", "湘潭高新区管委会"),
    ("岳塘区政府", "岳塘区人民政府"), ("市检察院", "湘潭市人民检察院"),
])
def test_agencies_printed_variants_meet_on_one_canonical_name(printed, canonical):
    from policykg.extract.components.agencies import resolve_agency
    from policykg.extract.result import PlanMeta

    assert resolve_agency(printed, PlanMeta(jurisdiction="湘潭市", province="湖南省", level="city")).canonical == canonical


def test_agencies_place_romanisation_uses_place_readings():
    from policykg.extract.components.agencies import pinyin_name

    assert (pinyin_name("朝阳"), pinyin_name("衡阳"), pinyin_name("厦门")) == ("Chaoyang", "Hengyang", "Xiamen")


def test_plan_meta_from_notice_and_gazetteer():
    r = extract_text(plan("一、总体要求\n到2026年，取得成效。\n二、重点任务\n1.甲。内容。"), "t.txt")
    p = r.plan
    assert (p.title, p.jurisdiction, p.province, p.level) == ("湘潭市知识产权强市建设工作方案", "湘潭市", "湖南省", "city")
    assert (p.doc_number, p.issuer, p.issued) == ("潭政办发〔2024〕3号", "湘潭市人民政府办公室", "2024-03-05")
    assert (p.period_start, p.period_end) == (2024, 2026)
    assert r.text[p.title_span.start:p.title_span.end] == p.title


def test_plan_meta_title_years_and_county_level():
    text = "浏阳市知识产权工作方案（2023—2025年）\n一、主要任务\n1.甲。内容。"
    p = extract_text(text, "t.txt").plan
    assert (p.jurisdiction, p.province, p.level, p.period_start, p.period_end) == ("浏阳市", "湖南省", "county", 2023, 2025)


@pytest.mark.parametrize("title, doc_number_text, expected_no", [
    ("国务院关于印发“十四五”国家知识产权保护和运用规划的通知", "（国发〔2021〕20号）", "国发〔2021〕20号"),
    ("某文件", "(国办发[2014] 64号)", "国办发[2014]64号"),
    ("某文件", "（国知发运字（2024）2号）", "国知发运字（2024）2号"),
])
def test_citations_doc_number_in_any_bracket_style(title, doc_number_text, expected_no):
    text = plan(f"根据《{title}》{doc_number_text}精神，制定本方案。\n一、重点任务\n1.甲。内容。")
    cites = extract_text(text, "t.txt").citations
    assert cites[0].title == title and cites[0].doc_number == expected_no and cites[0].in_preamble


def test_citations_nested_wrapped_and_own_title_excluded():
    text = plan("根据《省发展改革委关于印发〈湖南省知识产权“十四五”规划〉的通知》和中办国办《关于强化知识产权保护的意见》，制定本方案。\n一、重点任务\n1.甲。贯彻《企业知识产权合规管理体系要求》和《湘潭市知识产权强市建设工作方案》。")
    cites = extract_text(text, "t.txt").citations
    titles = [c.title for c in cites]
    assert titles == ["省发展改革委关于印发〈湖南省知识产权“十四五”规划〉的通知", "湖南省知识产权“十四五”规划",
                      "关于强化知识产权保护的意见", "企业知识产权合规管理体系要求"]
    assert cites[0].framework == "湖南省知识产权“十四五”规划" and cites[0].kind == "notice"
    assert cites[2].issuer == "中办国办" and cites[2].kind == "opinion"
    assert cites[3].kind == "standard" and not cites[3].in_preamble


def test_wrapped_title_of_forwarding_notice():
    assert wrapped_title("国务院办公厅关于转发知识产权局等单位深入实施国家知识产权战略行动计划(2014—2020年)的通知") == \
        "深入实施国家知识产权战略行动计划(2014—2020年)"
    assert document_kind("中华人民共和国专利法") == "law"
    assert document_kind("四川省专利保护条例") == "regulation"


def targets(body: str, title: str = "湘潭市知识产权强市建设工作方案（2024—2026年）"):
    return extract_text(f"{title}\n{body}", "t.txt").targets


@pytest.mark.parametrize("clause, indicator, value, value_max, unit, kind, comparator", [
    ("到2025年，每万人口高价值发明专利拥有量达到12件。", "每万人口高价值发明专利拥有量", 12, None, "件", "level", ">="),
    ("到2025年，PCT国际专利申请量累计达60件。", "PCT国际专利申请量", 60, None, "件", "cumulative", ">="),
    ("到2025年，知识产权质押融资额年均增长10%以上。", "知识产权质押融资额", 10, None, "%", "growth", ">="),
    ("到2025年，新建知识产权服务工作站5个。", "知识产权服务工作站", 5, None, "个", "count", "="),
    ("到2025年，培育示范企业二十家以上。", "示范企业", 20, None, "家", "count", ">="),
    ("到2025年，服判息诉率达到83.41%-88.78%。", "服判息诉率", 83.41, 88.78, "%", "ratio", "range"),
    ("到2025年，每年实施专利导航项目1至2个。", "专利导航项目", 1, 2, "个", "count", "range"),
    ("到2025年，许可备案数量达到2。5万件。", "许可备案数量", 2.5, None, "万件", "level", ">="),
    ("到2025年，专利密集型产业增加值占GDP比重不低于12%。", "专利密集型产业增加值占GDP比重", 12, None, "%", "ratio", ">="),
    ("到2025年，知识产权质押融资金额达３０亿元。", "知识产权质押融资金额", 30, None, "亿元", "level", ">="),
])
def test_targets_number_forms(clause, indicator, value, value_max, unit, kind, comparator):
    found = targets(f"一、总体要求\n{clause}")
    assert len(found) == 1, found
    t = found[0]
    assert (t.indicator, t.value, t.value_max, t.unit, t.kind, t.comparator, t.year) == \
        (indicator, value, value_max, unit, kind, comparator, 2025)


def test_targets_goal_without_number_and_non_targets():
    text = "一、总体要求\n知识产权保护社会满意度达到并保持较高水平。力争PCT申请实现零突破。聚焦全市14条重点产业链。第19届亚运会。每百户企业开展服务。实施“51025”工程。"
    assert targets(text) == []


def test_targets_deadline_inherited_inferred_and_continued():
    found = targets("一、总体要求\n到2025年，累计建成企业专利特色库30个，行业专利特色库10个。\n二、重点任务\n1.甲。培育高价值专利培育中心3个。")
    assert [(t.indicator, t.value, t.year, t.kind, t.year_inferred) for t in found] == [
        ("企业专利特色库", 30, 2025, "cumulative", False), ("行业专利特色库", 10, 2025, "cumulative", False),
        ("高价值专利培育中心", 3, 2026, "count", True)]


def test_targets_year_column_table_one_cell_per_line():
    body = "一、总体要求\n具体指标如下：\n指 标\n2024年\n2025年\n商标有效注册量（万件）\n5.2\n5.7\n知识产权服务机构数量（家）\n40\n45\n二、重点任务\n1.甲。内容。"
    found = targets(body)
    assert [(t.indicator, t.value, t.unit, t.year) for t in found] == [
        ("商标有效注册量", 5.2, "万件", 2024), ("商标有效注册量", 5.7, "万件", 2025),
        ("知识产权服务机构数量", 40, "家", 2024), ("知识产权服务机构数量", 45, "家", 2025)]


def test_targets_table_one_row_per_line():
    body = "一、总体要求\n指标\n2024年\n2025年\n发明专利拥有量（件） 10 12\n二、重点任务\n1.甲。内容。"
    assert [(t.indicator, t.value, t.year) for t in targets(body)] == [("发明专利拥有量", 10, 2024), ("发明专利拥有量", 12, 2025)]


@pytest.mark.parametrize("text, value", [("十五", 15), ("一百二十", 120), ("两", 2), ("二〇二五", 2025), ("十", 10), ("x", None)])
def test_cn_to_int(text, value):
    assert cn_to_int(text) == value


def test_people_spaced_roles_glued_names_and_office_holders():
    text = plan("一、重点任务\n1.甲。内容。\n附件\n湘潭市知识产权强市建设工作领导小组名单\n组  长  张三丰 市长\n副组长：李四 副市长\n成  员：王小五市科技局局长\n市财政局副局长\n赵  六 湘潭海关关长\n领导小组办公室设在市市场监管局，王小五兼任办公室主任。")
    people = [(p.role, p.name, p.post) for p in extract_text(text, "t.txt").people]
    assert people == [("组长", "张三丰", "市长"), ("副组长", "李四", "副市长"), ("成员", "王小五", "市科技局局长"),
                      ("成员", None, "市财政局副局长"), ("成员", "赵六", "湘潭海关关长"),
                      ("办公室主任", "王小五", "市科技局局长")]
    r = extract_text(text, "t.txt")
    assert [(p.post_agency, p.post_title) for p in r.people][2:5] == [
        ("市科技局", "局长"), ("市财政局", "副局长"), ("湘潭海关", "关长")]
    assert {"市科技局", "市财政局", "湘潭海关"} <= {a.name for a in r.agencies}


def test_pipeline_registrations_and_analysis():
    from policykg.extract.pipeline import make_nlp

    nlp = make_nlp()
    assert nlp.pipe_names == ["outline", "plan_meta", "measures", "places", "responsibilities", "citations",
                              "targets", "incentives", "people", "agencies"]
    assert nlp.analyze_pipes()["problems"] == {name: [] for name in nlp.pipe_names}
    doc = nlp(plan("一、重点任务\n1.甲。内容。（责任单位：市科技局）"))
    assert [s.text for s in doc.spans["policykg_responsibilities"]] == ["市科技局"]


def test_result_round_trips_through_json():
    import json

    from policykg.extract.result import ExtractionResult

    r = extract_text(plan("一、重点任务\n1.甲。到2025年培育企业5家。（责任单位：市科技局）"), "t.txt")
    again = ExtractionResult.from_dict(json.loads(json.dumps(r.to_dict(), ensure_ascii=False)))
    assert again == r


def test_responsibilities_collective_duty_sentence():
    text = plan("一、重点任务\n1.甲。做好工作，各县（市、区）人民政府按职责分工负责。")
    assert responsibilities(text) == [("1", "各县（市、区）人民政府", "support")]


PIPE_TABLE = """附件
任务分工表
序号 | 重点任务 | 牵头单位 | 责任单位
1 | 加强工作统筹，建立机制 | 市市场监管局 | 市财政局、市科技局
2 | 培育高价值专利 | 市科技局 | 市市场监管局
"""


def test_responsibilities_from_pipe_task_table_matched_to_body_measures():
    text = plan("一、重点任务\n1.加强工作统筹。建立工作机制。\n2.培育高价值专利。做好培育。\n" + PIPE_TABLE)
    assert responsibilities(text) == [("1", "市市场监管局", "lead"), ("1", "市财政局", "support"),
                                      ("1", "市科技局", "support"), ("2", "市科技局", "lead"),
                                      ("2", "市市场监管局", "support")]


def test_measures_from_a_table_when_the_plan_has_no_outline():
    r = extract_text("湘潭市知识产权工作要点\n" + PIPE_TABLE.replace("附件\n", ""), "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [("1", "加强工作统筹，建立机制"), ("2", "培育高价值专利")]
    assert [(x.agency, x.role) for x in r.responsibilities][:2] == [("市市场监管局", "lead"), ("市财政局", "support")]


def test_responsibilities_from_one_cell_per_line_task_table():
    table = "附件\n序号\n重点任务\n牵头单位\n配合单位\n1\n加强工作统筹\n市市场监管局\n市财政局\n2\n培育高价值专利\n市科技局\n市教育局、市人社局\n"
    text = plan("一、重点任务\n1.加强工作统筹。建立工作机制。\n2.培育高价值专利。做好培育。\n" + table)
    assert responsibilities(text) == [("1", "市市场监管局", "lead"), ("1", "市财政局", "support"),
                                      ("2", "市科技局", "lead"), ("2", "市教育局", "support"), ("2", "市人社局", "support")]


def test_outline_citation_of_a_wrapping_notice_is_not_the_plans_own_notice():
    text = "岳阳市知识产权强市建设工作方案（2024—2026年）\n落实《中共中央 国务院关于印发〈知识产权强国建设纲要(2021—2035年)〉的通知》精神，制定本方案。\n一、重点任务\n1.甲。内容。"
    r = extract_text(text, "t.txt")
    assert r.plan.title == "岳阳市知识产权强市建设工作方案（2024—2026年）"
    assert r.plan.notice_title is None and (r.plan.period_start, r.plan.period_end) == (2024, 2026)
    assert [(c.kind, c.framework_id) for c in r.citations] == [
        ("notice", "ip-powerful-country-2021-2035"), ("plan", "ip-powerful-country-2021-2035")]


def test_targets_pipe_table_with_unit_and_base_year_columns():
    body = ("一、总体要求\n主要指标：\n指标 | 单位 | 2022年（基期） | 2024年 | 2025年\n"
            "每万人口高价值发明专利拥有量 | 件 | 6.1 | 8 | 9.5\n知识产权质押融资金额（亿元） |  | 1.2 | 2 | 3\n"
            "二、重点任务\n1.甲。内容。")
    found = targets(body)
    assert [(t.indicator, t.value, t.unit, t.year) for t in found] == [
        ("每万人口高价值发明专利拥有量", 8, "件", 2024), ("每万人口高价值发明专利拥有量", 9.5, "件", 2025),
        ("知识产权质押融资金额", 2, "亿元", 2024), ("知识产权质押融资金额", 3, "亿元", 2025)]


def test_targets_deadline_in_chinese_numerals():
    found = targets("一、总体要求\n到二〇二五年，知识产权质押融资金额达到十五亿元。")
    assert [(t.value, t.unit, t.year, t.year_inferred) for t in found] == [(15, "亿元", 2025, False)]


@pytest.mark.parametrize("clause, value, comparator", [
    ("到2025年，专利代理机构超过30家。", 30, ">="),
    ("到2025年，非正常专利申请控制在5%以内。", 5, "<="),
    ("到2025年，知识产权服务机构不少于50家。", 50, ">="),
    ("到2025年，力争PCT国际专利申请量达到120件。", 120, ">="),
    ("到2025年，新增省级知识产权示范企业一百二十家。", 120, "="),
])
def test_targets_comparators(clause, value, comparator):
    found = targets(f"一、总体要求\n{clause}")
    assert [(t.value, t.comparator) for t in found] == [(value, comparator)]


def test_targets_link_to_indicator_concepts():
    found = targets("一、总体要求\n到2025年，每万人口高价值发明专利拥有量达到12件，商标有效注册量达到5万件，培育知名品牌3个。")
    assert [t.indicator_id for t in found] == ["high-value-invention-patents-per-10k", "valid-trademarks", "brands"]


@pytest.mark.parametrize("clause, year", [
    ("到2025年，新建工作站5个。", 2025),
    ("2025年底前，新建工作站5个。", 2025),
    ("到2026年12月，新建工作站5个。", 2026),
    ("力争到二〇二五年底，新建工作站5个。", 2025),
])
def test_targets_explicit_deadline_forms(clause, year):
    found = targets(f"一、总体要求\n{clause}", title="湘潭市知识产权强市建设工作方案（2024—2030年）")
    assert [(t.value, t.year, t.year_inferred) for t in found] == [(5, year, False)]


def test_targets_deadline_inherited_from_the_governing_clause_of_a_list():
    body = "一、总体要求\n（一）主要目标。到2025年，实现以下目标：\n——专利质押融资金额达到3亿元。\n——新建工作站5个。"
    found = targets(body, title="湘潭市知识产权强市建设工作方案（2024—2030年）")
    assert [(t.value, t.year, t.year_inferred) for t in found] == [(3, 2025, False), (5, 2025, False)]


def test_extract_text_survives_lone_surrogates():
    text = "湘潭市知识产权工作方案\n一、重点任务\n1.甲\ud800。内容。"
    r = extract_text(text, "t.txt")
    assert [m.title for m in r.measures] == ["甲\ufffd"] and len(r.text) == len(text)
