"""`opening_twin` / `finditer_by_twin` stand for a pattern's own finditer where that pattern opens
on a look-back (the regex engine would try it at every character): they must give the very same
matches and groups, look-backs before `pos` included."""
from __future__ import annotations

import re

import pytest

from policykg.extract.components.responsibility_blocks import _grammar
from policykg.extract.textutil import finditer_by_twin, opening_twin

LINES = [
    "牵头单位：市科技局、市财政局；配合单位：各区县人民政府",
    "【责任单位】市市场监管局（知识产权局）【牵头】、市商务局",
    "确定牵头单位:市工信局　责任单位  市发改委、市教育局",
    "主要任务 牵头单位 市科技局 配合单位 市财政局",
    "市场牵头单位：甲；责任单位（按分工）：乙",
    "没有标签的一行文字，只有牵头两个字。",
]


@pytest.mark.parametrize("line", LINES)
def test_label_matches_are_the_same_from_every_start(line):
    g = _grammar()
    for pos in range(len(line)):
        for endpos in (len(line), max(pos, len(line) - 4)):
            want = [(m.span(), m.groupdict()) for m in g["label"].finditer(line, pos, endpos)]
            got = [(m.span(), m.groupdict()) for m in finditer_by_twin(g["label"], g["label_twin"], line, pos, endpos)]
            assert got == want
    assert any(g["label"].finditer(line)) == (line != LINES[-1])


def test_a_look_back_before_the_start_still_counts():
    pattern = re.compile(r"(?<!x)ab|(?P<c>cd)")
    twin = opening_twin(pattern, "[ac]")
    text = "xab ab cd"
    assert [m.span() for m in finditer_by_twin(pattern, twin, text, 1)] == [(4, 6), (7, 9)]
    assert [m.span() for m in pattern.finditer(text, 1)] == [(4, 6), (7, 9)]



def test_sentence_ends_written_class_first_are_the_same():
    from policykg.extract.components import incentives, targets

    texts = ["1。2", "a。2", "1。b", "。", "1。", "。1", "2。。3", "！1。2;？\n3。5万元。", "到2025年，达到3。5亿元；其中！"]
    for pattern, before in ((incentives._SENTENCE_END, r"[！？!?；;]|(?<!\d)。|。(?!\d)|\n"),
                            (targets._SENTENCE_END, r"[！？!?]|(?<!\d)。|。(?!\d)|\n")):
        for text in texts:
            assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in re.finditer(before, text)]


FIGURE_TEXTS = [
    "到2025年，全市发明专利拥有量达到3000件以上，其中高价值发明专利1200件",
    "超万家企业获得贯标认证，三分之一的区县建成工作站，1/3以上",
    "培育专精特新企业六十家、单项冠军企业5家，算力规模达到5EFLOPS",
    "没有数字的一句话，只有文字。",
    "12,000项 3.5亿元 1 200家 十五个 万亿元",
]


@pytest.mark.parametrize("text", FIGURE_TEXTS)
def test_a_twin_of_several_patterns_starts_where_the_first_of_them_does(text):
    from policykg.extract.components import targets

    p = targets._patterns()
    several = (p["number"], p["fraction"], p["bare"])
    twin = opening_twin(several, targets._MAY_HOLD_NUMBER.pattern)
    assert twin.pattern == p["figure_somewhere"].pattern   # what targets uses
    for pos in range(len(text)):
        for endpos in (len(text), max(pos, len(text) - 3)):
            starts = [m.start() for m in (q.search(text, pos, endpos) for q in several) if m]
            found = twin.search(text, pos, endpos)
            assert (found.start() if found else None) == (min(starts) if starts else None)
    assert bool(twin.search(text)) == (text != FIGURE_TEXTS[3])


def test_a_twin_of_one_pattern_is_a_twin_of_it_alone():
    pattern = re.compile(r"(?<!x)ab|(?P<c>cd)")
    assert opening_twin(pattern, "[ac]").pattern == opening_twin([pattern], "[ac]").pattern


def test_patterns_that_cannot_share_a_twin_are_refused():
    with pytest.raises(ValueError, match="flags"):
        opening_twin((re.compile("ab"), re.compile("cd", re.I)), "[acAC]")
    with pytest.raises(ValueError, match="back-reference"):
        opening_twin(re.compile(r"(?P<x>a)(?P=x)"), "[a]")
    with pytest.raises(ValueError, match="back-reference"):
        opening_twin(re.compile(r"(a)\1"), "[a]")


def test_opening_class_reads_the_characters_a_match_can_open_on():
    from policykg.extract.textutil import opening_class

    assert opening_class(re.compile(r"(?:责任|牵头)单位|【\s*责任|[(（]x")) == r"[\u8d23\u7275\u3010\x28\uff08]"
    assert opening_class(re.compile(r"^[\s\u3000]*(?:[(（]\s*)?附", re.M)) == r"[\s\u3000\x28\uff08\u9644]"
    assert opening_class(re.compile(r"x{0}b|\d+c|(?=z)y")) == r"[\x62\d\x79]"
    # not known here: the twin would be wrong or useless, and the pattern is used as it is
    for unknown in (r"a?", r"(?i)ab", r"[^a]b", r".b", r"(?i:a)b", r"a*"):
        assert opening_class(re.compile(unknown)) is None, unknown


def test_a_pattern_with_a_back_reference_is_its_own_start_finder():
    from policykg.extract.textutil import start_finder

    for pattern in (re.compile(r"(?P<x>a)(?P=x)|b"), re.compile(r"(a)\1|b")):
        assert start_finder(pattern) is pattern
    plain = re.compile(r"(?:ab|cd)e|f")
    assert start_finder(plain) is not plain and start_finder(plain).search("xxcdef").start() == 2


CUE_LINES = [
    "（一）加强知识产权保护。（市市场监管局牵头，市公安局、市法院配合）",
    "责任单位：市科技局、市财政局",
    "  【责任单位】市商务局",
    "实施主体：各区县人民政府；牵头考核单位：市委组织部",
    "到2025年，全市发明专利拥有量达到3000件，新增专利代理机构10家以上。",
    "附件：1. 重点任务分工表",
    "沪府办〔2021〕12号",
    "没有线索的一行。（说明文字，与责任无关）",
    "",
]


@pytest.mark.parametrize("line", CUE_LINES)
def test_the_cues_start_finders_find_what_the_cues_find(line):
    from policykg.extract.cues import cue_starts, cues

    text = "前文\n" + line + "\n后文"
    for name, pattern in cues().items():
        finder = cue_starts()[name]
        for pos in range(len(text)):
            for endpos in (len(text), max(pos, len(text) - 4)):
                want = pattern.search(text, pos, endpos)
                got = finder.search(text, pos, endpos)
                assert (got and got.start()) == (want and want.start()), (name, pos, endpos)
    assert cue_starts()["responsibility"] is not cues()["responsibility"]   # it has a twin



def test_runs_written_class_first_match_as_the_plain_runs():
    from policykg.extract import cleaning, load
    from policykg.extract.textutil import runs_of

    text = "推进 知识产权\u3000\u3000强市\t建设，ab  12\n\n甲\u00a0乙\ue000\ufffd鍩烘湰"
    for cls in (r"[\s\u3000]", "[a-z]", "[^\u4e00-\u9fff]", f"[{cleaning._EDGE_WS}]"):
        assert [m.span() for m in runs_of(cls).finditer(text)] == [m.span() for m in re.finditer(cls + "+", text)]
    for pattern in load._plausibility_classes():
        cls = pattern.pattern[:(len(pattern.pattern) - 1) // 2]
        assert pattern.pattern == cls + cls + "*"
        assert pattern.findall(text) == re.findall(cls + "+", text)


def test_line_breaks_written_class_first_are_the_plain_ones():
    from policykg.extract import cleaning

    plain = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
    for text in ("a\r\nb\rc\nd\r\r\ne\n\rf\x0b\x0cg\x85\u2028\u2029h\r", "\r\n\r\n", "\r", "no break", "\n\r\n\r"):
        assert [m.span() for m in cleaning._LINE_BREAK.finditer(text)] == [m.span() for m in plain.finditer(text)]
