"""Entity pages in real headless Chromium over the seed store (issue 23): an agency page lists the
measures it leads and supports by plan; a measure link opens the plan text at that measure; the
ego-view link opens the agency's view; the plan page draws lead and support units differently,
shows its legend and a side panel whose links move to the measure; nothing is fetched from
another host and no hostile text runs."""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import unquote, urlencode

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "viz"))
import chromium  # noqa: E402
from web_helpers import HOSTILE_SOURCE, seed_store  # noqa: E402

SEED_SOURCE = "000_8c7ba4464c8b6764.txt"
PK = "https://w3id.org/policykg/ns#"


@pytest.fixture(scope="module")
def base(web_base):
    """The seed store's server on each backend (tests/conftest.py: local store, Virtuoso)."""
    return web_base


@pytest.fixture(scope="module")
def driver():
    browser = chromium.start()
    try:
        yield browser
    finally:
        browser.quit()


def _agency_with_both_roles() -> str:
    """An agency of the seed store that both leads and supports measures."""
    from policykg.graph.store import Store

    query = f"""PREFIX pk: <{PK}>
    SELECT ?a (COUNT(?x) AS ?n) WHERE {{ GRAPH ?g {{
      ?x pk:agency ?a ; pk:role pk:LeadRole . ?y pk:agency ?a ; pk:role pk:SupportRole }} }}
    GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT 1"""
    with Store.open(seed_store(), read_only=True) as store:
        return next(iter(store.raw.query(query)))["a"].value


def test_web_entity_browser_agency_page_lists_roles_and_links_to_plan_and_ego_view(base, driver, tmp_path):
    from selenium.webdriver.common.by import By

    agency = _agency_with_both_roles()
    page = base + "/entity?" + urlencode({"iri": agency, "lang": "en"})
    driver.get(page)
    chromium.poll(lambda: driver.find_elements(By.ID, "agency-roles"))
    chromium.screenshot(driver, "web-agency-page.png", tmp_path)
    groups = driver.find_elements(By.CSS_SELECTOR, "#agency-roles .plan-group")
    assert groups and all(g.find_element(By.CSS_SELECTOR, "h3 .plan-title").text for g in groups)
    lead = driver.find_elements(By.CSS_SELECTOR, ".roles-lead .measure-item a.measure-link")
    support = driver.find_elements(By.CSS_SELECTOR, ".roles-support .measure-item a.measure-link")
    assert lead and support
    counts = driver.find_element(By.ID, "role-counts").text
    assert f"leads {len(lead)} measures" in counts and f"supports {len(support)} measures" in counts
    # a co-responsible unit is linked
    assert driver.find_elements(By.CSS_SELECTOR, ".roles-lead .co-units a.co-agency, "
                                                 ".roles-support .co-units a.co-agency")

    # the first led measure opens in its plan's text, at its anchor
    title = lead[0].text
    lead[0].click()
    chromium.poll(lambda: driver.find_elements(By.ID, "plan-text"))
    fragment = unquote(driver.execute_script("return location.hash").lstrip("#"))
    assert fragment.startswith("measure-")
    target = driver.find_element(By.ID, fragment)
    assert "hl-measure" in target.get_attribute("class")
    number = title.split()[0]
    assert number in target.get_attribute("title")
    # the browser scrolled to it
    assert chromium.poll(lambda: driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0;", target))

    # back on the agency page, the ego view link opens the agency's view
    driver.get(page)
    ego = chromium.poll(lambda: driver.find_elements(By.ID, "ego-link"))[0]
    href = ego.get_attribute("href")
    assert "/viz/agency?agency=" in href
    ego.click()
    chromium.poll(lambda: "/viz/agency" in driver.current_url)
    chromium.poll(lambda: driver.execute_script("return document.readyState") == "complete")
    assert driver.title and "Not found" not in driver.title and "未找到" not in driver.title
    assert not chromium.outside(chromium.requested_urls(driver))


def test_web_entity_browser_plan_page_legend_roles_and_side_panel(base, driver, tmp_path):
    from selenium.webdriver.common.by import By

    driver.get(base + f"/plans/{SEED_SOURCE}?lang=en")
    chromium.poll(lambda: driver.find_elements(By.ID, "plan-text"))
    driver.execute_script("document.getElementById('measure-4').scrollIntoView()")
    chromium.screenshot(driver, "web-plan-page.png", tmp_path)
    driver.execute_script("window.scrollTo(0, 0)")
    legend = driver.find_element(By.ID, "legend")
    assert legend.is_displayed() and legend.find_elements(By.CSS_SELECTOR, ".unit-lead") \
        and legend.find_elements(By.CSS_SELECTOR, ".unit-support")
    lead = driver.find_elements(By.CSS_SELECTOR, "#plan-text .hl-agency .unit-lead")
    support = driver.find_elements(By.CSS_SELECTOR, "#plan-text .hl-agency .unit-support")
    assert lead and support

    def style(element, prop: str, pseudo: str | None = None) -> str:
        return driver.execute_script("return getComputedStyle(arguments[0], arguments[2])[arguments[1]]",
                                     element, prop, pseudo)

    # drawn differently: lead bold with a badge, support plain with an outline
    assert int(style(lead[0], "fontWeight")) >= 600 and int(style(support[0], "fontWeight")) < 600
    assert style(lead[0], "content", "::after").strip('"') == "lead"
    assert style(support[0], "outlineStyle") != "none" and style(lead[0], "outlineStyle") == "none"

    side = driver.find_element(By.ID, "plan-measures")
    assert side.is_displayed()
    links = side.find_elements(By.CSS_SELECTOR, "a.side-measure-link[data-anchor]")
    assert len(links) >= 2
    assert side.find_elements(By.CSS_SELECTOR, ".side-units .unit-lead")
    last = links[-1]
    anchor = last.get_attribute("data-anchor")
    last.click()
    chromium.poll(lambda: unquote(driver.execute_script("return location.hash")) == "#" + anchor)
    target = driver.find_element(By.ID, anchor)
    assert chromium.poll(lambda: driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0;", target))
    views = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#view-links a")]
    assert any("/viz/plan?" in v for v in views) and any(v.endswith("/viz/map") for v in views)
    assert not chromium.outside(chromium.requested_urls(driver))


def test_web_entity_browser_hostile_plan_runs_no_script(base, driver):
    from selenium.webdriver.common.by import By

    driver.get(base + "/plans/" + HOSTILE_SOURCE)
    chromium.poll(lambda: driver.find_elements(By.ID, "plan-measures"))
    assert "<script>" in driver.find_element(By.ID, "plan-measures").text \
        or "<script>" in driver.find_element(By.TAG_NAME, "h1").text
    unit = driver.find_element(By.CSS_SELECTOR, "#plan-measures .side-units a")
    unit.click()
    chromium.poll(lambda: driver.find_elements(By.ID, "agency-roles"))
    assert "<script>" in driver.find_element(By.ID, "agency-roles").text
    assert driver.execute_script("return typeof window.alert") == "function"
    assert not chromium.outside(chromium.requested_urls(driver))
