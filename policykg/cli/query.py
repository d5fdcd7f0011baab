"""`policykg query`: run a named query or a .rq file and print the rows (policykg/render.py)."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Optional

import typer

from ._util import (FORMATS, EndpointOpt, StoreOpt, app, handle_errors, open_reader, parse_params,
                    warn, warn_if_analysis_stale, write_out)

DEFAULT_TIMEOUT = 120.0


@app.command("query")
@handle_errors
def query_cli(
    name: str = typer.Argument(..., metavar="NAME|FILE.rq",
                               help="A named query (see `policykg queries`) or a .rq file."),
    store: Optional[Path] = StoreOpt,
    endpoint: Optional[str] = EndpointOpt,
    param: Optional[list[str]] = typer.Option(None, "--param", "-p", metavar="NAME=VALUE",
                                              help="Bind a query parameter; repeatable."),
    format: str = typer.Option("table", "--format", "-f", metavar="|".join(FORMATS),
                               help="Output format: table, csv, json or tsv."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, metavar="N",
                                        help="Print at most N rows (default: all)."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, "--timeout", min=0.001, metavar="S",
                                  help="Give up after S seconds."),
) -> None:
    """Run a named SPARQL query and print its rows (data on stdout).

    Example: policykg query responsibilities --param role=lead --format csv > r.csv
    """
    from policykg.queries import load_query
    from policykg.render import RENDERERS

    if format not in RENDERERS:
        raise _bad_format(format)
    named = load_query(name)          # a bad name fails before the store is opened
    params = parse_params(param)
    with open_reader(store, endpoint, timeout=timeout) as db:
        if format in ("csv", "tsv") and hasattr(db, "raw"):  # a local store: rows as they come
            _stream_delimited(db.raw, named, params, "," if format == "csv" else "\t", limit, timeout)
            warn_if_analysis_stale(db, named.sparql)
            return
        results = db.run_query(named, params, limit=limit, timeout=timeout)
        warn_if_analysis_stale(db, named.sparql)
    if format == "table" and sys.stdout.isatty():  # fit the terminal; piped tables stay whole
        from policykg.render import render_table

        text = render_table(results.columns, results.rows, width=shutil.get_terminal_size().columns)
    else:
        text = RENDERERS[format](results.columns, results.rows)
    write_out(text)
    if results.truncated:
        warn(f"showing the first {len(results.rows)} rows; raise --limit for more")


def _stream_delimited(raw, named, params: dict[str, str], delimiter: str, limit: Optional[int],
                      timeout: float) -> None:
    """CSV/TSV written row by row as the engine (or the plans' summaries) produce them, so a
    whole-corpus listing of a million rows is never held in memory; the same bytes as
    policykg/render.py. Runs in one thread under the time limit (pyoxigraph's results must be
    read by the thread that made them); past the limit the rows written so far stay written."""
    import codecs
    import csv

    from policykg.graph.store import call_with_timeout
    from policykg.queries import iter_query

    def stream() -> int | None:
        columns, rows = iter_query(raw, named, params)
        sys.stdout.flush()
        out = codecs.getwriter("utf-8")(getattr(sys.stdout, "buffer", sys.stdout))
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(columns)
        written = 0
        for row in rows:
            if limit is not None and written >= limit:
                out.flush()
                return written
            writer.writerow(["" if v is None else v for v in row])
            written += 1
        out.flush()
        return None

    truncated_at = call_with_timeout(stream, timeout)
    if truncated_at is not None:
        warn(f"showing the first {truncated_at} rows; raise --limit for more")


def _bad_format(value: str) -> Exception:
    from policykg.errors import PolicyKGError

    return PolicyKGError(f"unknown --format {value!r}; choose one of {', '.join(FORMATS)}")
