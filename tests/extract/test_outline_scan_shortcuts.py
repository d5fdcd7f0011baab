"""The outline's scan shortcuts give the candidates and decisions the plain scan gave: a break in
a long line is tried only before a character that can open a marker, and a paragraph 'breaks
off' by its last character alone."""
from __future__ import annotations

import re

import pytest

from policykg.extract import headings, outline
from policykg.extract.textutil import iter_lines

LINES = [
    "（一）加强知识产权创造。1.培育高价值专利。2.推进专利导航。（二）强化保护 ①建立快速通道 ②完善机制",
    "一、总体要求 二、重点任务。第三部分 保障措施！专栏1 重点工程？3、推进试点 (1)开展评估 4）落实",
    "到2025年，全市发明专利拥有量达到3000件。一是加强创造；二是强化运用。第一，统筹协调。",
    "没有任何编号的一段很长很长的文字，只是叙述工作内容，句号之后也没有编号。再来一句也没有。",
    "1.1 总体目标 1.2 主要任务\t2 重点任务　3.完善制度 十、其他 第十一条 附则",
]


@pytest.mark.parametrize("line", LINES)
def test_breaks_before_a_marker_give_the_candidates_of_every_break(line, monkeypatch):
    text = "标题\n" + line + "\n结尾"
    line_obj = list(iter_lines(text))[1]

    def shown(cands):
        return [(c.style, c.number, c.start, c.line_start, c.line_end, c.inline) for c in cands]

    got = shown(headings.candidates_in_line(text, line_obj, inline=True))
    monkeypatch.setattr(headings, "_after_break_before_marker", lambda: headings._AFTER_BREAK)
    want = shown(headings.candidates_in_line(text, line_obj, inline=True))
    assert got == want
    if line in (LINES[0], LINES[1], LINES[4]):   # several markers inside the line
        assert len(got) > 1


@pytest.mark.parametrize("line", ["甲" * 70 + "，", "甲" * 70 + "。", "甲" * 59 + "，", "责任单位：" + "甲" * 60,
                                  "甲" * 61 + "市科技局", "甲" * 70 + "a", "甲" * 70 + "、"])
def test_a_paragraph_breaks_off_by_its_last_character(line):
    plain = len(line) >= 60 and bool(re.search(r"[\u3400-\u9fff,，、]$", line)) \
        and not outline._UNIT_LIST_END.search(line)
    assert outline._breaks_off(line) == plain
