"""Issue 19: a cumulative and a per-year target, or values in different units, never share an axis
in the target chart or in target_comparison's `axis` column."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from policykg.extract import extract_text
from policykg.graph.rdf import result_to_quads, vocabulary_quads
from policykg.queries import run_query
from policykg.viz.charts import target_axis


@pytest.mark.parametrize("row, axis", [
    ({"kind": "level", "annual": None, "base_unit": "件", "unit": "万件"}, ("level", "件")),
    ({"kind": "cumulative", "annual": None, "base_unit": "元", "unit": "亿元"}, ("cumulative", "元")),
    ({"kind": "count", "annual": "true", "base_unit": "家", "unit": "家"}, ("per-year", "家")),
    ({"kind": "growth", "annual": None, "base_unit": "%", "unit": "%"}, ("growth", "%")),
])
def test_target_axes_basis_and_unit(row, axis):
    assert target_axis(row) == axis


def test_target_axes_comparison_query_separates_cumulative_annual_and_units():
    text = ("甲市知识产权强市建设工作方案（2024—2026年）\n一、主要目标\n到2026年，知识产权质押融资金额累计达到30亿元；"
            "每年新增知识产权质押融资金额5亿元；知识产权质押融资金额达到8000万元。")
    store = ox.Store()
    store.extend(result_to_quads(extract_text(text, "a.txt"))[1])
    store.extend(vocabulary_quads())
    columns, rows = run_query(store, "target_comparison", {})
    axes = {(r[columns.index("value")], r[columns.index("axis")]) for r in rows}
    assert axes == {("30", "cumulative · 元"), ("5", "per-year · 元"), ("8000", "level · 元")}
