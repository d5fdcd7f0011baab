"""Place mentions found from one scan of the positions a name may start at are those a search
from each position in turn found (extract/components/places.py `_admin_mentions`)."""
from __future__ import annotations

import pytest

from policykg.extract import gazetteer
from policykg.extract.components import places

TEXTS = [
    "支持福州市鼓楼区、台江区和仓山区建设知识产权强县，推动闽侯县、长乐区协同发展。",
    "在南京市玄武区、秦淮区开展试点，苏州工业园区和昆山市、江阴市同步推进。",
    "没有地名的一句话。",
    "北京市海淀区中关村，上海市浦东新区，广州市天河区天河区重复。",
]


def _mentions_searched_from_each_position(text: str, home):
    out, i = [], 0
    search = gazetteer._maybe_name_start().search
    while i < len(text):
        found = search(text, i)
        if found is None:
            break
        i = found.start()
        hit = gazetteer.match_name_at(text, i)
        if hit is None:
            i += 1
            continue
        candidates, end = hit
        name = text[i:end]
        if name in (p.name for p in candidates) and candidates[0].level == "county":
            place = places._resolve_name(name, home)
            if place is not None:
                out.append((name, place.code, i, end))
        i = end
    return out


@pytest.mark.parametrize("text", TEXTS)
def test_one_scan_finds_the_mentions_of_a_search_from_each_position(text):
    for home in (None, gazetteer.lookup("福州市"), gazetteer.lookup("南京市")):
        got = [(m.name, m.code, m.start, m.end) for m in places._admin_mentions(text, 0, home, "m1")]
        assert got == _mentions_searched_from_each_position(text, home)
    if text is TEXTS[0]:
        assert got
