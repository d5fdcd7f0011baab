"""Saved government web pages -> the page's main text, with the portal's metadata on top.

Decoding: BOM, then the page's own <meta charset> / http-equiv / XML declaration (if the bytes
agree with it), then extract/load.py's detection. Parsing: lxml.html; <script>, <style> and
other active or invisible content are dropped before anything is read, and nothing is run.
Main text: navigation, breadcrumbs, footers and link lists are removed, then the densest block of
non-link Chinese text is chosen (readability-style scoring) and widened to its enclosing article.
Metadata (索引号, 发布机构, 成文日期, 发文字号, 名称/标题, 发布日期), from a table, label/value
elements or <meta> tags, comes first as "发文字号:X" lines. Data tables follow the shared
" | " contract (extract/formats/__init__.py). DOCS: docs/formats.md#html
"""
from __future__ import annotations

import re

from policykg.errors import UnreadableDocument

from . import one_line, render_table

# fmt: off
# Never read: active content, invisible content, form controls, embedded objects.
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
              "embed", "applet", "svg", "math", "canvas", "select", "option", "button", "input",
              "textarea", "map", "area", "audio", "video", "source", "link", "base")
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "menu", "nav", "ol",
    "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_CONTAINER_TAGS = frozenset({"div", "article", "section", "main", "td", "body", "form", "center", "font", "span"})
_PARAGRAPH_TAGS = frozenset({"p", "pre", "td", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "font", "span", "blockquote"})
# class/id words of page furniture (navigation, breadcrumb, footer, share/print widgets ...)
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|bread|footer|foot|bottom|copyright|"
    r"share|bdshare|print|toolbar|tools|sidebar|side|aside|friendlink|links|related|search|login|"
    r"banner|qrcode|ewm|weizhi|dqwz|position|location|topbar)(?:$|[\s_-]|\d)",
    re.IGNORECASE)
# Portal metadata labels -> the key emitted at the top of the text (read by the plan-metadata
# extractor, extract/components/plan_meta.py), in the order they are emitted.
_META_KEYS = ("索引号", "发布机构", "发文机关", "成文日期", "发文字号", "文号", "名称", "标题", "发布日期")
_META_LABEL = re.compile(
    r"^\s*(?P<key>" + "|".join(r"\s*".join(key) for key in _META_KEYS) + r")\s*(?P<colon>[:：]?)\s*(?P<value>.*)$",
    re.DOTALL)
# Standard meta names of Chinese government sites (政府网站发展指引) and what they stand for.
_META_NAMES = {"articletitle": "标题", "pubdate": "发布日期", "contentsource": "发布机构"}
_INLINE_FIELD = re.compile(
    r"(?:^|(?<=\s))(?P<key>" + "|".join(r"\s*".join(key) for key in _META_KEYS) + r")\s*[:：]\s*(?P<value>\S.*?)(?=\s+\S{1,12}[:：]|$)")
# "... 效力状态:有效" or "... 成 文 日 期:" after a value
_NEXT_FIELD = re.compile(r"\s+(?:[^\s:：]{2,8}|" + "|".join(r"\s*".join(key) for key in _META_KEYS) + r")\s*[:：]")
_DATE = re.compile(r"((?:19|20)\d\d)\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})")
# fmt: on
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_EDGE = f"[{_CJK}\u3000-\u303f\uff00-\uffef]"
# A source line break between two CJK chars is no space (CSS Text 3, segment break transform).
_CJK_BREAK = re.compile(f"(?<={_CJK_EDGE})[ \t\r\f]*\n\\s*(?={_CJK_EDGE})")
_SPACES = re.compile(r"[ \t\r\n\f]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Declared names -> the codec that decodes them (GB2312 and GBK pages use GB18030 chars freely).
_CODEC_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                  "gb_2312-80": "gb18030", "euc-cn": "gb18030", "big5": "big5hkscs", "x-big5": "big5hkscs"}
_LINK_LIST_TAGS = frozenset({"ul", "ol", "div", "dl", "table", "p", "li", "td", "span", "tr"})
_SENTENCE_END = re.compile("[。；]")
_WESTERN_CODECS = frozenset({"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"})
_MIN_MAIN_CJK = 20  # a candidate block with less Chinese text than this is not the article
_LAYOUT_CELL_BLOCKS = 3  # a cell holding this many paragraphs or more makes its table a layout table
# Nesting: deeper pages are flattened (libxml2 caps depth; _render recurses once per level).
MAX_DEPTH = 200
_ANY_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^>]*>")
_FLAT_KEEP = frozenset({"html", "head", "body", "title", "meta", "br", "table", "thead", "tbody",
                        "tfoot", "tr", "td", "th", "caption", "pre", *_DROP_TAGS})
# what the parser keeps no text of: comments, the head, dropped elements
_VOID_DROP_TAGS = frozenset({"input", "source", "link", "base", "area", "embed"})  # no closing tag
_INVISIBLE = re.compile(r"<!--.*?-->|<(head|" + "|".join(t for t in _DROP_TAGS if t not in _VOID_DROP_TAGS)
                        + r")\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_LINE_BREAKS = re.compile(r"(?:<br>\s*){2,}")
_LOSS_MIN_CHARS = 100  # pages with less Chinese text than this are judged by has_chinese alone
_LOSS_MIN_SHARE = 0.5


def load_html(data: bytes, where: str) -> tuple[str, str, list[str]]:
    """An HTML page -> (raw text for clean_text, encoding, warnings)."""
    markup, encoding, warnings = decode_html(data, where)
    return html_to_text(markup, where), encoding, warnings


def decode_html(data: bytes, where: str) -> tuple[str, str, list[str]]:
    """(markup, encoding, warnings): BOM, declared charset if the bytes agree, else detection."""
    from policykg.extract.load import decode_bytes

    warnings: list[str] = []
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec.removesuffix("-sig"), warnings
    declared = _declared_charset(data[:4096])
    if declared in _WESTERN_CODECS and any(byte >= 0x80 for byte in data):
        declared = None  # a Chinese page mislabelled by its template: Latin-1 decodes anything
    if declared and declared.startswith(("utf-16", "utf-32", "ucs")):
        declared = None  # the declaration was readable as ASCII, so the page is not in UTF-16
    if declared:
        try:
            return data.decode(declared), declared, warnings
        except (UnicodeDecodeError, LookupError):
            warnings.append(f"the page declares charset {declared!r} but is not in it; detected instead")
    markup, encoding = decode_bytes(data, path=where)
    return markup, encoding, warnings


def _declared_charset(head: bytes) -> str | None:
    match = _XML_ENCODING.search(head) or _CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", errors="ignore").lower()
    return _CODEC_ALIASES.get(name, name)


def html_to_text(markup: str, where: str = "<html>") -> str:
    """Page markup -> metadata lines, then the main text, one paragraph or table row per line."""
    import lxml.etree
    import lxml.html

    markup = _CONTROL.sub("", _XML_DECLARATION.sub("", markup, count=1))
    if not markup.strip():
        raise UnreadableDocument(where, "empty file")
    root = _parse(markup, where)
    depth = _depth(root)
    if depth > MAX_DEPTH:  # libxml2 drops what lies deeper than its cap; _render recurses
        flat = _flatten(markup)
        root = _parse(flat, where)
        depth = _depth(root)
        if depth > MAX_DEPTH:
            raise UnreadableDocument(where, f"HTML nested more than {MAX_DEPTH} levels deep, even "
                                     "without its layout tags: save the page as text or PDF")
    try:
        fields = _head_meta(root)
        lxml.etree.strip_elements(root, "head", *_DROP_TAGS, with_tail=False)
        lxml.etree.strip_elements(root, lxml.etree.Comment, lxml.etree.ProcessingInstruction, with_tail=False)
        _check_nothing_lost(markup, root, where)
        for key, value in _labelled_fields(root).items():
            fields.setdefault(key, value)
        _remove_furniture(root)
        main = _main_block(root, _Sizes(root))
        lines = [f"{key}:{fields[key]}" for key in _META_KEYS if fields.get(key)]
        lines.extend(_render(main))
    except RecursionError:
        raise UnreadableDocument(where, "HTML nested too deeply to read") from None
    return "\n".join(lines) + "\n"


def _parse(markup: str, where: str):
    import lxml.etree
    import lxml.html

    # huge_tree lifts libxml2's nesting cap from 256 to about 2,048 levels (measured); deeper
    # pages are flattened first (see html_to_text), so no text is dropped silently
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=True)
    try:
        return lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        raise UnreadableDocument(where, f"not a readable HTML page ({one_line(str(error))[:80]})") from None


def _depth(root) -> int:
    """The deepest element's nesting level, in one pass (no recursion)."""
    import lxml.etree

    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _flatten(markup: str) -> str:
    """The markup without its nesting: every tag except tables, line breaks, the document's frame
    and what is dropped unread goes; a block tag becomes a line break, an inline tag nothing.
    Only for pages nested deeper than MAX_DEPTH, where the structure is junk anyway."""
    def replace(match: re.Match) -> str:
        name = match.group(1).lower()
        if name in _FLAT_KEEP:
            return match.group()
        return "<br>" if name in _BLOCK_TAGS else ""

    return _LINE_BREAKS.sub("<br>", _ANY_TAG.sub(replace, markup))


def _check_nothing_lost(markup: str, root, where: str) -> None:
    """Refuse a page whose parse holds far less Chinese text than its markup (text lost by the
    parser must never become a plan of 14 characters)."""
    visible = _INVISIBLE.sub(" ", markup)
    expected = len(_CJK_CHAR.findall(_ANY_TAG.sub(" ", visible)))
    if expected < _LOSS_MIN_CHARS:
        return
    found = len(_CJK_CHAR.findall(root.text_content()))
    if found < _LOSS_MIN_SHARE * expected:
        raise UnreadableDocument(where, f"the HTML parser kept only {found} of {expected} Chinese "
                                 "characters (malformed markup): save the page as text or PDF")


# ---------------------------------------------------------------------------------------------
# Metadata


def _head_meta(root) -> dict[str, str]:
    fields: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").strip()
        content = meta.get("content") or ""
        key = _META_NAMES.get(name.lower()) or (name if name in _META_KEYS else None)
        if key and content.strip():
            fields.setdefault(key, _field_value(key, content))
    return fields


class _Sizes:
    """Text sizes of every element, computed in one pass from the leaves up (text_content() per
    element would cost depth x size on a deeply nested page)."""

    def __init__(self, root):
        self.elements = list(root.iter())  # keeps the lxml proxies (the dict keys) alive
        self.chars: dict = {}
        self.cjk: dict = {}
        self.links: dict = {}
        for element in reversed(self.elements):
            own = element.text or ""
            chars = len(own.strip())
            cjk = len(_CJK_CHAR.findall(own))
            links = 0
            for child in element:
                tail = child.tail or ""
                chars += self.chars.get(child, 0) + len(tail.strip())
                cjk += self.cjk.get(child, 0) + len(_CJK_CHAR.findall(tail))
                links += self.links.get(child, 0)
            if element.tag == "a":
                links = chars
            self.chars[element], self.cjk[element], self.links[element] = chars, cjk, links


def _labelled_fields(root) -> dict[str, str]:
    """Label/value pairs in tables, lists or divs; the elements that held them are removed."""
    sizes = _Sizes(root)
    found: list[tuple[int, str, str]] = []  # (document position, key, value)
    used = []
    used_ids: set[int] = set()
    # innermost first: a row or block whose cells already gave their fields adds nothing
    for position in range(len(sizes.elements) - 1, -1, -1):
        element = sizes.elements[position]
        if not isinstance(element.tag, str) or element.tag in ("html", "body") or sizes.chars[element] > 300:
            continue
        if any(id(d) in used_ids for d in element.iterdescendants()):
            continue
        text = one_line(" ".join(element.itertext()))  # cells and spans stay apart
        match = _META_LABEL.match(text)
        if not match:
            continue
        key = re.sub(r"\s+", "", match.group("key"))
        value = match.group("value").strip()
        holder = [element]
        if not value:  # a label cell: the value is the next element ("<th>发文字号</th><td>X</td>")
            if not match.group("colon") and key in ("名称", "标题", "文号"):
                continue  # a table header such as "名称 | 数量", not a field
            sibling = element.getnext()
            value = one_line(sibling.text_content()) if sibling is not None and sizes.chars.get(sibling, 999) <= 200 else ""
            if not value or _META_LABEL.match(value):
                continue
            holder.append(sibling)
        elif not match.group("colon"):
            continue  # "名称X" run together with no colon is body text, not a field
        for key, value in _inline_fields(f"{key}:{value}"):
            if value:
                found.append((position, key, _field_value(key, value)))
        used.extend(holder)
        used_ids.update(id(e) for e in holder)
    _remove_field_blocks(used, sizes)
    fields: dict[str, str] = {}
    for _, key, value in sorted(found, key=lambda item: item[0]):
        fields.setdefault(key, value)
    return fields


def _inline_fields(text: str) -> list[tuple[str, str]]:
    """Every "label:value" of a known label in a line such as "发布机构:X 成文日期:Y 效力状态:有效"."""
    found = []
    for match in _INLINE_FIELD.finditer(text):
        value = _NEXT_FIELD.split(match.group("value"), maxsplit=1)[0].strip()
        found.append((re.sub(r"\s+", "", match.group("key")), value))
    return found


def _remove_field_blocks(used: list, sizes: _Sizes) -> None:
    """Drop the metadata block (the smallest table/list/div holding two or more fields), else the
    single elements, so the fields do not appear twice in the main text."""
    ids = {id(e) for e in used}
    removed = set()
    for element in used:
        block = element
        for ancestor in element.iterancestors():
            if ancestor.tag in ("body", "html") or sizes.chars.get(ancestor, 10**9) > 800:
                break
            if ancestor.tag in ("table", "ul", "dl", "div", "section", "ol"):
                if sum(1 for d in ancestor.iter() if id(d) in ids) >= 2:
                    block = ancestor  # the smallest block holding two fields
                    break
        if id(block) not in removed and block.getparent() is not None:
            removed.add(id(block))
            _drop(block)


def _field_value(key: str, value: str) -> str:
    value = one_line(value)
    if key.endswith("日期"):
        match = _DATE.search(value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return f"{year:04d}-{month:02d}-{day:02d}"
    if key in ("名称", "标题"):
        return value
    return re.sub(r"\s+", "", value)


# ---------------------------------------------------------------------------------------------
# Main text


def _remove_furniture(root) -> None:
    """Navigation, footers, asides, link lists and widgets named as such by class or id."""
    sizes = _Sizes(root)
    for element in sizes.elements:
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        tag = element.tag
        if tag in ("nav", "footer", "aside") or (tag == "header" and not _inside(element, ("article", "main"))):
            _drop(element)
            continue
        if tag in ("html", "body") or sizes.cjk[element] >= 300:
            continue
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        furniture = _FURNITURE.search(names)
        link_list = tag in _LINK_LIST_TAGS and sizes.links[element] and sizes.links[element] >= 0.5 * sizes.chars[element]
        if (furniture or link_list) and sizes.chars[element] <= 20000 and not _SENTENCE_END.search(element.text_content()):
            _drop(element)


def _inside(element, tags: tuple[str, ...]) -> bool:
    return any(a.tag in tags for a in element.iterancestors())


def _drop(element) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _main_block(root, sizes: _Sizes):
    """The element holding the article: readability-style scores (each paragraph's Chinese text
    counts fully for its parent and half for its grandparent), then widened while the enclosing
    element adds little text (the article's title and date line, not another column)."""
    body = root.find("body")
    if body is None:
        body = root
    scores: dict = {}
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag not in _PARAGRAPH_TAGS:
            continue
        own = _own_cjk(element, sizes)
        if own < 5:
            continue
        parent = element.getparent()
        for weight, ancestor in ((1.0, parent), (0.5, parent.getparent() if parent is not None else None)):
            if ancestor is not None and ancestor.tag in _CONTAINER_TAGS | {"p", "div", "td", "body"}:
                scores[ancestor] = scores.get(ancestor, 0.0) + weight * own
    if not scores:
        return body
    best = max(scores, key=lambda e: scores[e])
    best_cjk = sizes.cjk[best]
    if best_cjk < _MIN_MAIN_CJK:
        return body
    while best is not body and best.getparent() is not None:
        parent = best.getparent()
        added = sizes.cjk[parent] - best_cjk
        if added > max(0.3 * best_cjk, 150):
            break
        best, best_cjk = parent, best_cjk + added
    return best


def _own_cjk(element, sizes: _Sizes) -> int:
    """Chinese chars in an element's own text and its inline children (not nested blocks)."""
    count = len(_CJK_CHAR.findall(element.text or ""))
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _BLOCK_TAGS and child.tag != "a":
            count += sizes.cjk.get(child, 0)
        count += len(_CJK_CHAR.findall(child.tail or ""))
    return count


# ---------------------------------------------------------------------------------------------
# Rendering


def _render(element) -> list[str]:
    """An element -> lines: one per block (paragraph, heading, list item), <br> breaks a line,
    data tables follow the " | " contract, layout tables are read as blocks."""
    lines: list[str] = []
    inline: list[str] = []

    def flush() -> None:
        text = _collapse("".join(inline))
        inline.clear()
        if text:
            lines.append(text)

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "br":
            flush()
        elif tag == "table" and _is_data_table(node):
            flush()
            lines.extend(render_table(_table_rows(node)))
        elif tag == "pre":
            flush()
            lines.extend(line for line in (_collapse(x) for x in node.text_content().splitlines()) if line)
        elif tag in _BLOCK_TAGS:
            flush()
            if node.text:
                inline.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    inline.append(child.tail)
            flush()
        else:
            if node.text:
                inline.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    inline.append(child.tail)

    walk(element)
    flush()
    return lines


def _collapse(text: str) -> str:
    text = _CJK_BREAK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _is_data_table(table) -> bool:
    """A table of data (rows of cells) rather than page layout (columns of paragraphs)."""
    if table.find(".//table") is not None:
        return False
    rows = [r for r in table.iter("tr")]
    if not rows or max(len(_cells(r)) for r in rows) < 2:
        return False
    for row in rows:
        for cell in _cells(row):
            blocks = sum(1 for d in cell.iter() if d.tag in ("p", "div", "li", "h1", "h2", "h3", "br"))
            if blocks >= _LAYOUT_CELL_BLOCKS and len(one_line(cell.text_content())) > 300:
                return False
    return True


def _cells(row) -> list:
    return [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _table_rows(table) -> list[list[str]]:
    """Cell texts on a grid: colspan and rowspan leave empty strings in the cells they cover."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, col) covered by a rowspan above
    for r, row in enumerate(table.iter("tr")):
        cells: list[str] = []
        col = 0
        for cell in _cells(row):
            while (r, col) in pending:
                cells.append(pending.pop((r, col)))
                col += 1
            text = " ".join(_render(cell))
            span_cols = _span(cell.get("colspan"))
            span_rows = _span(cell.get("rowspan"))
            for c in range(span_cols):
                cells.append(text if c == 0 else "")
                for extra in range(1, span_rows):
                    pending[(r + extra, col + c)] = ""
            col += span_cols
        while (r, col) in pending:
            cells.append(pending.pop((r, col)))
            col += 1
        grid.append(cells)
    return grid


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1
