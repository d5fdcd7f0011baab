"""Output formats for query results, shared by `policykg query --format` and the web app.

`RENDERERS[name](columns, rows) -> str`; `MEDIA_TYPES[name]` is what the web serves it as. Adding a
format is one entry here (STYLE.md §8), and CLI and web stay byte-identical. Rows hold plain
strings or None (graph/store.py: Results); None renders as an empty cell / JSON null.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence

Row = Sequence[str | None]
Renderer = Callable[[Sequence[str], Sequence[Row]], str]


def render_csv(columns: Sequence[str], rows: Sequence[Row]) -> str:
    """RFC 4180 CSV: header row = the columns, `\\n` line ends, UTF-8 text (no BOM)."""
    return _delimited(columns, rows, ",")


def render_tsv(columns: Sequence[str], rows: Sequence[Row]) -> str:
    """Tab-separated; a value holding a tab, newline or quote is quoted as in CSV, which
    pandas `read_csv(sep="\\t")` and R `read.delim` read back."""
    return _delimited(columns, rows, "\t")


def render_json(columns: Sequence[str], rows: Sequence[Row]) -> str:
    """A list of objects keyed by column, non-ASCII kept as it is."""
    records = [dict(zip(columns, row)) for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def render_table(columns: Sequence[str], rows: Sequence[Row], *, width: int | None = None) -> str:
    """A text table (rich); CJK characters count as two cells. Cells are cut (…) only to fit
    `width` (the CLI passes the terminal's width); by default nothing is cut."""
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, show_lines=False, highlight=False)
    for row in rows:
        table.add_row(*("" if v is None else v for v in row))
    out = io.StringIO()
    console = Console(file=out, width=width or _UNLIMITED_WIDTH, color_system=None, force_terminal=False,
                      emoji=False, highlight=False, markup=False)
    console.print(table)
    return out.getvalue()


_UNLIMITED_WIDTH = 100_000


def _delimited(columns: Sequence[str], rows: Sequence[Row], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue()


RENDERERS: dict[str, Renderer] = {
    "csv": render_csv,
    "tsv": render_tsv,
    "json": render_json,
    "table": render_table,
}

MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "table": "text/plain; charset=utf-8",
}
