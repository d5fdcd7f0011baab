"""`policykg queries`: list the named queries with their titles and parameters."""
from __future__ import annotations

import typer

from ._util import app, handle_errors


@app.command("queries")
@handle_errors
def queries_cli() -> None:
    """List the named queries: name, title and parameters (optional ones end in ?)."""
    from policykg.queries import list_queries

    named = list_queries()
    width = max((len(q.name) for q in named), default=0)
    for q in named:
        params = ", ".join(p.name + ("?" if p.optional else "") for p in q.params)
        line = f"{q.name:<{width}}  {q.title}"
        if params:
            line += f"  [params: {params}]"
        typer.echo(line)
