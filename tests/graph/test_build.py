"""graph/build.py: path expansion, one graph per document, failures isolated, idempotent rebuilds.

Runs the real extractor and RDF mapping on the synthetic plans of tests/fixtures.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import PlanSpec, write_bad_files, write_plan, write_plans  # noqa: E402

from policykg.graph.build import build, expand_paths  # noqa: E402
from policykg.graph.store import Store  # noqa: E402


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "store", create=True) as opened:
        yield opened


def sources(store: Store) -> list[str]:
    return sorted(d.source for d in store.documents())


def measures(store: Store) -> list[dict]:
    from policykg.queries import load_query

    return store.run_query(load_query("measures"), {}).as_dicts()


# -- expand_paths (no extraction) ------------------------------------------------------------------


def test_build_expand_paths_walks_folders_sorted_and_skips_non_plans(tmp_path: Path):
    for name in ["b.txt", "a.html", "sub/c.pdf", "sub/d.DOCX", "notes.md", ".hidden.txt",
                 ".git/x.txt", "sub/.cache/y.txt", "e.htm", "f.text"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    files, problems = expand_paths([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        "a.html", "b.txt", "e.htm", "f.text", "sub/c.pdf", "sub/d.DOCX"]
    assert problems == []


def test_build_expand_paths_globs_files_duplicates_and_missing(tmp_path: Path):
    for name in ["x1.txt", "x2.txt", "y.txt", "z.md"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    files, problems = expand_paths([tmp_path / "y.txt", str(tmp_path / "x*.txt"), tmp_path / "z.md",
                                    tmp_path, tmp_path / "gone.txt", str(tmp_path / "q*.txt")])
    names = [p.name for p in files]
    assert names == ["y.txt", "x1.txt", "x2.txt", "z.md"]  # a named file is tried whatever its suffix
    assert [(Path(arg).name, msg) for arg, msg in problems] == [
        ("gone.txt", "no such file or folder"), ("q*.txt", "no plan files match this pattern")]


def test_build_expand_paths_reports_a_folder_without_plans(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    files, problems = expand_paths([tmp_path / "empty"])
    assert files == [] and "no plan files" in problems[0][1]


# -- build (real extractor and RDF mapping) -------------------------------------------------------


def test_build_ingests_one_graph_per_document(tmp_path: Path, store: Store):
    write_plans(tmp_path / "plans", 2)
    seen = []
    report = build([tmp_path / "plans"], store, progress=lambda p, done, total: seen.append((p.name, done, total)))
    assert report.ok and report.ingested == [str(tmp_path / "plans" / f"plan_{i}.txt") for i in (1, 2)]
    assert seen == [("plan_1.txt", 1, 2), ("plan_2.txt", 2, 2)]
    assert sources(store) == ["plan_1.txt", "plan_2.txt"]
    in_documents = sum(1 for graph in store.raw.named_graphs() if "/id/doc/" in graph.value
                       for _ in store.raw.quads_for_pattern(None, None, None, graph))
    assert report.quads_written == in_documents > 0
    assert store.stats()["plans"] == 2


def test_build_twice_gives_the_same_store(tmp_path: Path, store: Store):
    write_plans(tmp_path / "plans", 2)
    first = build([tmp_path / "plans"], store)
    graphs, counts = store.named_graphs(), store.stats()
    second = build([tmp_path / "plans"], store)
    assert second.ok and second.quads_written == first.quads_written > 0
    assert store.named_graphs() == graphs and store.stats() == counts


def test_build_bad_files_are_reported_and_the_rest_ingested(tmp_path: Path, store: Store):
    good = write_plans(tmp_path / "plans", 2)
    bad = write_bad_files(tmp_path / "plans")
    report = build([tmp_path / "plans"], store)
    failed = dict(report.failed)
    assert set(failed) == {str(bad["empty"]), str(bad["junk"])}
    assert all(message and "\n" not in message for message in failed.values())
    assert sorted(report.ingested) == sorted(str(p) for p in good)
    assert sources(store) == ["plan_1.txt", "plan_2.txt"]  # no graph, not even a partial one
    assert {row["source"] for row in measures(store)} == {"plan_1.txt", "plan_2.txt"}


def test_build_reingest_replaces_the_document(tmp_path: Path, store: Store):
    path = write_plan(tmp_path / "plans", "plan.txt", spec=PlanSpec())
    build([path], store)
    old = {row["title"] for row in measures(store)}
    assert any("高价值专利" in t for t in old)
    write_plan(tmp_path / "plans", "plan.txt", spec=PlanSpec(measures=[
        ("建设知识产权公共服务平台", ["市科技局"]), ("开展地理标志保护工程", ["市农业农村局"])]))
    report = build([path], store)
    assert report.ok
    titles = {row["title"] for row in measures(store)}
    assert not any("高价值专利" in t for t in titles)
    assert any("公共服务平台" in t for t in titles) and any("地理标志" in t for t in titles)
    assert sources(store) == ["plan.txt"]


def test_build_extraction_bug_is_one_line_and_does_not_stop_the_others(tmp_path: Path, store: Store,
                                                                        monkeypatch):
    import policykg.extract as extract

    real = extract.extract_path
    paths = write_plans(tmp_path / "plans", 2)

    def buggy(path, source=None):
        if Path(path).name == "plan_1.txt":
            raise KeyError("no such\nkey")
        return real(path, source)

    monkeypatch.setattr(extract, "extract_path", buggy)
    report = build([tmp_path / "plans"], store)
    assert report.failed == [(str(paths[0]), "internal error: KeyError: 'no such\\nkey'")]
    assert sources(store) == ["plan_2.txt"]


def test_build_conversion_failure_keeps_the_previous_version(tmp_path: Path, store: Store, monkeypatch):
    import policykg.graph.rdf as rdf

    path = write_plan(tmp_path / "plans", "plan.txt")
    build([path], store)
    before = len(store)
    real = rdf._Graph.nquads

    def half_broken(self):  # the mapping fails after half of the document's lines
        real(self)
        raise ValueError("mapping failed half way")

    monkeypatch.setattr(rdf._Graph, "nquads", half_broken)
    write_plan(tmp_path / "plans", "plan.txt", spec=PlanSpec(measures=[("完全不同的措施", ["市科技局"])]))
    report = build([path], store)
    assert report.failed == [(str(path), "internal error: ValueError: mapping failed half way")]
    assert len(store) == before
    assert any("高价值专利" in row["title"] for row in measures(store))


def test_build_refuses_the_second_of_two_inputs_with_one_plan_name(tmp_path: Path, store: Store):
    a = write_plan(tmp_path / "a", "plan.txt", city="临江市")
    b = write_plan(tmp_path / "b", "plan.txt", city="青山市")
    report = build([a, b], store)
    assert report.ingested == [str(a)] and [path for path, _ in report.failed] == [str(b)]
    assert "plan.txt" in report.failed[0][1] and str(a) in report.failed[0][1]
    assert sources(store) == ["plan.txt"]


def test_build_missing_path_is_a_failure(tmp_path: Path, store: Store):
    path = write_plan(tmp_path, "plan.txt")
    report = build([path, tmp_path / "gone.txt"], store)
    assert report.ingested == [str(path)]
    assert report.failed == [(str(tmp_path / "gone.txt"), "no such file or folder")]


def test_build_report_repeats_loader_warnings_that_mean_the_text_may_differ(tmp_path: Path, store: Store):
    from fixtures import plan_text

    lines = plan_text().splitlines()
    path = tmp_path / "mixed.txt"  # UTF-8 and GBK lines pasted together (issue #20)
    path.write_bytes(b"\n".join(line.encode("utf-8" if i % 3 else "gbk") for i, line in enumerate(lines)))
    report = build([path], store, workers=1)
    assert report.ok
    assert [w.split(": ", 1)[0] for w in report.warnings] == [str(path)]
    assert "mixed encodings, decoded line by line" in report.warnings[0]
