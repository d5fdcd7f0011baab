"""graph/analysis/text_reuse.py: normalisation offsets, framework items, and reuse links between constructed
near-duplicate texts (linked) and unrelated or merely same-topic texts (not linked)."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.graph.analysis.text_reuse import (Unit, align, candidate_pairs, chinese_number, find_reuse,
                                  is_reuse, load_framework, normalise, split_items)

FRAMEWORK = Path(__file__).resolve().parents[2] / "data" / "frameworks" / \
    "zhishichanquan_qiangguo_jianshe_gangyao_2021-2035.txt"

FINANCE = ("鼓励银行业金融机构创新知识产权质押融资产品，扩大质押物范围，健全风险分担补偿机制，"
           "为中小企业提供便捷高效的融资支持。")
# The same passage lightly edited, as a city copying another's measure would: one word changed,
# one inserted, punctuation in half-width forms.
FINANCE_EDITED = ("推进知识产权金融服务。鼓励银行业金融机构创新知识产权质押融资产品,扩大质押物范围,"
                  "完善风险分担补偿机制,为科技型中小企业提供便捷高效的融资支持。(责任单位:市金融办)")
# Same topic, own wording: shares only short stock phrases (知识产权质押融资).
FINANCE_OWN_WORDS = "开展知识产权质押融资入园惠企活动，对贷款企业给予贴息补助，年度放款额稳步增长。"
PUBLICITY = "依托世界知识产权日开展宣传周活动，在中小学普及知识产权常识，营造尊重创新的社会氛围。"


def test_reuse_normalise_maps_back_to_the_original():
    text = "一、加强 知识产权，保护（试点）。"
    norm = normalise(text)
    assert norm.text == "一加强知识产权保护试点"
    start = norm.text.index("知识产权保护")
    s, e = norm.original_span(start, start + len("知识产权保护"))
    assert text[s:e] == "知识产权，保护"


@pytest.mark.parametrize("numeral,value", [("一", 1), ("九", 9), ("十", 10), ("十二", 12),
                                           ("二十", 20), ("二十四", 24)])
def test_reuse_chinese_number(numeral, value):
    assert chinese_number(numeral) == value


def test_reuse_framework_is_split_into_its_24_items():
    framework = load_framework(FRAMEWORK)
    assert framework.title.startswith("知识产权强国建设纲要")
    assert [item.no for item in framework.items] == list(range(1, 25))
    first, last = framework.items[0], framework.items[-1]
    assert first.title.startswith("指导思想") and first.part.startswith("二、")
    assert last.title.startswith("加强考核评估") and last.part.startswith("九、")
    for item in framework.items:  # each item's text is where it says it is, and stops before the next
        assert framework.text[item.start:item.end] == item.text
        assert item.text.startswith(item.marker)
        assert "（" + "二十五" not in item.text
    # an item never runs into the next part's heading
    assert "三、建设面向" not in framework.items[2].text


def test_reuse_split_items_on_a_constructed_text():
    text = "一、总体\n（一）目标。甲乙丙。\n（二）原则。丁戊。\n二、任务\n（三）任务一。己庚。\n"
    items = split_items(text)
    assert [(i.no, i.title, i.part) for i in items] == [(1, "目标", "一、总体"), (2, "原则", "一、总体"),
                                                        (3, "任务一", "二、任务")]
    assert items[1].text == "（二）原则。丁戊。"


def test_reuse_near_duplicate_is_aligned_and_linked():
    alignment = align(normalise(FINANCE), normalise(FINANCE_EDITED))
    assert is_reuse(alignment)
    assert alignment.longest >= 16 and alignment.score > 0.6


@pytest.mark.parametrize("other", [FINANCE_OWN_WORDS, PUBLICITY])
def test_reuse_unrelated_or_same_topic_is_not_linked(other):
    assert not is_reuse(align(normalise(FINANCE), normalise(other)))


def test_reuse_find_reuse_links_only_the_near_duplicate():
    units = [
        Unit("plan-a/m1", "plan-a", FINANCE, ("2021", "a")),
        Unit("plan-a/m2", "plan-a", PUBLICITY, ("2021", "a")),
        Unit("plan-b/m1", "plan-b", FINANCE_EDITED, ("2023", "b")),
        Unit("plan-b/m2", "plan-b", FINANCE_OWN_WORDS, ("2023", "b")),
        Unit("plan-c/m1", "plan-c", PUBLICITY, ("2022", "c")),
    ]
    links = find_reuse(units)
    pairs = {(link.source, link.target) for link in links}
    # the later plan reuses the earlier one; a plan's own measures are never compared
    assert pairs == {("plan-b/m1", "plan-a/m1"), ("plan-c/m1", "plan-a/m2")}
    link = next(link for link in links if link.source == "plan-b/m1")
    assert FINANCE_EDITED[link.source_span[0]:link.source_span[1]] == link.source_exact
    assert FINANCE[link.target_span[0]:link.target_span[1]] == link.target_exact
    assert normalise(link.source_exact).text == normalise(link.target_exact).text
    assert len(normalise(link.source_exact).text) == link.longest


def test_reuse_framework_item_is_always_the_target():
    framework = load_framework(FRAMEWORK)
    item = framework.items[16]  # (十七) culture
    copied = "大力" + item.text[len(item.marker):len(item.marker) + 40] + "，引导企业履行社会责任。"
    units = [Unit("fw/17", "framework", item.text), Unit("plan/m1", "plan", copied, ("2024", "p"))]
    links = find_reuse(units)
    assert [(link.source, link.target) for link in links] == [("plan/m1", "fw/17")]


def test_reuse_same_group_is_never_a_candidate():
    units = [Unit("a/1", "a", FINANCE), Unit("a/2", "a", FINANCE_EDITED)]
    assert candidate_pairs(units) == set()
    assert find_reuse(units) == []
