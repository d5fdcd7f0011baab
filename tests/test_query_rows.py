"""queries.iter_query reads each solution's cells by position (a solution iterates its values in
the order of the query's variables, unbound as None), not by name: the cells must still follow
the SELECT's order whatever order the patterns bind the variables in, with None where a variable
is unbound, in plain and typed rows alike."""
from __future__ import annotations

import pyoxigraph as ox

from policykg.queries import NumberText, run_query

EX = "http://example.org/"
SPARQL = f"""SELECT ?late ?missing ?early WHERE {{
  ?s <{EX}p> ?early .
  OPTIONAL {{ ?s <{EX}q> ?late }}
  OPTIONAL {{ ?s <{EX}absent> ?missing }}
}} ORDER BY ?early"""


def _store() -> ox.Store:
    store = ox.Store()
    graph = ox.NamedNode(EX + "g")
    for name, early, late in (("a", "1", "x"), ("b", "2", None)):
        s = ox.NamedNode(EX + name)
        store.add(ox.Quad(s, ox.NamedNode(EX + "p"), ox.Literal(early, datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer")), graph))
        if late is not None:
            store.add(ox.Quad(s, ox.NamedNode(EX + "q"), ox.Literal(late), graph))
    return store


def test_cells_follow_the_select_order_with_none_for_unbound(tmp_path):
    query = tmp_path / "order.rq"
    query.write_text(SPARQL, encoding="utf-8")
    columns, rows = run_query(_store(), query)
    assert columns == ["late", "missing", "early"]
    assert rows == [["x", None, "1"], [None, None, "2"]]
    _, typed = run_query(_store(), query, typed=True)
    assert typed == rows and isinstance(typed[0][2], NumberText) and typed[0][2].number == 1
