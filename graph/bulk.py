"""Whole-store files: dump a store to N-Quads or TriG, and rebuild a fresh store from such a dump.

A dump is how a large corpus leaves this machine (docs/scale.md): every quad, every named graph,
streamed by Oxigraph without holding the store in memory. `restore_dump` uses Oxigraph's
`bulk_load`, which is fast but NOT transactional, so it only writes into a new or empty store
(a failure half way leaves a store to delete, never a damaged one that held data before).
Partners: policykg/cli/dump.py (`policykg dump`, `policykg restore`), graph/store.py.
"""
from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import PolicyKGError

from .store import Store

# --format value -> (pyoxigraph format, usual file suffix)
DUMP_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "nq": (ox.RdfFormat.N_QUADS, ".nq"),
    "trig": (ox.RdfFormat.TRIG, ".trig"),
}
_SUFFIX_FORMATS = {".nq": "nq", ".nquads": "nq", ".trig": "trig"}

PREFIXES = {
    "pk": "https://w3id.org/policykg/ns#",
    "id": "https://w3id.org/policykg/id/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def dump_format(name: str | None, path: str | os.PathLike[str] | None = None) -> str:
    """The dump format: `name` if given, else guessed from the file suffix, else N-Quads."""
    if name:
        if name not in DUMP_FORMATS:
            raise PolicyKGError(f"unknown dump format {name!r}; use one of: {', '.join(DUMP_FORMATS)}")
        return name
    suffix = Path(path).suffix.lower() if path else ""
    return _SUFFIX_FORMATS.get(suffix, "nq")


def dump_store(store: Store, output: str | os.PathLike[str] | object, format: str = "nq") -> None:
    """Write every quad of `store` (documents and vocabularies, each in its named graph) to
    `output` (a path or a binary file object), streaming.
    RAISES: PolicyKGError (unknown format, cannot write)."""
    rdf_format, _ = DUMP_FORMATS[dump_format(format)]
    prefixes = PREFIXES if rdf_format == ox.RdfFormat.TRIG else None
    target = str(output) if isinstance(output, (str, os.PathLike)) else output
    try:
        store.raw.dump(target, rdf_format, prefixes=prefixes)
    except OSError as e:
        raise PolicyKGError(f"cannot write the dump to {output}: {e}") from None


def restore_dump(path: str | os.PathLike[str], store: Store, format: str | None = None) -> int:
    """Load a dump made by `dump_store` into `store`, which must be empty (bulk loading is not
    transactional). RETURNS (int): the number of quads in the store afterwards.
    RAISES: PolicyKGError (non-empty store, unreadable or malformed dump)."""
    source = Path(path)
    if not source.is_file():
        raise PolicyKGError(f"{source}: no such dump file")
    if len(store) > 0:
        raise PolicyKGError(f"the store at {store.path} is not empty; restore into a new --store "
                            "(bulk loading is not transactional)")
    rdf_format, _ = DUMP_FORMATS[dump_format(format, source)]
    try:
        store.raw.bulk_load(path=str(source), format=rdf_format)
    except SyntaxError as e:
        raise PolicyKGError(f"{source}: not a valid {rdf_format.name} dump: {' '.join(str(e).split())}") from None
    except OSError as e:
        raise PolicyKGError(f"cannot restore {source}: {e}") from None
    store.flush()
    return len(store)
