"""extract/components/responsibility_blocks.py `states_first_is_lead` searches only around each
牵头; it must say exactly what a search of the whole text says, wherever the rule is printed."""
import pytest

from policykg.extract.components.responsibility_blocks import (_lead_rule_reach, first_is_lead_rule,
                                                                states_first_is_lead)

_FILLER = "加强知识产权保护，推动专利转化运用。" * 20
_RULES = ["排名第一的单位为牵头单位", "列第一位者为牵头部门，下同", "牵头单位为排名第一的单位",
          "牵头部门列第一位", "第一个单位牵头", "首家单位牵头"]


@pytest.mark.parametrize("rule", _RULES)
@pytest.mark.parametrize("where", ["start", "middle", "end", "alone"])
def test_responsibility_lead_rule_stated_anywhere_is_found(rule, where):
    text = {"start": rule + _FILLER, "middle": _FILLER + "（" + rule + "）" + _FILLER,
            "end": _FILLER + "注：" + rule, "alone": rule}[where]
    assert first_is_lead_rule(text) is not None
    assert states_first_is_lead(text)


@pytest.mark.parametrize("text", [
    "", _FILLER, _FILLER + "市科技局牵头，市财政局配合。" * 5, "牵头", "单位牵头" + _FILLER + "为牵头",
    "第一" + "，" * 30 + "单位牵头", "牵头单位：市科技局；配合单位：市财政局",
])
def test_responsibility_lead_rule_absent_is_not_found(text):
    assert states_first_is_lead(text) == (first_is_lead_rule(text) is not None)


def test_responsibility_lead_rule_reach_is_bounded_for_the_shipped_rules():
    assert _lead_rule_reach() is not None   # else every plan is searched whole again
