"""PDF with a text layer -> running text: page furniture dropped, wrapped lines joined.

pypdf reads each page's text layer (no OCR: a PDF without one is refused with a message saying
so). Lines repeated at the top or bottom of most pages (running headers/footers) and page
numbers ("- 3 -", "第3页", "3/12", bare numbers counting up with the pages) are dropped; a line
that fills the text width and does not end a sentence is joined to the next unless that one
starts a heading (一、 (一) 1. (1) 附件). DOCS: docs/formats.md#pdf
"""
from __future__ import annotations

import contextlib
import io
import re
import warnings as python_warnings
from collections import Counter

from policykg.errors import UnreadableDocument

_SENTENCE_END = tuple("。；：！？;:!?")
_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、．.]|[(（][一二三四五六七八九十]+[)）]|\d{1,3}[.．、](?!\d)|"
                            r"[(（]\d{1,3}[)）]|附件|附表|第[一二三四五六七八九十百\d]+[章节条部分])")
# fmt: off
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－—–]\s*\d{1,4}\s*[-－—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$", re.IGNORECASE)
# fmt: on
# A line of portal fields ("来源:X 发布时间:Y 阅读次数: 0") ends where it ends, full or not.
_FIELD_LINE = re.compile(r"[:：]\s*\S+\s+\S{2,8}[:：]")
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
_EDGE_LINES = 3  # headers and footers sit in a page's first or last few lines
_RUNNING_SHARE = 0.6  # a line on this share of pages (at an edge) is a running header/footer
_FULL_LINE = 0.8  # a line at least this share of the text width is wrapped, not ended
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_MIN_TEXT_CHARS = 1  # a page count with no extractable char at all: scanned


def load_pdf(data: bytes, where: str) -> tuple[str, str, list[str]]:
    """A PDF -> (raw text for clean_text, "pdf", warnings); raises UnreadableDocument."""
    pages, warnings = read_pages(data, where)
    if sum(len(line.strip()) for page in pages for line in page) < _MIN_TEXT_CHARS:
        raise UnreadableDocument(where, "no text layer (scanned PDF?): OCR it first")
    lines = join_wrapped_lines(drop_page_furniture(pages))
    return "\n".join(lines) + "\n", "pdf", warnings


def read_pages(data: bytes, where: str) -> tuple[list[list[str]], list[str]]:
    """Each page's text layer as lines. pypdf raises many exception types on damaged files; all
    of them mean the same to a user, so they become one UnreadableDocument."""
    from pypdf import PdfReader

    warnings: list[str] = []
    with _pypdf_messages_as(warnings):
        return _read_pages(PdfReader, data, where, warnings), warnings


def _read_pages(PdfReader, data: bytes, where: str, warnings: list[str]) -> list[list[str]]:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise UnreadableDocument(where, "encrypted PDF: remove the password first")
        pages = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                pages.append((page.extract_text() or "").splitlines())
            except Exception as error:  # noqa: BLE001 - one bad page must not lose the others
                if len(warnings) < 10:
                    warnings.append(f"page {number}: text not readable ({type(error).__name__})")
                pages.append([])
    except UnreadableDocument:
        raise
    except RecursionError:
        raise UnreadableDocument(where, "damaged PDF (nested too deeply)") from None
    except Exception as error:  # noqa: BLE001 - pypdf's errors on damaged input are not typed
        if _ENCRYPTED.search(data[-_TRAILER_BYTES:]) or type(error).__name__ in _ENCRYPTION_ERRORS:
            # e.g. AES-256 (R6): pypdf checks even the empty password with AES, which needs an
            # optional crypto library; either way the text cannot be read without the password
            raise UnreadableDocument(where, "encrypted PDF: remove the password first") from None
        raise UnreadableDocument(where, f"damaged or truncated PDF ({_short(error)})") from None
    if not pages:
        raise UnreadableDocument(where, "damaged or truncated PDF (no pages)")
    if reader.is_encrypted and not any(pages) and len(warnings) >= min(len(pages), 10):
        raise UnreadableDocument(where, "encrypted PDF: remove the password first")  # no page decrypted
    return pages


# An /Encrypt entry in the trailer (or the cross-reference stream dictionary, near the end).
_ENCRYPTED = re.compile(rb"/Encrypt\s*(?:<<|\d+\s+\d+\s+R)")
_TRAILER_BYTES = 64 * 1024
_ENCRYPTION_ERRORS = frozenset({"DependencyError", "FileNotDecryptedError", "WrongPasswordError"})


def _opens_without_password(reader) -> bool:
    """An owner-password-only PDF opens with the empty user password."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - e.g. AES without the optional crypto library
        return False


@contextlib.contextmanager
def _pypdf_messages_as(warnings: list[str]):
    """pypdf logs what it repairs in damaged files; those become (at most 5) one-line warnings
    on the document instead of lines on the user's stderr."""
    import logging

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            line = " ".join(record.getMessage().split())[:120]
            if len(warnings) < 5 and f"pdf: {line}" not in warnings:
                warnings.append(f"pdf: {line}")

    logger = logging.getLogger("pypdf")
    handler, propagate = Collect(level=logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with python_warnings.catch_warnings():  # PdfReadWarning and friends: same as the logs
            python_warnings.simplefilter("ignore")
            yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Pages without running headers/footers and page numbers."""
    pages = [[line.strip() for line in page if line.strip()] for page in pages]
    running = _running_lines(pages)
    numbered = _numbered_pages(pages)
    kept = []
    for index, page in enumerate(pages):
        out = []
        for position, line in enumerate(page):
            at_edge = position < _EDGE_LINES or position >= len(page) - _EDGE_LINES
            if at_edge and (_key(line) in running or _PAGE_NUMBER.match(line)):
                continue
            if at_edge and numbered.get(index) == position:
                continue
            out.append(line)
        kept.append(out)
    return kept


def _key(line: str) -> str:
    """A line compared across pages: spaces ignored; digits kept, since a line that differs
    only in its number from page to page is a heading or a table value, not a running header."""
    return re.sub(r"\s+", "", line)


def _running_lines(pages: list[list[str]]) -> set[str]:
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        edge = page[:_EDGE_LINES] + page[-_EDGE_LINES:]
        seen.update({_key(line) for line in edge})
    needed = max(2, _RUNNING_SHARE * len(pages))
    # number-only lines are left to _numbered_pages (a repeated "40" may be a table value)
    return {key for key, count in seen.items() if count >= needed and key and not _BARE_NUMBER.match(key)}


def _numbered_pages(pages: list[list[str]]) -> dict[int, int]:
    """{page index: line position} of bare page numbers: edge lines holding a number that counts
    up with the pages (number - index is the same on most pages), not a table's last cell."""
    candidates: dict[int, list[tuple[int, int]]] = {}
    for index, page in enumerate(pages):
        for position, line in enumerate(page):
            if position < _EDGE_LINES or position >= len(page) - _EDGE_LINES:
                match = _BARE_NUMBER.match(line)
                if match:
                    candidates.setdefault(index, []).append((position, int(match.group(1)) - index))
    offsets = Counter(offset for found in candidates.values() for offset in {o for _, o in found})
    if not offsets:
        return {}
    offset, count = offsets.most_common(1)[0]
    if count < max(2, 0.5 * len(pages)) and not (len(pages) == 1 and offset == 1):
        return {}
    return {index: position for index, found in candidates.items() for position, o in found if o == offset}


def join_wrapped_lines(pages: list[list[str]]) -> list[str]:
    """Lines of all pages -> paragraphs: a full-width line that does not end a sentence continues
    on the next line (across a page break too), unless the next line starts a heading."""
    lines = [line for page in pages for line in page]
    if not lines:
        return []
    widths = sorted(_width(line) for line in lines)
    full = widths[int(0.9 * (len(widths) - 1))] * _FULL_LINE
    out: list[str] = []
    previous = ""  # the last line as printed (out[-1] may hold several joined lines)
    for line in lines:
        if out and _continues(previous, line, full):
            glue = " " if _ASCII_WORD.match(out[-1][-1]) and _ASCII_WORD.match(line[0]) else ""
            out[-1] = out[-1] + glue + line
        else:
            out.append(line)
        previous = line
    return out


def _continues(previous: str, line: str, full: float) -> bool:
    """Does `line` continue `previous` (both as printed)?"""
    if previous.endswith(_SENTENCE_END) or _HEADING_START.match(line) or _FIELD_LINE.search(previous):
        return False
    return _width(previous) >= full


def _width(line: str) -> int:
    """Display width: CJK and full-width chars count two."""
    return len(line) + len(_CJK.findall(line))


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:80]}" if text else type(error).__name__
