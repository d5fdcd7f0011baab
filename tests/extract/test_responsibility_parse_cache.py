"""extract/components/responsibility_blocks.py parses a unit list or label clause once and moves
its units to where it is printed: the units must be the same as a fresh parse at that offset, and
changing a returned unit (callers set roles) must not change what the next call returns."""
import pytest

from policykg.extract.components import responsibility_blocks as rb

_LABELLED = ["牵头单位：市科技局；配合单位：市财政局、市发展改革委",
             "【责任单位】市市场监管局（市知识产权局）、各县区政府",
             "责任单位：市工信局（牵头）、市商务局"]
_ITEMS = ["市科技局、市财政局（牵头）、市商务局", "市教育局牵头", "济南、青岛、烟台市政府"]


def _plain(units):
    return None if units is None else [(u.name, u.start, u.end, u.role, u.marked, u.symbol) for u in units]


@pytest.mark.parametrize("text", _LABELLED)
@pytest.mark.parametrize("base", [0, 7, 1234])
def test_responsibility_parse_cache_labelled_equals_a_fresh_parse(text, base):
    assert _plain(rb.parse_labelled(text, base)) == _plain(rb._parse_labelled(text, base))


@pytest.mark.parametrize("text", _ITEMS)
@pytest.mark.parametrize("role", [None, "lead", "support"])
@pytest.mark.parametrize("strict", [True, False])
def test_responsibility_parse_cache_items_equal_a_fresh_parse(text, role, strict):
    for base in (0, 55):
        assert _plain(rb.parse_items(text, base, role, strict=strict)) == \
            _plain(rb._parse_items(text, base, role, strict=strict))


@pytest.mark.parametrize("text", _LABELLED[:1] + _ITEMS[:1])
def test_responsibility_parse_cache_returns_new_units_each_call(text):
    parse = (lambda: rb.parse_labelled(text, 3)) if "单位：" in text else (lambda: rb.parse_items(text, 3, None, strict=False))
    first = parse()
    expected = _plain(first)
    for unit in first:
        unit.role, unit.start = "changed", -1
    assert _plain(parse()) == expected
