"""policykg: Chinese IP policy plans -> an RDF knowledge graph in Oxigraph.

Subpackages live in the repository's top-level folders (DESIGN.md "Layout"):
`policykg.extract` (extract/), `policykg.graph` (graph/), `policykg.queries` (queries/),
`policykg.viz` (viz/), `policykg.ontology` (ontology/); `policykg.cli` is the command line.
"""
__version__ = "0.1.0"
