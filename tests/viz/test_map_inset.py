"""The map carries the 南海诸岛 inset that maps of China carry (issue 23): a framed box at the
bottom right with the ten dashes and the coast, in the HTML map, the static SVG and the PNG, from
data shipped in the package with its provenance."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stores  # noqa: E402

from policykg.graph.store import Store  # noqa: E402
from policykg.viz import map as viz_map  # noqa: E402


@pytest.fixture(scope="module")
def seed():
    with Store.open(stores.seed_store(), read_only=True) as store:
        yield store


def test_map_inset_data_ships_with_its_provenance():
    data = json.loads(viz_map.INSET_FILE.read_text(encoding="utf-8"))
    parts = [f["properties"]["part"] for f in data["features"]]
    assert parts.count("dash") == 10 and parts.count("coast") == 1 and parts.count("frame") == 1
    readme = (viz_map.INSET_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert viz_map.INSET_FILE.name in readme and "Apache-2.0" in readme and "nanhai" in readme
    (width, height), rings = viz_map.south_china_sea_inset()
    assert (width, height) == (64, pytest.approx(93.1))
    assert all(0 <= x <= width and 0 <= y <= height for _, ring in rings for x, y in ring)


def test_map_inset_html_has_the_box_bottom_right(seed):
    html = viz_map.render_map(seed, {})
    group = re.search(rf'<g id="{viz_map.INSET_ID}"[^>]*>(.*?)</g>', html, re.S)
    assert group, "no inset group"
    assert group.group(1).count('class="inset-dash"') == 10
    assert "南海诸岛" in group.group(1)
    view_w, view_h = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', html).groups())
    box = re.search(r'<rect class="inset-box" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"',
                    group.group(1))
    x, y, w, h = (float(v) for v in box.groups())
    assert x > view_w / 2 and y > view_h / 2            # bottom right
    assert x + w <= view_w and y + h <= view_h          # inside the map
    assert w < h                                        # the tall box of the standard inset


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_map_inset_static_map_carries_the_inset(seed, tmp_path, suffix):
    out = viz_map.write_static_map(seed, tmp_path / f"map{suffix}")
    assert out.exists() and out.stat().st_size > 10_000
    if suffix == ".svg":
        assert f'id="{viz_map.INSET_ID}"' in out.read_text(encoding="utf-8")


def test_map_inset_static_map_draws_it_in_the_corner():
    """The inset axes sit in the bottom-right corner of the map axes, inside them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 7))
    viz_map.draw_inset(ax)
    fig.canvas.draw()
    inset = next(child for child in ax.child_axes if child.get_gid() == viz_map.INSET_ID)
    outer, box = ax.get_window_extent(), inset.get_window_extent()
    plt.close(fig)
    assert box.x0 > outer.x0 + outer.width / 2 and box.y1 < outer.y0 + outer.height / 2
    assert box.x1 <= outer.x1 and box.y0 >= outer.y0
