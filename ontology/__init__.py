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
