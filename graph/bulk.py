"""Whole-store files: dump a store to N-Quads or TriG, and rebuild a fresh store from such a dump.

A dump is how a large corpus leaves this machine (docs/scale.md): every quad, every named graph,
streamed by Oxigraph without holding the store in memory, written under a temporary name and
renamed when complete, and ended by a trailer line with its quad count and SHA-256, which
`restore_dump` checks before loading anything (a cut or damaged dump is refused, docs/scale.md).
`restore_dump` uses Oxigraph's
`bulk_load`, which is fast but NOT transactional, so it only writes into a new or empty store
(a failure half way leaves a store to delete, never a damaged one that held data before).
Partners: policykg/cli/dump.py (`policykg dump`, `policykg restore`), graph/store.py.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
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

# The last line of every dump: a comment in both N-Quads and TriG, so other tools still load it.
TRAILER = "# policykg-dump"
_TRAILER_LINE = re.compile(rb"# policykg-dump quads=(\d+) sha256=([0-9a-f]{64})\r?\n?")
_TAIL_BYTES = 4096
_READ_BYTES = 1 << 20

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


def dump_store(store: Store, output: str | os.PathLike[str] | object, format: str = "nq") -> int:
    """Write every quad of `store` (documents and vocabularies, each in its named graph) to
    `output` (a path or a binary file object), streaming, then one trailer comment line
    `# policykg-dump quads=N sha256=HEX` (HEX: the SHA-256 of every byte before that line), which
    `restore_dump` checks. A path is written as a temporary file in the same folder and renamed
    at the end, so a killed dump never leaves a file under the target's name.
    RETURNS (int): the number of quads written.
    RAISES: PolicyKGError (unknown format, cannot write)."""
    rdf_format, _ = DUMP_FORMATS[dump_format(format)]
    prefixes = PREFIXES if rdf_format == ox.RdfFormat.TRIG else None
    if not isinstance(output, (str, os.PathLike)):
        return _dump_to(store, output, rdf_format, prefixes)
    target = Path(output)
    folder = target.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    except OSError as e:
        raise PolicyKGError(f"cannot write the dump to {output}: {e.strerror or e}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            count = _dump_to(store, file, rdf_format, prefixes, where=str(output))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException as e:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise PolicyKGError(f"cannot write the dump to {output}: {e.strerror or e}") from None
        raise
    return count


class _HashingWriter:
    """A binary file wrapper that hashes what goes through it (pyoxigraph writes into it)."""

    def __init__(self, file: object):
        self.file = file
        self.sha256 = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        return self.file.write(data)  # type: ignore[attr-defined]

    def flush(self) -> None:
        self.file.flush()  # type: ignore[attr-defined]


def _dump_to(store: Store, file: object, rdf_format: ox.RdfFormat, prefixes: dict | None, *,
             where: str = "the output") -> int:
    count = len(store)  # the CLI holds the store's lock: no writer can change it meanwhile
    writer = _HashingWriter(file)
    try:
        store.raw.dump(writer, rdf_format, prefixes=prefixes)
        writer.file.write(f"{TRAILER} quads={count} sha256={writer.sha256.hexdigest()}\n".encode("ascii"))  # type: ignore[attr-defined]
    except OSError as e:
        raise PolicyKGError(f"cannot write the dump to {where}: {e.strerror or e}") from None
    return count


@dataclass(frozen=True)
class DumpCheck:
    """What a dump's trailer promises: its quad count, and that its bytes are intact."""

    quads: int
    sha256: str


def verify_dump(path: str | os.PathLike[str]) -> DumpCheck:
    """Check a dump against its trailer line before anything is loaded.
    RAISES: PolicyKGError naming the file: missing, no trailer (cut short, or not made by
    `policykg dump`), or bytes that do not match the checksum (damaged)."""
    source = Path(path)
    if not source.is_file():
        raise PolicyKGError(f"{source}: no such dump file")
    try:
        with source.open("rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - _TAIL_BYTES))
            tail = file.read()
            newline = tail.rfind(b"\n", 0, max(0, len(tail) - 1))  # the end of the line before the last
            at = newline + 1 if newline >= 0 else (0 if size <= _TAIL_BYTES else -1)
            match = _TRAILER_LINE.fullmatch(tail[at:]) if at >= 0 else None
            if match is None:
                raise PolicyKGError(
                    f"{source}: incomplete dump (no `{TRAILER}` end line: it was cut short, or not "
                    "made by `policykg dump`); dump the store again, or restore with --no-verify")
            body = size - (len(tail) - at)
            digest = hashlib.sha256()
            file.seek(0)
            left = body
            while left > 0:
                chunk = file.read(min(_READ_BYTES, left))
                if not chunk:
                    break
                digest.update(chunk)
                left -= len(chunk)
    except OSError as e:
        raise PolicyKGError(f"cannot read {source}: {e.strerror or e}") from None
    expected = match.group(2).decode("ascii")
    if digest.hexdigest() != expected:
        raise PolicyKGError(f"{source}: damaged dump (its SHA-256 does not match the one recorded at "
                            "its end); dump the store again")
    return DumpCheck(int(match.group(1)), expected)


def restore_dump(path: str | os.PathLike[str], store: Store, format: str | None = None, *,
                 verify: bool = True, checked: DumpCheck | None = None) -> int:
    """Load a dump made by `dump_store` into `store`, which must be empty (bulk loading is not
    transactional). With `verify`, the dump is checked against its trailer first (see
    `verify_dump`: a cut or damaged dump is refused before anything is written) and the store
    must hold the recorded number of quads afterwards. `checked`: the dump's `verify_dump`
    already done by the caller (not read twice).
    RETURNS (int): the number of quads in the store afterwards.
    RAISES: PolicyKGError (non-empty store, unreadable, cut, damaged or malformed dump)."""
    source = Path(path)
    if not source.is_file():
        raise PolicyKGError(f"{source}: no such dump file")
    if len(store) > 0:
        raise PolicyKGError(f"the store at {store.path} is not empty; restore into a new --store "
                            "(bulk loading is not transactional)")
    check = (checked or verify_dump(source)) if verify else None
    rdf_format, _ = DUMP_FORMATS[dump_format(format, source)]
    try:
        store.raw.bulk_load(path=str(source), format=rdf_format)
    except SyntaxError as e:
        raise PolicyKGError(f"{source}: not a valid {rdf_format.name} dump: {' '.join(str(e).split())}") from None
    except OSError as e:
        raise PolicyKGError(f"cannot restore {source}: {e}") from None
    store.flush()
    count = len(store)
    if check is not None and count != check.quads:
        raise PolicyKGError(f"{source}: restored {count} quads but the dump records {check.quads}; "
                            f"delete {store.path} and dump the store again")
    return count
