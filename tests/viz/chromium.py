"""Real headless Chromium for the view tests and bench/bench_viz.py: Debian's chromium and
chromedriver driven by selenium, with the performance log (CDP Network.requestWillBeSent) and the
browser console log switched on so a test can list every request and every console error.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome-error:")
LOCAL_HOSTS = ("http://127.0.0.1", "https://127.0.0.1", "ws://127.0.0.1")
# `make screenshots` (POLICYKG_SCREENSHOTS=docs/screenshots) refreshes the pictures docs/web.md shows
SCREENSHOTS = os.environ.get("POLICYKG_SCREENSHOTS")


def available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


def require() -> None:
    """Browser tests are never skipped (issue 22): without Chromium they fail with the fix."""
    if not available():
        import pytest

        pytest.fail("Debian's chromium and chromium-driver are missing: `make test` installs them "
                    "(or: sudo apt-get install -y chromium chromium-driver)", pytrace=False)


def start(width: int = 1280, height: int = 900, downloads: Path | None = None):
    """A headless Chromium with a fresh profile; the profile folder is removed on driver.quit().
    With `downloads`, files the pages download land in that folder without asking."""
    require()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="policykg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    if downloads is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    if downloads is not None:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(downloads)})
    quit_ = driver.quit

    def quit_and_clean() -> None:
        try:
            quit_()
        finally:
            shutil.rmtree(profile, ignore_errors=True)

    driver.quit = quit_and_clean  # type: ignore[method-assign]
    driver.get("about:blank")
    return driver


def requested_urls(driver) -> list[str]:
    """Every URL a web page asked for since the last call (drains the performance log).
    Requests made by the browser's own chrome:// pages (the start-up tab) are not the page's."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            params = message["params"]
            if not params.get("documentURL", "").startswith("chrome://"):
                urls.append(params["request"]["url"])
    return urls


def outside(urls: list[str]) -> list[str]:
    return [u for u in urls if not u.startswith(LOCAL_SCHEMES) and not u.startswith(LOCAL_HOSTS)]


def console_errors(driver) -> list[str]:
    """SEVERE console entries since the last call (drains the browser log)."""
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def wait_ready(driver, timeout: float = 20.0) -> float:
    """Wait until the page's network has drawn once; returns window.policykgReady (ms)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return window.policykgReady || null") is not None)
    return float(driver.execute_script("return window.policykgReady"))


def poll(condition, timeout: float = 20):
    """condition()'s first truthy value, asked every 0.1 s; AssertionError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"condition not met in {timeout} s")


def screenshot(driver, name: str, folder: Path | None = None) -> Path | None:
    """Save the page as PNG into $POLICYKG_SCREENSHOTS (for the docs), else into `folder` (a
    test's tmp_path), else nowhere. A saved picture must be a drawn page, not a blank one."""
    target = Path(SCREENSHOTS) if SCREENSHOTS else folder
    if target is None:
        return None
    target.mkdir(parents=True, exist_ok=True)
    path = target / name
    assert driver.save_screenshot(str(path)), path
    assert path.stat().st_size > 10_000, f"{path}: a blank page"
    return path
