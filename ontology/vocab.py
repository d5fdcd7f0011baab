"""The shipped SKOS vocabularies as plain Python data, for code that must not know RDF.

extract/ recognises agency types with `classify_agency(name)`; the word lists live in
`ontology/agency_types.ttl` (STYLE.md §8: add data there, not here). Parsed once with pyoxigraph
and cached. This module imports nothing from graph/ (DESIGN.md "Data flow").
"""
from __future__ import annotations

import copy
import re
import unicodedata
from functools import lru_cache

import pyoxigraph

from . import PK, SKOS, ontology_file

_SCHEME = "https://w3id.org/policykg/id/agency-type"
_TYPE_BASE = _SCHEME + "/"

# A trailing bracketed alias: 市市场监管局(知识产权局) -> 市市场监管局 + 知识产权局.
_TRAILING_ALIAS = re.compile(r"^(?P<head>.+?)\((?P<alias>[^()]*)\)$")


def _norm(text: str) -> str:
    """NFKC (full-width brackets -> ASCII) and no whitespace: how names and endings compare."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=1)
def _load_agency_types() -> tuple[tuple[dict, ...], dict[str, dict]]:
    values: dict[str, dict[str, list[str]]] = {}
    lang: dict[tuple[str, str], str] = {}
    wanted = {
        SKOS + "notation": "notation", SKOS + "altLabel": "alt_zh", SKOS + "broader": "broader",
        PK + "nameSuffix": "suffixes", PK + "namePrefix": "prefixes",
        PK + "nameContains": "contains",
    }
    for quad in pyoxigraph.parse(path=ontology_file("agency_types.ttl")):
        subject, predicate, obj = quad.subject.value, quad.predicate.value, quad.object
        if not subject.startswith(_TYPE_BASE):
            continue
        if predicate == SKOS + "prefLabel":
            lang[(subject, obj.language or "")] = obj.value
        elif predicate in wanted:
            values.setdefault(subject, {}).setdefault(wanted[predicate], []).append(obj.value)
    categories: dict[str, dict] = {}
    types: list[dict] = []
    for subject in sorted(values):
        data = values[subject]
        notation = data["notation"][0]
        entry = {
            "notation": notation,
            "iri": subject,
            "pref_zh": lang.get((subject, "zh")),
            "pref_en": lang.get((subject, "en")),
            "alt_zh": sorted(data.get("alt_zh", [])),
            "suffixes": sorted(data.get("suffixes", []), key=lambda s: (-len(s), s)),
            "prefixes": sorted(data.get("prefixes", [])),
            "contains": sorted(data.get("contains", [])),
        }
        broader = data.get("broader")
        if broader is None:
            categories[subject] = entry
        else:
            entry["category_iri"] = broader[0]
            types.append(entry)
    for entry in types:
        entry["category"] = categories[entry.pop("category_iri")]["notation"]
    return tuple(types), {c["notation"]: c for c in categories.values()}


def agency_types() -> list[dict]:
    """Every agency type of ontology/agency_types.ttl (the seven categories excluded).

    RETURNS (list[dict]): one dict per type, sorted by notation, with keys `notation`
        ("market-regulation"), `iri`, `pref_zh`, `pref_en`, `alt_zh` (abbreviations),
        `suffixes` (name endings, longest first), `prefixes`, `contains` and `category`
        (one of party, government, judicial, regulator, institution, enterprise, collective).
        Copies: changing them does not change the cache.
    """
    types, _ = _load_agency_types()
    return sorted((copy.deepcopy(t) for t in types), key=lambda t: t["notation"])


def agency_categories() -> list[dict]:
    """The seven top concepts (`notation`, `iri`, `pref_zh`, `pref_en`)."""
    _, categories = _load_agency_types()
    return [{k: c[k] for k in ("notation", "iri", "pref_zh", "pref_en")}
            for c in sorted(categories.values(), key=lambda c: c["notation"])]


def agency_type_iri(notation: str) -> str:
    """IRI of the agency-type concept with this notation (whether or not it exists)."""
    return _TYPE_BASE + notation


def _best_type(name: str) -> tuple[dict, str] | None:
    types, _ = _load_agency_types()
    best: tuple[tuple, dict, str] | None = None
    for entry in types:
        prefixes = [_norm(p) for p in entry["prefixes"]]
        contains = [_norm(c) for c in entry["contains"]]
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        if contains and not any(c in name for c in contains):
            continue
        constrained = bool(prefixes or contains)
        if entry["suffixes"]:
            matched = [s for s in (_norm(s) for s in entry["suffixes"]) if name.endswith(s)]
            if not matched:
                continue
            suffix = max(matched, key=len)
        elif constrained:
            suffix = ""  # prefix-only type: matches, but loses to any suffix match
        else:
            continue
        # Longest ending first; a constrained type wins a tie; notation keeps it deterministic.
        key = (len(suffix) > 0, len(suffix), constrained, entry["notation"])
        if best is None or key[:3] > best[0][:3] or (key[:3] == best[0][:3] and key[3] < best[0][3]):
            best = (key, entry, suffix)
    return None if best is None else (best[1], best[2])


def classify_agency(name: str) -> dict | None:
    """The agency type of a name, by its longest known ending (ontology/agency_types.ttl).

    A trailing bracketed alias is tried after the head: 市市场监管局(知识产权局) is a
    market-regulation unit; (知识产权局) alone would say ip-office.
    name (str): an agency name as printed or in full.
    RETURNS (dict | None): the type as in `agency_types()` plus `matched_suffix`, or None.
    """
    text = _norm(name or "")
    if not text:
        return None
    candidates = [text]
    alias = _TRAILING_ALIAS.match(text)
    if alias and not text.startswith("各"):
        candidates = [alias.group("head"), alias.group("alias"), text]
    for candidate in candidates:
        found = _best_type(candidate)
        if found is not None:
            entry, suffix = found
            result = copy.deepcopy(entry)
            result["matched_suffix"] = suffix
            return result
    return None
