"""The targets' shortcuts must answer exactly as the patterns they stand for: a pattern opening on
a numeral finds its first match where the full pattern does, finditer from there yields the same
matches and groups, and a text with no figure holds no clause target."""
from __future__ import annotations

import pytest

from policykg.extract import extract_text
from policykg.extract.components import targets as T

TEXTS = [
    "到2025年，全市发明专利拥有量达到1.2万件以上，每万人口高价值发明专利拥有量达到15件。",
    "统一部署，一体化推进“十四五”规划，三分之一以上的企业建立知识产权管理制度。",
    "算力规模达到10EFLOPS，存储容量达到20EB（艾字节），网络带宽1 200Mbps，总投资12,000万元。",
    "满意度达到85以上，营商环境指数达到70，超万家企业参与，比例5/8左右（其中省级2个、市级3个）。",
    "每年不少于5个，由20个工作日压缩至5个，1/2。3件，第三方评价内容以内部为主。",
    "没有任何数字的一句话，只有文字。",
]


@pytest.mark.parametrize("name", ["number", "fraction"])
@pytest.mark.parametrize("text", TEXTS)
def test_somewhere_pattern_and_finditer_from_first_match_the_full_pattern(name, text):
    p = T._patterns()
    for start in range(0, len(text), 7):
        for end in (len(text), max(start, len(text) - 5)):
            full = p[name].search(text, start, end)
            fast = p[name + "_somewhere"].search(text, start, end)
            assert (full and full.start()) == (fast and fast.start())
            want = [(m.span(), m.groupdict()) for m in p[name].finditer(text, start, end)]
            got = [(m.span(), m.groupdict()) for m in T._finditer_from_first(p, name, text, start, end)]
            assert got == want


def test_figures_are_found_and_a_text_without_any_holds_no_target():
    found = extract_text("一、发展目标\n" + "\n".join(TEXTS[:1]) + "\n")
    assert [(t.value, t.unit) for t in found.targets] == [(1.2, "万件"), (15.0, "件")]
    assert not extract_text("一、发展目标\n" + TEXTS[5] + "\n").targets


DEADLINES = ["到2025年，达到1000件；截至2022年底，已有500件。", "于二〇二五年前完成，截止到2030年，2027年底前建成5个。",
             "2024年12月底前，至2026年实现；《纲要（2021至2035年）》", "没有年份的句子。"]


@pytest.mark.parametrize("text", DEADLINES)
def test_deadline_twin_finds_the_same_matches(text):
    p = T._patterns()
    for start in range(0, len(text), 3):
        want = [(m.span(), m.groupdict()) for m in p["deadline"].finditer(text, start)]
        got = [(m.span(), m.groupdict()) for m in T.finditer_by_twin(p["deadline"], p["deadline_twin"], text, start, len(text))]
        assert got == want
    assert bool(p["deadline"].search(text)) == (text != DEADLINES[-1])


UNIT_TEXTS = TEXTS + [
    "达到5eflops，3 Pflops，7KM，8km，9Km，2\u212aW，4gbps，6 MW以上，10亿元，3万亿，5千亿人次，十五个工作日，",
    "一二三四五六七八九十百千万亿，进一步统一，1.5个百分点，20%～30%，3-5家，约2万余家，",
]


@pytest.mark.parametrize("text", UNIT_TEXTS)
def test_units_behind_their_first_characters_match_as_the_plain_alternation(text):
    """The number pattern's unit alternatives wait behind a lookahead at their words' first
    characters; built without those lookaheads it gives the same match at every position."""
    import re

    w = T.words()
    scale, base = T._alt("scales"), T._alt("units")
    latin = "|".join(sorted(map(re.escape, w["latin_units"]), key=len, reverse=True))
    plain_unit = rf"(?:(?:{scale})?(?:{base})|(?i:{latin})(?![A-Za-z])|(?:{scale}))"
    guarded = T._patterns()["number"]
    start_of_unit = guarded.pattern.index("(?P<unit>") + len("(?P<unit>")
    end_of_unit = guarded.pattern.index(r")\s*(?P<post>")
    plain = re.compile(guarded.pattern[:start_of_unit] + plain_unit + guarded.pattern[end_of_unit:])
    assert plain.pattern != guarded.pattern
    matched = 0
    for pos in range(len(text)):
        want, got = plain.match(text, pos), guarded.match(text, pos)
        assert (want and (want.span(), want.groupdict())) == (got and (got.span(), got.groupdict())), pos
        matched += bool(got)
    assert matched or "数字" in text


def test_first_child_starts_are_those_of_every_heading():
    from policykg.extract.outline import parse_outline

    text = ("某市知识产权强市建设方案\n一、总体要求\n（一）指导思想\n坚持创新。\n（二）发展目标\n到2025年，专利达到100件。\n"
            "二、重点任务\n（一）加强创造\n1.培育高价值专利。\n2.推进导航。\n（二）强化保护\n三、保障措施\n附件\n重点任务分工\n一、分工\n")
    outline = parse_outline(text)
    ctx = T._Context(outline, 2025)
    assert len(outline.headings) >= 8
    for h in outline.headings:
        want = min((c.start for c in outline.headings if c.parent == h.id), default=h.end)
        assert ctx._first_child_starts().get(h.id, h.end) == want
