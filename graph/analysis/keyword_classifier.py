"""Classify a measure into IP pillars and policy instruments by transparent keyword rules.

The rules are data: the SKOS schemes ontology/pillars.ttl and ontology/instruments.ttl give each
concept its `pk:keyword` literals (and `pk:measureKind` for a kind bonus). A measure's title,
section heading and body are searched for every keyword; each hit is a `Match` with its span, and
a concept's score is the weighted count of its distinct keywords. Partner: analysis_graph.py
writes the decisions into the graph. DOCS: docs/analysis.md#classification
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from policykg.ontology import PK, ontology_file

SKOS = "http://www.w3.org/2004/02/skos/core#"

# How much one distinct keyword counts, by where it is found (the title names the measure's aim,
# the heading its theme, the body also mentions side topics).
FIELD_WEIGHTS: dict[str, int] = {"title": 3, "section": 2, "body": 1}
KIND_WEIGHT = 2  # a concept whose pk:measureKind equals the measure's kind
MIN_SCORE = 2    # below this no primary concept is chosen (a lone body keyword is not enough)

SCHEME_FILES = {"pillar": "pillars.ttl", "instrument": "instruments.ttl"}


@dataclass(frozen=True)
class Concept:
    """One SKOS concept of a classification scheme, with its rules."""

    iri: str
    notation: str
    scheme: str                # "pillar" | "instrument"
    label_zh: str
    label_en: str
    order: int
    broader: str | None        # notation of the broader concept (an instrument's type)
    keywords: tuple[str, ...]
    measure_kinds: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """One keyword found in one field; start/end are offsets into that field's text."""

    keyword: str
    field: str                 # "title" | "section" | "body" | "kind"
    start: int
    end: int


@dataclass(frozen=True)
class Decision:
    """A concept assigned to a measure, its score and the matches behind it."""

    concept: Concept
    score: int
    matches: tuple[Match, ...]
    primary: bool


@lru_cache(maxsize=None)
def load_scheme(scheme: str) -> tuple[Concept, ...]:
    """The concepts of `scheme` ("pillar" or "instrument") that carry rules (pk:keyword or
    pk:measureKind), in pk:order. Top concepts without rules (supply, demand, environment) are
    reachable through `Concept.broader`."""
    subjects: dict[str, dict[str, list[str]]] = {}
    for quad in ox.parse(path=ontology_file(SCHEME_FILES[scheme])):
        if not isinstance(quad.subject, ox.NamedNode):
            continue
        props = subjects.setdefault(quad.subject.value, {})
        obj = quad.object
        value = obj.value if isinstance(obj, (ox.NamedNode, ox.Literal)) else str(obj)
        key = quad.predicate.value
        if isinstance(obj, ox.Literal) and obj.language:
            key += "@" + obj.language
        props.setdefault(key, []).append(value)
    notations = {iri: p.get(SKOS + "notation", [""])[0] for iri, p in subjects.items()}
    concepts = []
    for iri, props in subjects.items():
        keywords = tuple(props.get(PK + "keyword@zh", []) + props.get(PK + "keyword", []))
        kinds = tuple(props.get(PK + "measureKind", []))
        if not keywords and not kinds:
            continue
        broader = props.get(SKOS + "broader")
        concepts.append(Concept(
            iri=iri, notation=notations[iri], scheme=scheme,
            label_zh=props.get(SKOS + "prefLabel@zh", [""])[0],
            label_en=props.get(SKOS + "prefLabel@en", [""])[0],
            order=int(props.get(PK + "order", ["999"])[0]),
            broader=notations.get(broader[0]) if broader else None,
            keywords=tuple(sorted(set(keywords), key=lambda k: (-len(k), k))),
            measure_kinds=kinds))
    return tuple(sorted(concepts, key=lambda c: (c.order, c.notation)))


def scheme_top_labels(scheme: str) -> dict[str, tuple[str, str]]:
    """notation -> (zh, en) label for every concept of the scheme, rule-less ones included."""
    labels: dict[str, tuple[str, str]] = {}
    data: dict[str, dict[str, str]] = {}
    for quad in ox.parse(path=ontology_file(SCHEME_FILES[scheme])):
        obj = quad.object
        if isinstance(obj, ox.Literal) and quad.predicate.value in (SKOS + "notation", SKOS + "prefLabel"):
            key = quad.predicate.value + ("@" + obj.language if obj.language else "")
            data.setdefault(quad.subject.value, {})[key] = obj.value
    for props in data.values():
        if SKOS + "notation" in props:
            labels[props[SKOS + "notation"]] = (props.get(SKOS + "prefLabel@zh", ""),
                                                props.get(SKOS + "prefLabel@en", ""))
    return labels


def find_keywords(text: str, keywords: tuple[str, ...], field: str) -> list[Match]:
    """The first occurrence of each keyword in `text` (distinct keywords, each counted once)."""
    matches = []
    for keyword in keywords:
        start = text.find(keyword)
        if start >= 0:
            matches.append(Match(keyword, field, start, start + len(keyword)))
    return matches


def classify(scheme: str, *, title: str = "", section: str = "", body: str = "",
             kind: str = "") -> list[Decision]:
    """Every concept of `scheme` that a rule fires for, best first.

    title, section, body (str): the measure's fields (the body without its responsibility line).
    kind (str): the measure's pk:measureKind (task, safeguard, project).
    RETURNS (list[Decision]): sorted by score, then pk:order; the first is `primary` when its
        score reaches MIN_SCORE.
    """
    fields = {"title": title or "", "section": section or "", "body": body or ""}
    concepts = load_scheme(scheme)
    found: dict[str, list[Match]] = {
        c.iri: [m for field, text in fields.items() for m in find_keywords(text, c.keywords, field)]
        for c in concepts}
    found = _longest_matches(found)
    decisions: list[tuple[int, int, Concept, tuple[Match, ...]]] = []
    for concept in concepts:
        matches = list(found[concept.iri])
        score = sum(FIELD_WEIGHTS[m.field] for m in matches)
        if kind and kind in concept.measure_kinds:
            matches.append(Match(kind, "kind", 0, len(kind)))
            score += KIND_WEIGHT
        if score:
            decisions.append((score, concept.order, concept, tuple(matches)))
    decisions.sort(key=lambda d: (-d[0], d[1]))
    return [Decision(concept, score, matches, primary=(i == 0 and score >= MIN_SCORE))
            for i, (score, _, concept, matches) in enumerate(decisions)]


def _longest_matches(found: dict[str, list[Match]]) -> dict[str, list[Match]]:
    """Drop a match that lies inside a longer match of another concept in the same field, so a
    compound term decides (海外维权 is overseas work, not the 维权 of ip-legal)."""
    spans = [(iri, m) for iri, matches in found.items() for m in matches]

    def covered(iri: str, m: Match) -> bool:
        return any(other != iri and o.field == m.field and o.start <= m.start and m.end <= o.end
                   and (o.end - o.start) > (m.end - m.start) for other, o in spans)

    return {iri: [m for m in matches if not covered(iri, m)] for iri, matches in found.items()}


def primary(decisions: list[Decision]) -> Decision | None:
    """The primary decision, or None when no concept scored MIN_SCORE."""
    return next((d for d in decisions if d.primary), None)


__all__ = ["Concept", "Decision", "FIELD_WEIGHTS", "KIND_WEIGHT", "MIN_SCORE", "Match", "classify",
           "find_keywords", "load_scheme", "primary", "scheme_top_labels"]
