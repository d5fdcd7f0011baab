"""The extraction pipeline: `spacy.blank("zh")` plus one registered rule component per entity kind.

Each component is a small named factory (`policykg_<thing>`) that reads `doc.text` and what
earlier components left in `doc._.policykg`, and writes its items there and its evidence spans
to `doc.spans["policykg_<thing>"]`. Component order and settings live in extract/config.cfg;
`extract/result.py` turns the doc into an ExtractionResult. Nothing here downloads anything.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import load_config

from .components.agencies import resolve_agencies
from .components.citations import find_citations
from .components.incentives import find_incentives
from .components.measures import find_measures
from .components.people import find_people
from .components.places import find_places
from .components.plan_meta import find_plan_meta
from .components.responsibility_blocks import find_plan_leads, find_responsibilities
from .components.targets import find_targets, link_indicators
from .load import MAX_BYTES
from .outline import parse_outline

CONFIG = Path(__file__).resolve().parent / "config.cfg"

if not Doc.has_extension("policykg"):
    Doc.set_extension("policykg", default=None)

# doc.user_data key of the text the doc was made from (Doc.text re-joins every token on each read).
TEXT_KEY = "policykg_text"


class CharTokenizer:
    """One token per character, like spacy.blank("zh")'s default `char` segmenter, without its
    cost: that segmenter re-aligns the characters with the text in Python (spacy.util.
    get_words_and_spaces) and `Doc.text` then re-joins ~5,000 tokens per plan on every read; the
    two were ~25 % of a plan's extraction time (issue #10 profile). Whitespace characters are
    tokens too, so token i is character i and every character span aligns exactly. The text is
    kept in `doc.user_data[TEXT_KEY]` for the components.

    The tokens are handed to Doc as lexeme ids (orths), looked up once per distinct character and
    kept: given strings, Doc hashes every character again (~60 % of its construction time). The
    lexemes are the same ones: `vocab[ch]` stores the lexeme Doc would have made. (A spaCy memory
    zone would free transient lexemes under the kept ids; policykg opens none.)"""

    def __init__(self, vocab):
        self.vocab = vocab
        self._orths: dict[str, int] = {}   # character -> orth id of its lexeme in self.vocab

    def __call__(self, text: str) -> Doc:
        orths = self._orths
        for ch in set(text).difference(orths):
            orths[ch] = self.vocab[ch].orth
        doc = Doc(self.vocab, words=list(map(orths.__getitem__, text)), spaces=[False] * len(text))
        doc.user_data[TEXT_KEY] = text
        return doc


@spacy.registry.tokenizers("policykg.char_tokenizer.v1")
def create_char_tokenizer():
    return lambda nlp: CharTokenizer(nlp.vocab)


def doc_text(doc: Doc) -> str:
    """The document's text: kept by CharTokenizer, else re-joined by spaCy."""
    return doc.user_data.get(TEXT_KEY) or doc.text


def _state(doc: Doc) -> dict:
    if doc._.policykg is None:
        doc._.policykg = {}
    return doc._.policykg


def _set_spans(doc: Doc, key: str, label: str, items) -> None:
    spans = []
    for item in items:
        span = doc.char_span(item.start, item.end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[f"policykg_{key}"] = spans


def _assign_measures(items, measures) -> None:
    """Set `measure_id` on each item that starts inside a measure."""
    for item in items:
        for m in measures:
            if m.start <= item.start < m.end:
                item.measure_id = m.id


class _Component:
    """Shared shape: __call__(doc) -> doc, items in doc._.policykg[key], spans in doc.spans."""

    key = ""
    label = ""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        state = _state(doc)
        items = self.find(doc, state)
        state[self.key] = items
        if self.label:
            _set_spans(doc, self.key, self.label, items)
        return doc

    def find(self, doc: Doc, state: dict):  # pragma: no cover - overridden
        raise NotImplementedError


class OutlineParser(_Component):
    key = "outline"

    def find(self, doc, state):
        return parse_outline(doc_text(doc))  # later steps read outline.text


class PlanMetaFinder(_Component):
    key = "plan"

    def find(self, doc, state):
        return find_plan_meta(state["outline"])


class MeasureFinder(_Component):
    key, label = "measures", "MEASURE"

    def find(self, doc, state):
        return find_measures(state["outline"])


class PlaceFinder(_Component):
    key, label = "places", "PLACE"

    def find(self, doc, state):
        return find_places(state["measures"], state["outline"].text, state["plan"])


class ResponsibilityFinder(_Component):
    key, label = "responsibilities", "AGENCY"

    def find(self, doc, state):
        outline, measures = state["outline"], state["measures"]
        # "由X负责牵头组织实施" leads the plan, wherever it stands outside a task (a safeguard item
        # such as 加强组织领导 is where plans say who carries them out)
        body = outline.text[outline.header_end:outline.body_end]
        tasks = [m for m in measures if m.kind == "task"]
        state["plan"].plan_leads = [
            name for name, start, _ in find_plan_leads(body)
            if not any(m.start <= start + outline.header_end < m.end for m in tasks)]
        return find_responsibilities(measures, outline.text)


class AgencyResolver(_Component):
    key = "agencies"

    def find(self, doc, state):
        named = [p.post_agency for p in state.get("people", []) if p.post_agency]
        if state["plan"].issuer:
            named.append(state["plan"].issuer)
        return resolve_agencies(state["responsibilities"], state["plan"], named)


class CitationFinder(_Component):
    key, label = "citations", "CITATION"

    def find(self, doc, state):
        return find_citations(state["outline"])


class TargetFinder(_Component):
    key, label = "targets", "TARGET"

    def find(self, doc, state):
        targets = find_targets(state["outline"], state["plan"].period_end, state["plan"])
        link_indicators(targets)
        _assign_measures(targets, state.get("measures", []))
        return targets


class IncentiveFinder(_Component):
    key, label = "incentives", "INCENTIVE"

    def find(self, doc, state):
        incentives = find_incentives(state["outline"])
        _assign_measures(incentives, state.get("measures", []))
        return incentives


class PeopleFinder(_Component):
    key, label = "people", "PERSON"

    def find(self, doc, state):
        return find_people(state["outline"])


_FACTORIES = {
    "policykg_outline": (OutlineParser, ["doc._.policykg"], []),
    "policykg_plan_meta": (PlanMetaFinder, ["doc._.policykg"], ["doc._.policykg"]),
    "policykg_measures": (MeasureFinder, ["doc.spans"], ["doc._.policykg"]),
    "policykg_places": (PlaceFinder, ["doc.spans"], ["doc._.policykg"]),
    "policykg_responsibilities": (ResponsibilityFinder, ["doc.spans"], ["doc._.policykg"]),
    "policykg_citations": (CitationFinder, ["doc.spans"], ["doc._.policykg"]),
    "policykg_targets": (TargetFinder, ["doc.spans"], ["doc._.policykg"]),
    "policykg_incentives": (IncentiveFinder, ["doc.spans"], ["doc._.policykg"]),
    "policykg_people": (PeopleFinder, ["doc.spans"], ["doc._.policykg"]),
    "policykg_agencies": (AgencyResolver, ["doc._.policykg"], ["doc._.policykg"]),
}


def _register() -> None:
    for name, (cls, assigns, requires) in _FACTORIES.items():
        if not Language.has_factory(name):
            Language.factory(name, assigns=assigns, requires=requires)(cls)


_register()


@lru_cache(maxsize=1)
def make_nlp() -> Language:
    """The configured pipeline (extract/config.cfg), built once per process."""
    config = load_config(CONFIG)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "policykg.char_tokenizer.v1"}}})
    for name in config["pipeline"]["components"]:
        nlp.add_pipe(name, name=name.removeprefix("policykg_"))
    nlp.max_length = MAX_BYTES  # spaCy's default 1,000,000 chars refused long plans (E088, issue 20)
    return nlp
