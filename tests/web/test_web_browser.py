"""The web app in real headless Chromium (Debian's chromium + chromedriver, driven by selenium):
the query page's editor loads from our own assets, a saved query runs with a parameter, a result
links to an entity page, the CSV downloads, and no page asks anything of another host. Each test
runs on both backends (tests/conftest.py: the local store, and `serve --endpoint` over Virtuoso)."""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import pytest
import selenium  # noqa: F401  (a test dependency: without it these tests fail, never skip)

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "viz"))
import chromium  # noqa: E402
from web_helpers import fetch  # noqa: E402



@pytest.fixture(scope="module")
def base(web_base):
    return web_base


@pytest.fixture(scope="module")
def downloads(backend):
    """A fresh folder (and so a fresh browser) per backend: a file the other backend's run
    downloaded must not pass for this one's."""
    folder = Path(tempfile.mkdtemp(prefix=f"policykg-web-downloads-{backend}-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def driver(downloads):
    browser = chromium.start(downloads=downloads)
    try:
        yield browser
    finally:
        browser.quit()


def _requested(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _outside(urls: list[str], base: str) -> list[str]:
    """Network requests to anything but our server (chrome:// pages are the browser's own)."""
    return [u for u in urls
            if u.startswith(("http:", "https:", "ws:", "wss:", "ftp:")) and not u.startswith(base + "/")]


def test_web_browser_query_page_has_highlighting_editor(base, driver):
    from selenium.webdriver.common.by import By

    driver.get(base + "/")
    chromium.poll(lambda: driver.find_elements(By.CSS_SELECTOR, ".CodeMirror"), 20)
    # the SPARQL mode colours keywords: CodeMirror gives them a cm-keyword span
    assert driver.find_elements(By.CSS_SELECTOR, ".CodeMirror .cm-keyword")
    driver.find_element(By.ID, "run").click()
    chromium.poll(lambda: driver.find_elements(By.CSS_SELECTOR, "#results table.results tbody tr"), 20)
    rows = driver.find_elements(By.CSS_SELECTOR, "#results table.results tbody tr")
    assert len(rows) == 6
    assert "query=" in driver.current_url  # the result has a shareable URL
    assert not _outside(_requested(driver), base)
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not severe, severe


def test_web_browser_saved_query_to_entity_and_csv(base, driver, downloads):
    from selenium.webdriver.common.by import By

    driver.get(base + "/queries/")
    driver.find_element(By.LINK_TEXT, "responsibilities").click()
    chromium.poll(lambda: driver.find_elements(By.ID, "param-city"), 20)
    field = driver.find_element(By.ID, "param-city")
    field.clear()
    field.send_keys("衡阳市")
    driver.find_element(By.ID, "run").click()
    chromium.poll(lambda: "city=" in driver.current_url and driver.find_elements(By.ID, "results"), 20)
    cities = {td.text for td in driver.find_elements(By.CSS_SELECTOR, "#results tbody tr td:last-child")}
    assert cities == {"衡阳市"}
    shareable = driver.current_url

    # follow a result link (an agency IRI) to its entity page
    link = driver.find_element(By.CSS_SELECTOR, "#results tbody a[href*='agency']")
    iri = link.get_attribute("title")
    link.click()
    chromium.poll(lambda: driver.find_elements(By.CSS_SELECTOR, "p.iri code"), 20)
    assert driver.find_element(By.CSS_SELECTOR, "p.iri code").text == iri
    assert driver.find_elements(By.CSS_SELECTOR, "table.incoming tr")

    # back to the shared URL, download the CSV the page offers
    driver.get(shareable)
    driver.find_element(By.ID, "download-csv").click()
    saved = chromium.poll(lambda: [p for p in downloads.glob("*.csv")], 30)
    chromium.poll(lambda: not list(downloads.glob("*.crdownload")), 30)
    expected = fetch(base + "/queries/responsibilities.csv?" + urlencode({"city": "衡阳市"}))[2]
    assert saved[0].read_bytes() == expected
    assert expected.decode().splitlines()[0].startswith("source,measure_no,measure_title,agency,role")
    assert not _outside(_requested(driver), base)


def test_web_browser_plan_page_links(base, driver):
    from selenium.webdriver.common.by import By

    driver.get(base + "/plans/")
    driver.find_element(By.PARTIAL_LINK_TEXT, "hostile.txt").click()
    chromium.poll(lambda: driver.find_elements(By.ID, "plan-text"), 20)
    # the hostile title is shown as text, not run
    assert "<script>" in driver.find_element(By.TAG_NAME, "h1").text
    citation = driver.find_element(By.CSS_SELECTOR, "#plan-text a.hl-citation")
    citation.click()
    chromium.poll(lambda: driver.find_elements(By.ID, "passage"), 20)
    assert driver.find_element(By.CSS_SELECTOR, "#passage mark").text
    assert not _outside(_requested(driver), base)
