"""Rewritten per-city queries return exactly the rows of their text before the rewrite (issue #24:
per city p50 <= 50 ms at 10,000 plans). `incentives` and `instrument_mix` compared the plan of
each incentive or measure by joining on ?plan, which Oxigraph evaluates by walking every node of
the plan (each node carries pk:plan) and testing its type; the rewrites compare the plan with
sameTerm instead, so the type comes first, from one index lookup. `pmc_features` read each of
its 16 features by an OPTIONAL that looked up all the plan's features again; it reads them once
and pivots them with aggregates. The old texts are kept in tests/graph/query_texts_before/, as they
were but for the compact graph (issue #24): facts no longer carry pk:plan, the named graph says the
plan, so their `?x a pk:Measure ; pk:plan ?plan` read `?x a pk:Measure` in the plan's graph, and
rows in document order sort by ?order ?span_start.

Store: the seeds, 20 generated plans (bench/generate_corpus.py) and constructed plans of two
cities whose measures grant incentives (the seeds and the generated corpus have few or none),
built with the normal build and analysed (`analyze`, so instrument_mix has classifications).
Compared: the whole corpus, every city (and one with no plan), every source and one unknown.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fixtures import query_scopes  # noqa: E402

from policykg.graph.analysis.analysis_graph import analyze  # noqa: E402
from policykg.graph.build import build  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.queries import load_query, parse_query_file, run_query  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BEFORE = Path(__file__).resolve().parent / "query_texts_before"
REWRITTEN = ("incentives", "instrument_mix", "pmc_features", "plan_similarity", "measure_reuse")
GENERATED_PLANS = 20

# Constructed plans: measures granting incentives in the layouts extract/ reads (a cap, a rate,
# a range, two amounts in one sentence), several per measure and in several measures.
INCENTIVE_PLANS = {
    "湘潭市": ["对新认定的国家知识产权示范企业，给予最高50万元奖励。对通过知识产权贯标认证的企业每家补助10万元。",
              "对购买专利保险的企业，按保费的50%给予补贴，每家最高不超过20万元。",
              "对获得中国专利金奖、银奖的单位，分别给予30万元、20万元奖励。"],
    "株洲市": ["对开展知识产权质押融资的企业，按贷款利息的40%给予贴息。",
              "对年度专利授权量超过100件的企业，给予5万元至10万元资助。对新认定的示范企业，给予最高50万元奖励。"],
}


def incentive_plan(city: str, sentences: list[str], year: int) -> str:
    lines = [f"{city}促进知识产权高质量发展若干措施（{year}—{year + 2}年）", "一、支持措施"]
    numbers = "一二三四五六七八九"
    lines += [f"（{numbers[n]}）加大支持第{n + 1}项。{sentence}" for n, sentence in enumerate(sentences)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory, corpus_generator):
    folder = tmp_path_factory.mktemp("rewrites_analysis")
    corpus = folder / "corpus"
    corpus_generator.generate(corpus, GENERATED_PLANS, 20261123)
    for seed in (ROOT / "data" / "seeds").glob("*.txt"):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    for n, (city, sentences) in enumerate(INCENTIVE_PLANS.items()):
        for copy in range(2):  # two plans of the city: a city's rows come from both
            (corpus / f"incentives_{n}_{copy}.txt").write_text(
                incentive_plan(city, sentences[copy:] or sentences, 2021 + copy), encoding="utf-8")
    opened = Store.open(folder / "store", create=True)
    report = build([corpus], opened, workers=1)
    assert report.ok, report.failed
    analyze(opened, ROOT / "data" / "frameworks")
    yield opened.raw
    opened.close()


def test_the_store_has_rows_to_compare(store):
    """Each rewritten query has rows whole-corpus and for a city, or the comparison proves nothing."""
    for name in REWRITTEN:
        assert run_query(store, name)[1], name
        assert run_query(store, name, {"city": "湘潭市"})[1], name


def ties_ordered(name: str, columns: list[str], rows: list[list[str | None]]) -> list[list[str | None]]:
    """measure_reuse's old ORDER BY (?source ?order ?span_start DESC(?score)) tied a measure's links
    of equal score, which Oxigraph gives in an order that depends on its input; the current text
    orders them by ?measure ?target. `rows` with each run of such ties (same source, measure and
    score, so the same ?order and ?span_start) sorted that way; other queries' rows as they are."""
    if name != "measure_reuse":
        return rows
    source, measure, score, target = (columns.index(c) for c in ("source", "measure", "score", "target"))
    out: list[list[str | None]] = []
    run: list[list[str | None]] = []

    def tie(row: list[str | None]) -> tuple:
        return row[source], row[measure], row[score]

    for row in rows + [None]:
        if run and (row is None or tie(row) != tie(run[0])):
            out += sorted(run, key=lambda r: (r[measure], r[target]))
            run = []
        if row is not None:
            run.append(row)
    return out


@pytest.mark.parametrize("name", REWRITTEN)
def test_rewritten_query_returns_the_rows_of_its_old_text(store, name):
    """The same rows in the same order; for measure_reuse, ties of the old ORDER BY in the order
    the new one gives them (`ties_ordered`)."""
    new, old = load_query(name), parse_query_file(BEFORE / f"{name}.rq", name=name)
    assert new.sparql != old.sparql, "the old text is the current one: nothing is compared"
    compared = 0
    for params in query_scopes(store):
        columns, expected = run_query(store, old, params, use_summary=False)
        got = run_query(store, new, params, use_summary=False)
        assert got[0] == columns, (name, params)
        assert got[1] == ties_ordered(name, columns, got[1]), (name, params)
        assert got[1] == ties_ordered(name, columns, expected), (name, params)
        compared += len(expected)
    assert compared > 0
