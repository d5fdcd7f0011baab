"""Plan jurisdiction resolution (extract/components/plan_meta.py): every seed plan resolves to its
gazetteer unit and code; constructed plans whose title omits 市, or whose only clue is the
发文字号 prefix, resolve too; the level comes from the unit."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.extract import extract_path, extract_text

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"


@pytest.mark.parametrize("prefix, name, code, province, level", [
    ("000_", "衡阳市", "430400", "湖南省", "city"),
    ("001_", "杭州市", "330100", "浙江省", "city"),
    ("002_", "四川省", "510000", "四川省", "province"),
    ("003_", "银川市", "640100", "宁夏回族自治区", "city"),
    ("004_", "朝阳市", "211300", "辽宁省", "city"),
])
def test_resolution_seed_plans(prefix, name, code, province, level):
    (path,) = SEEDS.glob(prefix + "*")
    plan = extract_path(path).plan
    assert (plan.jurisdiction, plan.place_code, plan.province, plan.level) == (name, code, province, level)


def _plan(header: list[str], title: str, body: str) -> str:
    return "\n".join([*header, "", title, "", "一、重点任务", "1.加强专利培育。" + body, ""])


def test_resolution_title_without_shi():
    text = _plan(["市人民政府办公室", "2024年4月1日"], "衡阳建设国家知识产权强市试点城市工作方案", "开展专项行动。")
    plan = extract_text(text, "t.txt").plan
    assert (plan.jurisdiction, plan.place_code, plan.level) == ("衡阳市", "430400", "city")


@pytest.mark.parametrize("body, code, name", [
    ("支持雁峰区、石鼓区建设知识产权服务业集聚区。", "430400", "衡阳市"),
    ("支持桃城区建设知识产权服务业集聚区。", "131100", "衡水市"),
])
def test_resolution_only_the_doc_number_prefix(body, code, name):
    """衡政办发 is 衡阳 or 衡水: the units the text names decide (each test names only one side)."""
    text = _plan(["衡政办发〔2024〕9号", "市人民政府办公室关于印发建设国家知识产权强市工作方案的通知",
                  "市人民政府办公室", "2024年4月29日"], "建设国家知识产权强市工作方案", body)
    plan = extract_text(text, "t.txt").plan
    assert plan.doc_number == "衡政办发〔2024〕9号"
    assert (plan.jurisdiction, plan.place_code, plan.level) == (name, code, "city")


def test_resolution_province_abbreviation_prefix():
    text = _plan(["湘政办发〔2023〕12号", "省人民政府办公厅", "2023年5月6日"], "知识产权强省建设实施方案",
                 "全省各市州推进湖南省知识产权保护中心建设,支持湖南省企业。")
    plan = extract_text(text, "t.txt").plan
    assert (plan.jurisdiction, plan.place_code, plan.level) == ("湖南省", "430000", "province")


def test_resolution_level_is_the_units():
    plan = extract_text(_plan([], "雁峰区知识产权工作方案", "内容。"), "t.txt").plan
    # the plan records the GB/T 2260 tier: a 市辖区 is county-level (issue 17)
    assert (plan.place_code, plan.province, plan.level) == ("430406", "湖南省", "county")


def test_resolution_nothing_to_go_on_leaves_it_empty():
    plan = extract_text(_plan(["某政办发〔2024〕1号"], "知识产权工作方案", "内容。"), "t.txt").plan
    assert plan.jurisdiction is None and plan.place_code is None
