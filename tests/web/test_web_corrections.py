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
    assert 'title="知识产权质押融资金额 （已更正）"' in page      # the interface is Chinese by default
    assert "<h2 id=\"corrections\">更正（3）</h2>" in page
    assert "<td>value=5</td><td>value=6</td>" in page             # extracted beside corrected
    assert '<tr class="correction-stale">' in page and "no measure numbered &#39;9&#39;" in page


def test_web_plan_page_escapes_corrections(tmp_path):
    page = _page(tmp_path, ROWS)
    assert SCRIPT not in page and "<b>why</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;why&lt;/b&gt;" in page


def test_web_plan_page_without_corrections_has_no_section(tmp_path):
    page = _page(tmp_path, "")
    assert "更正（" not in page and "已更正" not in page


# ------------------------------------------------------------------ writing from the web (opt-in)
def _client(tmp_path: Path, allow: bool):
    import re

    from starlette.testclient import TestClient

    from policykg.viz.web import create_app
    from policykg.viz.web.corrections_form import enable_corrections

    _page(tmp_path, "")
    app_ = create_app(tmp_path / "store", workers=0)
    file = tmp_path / "plans" / "corrections.csv"
    if allow:
        enable_corrections(app_, file)
    client = TestClient(app_)
    page = client.get("/plans/plan.txt").text
    found = re.search(r'name="token" value="([^"]+)"', page)
    return client, file, (found.group(1) if found else None)


FORM = {"op": "add_unit", "plan": "plan.txt", "target": "2", "value": "市科技局", "who": "王研究员",
        "why": "实施通知"}


def test_web_corrections_are_read_only_by_default(tmp_path):
    client, file, token = _client(tmp_path, allow=False)
    assert token is None
    before = file.read_text(encoding="utf-8")
    assert client.post("/corrections", data=dict(FORM, token="x")).status_code in (404, 405)
    assert file.read_text(encoding="utf-8") == before


def test_web_corrections_form_appends_a_checked_row(tmp_path):
    from datetime import date

    from policykg.extract.corrections import load_corrections

    client, file, token = _client(tmp_path, allow=True)
    answer = client.post("/corrections", data=dict(FORM, token=token))
    assert answer.status_code == 200 and "line 2 of corrections.csv" in answer.text
    [row] = load_corrections(file)
    assert (row.op, row.plan, row.target, row.value, row.who, row.when) == (
        "add_unit", "plan.txt", "2", "市科技局", "王研究员", date.today().isoformat())


def test_web_corrections_form_refuses_bad_requests(tmp_path):
    client, file, token = _client(tmp_path, allow=True)
    before = file.read_text(encoding="utf-8")
    assert client.post("/corrections", data=dict(FORM, token="forged")).status_code == 403
    assert client.post("/corrections", data=dict(FORM, token=token),
                       headers={"Origin": "http://evil.example"}).status_code == 403
    bad = client.post("/corrections", data=dict(FORM, token=token, op="frobnicate"))
    assert bad.status_code == 400 and "unknown op" in bad.text
    assert client.post("/corrections", data=dict(FORM, token=token, why="=HYPERLINK(1)")).status_code == 400
    assert client.post("/corrections", data=dict(FORM, token=token, why="a\nb")).status_code == 400
    hostile = client.post("/corrections", data=dict(FORM, token=token, op=SCRIPT))
    assert hostile.status_code == 400 and SCRIPT not in hostile.text
    assert file.read_text(encoding="utf-8") == before


def test_web_corrections_serve_options_are_guarded(tmp_path):
    _page(tmp_path, "")
    store, file = str(tmp_path / "store"), str(tmp_path / "plans" / "corrections.csv")
    for extra, problem in [(["--host", "0.0.0.0"], "only on loopback"), (["--cors", "*"], "--cors"),
                           ([], None)]:
        args = ["serve", "--store", store, "--allow-corrections", "--corrections", file, *extra,
                "--get", "/plans/plan.txt"]
        result = RUNNER.invoke(app, args)
        if problem:
            assert result.exit_code == 1 and problem in result.output
        else:
            assert result.exit_code == 0 and 'name="token"' in result.output
    result = RUNNER.invoke(app, ["serve", "--store", store, "--allow-corrections", "--get", "/"])
    assert result.exit_code == 1 and "needs --corrections FILE" in result.output
