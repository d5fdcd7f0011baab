"""extract/cleaning.py: mojibake repair, pinyin strip, boilerplate lines, t2s, whitespace, offsets."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from policykg.extract.cleaning import (
    _LEGACY_GBK_RUNS,
    clean_text,
    is_boilerplate,
    plausibility,
    repair_mojibake,
    strip_pinyin,
)

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"


def shifted_gbk(sentence: str, decoder: str) -> str:
    """`sentence` as a GBK page shows it when the lead byte of its first char is lost.

    The first char is an ideographic space (as in indented paragraphs), so nothing printable is
    lost at the start; `decoder` is "gb18030" (private-use chars for the user-defined codes, as
    browsers and Java show them) or "gbk" (Python's, with replacement chars).
    """
    return ("\u3000" + sentence).encode("gbk")[1:].decode(decoder, errors="replace")


def same_but_lost(repaired: str, expected: str) -> bool:
    """Equal, except where the faulty decoder threw bytes away (U+FFFD in `repaired`)."""
    return len(repaired) == len(expected) and all(a == b or a == "\ufffd" for a, b in zip(repaired, expected))


SENTENCES = [
    "加快构建知识产权全链条保护体系，推动重点产业高质量发展。",
    "健全知识产权纠纷多元化解机制，完善行政裁决与司法审判衔接。",
    "支持企业开展海外知识产权布局，建立涉外纠纷应对指导机制。",
    "建立健全商标品牌培育机制，打造一批具有国际影响力的区域品牌。",
    "市市场监管局牵头，市科技局、市财政局、市商务局按职责分工负责。",
    "強化知識產權綜合管理，構建便民利民的公共服務體系。",
    "鼓勵金融機構創新質押融資產品，拓寬企業融資渠道。",
]

# --- (1) mojibake -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line,expected",
    [
        (" ?。ㄒ唬\ue7ed娀\ue207\ue02a嘏渲茫\ue0eb纬筛哔|量創(chuàng)造導向。", " （一）強化要素配置，形成高質量創(chuàng)造導向。"),
        (" ?。ù思\ue480\ue0a6_發(fā)布)", " （此件公開發(fā)布)"),
        (" ?。ǘ\ue46a\ue7ed娀\ue214\\營轉化,提升高效益運用能級。", " （二）強化運營轉化,提升高效益運用能級。"),
    ],
)
def test_cleaning_repairs_seed_mojibake_lines(line, expected):
    # the run ends where an original trail byte < 0x80 (| _ \) put the decoder back in phase;
    # everything after it, pinyin included, is kept as it was
    assert repair_mojibake(line) == expected


@pytest.mark.parametrize("decoder", ["gb18030", "gbk"])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_cleaning_repairs_shifted_gbk_after_marker(sentence, decoder):
    shown = shifted_gbk(sentence, decoder)
    line = " ?" + shown
    repaired = repair_mojibake(line).strip()
    if shown.startswith("\ufffd"):  # the decoder fell back into phase at once: nothing to repair
        assert repaired == line.strip()
    else:
        assert same_but_lost(repaired, sentence), (line, repaired)
        assert not re.search("[\ue000-\uf8ff]", repaired)


@pytest.mark.parametrize("sentence", [s for s in SENTENCES if re.search("[\ue000-\uf8ff]", shifted_gbk(s, "gb18030"))])
def test_cleaning_repairs_shifted_gbk_with_private_use_chars(sentence):
    line = shifted_gbk(sentence, "gb18030")
    repaired = repair_mojibake(line)
    assert same_but_lost(repaired, sentence), (line, repaired)
    assert repaired.count("\ufffd") <= 1  # only the last char, whose trail byte ended the line


def test_cleaning_repairs_only_the_run_mid_line():
    good = "根据《国家知识产权战略纲要》，"
    run = shifted_gbk("加快构建知识产权保护体系", "gb18030")
    line = good + run + ",推进2025年目标。"
    repaired = repair_mojibake(line)
    assert repaired.startswith(good)
    assert repaired.endswith(",推进2025年目标。")
    assert "知识产权保护体" in repaired


@pytest.mark.parametrize(
    "line",
    [
        "各县(市)区人民政府,市政府各部门:\ue60c",  # icon-font glyph from a scraped page
        "\ue60c 打印本页",
        "知识产权质押融资金额达到\ufffd亿元",
        "推进αβ两类专利的审查",
        "?附件1",
        "?市文旅局副局长",
        "(一)知识产权创造成果提质增量。",
    ],
)
def test_cleaning_repair_leaves_good_text_alone(line):
    assert repair_mojibake(line) == line


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_cleaning_repair_touches_only_mojibake_lines_of_seeds(seed):
    lines = seed.read_text(encoding="utf-8").splitlines()
    changed = [line for line in lines if repair_mojibake(line) != line]
    assert all(line.lstrip().startswith("?") for line in changed)
    assert len(changed) == (3 if seed.name.startswith("001") else 0)


def test_cleaning_legacy_gbk_table_fills_gaps_of_python_codec():
    # Legacy decoders number the GBK codes that plain GBK leaves unassigned with consecutive PUA
    # chars, in code order. Python's gb18030 still does so except for the codes it now maps to
    # real chars; each such gap takes its number from the next PUA char after it.
    unassigned = []
    for lead in range(0x81, 0xFF):
        for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            raw = bytes((lead, trail))
            try:
                raw.decode("gbk")
            except UnicodeDecodeError:
                unassigned.append((lead << 8 | trail, ord(raw.decode("gb18030"))))
    derived, pending = {}, []
    for code, char in unassigned:
        if 0xE000 <= char <= 0xF8FF:
            for back, gap in enumerate(reversed(pending), start=1):
                derived[gap] = char - back
            pending = []
        else:
            pending.append(code)
    legacy = {
        first + i: char + i
        for first, char, count in _LEGACY_GBK_RUNS
        if 0xE000 <= char <= 0xF8FF
        for i in range(count)
    }
    assert legacy == derived


# --- (2) pinyin -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("創(chuàng)造", "創造"),
        ("各區(qū)、縣(市)", "各區、縣(市)"),
        ("統(tǒng)籌協(xié)調", "統籌協調"),
        ("發（fā）布", "發布"),
        ("綠(lǜ)色", "綠色"),
        ("環(Huán)境", "環境"),
        ("發(fa\u0304)布", "發布"),  # combining macron
        ("兒(ér)童", "兒童"),
    ],
)
def test_cleaning_strips_pinyin(text, expected):
    assert strip_pinyin(text) == expected


@pytest.mark.parametrize(
    "text",
    ["县(市)", "国际保护协会(AIPPI)", "规划(2016-2020)", "(一)加强保护", "贯彻标准(GB/T 29490)",
     "无线网络(Wi-Fi)", "咖啡馆(café)", "专利合作条约(PCT)", "附件(a)", "(chuàng)开头"],
)
def test_cleaning_keeps_parentheses_that_are_not_pinyin(text):
    assert strip_pinyin(text) == text


# --- (3) boilerplate --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "扫一扫在手机打开当前页",
        "无障碍 | 长者版",
        "无障碍浏览 长者模式",
        "当前位置: 首页>政府信息公开>市政府文件",
        "您现在的位置:首页 > 政策文件",
        "【打印】【关闭】",
        "[打印本页] [关闭窗口]",
        "打印 | 关闭",
        "分享到:",
        "字号:[ 大 中 小 ]",
        "来源:某市市场监督管理局 发布时间:2021-06-23 选择阅读字号:[ 大 中 小 ] 阅读次数: 0",
        "『图文解读』 图解:某市知识产权强市建设工作方案",
        "【字体:大 中 小】",
        "相关链接",
        "上一篇:关于开展专利转化专项计划的通知",
        "网站标识码:1234567890 京ICP备12345678号",
    ],
)
def test_cleaning_drops_boilerplate_lines(line):
    assert is_boilerplate(line)
    clean, _, _ = clean_text(f"知识产权工作方案\n{line}\n一、总体要求")
    assert clean == "知识产权工作方案\n一、总体要求"


@pytest.mark.parametrize(
    "line",
    [
        "索 引 号:11640100010085810C/2023-00056 效力状态:有效",
        "发布机构:银川市人民政府办公室 成文日期:2023-01-20",
        "发文字号:银政发〔2023〕5号",
        "发布日期:2023-01-20",
        "名 称:银川市人民政府关于印发工作方案的通知",
        "来源:攀枝花市市场监督管理局 发布时间:2021-06-23",
        "依法关闭侵权网站,打印并分享典型案例。",
        "附件:相关链接单位名单",
    ],
)
def test_cleaning_keeps_metadata_and_content_lines(line):
    assert not is_boilerplate(line)
    clean, _, _ = clean_text(line)
    assert clean == re.sub(r"^\s+|\s+$", "", line)


# --- (4) t2s and (5) whitespace ----------------------------------------------------------------


def test_cleaning_converts_traditional_keeping_punctuation_and_digits():
    raw = "（一）強化知識產權保護，到２０２５年：專利數量達到1.5萬件；"
    clean, _, warnings = clean_text(raw)
    assert clean == "（一）强化知识产权保护，到２０２５年：专利数量达到1.5万件；"
    assert "converted traditional to simplified" in warnings


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_cleaning_trims_lines_and_drops_blank_ones(newline):
    raw = newline.join(["\u3000\u3000第一行\u00a0 ", "", "   ", "\t第二行\u3000", " \ufeff第三行"])
    clean, offsets, _ = clean_text(raw)
    assert clean == "第一行\n第二行\n第三行"
    assert len(offsets) == len(clean)


def test_cleaning_of_seed_001_reads_as_simplified_plan():
    raw = (SEEDS / "001_1eab838177af062e.txt").read_text(encoding="utf-8")
    clean, _, warnings = clean_text(raw)
    assert "杭州市国家知识产权强市建设示范城市创建工作方案" in clean
    assert "(一)强化要素配置,形成高质量创造导向。" in clean
    assert "(二)强化运营转化,提升高效益运用能级。" in clean
    assert "(此件公开发布)" in clean
    assert not re.search(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]", clean)
    assert not any(line.startswith("?") for line in clean.split("\n"))
    assert not re.search("[\ue000-\uf8ff]", clean)
    assert warnings[0] == "repaired 3 mojibake lines"


# --- offsets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "  关于印发工作方案的通知\n\n各区县人民政府:\n  Article 3 (PCT)  \n扫一扫在手机打开当前页\n",
        "\u3000\u3000到2025年,专利拥有量达到40件。\n\u3000\u3000(一)加强保护。",
    ],
)
def test_cleaning_offsets_point_at_the_same_chars(raw):
    clean, offsets, _ = clean_text(raw)
    assert len(offsets) == len(clean)
    assert offsets == sorted(offsets)
    assert all(raw[o] == c for o, c in zip(offsets, clean))


def test_cleaning_offsets_skip_pinyin_and_follow_t2s():
    raw = "各區(qū)、縣(市)人民政府\r\n  創(chuàng)建工作"
    clean, offsets, _ = clean_text(raw)
    assert clean == "各区、县(市)人民政府\n创建工作"
    assert offsets == sorted(offsets)
    assert [raw[o] for o in offsets] == list("各區、縣(市)人民政府\r創建工作")


def test_cleaning_offsets_of_repaired_line_stay_inside_it():
    raw = "第一行\n ?。ㄒ唬\ue7ed娀\ue207\ue02a嘏渲茫\ue0eb纬筛哔|量創(chuàng)造導向。\n第三行"
    clean, offsets, _ = clean_text(raw)
    second = clean.split("\n")[1]
    start = clean.index(second)
    line_start, line_end = raw.index(" ?"), raw.index("\n第三行")
    assert second == "（一）强化要素配置，形成高质量创造导向。"  # no ASCII punctuation elsewhere to follow
    assert offsets == sorted(offsets)
    assert all(line_start <= o < line_end for o in offsets[start : start + len(second)])
    assert raw[offsets[start + len(second) - 1]] == "。"


def test_cleaning_plausibility_ranks_real_text_above_misdecoded_text():
    text = "加快构建知识产权全链条保护体系，推动重点产业高质量发展。"
    big5_read_as_gbk = "強化知識產權綜合管理".encode("big5").decode("gb18030", errors="replace")
    assert plausibility(text) > 0.9
    assert plausibility(big5_read_as_gbk) < 0
    assert plausibility(shifted_gbk(text, "gb18030")) < 0
