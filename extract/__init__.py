"""extract/: file -> cleaned text -> outline -> entities -> one ExtractionResult per document.

Never imports graph/ or viz/ (DESIGN.md "Data flow"). Entry points: `extract_path(path)` for a
file and `extract_text(text, source=...)` for text already cleaned (tests, other loaders).
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .coverage import find_uncovered
from .result import EXTRACTOR_VERSION, ExtractionResult, Section

_SURROGATE = re.compile("[\ud800-\udfff]")


def extract_text(text: str, source: str = "<text>", *, path: str = "", sha256: str | None = None,
                 encoding: str = "utf-8", format: str = "txt", warnings: list[str] | None = None) -> ExtractionResult:
    """Run the pipeline over cleaned text and return its ExtractionResult."""
    from .pipeline import make_nlp

    # a lone surrogate cannot be encoded and would crash the tokenizer; no loader produces one,
    # but text handed in directly might
    text = _SURROGATE.sub("\ufffd", text)   # one for one: offsets stay aligned
    doc = make_nlp()(text)
    state = doc._.policykg
    outline = state["outline"]
    sections = [
        Section(
            id=h.id, level=h.level, marker=h.marker, title=h.title, kind=h.kind, parent=h.parent,
            start=h.start, end=h.end)
        for h in outline.headings
    ]
    result = ExtractionResult(
        source=source, path=path or source,
        sha256=sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        encoding=encoding, format=format, text=text, plan=state["plan"], sections=sections,
        measures=state["measures"], responsibilities=state["responsibilities"],
        agencies=state["agencies"], citations=state["citations"], targets=state["targets"],
        incentives=state.get("incentives", []),
        people=state["people"], places=state.get("places", []), warnings=list(warnings or []),
        decisions=list(outline.decisions),
    )
    result.uncovered = find_uncovered(result, outline.header_end)
    return result


def extract_path(path: str | Path, source: str | None = None) -> ExtractionResult:
    """Load, clean and extract one file. `source` names the plan (default: the file's name;
    graph/build.py passes the path relative to the folder given). Raises UnreadableDocument."""
    from .load import load_path

    loaded = load_path(path, source)
    return extract_text(loaded.text, loaded.source, path=loaded.path, sha256=loaded.sha256,
                        encoding=loaded.encoding, format=loaded.format, warnings=loaded.warnings)


__all__ = ["EXTRACTOR_VERSION", "ExtractionResult", "extract_path", "extract_text"]
