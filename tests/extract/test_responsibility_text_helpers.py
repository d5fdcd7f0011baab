"""responsibility_blocks' text helpers give what the plain regex gave: _blank turns the spans
already read into spaces, line breaks kept, so offsets into the measure's text stay valid; a
measure's text is cut after each sentence mark as splitting on a look-back cut it."""
from __future__ import annotations

import re


def test_blanking_spans_keeps_line_breaks_and_offsets():
    from policykg.extract.components.responsibility_blocks import _blank

    text = "甲乙丙\n丁戊\n\n己庚辛壬"
    for spans in ([], [(0, 3)], [(1, 6)], [(2, 9), (0, 1)], [(4, 4)], [(5, 30)], [(0, len(text))], [(3, 8), (6, 12)]):
        want = text
        for a, b in spans:
            want = want[:a] + re.sub(r"[^\n]", " ", want[a:b]) + want[b:]
        got = _blank(text, spans)
        assert got == want and len(got) == len(text)


def test_cutting_after_sentences_is_splitting_on_the_look_back():
    import random

    from policykg.extract.components.responsibility_blocks import _split_after_sentences

    rnd = random.Random(7)
    texts = ["", "。", "A牵头。B配合；C参与;\n", "无标点", "。。；\n\n;甲", "甲。乙"]
    texts += ["".join(rnd.choice("甲乙。；;\n ") for _ in range(rnd.randrange(1, 30))) for _ in range(300)]
    for text in texts:
        assert _split_after_sentences(text) == re.split(r"(?<=[。；;\n])", text), repr(text)
