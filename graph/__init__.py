"""graph/: ExtractionResult -> RDF quads, the Oxigraph store, validation, projections and exports.

Subpackages hold the concerns that read the built store: graph/export/ (subgraph exports and the
networkx projections) and graph/analysis/ (`policykg analyze`: reuse, classification, metrics).

Reads only ExtractionResults (never raw text). Partners: extract/result.py (input),
queries/ (the named SPARQL queries run against the store).
"""
