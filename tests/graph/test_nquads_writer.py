"""graph/rdf.py writes N-Quads text itself (issue #24): hostile literals must come back from
pyoxigraph's parser exactly as the pyoxigraph objects the writer replaced would have held them."""
from __future__ import annotations

from datetime import datetime, timezone

import pyoxigraph as ox
import pytest

from policykg.extract import extract_text
from policykg.graph.rdf import nquads_string, result_to_nquads, result_to_quads

HOSTILE = [
    'say "yes"', "back\\slash\\", "two\nlines\r\nand\ttab", "nul\x00bell\x07esc\x1bdel\x7f",
    "form\x0cfeed\x08back", "astral 𠀀𪚥 CJK and emoji 🚀", "\\u0041 stays text", '"\\"\n',
    "\u2028line separator\u2029paragraph", "plain 中文", "trailing backslash \\",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("language", [None, "zh"])
def test_nquads_writer_a_hostile_literal_parses_back_to_the_same_literal(text: str, language):
    term = nquads_string(text) + (f"@{language}" if language else "")
    line = f"<http://x/s> <http://x/p> {term} <http://x/g> .\n".encode("utf-8")
    [quad] = list(ox.parse(line, format=ox.RdfFormat.N_QUADS))
    assert quad.object == ox.Literal(text, language=language)
    # and the same bytes as pyoxigraph's own serialiser, so stores and dumps do not change
    expected = ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"),
                       ox.Literal(text, language=language), ox.NamedNode("http://x/g"))
    assert list(ox.parse(ox.serialize([expected], format=ox.RdfFormat.N_QUADS),
                         format=ox.RdfFormat.N_QUADS)) == [quad]


def test_nquads_writer_escapes_only_what_the_grammar_needs():
    assert nquads_string("中文 plain") == '"中文 plain"'
    assert nquads_string('a"b\\c\nd\x00') == '"a\\"b\\\\c\\nd\\u0000"'


def test_nquads_writer_escapes_every_character_as_pyoxigraph_does():
    """Each character of ASCII and Latin-1 controls (escaped match by match since issue #24),
    alone and among others, is written with the very bytes of pyoxigraph's serialiser."""
    characters = [chr(cp) for cp in range(0xA0)] + ["\u2028", "中", "𠀀"]
    texts = [f"a{c}b" for c in characters] + ["".join(characters) * 3]
    for text in texts:
        quad = ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal(text), ox.NamedNode("http://x/g"))
        line = ox.serialize([quad], format=ox.RdfFormat.N_QUADS).decode()
        assert line == f"<http://x/s> <http://x/p> {nquads_string(text)} <http://x/g> .\n"


PLAN = ("关于印发《临川市\"知识产权\"\\强市\n建设方案》的通知\n"
        "一、重点任务\n1.加强知识产权保护。由市市场监管局牵头，市科技局配合。𠀀𪚥\x0b完成\x00。\n"
        "二、保障措施\n（一）加强组织领导。到2025年，每万人口高价值发明专利拥有量达到10件。\n")


def test_nquads_writer_a_whole_plan_with_hostile_text_round_trips():
    result = extract_text(PLAN, source='odd "name"\\ 𠀀.txt')
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    graph, data, count = result_to_nquads(result, now=now)
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == count == len(set(quads)) and all(q.graph_name == graph for q in quads)
    assert result_to_quads(result, now=now) == (graph, quads)
    texts = {q.object.value for q in quads if isinstance(q.object, ox.Literal)}
    assert result.text in texts and result.source in texts  # the cleaned text, byte for byte
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_QUADS)
    assert len(store) == count
