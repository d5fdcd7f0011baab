"""Place mentions inside measures: counties, districts and development zones (雁峰区, 耒阳市,
银川经济技术开发区), linked to GB/T 2260 units of extract/gazetteer.py where they resolve.

Input: the measures and the plan's resolved jurisdiction. Output: `result.PlaceMention`s in
document order (factory `policykg_places`, spans `PLACE` in `doc.spans["policykg_places"]`).
DOCS: docs/places.md#mentions
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..gazetteer import Place, by_code, match_name_at, name_starts, places_named
from ..result import Measure, PlaceMention, PlanMeta

ZONE_WORDS = Path(__file__).resolve().parent.parent / "patterns" / "zone_words.json"
_WORDS = json.loads(ZONE_WORDS.read_text(encoding="utf-8"))
_ZONE = re.compile("|".join(map(re.escape, _WORDS["suffixes"])))
_NAMED_SUFFIXES = set(_WORDS["named_suffixes"])
_NOT_A_NAME_START = tuple(_WORDS["not_heads"])
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ZONE_MAX_HEAD = 8                     # characters before the suffix a zone name may have
_CONNECTORS = set("和与及或并同在到对向把将由为以从")  # a zone's name never runs across these


def _resolve_name(name: str, home: Place | None) -> Place | None:
    """A full unit name -> the unit: inside the plan's jurisdiction first; elsewhere only when
    the name is unique in China and has three or more characters (城区, 郊区 are common words)."""
    candidates = places_named(name)
    if home is not None:
        inside = [p for p in candidates if home.contains(p)]
        if len(inside) == 1:
            return inside[0]
    if len(candidates) == 1 and len(name) >= 3:
        return candidates[0]
    return None


def _pick(candidates: list[Place], home: Place | None) -> Place | None:
    if home is not None:
        inside = [p for p in candidates if home.contains(p)]
        if inside:
            return inside[0]
    return candidates[0] if len(candidates) == 1 else None


def _admin_mentions(text: str, offset: int, home: Place | None, measure_id: str):
    end = 0
    for i in name_starts(text):   # positions no name can begin at skipped in one scan
        if i < end:
            continue   # inside the name found last
        found = match_name_at(text, i)
        if found is None:
            continue
        candidates, end = found
        name = text[i:end]
        if name in (p.name for p in candidates) and candidates[0].level == "county":
            place = _resolve_name(name, home)
            if place is not None:
                yield PlaceMention(name, "admin", place.code, place.name, place.admin_level, measure_id,
                                   offset + i, offset + end)


def _zone_mentions(text: str, offset: int, home: Place | None, measure_id: str):
    for m in _ZONE.finditer(text):
        head_start = m.start()
        while (head_start > 0 and m.start() - head_start < _ZONE_MAX_HEAD and _CJK.match(text[head_start - 1])
               and text[head_start - 1] not in _CONNECTORS):
            head_start -= 1
        # the zone's name starts at the leftmost gazetteer name in the run before the suffix; it
        # resolves to the last of the names chained from there (湖南衡阳高新区 -> 衡阳市)
        start, place = None, None
        for j in range(head_start, m.start()):
            found = match_name_at(text, j)
            if found is not None and found[1] <= m.start():
                start, position = j, j
                while found is not None and found[1] <= m.start():
                    place = _pick(found[0], home) or place
                    position = found[1]
                    found = match_name_at(text, position)
                break
        if start is None:
            # no place name: keep a short run that stands alone (after punctuation), e.g. 松木经开区
            head = text[head_start:m.start()]
            if m.group(0) not in _NAMED_SUFFIXES or not (2 <= len(head) <= 4) or head.startswith(_NOT_A_NAME_START):
                continue
            if head_start > 0 and _CJK.match(text[head_start - 1]):
                continue
            start = head_start
        name = text[start:m.end()]
        yield PlaceMention(name, "zone", place.code if place else None, place.name if place else None,
                           place.admin_level if place else None, measure_id, offset + start, offset + m.end())


def find_places(measures: list[Measure], text: str, plan: PlanMeta) -> list[PlaceMention]:
    """Every place mention in the measures' spans, in document order; a zone's own span hides
    the unit names inside it (银川经济技术开发区 is one mention, not 银川 as well)."""
    home = by_code(plan.place_code)
    out: list[PlaceMention] = []
    for measure in measures:
        body = text[measure.start:measure.end]
        zones = list(_zone_mentions(body, measure.start, home, measure.id))
        admins = [a for a in _admin_mentions(body, measure.start, home, measure.id)
                  if not any(z.start <= a.start < z.end for z in zones)]
        out.extend(sorted(zones + admins, key=lambda p: p.start))
    return out
