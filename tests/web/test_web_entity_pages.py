"""Entity pages that answer the question (issue 23), in-process over the seed store: an agency page
lists the measures it leads and supports by plan (checked against the `responsibilities` named
query), with co-responsible units and links to the measure in its plan text and to its views;
incoming links come grouped and counted; a measure page shows its units lead first; a cited
document lists the plans citing it; the plan text page styles lead and support units apart, has a
legend and a side panel whose links all land on measure anchors; document text stays escaped."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import HOSTILE_SOURCE, SCRIPT  # noqa: E402

ID = "https://w3id.org/policykg/id/"
PK = "https://w3id.org/policykg/ns#"
SEED_SOURCE = "000_8c7ba4464c8b6764.txt"


def _rows(store, **params):
    from policykg.queries import load_query

    result = store.run_query(load_query("responsibilities"), params)
    return [dict(zip(result.columns, row)) for row in result.rows]


def _city(store, source: str) -> str:
    """The jurisdiction of the plan with file name `source`, as printed."""
    query = f"""PREFIX pk: <{PK}> PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?city ?s WHERE {{ GRAPH ?g {{ ?p a pk:Plan ; dcterms:source ?s ; pk:jurisdiction/rdfs:label ?city }} }}"""
    import pyoxigraph as ox

    rows = store.raw.query(query, substitutions={ox.Variable("s"): ox.Literal(source)})
    return next(iter(rows))["city"].value


def _busiest_agency(store) -> str:
    """The agency with both lead and support assignments and the most of them."""
    counts: dict[str, set[str]] = {}
    for row in _rows(store):
        if row["agency_iri"] and row["role"] in ("lead", "support"):
            counts.setdefault(row["agency_iri"], set()).add(row["role"])
    both = [a for a, roles in counts.items() if roles == {"lead", "support"}]
    assert both, "the seed store has an agency that both leads and supports"
    rows = _rows(store)
    return max(both, key=lambda a: (sum(r["agency_iri"] == a for r in rows), a))


def _page(client, iri: str, lang: str = "en") -> str:
    answer = client.get("/entity?" + urlencode({"iri": iri, "lang": lang}))
    assert answer.status_code == 200, answer.text[:300]
    return answer.text


def _section(page: str, css_class: str) -> str:
    """The HTML from the first element with `css_class` up to the next element of that class."""
    start = page.index(f'class="{css_class}"')
    end = page.find(f'class="{css_class}"', start + 1)
    return page[start:end if end > 0 else len(page)]


def test_web_entity_agency_page_lists_led_and_supported_measures_by_plan(seed_web_store, seed_client):
    agency = _busiest_agency(seed_web_store)
    page = _page(seed_client, agency)
    rows = [r for r in _rows(seed_web_store) if r["agency_iri"] == agency]
    for role, block in (("lead", "roles-lead"), ("support", "roles-support")):
        expected = {(r["source"], r["measure_no"]) for r in rows if r["role"] == role}
        listed = set()
        for section in page.split('class="plan-group"')[1:]:
            source = unquote(re.search(r'href="/plans/([^"#]+)" class="plan-text-link"', section).group(1))
            if f'class="{block}"' in section:
                part = _section(section, block).split("</ul>")[0]
                listed |= {(source, unquote(n)) for n in re.findall(
                    r'class="measure-link"><span class="measure-no">([^<]+)</span>', part)}
        assert listed == expected, role
    counts = page[page.index('id="role-counts"'):].split("</p>")[0]
    for role, verb in (("lead", "leads"), ("support", "supports")):
        measures = {(r["source"], r["measure_no"]) for r in rows if r["role"] == role}
        assert f"{verb} {len(measures)} measures" in counts


def test_web_entity_agency_page_links_measures_partners_and_views(seed_web_store, seed_client):
    agency = _busiest_agency(seed_web_store)
    page = _page(seed_client, agency)
    rows = [r for r in _rows(seed_web_store) if r["agency_iri"] == agency and r["measure"]]
    first = rows[0]
    anchor = "measure-" + first["measure"].rsplit("/measure/", 1)[-1]
    link = f'href="/plans/{quote(first["source"], safe="")}#{quote(anchor, safe="-._~()")}"'
    assert link in page
    # the measure's other units, linked to their own pages
    partners = {r["agency_iri"] for r in _rows(seed_web_store) if r["measure"] == first["measure"]} - {agency}
    for partner in partners:
        assert f'href="/entity?{urlencode({"iri": partner})}" class="co-agency"' in page
    assert 'id="ego-link"' in page and "/viz/agency?agency=" + quote(agency, safe="") in page
    assert "/viz/responsibility?" + urlencode({"city": _city(seed_web_store, first["source"])}) in page


def test_web_entity_measure_anchor_exists_on_the_plan_page(seed_web_store, seed_client):
    agency = _busiest_agency(seed_web_store)
    page = _page(seed_client, agency)
    for href in re.findall(r'href="(/plans/[^"#]+#[^"]+)" class="measure-link"', page):
        path, fragment = href.split("#", 1)
        plan = seed_client.get(path).text
        assert f'id="{unquote(fragment)}"' in plan, href


def test_web_entity_incoming_links_are_grouped_and_counted(seed_web_store, seed_client):
    agency = _busiest_agency(seed_web_store)
    page = _page(seed_client, agency)
    assignments = sum(r["agency_iri"] == agency for r in _rows(seed_web_store))
    incoming = page[page.index("Incoming links"):]
    assert f'<span class="incoming-count">{assignments} links</span>' in incoming
    assert "pk:Assignment" in incoming and "<details>" in incoming
    # no wall of duplicates: at most COLLAPSE_AFTER plain rows of one predicate
    from policykg.viz.web.entity import COLLAPSE_AFTER

    plain_rows = re.findall(r"<tr><td>.*?</td><th><a [^>]*>([^<]+)</a></th></tr>", incoming)
    assert all(plain_rows.count(p) <= COLLAPSE_AFTER for p in plain_rows)


def test_web_entity_measure_page_shows_plan_units_lead_first_and_targets(seed_web_store, seed_client):
    rows = _rows(seed_web_store, source=SEED_SOURCE)
    by_measure: dict[str, list[dict]] = {}
    for row in rows:
        by_measure.setdefault(row["measure"], []).append(row)
    measure, units = max(by_measure.items(), key=lambda item: len(item[1]))
    page = _page(seed_client, measure)
    profile = page[page.index('id="measure-profile"'):page.index("</section>", page.index('id="measure-profile"'))]
    assert f'href="/plans/{SEED_SOURCE}"' in profile and 'id="measure-in-plan"' in profile
    roles = re.findall(r'<span class="unit unit-(lead|support|unstated)">', profile)
    assert len(roles) == len(units) and roles == sorted(roles, key=["lead", "support", "unstated"].index)
    assert roles[0] == "lead" and 'class="role-badge role-lead"' in profile
    assert "/viz/plan?" + urlencode({"source": SEED_SOURCE}) in page


def test_web_entity_measure_page_lists_its_targets(seed_web_store, seed_client):
    query = f"""PREFIX pk: <{PK}>
    SELECT ?m (COUNT(?t) AS ?n) WHERE {{ GRAPH ?g {{ ?t a pk:Target ; pk:inMeasure ?m }} }}
    GROUP BY ?m ORDER BY DESC(?n) ?m LIMIT 1"""
    row = next(iter(seed_web_store.raw.query(query)))
    page = _page(seed_client, row["m"].value)
    targets = page[page.index('class="targets"'):].split("</ul>")[0]
    assert targets.count("<li>") == int(row["n"].value)


def test_web_entity_cited_document_lists_citing_plans(seed_web_store, seed_client):
    query = f"""PREFIX pk: <{PK}> PREFIX eli: <http://data.europa.eu/eli/ontology#>
    SELECT ?d (COUNT(DISTINCT ?p) AS ?n) WHERE {{ GRAPH ?g {{ ?d a pk:CitedDocument . ?p a pk:Plan ; eli:cites ?d }} }}
    GROUP BY ?d ORDER BY DESC(?n) ?d LIMIT 1"""
    row = next(iter(seed_web_store.raw.query(query)))
    page = _page(seed_client, row["d"].value)
    cited = page[page.index('id="cited-by"'):].split("</section>")[0]
    assert cited.count('class="plan-title"') == int(row["n"].value) >= 1
    assert 'href="/viz/frameworks"' in page


def test_web_entity_plan_entity_links_its_text_and_views(seed_client):
    page = _page(seed_client, ID + "plan/" + SEED_SOURCE)
    assert f'href="/plans/{SEED_SOURCE}" id="plan-link"' in page
    assert "/viz/plan?" + urlencode({"source": SEED_SOURCE}) in page and 'href="/viz/map"' in page


def test_web_entity_jurisdiction_page_lists_its_plans_and_views(seed_client):
    from urllib.parse import quote as q

    page = _page(seed_client, ID + "plan/" + SEED_SOURCE)
    place = re.search(r'<th><a [^>]*>pk:jurisdiction</a></th>\s*<td><a href="/entity\?iri=([^"]+)"', page)
    assert place, "the plan entity links its jurisdiction"
    place_page = seed_client.get("/entity?iri=" + place.group(1) + "&lang=en").text
    plans = place_page[place_page.index('id="place-plans"'):].split("</section>")[0]
    assert f'href="/plans/{q(SEED_SOURCE, safe="")}"' in plans
    assert "/viz/responsibility?city=" in place_page and 'href="/viz/map"' in place_page


def test_web_entity_plan_page_styles_lead_and_support_apart_with_legend_and_side_panel(seed_web_store, seed_client):
    page = seed_client.get(f"/plans/{SEED_SOURCE}?lang=en").text
    text = page[page.index('id="plan-text"'):page.index('id="plan-measures"')]
    rows = _rows(seed_web_store, source=SEED_SOURCE)
    # every assignment with a role is drawn with its role's class (one span per evidence)
    for role in ("lead", "support"):
        drawn = len(re.findall(rf'<span class="unit unit-{role}" data-badge="{role}">', text))
        assert 0 < drawn <= sum(r["role"] == role for r in rows), role
    legend = page[page.index('id="legend"'):].split("</div>")[0]
    assert 'class="unit unit-lead"' in legend and 'class="unit unit-support"' in legend
    side = page[page.index('id="plan-measures"'):].split("</aside>")[0]
    measures = {r["measure"] for r in rows}
    assert side.count('class="side-measure"') >= len(measures)
    for anchor in re.findall(r'data-anchor="([^"]+)"', side):
        assert f'id="{anchor}"' in text, anchor
    for view in ("/viz/plan?", "/viz/map", "/viz/responsibility?", "/viz/network?"):
        assert view in page, view


def test_web_entity_pages_are_chinese_by_default(seed_web_store, seed_client):
    page = seed_client.get("/entity?" + urlencode({"iri": _busiest_agency(seed_web_store)})).text
    assert "牵头" in page and "配合" in page and "Incoming links" not in page
    plan = seed_client.get(f"/plans/{SEED_SOURCE}").text
    assert 'data-badge="牵头"' in plan and "图例" in plan


def test_web_entity_pages_escape_hostile_text(seed_web_store, seed_client):
    agencies = {r["agency_iri"] for r in _rows(seed_web_store, source=HOSTILE_SOURCE) if r["agency_iri"]}
    assert agencies
    pages = [seed_client.get("/entity?" + urlencode({"iri": a})).text for a in agencies]
    pages.append(seed_client.get("/plans/" + HOSTILE_SOURCE).text)
    pages += [seed_client.get("/entity?" + urlencode({"iri": r["measure"]})).text
              for r in _rows(seed_web_store, source=HOSTILE_SOURCE)]
    for page in pages:
        assert SCRIPT not in page
    assert any("&lt;script&gt;" in page for page in pages)


@pytest.mark.parametrize("roles,classes", [
    (["lead", "support"], ["unit-lead", "unit-support"]),
    ([None], []),
])
def test_web_entity_highlight_marks_roles_and_keeps_every_anchor(roles, classes):
    from policykg.viz.web.plan_text import Span, highlight

    text = "一、加强培育。由市局、市财局负责。二、重叠措施。"
    spans = [Span(0, 18, "measure", "urn:p/measure/1", "urn:p/measure/1", "m1"),
             Span(3, 10, "measure", "urn:p/measure/2", "urn:p/measure/2", "m2")]  # hidden by m1
    for offset, role in enumerate(roles):
        start = 8 + offset * 3
        spans.append(Span(start, start + 2, "agency", f"urn:a{offset}", f"urn:x{offset}", "a", role=role))
    html = str(highlight(text, spans))
    assert re.findall(r'class="unit (unit-\w+)"', html) == classes
    assert 'id="measure-1"' in html and 'id="measure-2"' in html  # the hidden measure keeps its anchor
    assert html.count("<a ") == html.count("</a>") and html.count("<span") == html.count("</span>")
