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


@pytest.mark.parametrize("seed", range(3))
def test_a_bound_given_for_beat_rounds_below_it_as_the_figure_does(seed):
    rnd = random.Random(seed)
    pools = [(0, 0x80), (0x4E00, 0x4F00), (0x3000, 0xA000), (0xE000, 0x10000)]
    bounded = 0
    for _ in range(200):
        text = "".join(chr(rnd.randrange(*rnd.choice(pools))) for _ in range(rnd.choice([300, 900])))
        exact = load._plausibility(text)
        for beat in (-2.0, -1.0, 0.0, 0.5, 0.99):
            got = load._plausibility(text, beat=beat)
            if got != exact:   # a bound: above the figure, and like it rounding below `beat`
                bounded += 1
                assert round(got, 2) < beat and exact <= got
    assert bounded   # the bound did stand in for the figure somewhere


def _decode_cjk_asking_the_guess_always(data: bytes):
    """The ranking as it was before the guess was asked only for a tie (the reference)."""
    sample = load._sample_bytes(data)
    guesses = load._proposed_codecs(sample)
    candidates = ([*load._BIG5_FAMILY, "gb18030"] if guesses and guesses[0] in load._BIG5_FAMILY
                  else ["gb18030", *load._BIG5_FAMILY]) + ["utf-8"]
    ranked = []
    for order, codec in enumerate(candidates):
        decoded, _, lossy = load._decode_with(sample, codec, codec)
        ranked.append((-round(load._plausibility(decoded), 2), lossy, order, codec))
    *_, codec = min(ranked)
    return load._decode_with(data, codec, codec)


_CJK_TEXTS = ["推进知识产权强市建设，加强知识产权保护，到2025年发明专利拥有量达到3000件。\n" * 4,
              "臺灣專利申請與審查，智慧財產權保護。\n", "知识", "一", "中文", "你好世界", "開發", "产权"]


@pytest.mark.parametrize("codec", ["gb18030", "big5", "big5hkscs", "utf-8"])
def test_the_codec_chosen_is_the_one_the_full_ranking_chooses(codec):
    rnd = random.Random(codec)
    inputs = []
    for text in _CJK_TEXTS:
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            continue
        inputs += [data, data[:len(data) // 2 * 2], data + b"\xff\xfe", data[1:]]
    inputs += [bytes(rnd.randrange(0x80, 0x100) for _ in range(rnd.choice([2, 4, 6, 40]))) for _ in range(60)]
    for data in inputs:
        assert load._decode_cjk(data) == _decode_cjk_asking_the_guess_always(data), data
