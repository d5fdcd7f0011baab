"""Done-when of the formats issue: the seed plans converted to HTML (a portal page whose target
table is a real <table>), DOCX (a real Word table), PDF (CJK text layer, wrapped lines, running
header, page numbers) and GB18030 text score within 0.01 of the plain-text seeds on every figure
of the vendored evaluation (tests/eval/score.py). One store holds every format; the query tables
are split by file suffix and scored as if each were the .txt.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))  # seed_formats.py
sys.path.insert(0, str(TESTS / "eval"))  # score.py
from score import score  # noqa: E402
from seed_formats import CONVERTERS  # noqa: E402

from policykg.extract import extract_text  # noqa: E402
from policykg.graph.build import build  # noqa: E402
from policykg.graph.store import Store  # noqa: E402
from policykg.queries import run_query  # noqa: E402

pytest.importorskip("reportlab")  # the PDF converter; a test dependency only

SEEDS = sorted((TESTS.parent / "data" / "seeds").glob("*.txt"))
QUERIES = ("plans", "measures", "responsibilities", "citations", "targets", "people")
FORMATS = ("txt", *CONVERTERS)
TOLERANCE = 0.01


def _format_of(source: str) -> str:
    name = Path(source).name
    return next((fmt for fmt in CONVERTERS if name.endswith("." + fmt)), "txt")


@pytest.fixture(scope="module")
def figures_by_format(tmp_path_factory) -> dict[str, dict[str, tuple[float, float, float]]]:
    folder = tmp_path_factory.mktemp("converted")
    files = list(SEEDS)
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        for fmt, convert in CONVERTERS.items():
            path = folder / f"{seed.stem}.{fmt}"
            path.write_bytes(convert(text))
            files.append(path)
    with Store.open(folder / "store", create=True) as store:
        report = build(files, store)
        assert report.failed == []
        tables = {fmt: {name: [] for name in QUERIES} for fmt in FORMATS}
        for name in QUERIES:
            columns, rows = run_query(store.raw, name)
            for row in rows:  # as the CLI's CSV shows it: unbound is ""
                record = {c: ("" if v is None else v) for c, v in zip(columns, row)}
                fmt = _format_of(record["source"])
                record["source"] = Path(record["source"]).name.split(".")[0] + ".txt"
                tables[fmt][name].append(record)
    gold = TESTS / "eval" / "gold"
    return {fmt: {k: tally.prf() for k, tally in score(gold, tables[fmt]).items()} for fmt in FORMATS}




def test_converted_seeds_baseline_is_scored(figures_by_format):
    baseline = figures_by_format["txt"]
    assert set(baseline) >= {"plan_fields", "measures", "responsibilities", "targets", "citations"}
    assert all(f1 > 0.5 for _, _, f1 in baseline.values())


@pytest.mark.parametrize("fmt", list(CONVERTERS))
def test_converted_seeds_score_like_plain_text(figures_by_format, fmt):
    baseline, got = figures_by_format["txt"], figures_by_format[fmt]
    off = {name: (tuple(round(x, 4) for x in got[name]), tuple(round(x, 4) for x in baseline[name]))
           for name in baseline
           if any(abs(a - b) > TOLERANCE for a, b in zip(got[name], baseline[name]))}
    assert off == {}, f"{fmt}: (got, baseline) P/R/F1 differ by more than {TOLERANCE}: {off}"
