"""extract/pipeline.py CharTokenizer: one token per character, spans align exactly, text kept."""
from __future__ import annotations

import spacy

from policykg.extract.pipeline import TEXT_KEY, CharTokenizer, doc_text, make_nlp


def test_char_tokenizer_is_the_pipelines_registered_tokenizer():
    nlp = make_nlp()
    assert isinstance(nlp.tokenizer, CharTokenizer)
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "policykg.char_tokenizer.v1"


def test_char_tokenizer_token_i_is_character_i_whitespace_included():
    text = "一、重点任务\n（一）实施 专利\u3000导航。ab  c"
    doc = make_nlp().tokenizer(text)
    assert [t.text for t in doc] == list(text)
    assert [t.idx for t in doc] == list(range(len(text)))
    assert doc.text == text and doc_text(doc) == text and doc.user_data[TEXT_KEY] == text
    for start, end in [(0, 2), (7, 11), (13, 15), (len(text) - 4, len(text))]:
        assert doc.char_span(start, end).text == text[start:end]  # exact, no alignment needed


def test_char_tokenizer_matches_spacys_char_segmenter_on_the_text_and_spans():
    text = "到2025年，全市有效发明专利达到1.2万件 (市市场监管局负责)\n\n二、保障措施"
    ours = make_nlp().tokenizer(text)
    theirs = spacy.blank("zh")(text)  # the default `char` segmenter
    assert ours.text == theirs.text
    for start, end in [(0, 7), (23, 31), (33, 39)]:  # spans starting on a visible character
        assert ours.char_span(start, end, alignment_mode="expand").text == \
            theirs.char_span(start, end, alignment_mode="expand").text == text[start:end]
    # on a space, spaCy's segmenter has no token (the space trails the previous one); ours is exact
    assert ours.char_span(22, 31).text == text[22:31] and theirs.char_span(22, 31) is None


def test_char_tokenizer_empty_text():
    doc = make_nlp().tokenizer("")
    assert len(doc) == 0 and doc_text(doc) == ""
