"""Word .docx -> text: body paragraphs and tables in document order.

The body's XML children are read in order (python-docx's `paragraphs` and `tables` lists lose
the interleaving): a paragraph is a line, a table follows the shared " | " contract
(extract/formats/__init__.py) with merged cells left empty after their first grid cell.
Content controls (w:sdt) are read through. DOCS: docs/formats.md#docx
"""
from __future__ import annotations

import io
import zipfile

from policykg.errors import UnreadableDocument

from . import one_line, render_table

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_XML_BYTES = 256 * 1024 * 1024  # the unpacked document.xml; more is a zip bomb, not a plan


def load_docx(data: bytes, where: str) -> tuple[str, str, list[str]]:
    """A .docx -> (raw text for clean_text, "docx", warnings); raises UnreadableDocument."""
    document = _open(data, where)
    lines: list[str] = []
    try:
        _read_block(document.element.body, lines)
    except RecursionError:
        raise UnreadableDocument(where, "damaged DOCX (nested too deeply)") from None
    return "\n".join(lines) + "\n", "docx", []


def _open(data: bytes, where: str):
    """python-docx's Document, or UnreadableDocument for a truncated or damaged file (zipfile,
    lxml and python-docx raise many exception types for those; they mean one thing to a user)."""
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > _MAX_XML_BYTES:
                raise UnreadableDocument(where, "DOCX text too large once unpacked (a zip bomb?)")
        return docx.Document(io.BytesIO(data))
    except UnreadableDocument:
        raise
    except KeyError:
        raise UnreadableDocument(where, "not a Word document (no word/document.xml)") from None
    except zipfile.BadZipFile:
        raise UnreadableDocument(where, "damaged or truncated DOCX (not a complete ZIP archive)") from None
    except Exception as error:  # noqa: BLE001 - see the docstring
        message = " ".join(str(error).split())[:80]
        raise UnreadableDocument(where, f"damaged DOCX ({type(error).__name__}: {message})") from None


def _read_block(container, lines: list[str]) -> None:
    """Paragraphs and tables of a body, cell or content control, in order."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            text = _paragraph_text(child)
            if text.strip():
                lines.append(text)
        elif tag == f"{_W}tbl":
            lines.extend(render_table(_table_rows(child)))
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _read_block(content, lines)


def _paragraph_text(p) -> str:
    """The visible text of a w:p: runs (also inside hyperlinks, insertions, fields), tabs and
    line breaks; deleted text (w:del) is skipped."""
    parts: list[str] = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if any(a.tag == f"{_W}del" for a in node.iterancestors()):
            continue
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _table_rows(tbl) -> list[list[str]]:
    """Cell texts on the grid: a horizontal merge (gridSpan) and the continued cells of a
    vertical merge (vMerge) leave empty strings."""
    rows = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            properties = tc.find(f"{_W}tcPr")
            span, continued = 1, False
            if properties is not None:
                grid_span = properties.find(f"{_W}gridSpan")
                if grid_span is not None:
                    span = _int(grid_span.get(f"{_W}val"))
                merge = properties.find(f"{_W}vMerge")
                continued = merge is not None and merge.get(f"{_W}val", "continue") == "continue"
            text = "" if continued else _cell_text(tc)
            cells.append(text)
            cells.extend([""] * (span - 1))
        rows.append(cells)
    return rows


def _cell_text(tc) -> str:
    lines: list[str] = []
    _read_block(tc, lines)
    return one_line(" ".join(lines))


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 64))
    except ValueError:
        return 1
