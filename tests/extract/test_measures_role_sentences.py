"""A numbered task that closes with a prose block ('A牵头，B、C配合。') carries its own
responsibilities: its group's block printed after the last task then belongs to that task, not to
the group (before, the group became one measure and the prose block's units were lost)."""
from __future__ import annotations

import pytest

from policykg.extract import extract_text

HEAD = "某市数字经济发展行动方案\n\n一、重点任务\n"


def _plan(group: str) -> str:
    return HEAD + group + "\n二、保障措施\n（一）加强组织领导。建立工作协调机制。\n"


def _by_measure(result) -> dict[str, list[tuple[str, str]]]:
    titles = {m.id: m.title for m in result.measures}
    out: dict[str, list[tuple[str, str]]] = {t: [] for t in titles.values()}
    for r in result.responsibilities:
        out[titles[r.measure_id]].append((r.agency, r.role))
    return out


@pytest.mark.parametrize("closing", [
    "市工信局牵头，市科技局、市财政局配合。",
    "市工信局牵头，市科技局、市财政局参与。",
    "市工信局、市科技局按职责分工负责；市工信局牵头。",
    "由市工信局牵头，市科技局、市财政局配合。",
])
def test_measures_a_task_closing_with_a_role_sentence_is_its_own_measure(closing):
    text = _plan("（一）发展软件产业\n"
                 f"1.培育软件企业。支持软件企业做大做强，打造一批骨干企业。{closing}\n"
                 "2.发展人工智能。建设人工智能创新应用先导区。\n"
                 "责任单位：市大数据局、市发改委\n")
    units = _by_measure(extract_text(text, source="x.txt"))
    assert "培育软件企业" in units and "发展人工智能" in units and "发展软件产业" not in units
    assert ("市工信局", "lead") in units["培育软件企业"]
    assert ("市科技局", "support") in units["培育软件企业"]
    assert units["发展人工智能"] == [("市大数据局", "support"), ("市发改委", "support")]


@pytest.mark.parametrize("task_one", [
    "1.培育软件企业。支持软件企业做大做强。",                              # no responsibility at all
    "1.培育软件企业。建立由市工信局牵头、市科技局参与的工作机制。",          # an attribute of a mechanism
    "1.培育软件企业。支持企业发展。各有关部门按职责分工负责。",             # names no lead
])
def test_measures_without_a_closing_role_sentence_the_group_keeps_its_block(task_one):
    text = _plan("（一）发展软件产业\n"
                 f"{task_one}\n"
                 "2.发展人工智能。建设人工智能创新应用先导区。\n"
                 "责任单位：市大数据局、市发改委\n")
    units = _by_measure(extract_text(text, source="x.txt"))
    assert "发展软件产业" in units and "培育软件企业" not in units
    assert ("市大数据局", "support") in units["发展软件产业"]


def test_measures_sub_points_with_a_role_sentence_stay_inside_their_item():
    text = _plan("（一）发展软件产业。\n"
                 "（1）培育软件企业。支持企业做大做强。市工信局牵头，市科技局配合。\n"
                 "（2）发展人工智能。建设先导区。\n"
                 "责任单位：市大数据局、市发改委\n")
    units = _by_measure(extract_text(text, source="x.txt"))
    assert "培育软件企业" not in units and "发展人工智能" not in units
