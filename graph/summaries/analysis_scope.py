"""Per city and per source, the rows of the analysis tables: which rows of a table a `city` or
`source` parameter selects, kept beside the table so that such a run reads those rows only.

Why: the analysis tables (summary_format.py `ANALYSED`, written by `policykg analyze` through
analysis_rows.py) answer the whole corpus of instrument_mix, measure_reuse, pmc_features and
plan_similarity, but a city or a source still ran their SPARQL with the restriction lines
(queries/*.rq), whose cost grows with the corpus: 74 and 188 CPU-ms a city at 1,000 plans for
instrument_mix and measure_reuse (issue #24: <= 50 ms a city). A restricted run returns a subset of
the whole-corpus rows, so the table's own rows, selected, answer it, provided the selection is
exactly the restriction lines' and the order is the same. How each is kept:

- **What**: written with the table, in the same transaction and under its digest
  (`<table>/<digest>/...`, `CORPUS_GRAPH`), so every drop of the table (a plan write, an analysis
  write, a rewrite) drops it too, and a reader never mixes the index of one table with another:
  - instrument_mix, measure_reuse, pmc_features (ORDER BY ?source first: a plan's rows are one run
    of the table): per source, its rows (`group/<source>`, `pksum:corpusRows`, `_encode_table`);
    per source and per city the groups it selects, in table order (`source/<value>`,
    `city/<value>`, `pksum:corpusSources`, a JSON list).
  - plan_similarity (ordered by similarity: a city's pairs are spread over the table): per source
    and per city its rows themselves (`source/<value>`, `city/<value>`, `pksum:corpusRows`).
  - `<table> pksum:corpusScopes "<digest>"` says the index exists for this table.
  A value with no entry selects no row; an entry `null` means "the index cannot answer exactly":
  the SPARQL runs (`scoped_rows` returns None).
- **Same selection** as the restriction lines, read from the data when the table is written:
  - a source is the plan graph whose `?g dcterms:source` is that plain literal; a city the plan
    graphs whose one plan node (`?g pk:plan`) reaches the label "city"@zh by
    pk:jurisdiction/rdfs:label (plan_summaries.py `_plan_cities`, `plan_node_only`: the summaries'
    scoped path checks the graph's other pk:plan links too).
    No index for these queries when a graph has two sources or two graphs share one (their rows
    would not split by plan); a city reached twice by a plan's path (its rows would double in
    the SPARQL) or by a plan the summaries cannot decide is `null`.
  - measure_reuse narrows its links too (`?reuse pk:reuserSource "source"`,
    `pk:reuserPlace "city"@zh`): a group answers its source only when every link from its rows'
    measures carries exactly that file name, and is selected by a city of its plan only when those
    links all carry one place, that city (selected by none when it is another); else `null`.
  - plan_similarity: a pair is selected by the file names (`pk:sourceA|pk:sourceB`) and the
    places "city"@zh (`pk:placeA|pk:placeB`) it carries; no index unless each pair has exactly one
    plain-literal sourceA and sourceB and no two pairs (or rows) share them.
- **Same order**: the table is in the ORDER BY's order; the rows a restriction selects, sorted by
  the same ORDER BY, come in that order too whenever the ORDER BY is a total order on distinct
  rows. Oxigraph sorts unstably, so rows that tie on every key come in an order that depends on
  the input: measure_reuse's old `ORDER BY ?source ?order ?span_start DESC(?score)` tied a
  measure's links of equal score, and a source's rows came in another order from the restricted
  SPARQL than from the whole corpus in 35 of 42 sources at 1k. Its ORDER BY now ends with
  ?measure ?target (a link is one measure and one target): the order of the rows is then theirs
  alone, in the whole corpus and restricted. The writer checks that no two distinct rows of a
  group tie on the keys the rows show (instrument_mix: type, measures, instrument; pmc_features:
  one row per source; measure_reuse: measure, score, target, with ?order and ?span_start functions
  of the measure; plan_similarity: one row per pair): a group with such a tie is `null`.
- **Parameters**: one of `source` or `city` (the column of that name set to the value, as the
  engine substitutes it); both at once, or any other, run the SPARQL.

Tests: tests/analysis/test_analysis_tables.py (every city and source of a built corpus answered
by the index with the SPARQL's rows; each invalidation; each `null` case, made by editing a built
store's graph, left to the SPARQL with the SPARQL's rows).
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from urllib.parse import quote

import pyoxigraph as ox

from policykg.ontology import DCTERMS, PK

from ..rdf import ANALYSIS_GRAPH, LABEL, XSD_STRING
from .corpus_tables import CORPUS_GRAPH, CORPUS_ROWS, _table_head, _table_path
from .plan_summaries import _plan_cities
from .summary_format import SUMMARY_NS, _named
from .table_codec import _decode_table, _encode_table

SCOPES = ("source", "city")
CORPUS_SCOPES = ox.NamedNode(SUMMARY_NS + "corpusScopes")
CORPUS_SOURCES = ox.NamedNode(SUMMARY_NS + "corpusSources")
# the queries whose rows are ordered by ?source first, and the columns (besides it) their ORDER BY
# compares that the rows show: two distinct rows of a source equal on these may tie
GROUPED_TIE_COLUMNS = {"instrument_mix": ("instrument_type", "measures", "instrument"),
                       "pmc_features": (),
                       "measure_reuse": ("measure", "score", "target")}
_SOURCE_QUERY = f"SELECT ?g ?source WHERE {{ GRAPH ?g {{ ?g <{DCTERMS}source> ?source }} }}"


def _entry_node(table: str, digest: str, kind: str, value: str) -> ox.NamedNode:
    return ox.NamedNode(f"{table}/{digest}/{kind}/{quote(value, safe='')}")


def _zh(term) -> str | None:
    return term.value if isinstance(term, ox.Literal) and term.language == "zh" else None


def _plain(term) -> str | None:
    return term.value if isinstance(term, ox.Literal) and term.datatype == XSD_STRING else None


# -- writing -----------------------------------------------------------------------------------


class PlanGraphs:
    """Each plan graph's source and the cities a `#[city]` line selects it by, read once for the
    tables of one `write_analysis_tables` run. `usable` False: a graph with two sources, a source
    of two graphs, or one that is not a plain literal (the source-ordered queries get no index)."""

    def __init__(self, store: ox.Store) -> None:
        graphs: dict[str, str] = {}
        self.usable = True
        for solution in store.query(_SOURCE_QUERY):
            graph, value = solution["g"], _plain(solution["source"])
            if value is None or graph.value in graphs:
                self.usable = False
            graphs[graph.value] = value
        if len(set(graphs.values())) != len(graphs):
            self.usable = False
        # source -> the cities its plan is selected by (one entry per path match), or None when
        # the plan graph's plan is undecided (then the graph's zh labels in `undecided`)
        self.cities: dict[str, list[str] | None] = {}
        self.undecided: dict[str, set[str]] = {}
        if not self.usable:
            return
        for graph, source in graphs.items():
            node = ox.NamedNode(graph)
            cities = _plan_cities(store, node, plan_node_only=True)
            self.cities[source] = cities
            if cities is None:
                self.undecided[source] = {label for q in store.quads_for_pattern(None, LABEL, None, node)
                                          if (label := _zh(q.object)) is not None}


def _reuse_links(store: ox.Store) -> dict[str, tuple[set, set]]:
    """measure -> the file names (`pk:reuserSource`: plain literals, anything else or none as None)
    and the places (`pk:reuserPlace`: zh literals, anything else or none as None) of the reuse
    links from it (`pk:source`). Keyed by the measure, not a row's (measure, target): a link
    without a row only makes the check stricter. One DISTINCT query (1.1 CPU-s at 1k plans; three
    scans of the same quads took 2)."""
    links: dict[str, tuple[set, set]] = {}
    for measure, reuser, place in store.query(_REUSE_QUERY):
        reusers, places = links.setdefault(measure.value, (set(), set()))
        reusers.add(_plain(reuser))
        places.add(_zh(place))
    return links


_REUSE_QUERY = f"""SELECT DISTINCT ?measure ?reuser ?place WHERE {{ GRAPH {ANALYSIS_GRAPH} {{
    ?link <{PK}source> ?measure .
    OPTIONAL {{ ?link <{PK}reuserSource> ?reuser }} OPTIONAL {{ ?link <{PK}reuserPlace> ?place }} }} }}"""


class _Group:
    __slots__ = ("source", "first", "rows", "text", "keys", "tied", "reusers", "places")

    def __init__(self, source: str, first: int) -> None:
        self.source = source
        self.first = first          # the table position of its first row
        self.rows: list[list[str | None]] = []
        self.text: str | None = None  # its rows encoded (`_encode_table`) once the run has passed
        self.keys: dict[tuple, tuple] = {}
        self.tied = False           # two distinct rows equal on every key the rows show
        self.reusers: set = set()   # measure_reuse: its links' file names (None: not a plain literal)
        self.places: set = set()    # measure_reuse: its links' places (None: not a zh literal)


class ScopeIndex:
    """Watches a table's rows as `_write_table` streams them (`watch`) and gives the index's
    entries after (`entries`): (kind, value, predicate, text). `entries` is None when the index
    cannot be exact for this table (see the module docstring): the SPARQL then answers."""

    def __init__(self, name: str, plans: PlanGraphs | None, links=None, pairs=None) -> None:
        self.name = name
        self.columns = _named(name).columns
        self.plans, self.links, self.pairs = plans, links, pairs
        self.usable = (pairs is not None) if name == "plan_similarity" else (plans is not None and plans.usable)
        self.groups: dict[str, _Group] = {}
        self.keyed: dict[tuple[str, str], list] = defaultdict(list)  # plan_similarity
        self.seen_pairs: dict[tuple, tuple] = {}

    def watch(self, rows: Iterator[list[str | None]]) -> Iterator[list[str | None]]:
        if not self.usable:
            yield from rows
            return
        if self.name == "plan_similarity":
            yield from self._watch_pairs(rows)
        else:
            yield from self._watch_groups(rows)

    def _watch_groups(self, rows):
        column = self.columns.index("source")
        tie_columns = [self.columns.index(c) for c in GROUPED_TIE_COLUMNS[self.name]]
        reuse = self.name == "measure_reuse"
        if reuse:
            measure = self.columns.index("measure")
        group, current = None, object()
        for position, row in enumerate(rows):
            source = row[column]
            if source != current:
                _close(group)
                if source in self.groups or source is None:  # not one run per source
                    self.usable = False
                    yield row
                    yield from rows
                    return
                group = self.groups[source] = _Group(source, position)
                current = source
            group.rows.append(row)
            key = tuple(row[c] for c in tie_columns)
            known = group.keys.setdefault(key, tuple(row))
            if known != tuple(row):
                group.tied = True
            if reuse:
                reusers, places = self.links.get(row[measure], ({None}, {None}))
                group.reusers |= reusers
                group.places |= places
            yield row
        _close(group)

    def _watch_pairs(self, rows):
        a, b = self.columns.index("source_a"), self.columns.index("source_b")
        for row in rows:
            pair = (row[a], row[b])
            keys = self.pairs.get(pair)
            if keys is None or self.seen_pairs.setdefault(pair, tuple(row)) != tuple(row):
                self.usable = False  # a row of no pair, or two rows of one pair
                yield row
                yield from rows
                return
            for key in keys:
                self.keyed[key].append(row)
            yield row

    def entries(self) -> list[tuple[str, str, ox.NamedNode, str]] | None:
        if not self.usable:
            return None
        if self.name == "plan_similarity":
            return [(kind, value, CORPUS_ROWS, _encode_table(rows))
                    for (kind, value), rows in sorted(self.keyed.items())]
        out = []
        for source, group in self.groups.items():
            exact = not group.tied and (self.name != "measure_reuse" or group.reusers == {source})
            out.append(("source", source, CORPUS_SOURCES, json.dumps([source] if exact else None)))
            if group.text is not None:
                out.append(("group", source, CORPUS_ROWS, group.text))
        cities: dict[str, list[_Group | None]] = defaultdict(list)
        for source, selected_by in self.plans.cities.items():
            if selected_by is None:
                for city in self.plans.undecided[source]:
                    cities[city].append(None)
                continue
            group = self.groups.get(source)
            for city in set(selected_by):
                if selected_by.count(city) > 1 or (group is not None and group.tied):
                    cities[city].append(None)
                elif group is None:
                    continue
                elif self.name != "measure_reuse":
                    cities[city].append(group)
                elif len(group.places) != 1 or None in group.places:  # links of other or no places
                    cities[city].append(None)
                elif city in group.places:
                    cities[city].append(group)
        for city, groups in sorted(cities.items()):
            if None in groups:
                out.append(("city", city, CORPUS_SOURCES, "null"))
            elif groups:
                ordered = sorted(groups, key=lambda g: g.first)
                out.append(("city", city, CORPUS_SOURCES,
                            json.dumps([g.source for g in ordered], ensure_ascii=False)))
        return out


def _close(group: _Group | None) -> None:
    """A source's run of rows has passed: keep its rows encoded (unless two of them tie), not the
    rows (measure_reuse's 530k rows at 10k plans would all be held until the table is written)."""
    if group is not None and group.rows is not None:
        if not group.tied:
            group.text = _encode_table(group.rows)
        group.rows, group.keys = None, None


def similarity_pairs(store: ox.Store) -> dict[tuple[str, str], set[tuple[str, str]]] | None:
    """(source_a, source_b) -> the index keys that select the pair: ("source", file name) of both
    sides, ("city", place) of each zh place; None when a pair has not exactly one plain-literal
    sourceA and sourceB or two pairs share them."""
    values: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for predicate in ("sourceA", "sourceB", "placeA", "placeB"):
        for q in store.quads_for_pattern(None, ox.NamedNode(PK + predicate), None, ANALYSIS_GRAPH):
            values[q.subject.value][predicate].append(q.object)
    pairs: dict[tuple[str, str], set] = {}
    for node in values.values():
        a, b = node["sourceA"], node["sourceB"]
        if len(a) != 1 or len(b) != 1 or _plain(a[0]) is None or _plain(b[0]) is None:
            return None
        key = (a[0].value, b[0].value)
        if key in pairs:
            return None
        pairs[key] = {("source", key[0]), ("source", key[1])} | {
            ("city", place) for o in node["placeA"] + node["placeB"] if (place := _zh(o)) is not None}
    return pairs


def scope_indexes(store: ox.Store, names) -> dict[str, ScopeIndex]:
    """An index watcher for each query of `names` (the store's plan graphs, reuse links and pairs
    read once)."""
    names = list(names)
    plans = PlanGraphs(store) if set(names) & set(GROUPED_TIE_COLUMNS) else None
    links = _reuse_links(store) if "measure_reuse" in names else None
    pairs = similarity_pairs(store) if "plan_similarity" in names else None
    return {name: ScopeIndex(name, plans, links, pairs) for name in names}


def index_quads(table: str, digest: str, entries) -> list[ox.Quad]:
    graph = CORPUS_GRAPH
    quads = [ox.Quad(ox.NamedNode(table), CORPUS_SCOPES, ox.Literal(digest), graph)]
    quads += [ox.Quad(_entry_node(table, digest, kind, value), predicate, ox.Literal(text), graph)
              for kind, value, predicate, text in entries]
    return quads


# -- reading -----------------------------------------------------------------------------------


def scoped_rows(store: ox.Store, name: str, params: dict[str, str]) -> Iterator[list[str | None]] | None:
    """The rows of analysis query `name` for one `source` or `city` from its table's index, or
    None (the SPARQL answers) when the store holds no current table with an index, the index
    cannot answer this value exactly, or the parameters are not one of those."""
    if len(params) != 1:
        return None
    ((param, value),) = params.items()
    if param not in SCOPES:
        return None
    head = _table_head(store, name)
    if head is None:
        return None
    table = _table_path(name)
    _, digest = head
    graph = CORPUS_GRAPH
    scopes = next(store.quads_for_pattern(ox.NamedNode(table), CORPUS_SCOPES, None, graph), None)
    if scopes is None or scopes.object.value != digest:
        return None
    node = _entry_node(table, digest, param, value)
    held = next(store.quads_for_pattern(node, CORPUS_ROWS, None, graph), None)
    if held is not None:
        rows = _decode_table(held.object.value)
    else:
        listed = next(store.quads_for_pattern(node, CORPUS_SOURCES, None, graph), None)
        sources = [] if listed is None else json.loads(listed.object.value)
        if sources is None:
            return None
        rows = []
        for source in sources:
            group = next(store.quads_for_pattern(_entry_node(table, digest, "group", source),
                                                 CORPUS_ROWS, None, graph), None)
            if group is None:
                raise RuntimeError(f"the corpus table of {name!r} was removed or written again while it was read")
            rows += _decode_table(group.object.value)
    column = _named(name).columns.index(param)
    for row in rows:
        row[column] = value
    return iter(rows)


__all__ = ["CORPUS_SCOPES", "CORPUS_SOURCES", "PlanGraphs", "ScopeIndex", "index_quads", "scope_indexes",
           "scoped_rows", "similarity_pairs"]
