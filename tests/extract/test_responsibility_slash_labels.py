"""Slashes in responsibility blocks: two labels sharing one colon ('牵头单位/配合单位：A/B、C') give
the first label's role to the units before the slash and the second's to those after it; a slash
between units of one list ('市科技局/市财政局') parts them like 、. Before, the slashed names were one
unit ('市市场监管局/市科技局') and a slashed label line gave nothing."""
from __future__ import annotations

import pytest

from policykg.extract import extract_text


def _roles(text: str) -> list[tuple[str, str]]:
    result = extract_text(text, source="x.txt")
    assert len(result.measures) == 1, [m.title for m in result.measures]
    for r in result.responsibilities:
        assert text[r.start:r.end] == r.agency   # spans point at the printed names
    return [(r.agency, r.role) for r in result.responsibilities]


def _plan(block: str) -> str:
    return f"某市知识产权工作方案\n\n一、重点任务\n1.强化知识产权保护。加大执法力度。{block}\n"


@pytest.mark.parametrize("block", [
    "（牵头单位/配合单位：市公安局/市市场监管局、市法院）",
    "（牵头单位／责任单位：市公安局／市市场监管局、市法院）",
    "（牵头/配合：市公安局/市市场监管局、市法院）",
    "\n牵头单位/责任单位：市公安局/市市场监管局、市法院",
])
def test_responsibility_slash_labels_part_lead_and_support(block):
    assert _roles(_plan(block)) == [("市公安局", "lead"), ("市市场监管局", "support"), ("市法院", "support")]


@pytest.mark.parametrize("block,expected", [
    ("（责任单位：市科技局/市财政局、市教育局）",
     [("市科技局", "support"), ("市财政局", "support"), ("市教育局", "support")]),
    ("（牵头单位：市公安局；配合单位：市法院/市检察院）",
     [("市公安局", "lead"), ("市法院", "support"), ("市检察院", "support")]),
])
def test_responsibility_slash_between_units_parts_them(block, expected):
    assert _roles(_plan(block)) == expected


def test_responsibility_slash_in_prose_is_no_block():
    roles = _roles(_plan("（责任单位：市科技局）推动专利/商标质押融资。"))
    assert roles == [("市科技局", "support")]
