"""graph/summaries/: a summary holds the vocabulary labels of its plan's build (agency types,
framework registry titles, places, indicators), so every query fingerprint covers the vocabularies
too (`vocabulary_digest`). After a vocabulary edit, as a new policykg version brings, the stale
summaries are never read (the full SPARQL answers, with the new labels), and `policykg build` on
the store rewrites the stale summaries of the plans it did not rebuild (issue #24).

The edit is made by pointing graph/rdf.py's `ontology_file` at a copy of agency_types.ttl with
one agency type's zh label changed: what a new version of the file would do.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policykg.graph import rdf
from policykg.graph.build import build
from policykg.graph.store import Store
from policykg.graph.summaries import corpus_rows, plan_summaries, scoped_rows, summary_format
from policykg.queries import run_query

ROOT = Path(__file__).resolve().parents[2]
OLD_LABEL = '"市场监督管理局"@zh'
NEW_LABEL = "市场监管测试局"
AGENCY_TYPE_COLUMN = 2  # agency_load's agency_type


@pytest.fixture
def fresh_digest():
    """The digest is computed once per process: recomputed for this test and after it."""
    summary_format.vocabulary_digest.cache_clear()
    yield
    summary_format.vocabulary_digest.cache_clear()


def _edit_vocabulary(monkeypatch, folder: Path) -> None:
    """graph/rdf.py reads agency_types.ttl from a copy whose type label OLD_LABEL is NEW_LABEL."""
    original = rdf.ontology_file
    edited = folder / "agency_types.ttl"
    text = original("agency_types.ttl").read_text(encoding="utf-8")
    assert text.count(OLD_LABEL) == 1, "the test's label moved: pick another"
    edited.write_text(text.replace(OLD_LABEL, f'"{NEW_LABEL}"@zh'), encoding="utf-8")
    monkeypatch.setattr(rdf, "ontology_file", lambda name: edited if name == "agency_types.ttl" else original(name))
    summary_format.vocabulary_digest.cache_clear()


def _types(rows) -> set[str | None]:
    return {row[AGENCY_TYPE_COLUMN] for row in rows}


@pytest.mark.parametrize("name,params", [("agency_load", {}), ("agency_load", {"city": None})])
def test_stale_vocabulary_summaries_are_not_read_and_a_build_refreshes_them(
        tmp_path, monkeypatch, fresh_digest, name, params):
    seeds = sorted((ROOT / "data" / "seeds").glob("*.txt"))
    plans = tmp_path / "plans"
    plans.mkdir()
    for seed in seeds:
        shutil.copy(seed, plans / seed.name)
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([plans], store, workers=1).ok
        raw = store.raw
        if "city" in params:  # a plan city whose agencies have the label (the scoped_rows path)
            cities = sorted({row[2] for row in run_query(raw, "plans")[1] if row[2]})
            params = next({"city": city} for city in cities
                          if OLD_LABEL[1:-4] in _types(run_query(raw, name, {"city": city}, use_summary=False)[1]))
        before = run_query(raw, name, params)[1]
        assert OLD_LABEL[1:-4] in _types(before)
        assert not plan_summaries.stale_summaries(raw)

        _edit_vocabulary(monkeypatch, tmp_path)
        store.ensure_vocabulary()  # the store now holds the new labels, the summaries the old
        full = run_query(raw, name, params, use_summary=False)[1]
        assert NEW_LABEL in _types(full) and OLD_LABEL[1:-4] not in _types(full)
        assert len(plan_summaries.stale_summaries(raw)) == len(seeds)
        assert (scoped_rows.scoped_rows(raw, name, params) if params else corpus_rows.corpus_rows(raw, name)) is None
        assert run_query(raw, name, params)[1] == full, "a stale summary was read"

        # rebuilding one plan refreshes the others' stale summaries too
        rebuilt = tmp_path / "one"
        rebuilt.mkdir()
        shutil.copy(seeds[0], rebuilt / seeds[0].name)
        report = build([rebuilt], store, workers=1)
        assert report.ok and report.summaries_refreshed == len(seeds) - 1
        assert not plan_summaries.stale_summaries(raw) and summary_format.summaries_complete(raw)
        assert (scoped_rows.scoped_rows(raw, name, params) if params else corpus_rows.corpus_rows(raw, name)) is not None
        assert run_query(raw, name, params)[1] == full


def test_the_digest_follows_the_vocabulary_files(tmp_path, monkeypatch, fresh_digest):
    before = summary_format.vocabulary_digest(), summary_format.fingerprint("measures")
    assert summary_format.vocabulary_digest() == before[0]
    _edit_vocabulary(monkeypatch, tmp_path)
    after = summary_format.vocabulary_digest(), summary_format.fingerprint("measures")
    assert after[0] != before[0] and after[1] != before[1]
    assert after[1].startswith("measures:")


def test_a_build_with_current_summaries_refreshes_none(tmp_path, fresh_digest):
    with Store.open(tmp_path / "store", create=True) as store:
        assert build([ROOT / "data" / "seeds"], store, workers=1).ok
        report = build([ROOT / "data" / "seeds"], store, workers=1)
        assert report.ok and report.summaries_refreshed == 0
