"""A cheap look at a query's text before the engine sees it: its size, how deeply its brackets
nest, how many operators it chains, whether it names a dataset (FROM / FROM NAMED) and whether it
calls SERVICE.

Why: Oxigraph recurses once per nesting level, so a query nested a few thousand levels deep (36 KB,
which any web page can make a browser send) overflows the engine's stack and kills the process;
so do flat chains of a few thousand operators (`!!!…`, `1+1+…`, `{} UNION {} UNION …`,
`OPTIONAL {…} OPTIONAL {…} …`, `p/p/p/…`), which build equally deep expression trees. Refusing
absurd nesting, chains and size with a 400 here costs one regex pass. The same pass
finds the dataset clause (the default graph is the union of all graphs only when the query names
none) and SERVICE (outbound requests are off unless `--allow-service`). The scan skips strings,
IRIs, comments, variables and prefixed names, so `"{{{"`, `<urn:FROM>`, `?service` and
`ex:SERVICE` count for nothing. Partners: viz/web/sparql.py (read_request), docs/web.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .http import WebError

MAX_QUERY_CHARS = 100_000   # a query's text; a hand-written query is a few KB
MAX_NESTING = 64            # ( [ { open at once; real queries stay under 20
MAX_OPERATORS = 1000        # operators and UNION/OPTIONAL/MINUS; the engine fails from ~3,000
_TREE_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS"})

# one token per match; strings, IRIs and comments first so that what they hold is never counted
_TOKEN = re.compile(r'''
    (?P<string>'{3}(?:[^'\\]|\\.|'(?!''))*'{3}|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n\r]*)
  | (?P<variable>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w.\-:%]|\\.)*)
  | (?P<word>[^\W\d]\w*)
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
  | (?P<operator>\|\||&&|[!|^/*+\-])
''', re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class QueryShape:
    """What the scan found. depth: the deepest bracket nesting; has_dataset: a FROM clause;
    uses_service: a SERVICE keyword; operators: operator tokens and UNION/OPTIONAL/MINUS."""

    depth: int
    has_dataset: bool
    uses_service: bool
    operators: int = 0


def scan(sparql: str) -> QueryShape:
    """The shape of `sparql` (never raises; an unclosed string simply ends the scan)."""
    depth = deepest = operators = 0
    has_dataset = uses_service = False
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "operator":
            operators += 1
        elif kind == "word":
            word = match.group().upper()
            if word == "FROM":
                has_dataset = True
            elif word == "SERVICE":
                uses_service = True
            elif word in _TREE_WORDS:
                operators += 1
    return QueryShape(deepest, has_dataset, uses_service, operators)


def check_query(sparql: str, *, allow_service: bool) -> QueryShape:
    """`scan(sparql)` after the size check. RAISES WebError(400): too long, nested too deeply,
    too many chained operators, or SERVICE while outbound requests are off."""
    if len(sparql) > MAX_QUERY_CHARS:
        raise WebError(400, "Query too large",
                       f"the query has {len(sparql):,} characters; this endpoint takes at most "
                       f"{MAX_QUERY_CHARS:,}")
    shape = scan(sparql)
    if shape.depth > MAX_NESTING:
        raise WebError(400, "Query nested too deeply",
                       f"the query nests brackets {shape.depth} levels deep; this endpoint takes "
                       f"at most {MAX_NESTING}")
    if shape.operators > MAX_OPERATORS:
        raise WebError(400, "Query too complex",
                       f"the query chains {shape.operators:,} operators (UNION, OPTIONAL, MINUS, "
                       f"! + - * / | ^ && ||); this endpoint takes at most {MAX_OPERATORS:,}")
    if shape.uses_service and not allow_service:
        raise WebError(400, "SERVICE is off",
                       "this endpoint does not call other endpoints (SERVICE); restart the "
                       "server with `policykg serve --allow-service` to let queries do so")
    return shape
