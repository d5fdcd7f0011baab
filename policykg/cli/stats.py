"""`policykg stats`: what the store holds (graph/store.py: Store.stats)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._util import StoreOpt, app, handle_errors, store_path, warn_if_analysis_stale, write_out


@app.command("stats")
@handle_errors
def stats_cli(
    store: Optional[Path] = StoreOpt,
    json_: bool = typer.Option(False, "--json", help="Print the counts as one JSON object."),
) -> None:
    """Count plans, measures, assignments, agencies, citations, targets, people and triples."""
    import json

    from policykg.graph.store import Store

    with Store.open(store_path(store)) as db:
        counts = db.stats()
        warn_if_analysis_stale(db)
    if json_:
        write_out(json.dumps(counts, ensure_ascii=False, indent=2) + "\n")
        return
    width = max(len(k) for k in counts)
    write_out("".join(f"{k.replace('_', ' '):<{width}}  {v}\n" for k, v in counts.items()))
