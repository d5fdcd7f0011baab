"""Charts keep kinds and units apart and show every plan (issue 23): a cumulative, a per-year and
a level target of one indicator land on three axes, values in different units never share one,
and the agency-type heatmap has a column for every plan, also for one that assigns no unit and
for two plans of one city."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stores  # noqa: E402

from policykg.extract import extract_text  # noqa: E402
from policykg.graph.rdf import result_to_quads  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.viz import charts  # noqa: E402

INDICATOR = "知识产权质押融资金额"


def _store(folder: Path, texts: dict[str, str]) -> Store:
    store = Store.open(folder / "store", create=True)
    for source, text in texts.items():
        graph, quads = result_to_quads(extract_text(text, source))
        store.replace_document(graph, quads)
    store.ensure_vocabulary()
    return store


def _plan(city: str, goals: str, body: str = "") -> str:
    return f"{city}知识产权强市建设工作方案（2024—2026年）\n一、主要目标\n{goals}\n二、重点任务\n{body}"


@pytest.fixture(scope="module")
def mixed_targets(tmp_path_factory):
    store = _store(tmp_path_factory.mktemp("kinds"), {"a.txt": _plan("甲市", f"到2026年，{INDICATOR}累计达到30亿元；每年新增{INDICATOR}5亿元；"
                                              f"{INDICATOR}达到8000万元。")})
    yield store
    store.close()


def test_charts_kinds_cumulative_annual_and_level_get_their_own_axes(mixed_targets):
    indicator, panels = charts.indicator_panels(mixed_targets, None)
    assert INDICATOR in indicator
    bases = {basis for basis, _ in panels}
    assert {"cumulative", "per-year"} <= bases
    for (basis, unit), rows in panels.items():
        assert {charts.target_axis(r) for r in rows} == {(basis, unit)}


def test_charts_kinds_chart_draws_one_axes_per_kind(mixed_targets, tmp_path):
    _, panels = charts.indicator_panels(mixed_targets, None)
    paths = charts.indicator_chart(mixed_targets, tmp_path)
    svg = next(p for p in paths if p.suffix == ".svg").read_text(encoding="utf-8")
    assert len(set(re.findall(r'<g id="axes_\d+"', svg))) == len(panels) >= 2


@pytest.mark.parametrize("first, second, apart", [
    ({"kind": "level", "annual": None, "unit": "件", "base_unit": "件"},
     {"kind": "level", "annual": None, "unit": "家", "base_unit": "家"}, True),
    ({"kind": "level", "annual": None, "unit": "万件", "base_unit": "件"},
     {"kind": "level", "annual": None, "unit": "件", "base_unit": "件"}, False),
    ({"kind": "cumulative", "annual": None, "unit": "亿元", "base_unit": "元"},
     {"kind": "level", "annual": "true", "unit": "亿元", "base_unit": "元"}, True),
    ({"kind": "growth", "annual": None, "unit": "%", "base_unit": "%"},
     {"kind": "level", "annual": None, "unit": "%", "base_unit": "%"}, True),
])
def test_charts_kinds_units_and_bases_share_an_axis_only_when_equal(first, second, apart):
    assert (charts.target_axis(first) != charts.target_axis(second)) is apart


def test_charts_kinds_heatmap_has_every_seed_plan():
    with Store.open(stores.seed_store(), read_only=True) as seed:
        sources = [d.source for d in seed.documents()]
        _, plans, counts = charts.agency_type_counts(seed)
    assert len(plans) == len(sources) == 5
    empty = [p for j, p in enumerate(plans) if not any(row[j] for row in counts)]
    assert all(charts.NO_ASSIGNMENTS in p for p in empty)   # said, never silently dropped


def test_charts_kinds_heatmap_keeps_a_plan_without_units_and_two_plans_of_one_city(tmp_path):
    body = "（一）加强专利培育。（市市场监管局牵头，市财政局配合）\n"
    store = _store(tmp_path, {"a.txt": _plan("株洲市", "到2026年，专利数量达到100件。", body),
                    "b.txt": _plan("株洲市", "到2026年，专利数量达到200件。", body),
                    "c.txt": _plan("湘潭市", "到2026年，专利数量达到300件。", "（一）加强专利培育。\n")})
    _, plans, counts = charts.agency_type_counts(store)
    assert len(plans) == 3
    assert sum("株洲市" in p for p in plans) == 2 and len(set(plans)) == 3
    no_units = [p for p in plans if charts.NO_ASSIGNMENTS in p]
    assert no_units == [p for j, p in enumerate(plans) if not any(row[j] for row in counts)]
    paths = charts.agency_types_heatmap(store, tmp_path / "charts")
    store.close()
    assert all(p.exists() and p.stat().st_size > 1000 for p in paths)
