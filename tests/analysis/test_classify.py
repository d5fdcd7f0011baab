"""graph/analysis/keyword_classifier.py: the SKOS rule files, evidence spans, and precision on the hand-labelled seed
measures in labelled_measures.json (labelled from the text before the rules were written)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from policykg.extract import extract_path
from policykg.graph.analysis.analysis_graph import MeasureRecord
from policykg.graph.analysis.keyword_classifier import (FIELD_WEIGHTS, classify, load_scheme, primary,
                                     scheme_top_labels)

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parents[1] / "data" / "seeds"
LABELS = json.loads((HERE / "labelled_measures.json").read_text(encoding="utf-8"))["measures"]
PILLARS = {"creation", "utilisation", "protection", "management", "services", "talent-culture"}
INSTRUMENTS = {"supply": {"talent", "information", "infrastructure", "funding", "public-services"},
               "demand": {"procurement", "outsourcing", "trade-control", "overseas"},
               "environment": {"goal-planning", "financial", "tax", "regulation", "ip-legal",
                               "strategic"}}


@pytest.fixture(scope="module")
def labelled():
    """(label, MeasureRecord) for every labelled measure, read from the seed plans' extraction."""
    results = {path.name: extract_path(path) for path in sorted(SEEDS.glob("*.txt"))}
    pairs = []
    for label in LABELS:
        result = results[label["source"]]
        measure = next(m for m in result.measures if m.no == label["no"])
        assert measure.title == label["title"], label  # the sample still points at the right measure
        pairs.append((label, MeasureRecord(iri=measure.id, plan="", source=label["source"],
                                           no=measure.no, title=measure.title,
                                           section=measure.section or "", kind=measure.kind or "",
                                           body=measure.body or "")))
    return pairs


def _precision(pairs, scheme: str, key) -> tuple[float, float]:
    decided = correct = 0
    for label, measure in pairs:
        found = primary(classify(scheme, title=measure.title, section=measure.section,
                                 body=measure.text, kind=measure.kind))
        if found is None:
            continue
        decided += 1
        correct += key(found.concept) == key(label)
    return correct / decided, decided / len(pairs)


def test_classify_sample_is_large_and_uses_the_schemes():
    assert len(LABELS) >= 40
    assert len({(m["source"], m["no"]) for m in LABELS}) == len(LABELS)
    assert {m["pillar"] for m in LABELS} == PILLARS
    every_instrument = set().union(*INSTRUMENTS.values())
    assert {m["instrument"] for m in LABELS} <= every_instrument


def test_classify_pillar_precision_on_labelled_sample(labelled):
    precision, coverage = _precision(labelled, "pillar",
                                     lambda x: x.notation if hasattr(x, "notation") else x["pillar"])
    assert precision >= 0.9 and coverage >= 0.9, (precision, coverage)


def test_classify_instrument_precision_on_labelled_sample(labelled):
    precision, coverage = _precision(labelled, "instrument",
                                     lambda x: x.notation if hasattr(x, "notation") else x["instrument"])
    assert precision >= 0.9 and coverage >= 0.9, (precision, coverage)


def test_classify_instrument_type_precision_on_labelled_sample(labelled):
    type_of = {sub: t for t, subs in INSTRUMENTS.items() for sub in subs}
    precision, _ = _precision(labelled, "instrument",
                              lambda x: x.broader if hasattr(x, "broader") else type_of[x["instrument"]])
    assert precision >= 0.9, precision


def test_classify_schemes_match_the_issue():
    assert {c.notation for c in load_scheme("pillar")} == PILLARS
    instruments = load_scheme("instrument")
    assert {c.notation: c.broader for c in instruments} == {
        sub: t for t, subs in INSTRUMENTS.items() for sub in subs}
    labels = scheme_top_labels("instrument")
    assert set(INSTRUMENTS) <= set(labels)
    for concept in load_scheme("pillar") + instruments:  # zh and en labels and at least one rule
        assert concept.label_zh and concept.label_en and concept.keywords


def test_classify_evidence_spans_quote_the_keyword():
    title, section = "加强知识产权海外维权", "(三)加大保护力度"
    body = "建立海外维权专家顾问机制，支持企业开展涉外知识产权纠纷应对。"
    decisions = classify("instrument", title=title, section=section, body=body)
    fields = {"title": title, "section": section, "body": body}
    assert decisions[0].primary and decisions[0].concept.notation == "overseas"
    for decision in decisions:
        assert decision.score == sum(FIELD_WEIGHTS[m.field] for m in decision.matches)
        for match in decision.matches:
            assert fields[match.field][match.start:match.end] == match.keyword


def test_classify_longer_keyword_of_another_concept_wins():
    # 维权 (ip-legal) lies inside 海外维权 (overseas): only the compound counts
    decisions = classify("instrument", title="海外维权")
    assert [d.concept.notation for d in decisions] == ["overseas"]


def test_classify_safeguard_kind_counts_for_management():
    decisions = classify("pillar", title="加强保障", kind="safeguard")
    assert decisions[0].concept.notation == "management" and decisions[0].primary
    assert decisions[0].matches[-1].field == "kind"


def test_classify_weak_evidence_has_no_primary():
    decisions = classify("pillar", body="加强人才工作。")  # one body keyword: score 1 < MIN_SCORE
    assert decisions and primary(decisions) is None
    assert classify("pillar", title="其他事项") == []
