"""Plan metadata on layouts real plans and their web copies use (issue 17), from constructed fragments.

Place names are real units (the gazetteer resolves them); the sentences are written here.
"""
from __future__ import annotations

import pytest

from policykg.extract import extract_text

BODY = "为推进知识产权工作，制定本方案。\n一、重点任务\n（一）强化创造。做好工作。\n"


def meta(text: str):
    return extract_text(text, "t.txt").plan


def test_plan_meta_issuer_and_date_only_in_the_footer():
    text = ("湘潭市知识产权强市建设工作方案\n" + BODY +
            "抄送：市委办公室，市人大常委会办公室。\n湘潭市人民政府办公室          2019年3月15日印发\n")
    p = meta(text)
    assert (p.issuer, p.issued) == ("湘潭市人民政府办公室", "2019-03-15")


@pytest.mark.parametrize("date,iso", [("二〇二四年三月六日", "2024-03-06"), ("二○二三年十二月三十一日", "2023-12-31"),
                                       ("二O二二年十月十日", "2022-10-10"), ("二零二一年五月二十日", "2021-05-20")])
def test_plan_meta_dates_in_chinese_numerals(date, iso):
    text = f"湘潭市人民政府办公室关于印发湘潭市知识产权强市建设工作方案的通知\n各县市区人民政府：\n现将方案印发给你们。\n湘潭市人民政府办公室\n{date}\n湘潭市知识产权强市建设工作方案\n" + BODY
    p = meta(text)
    assert (p.issuer, p.issued) == ("湘潭市人民政府办公室", iso)


def test_plan_meta_joint_issuers_on_one_line():
    text = ("关于印发株洲市知识产权强市建设实施方案的通知\n各有关单位：\n现将方案印发给你们。\n"
            "株洲市市场监督管理局  株洲市科学技术局\n2023年6月1日\n株洲市知识产权强市建设实施方案\n" + BODY)
    p = meta(text)
    assert p.issuer == "株洲市市场监督管理局株洲市科学技术局"
    assert p.issued == "2023-06-01"


@pytest.mark.parametrize("line", ["（岳政办发〔2022〕8号）", "岳政办发〔2022〕8号", "[岳政办发〔2022〕8号]"])
def test_plan_meta_doc_number_on_its_own_line(line):
    text = f"岳阳市人民政府办公室关于印发岳阳市知识产权强市建设工作方案的通知\n{line}\n各县市区人民政府：\n现印发给你们。\n岳阳市知识产权强市建设工作方案\n" + BODY
    assert meta(text).doc_number == "岳政办发〔2022〕8号"


def test_plan_meta_doc_number_glued_to_the_notice_title():
    text = "岳阳市人民政府办公室关于建立知识产权联席会议制度的通知岳政办函〔2021〕33号\n各县市区人民政府：\n一、主要职责\n统筹工作。\n"
    p = meta(text)
    assert p.doc_number == "岳政办函〔2021〕33号"
    assert p.title == "岳阳市人民政府办公室关于建立知识产权联席会议制度的通知"
    assert p.issuer == "岳阳市人民政府办公室"


def test_plan_meta_doc_number_cited_in_a_sentence_is_not_the_plans():
    text = "岳阳市知识产权强市建设工作方案\n根据《国务院关于新形势下加快知识产权强国建设的若干意见》（国发〔2015〕71号）精神，制定本方案。\n一、重点任务\n（一）强化创造。做好。\n"
    assert meta(text).doc_number is None


@pytest.mark.parametrize("suffix", ["任务分工", "工作清单", "实施细则", "工作指引", "实施意见", "若干措施"])
def test_plan_meta_title_suffixes(suffix):
    title = f"常德市知识产权强市建设{suffix}"
    p = meta(title + "\n" + BODY)
    assert p.title == title
    assert p.jurisdiction == "常德市"


def test_plan_meta_title_found_only_in_a_web_headline_is_not_a_citation():
    text = ("首页 > 政策文件\n《邵阳市知识产权强市建设工作方案》印发\n发布时间：2023-04-02\n"
            "为推进知识产权工作，结合实际，制定本方案。\n一、重点任务\n（一）强化创造。做好。\n")
    r = extract_text(text, "t.txt")
    assert r.plan.title == "邵阳市知识产权强市建设工作方案"
    assert all(c.title != r.plan.title for c in r.citations)


def test_plan_meta_shared_document_title_with_file_extension():
    text = "《益阳市知识产权强市建设行动方案.docx》由会员分享，可在线阅读\n为推进工作，制定本方案。\n一、重点任务\n（一）强化创造。做好。\n"
    assert meta(text).title == "益阳市知识产权强市建设行动方案"


def test_plan_meta_portal_pipe_rows_without_a_title_line():
    text = ("索引号: | 0001/2022-01 | 分类: | 通知 |\n发布机构: | 郴州市人民政府 | 文号: | 郴政发〔2022〕5号 |\n"
            "成文日期: | 2022-03-01 | 发布日期: | 2022-03-02 |\n名称: | 郴州市知识产权强市建设行动计划 |\n"
            "各县市区人民政府：\n一、重点任务\n（一）强化创造。做好。\n")
    p = meta(text)
    assert (p.doc_number, p.issuer, p.issued) == ("郴政发〔2022〕5号", "郴州市人民政府", "2022-03-01")
    assert p.title == "郴州市知识产权强市建设行动计划"
    assert p.jurisdiction == "郴州市"


@pytest.mark.parametrize("title,start,end", [
    ("娄底市“十四五”知识产权发展规划", 2021, 2025),
    ("娄底市2024年知识产权工作要点", 2024, 2024),
    ("娄底市知识产权强市建设方案(2023—2025年)", 2023, 2025),
])
def test_plan_meta_period_from_the_title(title, start, end):
    p = meta(title + "\n" + BODY)
    assert (p.period_start, p.period_end) == (start, end)


def test_plan_meta_period_from_a_stated_term():
    text = "娄底市知识产权强市建设方案\n建设期限为2023年7月至2026年6月。\n一、重点任务\n（一）强化创造。做好。\n"
    p = meta(text)
    assert (p.period_start, p.period_end) == (2023, 2026)


def test_plan_meta_period_from_a_start_year_and_n_years():
    text = "娄底市知识产权强市建设方案\n从2022年起，用三年时间，基本建成知识产权强市。\n一、重点任务\n（一）强化创造。做好。\n"
    p = meta(text)
    assert (p.period_start, p.period_end) == (2022, 2024)


def test_plan_meta_period_start_stays_empty_without_evidence():
    text = "娄底市知识产权强市建设方案\n到2025年，专利拥有量明显提升。\n一、重点任务\n（一）强化创造。做好。\n"
    p = meta(text)
    assert (p.period_start, p.period_end) == (None, 2025)


def test_plan_meta_jurisdiction_is_the_most_specific_unit_of_a_chain():
    p = meta("湖南省衡阳市雁峰区知识产权工作方案\n" + BODY)
    assert (p.jurisdiction, p.province, p.level) == ("雁峰区", "湖南省", "county")


def test_plan_meta_ambiguous_district_settled_by_the_issuer():
    text = ("关于印发鼓楼区知识产权保护工作方案的通知\n各街道：\n现印发给你们。\n南京市鼓楼区人民政府\n2023年2月1日\n"
            "鼓楼区知识产权保护工作方案\n" + BODY)
    p = meta(text)
    assert (p.jurisdiction, p.province, p.level) == ("南京市鼓楼区", "江苏省", "county")


def test_plan_meta_ambiguous_district_settled_by_a_province_in_the_title():
    p = meta("鼓楼区福建省知识产权强区建设方案\n" + BODY)
    assert (p.jurisdiction, p.province) == ("福州市鼓楼区", "福建省")


def test_plan_meta_provincial_plan_does_not_take_a_city_from_its_body():
    text = ("陕政办发〔2020〕12号\n各设区市人民政府，省人民政府各工作部门：\n为推进全省知识产权工作，省政府决定成立工作专班。\n"
            "一、工作专班组成人员\n组长：张三 省长\n成员：李四 西安市市长\n王五 西安市副市长\n二、工作职责\n全省统筹。\n")
    p = meta(text)
    assert (p.jurisdiction, p.level, p.doc_number) == ("陕西省", "province", "陕政办发〔2020〕12号")


def test_plan_meta_provincial_plan_without_a_title_from_its_scope_words():
    text = ("为加快全省数字经济发展，制定本行动计划。\n一、主要目标\n到2026年，全省数字产业规模明显提升，浙江省产业集群初具规模。\n"
            "二、重点任务\n（一）强化创新。全省各市做好工作。\n")
    p = meta(text)
    assert (p.jurisdiction, p.level) == ("浙江省", "province")


def test_plan_meta_flattened_header_dates_and_issuers_inside_sentences():
    text = ("永州市知识产权强市建设工作方案 各县区人民政府：现将方案印发给你们，请认真贯彻执行。 永州市人民政府办公室 2022年5月9日 "
            "为推进工作，制定本方案。一、重点任务 （一）强化创造。做好工作。")
    p = meta(text)
    assert (p.issuer, p.issued) == ("永州市人民政府办公室", "2022-05-09")


def test_plan_meta_flattened_header_doc_number_after_the_notice_title():
    text = ("永州市人民政府办公室关于印发永州市知识产权强市建设工作方案的通知 永政办发〔2022〕14号 各县区人民政府：现将方案印发给你们。"
            "永州市知识产权强市建设工作方案 为推进工作，制定本方案。一、重点任务 （一）强化创造。做好工作。")
    p = meta(text)
    assert p.doc_number == "永政办发〔2022〕14号"
    assert p.title == "永州市知识产权强市建设工作方案"


def test_plan_meta_notice_issuing_two_documents_takes_the_first_printed():
    text = ("怀化市人民政府办公室关于印发《怀化市知识产权强市建设工作方案》和《怀化市知识产权保护行动计划》的通知\n"
            "各县市区人民政府：\n现将两个文件印发给你们。\n怀化市人民政府办公室\n2023年1月9日\n"
            "怀化市知识产权强市建设工作方案\n" + BODY)
    p = meta(text)
    assert p.title == "怀化市知识产权强市建设工作方案"
    assert p.issued == "2023-01-09"


def test_plan_meta_ambiguous_district_settled_by_its_city_named_in_the_text():
    text = "鼓楼区知识产权强区建设工作方案\n为贯彻福州市知识产权工作部署，结合福州实际，制定本方案。\n一、重点任务\n（一）强化创造。做好。\n"
    p = meta(text)
    assert (p.jurisdiction, p.province) == ("福州市鼓楼区", "福建省")


def test_plan_meta_issuer_above_a_seal_line_and_the_date():
    text = ("关于印发湘潭市知识产权工作要点的通知\n各单位：\n现印发给你们。\n湘潭市知识产权工作领导小组办公室\n（湘潭市市场监督管理局代章）\n"
            "2023年2月8日\n湘潭市知识产权工作要点\n" + BODY)
    p = meta(text)
    assert (p.issuer, p.issued) == ("湘潭市知识产权工作领导小组办公室", "2023-02-08")


@pytest.mark.parametrize("title", ["湘潭市知识产权工作指引\n（2024）", "湘潭市2024年度知识产权工作任务清单"])
def test_plan_meta_annual_plan_year_in_brackets_or_as_niandu(title):
    p = meta(title + "\n" + BODY)
    assert (p.period_start, p.period_end) == (2024, 2024)


def test_plan_meta_a_stated_term_beats_the_five_year_label_of_the_title():
    text = "娄底市数字经济发展“十四五”规划\n为推进数字经济发展，制定本规划。规划期为2022—2025年。\n一、重点任务\n（一）强化创新。做好。\n"
    p = meta(text)
    assert (p.period_start, p.period_end) == (2022, 2025)


def test_the_name_counter_counts_as_str_count():
    from policykg.extract.components.plan_meta import _counter, places

    text = "福州市人民政府办公厅关于印发福州市知识产权强市建设方案的通知。福州、厦门两市，全省推进。"
    count = _counter(text)
    for word in ["福州市", "福州", "厦门", "", "泉州", "市", "省推", "福州市人民政府办公厅关于"] + \
            [p.name for p in places()][:400] + [p.short for p in places()][:400]:
        assert count(word) == text.count(word), word
