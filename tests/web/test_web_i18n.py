"""The interface is Chinese by default and English by a switch; the data stay as printed."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from policykg.graph.store import Store
from policykg.viz.web import i18n
from policykg.viz.web.app import create_app

WEB = Path(i18n.__file__).resolve().parent
# `_("...")` / `_('...')` and gettext("...") in templates and in the app's Python modules
CALL = re.compile(r"""\b(?:_|gettext)\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(None, store=Store.in_memory(), workers=0))


def test_web_i18n_chinese_is_the_default(client):
    page = client.get("/queries/")
    assert page.status_code == 200
    assert '<html lang="zh">' in page.text
    assert ">保存的查询</a>" in page.text and ">Saved queries</a>" not in page.text


def test_web_i18n_query_switch_sets_a_cookie_that_the_next_page_follows(client):
    page = client.get("/queries/?lang=en")
    assert '<html lang="en">' in page.text and "Saved queries" in page.text
    assert "lang=en" in page.headers["set-cookie"]
    follow = client.get("/plans/")  # the client keeps the cookie
    assert '<html lang="en">' in follow.text
    back = client.get("/plans/?lang=zh")
    assert '<html lang="zh">' in back.text
    client.cookies.clear()


def test_web_i18n_switch_links_keep_the_other_parameters(client):
    page = client.get("/queries/?x=%E8%A1%A1%E9%98%B3&lang=zh")
    assert 'href="/queries/?x=%E8%A1%A1%E9%98%B3&amp;lang=en"' in page.text
    client.cookies.clear()


@pytest.mark.parametrize("header,expected", [
    ("", "zh"), ("lang=en", "en"), ("lang=fr", "zh"), ('lang="en', "zh"), ("a=b; lang=en", "en")])
def test_web_i18n_choose_language_from_cookie(header, expected):
    assert i18n.choose_language("", header) == (expected, False)


def test_web_i18n_query_parameter_wins_over_cookie():
    assert i18n.choose_language("lang=en", "lang=zh") == ("en", True)
    assert i18n.choose_language("lang=xx", "lang=en") == ("en", False)


def test_web_i18n_error_titles_are_translated(client):
    page = client.get("/queries/no-such-query")
    assert page.status_code == 404
    assert "没有这个查询" in page.text


def test_web_i18n_every_catalog_is_an_object_of_strings():
    for path in sorted((WEB / "messages").glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(entries, dict), path.name
        for english, chinese in entries.items():
            assert isinstance(chinese, str) and chinese.strip(), (path.name, english)
            # fields survive translation: the Chinese names the same {fields}
            assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", chinese)), \
                (path.name, english)


def test_web_i18n_every_interface_string_has_chinese():
    """A word written through _() without a catalog entry would show English in the Chinese UI."""
    catalog = i18n.catalog()
    missing = []
    files = [*sorted((WEB / "templates").glob("*.html")),
             *(p for p in sorted(WEB.glob("*.py")) if p.name != "i18n.py")]  # its docstring shows _("...")
    for path in files:
        for match in CALL.finditer(path.read_text(encoding="utf-8")):
            text = match.group(1) if match.group(1) is not None else match.group(2)
            text = text.encode().decode("unicode_escape") if "\\" in text else text
            if text not in catalog:
                missing.append(f"{path.name}: {text}")
    assert not missing, "no Chinese for: " + "; ".join(missing)
