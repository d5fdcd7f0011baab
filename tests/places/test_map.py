"""viz/map.py: the outline data decodes, the page is offline and escapes every document string,
colours follow the chosen column, the static PNG/SVG, `policykg viz map`, and the page in real
headless Chromium (draws, no outside request, no console error, a screenshot)."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "viz"))
import chromium  # noqa: E402  (tests/viz/chromium.py)
import stores  # noqa: E402  (tests/viz/stores.py)

from policykg.cli import app  # noqa: E402
from policykg.graph.places import ensure_places_graph  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.viz.map import (UnknownMapColumn, china_outline, color_scale, decode_polygon,  # noqa: E402
                              map_points, render_map)
from policykg.viz.views import VIEWS, render  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def seed():
    with Store.open(stores.seed_store(), read_only=True) as store:
        yield store


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="pk-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def _encode(points, offsets, scale=1024):
    """ECharts' UTF8Encoding, the inverse of decode_polygon, for the round trip."""
    out, prev = [], list(offsets)
    for x, y in points:
        for value, axis in ((round(x * scale), 0), (round(y * scale), 1)):
            delta = value - prev[axis]
            prev[axis] = value
            zigzag = delta << 1 if delta >= 0 else (-delta << 1) - 1
            out.append(chr(zigzag + 64))
    return "".join(out)


def test_map_decode_round_trips():
    ring = [(112.5, 26.875), (112.75, 27.0), (112.0, 26.5)]
    offsets = [round(112.5 * 1024), round(26.875 * 1024)]
    assert decode_polygon(_encode(ring, offsets), offsets) == ring


def test_map_outline_has_the_34_provinces_in_china():
    outline = china_outline()
    assert len(outline) == 34 and {code for code, _, _ in outline} >= {"430000", "640000", "710000", "810000"}
    lons = [x for _, _, rings in outline for ring in rings for x, _ in ring]
    lats = [y for _, _, rings in outline for ring in rings for _, y in ring]
    assert 73 < min(lons) < 74 and 134 < max(lons) < 136 and 18 < min(lats) < 19 and 53 < max(lats) < 54


def test_map_points_and_colours_follow_the_column(seed):
    points = {p.jurisdiction: p for p in map_points(seed, "measures")}
    assert set(points) == {"衡阳市", "杭州市", "四川省", "银川市", "朝阳市"}
    assert points["衡阳市"].code == "430400" and abs(points["衡阳市"].lat - 26.89) < 0.05
    scale = color_scale(list(points.values()))
    assert scale.numeric and scale.low < scale.high
    most = max(points.values(), key=lambda p: float(p.value))
    least = min(points.values(), key=lambda p: float(p.value))
    assert scale.color(most.value) == "#fde725" and scale.color(least.value) == "#440154"
    years = {p.jurisdiction: p.value for p in map_points(seed, "year")}
    assert years["四川省"] == "2016"
    levels = color_scale(map_points(seed, "level"))
    assert not levels.numeric and levels.categories == ("city", "province")


def test_map_colour_from_another_query(seed):
    values = {p.jurisdiction: p.value for p in map_points(seed, "value", "targets")}
    assert all(v is None or float(v) >= 0 for v in values.values()) and any(values.values())
    with pytest.raises(UnknownMapColumn, match="available: .*indicator"):
        map_points(seed, "nope", "targets")
    with pytest.raises(UnknownMapColumn, match="available: measures"):
        map_points(seed, "nope")


def test_map_is_a_registered_view_and_offline(seed):
    assert "color_by" in VIEWS["map"].params
    html = render(seed, "map", {"color_by": "measures"})
    assert html.count('class="province"') == 34 and html.count('class="plan"') == 5
    assert not re.search(r"<(?:link|iframe|img)\b", html) and not re.search(r"<script[^>]*\bsrc\s*=", html)
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert "default-src 'none'" in html
    assert len(page_data(html)["points"]) == 5


@pytest.fixture(scope="module")
def hostile_store():
    with Store.open(stores.hostile_store()) as store:
        ensure_places_graph(store)
    return stores.hostile_store()


def test_map_escapes_document_strings(hostile_store):
    with Store.open(hostile_store, read_only=True) as store:
        html = render_map(store, {"color_by": "level"})
    assert stores.SCRIPT not in html and stores.IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html      # shown as text in the table
    assert page_data(html)["points"][0]["jurisdiction"] == "临江市"


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_cli_viz_map_static_and_html(tmp_path, suffix, magic):
    out = tmp_path / f"map{suffix}"
    result = runner.invoke(app, ["viz", "map", "--store", str(stores.seed_store()), "--param", "color_by=year",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic) and out.stat().st_size > 20_000
    page = tmp_path / "map.html"
    result = runner.invoke(app, ["viz", "map", "--store", str(stores.seed_store()), "--out", str(page)])
    assert result.exit_code == 0 and len(page_data(page.read_text(encoding="utf-8"))["points"]) == 5


def test_cli_viz_map_bad_column_is_one_line(tmp_path):
    result = runner.invoke(app, ["viz", "map", "--store", str(stores.seed_store()), "--param", "color_by=bogus",
                                 "--out", str(tmp_path / "m.html")])
    assert result.exit_code == 1
    assert result.stderr.strip() == ("error: the map cannot colour by 'bogus'; available: measures, targets, "
                                     "year, period_start, period_end, level, province")


def test_map_in_headless_chromium(seed, hostile_store, tmp_path):
    page, hostile = tmp_path / "map.html", tmp_path / "hostile.html"
    page.write_text(render_map(seed, {"color_by": "measures"}), encoding="utf-8")
    with Store.open(hostile_store, read_only=True) as store:
        hostile.write_text(render_map(store, {}), encoding="utf-8")
    driver = chromium.start(1280, 1000)
    try:
        driver.get("about:blank")
        chromium.requested_urls(driver)   # drop the start-up page's requests
        chromium.console_errors(driver)
        driver.get(page.as_uri())
        chromium.wait_ready(driver)
        urls = chromium.requested_urls(driver)
        assert urls and urls[0].startswith("file:") and chromium.outside(urls) == []
        assert chromium.console_errors(driver) == []
        assert driver.execute_script("return window.policykgMap") == {"points": 5, "provinces": 34}
        box = driver.execute_script("var b = document.getElementById('pk-provinces').getBBox();"
                                    "return [b.width, b.height];")
        assert box[0] > 500 and box[1] > 300, "the outline is drawn at size"
        shot = tmp_path / "map.png"
        driver.save_screenshot(str(shot))
        assert shot.stat().st_size > 20_000
        driver.get(hostile.as_uri())
        chromium.wait_ready(driver)
        assert chromium.outside(chromium.requested_urls(driver)) == [] and chromium.console_errors(driver) == []
        assert driver.execute_script("return document.querySelectorAll('#pk-table img, #pk-map img').length") == 0
        assert "<script>alert(1)</script>" in driver.find_element("id", "pk-table").text
    finally:
        driver.quit()
