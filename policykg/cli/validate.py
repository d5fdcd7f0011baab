"""`policykg validate`: check the store against the SHACL shapes (graph/validate.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._util import StoreOpt, app, handle_errors, store_path, write_out


@app.command("validate")
@handle_errors
def validate_cli(store: Optional[Path] = StoreOpt) -> None:
    """Check the store against the SHACL shapes; one line per violation, exit 1 if any."""
    from policykg.graph.store import Store

    with Store.open(store_path(store)) as db:
        from policykg.graph.validate import validate_store

        report = validate_store(db.raw)
    text = report.format_text()
    if text:
        write_out(text if text.endswith("\n") else text + "\n")
    if not report.conforms:
        typer.echo(f"the store does not conform: {len(report.violations)} violation(s)", err=True)
        raise typer.Exit(1)
