"""Document structure on layouts real plans use (issue 17), each as a fragment constructed here.

Every case states the class of layout it stands for; none is copied from a seed or a dev plan.
"""
from __future__ import annotations

import pytest

from policykg.extract import extract_text
from policykg.extract.outline import parse_outline

TITLE = "江北市知识产权强市建设工作方案"


def measures(body: str, title: str = TITLE):
    r = extract_text(title + "\n" + body, "t.txt")
    return [(m.no, m.title) for m in r.measures]


def test_structure_item_with_subpoints_and_block_after_last_child_is_the_measure():
    body = ("一、重点任务\n（一）强化专利创造\n1．培育高价值专利。开展培育。\n2．提升申请质量。开展工作。\n"
            "（责任单位：市市场监管局、市科技局）\n（二）加强商标品牌建设\n1．培育商标品牌。做好工作。\n"
            "2．推广地理标志。做好工作。\n（责任单位：市市场监管局）\n")
    r = extract_text(TITLE + "\n" + body, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [("(一)", "强化专利创造"), ("(二)", "加强商标品牌建设")]
    first = [x.agency for x in r.responsibilities if x.measure_id == r.measures[0].id]
    assert first == ["市市场监管局", "市科技局"]


def test_structure_children_with_own_blocks_are_the_measures():
    body = ("一、重点任务\n（一）强化专利创造\n1．培育高价值专利。开展培育。（责任单位：市科技局）\n"
            "2．提升申请质量。开展工作。（责任单位：市市场监管局）\n")
    assert measures(body) == [("1", "培育高价值专利"), ("2", "提升申请质量")]


def test_structure_subpoints_in_brackets_stay_inside_their_task():
    body = ("二、主要任务\n（一）完善保护体系。\n（1）健全快速维权机制；\n（2）加强行政执法；\n"
            "（二）促进成果转化。\n（1）建设运营平台；\n（2）开展质押融资。\n")
    assert measures(body) == [("(一)", "完善保护体系"), ("(二)", "促进成果转化")]


@pytest.mark.parametrize("dot", ["﹒", "．", ".", "、", "\ue010"])
def test_structure_number_dot_variants(dot):
    body = f"一、重点任务\n1{dot}加强统筹协调。做好工作。\n2{dot}优化公共服务。做好工作。\n"
    assert measures(body) == [("1", "加强统筹协调"), ("2", "优化公共服务")]


def test_structure_number_glued_to_title_continues_across_sections():
    body = ("二、主要任务\n（一）夯实创造基础\n1提升专利质量。开展培育。\n2培育商标品牌。支持培育。\n"
            "（二）健全保护体系\n3完善快速维权。加快建设。\n4强化行政执法。统筹推进。\n")
    assert measures(body) == [("1", "提升专利质量"), ("2", "培育商标品牌"), ("3", "完善快速维权"), ("4", "强化行政执法")]


def test_structure_lone_glued_number_is_not_a_heading():
    body = "一、重点任务\n（一）做好统筹\n3家企业入选示范名单。继续推进。\n"
    assert measures(body) == [("(一)", "做好统筹")]


def test_structure_numbering_that_restarts_in_each_section():
    body = ("二、重点任务\n（一）强化创造\n1．培育专利。工作。\n2．培育商标。工作。\n"
            "（二）加强保护\n1．严格执法。工作。\n2．多元调解。工作。\n")
    assert measures(body) == [("1", "培育专利"), ("2", "培育商标"), ("1", "严格执法"), ("2", "多元调解")]


@pytest.mark.parametrize("title", ["5G专利池建设", "PCT国际专利申请资助", "2025年底前完成数据库建设"])
def test_structure_titles_starting_with_digits_or_latin_are_their_own_measure(title):
    body = f"一、重点任务\n1．加强统筹协调。做好工作。（责任单位：市科技局）\n2．{title}。做好工作。（责任单位：市商务局）\n"
    r = extract_text(TITLE + "\n" + body, "t.txt")
    assert [m.title for m in r.measures] == ["加强统筹协调", title]
    assert [x.agency for x in r.responsibilities if x.measure_id == r.measures[0].id] == ["市科技局"]


def test_structure_yishi_points_directly_under_a_task_part_are_measures():
    body = ("三、重点工作\n一是健全工作机制。建立联席会议。（责任单位：市市场监管局）\n"
            "二是强化执法保护。开展专项行动。（责任单位：市公安局）\n")
    assert [t for _, t in measures(body)] == ["健全工作机制", "强化执法保护"]


def test_structure_yishi_inside_a_paragraph_is_not_a_heading():
    body = "二、重点任务\n（一）完善机制。一是建立制度，二是强化协同。\n（二）强化服务。做好工作。\n"
    assert measures(body) == [("(一)", "完善机制"), ("(二)", "强化服务")]


def test_structure_unnumbered_headed_paragraphs_with_blocks_are_measures():
    body = ("二、重点任务\n（一）强化知识产权创造\n提升专利质量。实施专利质量提升工程。（责任单位：市市场监管局）\n"
            "推进商标品牌建设。培育知名品牌。（责任单位：市商务局）\n")
    r = extract_text(TITLE + "\n" + body, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [("", "提升专利质量"), ("", "推进商标品牌建设")]
    assert [x.agency for x in r.responsibilities] == ["市市场监管局", "市商务局"]


@pytest.mark.parametrize("part", ["基本原则", "考评方式", "先导领域", "发展基础"])
def test_structure_descriptive_parts_hold_no_measures(part):
    body = (f"一、{part}\n（一）坚持创新引领。内容说明。\n（二）坚持统筹推进。内容说明。\n"
            "二、重点任务\n（一）强化创造。做好工作。\n")
    assert measures(body) == [("(一)", "强化创造")]


def test_structure_numbers_outside_any_part_are_not_measures():
    body = ("为推进工作，制定本方案。\n1、\n一、重点任务\n（一）强化创造。做好工作。\n（二）加强保护。做好工作。\n")
    assert measures(body) == [("(一)", "强化创造"), ("(二)", "加强保护")]


def test_structure_annex_task_list_counts_like_the_body():
    body = ("一、重点任务\n（一）强化创造。做好工作。（责任单位：市科技局）\n二、保障措施\n（一）加强领导。成立小组。\n"
            "附件1\n重点任务分工\n1．建设运营中心。完成建设。（牵头单位：市市场监管局）\n"
            "2．开展质押融资。扩大规模。（牵头单位：市金融局）\n")
    r = extract_text(TITLE + "\n" + body, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [
        ("(一)", "强化创造"), ("保障(一)", "加强领导"), ("1", "建设运营中心"), ("2", "开展质押融资")]
    assert r.measures[2].section.startswith("附件1")


def test_structure_annex_without_tasks_yields_no_measures():
    body = ("一、重点任务\n（一）强化创造。做好工作。\n附件\n领导小组成员名单\n1．张三 市长\n2．李四 副市长\n")
    assert measures(body) == [("(一)", "强化创造")]


def test_structure_box_items_count_as_measures():
    body = ("二、重点任务\n（一）强化创造。做好工作。（责任单位：市科技局）\n（二）加强保护。做好工作。（责任单位：市公安局）\n"
            "专栏1 知识产权保护工程\n1．建设保护中心。完成建设。\n2．建设快维中心。完成建设。\n")
    assert [t for _, t in measures(body)] == ["强化创造", "加强保护", "建设保护中心", "建设快维中心"]


def test_structure_flattened_text_is_resegmented_at_markers_that_continue_a_sequence():
    flat = ("为推进工作，结合实际，制定本方案。一、总体目标 到2025年，专利拥有量达到5000件。二、重点任务 "
            "（一）强化专利创造。实施培育工程，提升专利质量。（责任单位：市科技局） "
            "（二）加强行政保护。开展专项执法行动，维护市场秩序。（责任单位：市市场监管局） "
            "（三）促进成果转化。建设运营平台，开展质押融资。（责任单位：市金融局） 三、保障措施 "
            "（一）加强组织领导。成立工作领导小组，统筹推进各项工作。")
    r = extract_text(TITLE + "\n" + flat, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [
        ("(一)", "强化专利创造"), ("(二)", "加强行政保护"), ("(三)", "促进成果转化"), ("保障(一)", "加强组织领导")]
    assert [x.agency for x in r.responsibilities] == ["市科技局", "市市场监管局", "市金融局"]


def test_structure_markers_inside_a_sentence_that_break_the_sequence_are_ignored():
    flat = ("一、重点任务 （一）强化创造。对照文件第（三）项要求开展工作，按照通知要求落实到位，"
            "持续推进各项任务的落实，确保任务按期完成并取得实效，形成一批可复制可推广的经验做法。（二）加强保护。做好工作。")
    assert measures(flat) == [("(一)", "强化创造"), ("(二)", "加强保护")]


def test_structure_explain_records_a_reason_for_every_heading():
    text = TITLE + "\n一、重点任务\n（一）强化创造。做好工作。\n3家企业入选。\n"
    outline = parse_outline(text)
    whats = {d.what for d in outline.decisions}
    assert {"title", "heading"} <= whats
    assert all(d.reason for d in outline.decisions)


def test_structure_hard_wrapped_heading_goes_on_on_the_next_line():
    import textwrap

    paragraphs = ["一、重点任务"] + [
        f"（{n}）加强知识产权{t}工作体系和能力建设。持续完善相关制度，强化部门协同，推动各项工作落地见效，形成长效机制。（责任单位：市科技局）"
        for n, t in zip("一二三四五", ["创造", "运用", "保护", "管理", "服务"])]
    wrapped = "\n".join(line for p in paragraphs for line in textwrap.wrap(p, 16))
    r = extract_text(TITLE + "\n" + wrapped, "t.txt")
    assert [m.title for m in r.measures] == [f"加强知识产权{t}工作体系和能力建设" for t in ["创造", "运用", "保护", "管理", "服务"]]


def test_structure_heading_and_body_on_separate_lines_keep_the_short_title():
    body = "三、保障措施\n（一）加强组织领导\n成立领导小组，统筹推进工作。\n（二）强化经费保障\n安排专项经费。\n"
    assert measures(body) == [("保障(一)", "加强组织领导"), ("保障(二)", "强化经费保障")]


def test_structure_plan_attached_to_a_notice_with_its_own_headings_is_read():
    text = ("江北市人民政府关于加强知识产权工作的通知\n各区县人民政府：\n一、提高认识\n做好工作。\n二、加强领导\n落实责任。\n"
            "附件\n江北市知识产权强市建设工作方案\n一、重点任务\n（一）强化专利创造。做好工作。\n（二）加强行政保护。做好工作。\n")
    r = extract_text(text, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [("(一)", "强化专利创造"), ("(二)", "加强行政保护")]


def test_structure_parts_printed_as_di_yi_bu_fen_hold_their_sections():
    body = ("第一部分 总体要求\n一、指导思想\n坚持创新。\n第二部分 重点任务\n一、强化知识产权创造\n（一）培育高价值专利。做好工作。\n"
            "（二）加强商标品牌建设。做好工作。\n二、加强知识产权保护\n（一）严格行政执法。做好工作。\n")
    r = extract_text(TITLE + "\n" + body, "t.txt")
    assert [(m.no, m.title, m.section) for m in r.measures] == [
        ("(一)", "培育高价值专利", "一、强化知识产权创造"), ("(二)", "加强商标品牌建设", "一、强化知识产权创造"),
        ("(一)", "严格行政执法", "二、加强知识产权保护")]


def test_structure_number_followed_by_a_full_stop_as_its_dot():
    body = "一、重点任务\n1。加强统筹协调。做好工作。\n2。优化公共服务。做好工作。\n"
    assert measures(body) == [("1", "加强统筹协调"), ("2", "优化公共服务")]


def test_structure_page_chunk_numbers_after_a_broken_off_paragraph_are_not_headings():
    body = ("一、重点任务\n（一）强化专利创造。实施专利质量提升工程，培育一批高价值专利组合，推动重点产业专利布局，"
            "支持企业开展海外专利布局，建设专利导航服务基地，提升\n2、产业创新能力。（责任单位：市科技局）\n"
            "（二）加强行政保护。开展执法。（责任单位：市公安局）\n")
    r = extract_text(TITLE + "\n" + body, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [("(一)", "强化专利创造"), ("(二)", "加强行政保护")]
    assert [x.agency for x in r.responsibilities] == ["市科技局", "市公安局"]


@pytest.mark.parametrize("part", ["序言", "前言"])
def test_structure_numbered_paragraphs_of_a_preface_are_not_measures(part):
    body = (f"一、{part}\n1．知识产权制度是基本制度。\n2．改革开放以来事业迅速发展。\n二、战略重点\n"
            "（一）提升创造能力\n3．鼓励企业创造。做好工作。\n4．支持高校创造。做好工作。\n")
    assert measures(body) == [("3", "鼓励企业创造"), ("4", "支持高校创造")]


def test_structure_flattened_plan_with_a_single_part():
    flat = "为推进工作，制定本方案。一、重点任务 （一）强化创造。做好工作。（责任单位：市科技局） （二）加强保护。做好工作。（责任单位：市公安局）"
    r = extract_text(TITLE + "\n" + flat, "t.txt")
    assert [(m.no, m.title, m.section) for m in r.measures] == [
        ("(一)", "强化创造", "一、重点任务"), ("(二)", "加强保护", "一、重点任务")]


def test_structure_annex_task_table_rows_the_text_does_not_number_are_measures():
    body = ("一、工作目标\n到2025年，取得成效。\n二、保障措施\n（一）加强组织领导。成立小组。\n"
            "附件\n重点任务分工表\n序号 | 重点任务 | 牵头单位 | 配合单位\n"
            "1 | 建设知识产权运营中心 | 市市场监管局 | 市财政局\n2 | 开展知识产权质押融资 | 市金融局 | 市市场监管局\n")
    r = extract_text(TITLE + "\n" + body, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [
        ("保障(一)", "加强组织领导"), ("1", "建设知识产权运营中心"), ("2", "开展知识产权质押融资")]
    units = [(m.no, x.agency, x.role) for m in r.measures for x in r.responsibilities if x.measure_id == m.id]
    assert units == [("1", "市市场监管局", "lead"), ("1", "市财政局", "support"),
                     ("2", "市金融局", "lead"), ("2", "市市场监管局", "support")]


def test_structure_task_table_restating_numbered_measures_adds_none():
    body = ("一、重点任务\n（一）建设知识产权运营中心。做好工作。\n（二）开展知识产权质押融资。做好工作。\n"
            "附件\n重点任务分工表\n序号 | 重点任务 | 牵头单位\n1 | 建设知识产权运营中心 | 市市场监管局\n"
            "2 | 开展知识产权质押融资 | 市金融局\n")
    r = extract_text(TITLE + "\n" + body, "t.txt")
    assert [m.no for m in r.measures] == ["(一)", "(二)"]
    assert [(x.agency, x.role) for x in r.responsibilities] == [("市市场监管局", "lead"), ("市金融局", "lead")]


def test_structure_points_inside_an_items_paragraph_stay_inside_it():
    body = ("一、重点任务\n（一）加强知识产权创造。1.培育高价值专利；2.提升商标品牌价值。（责任单位：市市场监管局）\n"
            "（二）加强知识产权保护。1.严格行政执法。（责任单位：市公安局）\n")
    r = extract_text(TITLE + "\n" + body, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [("(一)", "加强知识产权创造"), ("(二)", "加强知识产权保护")]
    assert [x.agency for x in r.responsibilities] == ["市市场监管局", "市公安局"]


def test_structure_yishi_inside_a_safeguard_paragraph_is_prose():
    body = ("一、重点任务\n（一）强化创造。做好工作。\n三、保障措施\n加强组织领导，完善工作机制。一是成立领导小组，统筹推进工作。"
            "二是建立考核机制，压实各方责任。\n")
    assert measures(body) == [("(一)", "强化创造")]


# -- decimal outlines (2 / 2.1 / 2.1.1), as plans drafted like reports and standards print them --

DECIMAL_TWO = ("1 总体要求\n到2026年，全市产业规模达到300亿元。\n2 重点任务\n"
               "2.1 建设公共服务平台。建成运营中心。（责任单位：市工业和信息化局、市科技局）\n"
               "2.2 推动企业上云。支持企业改造。（牵头单位：市工业和信息化局；配合单位：市财政局）\n"
               "3 保障措施\n3.1 加强组织领导。（责任单位：市发展改革委）\n")


def test_structure_decimal_outline_second_level_items_are_the_measures():
    r = extract_text(TITLE + "\n" + DECIMAL_TWO, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [
        ("2.1", "建设公共服务平台"), ("2.2", "推动企业上云"), ("3.1", "加强组织领导")]
    assert [m.kind for m in r.measures] == ["task", "task", "safeguard"]
    second = [(x.agency, x.role) for x in r.responsibilities if x.measure_id == r.measures[1].id]
    assert second == [("市工业和信息化局", "lead"), ("市财政局", "support")]


@pytest.mark.parametrize("top", ["{n}. {t}", "{n}．{t}", "{n}{t}", "{n}　{t}"])
def test_structure_decimal_outline_first_level_in_any_marker(top):
    heads = [top.format(n=1, t="总体要求"), top.format(n=2, t="重点任务"), top.format(n=3, t="保障措施")]
    body = (f"{heads[0]}\n坚持创新驱动。\n{heads[1]}\n2.1 强化创新能力\n"
            "2.1.1 建设创新平台。布局建设创新中心。（责任单位：省工业和信息化厅、省科技厅）\n"
            "2.1.2 突破关键技术。实施攻关项目。（责任单位：省科技厅）\n2.2 优化产业生态\n"
            "2.2.1 培育龙头企业。（牵头单位：省工业和信息化厅）\n"
            f"{heads[2]}\n加强组织实施。\n")
    r = extract_text("某某省先进制造业集群培育实施方案\n" + body, "t.txt")
    assert [m.no for m in r.measures] == ["2.1.1", "2.1.2", "2.2.1"]
    assert r.measures[0].section.endswith("强化创新能力")
    kinds = {h.label: h.kind for h in parse_outline("某某省先进制造业集群培育实施方案\n" + body).headings
             if h.style == "dec1"}
    assert list(kinds.values()) == ["goals", "tasks", "safeguards"], kinds


@pytest.mark.parametrize("line", ["2.5亿元的专项资金用于支持企业。", "3.15 日前完成申报工作。"])
def test_structure_decimal_numbers_in_prose_are_not_headings(line):
    body = f"一、重点任务\n1．培育高价值专利。开展培育。\n{line}\n2．提升申请质量。开展工作。\n"
    assert measures(body) == [("1", "培育高价值专利"), ("2", "提升申请质量")]


def test_structure_number_space_title_lines_without_a_decimal_outline_are_not_parts():
    body = ("一、重点任务\n（一）推动专利转化\n序号 任务 责任单位\n1　开展专利导航　市市场监管局\n"
            "2　建设运营中心　市科技局\n")
    headings = parse_outline(TITLE + "\n" + body).headings
    assert not [h for h in headings if h.style == "dec1"]


def test_structure_decimal_path_that_names_another_section_is_not_a_child():
    body = ("1 重点任务\n1.1 建设平台。（责任单位：市科技局）\n1.2 培育企业。（责任单位：市工信局）\n"
            "2 保障措施\n1.3 加强宣传。（责任单位：市委宣传部）\n2.1 加强领导。（责任单位：市发展改革委）\n")
    r = extract_text(TITLE + "\n" + body, "t.txt")
    assert [m.no for m in r.measures] == ["1.1", "1.2", "2.1"]


# -- 第N条 articles: measures in a plan that numbers its measures as articles, rules in a 办法 --

ARTICLES = ("第一条 支持高价值专利培育。对新建培育中心给予奖励。（责任单位：市市场监管局、市财政局）\n"
            "第二条 加强知识产权保护。建立快速维权机制。\n"
            "第三条 推动知识产权转化。开展质押融资。（责任单位：市金融办）\n"
            "第四条 本措施自印发之日起施行，由市市场监管局负责解释。\n")


def test_structure_articles_of_a_measures_document_are_measures_but_not_its_closing_article():
    r = extract_text("江北市促进知识产权发展若干措施\n" + ARTICLES, "t.txt")
    assert [(m.no, m.title) for m in r.measures] == [
        ("第一条", "支持高价值专利培育"), ("第二条", "加强知识产权保护"), ("第三条", "推动知识产权转化")]
    assert [x.agency for x in r.responsibilities if x.measure_id == r.measures[0].id] == ["市市场监管局", "市财政局"]


@pytest.mark.parametrize("title", ["江北市专利资助管理办法", "江北市知识产权保护条例", "江北市专利奖励实施细则（试行）"])
def test_structure_articles_of_a_rule_text_are_measures_only_with_their_own_block(title):
    body = ("第一章 总则\n第一条 为规范专利资助工作，制定本办法。\n第二条 本办法适用于本市行政区域。\n"
            "第二章 资助标准\n第三条 对授权发明专利给予资助。（责任单位：市市场监管局）\n"
            "第四条 资助资金从专项资金中列支。\n第三章 附则\n第五条 本办法自2025年1月1日起施行。\n")
    r = extract_text(title + "\n" + body, "t.txt")
    assert [m.no for m in r.measures] == ["第三条"]


def test_structure_article_references_inside_sentences_are_not_headings():
    body = ("一、重点任务\n1．培育高价值专利。依照本办法第五条规定执行。\n"
            "2．提升申请质量。按第六条 规定开展工作。\n")
    assert measures(body) == [("1", "培育高价值专利"), ("2", "提升申请质量")]
