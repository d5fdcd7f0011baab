"""The full-text search index: an SQLite FTS5 table (trigram tokenizer) beside the store.

Why: researchers look for a phrase (专利质押融资, 知识产权保护中心) across every plan, and a SPARQL
`CONTAINS` over all measure bodies is a scan of the whole store per keystroke. Chinese has no spaces,
so a word tokenizer would need a segmenter; FTS5's `trigram` tokenizer indexes every 3-character
substring, which finds any phrase of 3 characters or more without one (SQLite >= 3.34).

What is indexed, one row each, read from the store's own literals (never from the text files):
- `plan`: the plan's title and its whole cleaned text (`pk:cleanedText`);
- `measure`: its title (`dcterms:title`) and body (`pk:body`), with its number;
- `target`: the indicator as printed (`rdfs:label`) and the sentence (`pk:text`), with its measure;
- `agency`: its Chinese name, and its other names (aliases, English name) as the body.
Rows are kept per document graph, each with its plan's stamp (sha256 and extraction time): one
plan's rows are replaced in one SQLite transaction (a plan no longer in the store loses its rows).
`policykg build` writes them in the same pass as the store: its workers make each plan's rows from
the N-Quads they produce (`document_search_rows`, the same rows the store's literals give back),
and the parent writes them as they come (`BuildIndexer`; into a new file swapped in whole when the
index is new or the build is a bulk load), then catches up from the store any plan whose stamp the
index does not hold (`refresh_after_build` does only that). Reading ~3,000 quads back per plan
after the build cost ~45 ms a plan in the parent (issue #24). `rebuild` starts afresh from the
store (`policykg search --reindex`).

Queries: every whitespace-separated term of 3+ characters is an FTS5 phrase (all must match), ranked
by bm25 with titles weighted above bodies. Trigram cannot see a term of 1 or 2 characters (专利, 商标
are common queries): such a term is matched with LIKE over the index's own `entries` table, which
is a scan of that table (not of the store); a query made only of short terms is ranked by how often
its terms occur in the title, then by how densely they occur in the body. Snippets come back with the PRIVATE-USE markers
MARK_START / MARK_END around each hit; the text itself is raw document text, so a page must escape
it first and only then turn the markers into `<mark>` (viz/web/search.py does). The markers are
removed from the indexed text, so a document cannot forge one.

The index file: `<store folder>.search.sqlite` beside the store folder (`search_index_path`).
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from policykg.errors import PolicyKGError
from policykg.ontology import DCTERMS, ELI, PK, PROV, RDFS, SKOS

from .plan_stamps import document_stamps, stamp

if TYPE_CHECKING:
    from .store import Store

SCHEMA_VERSION = "2"
INDEX_SUFFIX = ".search.sqlite"
KINDS = ("measure", "plan", "target", "agency")
MARK_START, MARK_END = "\ue000", "\ue001"
TRIGRAM_MIN_CHARS = 3
SNIPPET_CHARS = 40        # characters either side of a hit in a LIKE snippet
MAX_LIMIT = 500
DOCUMENT_GRAPH_PREFIX = "https://w3id.org/policykg/id/doc/"

_TABLES = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plans (graph TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT NOT NULL,
    stamp TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY, graph TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL,
    iri TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, number TEXT NOT NULL DEFAULT '',
    measure TEXT NOT NULL DEFAULT '', position INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS entries_graph ON entries (graph);
CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5 (
    title, body, content='entries', content_rowid='id', tokenize='trigram');
INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', '{SCHEMA_VERSION}');
"""
# The full-text table follows `entries` through these triggers. A new index file written by a
# build (`BuildIndexer`, fresh) has them only at its end: its rows go into `entries` alone and the
# full-text table is made in one 'rebuild' pass, ~3x less CPU than a trigger insert per row (1.8
# against 5.3 CPU-s for the 21,401 rows of 300 generated plans; issue #24).
_TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS entries_added AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER IF NOT EXISTS entries_removed AFTER DELETE ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
"""
_SCHEMA = _TABLES + _TRIGGERS


class SearchIndexMissing(PolicyKGError):
    """There is no (usable) search index beside the store."""

    def __init__(self, path: Path, reason: str = "there is no search index"):
        self.path = path
        super().__init__(f"{reason} at {path}: run `policykg build` (it writes the index) "
                         "or `policykg search --reindex`")


@dataclass
class Hit:
    kind: str
    iri: str
    source: str        # the plan's source (file name); for an agency, the first plan it is found in
    plan_title: str
    title: str
    snippet: str       # raw text with MARK_START/MARK_END around the hits: escape before showing
    number: str = ""   # a measure's number as printed
    measure: str = ""  # the measure a hit sits in (the measure itself, or a target's measure)
    score: float = 0.0


@dataclass
class SearchResults:
    query: str
    hits: list[Hit]
    counts: dict[str, int] = field(default_factory=dict)  # kind -> matching items (all kinds)
    short_terms: list[str] = field(default_factory=list)  # terms matched by LIKE (under 3 characters)
    plans_indexed: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def search_index_path(store_path: str | os.PathLike[str]) -> Path:
    """The index file beside the store folder: `.policykg/store` -> `.policykg/store.search.sqlite`."""
    folder = Path(store_path)
    return folder.parent / (folder.name + INDEX_SUFFIX)


# -- writing ----------------------------------------------------------------------------------------


@contextmanager
def _writable(path: Path, schema: str = _SCHEMA) -> Iterator[sqlite3.Connection]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(str(path), timeout=30)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses at most the last plans, never corrupts
        conn.executescript(schema)
        conn.commit()
        yield conn


def _make_full_text(conn: sqlite3.Connection) -> None:
    """A new file whose rows went into `entries` alone (schema `_TABLES`): its full-text table
    from every row in one pass, then the triggers that keep it in step from now on."""
    conn.execute("INSERT INTO entries_fts (entries_fts) VALUES ('rebuild')")
    conn.executescript(_TRIGGERS)
    conn.commit()


_INSERT_PLAN = "INSERT INTO plans (graph, source, title, stamp) VALUES (?, ?, ?, ?)"
_INSERT_ENTRY = ("INSERT INTO entries (graph, source, kind, iri, title, body, number, measure, position) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _replace_rows(conn: sqlite3.Connection, graph: str, found: "SearchRows | None") -> bool:
    """A plan's old rows out and its new rows in (inside the caller's transaction);
    `found` None: the graph holds no plan, it only loses its rows. RETURNS whether rows were written."""
    conn.execute("DELETE FROM entries WHERE graph = ?", (graph,))
    conn.execute("DELETE FROM plans WHERE graph = ?", (graph,))
    if found is None:
        return False
    rows, plan = found
    conn.execute(_INSERT_PLAN, plan)
    conn.executemany(_INSERT_ENTRY, rows)
    return True


def _fresh_file(path: Path) -> Path:
    """`<index>.new`, emptied: an index written aside and swapped in whole (`_swap_in`)."""
    fresh = path.with_name(path.name + ".new")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(fresh) + suffix).unlink(missing_ok=True)
    return fresh


def _swap_in(fresh: Path, path: Path) -> None:
    """Replace the index at `path` by `fresh` in one rename (a server reading the old index
    meanwhile never sees half an index)."""
    with closing(sqlite3.connect(str(fresh))) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # fold the write-ahead log into the file
    with open(fresh, "rb") as file:  # on disk before it replaces the old one
        os.fsync(file.fileno())
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.replace(fresh, path)


def rebuild(store: "Store", path: Path | None = None) -> int:
    """Index every document of `store` afresh, into a new file that then replaces the old one
    (a server reading the old index meanwhile never sees half an index).
    RETURNS the number of plans indexed."""
    path = path or _path_of(store)
    fresh = _fresh_file(path)
    count = index_graphs(store, _document_graphs(store), fresh, new_file=True)
    _swap_in(fresh, path)
    return count


def index_graphs(store: "Store", graphs: Iterable[str], path: Path | None = None, *,
                 new_file: bool = False) -> int:
    """Replace the rows of each document graph in `graphs` by what the store holds now, one
    transaction per graph; a graph the store no longer holds loses its rows. `new_file`: `path`
    is a new file nobody reads yet, whose full-text table is made at the end in one pass.
    RETURNS the number of plans (re)indexed."""
    path = path or _path_of(store)
    done = 0
    with _writable(path, _TABLES if new_file else _SCHEMA) as conn:
        for graph in dict.fromkeys(graphs):
            rows, plan = _graph_rows(store, graph)
            with conn:  # one transaction: the plan's old rows go, its new rows come, or nothing
                done += _replace_rows(conn, graph, (rows, plan) if plan is not None else None)
        if new_file:
            _make_full_text(conn)
    return done


def remove_graphs(graphs: Iterable[str], path: Path) -> None:
    """Drop the rows of these document graphs (their plans were removed from the store)."""
    if not path.is_file():
        return
    with _writable(path) as conn:
        for graph in graphs:
            with conn:
                _replace_rows(conn, graph, None)


def refresh_after_build(store: "Store", written: Iterable[str] = ()) -> int:
    """After a build: reindex the graphs just written and every plan whose graph differs from what
    the index saw (its file's sha256 and extraction time, `stamp`: so a plan replaced or added by
    other means, or by a build that was killed, is caught up), and drop plans the store no longer
    holds. A store without an index yet (built before the index existed) gets a whole one."""
    path = _path_of(store)
    if not _usable(path):
        return rebuild(store, path)
    return _catch_up(store, path, written)


def _catch_up(store: "Store", path: Path, written: Iterable[str] = ()) -> int:
    """Bring the index at `path` in step with the store (see `refresh_after_build`), reading from
    the store only the plans that need it. RETURNS the number of plans (re)indexed."""
    current = document_stamps(store.raw)
    with closing(sqlite3.connect(str(path), timeout=30)) as conn:
        indexed = dict(conn.execute("SELECT graph, stamp FROM plans").fetchall())
    remove_graphs(sorted(set(indexed) - set(current)), path)
    changed = sorted(g for g, seen in current.items() if indexed.get(g) != seen)
    return index_graphs(store, [g for g in written if g in current] + changed, path)


class BuildIndexer:
    """Writes the index rows that a build's workers computed (`document_search_rows`, carried by
    each prepared document) in the same pass as the store write, so the parent never reads the
    plans back from the store (that cost ~45 ms per plan, serially, after the build: issue #24).

    - A store whose index is usable: each plan's old rows are replaced by its new ones (one
      transaction holds whole plans, `COMMIT_PLANS` of them), live, as in `index_graphs`.
    - Otherwise (a first build, a bulk build, an index of another version): the rows go into a
      new file (`<index>.new`) that `finish` swaps in whole, as `rebuild` does; there the rows go
      into `entries` only and `finish` makes the full-text table from them in one pass (see
      `_TRIGGERS`).
    `finish` then drops the rows of plans the store refused (`failed`) and catches up, from the
    store, every plan whose stamp the index does not hold (a document that came without rows, a
    failed replacement, a plan written by other means; see `refresh_after_build`). Memory stays
    bounded: rows are written as they come, never held. Used from one thread.
    """

    COMMIT_PLANS = 64

    def __init__(self, store: "Store", *, fresh: bool = False):
        self.path = _path_of(store)
        self.fresh = fresh or not _usable(self.path)
        self.target = _fresh_file(self.path) if self.fresh else self.path
        self.indexed: set[str] = set()   # graphs whose rows came from the build
        self._uncommitted = 0
        self._full_text = False  # a new file: whether its full-text table is made (`make_full_text`)
        self._conn: sqlite3.Connection | None = None
        self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.target), timeout=30)
        try:
            if self.fresh:  # nobody reads this file before the swap; `finish` syncs it
                conn.execute("PRAGMA synchronous=OFF")
                conn.executescript(_TABLES)  # the full-text table is filled by `finish`, in one pass
            else:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_SCHEMA)
            conn.commit()
        except BaseException:
            conn.close()
            raise
        return conn

    def add(self, graph: str, found: "SearchRows | None") -> None:
        """The rows of one document the build is writing (its old rows, if any, go)."""
        assert self._conn is not None, "the indexer is closed"
        _replace_rows(self._conn, graph, found)
        self.indexed.add(graph)
        self._uncommitted += 1
        if self._uncommitted >= self.COMMIT_PLANS:
            self._conn.commit()
            self._uncommitted = 0

    def make_full_text(self) -> None:
        """A new file: its full-text table from the rows written so far, in one pass, and the
        triggers that keep it in step after (rows added later, e.g. `finish` dropping a failed
        plan's, go through them). graph/build.py calls it while the store loads its stream;
        `finish` calls it if nobody did. Nothing to do for a live index."""
        assert self._conn is not None, "the indexer is closed"
        if self.fresh and not self._full_text:
            self._conn.commit()
            _make_full_text(self._conn)
            self._full_text = True

    def finish(self, store: "Store", written: Iterable[str] = (), failed: Iterable[str] = ()) -> int:
        """After the store write: drop the rows of `failed` graphs, index from the store the
        `written` graphs that came without rows and every plan out of step, then (a new file)
        swap it in. RETURNS the number of plans whose rows came from the store."""
        assert self._conn is not None, "the indexer is closed"
        conn, self._conn = self._conn, None
        try:
            for graph in dict.fromkeys(failed):
                if graph in self.indexed:
                    _replace_rows(conn, graph, None)
                    self.indexed.discard(graph)
            conn.commit()
            if self.fresh and not self._full_text:
                _make_full_text(conn)
        finally:
            conn.close()
        caught_up = _catch_up(store, self.target, [g for g in written if g not in self.indexed])
        if self.fresh:
            _swap_in(self.target, self.path)
        return caught_up

    def abort(self) -> None:
        """The build stopped: forget uncommitted rows; a new file is deleted (the old index stays)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.rollback()
            finally:
                conn.close()
        if self.fresh:
            _fresh_file(self.path)


def plans_out_of_step(store: "Store", path: Path | None = None) -> int:
    """How many plans the index at `path` holds differently from the store (missing, removed or
    replaced since it was written): 0 when it is in step. RAISES SearchIndexMissing."""
    path = path or _path_of(store)
    current = document_stamps(store.raw)
    with closing(open_index(path)) as conn:
        indexed = dict(conn.execute("SELECT graph, stamp FROM plans").fetchall())
    return len(set(indexed) ^ set(current)) + sum(
        1 for graph, seen in current.items() if graph in indexed and indexed[graph] != seen)


def _path_of(store: "Store") -> Path:
    if store.path is None:
        raise PolicyKGError("an in-memory store has no search index (give a store folder)")
    return search_index_path(store.path)


def _document_graphs(store: "Store") -> list[str]:
    return sorted(g.value for g in store.raw.named_graphs() if g.value.startswith(DOCUMENT_GRAPH_PREFIX))


# -- the rows of one plan ---------------------------------------------------------------------------
# One function turns a plan graph's quads into its index rows, whoever holds them: the build's
# workers read them from the N-Quads they just wrote (`document_search_rows`), `--reindex` and the
# catch-up from the store (`_graph_rows`), so both give the same rows in the same order. What it
# reads (the SPARQL each part stands for; OPTIONAL values multiply as in SPARQL):
#   plan:    ?plan a pk:Plan ; dcterms:source ?source . OPTIONAL eli:title, pk:cleanedText;
#            the graph's pk:sha256 and prov:generatedAtTime make its stamp
#   measure: ?m a pk:Measure . OPTIONAL dcterms:title, pk:body, pk:measureNo, pk:order (else pk:start)
#   target:  ?t a pk:Target . OPTIONAL rdfs:label, pk:text, pk:inMeasure (and that measure's
#            pk:measureNo), pk:order (else pk:start)
#   agency:  ?a a pk:Agency ; its "zh" skos:prefLabel (the title; none: no row) and its other names
#            (skos:altLabel, prefLabels in other languages), distinct, sorted, joined by " / ".
# Rows come in a fixed order (the plan; measures and targets by pk:order, else pk:start, then IRI; agencies by IRI),
# so an index written by a build and one rebuilt from the store are the same row for row.

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_PLAN_CLASS, _DOCUMENT_CLASS = PK + "Plan", PK + "DocumentGraph"
_MEASURE_CLASS, _TARGET_CLASS, _AGENCY_CLASS = PK + "Measure", PK + "Target", PK + "Agency"
_CLASSES = (_PLAN_CLASS, _DOCUMENT_CLASS, _MEASURE_CLASS, _TARGET_CLASS, _AGENCY_CLASS)
_SOURCE, _PLAN_TITLE, _CLEANED_TEXT = DCTERMS + "source", ELI + "title", PK + "cleanedText"
_SHA256, _GENERATED_AT = PK + "sha256", PROV + "generatedAtTime"
_TITLE, _BODY, _MEASURE_NO, _ORDER = DCTERMS + "title", PK + "body", PK + "measureNo", PK + "order"
_START = PK + "start"  # document order where the plan states no pk:order (graph/rdf.py, issue #24)
_LABEL, _TEXT, _IN_MEASURE = RDFS + "label", PK + "text", PK + "inMeasure"
_PREF_LABEL, _ALT_LABEL = SKOS + "prefLabel", SKOS + "altLabel"
_ROW_PREDICATES = (_SOURCE, _PLAN_TITLE, _CLEANED_TEXT, _SHA256, _GENERATED_AT, _TITLE, _BODY,
                   _MEASURE_NO, _ORDER, _START, _LABEL, _TEXT, _IN_MEASURE, _PREF_LABEL, _ALT_LABEL)
# The N-Quads lines a worker parses: those of the predicates above, and the rdf:type lines of the
# classes above (a plan has ~3,000 lines; these are a few hundred). Picked by their second and
# third terms (graph/rdf.py writes one space between terms), not by a regex over the whole text
# (8 ms a plan, ~60 % of the worker's index rows).
_ROW_PREDICATE_TERMS = frozenset(f"<{p}>".encode() for p in _ROW_PREDICATES)
_TYPE_TERM = f"<{_RDF_TYPE}>".encode()
_CLASS_TERMS = frozenset(f"<{c}>".encode() for c in _CLASSES)


def _row_lines(nquads: bytes) -> bytes:
    picked = []
    for line in nquads.split(b"\n"):
        terms = line.split(b" ", 3)
        if len(terms) == 4 and terms[0] and (terms[1] in _ROW_PREDICATE_TERMS or (
                terms[1] == _TYPE_TERM and terms[2] in _CLASS_TERMS)):
            picked.append(line)
    return b"\n".join(picked)

# (graph, source, kind, iri, title, body, number, measure, position) per entry; (graph, source,
# title, stamp) for the plans table
Row = tuple[str, str, str, str, str, str, str, str, int]
PlanRow = tuple[str, str, str, str]
SearchRows = tuple[list[Row], PlanRow]


def document_search_rows(graph: str, nquads: bytes) -> SearchRows | None:
    """The index rows of one document from its N-Quads (what a build's worker just wrote for it),
    without a store: the same rows `_graph_rows` reads back once the store holds them.
    RETURNS (rows, plans row), or None when the graph holds no plan."""
    wanted = _row_lines(nquads)
    node = ox.NamedNode(graph)
    quads = (_as_stored(q) for q in ox.parse(wanted, format=ox.RdfFormat.N_QUADS) if q.graph_name == node)
    return rows_from_quads(graph, quads)


# Literals whose value the index uses as written: a store gives them back unchanged (an integer
# is only read as a number). Others come back from a store in their canonical form (an
# xsd:dateTime "+00:00" as "Z"), so `_as_stored` puts them through one.
_AS_WRITTEN = frozenset({"http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/2001/XMLSchema#integer",
                         "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"})
_canonical_store: "ox.Store | None" = None


def _as_stored(quad: ox.Quad) -> ox.Quad:
    """The quad as a store gives it back (the plan's stamp must equal the store's)."""
    global _canonical_store
    literal = quad.object
    if not isinstance(literal, ox.Literal) or literal.datatype.value in _AS_WRITTEN:
        return quad
    if _canonical_store is None:
        _canonical_store = ox.Store()
    _canonical_store.add(quad)
    try:
        return next(iter(_canonical_store.quads_for_pattern(quad.subject, quad.predicate, None, quad.graph_name)))
    finally:
        _canonical_store.clear()


def _graph_rows(store: "Store", graph: str) -> tuple[list[Row], PlanRow | None]:
    """The index rows of one document graph, read from the store's literals, and its plans row."""
    node = ox.NamedNode(graph)
    raw = store.raw
    rdf_type = ox.NamedNode(_RDF_TYPE)
    quads = [q for cls in _CLASSES for q in raw.quads_for_pattern(None, rdf_type, ox.NamedNode(cls), node)]
    for predicate in _ROW_PREDICATES:
        quads.extend(raw.quads_for_pattern(None, ox.NamedNode(predicate), None, node))
    found = rows_from_quads(graph, quads)
    return found if found is not None else ([], None)


def rows_from_quads(graph: str, quads: Iterable[ox.Quad]) -> SearchRows | None:
    """The index rows of one document graph from its quads (see the comment above for what is
    read). RETURNS (rows, plans row), or None when the graph holds no plan."""
    typed: dict[str, list[str]] = {cls: [] for cls in _CLASSES}
    objects: dict[tuple[str, str], dict] = {}  # (subject, predicate) -> distinct objects
    for quad in quads:
        predicate = quad.predicate.value
        if predicate == _RDF_TYPE:
            if quad.object.value in typed:
                typed[quad.object.value].append(quad.subject.value)
        else:
            objects.setdefault((quad.subject.value, predicate), {})[quad.object] = None

    def values(subject: str, predicate: str) -> list[str]:
        """Each value (markers removed), or [""] for none: an OPTIONAL that binds nothing."""
        found = objects.get((subject, predicate))
        return sorted(_clean(o.value) for o in found) if found else [""]

    def position(subject: str) -> list[str]:
        """pk:order, else pk:start: graph/rdf.py states pk:order for a kind of fact only where the
        spans do not give document order (then on every fact of that kind in the plan)."""
        return values(subject, _ORDER) if (subject, _ORDER) in objects else values(subject, _START)

    plans = sorted((plan, source) for plan in set(typed[_PLAN_CLASS])
                   for source in values(plan, _SOURCE) if (plan, _SOURCE) in objects)
    if not plans:
        return None
    plan, source = plans[0]
    title, text = values(plan, _PLAN_TITLE)[0], values(plan, _CLEANED_TEXT)[0]
    documents = sorted(set(typed[_DOCUMENT_CLASS]))
    sha = values(documents[0], _SHA256)[0] if documents else ""
    at = values(documents[0], _GENERATED_AT)[0] if documents else ""
    rows: list[Row] = [(graph, source, "plan", _clean(plan), title or source, text, "", "", 0)]
    measures: list[Row] = []
    for item in set(typed[_MEASURE_CLASS]):
        iri = _clean(item)
        for m_title, body, number, order in product(values(item, _TITLE), values(item, _BODY),
                                                    values(item, _MEASURE_NO), position(item)):
            measures.append((graph, source, "measure", iri, m_title, body, number, iri, _int(order)))
    targets: list[Row] = []
    for item in set(typed[_TARGET_CLASS]):
        iri = _clean(item)
        in_measures = [(_clean(m.value), number) for m in sorted(objects.get((item, _IN_MEASURE), {}),
                                                                 key=lambda term: term.value)
                       for number in values(m.value, _MEASURE_NO)] or [("", "")]
        for label, body, (measure, number), order in product(values(item, _LABEL), values(item, _TEXT),
                                                              in_measures, position(item)):
            targets.append((graph, source, "target", iri, label, body, number, measure, _int(order)))
    agencies: list[Row] = []
    for item in sorted(set(typed[_AGENCY_CLASS])):
        preferred = objects.get((item, _PREF_LABEL), {})
        chinese = sorted(o.value for o in preferred if isinstance(o, ox.Literal) and o.language == "zh")
        if not chinese or not _clean(chinese[0]):
            continue
        others = [o for o in objects.get((item, _ALT_LABEL), {})]
        others += [o for o in preferred if isinstance(o, ox.Literal) and o.language != "zh" and o not in others]
        body = " / ".join(o.value for o in sorted(others, key=_term_key))
        agencies.append((graph, source, "agency", _clean(item), _clean(chinese[0]), _clean(body), "", "", 0))
    rows += sorted(measures, key=_row_key) + sorted(targets, key=_row_key) + agencies
    return rows, (graph, source, title or source, stamp(sha, at))


def _row_key(row: Row) -> tuple:
    return (row[8], row[3], row[4:8])


def _term_key(term: "ox.NamedNode | ox.Literal") -> tuple[str, str, str]:
    if isinstance(term, ox.Literal):
        return (term.value, term.language or "", term.datatype.value)
    return (term.value, "", "")


def _clean(text: str) -> str:
    """The text without the snippet markers, so no document can forge a highlight."""
    return text.replace(MARK_START, "").replace(MARK_END, "")


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


# -- reading ----------------------------------------------------------------------------------------


def _usable(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        with closing(_read_only(path)) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == SCHEMA_VERSION


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)


def open_index(path: Path) -> sqlite3.Connection:
    """A read-only connection to the index at `path`; RAISES SearchIndexMissing when there is no
    usable one (no file, another schema version, not an index)."""
    if not path.is_file():
        raise SearchIndexMissing(path)
    if not _usable(path):
        raise SearchIndexMissing(path, "the search index is from another version or damaged")
    return _read_only(path)


def search(path: Path, query: str, *, kind: str | None = None, limit: int = 50) -> SearchResults:
    """Search the index at `path` (see the module docstring for how terms match and rank).

    kind: only hits of this kind (`measure`, `plan`, `target`, `agency`); counts cover all kinds.
    limit: at most this many hits (capped at MAX_LIMIT). An agency found in several plans is one hit.
    RAISES: SearchIndexMissing; PolicyKGError for an unknown kind.
    """
    if kind and kind not in KINDS:
        raise PolicyKGError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    limit = max(1, min(int(limit), MAX_LIMIT))
    terms = list(dict.fromkeys(_clean(query).split()))
    long_terms = [t for t in terms if len(t) >= TRIGRAM_MIN_CHARS]
    short_terms = [t for t in terms if len(t) < TRIGRAM_MIN_CHARS]
    with closing(open_index(path)) as conn:
        plans_indexed = conn.execute("SELECT COUNT(*) FROM plans").fetchone()[0]
        if not terms:
            return SearchResults(query, [], {}, short_terms, plans_indexed)
        where, params = _where(long_terms, short_terms)
        counts = {k: n for k, n in conn.execute(
            f"SELECT e.kind, COUNT(DISTINCT e.iri) FROM {where} GROUP BY e.kind", params)}
        kind_filter = " AND e.kind = ?" if kind else ""
        kind_params = [kind] if kind else []
        if long_terms:
            # highlight(), then a window in Python: FTS5's snippet() counts trigram tokens and can
            # end its window inside the phrase it marks (…知识产权保护 for 知识产权保护中心)
            columns = (f"highlight(entries_fts, 0, '{MARK_START}', '{MARK_END}'), "
                       f"highlight(entries_fts, 1, '{MARK_START}', '{MARK_END}'), "
                       "bm25(entries_fts, 10.0, 1.0) AS score")
            order = "score, e.position, e.graph, e.id"
        else:
            columns = "e.title, e.body, 0.0 AS score"
            order = "(" + " + ".join(["(instr(e.title, ?) > 0) * 10 + _occurrences(e.body, ?) * 200.0 / (length(e.body) + 100)"] * len(short_terms)) \
                    + ") DESC, e.position, e.graph, e.id"
            kind_params = kind_params + [t for t in short_terms for _ in (0, 1)]
        conn.create_function("_occurrences", 2, _occurrences, deterministic=True)
        sql = (f"SELECT e.kind, e.iri, e.source, p.title, e.title, e.body, e.number, e.measure, {columns} "
               f"FROM {where}{kind_filter} ORDER BY {order} LIMIT ?")
        rows = conn.execute(sql, params + kind_params + [limit * 4]).fetchall()
    hits: list[Hit] = []
    seen: set[tuple[str, str]] = set()
    for (row_kind, iri, source, plan_title, title, body, number, measure, title_marked, body_marked,
         score) in rows:
        if (row_kind, iri) in seen:
            continue
        seen.add((row_kind, iri))
        if long_terms:
            marked = body_marked if MARK_START in body_marked or MARK_START not in title_marked \
                else title_marked
            snippet = _mark_terms(_window(marked), short_terms)
        else:
            snippet = _like_snippet(body, short_terms) or _mark_terms(title, short_terms)
        hits.append(Hit(row_kind, iri, source, plan_title or source, _mark_terms(title, terms),
                        snippet, number, measure, float(score)))
        if len(hits) >= limit:
            break
    return SearchResults(query, hits, counts, short_terms, plans_indexed)


def _where(long_terms: list[str], short_terms: list[str]) -> tuple[str, list[str]]:
    """The FROM/WHERE part shared by the count and the hits, with its parameters."""
    params: list[str] = []
    if long_terms:
        clause = ("entries_fts JOIN entries AS e ON e.id = entries_fts.rowid "
                  "JOIN plans AS p ON p.graph = e.graph WHERE entries_fts MATCH ?")
        params.append(" ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
    else:
        clause = "entries AS e JOIN plans AS p ON p.graph = e.graph WHERE 1"
    for term in short_terms:
        clause += r" AND (e.title LIKE ? ESCAPE '\' OR e.body LIKE ? ESCAPE '\')"
        pattern = "%" + term.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        params += [pattern, pattern]
    return clause, params


def _occurrences(text: str | None, term: str | None) -> int:
    return (text or "").count(term) if term else 0


def _mark_terms(text: str, terms: list[str]) -> str:
    """`text` with MARK_START/MARK_END around each occurrence of `terms` not already marked."""
    if not terms or not text:
        return text
    out: list[str] = []
    i, inside = 0, False
    ordered = sorted(terms, key=len, reverse=True)
    lowered = text.lower()
    while i < len(text):
        ch = text[i]
        if ch in (MARK_START, MARK_END):
            inside = ch == MARK_START
            out.append(ch)
            i += 1
            continue
        found = None if inside else next((t for t in ordered if lowered.startswith(t.lower(), i)), None)
        if found:
            out.append(MARK_START + text[i:i + len(found)] + MARK_END)
            i += len(found)
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _window(marked: str) -> str:
    """A window of `marked` (text with MARK_START/MARK_END) around its first marked span, never
    cutting a marked span, with … where text was left out."""
    first = marked.find(MARK_START)
    if first < 0:
        end = min(len(marked), SNIPPET_CHARS * 3)
        return marked[:end] + ("…" if end < len(marked) else "")
    start = max(0, first - SNIPPET_CHARS)
    close = marked.find(MARK_END, first)
    end = min(len(marked), (close if close >= 0 else first) + 1 + SNIPPET_CHARS * 2)
    opened, closed = marked.rfind(MARK_START, 0, end), marked.rfind(MARK_END, 0, end)
    if opened > closed:  # the window ends inside a marked span: take the span whole
        end = marked.find(MARK_END, opened) + 1 or len(marked)
    return ("…" if start > 0 else "") + marked[start:end] + ("…" if end < len(marked) else "")


def _like_snippet(text: str, terms: list[str]) -> str:
    """A window of `text` around the first occurrence of any term, with the terms marked."""
    positions = [p for p in (text.find(t) for t in terms) if p >= 0]
    if not positions:
        return ""
    at = min(positions)
    start, end = max(0, at - SNIPPET_CHARS), min(len(text), at + SNIPPET_CHARS * 2)
    window = text[start:end]
    return ("…" if start > 0 else "") + _mark_terms(window, terms) + ("…" if end < len(text) else "")


__all__ = ["BuildIndexer", "Hit", "KINDS", "MARK_END", "MARK_START", "SearchIndexMissing", "SearchResults",
           "document_search_rows", "index_graphs", "open_index", "plans_out_of_step", "rebuild", "refresh_after_build", "remove_graphs", "search",
           "search_index_path"]
