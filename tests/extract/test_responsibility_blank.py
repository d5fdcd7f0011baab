"""responsibility_blocks._blank turns the spans already read into spaces, line breaks kept, so
offsets into the measure's text stay valid: the same text as replacing each character by regex."""
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
