"""The web app's views: `/viz/` lists every view (what it answers, its parameters, links with example
values taken from the store), `/viz/<view>` serves one in the app's form, `/viz/assets/<file>` the
vis-network files those pages load.

Why a form of its own: a file written by `policykg viz --out` carries its scripts inline under its
own CSP; the app's CSP forbids inline scripts, so here the same page loads them from the server
(viz/page.py `web=True`), and its nodes link back to the app's pages (`link_base=""`). Why example
values from the store: a researcher who does not know a plan's file name or an agency's printed
name still gets a link that draws something. Registered in app.py; docs/web.md#views.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from policykg.graph.store import Store

from .http import WebError
from .i18n import gettext as _

# what each view answers, as a question (English; Chinese in messages/views.json)
QUESTIONS = {
    "plan": "How is one plan built, and which agencies lead or support each measure?",
    "responsibility": "Which agencies do the plans give tasks to, and who leads the most?",
    "frameworks": "Which national and provincial documents do the plans cite or implement?",
    "agency": "What does one agency lead or support, in which plans, and with whom?",
    "indicator": "Which quantified targets do the cities set, for which indicators and years?",
    "network": "Which agencies work together on shared measures, and which bridge the groups?",
    "map": "Where are the plans, and how do they compare on a column (measures, year, ...)?",
}
ASSETS = {"vis-network.min.js": "application/javascript; charset=utf-8",
          "vis-network.css": "text/css; charset=utf-8"}


@dataclass
class ViewEntry:
    name: str
    title: str
    question: str
    description: str
    params: list[tuple[str, str, bool]]            # name, meaning, required
    links: list[tuple[str, str]] = field(default_factory=list)   # (label, url)


def view_words() -> dict[str, str]:
    """The interface words of a view page in the request's language (page.VIEW_WORDS keys)."""
    return {"search": _("Search nodes…"), "city": _("City"), "all": _("All"),
            "matches": _("matches"), "top": _("Top N"), "min_weight": _("Min. weight"),
            "show_all": _("Show all"), "shown": _("Shown"), "nodes": _("nodes"),
            "edges": _("edges"), "open": _("Open page"), "views": _("All views")}


def examples(store: Store) -> dict[str, str]:
    """A real value for each view parameter: the first plan, the agency that leads the most
    measures, the city whose plans assign the most tasks, the indicator with the most targets."""
    from policykg.viz.projections_for_views import PREFIXES

    found: dict[str, str] = {}
    sources = sorted(d.source for d in store.documents() if d.source)
    if sources:
        found["source"] = sources[0]
    rows = store.query(PREFIXES + """
        SELECT ?label (COUNT(DISTINCT ?m) AS ?n) WHERE { GRAPH ?g {
          ?a a pk:Assignment ; pk:agency ?agency ; pk:measure ?m ; pk:role pk:LeadRole .
          ?agency skos:prefLabel ?label FILTER(LANG(?label) = "zh") } }
        GROUP BY ?label ORDER BY DESC(?n) ?label LIMIT 1""").as_dicts()
    if rows:
        found["agency"] = rows[0]["label"]
    rows = store.query(PREFIXES + """
        SELECT ?city (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g {
          ?g pk:plan ?p . ?p pk:jurisdiction/rdfs:label ?city . ?a a pk:Assignment } }
        GROUP BY ?city ORDER BY DESC(?n) ?city LIMIT 1""").as_dicts()
    if rows:
        found["city"] = rows[0]["city"]
    rows = store.query(PREFIXES + """
        SELECT ?indicator (COUNT(DISTINCT ?t) AS ?n) WHERE { GRAPH ?g {
          ?t a pk:Target ; pk:indicatorLabel ?indicator } }
        GROUP BY ?indicator ORDER BY DESC(?n) ?indicator LIMIT 1""").as_dicts()
    if rows:
        found["indicator"] = rows[0]["indicator"]
    found["color_by"] = "year"
    return found


def view_entries(views: Any, store: Store) -> list[ViewEntry]:
    """One entry per view in views.VIEWS: a plain link when no parameter is required, and a link
    with example values for each parameter the store can fill."""
    known = examples(store)
    entries = []
    for name, spec in views.VIEWS.items():
        # a view's description and parameter meanings are English in views.VIEWS (the CLI's
        # help); the catalog (messages/views.json) gives their Chinese
        params = [(p, _(meaning), p in spec.required) for p, meaning in spec.params.items()]
        entry = ViewEntry(name, spec.title, _(QUESTIONS.get(name, spec.description)),
                          _(spec.description), params)
        base = f"/viz/{name}"
        if spec.required:   # one link with a real value for every required parameter
            if all(p in known for p in spec.required):
                chosen = {p: known[p] for p in spec.required}
                entry.links.append((_label(chosen), base + "?" + urlencode(chosen)))
        else:               # the whole store, then narrowed by each optional parameter
            entry.links.append((_("whole store"), base))
            for p in spec.params:
                if p in known:
                    entry.links.append((_label({p: known[p]}), base + "?" + urlencode({p: known[p]})))
        entries.append(entry)
    return entries


def _label(values: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


def index(web: Any, request: Request) -> Response:
    """/viz/: every view, what it answers, its parameters, links that draw it."""
    if web.views is None:
        raise WebError(404, "Not found", "the views (policykg.viz.views) are not installed")
    return web.render("viz_index.html", entries=view_entries(web.views, web.store))


def view(web: Any, request: Request, csp: str) -> Response:
    """/viz/<view>?param=...: the view in the app's form (scripts from the server, node links)."""
    from .sparql import call_with_time_limit

    views = web.views
    if views is None:
        raise WebError(404, "Not found", "the views (policykg.viz.views) are not installed")
    name = request.path_params["view"]
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    words = view_words()
    html = call_with_time_limit(
        lambda: views.render(web.store, name, params, web=True, link_base="", words=words),
        web.time_limit)
    return HTMLResponse(html, headers={"Content-Security-Policy": csp})


def asset(request: Request) -> Response:
    """/viz/assets/<file>: vis-network's JS and CSS as pyvis ships them (no CDN, no copy)."""
    from policykg.viz.page import vis_assets

    name = request.path_params["name"]
    if name not in ASSETS:
        raise WebError(404, "Not found", f"no view asset {name!r}")
    js, css = vis_assets()
    body = js if name.endswith(".js") else css
    return Response(body.encode("utf-8"), media_type=ASSETS[name],
                    headers={"Cache-Control": "public, max-age=3600"})


__all__ = ["QUESTIONS", "ViewEntry", "asset", "examples", "index", "view", "view_entries", "view_words"]
