"""The named SPARQL queries researchers run, and the one function that runs them.

Each `queries/*.rq` file opens with a comment header (title, description, params, columns; the
format is in queries/README.md). `load_query` parses and checks it, `list_queries` lists the shipped
ones, `run_query` binds parameter values and returns plain-string rows: the CLI's `policykg query`
and the web app both go through it, so their tables agree (STYLE.md §2, §7).
Parameter values are bound with pyoxigraph substitutions. A query may also declare restriction
lines (`#[city] ?plan pk:jurisdiction/rdfs:label {{city@zh}} .`) that stay comments unless the
parameter is given; then the line is switched on with the value as an RDF term serialised by
pyoxigraph (escaped, so a value can never become SPARQL). Oxigraph plans a constant in a triple
pattern as an index lookup, whereas a substituted variable is joined after the whole corpus was
matched: this is what keeps per-city queries fast at 10k plans (issue #10, queries/README.md).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, Variable

from ..errors import BadQueryFile, MissingParameter, QueryFailed, QueryNotFound, UnknownParameter

QUERY_DIR = Path(__file__).resolve().parent

_HEADER_KEYS = {"title", "description", "params", "columns"}
_KEY_LINE = re.compile(r"^#\s?(?P<key>[A-Za-z_]+)(?:\s+(?P<arg>[A-Za-z_][A-Za-z0-9_]*))?:\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(?P<value>\S.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\((?P<flag>optional|required)\))?$")
_DOLLAR_VAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# `#[name] pattern`: a restriction line, active only when parameter `name` has a value.
_RESTRICTION = re.compile(r"^(?P<indent>\s*)#\[(?P<name>[A-Za-z_][A-Za-z0-9_]*)\](?P<pattern>.*)$")
# `{{name}}` (plain literal) or `{{name@zh}}` (language-tagged literal) inside a restriction line.
_PLACEHOLDER = re.compile(r"\{\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:@(?P<lang>[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*))?\}\}")

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC_FLOAT = {_XSD + "double", _XSD + "float"}
NUMERIC_DATATYPES = frozenset(_XSD + name for name in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte"))


@dataclass(frozen=True)
class Param:
    name: str
    optional: bool = True
    description: str = ""


@dataclass
class NamedQuery:
    """A parsed `.rq` file. `columns` are the SELECT's variables, in order."""

    name: str
    title: str
    description: str
    params: list[Param]
    columns: list[str]
    sparql: str
    path: Path
    kind: str = "select"  # select | construct | ask (shipped queries are all select)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _parse_header(text: str, path: Path) -> dict[str, object]:
    """The `# key: value` lines before the first SPARQL line; `#   more` continues the last key."""
    entries: dict[str, str] = {}
    param_docs: dict[str, str] = {}
    last: tuple[str, str | None] | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        continuation = _CONTINUATION.match(line)
        if continuation and last is not None:
            key, arg = last
            target = param_docs if key == "param" else entries
            slot = arg if key == "param" else key
            target[slot] = f"{target[slot]} {continuation.group('value').strip()}".strip()
            continue
        match = _KEY_LINE.match(line)
        if match is None:
            last = None  # an ordinary comment
            continue
        key, arg, value = match.group("key"), match.group("arg"), match.group("value").strip()
        if key == "param" and arg:
            param_docs[arg] = value
            last = (key, arg)
        elif key in _HEADER_KEYS and arg is None:
            if key in entries:
                raise BadQueryFile(f"{path}: header key {key!r} appears twice")
            entries[key] = value
            last = (key, None)
        else:
            raise BadQueryFile(f"{path}: unknown header line {line!r} "
                               f"(keys: {', '.join(sorted(_HEADER_KEYS))}, 'param NAME')")
    return {"entries": entries, "param_docs": param_docs}


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _sparql_variables(sparql: str) -> set[str]:
    return set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", sparql))


def parse_query_file(path: Path, name: str | None = None) -> NamedQuery:
    """Read and check one `.rq` file (see queries/README.md); raises BadQueryFile."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise BadQueryFile(f"{path}: cannot read the query file ({e})") from None
    header = _parse_header(text, path)
    entries: dict[str, str] = header["entries"]  # type: ignore[assignment]
    param_docs: dict[str, str] = header["param_docs"]  # type: ignore[assignment]
    sparql = text
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))

    params: list[Param] = []
    for item in _split_list(entries.get("params", "")):
        match = _PARAM.match(item)
        if match is None:
            raise BadQueryFile(f"{path}: bad parameter {item!r} in '# params:' "
                               "(write NAME or NAME (optional))")
        params.append(Param(match.group("name"), match.group("flag") == "optional",
                            param_docs.get(match.group("name"), "")))
    declared = {p.name for p in params}
    for extra in sorted(set(param_docs) - declared):
        raise BadQueryFile(f"{path}: '# param {extra}:' describes a parameter missing from '# params:'")
    used = _sparql_variables(body) | _check_restrictions(text, declared, path)
    for p in params:
        if p.name not in used:
            raise BadQueryFile(f"{path}: parameter {p.name!r} is declared but the SPARQL "
                               f"never uses ?{p.name}")
    for undeclared in sorted(set(_DOLLAR_VAR.findall(body)) - declared):
        raise BadQueryFile(f"{path}: ${undeclared} looks like a parameter but is not declared "
                           "in '# params:'")

    # Let the engine parse it (on an empty store: cheap), every restriction line switched on too,
    # and report what it projects.
    try:
        if "#[" in sparql:
            pyoxigraph.Store().query(instantiate(sparql, {p.name: "x" for p in params}),
                                     use_default_graph_as_union=True)
        solutions = pyoxigraph.Store().query(sparql, use_default_graph_as_union=True)
    except SyntaxError as e:
        raise BadQueryFile(f"{path}: SPARQL syntax error: {e}") from None
    if isinstance(solutions, pyoxigraph.QuerySolutions):
        kind, projected = "select", [v.value for v in solutions.variables]
    elif isinstance(solutions, pyoxigraph.QueryTriples):
        kind, projected = "construct", ["subject", "predicate", "object"]
    else:
        kind, projected = "ask", ["result"]
    if params and kind != "select":
        raise BadQueryFile(f"{path}: only SELECT queries can take parameters")
    for p in params:
        if p.name not in projected:
            # pyoxigraph substitutes only variables of the SELECT projection (SEP-0007).
            raise BadQueryFile(f"{path}: parameter ?{p.name} must appear in the SELECT clause")
    columns = _split_list(entries["columns"]) if "columns" in entries else projected
    if columns != projected:
        raise BadQueryFile(f"{path}: '# columns:' says {', '.join(columns)} but the query returns "
                           f"{', '.join(projected)}")
    return NamedQuery(
        name=name or path.stem,
        title=entries.get("title") or path.stem,
        description=entries.get("description", ""),
        params=params,
        columns=columns,
        sparql=sparql,
        path=path,
        kind=kind,
    )


def _check_restrictions(text: str, declared: set[str], path: Path) -> set[str]:
    """Check the `#[name] pattern` lines; RETURNS the parameters they use."""
    used: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        match = _RESTRICTION.match(line)
        if match is None:
            continue
        name, pattern = match.group("name"), match.group("pattern")
        if name not in declared:
            raise BadQueryFile(f"{path}:{number}: restriction line for {name!r}, which is not in "
                               "'# params:'")
        names = {m.group("name") for m in _PLACEHOLDER.finditer(pattern)}
        if names != {name}:
            raise BadQueryFile(f"{path}:{number}: a '#[{name}]' line must use {{{{{name}}}}} (or "
                               f"{{{{{name}@lang}}}}) and no other placeholder")
        if any(quote in _PLACEHOLDER.sub("", pattern) for quote in "\"'"):
            raise BadQueryFile(f"{path}:{number}: a restriction line holds no string literals")
        used.add(name)
    return used


def instantiate(sparql: str, values: Mapping[str, str]) -> str:
    """The query text with the restriction line of every parameter in `values` switched on: each
    `{{name}}` becomes the value as a plain literal, `{{name@lang}}` as a literal tagged `lang`,
    both written by pyoxigraph (`str(Literal)`, N-Triples escaping), so no value can close the
    literal and add SPARQL. Lines of parameters not in `values` stay comments."""
    if "#[" not in sparql:
        return sparql

    def term(match: re.Match[str]) -> str:
        value = str(values[match.group("name")])
        lang = match.group("lang")
        return str(Literal(value, language=lang) if lang else Literal(value))

    lines = []
    for line in sparql.split("\n"):
        match = _RESTRICTION.match(line)
        if match is not None and values.get(match.group("name")) not in (None, ""):
            line = match.group("indent") + _PLACEHOLDER.sub(term, match.group("pattern")).lstrip()
        lines.append(line)
    return "\n".join(lines)


def shipped_query_names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.rq"))


def load_query(name_or_path: str | Path) -> NamedQuery:
    """A shipped query by name (`plans`) or any `.rq` file by path.

    RAISES: QueryNotFound (unknown name, lists the available ones), BadQueryFile (unreadable,
        bad header, header and SPARQL disagree, SPARQL syntax error).
    """
    text = str(name_or_path)
    looks_like_path = isinstance(name_or_path, Path) or text.endswith(".rq") or "/" in text or "\\" in text
    if looks_like_path:
        path = Path(text)
        if not path.is_file():
            raise BadQueryFile(f"{path}: no such query file")
        return parse_query_file(path)
    path = QUERY_DIR / f"{text}.rq"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text) or not path.is_file():
        raise QueryNotFound(text, shipped_query_names())
    return parse_query_file(path, name=text)


def list_queries() -> list[NamedQuery]:
    """Every shipped query, sorted by name."""
    return [load_query(name) for name in shipped_query_names()]


def term_text(term) -> str | None:
    """An RDF term as the plain string a table cell shows: a literal's lexical form (language tag
    and datatype dropped; xsd:double/float as 2 or 6.5, never 2.0E0), an IRI as itself."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype.value in _NUMERIC_FLOAT:
            try:
                number = float(term.value)
            except ValueError:
                return term.value
            if number.is_integer() and abs(number) < 1e16:
                return str(int(number))
            return repr(number)
        return term.value
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return str(term)


class NumberText(str):
    """A numeric literal as its table text (what CSV and the CLI print) that also knows its value,
    so JSON gives a number and sorting compares numbers (viz/web/tables.py)."""

    number: int | float

    def __new__(cls, text: str, number: int | float) -> "NumberText":
        made = super().__new__(cls, text)
        made.number = number
        return made


def parse_number(text: str) -> int | float | None:
    """`text` as an int, else a finite float, else None."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def typed_term_text(term) -> str | None:
    """`term_text`, with a numeric literal as NumberText: the same text (so CSV stays
    byte-identical to `policykg query`), plus its number."""
    text = term_text(term)
    if isinstance(term, Literal) and term.datatype.value in NUMERIC_DATATYPES and text is not None:
        number = parse_number(term.value)
        if number is not None:
            return NumberText(text, number)
    return text


def bind_params(query: NamedQuery, params: Mapping[str, str] | None) -> dict[Variable, Literal]:
    """Check `params` against the header and turn them into pyoxigraph substitutions.

    An empty value for an optional parameter means "not given".
    RAISES: UnknownParameter, MissingParameter.
    """
    params = dict(params or {})
    declared = {p.name: p for p in query.params}
    for name in params:
        if name not in declared:
            raise UnknownParameter(query.name, name, list(declared))
    substitutions: dict[Variable, Literal] = {}
    for name, param in declared.items():
        value = params.get(name)
        if value is None or value == "":
            if not param.optional:
                raise MissingParameter(query.name, name)
            continue
        substitutions[Variable(name)] = Literal(str(value))
    return substitutions


def run_query(store, query: NamedQuery | str | Path, params: Mapping[str, str] | None = None, *,
              use_summary: bool = True, typed: bool = False, dataset: list | None = None
              ) -> tuple[list[str], list[list[str | None]]]:
    """Run a named query against a store: parameter values substituted by the engine and written
    into the query's restriction lines as escaped RDF terms (`instantiate`), never pasted as text.

    store: a `pyoxigraph.Store` (or anything with its `query` signature).
    query (NamedQuery | str | Path): a loaded query, a shipped query's name or a `.rq` path.
    params (dict[str, str]): declared parameters only; values are bound as plain literals.
    use_summary (bool): answer a query of graph/summaries/summary_format.py's SUMMARISED from the plans'
        summaries: whole corpus (no parameter given) when every plan has a current one (same
        rows, in seconds at 10k plans), per city / source / indicator (`SCOPE_PARAMS`) from the
        summaries of the plans the parameters select when those are current; False = always run
        the SPARQL.
    typed (bool): numeric literals as NumberText (same text, and their number: the web's JSON and
        sorting); the SPARQL then always runs, as the summaries keep each cell as text only (its
        datatype is gone, so they cannot tell the integer 2025 from the string "2025").
    dataset (list | None): the named graphs the SPARQL runs over, as if the store held only these
        (its default graph their union: FROM and FROM NAMED); the summaries are not read then.
    RETURNS (tuple[list[str], list[list[str | None]]]): column names and rows of plain strings
        (None for unbound). The default graph is the union of all named graphs.
    RAISES: QueryNotFound, BadQueryFile, UnknownParameter, MissingParameter, QueryFailed.
    """
    columns, rows = iter_query(store, query, params, use_summary=use_summary, typed=typed, dataset=dataset)
    return columns, list(rows)


def iter_query(store, query: NamedQuery | str | Path, params: Mapping[str, str] | None = None, *,
               use_summary: bool = True, typed: bool = False, dataset: list | None = None
               ) -> tuple[list[str], Iterator[list[str | None]]]:
    """`run_query`, with the rows as an iterator: they come as the engine (or the summaries)
    produce them, so a whole-corpus listing of a million rows is never held in memory (the CLI's
    `--format csv` writes them as they come). Errors while iterating raise QueryFailed too."""
    if typed or dataset is not None:
        use_summary = False  # summary rows are text only, and cover every plan (see run_query)
    cell = typed_term_text if typed else term_text
    if not isinstance(query, NamedQuery):
        query = load_query(query)
    substitutions = bind_params(query, params)
    if use_summary and _summarisable(store, query):
        from ..graph.summaries import analysis_scope
        from ..graph.summaries.corpus_rows import corpus_rows
        from ..graph.summaries.scoped_rows import scoped_rows
        from ..graph.summaries.summary_format import ANALYSED

        # a scope of an analysis query from its table's index, of a summarised one from the summaries
        scoped = analysis_scope.scoped_rows if query.name in ANALYSED else scoped_rows
        try:
            rows = (scoped(store, query.name, {v.value: t.value for v, t in substitutions.items()})
                    if substitutions else corpus_rows(store, query.name))
        except (OSError, RuntimeError, ValueError) as e:
            raise QueryFailed(f"query {query.name!r} failed: {e}") from e
        if rows is not None:
            return list(query.columns), rows
    sparql = instantiate(query.sparql, {v.value: t.value for v, t in substitutions.items()})
    try:
        graphs = ({"use_default_graph_as_union": True} if dataset is None
                  else {"default_graph": dataset, "named_graphs": dataset})
        result = store.query(sparql, substitutions=substitutions or None, **graphs)
        if isinstance(result, pyoxigraph.QuerySolutions):
            columns = [v.value for v in result.variables]
            # a solution iterates its values in the order of `variables` (unbound: None); by
            # position, not `solution[name]` per cell (a name lookup each: ~0.5 us a cell, ~1.3 ms
            # of a build worker's ~25 ms of summaries a plan, ~2,200 cells)
            rows = (list(map(cell, solution)) for solution in result)
        elif isinstance(result, pyoxigraph.QueryTriples):
            columns = ["subject", "predicate", "object"]
            rows = ([cell(t.subject), cell(t.predicate), cell(t.object)] for t in result)
        else:
            columns, rows = ["result"], iter([["true" if bool(result) else "false"]])
    except (SyntaxError, OSError, RuntimeError, ValueError) as e:
        raise QueryFailed(f"query {query.name!r} failed: {e}") from e
    return columns, _checked(rows, query.name)


def _summarisable(store, query: NamedQuery) -> bool:
    """A shipped query the summaries or a corpus table hold (graph/summaries/summary_format.py:
    SUMMARISED, and ANALYSED, read from the table `policykg analyze` writes), run on a pyoxigraph store."""
    from ..graph.summaries.summary_format import ANALYSED, SUMMARISED

    return ((query.name in SUMMARISED or query.name in ANALYSED) and query.path.resolve() == (QUERY_DIR / f"{query.name}.rq")
            and isinstance(store, pyoxigraph.Store))


def _checked(rows: Iterator[list[str | None]], name: str) -> Iterator[list[str | None]]:
    try:
        yield from rows
    except (SyntaxError, OSError, RuntimeError, ValueError) as e:
        raise QueryFailed(f"query {name!r} failed: {e}") from e


__all__ = ["NUMERIC_DATATYPES", "NamedQuery", "NumberText", "Param", "bind_params", "instantiate", "iter_query",
           "list_queries", "load_query", "parse_number", "parse_query_file", "run_query", "shipped_query_names",
           "term_text", "typed_term_text"]
