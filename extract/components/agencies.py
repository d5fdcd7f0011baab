"""Agencies: each unit named in a responsibility list, resolved within the plan's jurisdiction.

"市财政局" in a 衡阳市 plan is 衡阳市财政局; a bare "财政局" is too; "市市场监管局(知识产权局)" is
one agency with the alias 知识产权局; a name that starts with another place (龙城区政府, 衡阳海关)
or with 国家 / 中国 keeps its own prefix; 各县(市)区人民政府 and 领导小组成员单位 are collective
units. The agency type comes from the SKOS vocabulary in ontology/agency_types.ttl when present.
Writes `doc._.policykg["agencies"]`.

DOCS: docs/components.md#agencies
"""
from __future__ import annotations

import re

from ..gazetteer import find_place
from ..result import Agency, PlanMeta, Responsibility

_ALIAS = re.compile(r"^(?P<base>.+?)\s*[(（](?P<alias>[^()（）]+)[)）]$")
_COLLECTIVE = re.compile(r"^各|成员单位$|各有关|有关部门$|相关部门$")
_NATIONAL = ("国家", "中国", "中共中央", "国务院", "全国", "中华人民共和国")
_LOCAL_PREFIX = {"province": "省", "city": "市", "county": "县"}


def _classify(name: str) -> str | None:
    try:
        from policykg.ontology.vocab import classify_agency
    except ImportError:   # vocabulary not shipped: agencies stay untyped
        return None
    found = classify_agency(name)
    return found.get("notation") if found else None


def resolve_agency(name: str, plan: PlanMeta) -> Agency:
    jurisdiction = plan.jurisdiction
    base, aliases = name, []
    m = _ALIAS.match(name)
    if m and not name.startswith("各"):
        base, aliases = m.group("base"), [m.group("alias")]
    collective = bool(_COLLECTIVE.search(base))
    short = re.sub(r"(省|市|自治区|回族自治区|壮族自治区|维吾尔自治区|县|区)$", "", jurisdiction or "")
    if collective or base.startswith(_NATIONAL):
        canonical = base
    elif jurisdiction and (base.startswith(jurisdiction)):
        canonical = base
    elif jurisdiction and short and base.startswith(short):
        canonical = jurisdiction + base[len(short):] if base[len(short):len(short) + 1] in ("市", "省", "县", "区") else base
        canonical = jurisdiction + canonical[len(jurisdiction) + 1:] if canonical.startswith(jurisdiction + "市") else canonical
    elif jurisdiction and base[:1] in ("市", "省", "县", "区") and len(base) > 2 and base[:1] == jurisdiction[-1:]:
        canonical = jurisdiction + base[1:]
    elif find_place(base, allow_short=True) and find_place(base)[1] == 0:
        canonical, jurisdiction = base, find_place(base)[0].name
    elif jurisdiction:
        canonical = jurisdiction + base
    else:
        canonical = base
    return Agency(name=name, canonical=canonical, jurisdiction=jurisdiction, type=_classify(base),
                  aliases=aliases, collective=collective)


def resolve_agencies(responsibilities: list[Responsibility], plan: PlanMeta) -> list[Agency]:
    seen: dict[str, Agency] = {}
    for r in responsibilities:
        if r.agency not in seen:
            seen[r.agency] = resolve_agency(r.agency, plan)
    for name in plan.plan_leads:
        if name not in seen:
            seen[name] = resolve_agency(name, plan)
    return list(seen.values())
