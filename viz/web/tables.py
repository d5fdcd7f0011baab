"""Every table of the web app sorts, filters, facets and pages the same way, without JavaScript.

A researcher coming from datasette expects each table to be a view controlled by its URL:
`_sort=col` / `_sort_desc=col`, `_search=text` (a substring of any cell), `col=value` (equality
on a column, which facet links set), `_facet=col` (show that column's value counts), `_page=N`
and `_size=N`. `table_view` turns the complete rows plus those parameters into one page and the
links that change it; `view_rows` gives the same rows unpaged for a download, which holds every
row of the view or says inside the file where a hard cap cut it (`render_download`).

Rows are lists of cells of any kind the pages show: plain strings (graph/store.py Results),
`NumberText` (a numeric typed literal kept as the CLI prints it, with its value), or pyoxigraph
terms (SPARQL answers). Numbers sort as numbers, other text by its string (CJK by code point).
"""
from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from policykg.queries import NUMERIC_DATATYPES, NumberText
from policykg.queries import parse_number as _parse_number

from .i18n import gettext as _

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
MAX_FACET_VALUES = 30
TABLE_PARAMS = frozenset({"_sort", "_sort_desc", "_search", "_facet", "_page", "_size"})
# parameters that belong to the app, never to a table's column filters
APP_PARAMS = frozenset({"lang", "_submit"})


def cell_text(value: Any) -> str:
    """The text a filter matches and a facet counts: IRIs and literals by their value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, ox.BlankNode):
        return f"_:{value.value}"
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return value.value
    return str(value)


def cell_number(value: Any) -> int | float | None:
    """A cell's number when it is typed as one (NumberText, a numeric literal), else None."""
    if isinstance(value, NumberText):
        return value.number
    if isinstance(value, ox.Literal) and value.datatype.value in NUMERIC_DATATYPES:
        return _parse_number(value.value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return None


@dataclass(frozen=True)
class TableRequest:
    """What the URL asks of a table. filters: column -> the exact text its cells must have."""

    sort: str | None = None
    descending: bool = False
    search: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    facets: tuple[str, ...] = ()
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE

    @classmethod
    def from_params(cls, items: Iterable[tuple[str, str]], columns: Sequence[str], *,
                    reserved: Iterable[str] = ()) -> "TableRequest":
        """Read the table parameters from the query string's (key, value) pairs. A column name
        is a filter unless `reserved` holds it (a saved query's own parameter); unknown keys are
        left to the caller, empty values mean "not given"."""
        skip = set(reserved) | APP_PARAMS
        sort, descending, search, page, size = None, False, "", 1, DEFAULT_PAGE_SIZE
        filters: dict[str, str] = {}
        facets: list[str] = []
        for key, value in items:
            if key == "_sort" and value in columns:
                sort, descending = value, False
            elif key == "_sort_desc" and value in columns:
                sort, descending = value, True
            elif key == "_search":
                search = value.strip()
            elif key == "_facet" and value in columns and value not in facets:
                facets.append(value)
            elif key == "_page":
                page = max(1, _whole(value, 1))
            elif key == "_size":
                size = min(MAX_PAGE_SIZE, max(1, _whole(value, DEFAULT_PAGE_SIZE)))
            elif key in columns and key not in skip and value != "":
                filters[key] = value
        return cls(sort, descending, search, tuple(filters.items()), tuple(facets), page, size)


def _whole(text: str, default: int) -> int:
    return int(text) if text.strip().isdigit() else default


def unknown_params(items: Iterable[tuple[str, str]], allowed: Iterable[str]) -> list[str]:
    """The query-string keys that are neither table parameters, app parameters nor `allowed`."""
    known = TABLE_PARAMS | APP_PARAMS | set(allowed)
    return sorted({key for key, _value in items if key not in known})


def view_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]],
              request: TableRequest) -> list[Sequence[Any]]:
    """Every row of the view the request asks for (filtered, searched, sorted), unpaged."""
    index = {name: i for i, name in enumerate(columns)}
    kept: Iterable[Sequence[Any]] = rows
    for column, wanted in request.filters:
        i = index[column]
        kept = [row for row in kept if cell_text(row[i]) == wanted]
    if request.search:
        needle = request.search.casefold()
        kept = [row for row in kept if any(needle in cell_text(v).casefold() for v in row)]
    kept = list(kept)
    if request.sort is not None and request.sort in index:
        kept = sort_rows(kept, index[request.sort], request.descending)
    return kept


def sort_rows(rows: Sequence[Sequence[Any]], column: int, descending: bool) -> list[Sequence[Any]]:
    """Rows sorted on one column: numbers as numbers before text, text by its string, empty
    cells last in either direction. A column whose every cell reads as a number (plain strings
    from a store without types) sorts numerically too. The sort is stable."""
    texts = [cell_text(row[column]) for row in rows]
    plain_numeric = bool(texts) and all(
        _parse_number(t) is not None for t in texts if t != "") and any(t != "" for t in texts)

    def key(row: Sequence[Any]) -> tuple[int, float, str]:
        value = row[column]
        text = cell_text(value)
        number = cell_number(value)
        if number is None and plain_numeric and text:
            number = _parse_number(text)
        if number is not None:
            return (0, float(number), "")
        return (1, 0.0, text)

    filled = [row for row in rows if cell_text(row[column]) != ""]
    empty = [row for row in rows if cell_text(row[column]) == ""]
    return sorted(filled, key=key, reverse=descending) + empty


@dataclass
class FacetValue:
    value: str
    count: int
    url: str
    selected: bool


@dataclass
class Facet:
    column: str
    values: list[FacetValue]
    more: int = 0  # distinct values not listed


@dataclass
class SortLink:
    column: str
    url: str
    state: str  # "asc", "desc" or ""


@dataclass
class Table:
    """One page of a table view, with every link that changes the view."""

    columns: list[str]
    rows: list[Sequence[Any]]
    total: int                 # rows of the view (after filters)
    rows_total: int            # rows before filters
    first: int                 # 1-based number of the first row shown (0 when none)
    last: int
    page: int
    pages: int
    request: TableRequest
    sort_links: list[SortLink]
    facets: list[Facet]
    filters: list[tuple[str, str, str]]  # (column, value, url without it)
    previous_url: str | None
    next_url: str | None
    page_links: list[tuple[int, str | None]] = field(default_factory=list)  # (page, url or None=current)
    hidden: list[tuple[str, str]] = field(default_factory=list)  # what the search form keeps
    downloads: dict[str, str] = field(default_factory=dict)
    truncated: bool = False    # the rows themselves were cut before the table saw them
    path: str = ""

    def url(self, **changes: Any) -> str:
        """This view's URL with `changes` (see `_url`)."""
        return _url(self.path, self._items, changes)

    def record(self, row: Sequence[Any]) -> dict[str, Any]:
        """column -> value of one row (templates draw a cell from its row's other cells)."""
        return dict(zip(self.columns, row))

    _items: list[tuple[str, str]] = field(default_factory=list, repr=False)


def _url(path: str, items: Sequence[tuple[str, str]], changes: Mapping[str, Any]) -> str:
    """`path` with the query `items`, where each key of `changes` is replaced by its value (None:
    removed, a list: repeated). Changing anything but the page goes back to page 1."""
    drop = set(changes) | ({"_page"} if "_page" not in changes else set())
    if "_sort" in changes or "_sort_desc" in changes:
        drop |= {"_sort", "_sort_desc"}
    kept = [(k, v) for k, v in items if k not in drop]
    for key, value in changes.items():
        if value is None:
            continue
        for one in value if isinstance(value, (list, tuple)) else [value]:
            kept.append((key, str(one)))
    return path + ("?" + urlencode(kept) if kept else "")


def table_view(columns: Sequence[str], rows: Sequence[Sequence[Any]], items: Sequence[tuple[str, str]],
               *, path: str, request: TableRequest | None = None, facets: Sequence[str] = (),
               downloads: Mapping[str, str] | None = None, truncated: bool = False) -> Table:
    """One page of `rows` as the query string `items` asks (see the module docstring).

    path: the page's own path (links keep its other parameters, such as a saved query's).
    facets: columns whose value counts are always shown (more come from `_facet=`).
    downloads: format -> the download path of this table (the view's parameters, not the page,
        are appended), e.g. {"csv": "/plans/.csv"}.
    truncated: the caller's rows were already cut by a cap (the page says so).
    """
    items = [(k, v) for k, v in items if k != "lang"]
    request = request or TableRequest.from_params(items, columns)
    selected = view_rows(columns, rows, request)
    total = len(selected)
    pages = max(1, math.ceil(total / request.size))
    page = min(request.page, pages)
    start = (page - 1) * request.size
    shown = selected[start:start + request.size]

    def link(**changes: Any) -> str:
        return _url(path, items, changes)

    sort_links = []
    for column in columns:
        state = ("desc" if request.descending else "asc") if request.sort == column else ""
        url = link(_sort_desc=column) if state == "asc" else link(_sort=column)
        sort_links.append(SortLink(column, url, state))
    filters = [(column, value, link(**{column: None})) for column, value in request.filters]
    facet_columns = list(dict.fromkeys([*facets, *request.facets]))
    facet_list = [_facet(columns, rows, request, column, link) for column in facet_columns
                  if column in columns]
    page_links = [(n, None if n == page else link(_page=n)) for n in _page_numbers(page, pages)]
    hidden = [(k, v) for k, v in items if k not in ("_search", "_page")]
    download_query = [(k, v) for k, v in items
                      if v != "" and k not in ("_page", "_size", "_facet", "_submit")]
    table = Table(
        columns=list(columns), rows=list(shown), total=total, rows_total=len(rows),
        first=start + 1 if shown else 0, last=start + len(shown), page=page, pages=pages,
        request=request, sort_links=sort_links, facets=facet_list, filters=filters,
        previous_url=link(_page=page - 1) if page > 1 else None,
        next_url=link(_page=page + 1) if page < pages else None,
        page_links=page_links, hidden=hidden,
        downloads={name: base + ("?" + urlencode(download_query) if download_query else "")
                   for name, base in (downloads or {}).items()},
        truncated=truncated, path=path)
    table._items = list(items)
    return table


def _facet(columns: Sequence[str], rows: Sequence[Sequence[Any]], request: TableRequest,
           column: str, link: Any) -> Facet:
    """The value counts of `column` over the rows the other filters and the search keep."""
    others = TableRequest(search=request.search,
                          filters=tuple((c, v) for c, v in request.filters if c != column))
    index = columns.index(column)
    counts = Counter(cell_text(row[index]) for row in view_rows(columns, rows, others))
    counts.pop("", None)
    chosen = dict(request.filters).get(column)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    listed = ordered[:MAX_FACET_VALUES]
    if chosen is not None and chosen not in dict(listed):
        listed.append((chosen, counts.get(chosen, 0)))
    values = [FacetValue(value, count,
                         link(**{column: None}) if value == chosen else link(**{column: value}),
                         value == chosen) for value, count in listed]
    return Facet(column, values, more=max(0, len(ordered) - MAX_FACET_VALUES))


def _page_numbers(page: int, pages: int) -> list[int]:
    """First, last and the pages around the current one."""
    wanted = {1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)}
    return sorted(wanted)


# -- downloads ------------------------------------------------------------------------------------


def render_download(fmt: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                    max_rows: int | None) -> tuple[bytes, bool]:
    """The file of a table view in `fmt` (csv, tsv, json): every row, unless more than `max_rows`
    exist, when the file keeps the first `max_rows` and says so itself: a last CSV/TSV row
    starting `# truncated` and naming the total, or JSON `{"truncated": true, "rows_total": N,
    "rows": [...]}` (uncut JSON is the plain list of objects). JSON numbers are numbers.
    RETURNS (bytes, truncated)."""
    from policykg.render import RENDERERS

    truncated = max_rows is not None and len(rows) > max_rows
    kept = rows[:max_rows] if truncated else rows
    text_rows = [[None if v is None else cell_text(v) for v in row] for row in kept]
    if fmt == "json":
        records = [{c: _json_value(v) for c, v in zip(columns, row)} for row in kept]
        body: Any = records
        if truncated:
            body = {"truncated": True, "rows_total": len(rows), "rows_kept": len(kept),
                    "max_rows": max_rows, "rows": records}
        return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), truncated
    text = RENDERERS[fmt](list(columns), text_rows)
    if truncated:
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
        writer.writerow([f"# truncated: {len(kept)} of {len(rows)} rows "
                         f"(policykg serve --max-rows {max_rows})"])
        text += out.getvalue()
    return text.encode("utf-8"), truncated


def _json_value(value: Any) -> Any:
    number = cell_number(value)
    if number is not None:
        return number
    return None if value is None else cell_text(value)


def row_count_text(table: Table) -> str:
    """"rows a–b of N" in the request's language (the pager's caption)."""
    if table.total == 0:
        return _("no rows")
    text = _("rows {first}–{last} of {total}", first=table.first, last=table.last, total=table.total)
    if table.total != table.rows_total:
        text += " " + _("(filtered from {n})", n=table.rows_total)
    return text
