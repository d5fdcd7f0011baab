"""Full-text search and parameter pickers for the web app.

Search (`/search?q=&kind=`, `/search.json`): reads the SQLite FTS5 index beside the store
(graph/search_index.py); each hit links to where a researcher reads it: a measure (or a target in
a measure) to its span on the plan page (`/plans/<source>#measure-<no>`, plan_text.measure_anchor),
a plan to its page, an agency to its entity page. A store without an index (built before it
existed) gets a page that says how to make one, never a traceback. A server reading a SPARQL
endpoint (`serve --endpoint`) has no index by design (it lives beside a local store): its nav bar
has no search box, and /search says so and points to the saved queries and SPARQL instead (HTTP
501: not something a rebuild fixes, unlike a local store's missing index, 503). Snippets are raw document text
with marker characters around the hits: they are escaped first, and only then are the markers
turned into `<mark>`, so no document text ever reaches the page unescaped.

Pickers (`/suggest?field=&q=`, static/pickers.js, templates/_params_form.html): the fields of a
named query that name a city, region, agency, indicator, framework or plan source suggest the
names the store holds, and a submitted value the store does not hold ("衡阳" for "衡阳市") gets
"did you mean" links to the nearest names (containment and prefix first, then difflib similarity)
instead of an empty table without a word.

`install(web)` adds the template helpers and RETURNS the routes app.py registers.
"""
from __future__ import annotations

import difflib
import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from policykg.graph.search_index import (KINDS, MARK_END, MARK_START, Hit, SearchIndexMissing,
                                         plans_out_of_step, search, search_index_path)
from policykg.ontology import PREFIXES

from .http import WebError
from .i18n import gettext as _
from .plan_text import anchor_href, entity_url, measure_anchor

if TYPE_CHECKING:
    from .app import WebApp

DEFAULT_LIMIT = 50
SUGGESTIONS = 20      # names a picker offers at once
NEAREST = 5           # names a near miss offers
DIFFLIB_CANDIDATES = 5000  # names compared by similarity at most
SERVER_OPTIONS = 60   # a field with at most this many names gets them in the page (works without JS)
MAX_QUERY_CHARS = 200

# query parameter name -> picker field
PARAM_FIELDS = {"city": "city", "region": "region", "agency": "agency", "indicator": "indicator",
                "framework": "framework", "source": "source"}

_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()
                    if p in ("pk", "rdfs", "skos", "eli", "dcterms"))
# field -> SPARQL selecting ?value (every name a parameter of that field may take)
FIELD_VALUES = {
    "city": "SELECT DISTINCT ?value WHERE { ?plan a pk:Plan ; pk:jurisdiction/rdfs:label ?l BIND(STR(?l) AS ?value) }",
    "region": "SELECT DISTINCT ?value WHERE { ?plan a pk:Plan ; pk:province/rdfs:label ?l BIND(STR(?l) AS ?value) }",
    "agency": "SELECT DISTINCT ?value WHERE { ?a a pk:Agency ; skos:prefLabel ?l FILTER(LANG(?l) = 'zh') "
              "BIND(STR(?l) AS ?value) }",
    "indicator": "SELECT DISTINCT ?value WHERE { GRAPH <https://w3id.org/policykg/id/graph/indicators> { "
                 "?i skos:prefLabel|skos:notation ?l FILTER(LANG(?l) = 'zh' || LANG(?l) = '') } BIND(STR(?l) AS ?value) }",
    "framework": "SELECT DISTINCT ?value WHERE { ?c a pk:CitedDocument ; eli:title ?l BIND(STR(?l) AS ?value) }",
    "source": "SELECT DISTINCT ?value WHERE { ?plan a pk:Plan ; dcterms:source ?l BIND(STR(?l) AS ?value) }",
}


def kind_names() -> dict[str, str]:
    return {"measure": _("Measures"), "plan": _("Plan texts"), "target": _("Targets"),
            "agency": _("Agencies")}


# -- pickers ----------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    name: str
    url: str


@dataclass
class NearMiss:
    param: str
    value: str
    suggestions: list[Suggestion]


class Pickers:
    """The names each field may take, read from the (read-only) store once and kept."""

    def __init__(self, web: "WebApp"):
        self.web = web
        self._values: dict[str, list[str]] = {}
        self._known: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def values(self, field: str) -> list[str]:
        if field not in FIELD_VALUES:
            raise WebError(400, "Bad parameter", f"unknown field {field!r}; fields: {', '.join(FIELD_VALUES)}")
        with self._lock:
            if field not in self._values:
                rows = self.web.store.query(_PREFIXES + FIELD_VALUES[field], timeout=self.web.time_limit).rows
                self._values[field] = sorted({row[0] for row in rows if row[0]}, key=lambda v: (len(v), v))
                self._known[field] = frozenset(self._values[field])
            return self._values[field]

    def knows(self, field: str, value: str) -> bool:
        self.values(field)
        return value in self._known[field]

    def page_options(self, field: str) -> list[str]:
        """The names a field's datalist carries in the page itself: all of them when they are few
        (the picker then works without JS), none otherwise (static/pickers.js asks /suggest)."""
        try:
            values = self.values(field)
        except Exception:  # a picker must never break the query page
            return []
        return values if len(values) <= SERVER_OPTIONS else []

    def suggest(self, field: str, typed: str, limit: int = SUGGESTIONS) -> list[str]:
        """Names starting with `typed`, then names containing it, then similar names."""
        typed = typed.strip()
        values = self.values(field)
        if not typed:
            return values[:limit]
        return nearest(typed, values, limit)

    def near_misses(self, query: Any, params: dict[str, str]) -> list[NearMiss]:
        """For each picker parameter whose value the store does not hold: the nearest names,
        each linked to the same query with that value instead."""
        misses = []
        for p in query.params:
            value = (params.get(p.name) or "").strip()
            field = PARAM_FIELDS.get(p.name)
            if not value or field is None or (field == "region" and value.isdigit()):
                continue
            try:
                if self.knows(field, value):
                    continue
                values = self.values(field)
            except Exception:  # a picker must never break the query page
                continue
            suggestions = []
            for name in nearest(value, values, NEAREST):
                changed = {k: v for k, v in params.items() if v}
                changed[p.name] = name
                suggestions.append(Suggestion(name, f"/queries/{quote(query.name)}?{urlencode(changed)}"))
            misses.append(NearMiss(p.name, value, suggestions))
        return misses


def nearest(typed: str, values: list[str], limit: int) -> list[str]:
    """Names nearest to `typed`: those that start with it, then those that contain it or that it
    contains (衡阳 -> 衡阳市; 衡阳市人民政府 -> 衡阳市), then difflib's most similar. `values` are
    sorted shortest first, so the first names found are the closest; one pass, bounded work."""
    lowered = typed.lower()
    prefix: list[str] = []
    inside: list[str] = []
    for value in values:
        folded = value.lower()
        if folded.startswith(lowered):
            prefix.append(value)
            if len(prefix) >= limit:
                break
        elif len(inside) < limit and (lowered in folded or (len(folded) >= 2 and folded in lowered)):
            inside.append(value)
    found = (prefix + inside)[:limit]
    if len(found) < limit:
        # difflib only over names sharing a character with `typed` (bounded: at 10k plans there
        # are tens of thousands of agency names, and this runs per keystroke)
        letters, chosen = set(lowered), set(found)
        candidates = [v for v in values if v not in chosen and not letters.isdisjoint(v.lower())]
        found += difflib.get_close_matches(typed, candidates[:DIFFLIB_CANDIDATES], n=limit - len(found),
                                           cutoff=0.5)
    return found


# -- search ---------------------------------------------------------------------------------------


def marked_html(text: str) -> Markup:
    """Raw text with MARK_START/MARK_END around hits -> escaped HTML with `<mark>` around them."""
    escaped = str(escape(text))
    if escaped.count(MARK_START) != escaped.count(MARK_END):
        escaped = escaped.replace(MARK_START, "").replace(MARK_END, "")
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def plain(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_END, "")


def plan_url(source: str) -> str:
    return "/plans/" + quote(source, safe="")


def hit_url(hit: Hit) -> str:
    """Where a hit is read: the measure on its plan page, the plan page, or the entity page."""
    if hit.kind == "agency":
        return entity_url(hit.iri)
    if hit.kind in ("measure", "target") and hit.measure:
        return plan_url(hit.source) + anchor_href(measure_anchor(hit.measure))
    found = _first_marked(hit.snippet)
    if hit.kind == "plan" and found:  # a text fragment: the browser scrolls to the words found
        return plan_url(hit.source) + "#:~:text=" + quote(found, safe="")
    return plan_url(hit.source)


def _first_marked(text: str) -> str:
    start = text.find(MARK_START)
    end = text.find(MARK_END, start + 1)
    return text[start + 1:end] if 0 <= start < end else ""


def _search_request(web: "WebApp", request: Request) -> tuple[str, str, int]:
    q = request.query_params.get("q", "").strip()
    kind = request.query_params.get("kind", "").strip()
    if kind and kind not in KINDS:
        raise WebError(400, "Bad parameter", f"kind is one of {', '.join(KINDS)}, not {kind!r}")
    if len(q) > MAX_QUERY_CHARS:
        raise WebError(400, "Bad parameter", f"the search text has {len(q)} characters; at most {MAX_QUERY_CHARS}")
    try:
        limit = int(request.query_params.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise WebError(400, "Bad parameter", "limit must be a whole number") from None
    return q, kind, limit


ENDPOINT_MESSAGE = ("full-text search reads the index `policykg build` writes beside a local store; "
                    "this server reads a SPARQL endpoint, which has none: find words with a saved "
                    "query or with SPARQL (CONTAINS) instead")


def has_search_index_folder(web: "WebApp") -> bool:
    """False when the server reads a remote (or in-memory) store: there is no folder to hold an index."""
    return getattr(web.store, "path", None) is not None


def _run_search(web: "WebApp", q: str, kind: str, limit: int):
    folder = getattr(web.store, "path", None)  # a remote or in-memory store has no folder
    if folder is None:
        raise SearchIndexMissing(search_index_path("store"), "this store has no folder, so no search index")
    return search(search_index_path(folder), q, kind=kind or None, limit=limit)


def search_page(web: "WebApp", request: Request) -> Response:
    q, kind, limit = _search_request(web, request)
    if not has_search_index_folder(web):
        return web.render("search.html", status=501, q=q, kind=kind, kinds=KINDS, kind_names=kind_names(),
                          results=None, hits=[], missing=None, no_index_here=True, json_url="",
                          search_query=q, behind=0)
    results = missing = None
    if q:
        try:
            results = _run_search(web, q, kind, limit)
        except SearchIndexMissing as e:
            missing = str(e)
    behind = _plans_out_of_step(web) if results is not None else 0
    hits = [{"kind": h.kind, "url": hit_url(h), "title": marked_html(h.title), "number": h.number,
             "snippet": marked_html(h.snippet), "plan_url": plan_url(h.source),
             "plan_title": h.plan_title} for h in (results.hits if results else [])]
    json_url = "/search.json?" + urlencode({k: v for k, v in (("q", q), ("kind", kind)) if v})
    return web.render("search.html", status=503 if missing else 200, q=q, kind=kind, kinds=KINDS,
                      kind_names=kind_names(), results=results, hits=hits, missing=missing,
                      json_url=json_url, search_query=q, behind=behind)


def _plans_out_of_step(web: "WebApp") -> int:
    """Plans the index holds differently from the store, checked once per server (the server's
    store is read-only, so the answer holds for its lifetime); 0 when it cannot tell."""
    cached = getattr(web, "_search_behind", None)
    if cached is None:
        try:
            cached = plans_out_of_step(web.store, search_index_path(web.store.path))
        except Exception:  # a check for a note must never break the search page
            cached = 0
        web._search_behind = cached  # type: ignore[attr-defined]
    return cached


def search_json(web: "WebApp", request: Request) -> Response:
    q, kind, limit = _search_request(web, request)
    if not has_search_index_folder(web):
        raise WebError(501, "No full-text search here", ENDPOINT_MESSAGE)
    try:
        results = _run_search(web, q, kind, limit) if q else None
    except SearchIndexMissing as e:
        raise WebError(503, "No search index", str(e)) from None
    body = {"ok": True, "query": q, "kind": kind or None,
            "counts": results.counts if results else {}, "total": results.total if results else 0,
            "like_terms": results.short_terms if results else [],
            "hits": [{"kind": h.kind, "iri": h.iri, "title": plain(h.title), "number": h.number,
                      "snippet": plain(h.snippet), "snippet_html": str(marked_html(h.snippet)),
                      "url": hit_url(h), "source": h.source, "plan_title": h.plan_title,
                      "plan_url": plan_url(h.source), "score": h.score}
                     for h in (results.hits if results else [])]}
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json; charset=utf-8")


def suggest(web: "WebApp", request: Request) -> Response:
    """/suggest?field=city&q=衡阳 -> {"field": "city", "q": "衡阳", "values": ["衡阳市", ...]}"""
    field = request.query_params.get("field", "")
    typed = request.query_params.get("q", "")[:MAX_QUERY_CHARS]
    values = web.pickers.suggest(field, typed)  # type: ignore[attr-defined]
    body = {"field": field, "q": typed.strip(), "values": values}
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json; charset=utf-8",
                    headers={"Cache-Control": "max-age=60"})


def install(web: "WebApp") -> list[Route]:
    """Attach the pickers and template helpers to `web`; RETURNS the routes to register."""
    pickers = Pickers(web)
    web.pickers = pickers  # type: ignore[attr-defined]
    web.templates.globals.update(picker_field=PARAM_FIELDS.get, near_misses=pickers.near_misses,
                                 picker_options=pickers.page_options,
                                 has_search=has_search_index_folder(web))
    return [
        Route("/search", lambda request: search_page(web, request), name="search"),
        Route("/search.json", lambda request: search_json(web, request), name="search_json"),
        Route("/suggest", lambda request: suggest(web, request), name="suggest"),
    ]
