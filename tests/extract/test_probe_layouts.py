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
