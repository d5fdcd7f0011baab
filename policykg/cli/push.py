"""`policykg push`: send every graph of the store to a SPARQL Graph Store Protocol endpoint
(graph/gsp.py does the work; docs/scale.md lists endpoints of common stores)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._util import StoreOpt, app, handle_errors, store_path


@app.command("push")
@handle_errors
def push_cli(
    endpoint: str = typer.Option(..., "--endpoint", "-e", metavar="URL",
                                 help="Graph Store Protocol URL, e.g. http://host:7878/store."),
    store: Optional[Path] = StoreOpt,
    auth: Optional[str] = typer.Option(None, "--auth", metavar="USER:PASS",
                                       envvar="POLICYKG_PUSH_AUTH", show_envvar=False,
                                       help="HTTP Basic credentials (or $POLICYKG_PUSH_AUTH)."),
) -> None:
    """PUT each plan's graph (and the vocabularies) to a remote store; re-running replaces them.

    Example: policykg push --endpoint http://127.0.0.1:7878/store --store out/store
    """
    from policykg.graph.gsp import push_store
    from policykg.graph.store import Store

    with Store.open(store_path(store)) as db:
        report = push_store(db, endpoint, auth=auth)
    retried = f" ({report.retries} retries)" if report.retries else ""
    typer.echo(f"pushed {report.graphs} graphs, {report.triples} triples to {endpoint}{retried}",
               err=True)
