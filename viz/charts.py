"""Static charts (matplotlib, PNG and SVG) for reports: agency types x plans, and one indicator's
targets across cities and years. Chinese labels need a CJK font; without one matplotlib draws
boxes, so we refuse with NoCJKFont instead. Data comes from SPARQL over the store.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from policykg.graph.store import Store

from .errors import NoCJKFont, NothingToShow
from .projections_for_views import PREFIXES, target_rows

# Preferred first; any font whose name says CJK/SC/Hei is tried after these.
CJK_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC",
             "Source Han Sans SC", "Source Han Sans CN", "SimHei", "Microsoft YaHei", "PingFang SC")
_CJK_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
              "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
              "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

_AGENCY_TYPES = """
SELECT ?source ?city ?type ?agency WHERE {
  GRAPH ?g { ?g dcterms:source ?source ; pk:plan ?plan .
    ?assignment a pk:Assignment ; pk:agency ?agency .
    OPTIONAL { ?plan pk:jurisdiction/rdfs:label ?city }
    OPTIONAL { ?agency org:classification ?type_ } }
  OPTIONAL { ?type_ skos:prefLabel ?type_label FILTER(LANG(?type_label) = "zh") }
  BIND(COALESCE(?type_label, "未分类") AS ?type) }
"""


def cjk_font() -> str:
    """The family name of a CJK font matplotlib can use: a system font when there is one (the
    Debian packages in _CJK_FILES, or any font whose name says CJK), else the Noto Sans CJK
    collection shipped by the `noto-cjk-sans-otc` package, registered at run time, so charts draw
    Chinese on a machine with no CJK font installed. RAISES: NoCJKFont."""
    from matplotlib import font_manager

    for path in _CJK_FILES:  # a font installed after matplotlib built its cache
        if Path(path).exists() and not any(f.fname == path for f in font_manager.fontManager.ttflist):
            font_manager.fontManager.addfont(path)
    found = _known_cjk_font({f.name for f in font_manager.fontManager.ttflist})
    if found:
        return found
    packaged = packaged_font_path()
    if packaged is not None:
        font_manager.fontManager.addfont(packaged)
        found = _known_cjk_font({f.name for f in font_manager.fontManager.ttflist})
        if found:
            return found
    raise NoCJKFont()


def _known_cjk_font(names: set[str]) -> str | None:
    for name in CJK_FONTS:
        if name in names:
            return name
    for name in sorted(names):
        if any(word in name for word in ("CJK", " SC", "Hei", "Han Sans")):
            return name
    return None


def packaged_font_path() -> str | None:
    """The CJK font file of the `noto-cjk-sans-otc` package (a dependency), or None without it."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    return str(path) if path.exists() else None


def use_cjk_font() -> str:
    """Make matplotlib draw Chinese in every later figure (notebooks, pandas plots): puts the CJK
    font first in `font.sans-serif`. RETURNS (str): the font's family name. RAISES: NoCJKFont."""
    import matplotlib

    name = cjk_font()
    matplotlib.rcParams["font.sans-serif"] = [name] + [
        f for f in matplotlib.rcParams["font.sans-serif"] if f != name]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name


def _pyplot(font: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = [font]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.hashsalt"] = "policykg"  # stable SVG ids from run to run
    return plt


def _save(fig, out_dir: Path, stem: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.png", out_dir / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=150, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight", metadata={"Date": None})
    return paths


_PLANS = """
SELECT ?source ?city WHERE {
  GRAPH ?g { ?g dcterms:source ?source ; pk:plan ?plan .
    OPTIONAL { ?plan pk:jurisdiction/rdfs:label ?city } } }
ORDER BY ?source
"""
NO_ASSIGNMENTS = "无责任单位 no units assigned"


def plan_labels(store: Store) -> dict[str, str]:
    """source -> the plan's column label: its jurisdiction, or the file name when it has none;
    plans of one jurisdiction are told apart by their file names (never merged into one column)."""
    cities: dict[str, str] = {}
    for row in store.query(PREFIXES + _PLANS).as_dicts():
        cities.setdefault(row["source"], row["city"] or "")
    per_city = Counter(city for city in cities.values() if city)
    return {source: (city if city and per_city[city] == 1 else f"{city} {source}".strip())
            for source, city in cities.items()}


def agency_type_counts(store: Store) -> tuple[list[str], list[str], list[list[int]]]:
    """(agency types, plans, counts): distinct agencies of each type each plan assigns work to.
    Every plan of the store is a column, also one that assigns no unit (its column is all 0 and
    its label says so); columns are labelled by city (plan_labels), in file-name order; types by
    total, largest first. Agencies without a type count as 未分类."""
    labels = plan_labels(store)
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    assigning: set[str] = set()
    for row in store.query(PREFIXES + _AGENCY_TYPES).as_dicts():
        source = row["source"]
        labels.setdefault(source, row["city"] or source)
        seen[(row["type"], source)].add(row["agency"])
        assigning.add(source)
    totals = Counter()
    for (type_, _), agencies in seen.items():
        totals[type_] += len(agencies)
    types = [t for t, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    sources = sorted(labels)
    counts = [[len(seen.get((t, source), ())) for source in sources] for t in types]
    plans = [labels[source] if source in assigning else f"{labels[source]}\n({NO_ASSIGNMENTS})"
             for source in sources]
    return types, plans, counts


def agency_types_heatmap(store: Store, out_dir: Path, *, max_types: int = 25) -> list[Path]:
    """Heatmap of agency types (rows) x plans (columns), every plan a column: a plan that assigns
    no unit shows an empty, hatched column labelled so. Returns the PNG and SVG paths."""
    types, plans, counts = agency_type_counts(store)
    if not plans:
        raise NothingToShow("plans", "(any)", [])
    if not types:  # no plan assigns any unit: one explicit empty row rather than no chart
        types, counts = [NO_ASSIGNMENTS], [[0] * len(plans)]
    shown_types = types[:max_types]
    counts = counts[:max_types]
    plt = _pyplot(cjk_font())
    fig, ax = plt.subplots(figsize=(2.2 + 1.2 * len(plans), 1.5 + 0.38 * len(shown_types)))
    image = ax.imshow(counts, cmap="YlGnBu", aspect="auto", vmin=0)
    ax.set_xticks(range(len(plans)), plans, rotation=30, ha="right")
    ax.set_yticks(range(len(shown_types)), shown_types)
    top = max(max(row) for row in counts) or 1
    for i, row in enumerate(counts):
        for j, value in enumerate(row):
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize=8,
                        color="white" if value > top * 0.6 else "black")
    for j, label in enumerate(plans):
        if NO_ASSIGNMENTS in label:
            ax.add_patch(plt.Rectangle((j - 0.5, -0.5), 1, len(shown_types), fill=False,
                                       hatch="//", edgecolor="#9a9a9a", linewidth=0))
    title = "各方案责任单位类型(机构数) Agency types by plan"
    if len(types) > max_types:
        title += f"\n(前 {max_types} / {len(types)} 类 · top {max_types} of {len(types)} types)"
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.6, label="机构数 agencies")
    paths = _save(fig, out_dir, "agency_types_by_plan")
    plt.close(fig)
    return paths


def _as_float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


_BASIS = {"level": "水平 level", "cumulative": "累计 cumulative", "per-year": "每年 per year",
          "growth": "年均增长 growth rate"}


def target_axis(row: dict[str, str | None]) -> tuple[str, str]:
    """(basis, base unit) of a target row: only rows with the same pair may share an axis. A
    cumulative figure, a per-year figure, a growth rate and a level are different quantities,
    and so are values in different base units (件 and 家, 元 and %)."""
    kind = row.get("kind") or ""
    basis = ("growth" if kind == "growth" else "cumulative" if kind == "cumulative"
             else "per-year" if (row.get("annual") or "").lower() == "true" else "level")
    return basis, row.get("base_unit") or row.get("unit") or ""


def indicator_panels(store: Store, indicator: str | None = None) -> tuple[str, dict[tuple[str, str], list[dict]]]:
    """(indicator, panels): the target rows of one indicator (with a value and a year) grouped by
    target_axis, one panel per (basis, base unit). With no indicator, the one set by the most
    cities (then most targets). RAISES: NothingToShow."""
    rows = [r for r in target_rows(store, indicator) if r["year"] and _as_float(r["value"]) is not None]
    if not rows:
        raise NothingToShow("targets with a value and a year for indicator", indicator or "(any)", [])
    if indicator is None:
        cities = defaultdict(set)
        for r in rows:
            cities[r["indicator"]].add(r["city"] or r["source"])
        indicator = max(cities, key=lambda name: (len(cities[name]),
                                                  sum(r["indicator"] == name for r in rows), name))
        rows = [r for r in rows if r["indicator"] == indicator]
    else:
        indicator = rows[0]["indicator"] or indicator
    panels: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        panels[target_axis(r)].append(r)
    return indicator, dict(panels)


def indicator_chart(store: Store, out_dir: Path, indicator: str | None = None) -> list[Path]:
    """One indicator's target values by deadline year, one series per city, and one panel per
    axis (target_axis): a cumulative and a per-year target, or values in different units, never
    share an axis; each panel's y label names its basis and unit. Within a panel values in one
    printed unit are drawn as printed, mixed scales (万件 and 件) in base units. With no
    indicator, the one set by the most cities (then most targets)."""
    indicator, panels = indicator_panels(store, indicator)
    order = sorted(panels, key=lambda axis: (-len(panels[axis]), axis))
    plt = _pyplot(cjk_font())
    fig, axes = plt.subplots(len(order), 1, figsize=(7.5, 3.2 + 2.6 * len(order)), squeeze=False)
    for ax, axis in zip(axes[:, 0], order):
        basis, base_unit = axis
        group = panels[axis]
        printed_units = {r["unit"] or "" for r in group}
        as_printed = len(printed_units) == 1
        unit = next(iter(printed_units)) if as_printed else base_unit
        series: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for r in group:
            value = _as_float(r["value"]) if as_printed else _as_float(r.get("base_value"))
            if value is not None:
                series[r["city"] or r["source"]].append((int(r["year"]), value))
        for city in sorted(series):
            points = sorted(series[city])
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=city)
            for year, value in points:
                ax.annotate(f"{value:g}", (year, value), textcoords="offset points", xytext=(4, 4), fontsize=8)
        years = sorted({year for points in series.values() for year, _ in points})
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlabel("目标年份 deadline year")
        ax.set_ylabel(f"{_BASIS[basis]}" + (f" ({unit})" if unit else ""))
        ax.grid(alpha=0.3)
        ax.legend(title="城市 city", fontsize=8)
    note = f"(分 {len(order)} 个坐标轴:口径或单位不同 · {len(order)} axes: different basis or unit)" if len(order) > 1 else ""
    axes[0, 0].set_title(f"{indicator}{note}")
    fig.tight_layout()
    paths = _save(fig, out_dir, "indicator_targets")
    plt.close(fig)
    return paths


def write_charts(store: Store, out_dir: Path, indicator: str | None = None) -> list[Path]:
    """Both charts into out_dir (PNG + SVG each); returns the four paths."""
    cjk_font()  # fail before drawing anything
    return agency_types_heatmap(store, out_dir) + indicator_chart(store, out_dir, indicator)
