"""`policykg search`: full-text search over the index beside the store (graph/search_index.py).

The index is written by `policykg build`; `--reindex` rebuilds it from the store (a store built
before the index existed, or after plans were removed by other means).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._util import FORMATS, StoreOpt, app, handle_errors, store_path, warn, write_out

COLUMNS = ["kind", "source", "number", "title", "snippet", "iri"]


@app.command("search")
@handle_errors
def search_cli(
    query: Optional[str] = typer.Argument(None, metavar="QUERY",
                                          help="Words to find (all must occur); 3+ characters use the index."),
    store: Optional[Path] = StoreOpt,
    kind: Optional[str] = typer.Option(None, "--kind", "-k", metavar="KIND",
                                       help="Only measure, plan, target or agency hits."),
    format_: str = typer.Option("table", "--format", "-f", metavar="FORMAT",
                                help=f"Output: {' | '.join(FORMATS)}."),
    limit: int = typer.Option(20, "--limit", "-n", metavar="N", min=1, help="Hits to show (at most 500)."),
    reindex: bool = typer.Option(False, "--reindex", help="Rebuild the index from the store first."),
) -> None:
    """Find measures, plans, agencies and targets by a phrase of their text (Chinese or not).

    Example: policykg search 质押融资 --kind measure
    """
    from policykg.errors import PolicyKGError
    from policykg.graph.search_index import plans_out_of_step, rebuild, search, search_index_path
    from policykg.graph.store import Store
    from policykg.render import RENDERERS

    if format_ not in FORMATS:
        raise PolicyKGError(f"--format is one of {', '.join(FORMATS)}, not {format_!r}")
    folder = store_path(store)
    if reindex:
        with Store.open(folder) as db:
            count = rebuild(db)
        typer.echo(f"indexed {count} plans into {search_index_path(folder)}", err=True)
    if not query:
        if not reindex:
            raise PolicyKGError("give a QUERY (or --reindex)")
        return
    with Store.open(folder) as db:  # the usual "no store at ..." error when there is none
        results = search(search_index_path(folder), query, kind=kind, limit=limit)
        behind = plans_out_of_step(db)
    if behind:
        warn(f"the search index is out of step with the store for {behind} plans; "
             "run `policykg search --reindex`")
    marks = ("", "") if format_ != "table" else ("[", "]")
    rows = [[h.kind, h.source, h.number, _flat(h.title, marks), _flat(h.snippet, marks), h.iri]
            for h in results.hits]
    write_out(RENDERERS[format_](COLUMNS, rows))
    if format_ == "table":
        counts = ", ".join(f"{n} {k}" for k, n in sorted(results.counts.items()))
        typer.echo(f"{results.total} matches ({counts or 'none'}); showing {len(rows)}", err=True)


def _flat(text: str, marks: tuple[str, str]) -> str:
    from policykg.graph.search_index import MARK_END, MARK_START

    return " ".join(text.replace(MARK_START, marks[0]).replace(MARK_END, marks[1]).split())
