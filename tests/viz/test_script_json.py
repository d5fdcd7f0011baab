"""The graph views (viz/page.py) and the map (viz/map.py) hand their data to the page script as
JSON inside <script type="application/json">, both through viz/page.py `script_json`: a document
string that holds `</script>`, `<!--`, `&`, U+2028 or U+2029 must stay data (it can neither close
the element, open an HTML comment that swallows the rest, nor break a JS parser), and must read
back unchanged."""
from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from policykg.viz import map as viz_map
from policykg.viz.page import render_page, script_json

HOSTILE = ["</script><script>alert(1)</script>", "</SCRIPT >", "<!--", "<!-- <script>", "a & b &amp;",
           "line\u2028separator", "para\u2029separator", "]]>", "<img src=x onerror=alert(1)>"]
RAW_CHARACTERS = ("<", ">", "&", "\u2028", "\u2029")
DATA_BLOCK = re.compile(r'<script type="application/json" id="pk-data">(.*?)</script>', re.S)


def _data_block(html: str) -> str:
    blocks = DATA_BLOCK.findall(html)
    assert len(blocks) == 1, "one data block, closed where the page closes it"
    return blocks[0]


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_escapes_what_could_leave_the_script(text):
    encoded = script_json({"text": text, "list": [text]})
    assert not any(raw in encoded for raw in RAW_CHARACTERS)
    assert json.loads(encoded) == {"text": text, "list": [text]}


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_view_page_keeps_hostile_labels_as_data(text):
    graph = nx.Graph()
    graph.add_node("a", label=text, tip=text, kind="agency")
    graph.add_node("b", label="市财政局", tip="", kind="agency")
    graph.add_edge("a", "b", tip=text, kind="co")
    html = render_page(graph, title="t", web=True)
    data = json.loads(_data_block(html))
    assert text in [n["label"] for n in data["nodes"]] and text in [e["tip"] for e in data["edges"]]
    assert not any(raw in _data_block(html) for raw in RAW_CHARACTERS)


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_map_page_keeps_hostile_values_as_data(text, monkeypatch):
    point = viz_map.MapPoint(source=text, title=text, jurisdiction=text, code="430400", level=text,
                             lon=112.6, lat=26.9, value=text)
    monkeypatch.setattr(viz_map, "map_points", lambda *args, **kwargs: [point])
    html = viz_map.render_map(None, {}, web=True)
    block = _data_block(html)
    assert not any(raw in block for raw in RAW_CHARACTERS)
    [shown] = json.loads(block)["points"]
    assert shown["source"] == shown["jurisdiction"] == shown["level"] == shown["value"] == text
