"""The defaults of the caps `policykg analyze` applies to large corpora (issue #24), in a module of
their own so that the CLI can show them without importing the analysis (datasketch, networkx).

text_reuse.py and metrics.py say what each cap does; analysis_graph.py records the values used on
the graph node id:graph/analysis. DOCS: docs/analysis.md#caps
"""
from __future__ import annotations

BOILERPLATE_SHARE = 0.05    # a shingle in the measures of more than this share of the plans ...
BOILERPLATE_MIN_PLANS = 20  # ... and of more than this many plans is boilerplate between measures
TOP_K_MEASURES = 5          # measure targets kept per reusing measure (0: all); framework links: all

SIMILAR_PLANS_TOP_K = 10    # plan pairs kept: each plan's k most similar partners (0: every pair)
SIMILARITY_MINIMUM = 0.0    # ... with at least this similarity

BETWEENNESS_EXACT_MAX_NODES = 2000  # exact betweenness up to this many agencies, else sampled
BETWEENNESS_SAMPLES = 256           # sampled source agencies when estimated
BETWEENNESS_SEED = 1

__all__ = ["BETWEENNESS_EXACT_MAX_NODES", "BETWEENNESS_SAMPLES", "BETWEENNESS_SEED", "BOILERPLATE_MIN_PLANS",
           "BOILERPLATE_SHARE", "SIMILARITY_MINIMUM", "SIMILAR_PLANS_TOP_K", "TOP_K_MEASURES"]
