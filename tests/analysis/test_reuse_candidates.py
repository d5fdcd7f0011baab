"""graph/analysis/text_reuse.py candidate pairs with shingle ids (issue #24): each clause's
MinHash made from its shingles' hashes computed once is the MinHash of its encoded shingles, and the
recorded counts (plans, cutoff, boilerplate shingles, unindexed clauses) are those counted over the
shingle strings, as the module docstring defines them."""
from __future__ import annotations

from collections import Counter

import random

import numpy as np
from datasketch import MinHash

from policykg.graph.analysis.text_reuse import (NUM_PERM, ReuseResult, ReuseSettings, Unit, _Pairs, _Shingles,
                                                candidate_pairs, clauses, shingles)

STOCK = "加强部门协同和上下联动，推进行政执法与刑事司法有效衔接，严厉打击侵犯知识产权违法犯罪行为"
SHARED = "鼓励银行业金融机构创新知识产权质押融资产品，扩大质押物范围，健全风险分担补偿机制"
OWN = ["依托世界知识产权日开展宣传周活动，在中小学普及知识产权常识", "建设商标品牌指导站，培育区域公用品牌",
       "完善海外维权援助网络，发布重点国家风险预警", "推动专利开放许可试点，降低中小企业许可费用",
       "建立地理标志产品保护名录，开展专项执法检查", "加强部门协同，开展知识产权贯标认证"]


def corpus() -> list[Unit]:
    units = [Unit("fw/1", "framework", f"（一）{STOCK}。", framework=True)]
    for n, own in enumerate(OWN):
        plan = f"plan-{n}"
        units.append(Unit(f"{plan}/m1", plan, f"{STOCK}。{own}。", (str(2020 + n), plan)))
        units.append(Unit(f"{plan}/m2", plan, f"{SHARED[:20 + n]}。{own[::-1]}。", (str(2020 + n), plan)))
    return units


def test_candidates_minhash_of_shingle_ids_is_minhash_of_the_shingles():
    units = corpus()
    found = _Shingles(units, NUM_PERM)
    texts = [clause for unit in units for clause in clauses(unit.text)]
    assert len(found.clauses) == len(texts) > 10
    for (_, ids), minhash, text in zip(found.clauses, found.minhashes(ids for _, ids in found.clauses), texts):
        expected = MinHash(num_perm=NUM_PERM, seed=1)
        expected.update_batch([s.encode("utf-8") for s in sorted(shingles(text))])
        assert len(ids) == len(shingles(text))
        assert np.array_equal(minhash.hashvalues, expected.hashvalues)


def test_candidates_counts_are_those_of_the_shingle_strings():
    units = corpus()
    seen = []
    for settings in (ReuseSettings(boilerplate_share=0.0, boilerplate_min_plans=m) for m in (0, 2, 4, 6)):
        result = ReuseResult([], settings)
        candidate_pairs(units, settings=settings, result=result)
        measure_clauses = [(u.group, shingles(c)) for u in units if not u.framework for c in clauses(u.text)]
        per_plan: dict[str, set[str]] = {}
        for group, found in measure_clauses:
            per_plan.setdefault(group, set()).update(found)
        plans_with = Counter(s for found in per_plan.values() for s in found)
        cutoff = settings.cutoff(len(per_plan))
        boilerplate = {s for s, count in plans_with.items() if count > cutoff}
        assert (result.plans, result.cutoff) == (6, cutoff)
        assert result.boilerplate_shingles == len(boilerplate)
        assert result.unindexed_clauses == sum(1 for _, found in measure_clauses if found <= boilerplate)
        seen.append((result.boilerplate_shingles, result.unindexed_clauses))
    # cutoff 0: every measure shingle is boilerplate, no clause indexed; the stock sentence's shingles
    # (six plans) until the cutoff reaches six; then none
    assert seen[0] == (len({s for _, found in measure_clauses for s in found}), len(measure_clauses))
    assert seen[0][0] > seen[1][0] >= seen[2][0] > seen[3][0] == 0 and seen[3][1] == 0


def test_candidates_pairs_are_held_as_sorted_distinct_codes():
    """_Pairs: the set of pairs (i < j) added in any order, any number of times, merged often."""
    rnd = random.Random(7)
    units = 1000
    for min_merge in (1, 7, 1 << 20):
        pairs, expected = _Pairs(units, min_merge=min_merge), set()
        for _ in range(5000):
            i, j = rnd.sample(range(units), 2)
            pairs.add(i, j)
            expected.add((min(i, j), max(i, j)))
        codes = pairs.sorted_codes()
        assert codes.tolist() == sorted(j * units + i for i, j in expected)  # by j, then i
        assert len(codes) < 5000  # duplicates were added, and merged away


def test_candidates_pairs_are_a_set_of_index_pairs():
    units = corpus()
    pairs = candidate_pairs(units)
    assert pairs and all(0 <= i < j < len(units) and units[i].group != units[j].group for i, j in pairs)
    # the framework item restated by every plan's first measure, and the stock sentence between plans
    assert {(0, 1 + 2 * n) for n in range(6)} <= pairs
