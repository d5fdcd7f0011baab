"""Agencies: each unit named in a responsibility list, resolved within the plan's jurisdiction.

"市财政局" in a 衡阳市 plan is 衡阳市财政局; a bare "财政局" is too; an abbreviation that is exactly
a known agency type's short form is expanded ("市市场监管局" -> 衡阳市市场监督管理局, "市政府办" ->
衡阳市人民政府办公室), so printed variants of one agency meet on one canonical name;
"市市场监管局(知识产权局)" is one agency with the alias 知识产权局; a name that starts with another
place (龙城区政府, 衡阳海关) belongs to that place; 各县(市)区人民政府 and 领导小组成员单位 are
collective units. Types and English labels come from ontology/agency_types.ttl (SKOS) and the
gazetteer (pinyin). Writes `doc._.policykg["agencies"]`.

DOCS: docs/components.md#agencies
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..gazetteer import find_place, lookup
from ..result import Agency, PlanMeta, Responsibility
from .responsibility_blocks import AGENCY_END

PATTERNS = Path(__file__).resolve().parents[1] / "patterns"
_ALIAS = re.compile(r"^(?P<base>.+?)\s*[(（](?P<alias>[^()（）]+)[)）]$")
_COLLECTIVE = re.compile(r"^各|成员单位$|各有关|有关部门$|相关部门$")
_NATIONAL = ("国家", "中国", "中共中央", "国务院", "全国", "中华人民共和国")


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    data = json.loads((PATTERNS / "agency_abbreviations.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def place_readings() -> dict[str, str]:
    data = json.loads((PATTERNS / "place_readings.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=65536)   # pure; the dict it returns is only read
def _classify(name: str) -> dict | None:
    try:
        from policykg.ontology.vocab import classify_agency
    except ImportError:   # the vocabulary is not shipped: agencies stay untyped
        return None
    found = classify_agency(name)
    if found is None:
        # a sub-unit takes its parent's type: 市公安局侵犯知识产权犯罪侦查支队 -> 公安局
        for end in range(len(name) - 1, 2, -1):
            if AGENCY_END.search(name[:end]):
                found = classify_agency(name[:end])
                if found:
                    break
    return found


@lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4096)
def pinyin_name(text: str) -> str:
    """'衡阳' -> 'Hengyang' (tone marks dropped; one word per place name)."""
    if text in place_readings():
        return place_readings()[text]
    try:
        from pypinyin import lazy_pinyin
    except ImportError:
        return text
    return "".join(lazy_pinyin(text)).capitalize()


@lru_cache(maxsize=65536)
def _place_en(name: str | None) -> str | None:
    if not name:
        return None
    place = lookup(name)
    return pinyin_name(place.short if place else name)


def _split_place(base: str, jurisdiction: str | None) -> tuple[str | None, str]:
    """Which place a name belongs to, and the rest of the name: ('衡阳市', '财政局')."""
    if base.startswith(_NATIONAL):
        return None, base
    if jurisdiction and base.startswith(jurisdiction):
        return jurisdiction, base[len(jurisdiction):]
    found = find_place(base)
    if found and found[1] == 0:
        place, _, end = found
        rest = base[end:]
        if place.name != base[:end] and rest[:1] in ("市", "省", "县", "区"):
            rest = rest[1:]   # 衡阳市 printed as 衡阳 + 市
        if jurisdiction and place.name == jurisdiction:
            return jurisdiction, rest
        return place.name, rest
    if (jurisdiction and len(base) > 2 and base[:1] == jurisdiction[-1:] and base[:1] in "市省县区"
            and _norm(base) not in abbreviations() and not base.startswith("市场")):
        return jurisdiction, base[1:]
    return jurisdiction, base


@lru_cache(maxsize=65536)
def _type_forms(name: str) -> frozenset[str]:
    """The normalised names and endings of the agency type `name` is classified as."""
    kind = _classify(name)
    return frozenset(_norm(x) for x in [kind["pref_zh"], *kind["alt_zh"], *kind["suffixes"]] if x) if kind else frozenset()


def resolve_agency(name: str, plan: PlanMeta) -> Agency:
    base, aliases = name, []
    m = _ALIAS.match(name)
    if m and not name.startswith("各"):
        base, aliases = m.group("base"), [m.group("alias")]
    collective = bool(_COLLECTIVE.search(base))
    kind = _classify(name)
    vertical = bool(kind and kind["category"] == "regulator")   # 海关, 人民银行/金融监管 branches
    if collective:
        place, rest, canonical = plan.jurisdiction, base, base
    else:
        place, rest = _split_place(base, plan.jurisdiction)
        rest = abbreviations().get(_norm(rest), rest)
        inside = find_place(base)
        if base.startswith(_NATIONAL) or vertical or (inside and inside[1] > 0):
            canonical = base          # named as printed: a vertical body or a branch named after its place
        elif place and not base.startswith(place) and inside and inside[1] == 0:
            canonical = base[: inside[2]] + rest    # 衡阳高新区管委会 keeps its printed place
        else:
            canonical = (place or "") + rest
        found_inside = inside
        if vertical and found_inside:
            place = found_inside[0].name
    type_en = kind["pref_en"] if kind else None
    place_en = _place_en(place)
    party = rest.startswith("委") and not collective
    core = rest[1:] if party else rest
    exact_type = bool(kind) and _norm(core) in _type_forms(name)
    if collective:
        name_en = f"{type_en or 'collective units'} of {place_en}" if place_en else (type_en or pinyin_name(base))
    elif type_en and place_en:
        label = f"{place_en} {'party committee ' if party else ''}{type_en}"
        name_en = label if exact_type or vertical else f"{label} ({pinyin_name(core)})"
    elif type_en:
        name_en = f"{type_en} ({pinyin_name(base)})"
    else:
        name_en = pinyin_name(base)
    return Agency(name=name, canonical=canonical, jurisdiction=place, type=kind["notation"] if kind else None,
                  aliases=aliases, collective=collective, name_en=name_en,
                  category=kind["category"] if kind else None)


def resolve_agencies(responsibilities: list[Responsibility], plan: PlanMeta,
                     post_agencies: list[str] = ()) -> list[Agency]:
    """Every unit named in responsibilities, plan leads and leading-group posts, once each."""
    seen: dict[str, Agency] = {}
    for r in responsibilities:
        if r.agency not in seen:
            seen[r.agency] = resolve_agency(r.agency, plan)
    for name in [*plan.plan_leads, *post_agencies]:
        if name not in seen:
            seen[name] = resolve_agency(name, plan)
    return list(seen.values())
