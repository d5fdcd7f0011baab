"""A networkx graph -> one self-contained, offline HTML page with a vis-network canvas.

Why not pyvis's own templates: they load vis-network and bootstrap from CDNs and put titles into
innerHTML. We keep pyvis for what it ships (vis-network's JS/CSS under pyvis/lib/, inlined here),
render our own Jinja2 template with autoescape, pass the data as JSON escaped for a <script>
context, and let the page set every tooltip as text. Big graphs get networkx positions and no
physics; graphs above a node cap are cut to the top nodes by degree with a visible note.

Two homes, one page: `policykg viz --out` writes it with every script inline (offline, its own
CSP), the web app serves it with scripts loaded from the server (`web=True`: /static/views.js and
/viz/assets/vis-network.*), so the app's CSP (no inline script) holds, and with node links back
to the app's pages (`link_base`). Static files get no node links: a file has no server to go to.
Dense views (`dense=True`) open on their top hubs (DENSE_NODE_BOUND nodes, DENSE_EDGE_BOUND edges
at most) with a top-N and a minimum-weight control that reach the rest (docs/viz.md#dense-views).
"""
from __future__ import annotations

import json
import math
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

import networkx as nx

DEFAULT_NODE_CAP = 500
SPRING_MAX_NODES = 300  # above this, hub_layout (spring_layout takes seconds at 1,000 nodes)
VIS_VERSION = "vis-9.1.2"

# key -> (legend name, colour, vis shape). Colours are Okabe-Ito-like, legible on white.
KINDS: dict[str, tuple[str, str, str]] = {
    "focus": ("中心机构 focus agency", "#d62728", "star"),
    "plan": ("方案 plan", "#1f4e9c", "box"),
    "city": ("城市 city", "#1f4e9c", "box"),
    "section": ("章节 section", "#8c8c8c", "dot"),
    "measure": ("措施 measure", "#e69f00", "dot"),
    "agency": ("机构 agency", "#009e73", "dot"),
    "doc-national": ("国家文件 national document", "#cc3311", "diamond"),
    "doc-provincial": ("省级文件 provincial document", "#7b3294", "diamond"),
    "doc-local": ("地方文件 local document", "#56b4e9", "diamond"),
    "indicator": ("指标 indicator", "#cc79a7", "triangle"),
    "target": ("目标 target", "#f0e442", "dot"),
    "year": ("年份 year", "#555555", "ellipse"),
}
# edge kind -> (legend name, colour, dashed, width)
EDGE_KINDS: dict[str, tuple[str, str, bool, float]] = {
    "lead": ("牵头 lead", "#d62728", False, 2.5),
    "support": ("配合 support", "#7f7f7f", True, 1.0),
    "part": ("包含 part of", "#b0b0b0", False, 1.0),
    "cites": ("引用 cites", "#9e9e9e", True, 1.0),
    "applies": ("贯彻落实 applies", "#cc3311", False, 2.0),
    "year": ("期限 deadline", "#c8c8c8", True, 1.0),
}
_TEMPLATES = Path(__file__).resolve().parent / "templates"
VIEWS_JS = Path(__file__).resolve().parent / "web" / "static" / "views.js"
# shapes vis-network draws the label inside of (the rest put it below the shape, on the page)
LABEL_INSIDE_SHAPES = frozenset({"box", "ellipse", "circle", "database", "text"})
DENSE_NODE_BOUND = 80    # a dense view opens showing at most this many nodes ...
DENSE_EDGE_BOUND = 120   # ... and at most this many edges; the controls show the rest
# interface words of a view page, bilingual in a file (the web app passes them translated)
VIEW_WORDS = {
    "search": "搜索 search…", "city": "城市 city", "all": "全部 all", "matches": "个匹配 matches",
    "top": "前 N 个 top N", "min_weight": "最小权重 min. weight", "show_all": "全部显示 show all",
    "shown": "显示 shown", "nodes": "节点 nodes", "edges": "边 edges", "open": "打开页面 open page",
    "views": "全部视图 all views",
}


@dataclass
class Reduction:
    shown: int
    total: int
    note: str


def script_json(value: object) -> str:
    """JSON that is safe inside <script>: no `<`, `>`, `&`, U+2028 or U+2029 appears raw, so a
    document string can neither close the script element nor break the JS parser."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def reduce_graph(graph: nx.Graph, cap: int, keep: list[str] | tuple = ()) -> tuple[nx.Graph, Reduction | None]:
    """At most `cap` nodes: the `keep` nodes (a view's centre) and the rest by degree (ties by
    label, so the cut is the same every run). Returns the subgraph and a note, or None if uncut."""
    total = graph.number_of_nodes()
    if total <= cap:
        return graph, None
    kept = [n for n in keep if n in graph][:cap]
    ranked = sorted((n for n in graph if n not in set(kept)),
                    key=lambda n: (-graph.degree(n), str(graph.nodes[n].get("label", "")), str(n)))
    chosen = kept + ranked[: cap - len(kept)]
    how = "the centre and its best-connected neighbours" if kept else "the best-connected nodes"
    note = (f"显示 {cap} / {total} 个节点 — showing {cap} of {total} nodes: {how} (top {cap} by "
            f"degree). Raise the node cap (--max-nodes) or pick a narrower view to see all.")
    return graph.subgraph(chosen).copy(), Reduction(cap, total, note)


def positions(graph: nx.Graph, layout: str = "spring") -> dict:
    """Pixel positions computed here so the browser never runs physics. `layers` puts each node's
    `layer` attribute in its own column (plan -> sections -> measures -> agencies)."""
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    if layout == "layers" and all("layer" in d for _, d in graph.nodes(data=True)):
        columns: dict[int, list] = {}
        for node, data in graph.nodes(data=True):
            columns.setdefault(int(data["layer"]), []).append(node)
        pos = {}
        for i, layer in enumerate(sorted(columns)):
            members = columns[layer]
            for j, node in enumerate(members):
                pos[node] = (i * 320.0, (j - (len(members) - 1) / 2) * 44.0)
        return pos
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    if n <= SPRING_MAX_NODES:
        return component_layout(undirected)
    raw = hub_layout(undirected)
    scale = 60.0 * math.sqrt(n)
    return {node: (float(x) * scale, float(y) * scale) for node, (x, y) in raw.items()}


def component_layout(graph: nx.Graph, margin: float = 90.0) -> dict:
    """Pixel positions by spring layout, one connected component at a time, the components
    packed in rows, largest first. One spring layout over several components pushes them apart
    and squeezes each into a knot (three cities' agency networks became three unreadable blobs);
    laid out alone, each component gets the room its own size asks for."""
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(str(v) for v in c)))
    boxes = []
    for component in components:
        size = len(component)
        if size == 1:
            local = {next(iter(component)): (0.0, 0.0)}
        else:
            raw = nx.spring_layout(graph.subgraph(component), seed=7, iterations=50, k=3.0 / math.sqrt(size))
            scale = 60.0 * math.sqrt(size)
            local = {v: (float(x) * scale, float(y) * scale) for v, (x, y) in raw.items()}
        xs = [x for x, _ in local.values()]
        ys = [y for _, y in local.values()]
        boxes.append((local, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    if len(boxes) == 1:
        return boxes[0][0]
    row_width = max(2 * 60.0 * math.sqrt(graph.number_of_nodes()), max(b[3] for b in boxes))
    pos: dict = {}
    x = y = row_height = 0.0
    for local, left, top, width, height in boxes:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + margin, 0.0
        for v, (vx, vy) in local.items():
            pos[v] = (vx - left + x, vy - top + y)
        x += width + margin
        row_height = max(row_height, height)
    return pos


def hub_layout(graph: nx.Graph) -> dict:
    """A layout in O(nodes + edges) for big graphs, where networkx's spring layout takes seconds:
    spring-lay the best-connected nodes (hubs, linked when they share a neighbour), then place
    every other node breadth-first on a sunflower spiral around the node that reached it.
    Positions are centred and scaled into [-1, 1] like spring_layout's."""
    n = graph.number_of_nodes()
    ranked = sorted(graph, key=lambda v: (-graph.degree(v), str(v)))
    hubs = ranked[: max(10, int(2 * math.sqrt(n)))]
    hub_set = set(hubs)
    hub_graph = nx.Graph()
    hub_graph.add_nodes_from(hubs)
    for v in graph:
        near = [u for u in graph[v] if u in hub_set][:8] + ([v] if v in hub_set else [])
        for i, a in enumerate(near):
            for b in near[i + 1:]:
                hub_graph.add_edge(a, b)
    step = 1.0 / math.sqrt(n)
    hub_pos = nx.spring_layout(hub_graph, seed=7, k=3.0 / math.sqrt(len(hubs)))
    # unlinked hubs can land on one spot: a small distinct nudge each keeps them apart
    pos = {v: (float(hub_pos[v][0]) + step * math.cos(i), float(hub_pos[v][1]) + step * math.sin(i))
           for i, v in enumerate(hubs)}
    golden = math.pi * (3 - math.sqrt(5))
    children: dict = {}
    queue = deque(hubs)
    while True:
        while queue:
            parent = queue.popleft()
            px, py = pos[parent]
            for child in sorted(graph[parent], key=str):
                if child in pos:
                    continue
                k = children[parent] = children.get(parent, 0) + 1
                radius = step * math.sqrt(k + 1)
                pos[child] = (px + radius * math.cos(k * golden), py + radius * math.sin(k * golden))
                queue.append(child)
        rest = [v for v in ranked if v not in pos]
        if not rest:
            break
        # a component without hubs: start it on a ring outside what is placed
        pos[rest[0]] = (1.3 * math.cos(len(pos)), 1.3 * math.sin(len(pos)))
        queue.append(rest[0])
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) / 2
    return {v: ((x - cx) / half, (y - cy) / half) for v, (x, y) in pos.items()}


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped inside the pyvis package (no CDN, no vendored copy)."""
    import pyvis

    folder = Path(pyvis.__file__).resolve().parent / "lib" / VIS_VERSION
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():  # would end our inline element early
        raise RuntimeError(f"{folder}: asset contains a closing tag and cannot be inlined")
    return js, css


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def label_colour(fill: str, shape: str) -> str:
    """The label colour for a node: inside a shape, black or white, whichever contrasts more with
    the fill; below a shape (on the white page, with a white halo) always dark."""
    if shape not in LABEL_INSIDE_SHAPES:
        return "#222222"
    return "#000000" if contrast_ratio(fill, "#000000") >= contrast_ratio(fill, "#ffffff") else "#ffffff"


def node_href(node: object, data: dict) -> str | None:
    """The web app page of a view node: a plan's text page, an IRI's entity page, an indicator's
    own indicator view; None for nodes with no page (a year, a city label)."""
    kind = data.get("kind", "")
    if kind == "plan" and data.get("source"):
        return "/plans/" + quote(str(data["source"]))
    if kind == "indicator" and data.get("indicator"):
        return "/viz/indicator?" + urlencode({"indicator": data["indicator"]})
    if isinstance(node, str) and node.startswith(("http://", "https://")):
        return "/entity?" + urlencode({"iri": node})
    return None


def hub_ranks(graph: nx.Graph, hub_kinds: frozenset[str] | None) -> tuple[dict, int]:
    """Each node's rank for a top-N control: hubs (nodes of `hub_kinds`, every node when None)
    are ranked by size, then weighted degree, then label; a non-hub node takes the best rank of
    the hubs within two steps that do not pass another hub (a target -> its indicator; a city
    -> the indicators of its targets), so top N shows N hubs and what hangs on them. Nodes no
    hub reaches rank last. RETURNS (ranks, number of hubs)."""
    def is_hub(n: object) -> bool:
        return hub_kinds is None or graph.nodes[n].get("kind") in hub_kinds

    hubs = sorted((n for n in graph if is_hub(n)),
                  key=lambda n: (-float(graph.nodes[n].get("size") or 0),
                                 -graph.degree(n, weight="weight"),
                                 str(graph.nodes[n].get("label", "")), str(n)))
    ranks = {hub: i for i, hub in enumerate(hubs, start=1)}
    for hub in hubs:
        frontier = [hub]
        for _ in range(2):
            reached = []
            for node in frontier:
                for other in graph[node]:
                    if is_hub(other) or ranks.get(other, math.inf) <= ranks[hub]:
                        continue
                    ranks[other] = ranks[hub]
                    reached.append(other)
            frontier = reached
    last = max(len(hubs), 1)
    for node in graph:
        ranks.setdefault(node, last)
    return ranks, len(hubs)


def default_density(graph: nx.Graph, ranks: dict, hubs: int) -> dict:
    """The opening state of a dense view: the largest top N whose nodes stay within
    DENSE_NODE_BOUND, and the smallest minimum edge weight whose edges among them stay within
    DENSE_EDGE_BOUND (unweighted graphs: the top N also keeps edges within the bound)."""
    weights = sorted({float(d["weight"]) for _, _, d in graph.edges(data=True) if d.get("weight")})
    top = 1
    for n in range(1, hubs + 1):
        shown = {v for v, r in ranks.items() if r <= n}
        edges = sum(1 for u, v in graph.edges() if u in shown and v in shown)
        if len(shown) > DENSE_NODE_BOUND or (not weights and edges > DENSE_EDGE_BOUND):
            break
        top = n
    shown = {v for v, r in ranks.items() if r <= top}
    min_weight = 0.0
    for w in weights:
        min_weight = w
        kept = sum(1 for u, v, d in graph.edges(data=True)
                   if u in shown and v in shown and float(d.get("weight") or 0) >= w)
        if kept <= DENSE_EDGE_BOUND:
            break
    return {"hubs": hubs, "top": top, "minWeight": min_weight if weights else 0,
            "maxWeight": max(weights) if weights else 0}


def default_shown(graph: nx.Graph, ranks: dict, density: dict) -> set:
    """The nodes a dense view shows when it opens (the same rule as views.js applyFilters)."""
    shown = {v for v, r in ranks.items() if r <= density["top"]}
    if density["minWeight"]:
        linked = {v for u, w in graph.edges() for v in (u, w)}
        strong = {v for u, w, d in graph.edges(data=True) if float(d.get("weight") or 0) >= density["minWeight"]
                  for v in (u, w)}
        shown = {v for v in shown if v not in linked or v in strong}
    return shown


def dense_positions(graph: nx.Graph, layout: str = "spring") -> dict:
    """Positions for a dense view: the nodes it opens with are laid out among themselves (so the
    first picture is spread over the canvas, not a corner of the whole graph's layout), then the
    rest are placed around them by a spring layout that holds the first ones fixed."""
    if graph.number_of_nodes() > SPRING_MAX_NODES:
        return positions(graph, layout)
    ranks, hubs = hub_ranks(graph, frozenset(graph.graph["hub_kinds"]) if graph.graph.get("hub_kinds") else None)
    shown = default_shown(graph, ranks, default_density(graph, ranks, hubs))
    if not shown or len(shown) == graph.number_of_nodes():
        return positions(graph, layout)
    pos = positions(graph.subgraph(shown), layout)
    scale = 60.0 * math.sqrt(len(shown))
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    initial = {n: (pos[n] if n in pos else None) for n in graph}
    anchor = [p for p in pos.values()]
    cx = sum(x for x, _ in anchor) / len(anchor)
    cy = sum(y for _, y in anchor) / len(anchor)
    for i, n in enumerate(n for n in graph if n not in pos):  # start the rest on a ring outside
        angle = i * math.pi * (3 - math.sqrt(5))
        initial[n] = (cx + 1.4 * scale * math.cos(angle), cy + 1.4 * scale * math.sin(angle))
    raw = nx.spring_layout(undirected, pos=initial, fixed=list(pos), seed=7, iterations=50,
                           k=3.0 * scale / math.sqrt(len(shown)))
    return {n: (float(x), float(y)) for n, (x, y) in raw.items()}


def graph_data(graph: nx.Graph, pos: dict, *, link_base: str | None = None,
               dense: bool = False) -> dict:
    """The JSON the page reads: nodes with integer ids, edges, the kinds present, the cities.
    link_base (str): prefix of node links (web app: ""); None: no links. dense (bool): give
    nodes a `rank` and the page a `density` opening state (hub kinds: graph.graph["hub_kinds"])."""
    ids = {node: i for i, node in enumerate(graph.nodes)}
    sizes = [d.get("size") for _, d in graph.nodes(data=True) if d.get("size") is not None]
    nodes = []
    for node, data in graph.nodes(data=True):
        x, y = pos.get(node, (0.0, 0.0))
        item = {"id": ids[node], "label": str(data.get("label", node)), "kind": data.get("kind", "agency"),
                "city": data.get("city", "") or "", "tip": str(data.get("tip", "")),
                "x": round(x, 1), "y": round(y, 1)}
        if sizes and data.get("size") is not None:
            item["value"] = float(data["size"]) + 1.0
        if link_base is not None:
            href = node_href(node, data)
            if href:
                item["href"] = link_base + href
        nodes.append(item)
    density = None
    if dense and graph.number_of_nodes():
        hub_kinds = graph.graph.get("hub_kinds")
        ranks, hubs = hub_ranks(graph, frozenset(hub_kinds) if hub_kinds else None)
        for node, item in zip(graph.nodes, nodes):
            item["rank"] = ranks[node]
        density = default_density(graph, ranks, hubs)
    edges = []
    for u, v, data in graph.edges(data=True):
        kind = data.get("kind", "part")
        item = {"from": ids[u], "to": ids[v], "kind": kind, "tip": str(data.get("tip", "") or "")}
        if data.get("weight"):
            item["weight"] = float(data["weight"])
        edges.append(item)
    kinds_present = {n["kind"] for n in nodes}
    edge_kinds_present = {e["kind"] for e in edges}
    return {
        "nodes": nodes,
        "edges": edges,
        "kinds": [{"key": k, "name": v[0], "color": v[1], "shape": v[2],
                   "font": label_colour(v[1], v[2]), "inside": v[2] in LABEL_INSIDE_SHAPES}
                  for k, v in KINDS.items() if k in kinds_present],
        "edgeKinds": [{"key": k, "name": v[0], "color": v[1], "dashes": v[2], "width": v[3]}
                      for k, v in EDGE_KINDS.items() if k in edge_kinds_present],
        "cities": sorted({n["city"] for n in nodes if n["city"]}),
        "big": len(nodes) > SPRING_MAX_NODES,
        "density": density,
    }


def render_page(graph: nx.Graph, *, title: str, subtitle: str = "", layout: str = "spring",
                node_cap: int = DEFAULT_NODE_CAP, keep: list[str] | tuple = (), web: bool = False,
                link_base: str | None = None, words: dict[str, str] | None = None,
                dense: bool = False) -> str:
    """A complete HTML page for `graph` (see the module docstring for what makes it safe).
    web (bool): scripts and styles from the server (the app's CSP), not inline. link_base: see
    graph_data. words: the page's interface words (VIEW_WORDS keys), e.g. translated by the app.
    dense (bool): open on the top hubs with top-N / minimum-weight controls."""
    import jinja2

    if node_cap < 1:
        raise ValueError("node_cap must be at least 1")
    shown, reduction = reduce_graph(graph, node_cap, keep)
    page_words = {**VIEW_WORDS, **(words or {})}
    where = dense_positions(shown, layout) if dense else positions(shown, layout)
    data = graph_data(shown, where, link_base=link_base, dense=dense)
    data["words"] = page_words
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    if web:
        vis_js = vis_css = views_js = _markup("")
    else:
        js, css = vis_assets()
        vis_js, vis_css, views_js = _markup(js), _markup(css), _markup(views_script())
    density = data["density"]
    return env.get_template("view.html.j2").render(
        title=title, subtitle=subtitle, note=reduction.note if reduction else "",
        node_count=len(data["nodes"]), edge_count=len(data["edges"]), web=web,
        words=page_words, density=density, has_weights=bool(density and density["maxWeight"]),
        index_link=(link_base + "/viz/") if link_base is not None else "",
        vis_js=vis_js, vis_css=vis_css, views_js=views_js, data_json=_markup(script_json(data)))


@lru_cache(maxsize=1)
def views_script() -> str:
    """The page script (viz/web/static/views.js), inlined in files written by `policykg viz`."""
    text = VIEWS_JS.read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise RuntimeError(f"{VIEWS_JS}: contains a closing tag and cannot be inlined")
    return text


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)
