"""The gazetteer as RDF: every GB/T 2260 unit of extract/gazetteer.py in its own named graph
`id:graph/places`, as `schema:AdministrativeArea` entities `id:place/{code}` with parent, code,
level, Chinese and pinyin names and WGS84 coordinates. Plans link to these IRIs (graph/rdf.py).
The graph is loaded once per store and reloaded only when the gazetteer's data changes.
DOCS: docs/places.md#the-places-graph
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Quad

from ..extract.gazetteer import PATTERNS, Place, by_code, parent_of, places, places_named, short_names
from ..ontology import DCTERMS, ID, PK, RDF, RDFS, SCHEMA, SKOS, XSD

PLACES_GRAPH = NamedNode(ID + "graph/places")
WGS84 = "http://www.w3.org/2003/01/geo/wgs84_pos#"
# Bump when the shape of the places graph changes (the data's own hash is added to it).
PLACES_GRAPH_VERSION = "1"

# fmt: off
# administrative endings and their romanised forms (as in official pinyin names: Hengyang Shi)
_ENDINGS = [("特别行政区", "Tebie Xingzhengqu"), ("自治区", "Zizhiqu"), ("自治州", "Zizhizhou"),
            ("自治县", "Zizhixian"), ("自治旗", "Zizhiqi"), ("地区", "Diqu"), ("林区", "Linqu"),
            ("省", "Sheng"), ("市", "Shi"), ("县", "Xian"), ("区", "Qu"), ("盟", "Meng"), ("旗", "Qi"),
            ("州", "Zhou")]
# fmt: on
_VOWEL_START = re.compile(r"^[aoe]")


def place_entity_iri(code: str) -> NamedNode:
    """The gazetteer entity for a 6-digit GB/T 2260 code: `id:place/430400`."""
    return NamedNode(ID + "place/" + code)


@lru_cache(maxsize=1)
def _readings() -> dict[str, str]:
    """Place-name readings pypinyin gets wrong (朝阳 Chaoyang), shared with extract/'s agency
    names: extract/patterns/place_readings.json."""
    data = json.loads((PATTERNS / "place_readings.json").read_text(encoding="utf-8"))
    return {k: v.lower() for k, v in data.items() if not k.startswith("_")}


def _syllables(text: str) -> list[str]:
    """Pinyin pieces of `text`: a known place-name reading is one piece, else one per character."""
    from pypinyin import Style, lazy_pinyin

    readings = _readings()
    out: list[str] = []
    i = 0
    while i < len(text):
        for n in range(min(4, len(text) - i), 1, -1):
            if text[i:i + n] in readings:
                out.append(readings[text[i:i + n]])
                i += n
                break
        else:
            j = i + 1
            while j < len(text) and not any(text[j:j + n] in readings for n in (2, 3, 4)):
                j += 1
            out += lazy_pinyin(text[i:j], style=Style.NORMAL, v_to_u=True, errors="ignore")
            i = j
    return out


def pinyin_word(text: str) -> str:
    """One capitalised word without tone marks, with the apostrophe before a syllable that
    starts with a, o or e (西安 -> Xi'an, 衡阳 -> Hengyang)."""
    parts = _syllables(text)
    word = parts[0] if parts else ""
    for syllable in parts[1:]:
        word += ("'" if _VOWEL_START.match(syllable) else "") + syllable
    return word[:1].upper() + word[1:]


def english_names(place: Place) -> tuple[str, str]:
    """(full, short) romanised names: ("Hengyang Shi", "Hengyang"); ("Ningxia Huizu Zizhiqu",
    "Ningxia")."""
    short = pinyin_word(place.short)
    if place.name in _readings():  # 单县 -> Shanxian: the reading covers the whole name
        return short, short
    if place.short == place.name or not place.name.startswith(place.short):
        for ending, roman in _ENDINGS:
            if place.name.endswith(ending) and len(place.name) > len(ending):
                return pinyin_word(place.name[: -len(ending)]) + " " + roman, short
        return pinyin_word(place.name), short
    rest = place.name[len(place.short):]
    for ending, roman in _ENDINGS:
        if rest.endswith(ending):
            middle = rest[: -len(ending)]   # ethnonyms of an autonomous unit: 土家族苗族
            rest_words = [pinyin_word(w) for w in re.findall("[^族]+族?", middle)] + [roman]
            break
    else:
        rest_words = [pinyin_word(rest)]
    return " ".join([short, *rest_words]), short


def gazetteer_code(name: str | None, home_code: str | None = None) -> str | None:
    """The GB/T 2260 code for a unit's full name as a plan printed it: the plan's own unit or
    its province first, else a unit of that name inside the plan's province, else the only unit
    in China with that name. None when it does not resolve (then the place is keyed by name)."""
    if not name:
        return None
    home = by_code(home_code)
    if home is not None:
        for unit in (home, by_code(home.province_code)):
            if unit is not None and name in (unit.name, unit.short):
                return unit.code
    candidates = places_named(name)
    if home is not None:
        inside = [p for p in candidates if p.province_code == home.province_code]
        if len(inside) == 1:
            return inside[0].code
    return candidates[0].code if len(candidates) == 1 else None


def _n(ns: str, local: str) -> NamedNode:
    return NamedNode(ns + local)


def _dec(value: float) -> Literal:
    return Literal(repr(round(value, 6)), datatype=_n(XSD, "decimal"))


@lru_cache(maxsize=1)
def places_quads() -> tuple[Quad, ...]:
    """The whole places graph, in the gazetteer's order (no blank nodes)."""
    g = PLACES_GRAPH
    a, label = _n(RDF, "type"), _n(RDFS, "label")
    quads: list[Quad] = []

    def add(s, p, o):
        quads.append(Quad(s, p, o, g))

    add(g, a, _n(SCHEMA, "Dataset"))
    add(g, label, Literal("GB/T 2260 行政区划", language="zh"))
    add(g, label, Literal("GB/T 2260 administrative divisions", language="en"))
    for place in places():
        node = place_entity_iri(place.code)
        full_en, short_en = english_names(place)
        add(node, a, _n(SCHEMA, "AdministrativeArea"))
        add(node, a, NamedNode(PK + "Jurisdiction"))
        for predicate in (label, _n(SCHEMA, "name")):
            add(node, predicate, Literal(place.name, language="zh"))
        add(node, label, Literal(full_en, language="en"))
        for alt in short_names(place):
            add(node, _n(SKOS, "altLabel"), Literal(alt, language="zh"))
        if short_en != full_en:
            add(node, _n(SKOS, "altLabel"), Literal(short_en, language="en"))
        add(node, _n(SCHEMA, "identifier"), Literal(place.code))
        add(node, _n(DCTERMS, "identifier"), Literal(place.code))
        add(node, NamedNode(PK + "adminLevel"), Literal(place.admin_level))
        parent = parent_of(place)
        if parent is not None:
            add(node, _n(SCHEMA, "containedInPlace"), place_entity_iri(parent.code))
        if place.lat is not None and place.lon is not None:  # WGS84, the code list's point
            add(node, _n(WGS84, "lat"), _dec(place.lat))
            add(node, _n(WGS84, "long"), _dec(place.lon))
    return tuple(quads)


@lru_cache(maxsize=1)
def places_graph_stamp() -> str:
    """Changes whenever the gazetteer data or this module's shape version changes."""
    digest = hashlib.sha256()
    for place in places():
        digest.update(f"{place.code}|{place.name}|{place.lon}|{place.lat}\n".encode("utf-8"))
    return f"{PLACES_GRAPH_VERSION}-{digest.hexdigest()[:16]}"


def _stamp_quad() -> Quad:
    return Quad(PLACES_GRAPH, NamedNode(PK + "gazetteerVersion"), Literal(places_graph_stamp()), PLACES_GRAPH)


def ensure_places_graph(store) -> int:
    """Load the places graph into `store` (policykg.graph.store.Store) unless the same version
    is already there. Bulk-loaded (not one transaction, ~3x faster than an update): the version
    stamp is written last, so an interrupted load is redone next time.
    RETURNS (int): quads written (0 when it was up to date)."""
    stamp = _stamp_quad()
    raw = store.raw
    if any(True for _ in raw.quads_for_pattern(stamp.subject, stamp.predicate, stamp.object, PLACES_GRAPH)):
        return 0
    if not places():
        return 0
    raw.update(f"DROP SILENT GRAPH {PLACES_GRAPH}")
    quads = places_quads()
    raw.bulk_extend(quads)
    raw.add(stamp)
    return len(quads) + 1


__all__ = ["PLACES_GRAPH", "english_names", "ensure_places_graph", "gazetteer_code", "pinyin_word", "place_entity_iri",
           "places_graph_stamp", "places_quads"]
