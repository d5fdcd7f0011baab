"""The on-disk Oxigraph store: one named graph per document, replaced in one transaction.

`Store` wraps `pyoxigraph.Store` the way datasette's `Database` wraps SQLite: it opens the store
(typed errors for a missing or locked store), writes documents, and runs queries with a row cap
and a time limit, returning `Results(columns, rows, truncated)`. Partners: graph/build.py (writes),
queries/ (the named queries it runs), policykg/render.py (turns Results into csv/json/...).
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote

import pyoxigraph as ox

from policykg.errors import PolicyKGError, QueryFailed, StoreDamaged, StoreLocked, StoreNotFound

if TYPE_CHECKING:  # only for type hints: queries/ imports nothing from here either
    from policykg.queries import NamedQuery

DEFAULT_STORE = Path(".policykg") / "store"
STORE_ENV = "POLICYKG_STORE"

PK = "https://w3id.org/policykg/ns#"
ORG = "http://www.w3.org/ns/org#"

# What `stats()` counts: name -> classes whose distinct instances are counted over the union graph
# (an agency or a cited document shared by several plans has one IRI, so it counts once).
STATS_CLASSES: dict[str, tuple[str, ...]] = {
    "plans": (PK + "Plan",),
    "measures": (PK + "Measure",),
    "assignments": (PK + "Assignment",),
    "agencies": (PK + "Agency",),
    "citations": (PK + "Citation",),
    "cited_documents": (PK + "CitedDocument",),
    "targets": (PK + "Target",),
    # no reasoning in Oxigraph: name the subclass the mapping writes as well as org:Membership
    "people": (ORG + "Membership", PK + "GroupMembership"),
}

T = TypeVar("T")


def resolve_store_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The store folder: `path` if given, else $POLICYKG_STORE, else .policykg/store under cwd."""
    if path:
        return Path(path)
    from_env = os.environ.get(STORE_ENV)
    return Path(from_env) if from_env else DEFAULT_STORE


@dataclass
class Results:
    """What a query returns. `rows` hold plain strings: an IRI, a literal's lexical form, or
    `_:id` for a blank node; `None` for an unbound variable. `truncated` is True when the
    row cap cut the answer. CONSTRUCT/DESCRIBE answers also keep the triples themselves."""

    columns: list[str]
    rows: list[list[str | None]]
    truncated: bool = False
    triples: list[ox.Triple] | None = None

    def as_dicts(self) -> list[dict[str, str | None]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


@dataclass(frozen=True)
class Document:
    """One ingested document: its named graph and its `source` (the file's name)."""

    graph: str
    source: str | None


def term_value(term: Any) -> str | None:
    """A result term as a plain string (see `Results`), exactly as named queries show it."""
    from policykg.queries import term_text

    return term_text(term)


class Store:
    """A policykg store: documents in their own named graphs, vocabularies in theirs.

    USAGE: `with Store.open(path, create=True) as store: store.replace_document(graph, quads)`
    """

    def __init__(self, raw: ox.Store, path: Path | None = None, *, read_only: bool = False):
        self._raw: ox.Store | None = raw
        self.path = path
        self.read_only = read_only

    # -- opening and closing ------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, create: bool = False,
             read_only: bool = False) -> "Store":
        """Open the store at `path` (see `resolve_store_path` for the default).

        create (bool): make the folder if there is no store yet; otherwise a missing store
            raises StoreNotFound.
        read_only (bool): open without taking the writer lock. Oxigraph calls reading while
            another process writes undefined behaviour, so the CLI opens read-write.
        RAISES: StoreNotFound, StoreLocked, PolicyKGError (not a store).
        """
        folder = resolve_store_path(path)
        exists = (folder / "CURRENT").is_file()
        if not exists and (read_only or not create):
            raise StoreNotFound(str(folder))
        if folder.exists() and not folder.is_dir():
            raise PolicyKGError(f"{folder} is a file, not a store folder; pick another --store")
        if not exists and folder.is_dir() and any(folder.iterdir()):
            # never scatter database files into a folder of something else (e.g. --store data/)
            raise PolicyKGError(f"{folder} is a non-empty folder but not a store; "
                                "pick a new or empty folder for --store")
        try:
            if read_only:
                raw = ox.Store.read_only(str(folder))
            else:
                folder.parent.mkdir(parents=True, exist_ok=True)
                raw = ox.Store(str(folder))
        except OSError as e:
            if "lock" in str(e).lower():
                raise StoreLocked(str(folder)) from None
            if isinstance(e, PermissionError) or "permission denied" in str(e).lower():
                raise PolicyKGError(f"cannot open the store at {folder}: permission denied") from None
            raise PolicyKGError(f"cannot open the store at {folder}: {_one_line(e)}") from None
        except RuntimeError as e:  # RocksDB's "Corruption: ..." (a damaged file, a copy cut short)
            raise StoreDamaged(str(folder), _first_sentence(e)) from None
        return cls(raw, folder, read_only=read_only)

    @classmethod
    def in_memory(cls) -> "Store":
        """A store that lives only in memory (tests, one-off conversions)."""
        return cls(ox.Store(), None)

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph.Store underneath (for queries/ and validate, which take one)."""
        if self._raw is None:
            raise PolicyKGError("the store is closed")
        return self._raw

    def flush(self) -> None:
        if not self.read_only:
            self.raw.flush()

    def optimize(self) -> None:
        """Compact the database; worth it after a large build."""
        self.raw.optimize()

    def close(self) -> None:
        """Flush and release the store (and its lock, once no running query still holds it)."""
        if self._raw is not None:
            if not self.read_only and self.path is not None:
                self._raw.flush()
            self._raw = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        """Number of quads in all graphs."""
        return len(self.raw)

    # -- writing --------------------------------------------------------------------------------

    def replace_document(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> int:
        """Replace the named graph `graph` by `quads`, in one transaction.

        Every quad must be in `graph`. The new content is serialised first, then written with
        one SPARQL Update (`DROP SILENT GRAPH <g>; INSERT DATA { GRAPH <g> {...} }`), which
        Oxigraph applies all or nothing: if anything fails, the previous graph stays as it was.
        RETURNS (int): the number of quads written.
        """
        return self.replace_graphs({graph: quads}, check_graphs=True)

    def replace_graphs(self, graphs: Mapping[ox.NamedNode, Iterable[ox.Quad]], *,
                       check_graphs: bool = True) -> int:
        """Replace several named graphs at once, in one transaction (see `replace_document`)."""
        if self.read_only:
            raise PolicyKGError(f"the store at {self.path} is open read-only")
        update, count = _replace_update(graphs, check_graphs=check_graphs)
        try:
            self.raw.update(update)
        except SyntaxError as e:  # a term our serialisation cannot express: nothing was written
            raise PolicyKGError(f"cannot write graph(s) {', '.join(map(str, graphs))}: {e}") from e
        return count

    def remove_document(self, graph: ox.NamedNode) -> None:
        from .summaries.corpus_tables import DROP_CORPUS_TABLES  # the corpus tables go with it

        self.raw.update(f"{DROP_CORPUS_TABLES} ;\nDROP SILENT GRAPH {graph}")

    def ensure_vocabulary(self) -> int:
        """Load the ontology and SKOS vocabularies into their named graphs, replacing what was
        there (idempotent). RETURNS (int): the number of vocabulary quads."""
        from policykg.graph.rdf import vocabulary_quads

        by_graph: dict[ox.NamedNode, list[ox.Quad]] = {}
        for quad in vocabulary_quads():
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise ValueError(f"vocabulary quad outside a named graph: {quad}")
            by_graph.setdefault(quad.graph_name, []).append(quad)
        from policykg.graph.places import ensure_places_graph  # the gazetteer: once per data version

        return self.replace_graphs(by_graph) + ensure_places_graph(self)

    # -- reading --------------------------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.raw.named_graphs())

    def documents(self) -> list[Document]:
        """The ingested documents: every named graph that holds a pk:Plan, with its source name
        (`dcterms:source` / `pk:source` on the plan when present, else the graph IRI's last
        segment, which rdf.py derives from the file name)."""
        sparql = f"""
            PREFIX pk: <{PK}>
            SELECT ?g (SAMPLE(?src) AS ?source) WHERE {{
              GRAPH ?g {{
                ?plan a pk:Plan .
                OPTIONAL {{ ?plan <http://purl.org/dc/terms/source>|pk:source|pk:sourceFile ?src
                            FILTER(isLiteral(?src)) }}
              }}
            }} GROUP BY ?g ORDER BY ?g"""
        documents = []
        for graph, source in self.query(sparql, union=False).rows:
            if graph is None:
                continue
            documents.append(Document(graph, source or _last_segment(graph)))
        return documents

    def query(self, sparql: str, substitutions: Mapping[str | ox.Variable, Any] | None = None, *,
              limit: int | None = None, timeout: float | None = None,
              union: bool = True) -> Results:
        """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query.

        sparql (str): the query; bind values through `substitutions`, never by string building.
        substitutions (dict): variable name (without ?) or Variable -> term; a str becomes a
            plain literal.
        limit (int): keep at most this many rows; `Results.truncated` says whether more existed.
        timeout (float): seconds; past it QueryFailed is raised. pyoxigraph 0.5 cannot cancel a
            query, so the query runs in a daemon thread that is abandoned (it keeps its CPU and
            the store open until the engine returns; it stops pulling rows at the deadline).
        union (bool): the default graph is the union of all named graphs (documents + vocabularies).
        RAISES: QueryFailed (syntax error, engine failure, time limit).
        """
        bound = _substitutions(substitutions)
        deadline = _deadline(timeout)

        def run() -> Results:
            try:
                answer = self.raw.query(sparql, use_default_graph_as_union=union,
                                        substitutions=bound or None)
                return _collect(answer, limit, deadline)
            except SyntaxError as e:
                problem = f"SPARQL syntax error: {_one_line(e)}"
            except (OSError, RuntimeError, ValueError, TypeError) as e:
                problem = f"the query failed: {_one_line(e)}"
            raise QueryFailed(problem)  # outside `except`: no traceback chain keeps the store

        return call_with_timeout(run, timeout)

    def run_query(self, query: "NamedQuery", params: Mapping[str, str] | None = None, *,
                  limit: int | None = None, timeout: float | None = None) -> Results:
        """Run a named query (queries/*.rq) with its parameters bound by `queries.run_query`,
        under the same row cap and time limit as `query`.
        RAISES: MissingParameter, UnknownParameter, QueryFailed."""
        from policykg.queries import run_query

        def run() -> Results:
            try:
                columns, rows = run_query(self.raw, query, dict(params or {}))
            except PolicyKGError as e:
                error: PolicyKGError = _detached(e)
            except SyntaxError as e:
                error = QueryFailed(f"query {query.name!r}: SPARQL syntax error: {_one_line(e)}")
            except (OSError, RuntimeError, ValueError, TypeError) as e:
                error = QueryFailed(f"query {query.name!r} failed: {_one_line(e)}")
            else:
                error = None
            if error is not None:
                # raised outside `except` and without the engine's frames, which hold the store
                raise error
            rows = list(rows)
            truncated = limit is not None and len(rows) > limit
            return Results(list(columns), rows[:limit] if truncated else rows, truncated)

        return call_with_timeout(run, timeout)

    def stats(self) -> dict[str, int]:
        """Counts over the union graph: plans, measures, assignments, agencies (distinct),
        citations, cited_documents (distinct), targets, people (org:Membership), then triples
        (all quads, vocabularies included) and graphs (named graphs)."""
        counts: dict[str, int] = {}
        for name, classes in STATS_CLASSES.items():
            values = " ".join(f"<{c}>" for c in classes)
            sparql = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?c {{ {values} }} ?x a ?c }}"
            (value,), = self.query(sparql).rows
            counts[name] = int(value or 0)
        counts["triples"] = len(self.raw)
        counts["graphs"] = sum(1 for _ in self.raw.named_graphs())
        return counts


class WriteBuffers:
    """Bytes written to a store in transactions since Oxigraph's write buffers (RocksDB memtables)
    were last flushed: past `limit`, `Store.flush()` empties them. pyoxigraph exposes none of
    RocksDB's options and Oxigraph's buffers are large (graph/writer.py FLUSH_BYTES says how
    large), so a long run of transactions flushes them itself to keep its memory bounded
    (graph/writer.py in transactional mode; graph/summaries/corpus_tables.py's table writes)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.unflushed = 0

    def wrote(self, raw: ox.Store, count: int) -> None:
        self.unflushed += count
        if self.unflushed >= self.limit:
            self.flush(raw)

    def flush(self, raw: ox.Store) -> None:
        if self.unflushed:
            self.unflushed = 0
            raw.flush()


# -- helpers --------------------------------------------------------------------------------------


def _replace_update(graphs: Mapping[ox.NamedNode, Iterable[ox.Quad]], *,
                    check_graphs: bool) -> tuple[str, int]:
    """One SPARQL Update that drops each graph and inserts its new quads (and drops the corpus
    tables, graph/summaries/corpus_tables.py, in the same transaction when a graph is a plan's or a summary's;
    the analysis tables alone when it is the analysis graph).

    Terms print in their N-Triples form, which is valid SPARQL (escapes included; checked
    against pyoxigraph 0.5.13 with quotes, backslashes, `\\u` text, control characters and
    astral characters). The whole text is built before anything is written.
    """
    from .summaries.corpus_tables import (DROP_ANALYSIS_TABLES, DROP_CORPUS_TABLES, invalidates_analysis_tables,
                                          invalidates_corpus_tables)

    drops: list[str] = []
    if any(isinstance(graph, ox.NamedNode) and invalidates_corpus_tables(graph.value) for graph in graphs):
        drops.append(f"{DROP_CORPUS_TABLES} ;")
    elif any(isinstance(graph, ox.NamedNode) and invalidates_analysis_tables(graph.value) for graph in graphs):
        drops.append(f"{DROP_ANALYSIS_TABLES} ;")  # the analysis graph: its tables only
    blocks: list[str] = []
    count = 0
    for graph, quads in graphs.items():
        if not isinstance(graph, ox.NamedNode):
            raise ValueError(f"a document graph must be a NamedNode, not {graph!r}")
        drops.append(f"DROP SILENT GRAPH {graph} ;")
        lines = []
        for quad in quads:
            if check_graphs and quad.graph_name != graph:
                raise ValueError(f"quad outside its document graph {graph}: {quad}")
            lines.append(f"{quad.subject} {quad.predicate} {quad.object} .")
        count += len(lines)
        if lines:
            blocks.append(f"GRAPH {graph} {{\n" + "\n".join(lines) + "\n}")
    update = "\n".join(drops)
    if blocks:
        update += "\nINSERT DATA {\n" + "\n".join(blocks) + "\n}"
    else:
        update = update.rstrip(" ;")
    return update, count


def _substitutions(values: Mapping[str | ox.Variable, Any] | None) -> dict[ox.Variable, Any]:
    bound: dict[ox.Variable, Any] = {}
    for key, value in (values or {}).items():
        variable = key if isinstance(key, ox.Variable) else ox.Variable(str(key).lstrip("?$"))
        bound[variable] = ox.Literal(value) if isinstance(value, str) else value
    return bound


def _deadline(timeout: float | None) -> float | None:
    return None if timeout is None else time.monotonic() + timeout


def _collect(answer: Any, limit: int | None, deadline: float | None) -> Results:
    if isinstance(answer, ox.QueryBoolean):
        return Results(["ask"], [["true" if bool(answer) else "false"]])
    if isinstance(answer, ox.QueryTriples):
        triples: list[ox.Triple] = []
        truncated = False
        for triple in answer:
            if limit is not None and len(triples) >= limit:
                truncated = True
                break
            if deadline is not None and time.monotonic() > deadline:
                break  # the caller has given up already; stop pulling rows
            triples.append(triple)
        rows = [[term_value(t.subject), term_value(t.predicate), term_value(t.object)] for t in triples]
        return Results(["subject", "predicate", "object"], rows, truncated, triples)
    columns = [v.value for v in answer.variables]
    rows: list[list[str | None]] = []
    truncated = False
    for solution in answer:
        if limit is not None and len(rows) >= limit:
            truncated = True
            break
        if deadline is not None and time.monotonic() > deadline:
            break
        rows.append([term_value(solution[c]) for c in columns])
    return Results(columns, rows, truncated)


def call_with_timeout(fn: Callable[[], T], timeout: float | None) -> T:
    """Run `fn` and return its value, or raise QueryFailed after `timeout` seconds.

    pyoxigraph releases the GIL while it evaluates, so a worker thread can be waited on; it
    cannot be cancelled, so on time-out the daemon thread is left to finish (or die with the
    process) and its result is dropped.
    """
    if timeout is None:
        return fn()
    if timeout <= 0:
        raise QueryFailed(f"--timeout must be positive, got {timeout:g}")
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # handed to the caller's thread below
            box["error"] = e
        finally:
            done.set()

    threading.Thread(target=work, name="policykg-query", daemon=True).start()
    if not done.wait(timeout):
        raise QueryFailed(f"query took longer than {timeout:g} s; raise --timeout")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _detached(error: PolicyKGError) -> PolicyKGError:
    """The error without its traceback and chained causes: their frames hold the pyoxigraph
    store, which would keep the store (and its lock) open for as long as the error lives."""
    error.__cause__ = error.__context__ = None
    error.__suppress_context__ = True
    return error.with_traceback(None)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _first_sentence(error: BaseException) -> str:
    """RocksDB's message up to its first sentence ("Corruption: CURRENT file corrupted")."""
    return _one_line(str(error).split("  ")[0])[:200]


def _last_segment(iri: str) -> str:
    return unquote(iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1])
