"""`policykg serve`: the web app (viz/web/app.py) on uvicorn, or one in-process request (--get).

Validates every option before the store is opened (datasette's `serve`); binds 127.0.0.1 by
default and answers only to loopback Host names unless told others (DNS rebinding); SPARQL runs
in killable worker processes (viz/web/query_workers.py). Docs: docs/web.md.
"""
from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import List, Optional

import typer

from ._util import EndpointOpt, StoreOpt, app, handle_errors, open_reader, store_path, warn, write_out

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@app.command("serve")
@handle_errors
def serve_cli(
    store: Optional[Path] = StoreOpt,
    endpoint: Optional[str] = EndpointOpt,
    host: str = typer.Option(DEFAULT_HOST, "--host", metavar="ADDR",
                             help="Address to bind (loopback by default; 0.0.0.0 exposes the store "
                                  "to the network)."),
    port: int = typer.Option(DEFAULT_PORT, "--port", min=0, max=65535, metavar="N",
                             help="TCP port (0 picks a free one)."),
    time_limit: float = typer.Option(30.0, "--time-limit", min=0.001, metavar="S",
                                     help="Stop a query after S seconds: its worker process is "
                                          "killed (HTTP 503)."),
    max_rows: int = typer.Option(10_000, "--max-rows", min=1, metavar="N",
                                 help="Keep at most N rows (or triples) on HTML pages and saved-"
                                      "query downloads (cut answers are flagged); /sparql streams "
                                      "complete results."),
    workers: int = typer.Option(2, "--workers", min=1, max=64, metavar="N",
                                help="SPARQL worker processes (queries running at once)."),
    memory_limit: int = typer.Option(4096, "--memory-limit", min=0, metavar="MB",
                                     help="Address-space cap per worker process; a query needing "
                                          "more is stopped (0: no cap)."),
    allow_service: bool = typer.Option(False, "--allow-service",
                                       help="Let queries call other endpoints with SERVICE (off: "
                                            "such queries get HTTP 400)."),
    host_names: Optional[List[str]] = typer.Option(None, "--host-name", metavar="NAME",
                                                   help="Also answer requests whose Host header "
                                                        "is NAME (repeatable; loopback names are "
                                                        "always served)."),
    cors: Optional[str] = typer.Option(None, "--cors", metavar="ORIGIN",
                                       help="Allow this browser origin (or '*') to call the app; "
                                            "off by default."),
    allow_corrections: bool = typer.Option(False, "--allow-corrections",
                                           help="Let plan pages append corrections to --corrections "
                                                "FILE (loopback only, not with --cors; "
                                                "docs/corrections.md)."),
    corrections: Optional[Path] = typer.Option(None, "--corrections", metavar="FILE",
                                               help="The corrections file written with "
                                                    "--allow-corrections."),
    get: Optional[str] = typer.Option(None, "--get", metavar="PATH",
                                      help="Answer one request for PATH in-process, print the body "
                                           "and exit (no port is opened)."),
) -> None:
    """Serve the store read-only: SPARQL endpoint, saved queries, entity and plan pages.

    Example: policykg serve --store .policykg/store --port 8000
    Smoke test: policykg serve --get /queries/plans.csv
    """
    from policykg.viz.web import create_app

    _check_corrections_options(host, cors, allow_corrections, corrections)
    # over an endpoint the server runs the queries (with --time-limit as its timeout): no workers
    remote = open_reader(store, endpoint, timeout=time_limit) if endpoint else None
    application = create_app(store_path(store), time_limit=time_limit, max_rows=max_rows, cors=cors,
                             store=remote, workers=0 if remote else workers,
                             memory_limit_mb=memory_limit,
                             allow_service=allow_service,
                             allowed_hosts=allowed_host_names(host, host_names or []))
    if allow_corrections and corrections is not None:
        from policykg.viz.web.corrections_form import enable_corrections

        enable_corrections(application, corrections)
    if get is not None:
        _answer_one(application, get)
        return
    if not _is_loopback(host):
        warn(f"binding {host}: anyone who can reach this address can query the store")
    import uvicorn

    typer.echo(f"policykg serving http://{host}:{port}/ (Ctrl+C stops)", err=True)
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)


def _answer_one(application: object, path: str) -> None:
    """datasette's `--get`: one request through the ASGI app, body on stdout; exit 1 on >= 400."""
    import asyncio

    import httpx

    if not path.startswith("/"):
        from policykg.errors import PolicyKGError

        raise PolicyKGError(f"--get takes a path starting with '/', got {path!r}")

    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=application)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            return await client.get(path)

    response = asyncio.run(fetch())
    write_out(response.text)
    if response.status_code >= 400:
        typer.echo(f"error: HTTP {response.status_code} for {path}", err=True)
        raise typer.Exit(1)


def allowed_host_names(bind: str, extra: list[str]) -> list[str]:
    """The Host names served: loopback names, the bound address unless it is a wildcard, and
    every --host-name."""
    from policykg.viz.web.http import LOOPBACK_HOST_NAMES

    names = [*LOOPBACK_HOST_NAMES, *extra]
    if bind not in ("0.0.0.0", "::", ""):
        names.append(f"[{bind}]" if ":" in bind else bind)
    return names


def _check_corrections_options(host: str, cors: Optional[str], allow: bool,
                               corrections: Optional[Path]) -> None:
    """Writing corrections (viz/web/corrections_form.py) only on loopback, never with CORS."""
    from policykg.errors import PolicyKGError

    if corrections is not None and not allow:
        raise PolicyKGError("--corrections FILE is only used with --allow-corrections")
    if not allow:
        return
    if corrections is None:
        raise PolicyKGError("--allow-corrections needs --corrections FILE (the file to append to)")
    if not _is_loopback(host):
        raise PolicyKGError(f"--allow-corrections serves only on loopback (127.0.0.1, ::1), not {host}")
    if cors:
        raise PolicyKGError("--allow-corrections cannot be combined with --cors")
    if corrections.is_dir() or not corrections.parent.is_dir():
        raise PolicyKGError(f"{corrections}: not a file in an existing folder")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
