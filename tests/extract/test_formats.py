"""extract/formats: format sniffing, HTML main text/metadata/tables, PDF furniture and joins,
DOCX order, all through `load_bytes` so the text is what the extractors see."""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for seed_formats.py
from seed_formats import to_docx, to_html, to_pdf  # noqa: E402

from policykg.errors import UnreadableDocument  # noqa: E402
from policykg.extract.formats import sniff_format  # noqa: E402
from policykg.extract.formats.pdf import drop_page_furniture, join_wrapped_lines  # noqa: E402
from policykg.extract.load import load_bytes  # noqa: E402

PLAN = "某市知识产权工作方案\n一、总体要求\n到2025年,全市有效发明专利达到4000件。\n二、主要任务\n1.加强高价值专利培育。\n牵头单位:市市场监管局\n"


@pytest.mark.parametrize("data, name, expected", [
    (b"%PDF-1.7\n...", "plan.txt", "pdf"),
    (b"PK\x03\x04\x14\x00word/document.xml", "plan.bin", "docx"),
    (b"\xef\xbb\xbf  <!DOCTYPE html><html>", "plan.txt", "html"),
    (b"<!-- saved --><html><body>", "plan", "html"),
    (b"<p>\xe6\x96\x87</p>", "plan.htm", "html"),
    (b"<p>\xe6\x96\x87</p>", "plan.txt", "txt"),
    ("方案".encode("gb18030"), "plan.html", "txt"),
])
def test_formats_sniff_by_content_then_name(data, name, expected):
    assert sniff_format(data, name) == expected


@pytest.mark.parametrize("data, problem", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "legacy Word .doc/.wps (OLE2) files are not supported"),
    (b"{\\rtf1\\ansi ...}", "RTF files are not supported"),
    (b"PK\x03\x04" + b"\x00" * 64, "a ZIP archive but not a Word .docx document"),
])
def test_formats_refuse_known_unsupported_formats(data, problem):
    with pytest.raises(UnreadableDocument, match=re.escape(problem)):
        load_bytes(data, "plan.doc")


def test_formats_html_portal_page_keeps_main_text_and_table_drops_furniture():
    text = load_bytes(to_html(PLAN + "指     标\n2023年\n2024年\n商标(万件)\n5.2\n5.7\n"), "p.html").text
    lines = text.splitlines()
    assert lines[0] == "索引号:000014349/2024-00012"
    assert "指 标 | 2023年 | 2024年" in lines and "商标(万件) | 5.2 | 5.7" in lines
    assert "牵头单位:市市场监管局" in lines
    for junk in ("首页", "政务公开", "分享到", "打印", "网站标识码", "主办单位", "document", "track", "相关文件", "微信"):
        assert junk not in text, junk


def test_formats_html_metadata_from_table_divs_and_meta_tags_goes_first():
    page = """<html><head><meta charset="gbk"><meta name="PubDate" content="2024-03-02 09:00"></head><body>
    <div class="info"><span>发文字号：</span><span>临政发〔2024〕3号</span>
    <div>发布机构：临江市人民政府 成文日期：2024年3月1日</div></div>
    <div id="content"><p>临江市知识产权工作方案</p><p>一、总体要求</p><p>各地要加强组织领导，确保任务落实。</p></div></body></html>"""
    loaded = load_bytes(page.encode("gbk"), "p.html")
    assert loaded.encoding == "gbk" or loaded.encoding == "gb18030"
    assert loaded.text.splitlines()[:4] == ["发布机构:临江市人民政府", "成文日期:2024-03-01",
                                            "发文字号:临政发〔2024〕3号", "发布日期:2024-03-02"]
    assert loaded.text.splitlines()[4] == "临江市知识产权工作方案"


def test_formats_html_never_keeps_script_style_or_handlers():
    page = ('<html><body onload="steal()"><script>var 方案="恶意";</script><style>p{}</style>'
            '<p onclick="alert(1)">临江市方案正文。</p><img src=x onerror="alert(2)"></body></html>')
    text = load_bytes(page.encode(), "p.html").text
    assert text == "临江市方案正文。"


def test_formats_html_joins_source_line_breaks_between_chinese_chars():
    page = "<html><body><p>加强知识产权\n   保护工作, 2025 年</p></body></html>"
    assert load_bytes(page.encode(), "p.html").text == "加强知识产权保护工作, 2025 年"


def test_formats_pdf_drops_running_header_page_numbers_and_joins_wrapped_lines():
    long_line = "为贯彻落实知识产权强国建设纲要部署深化创新驱动发展战略加快创新型城市建设全面推进知识产权强市建设制定本方案"
    paragraphs = [  # no two printed lines alike, as in a real plan
        "".join(ch + (f"{i}" if k % 8 == 7 else "") for k, ch in enumerate(long_line * 3)) + "。" for i in range(1, 31)]
    sections = [f"{i}.第{i}项任务\n{paragraph}" for i, paragraph in enumerate(paragraphs, start=1)]
    pdf = to_pdf("一、总体要求\n" + "\n".join(sections))
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 4
    text = load_bytes(pdf, "p.pdf").text
    assert "市人民政府文件" not in text and "- 2 -" not in text
    assert text.splitlines() == ["一、总体要求", *[line for s in sections for line in s.split("\n")]]


def test_formats_pdf_page_numbers_counting_up_are_dropped_but_table_numbers_stay():
    pages = [["某市文件", *[f"正文{i}之{n}内容。" for n in "甲乙丙丁戊己"], "40", str(i + 1)] for i in range(4)]
    kept = drop_page_furniture(pages)
    assert [page[-1] for page in kept] == ["40", "40", "40", "40"]
    assert [page[0] for page in kept] == ["正文0之甲内容。", "正文1之甲内容。", "正文2之甲内容。", "正文3之甲内容。"]


def test_formats_pdf_join_stops_at_headings_and_sentence_ends():
    full = "一" * 30
    assert join_wrapped_lines([[full, "二" * 5, full + "。", "三" * 10, full, "(一)标题"]]) == [
        full + "二" * 5, full + "。", "三" * 10, full, "(一)标题"]


def test_formats_pdf_without_text_layer_says_ocr():
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.rect(100, 100, 200, 200, fill=1)  # a "scan": drawing, no text
    pdf.showPage()
    pdf.save()
    with pytest.raises(UnreadableDocument, match=r"no text layer \(scanned PDF\?\): OCR it first"):
        load_bytes(out.getvalue(), "scan.pdf")


def test_formats_docx_keeps_paragraphs_and_tables_in_order():
    text = load_bytes(to_docx(PLAN.replace("二、主要任务", "指 标\n2023年\n2024年\n专利(件)\n10\n11\n二、主要任务")), "p.docx").text
    lines = text.splitlines()
    assert lines.index("指 标 | 2023年 | 2024年") == lines.index("到2025年,全市有效发明专利达到4000件。") + 1
    assert lines[lines.index("专利(件) | 10 | 11") + 1] == "二、主要任务"


def test_formats_txt_that_is_html_is_read_as_html():
    loaded = load_bytes(b"<!doctype html><html><body><p>\xe6\x96\xb9\xe6\xa1\x88\xe3\x80\x82</p></body></html>", "p.txt")
    assert (loaded.format, loaded.text) == ("html", "方案。")
    assert loaded.warnings[0] == "named .txt but holds html; read as html"


def test_formats_html_layout_table_page_is_read_as_blocks_not_rows():
    paragraphs = "".join(f"<p>第{i}条 各单位要加强知识产权保护工作，落实工作责任，确保各项任务按期完成。</p>" for i in range(8))
    page = (f'<html><body><table width="100%"><tr><td class="left"><a href="/">首页</a><br><a href="/a">通知公告</a></td>'
            f'<td class="content"><table><tr><td>{paragraphs}</td></tr></table></td></tr></table></body></html>')
    lines = load_bytes(page.encode(), "p.html").text.splitlines()
    assert lines == [f"第{i}条 各单位要加强知识产权保护工作，落实工作责任，确保各项任务按期完成。" for i in range(8)]


def test_formats_html_merged_cells_keep_the_grid():
    page = ('<html><body><p>任务分工如下。</p><table><tr><th>序号</th><th>任务</th><th>牵头单位</th></tr>'
            '<tr><td rowspan="2">1</td><td>专利导航</td><td>市科技局</td></tr><tr><td>商标培育</td><td>市场监管局</td></tr>'
            '<tr><td colspan="2">合计</td><td>2项</td></tr></table></body></html>')
    lines = load_bytes(page.encode(), "p.html").text.splitlines()
    assert lines[1:] == ["序号 | 任务 | 牵头单位", "1 | 专利导航 | 市科技局", "| 商标培育 | 市场监管局", "合计 |  | 2项"]


@pytest.mark.parametrize("declared, encoding", [("gb2312", "gb18030"), ("iso-8859-1", "gb18030"), ("utf-8", "gb18030")])
def test_formats_html_charset_from_page_or_detection(declared, encoding):
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared}"></head><body><p>知识产权强市建设方案</p></body></html>'
    loaded = load_bytes(page.encode("gb18030"), "p.html")
    assert (loaded.text, loaded.encoding) == ("知识产权强市建设方案", encoding)


def test_formats_docx_merged_cells_keep_the_grid():
    import docx

    document = docx.Document()
    document.add_paragraph("任务分工")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "序号", "任务", "牵头单位"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "专利导航"
    table.cell(1, 2).text = "市科技局"
    out = io.BytesIO()
    document.save(out)
    assert load_bytes(out.getvalue(), "t.docx").text.splitlines() == ["任务分工", "序号 | 任务 | 牵头单位", "专利导航 |  | 市科技局"]


# -- deep nesting (issue #20): libxml2 drops what lies below ~255 levels; nothing may be lost -----


def nested_page(depth: int, tag: str) -> bytes:
    plan = "".join(f"<p>{line}</p>" for line in PLAN.splitlines())
    return (f"<html><head><meta charset='utf-8'><title>方案</title></head><body>{f'<{tag}>' * depth}"
            f"{plan}{f'</{tag}>' * depth}<p>附件：联系人名单</p></body></html>").encode("utf-8")


@pytest.mark.parametrize("tag", ["div", "font", "span"])
@pytest.mark.parametrize("depth", [50, 254, 256, 300, 2100, 10_000])
def test_formats_html_deeply_nested_page_is_read_whole(depth: int, tag: str):
    loaded = load_bytes(nested_page(depth, tag), "deep.html")
    for line in PLAN.splitlines():
        assert line in loaded.text
    assert "附件：联系人名单" in loaded.text  # the text after the nesting as well


def test_formats_html_nested_tables_too_deep_are_refused_with_a_reason():
    cells = "<table><tr><td>" * 400 + PLAN + "</td></tr></table>" * 400
    with pytest.raises(UnreadableDocument, match="nested more than 200 levels"):
        load_bytes(f"<html><body>{cells}</body></html>".encode("utf-8"), "tables.html")


def with_encryption(pdf: bytes, revision: int) -> bytes:
    """`pdf` with a Standard security handler entry in its trailer (random keys: no password
    opens it). R6 is AES-256, whose password check itself needs AES (issue #20)."""
    v, cfm, length = {4: (4, b"/AESV2", 16), 6: (5, b"/AESV3", 32)}[revision]
    size = 48 if revision == 6 else 32
    entry = (b"/Encrypt << /Filter /Standard /V %d /R %d /Length %d /P -1028 /O <" % (v, revision, length * 8)
             + b"11" * size + b"> /U <" + b"22" * size + b"> /OE <" + b"33" * 32 + b"> /UE <" + b"44" * 32
             + b"> /Perms <" + b"55" * 16 + b"> /CF << /StdCF << /CFM " + cfm
             + b" /AuthEvent /DocOpen /Length %d >> >> /StmF /StdCF /StrF /StdCF >>\n" % length)
    at = pdf.index(b"<<", pdf.rfind(b"trailer")) + 2
    return pdf[:at] + entry + pdf[at:]


@pytest.mark.parametrize("revision", [4, 6], ids=["AES-128", "AES-256"])
def test_formats_pdf_encrypted_says_remove_the_password(revision: int):
    pytest.importorskip("reportlab")
    data = with_encryption(to_pdf(PLAN), revision)
    with pytest.raises(UnreadableDocument) as caught:
        load_bytes(data, "locked.pdf")
    assert caught.value.problem == "encrypted PDF: remove the password first"
