"""Query-plan guard (issue #24): with a parameter that narrows a named query (one that has a
restriction line, queries/README.md), Oxigraph must not build a hash table over a whole-corpus
pattern. Such a plan costs the same for one city as for the whole corpus: `measure_reuse` built
a hash table of every measure of the corpus for each city (0.9 s at 1k plans, 34 s at 10k).

The plan comes from `oxigraph query --explain-file plan.json` (pyoxigraph 0.5 has no explain) on
the seed store. A pattern is whole-corpus when it can match in any plan graph and has no constant
but its predicate (and the class of an rdf:type): `?m a pk:Measure` in `GRAPH ?g`, `?x pk:order
?o`. A hash join's build side is the child named by its strategy (HashBuildLeftProbeRight: the
left one). Patterns in a fixed graph (vocabularies, analysis) are bounded and allowed, and so
is a nested loop (`Lateral`, `ForLoopLeftJoin`) that starts from a narrowed pattern: what follows
is looked up per row of that city's or plan's rows.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from policykg.graph.store import Store
from policykg.queries import instantiate, list_queries, run_query

ROOT = Path(__file__).resolve().parents[2]
OXIGRAPH = Path(ROOT / ".venv" / "bin" / "oxigraph")
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_QUAD = re.compile(r"^QuadPattern\((?P<body>.*)\)$")
_TERM = re.compile(r'\?\w+|<[^>]*>|"(?:[^"\\]|\\.)*"(?:@[\w-]+|\^\^<[^>]*>)?|\S+')

# (query, parameter) -> why its plan still builds such a hash table: known, not yet rewritten
# (issue #24). Strict xfail: a rewrite that fixes one makes the test say so.
KNOWN: dict[tuple[str, str], str] = {}


def oxigraph_cli() -> str:
    found = OXIGRAPH if OXIGRAPH.is_file() else shutil.which("oxigraph")
    if not found:
        pytest.fail("the oxigraph CLI (pip's `oxigraph` console script) is needed for query plans")
    return str(found)


def narrowing_parameters(query) -> list[str]:
    """Parameters with a restriction line: given, they narrow the query to part of the corpus."""
    return [p.name for p in query.params if re.search(rf"#\[{p.name}\]", query.sparql)]


def whole_corpus(pattern: str) -> bool:
    """`QuadPattern(s p o g)` text -> whether it can match across every plan graph unnarrowed."""
    match = _QUAD.match(pattern)
    if match is None:
        return False
    terms = _TERM.findall(match.group("body"))
    if len(terms) < 3:
        return False
    subject, predicate, obj = terms[:3]
    graph = terms[3] if len(terms) > 3 else "?union"
    if not graph.startswith("?"):
        return False  # a fixed graph: a vocabulary or the analysis graph
    object_is_class = predicate == RDF_TYPE and obj.startswith("<")
    return subject.startswith("?") and (obj.startswith("?") or object_is_class)


def hash_builds_over_corpus(node: dict, path: str = "") -> list[str]:
    """Every hash join of the plan whose build side holds a whole-corpus pattern."""
    found = []
    name = node.get("name", "")
    children = node.get("children", [])
    build_side = None
    if "HashBuildLeftProbeRight" in name and children:
        build_side = children[0]
    elif "HashBuildRightProbeLeft" in name and len(children) > 1:
        build_side = children[1]
    if build_side is not None:
        patterns = _scanned_patterns(build_side)
        if patterns:
            found.append(f"{name.split(',')[0]}) builds over {patterns[0]}")
    for child in children:
        found.extend(hash_builds_over_corpus(child, path))
    return found


# Operators that evaluate their second child once per row of the first, with its bindings
# (nested loops): only the first child is scanned on its own.
_PER_ROW = ("Lateral", "ForLoopLeftJoin")


def _scanned_patterns(node: dict) -> list[str]:
    """The whole-corpus patterns `node` scans on its own. The second child of a nested loop is
    looked up per row of the first, so a chain that starts from a narrowed pattern (the city's
    label) costs what that city has, whatever patterns follow it."""
    name = node.get("name", "")
    children = node.get("children", [])
    if name.startswith("QuadPattern("):
        return [name] if whole_corpus(name) else []
    if name.startswith(_PER_ROW) and children:
        children = children[:1]
    return [pattern for child in children for pattern in _scanned_patterns(child)]


@pytest.fixture(scope="module")
def plan_values(seed_store):
    with Store.open(seed_store, read_only=True) as store:
        columns, rows = run_query(store.raw, "plans")
    first = dict(zip(columns, rows[0]))
    return {"city": first["jurisdiction"], "source": first["source"], "status": "applied"}


def test_the_guard_sees_a_hash_table_over_all_measures():
    """The detector on the plan shape `measure_reuse` had before issue #24."""
    plan = {"name": "LeftJoin(HashBuildRightProbeLeft, keys = ?target)", "children": [
        {"name": "QuadPattern(?m <https://w3id.org/policykg/ns#plan> ?plan ?g)"},
        {"name": "QuadPattern(?target " + RDF_TYPE + " <https://w3id.org/policykg/ns#Measure> ?target_graph)"}]}
    assert hash_builds_over_corpus(plan)
    narrowed = {"name": "Join(HashBuildLeftProbeRight, keys = ?plan)", "children": [
        {"name": 'QuadPattern(?j <http://www.w3.org/2000/01/rdf-schema#label> "衡阳市"@zh ?g)'},
        {"name": "QuadPattern(?m <https://w3id.org/policykg/ns#plan> ?plan ?g)"}]}
    assert not hash_builds_over_corpus(narrowed)
    fixed_graph = {"name": "LeftJoin(HashBuildRightProbeLeft, keys = ?t)", "children": [
        {"name": "QuadPattern(?m <https://w3id.org/policykg/ns#plan> ?plan ?g)"},
        {"name": "QuadPattern(?t " + RDF_TYPE + " <https://w3id.org/policykg/ns#FrameworkItem> "
                 "<https://w3id.org/policykg/id/graph/analysis>)"}]}
    assert not hash_builds_over_corpus(fixed_graph)
    label = 'QuadPattern(?j <http://www.w3.org/2000/01/rdf-schema#label> "衡阳市"@zh ?g)'
    measures = "QuadPattern(?m " + RDF_TYPE + " <https://w3id.org/policykg/ns#Measure> ?g)"
    plans = "QuadPattern(?g <http://purl.org/dc/terms/source> ?source ?g)"
    # a build side that starts from the city and looks the rest up per row is narrowed ...
    narrowed_chain = {"name": "Join(HashBuildLeftProbeRight, keys = ?source)", "children": [
        {"name": "Lateral", "children": [{"name": label}, {"name": measures}]}, {"name": plans}]}
    assert not hash_builds_over_corpus(narrowed_chain)
    # ... one that starts from every measure is not
    scanning_chain = {"name": "Join(HashBuildLeftProbeRight, keys = ?source)", "children": [
        {"name": "Lateral", "children": [{"name": measures}, {"name": label}]}, {"name": plans}]}
    assert hash_builds_over_corpus(scanning_chain)


CASES = [pytest.param(q.name, p, id=f"{q.name}-{p}",
                       marks=[pytest.mark.xfail(strict=True, reason=KNOWN[(q.name, p)])]
                       if (q.name, p) in KNOWN else [])
         for q in list_queries() for p in narrowing_parameters(q)]


@pytest.mark.parametrize("name,parameter", CASES)
def test_narrowed_query_plans_build_no_hash_table_over_the_corpus(seed_store, plan_values, tmp_path,
                                                                  name, parameter):
    query = next(q for q in list_queries() if q.name == name)
    text = instantiate(query.sparql, {parameter: plan_values[parameter]})
    query_file = tmp_path / "q.rq"
    query_file.write_text(text, encoding="utf-8")
    explain = tmp_path / "plan.json"
    done = subprocess.run([oxigraph_cli(), "query", "--location", str(seed_store), "--query-file", str(query_file),
                           "--union-default-graph", "--explain-file", str(explain), "--results-format", "csv",
                           "--results-file", str(tmp_path / "rows.csv")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    plan = json.loads(explain.read_text(encoding="utf-8"))
    problems = hash_builds_over_corpus(plan.get("plan", plan))
    assert not problems, f"{name} with {parameter}: " + "; ".join(problems[:3])
