"""Network and comparative analytics over the store with networkx: agency centrality and
communities in the co-responsibility network (graph/export/projections.py builds it), plan–plan
similarity, and PMC-index features.

Each function returns a table `(columns, rows)` that `policykg analyze --csv` writes as CSV and
analysis_graph.py writes into `id:graph/analysis`.

Two caps keep a large corpus tractable (issue #24), both recorded in the graph and printed:
- Plan similarity is computed for every pair of plans (numpy, in blocks of rows), but only the
  pairs among each plan's `top_k` most similar partners (ties by the partner's file name) with a
  similarity of at least `min_similarity` are kept: every pair of 10,000 plans would be 50 M rows.
  With the defaults a corpus of 11 plans or fewer keeps every pair.
- Betweenness is exact up to `BETWEENNESS_EXACT_MAX_NODES` agencies; above that (or when asked)
  it is estimated from `samples` source agencies drawn with a fixed seed (networkx's `k`), which
  is an approximation and recorded as one.
DOCS: docs/analysis.md#network-analytics
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable
from urllib.parse import unquote

import networkx as nx
import numpy as np
from pyoxigraph import Literal

from policykg.ontology import DCTERMS, ELI, ID, PK, SKOS

from ..export.projections import co_responsibility_graph
from ..store import Store
from .caps import (BETWEENNESS_EXACT_MAX_NODES, BETWEENNESS_SAMPLES, BETWEENNESS_SEED, SIMILAR_PLANS_TOP_K,
                   SIMILARITY_MINIMUM)

if TYPE_CHECKING:
    from .analysis_graph import MeasureRecord
    from .text_reuse import ReuseLink

Table = tuple[list[str], list[list]]

_SIMILARITY_BLOCK = 512         # rows of the pair matrices computed at once


@dataclass(frozen=True)
class MetricSettings:
    """The caps of this module (module docstring); analysis_graph.py records them."""

    similar_plans: int = SIMILAR_PLANS_TOP_K
    min_similarity: float = SIMILARITY_MINIMUM
    betweenness_samples: int | None = None  # None: exact up to BETWEENNESS_EXACT_MAX_NODES; 0: exact


@dataclass
class MetricStats:
    """What the caps did: recorded in the graph and printed by the CLI."""

    plan_pairs: int = 0              # every pair of plans compared
    similarity_pairs_kept: int = 0
    betweenness_samples: int = 0     # 0: exact
    betweenness_seed: int | None = None
    agencies: int = 0


LONG_SPAN_YEARS = 3  # pmc feature `time_span_gt_3`: periodEnd - periodStart >= this many years
# Words that mark supervision/evaluation and funding in a safeguard measure (pmc features).
SUPERVISION_WORDS = re.compile(r"督查|督导|督促|考核|考评|评估|监测|检查|通报")
FUNDING_WORDS = re.compile(r"资金|经费|财政|投入|财力")
LEADING_GROUP_WORDS = re.compile(r"领导小组|联席会议")

_PREFIXES = f"PREFIX pk: <{PK}> PREFIX dcterms: <{DCTERMS}> PREFIX eli: <{ELI}> PREFIX skos: <{SKOS}>"


def _rows(store: Store, body: str) -> list[list]:
    return store.query(_PREFIXES + "\n" + body).rows


def plan_sources(store: Store) -> dict[str, str]:
    """source (file name) -> plan IRI, for every plan in the store."""
    rows = _rows(store, "SELECT ?source ?plan WHERE { GRAPH ?g { ?g dcterms:source ?source ; pk:plan ?plan } }")
    return {source: plan for source, plan in rows}


def _plans(store: Store) -> dict[str, dict]:
    rows = _rows(store, """
        SELECT ?plan ?source ?level ?issuer ?start ?end WHERE { GRAPH ?g {
          ?g dcterms:source ?source ; pk:plan ?plan .
          OPTIONAL { ?plan pk:level ?level } OPTIONAL { ?plan pk:issuerName ?issuer }
          OPTIONAL { ?plan pk:periodStart ?start } OPTIONAL { ?plan pk:periodEnd ?end } } }""")
    return {plan: {"source": source, "level": level or "", "issuer": issuer or "",
                   "start": int(start) if start else None, "end": int(end) if end else None}
            for plan, source, level, issuer, start, end in rows}


def plan_places(store: Store) -> dict[str, Literal]:
    """plan IRI -> the label of its jurisdiction (with its language tag, as the plan's graph has
    it), for the plans that have one: written on each kept pair so that `plan_similarity` narrows
    by city in the analysis graph alone."""
    rows = _rows(store, """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?plan ?label (LANG(?label) AS ?lang) WHERE { GRAPH ?g { ?g pk:plan ?plan .
          ?plan pk:jurisdiction/rdfs:label ?label } }""")
    return {plan: Literal(label, language=lang) if lang else Literal(label) for plan, label, lang in rows}


def _by_plan(store: Store, body: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for plan, value in _rows(store, body):
        if value:
            found[plan].add(value)
    return found


def agency_key(iri: str) -> str:
    """An agency's name without its jurisdiction (衡阳市市场监督管理局 -> 市场监督管理局), so that
    the same kind of unit in two cities compares equal. Read from the IRI id:agency/{j}/{name}."""
    rest = iri[len(ID + "agency/"):] if iri.startswith(ID + "agency/") else iri
    jurisdiction, _, name = rest.partition("/")
    jurisdiction, name = unquote(jurisdiction), unquote(name)
    if jurisdiction and jurisdiction != "_" and name.startswith(jurisdiction):
        name = name[len(jurisdiction):]
    return name or rest


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


# ------------------------------------------------------------------------------ networks
def communities(graph: nx.Graph) -> dict[str, int]:
    """agency -> community number (1 = largest), Louvain with a fixed seed (deterministic)."""
    if graph.number_of_edges() == 0:
        return {}
    groups = nx.community.louvain_communities(graph, weight="weight", seed=1)
    ordered = sorted(groups, key=lambda g: (-len(g), min(g)))
    return {node: n for n, group in enumerate(ordered, 1) for node in group}


def betweenness_sources(nodes: int, samples: int | None) -> int:
    """How many source agencies betweenness is computed from: 0 means all of them (exact)."""
    if samples is None:
        samples = 0 if nodes <= BETWEENNESS_EXACT_MAX_NODES else BETWEENNESS_SAMPLES
    return 0 if samples <= 0 or samples >= nodes else samples


def centrality_table(graph: nx.Graph, community: dict[str, int], *,
                     samples: int = 0, stats: MetricStats | None = None) -> Table:
    """samples: 0 for exact betweenness, else networkx's estimate from that many source agencies
    drawn with BETWEENNESS_SEED."""
    degree = nx.degree_centrality(graph) if graph.number_of_nodes() > 1 else {}
    if graph.number_of_nodes() <= 2:
        betweenness = {}
    elif samples:
        betweenness = nx.betweenness_centrality(graph, k=samples, seed=BETWEENNESS_SEED)
    else:
        betweenness = nx.betweenness_centrality(graph)
    if stats is not None:
        stats.agencies = graph.number_of_nodes()
        stats.betweenness_samples = samples
        stats.betweenness_seed = BETWEENNESS_SEED if samples else None
    columns = ["agency", "agency_iri", "measures", "degree", "degree_centrality", "betweenness",
               "community"]
    rows = [[graph.nodes[n].get("label") or agency_key(n), n, graph.nodes[n].get("measures", 0),
             graph.degree(n),
             round(degree.get(n, 0.0), 4), round(betweenness.get(n, 0.0), 4), community.get(n)]
            for n in graph.nodes]
    rows.sort(key=lambda r: (-r[5], -r[4], r[1]))
    return columns, rows


def communities_table(graph: nx.Graph, community: dict[str, int]) -> Table:
    members: dict[int, list[str]] = defaultdict(list)
    for node, n in community.items():
        members[n].append(graph.nodes[node].get("label") or agency_key(node))
    rows = [[n, len(names), "；".join(sorted(names))] for n, names in sorted(members.items())]
    return ["community", "size", "members"], rows


# ------------------------------------------------------------------------------ plan similarity
def _incidence(plans: list[str], values: dict[str, set[str]]) -> np.ndarray:
    """plans x distinct values, 1.0 where the plan has the value."""
    vocabulary = {v: n for n, v in enumerate(sorted({v for vs in values.values() for v in vs}))}
    matrix = np.zeros((len(plans), max(len(vocabulary), 1)), dtype=np.float64)
    for row, plan in enumerate(plans):
        for value in values.get(plan, ()):
            matrix[row, vocabulary[value]] = 1.0
    return matrix


def _jaccard_rows(matrix: np.ndarray, sizes: np.ndarray, rows: slice) -> np.ndarray:
    """Jaccard of the plans in `rows` with every plan (0 where both sets are empty)."""
    shared = matrix[rows] @ matrix.T
    union = sizes[rows, None] + sizes[None, :] - shared
    return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)


def _top_partners(similarity: np.ndarray, own: int, top_k: int, minimum: float) -> np.ndarray:
    """The partners kept for one plan: its top_k most similar (ties: the lower index, i.e. the
    earlier file name), with at least `minimum` similarity as written (4 decimals)."""
    values = similarity.copy()
    values[own] = -np.inf
    eligible = np.flatnonzero(np.round(values, 4) >= minimum)
    if top_k <= 0 or len(eligible) <= top_k:
        return eligible
    kth = np.partition(values[eligible], len(eligible) - top_k)[len(eligible) - top_k]
    above = eligible[values[eligible] > kth]
    ties = eligible[values[eligible] == kth][:top_k - len(above)]
    return np.concatenate([above, ties])


def similarity_table(store: Store, links: Iterable["ReuseLink"], plan_of_measure: dict[str, str],
                     settings: MetricSettings | None = None, stats: MetricStats | None = None) -> Table:
    """One row per kept pair of plans (each plan's `similar_plans` most similar partners with at
    least `min_similarity`, module docstring): Jaccard over agencies (name without jurisdiction),
    cited frameworks (cited-document IRIs) and indicators (indicator labels), their mean, and the
    number of reuse links between the two plans' measures."""
    settings = settings or MetricSettings()
    plans = _plans(store)
    agencies = _by_plan(store, """SELECT ?plan ?agency WHERE { GRAPH ?g { ?g pk:plan ?plan .
        ?a a pk:Assignment ; pk:agency ?agency } }""")
    agencies = {p: {agency_key(a) for a in values} for p, values in agencies.items()}
    frameworks = _by_plan(store, """SELECT ?plan ?doc WHERE { GRAPH ?g { ?g pk:plan ?plan .
        ?plan eli:cites ?doc } }""")
    indicators = _by_plan(store, """SELECT ?plan ?label WHERE { GRAPH ?g { ?g pk:plan ?plan .
        ?t a pk:Target ; pk:indicatorLabel ?label } }""")
    reuse: dict[frozenset, int] = defaultdict(int)
    for link in links:
        a, b = plan_of_measure.get(link.source), plan_of_measure.get(link.target)
        if a and b and a != b:
            reuse[frozenset((a, b))] += 1
    columns = ["source_a", "source_b", "agencies", "frameworks", "indicators", "similarity",
               "reuse_links"]
    ordered = sorted(plans, key=lambda p: plans[p]["source"])
    matrices = [_incidence(ordered, values) for values in (agencies, frameworks, indicators)]
    sizes = [m.sum(axis=1) for m in matrices]
    parts_of: dict[tuple[int, int], list[float]] = {}
    for first in range(0, len(ordered), _SIMILARITY_BLOCK):
        rows = slice(first, min(first + _SIMILARITY_BLOCK, len(ordered)))
        parts = [_jaccard_rows(m, size, rows) for m, size in zip(matrices, sizes)]
        mean = (parts[0] + parts[1] + parts[2]) / 3
        for offset in range(rows.stop - rows.start):
            own = first + offset
            for other in _top_partners(mean[offset], own, settings.similar_plans,
                                       settings.min_similarity).tolist():
                pair = (min(own, other), max(own, other))
                if pair not in parts_of:  # Jaccard is symmetric: either plan's row gives it
                    parts_of[pair] = [float(p[offset, other]) for p in parts]
    rows_out = []
    for a, b in sorted(parts_of):
        parts = parts_of[(a, b)]
        plan_a, plan_b = ordered[a], ordered[b]
        rows_out.append([plans[plan_a]["source"], plans[plan_b]["source"], *(round(x, 4) for x in parts),
                         round(sum(parts) / 3, 4), reuse.get(frozenset((plan_a, plan_b)), 0)])
    if stats is not None:
        stats.plan_pairs = len(ordered) * (len(ordered) - 1) // 2
        stats.similarity_pairs_kept = len(rows_out)
    return columns, rows_out


# ------------------------------------------------------------------------------ PMC features
PMC_FEATURES: dict[str, str] = {
    "level_province": "the plan's pk:level is province",
    "level_city": "the plan's pk:level is city (prefecture level)",
    "issued_by_government": "the issuer's name contains 人民政府 (government or its general office, "
                            "not a single department)",
    "time_span_gt_3": f"pk:periodEnd - pk:periodStart >= {LONG_SPAN_YEARS} years",
    "supply_instruments": "at least one measure's primary instrument is supply-side",
    "demand_instruments": "at least one measure's primary instrument is demand-side",
    "environment_instruments": "at least one measure's primary instrument is environment-side",
    "all_pillars": "the primary pillars of the measures cover all six pillars",
    "targets_present": "the plan has at least one pk:Target",
    "targets_with_deadline": "at least one target has a pk:deadlineYear",
    "lead_agencies_named": "at least one assignment has pk:role pk:LeadRole",
    "supervision_evaluation": "a safeguard measure's title or body mentions supervision or evaluation "
                              "(督查 督导 督促 考核 考评 评估 监测 检查 通报)",
    "funding_safeguard": "a safeguard measure's title or body mentions money (资金 经费 财政 投入 财力)",
    "leading_group": "the plan has a pk:LeadingGroup, or a measure mentions 领导小组/联席会议",
    "cites_national_framework": "the plan cites (eli:cites) one of the loaded framework texts",
    "reuses_national_framework": "at least one measure has a reuse link to a framework item",
}


def pmc_table(store: Store, measures: list["MeasureRecord"], links: Iterable["ReuseLink"],
              primary_instruments: dict[str, str], primary_pillars: dict[str, str],
              framework_cited: list[str]) -> Table:
    """One row per plan, one 0/1 column per PMC_FEATURES entry (in that order)."""
    plans = _plans(store)
    targets = _by_plan(store, """SELECT ?plan ?t WHERE { GRAPH ?g { ?g pk:plan ?plan .
        ?t a pk:Target } }""")
    deadlines = _by_plan(store, """SELECT ?plan ?t WHERE { GRAPH ?g { ?g pk:plan ?plan .
        ?t a pk:Target ; pk:deadlineYear ?y } }""")
    leads = _by_plan(store, f"""SELECT ?plan ?a WHERE {{ GRAPH ?g {{ ?g pk:plan ?plan .
        ?a a pk:Assignment ; pk:role <{PK}LeadRole> }} }}""")
    groups = _by_plan(store, """SELECT ?plan ?grp WHERE { GRAPH ?g { ?g pk:plan ?plan .
        ?grp a pk:LeadingGroup } }""")
    cites = _by_plan(store, """SELECT ?plan ?doc WHERE { GRAPH ?g { ?g pk:plan ?plan .
        ?plan eli:cites ?doc } }""")
    by_plan: dict[str, list] = defaultdict(list)
    for m in measures:
        by_plan[m.plan].append(m)
    reusing = {link.source for link in links if link.target.startswith(ID + "framework/")}
    rows = []
    for plan, info in sorted(plans.items(), key=lambda p: p[1]["source"]):
        ms = by_plan.get(plan, [])
        types = {primary_instruments[m.iri] for m in ms if m.iri in primary_instruments}
        safeguards = [m.title + m.text for m in ms if m.kind == "safeguard"]
        span = info["end"] - info["start"] if info["start"] and info["end"] else None
        values = {
            "level_province": info["level"] == "province",
            "level_city": info["level"] == "city",
            "issued_by_government": "人民政府" in info["issuer"],
            "time_span_gt_3": span is not None and span >= LONG_SPAN_YEARS,
            "supply_instruments": "supply" in types,
            "demand_instruments": "demand" in types,
            "environment_instruments": "environment" in types,
            "all_pillars": len({primary_pillars[m.iri] for m in ms if m.iri in primary_pillars}) == 6,
            "targets_present": bool(targets.get(plan)),
            "targets_with_deadline": bool(deadlines.get(plan)),
            "lead_agencies_named": bool(leads.get(plan)),
            "supervision_evaluation": any(SUPERVISION_WORDS.search(t) for t in safeguards),
            "funding_safeguard": any(FUNDING_WORDS.search(t) for t in safeguards),
            "leading_group": bool(groups.get(plan)) or any(LEADING_GROUP_WORDS.search(m.text) for m in ms),
            "cites_national_framework": bool(cites.get(plan, set()) & set(framework_cited)),
            "reuses_national_framework": any(m.iri in reusing for m in ms),
        }
        rows.append([info["source"], *(int(values[name]) for name in PMC_FEATURES)])
    return ["source", *PMC_FEATURES], rows


def compute_tables(store: Store, measures: list["MeasureRecord"], links: list["ReuseLink"],
                   primary_instruments: dict[str, str], primary_pillars: dict[str, str], *,
                   framework_cited: list[str], settings: MetricSettings | None = None,
                   stats: MetricStats | None = None) -> dict[str, Table]:
    """centrality, communities, similarity and pmc_features tables (`stats`: what the caps did)."""
    settings = settings or MetricSettings()
    graph = co_responsibility_graph(store)  # graph/export/projections.py: from the responsibilities query
    community = communities(graph)
    plan_of_measure = {m.iri: m.plan for m in measures}
    samples = betweenness_sources(graph.number_of_nodes(), settings.betweenness_samples)
    return {
        "centrality": centrality_table(graph, community, samples=samples, stats=stats),
        "communities": communities_table(graph, community),
        "similarity": similarity_table(store, links, plan_of_measure, settings, stats),
        "pmc_features": pmc_table(store, measures, links, primary_instruments, primary_pillars,
                                  framework_cited),
    }


def write_csv(tables: dict[str, Table], folder: Path) -> list[Path]:
    """One `<name>.csv` per table (UTF-8 with a header row); returns the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (columns, rows) in sorted(tables.items()):
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([["" if v is None else v for v in row] for row in rows])
        written.append(path)
    return written


__all__ = ["BETWEENNESS_EXACT_MAX_NODES", "BETWEENNESS_SAMPLES", "BETWEENNESS_SEED", "LONG_SPAN_YEARS",
           "MetricSettings", "MetricStats", "PMC_FEATURES", "SIMILAR_PLANS_TOP_K", "SIMILARITY_MINIMUM",
           "agency_key", "betweenness_sources", "centrality_table",
           "communities", "communities_table", "compute_tables", "jaccard", "plan_places", "plan_sources",
           "pmc_table",
           "similarity_table", "write_csv"]
