"""The SPARQL 1.1 Protocol at /sparql: read the query from a request, run it read-only, and
serialise the answer in the negotiated format.

`read_request` accepts GET ?query=, a form POST and an application/sparql-query POST with the
protocol's `default-graph-uri` / `named-graph-uri`; updates are refused, and the text is checked
(size, nesting, SERVICE) by viz/web/query_check.py before any engine sees it. `query_options` builds
the dataset: the protocol's graphs, else the query's FROM / FROM NAMED, else the union of all
graphs. `run_job` is what a worker process (viz/web/query_workers.py) does with a query: stream
the complete result in the negotiated format, or collect typed rows (up to the row cap) for the
HTML page. `run_sparql` does the latter in-process (stores without a folder, unit tests).
Partner: viz/web/app.py (the routes).
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from policykg.errors import PolicyKGError, QueryFailed
from policykg.graph.store import call_with_timeout
from policykg.ontology import PREFIXES

from .http import WebError, negotiate
from .query_check import check_query

# media type -> SPARQL results format name (the first is the default)
SELECT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
ASK_TYPES: dict[str, str] = {k: v for k, v in SELECT_TYPES.items() if v in ("json", "xml")}
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "text/n3": ox.RdfFormat.TURTLE,  # Turtle is N3 (SPARQLWrapper's N3 asks for this)
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
# `format=` / `output=` values (SPARQLWrapper sends them along with Accept) -> media type
FORMAT_NAMES: dict[str, dict[str, str]] = {
    "select": {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
               "csv": "text/csv", "tsv": "text/tab-separated-values"},
    "ask": {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml"},
    "graph": {"turtle": "text/turtle", "ttl": "text/turtle", "n3": "text/turtle",
              "nt": "application/n-triples", "ntriples": "application/n-triples",
              "json-ld": "application/ld+json", "jsonld": "application/ld+json",
              "xml": "application/rdf+xml", "rdf+xml": "application/rdf+xml",
              "nq": "application/n-quads", "nquads": "application/n-quads",
              "trig": "application/trig"},
}
T = TypeVar("T")
CHARSET_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle", "application/n-triples",
                 "text/n3", "text/plain", "application/n-quads", "application/trig"}
RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_UPDATE_START = re.compile(r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
_PROLOGUE = re.compile(r"(?:\s*(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>))*\s*", re.I)
_COMMENT_LINE = re.compile(r"^\s*#.*$", re.M)

READ_ONLY_MESSAGE = ("this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, "
                     "...) is refused; rebuild the store with `policykg build` to change it")


@dataclass
class Answer:
    """A query's answer as typed pyoxigraph terms. kind: select | ask | graph."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    boolean: bool = False
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False


@dataclass(frozen=True)
class QueryRequest:
    """A protocol request's query and dataset. default_graphs / named_graphs: the IRIs of the
    `default-graph-uri` / `named-graph-uri` parameters (empty when not given)."""

    sparql: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    has_dataset_clause: bool = False

    @property
    def has_protocol_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def read_request(method: str, params: Mapping[str, list[str]], content_type: str, body: bytes, *,
                 allow_service: bool = False) -> QueryRequest:
    """The query and dataset of a protocol request, checked by query_check.check_query.
    RAISES WebError: 403 updates, 415 body type, 400 malformed (no or several queries, not UTF-8,
    too large, nested too deeply, SERVICE while it is off, a graph parameter that is no IRI).

    params: the URL's query parameters (name -> values).
    """
    fields: dict[str, list[str]] = {k: list(v) for k, v in params.items()}
    media, _, parameters = content_type.partition(";")
    media = media.strip().lower()
    if method == "POST":
        charset = _charset(parameters)
        if charset not in (None, "utf-8", "utf8", "us-ascii"):
            raise WebError(400, "Not UTF-8", f"send the query as UTF-8, not {charset}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise WebError(400, "Not UTF-8", "the request body is not valid UTF-8") from None
        if media == "application/x-www-form-urlencoded":
            for key, values in parse_qs(text, keep_blank_values=True).items():
                fields.setdefault(key, []).extend(values)
        elif media == "application/sparql-query":
            fields.setdefault("query", []).append(text)
        elif media == "application/sparql-update":
            raise WebError(403, "Updates are refused", READ_ONLY_MESSAGE)
        else:
            raise WebError(415, "Unsupported request body",
                           f"POST a query as application/x-www-form-urlencoded (query=...) or "
                           f"application/sparql-query, not {media or 'no Content-Type'}")
    if fields.get("update"):
        raise WebError(403, "Updates are refused", READ_ONLY_MESSAGE)
    queries = fields.get("query") or []
    if len(queries) != 1 or not queries[0].strip():
        raise WebError(400, "No query" if not queries else "Several queries",
                       "send exactly one SPARQL query in the `query` parameter "
                       "(GET or form POST) or as an application/sparql-query body")
    sparql = queries[0]
    if is_update(sparql):
        raise WebError(403, "Updates are refused", READ_ONLY_MESSAGE)
    shape = check_query(sparql, allow_service=allow_service)
    graphs = {name: tuple(_graph_iri(name, v) for v in fields.get(name, []))
              for name in DATASET_PARAMETERS}
    return QueryRequest(sparql, graphs["default-graph-uri"], graphs["named-graph-uri"],
                        shape.has_dataset)


def read_query(method: str, params: Mapping[str, list[str]], content_type: str, body: bytes, *,
               allow_service: bool = False) -> str:
    """The query text of a protocol request (`read_request`, for callers without a dataset)."""
    return read_request(method, params, content_type, body, allow_service=allow_service).sparql


def query_options(request: QueryRequest, base_iri: str | None) -> dict[str, Any]:
    """pyoxigraph `Store.query` keyword arguments (IRIs as strings; `query_kwargs` makes terms).

    The dataset: the protocol's graph parameters win over the query's FROM / FROM NAMED (SPARQL
    1.1 Protocol 2.1.4); a query naming neither sees the union of all graphs as its default graph.
    """
    options: dict[str, Any] = {"base_iri": base_iri}
    if request.has_protocol_dataset:
        options["default_graph"] = list(request.default_graphs)
        options["named_graphs"] = list(request.named_graphs)
    elif not request.has_dataset_clause:
        options["use_default_graph_as_union"] = True
    return options


def query_kwargs(options: Mapping[str, Any]) -> dict[str, Any]:
    """`query_options` with IRIs turned into pyoxigraph terms."""
    kwargs = dict(options)
    if kwargs.get("default_graph") is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in kwargs["default_graph"]] \
            or ox.DefaultGraph()  # no default-graph-uri: the (empty) store default graph
    if kwargs.get("named_graphs") is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in kwargs["named_graphs"]]
    return {k: v for k, v in kwargs.items() if v is not None}


def _graph_iri(parameter: str, value: str) -> str:
    try:
        return ox.NamedNode(value.strip()).value
    except ValueError:
        raise WebError(400, "Bad graph IRI", f"{parameter} must be an absolute IRI, not {value!r}") \
            from None


def _charset(parameters: str) -> str | None:
    for parameter in parameters.split(";"):
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def is_update(sparql: str) -> bool:
    """True when the text is a SPARQL Update (its first keyword after the prologue)."""
    text = _COMMENT_LINE.sub("", sparql)
    rest = text[_PROLOGUE.match(text).end():]  # type: ignore[union-attr]
    return _UPDATE_START.match(rest) is not None


def run_sparql(raw: ox.Store, sparql: str, *, max_rows: int | None,
               time_limit: float | None, options: Mapping[str, Any] | None = None) -> Answer:
    """Run a read query in this process (over the union default graph unless `options` say
    otherwise), keeping at most `max_rows` rows (or triples). The worker processes of
    viz/web/query_workers.py are the server's way; this is for stores without a folder and tests.
    RAISES WebError: 400 syntax error, 503 past `time_limit` seconds, 500 otherwise."""
    kwargs = query_kwargs(options if options is not None else {"use_default_graph_as_union": True})

    def work() -> Answer:
        try:
            # a remote endpoint's own row cap is no error when this answer keeps fewer rows
            with getattr(raw, "first_rows", lambda rows: contextlib.nullcontext())(max_rows):
                return _collect(raw.query(sparql, **kwargs), max_rows)
        except SyntaxError as e:
            problem: WebError = WebError(400, "SPARQL syntax error", _one_line(e))
        except (OSError, RuntimeError, ValueError, TypeError) as e:
            problem = WebError(500, "The query failed", _one_line(e))
        raise problem  # outside `except`: no traceback chain keeps the store alive

    return call_with_time_limit(work, time_limit)


def run_job(raw: ox.Store, job: Any, send: Callable[[tuple[Any, ...]], None]) -> None:
    """A worker's answer to a query_workers.QueryJob, as messages through `send`: the typed
    answer (job.output == "answer"), or the complete result streamed in the negotiated format."""
    try:
        result = raw.query(job.sparql, **query_kwargs(job.options))
        if job.output == "answer":
            send(("answer", _collect(result, job.max_rows)))
            return
        kind = ("ask" if isinstance(result, ox.QueryBoolean) else
                "graph" if isinstance(result, ox.QueryTriples) else "select")
        media = choose_media(kind, job.accept, job.format_name)
        writer = _ChunkWriter(send, ("head", media))
        write_result(result, media, writer)
        writer.flush(final=True)
        send(("end",))
    except WebError as e:
        send(("error", e.status, e.title, e.message))
    except SyntaxError as e:
        send(("error", 400, "SPARQL syntax error", _one_line(e)))
    except MemoryError:
        send(("error", 503, "Query stopped", "the query needed more memory than this server "
                                              "allows a query (`policykg serve --memory-limit`)"))
    except (OSError, RuntimeError, ValueError, TypeError) as e:
        if isinstance(e, (BrokenPipeError, ConnectionError)):
            raise
        send(("error", 500, "The query failed", _one_line(e)))


def write_result(result: Any, media: str, output: Any) -> None:
    """Serialise a pyoxigraph query result completely into `output` (a binary writer) in the
    format of `media`, streaming (pyoxigraph's own SPARQL results and RDF writers)."""
    if isinstance(result, ox.QueryTriples):
        rdf_format = GRAPH_TYPES[media]
        triples: Any = result
        if rdf_format.supports_datasets:  # N-Quads / TriG: the triples in the default graph
            triples = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in result)
        prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML,
                                              ox.RdfFormat.TRIG) else None
        ox.serialize(triples, output, rdf_format, prefixes=prefixes)
        return
    result.serialize(output, RESULTS_FORMATS[SELECT_TYPES[media]])


class _ChunkWriter:
    """A binary writer that sends what it is given in `size` pieces as ("chunk", bytes), after
    the `head` message. The head waits for the first full piece (or the end): an error raised by
    the engine before then still becomes a proper HTTP error status instead of a cut stream."""

    def __init__(self, send: Callable[[tuple[Any, ...]], None], head: tuple[Any, ...],
                 size: int = 64 * 1024):
        self.send = send
        self.head: tuple[Any, ...] | None = head
        self.size = size
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= self.size:
            self.flush(final=True)
        return len(data)

    def flush(self, final: bool = False) -> None:
        if not final:  # pyoxigraph flushes its own buffers; pieces stay `size` large
            return
        if self.head is not None:
            self.send(self.head)
            self.head = None
        if self.buffer:
            self.send(("chunk", bytes(self.buffer)))
            self.buffer = bytearray()


def call_with_time_limit(fn: Callable[[], T], time_limit: float | None) -> T:
    """`fn()` under the server's time limit (graph/store.py: call_with_timeout, whose worker
    thread cannot be cancelled). RAISES WebError(503) naming `--time-limit` past the limit;
    errors from `fn` come back without the worker's frames (they hold the store)."""
    try:
        return call_with_timeout(fn, time_limit)
    except QueryFailed as e:
        if "took longer" in str(e):  # call_with_timeout's own time-out
            error: Exception = WebError(503, "Query took too long", time_limit_message(time_limit))
        else:
            error = e.with_traceback(None)
    except (WebError, PolicyKGError) as e:
        error = e.with_traceback(None)
    error.__cause__ = error.__context__ = None
    raise error


def time_limit_message(time_limit: float | None) -> str:
    return (f"the query ran longer than this server's time limit of {time_limit:g} s and was "
            "stopped; simplify it (LIMIT, fewer joins) or restart the server with a larger "
            "`policykg serve --time-limit`")


def choose_media(kind: str, accept: str | None, format_name: str | None) -> str:
    """The response media type for an answer of `kind`: an explicit known `format=` wins, then
    the Accept header. RAISES WebError(406) when nothing offered is acceptable."""
    offers = offers_for(kind)
    if format_name:
        named = FORMAT_NAMES[kind].get(format_name.strip().lower())
        if named:
            return named
    chosen = negotiate(accept, offers)
    if chosen is None:
        raise WebError(406, "Not acceptable",
                       f"a {kind.upper()} answer can be sent as {', '.join(offers)}; "
                       f"the Accept header asked for {accept!r}")
    return chosen


def offers_for(kind: str) -> list[str]:
    return list({"select": SELECT_TYPES, "ask": ASK_TYPES, "graph": GRAPH_TYPES}[kind])


def serialize(answer: Answer, media: str) -> bytes:
    """The answer in the format of `media` (one of `offers_for(answer.kind)`)."""
    if answer.kind == "graph":
        return serialize_triples(answer.triples, GRAPH_TYPES[media])
    name = SELECT_TYPES[media]
    if answer.kind == "ask":
        return (_ask_json(answer) if name == "json" else _ask_xml(answer)).encode("utf-8")
    writer = {"json": _select_json, "xml": _select_xml, "csv": _select_csv, "tsv": _select_tsv}[name]
    return writer(answer).encode("utf-8")


def serialize_triples(triples: list[ox.Triple], rdf_format: ox.RdfFormat) -> bytes:
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes)


def content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media in CHARSET_TYPES or media.endswith("json") else media


# -- collecting --------------------------------------------------------------------------------


def _collect(answer: Any, max_rows: int | None) -> Answer:
    if isinstance(answer, ox.QueryBoolean):
        return Answer("ask", boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        triples: list[ox.Triple] = []
        for triple in answer:
            if max_rows is not None and len(triples) >= max_rows:
                return Answer("graph", triples=triples, truncated=True)
            triples.append(triple)
        return Answer("graph", triples=triples)
    variables = [v.value for v in answer.variables]
    rows: list[list[Any]] = []
    for solution in answer:
        if max_rows is not None and len(rows) >= max_rows:
            return Answer("select", variables, rows, truncated=True)
        rows.append([solution[i] for i in range(len(variables))])
    return Answer("select", variables, rows)


# -- SPARQL 1.1 results formats ------------------------------------------------------------------


def _term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    return {"type": "literal", "value": str(term)}


def _select_json(answer: Answer) -> str:
    bindings = [{var: _term_json(term) for var, term in zip(answer.variables, row) if term is not None}
                for row in answer.rows]
    document: dict[str, Any] = {"head": {"vars": answer.variables}, "results": {"bindings": bindings}}
    if answer.truncated:
        document["policykg"] = {"truncated": True, "rows": len(answer.rows)}
    return json.dumps(document, ensure_ascii=False)


def _ask_json(answer: Answer) -> str:
    return json.dumps({"head": {}, "boolean": answer.boolean})


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def _term_xml(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _select_xml(answer: Answer) -> str:
    out = [_XML_HEAD, "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in answer.variables]
    out.append("</head>\n<results>\n")
    for row in answer.rows:
        out.append("<result>")
        for var, term in zip(answer.variables, row):
            if term is not None:
                out.append(f"<binding name={quoteattr(var)}>{_term_xml(term)}</binding>")
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out)


def _ask_xml(answer: Answer) -> str:
    return f"{_XML_HEAD}<head/>\n<boolean>{'true' if answer.boolean else 'false'}</boolean>\n</sparql>\n"


def _select_csv(answer: Answer) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # SPARQL 1.1 CSV: CRLF line ends
    writer.writerow(answer.variables)
    for row in answer.rows:
        writer.writerow(["" if t is None else
                         f"_:{t.value}" if isinstance(t, ox.BlankNode) else
                         t.value if isinstance(t, (ox.NamedNode, ox.Literal)) else str(t)
                         for t in row])
    return out.getvalue()


def _select_tsv(answer: Answer) -> str:
    lines = ["\t".join(f"?{v}" for v in answer.variables)]
    for row in answer.rows:
        lines.append("\t".join("" if t is None else str(t) for t in row))  # N-Triples terms
    return "\n".join(lines) + "\n"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())
