"""A plan's identity (issue #20): derived from the path relative to the folder given, so two
files of the same name never collide and the same document rebuilt keeps its graph.

Runs the real extractor on the synthetic plans of tests/fixtures.py.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import CITIES, write_plan  # noqa: E402

from policykg.graph.build import build, expand_plan_files  # noqa: E402
from policykg.graph.store import Store  # noqa: E402

DOC = "https://w3id.org/policykg/id/doc/"


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "store", create=True) as opened:
        yield opened


def two_plans_named_alike(root: Path, name: str = "方案.txt") -> tuple[Path, Path]:
    first = write_plan(root / "a", name, city=CITIES[0][0], office=CITIES[0][1], number=1)
    second = write_plan(root / "b", name, city=CITIES[1][0], office=CITIES[1][1], number=2)
    return first, second


def documents(store: Store) -> dict[str, str]:
    return {d.graph: d.source for d in store.documents()}


@pytest.mark.parametrize("given, expected", [
    (["{root}"], ["a/方案.txt", "b/方案.txt", "top.txt"]),              # relative to the folder given
    (["{root}/a", "{root}/top.txt"], ["top.txt", "方案.txt"]),         # directly in / given directly
    (["{root}/*/方案.txt"], ["a/方案.txt", "b/方案.txt"]),              # relative to the glob's folder
    (["{root}/**/*.txt"], ["a/方案.txt", "b/方案.txt", "top.txt"]),
])
def test_build_identity_sources_are_paths_relative_to_the_argument(tmp_path: Path, given, expected):
    two_plans_named_alike(tmp_path)
    write_plan(tmp_path, "top.txt")
    plans, problems = expand_plan_files([g.format(root=tmp_path) for g in given])
    assert problems == []
    assert sorted(p.source for p in plans) == expected


def test_build_identity_same_name_in_two_subfolders_gives_two_plans(tmp_path: Path, store: Store):
    two_plans_named_alike(tmp_path / "plans")
    report = build([tmp_path / "plans"], store, workers=1)
    assert report.ok and len(report.ingested) == 2
    assert documents(store) == {DOC + "a%2F方案.txt": "a/方案.txt", DOC + "b%2F方案.txt": "b/方案.txt"}
    assert store.stats()["plans"] == 2
    # every source still ends with the file's name (what the evaluation matches on)
    from policykg.queries import load_query

    rows = store.run_query(load_query("plans"), {}).as_dicts()
    assert sorted(r["source"] for r in rows) == ["a/方案.txt", "b/方案.txt"]
    assert all(r["source"].rsplit("/", 1)[-1] == "方案.txt" for r in rows)


def test_build_identity_rebuilding_the_same_folder_replaces_each_plan_in_place(tmp_path: Path, store: Store):
    first, _ = two_plans_named_alike(tmp_path / "plans")
    assert build([tmp_path / "plans"], store, workers=1).ok
    before = documents(store)
    quads = len(store)
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # an edited document
    assert build([tmp_path / "plans"], store, workers=1).ok
    assert documents(store) == before and store.stats()["plans"] == 2
    assert abs(len(store) - quads) < 5  # replaced, not added


@pytest.mark.parametrize("workers", [1, 2])
def test_build_identity_two_inputs_with_one_identity_are_refused_not_merged(tmp_path: Path, store: Store,
                                                                            workers: int):
    first, second = two_plans_named_alike(tmp_path)
    report = build([first, second], store, workers=workers)
    assert report.ingested == [str(first)]
    assert len(report.failed) == 1 and report.failed[0][0] == str(second)
    assert "same plan '方案.txt'" in report.failed[0][1] and str(first) in report.failed[0][1]
    assert store.stats()["plans"] == 1


def test_build_identity_seed_sources_stay_bare_file_names(tmp_path: Path, store: Store):
    write_plan(tmp_path / "plans", "000_8c7ba4464c8b6764.txt")
    assert build([tmp_path / "plans"], store, workers=1).ok
    assert documents(store) == {DOC + "000_8c7ba4464c8b6764.txt": "000_8c7ba4464c8b6764.txt"}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX byte file names")
def test_build_identity_non_utf8_file_name_is_ingested_under_its_best_decoding(tmp_path: Path, store: Store):
    folder = tmp_path / "zip"
    folder.mkdir()
    text = write_plan(tmp_path, "plan.txt").read_bytes()
    with open(os.path.join(os.fsencode(folder), "知识产权方案.txt".encode("gbk")), "wb") as out:
        out.write(text)
    report = build([folder], store, workers=1)
    assert report.ok, report.failed
    assert [d.source for d in store.documents()] == ["知识产权方案.txt"]
    assert report.ingested == [str(folder / "知识产权方案.txt")]


def test_build_identity_replacing_a_plan_by_another_document_warns(tmp_path: Path, store: Store):
    # built folder by folder, a/方案.txt and b/方案.txt are both "方案.txt": the second replaces
    # the first, which the report says (an edit of the same plan does not warn)
    first, second = two_plans_named_alike(tmp_path)
    assert build([first.parent], store, workers=1).warnings == []
    first.write_text(first.read_text(encoding="utf-8") + "\n附件：联系人名单\n", encoding="utf-8")
    assert build([first.parent], store, workers=1).warnings == []  # a new version: silent
    report = build([second.parent], store, workers=1)
    assert report.ok and len(report.warnings) == 1
    assert "replaced the plan '方案.txt' built earlier from another document" in report.warnings[0]
    assert "build the folder that holds both" in report.warnings[0]
