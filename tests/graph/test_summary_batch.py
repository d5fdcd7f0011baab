"""A worker summarises its chunk of plans together (graph/summaries/plan_summaries.py `summaries_nquads`): the
source-keyed queries are planned and run once over the chunk and split by source, the others run
on each plan's own dataset. The summaries must be byte-identical to those of one plan at a time,
whatever plans share the chunk (same city, same agencies, the same source twice), and a chunk
whose summary fails must not fail its other plans (graph/build.py `prepare_documents`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.extract import extract_path, extract_text
from policykg.graph.build import Extracted, prepare_document, prepare_documents
from policykg.graph.rdf import result_to_nquads
from policykg.graph.summaries import plan_summaries, summary_format

SEEDS = sorted((Path(__file__).resolve().parents[2] / "data" / "seeds").glob("*.txt"))
DC_SOURCE = "<http://purl.org/dc/terms/source>"


def _plan_text(city: str, year: int, lead: str, support: str, count: int) -> str:
    """A small constructed plan: a target, `count` measures each citing the national outline and
    naming `lead` and `support` in a trailing responsibility bracket."""
    numerals = "一二三四五六七八九十"
    lines = [f"{city}知识产权强市建设工作方案", "", "一、主要目标",
             f"到{year}年，全市发明专利拥有量达到{count}000件。", "二、重点任务"]
    lines += [f"（{numerals[i]}）推进第{i + 1}项工作。依据《知识产权强国建设纲要（2021—2035年）》完善体系。"
              f"（责任单位：{lead}牵头，{support}配合）" for i in range(count)]
    return "\n".join(lines)


def _nquads(result) -> tuple[str, bytes]:
    graph, data, _ = result_to_nquads(result)
    return graph.value, data


@pytest.fixture(scope="module")
def plans() -> list[tuple[str, bytes]]:
    """The seeds, then constructed plans of one city that name the same agencies (so the chunk's
    plan graphs hold the same agency IRIs) and of another city, with different roles."""
    out = [_nquads(extract_path(path)) for path in SEEDS]
    constructed = [("泉州市", 2025, "市市场监管局", "市公安局、市科技局", 3),
                   ("泉州市", 2026, "市公安局", "市市场监管局", 2),
                   ("漳州市", 2025, "市市场监管局", "市公安局", 4)]
    for n, (city, year, lead, support, count) in enumerate(constructed):
        out.append(_nquads(extract_text(_plan_text(city, year, lead, support, count), source=f"batch-{n}.txt")))
    return out


@pytest.fixture(scope="module")
def one_at_a_time(plans) -> list[bytes]:
    return [plan_summaries.summary_nquads(graph, data) for graph, data in plans]


@pytest.mark.parametrize("size", [2, 3, 8])
def test_a_chunk_gives_the_summaries_of_one_plan_at_a_time(plans, one_at_a_time, size):
    together = []
    for start in range(0, len(plans), size):
        together += plan_summaries.summaries_nquads(plans[start:start + size])
    assert together == one_at_a_time
    assert len(set(together)) == len(plans)  # each plan has its own summary


def test_the_constructed_plans_share_agencies(plans):
    # what the chunk must not blur: the same agency IRI in two plan graphs (agencies are merged
    # per jurisdiction, so the two plans of one city share theirs)
    agencies = [{line.split()[0] for line in data.decode().splitlines() if "/agency/" in line.split()[0]}
                for _, data in plans[-3:]]
    assert len(agencies[0] & agencies[1]) >= 2


def test_rows_that_name_no_plan_of_the_chunk_fall_back_to_one_plan_at_a_time(plans, one_at_a_time):
    # a plan graph without its dcterms:source: its rows' source is unbound, so the split cannot
    # place them; each plan then runs alone on its own dataset, and the others are unchanged
    graph, data = plans[-1]
    bare = b"".join(line + b"\n" for line in data.splitlines() if DC_SOURCE.encode() not in line)
    assert bare != data
    alone = plan_summaries.summary_nquads(graph, bare)
    chunk = plan_summaries.summaries_nquads(plans[:3] + [(graph, bare)])
    assert chunk[:3] == one_at_a_time[:3]
    assert chunk[3] == alone
    assert alone.count(summary_format.FINGERPRINT.value.encode()) == len(summary_format.SUMMARISED)


def test_the_same_plan_twice_in_a_chunk_is_summarised_alone(plans, one_at_a_time):
    assert plan_summaries.summaries_nquads([plans[0], plans[0], plans[1]]) == [one_at_a_time[0], one_at_a_time[0],
                                                                         one_at_a_time[1]]


def test_a_failing_chunk_summary_fails_only_its_bad_plan(monkeypatch):
    items = [(Extracted(Path(f"p{n}.txt"), result=extract_text(_plan_text("泉州市", 2025, "市市场监管局", "市公安局", 2),
                                                                source=f"p{n}.txt")), ()) for n in range(3)]
    real = plan_summaries.summaries_nquads

    def one(graph, nquads):
        if graph.endswith("p1.txt"):
            raise RuntimeError("boom")
        return real([(graph, nquads)])[0]

    def chunk(documents):
        raise RuntimeError("boom")

    monkeypatch.setattr(plan_summaries, "summaries_nquads", chunk)
    monkeypatch.setattr(plan_summaries, "summary_nquads", one)
    prepared = prepare_documents(items)
    assert prepared[0].problem is None and prepared[2].problem is None
    assert prepared[1].problem == "internal error: RuntimeError: boom" and not prepared[1].nquads
    for p in (prepared[0], prepared[2]):
        assert summary_format.SUMMARY_GRAPH_PREFIX.encode() in p.nquads


def test_prepare_document_is_a_chunk_of_one(plans):
    item = Extracted(SEEDS[0], result=extract_path(SEEDS[0]))
    again = Extracted(SEEDS[0], result=extract_path(SEEDS[0]))
    one = prepare_document(item)
    (chunked,) = prepare_documents([(again, ())])
    # the same summary (the plan's provenance times may differ by a second)
    summary_lines = lambda b: [l for l in b.splitlines() if summary_format.SUMMARY_GRAPH_PREFIX.encode() in l]  # noqa: E731
    assert one.problem is None and summary_lines(one.nquads)
    assert summary_lines(one.nquads) == summary_lines(chunked.nquads)
