"""The researchers' web app: `create_app(store_path)` declares every route (datasette's app.py).

A request is resolved to its object (a named query, an IRI, a plan), run against the store opened
read-only under the server's time limit and row cap, and rendered: HTML through Jinja2 (autoescape
on), data through viz/web/tables.py's render_download (CSV as policykg/render.py's RENDERERS, the
same bytes as `policykg query --format`) or
the SPARQL result serialisers in viz/web/sparql.py. Views raise errors; `_handle_error` shows them.
Routes and settings: docs/web.md. CLI: policykg/cli/serve.py.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import re
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import (HTMLResponse, PlainTextResponse, RedirectResponse, Response,
                                 StreamingResponse)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from policykg.errors import (MissingParameter, PolicyKGError, QueryNotFound, StoreLocked,
                             StoreNotFound, UnknownParameter)
from policykg.graph.store import Store
from policykg.ontology import ID, PREFIXES
from policykg.queries import run_query
from policykg.render import MEDIA_TYPES

from . import browse
from . import entity as entities
from . import viz_index
from .exports import content_disposition, export_download, export_links, parse_export_request
from .http import HostAllowList, WebError, negotiate
from .i18n import LanguageMiddleware, template_globals
from .plan_text import entity_url, plan_page, plan_view_links
from .query_workers import QueryJob, TimeLimitReached, WorkerPool
from .search import install as install_search
from .tables import (TableRequest, render_download, row_count_text, table_view, unknown_params,
                     view_rows)
from .sparql import (Answer, QueryRequest, call_with_time_limit, choose_media, content_type,
                     query_options, read_request, run_sparql, serialize, serialize_triples,
                     time_limit_message)

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATE_DIR = HERE / "templates"

DEFAULT_TIME_LIMIT = 30.0   # seconds per query
DEFAULT_MAX_ROWS = 10_000   # rows (or triples) per answer
DEFAULT_WORKERS = 2         # query worker processes
MAX_BODY_BYTES = 1_000_000  # a POSTed query (form-encoded UTF-8 of query_check.MAX_QUERY_CHARS)
DEFAULT_MEMORY_LIMIT_MB = 4096  # address space per query worker
TRUNCATED_HEADER = "X-PolicyKG-Truncated"
# saved-query downloads: suffix -> format (tables.render_download; ttl is the graph behind the rows)
DOWNLOADS = {"csv": "csv", "json": "json", "tsv": "tsv", "ttl": "ttl"}
ENTITY_FORMATS = {"ttl": "text/turtle", "jsonld": "application/ld+json"}
ENTITY_RDF = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD}
# HTML pages load nothing from outside this server
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")
EXAMPLE_QUERY = """PREFIX pk: <https://w3id.org/policykg/ns#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>

# Every plan with its title and number of measures
SELECT ?plan ?title (COUNT(?measure) AS ?measures) WHERE {
  GRAPH ?g {
    ?plan a pk:Plan ; eli:title ?title .
    OPTIONAL { ?measure a pk:Measure ; dcterms:isPartOf ?plan }
  }
} GROUP BY ?plan ?title ORDER BY ?title
"""


class WebApp:
    """The app's state and its views: the read-only store, the limits, the templates."""

    def __init__(self, store: Store, *, time_limit: float | None, max_rows: int | None,
                 pool: WorkerPool | None = None, allow_service: bool = False):
        self.store = store
        self.time_limit = time_limit
        self.max_rows = max_rows
        self.pool = pool
        self.allow_service = allow_service
        self.templates = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)),
                                     autoescape=select_autoescape(default=True, default_for_string=True))
        self.templates.globals.update(entity_url=entity_url, prefixed=entities.prefixed,
                                      is_iri=_is_iri, term_kind=_term_kind, quote=quote,
                                      max_value_chars=entities.MAX_VALUE_CHARS,
                                      row_count_text=row_count_text, value_label=browse.value_label)
        self.templates.globals.update(template_globals())
        self.views = _viz_views()

    # -- rendering ------------------------------------------------------------------------------

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("has_viz", self.views is not None)
        context.setdefault("status", status)  # error.html shows it
        html = self.templates.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP})

    # -- pages ----------------------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        """The store at a glance above the SPARQL editor; with ?query= the editor and the
        query's table (sortable, filterable, paged: viz/web/tables.py) instead of the overview."""
        sparql = request.query_params.get("query")
        answer = error = table = overview = None
        if sparql and sparql.strip():
            try:
                checked = read_request("GET", {"query": [sparql]}, "", b"",
                                       allow_service=self.allow_service)
                answer = self._answer(checked, str(request.url_for("sparql")))
            except WebError as e:
                error = e
        downloads = {}
        if answer is not None:
            names = {"select": ["csv", "tsv", "json", "xml"], "ask": ["json", "xml"],
                     "graph": ["turtle", "ntriples", "json-ld"]}[answer.kind]
            downloads = {name: "/sparql?" + urlencode({"query": sparql, "format": name})
                         for name in names}
            table = browse.answer_table(answer, list(request.query_params.multi_items()))
        if not (sparql and sparql.strip()):
            overview = call_with_time_limit(lambda: browse.overview(self.store.raw), self.time_limit)
        return self.render("home.html", status=error.status if error else 200,
                           query=sparql or EXAMPLE_QUERY, answer=answer, error=error,
                           downloads=downloads, max_rows=self.max_rows, table=table,
                           overview=overview, queries=_named_queries())

    async def sparql(self, request: Request) -> Response:
        """The SPARQL 1.1 Protocol endpoint (GET and POST): the complete result, streamed."""
        body = await _bounded_body(request) if request.method == "POST" else b""
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        accept = request.headers.get("accept")
        if request.method == "GET" and negotiate(accept, ["application/sparql-results+json",
                                                          "text/html"]) == "text/html" \
                and "format" not in params and "output" not in params:
            # a browser: show the query page (the same URL stays shareable)
            target = "/?" + urlencode({"query": params["query"][0]}) if params.get("query") else "/"
            return RedirectResponse(target, status_code=303)
        checked = read_request(request.method, params, request.headers.get("content-type", ""),
                               body, allow_service=self.allow_service)
        format_name = (params.get("format") or params.get("output") or [None])[0]
        options = query_options(checked, str(request.url_for("sparql")))
        headers = {"Vary": "Accept"}
        if self.pool is None:  # a store without a folder: in-process, complete
            answer: Answer = await run_in_threadpool(
                run_sparql, self.store.raw, checked.sparql, max_rows=None,
                time_limit=self.time_limit, options=options)
            media = choose_media(answer.kind, accept, format_name)
            data = await run_in_threadpool(serialize, answer, media)
            return Response(data, media_type=content_type(media), headers=headers)
        job = QueryJob(checked.sparql, options, accept=accept, format_name=format_name)
        messages = self.pool.run(job, self.time_limit)
        first = await run_in_threadpool(self._next_message, messages)
        if first[0] == "error":
            raise WebError(*first[1:])
        return StreamingResponse(self._chunks(messages), media_type=content_type(first[1]),
                                 headers=headers)

    def _answer(self, checked: QueryRequest, base_iri: str) -> Answer:
        """The typed answer of a query for the HTML page, at most --max-rows rows."""
        options = query_options(checked, base_iri)
        if self.pool is None:
            return run_sparql(self.store.raw, checked.sparql, max_rows=self.max_rows,
                              time_limit=self.time_limit, options=options)
        job = QueryJob(checked.sparql, options, output="answer", max_rows=self.max_rows)
        messages = self.pool.run(job, self.time_limit)
        message = self._next_message(messages)
        if message[0] == "error":
            raise WebError(*message[1:])
        return message[1]

    def _next_message(self, messages: Any) -> tuple[Any, ...]:
        """The worker's next message; past the time limit, the 503 naming --time-limit."""
        try:
            return next(messages)
        except TimeLimitReached:
            raise WebError(503, "Query took too long", time_limit_message(self.time_limit)) \
                from None

    def _chunks(self, messages: Any) -> Any:
        """The streamed body. A failure after the first byte cannot change the status any more:
        the connection is cut (no final chunk), so no client takes a cut result for a whole one."""
        for message in messages:
            if message[0] == "chunk":
                yield message[1]
            elif message[0] == "error":
                raise RuntimeError(f"the query failed while streaming: {message[3]}")

    def query_list(self, request: Request) -> Response:
        queries = _named_queries()
        table = browse.queries_table(queries, list(request.query_params.multi_items()))
        downloadable = {q.name for q in queries if all(p.optional for p in q.params)}
        return self.render("queries.html", queries=queries, table=table, downloadable=downloadable)

    def query_page(self, request: Request) -> Response:
        """/queries/<name> (a form and the table) or /queries/<name>.<csv|json|tsv|ttl>: the
        view the table parameters ask for (tables.py), every row of it in a download (a file cut
        at --max-rows says so inside), Turtle only where the rows name IRIs."""
        name, _sep, suffix = request.path_params["name"].partition(".")
        if suffix and suffix not in DOWNLOADS:
            raise WebError(404, "Unknown format",
                           f"downloads are {', '.join('.' + s for s in DOWNLOADS)}, not .{suffix}")
        named = _resolve_query(name)
        items = list(request.query_params.multi_items())
        params = {p.name: request.query_params.get(p.name, "") for p in named.params}
        unknown = unknown_params(items, [*params, *named.columns])
        if unknown:
            raise UnknownParameter(name, unknown[0], [p.name for p in named.params])
        missing = [p.name for p in named.params if not p.optional and not params[p.name]]
        path = f"/queries/{quote(name)}"
        if missing and not suffix:
            shared = browse.download_paths(path, items, ["csv", "json", "tsv"])
            return self.render("query.html", query=named, params=params, table=None,
                               downloads=shared, missing=missing, max_rows=self.max_rows,
                               cut_downloads=None)
        if missing:
            raise MissingParameter(name, missing[0])
        columns, rows = call_with_time_limit(
            lambda: run_query(self.store.raw, named, params, typed=True), self.time_limit)
        wanted = TableRequest.from_params(items, columns, reserved=params)
        has_iris = any(_is_iri(v) for row in rows for v in row)
        if suffix == "ttl":
            if not has_iris:
                raise WebError(404, "No Turtle download",
                               f"the rows of {name!r} name no IRI, so their graph is empty: "
                               "download .csv, .tsv or .json")
            selected = view_rows(columns, rows, wanted)
            truncated = self.max_rows is not None and len(selected) > self.max_rows
            kept = selected[:self.max_rows] if truncated else selected
            triples = call_with_time_limit(lambda: _rows_graph(self.store.raw, kept), self.time_limit)
            data = serialize_triples(triples, ox.RdfFormat.TURTLE)
            if truncated:
                data += (f"# truncated: the graph of {len(kept)} of {len(selected)} rows "
                         f"(policykg serve --max-rows {self.max_rows})\n").encode("utf-8")
            return Response(data, media_type="text/turtle; charset=utf-8",
                            headers={TRUNCATED_HEADER: "true" if truncated else "false",
                                     **_attachment(f"{name}.ttl")})
        if suffix:
            data, truncated = render_download(suffix, columns, view_rows(columns, rows, wanted),
                                              max_rows=self.max_rows)
            return Response(data, media_type=MEDIA_TYPES[suffix],
                            headers={TRUNCATED_HEADER: "true" if truncated else "false",
                                     **_attachment(f"{name}.{suffix}")})
        formats = ["csv", "json", "tsv", *(["ttl"] if has_iris else [])]
        table = table_view(columns, rows, items, path=path, request=wanted,
                           downloads={fmt: f"{path}.{fmt}" for fmt in formats})
        cut = table.total if self.max_rows is not None and table.total > self.max_rows else None
        return self.render("query.html", query=named, params=params, table=table,
                           downloads=table.downloads, missing=[], max_rows=self.max_rows,
                           cut_downloads=cut, stale=self._stale_analysis(named))

    def _stale_analysis(self, named: Any) -> Any:
        """The analysis graph's coverage when the query reads that graph and it does not describe
        the store's plans (graph/analysis/freshness.py), for the page to say so; else None."""
        from policykg.graph.analysis.freshness import reads_analysis_graph, stale_coverage

        if not reads_analysis_graph(named.sparql):
            return None
        return call_with_time_limit(lambda: stale_coverage(self.store), self.time_limit)

    def entity(self, request: Request) -> Response:
        """/entity?iri=... and /entity.ttl|.jsonld?iri=..."""
        iri = request.query_params.get("iri", "").strip()
        if not iri:
            raise WebError(400, "No IRI", "give the entity's IRI: /entity?iri=https://...")
        suffix = request.path_params.get("suffix")
        return self._entity_response(request, iri, suffix)

    def entity_by_path(self, request: Request) -> Response:
        """/id/<path>: the data IRI https://w3id.org/policykg/id/<path> as a browser sends it
        (its URI form), optionally with .ttl or .jsonld."""
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        path = raw_path.decode("ascii", "replace").split("?", 1)[0]
        iri = ID + uri_to_iri(path[len("/id/"):])
        for suffix in ENTITY_FORMATS:
            if iri.endswith("." + suffix):
                plain = iri[: -len(suffix) - 1]
                if entities.exists(self.store.raw, ox.NamedNode(plain)) and \
                        not entities.exists(self.store.raw, ox.NamedNode(iri)):
                    return self._entity_response(request, plain, suffix)
        return self._entity_response(request, iri, None)

    def _entity_response(self, request: Request, iri: str, suffix: str | None) -> Response:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            raise WebError(400, "Not an IRI", f"{iri!r} is not a valid IRI") from None
        media = ENTITY_FORMATS[suffix] if suffix else negotiate(
            request.headers.get("accept"), ["text/html", *ENTITY_RDF])
        if media is None:
            raise WebError(406, "Not acceptable", "an entity is served as text/html, text/turtle "
                                                  "or application/ld+json")
        if media in ENTITY_RDF:
            if not entities.exists(self.store.raw, node):
                raise WebError(404, "Not found", f"the graph never mentions <{iri}>")
            data = serialize_triples(entities.entity_triples(self.store.raw, iri), ENTITY_RDF[media])
            return Response(data, media_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})
        described = entities.describe(self.store.raw, iri)
        if described is None:
            raise WebError(404, "Not found", f"the graph never mentions <{iri}>")
        plan_source = _plan_source(self.store.raw, described)
        return self.render("entity.html", entity=described, has_viz=self.views is not None,
                           plan_source=plan_source,
                           **entities.page_context(self.store.raw, described, plan_source),
                           exports=_entity_exports(described, plan_source),
                           ttl_url="/entity.ttl?" + urlencode({"iri": iri}),
                           jsonld_url="/entity.jsonld?" + urlencode({"iri": iri}))

    def plan_list(self, request: Request) -> Response:
        """/plans/ (the faceted plans table) and /plans/.csv|.json|.tsv (every row of the view)."""
        return browse.plans_response(self, request)

    def plan(self, request: Request) -> Response:
        source = request.path_params["source"]
        page = plan_page(self.store.raw, source)
        if page is None:
            names = ", ".join(d.source or "?" for d in self.store.documents())
            raise WebError(404, "No such plan", f"no plan with source {source!r}; plans: {names}")
        exports = {name: f"/queries/{name}.csv?" + urlencode({"source": source})
                   for name in ("measures", "responsibilities", "citations", "targets", "incentives", "people")}
        return self.render("plan.html", page=page, exports=exports,
                           subgraph_exports=export_links("plan", source),
                           plan_view="/viz/plan?" + urlencode({"source": source}),
                           views=plan_view_links(page))

    def export(self, request: Request) -> Response:
        """/export?plan=|city=|agency=|framework=|indicator=...&hops=&format=|zip=1: the selected
        subgraph as an attachment (the same selectors and bytes as `policykg export`)."""
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        wanted = parse_export_request(params)
        download = call_with_time_limit(lambda: export_download(self.store, wanted), self.time_limit)
        return Response(download.data, media_type=download.media_type,
                        headers={"Content-Disposition": content_disposition(download.filename)})

    def viz(self, request: Request) -> Response:
        """/viz/<view>?param=...: policykg.viz.views.render in the app's form (viz_index.py)."""
        return viz_index.view(self, request, CSP)

    # -- errors ---------------------------------------------------------------------------------

    async def handle_error(self, request: Request, exc: Exception) -> Response:
        status, title, message = _describe_error(exc)
        if request.url.path.startswith("/sparql") or request.url.path.rsplit(".", 1)[-1] in (
                "csv", "tsv", "ttl", "jsonld"):
            return PlainTextResponse(f"{title}: {message}\n", status_code=status)
        wants = negotiate(request.headers.get("accept"), ["text/html", "application/json"])
        if wants == "application/json" or request.url.path.endswith(".json"):
            body = json.dumps({"ok": False, "status": status, "title": title, "error": message},
                              ensure_ascii=False)
            return Response(body, status_code=status, media_type="application/json; charset=utf-8")
        return self.render("error.html", status=status, title=title, message=message)


def create_app(store_path: str | Path | None, *, time_limit: float | None = DEFAULT_TIME_LIMIT,
               max_rows: int | None = DEFAULT_MAX_ROWS, cors: str | None = None,
               store: Store | None = None, workers: int = DEFAULT_WORKERS,
               memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB, allow_service: bool = False,
               allowed_hosts: Sequence[str] | None = None) -> Starlette:
    """The ASGI app serving the store at `store_path`, opened read-only.

    time_limit (float): seconds a query may run (None: no limit); past it the query's worker
        process is killed and the request answered 503.
    max_rows (int): rows (or triples) the HTML pages and saved-query downloads keep (cut answers
        say so); /sparql always streams the complete result.
    cors (str): an origin allowed to call the app from a browser ("*" for any); off by default.
    store (Store): an already open store to serve instead of opening `store_path` (tests).
    workers (int): SPARQL worker processes (0: run queries in-process, without kill or cap).
    memory_limit_mb (int): address-space cap per worker (None or 0: none).
    allow_service (bool): let queries call other endpoints (SERVICE); off: 400.
    allowed_hosts: the Host names served (others get 400); None: no check (in-process use).
    RAISES: StoreNotFound, StoreLocked, PolicyKGError (before any request is served).
    """
    if store is None:
        store = Store.open(store_path, read_only=True)
    pool = None
    if workers > 0 and store.path is not None:
        pool = WorkerPool(str(store.path), size=workers, memory_limit_mb=memory_limit_mb or None)
    web = WebApp(store, time_limit=time_limit, max_rows=max_rows, pool=pool,
                 allow_service=allow_service)
    routes = [
        Route("/", web.home, name="home"),
        Route("/sparql", web.sparql, methods=["GET", "POST"], name="sparql"),
        Route("/sparql/", web.sparql, methods=["GET", "POST"]),
        Route("/queries/", web.query_list, name="queries"),
        Route("/queries", lambda request: RedirectResponse("/queries/", status_code=301)),
        Route("/queries/{name}", web.query_page, name="query"),
        Route("/entity", web.entity, name="entity"),
        Route("/entity.{suffix:str}", _entity_with_suffix(web), name="entity_rdf"),
        Route("/id/{path:path}", web.entity_by_path, name="id"),
        Route("/plans/", web.plan_list, name="plans"),
        Route("/plans", lambda request: RedirectResponse("/plans/", status_code=301)),
        Route("/plans/.{suffix}", web.plan_list, name="plans_download"),
        Route("/plans/{source:path}", web.plan, name="plan"),  # a source may be a/方案.txt
        Route("/export", web.export, name="export"),
        *install_search(web),  # /search, /search.json, /suggest (viz/web/search.py)
        Mount("/static", app=StaticFiles(directory=str(STATIC_DIR), follow_symlink=False),
              name="static"),
    ]
    if web.views is not None:
        routes.append(Route("/viz/", lambda request: viz_index.index(web, request), name="viz_index"))
        routes.append(Route("/viz", lambda request: RedirectResponse("/viz/", status_code=301)))
        routes.append(Route("/viz/assets/{name}", viz_index.asset, name="viz_asset"))
        routes.append(Route("/viz/{view}", web.viz, name="viz"))
    middleware = [Middleware(LanguageMiddleware)]
    if allowed_hosts is not None:
        middleware.append(Middleware(HostAllowList, allowed=allowed_hosts))
    if cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=[cors], allow_methods=["GET", "POST"],
                                     allow_headers=["Accept", "Content-Type"],
                                     expose_headers=[TRUNCATED_HEADER]))
    app = Starlette(routes=routes, middleware=middleware, lifespan=_worker_lifespan(pool),
                    exception_handlers={Exception: web.handle_error, HTTPException: web.handle_error,
                                        WebError: web.handle_error, PolicyKGError: web.handle_error})
    app.state.web = web
    return app


async def _bounded_body(request: Request) -> bytes:
    """The request body, refused with 400 past MAX_BODY_BYTES before it is all in memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise WebError(400, "Query too large", f"the request body has {int(declared):,} bytes; "
                                               f"this endpoint takes at most {MAX_BODY_BYTES:,}")
    body = bytearray()
    async for piece in request.stream():
        body += piece
        if len(body) > MAX_BODY_BYTES:
            raise WebError(400, "Query too large",
                           f"the request body exceeds {MAX_BODY_BYTES:,} bytes")
    return bytes(body)


def _worker_lifespan(pool: WorkerPool | None) -> Callable[[Any], Any]:
    """Start the query workers with the server and kill them when it stops."""
    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        if pool is not None:
            await run_in_threadpool(pool.start)
        try:
            yield
        finally:
            if pool is not None:
                await run_in_threadpool(pool.close)

    return lifespan


# -- helpers --------------------------------------------------------------------------------------


def uri_to_iri(uri: str) -> str:
    """RFC 3987 §3.2: decode the percent-escapes that spell non-ASCII characters (how a browser
    sends an IRI's Chinese), keep ASCII escapes such as %2F, which are part of the IRI itself
    (graph/rdf.py: iri_segment)."""
    return _NON_ASCII_ESCAPES.sub(_decode_non_ascii, uri)


_NON_ASCII_ESCAPES = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")


def _decode_non_ascii(match: re.Match[str]) -> str:
    escaped = match.group(0)
    try:
        text = bytes.fromhex(escaped.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return escaped
    return text if all(ord(ch) >= 0xA0 for ch in text) else escaped


def _entity_with_suffix(web: WebApp) -> Callable[[Request], Response]:
    def view(request: Request) -> Response:
        suffix = request.path_params["suffix"]
        if suffix not in ENTITY_FORMATS:
            raise WebError(404, "Unknown format", f"entities come as .ttl or .jsonld, not .{suffix}")
        return web.entity(request)

    return view


def _resolve_query(name: str) -> Any:
    """The named query `name` (only shipped ones: a URL never names a file path)."""
    from policykg.queries import load_query, shipped_query_names

    available = shipped_query_names()
    if name not in available:
        raise QueryNotFound(name, available)
    return load_query(name)


def _named_queries() -> list[Any]:
    from policykg.queries import list_queries

    return list_queries()


def _rows_graph(raw: ox.Store, rows: list[list[str | None]]) -> list[ox.Triple]:
    """The Turtle download of a table: the outgoing triples of every IRI its rows mention."""
    seen: dict[ox.Triple, None] = {}
    iris = dict.fromkeys(v for row in rows for v in row if v and _is_iri(v))
    for iri in iris:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            continue
        for quad in raw.quads_for_pattern(node, None, None, None):
            seen[quad.triple] = None
    return list(seen)


def _plan_source(raw: ox.Store, described: entities.Entity) -> str | None:
    if described.passage is not None:
        return described.passage.source
    if PREFIXES["pk"] + "Plan" in described.types:
        for statement in described.properties:
            if statement.predicate == PREFIXES["dcterms"] + "source":
                return statement.term.value
    return None


def _entity_exports(described: entities.Entity, plan_source: str | None) -> dict[str, str]:
    """The Export block of an entity page: agencies and cited documents export their
    neighbourhood, a plan its document graph; other entities get none."""
    if described.is_agency:
        return export_links("agency", described.iri)
    if PREFIXES["pk"] + "CitedDocument" in described.types:
        return export_links("framework", described.iri)
    if PREFIXES["pk"] + "Plan" in described.types and plan_source:
        return export_links("plan", plan_source)
    return {}


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://", "urn:"))


def _term_kind(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return "iri"
    if isinstance(term, ox.BlankNode):
        return "bnode"
    if isinstance(term, ox.Literal):
        return "literal"
    return "none" if term is None else "other"


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _viz_views() -> Any:
    """policykg.viz.views if it is installed (another part of the tool), else None."""
    if importlib.util.find_spec("policykg.viz.views") is None:
        return None
    module = importlib.import_module("policykg.viz.views")
    return module if hasattr(module, "render") else None


def _describe_error(exc: Exception) -> tuple[int, str, str]:
    if isinstance(exc, WebError):
        return exc.status, exc.title, exc.message
    if isinstance(exc, HTTPException):
        titles = {404: "Not found", 405: "Method not allowed"}
        return exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail)
    if isinstance(exc, QueryNotFound):
        return 404, "No such query", str(exc)
    if type(exc).__name__ in ("UnknownView", "NothingToShow"):  # policykg.viz.errors
        return 404, "Not found", str(exc).replace("--param ", "")
    if isinstance(exc, (MissingParameter, UnknownParameter)):
        return 400, "Bad parameter", str(exc).replace("--param ", "")
    if isinstance(exc, (StoreNotFound, StoreLocked)):
        return 503, "Store unavailable", str(exc)
    if isinstance(exc, PolicyKGError):
        return 400, "Bad request", str(exc).replace("--param ", "")
    return 500, "Internal error", f"{type(exc).__name__}: the server hit an unexpected error"
