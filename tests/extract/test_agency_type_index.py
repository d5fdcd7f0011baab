"""`_best_type` looks agency types up by name ending (an index) instead of testing every type's
suffix list; this checks it picks the same type and ending as the scan it replaced, on names
built from every prefix, "contains" word and suffix of ontology/agency_types.ttl."""
from __future__ import annotations

from policykg.ontology import vocab


def _scan(name: str):
    """The former `_best_type`: every type's prefixes, contains words and suffixes tried in turn."""
    best = None
    for entry, prefixes, contains, suffixes in vocab._normalised_types():
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        if contains and not any(c in name for c in contains):
            continue
        constrained = bool(prefixes or contains)
        if entry["suffixes"]:
            matched = [x for x in suffixes if name.endswith(x)]
            if not matched:
                continue
            suffix = max(matched, key=len)
        elif constrained:
            suffix = ""
        else:
            continue
        key = (len(suffix) > 0, len(suffix), constrained, entry["notation"])
        if best is None or key[:3] > best[0][:3] or (key[:3] == best[0][:3] and key[3] < best[0][3]):
            best = (key, entry, suffix)
    return None if best is None else (best[1]["notation"], best[2])


def _names() -> list[str]:
    types = vocab._normalised_types()
    prefixes = sorted({p for _, ps, _, _ in types for p in ps})
    contains = sorted({c for _, _, cs, _ in types for c in cs})
    suffixes = sorted({x for _, _, _, xs in types for x in xs})
    labels = sorted({label for entry, _, _, _ in types for label in [entry["pref_zh"] or "", *entry["alt_zh"]]})
    names = set(labels) | {"", "张三", "市", "局", "委员会", "办公室"}
    for x in suffixes:
        names |= {x, "市" + x, "某某" + x, x[1:], x + "办公室", x + "（筹）"}
        names |= {p + x for p in prefixes} | {"市" + c + x for c in contains}
    for p in prefixes:
        names |= {p, p + "某单位"}
    for c in contains:
        names |= {c, "省" + c + "中心"}
    for a, b in zip(suffixes, suffixes[1:] + suffixes[:1]):
        names.add(a + b)
    return sorted(names)


def test_index_picks_the_same_type_and_ending_as_the_scan():
    names = _names()
    assert len(names) > 500
    found = {name: vocab._best_type(name) for name in names}
    got = {name: None if f is None else (f[0]["notation"], f[1]) for name, f in found.items()}
    assert got == {name: _scan(name) for name in names}
    # both outcomes are exercised: typed names, untyped names, and the prefix-only ending ""
    assert sum(v is None for v in got.values()) > 0
    assert sum(v is not None and v[1] != "" for v in got.values()) > 100
    assert sum(v is not None and v[1] == "" for v in got.values()) > 0


def test_classify_agency_returns_an_independent_copy():
    import copy

    found = vocab.classify_agency("市市场监督管理局")
    assert found == copy.deepcopy(vocab._classify_cached("市市场监督管理局"))
    found["suffixes"].append("changed")
    found["notation"] = "changed"
    again = vocab.classify_agency("市市场监督管理局")
    assert "changed" not in again["suffixes"] and again["notation"] != "changed"
