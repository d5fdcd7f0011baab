"""More layout classes found by probing unseen-plan layouts (IP, digital economy, talent, market
regulation plans), each as a fragment constructed here: lead marks printed after a unit, members
named only by post, 第一，/一是 numbering, and further responsibility wordings.

Every case names the class of layout it stands for and what was lost before the fix.
"""
from __future__ import annotations

import pytest

from policykg.extract import extract_text


def _units(r, m):
    return [(x.agency, x.role) for x in r.responsibilities if x.measure_id == m.id]


def _first_measure_units(block: str):
    text = ("某市数字经济发展行动方案\n一、重点任务\n1.建设数据平台。推进数据共享。" + block +
            "\n2.培育数字企业。支持企业发展。（责任单位：市工信局）\n")
    r = extract_text(text, "t.txt")
    assert [m.no for m in r.measures] == ["1", "2"]
    return _units(r, r.measures[0])


@pytest.mark.parametrize("block, expected", [
    # a boxed mark after the unit, inside a labelled bracket, a labelled line, an unlabelled bracket
    ("（责任单位：市市场监管局【牵头】、市科技局）", [("市市场监管局", "lead"), ("市科技局", "support")]),
    ("\n责任单位：市市场监管局【牵头】、市科技局", [("市市场监管局", "lead"), ("市科技局", "support")]),
    ("。责任单位：市大数据局【牵头】，市发改委、市工信局",
     [("市大数据局", "lead"), ("市发改委", "support"), ("市工信局", "support")]),
    ("（市大数据局【牵头】、市发改委）", [("市大数据局", "lead"), ("市发改委", "support")]),
    ("【责任单位：市大数据局【牵头】、市发改委】", [("市大数据局", "lead"), ("市发改委", "support")]),
    ("（责任单位：市知识产权局【牵头】、市科技局【配合】）", [("市知识产权局", "lead"), ("市科技局", "support")]),
    ("（责任单位：团市委【牵头】、市人社局）", [("团市委", "lead"), ("市人社局", "support")]),
    # a marked list on a line of its own, no label
    ("\n市大数据局【牵头】、市发改委、市工信局",
     [("市大数据局", "lead"), ("市发改委", "support"), ("市工信局", "support")]),
    ("\n市大数据局（牵头）、市发改委、市工信局",
     [("市大数据局", "lead"), ("市发改委", "support"), ("市工信局", "support")]),
    # the label form stays a label
    ("\n【牵头单位】市大数据局\n【责任单位】市发改委、市工信局",
     [("市大数据局", "lead"), ("市发改委", "support"), ("市工信局", "support")]),
    ("【牵头单位】市大数据局【责任单位】市发改委、市工信局",
     [("市大数据局", "lead"), ("市发改委", "support"), ("市工信局", "support")]),
])
def test_probe_layouts_more_boxed_lead_mark_after_a_unit(block, expected):
    # before: '【牵头】' after a unit was read as the label '【牵头】' opening a list, so the marked
    # unit was support (or lost) and the units after it became leads
    assert _first_measure_units(block) == expected


@pytest.mark.parametrize("block, expected", [
    ("（责任单位：市市场监管局、市科技局（牵头））", [("市市场监管局", "support"), ("市科技局", "lead")]),
    ("（责任单位：市市场监管局、市科技局【牵头】、市财政局）",
     [("市市场监管局", "support"), ("市科技局", "lead"), ("市财政局", "support")]),
    ("\n责任单位：市发改委、市大数据局(牵头)", [("市发改委", "support"), ("市大数据局", "lead")]),
    # a verb (not a bracketed mark) still closes the units before it
    ("（市市场监管局、市科技局牵头，市财政局配合）",
     [("市市场监管局", "lead"), ("市科技局", "lead"), ("市财政局", "support")]),
])
def test_probe_layouts_more_bracketed_mark_belongs_to_its_unit_alone(block, expected):
    # before: 'A、B（牵头）' made A a lead too, as if the mark were a verb closing the list
    assert _first_measure_units(block) == expected


_GROUP_HEAD = ("某市数字经济发展行动方案\n一、主要任务\n1.建设数据平台。做好工作。（责任单位：市大数据局）\n"
               "附件\n市数字经济发展领导小组成员名单\n组　长：张三　市长\n")


@pytest.mark.parametrize("members, expected", [
    # one unit post per line, between named members (a member held by post: name None, post as printed)
    ("成　员：市发改委主要负责同志\n　　　　王五　市财政局局长\n　　　　各区县政府分管负责同志\n",
     [(None, "成员", "市发改委主要负责同志", "市发改委"), ("王五", "成员", "市财政局局长", "市财政局"),
      (None, "成员", "各区县政府分管负责同志", "各区县政府")]),
    # several on one line, parted by a comma, a 、 or a space; the next named member stays his own
    ("成员：市发改委主要负责同志，市科技局分管负责同志，王五（市财政局局长）\n",
     [(None, "成员", "市发改委主要负责同志", "市发改委"), (None, "成员", "市科技局分管负责同志", "市科技局"),
      ("王五", "成员", "市财政局局长", "市财政局")]),
    ("成员：市发改委主要负责同志、市大数据局主要负责同志\n　　　王五　市财政局局长\n",
     [(None, "成员", "市发改委主要负责同志", "市发改委"), (None, "成员", "市大数据局主要负责同志", "市大数据局"),
      ("王五", "成员", "市财政局局长", "市财政局")]),
    ("成员：市发改委主要负责同志　李四 市科技局局长\n",
     [(None, "成员", "市发改委主要负责同志", "市发改委"), ("李四", "成员", "市科技局局长", "市科技局")]),
    # units sharing one printed post: one member per unit, as a shared head in a unit list
    ("成员：市委网信办、市大数据局分管负责同志；市工信局主要负责人\n",
     [(None, "成员", "市委网信办分管负责同志", "市委网信办"), (None, "成员", "市大数据局分管负责同志", "市大数据局"),
      (None, "成员", "市工信局主要负责人", "市工信局")]),
    ("成员：各县（市、区）政府主要负责同志\n",
     [(None, "成员", "各县（市、区）政府主要负责同志", "各县（市、区）政府")]),
    ("成员：张三丰，市发改委主要负责同志；市科技局主要负责同志\n",
     [("张三丰", "成员", "市发改委主要负责同志", "市发改委"), (None, "成员", "市科技局主要负责同志", "市科技局")]),
    ("成员：市发改委主要负责同志（联络员）\n",
     [(None, "成员", "市发改委主要负责同志（联络员）", "市发改委")]),
    # a member table: the row with an empty name cell still lists a member and says the role
    ("成员\t\t市发改委主要负责同志\n\t赵六\t市科技局副局长\n",
     [(None, "成员", "市发改委主要负责同志", "市发改委"), ("赵六", "成员", "市科技局副局长", "市科技局")]),
])
def test_probe_layouts_more_members_named_only_by_a_units_post(members, expected):
    # before: '市发改委主要负责同志' was dropped (no post title), '各区县政府分管负责同志' became a person
    # '各区', a comma line swallowed the named member after it, a table row's role was lost
    r = extract_text(_GROUP_HEAD + members, "t.txt")
    got = [(p.name, p.role, p.post, p.post_agency) for p in r.people]
    assert got[0] == ("张三", "组长", "市长", None)
    assert got[1:] == expected
    agencies = {a.name for a in r.agencies}
    assert {agency for *_, agency in expected} <= agencies


@pytest.mark.parametrize("sentence, expected", [
    ("组长由市政府主要领导担任，副组长由市政府分管负责同志担任。", []),
    ("由市长张三任组长，市发改委主要负责同志任副组长。", [("张三", "组长", "市长")]),
    ("组长由市长张三担任，副组长由市政府分管负责同志担任。", [("张三", "组长", "市长")]),
])
def test_probe_layouts_more_vague_holder_in_a_sentence_is_no_person(sentence, expected):
    # before: '由市政府分管负责同志担任' gave a person named '负责' with the post '市政府分管'
    text = ("某市数字经济发展行动方案\n一、主要任务\n1.建设数据平台。做好工作。（责任单位：市大数据局）\n"
            "二、保障措施\n（一）加强组织领导。成立市数字经济发展领导小组，" + sentence + "\n")
    assert [(p.name, p.role, p.post) for p in extract_text(text, "t.txt").people] == expected


_ORDINAL_TASKS = ("第一，建设数据平台。推进数据共享。{b1}\n第二，培育数字企业。支持企业发展。{b2}\n"
                  "第三，发展数字产业。引进重点项目。{b3}\n")


@pytest.mark.parametrize("part, blocks, expected", [
    # items with their own blocks: the measures, wherever they are printed
    ("一、重点任务", ("（责任单位：市大数据局）", "（责任单位：市工信局）", "（责任单位：市发改委）"),
     [("一", "建设数据平台", [("市大数据局", "support")]), ("二", "培育数字企业", [("市工信局", "support")]),
      ("三", "发展数字产业", [("市发改委", "support")])]),
    ("一、保障措施", ("（市大数据局牵头）", "", "（市发改委牵头）"),
     [("一", "建设数据平台", [("市大数据局", "lead")]), ("二", "培育数字企业", []),
      ("三", "发展数字产业", [("市发改委", "lead")])]),
    # no blocks, but the list numbers a tasks part
    ("一、主要任务", ("", "", ""),
     [("一", "建设数据平台", []), ("二", "培育数字企业", []), ("三", "发展数字产业", [])]),
])
def test_probe_layouts_more_ordinal_numbering_numbers_tasks(part, blocks, expected):
    # before: '第一，' was no marker at all; the part became one measure holding every task's units
    # (or, without blocks, the tasks part yielded nothing)
    b1, b2, b3 = blocks
    text = "某市数字经济发展行动方案\n" + part + "\n" + _ORDINAL_TASKS.format(b1=b1, b2=b2, b3=b3)
    r = extract_text(text, "t.txt")
    assert [(m.no, m.title, _units(r, m)) for m in r.measures] == expected
    assert any(d.what == "heading" and "第一" in text[d.start:d.end] and
               ("responsibility block" in d.reason or "tasks part" in d.reason) for d in r.decisions)


@pytest.mark.parametrize("safeguards", [
    "二、保障措施\n第一，加强组织领导。建立协调机制。\n第二，加强资金保障。加大财政投入。\n",
    "二、保障措施\n（一）加强组织领导。建立协调机制，抓好落实：\n第一，定期调度。\n第二，加强督查。\n",
    "二、组织实施\n第一、加强组织领导。建立协调机制。\n第二、加强宣传引导。营造良好氛围。\n",
])
def test_probe_layouts_more_ordinal_numbering_under_safeguards_reads_as_prose(safeguards):
    text = ("某市知识产权强市建设方案\n一、重点任务\n1.加强知识产权创造。提升质量。（责任单位：市市场监管局）\n"
            "2.加强知识产权保护。严厉打击。（责任单位：市公安局）\n" + safeguards)
    r = extract_text(text, "t.txt")
    assert all(not m.no.startswith(("一", "二")) for m in r.measures)
    assert [m.no for m in r.measures][:2] == ["1", "2"]
    assert any(d.what == "not-heading" and "reads as prose" in d.reason for d in r.decisions)


@pytest.mark.parametrize("block, expected", [
    # a unit printed right after another's mark, no separator
    ("（责任单位：市科技局（牵头）市财政局、市发改委）",
     [("市科技局", "lead"), ("市财政局", "support"), ("市发改委", "support")]),
    # other lead marks and brackets
    ("（责任单位：市科技局（牵头部门）、市财政局）", [("市科技局", "lead"), ("市财政局", "support")]),
    ("（责任单位：市科技局（牵头负责）、市财政局）", [("市科技局", "lead"), ("市财政局", "support")]),
    ("（责任单位：市大数据局〔牵头〕、市发改委）", [("市大数据局", "lead"), ("市发改委", "support")]),
    ("（责任单位：市工信局「牵头」、市科技局）", [("市工信局", "lead"), ("市科技局", "support")]),
    # verbs that named no unit: the unit before them was lost
    ("（市科技局主责，市财政局、市发改委协同）", [("市科技局", "lead"), ("市财政局", "support"), ("市发改委", "support")]),
    ("（市科技局负总责，市财政局配合）", [("市科技局", "support"), ("市财政局", "support")]),
    # a list, then the lead named again: only that unit leads
    ("（市科技局、市财政局、市发改委，市科技局牵头）",
     [("市科技局", "lead"), ("市财政局", "support"), ("市发改委", "support")]),
])
def test_probe_layouts_more_lead_marks_and_verbs_of_other_wordings(block, expected):
    # before: 'A（牵头）B' was one unit, '（牵头部门）'/'〔牵头〕' stayed in names, 'A主责'/'A负总责' lost A,
    # and a restated lead made the whole list lead
    assert _first_measure_units(block) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("做好数据汇聚，市大数据局牵头，市发改委、市工信局参与。",
     [("市大数据局", "lead"), ("市发改委", "support"), ("市工信局", "support")]),
    ("做好数据汇聚，由市大数据局负总责，市发改委、市工信局配合。",
     [("市大数据局", "support"), ("市发改委", "support"), ("市工信局", "support")]),
    ("做好数据汇聚，市大数据局（牵头）、市发改委配合。", [("市大数据局", "lead"), ("市发改委", "support")]),
    # a 的 later in the sentence is no attribute of the units
    ("由市大数据局牵头负责推进平台的建设。", [("市大数据局", "lead")]),
    ("由市大数据局负责全市数据的汇聚工作。", [("市大数据局", "support")]),
])
def test_probe_layouts_more_units_closing_a_prose_sentence(sentence, expected):
    # before: a sentence that opens with prose and ends in unit lists gave no unit at all
    assert _first_measure_units(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "做好数据汇聚，鼓励龙头企业牵头，中小企业参与。",
    "做好数据汇聚，建立由市政府牵头、各部门参与的协调机制。",
])
def test_probe_layouts_more_prose_without_unit_lists_names_no_unit(sentence):
    # before: '由市政府牵头、各部门参与的协调机制' (an attribute of a mechanism) gave 市政府 as the lead
    assert _first_measure_units(sentence) == []


@pytest.mark.parametrize("block, expected", [
    # a verb alone after the list names no unit
    ("（责任单位：市科技局、市财政局，按职责分工负责）", [("市科技局", "support"), ("市财政局", "support")]),
    ("（市科技局、市财政局，分别牵头）", [("市科技局", "lead"), ("市财政局", "lead")]),
    # a label list wrapped onto an indented line with no 、 left at the line end
    ("\n责任单位：市科技局（牵头）\n　　　　　市财政局、市发改委",
     [("市科技局", "lead"), ("市财政局", "support"), ("市发改委", "support")]),
])
def test_probe_layouts_more_verb_alone_and_indented_list_lines(block, expected):
    # before: '按职责分工负责' became a unit, '分别牵头' said nothing, the indented line was lost
    assert _first_measure_units(block) == expected
