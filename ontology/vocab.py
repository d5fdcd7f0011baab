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


@lru_cache(maxsize=1)
def _normalised_types() -> tuple[tuple[dict, list[str], list[str], list[str]], ...]:
    """Each type with its prefixes, contains and suffixes normalised once (not on every call)."""
    types, _ = _load_agency_types()
    return tuple((entry, [_norm(p) for p in entry["prefixes"]], [_norm(c) for c in entry["contains"]],
                  [_norm(x) for x in entry["suffixes"]]) for entry in types)


@lru_cache(maxsize=1)
def _types_by_ending() -> tuple[dict[str, list[tuple[int, str]]], tuple[int, ...], tuple[int, ...]]:
    """The types indexed by name ending, so `_best_type` looks up the name's few endings instead
    of testing every type's suffix list (~3 % of extraction, profiled in issue 24).

    RETURNS: (ending -> [(type index, suffix)], lengths of the endings longest first, indices of
        the types that match without an ending: no suffix of their own, but a prefix or a
        "contains" word that constrains them)."""
    by_ending: dict[str, list[tuple[int, str]]] = {}
    unsuffixed: list[int] = []
    for index, (entry, prefixes, contains, suffixes) in enumerate(_normalised_types()):
        if entry["suffixes"]:
            for suffix in dict.fromkeys(suffixes):
                by_ending.setdefault(suffix, []).append((index, suffix))
        elif prefixes or contains:
            unsuffixed.append(index)
    lengths = tuple(sorted({len(ending) for ending in by_ending}, reverse=True))
    return by_ending, lengths, tuple(unsuffixed)


def _best_type(name: str) -> tuple[dict, str] | None:
    """The type whose longest matching ending is longest; a type constrained by a prefix or a
    "contains" word wins a tie, then the smaller notation. A prefix-only type matches with the
    ending "" and loses to any ending."""
    types = _normalised_types()
    by_ending, lengths, unsuffixed = _types_by_ending()
    suffix_of: dict[int, str] = {}   # type index -> its longest suffix the name ends with
    for length in lengths:
        if length > len(name):
            continue
        for index, suffix in by_ending.get(name[len(name) - length:], ()):
            suffix_of.setdefault(index, suffix)
    for index in unsuffixed:
        suffix_of.setdefault(index, "")
    best: tuple[tuple, dict, str] | None = None
    for index, suffix in suffix_of.items():
        entry, prefixes, contains, _ = types[index]
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        if contains and not any(c in name for c in contains):
            continue
        constrained = bool(prefixes or contains)
        # Longest ending first; a constrained type wins a tie; notation keeps it deterministic.
        key = (len(suffix) > 0, len(suffix), constrained, entry["notation"])
        if best is None or key[:3] > best[0][:3] or (key[:3] == best[0][:3] and key[3] < best[0][3]):
            best = (key, entry, suffix)
    return None if best is None else (best[1], best[2])


@lru_cache(maxsize=8192)
def _classify_cached(name: str) -> dict | None:
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
            result = dict(entry)
            result["matched_suffix"] = suffix
            return result
    return None


def classify_agency(name: str) -> dict | None:
    """The agency type of a name, by its longest known ending (ontology/agency_types.ttl).

    A trailing bracketed alias is tried after the head: 市市场监管局(知识产权局) is a
    market-regulation unit; (知识产权局) alone would say ip-office.
    name (str): an agency name as printed or in full.
    RETURNS (dict | None): the type as in `agency_types()` plus `matched_suffix`, or None.
    """
    found = _classify_cached(name or "")
    return _copy_type(found) if found is not None else None


def _copy_type(entry: dict) -> dict:
    """A deep copy of an agency type dict, whose values are strings, None or lists of strings:
    the same as copy.deepcopy, without its generic walk (~1 % of extraction, issue 24)."""
    return {key: list(value) if isinstance(value, list) else value for key, value in entry.items()}


# ---------------------------------------------------------------- framework registry
_FW_BASE = "https://w3id.org/policykg/id/framework/"
_ELI = "http://data.europa.eu/eli/ontology#"


def _title_key(text: str) -> str:
    """How titles compare: NFKC, no spaces, quotes or 《》〈〉, one kind of dash and bracket."""
    text = _norm(text or "")
    text = re.sub(r"[\"'“”‘’《》〈〉「」『』·・<>]", "", text)
    text = text.translate(str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "—": "-", "–": "-", "―": "-", "－": "-", "~": "-", "～": "-"}))
    return re.sub(r"-+", "-", text)


@lru_cache(maxsize=1)
def _load_frameworks() -> tuple[tuple[dict, ...], dict[str, dict]]:
    values: dict[str, dict[str, list]] = {}
    wanted = {SKOS + "prefLabel": "pref", SKOS + "altLabel": "alt", _ELI + "id_local": "doc_number",
              PK + "level": "level", PK + "docKind": "kind", PK + "issuerName": "issuer", PK + "year": "year",
              _ELI + "date_document": "date"}
    for quad in pyoxigraph.parse(path=ontology_file("frameworks.ttl")):
        subject, predicate, obj = quad.subject.value, quad.predicate.value, quad.object
        if subject.startswith(_FW_BASE) and predicate in wanted:
            key = wanted[predicate]
            if key == "pref":
                key = "title" if getattr(obj, "language", None) == "zh" else "title_en"
            values.setdefault(subject, {}).setdefault(key, []).append(obj.value)
    entries, index = [], {}
    for iri in sorted(values):
        v = values[iri]
        entry = {"id": iri[len(_FW_BASE):], "iri": iri, "title": v["title"][0],
                 "title_en": (v.get("title_en") or [None])[0], "aliases": sorted(v.get("alt", [])),
                 "doc_number": (v.get("doc_number") or [None])[0], "level": v["level"][0], "kind": v["kind"][0],
                 "issuer": (v.get("issuer") or [None])[0], "year": int(v["year"][0]) if v.get("year") else None,
                 "date": (v.get("date") or [None])[0]}
        entries.append(entry)
        for name in [entry["title"], *entry["aliases"], entry["doc_number"]]:
            if name:
                index.setdefault(_title_key(name), entry)
    return tuple(entries), index


def frameworks() -> list[dict]:
    """Every entry of ontology/frameworks.ttl: id, iri, title, title_en, aliases, doc_number,
    level (central | ministerial | provincial), kind, issuer, year, date. Copies."""
    entries, _ = _load_frameworks()
    return [copy.deepcopy(e) for e in entries]


def resolve_framework(*names: str | None) -> dict | None:
    """The registry entry one of these names denotes (title, alias or 发文字号), else None.

    A title with its years dropped is tried too: 知识产权强国建设纲要 names the (2021—2035年) one.
    """
    _, index = _load_frameworks()
    for name in names:
        if not name:
            continue
        key = _title_key(name)
        for candidate in (key, re.sub(r"\((?:19|20)\d\d[^()]*\)$", "", key), re.sub(r"^中华人民共和国", "", key)):
            if candidate in index:
                return copy.deepcopy(index[candidate])
    return None


# ---------------------------------------------------------------- indicators
_IND_BASE = "https://w3id.org/policykg/id/indicator/"


@lru_cache(maxsize=1)
def _load_indicators() -> tuple[dict, ...]:
    values: dict[str, dict[str, list]] = {}
    for quad in pyoxigraph.parse(path=ontology_file("indicators.ttl")):
        subject, predicate, obj = quad.subject.value, quad.predicate.value, quad.object
        if not subject.startswith(_IND_BASE):
            continue
        if predicate == SKOS + "prefLabel":
            values.setdefault(subject, {}).setdefault("pref_" + (obj.language or ""), []).append(obj.value)
        elif predicate == SKOS + "altLabel":
            values.setdefault(subject, {}).setdefault("alt", []).append(obj.value)
        elif predicate == SKOS + "notation":
            values.setdefault(subject, {})["notation"] = [obj.value]
        elif predicate == PK + "unit":
            values.setdefault(subject, {})["unit"] = [obj.value]
    return tuple({"notation": v["notation"][0], "iri": iri, "pref_zh": v["pref_zh"][0], "pref_en": v["pref_en"][0],
                  "alt_zh": sorted(v.get("alt", [])), "unit": (v.get("unit") or [None])[0]}
                 for iri, v in sorted(values.items()))


@lru_cache(maxsize=1)
def _indicator_keys() -> tuple[tuple[dict, str], ...]:
    return tuple((entry, _title_key(label)) for entry in _load_indicators()
                 for label in [entry["pref_zh"], *entry["alt_zh"]] if _title_key(label))


def indicators() -> list[dict]:
    """Every indicator concept of ontology/indicators.ttl (notation, iri, pref_zh, pref_en, alt_zh, unit)."""
    return [copy.deepcopy(i) for i in _load_indicators()]


def match_indicator(text: str | None) -> dict | None:
    """The indicator concept a target's indicator text names: the longest label or alias contained
    in it (每万人口高价值发明专利拥有量 beats 发明专利), else the shortest label containing it."""
    key = _title_key(text or "")
    if len(key) < 2:
        return None
    best, best_len = None, 0
    for entry, lk in _indicator_keys():
        if lk in key and len(lk) > best_len:
            best, best_len = entry, len(lk)
    if best is None and len(key) >= 4:
        found = [(len(lk), entry) for entry, lk in _indicator_keys() if key in lk]
        best = min(found, key=lambda x: x[0])[1] if found else None
    return copy.deepcopy(best) if best else None
