"""Search and pickers in real headless Chromium over `policykg serve`: a phrase of a measure's body
typed into the nav search box finds the measure, and its link opens the plan page at that measure;
typing 衡阳 into a city field offers 衡阳市 (static/pickers.js filling the datalist from /suggest),
and submitting 衡阳 offers 衡阳市 as a "did you mean" link whose table has rows. Each test runs on
both backends (tests/conftest.py). Over Virtuoso (`serve --endpoint`) there is no search index by
design (it lives beside a local store): there each search test asserts what the app does instead
(no search box in the nav bar, /search says why and links to the saved queries and SPARQL, 501);
the pickers read the store, so they work on both."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
import selenium  # noqa: F401  (a test dependency: without it these tests fail, never skip)

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "viz"))
import chromium  # noqa: E402
from test_web_search import _measure_with_body_phrase, indexed_seed_store  # noqa: E402
from web_helpers import fetch  # noqa: E402




@pytest.fixture(scope="module")
def store_path():
    return indexed_seed_store()


@pytest.fixture(scope="module")
def base(store_path, web_base):
    """The seed store's server on each backend (tests/conftest.py); on Oxigraph with its index."""
    return web_base


@pytest.fixture(scope="module")
def driver(backend):
    """A browser per backend: one backend's requests must not be counted against the other's."""
    browser = chromium.start()
    try:
        yield browser
    finally:
        browser.quit()


def _no_search_over_an_endpoint(driver, base: str, query: str) -> None:
    """What `serve --endpoint` does instead of searching (docs/web.md): no search box in the nav
    bar, and /search (HTTP 501) says why and links to the saved queries and the SPARQL page."""
    from selenium.webdriver.common.by import By

    driver.get(base + "/plans/?lang=en")
    assert driver.find_elements(By.ID, "plans")  # a page of the app, with its nav bar
    assert not driver.find_elements(By.ID, "nav-search")
    driver.get(base + "/search?" + urlencode({"q": query, "lang": "en"}))
    note = driver.find_element(By.ID, "search-endpoint")
    assert "reads a SPARQL endpoint" in note.text
    assert {a.get_attribute("href") for a in note.find_elements(By.TAG_NAME, "a")} == {base + "/queries/", base + "/"}
    assert not driver.find_elements(By.ID, "search-results") and not driver.find_elements(By.ID, "search-form")
    assert not _outside(driver, base)
    chromium.console_errors(driver)  # drained: the browser logs the page's 501 as a failed load
    status, _headers, _body = fetch(base + "/search?" + urlencode({"q": query}))
    assert status == 501
    status, _headers, body = fetch(base + "/search.json?" + urlencode({"q": query}))
    assert status == 501 and "SPARQL endpoint" in json.loads(body)["error"]


def _outside(driver, base: str) -> list[str]:
    """Requests to anything but our server (the page loads nothing from elsewhere)."""
    return [u for u in chromium.requested_urls(driver)
            if u.startswith(("http:", "https:", "ws:", "wss:")) and not u.startswith(base + "/")]


def test_web_browser_search_opens_plan_at_the_measure(base, backend, driver, store_path, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    source, iri, phrase = _measure_with_body_phrase(store_path)
    if backend == "virtuoso":
        return _no_search_over_an_endpoint(driver, base, phrase)
    anchor = "measure-" + iri.rsplit("/measure/", 1)[1]
    driver.get(base + "/plans/")
    box = driver.find_element(By.ID, "nav-search")
    box.send_keys(phrase, Keys.RETURN)
    chromium.poll(lambda: driver.find_elements(By.ID, "search-results"))
    assert driver.find_element(By.ID, "search-q").get_attribute("value") == phrase
    marks = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "#search-results .snippet mark")]
    assert phrase in marks
    chromium.screenshot(driver, "web-search.png", tmp_path)
    links = driver.find_elements(By.CSS_SELECTOR, "#search-results a.hit-link")
    wanted = [a for a in links if a.get_attribute("href").endswith("#" + anchor) or
              driver.execute_script("return decodeURIComponent(arguments[0].hash)", a) == "#" + anchor]
    assert wanted, [a.get_attribute("href") for a in links]
    wanted[0].click()
    chromium.poll(lambda: driver.find_elements(By.ID, "plan-text"))
    target = chromium.poll(lambda: driver.execute_script(
        "var t = document.querySelector(':target'); return t ? t.id : null;"))
    assert target == anchor
    # the measure is on screen, and it holds the phrase searched for
    in_view = driver.execute_script(
        "var r = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return r.top < window.innerHeight && r.bottom > 0;", anchor)
    assert in_view
    assert phrase in driver.find_element(By.ID, anchor).text.replace("\n", "")
    assert not _outside(driver, base)


def test_web_browser_search_two_characters(base, backend, driver):
    from selenium.webdriver.common.by import By

    if backend == "virtuoso":
        return _no_search_over_an_endpoint(driver, base, "商标")
    driver.get(base + "/search?q=商标")
    chromium.poll(lambda: driver.find_elements(By.ID, "search-results"))
    assert {m.text for m in driver.find_elements(By.CSS_SELECTOR, "#search-results mark")} == {"商标"}


def test_web_browser_picker_corrects_city(base, driver, tmp_path):
    from selenium.webdriver.common.by import By

    driver.get(base + "/queries/responsibilities?lang=en")
    field = chromium.poll(lambda: driver.find_elements(By.ID, "param-city"))[0]
    assert field.get_attribute("list") == "picker-city"
    field.clear()
    field.send_keys("衡阳")
    chromium.poll(lambda: driver.execute_script(
        "var l = document.getElementById('picker-city'); return l.getAttribute('data-for') === '衡阳';"))
    offered = driver.execute_script(
        "return Array.from(document.querySelectorAll('#picker-city option')).map(o => o.value);")
    assert "衡阳市" in offered and "银川市" not in offered
    driver.find_element(By.ID, "run").click()
    near = chromium.poll(lambda: driver.find_elements(By.ID, "near-miss-city"))[0]
    link = near.find_element(By.LINK_TEXT, "衡阳市")
    chromium.screenshot(driver, "web-near-miss.png", tmp_path)
    link.click()
    chromium.poll(lambda: "city=%E8%A1%A1%E9%98%B3%E5%B8%82" in driver.current_url)
    assert not driver.find_elements(By.ID, "near-miss-city")
    assert driver.find_element(By.ID, "param-city").get_attribute("value") == "衡阳市"
    assert chromium.poll(lambda: driver.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not severe, severe


def test_web_browser_plan_text_hit_scrolls_to_the_words(base, backend, driver):
    """A hit in a plan's text (outside any one measure's link) opens the plan page scrolled to the
    words found (a text fragment), not at its top."""
    from selenium.webdriver.common.by import By

    if backend == "virtuoso":
        return _no_search_over_an_endpoint(driver, base, "知识产权保护中心")
    driver.get(base + "/search?q=知识产权保护中心&kind=plan")
    link = chromium.poll(lambda: driver.find_elements(By.CSS_SELECTOR, "#search-results a.hit-link"))[0]
    assert ":~:text=" in link.get_attribute("href")
    link.click()
    chromium.poll(lambda: driver.find_elements(By.ID, "plan-text"))
    assert chromium.poll(lambda: driver.execute_script("return window.scrollY") > 0)
