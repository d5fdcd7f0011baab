"""The whole-corpus rows of a summarised query (summary_format.py), combined from every plan's
summary as the query would, and kept as corpus tables by the build (`write_corpus_tables`).

- **Reading**: `corpus_rows(store, name)` streams the whole-corpus rows from the query's corpus
  table when current (corpus_tables.py), else from the summaries (`summary_rows`):
  listings (every query ordered by ?source first, including the per-plan `plans`, `citations`
  and `plan_frameworks`; the last reads registry titles from the frameworks vocabulary graph,
  which the workers' scratch store holds) are the plans' rows in source order
  (`target_comparison` re-sorted by its ORDER BY), `agency_load` and `co_responsibility` add up
  per-plan counts (measures and assignments belong to one plan, so distinct counts add). It
  returns None when any plan lacks a summary of the query's current fingerprint (a store built
  before summaries, the query file or a vocabulary edited since): the caller then runs the full
  query. queries/__init__.py decides. The analysis queries (`ANALYSED`) have no summaries: only
  their table (analysis_rows.py writes it) or the SPARQL answers them.
- **framework_reuse** and **plans_by_region** (`ENGINE_ORDERED`) group plans (by framework,
  province and year; by province and level) with COUNT DISTINCT, SAMPLE, MIN/MAX and
  GROUP_CONCAT DISTINCT: each plan keeps its own rows of the query (and its plan node), and the
  whole corpus combines them with plans taken in the order the engine meets them
  (`_engine_plan_order`, the source index's order: ~7 ms at 1k plans), so SAMPLE's first bound
  value and GROUP_CONCAT's order of first appearance come out as the engine's (same rows, same
  strings, tested). A plan whose labels or source hold the separator "; " is left to the SPARQL.
  A city or region runs the SPARQL (~10 ms a city; its plan starts from the city).
- **coverage** (counted per plan in Python, plan_summaries.py) is sorted by its ORDER BY when read.
- **Corpus tables**: `write_corpus_tables` (graph/build.py, after its plans and summaries) keeps
  each summarised query's whole-corpus rows as they come from the summaries (corpus_tables.py),
  and the plans each city selects (plan_selection.py `write_city_index`).
- **Memory** (issue #24: bounded whatever the corpus): listings stream a run of plans at a time;
  `coverage` and `target_comparison` hold at most spilled_sort.py's SORT_RUN_ROWS rows (sorted
  runs on disk past that, merged); the aggregates hold their answer's keys, counts and labels and
  one batch of plans (AGGREGATE_BATCH_PLANS), not every plan's slots and labels;
  `framework_reuse` and `plans_by_region` hold every plan's summary text (one scan: ~1 MB at 2k
  plans) and decode one plan at a time.
- Exactness is a test: tests/graph/test_summary.py and test_summary_scoped.py compare both paths
  on the seeds and a generated corpus (and were run on the dev set and 1k generated plans).
"""
from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from itertools import chain
from operator import itemgetter

import pyoxigraph as ox

from policykg.ontology import DCTERMS

from .corpus_tables import (_write_table, corpus_tables_current, drop_corpus_tables, table_rows,
                            table_write_buffers)
from .plan_selection import write_city_index
from .spilled_sort import sorted_in_runs
from .summary_format import (ANALYSED, DOCUMENT_GRAPH_PREFIX, ENGINE_ORDERED, KEY, LISTINGS, SUMMARISED,
                             SUMMARY_GRAPH_PREFIX, _SEPARATOR, _stamped, document_graphs, rows_predicate,
                             summaries_complete, summary_graph)
from .table_codec import _collector_paused, _decode_table


def _plan_texts(store: ox.Store, name: str, order: list[str] | None = None) -> Iterator[str]:
    """Each plan's summary literal of query `name`, plans in source order (the keys sorted here,
    as SPARQL orders plain literals: by code point), read one plan at a time, so the first rows
    come before the last plan is read and memory holds one plan's rows. `order`: the summary
    nodes in source order (`_source_order`), when the caller has it."""
    predicate = rows_predicate(name)
    for subject in _source_order(store) if order is None else order:
        node = ox.NamedNode(subject)
        for quad in store.quads_for_pattern(node, predicate, None, node):
            yield quad.object.value


def _plan_texts_scanned(store: ox.Store, name: str, order: list[str] | None = None) -> Iterator[str]:
    """`_plan_texts` for readers that hold every row anyway (aggregates, re-sorted listings):
    one scan of the query's literals (one lookup per plan cost twice as much at 10k plans).
    `order`: the summary nodes in source order (`_source_order`), when the caller has it."""
    texts = {q.subject.value: q.object.value
             for q in store.quads_for_pattern(None, rows_predicate(name), None, None)}
    return (texts[subject] for subject in (_source_order(store) if order is None else order) if subject in texts)


def _source_order(store: ox.Store) -> list[str]:
    """Every summary node, in the order of its plan's sort key (~0.3 CPU-s at 10k plans)."""
    keyed = sorted((q.object.value, q.subject.value) for q in store.quads_for_pattern(None, KEY, None, None))
    return [subject for _, subject in keyed]


def corpus_rows(store: ox.Store, name: str) -> Iterator[list[str | None]] | None:
    """The whole-corpus rows of summarised query `name`: from its corpus table when the store
    holds a current one (`table_rows`), else from the plans' summaries, or None when the
    summaries cannot answer (not a summarised query, or a plan without a current summary)."""
    if name in ANALYSED:  # no summaries: the table or the SPARQL
        return table_rows(store, name)
    if name not in SUMMARISED:
        return None
    rows = table_rows(store, name)
    return rows if rows is not None else summary_rows(store, name)


def summary_rows(store: ox.Store, name: str, *, scanned: bool = False) -> Iterator[list[str | None]] | None:
    """`corpus_rows` from the plans' summaries (what a corpus table keeps), never the table.
    `scanned`: listings' literals read in one scan too (`_plan_texts_scanned`: the same texts in
    the same order, all held before the first row: for a reader that holds every row anyway)."""
    if name not in SUMMARISED or not summaries_complete(store, name):
        return None
    return _rows_from_summaries(store, name, scanned=scanned)


def _rows_from_summaries(store: ox.Store, name: str, *, scanned: bool, order: list[str] | None = None,
                         streamed: bool = False) -> Iterator[list[str | None]] | None:
    """`streamed`: every query's literals read plan by plan (`_plan_texts`), never all held at
    once, aggregates too (`write_corpus_tables`, which writes a chunk at a time: one scan held
    all of a query's literals, 6.4 M characters for `responsibilities` at 1k plans, growing with
    the corpus; the lookups cost ~25 % more CPU than the scan, ~0.1 CPU-s at 500 plans; issue #24)."""
    if name in ENGINE_ORDERED:
        rows = _framework_reuse(store) if name == "framework_reuse" else _plans_by_region(store)
        return None if rows is None else iter(rows)
    if streamed or (name in LISTINGS and not scanned):
        return _combined(name, _plan_texts(store, name, order))
    return _combined(name, _plan_texts_scanned(store, name, order))


def _combined(name: str, texts: Iterable[str]) -> Iterator[list[str | None]]:
    """The rows of query `name` over the plans whose summary texts are `texts`, combined as the
    query does: listed in turn, sorted by its ORDER BY, or counts added up."""
    if name in LISTINGS:
        return _streamed_rows(texts)
    # re-sorted: at most SORT_RUN_ROWS rows held, the rest in sorted runs on disk (spilled_sort.py)
    if name == "coverage":
        return sorted_in_runs(_decoded_rows(texts), _sorted_coverage_run, _coverage_order)
    if name == "target_comparison":
        return sorted_in_runs(_decoded_rows(texts), _sorted_target_comparison_run, _target_comparison_order)
    with _collector_paused():  # these hold the answer's keys before the first row is given
        if name == "agency_load":
            return iter(_agency_load(texts))
        return iter(_co_responsibility(texts))


# Listing rows are decoded in runs of about this many rows with the collector paused (`_streamed_rows`).
STREAM_CHUNK_ROWS = 20000


def _streamed_rows(texts: Iterable[str]) -> Iterator[list[str | None]]:
    """The rows of the plans' listing `texts`, in turn, decoded a run of plans at a time with
    the collector paused (`_collector_paused`) and given out after. The collector counts new
    row lists and goes over the young ones every 700: decoded one plan at a time (~77 rows),
    a listing of 770k rows set off ~1,100 young and ~7 full collections, the full ones over
    every row its consumer held so far (0.5 of 1.2 CPU-s for 770k rows kept in a list). Paused
    over ~20k rows, each run is gone over once when the collector runs again, and at most one
    run is held here: the listing still streams."""
    texts = iter(texts)
    exhausted = False
    while not exhausted:
        run: list[list[str | None]] = []
        with _collector_paused():
            for text in texts:
                run += _decode_table(text)
                if len(run) >= STREAM_CHUNK_ROWS:
                    break
            else:
                exhausted = True
        yield from run


_ENGINE_ORDER_QUERY = f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g <{DCTERMS}source> ?source }} }}"


def _engine_plan_order(store: ox.Store) -> list[str] | None:
    """The plan graphs in the order the engine meets them in a query that starts from
    `GRAPH ?g { ?g dcterms:source ?source ; pk:plan ?plan }` (framework_reuse.rq's plan: the
    source index's order, by Oxigraph's encoding of the source literal, not the text), found
    by evaluating that pattern (~7 ms at 1k plans). None when a graph has several sources (its
    rows would not come together). tests/graph/test_summary.py holds the whole rows equal."""
    graphs = [solution[0].value for solution in store.query(_ENGINE_ORDER_QUERY)]
    return graphs if len(set(graphs)) == len(graphs) else None


def _engine_ordered_tables(store: ox.Store, name: str) -> "_EngineOrderedTables | None":
    """Each plan's own rows of ENGINE_ORDERED query `name`, plans in the engine's order, decoded
    one plan at a time as the caller adds them up (every plan's decoded rows were held before,
    issue #24); None (the SPARQL answers) when that order is unknown or a plan has no summary of
    `name`. A plan graph that has not exactly one plan node or shares it with another graph (its
    counts would not add) ends the iteration with `combinable` False: the caller answers None."""
    order = _engine_plan_order(store)
    if order is None:
        return None
    texts = {q.subject.value: q.object.value
             for q in store.quads_for_pattern(None, rows_predicate(name), None, None)}
    if any(summary_graph(document_graph) not in texts for document_graph in order):
        return None
    return _EngineOrderedTables(order, texts)


class _EngineOrderedTables:
    """`_engine_ordered_tables`' plans, each summary text dropped once decoded."""

    def __init__(self, order: list[str], texts: dict[str, str]) -> None:
        self.order, self.texts, self.combinable = order, texts, True

    def __iter__(self) -> Iterator[list[list[str | None]]]:
        plans_seen: set[str] = set()
        for document_graph in self.order:
            plan = json.loads(self.texts.pop(summary_graph(document_graph)))
            if plan["plan"] is None or plan["plan"] in plans_seen:
                self.combinable = False
                return
            plans_seen.add(plan["plan"])
            yield plan["rows"]


def _framework_reuse(store: ox.Store) -> list[list[str | None]] | None:
    """queries/framework_reuse.rq over the whole corpus from each plan's own rows of it (grouped
    by framework, province and year already): plans in the engine's order; per group the plans
    and plans applying added up (one plan node per graph, no plan in two graphs, so the distinct
    counts add), the first bound framework title, level and kind (SAMPLE), the plans' sources in
    order of first appearance (GROUP_CONCAT DISTINCT); then its ORDER BY. None (the SPARQL
    answers) when a plan graph has not exactly one plan node or one source."""
    tables = _engine_ordered_tables(store, "framework_reuse")
    if tables is None:
        return None
    # columns: framework 0, framework_level 1, framework_kind 2, province 3, year 4, plans 5,
    #   plans_applying 6, sources 7, framework_iri 8, city 9
    groups: dict[tuple, list] = {}
    for table in tables:
        for row in table:
            key = (row[8], row[3], row[4], row[9])
            group = groups.get(key)
            if group is None:
                groups[key] = [*row[:5], int(row[5]), int(row[6]), {row[7]: None}, *row[8:]]
                continue
            for column in (0, 1, 2):
                if group[column] is None:
                    group[column] = row[column]
            group[5] += int(row[5])
            group[6] += int(row[6])
            group[7][row[7]] = None  # one source per plan graph: its GROUP_CONCAT is that source
    if not tables.combinable:
        return None
    rows = [[*group[:5], str(group[5]), str(group[6]), "; ".join(group[7]), *group[8:]] for group in groups.values()]
    rows.sort(key=lambda row: (-int(row[5]), _text_key(row[0]), _text_key(row[3]), _number_key(row[4])))
    return rows


def _plans_by_region(store: ox.Store) -> list[list[str | None]] | None:
    """queries/plans_by_region.rq over the whole corpus (no region) from each plan's own rows of
    it, plans in the engine's order: per province, code and level the plans added up, the
    jurisdictions, codes and sources in order of first appearance (each plan's lists split at the
    separator, which none of its values holds), MIN of the starts and MAX of the ends (unbound
    when one plan's is, as Oxigraph's MIN/MAX give for an unbound value); then ORDER BY
    ?province_code ?level. None (the SPARQL answers) as for `_framework_reuse`, or for a period
    that is not an integer."""
    tables = _engine_ordered_tables(store, "plans_by_region")
    if tables is None:
        return None
    # columns: province 0, province_code 1, level 2, plans 3, jurisdictions 4, codes 5,
    #   period_start 6, period_end 7, sources 8, region 9
    groups: dict[tuple, list] = {}
    unbound = object()
    for table in tables:
        for row in table:
            try:
                start = unbound if row[6] is None else (int(row[6]), row[6])  # compared as numbers
                end = unbound if row[7] is None else (int(row[7]), row[7])
            except ValueError:
                return None
            key = (row[0], row[1], row[2], row[9])
            group = groups.get(key)
            if group is None:
                groups[key] = [int(row[3]), *({v: None for v in row[c].split(_SEPARATOR)} for c in (4, 5, 8)),
                               start, end]
                continue
            group[0] += int(row[3])
            for lists, column in zip(group[1:4], (4, 5, 8)):
                lists.update(dict.fromkeys(row[column].split(_SEPARATOR)))
            group[4] = unbound if unbound in (group[4], start) else min(group[4], start)
            group[5] = unbound if unbound in (group[5], end) else max(group[5], end)
    if not tables.combinable:
        return None
    rows = []
    for (province, code, level, region), (plans, jurisdictions, codes, start, end, sources) in \
            ((key, (g[0], g[1], g[2], g[4], g[5], g[3])) for key, g in groups.items()):
        rows.append([province, code, level, str(plans), _SEPARATOR.join(jurisdictions), _SEPARATOR.join(codes),
                     None if start is unbound else start[1], None if end is unbound else end[1],
                     _SEPARATOR.join(sources), region])
    rows.sort(key=lambda row: (_text_key(row[1]), _text_key(row[2])))
    return rows


def _sorted_coverage(tables: Iterable[list[list[str | None]]]) -> list[list[str | None]]:
    """ORDER BY DESC(?uncovered_cues) ?source over the plans' rows (plans in source order: stable)."""
    rows = [row for table in tables for row in table]
    rows.sort(key=lambda row: (-int(row[5]), _text_key(row[0])))
    return rows


def _decoded_rows(texts: Iterable[str]) -> Iterator[list[str | None]]:
    for text in texts:
        yield from _decode_table(text)


def _sorted_coverage_run(rows: list[list[str | None]]) -> list[list[str | None]]:
    return _sorted_coverage([rows])


def _coverage_order(row: list[str | None]) -> tuple:
    """`_sorted_coverage`'s key."""
    return (-int(row[5]), _text_key(row[0]))


# Sorting as SPARQL ORDER BY does for these columns: unbound first, numbers as numbers.
def _text_key(value: str | None) -> tuple:
    return (0, "") if value is None else (1, value)


def _number_key(value: str | None) -> tuple:
    if value is None:
        return (0, 0.0, "")
    try:
        return (1, float(value), "")
    except ValueError:
        return (2, 0.0, value)


def _ranks(values: Iterable[str | None], key) -> dict:
    """Each distinct value -> its position in ORDER BY order; values the order holds equal (the
    numbers "2025" and "2025.0") share a rank, so their rows stay in the order they came."""
    ranks: dict = {}
    rank, previous = -1, object()
    for value in sorted(set(values), key=key):
        ordered_as = key(value)
        if ordered_as != previous:
            rank, previous = rank + 1, ordered_as
        ranks[value] = rank
    return ranks


def _sorted_target_comparison(tables: Iterable[list[list[str | None]]]) -> list[list[str | None]]:
    """ORDER BY ?indicator_id ?axis ?jurisdiction ?year ?source ?order: each plan's rows are in
    document order already, so a stable sort on the other keys gives the same order. Each key
    column's few distinct values are ranked once and a row's sort key is one integer made of its
    ranks (a tuple of strings per row made the sort most of the cost at 10k plans); the ranks
    are looked up and the rows sorted on them (numpy's stable lexsort) without a Python loop."""
    import numpy as np

    rows = list(chain.from_iterable(tables))
    if not rows:
        return rows
    # columns: indicator_id 0, jurisdiction 3, year 5, source 14, axis 17
    keys = []
    for column, sort_key in ((0, _text_key), (17, _text_key), (3, _text_key), (5, _number_key), (14, _text_key)):
        values = list(map(itemgetter(column), rows))
        ranks = _ranks(values, sort_key)
        keys.append(np.fromiter(map(ranks.__getitem__, values), dtype=np.int64, count=len(rows)))
    return _stably_sorted(rows, keys)


def _sorted_target_comparison_run(rows: list[list[str | None]]) -> list[list[str | None]]:
    return _sorted_target_comparison([rows])


def _target_comparison_order(row: list[str | None]) -> tuple:
    """`_sorted_target_comparison`'s ORDER BY keys of one row (its ranks follow their order)."""
    return (_text_key(row[0]), _text_key(row[17]), _text_key(row[3]), _number_key(row[5]), _text_key(row[14]))


# Adding up holds what the answer needs, not every plan: the plans are read one at a time and
# folded in every AGGREGATE_BATCH_PLANS plans (numpy over the batch's slots: a Python loop over
# the ~1.1 M per-plan pair rows at 10k plans took 2-3 CPU-s); an agency (pair) is numbered when it
# first appears, its counts are added up in arrays of the answer's size, and its labels are taken
# from the plan it first appears in while that plan is in the batch. Memory holds the answer's
# keys, counts and labels and one batch of plans; the corpus's every slot (~300k agency IRIs and
# ~1.1 M pairs at 10k plans, and every plan's labels) was held before (issue #24).
AGGREGATE_BATCH_PLANS = 256


def _added(totals, numbers, size: int, weights=None):
    """`totals` (int64, one per key so far) grown to `size` keys, plus the batch's per-key sums."""
    import numpy as np

    counted = np.bincount(numbers, weights=weights, minlength=size)
    if weights is not None:
        counted = counted.astype(np.int64)
    grown = np.zeros(size, dtype=np.int64)
    grown[:len(totals)] = totals
    return grown + counted


def _numbered(iris: list[str], number_of: dict[str, int], agencies: list[str]) -> list[int]:
    """Each agency IRI of a plan's summary as its number over the corpus so far (a new IRI gets the
    next one and is appended to `agencies`): the aggregates count by number, not by IRI."""
    numbers = []
    for iri in iris:
        number = number_of.get(iri)
        if number is None:
            number = number_of[iri] = len(agencies)
            agencies.append(iri)
        numbers.append(number)
    return numbers


def _agency_load(texts: Iterable[str]) -> list[list[str | None]]:
    """Per agency: measures led, supported and carried added over plans, plans counted; labels
    (name, English, type, category, jurisdiction) from the first plan that names it. Each plan
    names an agency once, so the counts are summed per agency (numbered in order of first
    appearance) with numpy over a batch of plans' slots (see AGGREGATE_BATCH_PLANS)."""
    import numpy as np

    number_of: dict[str, int] = {}
    agencies: list[str] = []
    variants: list[list] = []      # per agency, its label variants from its first plan
    counts = [np.zeros(0, dtype=np.int64) for _ in range(4)]  # led, supported, measures, plans
    batch: list[tuple[list[int], list[int], str, int]] = []

    def fold() -> None:
        slots = np.fromiter(chain.from_iterable(numbers for numbers, _, _, _ in batch), dtype=np.int64)
        per_slot = np.fromiter(chain.from_iterable(c for _, c, _, _ in batch), dtype=np.int64,
                               count=3 * len(slots)).reshape(-1, 3)
        size = len(agencies)
        for k in range(3):
            counts[k] = _added(counts[k], slots, size, per_slot[:, k])
        counts[3] = _added(counts[3], slots, size)
        for numbers, _, tail, first_new in batch:
            if first_new < 0:
                continue
            labels = json.loads(tail)
            for position, number in enumerate(numbers):
                if number >= first_new and number >= len(variants):
                    variants.append(labels[position])
        batch.clear()

    for text in texts:
        head, _, tail = text.partition("\n")
        plan = json.loads(head)
        known = len(agencies)
        numbers = _numbered(plan["a"], number_of, agencies)
        batch.append((numbers, plan["c"], tail if len(agencies) > known else "", known if len(agencies) > known else -1))
        if len(batch) >= AGGREGATE_BATCH_PLANS:
            fold()
    if batch:
        fold()
    if not agencies:
        return []
    rows = []
    keys: list[list[int]] = [[], []]
    for iri, labels, led_, supported_, measures_, plans_ in zip(
            agencies, variants, *(c.tolist() for c in counts)):
        for variant in labels:
            rows.append([*variant, str(led_), str(supported_), str(measures_), str(plans_), iri, None])
            keys[0].append(-led_)
            keys[1].append(-measures_)
    # ORDER BY DESC(?measures_led) DESC(?measures) ?agency, ties in the order made here
    return _stably_sorted(rows, [np.array(keys[0], dtype=np.int64), np.array(keys[1], dtype=np.int64),
                                 _rank_column(rows, 0)])


def _co_responsibility(texts: Iterable[str]) -> list[list[str | None]]:
    """Per agency pair: shared measures added over plans, plans counted; labels from the first
    plan that has the pair. The plans' packed (agency, agency, count) rows are added up with
    numpy a batch of plans at a time (see AGGREGATE_BATCH_PLANS): agencies numbered over the
    corpus, a pair numbered when it first appears (rows in plan order), its counts added in
    arrays of the answer's size and its labels taken from that plan."""
    import numpy as np

    agency_number: dict[str, int] = {}
    agencies: list[str] = []
    # the pairs so far, as keys (first agency << 32 | second) sorted, and each key's pair number
    known_keys = known_numbers = np.zeros(0, dtype=np.int64)
    pair_agencies: list[int] = []   # per pair, its two corpus agency numbers, flat
    pair_labels: list = []          # per pair, (labels a, labels b) to combine, or its variants
    shared = plans = np.zeros(0, dtype=np.int64)
    batch: list[tuple[list[int], object, str]] = []

    def fold() -> None:
        nonlocal shared, plans, known_keys, known_numbers
        sizes = [len(packed) for _, packed, _ in batch]
        flat = np.concatenate([packed for _, packed, _ in batch]).astype(np.int64)
        if not len(flat):
            batch.clear()
            return
        local_start = np.cumsum([0] + [len(local) for local, _, _ in batch[:-1]])
        corpus = np.fromiter(chain.from_iterable(local for local, _, _ in batch), dtype=np.int64)
        offset = np.repeat(local_start, sizes)
        first_agency, second_agency = corpus[flat[:, 0] + offset], corpus[flat[:, 1] + offset]
        keys, first, inverse = np.unique((first_agency << 32) | second_agency, return_index=True,
                                         return_inverse=True)
        where = np.searchsorted(known_keys, keys)
        found = where < len(known_keys)
        found[found] = known_keys[where[found]] == keys[found]
        numbers = np.empty(len(keys), dtype=np.int64)
        numbers[found] = known_numbers[where[found]]
        new = np.flatnonzero(~found)
        new = new[np.argsort(first[new], kind="stable")]   # numbered in order of first appearance
        numbers[new] = len(pair_labels) + np.arange(len(new))
        known_keys, known_numbers = np.concatenate((known_keys, keys[new])), np.concatenate((known_numbers, numbers[new]))
        resorted = np.argsort(known_keys, kind="stable")
        known_keys, known_numbers = known_keys[resorted], known_numbers[resorted]
        row_numbers = numbers[inverse.ravel()]
        size = len(pair_labels) + len(new)
        shared = _added(shared, row_numbers, size, flat[:, 2])
        plans = _added(plans, row_numbers, size)
        rows = first[new]   # each new pair's first row
        plan_of = np.repeat(np.arange(len(batch)), sizes)[rows]
        row_start = np.cumsum([0] + sizes[:-1])
        decoded: dict[int, dict] = {}
        for row, plan, a, b, agency_a, agency_b in zip(
                rows.tolist(), plan_of.tolist(), flat[rows, 0].tolist(), flat[rows, 1].tolist(),
                first_agency[rows].tolist(), second_agency[rows].tolist()):
            labels = decoded.get(plan)
            if labels is None:
                labels = decoded[plan] = json.loads(batch[plan][2])
            pair_agencies.extend((agency_a, agency_b))
            if "agencies" in labels:
                pair_labels.append((labels["agencies"][a], labels["agencies"][b]))
            else:
                pair_labels.append(labels["pairs"][row - row_start[plan]])
        batch.clear()

    for text in texts:
        head, _, tail = text.partition("\n")
        plan = json.loads(head)
        local = _numbered(plan["a"], agency_number, agencies)
        batch.append((local, np.frombuffer(base64.b64decode(plan["p"]), dtype="<i4").reshape(-1, 3), tail))
        if len(batch) >= AGGREGATE_BATCH_PLANS:
            fold()
    if batch:
        fold()
    if not pair_labels:
        return []
    rows = []
    totals = []
    for labels, total, count, a, b in zip(pair_labels, shared.tolist(), plans.tolist(), pair_agencies[0::2],
                                          pair_agencies[1::2]):
        iri_a, iri_b, total_text, count_text = agencies[a], agencies[b], str(total), str(count)
        if type(labels) is tuple:  # every label of agency a with every label of agency b
            if len(labels[0]) == 1 and len(labels[1]) == 1:
                rows.append([labels[0][0], labels[1][0], total_text, count_text, iri_a, iri_b, None])
                totals.append(-total)
                continue
            labels = [(x, y) for x in labels[0] for y in labels[1]]
        for label_a, label_b in labels:
            rows.append([label_a, label_b, total_text, count_text, iri_a, iri_b, None])
            totals.append(-total)
    # ORDER BY DESC(?shared_measures) ?agency_a ?agency_b, ties in the order made here
    return _stably_sorted(rows, [np.array(totals, dtype=np.int64), _rank_column(rows, 0), _rank_column(rows, 1)])


def _rank_column(rows: list[list[str | None]], column: int):
    """The ORDER BY rank (unbound first, then by code point) of each row's text in `column`, as a
    numpy array: the few distinct values are sorted once, the rows looked up in C."""
    import numpy as np

    values = list(map(itemgetter(column), rows))
    ranks = _ranks(values, _text_key)
    return np.fromiter(map(ranks.__getitem__, values), dtype=np.int64, count=len(values))


def _stably_sorted(rows: list, keys: list) -> list:
    """`rows` sorted on integer key arrays (the first the most significant), stable."""
    import numpy as np

    if not rows:
        return rows
    return list(map(rows.__getitem__, np.lexsort(keys[::-1]).tolist()))


def write_corpus_tables(store: ox.Store, names: Iterable[str] = SUMMARISED) -> int:
    """(Re)write the corpus table of each query of `names` the summaries answer (graph/build.py,
    after the plans and their summaries), unless every one is current already: the old tables
    are removed first (one transaction), then each query's table is written chunk by chunk, its
    head last (`_write_table`). RETURNS the number of tables written."""
    names = list(names)
    if corpus_tables_current(store, names):
        return 0
    drop_corpus_tables(store)
    # the plans and their order once, not per query
    documents = {g.removeprefix(DOCUMENT_GRAPH_PREFIX) for g in document_graphs(store)}
    order = _source_order(store)
    flushes = table_write_buffers()  # Oxigraph's write buffers flushed as the tables fill them (corpus_tables.py)
    written = 0
    for name in names:
        summarised = {node.removeprefix(SUMMARY_GRAPH_PREFIX) for node in _stamped(store, name)}
        rows = (_rows_from_summaries(store, name, scanned=False, order=order, streamed=True)
                if documents and documents == summarised else None)
        if rows is None:
            continue
        _write_table(store, name, rows, flushes=flushes)
        written += 1
    if written:
        write_city_index(store)
        flushes.flush(store)  # what follows in the build starts without the tables' buffers
    return written


__all__ = ["corpus_rows", "summary_rows", "write_corpus_tables"]
