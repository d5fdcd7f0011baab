"""More target layouts (issue 19, second pass), each from fragments written for the class: scores and
indices without a unit, bounds and ranges, the deadline a goals paragraph carries to its next
sentences, sub-targets in brackets and 其中 clauses, size classes in names (百亿级), and the number
forms of other fields' plans (digital economy, industry, talent)."""
from __future__ import annotations

import pytest

from policykg.extract import extract_text

PLAN = "株洲市知识产权强市建设三年行动方案（2023—2027年）"


def targets(body: str, title: str = PLAN):
    return extract_text(f"{title}\n{body}", "t.txt").targets


def goals(sentence: str, title: str = PLAN):
    """Targets of one sentence printed under a goals heading, then a task section."""
    return targets(f"一、发展目标\n{sentence}\n二、重点任务\n（一）甲。内容。", title)


def facts(found, *fields):
    return [tuple(getattr(t, f) for f in fields) for t in found]


# ------------------------------------------------------------------ 1. scores and indices without a unit
@pytest.mark.parametrize("sentence, expected", [
    ("到2025年，知识产权保护社会满意度达到85以上。", [("知识产权保护社会满意度", 85, None, None, ">=")]),
    ("到2025年，全市数字经济综合发展指数达到70。", [("数字经济综合发展指数", 70, None, None, ">=")]),
    ("到2026年，企业知识产权管理水平达到65以上，营商环境评价得分不低于90分。",
     [("企业知识产权管理水平", 65, None, None, ">="), ("营商环境评价得分", 90, None, "分", ">=")]),
    ("到2025年，人才发展环境评分提升至88，人才满意度保持在90以上。",
     [("人才发展环境评分", 88, None, None, ">="), ("人才满意度", 90, None, None, ">=")]),
    ("到2027年，工业互联网平台应用指数超过60，两化融合发展水平达到62。",
     [("工业互联网平台应用指数", 60, None, None, ">="), ("两化融合发展水平", 62, None, None, ">=")]),
    ("到2025年，人才竞争力指数力争达到75左右。", [("人才竞争力指数", 75, None, None, "=")]),
    ("到2025年，数字经济发展指数由2022年的55提高到70。", [("数字经济发展指数", 70, None, None, ">=")]),
    ("到2025年，营商环境满意度得分保持在80-90之间。", [("营商环境满意度得分", 80, 90, None, "range")]),
    ("到2025年，全市营商环境便利度指数达到85.5，较2022年提高5个百分点。",
     [("营商环境便利度指数", 85.5, None, None, ">="), ("营商环境便利度指数", 5, None, "个百分点", "=")]),
])
def test_target_layouts_more_score_without_unit(sentence, expected):
    found = goals(sentence)
    assert facts(found, "indicator", "value", "value_max", "unit", "comparator") == expected
    assert all(t.year == 2025 or t.year == 2026 or t.year == 2027 for t in found)


@pytest.mark.parametrize("sentence", [
    "全市知识产权保护水平达到新高度，服务满意度明显提升。",      # no figure
    "服务满意度评价电话12345，全天受理。",                      # a phone number
    "知识产权保护社会满意度测评按照湘知发〔2023〕5号执行。",     # a document number
    "依据《专利法》第20条，满意度测评每年开展。",               # an article number
    "到2025年，知识产权综合发展指数位居全省第2名。",            # a rank, not a figure
    "推动知识产权指数研究达到2025，开展试点。",                 # a year is no score
    "推动企业管理水平达到3级以上。",                            # a grade, no score word unit
    "全市发明专利拥有量达到70，居全省前列。",                   # a bare number without a score word
    "目前，全市营商环境指数达到72。",                           # a baseline
])
def test_target_layouts_more_bare_numbers_that_are_no_score(sentence):
    assert goals(sentence) == []


# ------------------------------------------------------------------ 3. bounds and ranges
@pytest.mark.parametrize("sentence, expected", [
    ("到2025年，研发经费投入强度保持在3%-5%。", (3, 5, "%", "range")),
    ("到2025年，研发经费投入强度保持在3%至5%之间。", (3, 5, "%", "range")),
    ("到2025年，研发经费投入强度保持在3-5%。", (3, 5, "%", "range")),
    ("到2025年，知识产权纠纷调解成功率不低于90%。", (90, None, "%", ">=")),
    ("到2025年，数字经济核心产业增加值力争达到500亿元。", (500, None, "亿元", ">=")),
    ("到2025年，高新技术企业超过2000家。", (2000, None, "家", ">=")),
    ("到2025年，发明专利审查周期压缩至15个月以内。", (15, None, "个月", "<=")),
    ("到2025年，商标注册周期控制在4个月左右。", (4, None, "个月", "<=")),
    ("到2025年，专利代理机构达到50家左右。", (50, None, "家", "=")),
    ("到2025年，数字经济占GDP比重达50%左右。", (50, None, "%", "=")),
    ("到2025年，侵权案件结案时间在30天以内。", (30, None, "天", "<=")),
    ("到2025年，知识产权保护满意度在85分以上。", (85, None, "分", ">=")),
    ("到2025年，规上工业增加值增速保持8%左右。", (8, None, "%", "=")),
    ("到2025年，工业互联网平台逾百个。", (100, None, "个", ">=")),
    ("到2025年，数字化转型服务商达到30～50家。", (30, 50, "家", "range")),
])
def test_target_layouts_more_bounds_keep_value_comparator_and_unit(sentence, expected):
    found = goals(sentence)
    assert len(found) == 1, found
    t = found[0]
    assert (t.value, t.value_max, t.unit, t.comparator) == expected
    assert not t.indicator.endswith(("在", "逾", "保持")), t.indicator


@pytest.mark.parametrize("sentence", [
    "在10个以上县区开展知识产权强县试点。",
    "企业在3个以上领域开展专利导航。",
])
def test_target_layouts_more_zai_before_a_figure_that_does_not_close_the_clause_is_no_level(sentence):
    assert goals(sentence) == []


@pytest.mark.parametrize("sentence, kind", [
    ("每个街道至少建成一个知识产权服务站。", "level"),          # a quota per unit
    ("每3所学校配备1名知识产权辅导员。", "level"),
    ("各园区至少配备1名数据专员。", "level"),
    ("每年实施不少于20项数字化改造项目。", "count"),            # a bound on a count of the noun after it
    ("每年开展培训不少于40课时。", "level"),                    # the noun before: hours of training
    ("新建工作站5个。", "count"),
])
def test_target_layouts_more_quota_per_unit_is_a_level_and_a_bounded_count_a_count(sentence, kind):
    found = targets(f"一、重点任务\n（一）甲。{sentence}")
    assert [t.kind for t in found] == [kind]


# ------------------------------------------------------------------ 4. brackets and 其中 after a figure
@pytest.mark.parametrize("sentence, expected", [
    ("到2025年，全市有效发明专利达到5000件（其中高价值发明专利2000件）。",
     [("有效发明专利", 5000, "件"), ("高价值发明专利", 2000, "件")]),
    ("到2025年，全市专利授权量达到1.2万件（其中发明专利3000件），商标注册量达到5万件。",
     [("专利授权量", 1.2, "万件"), ("发明专利", 3000, "件"), ("商标注册量", 5, "万件")]),
    ("到2025年，高新技术企业达到1000家（其中，瞪羚企业100家，独角兽企业5家）。",
     [("高新技术企业", 1000, "家"), ("瞪羚企业", 100, "家"), ("独角兽企业", 5, "家")]),
    ("到2025年，建成知识产权服务平台10个（省级3个、市级7个）。",
     [("知识产权服务平台", 10, "个"), ("省级知识产权服务平台", 3, "个"), ("市级知识产权服务平台", 7, "个")]),
    ("到2025年，知识产权示范企业、优势企业分别达到50家、200家（含国家级10家）。",
     [("知识产权示范企业", 50, "家"), ("优势企业", 200, "家"), ("国家级优势企业", 10, "家")]),
    ("到2025年，数字经济核心产业增加值达到800亿元（占GDP比重10%以上）。",
     [("数字经济核心产业增加值", 800, "亿元"), ("数字经济核心产业增加值占GDP比重", 10, "%")]),
    ("到2025年，建设5G基站2万个（含室内分布站点5000个）。", [("5G基站", 2, "万个"), ("室内分布站点", 5000, "个")]),
    ("到2025年，引进高层次人才500名（包括院士等顶尖人才10名）。",
     [("高层次人才", 500, "名"), ("院士等顶尖人才", 10, "名")]),
    ("到2025年，培育数字经济企业500家，其中，规上企业150家、上市企业10家。",
     [("数字经济企业", 500, "家"), ("规上企业", 150, "家"), ("上市企业", 10, "家")]),
    ("到2025年，人才资源总量达到50万人，其中高技能人才达到8万人。",
     [("人才资源总量", 50, "万人"), ("高技能人才", 8, "万人")]),
])
def test_target_layouts_more_parts_in_brackets_and_qizhong_clauses(sentence, expected):
    assert facts(goals(sentence), "indicator", "value", "unit") == expected


def test_target_layouts_more_a_bracket_per_year_part_counts_like_the_whole():
    found = goals("到2025年，新增专利导航项目20个以上（每年不少于5个）。")
    assert facts(found, "indicator", "value", "kind", "comparator", "annual") == [
        ("专利导航项目", 20, "count", ">=", False), ("专利导航项目", 5, "count", ">=", True)]


@pytest.mark.parametrize("sentence, expected", [
    ("到2025年，全市数字经济规模达到3000亿元（2022年为2000亿元）。", [3000]),      # a baseline in brackets
    ("到2025年，全市专利授权量达到8000件（2025年）。", [8000]),                  # the year of the figure
    ("到2025年，建设工作站10个（详见附件1），新增试点企业20家。", [10, 20]),      # a reference
])
def test_target_layouts_more_brackets_without_a_part_add_nothing(sentence, expected):
    assert [t.value for t in goals(sentence)] == expected


# ------------------------------------------------------------------ 2. the deadline a goals paragraph carries
# How far a year carries, from the dev plans' targets (every carried year agreed with gold): to the
# rest of its sentence and paragraph (line), to the list items a lead line heads, and to the later
# paragraphs of the same heading's lead text; never into another heading. A later year switches it.
@pytest.mark.parametrize("paragraph, expected", [
    ("到2025年，全市发明专利拥有量达到100件。高价值发明专利突破50件，示范企业增长20%。",
     [(100, 2025), (50, 2025), (20, 2025)]),
    ("到2024年，数字经济核心产业增加值达到300亿元。培育数字化转型标杆企业30家。", [(300, 2024), (30, 2024)]),
    ("到2025年，发明专利拥有量达到100件；示范企业达到20家。到2026年，发明专利拥有量达到200件。示范企业突破40家。",
     [(100, 2025), (20, 2025), (200, 2026), (40, 2026)]),
    ("到2024年，引进高层次人才500名。\n新建博士后工作站10家。", [(500, 2024), (10, 2024)]),
    ("2024年，规上工业企业数字化改造覆盖率达到60%。智能工厂达到20家。", [(60, 2024), (20, 2024)]),
    # a year before the verb switches the deadline for the rest of the sentence, as '；到2026年，' does
    ("到2025年，全市发明专利拥有量达到5000件，2026年达到8000件，新建工作站10个。",
     [(5000, 2025), (8000, 2026), (10, 2026)]),
    ("力争到2024年，全市数字经济规模突破1000亿元，2026年突破1500亿元。", [(1000, 2024), (1500, 2026)]),
    # a comparison year is no deadline
    ("到2025年，全市专利授权量比2022年增长30%，达到8000件。", [(30, 2025), (8000, 2025)]),
])
def test_target_layouts_more_year_carries_through_the_goals_paragraph(paragraph, expected):
    assert facts(goals(paragraph), "value", "year") == expected


def test_target_layouts_more_year_does_not_carry_into_another_heading():
    found = targets("一、发展目标\n到2024年，引进高层次人才500名。\n二、重点任务\n（一）人才引进。新建博士后工作站10家。")
    assert facts(found, "value", "year", "year_inferred") == [(500, 2024, False), (10, 2027, True)]


@pytest.mark.parametrize("paragraph, expected", [
    # a year inside a cited title dates nothing
    ("深入实施《知识产权强国建设纲要（2021至2035年）》。全市建成知识产权工作站10个。", [(10, 2027, True)]),
    # a state before the plan's start does not reach into the next paragraph
    ("截至2022年底，全市拥有发明专利3000件。\n新建知识产权工作站10个。", [(10, 2027, True)]),
])
def test_target_layouts_more_titles_and_states_give_no_deadline(paragraph, expected):
    assert facts(goals(paragraph), "value", "year", "year_inferred") == expected


@pytest.mark.parametrize("paragraph", [
    "2024年，全市发明专利拥有量达到3000件。2025年，达到4000件。2026年，达到5000件。",
    "到2024年，全市发明专利拥有量达到3000件。到2025年，达到4000件。到2026年，达到5000件。",
])
def test_target_layouts_more_a_sentence_with_only_a_year_continues_the_indicator(paragraph):
    assert facts(goals(paragraph), "indicator", "value", "year") == [
        ("发明专利拥有量", 3000, 2024), ("发明专利拥有量", 4000, 2025), ("发明专利拥有量", 5000, 2026)]


# ------------------------------------------------------------------ 5. number forms of other fields' plans
@pytest.mark.parametrize("sentence, expected", [
    ("到2025年，全市专利授权量达到1,200件，商标有效注册量突破12,500件。", [(1200, "件"), (12500, "件")]),
    ("到2025年，全市专利授权量达到1\u2009200件。", [(1200, "件")]),          # a thin space parts thousands
    ("到2025年，全市专利授权量达到1\u00a0200件。", [(1200, "件")]),
    ("到2025年，培育数字化转型示范企业三百家，建设智能工厂五十个。", [(300, "家"), (50, "个")]),
    ("到2025年，培育科技型企业两千家，新增规上企业三千余家。", [(2000, "家"), (3000, "家")]),
    ("到2025年，全市新增市场主体十万户。", [(10, "万户")]),
    ("到2025年，数字经济规模达到1.5万亿元，技术合同成交额达到200亿元。", [(1.5, "万亿元"), (200, "亿元")]),
    ("到2025年，每万人口高价值发明专利拥有量达到12件。", [(12, "件")]),
    ("到2025年，每万名就业人员中研发人员达到80人年。", [(80, "人年")]),
    ("到2025年，开展知识产权培训五十场次，覆盖企业三千家次。", [(50, "场次"), (3000, "家次")]),
    ("到2025年，数据中心标准机架达到5万架，算力规模达到5EFLOPS。", [(5, "万架"), (5, "EFLOPS")]),
])
def test_target_layouts_more_number_forms(sentence, expected):
    assert facts(goals(sentence), "value", "unit") == expected


@pytest.mark.parametrize("sentence, expected", [
    ("到2025年，培育百亿级产业集群5个，千亿级产业集群2个。", [("百亿级产业集群", 5), ("千亿级产业集群", 2)]),
    ("到2025年，培育10亿元级龙头企业20家。", [("10亿元级龙头企业", 20)]),
    ("到2025年，创建国家级知识产权示范园区一个、省级两个。",
     [("国家级知识产权示范园区", 1), ("省级知识产权示范园区", 2)]),
    ("到2025年，培育国家级专精特新企业20家、省级100家。", [("国家级专精特新企业", 20), ("省级专精特新企业", 100)]),
    ("到2025年，新引育90名国家级、150名省级科技人才。", [("国家级科技人才", 90), ("省级科技人才", 150)]),
])
def test_target_layouts_more_size_classes_and_bare_levels(sentence, expected):
    assert facts(goals(sentence), "indicator", "value") == expected


@pytest.mark.parametrize("sentence, expected", [
    ("全省每年举办一届青少年足球联赛，开展校园体育活动。", []),      # an annual event, not a count
    ("每年举办1—2场知识产权宣传活动。", [(1, 2)]),
    ("每年实施一期人才引育项目。", [(1, None)]),
])
def test_target_layouts_more_an_annual_event_is_no_count(sentence, expected):
    found = targets(f"一、重点任务\n（一）甲。{sentence}")
    assert facts(found, "value", "value_max") == expected


@pytest.mark.parametrize("sentence, expected", [
    # a share in a '其中' clause of a count is the share among that count
    ("到2025年，全省高新技术企业达到5万家，其中先进制造业领域占比达到60%。",
     [("高新技术企业", 5), ("高新技术企业中先进制造业领域占比", 60)]),
    ("到2025年，建成知识产权服务平台10个，其中省级3个。", [("知识产权服务平台", 10), ("省级知识产权服务平台", 3)]),
    # not a share of a share, not past '；', not a later clause, not '含金量'
    ("到2025年，专利转化率达到20%，其中高校专利转化率达到10%。", [("专利转化率", 20), ("高校专利转化率", 10)]),
    ("到2025年，培育数字经济企业500家，其中规上企业150家；数字经济核心产业增加值占比达到12%。",
     [("数字经济企业", 500), ("规上企业", 150), ("数字经济核心产业增加值占比", 12)]),
    ("到2025年，高新技术企业达到1000家，其中瞪羚企业100家，研发投入占比达到5%。",
     [("高新技术企业", 1000), ("瞪羚企业", 100), ("研发投入占比", 5)]),
    ("到2025年，专利授权量达到1万件，其中含金量高的发明专利3000件。",
     [("专利授权量", 1), ("含金量高的发明专利", 3000)]),
])
def test_target_layouts_more_qizhong_parts_read_against_the_whole(sentence, expected):
    assert facts(goals(sentence), "indicator", "value") == expected


# ------------------------------------------------------------------ goals stated without a verb
@pytest.mark.parametrize("block, expected", [
    ("到2025年，主要指标如下：\n1.发明专利拥有量：3000件；\n2.知识产权示范企业：50家；\n3.知识产权保护社会满意度：85分。",
     [("发明专利拥有量", 3000, "件", "="), ("知识产权示范企业", 50, "家", "="), ("知识产权保护社会满意度", 85, "分", "=")]),
    ("到2025年实现以下目标：\n——数字经济核心产业增加值：500亿元以上；\n——规上工业企业数字化改造覆盖率：80%。",
     [("数字经济核心产业增加值", 500, "亿元", ">="), ("规上工业企业数字化改造覆盖率", 80, "%", "=")]),
    ("到2025年，发明专利拥有量目标为3000件，商标有效注册量目标值为5万件。",
     [("发明专利拥有量", 3000, "件", "="), ("商标有效注册量", 5, "万件", "=")]),
    ("到2025年，全市高层次人才总量为1.5万人，技能人才总数为30万人。",
     [("高层次人才总量", 1.5, "万人", "="), ("技能人才总数", 30, "万人", "=")]),
    ("到2025年，实现规上工业企业数字化改造全覆盖，企业上云率100%。", [("企业上云率", 100, "%", "=")]),
])
def test_target_layouts_more_goals_without_a_verb(block, expected):
    found = goals(block)
    assert facts(found, "indicator", "value", "unit", "comparator") == expected
    assert {t.year for t in found} == {2025}


@pytest.mark.parametrize("body", [
    "一、重点任务\n（一）项目建设。项目总投资：50亿元；建设周期：3年。",      # not a goals section
    "一、工作目标\n联系人：张三，电话：12345678。",
    "一、工作目标\n资金规模为5000万元，由市财政安排。",                   # a budget
    "一、总体要求\n（一）适用范围：本方案适用于全市规上企业。",
])
def test_target_layouts_more_labels_outside_goals_or_budgets_are_no_target(body):
    assert targets(body) == []


def test_target_layouts_more_a_verb_inside_the_indicator_does_not_cut_it():
    found = goals("到2025年，专利转化实施率提升10个百分点以上，达到50%。")
    assert facts(found, "indicator", "value", "kind") == [("专利转化实施率", 10, "growth"), ("专利转化实施率", 50, "ratio")]


@pytest.mark.parametrize("sentence, expected", [
    ("到2025年，研发投入强度增加0.5个百分点。", ("研发投入强度", 0.5, "个百分点", "growth")),
    ("到2025年，企业技术合同成交额每年递增10%。", ("企业技术合同成交额", 10, "%", "growth")),
    ("到2025年，审查周期缩短30%。", ("审查周期", 30, "%", "growth")),
    ("到2025年，企业维权成本减少20%。", ("企业维权成本", 20, "%", "growth")),
    ("到2025年，专利侵权案件平均结案周期较2022年缩短20天。", ("专利侵权案件平均结案周期", 20, "天", "growth")),
    ("到2025年，专精特新企业增加100家。", ("专精特新企业", 100, "家", "count")),      # so many more
    ("到2025年，新增加试点企业10家。", ("试点企业", 10, "家", "count")),
    ("到2025年，商标注册周期缩短至4个月。", ("商标注册周期", 4, "个月", "level")),   # a time limit
])
def test_target_layouts_more_changes_by_a_rate_or_an_amount(sentence, expected):
    assert facts(goals(sentence), "indicator", "value", "unit", "kind") == [expected]


@pytest.mark.parametrize("sentence, expected", [
    ("每年遴选100个示范项目（其中省级以上20个）。", [("示范项目", 100), ("省级以上示范项目", 20)]),
    ("引进高层次人才1000名（含顶尖人才10名、领军人才100名）。",
     [("高层次人才", 1000), ("顶尖人才", 10), ("领军人才", 100)]),
    ("建成公共服务平台20个（2024年10个、2025年10个）。",
     [("公共服务平台", 20), ("公共服务平台", 10), ("公共服务平台", 10)]),
])
def test_target_layouts_more_part_bracket_after_the_noun_of_a_figure(sentence, expected):
    found = targets(f"一、重点任务\n（一）甲。{sentence}")
    assert facts(found, "indicator", "value") == expected


def test_target_layouts_more_bracket_after_a_granted_amount_is_no_target():
    found = targets("一、重点任务\n（一）甲。对认定的示范企业给予50万元（其中市级配套20万元）奖励。")
    assert found == []


def test_target_layouts_more_an_increment_of_a_thing_after_it_is_no_target():
    assert targets("一、重点任务\n（一）甲。帮助企业增加2条生产线，提升服务能力。") == []
