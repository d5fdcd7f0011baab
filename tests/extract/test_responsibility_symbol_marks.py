"""Units marked by a printed symbol ('市公安局★', '市科技局*', '▲市财政局'): the mark never sticks
to the unit's name, and a unit whose mark the plan's legend names as the lead's ('注：标★的为牵头单位')
leads. Without a legend the mark says nothing we can read, so the unit keeps its list's role."""
from __future__ import annotations

import pytest

from policykg.extract import extract_text

PLAN = """某市知识产权强市建设工作方案

一、重点任务
1.加强知识产权创造。提升专利质量。（责任单位：市市场监管局{a}、市科技局）
2.强化知识产权保护。加大执法力度。（责任单位：{b}市公安局、市市场监管局、市法院）

{legend}
"""


def _roles(text: str) -> dict[str, list[tuple[str, str]]]:
    result = extract_text(text, source="x.txt")
    out: dict[str, list[tuple[str, str]]] = {}
    for r in result.responsibilities:
        out.setdefault(r.measure_id, []).append((r.agency, r.role))
    return out


@pytest.mark.parametrize("mark,legend", [
    ("★", "注：标★的为牵头单位。"),
    ("*", "注：带*号的单位为牵头单位。"),
    ("▲", "说明：▲为牵头单位，其余为配合单位。"),
    ("★", "备注：标注“★”的为牵头部门。"),
    ("＊", "注：标＊、▲或★者为牵头单位。"),
])
def test_responsibility_symbol_named_by_the_legend_leads(mark, legend):
    roles = _roles(PLAN.format(a=mark, b=mark, legend=legend))
    assert roles["m1"] == [("市市场监管局", "lead"), ("市科技局", "support")]
    assert roles["m2"] == [("市公安局", "lead"), ("市市场监管局", "support"), ("市法院", "support")]


@pytest.mark.parametrize("legend", ["", "注：各单位按职责分工负责。", "注：标★的为重点任务。"])
def test_responsibility_symbol_without_a_lead_legend_is_dropped_from_the_name_only(legend):
    text = PLAN.format(a="★", b="★", legend=legend)
    roles = _roles(text)
    assert roles["m1"] == [("市市场监管局", "support"), ("市科技局", "support")]
    assert roles["m2"][0] == ("市公安局", "support")
    agencies = {a.name for a in extract_text(text, source="x.txt").agencies}
    assert not any("★" in name for name in agencies)


def test_responsibility_symbol_spans_point_at_the_name():
    text = PLAN.format(a="★", b="★", legend="注：标★的为牵头单位。")
    result = extract_text(text, source="x.txt")
    for r in result.responsibilities:
        assert text[r.start:r.end] == r.agency
