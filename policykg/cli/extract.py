"""`policykg extract`: show what extract/ finds in one file, without touching a store."""
from __future__ import annotations

from pathlib import Path

import typer

from ._util import app, handle_errors, write_out


@app.command("extract")
@handle_errors
def extract_cli(
    path: Path = typer.Argument(..., metavar="FILE", help="One plan file."),
    json_: bool = typer.Option(False, "--json", help="Print the whole ExtractionResult as JSON."),
) -> None:
    """Extract one plan file and print a summary, or the full result with --json."""
    import json

    from policykg.extract import extract_path

    result = extract_path(path)
    if json_:
        write_out(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    write_out(summary(result))


def summary(result) -> str:
    """A few lines a person can check at a glance."""
    plan = result.plan
    leads = sum(1 for r in result.responsibilities if r.role == "lead")
    lines = [
        f"source       {result.source} ({result.format}, {result.encoding}, {len(result.text)} chars)",
        f"title        {plan.title or '-'}",
        f"jurisdiction {plan.jurisdiction or '-'} ({plan.level or '-'}, {plan.province or '-'})",
        f"doc number   {plan.doc_number or '-'}   issuer {plan.issuer or '-'}   issued {plan.issued or '-'}",
        f"period       {plan.period_start or '?'}-{plan.period_end or '?'}",
        f"sections {len(result.sections)}, measures {len(result.measures)}, "
        f"responsibilities {len(result.responsibilities)} ({leads} lead), agencies {len(result.agencies)}, "
        f"citations {len(result.citations)}, targets {len(result.targets)}, people {len(result.people)}",
    ]
    lines += [f"warning: {w}" for w in result.warnings]
    return "\n".join(lines) + "\n"
