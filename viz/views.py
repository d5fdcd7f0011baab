"""The interactive views by name: `VIEWS` says what each shows and takes, `render` builds one as a
complete offline HTML page. The CLI (`policykg viz`) and the web app both call `render`.

Graphs come from viz/projections_for_views.py (SPARQL -> networkx); pages from viz/page.py.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from policykg.graph.store import Store

from . import projections_for_views as projections
from .errors import MissingViewParameter, UnknownView, UnknownViewParameter
from .map import MAP_PARAMS
from .page import DEFAULT_NODE_CAP, render_page


@dataclass(frozen=True)
class ViewSpec:
    title: str
    description: str
    params: dict[str, str] = field(default_factory=dict)   # name -> what it means
    required: tuple[str, ...] = ()


VIEWS: dict[str, ViewSpec] = {
    "plan": ViewSpec(
        "方案结构 Plan overview",
        "One plan: plan -> sections -> measures -> agencies; lead edges solid red, support dashed.",
        {"source": "the plan's file name, e.g. 000_8c7ba4464c8b6764.txt"}, ("source",)),
    "responsibility": ViewSpec(
        "责任网络 Responsibility network",
        "Plans and the agencies they assign tasks to; an agency's size is the number of measures it leads.",
        {"city": "only the plan(s) of this jurisdiction, e.g. 衡阳市 (optional)"}),
    "frameworks": ViewSpec(
        "政策依据 Framework reuse",
        "Plans and the documents they cite; national, provincial and local documents styled apart, "
        "'applies' (根据/贯彻/落实) edges distinct from plain citations.",
        {}),
    "agency": ViewSpec(
        "机构关系 Agency ego network",
        "One agency: the measures it leads or supports, their plans, and the agencies it shares them with.",
        {"agency": "the agency's IRI, full name or any printed form, e.g. 衡阳市市场监督管理局"}, ("agency",)),
    "indicator": ViewSpec(
        "指标目标 Indicator comparison",
        "Quantified targets linking indicators, cities and deadline years.",
        {"indicator": "only this indicator, as printed, e.g. 每万人口高价值发明专利拥有量 (optional)"}),
    "network": ViewSpec(
        "协同网络 Co-responsibility network",
        "Agencies linked when they share measures (edge width = shared measures); size = "
        "betweenness, colour = community, from `policykg analyze` when it has run.",
        {"city": "only the agencies of this jurisdiction's plans, e.g. 衡阳市 (optional)"}),
    "map": ViewSpec(
        "方案地图 Plans on the map",
        "Each plan's jurisdiction on an outline map of China, coloured by a column (viz/map.py); "
        "--out FILE.png or .svg writes a static map.",
        MAP_PARAMS),
}


def check_params(view: str, params: Mapping[str, str]) -> dict[str, str]:
    """The view's spec-checked parameters (empty values count as missing)."""
    if view not in VIEWS:
        raise UnknownView(view, list(VIEWS))
    spec = VIEWS[view]
    for name in params:
        if name not in spec.params:
            raise UnknownViewParameter(view, name, list(spec.params))
    values = {k: v.strip() for k, v in params.items() if v and v.strip()}
    for name in spec.required:
        if name not in values:
            raise MissingViewParameter(view, name)
    return values


# Dense views open on their top hubs with top-N / minimum-weight controls (page.py); the value
# names the node kinds ranked as hubs (None: every node).
DENSE_VIEWS: dict[str, tuple[str, ...] | None] = {
    "responsibility": ("agency",), "indicator": ("indicator",), "network": None}


def render(store: Store, view: str, params: dict[str, str], *,
           node_cap: int = DEFAULT_NODE_CAP, web: bool = False, link_base: str | None = None,
           words: dict[str, str] | None = None) -> str:
    """A complete HTML page for `view` over `store`: self-contained and offline by default.

    view (str): a key of VIEWS. params (dict): the view's parameters as strings.
    node_cap (int): views with more nodes are cut to the top nodes by degree, with a note.
    web (bool): the web app's form: scripts from the server, no inline script (its CSP).
    link_base (str): nodes link to their pages under this prefix ("" in the web app); None (the
        default, files written by `policykg viz --out`): no node links, a file has no server.
    words (dict): the page's interface words, translated (page.VIEW_WORDS keys).
    RAISES: UnknownView, MissingViewParameter, UnknownViewParameter, NothingToShow (PolicyKGError).
    """
    values = check_params(view, params)
    if view == "map":  # not a network: an SVG page of its own (viz/map.py, docs/places.md#map)
        from .map import render_map

        return render_map(store, values, web=web, link_base=link_base)
    spec = VIEWS[view]
    keep: list[str] = []
    layout = "spring"
    subtitle = spec.description
    if view == "plan":
        graph = projections.plan_graph(store, values["source"])
        layout = "layers"
        subtitle = f"{values['source']} · {spec.description}"
    elif view == "responsibility":
        graph = projections.responsibility_view_graph(store, values.get("city"))
        subtitle = f"{values.get('city', '全部城市 all cities')} · {spec.description}"
    elif view == "frameworks":
        graph = projections.frameworks_view_graph(store)
    elif view == "agency":
        graph, keep = projections.agency_graph(store, values["agency"])
        subtitle = f"{values['agency']} · {spec.description}"
    elif view == "network":
        graph = projections.network_view_graph(store, values.get("city"))
        how = ("metrics from policykg analyze" if graph.graph["metrics"] == "analysis"
               else "metrics computed for this view (run policykg analyze to store them)")
        subtitle = f"{values.get('city', '全部城市 all cities')} · {spec.description} · {how}"
    else:
        graph = projections.indicator_graph(store, values.get("indicator"))
        subtitle = f"{values.get('indicator', '全部指标 all indicators')} · {spec.description}"
    title = f"{spec.title} · {graph.graph['title']}" if graph.graph.get("title") else spec.title
    dense = view in DENSE_VIEWS
    if dense:
        graph.graph["hub_kinds"] = DENSE_VIEWS[view]
    return render_page(graph, title=title, subtitle=subtitle, layout=layout,
                       node_cap=node_cap, keep=keep, web=web, link_base=link_base, words=words,
                       dense=dense)
