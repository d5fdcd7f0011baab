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

    Written under a temporary name, renamed when complete; the last line records
    the quad count and a SHA-256 that `restore` checks.

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
            count = dump_store(db, out, chosen)
            typer.echo(f"dumped {count} quads in {sum(1 for _ in db.raw.named_graphs())} graphs "
                       f"to {out}", err=True)


@app.command("restore")
@handle_errors
def restore_cli(
    dump: Path = typer.Argument(..., metavar="FILE", help="A dump made by `policykg dump` (.nq or .trig)."),
    store: Optional[Path] = StoreOpt,
    format: Optional[str] = typer.Option(None, "--format", "-f", metavar="nq|trig",
                                         help="nq or trig; default: from the file's suffix."),
    verify: bool = typer.Option(True, "--verify/--no-verify",
                                help="Check the dump's end line (quad count, SHA-256) first; "
                                     "--no-verify for N-Quads/TriG not made by `policykg dump`."),
) -> None:
    """Rebuild a store from a dump, into a new or empty store (bulk load, not transactional).

    A dump that was cut short or damaged is refused before the store is touched.

    Example: policykg restore corpus.nq --store out/store2
    """
    from policykg.graph.bulk import restore_dump, verify_dump
    from policykg.graph.store import Store

    folder = store_path(store)
    # checked before the store is opened: a refused dump leaves no new store folder behind
    checked = verify_dump(dump) if verify else None
    with Store.open(folder, create=True) as db:
        count = restore_dump(dump, db, format, verify=verify, checked=checked)
    typer.echo(f"restored {count} quads into {folder}", err=True)
