"""`policykg dump` and `policykg restore`: the whole store to one N-Quads/TriG file and back
(graph/bulk.py does the work; docs/scale.md says where such a file can go)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._util import StoreOpt, app, handle_errors, store_path


@app.command("dump")
@handle_errors
def dump_cli(
    store: Optional[Path] = StoreOpt,
    format: Optional[str] = typer.Option(None, "--format", "-f", metavar="nq|trig",
                                         help="nq (N-Quads) or trig; default: from --out's suffix, else nq."),
    out: str = typer.Option(..., "--out", "-o", metavar="FILE", help="File to write; - for stdout."),
) -> None:
    """Write every graph of the store (plans and vocabularies) to one N-Quads or TriG file.

    Example: policykg dump --store out/store --format nq --out corpus.nq
    """
    import sys

    from policykg.graph.bulk import dump_format, dump_store
    from policykg.graph.store import Store

    chosen = dump_format(format, None if out == "-" else out)
    with Store.open(store_path(store)) as db:
        if out == "-":
            sys.stdout.flush()
            dump_store(db, sys.stdout.buffer, chosen)
            sys.stdout.buffer.flush()
        else:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            dump_store(db, out, chosen)
            typer.echo(f"dumped {len(db)} quads in {sum(1 for _ in db.raw.named_graphs())} graphs "
                       f"to {out}", err=True)


@app.command("restore")
@handle_errors
def restore_cli(
    dump: Path = typer.Argument(..., metavar="FILE", help="A dump made by `policykg dump` (.nq or .trig)."),
    store: Optional[Path] = StoreOpt,
    format: Optional[str] = typer.Option(None, "--format", "-f", metavar="nq|trig",
                                         help="nq or trig; default: from the file's suffix."),
) -> None:
    """Rebuild a store from a dump, into a new or empty store (bulk load, not transactional).

    Example: policykg restore corpus.nq --store out/store2
    """
    from policykg.graph.bulk import restore_dump
    from policykg.graph.store import Store

    folder = store_path(store)
    with Store.open(folder, create=True) as db:
        count = restore_dump(dump, db, format)
    typer.echo(f"restored {count} quads into {folder}", err=True)
