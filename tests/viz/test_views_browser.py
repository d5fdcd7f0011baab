"""Every view in real headless Chromium (Debian's chromium + chromedriver via selenium), opened as
file://: the canvas is drawn, the nodes exist, no request leaves the machine, the console stays
clean; search and filters work; the hostile plan stays inert text (no dialog, no injected element).
Each view is rendered from the local store and from a Virtuoso holding it (tests/conftest.py).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import chromium  # noqa: E402
import stores  # noqa: E402

from policykg.graph.store import Store  # noqa: E402
from policykg.viz.views import render  # noqa: E402


FIRST_SEED = sorted(p.name for p in stores.SEEDS.iterdir())[0]
DRAWN_PIXELS = """
var c = document.querySelector('#graph canvas');
if (!c) { return -1; }
var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } }
return n;
"""


@pytest.fixture(scope="module")
def browser():
    driver = chromium.start()
    chromium.requested_urls(driver)   # drop the start-up page's requests
    chromium.console_errors(driver)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory, open_on_backend):
    """Each view over the seed store, written once per backend (`policykg viz --store` or
    `--endpoint` over Virtuoso: tests/conftest.py)."""
    folder = tmp_path_factory.mktemp("views")
    with open_on_backend(stores.seed_store()) as store:
        responsibility_agency = _busiest_agency(store)
        params = {
            "plan": {"source": FIRST_SEED},
            "responsibility": {},
            "frameworks": {},
            "agency": {"agency": responsibility_agency},
            "indicator": {},
        }
        paths = {}
        for view, values in params.items():
            paths[view] = folder / f"{view}.html"
            paths[view].write_text(render(store, view, values), encoding="utf-8")
    return paths


def _busiest_agency(store: Store) -> str:
    from policykg.viz.projections_for_views import responsibility_view_graph

    graph = responsibility_view_graph(store)
    return max((n for n, d in graph.nodes(data=True) if d["kind"] == "agency"),
               key=lambda n: graph.nodes[n]["size"])


def open_page(driver, path: Path) -> dict:
    """Load a page, wait for the first draw; return what the page asked for and logged."""
    driver.get(path.as_uri())
    chromium.wait_ready(driver)
    return {"urls": chromium.requested_urls(driver), "errors": chromium.console_errors(driver)}


@pytest.mark.parametrize("view", ["plan", "responsibility", "frameworks", "agency", "indicator"])
def test_views_browser_draws_offline_without_errors(browser, pages, view, tmp_path):
    seen = open_page(browser, pages[view])
    assert seen["urls"] and seen["urls"][0].startswith("file:")
    assert chromium.outside(seen["urls"]) == []
    assert seen["errors"] == []
    nodes = browser.execute_script("return window.policykgNodes.length")
    edges = browser.execute_script("return window.policykgEdges.length")
    assert nodes > 1 and edges > 0
    assert browser.execute_script(DRAWN_PIXELS) > 1000, "the canvas has drawn pixels"
    legend = browser.execute_script("return document.querySelectorAll('#pk-legend input').length")
    assert legend >= 2
    shot = tmp_path / f"{view}.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_views_browser_search_selects_matching_nodes(browser, pages):
    open_page(browser, pages["responsibility"])
    box = browser.find_element("id", "pk-search")
    box.send_keys("市场监")
    selected = browser.execute_script("return window.policykgNetwork.getSelectedNodes().length")
    assert selected >= 1
    assert "匹配" in browser.find_element("id", "pk-search-status").text


def test_views_browser_filters_by_type_and_city(browser, pages):
    open_page(browser, pages["responsibility"])
    hidden = "return window.policykgNodes.get({filter: function (n) { return n.hidden; }}).length"
    assert browser.execute_script(hidden) == 0
    browser.find_element("css selector", "#pk-legend input[data-kind=agency]").click()
    agencies = browser.execute_script(
        "return window.policykgNodes.get({filter: function (n) { return n.kind === 'agency'; }}).length")
    assert browser.execute_script(hidden) == agencies > 0
    browser.find_element("css selector", "#pk-legend input[data-kind=agency]").click()
    from selenium.webdriver.support.ui import Select

    select = Select(browser.find_element("id", "pk-city"))
    city = select.options[1].get_attribute("value")
    select.select_by_value(city)
    other = browser.execute_script(
        "return window.policykgNodes.get({filter: function (n) { return !n.hidden && n.city !== arguments[0]; }}).length"
        .replace("arguments[0]", repr(city)))
    assert other == 0
    assert browser.execute_script(hidden) > 0
    assert chromium.console_errors(browser) == []


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory, open_on_backend):
    folder = tmp_path_factory.mktemp("hostile")
    with open_on_backend(stores.hostile_store()) as store:
        paths = {}
        for view, values in {"plan": {"source": stores.HOSTILE_SOURCE}, "responsibility": {},
                             "agency": {"agency": f"临江市{stores.IMG}局"}}.items():
            paths[view] = folder / f"{view}.html"
            paths[view].write_text(render(store, view, values), encoding="utf-8")
    return paths


@pytest.mark.parametrize("view", ["plan", "responsibility", "agency"])
def test_views_browser_hostile_plan_is_inert_text(browser, hostile_pages, view, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException

    seen = open_page(browser, hostile_pages[view])
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018  (no dialog was opened)
    assert browser.execute_script("return document.querySelectorAll('img, iframe, [onerror]').length") == 0
    assert browser.execute_script("return document.scripts.length") == 3
    assert chromium.outside(seen["urls"]) == [] and seen["errors"] == []
    # the document text is there, literally, on the page and in the tooltips
    texts = browser.execute_script("""
        var out = [document.getElementById('pk-title').textContent];
        window.policykgNodes.forEach(function (n) {
          if (n.title) { out.push(n.title.textContent + '|' + n.title.children.length); }
        });
        return out;""")
    tips = texts[1:]
    assert any(stores.IMG in t for t in tips)
    assert all(t.endswith("|0") for t in tips), "tooltips are text nodes, not parsed markup"
    if view == "plan":
        assert stores.SCRIPT in texts[0] and stores.IMG in texts[0]
        assert any(stores.SCRIPT in t for t in tips)
    browser.save_screenshot(str(tmp_path / f"hostile-{view}.png"))


def test_views_browser_hostile_tooltip_shows_literal_text(browser, hostile_pages):
    """Hover the plan node: vis-network shows its popup, which holds the text and no elements."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    open_page(browser, hostile_pages["plan"])
    x, y = browser.execute_script("""
        var net = window.policykgNetwork;
        var id = window.policykgNodes.get({filter: function (n) { return n.kind === 'plan'; }})[0].id;
        var p = net.canvasToDOM(net.getPositions([id])[id]);
        return [p.x, p.y];""")
    canvas = browser.find_element("css selector", "#graph canvas")
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(x - size["width"] / 2), int(y - size["height"] / 2)).perform()
    WebDriverWait(browser, 5).until(lambda d: d.execute_script(
        "var t = document.querySelector('.vis-tooltip'); return t && t.style.visibility !== 'hidden' && t.textContent.length > 0"))
    popup = browser.execute_script(
        "var t = document.querySelector('.vis-tooltip'); return [t.textContent, t.querySelectorAll('img, script').length]")
    assert stores.SCRIPT in popup[0] and stores.IMG in popup[0]
    assert popup[1] == 0
    with pytest.raises(Exception):
        browser.switch_to.alert.text  # noqa: B018
