"""extract/gazetteer.py: the GB/T 2260 code list, short names, 简称, the 发文字号 prefix index and
choosing between candidates by what a text names."""
from __future__ import annotations

import pytest

from policykg.extract import gazetteer as gz


def test_gazetteer_has_every_level_with_coordinates():
    levels = {p.level for p in gz.places()}
    assert levels == {"province", "city", "county"}
    assert len([p for p in gz.places() if p.level == "province"]) == 34
    assert len(gz.places()) > 3000
    assert all(p.lon is not None and p.lat is not None for p in gz.places() if p.level != "county")
    assert not gz.places_named("市辖区")  # the code list's placeholders are not places


@pytest.mark.parametrize("name, short", [
    ("衡阳市", "衡阳"), ("宁夏回族自治区", "宁夏"), ("新疆维吾尔自治区", "新疆"), ("延边朝鲜族自治州", "延边"),
    ("湘西土家族苗族自治州", "湘西"), ("神农架林区", "神农架"), ("鄂温克族自治旗", "鄂温克族"),
])
def test_gazetteer_short_names(name, short):
    assert gz.lookup(name).short == short


def test_gazetteer_province_abbreviations_are_data():
    assert gz.province_abbreviations()["430000"] == ["湘"]
    assert gz.province_abbreviations()["510000"] == ["川", "蜀"]
    assert len(gz.province_abbreviations()) == 34
    assert "湘" in gz.short_names(gz.by_code("430000"))


def test_gazetteer_parents_and_levels():
    yanfeng = gz.lookup("雁峰区")
    assert yanfeng.parent_code == "430400" and yanfeng.admin_level == "district"
    assert gz.by_code("430400").parent_code == "430000"
    beijing_chaoyang = next(p for p in gz.places_named("朝阳区") if p.province_code == "110000")
    assert beijing_chaoyang.parent_code == "110000"   # 直辖市: no prefecture entry
    assert gz.lookup("浏阳市").admin_level == "county"
    assert gz.by_code("430000").contains(yanfeng) and gz.by_code("430400").contains(yanfeng)
    assert not gz.by_code("131100").contains(yanfeng)


@pytest.mark.parametrize("doc_number, expected", [
    ("衡政办发〔2024〕9号", {"430400", "131100"}),          # 衡阳市, 衡水市
    ("湘政办发〔2023〕12号", {"430000", "430300", "433100"}),  # 湖南省 (湘), 湘潭市, 湘西州
    ("川府发〔2021〕3号", {"510000"}),
    ("银政发〔2023〕5号", {"640100"}),
    ("国办发〔2014〕64号", set()),
])
def test_gazetteer_doc_number_candidates(doc_number, expected):
    assert {p.code for p in gz.doc_number_candidates(doc_number)} == expected


def test_gazetteer_choose_by_evidence_counts_units_inside():
    candidates = gz.doc_number_candidates("衡政办发〔2024〕9号")
    assert gz.choose_by_evidence(candidates, "市人民政府办公室", "支持雁峰区、石鼓区建设服务业集聚区").code == "430400"
    assert gz.choose_by_evidence(candidates, "支持桃城区建设集聚区").code == "131100"
    assert gz.choose_by_evidence(candidates, "没有地名") is None
    assert gz.choose_by_evidence(candidates[:1], "").code == candidates[0].code
