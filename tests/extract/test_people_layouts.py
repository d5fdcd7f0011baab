"""Leading-group member lists over constructed fragments, one per layout class real plans print.

Each fragment is a short notice; the assertion is the (role, name, post) list extracted.
"""
from __future__ import annotations

import pytest

from policykg.extract import extract_text

HEAD = "关于成立某市知识产权保护工作{body}的通知\n各县区人民政府，市政府各部门：\n为加强组织领导，市政府决定成立某市知识产权保护工作{body}。现将有关事项通知如下。\n"


def people_of(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(p.role, p.name, p.post) for p in extract_text(text, "t.txt").people]


@pytest.mark.parametrize("body", ["领导小组", "工作组", "专项工作组", "工作专班", "联席会议", "委员会"])
def test_people_layouts_list_under_any_body_after_a_heading(body):
    text = HEAD.format(body=body) + "一、组成人员\n组　长：钱一鸣　市长\n副组长：孙二强　副市长\n成　员：周三立　市科技局局长\n吴四海　市财政局局长\n二、主要职责\n负责统筹协调。"
    assert people_of(text) == [("组长", "钱一鸣", "市长"), ("副组长", "孙二强", "副市长"),
                               ("成员", "周三立", "市科技局局长"), ("成员", "吴四海", "市财政局局长")]


@pytest.mark.parametrize("line, expected", [
    ("成　员：周三立（市科技局局长）", ("成员", "周三立", "市科技局局长")),
    ("成　员：周三立，市科技局局长", ("成员", "周三立", "市科技局局长")),
    ("成　员：周三立 市科技局局长", ("成员", "周三立", "市科技局局长")),
    ("成　员：郑　伟　市科技局局长", ("成员", "郑伟", "市科技局局长")),
    ("成　员：郑 伟 市科技局局长", ("成员", "郑伟", "市科技局局长")),
    ("成　员：周三立市科技局局长", ("成员", "周三立", "市科技局局长")),
    ("成　员：市科技局局长", ("成员", None, "市科技局局长")),
    ("召 集 人：周三立 市科技局局长", ("召集人", "周三立", "市科技局局长")),
])
def test_people_layouts_name_and_post_forms(line, expected):
    text = "附件\n某市知识产权工作领导小组名单\n" + line + "\n"
    assert people_of(text) == [expected]


def test_people_layouts_post_continued_on_the_next_line():
    text = ("附件\n某市知识产权工作联席会议成员名单\n召集人：钱一鸣　市长\n成　员：周三立　市委宣传部副部长、\n市新闻出版局局长\n"
            "吴四海　市财政局局长\n")
    assert people_of(text) == [("召集人", "钱一鸣", "市长"), ("成员", "周三立", "市委宣传部副部长、市新闻出版局局长"),
                               ("成员", "吴四海", "市财政局局长")]


@pytest.mark.parametrize("sep", [" | ", "\t"])
def test_people_layouts_member_table(sep):
    rows = [["职务", "姓名", "单位及职务"], ["组长", "钱一鸣", "市长"], ["副组长", "孙二强", "副市长"],
            ["成员", "周三立", "市科技局局长"], ["", "吴四海", "市财政局局长"]]
    text = "附件\n某市知识产权工作领导小组名单\n" + "\n".join(sep.join(r) for r in rows) + "\n"
    assert people_of(text) == [("组长", "钱一鸣", "市长"), ("副组长", "孙二强", "副市长"),
                               ("成员", "周三立", "市科技局局长"), ("成员", "吴四海", "市财政局局长")]


def test_people_layouts_prose_roles():
    text = HEAD.format(body="领导小组") + (
        "领导小组组长由市长钱一鸣担任，副组长由副市长孙二强担任。"
        "领导小组办公室设在市市场监管局，办公室主任由市市场监管局局长吴四海同志兼任。\n")
    assert people_of(text) == [("组长", "钱一鸣", "市长"), ("副组长", "孙二强", "副市长"),
                               ("办公室主任", "吴四海", "市市场监管局局长")]


def test_people_layouts_vague_holder_is_not_a_person():
    text = "1.加强组织领导。成立由市政府相关领导任组长，相关部门为成员单位的工作专班。\n"
    assert people_of(text) == []


def test_people_layouts_a_role_word_in_prose_does_not_open_a_list():
    text = "某市知识产权工作方案\n一、重点任务\n1.甲。主任：要加强统筹。\n"
    assert people_of(text) == []


@pytest.mark.parametrize("text, expected", [
    # post before name
    ("附件\n某市知识产权工作领导小组名单\n组　长：市政府市长　钱一鸣\n",
     [("组长", "钱一鸣", "市政府市长")]),
    # roles alone on their line, members below
    ("附件\n某市知识产权工作领导小组名单\n组长：\n钱一鸣 市长\n成员：\n周三立 市科技局局长\n",
     [("组长", "钱一鸣", "市长"), ("成员", "周三立", "市科技局局长")]),
    # a role label prefixed with the body's name
    ("某县知识产权工作专班\n专班组长：钱一鸣　县长\n", [("组长", "钱一鸣", "县长")]),
    # holders named in clauses with and without 由
    ("成立某市知识产权工作领导小组，由市长钱一鸣任组长，副市长孙二强任副组长。\n",
     [("组长", "钱一鸣", "市长"), ("副组长", "孙二强", "副市长")]),
    # a member table with the role in the last column
    ("附件\n某市知识产权工作领导小组名单\n序号 | 姓名 | 单位 | 职务 | 小组职务\n1 | 钱一鸣 | 市政府 | 市长 | 组长\n"
     "2 | 周三立 | 市科技局 | 局长 | 成员\n", [("组长", "钱一鸣", "市政府市长"), ("成员", "周三立", "市科技局局长")]),
    # a table printed one cell per line
    ("附件\n某市知识产权工作领导小组名单\n组长\n钱一鸣\n市长\n副组长\n孙二强\n副市长\n",
     [("组长", "钱一鸣", "市长"), ("副组长", "孙二强", "副市长")]),
    # two members on one line, an ordering note, 同志 after the name, a transcribed name
    ("附件\n某市知识产权工作领导小组名单\n副组长：孙二强（副市长）、李四海（市政府秘书长）\n",
     [("副组长", "孙二强", "副市长"), ("副组长", "李四海", "市政府秘书长")]),
    ("附件\n某市知识产权工作领导小组名单（按姓氏笔画排序）\n组长：钱一鸣同志 市长\n成员（按姓氏笔画排序）：周三立 市科技局局长\n",
     [("组长", "钱一鸣", "市长"), ("成员", "周三立", "市科技局局长")]),
    ("附件\n某州知识产权工作领导小组名单\n组长：买买提·艾力 州长\n", [("组长", "买买提·艾力", "州长")]),
    # '以<post><name>为组长' only with a name
    ("成立以市长钱一鸣为组长的领导小组。以分管副市长为召集人。\n", [("组长", "钱一鸣", "市长")]),
])
def test_people_layouts_more_forms(text, expected):
    assert people_of(text) == expected


def test_people_layouts_names_glued_to_national_posts():
    text = ("为加强知识产权保护，决定成立某市知识产权保护工作组。现将组成人员通知如下：\n组长：钱一鸣市人民政府市长\n"
            "副组长：孙二强国务院副秘书长\n成员：周三立中宣部副部长\n郑和知识产权局副局长\n工作组办公室设在市商务局。\n")
    assert people_of(text) == [("组长", "钱一鸣", "市人民政府市长"), ("副组长", "孙二强", "国务院副秘书长"),
                               ("成员", "周三立", "中宣部副部长"), ("成员", "郑和", "知识产权局副局长")]


def test_people_layouts_a_unit_named_after_a_place_is_not_a_name():
    text = "附件\n某市知识产权工作领导小组名单\n成员：河东海关副关长\n"
    assert people_of(text) == [("成员", None, "河东海关副关长")]


def test_people_layouts_list_flattened_onto_one_line():
    text = ("决定建立市知识产权办公会议制度。具体组成人员如下： 主持人： 钱一鸣市人民政府副市长 成 员： "
            "孙二强市人民政府副秘书长 孔 平市知识产权局局长 陈 琴市检察院副检察长 办公会议下设办公室。\n")
    assert people_of(text) == [("主持人", "钱一鸣", "市人民政府副市长"), ("成员", "孙二强", "市人民政府副秘书长"),
                               ("成员", "孔平", "市知识产权局局长"), ("成员", "陈琴", "市检察院副检察长")]


def test_people_layouts_name_post_items_in_a_sentence_list():
    text = ("决定成立某市专项行动领导小组。\n二、领导小组的组成\n组 长：钱一鸣 市长\n"
            "副组长：孙二强（市商务局局长）、周三立（市政府副秘书长）。\n成 员：郑 和（市委宣传部副部长）、冯五一（市发展改革委副主任）。\n"
            "三、领导小组办事机构\n")
    assert people_of(text) == [("组长", "钱一鸣", "市长"), ("副组长", "孙二强", "市商务局局长"),
                               ("副组长", "周三立", "市政府副秘书长"), ("成员", "郑和", "市委宣传部副部长"),
                               ("成员", "冯五一", "市发展改革委副主任")]


@pytest.mark.parametrize("text, expected", [
    # a table whose first row is numbered opens the list by its role cell
    ("为加强领导，成立某市知识产权工作领导小组，组成人员如下：\n序号 | 职务 | 姓名 | 工作单位及职务\n"
     "1 | 组长 | 钱一鸣 | 市长\n2 | 成员 | 周三立 | 市科技局局长\n",
     [("组长", "钱一鸣", "市长"), ("成员", "周三立", "市科技局局长")]),
    # a member table without a role column
    ("附件\n某市知识产权工作联席会议成员名单\n姓名 | 单位及职务\n钱一鸣 | 市政府副市长\n周三立 | 市科技局局长\n",
     [("成员", "钱一鸣", "市政府副市长"), ("成员", "周三立", "市科技局局长")]),
    # a task table after a member list is not members
    ("附件\n某市知识产权工作领导小组名单\n组长 | 钱一鸣 | 市长\n序号 | 重点任务 | 牵头单位\n1 | 加强工作统筹 | 市市场监管局\n",
     [("组长", "钱一鸣", "市长")]),
])
def test_people_layouts_member_tables_without_title_or_role_column(text, expected):
    assert people_of(text) == expected


def test_people_layouts_concurrent_office_holders_by_name_or_post():
    text = ("附件\n某市知识产权工作领导小组名单\n成员：周三立 市科技局局长\n"
            "办公室设在市科技局，周三立兼任办公室主任，市财政局副局长兼任办公室副主任。\n")
    assert people_of(text) == [("成员", "周三立", "市科技局局长"), ("办公室主任", "周三立", "市科技局局长"),
                               ("办公室副主任", None, "市财政局副局长")]
