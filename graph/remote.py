"""A read-only policykg store behind any SPARQL 1.1 Protocol endpoint (Virtuoso, Fuseki, `oxigraph
serve`, QLever ...), so `policykg query/export/viz/serve --endpoint URL` read a shared server the way
they read a local folder.

`RemoteStore` is a `Store` (graph/store.py) whose engine is `SparqlEndpoint`: a stand-in for the
read half of `pyoxigraph.Store` that sends each query over HTTP (standard library only) and parses
the answer with pyoxigraph, so every reader (named queries, views, exports, the web app) gets the
same typed terms and the same `Results` rows as from Oxigraph. Writing raises one line.

The time limit is the HTTP timeout plus Virtuoso's `timeout` hint (milliseconds); an answer that
Virtuoso cut at its limit ("anytime" partial results, header X-SQL-State: S1TAT) is an error, never
a silently shorter table; so is an answer cut at the endpoint's row cap (Virtuoso's
ResultSetMaxRows, header X-SPARQL-MaxRows): RowLimitReached names the endpoint and the limit.
Parameter substitutions (pyoxigraph's `substitutions=`) are written into the query as constants
(`with_values`; a non-ASCII string inside an expression as `STR("..."^^xsd:string)`, around
Virtuoso's STR() fault). The default graph is the server's default graph,
which is the union of all graphs on Virtuoso and `oxigraph serve --union-default-graph`.
Partners: graph/gsp.py (writes to the same servers), docs/scale.md ("A shared server").
"""
from __future__ import annotations

import base64
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pyoxigraph as ox

from policykg.errors import PolicyKGError, QueryFailed
from policykg.ontology import ID

from .store import Store

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
DEFAULT_TIMEOUT_S = 120.0
# Pages walk an entity's statements one pattern at a time (viz/web/entity.py, plan_text.py): a
# subject's statements are fetched in one request and reused for a few seconds.
SUBJECT_CACHE_S = 10.0
SUBJECT_CACHE_SIZE = 4096
# The graphs policykg writes (documents, vocabularies, analysis): a server's own graphs
# (Virtuoso's virtrdf#, ldp# ...) are no documents and count in no statistics.
POLICYKG_GRAPHS = ID


class ReadOnlyRemote(PolicyKGError):
    def __init__(self, endpoint: str):
        super().__init__(f"{endpoint} is a remote SPARQL endpoint, read-only here: "
                         "publish to it with `policykg push` or its bulk loader (docs/scale.md)")


class RowLimitReached(QueryFailed):
    """The endpoint sent only the first rows of the answer, the most it sends of any query."""

    def __init__(self, endpoint: str, limit: int):
        self.endpoint, self.limit = endpoint, limit
        super().__init__(f"{endpoint} cut the answer at its limit of {limit} rows (Virtuoso: "
                         f"[SPARQL] ResultSetMaxRows in virtuoso.ini): raise that limit on the "
                         "server, or narrow the query (a parameter, LIMIT); no partial table is shown")


class SparqlEndpoint:
    """The read methods of `pyoxigraph.Store` over the SPARQL 1.1 Protocol.

    url (str): the query endpoint, e.g. http://host:8890/sparql (Virtuoso).
    timeout (float): seconds per request unless `time_limit` sets another.
    auth (str): `user:password` sent as HTTP Basic (most public endpoints need none).
    """

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_S, auth: str | None = None):
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise PolicyKGError(f"--endpoint must be an http(s) URL, got {url!r}")
        self.url = url
        self.timeout = timeout
        self._headers = {"User-Agent": "policykg"}
        if auth:
            self._headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
        self._local = threading.local()
        self._subjects: dict[str, tuple[float, list[tuple[Any, Any, Any]]]] = {}
        self._subjects_lock = threading.Lock()
        # the endpoint's row cap, once an answer has named it (X-SPARQL-MaxRows)
        self.row_limit: int | None = None

    # -- time limit ------------------------------------------------------------------------------

    @contextmanager
    def time_limit(self, seconds: float | None) -> Iterator[None]:
        """Requests made by this thread inside the block give up after `seconds`."""
        with self._thread_setting("timeout", seconds):
            yield

    @contextmanager
    def first_rows(self, rows: int | None) -> Iterator[None]:
        """Inside the block this thread's caller keeps only the first `rows` rows and says so
        when there were more (the web app's `--max-rows`): an answer the endpoint cut at a limit
        of at least `rows` is then no error, since the caller's own notice tells the truth."""
        with self._thread_setting("first_rows", rows):
            yield

    @contextmanager
    def _thread_setting(self, name: str, value: Any) -> Iterator[None]:
        previous = getattr(self._local, name, None)
        setattr(self._local, name, value)
        try:
            yield
        finally:
            setattr(self._local, name, previous)

    def _timeout(self) -> float:
        value = getattr(self._local, "timeout", None)
        return self.timeout if value is None else value

    # -- pyoxigraph.Store's read interface --------------------------------------------------------

    def query(self, query: str, *, use_default_graph_as_union: bool = True,
              substitutions: Mapping[ox.Variable, Any] | None = None, **_: Any) -> Any:
        """Run `query` on the endpoint; RETURNS pyoxigraph's QuerySolutions, QueryBoolean or
        QueryTriples, like `pyoxigraph.Store.query`. RAISES: SyntaxError, QueryFailed."""
        text = with_values(query, substitutions) if substitutions else query
        form = query_form(text)  # a syntax error is found here, before any request
        if form == "graph":
            data, _ = self._request(text, N_TRIPLES + ", text/turtle;q=0.5")
            scratch = ox.Store()
            scratch.load(data, format=ox.RdfFormat.TURTLE)  # N-Triples is Turtle
            # Virtuoso marks no cut CONSTRUCT/DESCRIBE: a limit seen on an earlier answer tells
            kept = getattr(self._local, "first_rows", None)
            if (self.row_limit is not None and (kept is None or kept > self.row_limit)
                    and len(scratch) >= self.row_limit):
                del scratch
                raise RowLimitReached(self.url, self.row_limit)
            return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        data, limit = self._request(text, RESULTS_JSON)
        # counted from the JSON: no pyoxigraph answer may live in the frames of the error raised
        # here (it is unsendable, and the web app drops errors on another thread)
        kept = getattr(self._local, "first_rows", None)
        if (limit is not None and (kept is None or kept > limit) and _row_count(data) >= limit
                and self._more_rows_than(text, limit)):
            raise RowLimitReached(self.url, limit)
        return self._parse_results(data)

    def _parse_results(self, data: bytes) -> Any:
        try:
            return ox.parse_query_results(_canonical_booleans(data), format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as e:
            raise QueryFailed(f"{self.url} sent an unreadable answer: {_one_line(e)[:200]}") from None

    def _more_rows_than(self, sparql: str, limit: int) -> bool:
        """Whether the SELECT `sparql` has more than `limit` rows (its answer had exactly `limit`
        and the endpoint said that is its cap): one COUNT over it as a subquery. A count the
        endpoint cannot give counts as more (never a silent cut)."""
        prologue = _PROLOGUE.match(sparql)
        head = prologue.group(0) if prologue else ""
        count = f"{head}SELECT (COUNT(*) AS ?n) WHERE {{ {sparql[len(head):]} }}"
        try:
            data, _ = self._request(count, RESULTS_JSON)
            return int(json.loads(data)["results"]["bindings"][0]["n"]["value"]) > limit
        except (QueryFailed, ValueError, IndexError, KeyError, TypeError):
            return True

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        rows = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                          f"FILTER(STRSTARTS(STR(?g), {_string(POLICYKG_GRAPHS)})) }}")
        return iter([row["g"] for row in rows])

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))

    def quads_for_pattern(self, subject: Any = None, predicate: Any = None, object: Any = None,
                          graph_name: Any = None) -> Iterator[ox.Quad]:
        """The quads in named graphs matching the pattern (None matches anything)."""
        if isinstance(subject, ox.NamedNode):
            return iter([ox.Quad(subject, p, o, g) for p, o, g in self._statements_of(subject)
                         if (predicate is None or p == predicate) and (object is None or o == object)
                         and (graph_name is None or g == graph_name)])
        terms = {"s": subject, "p": predicate, "o": object, "g": graph_name}
        pattern = " ".join(str(terms[k]) if terms[k] is not None else f"?{k}" for k in "spo")
        graph = str(graph_name) if graph_name is not None else "?g"
        free = [k for k, v in terms.items() if v is None]
        select = " ".join(f"?{k}" for k in free) or "*"
        sparql = (f"SELECT {select} WHERE {{ GRAPH {graph} {{ {pattern} }} }}" if free
                  else f"SELECT * WHERE {{ GRAPH {graph} {{ {pattern} }} }}")
        quads = []
        for row in self.query(sparql):
            value = {k: (row[k] if k in free else terms[k]) for k in "spog"}
            quads.append(ox.Quad(value["s"], value["p"], value["o"], value["g"]))
        return iter(quads)

    def _statements_of(self, subject: ox.NamedNode) -> list[tuple[Any, Any, Any]]:
        """(predicate, object, graph) of every statement about `subject`, cached briefly."""
        now = time.monotonic()
        with self._subjects_lock:
            cached = self._subjects.get(subject.value)
        if cached is not None and now - cached[0] < SUBJECT_CACHE_S:
            return cached[1]
        rows = self.query(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {subject} ?p ?o }} }}")
        statements = [(row["p"], row["o"], row["g"]) for row in rows]
        with self._subjects_lock:
            if len(self._subjects) >= SUBJECT_CACHE_SIZE:
                self._subjects.clear()
            self._subjects[subject.value] = (now, statements)
        return statements

    def __len__(self) -> int:
        rows = list(self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                               f"FILTER(STRSTARTS(STR(?g), {_string(POLICYKG_GRAPHS)})) }}"))
        return int(rows[0]["n"].value) if rows else 0

    def _read_only(self, *_: Any, **__: Any) -> Any:
        raise ReadOnlyRemote(self.url)

    update = load = bulk_load = extend = add = remove = remove_graph = add_graph = clear = \
        clear_graph = dump = optimize = backup = _read_only

    def flush(self) -> None:
        return None

    # -- HTTP ------------------------------------------------------------------------------------

    def _request(self, sparql: str, accept: str) -> tuple[bytes, int | None]:
        """POST `sparql` as a form (UTF-8, percent-encoded); RETURNS the body and the endpoint's
        row cap when it says the answer reached it (Virtuoso: header X-SPARQL-MaxRows, sent when
        a SELECT's rows reach [SPARQL] ResultSetMaxRows), else None."""
        timeout = self._timeout()
        form = {"query": sparql}
        if timeout:
            form["timeout"] = str(max(1, int(timeout * 1000)))  # Virtuoso's hint, in ms
        request = urllib.request.Request(
            self.url, data=urllib.parse.urlencode(form).encode("utf-8"), method="POST",
            headers={**self._headers, "Accept": accept,
                     "Content-Type": "application/x-www-form-urlencoded"})
        try:
            # a little more than the server's own limit, so its answer (or error) can arrive
            with urllib.request.urlopen(request, timeout=timeout + 5 if timeout else None) as response:
                state = response.headers.get("X-SQL-State", "")
                max_rows = response.headers.get("X-SPARQL-MaxRows", "")
                data = response.read()
        except urllib.error.HTTPError as e:
            detail = _one_line(e.read().decode("utf-8", "replace"))[:300]
            if e.code in (400, 414) or "SPARQL compiler" in detail or "syntax" in detail.lower():
                raise QueryFailed(f"{self.url} rejected the query (HTTP {e.code}): {detail}") from None
            if "S1TAT" in detail or "timeout" in detail.lower():
                raise _too_long(timeout) from None
            raise QueryFailed(f"{self.url} failed the query (HTTP {e.code}): {detail}") from None
        except TimeoutError:
            raise _too_long(timeout) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise _too_long(timeout) from None
            raise QueryFailed(f"cannot reach the SPARQL endpoint {self.url} ({_one_line(reason)})") from None
        if state.startswith("S1TAT"):  # Virtuoso stopped at its limit and sent what it had
            raise _too_long(timeout)
        limit = int(max_rows) if max_rows.strip().isdigit() else None
        if limit is not None:
            self.row_limit = limit
        return data, limit


class RemoteStore(Store):
    """A `Store` whose data lives behind a SPARQL endpoint: every read method works (query,
    run_query, documents, named_graphs, stats, len), every write raises ReadOnlyRemote.

    USAGE: `with RemoteStore.open("http://host:8890/sparql") as store: store.documents()`
    """

    def __init__(self, endpoint: SparqlEndpoint):
        super().__init__(endpoint, None, read_only=True)  # type: ignore[arg-type]
        self.endpoint = endpoint.url

    @classmethod
    def open(cls, url: str, *, timeout: float = DEFAULT_TIMEOUT_S,  # type: ignore[override]
             auth: str | None = None, **_: Any) -> "RemoteStore":
        return cls(SparqlEndpoint(url, timeout=timeout, auth=auth))

    @property
    def remote(self) -> SparqlEndpoint:
        return self.raw  # type: ignore[return-value]

    def query(self, sparql: str, substitutions: Mapping[Any, Any] | None = None, *,
              limit: int | None = None, timeout: float | None = None, union: bool = True):
        with self.remote.time_limit(timeout):
            return super().query(sparql, substitutions, limit=limit, timeout=None, union=union)

    def run_query(self, query: Any, params: Mapping[str, str] | None = None, *,
                  limit: int | None = None, timeout: float | None = None):
        with self.remote.time_limit(timeout):
            return super().run_query(query, params, limit=limit, timeout=None)

    def replace_graphs(self, *_: Any, **__: Any) -> int:
        raise ReadOnlyRemote(self.endpoint)

    def remove_document(self, *_: Any) -> None:
        raise ReadOnlyRemote(self.endpoint)

    def ensure_vocabulary(self) -> int:
        raise ReadOnlyRemote(self.endpoint)

    def optimize(self) -> None:
        raise ReadOnlyRemote(self.endpoint)

    def close(self) -> None:
        self._raw = None


class CapturingRemoteStore(RemoteStore):
    """A RemoteStore that keeps the graphs a writer would replace (in `captured`) instead of
    writing them: `policykg analyze --endpoint` computes from the server and writes the analysis
    graph to a file the group publishes (push or bulk load)."""

    def __init__(self, endpoint: SparqlEndpoint):
        super().__init__(endpoint)
        self.captured: dict[ox.NamedNode, list[ox.Quad]] = {}

    def replace_graphs(self, graphs: Mapping[ox.NamedNode, Any], **_: Any) -> int:
        for graph, quads in graphs.items():
            self.captured[graph] = list(quads)
        return sum(len(quads) for quads in self.captured.values())


def open_store(path: Any = None, endpoint: str | None = None, *, timeout: float | None = None,
               **store_options: Any) -> Store:
    """The local store at `path`, or the RemoteStore at `endpoint` (at most one of them)."""
    if endpoint:
        return RemoteStore.open(endpoint, timeout=timeout or DEFAULT_TIMEOUT_S)
    return Store.open(path, **store_options)


# -- query text -----------------------------------------------------------------------------------


def query_form(sparql: str) -> str:
    """"graph" for CONSTRUCT/DESCRIBE, "rows" for SELECT/ASK (pyoxigraph parses it on an empty
    store, which also reports a syntax error before a request is sent)."""
    answer = ox.Store().query(sparql)
    return "graph" if isinstance(answer, ox.QueryTriples) else "rows"


def with_values(sparql: str, substitutions: Mapping[Any, Any]) -> str:
    """`sparql` with each substituted variable replaced by its value, as pyoxigraph's
    substitutions (SEP-0007 pre-binding) bind it: the value is written in place of the variable
    everywhere outside comments, strings and IRIs (`(value AS ?var)` in a SELECT list, `(value)`
    in GROUP BY / ORDER BY), so engines see a constant, as Oxigraph does. A variable the query
    itself BINDs (`... AS ?var)`) stays, and is joined with a VALUES clause after the query.
    A SELECT whose group holds a subquery projecting the variable keeps `?var` in its list (the
    subquery binds it; a second `AS ?var` would be an error).

    Inside an expression (FILTER, BIND, a function's arguments) a non-ASCII string is written
    `STR("..."^^xsd:string)`: Virtuoso 7.2 keeps a plain literal of the query text as a wide
    string and its STR()/CONCAT() narrow it to ISO-8859-1, so `STR(COALESCE("浙江省", ?p))` is
    "???" there (openlink/virtuoso-opensource#609); a typed literal is compiled as an RDF value
    holding UTF-8 and keeps its characters. Every SPARQL 1.1 engine reads both forms as the same
    simple literal. Triple patterns keep the plain literal (Virtuoso matches a stored plain
    literal only with it)."""
    names = {_variable_name(k): _term(v) for k, v in substitutions.items()}
    expressions = {n: _expression_term(v) for n, v in
                   ((_variable_name(k), v) for k, v in substitutions.items())}
    assigned = {n for n in names if re.search(r"\bAS\s+[?$]" + re.escape(n) + r"\s*\)", sparql, re.I)}
    replaced = {n: (t, expressions[n]) for n, t in names.items() if n not in assigned}
    if replaced:
        sparql = _replace_variables(sparql, replaced)
    if assigned:
        variables = " ".join(f"?{n}" for n in sorted(assigned))
        terms = " ".join(names[n] for n in sorted(assigned))
        sparql = f"{sparql.rstrip()}\nVALUES ({variables}) {{ ({terms}) }}\n"
    return sparql


# PREFIX/BASE declarations and comments before a query's form keyword
_PROLOGUE = re.compile(r"(?:\s+|#[^\n]*\n|(?:PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s+<[^>]*>))*", re.I)

_CLAUSE_WORDS = re.compile(r"(SELECT|WHERE|GROUP\s+BY|ORDER\s+BY|HAVING|LIMIT|OFFSET|VALUES)\b", re.I)


def _replace_variables(sparql: str, values: Mapping[str, tuple[str, str]]) -> str:
    """`values`: variable name -> (its term for a triple pattern, its form in an expression)."""
    out: list[str] = []
    clause = ""  # "select" (a projection list), "condition" (GROUP/ORDER BY) or ""
    depth = 0  # parentheses open in the current group: > 0 is an expression
    depths: list[int] = []  # the enclosing groups' depths (EXISTS { } inside a FILTER( ))
    kept: set[str] = set()  # variables the current SELECT list keeps (a subquery binds them)
    i, n = 0, len(sparql)
    while i < n:
        c = sparql[i]
        if c == "#":
            end = sparql.find("\n", i)
            end = n if end < 0 else end
            out.append(sparql[i:end])
            i = end
            continue
        if c in "\"'":
            quote = c * 3 if sparql[i:i + 3] == c * 3 else c
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            out.append(sparql[i:j + len(quote)])
            i = j + len(quote)
            continue
        if c == "<" and _looks_like_iri(sparql, i):
            end = sparql.find(">", i) + 1
            out.append(sparql[i:end])
            i = end
            continue
        if c in "?$":
            match = re.match(r"[?$]([A-Za-z0-9_]+)", sparql[i:])
            if match and match.group(1) in values:
                name = match.group(1)
                term, expression = values[name]
                if clause == "select" and depth == 0:
                    out.append(f"?{name}" if name in kept else f"({expression} AS ?{name})")
                elif clause == "condition" and depth == 0:
                    out.append(f"({expression})")
                else:
                    out.append(expression if depth > 0 else term)
                i += len(match.group(0))
                continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif c == "{":
            clause = ""
            depths.append(depth)
            depth = 0
        elif c == "}":
            clause = ""
            depth = depths.pop() if depths else 0
        elif (c.isalpha() and (i == 0 or not (sparql[i - 1].isalnum() or sparql[i - 1] in "_?$:"))):
            word = _CLAUSE_WORDS.match(sparql, i)
            if word:
                keyword = word.group(1).upper().split()[0]
                clause = {"SELECT": "select", "GROUP": "condition", "ORDER": "condition"}.get(keyword, "")
                if keyword == "SELECT":
                    kept = _projected_by_subqueries(sparql, word.end(), values)
                out.append(word.group(0))
                i = word.end()
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _projected_by_subqueries(sparql: str, select_end: int, names: Mapping[str, Any]) -> set[str]:
    """Of `names`, those a subquery inside this SELECT's group projects."""
    start = _first_group(sparql[select_end:])
    if start < 0:
        return set()
    start += select_end
    end = _group_end(sparql, start)
    found = set()
    for match in re.finditer(r"\bSELECT\b(.*?)(?:\bWHERE\b|\{)", sparql[start + 1:end], re.I | re.S):
        found |= {name for name in names if re.search(r"[?$]" + re.escape(name) + r"\b", match.group(1))}
    return found


def _group_end(sparql: str, start: int) -> int:
    """The index of the `}` closing the group opened at `start` (strings, IRIs, comments skipped)."""
    level, i, n = 0, start, len(sparql)
    while i < n:
        c = sparql[i]
        if c == "#":
            end = sparql.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "\"'":
            quote = c * 3 if sparql[i:i + 3] == c * 3 else c
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<" and _looks_like_iri(sparql, i):
            i = sparql.find(">", i) + 1
            continue
        if c == "{":
            level += 1
        elif c == "}":
            level -= 1
            if level == 0:
                return i
        i += 1
    return n


def _first_group(sparql: str) -> int:
    i, n = 0, len(sparql)
    while i < n:
        c = sparql[i]
        if c == "#":
            end = sparql.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            long_quote = sparql[i:i + 3] == c * 3
            quote = c * 3 if long_quote else c
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            i = j + len(quote)
            continue
        elif c == "<" and _looks_like_iri(sparql, i):
            i = sparql.find(">", i)
            if i < 0:
                return -1
        elif c == "{":
            return i
        i += 1
    return -1


def _looks_like_iri(sparql: str, i: int) -> bool:
    end = sparql.find(">", i)
    return end > 0 and not any(ch.isspace() for ch in sparql[i + 1:end])


def _variable_name(key: Any) -> str:
    return key.value if isinstance(key, ox.Variable) else str(key).lstrip("?$")


def _term(value: Any) -> str:
    if isinstance(value, str):
        value = ox.Literal(value)
    return str(value)  # N-Triples form: valid, escaped SPARQL


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _expression_term(value: Any) -> str:
    """`value` as written inside an expression: a simple literal with non-ASCII characters as
    `STR("..."^^xsd:string)` (see `with_values`), anything else as its term."""
    literal = ox.Literal(value) if isinstance(value, str) else value
    if (isinstance(literal, ox.Literal) and literal.language is None
            and literal.datatype.value == XSD_STRING and not literal.value.isascii()):
        return f"STR({literal}^^<{XSD_STRING}>)"
    return _term(value)


XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEAN_TEXT = {"1": "true", "0": "false"}


def _canonical_booleans(data: bytes) -> bytes:
    """Virtuoso writes xsd:boolean values as "1"/"0": give them their canonical "true"/"false"
    (what Oxigraph stores and shows), so rows and exported triples agree."""
    if XSD_BOOLEAN.encode() not in data:
        return data
    try:
        answer = json.loads(data)
    except ValueError:
        return data
    for binding in (answer.get("results") or {}).get("bindings") or []:
        for term in binding.values():
            if term.get("datatype") == XSD_BOOLEAN and term.get("value") in _BOOLEAN_TEXT:
                term["value"] = _BOOLEAN_TEXT[term["value"]]
    return json.dumps(answer).encode("utf-8")


def _row_count(data: bytes) -> int:
    """The number of rows in a SPARQL JSON results document (0 for an ASK or unreadable body)."""
    try:
        return len(json.loads(data).get("results", {}).get("bindings") or [])
    except (ValueError, AttributeError):
        return 0


def _string(text: str) -> str:
    return json.dumps(text)


def _too_long(timeout: float | None) -> QueryFailed:
    return QueryFailed(f"query took longer than {timeout:g} s; raise --timeout" if timeout
                       else "the endpoint stopped the query at its own time limit")


def _one_line(message: object) -> str:
    return " ".join(str(message).split())
