"""The `policykg` command line: one module per command, all registered on `_util.app`.

Commands import their heavy dependencies (spaCy, pyshacl) inside the function, so `--help` and
`query` stay fast. Partner: policykg/cli/_util.py (shared options, error handling).
"""
from __future__ import annotations

from . import analyze, build, corrections, dump, export, extract, push, queries, query, search, serve, stats, validate, viz  # noqa: F401  (registers commands)
from ._util import app


def main() -> None:
    """The console script `policykg`."""
    app(prog_name="policykg")


__all__ = ["app", "main"]
