"""Whether the analysis graph still describes the plans the store holds.

Why: `policykg analyze` computes text reuse, classifications, networks and similarity over every
plan and keeps them in id:graph/analysis; a later `policykg build` adds, replaces or removes plans
without touching that graph. The analysis queries (instrument_mix, measure_reuse, pmc_features,
plan_similarity) then answer for the plans analysed and say nothing of the others: a researcher
comparing cities would miss the new plans without a word. So:

- `analyze` records in its graph the stamp of every plan it read (`pk:analysedVersion` on the
  plan's document graph IRI, graph/plan_stamps.py: file sha256 and extraction time);
- `analysis_coverage` compares those with the store's stamps: plans added, changed (built again)
  or removed since, as counts and a one-line message that names the command to run;
- the CLI prints that line on stderr where a stale analysis would mislead: `policykg query` of an
  analysis query, `policykg build` into an analysed store, `policykg stats`.

Cost: the comparison reads every plan's stamp (at 10,000 plans 0.3 CPU-s, 1.0 on a store just
opened). On a local store `stale_coverage` skips it while the analysis tables are current: every
write of a plan or summary graph drops them (graph/summaries/corpus_tables.py, in the same
transaction), so current tables mean no plan was written since `analyze` wrote them. An analysis
graph from before the stamps were recorded cannot be compared: it is reported as such only when
the tables do not vouch for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from policykg.ontology import PK, PROV

from ..plan_stamps import document_stamps
from ..rdf import ANALYSIS_GRAPH

ANALYSED_VERSION = PK + "analysedVersion"
RERUN = "run `policykg analyze` to bring it up to date"

_HEAD = f"""SELECT ?at WHERE {{ GRAPH <{ANALYSIS_GRAPH.value}> {{
  <{ANALYSIS_GRAPH.value}> a <{PK}AnalysisGraph> .
  OPTIONAL {{ <{ANALYSIS_GRAPH.value}> <{PROV}generatedAtTime> ?at }} }} }}"""
_RECORDED = f"SELECT ?g ?v WHERE {{ GRAPH <{ANALYSIS_GRAPH.value}> {{ ?g <{ANALYSED_VERSION}> ?v }} }}"


class StaleAnalysisWarning(UserWarning):
    """The Python API's warning (policykg/api.py) when a query reads an analysis graph that does
    not describe the store's plans; its text is `AnalysisCoverage.message`."""


@dataclass(frozen=True)
class AnalysisCoverage:
    """How the plans `analyze` read compare with the plans the store holds now."""

    generated_at: str       # the analysis graph's prov:generatedAtTime ("" when it states none)
    recorded: bool          # False: a graph from before policykg recorded the plans it read
    analysed: int = 0       # plans it read
    current: int = 0        # plans the store holds
    added: int = 0          # plans the store holds that it did not read
    changed: int = 0        # plans built again since (another stamp)
    removed: int = 0        # plans it read that the store no longer holds

    @property
    def up_to_date(self) -> bool:
        return self.recorded and not (self.added or self.changed or self.removed)

    @property
    def covered(self) -> int:
        """Plans of the store, as they are now, that the analysis read."""
        return self.analysed - self.changed - self.removed

    def message(self) -> str | None:
        """One line for a user when the analysis does not describe the store's plans, else None."""
        if self.up_to_date:
            return None
        made = f"the analysis graph (policykg analyze, {self.generated_at or 'time not recorded'})"
        if not self.recorded:
            return (f"{made} does not record which plans it read (made by an older policykg): if plans "
                    f"were built since, the analysis queries leave them out; {RERUN}")
        parts = [f"{n} plan{'s' if n != 1 else ''} {what}" for n, what in
                 ((self.added, "added"), (self.changed, "built again"), (self.removed, "removed"))
                 if n]
        return (f"{made} covers {self.covered} of the store's "
                f"{self.current} plans as they are now ({', '.join(parts)} since); the analysis "
                f"queries answer for the plans it read; {RERUN}")


def reads_analysis_graph(sparql: str) -> bool:
    """Whether a query's text names the analysis graph (by its IRI, or as `prefix:graph/analysis`)."""
    return ANALYSIS_GRAPH.value in sparql or re.search(r":graph/analysis\b(?!/)", sparql) is not None


def analysis_coverage(raw: Any) -> AnalysisCoverage | None:
    """The coverage of the store's analysis graph, or None when the store has none. `raw`: a
    pyoxigraph Store or graph/remote.py's SparqlEndpoint (anything with their `query`)."""
    head = list(raw.query(_HEAD))
    if not head:
        return None
    at = head[0]["at"]
    generated_at = at.value if at is not None else ""
    recorded = {row["g"].value: row["v"].value for row in raw.query(_RECORDED)}
    if not recorded:
        return AnalysisCoverage(generated_at, recorded=False)
    current = document_stamps(raw)
    return AnalysisCoverage(
        generated_at, recorded=True, analysed=len(recorded), current=len(current),
        added=sum(1 for g in current if g not in recorded),
        changed=sum(1 for g, seen in current.items() if g in recorded and recorded[g] != seen),
        removed=sum(1 for g in recorded if g not in current))


def stale_coverage(store: Any) -> AnalysisCoverage | None:
    """The coverage of the store's analysis graph when it does not describe the store's plans,
    else None (no analysis graph, or an up-to-date one). A local store whose analysis tables are
    current answers at once (module docstring). `store`: graph/store.py's Store or RemoteStore."""
    import pyoxigraph as ox

    raw = store.raw
    if isinstance(raw, ox.Store):
        from ..summaries.corpus_tables import corpus_tables_current
        from ..summaries.summary_format import ANALYSED

        if corpus_tables_current(raw, ANALYSED):
            return None
    coverage = analysis_coverage(raw)
    return None if coverage is None or coverage.up_to_date else coverage


def stale_analysis(store: Any, sparql: str | None = None) -> str | None:
    """The line to show a user when the store's analysis graph does not describe its plans
    (`stale_coverage`), else None; with `sparql`, only when that query reads the analysis graph."""
    if sparql is not None and not reads_analysis_graph(sparql):
        return None
    coverage = stale_coverage(store)
    return coverage.message() if coverage is not None else None
