"""viz/web/query_check.py in-process: what the pre-check counts (brackets, FROM, SERVICE) and what
it must not (the same characters inside strings, IRIs, comments, variables and prefixed names),
and the 400s it raises."""
from __future__ import annotations

import pytest

from policykg.viz.web.http import WebError
from policykg.viz.web.query_check import (MAX_NESTING, MAX_OPERATORS, MAX_QUERY_CHARS, check_query,
                                          scan)


@pytest.mark.parametrize("query,depth", [
    ("ASK {}", 1),
    ("SELECT * WHERE { { ?s ?p ?o } UNION { ?s ?p (1 2) } }", 3),
    ('SELECT * WHERE { ?s ?p "{{{{(((" }', 1),
    ("SELECT * WHERE { ?s ?p '''{{{\n[[[''' }", 1),
    ('SELECT * WHERE { ?s ?p "a \\" {{{" }', 1),
    ("SELECT * WHERE { ?s ?p ?o # {{{{{{\n }", 1),
    ("SELECT * WHERE { ?s <urn:x:((([[[> ?o }", 1),
    ("SELECT * WHERE { FILTER(?a < ?b && ?b > (?c)) }", 3),
])
def test_query_check_depth_counts_brackets_outside_strings_iris_and_comments(query, depth):
    assert scan(query).depth == depth


@pytest.mark.parametrize("query,has_dataset,uses_service", [
    ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", True, False),
    ("select * from named <urn:g> where { graph ?g { ?s ?p ?o } }", True, False),
    ("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }", False, True),
    ("SELECT * WHERE { service silent <http://x/sparql> { ?s ?p ?o } }", False, True),
    ('SELECT ?from ?service WHERE { ?from ex:SERVICE "FROM SERVICE" . <urn:FROM> from:x ?o }',
     False, False),
    ("SELECT * WHERE { ?s ?p ?o } # FROM <urn:g> SERVICE <http://x/>", False, False),
])
def test_query_check_finds_dataset_and_service_keywords_only(query, has_dataset, uses_service):
    shape = scan(query)
    assert (shape.has_dataset, shape.uses_service) == (has_dataset, uses_service)


@pytest.mark.parametrize("query,title", [
    ("SELECT * WHERE " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1), "nested too deeply"),
    ("SELECT * WHERE { " + "(" * 3000 + "1" + ")" * 3000 + " }", "nested too deeply"),
    ("# " + "x" * MAX_QUERY_CHARS + "\nASK {}", "too large"),
    ("ASK { FILTER(" + "!" * 5000 + "true) }", "too complex"),
    ("ASK { FILTER(" + "+".join(["1"] * 5000) + " > 0) }", "too complex"),
    ("ASK { " + " UNION ".join(["{}"] * 5000) + " }", "too complex"),
    ("ASK { " + " ".join(["OPTIONAL { ?s <urn:p> ?o }"] * 3000) + " }", "too complex"),
    ("ASK { ?s " + "/".join(["<urn:p>"] * 5000) + " ?o }", "too complex"),
    ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "SERVICE is off"),
])
def test_query_check_refuses_with_400(query, title):
    with pytest.raises(WebError) as caught:
        check_query(query, allow_service=False)
    assert caught.value.status == 400 and title in caught.value.title


def test_query_check_allows_nesting_at_the_limit_and_service_when_allowed():
    at_limit = "SELECT * WHERE " + "{" * MAX_NESTING + "}" * MAX_NESTING
    assert check_query(at_limit, allow_service=False).depth == MAX_NESTING
    chain = "ASK { FILTER(" + "+".join(["1"] * MAX_OPERATORS) + " > 0) }"
    assert check_query(chain, allow_service=False).operators == MAX_OPERATORS - 1
    # operators inside strings, IRIs, prefixed names and negative-free numbers do not count
    quiet = 'SELECT ?s WHERE { ?s <urn:a/b/c> "!!!+++|||" ; ex:a-b-c 12 }'
    assert scan(quiet).operators == 0
    assert check_query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
                       allow_service=True).uses_service
