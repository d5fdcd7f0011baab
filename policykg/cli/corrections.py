"""`policykg corrections check FILE`: validate a corrections file before a build uses it.

A build refuses a corrections file with bad rows (graph/build.py), so this command lets a
researcher find every bad line at once: one line `FILE:LINE: problem` each, exit code 1 if any.
The format and the operations: docs/corrections.md; the rules: extract/corrections.py.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from ._util import app, handle_errors, write_out

corrections_app = typer.Typer(help="Researchers' corrections to extracted facts (docs/corrections.md).",
                              no_args_is_help=True)
app.add_typer(corrections_app, name="corrections")


@corrections_app.command("check")
@handle_errors
def check_cli(file: Path = typer.Argument(..., metavar="FILE", help="The corrections CSV file.")) -> None:
    """Validate a corrections file: one line per bad row, exit 1 if any.

    Example: policykg corrections check data/plans/corrections.csv
    """
    from policykg.extract.corrections import read_corrections

    rows, problems = read_corrections(file)
    if problems:
        write_out("\n".join(problems) + "\n")
        typer.echo(f"{file}: {len(problems)} bad row(s), {len(rows)} good", err=True)
        raise typer.Exit(1)
    ops = ", ".join(f"{n} {op}" for op, n in sorted(Counter(r.op for r in rows).items()))
    plans = len({r.plan for r in rows})
    typer.echo(f"{file}: {len(rows)} correction(s) for {plans} plan(s), all well-formed"
               + (f" ({ops})" if ops else ""), err=True)
