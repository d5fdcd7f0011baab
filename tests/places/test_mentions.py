"""extract/components/places.py: counties, districts and development zones named in measures,
linked to gazetteer units; a zone resolves to the unit its name starts with."""
from __future__ import annotations

from policykg.extract import extract_text


def _mentions(city: str, body: str):
    text = "\n".join([f"{city}知识产权强市建设工作方案", "", "一、重点任务", "1.加强专利培育。" + body, ""])
    result = extract_text(text, "t.txt")
    for m in result.places:
        assert result.text[m.start:m.end] == m.name
        assert m.measure_id == result.measures[0].id
    return [(m.name, m.kind, m.code, m.resolved, m.level) for m in result.places]


def test_mentions_districts_counties_and_zones():
    assert _mentions("衡阳市", "支持雁峰区、衡南县和衡阳高新技术产业开发区建设集聚区。") == [
        ("雁峰区", "admin", "430406", "雁峰区", "district"),
        ("衡南县", "admin", "430422", "衡南县", "county"),
        ("衡阳高新技术产业开发区", "zone", "430400", "衡阳市", "city"),
    ]


def test_mentions_zone_resolves_to_the_unit_it_starts_with():
    assert _mentions("银川市", "推动银川经济技术开发区、永宁县建设。") == [
        ("银川经济技术开发区", "zone", "640100", "银川市", "city"),
        ("永宁县", "admin", "640121", "永宁县", "county"),
    ]


def test_mentions_zone_without_a_place_name_is_kept_unresolved():
    assert _mentions("衡阳市", "依托园区,松木经开区、雁峰区开展试点。") == [
        ("松木经开区", "zone", None, None, None), ("雁峰区", "admin", "430406", "雁峰区", "district")]


def test_mentions_skip_generic_zones_and_names_of_other_cities():
    # 朝阳区 is two districts, neither in 朝阳市; 城区 is a common word; verbs are not zone names
    assert _mentions("朝阳市", "推进朝阳区合作,提升城区服务,鼓励产业园区和推进高新区发展,支持龙城区。") == [
        ("龙城区", "admin", "211303", "龙城区", "district")]


def test_mentions_unique_place_elsewhere_resolves():
    assert _mentions("衡阳市", "学习浏阳市经验。") == [("浏阳市", "admin", "430181", "浏阳市", "county")]


def test_mentions_zone_after_a_province_name_resolves_to_the_city():
    assert _mentions("衡阳市", "支持湖南衡阳高新区发展。") == [("湖南衡阳高新区", "zone", "430400", "衡阳市", "city")]
