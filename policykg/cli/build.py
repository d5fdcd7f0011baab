"""`policykg build`: ingest plan files and folders into the store (graph/build.py does the work)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._util import StoreOpt, analysis_staleness, app, err_console, fail, handle_errors, store_path, warn


@app.command("build")
@handle_errors
def build_cli(
    paths: list[str] = typer.Argument(..., metavar="PATH",
                                      help="Plan files, folders (walked recursively) or globs."),
    store: Optional[Path] = StoreOpt,
    workers: Optional[int] = typer.Option(
        None, "--workers", "-w", metavar="N", min=1,
        help="Extraction processes (default: one per CPU when there are 8 files or more)."),
    batch: int = typer.Option(1, "--batch", metavar="N", min=1,
                              help="Documents per write transaction (fewer commits; default 1)."),
    bulk: Optional[bool] = typer.Option(
        None, "--bulk/--no-bulk",
        help="Bulk-load (about 2.5x faster, not crash-safe: rerun the build if it was killed). "
             "Default: bulk when the store holds no documents yet and there are 32 files or more."),
    corrections: Optional[Path] = typer.Option(
        None, "--corrections", metavar="FILE",
        help="Researchers' corrections to apply (CSV, docs/corrections.md). "
             "Default: corrections.csv in each folder given."),
) -> None:
    """Ingest plan files and folders into the store (re-ingesting replaces a document).

    Example: policykg build --store out/store data/seeds/
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from policykg.extract.load import readable_name
    from policykg.graph.build import build
    from policykg.graph.store import Store

    folder = store_path(store)
    rows = None
    if corrections is not None:
        from policykg.extract.corrections import load_corrections

        rows = load_corrections(corrections)
    bar: dict[str, object] = {}

    def progress(path: Path, done: int, total: int) -> None:
        if total <= 1:
            return
        if "bar" not in bar:
            live = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TextColumn("{task.description}"),
                            console=err_console(), transient=True)
            live.start()
            bar["bar"], bar["task"] = live, live.add_task("", total=total)
        live = bar["bar"]
        live.update(bar["task"], completed=done, description=readable_name(path.name))  # type: ignore[attr-defined]

    with Store.open(folder, create=True) as db:
        try:
            report = build(paths, db, progress=progress, workers=workers, batch=batch, bulk=bulk,
                           corrections=rows)
        finally:
            if "bar" in bar:
                bar["bar"].stop()  # type: ignore[attr-defined]
        counts = db.stats()
        # plans written into an analysed store: its analysis does not cover them
        stale = analysis_staleness(db) if report.ingested else None

    for message in report.warnings:
        warn(message)
    for message in report.coverage:
        typer.echo(f"check: {message}", err=True)
    for path, problem in report.failed:
        fail(f"{path}: {problem}")
    summary = ", ".join(f"{counts[k]} {label}" for k, label in [
        ("plans", "plans"), ("measures", "measures"), ("assignments", "assignments"),
        ("agencies", "agencies"), ("citations", "citations"), ("targets", "targets"),
        ("people", "people"), ("triples", "triples")])
    typer.echo(f"built {len(report.ingested)} plans ({len(report.failed)} failed) into {folder}: "
               f"{summary}", err=True)
    if stale:
        warn(stale)
    if report.failed:
        raise typer.Exit(1)
