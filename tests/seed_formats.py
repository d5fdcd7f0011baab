"""Plan text -> the same plan as a government web page, a Word file, a PDF or GB18030 text.

Used by tests/extract/test_converted_seeds.py (each format must score like the .txt) and
bench/fuzz_loaders.py (seed files to mutate). Nothing here is committed as a binary: every file
is made on demand. The PDF needs reportlab (a test dependency only).
"""
from __future__ import annotations

import html
import io
import re

# A block of one-cell-per-line rows in a plan's text becomes a real table: it starts at a line
# whose text (spaces removed) is 指标 and holds that many columns (the header's year cells).
_TABLE_HEAD = re.compile(r"^指\s*标$")
_YEAR_CELL = re.compile(r"^\d{4}年$")


def plan_blocks(text: str) -> list[tuple[str, object]]:
    """The plan as ("p", line) and ("table", rows) blocks; blank lines dropped.

    A target table printed one cell per line ("指     标", "2023年", ..., then an indicator and
    its values) becomes one ("table", rows) block, header row first.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    blocks: list[tuple[str, object]] = []
    i = 0
    while i < len(lines):
        if _TABLE_HEAD.match(lines[i]):
            years = 0
            while i + 1 + years < len(lines) and _YEAR_CELL.match(lines[i + 1 + years]):
                years += 1
            if years:
                width = years + 1
                rows = [lines[i:i + width]]
                j = i + width
                while j + width <= len(lines) and all(_is_number(x) for x in lines[j + 1:j + width]):
                    rows.append(lines[j:j + width])
                    j += width
                blocks.append(("table", rows))
                i = j
                continue
        blocks.append(("p", lines[i]))
        i += 1
    return blocks


def _is_number(text: str) -> bool:
    return re.fullmatch(r"\d+(?:\.\d+)?", text) is not None


def to_html(text: str, *, charset: str = "utf-8") -> bytes:
    """A portal page: nav bar, breadcrumb, metadata table, share/print widgets, scripts with
    event handlers, the plan as <p> (its target table as <table>), a footer."""
    body = []
    for kind, value in plan_blocks(text):
        if kind == "table":
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>\n" for row in value)
            body.append(f'<table class="MsoTableGrid" border="1" cellspacing="0">\n<tbody>\n{rows}</tbody></table>')
        else:
            body.append(f'<p style="text-indent:2em">{html.escape(value)}</p>')
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>政府信息公开_市人民政府门户网站</title>
<meta name="SiteName" content="市人民政府门户网站">
<link rel="stylesheet" href="/css/style.css">
<style>.nav li {{ float: left; }} body {{ font-size: 14px; }}</style>
<script type="text/javascript">var _hmt = _hmt || []; document.write('<div>广告</div>');</script>
</head>
<body onload="initPage()">
<div class="top-bar"><a href="/wza">无障碍</a> | <a href="/old">长者版</a></div>
<div class="header"><img src="/images/logo.png" alt="市人民政府"></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxx/">走进本市</a></li></ul>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; <a href="/zwgk/wj/">政府文件</a></div>
<div class="main"><div class="xxgk-table"><table class="xxgk">
<tr><th>索 引 号：</th><td>000014349/2024-00012</td><th>主题分类：</th><td>综合政务</td></tr>
<tr><th>效力状态：</th><td>有效</td><th>公开方式：</th><td>主动公开</td></tr>
</table></div>
<div class="article"><div class="tools">【字体：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】 <a href="javascript:window.print()" onclick="window.print();return false;">【打印本页】</a></div>
<div id="zoom" class="TRS_Editor">
{chr(10).join(body)}
</div>
<div class="share">分享到：<a href="#" onclick="share('wx')">微信</a> <a href="#" onclick="share('wb')">微博</a> <a href="#" onmouseover="qr()">QQ空间</a></div>
<div class="related"><h4>相关文件</h4><ul><li><a href="/a.html">关于开展知识产权宣传周活动的通知</a></li><li><a href="/b.html">市场监管工作要点</a></li></ul></div>
</div></div>
<div class="footer"><p>主办单位：市人民政府办公室 承办单位：市大数据中心</p><p>网站标识码：1234000001 ICP备05001234号</p>
<p><a href="/about">关于我们</a> | <a href="/map">网站地图</a> | <a href="/contact">联系我们</a></p></div>
<script>document.getElementById('zoom').onmouseup = function() {{ track(); }};</script>
</body></html>
"""
    return page.encode(charset)


def to_docx(text: str) -> bytes:
    """A Word file: one paragraph per line, the target table as a Word table."""
    import docx

    document = docx.Document()
    for kind, value in plan_blocks(text):
        if kind == "table":
            table = document.add_table(rows=len(value), cols=len(value[0]))
            for r, row in enumerate(value):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            document.add_paragraph(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(text: str, *, running_header: str = "市人民政府文件") -> bytes:
    """A PDF with a CJK text layer: A4 pages, lines wrapped at the text width, a running header
    and "- n -" page numbers. Uses reportlab's built-in STSong-Light CID font (no font file)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size, leading = "STSong-Light", 11, 17
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    left, right, top, bottom = 72, 72, 80, 72
    text_width = width - left - right
    printed: list[str] = []
    for line in (x.strip() for x in text.splitlines()):
        if line:
            printed.extend(_wrap(line, font, size, text_width, pdfmetrics.stringWidth))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    per_page = int((height - top - bottom) // leading)
    for page, start in enumerate(range(0, len(printed), per_page), start=1):
        pdf.setFont(font, 9)
        pdf.drawCentredString(width / 2, height - 50, running_header)
        pdf.setFont(font, size)
        y = height - top
        for line in printed[start:start + per_page]:
            pdf.drawString(left, y, line)
            y -= leading
        pdf.setFont(font, 9)
        pdf.drawCentredString(width / 2, 40, f"- {page} -")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _wrap(line: str, font: str, size: float, limit: float, measure) -> list[str]:
    """Cut a line where the next char would pass the text width (as a word processor does)."""
    pieces, current = [], ""
    for ch in line:
        if current and measure(current + ch, font, size) > limit:
            pieces.append(current)
            current = ""
        current += ch
    pieces.append(current)
    return pieces


def to_gb18030(text: str) -> bytes:
    return text.encode("gb18030")


CONVERTERS = {"html": to_html, "docx": to_docx, "pdf": to_pdf, "gb18030.txt": to_gb18030}
