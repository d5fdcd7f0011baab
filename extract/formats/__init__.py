"""Loaders for files that are not plain text: one module per format (html, pdf, docx), each a
`load_<format>(data, where) -> (raw text, encoding, warnings)` whose text then goes through the
same `clean_text` as a .txt file. This module decides the format from the bytes (and the file
name as a tie-breaker) and holds the one table rendering every loader shares.
Partner: extract/load.py (`_LOADERS`, which calls these). DOCS: docs/formats.md
"""
from __future__ import annotations

import re
from pathlib import Path

from policykg.errors import UnreadableDocument

# The table contract with the extractors (docs/formats.md#tables): one row per line, cells
# joined by " | ", header row first, empty cells kept, cell-internal newlines become a space.
CELL_SEPARATOR = " | "

HTML_SUFFIXES = frozenset({"html", "htm", "xhtml", "shtml", "mht"})
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .wps / .xls
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WINDOW = 1024  # the PDF spec lets a few junk bytes precede %PDF-
# An HTML document starts (after a BOM, blanks and comments) with one of these.
_HTML_START = re.compile(rb"^(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<meta[\s>]|<body[\s>]|<\?xml[^>]*>\s*<(?:!doctype\s+)?html)",
                         re.IGNORECASE)
# A page fragment saved under an HTML name: one of these tags near the start is enough.
_HTML_TAG = re.compile(rb"<(?:p|div|table|br|span|title|h[1-6])[\s/>]", re.IGNORECASE)
_LEADING_NOISE = re.compile(rb"^(?:\xef\xbb\xbf|\s|<!--.*?-->)*", re.DOTALL)
_SNIFF_BYTES = 4096


def sniff_format(data: bytes, name: str = "", where: str = "") -> str:
    """The loader for a document: "pdf", "docx", "html" or "txt", decided by content first.

    data (bytes): the file content (a prefix is enough for all but a ZIP without its header).
    name (str): the file name; its extension only breaks ties (an .html fragment without
        <html>, a truncated .docx whose ZIP entries are unreadable).
    where (str): the path named in errors (default: `name`).
    RETURNS (str): the format; raises UnreadableDocument for formats that are recognised but
        not supported (legacy .doc, RTF, other ZIP archives).
    """
    where = where or name
    suffix = Path(name).suffix.lower().lstrip(".")
    if _PDF_MAGIC in data[:_PDF_HEADER_WINDOW]:
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        if suffix == "docx" or b"word/" in data[: 64 * 1024]:
            return "docx"
        raise UnreadableDocument(where, "a ZIP archive but not a Word .docx document")
    if data.startswith(_OLE2_MAGIC):
        raise UnreadableDocument(where, "legacy Word .doc/.wps (OLE2) files are not supported: save it as .docx or PDF")
    if data.lstrip().startswith(b"{\\rtf"):
        raise UnreadableDocument(where, "RTF files are not supported: save it as .docx or PDF")
    head = _ascii_head(data)
    if _HTML_START.match(head):
        return "html"
    if suffix in HTML_SUFFIXES and _HTML_TAG.search(head):
        return "html"
    return "txt"


def _ascii_head(data: bytes) -> bytes:
    """The first bytes, as ASCII-compatible bytes (UTF-16 pages are narrowed), noise stripped."""
    head = data[:_SNIFF_BYTES]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be"
        head = head[2:].decode(codec, errors="ignore").encode("ascii", errors="ignore")
    return _LEADING_NOISE.sub(b"", head, count=1)


def render_table(rows: list[list[str]]) -> list[str]:
    """Table rows -> lines in the contract's form; rows with no text at all are dropped.

    rows (list[list[str]]): cells as text, header row first.
    RETURNS (list[str]): one line per row, cells joined by CELL_SEPARATOR.
    """
    lines = []
    for row in rows:
        cells = [" ".join(cell.split()) for cell in row]
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return lines


def one_line(text: str) -> str:
    """Whitespace runs (newlines included) collapsed to one space, ends trimmed."""
    return " ".join(text.split())
