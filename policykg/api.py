"""The Python API for notebooks: stores, named queries as pandas DataFrames, graphs as networkx.

Every function here is a thin door onto what the CLI uses (graph/store.py, graph/build.py,
queries/, graph/export/exporters.py, graph/export/projections.py), so a notebook and `policykg query`/`export`
give the same answers. Errors are the PolicyKGError subclasses of policykg/errors.py.

USAGE:
    from policykg import api
    store = api.open_store(".policykg/store")
    df = api.query(store, "responsibilities", city="银川市")
    g = api.co_responsibility_graph(store)
DOCS: docs/api.md
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union

import pyoxigraph as ox

from policykg.errors import DocumentNotFound, PolicyKGError, QueryFailed
from policykg.graph.build import BuildReport
from policykg.graph.export.exporters import EXPORTERS, Selection, Subgraph, export_zip, select
from policykg.graph.export.exporters import export as export_subgraph
from policykg.graph.store import Store
from policykg.ontology import PK, XSD

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    import rdflib

    from policykg.extract.result import ExtractionResult
    from policykg.graph.analysis.freshness import AnalysisCoverage

StoreLike = Union[Store, str, "os.PathLike[str]"]

# Integer columns whose values named queries return as text (years); turned into Int64.
_YEAR_COLUMN = re.compile(r"(^|_)(year|period_start|period_end)$")
_INTEGER_TYPES = frozenset(XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort",
    "unsignedByte", "gYear"))
_FLOAT_TYPES = frozenset({XSD + "decimal", XSD + "double", XSD + "float"})
_DATE_TYPES = frozenset({XSD + "date", XSD + "dateTime"})


# -- stores ---------------------------------------------------------------------------------------


def open_store(path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> Store:
    """Open an existing store (default: $POLICYKG_STORE, else .policykg/store).

    Close it with `store.close()` or use `with open_store(...) as store:`; while it is open no
    other process can write it.
    RAISES: StoreNotFound (no store there), StoreLocked (another process holds it).
    """
    return Store.open(path, read_only=read_only)


def build(paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
          store_path: str | os.PathLike[str] | None = None, *,
          corrections: str | os.PathLike[str] | None = None) -> BuildReport:
    """Ingest plan files/folders into the store at `store_path` (created if missing), exactly
    as `policykg build` does, applying `corrections` (a corrections CSV, docs/corrections.md;
    default: `corrections.csv` in each folder given).
    RETURNS (BuildReport): ingested, failed (path, reason), warnings (stale corrections too)."""
    from policykg.extract.corrections import load_corrections
    from policykg.graph.build import build as build_store

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    rows = load_corrections(corrections) if corrections is not None else None
    with Store.open(store_path, create=True) as store:
        return build_store(list(paths), store, corrections=rows)


@contextlib.contextmanager
def _opened(store: StoreLike) -> Iterator[Store]:
    """Use an open Store as it is, or open (and afterwards close) the one at a path."""
    if isinstance(store, Store):
        yield store
        return
    with Store.open(store) as opened:
        yield opened


# -- queries --------------------------------------------------------------------------------------


def query(store: StoreLike, name_or_sparql: str, **params: str) -> "pd.DataFrame":
    """Run a named query (see `policykg queries`), a `.rq` file or SPARQL text; one DataFrame row
    per result row.

    params: the query's parameters, e.g. `city="银川市"` (bound by the engine, never spliced).
    Column types: integers and years -> Int64, decimals -> float64, booleans -> boolean,
    xsd:date -> datetime64, everything else (labels, IRIs) -> str, missing -> NA. A CONSTRUCT
    gives subject/predicate/object columns, an ASK one boolean column `result`.
    RAISES: QueryNotFound, MissingParameter, UnknownParameter, QueryFailed, StoreNotFound.
    """
    from policykg.queries import bind_params, load_query

    if _looks_like_sparql(name_or_sparql):
        sparql = name_or_sparql
        substitutions = {ox.Variable(k): ox.Literal(str(v)) for k, v in params.items()}
    else:
        named = load_query(name_or_sparql)
        sparql = named.sparql
        substitutions = bind_params(named, params)
    with _opened(store) as opened:
        columns, terms, problem = _run(opened.raw, sparql, substitutions)
        if not problem:
            _warn_if_analysis_stale(opened, sparql)
    if problem:
        raise QueryFailed(problem)
    return _frame(columns, terms)


def iter_rows(store: StoreLike, name: str, **params: str) -> Iterator[dict[str, str | None]]:
    """A named query's rows one at a time, as dicts of plain strings (the CLI's cells), for
    whole-corpus listings too large for a DataFrame: rows come as the engine (or the plans'
    summaries, graph/summaries/) produce them and are never all held in memory.
    RAISES: QueryNotFound, MissingParameter, UnknownParameter, QueryFailed, StoreNotFound."""
    from policykg.queries import iter_query, load_query

    named = load_query(name)
    with _opened(store) as opened:
        columns, rows = iter_query(opened.raw, named, params)
        for row in rows:
            yield dict(zip(columns, row))
        _warn_if_analysis_stale(opened, named.sparql)


def analysis_coverage(store: StoreLike) -> "AnalysisCoverage | None":
    """How the plans `policykg analyze` read compare with the store's plans now: counts of plans
    added, built again and removed since, and `.message()` (None when up to date); None when the
    store has no analysis graph (graph/analysis/freshness.py)."""
    from policykg.graph.analysis.freshness import analysis_coverage as coverage

    with _opened(store) as opened:
        return coverage(opened.raw)


def _warn_if_analysis_stale(store: Store, sparql: str) -> None:
    """A StaleAnalysisWarning when the query reads an analysis graph that does not describe the
    store's plans (the CLI prints the same line)."""
    import warnings

    from policykg.graph.analysis.freshness import StaleAnalysisWarning, stale_analysis

    message = stale_analysis(store, sparql)
    if message:
        warnings.warn(message, StaleAnalysisWarning, stacklevel=3)


def _looks_like_sparql(text: str) -> bool:
    return "{" in text or bool(re.match(r"\s*(PREFIX|BASE|SELECT|CONSTRUCT|ASK|DESCRIBE)\b", text, re.I))


def _run(raw: ox.Store, sparql: str, substitutions: dict) -> tuple[list[str], list[list], str | None]:
    try:
        result = raw.query(sparql, use_default_graph_as_union=True, substitutions=substitutions or None)
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            rows = [[solution[c] for c in columns] for solution in result]
        elif isinstance(result, ox.QueryTriples):
            columns = ["subject", "predicate", "object"]
            rows = [[t.subject, t.predicate, t.object] for t in result]
        else:
            columns, rows = ["result"], [[ox.Literal("true" if bool(result) else "false",
                                                    datatype=ox.NamedNode(XSD + "boolean"))]]
    except SyntaxError as e:
        return [], [], f"SPARQL syntax error: {' '.join(str(e).split())}"
    except (OSError, RuntimeError, ValueError, TypeError) as e:
        return [], [], f"the query failed: {' '.join(str(e).split())}"
    return columns, rows, None


def _frame(columns: list[str], rows: list[list]) -> "pd.DataFrame":
    import pandas as pd

    data = {}
    for i, column in enumerate(columns):
        data[column] = _series([row[i] for row in rows], column)
    return pd.DataFrame(data, columns=columns)


def _series(terms: list, column: str) -> "pd.Series":
    import pandas as pd

    present = [t for t in terms if t is not None]
    literals = [t for t in present if isinstance(t, ox.Literal)]
    datatypes = {t.datatype.value for t in literals}
    if present and len(literals) == len(present):
        if datatypes <= _INTEGER_TYPES:
            return pd.Series([_int(t) for t in terms], dtype="Int64")
        if datatypes <= _INTEGER_TYPES | _FLOAT_TYPES:
            return pd.Series([float(t.value) if t is not None else None for t in terms], dtype="float64")
        if datatypes == {XSD + "boolean"}:
            return pd.Series([None if t is None else t.value in ("true", "1") for t in terms], dtype="boolean")
        if datatypes <= _DATE_TYPES:
            return pd.to_datetime(pd.Series([None if t is None else t.value for t in terms]), errors="coerce")
    texts = [None if t is None else _text(t) for t in terms]
    values = [v for v in texts if v not in (None, "")]
    if values and _YEAR_COLUMN.search(column) and all(re.fullmatch(r"-?\d+", v) for v in values):
        return pd.Series([int(v) if v not in (None, "") else None for v in texts], dtype="Int64")
    if values and all(v in ("true", "false") for v in values):
        return pd.Series([None if v in (None, "") else v == "true" for v in texts], dtype="boolean")
    return pd.Series(texts, dtype="object")


def _int(term) -> int | None:
    if term is None:
        return None
    try:
        return int(term.value[:4]) if term.datatype.value == XSD + "gYear" else int(term.value)
    except ValueError:
        return None


def _text(term) -> str:
    from policykg.queries import term_text

    return term_text(term) or ""


# -- documents ------------------------------------------------------------------------------------


def extraction(store_or_path: StoreLike | None, source: str | os.PathLike[str], *,
               folders: Sequence[str | os.PathLike[str]] = (".",)) -> "ExtractionResult":
    """Re-extract one plan and return its ExtractionResult (every item with its text span).

    source: a path to the plan file (read directly), or the file name of a document in the store
        (`source` column of the queries). The store keeps the file's name and sha256, not its path
        (paths are machine-specific), so the file is looked up under `folders` and must have the
        same sha256 as when it was ingested.
    RAISES: DocumentNotFound, StoreNotFound, UnreadableDocument.
    """
    from policykg.extract import extract_path

    path = Path(source)
    if path.is_file():
        return extract_path(path)
    if store_or_path is None:
        raise DocumentNotFound(f"no file {source}; give a path, or a store and a source name")
    with _opened(store_or_path) as store:
        rows = store.query(f"""
            PREFIX pk: <{PK}> PREFIX dcterms: <http://purl.org/dc/terms/>
            SELECT ?sha ?source WHERE {{ GRAPH ?g {{ ?g dcterms:source ?source . OPTIONAL {{ ?g pk:sha256 ?sha }} }} }}""",
                           {"source": str(source)}).rows
        known = [d.source for d in store.documents()]
    if not rows:
        raise DocumentNotFound(f"no document {str(source)!r} in the store; known: {', '.join(sorted(known))}")
    sha = rows[0][0]
    for folder in folders:
        for candidate in sorted(Path(folder).rglob(path.name)):
            if candidate.is_file() and (sha is None or _sha256(candidate) == sha):
                return extract_path(candidate)
    raise DocumentNotFound(f"{source} is in the store, but no file of that name and content was found under "
                           f"{', '.join(map(str, folders))}; pass folders=[...] or the file's path")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- graphs ---------------------------------------------------------------------------------------


def responsibility_graph(store: StoreLike, city: str | None = None) -> "nx.Graph":
    """Bipartite agencies–measures graph (`bipartite` = "agency" | "measure"; edges: role, rank)."""
    from policykg.graph.export.projections import responsibility_graph as project

    with _opened(store) as opened:
        return project(opened, city)


def plan_responsibility_graph(store: StoreLike, city: str | None = None) -> "nx.Graph":
    """Plans and the agencies they assign (`bipartite` = "plan" | "agency"; edges: lead, support,
    role), the measures of `responsibility_graph` folded into their plans."""
    from policykg.graph.export.projections import plan_responsibility_graph as project

    with _opened(store) as opened:
        return project(opened, city)


def co_responsibility_graph(store: StoreLike, city: str | None = None) -> "nx.Graph":
    """Agency pairs weighted by the number of measures they share (`weight`, `lead_pairs`,
    `plans`)."""
    from policykg.graph.export.projections import co_responsibility_graph as project

    with _opened(store) as opened:
        return project(opened, city)


def plan_framework_graph(store: StoreLike) -> "nx.Graph":
    """Plans and the documents they cite (`kind` = "plan" | "framework"; edges: mentions, applies)."""
    from policykg.graph.export.projections import plan_framework_graph as project

    with _opened(store) as opened:
        return project(opened)


def selection(*, plans: str | Sequence[str] = (), cities: str | Sequence[str] = (),
              agencies: str | Sequence[str] = (), frameworks: str | Sequence[str] = (),
              indicators: str | Sequence[str] = (), hops: int | None = None,
              construct: str | os.PathLike[str] | None = None, vocabulary: bool = False) -> Selection:
    """A `Selection` from keyword selectors; a single string is one value (docs/export.md)."""
    return Selection(plans=_listed(plans), cities=_listed(cities), agencies=_listed(agencies),
                     frameworks=_listed(frameworks), indicators=_listed(indicators), hops=hops,
                     construct=construct, vocabulary=vocabulary)


def _listed(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def select_subgraph(store: StoreLike, **selectors) -> Subgraph:
    """The selected quads as a `Subgraph` (what `export` writes). Selectors: see `selection`."""
    with _opened(store) as opened:
        return select(opened, selection(**selectors))


def subgraph(store: StoreLike, *, named_graphs: bool = False, **selectors) -> "rdflib.Graph":
    """The selected subgraph as an rdflib Graph (or an rdflib Dataset with `named_graphs=True`).

    selectors: plans, cities, agencies, frameworks, indicators, hops, construct, vocabulary.
    RAISES: NothingSelected (a selector that matches nothing).
    """
    return select_subgraph(store, **selectors).to_rdflib(named_graphs=named_graphs)


def to_networkx(store: StoreLike, **selectors) -> "nx.DiGraph":
    """The selected subgraph as the networkx property graph that GraphML/GEXF/CSV exports write:
    nodes = IRIs with `label`, `type` and flattened literal attributes, edges = IRI links."""
    return select_subgraph(store, **selectors).to_networkx()


def export(store: StoreLike, out: str | os.PathLike[str], format: str | None = None, *,
           zip: bool = False, **selectors) -> list[Path]:
    """Write the selected subgraph to `out` (what `policykg export` does).

    format: one of `EXPORTERS` (ttl nt nq trig jsonld rdfxml graphml gexf csv); "csv" writes
        nodes.csv and edges.csv into the folder `out`.
    zip (bool): write every format into the zip file `out` instead.
    RETURNS (list[Path]): the files written.
    """
    if not zip and format is None:
        raise PolicyKGError(f"choose a format ({', '.join(EXPORTERS)}) or zip=True")
    chosen = select_subgraph(store, **selectors)
    if zip:
        return [export_zip(chosen, out, stem=Path(out).stem or "subgraph")]
    return export_subgraph(chosen, format or "", out)


def list_queries() -> "pd.DataFrame":
    """The named queries: name, title, parameters (optional ones end in ?), description."""
    import pandas as pd

    from policykg.queries import list_queries as shipped

    return pd.DataFrame([{"name": q.name, "title": q.title,
                          "params": ", ".join(p.name + ("?" if p.optional else "") for p in q.params),
                          "description": q.description} for q in shipped()])


__all__ = ["analysis_coverage", "build", "co_responsibility_graph", "export", "extraction", "iter_rows", "list_queries", "open_store",
           "plan_framework_graph", "plan_responsibility_graph", "query", "responsibility_graph", "select_subgraph", "selection",
           "subgraph", "to_networkx", "EXPORTERS", "Selection", "Subgraph", "BuildReport", "Store"]
