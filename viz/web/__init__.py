"""The researchers' web app (`policykg serve`): SPARQL endpoint, saved queries, entity and plan pages.

Starlette, uvicorn and Jinja2 are imported only here (STYLE.md: web dependencies stay inside viz/).
Entry point: `create_app` in viz/web/app.py; docs: docs/web.md.
"""
from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Lazy: a query worker process imports viz/web/query_workers.py only, and must not pay for
    # the app's imports (Starlette, Jinja2, rdflib: ~0.5 s) each time one starts.
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
