"""`policykg export`: write a selected subgraph as RDF, GraphML/GEXF or CSV (graph/export/exporters.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._util import EndpointOpt, StoreOpt, app, err_console, handle_errors, open_reader

EXPORT_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "rdfxml", "graphml", "gexf", "csv")


@app.command("export")
@handle_errors
def export_cli(
    out: Path = typer.Option(..., "--out", "-o", metavar="PATH",
                             help="File to write; a folder for csv (nodes.csv, edges.csv); a .zip with --zip."),
    format: Optional[str] = typer.Option(None, "--format", "-f", metavar="|".join(EXPORT_FORMATS),
                                         help="Export format (not needed with --zip)."),
    zip_all: bool = typer.Option(False, "--zip", help="Write every format into one zip file."),
    store: Optional[Path] = StoreOpt,
    endpoint: Optional[str] = EndpointOpt,
    plan: Optional[list[str]] = typer.Option(None, "--plan", metavar="SOURCE",
                                             help="A plan by source file name (or IRI); repeatable."),
    city: Optional[list[str]] = typer.Option(None, "--city", metavar="NAME",
                                             help="Every plan of this jurisdiction; repeatable."),
    agency: Optional[list[str]] = typer.Option(None, "--agency", metavar="LABEL|IRI",
                                               help="An agency and its neighbourhood; repeatable."),
    framework: Optional[list[str]] = typer.Option(None, "--framework", metavar="TITLE",
                                                  help="Cited documents whose title contains TITLE; repeatable."),
    indicator: Optional[list[str]] = typer.Option(None, "--indicator", metavar="TEXT",
                                                  help="Targets whose indicator contains TEXT; repeatable."),
    hops: Optional[int] = typer.Option(None, "--hops", min=0, metavar="N",
                                       help="Neighbourhood depth (default 1 around agencies, frameworks "
                                            "and indicators; 0 for plans)."),
    construct: Optional[Path] = typer.Option(None, "--construct", metavar="FILE.rq",
                                             help="Add the triples of your CONSTRUCT query."),
    vocabulary: bool = typer.Option(False, "--vocabulary",
                                    help="Also export the vocabulary graphs (ontology, agency types, places ...), "
                                         "so another store answers the named queries the same way."),
    web_annotation: bool = typer.Option(False, "--web-annotation",
                                        help="Give each evidence span its full W3C Web Annotation selector "
                                             "(selector types and the quoted text, oa:exact)."),
) -> None:
    """Export a subgraph for Gephi, R, pandas or another triple store.

    Selectors combine; with none, every plan is exported. Plans are exported whole; agencies,
    frameworks and indicators bring their neighbourhood (--hops) within the selected plans.

    Example: policykg export --city 银川市 --format gexf --out yinchuan.gexf
    """
    from policykg.errors import PolicyKGError
    from policykg.graph.export.exporters import EXPORTERS, Selection, export, export_zip, select
    if not zip_all and format is None:
        raise PolicyKGError(f"give --format ({'|'.join(EXPORTERS)}) or --zip")
    if format is not None and format not in EXPORTERS:
        raise PolicyKGError(f"unknown --format {format!r}; choose one of {', '.join(EXPORTERS)}")
    if construct is not None and not construct.is_file():
        raise PolicyKGError(f"--construct: no such file {construct}")
    selection = Selection(plans=plan or [], cities=city or [], agencies=agency or [],
                          frameworks=framework or [], indicators=indicator or [], hops=hops,
                          construct=construct, vocabulary=vocabulary, web_annotation=web_annotation)
    with open_reader(store, endpoint) as db:
        subgraph = select(db, selection)
    written = [export_zip(subgraph, out, stem=out.stem or "subgraph")] if zip_all \
        else export(subgraph, format or "", out)
    err_console().print(f"exported {len(subgraph)} quads ({len(subgraph.graphs)} graphs) to "
                        + ", ".join(str(p) for p in written))
