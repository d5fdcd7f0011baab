"""`policykg analyze`: text reuse, classification and network analytics over the whole store,
written into the derived named graph id:graph/analysis (graph/analysis/analysis_graph.py: analyze)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from policykg.errors import PolicyKGError

from ._util import StoreOpt, app, err_console, handle_errors, open_reader, warn


@app.command("analyze")
@handle_errors
def analyze_cli(
    store: Optional[Path] = StoreOpt,
    endpoint: Optional[str] = typer.Option(
        None, "--endpoint", metavar="URL",
        help="Read a SPARQL endpoint instead of a store; needs --csv DIR, where the analysis "
             "graph is written as analysis.nt to publish (docs/scale.md)."),
    frameworks: Optional[Path] = typer.Option(
        None, "--frameworks", metavar="DIR",
        help="Folder of national framework texts (*.txt) to detect reuse of "
             "(default: data/frameworks when it exists)."),
    csv_dir: Optional[Path] = typer.Option(None, "--csv", metavar="DIR",
                                           help="Also write centrality, communities, similarity, "
                                                "pmc_features and reuse CSVs into DIR."),
) -> None:
    """Compute reuse links, pillar/instrument classes, agency centrality, communities, plan
    similarity and PMC features; replace the graph id:graph/analysis (re-running replaces it).

    Example: policykg analyze --store out/store --csv out/analysis
    """
    from policykg.graph.analysis.analysis_graph import DEFAULT_FRAMEWORKS, analyze
    from policykg.graph.analysis.metrics import write_csv
    if endpoint and csv_dir is None:
        raise PolicyKGError("--endpoint needs --csv DIR: the server is read-only here, so the "
                            "analysis graph goes to DIR/analysis.nt for you to publish")
    if frameworks is None:
        frameworks = DEFAULT_FRAMEWORKS if DEFAULT_FRAMEWORKS.is_dir() else None
        if frameworks is None:
            warn(f"no {DEFAULT_FRAMEWORKS} folder here: only plan-to-plan reuse (pass --frameworks DIR)")
    elif not frameworks.is_dir():
        raise PolicyKGError(f"--frameworks {frameworks} is not a folder")
    with open_reader(store, endpoint) as db:
        if endpoint:
            from policykg.graph.remote import CapturingRemoteStore

            db = CapturingRemoteStore(db.remote)
        else:
            db.ensure_vocabulary()
        report = analyze(db, frameworks)
        captured = getattr(db, "captured", None)
    console = err_console()
    console.print(f"analysed {report.plans} plans, {report.measures} measures: "
                  f"{report.reuse_links} reuse links ({report.framework_links} to "
                  f"{report.framework_items} framework items), pillars for "
                  f"{report.classified_pillar}, instruments for {report.classified_instrument} "
                  f"measures; {report.quads} quads in id:graph/analysis")
    if csv_dir is not None:
        for path in write_csv(report.tables, csv_dir):
            console.print(f"wrote {path}")
    if captured:
        import pyoxigraph as ox

        graph_file = csv_dir / "analysis.nt"
        triples = [quad.triple for quads in captured.values() for quad in quads]
        graph_file.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        console.print(f"wrote {graph_file}: PUT it as graph <{next(iter(captured)).value}> "
                      "(docs/scale.md, \"A shared server\")")
