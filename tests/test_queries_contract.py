"""queries/: every .rq header, the DESIGN.md column contract, and what each named query returns
over a small synthetic store (bound and unbound parameters, number formats, document order)."""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.errors import BadQueryFile, MissingParameter, QueryNotFound, UnknownParameter
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/, for fixtures.py
from fixtures import CONTRACT  # noqa: E402

from policykg.extract.result import (Agency, Citation, Evidence, ExtractionResult, Measure, Person,
                                     PlanMeta, Responsibility, Section, Target)
from policykg.graph.rdf import result_to_quads, vocabulary_quads
from policykg.queries import (NamedQuery, instantiate, list_queries, load_query, parse_query_file,
                              run_query, shipped_query_names)

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def plan_a() -> ExtractionResult:
    """A city plan with a notice, three tasks (9, 10 and a safeguard), targets, citations, people."""
    text = ("甲市人民政府办公室关于印发甲市知识产权强市建设工作方案的通知\n甲政办发〔2024〕9号\n"
            "根据《知识产权强国建设纲要（2021－2035年）》，制定本方案。\n"
            "一、主要目标\n到2026年，万人有效高价值发明专利拥有量达2件，专利密集型产业增加值占GDP比重达6.5%，"
            "地理标志产品销售额达83.41亿元，专利质押融资额10-12亿元。\n"
            "二、重点任务\n(一)聚焦顶层设计\n9.加强工作统筹。(市市场监管局牵头，市财政局配合)\n"
            "10.优化政策供给。(市市场监管局(知识产权局)、各县(市)区人民政府)\n"
            "三、保障措施\n保障(一)加强组织领导。组长：张三(市长)；副组长：市政府分管副市长。\n")
    m1, m2, m3 = span(text, "9.加强工作统筹"), span(text, "10.优化政策供给"), span(text, "保障(一)加强组织领导")
    return ExtractionResult(
        source="000_a.txt", path="/data/000_a.txt", sha256="a" * 64, encoding="utf-8",
        format="txt", text=text,
        plan=PlanMeta(title="甲市知识产权强市建设工作方案", title_span=Evidence(*span(text, "甲市知识产权强市建设工作方案")),
                      jurisdiction="甲市", province="乙省", level="city", doc_number="甲政办发〔2024〕9号",
                      issuer="甲市人民政府办公室", issued="2024-04-29", period_start=2024, period_end=2026,
                      notice_title="甲市人民政府办公室关于印发甲市知识产权强市建设工作方案的通知"),
        sections=[
            Section("s1", 1, "一", "主要目标", "goals", None, *span(text, "一、主要目标")),
            Section("s2", 1, "二", "重点任务", "tasks", None, *span(text, "二、重点任务")),
            Section("s2.1", 2, "(一)", "聚焦顶层设计", "tasks", "s2", *span(text, "(一)聚焦顶层设计")),
            Section("s3", 1, "三", "保障措施", "safeguards", None, *span(text, "三、保障措施")),
        ],
        measures=[
            Measure("m1", "9", "加强工作统筹", "(一)聚焦顶层设计", "s2.1", "task", text[m1[0]:m1[1]], *m1),
            Measure("m2", "10", "优化政策供给", "(一)聚焦顶层设计", "s2.1", "task", text[m2[0]:m2[1]], *m2),
            Measure("m3", "保障(一)", "加强组织领导", "三、保障措施", "s3", "safeguard", text[m3[0]:m3[1]], *m3),
        ],
        responsibilities=[
            Responsibility("m1", "市市场监管局", "lead", 1, *span(text, "市市场监管局牵头"), rule="lead_line"),
            Responsibility("m1", "市财政局", "support", 2, *span(text, "市财政局"), rule="lead_line"),
            Responsibility("m2", "市市场监管局(知识产权局)", "lead", 1, *span(text, "市市场监管局(知识产权局)"),
                           rule="first_is_lead"),
            Responsibility("m2", "各县(市)区人民政府", "support", 2, *span(text, "各县(市)区人民政府")),
        ],
        agencies=[
            Agency("市市场监管局", "甲市市场监督管理局", "甲市", "market-regulation", ["市市场监管局(知识产权局)"]),
            Agency("市财政局", "甲市财政局", "甲市"),
            Agency("各县(市)区人民政府", "甲市各县(市)区人民政府", "甲市", collective=True),
        ],
        citations=[Citation("知识产权强国建设纲要（2021－2035年）", None, "知识产权强国建设纲要(2021—2035年)",
                            "plan", "中共中央、国务院", *span(text, "《知识产权强国建设纲要（2021－2035年）》"),
                            in_preamble=True)],
        targets=[
            Target("万人有效高价值发明专利拥有量", 2.0, None, "件", 2026, "level", ">=",
                   "万人有效高价值发明专利拥有量达2件", *span(text, "万人有效高价值发明专利拥有量达2件")),
            Target("专利密集型产业增加值占GDP比重", 6.5, None, "%", 2026, "ratio", ">=",
                   "专利密集型产业增加值占GDP比重达6.5%", *span(text, "专利密集型产业增加值占GDP比重达6.5%")),
            Target("地理标志产品销售额", 83.41, None, "亿元", 2026, "level", ">=",
                   "地理标志产品销售额达83.41亿元", *span(text, "地理标志产品销售额达83.41亿元")),
            Target("专利质押融资额", 10.0, 12.0, "亿元", 2026, "level", "range",
                   "专利质押融资额10-12亿元", *span(text, "专利质押融资额10-12亿元"), year_inferred=True),
        ],
        people=[
            Person("张三", "组长", "市长", "甲市知识产权强市建设领导小组", *span(text, "组长：张三(市长)")),
            Person(None, "副组长", "市政府分管副市长", "甲市知识产权强市建设领导小组",
                   *span(text, "副组长：市政府分管副市长")),
        ],
    )


def plan_b() -> ExtractionResult:
    """A second city: no notice, one measure led by a provincial agency it shares with nobody."""
    text = ("丙市知识产权强市建设实施方案\n根据《知识产权强国建设纲要(2021—2035年)》制定。\n"
            "1.强化保护。(市中院、市市场监管局)\n")
    m1 = span(text, "1.强化保护")
    return ExtractionResult(
        source="001_b.txt", path="/data/001_b.txt", sha256="b" * 64, encoding="gb18030",
        format="txt", text=text,
        plan=PlanMeta(title="丙市知识产权强市建设实施方案", jurisdiction="丙市", province="乙省", level="city",
                      period_start=2023, period_end=2025),
        measures=[Measure("m1", "1", "强化保护", None, None, "task", text[m1[0]:m1[1]], *m1)],
        responsibilities=[Responsibility("m1", "市中院", "support", 1, *span(text, "市中院")),
                          Responsibility("m1", "市市场监管局", "support", 2, *span(text, "市市场监管局"))],
        agencies=[Agency("市中院", "丙市中级人民法院", "丙市", "intermediate-court"),
                  Agency("市市场监管局", "丙市市场监督管理局", "丙市")],
        citations=[Citation("知识产权强国建设纲要(2021—2035年)", None, None, "plan", None,
                            *span(text, "《知识产权强国建设纲要(2021—2035年)》"), in_preamble=True)],
    )


def plan_without_place() -> ExtractionResult:
    return ExtractionResult(source="002_c.txt", path="002_c.txt", sha256="c" * 64, encoding="utf-8",
                            format="txt", text="某方案", plan=PlanMeta(title="某方案"))


@pytest.fixture(scope="module")
def store() -> ox.Store:
    db = ox.Store()
    for result in (plan_a(), plan_b(), plan_without_place()):
        db.extend(result_to_quads(result, now=NOW)[1])
    db.extend(vocabulary_quads())
    return db


def table(store, name, **params) -> list[dict]:
    columns, rows = run_query(store, name, params)
    return [dict(zip(columns, row)) for row in rows]


def contract_rows(store, name, **params) -> list[tuple]:
    return [tuple(row[c] for c in CONTRACT[name]) for row in table(store, name, **params)]


# ------------------------------------------------------------------ headers and the contract
def test_queries_contract_every_contract_query_ships():
    assert set(CONTRACT) <= set(shipped_query_names())


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_queries_contract_columns_come_first(name):
    query = load_query(name)
    assert query.columns[: len(CONTRACT[name])] == CONTRACT[name]


@pytest.mark.parametrize("name", shipped_query_names())
def test_queries_contract_header_is_complete(name):
    text = (Path(load_query(name).path)).read_text(encoding="utf-8")
    assert text.startswith("# title:")
    query = load_query(name)
    assert query.title and query.description and query.columns
    if name in CONTRACT:   # the six contract queries filter by document and jurisdiction
        assert {p.name for p in query.params} == {"source", "city"}
    assert all(p.optional and p.description for p in query.params)


def test_queries_contract_list_queries_matches_files():
    assert [q.name for q in list_queries()] == shipped_query_names()
    assert all(isinstance(q, NamedQuery) for q in list_queries())


# ------------------------------------------------------------------ results
def test_queries_plans_rows(store):
    assert contract_rows(store, "plans") == [
        ("000_a.txt", "甲市知识产权强市建设工作方案", "甲市", "乙省", "city", "甲政办发〔2024〕9号",
         "甲市人民政府办公室", "2024-04-29", "2024", "2026"),
        ("001_b.txt", "丙市知识产权强市建设实施方案", "丙市", "乙省", "city", None, None, None, "2023", "2025"),
        ("002_c.txt", "某方案", None, None, None, None, None, None, None, None),
    ]


def test_queries_measures_in_document_order(store):
    # 9 before 10 (document order, not string order), then the safeguard
    assert contract_rows(store, "measures", source="000_a.txt") == [
        ("000_a.txt", "9", "加强工作统筹", "(一)聚焦顶层设计"),
        ("000_a.txt", "10", "优化政策供给", "(一)聚焦顶层设计"),
        ("000_a.txt", "保障(一)", "加强组织领导", "三、保障措施"),
    ]


def test_queries_responsibilities_printed_names_and_roles(store):
    rows = table(store, "responsibilities")
    assert [(r["source"], r["measure_no"], r["measure_title"], r["agency"], r["role"], r["rank"])
            for r in rows] == [
        ("000_a.txt", "9", "加强工作统筹", "市市场监管局", "lead", "1"),
        ("000_a.txt", "9", "加强工作统筹", "市财政局", "support", "2"),
        ("000_a.txt", "10", "优化政策供给", "市市场监管局(知识产权局)", "lead", "1"),
        ("000_a.txt", "10", "优化政策供给", "各县(市)区人民政府", "support", "2"),
        ("001_b.txt", "1", "强化保护", "市中院", "support", "1"),
        ("001_b.txt", "1", "强化保护", "市市场监管局", "support", "2"),
    ]
    # the printed form varies, the merged agency does not
    assert {r["agency_canonical"] for r in rows if r["source"] == "000_a.txt"} == {
        "甲市市场监督管理局", "甲市财政局", "甲市各县(市)区人民政府"}


def test_queries_citations_rows(store):
    assert contract_rows(store, "citations") == [
        ("000_a.txt", "知识产权强国建设纲要（2021－2035年）", None, "知识产权强国建设纲要(2021—2035年)", "plan"),
        ("001_b.txt", "知识产权强国建设纲要(2021—2035年)", None, None, "plan"),
    ]
    cited = {r["cited"] for r in table(store, "citations")}
    assert len(cited) == 1  # cited two ways, one node


def test_queries_targets_numbers_are_plain(store):
    assert contract_rows(store, "targets") == [
        ("000_a.txt", "万人有效高价值发明专利拥有量", "2", None, "件", "2026", "level", ">="),
        ("000_a.txt", "专利密集型产业增加值占GDP比重", "6.5", None, "%", "2026", "ratio", ">="),
        ("000_a.txt", "地理标志产品销售额", "83.41", None, "亿元", "2026", "level", ">="),
        ("000_a.txt", "专利质押融资额", "10", "12", "亿元", "2026", "level", "range"),
    ]
    rows = table(store, "targets")
    assert rows[2]["base_value"] == "8341000000"
    assert [r["year_inferred"] for r in rows] == ["false", "false", "false", "true"]


def test_queries_people_rows(store):
    assert contract_rows(store, "people") == [
        ("000_a.txt", "张三", "组长", "市长"),
        ("000_a.txt", None, "副组长", "市政府分管副市长"),
    ]


# ------------------------------------------------------------------ parameters
@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_queries_city_param_bound_and_unbound(store, name):
    everything = table(store, name)
    only_b = table(store, name, city="丙市")
    assert {r["source"] for r in only_b} <= {"001_b.txt"}
    assert only_b == [dict(r, city="丙市") for r in everything if r["source"] == "001_b.txt"]
    assert table(store, name, city="无此市") == []
    assert table(store, name, city="") == everything  # empty = not given


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_queries_source_param_bound_and_unbound(store, name):
    everything = table(store, name)
    only_a = table(store, name, source="000_a.txt")
    assert only_a == [r for r in everything if r["source"] == "000_a.txt"]


def test_queries_city_filter_drops_plans_without_jurisdiction(store):
    assert [r["source"] for r in table(store, "plans")] == ["000_a.txt", "001_b.txt", "002_c.txt"]
    assert [r["source"] for r in table(store, "plans", city="甲市")] == ["000_a.txt"]


def test_queries_params_are_bound_not_spliced(store):
    hostile = '甲市" ) } UNION { ?x ?y ?z } #'
    assert table(store, "plans", city=hostile) == []


def test_queries_both_params_together(store):
    assert table(store, "measures", source="000_a.txt", city="丙市") == []
    assert len(table(store, "measures", source="001_b.txt", city="丙市")) == 1


def test_queries_unknown_param_is_an_error(store):
    with pytest.raises(UnknownParameter, match="province"):
        run_query(store, "plans", {"province": "乙省"})


def test_queries_required_param_is_enforced(tmp_path):
    path = tmp_path / "one.rq"
    path.write_text("# title: One\n# params: city\n# columns: city\nSELECT ?city WHERE { ?s ?p ?city }\n",
                    encoding="utf-8")
    with pytest.raises(MissingParameter, match="city"):
        run_query(ox.Store(), str(path), {})


# ------------------------------------------------------------------ loading
def test_queries_unknown_name_lists_available():
    with pytest.raises(QueryNotFound) as info:
        load_query("no_such_query")
    assert "plans" in info.value.available and "plans" in str(info.value)


def test_queries_load_by_path(tmp_path, store):
    path = tmp_path / "count.rq"
    path.write_text("# title: Count plans\n# columns: n\n"
                    "PREFIX pk: <https://w3id.org/policykg/ns#>\n"
                    "SELECT (COUNT(?p) AS ?n) WHERE { ?p a pk:Plan }\n", encoding="utf-8")
    query = load_query(str(path))
    assert query.name == "count" and query.title == "Count plans"
    assert run_query(store, query) == (["n"], [["3"]])


@pytest.mark.parametrize("header, sparql, problem", [
    ("# title: X\n# params: city (optional)\n", "SELECT ?s WHERE { ?s ?p ?o }", "never uses"),
    ("# title: X\n", "SELECT ?s WHERE { ?s ?p $who }", "not declared"),
    ("# title: X\n# columns: a, b\n", "SELECT ?s WHERE { ?s ?p ?o }", "columns"),
    ("# title: X\n# params: o (optional)\n", "SELECT ?s WHERE { ?s ?p ?o }", "SELECT clause"),
    ("# title: X\n# colums: s\n", "SELECT ?s WHERE { ?s ?p ?o }", "unknown header"),
    ("# title: X\n", "SELECT ?s WHERE { ?s ?p ", "syntax"),
    ("# title: X\n# param who: someone\n", "SELECT ?s WHERE { ?s ?p ?o }", "missing from"),
])
def test_queries_bad_query_files(tmp_path, header, sparql, problem):
    path = tmp_path / "bad.rq"
    path.write_text(header + sparql + "\n", encoding="utf-8")
    with pytest.raises(BadQueryFile, match=problem):
        parse_query_file(path)


def test_queries_header_continuation_lines(tmp_path):
    path = tmp_path / "long.rq"
    path.write_text("# title: Long\n# description: first line\n#   second line\n# columns: s,\n#   o\n"
                    "# an ordinary comment\nSELECT ?s ?o WHERE { ?s ?p ?o }\n", encoding="utf-8")
    query = parse_query_file(path)
    assert query.description == "first line second line"
    assert query.columns == ["s", "o"]


# ------------------------------------------------------------------ restriction lines
RESTRICTED = ("# title: Restricted\n# params: city (optional)\n# columns: source, city\n"
              "PREFIX pk: <https://w3id.org/policykg/ns#>\n"
              "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
              "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
              "SELECT ?source ?city WHERE {\n  GRAPH ?g {\n"
              "    #[city] ?plan pk:jurisdiction/rdfs:label {{city@zh}} .\n"
              "    ?g dcterms:source ?source ; pk:plan ?plan .\n  }\n}\nORDER BY ?source\n")


def test_queries_restriction_line_off_without_value_on_with_it(tmp_path, store):
    path = tmp_path / "restricted.rq"
    path.write_text(RESTRICTED, encoding="utf-8")
    query = parse_query_file(path)
    everything = [["000_a.txt", None], ["001_b.txt", None], ["002_c.txt", None]]
    assert run_query(store, query)[1] == everything
    assert run_query(store, query, {"city": ""})[1] == everything
    assert run_query(store, query, {"city": "甲市"})[1] == [["000_a.txt", "甲市"]]
    assert run_query(store, query, {"city": "无此市"})[1] == []
    assert "#[city]" in instantiate(query.sparql, {})
    assert '?plan pk:jurisdiction/rdfs:label "甲市"@zh .' in instantiate(query.sparql, {"city": "甲市"})


HOSTILE = ['甲市"@zh } UNION { ?g ?p ?o } #', '"} UNION {', "甲市\\", "甲\\市", "甲市\n", "{{city}}",
           "{{city@zh}}", "甲市'", '"""']


@pytest.mark.parametrize("value", HOSTILE)
def test_queries_hostile_values_match_nothing(store, value):
    for query in list_queries():
        for param in query.params:
            if param.name in ("city", "source"):
                assert run_query(store, query, {param.name: value})[1] == [], (query.name, param.name)


@pytest.mark.parametrize("restriction, problem", [
    ("#[town] ?plan pk:jurisdiction/rdfs:label {{town@zh}} .", "not in '# params:'"),
    ("#[city] ?g dcterms:source {{source}} .", "no other placeholder"),
    ("#[city] ?plan pk:jurisdiction/rdfs:label {{city}}, \"x\" .", "no string literals"),
    ("#[city] ?plan pk:jurisdiction/rdfs:label {{city}}, 'x' .", "no string literals"),
    ("#[city] ?plan pk:jurisdiction ?j .", "no other placeholder"),
])
def test_queries_bad_restriction_lines(tmp_path, restriction, problem):
    path = tmp_path / "bad.rq"
    path.write_text(RESTRICTED.replace("# params: city (optional)", "# params: city (optional), source (optional)")
                    .replace("#[city] ?plan pk:jurisdiction/rdfs:label {{city@zh}} .", restriction),
                    encoding="utf-8")
    with pytest.raises(BadQueryFile, match=problem):
        parse_query_file(path)
