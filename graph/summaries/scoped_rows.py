"""The rows of a summarised query for one `city` or `source` (`SCOPE_PARAMS`), from the summaries
of exactly the plans the restriction line would select (plan_selection.py), combined as for the
whole corpus (corpus_rows.py), the parameter's column set to its value (the engine substitutes the
projected variable). `target_comparison`'s `indicator` filters its rows. None (full SPARQL) when a
candidate plan has no current summary or its city is undecided. The analysis queries (`ANALYSED`)
are answered per city or source by analysis_scope.py instead.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from .corpus_rows import _combined, _plan_texts_scanned, _sorted_target_comparison
from .corpus_tables import table_rows
from .plan_selection import UNDECIDED, _indexed_city_plans, _selected_plans
from .summary_format import SCOPE_PARAMS, _named, rows_predicate, summaries_complete
from .table_codec import _decode_table


def scoped_rows(store: ox.Store, name: str, params: dict[str, str]) -> Iterator[list[str | None]] | None:
    """The rows of summarised query `name` with parameters `params` (values given, non-empty)
    from the summaries of exactly the plans the parameters select, or None when the summaries
    cannot answer (a parameter they do not model, a candidate plan without a current summary,
    a plan whose city the summary cannot decide): the caller then runs the full SPARQL.

    Plans are selected as the restriction lines do, by index lookups: `source` = the plan graphs
    `?g` with `?g dcterms:source "value"`; `city` = the plan graphs holding a label "value"@zh
    (every graph where the `#[city]` path could match), kept when the plan's jurisdiction has
    that label (its summary's `pksum:cities`). The rows are theirs, combined as for the whole
    corpus, with each parameter's column set to its value (the engine substitutes it). (The
    analysis queries, `ANALYSED`, have no summaries: analysis_scope.py `scoped_rows`.)"""
    scope = SCOPE_PARAMS.get(name, ())
    if not params or any(key not in scope for key in params):
        return None
    if name == "target_comparison":
        return _indicator_rows(store, params["indicator"])
    keyed = (_indexed_city_plans(store, name, params["city"]) if set(params) == {"city"} else None)
    if keyed is UNDECIDED:  # recorded undecided by the city index: the lookups would say so again
        return None
    if keyed is None:
        keyed = _selected_plans(store, name, params.get("source"), params.get("city"))
    if keyed is None:
        return None
    columns = _param_columns(name)
    fixed = [(columns[key], value) for key, value in params.items()]

    def scoped(rows: Iterable[list[str | None]]) -> Iterator[list[str | None]]:
        for row in rows:
            for column, value in fixed:
                row[column] = value
            yield row

    predicate = rows_predicate(name)

    def texts() -> Iterator[str]:
        for _, subject in keyed:
            node = ox.NamedNode(subject)
            for quad in store.quads_for_pattern(node, predicate, None, node):
                yield quad.object.value

    return scoped(_combined(name, texts()))


def _param_columns(name: str) -> dict[str, int]:
    columns = _named(name).columns
    return {param: columns.index(param) for param in SCOPE_PARAMS[name]}


def _indicator_rows(store: ox.Store, indicator: str) -> Iterator[list[str | None]] | None:
    """target_comparison for one indicator: the rows whose notation or zh label is `indicator`
    (the query's FILTER), its `indicator` column set to the value, in the ORDER BY: from the
    corpus table when current (in that order already, so the filtered rows keep it), else from
    the plans' summaries, sorted (a stable sort: the same order either way)."""
    table = table_rows(store, "target_comparison")
    if table is not None:
        chosen = [row for row in table if row[0] == indicator or row[1] == indicator]
    elif not summaries_complete(store, "target_comparison"):
        return None
    else:
        rows = (row for text in _plan_texts_scanned(store, "target_comparison") for row in _decode_table(text)
                if row[0] == indicator or row[1] == indicator)
        chosen = _sorted_target_comparison([list(rows)])
    column = _param_columns("target_comparison")["indicator"]
    for row in chosen:
        row[column] = indicator
    return iter(chosen)


__all__ = ["scoped_rows"]
