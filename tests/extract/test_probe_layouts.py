"""Layout classes found by probing unseen-plan layouts (digital economy, talent, science and
technology, market regulation plans share IP plans' layouts), each as a fragment constructed here.

Every case names the class of layout it stands for and what was lost before the fix.
"""
from __future__ import annotations

import pytest

from policykg.extract import extract_text


def _units(r, m):
    return [(x.agency, x.role) for x in r.responsibilities if x.measure_id == m.id]


@pytest.mark.parametrize("points", [
    "①建设重点实验室。支持建设。\n②建设研发中心。支持建设。\n",
    "① 建设重点实验室。支持建设。\n② 建设研发中心。支持建设。\n",
    "⑪建设重点实验室。支持建设。\n⑫建设研发中心。支持建设。\n",
])
def test_probe_layouts_circled_points_at_line_starts_stay_inside_their_task(points):
    # before: a circled number at a line start crashed the outline ('①'.isdigit() but int('①') fails)
    text = ("某市科技创新行动方案\n一、重点任务\n1.建设创新平台。\n" + points +
            "（责任单位：市科技局、市发改委）\n2.培育创新主体。做好培育。（责任单位：市科技局）\n")
    r = extract_text(text, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [("1", "建设创新平台"), ("2", "培育创新主体")]
    assert _units(r, r.measures[0]) == [("市科技局", "support"), ("市发改委", "support")]


@pytest.mark.parametrize("table", [
    # framed by pipes (markdown style), bare year columns
    "| 序号 | 指标 | 2024 | 2025 | 2026 |\n| 1 | 数字经济核心产业增加值（亿元） | 560 | 630 | 700 |\n"
    "| 2 | 5G基站数量（万个） | 1.2 | 1.5 | 2 |\n",
    # framed, with the rule row under the header and 年 in the year columns
    "| 序号 | 指标 | 2024年 | 2025年 | 2026年 |\n|---|---|---|---|---|\n"
    "| 1 | 数字经济核心产业增加值（亿元） | 560 | 630 | 700 |\n| 2 | 5G基站数量（万个） | 1.2 | 1.5 | 2 |\n",
    "| 序号 | 指标 | 2024年 | 2025年 | 2026年 |\n| :---: | --- | ---: | --- | --- |\n"
    "| 1 | 数字经济核心产业增加值（亿元） | 560 | 630 | 700 |\n| 2 | 5G基站数量（万个） | 1.2 | 1.5 | 2 |\n",
])
def test_probe_layouts_target_table_framed_by_pipes(table):
    # before: the empty cells outside the frame made the header unreadable; every target was lost
    text = ("某市数字经济发展行动方案（2024—2026年）\n一、发展目标\n主要指标如下：\n" + table +
            "二、重点任务\n1.加强平台建设。做好工作。\n")
    r = extract_text(text, "t.txt")
    got = [(t.indicator, t.value, t.unit, t.year) for t in r.targets]
    assert got == [("数字经济核心产业增加值", 560, "亿元", 2024), ("数字经济核心产业增加值", 630, "亿元", 2025),
                   ("数字经济核心产业增加值", 700, "亿元", 2026), ("5G基站数量", 1.2, "万个", 2024),
                   ("5G基站数量", 1.5, "万个", 2025), ("5G基站数量", 2, "万个", 2026)]


_TASKS = ("某市人才发展行动方案\n一、重点任务\n（一）实施高层次人才引进工程。引进一批领军人才。\n"
          "（二）实施青年人才集聚工程。吸引高校毕业生来市就业。\n附件\n重点任务分工表\n")


@pytest.mark.parametrize("table", [
    # tab rows that keep their empty cells: the task and the units wrap onto a second row
    "序号\t工作任务\t牵头单位\t责任单位\t完成时限\n1\t实施高层次人才引进\t市委人才办\t市人社局、市科技局、\t2025年底\n"
    "\t工程\t\t市财政局\n2\t实施青年人才集聚工\t市人社局\t市教育局、团市委\t持续推进\n\t程\n",
    # tab rows: only the unit cell wraps, printed alone under its column
    "序号\t工作任务\t牵头单位\t责任单位\t完成时限\n1\t实施高层次人才引进工程\t市委人才办\t市人社局、市科技局、\t2025年底\n"
    "\t\t\t市财政局\n2\t实施青年人才集聚工程\t市人社局\t市教育局、\t持续推进\n\t\t\t团市委\n",
    # an aligned wide-space table (text copied from a PDF): cells under the header's columns,
    # the last two cells of a row glued by a single space
    "序号　　工作任务　　　　　　　　牵头单位　　　责任单位　　　　　　完成时限\n"
    "1　　 实施高层次人才引进　　　市委人才办　　市人社局、市科技局、 2025年底\n"
    "　　　工程　　　　　　　　　　　　　　　　　市财政局\n"
    "2　　 实施青年人才集聚工　　　市人社局　　　市教育局、团市委　　持续推进\n"
    "　　　程\n",
])
def test_probe_layouts_task_table_rows_wrapped_over_several_lines(table):
    # before: the wrapped row's cells were aligned to the right (a task fragment became a unit,
    # a unit fell into the time-limit column) or a lone cell ended the table
    r = extract_text(_TASKS + table, "t.txt")
    assert [m.no for m in r.measures] == ["(一)", "(二)"]
    assert _units(r, r.measures[0]) == [("市委人才办", "lead"), ("市人社局", "support"), ("市科技局", "support"),
                                        ("市财政局", "support")]
    assert _units(r, r.measures[1]) == [("市人社局", "lead"), ("市教育局", "support"), ("团市委", "support")]


_PEOPLE_HEAD = "某市人才发展行动方案\n一、主要任务\n1.建设创新平台。做好工作。（责任单位：市科技局）\n"


@pytest.mark.parametrize("annex, expected", [
    # a spaced-out role label whose own '组 长：' sits inside it, on a line long enough to be split
    ("组　　长：张三　　市长\n副 组 长：李四　　市委常委、组织部部长\n　　　　　王五　　市政府副市长\n",
     [("张三", "组长", "市长"), ("李四", "副组长", "市委常委、组织部部长"), ("王五", "副组长", "市政府副市长")]),
    ("召 集 人：张三　　市长\n副 召 集 人：李四　　市委常委、组织部部长\n成  员：王五　　市政府副市长\n",
     [("张三", "召集人", "市长"), ("李四", "副召集人", "市委常委、组织部部长"), ("王五", "成员", "市政府副市长")]),
])
def test_probe_layouts_spaced_deputy_role_label_keeps_its_deputy(annex, expected):
    # before: '副 组 长：…' was cut before '组 长：' and the deputy became a 组长
    r = extract_text(_PEOPLE_HEAD + "附件\n市人才工作领导小组成员名单\n" + annex, "t.txt")
    assert [(p.name, p.role, p.post) for p in r.people] == expected


@pytest.mark.parametrize("sentence, expected", [
    # posts that open with 分管 / 常务
    ("由市长张三任组长，分管副市长李四任副组长。", [("张三", "组长", "市长"), ("李四", "副组长", "分管副市长")]),
    ("由市长张三任组长，常务副市长李四任副组长。", [("张三", "组长", "市长"), ("李四", "副组长", "常务副市长")]),
    # a holder with two posts; two holders joined by 和
    ("由市委副书记、市长张三任组长。", [("张三", "组长", "市委副书记、市长")]),
    ("由市长张三任组长，市委常委、组织部部长李四和副市长王五任副组长。",
     [("张三", "组长", "市长"), ("李四", "副组长", "市委常委、组织部部长"), ("王五", "副组长", "副市长")]),
    # posts without names stay one person each
    ("组长由市长担任，副组长由分管副市长、市政府秘书长担任。",
     [(None, "组长", "市长"), (None, "副组长", "分管副市长"), (None, "副组长", "市政府秘书长")]),
])
def test_probe_layouts_office_holders_named_in_sentences(sentence, expected):
    # before: '分管副市长李四' was not trusted as a post, and '市委副书记、' became a person of its own
    r = extract_text(_PEOPLE_HEAD + "二、保障措施\n（一）加强组织领导。成立市人才工作领导小组，" + sentence + "\n", "t.txt")
    assert [(p.name, p.role, p.post) for p in r.people] == expected


@pytest.mark.parametrize("marker", ["（{}）", "{}、"])
@pytest.mark.parametrize("block, expected", [
    ("（市科技局牵头，市财政局、市市场监管局配合）", [("市科技局", "lead"), ("市财政局", "support"), ("市市场监管局", "support")]),
    ("【牵头单位：市科技局；配合单位：市财政局】", [("市科技局", "lead"), ("市财政局", "support")]),
    ("（责任单位：市科技局、市财政局）", [("市科技局", "support"), ("市财政局", "support")]),
])
def test_probe_layouts_responsibility_bracket_printed_before_the_title(marker, block, expected):
    # before: a heading whose text opened with a bracket was no heading, so the whole part became
    # one measure holding every task's units
    numbers = ["一", "二", "三"] if "、" not in marker else ["1", "2", "3"]
    titles = ["加快建设创新平台", "推动企业技术改造", "强化人才支撑"]
    body = "".join(f"{marker.format(n)}{block}{t}。推进相关工作。\n" for n, t in zip(numbers, titles))
    r = extract_text("某市科技创新行动方案\n一、重点任务\n" + body, "t.txt")
    assert [m.title for m in r.measures] == titles
    assert all(_units(r, m) == expected for m in r.measures)


def test_probe_layouts_a_bracket_that_is_no_responsibility_still_opens_no_title():
    text = "某市科技创新行动方案\n一、重点任务\n（一）加快建设。做好工作。\n（二）（2024年）继续推进。\n"
    r = extract_text(text, "t.txt")
    assert [m.title for m in r.measures] == ["加快建设"]


@pytest.mark.parametrize("sentence, expected", [
    ("到2026年，全市高新技术企业数量明显增加，达到1200家。", ("高新技术企业数量", 1200, "家")),
    ("到2026年，全市高新技术企业数量翻一番，达到1200家。", ("高新技术企业数量", 1200, "家")),
    ("到2026年，全市数字经济规模不断壮大，突破1000亿元。", ("数字经济规模", 1000, "亿元")),
    ("到2026年，规上工业企业研发投入持续增长，年均增长10%以上。", ("规上工业企业研发投入", 10, "%")),
])
def test_probe_layouts_figure_after_a_clause_that_names_the_indicator(sentence, expected):
    # before: '达到1200家' had no indicator of its own and the target was dropped
    text = ("某市科技创新行动方案（2024—2026年）\n一、主要目标\n" + sentence +
            "\n二、重点任务\n1.加强平台建设。做好工作。\n")
    r = extract_text(text, "t.txt")
    assert [(t.indicator, t.value, t.unit) for t in r.targets] == [expected]


def test_probe_layouts_a_predicate_clause_without_figure_lends_nothing_to_words():
    text = ("某市科技创新行动方案（2024—2026年）\n一、主要目标\n到2026年，全市专利质量明显提升，达到国内先进水平。"
            "\n二、重点任务\n1.加强平台建设。做好工作。\n")
    assert extract_text(text, "t.txt").targets == []


@pytest.mark.parametrize("number", ["芜科﹝2024﹞12号", "芜科〔2024〕12号", "芜科〔2024〕第12号", "芜科字［2024］12号"])
def test_probe_layouts_doc_number_in_small_tortoise_shell_brackets(number):
    # before: ﹝﹞ (U+FE5D/FE5E, how some word processors print 〔〕) were no bracket: the 发文字号 and the
    # cited document's number were lost
    text = ("芜湖市科学技术局关于印发芜湖市科技创新券管理实施方案的通知\n" + number + "\n各县市区科技局：\n"
            "现将《芜湖市科技创新券管理实施方案》印发给你们。按照《关于加快科技创新的意见》（" + number.replace("科", "政") +
            "）要求执行。\n芜湖市科学技术局\n二〇二四年五月八日\n芜湖市科技创新券管理实施方案\n一、主要任务\n"
            "1.建设创新平台。做好工作。（责任单位：市科技局）\n")
    r = extract_text(text, "t.txt")
    assert r.plan.doc_number == number
    assert [(c.title, c.doc_number) for c in r.citations] == [("关于加快科技创新的意见", number.replace("科", "政"))]


@pytest.mark.parametrize("block, expected", [
    ("（责任单位：市工商联；督办单位：市督查室）", [("市工商联", "support")]),
    ("\n牵头单位：市工商联\n督办单位：市督查室", [("市工商联", "lead")]),
    ("（责任领导：张三；牵头单位：市工商联）", [("市工商联", "lead")]),
    ("\n牵头领导：李四\n牵头单位：市工商联\n责任单位：市商务局", [("市工商联", "lead"), ("市商务局", "support")]),
])
def test_probe_layouts_supervision_and_leader_labels_are_not_units(block, expected):
    # before: '督办单位：市督查室' stayed glued into a unit name (a 责任领导 line, a person, already named no unit)
    r = extract_text("某市营商环境优化行动方案\n一、重点任务\n1.优化涉企服务。做好服务。" + block + "\n", "t.txt")
    assert _units(r, r.measures[0]) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("引进和培育高层次人才500名以上", ("高层次人才", 500, "名")),
    ("认定和培育专精特新企业100家", ("专精特新企业", 100, "家")),
    ("新引进、培育科技领军人才50名", ("科技领军人才", 50, "名")),
    ("建设和改造5G基站1000个", ("5G基站", 1000, "个")),
    ("建成数据中心标准机架2万架", ("数据中心标准机架", 2, "万架")),
])
def test_probe_layouts_count_verbs_joined_by_he_or_dun(sentence, expected):
    # before: the joiner and the second verb stayed in the indicator ('和培育高层次人才'); 架 was no unit
    text = ("某市人才发展行动方案（2024—2026年）\n一、主要目标\n到2026年，" + sentence +
            "。\n二、重点任务\n1.加强平台建设。做好工作。\n")
    r = extract_text(text, "t.txt")
    assert [(t.indicator, t.value, t.unit) for t in r.targets] == [expected]


@pytest.mark.parametrize("signature, issuer", [
    ("芜湖市科学技术局\n芜湖市财政局", "芜湖市科学技术局芜湖市财政局"),
    ("中共芜湖市委办公室\n芜湖市人民政府办公室", "中共芜湖市委办公室芜湖市人民政府办公室"),
    ("芜湖市科学技术局", "芜湖市科学技术局"),
])
def test_probe_layouts_joint_issuers_one_per_line_above_the_date(signature, issuer):
    # before: only the issuer line right above the date was kept (as for joint issuers on one line, all are)
    text = ("关于印发芜湖市科技创新券管理实施方案的通知\n各县市区：\n现将《芜湖市科技创新券管理实施方案》印发给你们。\n"
            + signature + "\n2024年5月8日\n芜湖市科技创新券管理实施方案\n一、主要任务\n"
            "1.建设创新平台。做好工作。（责任单位：市科技局）\n")
    p = extract_text(text, "t.txt").plan
    assert (p.issuer, p.issued) == (issuer, "2024-05-08")


@pytest.mark.parametrize("sentence, expected", [
    ("到2026年，全市技术合同成交额比2023年增长50%以上。", ("技术合同成交额", 50, 2026)),
    ("2025年，全市规上工业企业研发费用较上年增长15%。", ("规上工业企业研发费用", 15, 2025)),
    ("到2026年，全市专利授权量同比增长10%。", ("专利授权量", 10, 2026)),
    ("到2026年，全市高新技术企业数量较2023年实现翻番，达到1200家。", ("高新技术企业数量", 1200, 2026)),
])
def test_probe_layouts_growth_against_a_base_year_or_the_year_before(sentence, expected):
    # before: '比2023年' left '比' in the indicator, '较上年' made the target a baseline (dropped), and a
    # subject clause with '较2023年' lent nothing
    text = ("某市科技创新行动方案（2024—2026年）\n一、主要目标\n" + sentence +
            "\n二、重点任务\n1.加强平台建设。做好工作。\n")
    r = extract_text(text, "t.txt")
    assert [(t.indicator, t.value, t.year) for t in r.targets] == [expected]


def test_probe_layouts_growth_of_a_year_before_the_plan_stays_a_baseline():
    text = ("某市科技创新行动方案（2024—2026年）\n一、主要目标\n2023年，全市研发费用较上年增长15%。\n"
            "二、重点任务\n1.加强平台建设。做好工作。\n")
    assert extract_text(text, "t.txt").targets == []


@pytest.mark.parametrize("block, expected", [
    ("由市科技局牵头，会同市财政局、市发改委组织实施。", [("市科技局", "lead"), ("市财政局", "support"), ("市发改委", "support")]),
    ("（市科技局牵头，会同市财政局、市发改委）", [("市科技局", "lead"), ("市财政局", "support"), ("市发改委", "support")]),
    ("（责任单位：市科技局〈牵头〉、市财政局）", [("市科技局", "lead"), ("市财政局", "support")]),
    ("（责任单位：市科技局[牵头]、市财政局）", [("市科技局", "lead"), ("市财政局", "support")]),
    ("（市科技局为牵头单位，市财政局为配合单位）", [("市科技局", "lead"), ("市财政局", "support")]),
    # a unit whose name holds an opener word keeps it
    ("（责任单位：市协调办、市联合会）", [("市协调办", "support"), ("市联合会", "support")]),
])
def test_probe_layouts_responsibility_wordings_of_other_fields(block, expected):
    # before: '会同市财政局' was a unit name, '市科技局〈牵头〉' kept its mark, '为牵头单位' named no unit
    r = extract_text("某市科技创新行动方案\n一、重点任务\n1.做好某项工作。推进落实。" + block + "\n2.另一项工作。内容。\n", "t.txt")
    assert _units(r, r.measures[0]) == expected


@pytest.mark.parametrize("rule", ["|---|---|---|---|\n", "| :---: | --- | --- | ---: |\n", ""])
def test_probe_layouts_markdown_task_table_rule_row_is_no_task(rule):
    # before: the |---| rule under the header became a task row, so a measure '---'
    text = ("芜湖市科技创新行动方案\n一、工作目标\n到2026年，取得成效。\n附件\n重点任务分工表\n"
            "| 序号 | 工作任务 | 牵头单位 | 责任单位 |\n" + rule +
            "| 1 | 建设科技创新平台 | 市科技局 | 市发改委 |\n| 2 | 培育科技型中小企业 | 市科技局 | 各区县政府 |\n")
    r = extract_text(text, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [("1", "建设科技创新平台"), ("2", "培育科技型中小企业")]
    assert _units(r, r.measures[1]) == [("市科技局", "lead"), ("各区县政府", "support")]


def test_probe_layouts_task_table_cells_parted_by_one_full_width_space():
    # before: a header printed '序号　工作任务　牵头单位' (one U+3000 between cells) was no header; a plan
    # whose tasks exist only as that table lost every measure and unit
    text = ("芜湖市科技创新行动方案\n一、工作目标\n到2026年，取得成效。\n附件\n重点任务分工表\n"
            "序号　工作任务　牵头单位　责任单位　完成时限\n1　建设科技创新平台　市科技局　市发改委、市财政局　2025年\n"
            "2　培育科技型中小企业　市科技局　各区县政府　持续推进\n")
    r = extract_text(text, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [("1", "建设科技创新平台"), ("2", "培育科技型中小企业")]
    assert _units(r, r.measures[0]) == [("市科技局", "lead"), ("市发改委", "support"), ("市财政局", "support")]
