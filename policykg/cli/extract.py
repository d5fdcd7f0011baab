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
    explain: bool = typer.Option(False, "--explain",
                                 help="Show why each line became a heading, measure or metadata field, "
                                      "or was skipped, and the lines whose cues produced nothing."),
) -> None:
    """Extract one plan file and print a summary, the full result with --json, or the reasons with --explain."""
    import json

    from policykg.extract import extract_path

    result = extract_path(path)
    if json_:
        write_out(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    write_out(summary(result))
    if explain:
        write_out(explanation(result))


def explanation(result) -> str:
    """One line per decision, in text order: line number, what was decided, the text, the reason;
    then the lines whose cues produced nothing (extract/coverage.py)."""
    text = result.text
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_of(pos: int) -> int:
        import bisect

        return bisect.bisect_right(line_starts, pos)

    out = ["", "decisions (line, what, text, why):"]
    for d in sorted(result.decisions, key=lambda d: (d.start, d.what)):
        snippet = text[d.start:d.end].split("\n", 1)[0][:40] if d.end > d.start else ""
        out.append(f"  L{line_of(d.start):<5} {d.what:<18} {snippet!s:<42} {d.reason}")
    if result.uncovered:
        out += ["", f"lines with cues that produced nothing ({len(result.uncovered)}):"]
        out += [f"  L{u.line:<5} {u.kind:<18} {u.text}" for u in result.uncovered]
    else:
        out += ["", "every line with a cue produced something"]
    return "\n".join(out) + "\n"


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
