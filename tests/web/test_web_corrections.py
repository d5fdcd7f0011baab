"""The plan page marks facts a researcher corrected (docs/corrections.md) and lists the plan's
corrections with the extracted value beside the corrected one, every value escaped."""
from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for test_corrections.py
from test_corrections import HEADER, PLAN  # noqa: E402

from policykg.cli import app  # noqa: E402

RUNNER = CliRunner()
SCRIPT = "<script>alert(1)</script>"
ROWS = ("set_lead,plan.txt,1,市市场监管局,王研究员,2026-12-01,牵头单位列在首位\n"
        "set_target,plan.txt,知识产权质押融资金额@2026,value=6,王研究员,2026-12-01,抽取误读\n"
        f"add_unit,plan.txt,9,市财政局,{SCRIPT},2026-12-01,\"{SCRIPT} & <b>why</b>\"\n")


def _page(tmp_path: Path, rows: str) -> str:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "plan.txt").write_text(PLAN, encoding="utf-8")
    (folder / "corrections.csv").write_text(HEADER + rows, encoding="utf-8")
    store = str(tmp_path / "store")
    assert RUNNER.invoke(app, ["build", "--store", store, str(folder)]).exit_code == 0
    result = RUNNER.invoke(app, ["serve", "--store", store, "--get", "/plans/plan.txt"])
    assert result.exit_code == 0, result.output
    return result.output


def test_web_plan_page_marks_corrected_facts_and_lists_corrections(tmp_path):
    page = _page(tmp_path, ROWS)
    assert page.count('class="hl hl-agency corrected"') == 1      # the unit made lead
    assert page.count('class="hl hl-target corrected"') == 1      # the target whose value changed
    assert 'title="知识产权质押融资金额 (corrected)"' in page
    assert "<h2 id=\"corrections\">Corrections (3)</h2>" in page
    assert "<td>value=5</td><td>value=6</td>" in page             # extracted beside corrected
    assert '<tr class="correction-stale">' in page and "no measure numbered &#39;9&#39;" in page


def test_web_plan_page_escapes_corrections(tmp_path):
    page = _page(tmp_path, ROWS)
    assert SCRIPT not in page and "<b>why</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;why&lt;/b&gt;" in page


def test_web_plan_page_without_corrections_has_no_section(tmp_path):
    page = _page(tmp_path, "")
    assert "Corrections (" not in page and " corrected" not in page
