"""`policykg viz`: write one interactive view as an offline HTML page, or the static charts
(`policykg viz charts --out DIR`). Partner: viz/views.py (VIEWS, render), viz/charts.py."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from policykg.errors import PolicyKGError

from ._util import EndpointOpt, StoreOpt, app, handle_errors, open_reader, parse_params, write_out

CHARTS = "charts"


@app.command("viz")
@handle_errors
def viz_cli(
    view: str = typer.Argument(..., metavar="VIEW|charts",
                               help="plan, responsibility, frameworks, agency, indicator, map, or charts."),
    store: Optional[Path] = StoreOpt,
    endpoint: Optional[str] = EndpointOpt,
    param: Optional[list[str]] = typer.Option(None, "--param", "-p", metavar="NAME=VALUE",
                                              help="A view parameter; repeatable."),
    out: Path = typer.Option(..., "--out", "-o", metavar="FILE.html|DIR",
                             help="The page to write (a folder for `charts`)."),
    max_nodes: int = typer.Option(500, "--max-nodes", min=1, metavar="N",
                                  help="Cut bigger views to the top N nodes by degree (with a note)."),
) -> None:
    """Write an interactive graph view (one self-contained HTML file, no network needed) or,
    with VIEW = charts, the PNG and SVG charts into a folder.

    Views and parameters: plan (source), responsibility (city?), frameworks, agency (agency),
    indicator (indicator?), map (color_by?, query?;
    --out map.png or map.svg writes a static map). Example:
    policykg viz plan --param source=000_8c7ba4464c8b6764.txt --out plan.html
    """
    from policykg.viz.views import check_params, render

    params = parse_params(param)
    if view == CHARTS:
        from policykg.viz.charts import cjk_font, write_charts

        unknown = sorted(set(params) - {"indicator"})
        if unknown:
            raise PolicyKGError(f"charts have no parameter {unknown[0]!r} (declared: indicator)")
        cjk_font()
        with open_reader(store, endpoint) as db:
            paths = write_charts(db, out, params.get("indicator") or None)
    elif view == "map" and out.suffix.lower() in (".png", ".svg"):  # a static map for papers
        from policykg.viz.map import DEFAULT_COLOR_BY, write_static_map

        check_params(view, params)
        with open_reader(store, endpoint) as db:
            paths = [write_static_map(db, out, params.get("color_by") or DEFAULT_COLOR_BY,
                                      params.get("query") or None)]
    else:
        check_params(view, params)  # a bad view or parameter fails before the store is opened
        with open_reader(store, endpoint) as db:
            html = render(db, view, params, node_cap=max_nodes)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
        paths = [out]
    write_out("".join(f"{path}\n" for path in paths))
