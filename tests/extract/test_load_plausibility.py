"""extract/load.py `_plausibility` (counted by regex classes) gives exactly cleaning.plausibility's
value on every kind of character mix: codec ranking rounds it and validation compares it with a
threshold, so any difference could change which codec a file is read with."""
import random

import pytest

from policykg.extract import load
from policykg.extract.cleaning import plausibility

_MIXES = [
    "",
    "abc 123\n",
    "推进知识产权强市建设，加强保护。",
    "　\u3000\ufeff推进\u200b工作\xa0",
    "鍩烘湰鍘熷垯锛氬潥鎸佸垱鏂",            # mojibake: rare ideographs and odd punctuation
    "知识产权\ufffd\ufffd\ue000\x85\x9f",   # replacement, private use, C1
    "ＰＣＴ専利ｶﾅ ΑΒΓ кириллица ㄅㄆ",   # kana, Greek, Cyrillic, bopomofo
    "𠀀𡀀𪀀 extension B ideographs and 知识",
    "知" * 300 + "鍩" * 300 + "\ue000" * 300 + "α" * 300,   # more than the one-by-one limit
]


@pytest.mark.parametrize("text", _MIXES)
def test_load_plausibility_equals_the_per_character_mean(text):
    assert load._plausibility(text) == plausibility(text)


@pytest.mark.parametrize("seed", range(5))
def test_load_plausibility_equals_the_per_character_mean_on_random_text(seed):
    rnd = random.Random(seed)
    pools = [(0, 0x80), (0x80, 0x3000), (0x3000, 0xA000), (0xE000, 0x10000), (0x10000, 0x32000)]
    for _ in range(300):
        length = rnd.choice([5, 40, 400])
        text = "".join(chr(rnd.randrange(*rnd.choice(pools))) for _ in range(length))
        assert load._plausibility(text) == plausibility(text), repr(text)
