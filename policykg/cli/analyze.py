"""`policykg analyze`: text reuse, classification and network analytics over the whole store,
written into the derived named graph id:graph/analysis (graph/analysis/analysis_graph.py: analyze)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from policykg.errors import PolicyKGError

from policykg.graph.analysis.caps import (BETWEENNESS_EXACT_MAX_NODES, BETWEENNESS_SAMPLES, BETWEENNESS_SEED,
                                          BOILERPLATE_MIN_PLANS, BOILERPLATE_SHARE, SIMILAR_PLANS_TOP_K,
                                          SIMILARITY_MINIMUM, TOP_K_MEASURES)

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
    boilerplate_share: float = typer.Option(
        BOILERPLATE_SHARE, "--boilerplate-share", metavar="SHARE", min=0.0, max=1.0,
        help="Between measures, a shingle in more than max(--boilerplate-min-plans, SHARE x plans) "
             "plans is boilerplate, no evidence of reuse (framework reuse always uses every shingle)."),
    boilerplate_min_plans: int = typer.Option(
        BOILERPLATE_MIN_PLANS, "--boilerplate-min-plans", metavar="N", min=1,
        help="The boilerplate cutoff is never below N plans (a corpus of N plans or fewer loses nothing)."),
    reuse_top_k: int = typer.Option(
        TOP_K_MEASURES, "--reuse-top-k", metavar="K", min=0,
        help="Keep each measure's K best reuse links to other plans' measures (0: all); links to "
             "framework items are all kept."),
    similar_plans: int = typer.Option(
        SIMILAR_PLANS_TOP_K, "--similar-plans", metavar="K", min=0,
        help="Keep the pairs among each plan's K most similar plans (0: every pair of plans)."),
    min_similarity: float = typer.Option(
        SIMILARITY_MINIMUM, "--min-similarity", metavar="S", min=0.0, max=1.0,
        help="Keep only plan pairs with a similarity of at least S."),
    betweenness_samples: Optional[int] = typer.Option(
        None, "--betweenness-samples", metavar="K", min=0,
        help=f"Estimate agency betweenness from K sampled agencies (seed {BETWEENNESS_SEED}); 0: exact. "
             f"Default: exact up to {BETWEENNESS_EXACT_MAX_NODES} agencies, else "
             f"{BETWEENNESS_SAMPLES} samples."),
) -> None:
    """Compute reuse links, pillar/instrument classes, agency centrality, communities, plan
    similarity and PMC features; replace the graph id:graph/analysis (re-running replaces it).

    Large corpora are capped: boilerplate shingles and top-k targets for reuse
    between measures, top-k similar plans, sampled betweenness above a size.
    Each cap is printed and recorded on the graph node id:graph/analysis
    (docs/analysis.md, "Caps").

    Example: policykg analyze --store out/store --csv out/analysis
    """
    from policykg.graph.analysis.analysis_graph import DEFAULT_FRAMEWORKS, analyze
    from policykg.graph.analysis.metrics import MetricSettings, write_csv
    from policykg.graph.analysis.text_reuse import ReuseSettings
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
        report = analyze(db, frameworks,
                         reuse=ReuseSettings(boilerplate_share, boilerplate_min_plans, reuse_top_k),
                         metric_settings=MetricSettings(similar_plans, min_similarity, betweenness_samples))
        captured = getattr(db, "captured", None)
    console = err_console()
    console.print(f"analysed {report.plans} plans, {report.measures} measures: "
                  f"{report.reuse_links} reuse links ({report.framework_links} to "
                  f"{report.framework_items} framework items), pillars for "
                  f"{report.classified_pillar}, instruments for {report.classified_instrument} "
                  f"measures; {report.quads} quads in id:graph/analysis"
                  + ("" if report.atomic_write else " (streamed: old graph deleted in chunks, new one "
                     "bulk-loaded)"))
    for line in report.caps():
        console.print(line)
    if report.analysis_tables:
        console.print(f"kept the whole-corpus rows of {report.analysis_tables} analysis queries as corpus tables "
                      "(docs/analysis.md, \"Whole-corpus tables\")")
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
