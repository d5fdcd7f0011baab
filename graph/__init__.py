"""graph/: ExtractionResult -> RDF quads, the Oxigraph store, validation, projections and exports.

Reads only ExtractionResults (never raw text). Partners: extract/result.py (input),
queries/ (the named SPARQL queries run against the store).
"""
