"""extract/: file -> cleaned text -> outline -> entities -> one ExtractionResult per document.

Never imports graph/ or viz/ (DESIGN.md "Data flow"). Entry points: `extract_path(path)` for a
file and `extract_text(text, source=...)` for text already loaded.
"""
from __future__ import annotations

from .result import EXTRACTOR_VERSION, ExtractionResult  # noqa: F401
