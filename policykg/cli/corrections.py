"""`policykg corrections check FILE`: validate a corrections file before a build uses it.

A build refuses a corrections file with bad rows (graph/build.py), so this command lets a
researcher find every bad line at once: one line `FILE:LINE: problem` each, exit code 1 if any.
With `--plans DIR` it also extracts the plans the rows name (only those) and applies the rows,
so stale rows (their target is gone) are found before a build.
The format and the operations: docs/corrections.md; the rules: extract/corrections.py.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Optional

import typer

from ._util import app, handle_errors, write_out

corrections_app = typer.Typer(help="Researchers' corrections to extracted facts (docs/corrections.md).",
                              no_args_is_help=True)
app.add_typer(corrections_app, name="corrections")


@corrections_app.command("check")
@handle_errors
def check_cli(file: Path = typer.Argument(..., metavar="FILE", help="The corrections CSV file."),
              plans: Optional[Path] = typer.Option(
                  None, "--plans", metavar="DIR",
                  help="Also extract the plans the rows name from DIR (the folder you build) and "
                       "report rows that would be stale.")) -> None:
    """Validate a corrections file: one line per bad row, exit 1 if any.

    Example: policykg corrections check data/plans/corrections.csv --plans data/plans
    """
    from policykg.extract.corrections import read_corrections

    rows, problems = read_corrections(file)
    if plans is not None and rows:
        problems.extend(_stale_rows(rows, plans, file.name))
    if problems:
        write_out("\n".join(problems) + "\n")
        typer.echo(f"{file}: {len(problems)} problem(s); {len(rows)} well-formed row(s)", err=True)
        raise typer.Exit(1)
    ops = ", ".join(f"{n} {op}" for op, n in sorted(Counter(r.op for r in rows).items()))
    plans = len({r.plan for r in rows})
    typer.echo(f"{file}: {len(rows)} correction(s) for {plans} plan(s), all well-formed"
               + (f" ({ops})" if ops else ""), err=True)


def _stale_rows(rows: list, folder: Path, shown: str) -> list[str]:
    """`FILE:LINE: stale: reason` for each row whose target the plan's extraction lacks."""
    from policykg.errors import PolicyKGError
    from policykg.extract import extract_path
    from policykg.extract.corrections import apply_corrections

    problems = []
    for source in dict.fromkeys(r.plan for r in rows if r.plan != "*"):  # '*': checked by the build
        mine = [r for r in rows if r.plan == source]
        path = folder / source
        if not path.is_file():
            problems.extend(f"{shown}:{r.line}: plan {source!r} is not in {folder}" for r in mine)
            continue
        try:
            result = extract_path(path, source)
        except PolicyKGError as e:
            problems.append(f"{shown}:{mine[0].line}: plan {source!r} cannot be read: {e}")
            continue
        problems.extend(f"{shown}:{c.line}: stale: {c.op} {c.target}: {c.note}"
                        for c in apply_corrections(result, mine))
    return sorted(problems, key=lambda p: int(p.split(":")[1]))
