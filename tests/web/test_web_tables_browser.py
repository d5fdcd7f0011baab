"""The plans table in real headless Chromium, as a researcher uses it without typing a URL: pick
a facet value, sort by a column (twice: descending), page through with two rows a page, and
download the view, which holds every row of it, not only the page's two."""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import selenium  # noqa: F401  (a test dependency: without it these tests fail, never skip)

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "viz"))
import chromium  # noqa: E402
# the seed server, the download folder and the browser are test_web_browser's fixtures
from test_web_browser import _outside, _requested, base, downloads, driver  # noqa: E402,F401
from web_helpers import fetch  # noqa: E402



def _column(driver, name: str) -> list[str]:
    from selenium.webdriver.common.by import By

    headers = [th.get_attribute("data-column") for th in driver.find_elements(By.CSS_SELECTOR, "#plans thead th")]
    index = headers.index(name) + 1
    return [td.text for td in driver.find_elements(By.CSS_SELECTOR, f"#plans tbody tr td:nth-child({index})")]


def _row_count(driver) -> tuple[int, int, int]:
    from selenium.webdriver.common.by import By

    span = driver.find_element(By.CSS_SELECTOR, "#plans-pager .row-count")
    return tuple(int(span.get_attribute(k)) for k in ("data-first", "data-last", "data-total"))


def test_web_tables_browser_facet_sort_page_and_download_the_plans(base, driver, downloads):
    from selenium.webdriver.common.by import By

    driver.get(base + "/plans/?_size=2&lang=en")
    assert _row_count(driver) == (1, 2, 6) and len(_column(driver, "title")) == 2

    # facet: only city-level plans
    driver.find_element(By.CSS_SELECTOR, "#plans-facets [data-facet='level'] a[data-value='city']").click()
    chromium.poll(lambda: "level=city" in driver.current_url, 20)
    assert _row_count(driver) == (1, 2, 4)
    assert set(_column(driver, "level")) == {"city"}

    # sort by measures: ascending, then descending from the same header
    driver.find_element(By.CSS_SELECTOR, "#plans th[data-column='measures'] a").click()
    chromium.poll(lambda: "_sort=measures" in driver.current_url, 20)
    driver.find_element(By.CSS_SELECTOR, "#plans th[data-column='measures'] a").click()
    chromium.poll(lambda: "_sort_desc=measures" in driver.current_url, 20)
    assert driver.find_element(By.CSS_SELECTOR, "#plans th[data-column='measures']").get_attribute(
        "aria-sort") == "descending"
    first_page = [int(n) for n in _column(driver, "measures")]
    assert len(first_page) == 2 and first_page == sorted(first_page, reverse=True)

    chromium.screenshot(driver, "web-plans.png")
    # page 2 holds the other two city plans, fewer measures than page 1
    driver.find_element(By.CSS_SELECTOR, "#plans-pager a.page-next").click()
    chromium.poll(lambda: "_page=2" in driver.current_url, 20)
    assert _row_count(driver) == (3, 4, 4)
    second_page = [int(n) for n in _column(driver, "measures")]
    assert len(second_page) == 2 and max(second_page) <= min(first_page)
    assert set(_column(driver, "level")) == {"city"}
    assert "level=city" in driver.current_url and "_sort_desc=measures" in driver.current_url

    # the CSV of this view: all four city plans in the sorted order, not the page's two
    driver.find_element(By.ID, "download-csv").click()
    saved = chromium.poll(lambda: list(downloads.glob("plans*.csv")), 30)
    chromium.poll(lambda: not list(downloads.glob("*.crdownload")), 30)
    table = list(csv.reader(io.StringIO(saved[0].read_text(encoding="utf-8"))))
    header, rows = table[0], table[1:]
    assert len(rows) == 4 > 2
    assert {row[header.index("level")] for row in rows} == {"city"}
    assert [int(row[header.index("measures")]) for row in rows] == first_page + second_page
    _, _, json_body = fetch(base + "/plans/.json?level=city&_sort_desc=measures")
    assert b'"measures": ' + str(first_page[0]).encode() in json_body

    # a title opens the plan's page
    driver.find_element(By.CSS_SELECTOR, "#plans tbody a.plan-link").click()
    chromium.poll(lambda: driver.find_elements(By.ID, "plan-text"), 20)
    assert not _outside(_requested(driver), base)


def test_web_tables_browser_home_links_into_the_faceted_plans(base, driver):
    from selenium.webdriver.common.by import By

    driver.get(base + "/?lang=zh")
    chromium.screenshot(driver, "web-home.png")
    assert driver.find_element(By.CSS_SELECTOR, "#store-counts [data-kind='plans']").get_attribute("data-count") == "6"
    driver.find_element(By.CSS_SELECTOR, "#by-level a.glance-link").click()
    chromium.poll(lambda: driver.find_elements(By.ID, "plans"), 20)
    assert "level=" in driver.current_url and _row_count(driver)[2] < 6
    # the editor is still on the home page
    driver.get(base + "/")
    chromium.poll(lambda: driver.find_elements(By.CSS_SELECTOR, ".CodeMirror"), 20)
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not severe, severe


def test_web_tables_browser_saved_query_pages_through_all_rows(base, driver):
    from selenium.webdriver.common.by import By

    driver.get(base + "/queries/responsibilities?city=%E8%A1%A1%E9%98%B3%E5%B8%82&_facet=role&_size=10")
    chromium.screenshot(driver, "web-saved-query.png")
    driver.get(base + "/queries/measures?_size=20&lang=en")
    first, last, total = (int(driver.find_element(By.CSS_SELECTOR, "#results-pager .row-count").get_attribute(k))
                          for k in ("data-first", "data-last", "data-total"))
    assert (first, last) == (1, 20) and total > 50
    seen = len(driver.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
    while driver.find_elements(By.CSS_SELECTOR, "#results-pager a.page-next"):
        driver.find_element(By.CSS_SELECTOR, "#results-pager a.page-next").click()
        seen += len(driver.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
    assert seen == total
    _, _, body = fetch(base + "/queries/measures.csv?_size=20")
    assert len(list(csv.reader(io.StringIO(body.decode())))) == total + 1


def test_web_tables_browser_choosing_a_facet_column_applies_it(base, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.get(base + "/plans/?lang=en&_sort=title")
    Select(driver.find_element(By.ID, "plans-facet-select")).select_by_value("issuer")
    chromium.poll(lambda: "_facet=issuer" in driver.current_url, 20)
    assert driver.find_elements(By.CSS_SELECTOR, "#plans-facets [data-facet='issuer'] a.facet-value")
    assert "_sort=title" in driver.current_url  # the view's other parameters are kept
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert not severe, severe
