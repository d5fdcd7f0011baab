"""The map view: each plan's jurisdiction as a point on an outline map of China, coloured by a
column (number of measures, the year, a target value from any query joined on `source`).

`render_map(store, params)` gives one self-contained offline HTML page (inline SVG, no library,
no request); `write_static_map(store, out, ...)` a PNG or SVG for papers (matplotlib). Province
outlines are data from the npm package echarts 4.9.0 (viz/data/NOTICE); plan coordinates come
from the places graph (graph/places.py). DOCS: docs/places.md#map
"""
from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policykg.errors import PolicyKGError
from policykg.graph.store import Store

OUTLINE_FILE = Path(__file__).resolve().parent / "data" / "china_provinces.json"
# the 南海诸岛 inset that maps of China carry, bottom right (viz/data/README.md: provenance)
INSET_FILE = Path(__file__).resolve().parent / "data" / "south_china_sea_inset.json"
INSET_ID = "pk-south-china-sea-inset"
INSET_NAME = "南海诸岛"
MAP_JS = Path(__file__).resolve().parent / "web" / "static" / "views_map.js"
DEFAULT_COLOR_BY = "measures"
# columns of the built-in plan query that can colour the points
BUILTIN_COLUMNS = ("measures", "targets", "year", "period_start", "period_end", "level", "province")
MAP_PARAMS = {
    "color_by": f"the column that colours the points: {', '.join(BUILTIN_COLUMNS)} (default "
                f"{DEFAULT_COLOR_BY}), or a column of --param query=NAME",
    "query": "a named query or .rq file whose rows carry `source` and the color_by column, e.g. "
             "targets (the first number per plan is used) (optional)",
}
# viridis, 9 stops: legible on white and in greyscale
_SEQUENTIAL = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30",
               "#fde725"]
_CATEGORICAL = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#f0e442", "#000000"]
_LON0, _LAT0, _LON1, _LAT1 = 73.0, 17.5, 135.5, 54.0   # the frame drawn (mainland, Hainan, Taiwan)
_X_SCALE = math.cos(math.radians(36))                  # keeps shapes close to true at mid-latitudes
_PX = 16.0                                             # SVG units per degree of latitude

_PLANS_SPARQL = """
PREFIX pk: <https://w3id.org/policykg/ns#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?source ?title ?jurisdiction ?code ?level ?province ?lat ?lon ?year ?period_start ?period_end
       ?measures ?targets
WHERE {
  GRAPH ?g {
    ?g dcterms:source ?source ; pk:plan ?plan .
    OPTIONAL { ?plan eli:title ?title }
    OPTIONAL { ?plan pk:jurisdiction ?j . ?j rdfs:label ?jurisdiction }
    OPTIONAL { ?plan pk:province/rdfs:label ?province }
    OPTIONAL { ?plan pk:level ?level }
    OPTIONAL { ?plan eli:date_document ?issued }
    OPTIONAL { ?plan pk:periodStart ?period_start }
    OPTIONAL { ?plan pk:periodEnd ?period_end }
  }
  OPTIONAL { SELECT ?plan (COUNT(?measure) AS ?measures) WHERE { GRAPH ?mg { ?mg pk:plan ?plan . ?measure a pk:Measure } } GROUP BY ?plan }
  OPTIONAL { SELECT ?plan (COUNT(?target) AS ?targets) WHERE { GRAPH ?tg { ?tg pk:plan ?plan . ?target a pk:Target } } GROUP BY ?plan }
  OPTIONAL { GRAPH <https://w3id.org/policykg/id/graph/places> {
    ?j dcterms:identifier ?code ; geo:lat ?lat ; geo:long ?lon } }
  BIND(IF(BOUND(?issued), YEAR(?issued), ?period_start) AS ?year)
}
ORDER BY ?source
"""


class UnknownMapColumn(PolicyKGError):
    def __init__(self, column: str, available: list[str]):
        super().__init__(f"the map cannot colour by {column!r}; available: {', '.join(available)}")


class NoPlansToMap(PolicyKGError):
    def __init__(self) -> None:
        super().__init__("no plan in the store has a jurisdiction with coordinates: build plans first")


@dataclass
class MapPoint:
    source: str
    title: str
    jurisdiction: str
    code: str
    level: str
    lon: float
    lat: float
    value: str | None        # the colouring column's value as text ("" / None = no value)


# ---- data ------------------------------------------------------------------------------------

def decode_polygon(encoded: str, offsets: list[int], scale: float = 1024.0) -> list[tuple[float, float]]:
    """One ring of ECharts' UTF8Encoding (zigzag + delta, as in echarts 4 parseGeoJson.js)."""
    points = []
    prev_x, prev_y = offsets[0], offsets[1]
    codes = encoded.encode("utf-16-le")
    units = [int.from_bytes(codes[i:i + 2], "little") for i in range(0, len(codes), 2)]
    for i in range(0, len(units) - 1, 2):
        x, y = units[i] - 64, units[i + 1] - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        points.append((x / scale, y / scale))
    return points


@lru_cache(maxsize=1)
def china_outline() -> tuple[tuple[str, str, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    """(code, name, rings) for each province-level unit, decoded from viz/data."""
    data = json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))
    scale = float(data.get("UTF8Scale") or 1024)
    out = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        offsets = geometry["encodeOffsets"] if geometry["type"] == "MultiPolygon" else [geometry["encodeOffsets"]]
        rings = []
        for polygon, polygon_offsets in zip(polygons, offsets):
            for ring, ring_offsets in zip(polygon, polygon_offsets):
                if data.get("UTF8Encoding"):
                    rings.append(tuple(decode_polygon(ring, ring_offsets, scale)))
                else:
                    rings.append(tuple((float(x), float(y)) for x, y in ring))
        out.append((str(feature.get("id") or feature["properties"].get("id")),
                    feature["properties"]["name"], tuple(rings)))
    return tuple(out)


@lru_cache(maxsize=1)
def south_china_sea_inset() -> tuple[tuple[float, float], tuple[tuple[str, tuple[tuple[float, float], ...]], ...]]:
    """((width, height), ((part, ring), ...)) of the 南海诸岛 inset in its own schematic units
    (y up): part "coast" (the land at the box's foot), "dash" (the ten dashes of the line) and
    "frame" (the box's outline)."""
    data = json.loads(INSET_FILE.read_text(encoding="utf-8"))
    x0, y0, x1, y1 = data["bbox"]
    parts = tuple((f["properties"]["part"], tuple((float(x), float(y)) for x, y in f["geometry"]["coordinates"][0]))
                  for f in data["features"])
    return (x1 - x0, y1 - y0), parts


def _inset_svg(map_width: float, map_height: float) -> str:
    """The inset as an SVG group in the map's bottom-right corner: a framed box with the coast,
    the dashes and the label 南海诸岛."""
    (unit_w, unit_h), parts = south_china_sea_inset()
    box_h = map_height * 0.3
    box_w = box_h * unit_w / unit_h
    left, top = map_width - box_w - 4, map_height - box_h - 4
    scale = box_h / unit_h

    def points(ring) -> str:
        return " ".join(f"{left + x * scale:.1f},{top + (unit_h - y) * scale:.1f}" for x, y in ring)

    shapes = [f'<polygon class="inset-{part}" points="{points(ring)}"/>' for part, ring in parts if part != "frame"]
    return (f'<g id="{INSET_ID}" aria-label="{INSET_NAME} inset">'
            f'<rect class="inset-box" x="{left:.1f}" y="{top:.1f}" width="{box_w:.1f}" height="{box_h:.1f}"/>'
            + "".join(shapes)
            + f'<text class="inset-label" x="{left + box_w - 6:.1f}" y="{top + box_h - 0.16 * box_h:.1f}" '
              f'text-anchor="end">{INSET_NAME}</text></g>')


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def map_points(store: Store, color_by: str = DEFAULT_COLOR_BY, query: str | None = None) -> list[MapPoint]:
    """One point per plan whose jurisdiction has coordinates, with its value for `color_by`."""
    results = store.query(_PLANS_SPARQL)
    rows = [dict(zip(results.columns, row)) for row in results.rows]
    values: dict[str, str | None] = {}
    if query:
        from policykg.queries import load_query

        other = store.run_query(load_query(query), {})
        if "source" not in other.columns or color_by not in other.columns:
            raise UnknownMapColumn(color_by, [c for c in other.columns if c != "source"])
        index = other.columns.index(color_by), other.columns.index("source")
        for row in other.rows:  # the first number per plan (a target value), else the first text
            value, source = row[index[0]], row[index[1]]
            if source not in values or (_number(values[source]) is None and _number(value) is not None):
                values[source] = value
    elif color_by not in BUILTIN_COLUMNS:
        raise UnknownMapColumn(color_by, list(BUILTIN_COLUMNS))
    points = []
    for row in rows:
        lat, lon = _number(row["lat"]), _number(row["lon"])
        if lat is None or lon is None:
            continue
        value = values.get(row["source"]) if query else row.get(color_by)
        points.append(MapPoint(row["source"], row["title"] or "", row["jurisdiction"] or "", row["code"] or "",
                               row["level"] or "", lon, lat, value if value not in ("",) else None))
    return points


# ---- colours ---------------------------------------------------------------------------------

def _mix(a: str, b: str, t: float) -> str:
    ca, cb = [int(a[i:i + 2], 16) for i in (1, 3, 5)], [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb))


def sequential_color(t: float) -> str:
    t = min(max(t, 0.0), 1.0) * (len(_SEQUENTIAL) - 1)
    i = min(int(t), len(_SEQUENTIAL) - 2)
    return _mix(_SEQUENTIAL[i], _SEQUENTIAL[i + 1], t - i)


@dataclass
class ColorScale:
    numeric: bool
    low: float | None = None
    high: float | None = None
    categories: tuple[str, ...] = ()

    def color(self, value: str | None) -> str:
        if value in (None, ""):
            return "#bdbdbd"
        if self.numeric:
            number = _number(value)
            span = (self.high - self.low) if self.high is not None and self.low is not None else 0
            return sequential_color(0.5 if not span else (number - self.low) / span)
        return _CATEGORICAL[self.categories.index(value) % len(_CATEGORICAL)]


def color_scale(points: list[MapPoint]) -> ColorScale:
    present = [p.value for p in points if p.value not in (None, "")]
    numbers = [_number(v) for v in present]
    if present and all(n is not None for n in numbers):
        return ColorScale(True, min(numbers), max(numbers))
    return ColorScale(False, categories=tuple(sorted(set(present))))


# ---- geometry --------------------------------------------------------------------------------

def project(lon: float, lat: float) -> tuple[float, float]:
    """Lon/lat -> SVG units: equirectangular with x scaled by cos(36°), north up."""
    return (lon - _LON0) * _X_SCALE * _PX, (_LAT1 - lat) * _PX


def _spread(points: list[MapPoint]) -> list[tuple[float, float]]:
    """Projected positions; plans of the same place are fanned out around it."""
    seen: dict[tuple[float, float], int] = {}
    out = []
    for point in points:
        x, y = project(point.lon, point.lat)
        n = seen.get((x, y), 0)
        seen[(x, y)] = n + 1
        if n:
            angle = n * 2.4
            x, y = x + 7 * math.cos(angle), y + 7 * math.sin(angle)
        out.append((round(x, 1), round(y, 1)))
    return out


def _path(rings) -> str:
    parts = []
    for ring in rings:
        coords = [project(lon, lat) for lon, lat in ring]
        if len(coords) < 3:
            continue
        parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + " Z")
    return " ".join(parts)


# ---- HTML ------------------------------------------------------------------------------------

def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def render_map(store: Store, params: dict[str, str] | None = None, *, web: bool = False,
               link_base: str | None = None) -> str:
    """A complete offline HTML page: province outlines with the 南海诸岛 inset, one point per plan
    coloured by params["color_by"] (optional params["query"] joined on `source`), a legend and a
    table. Every document string is HTML-escaped; the page's data JSON is escaped for <script>.
    web (bool): the page script comes from the server (/static/views_map.js; the web app's CSP
    forbids inline scripts); link_base: plans link to their pages under it (None: no links).
    RAISES: UnknownMapColumn, NoPlansToMap, QueryNotFound (PolicyKGError)."""
    from urllib.parse import quote

    from .page import script_json

    params = {k: v.strip() for k, v in (params or {}).items() if v and v.strip()}
    color_by = params.get("color_by", DEFAULT_COLOR_BY)
    query = params.get("query")
    points = map_points(store, color_by, query)
    if not points:
        raise NoPlansToMap()
    scale = color_scale(points)
    width, height = project(_LON1, _LAT0)
    provinces = "\n".join(
        f'<path class="province" data-code="{_e(code)}" d="{_path(rings)}"><title>{_e(name)}</title></path>'
        for code, name, rings in china_outline())
    positions = _spread(points)
    marks = []
    for i, (point, (x, y)) in enumerate(zip(points, positions)):
        tip = f"{point.jurisdiction} ({point.code})\n{point.title}\n{point.source}\n{color_by}: {point.value or '-'}"
        mark = (f'<circle cx="{x}" cy="{y}" r="6.5" fill="{scale.color(point.value)}"><title>{_e(tip)}</title></circle>'
                f'<text x="{x + 9}" y="{y + 4}">{_e(point.jurisdiction)}</text>')
        if link_base is not None:
            mark = f'<a href="{_e(link_base + "/plans/" + quote(point.source))}">{mark}</a>'
        marks.append(f'<g class="plan" data-i="{i}" data-source="{_e(point.source)}">{mark}</g>')
    if scale.numeric:
        stops = "".join(f'<stop offset="{i / (len(_SEQUENTIAL) - 1):.3f}" stop-color="{c}"/>'
                        for i, c in enumerate(_SEQUENTIAL))
        legend = (f'<svg class="legend" width="260" height="42" role="img" aria-label="colour scale">'
                  f'<defs><linearGradient id="pk-scale">{stops}</linearGradient></defs>'
                  f'<rect x="10" y="4" width="240" height="14" fill="url(#pk-scale)"/>'
                  f'<text x="10" y="34">{_e(_fmt(scale.low))}</text>'
                  f'<text x="250" y="34" text-anchor="end">{_e(_fmt(scale.high))}</text></svg>')
    else:
        legend = "".join(f'<span class="swatch"><i style="background:{scale.color(c)}"></i>{_e(c)}</span>'
                         for c in scale.categories)
    rows = "\n".join(
        f'<tr data-i="{i}"><td>{_e(p.jurisdiction)}</td><td>{_e(p.code)}</td><td>{_e(p.level)}</td>'
        f'<td>{_e(p.value if p.value is not None else "")}</td><td>{_e(p.title)}</td><td>{_e(p.source)}</td></tr>'
        for i, p in enumerate(points))
    data = {"color_by": color_by, "query": query or None,
            "points": [{"source": p.source, "jurisdiction": p.jurisdiction, "code": p.code, "level": p.level,
                        "lon": p.lon, "lat": p.lat, "value": p.value} for p in points]}
    subtitle = f"颜色 colour: {color_by}" + (f" (query {query})" if query else "")
    return _PAGE.format(
        title=_e("方案地图 Plans on the map"), subtitle=_e(subtitle), width=f"{width:.0f}", height=f"{height:.0f}",
        provinces=provinces, marks="\n".join(marks), legend=legend, rows=rows,
        column=_e(color_by), data=script_json(data), count=len(points),
        inset=_inset_svg(width, height),
        csp='<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' if web else _STATIC_CSP,
        script='<script src="/static/views_map.js"></script>' if web else f"<script>{map_script()}</script>")


_STATIC_CSP = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">")


@lru_cache(maxsize=1)
def map_script() -> str:
    """The map page's script (viz/web/static/views_map.js), inlined in files."""
    text = MAP_JS.read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise RuntimeError(f"{MAP_JS}: contains a closing tag and cannot be inlined")
    return text


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


_PAGE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
{csp}
<title>{title}</title>
<style>
body {{ font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; margin: 16px; color: #222; }}
h1 {{ font-size: 20px; margin: 0 0 4px; }}
.sub {{ color: #555; margin: 0 0 8px; }}
#pk-map {{ width: 100%; max-width: 1100px; height: auto; border: 1px solid #ddd; background: #f7fbff; }}
.province {{ fill: #ececec; stroke: #9a9a9a; stroke-width: 0.6; }}
.province:hover {{ fill: #dfe7f0; }}
.plan circle {{ stroke: #fff; stroke-width: 1.5; }}
.plan text {{ font-size: 11px; fill: #222; paint-order: stroke; stroke: #fff; stroke-width: 3px; }}
.plan.on circle, .plan:hover circle {{ stroke: #d62728; stroke-width: 3; }}
.legend text {{ font-size: 12px; }}
.swatch {{ margin-right: 12px; }} .swatch i {{ display: inline-block; width: 12px; height: 12px; margin-right: 4px; }}
table {{ border-collapse: collapse; margin-top: 12px; font-size: 13px; }}
td, th {{ border-bottom: 1px solid #eee; padding: 3px 8px; text-align: left; }}
tr.on {{ background: #fff3c4; }}
.inset-box {{ fill: #f7fbff; stroke: #555; stroke-width: 1; }}
.inset-coast {{ fill: #ececec; stroke: #9a9a9a; stroke-width: 0.5; }}
.inset-dash {{ fill: #6b6b6b; }}
.inset-label {{ font-size: 11px; fill: #333; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="sub">{subtitle} · {count} 个方案 plans</p>
<div id="pk-legend">{legend}</div>
<svg id="pk-map" viewBox="0 0 {width} {height}" role="img" aria-label="map of China with plans">
<g id="pk-provinces">
{provinces}
</g>
{inset}
<g id="pk-plans">
{marks}
</g>
</svg>
<table id="pk-table"><thead><tr><th>辖区 jurisdiction</th><th>代码 code</th><th>层级 level</th><th>{column}</th><th>标题 title</th><th>文件 source</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<script type="application/json" id="pk-data">{data}</script>
{script}
</body>
</html>
"""


# ---- static ----------------------------------------------------------------------------------

def write_static_map(store: Store, out: Path, color_by: str = DEFAULT_COLOR_BY, query: str | None = None) -> Path:
    """The same map as a PNG or SVG (by `out`'s suffix) for papers, drawn with matplotlib."""
    from .charts import _pyplot, cjk_font

    if out.suffix.lower() not in (".png", ".svg"):
        raise PolicyKGError(f"a static map is written as .png or .svg, not {out.suffix or 'no suffix'!r}")
    points = map_points(store, color_by, query)
    if not points:
        raise NoPlansToMap()
    plt = _pyplot(cjk_font())
    scale = color_scale(points)
    fig, ax = plt.subplots(figsize=(9, 7))
    for _, _, rings in china_outline():
        for ring in rings:
            xs, ys = zip(*ring)
            ax.fill(xs, ys, facecolor="#ececec", edgecolor="#8a8a8a", linewidth=0.4)
    for point in points:
        ax.scatter([point.lon], [point.lat], s=60, color=scale.color(point.value), edgecolor="white",
                   linewidth=0.8, zorder=3)
        ax.annotate(point.jurisdiction, (point.lon, point.lat), xytext=(5, 3), textcoords="offset points",
                    fontsize=8)
    if scale.numeric:
        from matplotlib.colors import LinearSegmentedColormap, Normalize

        cmap = LinearSegmentedColormap.from_list("pk", _SEQUENTIAL)
        low, high = scale.low, scale.high if scale.high != scale.low else scale.low + 1
        mappable = plt.cm.ScalarMappable(norm=Normalize(low, high), cmap=cmap)
        fig.colorbar(mappable, ax=ax, shrink=0.6, label=color_by)
    else:
        for category in scale.categories:
            ax.scatter([], [], color=scale.color(category), label=category)
        if scale.categories:
            ax.legend(title=color_by, fontsize=8, loc="lower left")
    ax.set_xlim(_LON0, _LON1)
    ax.set_ylim(_LAT0, _LAT1)
    ax.set_aspect(1 / _X_SCALE)
    draw_inset(ax)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(f"方案地图 plans by jurisdiction · {color_by}")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=200 if out.suffix.lower() == ".png" else None, bbox_inches="tight")
    plt.close(fig)
    return out


def draw_inset(ax) -> None:
    """The 南海诸岛 inset in the bottom-right corner of a matplotlib map axes, as its own framed
    axes (SVG group id INSET_ID)."""
    (unit_w, unit_h), parts = south_china_sea_inset()
    height = 0.3
    width = height * unit_w / unit_h * _X_SCALE  # the main axes' aspect stretches y by 1/cos(36°)
    inset = ax.inset_axes([1 - width - 0.01, 0.01, width, height])
    for part, ring in parts:
        if part == "frame":
            continue
        xs, ys = zip(*ring)
        if part == "coast":
            inset.fill(xs, ys, facecolor="#ececec", edgecolor="#8a8a8a", linewidth=0.4)
        else:
            inset.fill(xs, ys, facecolor="#6b6b6b", edgecolor="none")
    inset.text(unit_w - 3, 16, INSET_NAME, ha="right", va="bottom", fontsize=7)
    inset.set_xlim(0, unit_w)
    inset.set_ylim(0, unit_h)
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_facecolor("#f7fbff")
    inset.set_gid(INSET_ID)


__all__ = ["INSET_ID", "draw_inset", "south_china_sea_inset", "BUILTIN_COLUMNS", "DEFAULT_COLOR_BY", "MAP_PARAMS", "MapPoint", "NoPlansToMap", "UnknownMapColumn",
           "china_outline", "color_scale", "decode_polygon", "map_points", "project", "render_map",
           "write_static_map"]
