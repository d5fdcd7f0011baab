"""A plan's stamp: which version of a plan something derived from it was made from.

Why: the search index (graph/search_index.py) and the analysis graph (graph/analysis/freshness.py)
are computed from the plans and kept beside them, and a later `policykg build` adds, replaces or
removes plans without computing them again. Each records the stamp of every plan it was made from
and compares those with the store's to find what it lacks.

A stamp is `sha256@generatedAtTime`: the plan file's sha256 and the time its graph was extracted,
both stated on the document graph's node (graph/rdf.py). A plan built again gets a new stamp even
when its text did not change (its extraction may have): that errs on the side of "out of date".
"""
from __future__ import annotations

from typing import Any

from policykg.ontology import ID, PK, PROV

DOCUMENT_GRAPH_PREFIX = ID + "doc/"  # graph/rdf.py: document_graph

STAMPS_QUERY = f"""
SELECT ?g ?sha ?at WHERE {{ GRAPH ?g {{ ?g a <{PK}DocumentGraph> .
  OPTIONAL {{ ?g <{PK}sha256> ?sha }} OPTIONAL {{ ?g <{PROV}generatedAtTime> ?at }} }} }}"""


def stamp(sha: str | None, at: str | None) -> str:
    """The stamp of a plan whose file has `sha` and whose graph was extracted `at` (either may be
    missing: it then counts as empty)."""
    return f"{sha or ''}@{at or ''}"


def document_stamps(raw: Any) -> dict[str, str]:
    """document graph IRI -> its stamp, for every plan of the store. `raw`: a pyoxigraph Store or
    anything with its `query` (graph/remote.py's SparqlEndpoint)."""
    stamps: dict[str, str] = {}
    for row in raw.query(STAMPS_QUERY):
        graph = row["g"].value
        if graph.startswith(DOCUMENT_GRAPH_PREFIX):
            sha, at = row["sha"], row["at"]
            stamps[graph] = stamp(sha.value if sha is not None else None, at.value if at is not None else None)
    return stamps
