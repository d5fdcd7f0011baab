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
