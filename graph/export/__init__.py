"""graph/export/: the store seen from outside, as files and as networkx graphs.

`exporters` selects a subgraph and writes it in one of the `EXPORTERS` formats (RDF, GraphML,
GEXF, CSV); `projections` turns RDF into a property graph (`rdf_to_networkx`) and holds the
researchers' projections (responsibility, plan-responsibility, co-responsibility,
plan-framework) that policykg/api.py, graph/analysis/metrics.py and the views use.
DOCS: docs/export.md, docs/api.md
"""
