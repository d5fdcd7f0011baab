"""The ontology, SHACL shapes and SKOS vocabularies that ship with policykg, and their namespaces.

Files here are package data (`policykg.ontology`): `policykg.ttl` (OWL terms), `shapes.ttl` (SHACL),
`agency_types.ttl` (SKOS). `PK` is the single namespace of our own terms (DESIGN.md
"Vocabularies"); `ID` is where data IRIs live. `vocab.py` reads the SKOS files into plain data so
that extract/ can use the word lists without knowing RDF.
"""
from __future__ import annotations

from pathlib import Path

PK = "https://w3id.org/policykg/ns#"
ID = "https://w3id.org/policykg/id/"

HERE = Path(__file__).resolve().parent


def ontology_file(name: str) -> Path:
    """Path of a shipped ontology file, e.g. ontology_file("shapes.ttl")."""
    return HERE / name


# Vocabularies we reuse (DESIGN.md "Vocabularies to align with"), as plain strings so that
# modules without RDF libraries can name them. docs/ontology.md says which term is used where.
ELI = "http://data.europa.eu/eli/ontology#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OA = "http://www.w3.org/ns/oa#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Prefix -> namespace, used for Turtle/SPARQL headers and for shortening IRIs in messages.
PREFIXES = {
    "pk": PK, "id": ID, "eli": ELI, "org": ORG, "prov": PROV, "skos": SKOS, "oa": OA,
    "dcterms": DCTERMS, "schema": SCHEMA, "foaf": FOAF, "rdf": RDF, "rdfs": RDFS, "owl": OWL,
    "xsd": XSD,
}
