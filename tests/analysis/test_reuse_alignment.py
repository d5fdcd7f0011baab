"""graph/analysis/alignment.py `long_matching_blocks` and text_reuse.py `align`: the blocks of difflib's
`SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()` of MIN_BLOCK or more, found from
the common runs instead of difflib's search of every range (issue #24). Checked against difflib
itself on random texts (small alphabets: many repeats and ties), texts with planted shared spans,
and edge cases (shorter than MIN_BLOCK, a span of exactly MIN_BLOCK / MIN_LONGEST, repeated
characters, equal texts)."""
from __future__ import annotations

import random
import re
from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.graph.analysis.alignment import common_runs, gram_index, long_matching_blocks
from policykg.graph.analysis.text_reuse import (MIN_BLOCK, MIN_LONGEST, MIN_SCORE, Alignment, Unit, align,
                                                is_reuse, normalise, normalised_text, reuse_links)


def difflib_blocks(a: str, b: str, min_block: int = MIN_BLOCK) -> tuple[tuple[int, int, int], ...]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return tuple((m.a, m.b, m.size) for m in matcher.get_matching_blocks() if m.size >= min_block)


def difflib_alignment(a: str, b: str) -> Alignment:
    """align as it was written before (difflib's blocks, then the sums)."""
    blocks = difflib_blocks(a, b)
    shared = sum(size for _, _, size in blocks)
    return Alignment(blocks, shared, max((s for _, _, s in blocks), default=0), shared / (min(len(a), len(b)) or 1))


def same_as_difflib(a: str, b: str, min_block: int = MIN_BLOCK) -> None:
    expected = difflib_blocks(a, b, min_block)
    assert long_matching_blocks(a, b, min_block) == expected
    assert long_matching_blocks(a, b, min_block, gram_index(b, min_block)) == expected


# few letters: long chance matches, many runs on many diagonals, many ties between equal blocks
small_alphabet = st.text(alphabet="甲乙", max_size=80)
some_letters = st.text(alphabet="知识产权保护运用ab12", max_size=120)


@settings(max_examples=400, deadline=None)
@given(small_alphabet, small_alphabet, st.integers(min_value=1, max_value=12))
def test_alignment_blocks_are_difflibs_on_repetitive_texts(a, b, min_block):
    same_as_difflib(a, b, min_block)


@settings(max_examples=300, deadline=None)
@given(some_letters, some_letters, some_letters, st.integers(min_value=0, max_value=3))
def test_alignment_blocks_are_difflibs_with_a_planted_span(a, b, span, copies):
    # the span planted in both texts, copies times in b (a span repeated: ties between equal blocks)
    cut_a, cut_b = len(a) // 2, len(b) // 3
    planted_a = a[:cut_a] + span + a[cut_a:]
    planted_b = b[:cut_b] + span * copies + b[cut_b:] + span
    same_as_difflib(planted_a, planted_b)
    same_as_difflib(planted_b, planted_a)
    assert align(normalise(planted_a), normalise(planted_b)) == difflib_alignment(planted_a, planted_b)


def test_alignment_on_seeded_edited_copies():
    """Texts copied with edits, as plans copy measures: every pair, both orders, as difflib."""
    rnd = random.Random(24)
    letters = "知识产权保护运用创新服务体系建设企业专利商标"
    for _ in range(300):
        source = "".join(rnd.choice(letters) for _ in range(rnd.randrange(0, 200)))
        copy = list(source)
        for _ in range(rnd.randrange(0, 12)):
            at = rnd.randrange(len(copy) + 1)
            if rnd.random() < 0.5 and at < len(copy):
                del copy[at]
            else:
                copy.insert(at, rnd.choice(letters))
        edited = "".join(copy)
        same_as_difflib(source, edited)
        same_as_difflib(edited, source)
        for left, right in ((source, edited), (edited, source)):
            expected = difflib_alignment(left, right)
            got = align(normalise(left), normalise(right))
            assert got == expected and is_reuse(got) == is_reuse(expected)


def binary(text: str) -> str:
    return text.translate(str.maketrans("ab", "甲乙"))


# Found by a random search: ranges where two runs give blocks of the same length, the first run
# (in the order of common_runs) cut to start later in a than the second: difflib takes the block
# that starts earliest in a, and so must long_matching_blocks (without that tie-break, the third
# block differs).
TIES = [("abbabaababaabbbbbbbabb",
         "abaabaabaabbbbaaabaaaaaaabbbaabaaabbbbaabbaabaabaaabbababaaabbaabbabab", 4),
        ("bbbbabaabbaaabbbabbabbabbaaaababbbabbbbabbbababaaaa",
         "babaaaabbabbbbbbabaaabaaaaababbbabbababaaaabababaaababbbbaabbaaaabbaaa", 8),
        ("baabccbacbbabccaacbcaac", "abaabacabbcbcbacbbbaacb", 1)]


@pytest.mark.parametrize("a,b,min_block", TIES)
def test_alignment_ties_go_to_the_block_earliest_in_a(a, b, min_block):
    same_as_difflib(binary(a), binary(b), min_block)


def test_alignment_on_seeded_binary_texts():
    """Two letters: long chance matches and many ties; every min_block from 1 to MIN_BLOCK."""
    rnd = random.Random(2024)
    for n in range(2000):
        a = "".join(rnd.choice("甲乙") for _ in range(rnd.randrange(0, 80)))
        b = "".join(rnd.choice("甲乙") for _ in range(rnd.randrange(0, 80)))
        same_as_difflib(a, b, 1 + n % MIN_BLOCK)


@pytest.mark.parametrize("a,b", [
    ("", ""), ("", "知识产权保护运用创新"), ("知识产权", "知识产权"),       # empty, shorter than MIN_BLOCK
    ("知识产权保护运", "知识产权保护运"),                                   # MIN_BLOCK - 1, equal
    ("甲" * 30, "甲" * 20), ("甲乙" * 20, "乙甲" * 15), ("甲" * 7 + "乙" + "甲" * 9, "甲" * 17),  # repeats
])
def test_alignment_edge_cases_are_difflibs(a, b):
    same_as_difflib(a, b)
    same_as_difflib(b, a)


def test_alignment_shorter_than_min_block_has_no_block():
    short = "知识产权保护运"  # MIN_BLOCK - 1 characters
    assert len(short) == MIN_BLOCK - 1
    alignment = align(normalise(short), normalise(short))
    assert alignment.blocks == () and alignment.shared == 0 and not is_reuse(alignment)


def test_alignment_span_of_exactly_min_block_and_min_longest():
    filler_a, filler_b = "甲乙丙丁" * 6, "子丑寅卯" * 6
    span8 = "知识产权保护运用"
    assert len(span8) == MIN_BLOCK
    alignment = align(normalise(filler_a + span8 + filler_a), normalise(filler_b + span8 + filler_b))
    assert alignment.blocks == ((24, 24, MIN_BLOCK),) and alignment.longest == MIN_BLOCK
    assert alignment.score == MIN_BLOCK / 56 and not is_reuse(alignment)  # 8 of 56 < MIN_SCORE, < MIN_LONGEST
    span7 = span8[:-1]
    assert align(normalise(filler_a + span7 + filler_a), normalise(filler_b + span7 + filler_b)).blocks == ()
    span16 = "知识产权保护运用创新服务体系建设企业"[:MIN_LONGEST]
    alignment = align(normalise(filler_a * 2 + span16), normalise(span16 + filler_b * 2))
    assert alignment.blocks == ((48, 0, MIN_LONGEST),) and is_reuse(alignment)
    assert alignment.score < MIN_SCORE  # linked by its longest span alone
    assert common_runs(filler_a * 2 + span16, span16 + filler_b * 2, MIN_BLOCK) == [(48, 0, MIN_LONGEST)]


def test_alignment_equal_texts_are_one_block():
    text = "鼓励银行业金融机构创新知识产权质押融资产品扩大质押物范围"
    alignment = align(normalise(text), normalise(text))
    assert alignment.blocks == ((0, 0, len(text)),) and alignment.score == 1.0 and is_reuse(alignment)


def test_alignment_common_runs_are_the_maximal_shared_spans():
    a, b = "甲乙丙丁戊己庚辛壬癸子丑", "寅甲乙丙丁戊己庚辛壬癸卯"
    assert common_runs(a, b, 4) == [(0, 1, 10)]  # one run, found once, not once per gram
    assert common_runs(a, b, 11) == []


def test_alignment_reuse_links_agree_with_difflib_on_every_link():
    """Each link of a small corpus carries difflib's score, shared characters, longest block and
    the span of difflib's first longest block."""
    body = "鼓励银行业金融机构创新知识产权质押融资产品，扩大质押物范围，健全风险分担补偿机制。"
    units = [Unit(f"p{n}/m1", f"p{n}", body[n:] + "为中小企业提供便捷高效的融资支持。" * (n % 2), (str(n),))
             for n in range(6)]
    units.append(Unit("p9/m1", "p9", "依托世界知识产权日开展宣传周活动，营造尊重创新的社会氛围。", ("9",)))
    links = reuse_links(units).links
    assert len(links) == 15  # every pair of the six edited copies
    order = {u.key: n for n, u in enumerate(units)}
    text_of = {u.key: u.text for u in units}
    for link in links:
        # aligned as reuse_links aligns a pair: the unit given first as difflib's `a`
        first, second = sorted((link.source, link.target), key=order.get)
        a_text, b_text = normalise(text_of[first]), normalise(text_of[second])
        expected = difflib_alignment(a_text.text, b_text.text)
        assert (round(expected.score, 4), expected.shared, expected.longest) == \
            (link.score, link.shared, link.longest)
        a, b, size = max(expected.blocks, key=lambda block: block[2])
        spans = {first: a_text.original_span(a, a + size), second: b_text.original_span(b, b + size)}
        assert (link.source_span, link.target_span) == (spans[link.source], spans[link.target])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("知识产权，。 （）(a)Z9０、；\n\u3000\U00020000㐀豈"), max_size=80) | st.text(max_size=40))
def test_normalise_keeps_each_cjk_letter_and_digit_with_its_offset(text):
    """normalise (runs of kept characters) as its definition: every kept character, one by one."""
    keep = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]")
    kept = [(i, ch) for i, ch in enumerate(text) if keep.match(ch)]
    norm = normalise(text)
    assert norm.text == "".join(ch for _, ch in kept) == normalised_text(text)
    assert list(norm.index) == [i for i, _ in kept]
