"""The researchers' web app (`policykg serve`): SPARQL endpoint, saved queries, entity and plan pages.

Starlette, uvicorn and Jinja2 are imported only here (STYLE.md: web dependencies stay inside viz/).
Entry point: `create_app` in viz/web/app.py; docs: docs/web.md.
"""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
