"""/viz/ in real headless Chromium against `policykg serve` over the seed store (on both backends,
tests/conftest.py: the local store and `--endpoint` over Virtuoso): every view is
listed and reachable by its links, each link draws (no console error, so the app's CSP admits the
page's scripts, and no request leaves the server), a node opens its page, dense views open
within their bounds and their top-N control reaches the rest."""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
import chromium  # noqa: E402

from policykg.viz.page import DENSE_EDGE_BOUND, DENSE_NODE_BOUND  # noqa: E402
from policykg.viz.views import VIEWS  # noqa: E402




@pytest.fixture(scope="module")
def base(web_base):
    """The seed store's server on each backend (tests/conftest.py: local store, Virtuoso)."""
    return web_base


@pytest.fixture(scope="module")
def browser():
    driver = chromium.start()
    chromium.requested_urls(driver)
    chromium.console_errors(driver)
    yield driver
    driver.quit()


def _index_links(browser, base) -> dict[str, list[str]]:
    browser.get(base + "/viz/?lang=en")
    links: dict[str, list[str]] = {}
    for a in browser.find_elements("css selector", "#viz-index a.view-link"):
        links.setdefault(a.get_attribute("data-view"), []).append(a.get_attribute("href"))
    return links


def _wait_drawn(browser, view: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    ready = "return window.policykgReady || null"
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(ready) is not None)


def test_viz_index_lists_every_view_with_its_question_and_parameters(base, browser):
    links = _index_links(browser, base)
    assert set(links) == set(VIEWS)
    rows = browser.find_elements("css selector", "#viz-index tbody tr")
    assert len(rows) == len(VIEWS)
    plan_row = browser.find_element("id", "view-plan").text
    assert "source" in plan_row and "required" in plan_row
    assert any("000_" in unquote(u) for u in links["plan"])  # a real plan of the store
    chromium.screenshot(browser, "web-viz-index.png")
    assert chromium.outside(chromium.requested_urls(browser)) == []
    assert chromium.console_errors(browser) == []


def test_viz_index_is_chinese_by_default(base, browser):
    browser.get(base + "/viz/?lang=zh")
    assert "回答的问题" in browser.find_element("id", "viz-index").text


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_viz_index_every_link_draws_its_view(base, browser, view):
    links = _index_links(browser, base)
    chromium.requested_urls(browser)
    chromium.console_errors(browser)
    assert links[view], f"no link to {view}"
    for href in links[view]:
        browser.get(base + "/viz/?lang=en")
        browser.find_element("css selector", f'#viz-index a.view-link[href="{href.replace(base, "")}"]').click()
        _wait_drawn(browser, view)
        assert browser.current_url.startswith(base + "/viz/" + view)
        urls = chromium.requested_urls(browser)
        assert chromium.outside(urls) == [], urls
        assert chromium.console_errors(browser) == [], href
        if view == "map":
            assert browser.find_elements("id", "pk-south-china-sea-inset")
            assert browser.execute_script("return window.policykgMap.points") >= 1
        else:
            assert browser.execute_script("return window.policykgNodes.length") >= 1


def test_viz_index_node_links_back_to_its_page(base, browser):
    links = _index_links(browser, base)
    browser.get(links["plan"][0])
    _wait_drawn(browser, "plan")
    # the plan node: its panel link goes to the plan's text page, and a double-click follows it
    plan_id = browser.execute_script(
        "return window.policykgNodes.get({filter: function (n) { return n.kind === 'plan'; }})[0].id")
    browser.execute_script("window.policykgNetwork.selectNodes([arguments[0]]);"
                           "window.policykgShowPanel(arguments[0]);", plan_id)
    link = browser.find_element("id", "pk-open-link")
    assert "/plans/000_" in unquote(link.get_attribute("href"))
    chromium.screenshot(browser, "web-view-plan-panel.png")
    link.click()
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(lambda d: "/plans/" in d.current_url)
    assert browser.execute_script("return document.readyState") == "complete"
    # an agency node opens its entity page
    browser.get(links["plan"][0])
    _wait_drawn(browser, "plan")
    agency_id = browser.execute_script(
        "return window.policykgNodes.get({filter: function (n) { return n.kind === 'agency'; }})[0].id")
    browser.execute_script("window.policykgShowPanel(arguments[0]);", agency_id)
    href = browser.find_element("id", "pk-open-link").get_attribute("href")
    assert "/entity?iri=" in href
    browser.get(href)
    assert "policykg" in browser.title
    assert chromium.console_errors(browser) == []


@pytest.mark.parametrize("view", ["indicator", "network"])
def test_viz_index_dense_views_open_within_bounds_and_show_all_on_request(base, browser, view):
    browser.get(f"{base}/viz/{view}?lang=en")
    _wait_drawn(browser, view)
    total_nodes = browser.execute_script("return window.policykgNodes.length")
    shown = int(browser.find_element("tag name", "body").get_attribute("data-shown-nodes"))
    shown_edges = int(browser.find_element("tag name", "body").get_attribute("data-shown-edges"))
    assert 1 <= shown <= DENSE_NODE_BOUND < total_nodes or shown <= DENSE_NODE_BOUND
    assert shown_edges <= DENSE_EDGE_BOUND
    assert shown < total_nodes, "the seed views are dense: the default view is narrowed"
    chromium.screenshot(browser, f"web-view-{view}.png")
    browser.find_element("id", "pk-show-all").click()
    everything = int(browser.find_element("tag name", "body").get_attribute("data-shown-nodes"))
    assert everything == total_nodes
    assert chromium.console_errors(browser) == []


def test_viz_index_search_brings_a_hidden_hit_into_view(base, browser):
    browser.get(f"{base}/viz/indicator?lang=en")
    _wait_drawn(browser, "indicator")
    hidden = browser.execute_script(
        "return window.policykgNodes.get({filter: function (n) { return n.hidden && n.kind === 'indicator'; }})"
        ".map(function (n) { return n.label; })")
    assert hidden, "the indicator view opens with some indicators hidden"
    from selenium.webdriver.common.keys import Keys

    box = browser.find_element("id", "pk-search")
    box.send_keys(hidden[-1].rstrip("…"))
    box.send_keys(Keys.ENTER)
    shown = browser.execute_script(
        "return window.policykgNodes.get({filter: function (n) { return !n.hidden && n.label === arguments[0]; }}).length"
        .replace("arguments[0]", repr(hidden[-1])))
    assert shown == 1
    assert chromium.console_errors(browser) == []
