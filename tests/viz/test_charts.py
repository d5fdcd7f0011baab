"""Static charts: PNG and SVG written, Chinese drawn with a CJK font (no missing-glyph warnings),
a clear error when no CJK font exists, and `policykg viz charts` in-process."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stores  # noqa: E402

from policykg.cli import app  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.viz import charts  # noqa: E402
from policykg.viz.errors import NoCJKFont, NothingToShow  # noqa: E402


def _hide_system_cjk_fonts(monkeypatch):
    """matplotlib as on a machine without any CJK font installed (issue 22)."""
    from matplotlib import font_manager

    latin = [f for f in font_manager.fontManager.ttflist
             if not any(w in f.name for w in ("CJK", " SC", "Hei", "Han Sans", "WenQuanYi"))]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    monkeypatch.setattr(charts, "_CJK_FILES", ())


@pytest.fixture(scope="module")
def seed():
    with Store.open(stores.seed_store(), read_only=True) as store:
        yield store


def test_charts_find_a_cjk_font():
    assert charts.cjk_font() in charts.CJK_FONTS


def test_charts_without_a_system_cjk_font_use_the_packaged_one(monkeypatch, tmp_path):
    _hide_system_cjk_fonts(monkeypatch)
    name = charts.cjk_font()
    assert "CJK" in name
    from matplotlib import font_manager

    chosen = [f.fname for f in font_manager.fontManager.ttflist if f.name == name]
    assert chosen and all(path == charts.packaged_font_path() for path in chosen)
    # and it draws Chinese: no missing-glyph warning for a Chinese label
    plt = charts._pyplot(name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title("知识产权强市建设")
        fig.savefig(tmp_path / "t.png")
        plt.close(fig)
    assert not [w for w in caught if "missing from" in str(w.message)]


def test_charts_without_any_cjk_font_fail_with_one_line(monkeypatch):
    _hide_system_cjk_fonts(monkeypatch)
    monkeypatch.setattr(charts, "packaged_font_path", lambda: None)
    with pytest.raises(NoCJKFont, match="noto-cjk-sans-otc"):
        charts.cjk_font()


def test_charts_use_cjk_font_sets_matplotlib_defaults(monkeypatch):
    import matplotlib

    monkeypatch.setitem(matplotlib.rcParams, "font.sans-serif", ["DejaVu Sans"])
    name = charts.use_cjk_font()
    assert matplotlib.rcParams["font.sans-serif"][0] == name


def test_charts_agency_type_counts_match_the_graph(seed):
    types, plans, counts = charts.agency_type_counts(seed)
    assert len(counts) == len(types) and all(len(row) == len(plans) for row in counts)
    totals = [sum(row) for row in counts]
    assert totals == sorted(totals, reverse=True) and totals[0] > 1
    assert "市场监督管理局" in types


def test_charts_write_png_and_svg_with_chinese_glyphs(seed, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = charts.write_charts(seed, tmp_path)
    assert [p.name for p in paths] == ["agency_types_by_plan.png", "agency_types_by_plan.svg",
                                       "indicator_targets.png", "indicator_targets.svg"]
    for path in paths:
        assert path.stat().st_size > 5_000
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[1].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == [], "every Chinese character has a glyph"


def test_charts_indicator_by_name_and_unknown(seed, tmp_path):
    rows = [r for r in charts.target_rows(seed) if r["year"] and r["value"]]
    name = rows[0]["indicator"]
    assert charts.indicator_chart(seed, tmp_path, name)[0].is_file()
    with pytest.raises(NothingToShow, match="no indicator"):
        charts.indicator_chart(seed, tmp_path, "不存在的指标")


def test_cli_viz_charts(tmp_path):
    out = tmp_path / "charts"
    result = CliRunner().invoke(app, ["viz", "charts", "--store", str(stores.seed_store()),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    printed = result.stdout.split()
    assert len(printed) == 4 and all(Path(p).is_file() for p in printed)
    bad = CliRunner().invoke(app, ["viz", "charts", "--store", str(stores.seed_store()),
                                   "--param", "city=x", "--out", str(out)])
    assert bad.exit_code == 1 and bad.stderr.startswith("error: charts have no parameter 'city'")
