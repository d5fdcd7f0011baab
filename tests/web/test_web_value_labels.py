"""Stored data values the interface names in the reader's language (viz/web/browse.py value_label,
viz/web/messages/values.json): a plan's level (province | city | county | district) reads 省级 /
市级 / 县级 / 区级 in the Chinese interface and as stored in the English one, in the plans table's
cells, facets and filters and on the home page; links, filters and downloads keep the stored value.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from policykg.viz.web import i18n  # noqa: E402
from policykg.viz.web.browse import value_label  # noqa: E402

LEVELS = {"zh": {"city": "市级", "county": "县级", "province": "省级"},
          "en": {"city": "city", "county": "county", "province": "province"}}


def _links(page: str, css_class: str) -> list[tuple[str, str]]:
    """(href, shown text) of the links with `css_class` whose href filters by level."""
    found = re.findall(rf'<a href="([^"]*)" class="{css_class}[^"]*"[^>]*>([^<]*)</a>', page)
    return [(href, text.replace(" ✕", "")) for href, text in found if "level=" in href]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_web_value_labels_plans_table_shows_the_level_in_the_interface_language(seed_client, lang):
    page = seed_client.get(f"/plans/?_facet=level&lang={lang}").text
    cells = _links(page, "facet-cell")
    assert cells and all(text == LEVELS[lang][href.rsplit("level=", 1)[1]] for href, text in cells)
    facet = re.findall(r'class="facet-value[^"]*" data-value="([^"]*)">([^<]*)</a>',
                       page.split('data-facet="level"', 1)[1].split("</ul>", 1)[0])
    assert dict(facet) == LEVELS[lang]  # data-value: the stored value; text: its label


@pytest.mark.parametrize("lang, shown", [("zh", "层级 = 市级"), ("en", "level = city")])
def test_web_value_labels_active_filter_names_the_level_and_keeps_the_stored_value(seed_client, lang, shown):
    page = seed_client.get(f"/plans/?level=city&lang={lang}").text
    assert re.search(rf'class="active-filter" data-column="level"[^>]*>{shown} ✕</a>', page)
    assert "rows 1–4 of 4" in page or "第 1–4 行，共 4 行" in page  # filtered on the stored value


def test_web_value_labels_downloads_keep_the_stored_level(seed_client):
    rows = seed_client.get("/plans/.json?level=city&lang=zh").json()
    assert len(rows) == 4 and {row["level"] for row in rows} == {"city"}
    csv_text = seed_client.get("/plans/.csv?lang=zh").text
    assert ",city," in csv_text and "市级" not in csv_text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_web_value_labels_home_names_the_levels(seed_client, lang):
    page = seed_client.get(f"/?lang={lang}").text
    table = page[page.index('id="by-level"'):].split("</table>", 1)[0]
    shown = re.findall(r'<a href="/plans/\?level=(\w+)" class="glance-link">([^<]*)</a>', table)
    assert dict(shown) == LEVELS[lang]


@pytest.mark.parametrize("lang, column, value, expected", [
    ("zh", "level", "district", "区级"),
    ("zh", "level", "national", "national"),        # no entry: as stored
    ("zh", "province", "湖南省", "湖南省"),           # a column without labels
    ("en", "level", "district", "district"),
    ("zh", "level", None, ""),
])
def test_web_value_labels_value_label_falls_back_to_the_stored_value(lang, column, value, expected):
    token = i18n._language.set(lang)
    try:
        assert value_label(column, value) == expected
    finally:
        i18n._language.reset(token)


@pytest.mark.parametrize("lang, words", [("zh", "导出子图"), ("en", "Export subgraph")])
def test_web_value_labels_export_block_speaks_the_interface_language(seed_client, lang, words):
    page = seed_client.get(f"/plans/000_8c7ba4464c8b6764.txt?lang={lang}").text
    block = page[page.index('id="subgraph-exports"'):].split("</p>", 1)[0]
    assert words in block and ("Export subgraph" not in block if lang == "zh" else "导出" not in block)
