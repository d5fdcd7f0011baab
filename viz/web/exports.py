"""Subgraph downloads in the web app (`/export?...`), the same selectors and formats as
`policykg export` (issue 9): query parameters -> `Selection` -> graph/export/exporters.py `select` -> one
`EXPORTERS` format (or every format in a zip) as an attachment.

`export_links` builds the "Export" block that plan, agency and cited-document pages show.
Partners: viz/web/app.py (the route, error pages), graph/export/exporters.py (selection and formats).
"""
from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from policykg.errors import NothingSelected
from policykg.graph.export.exporters import EXPORTERS, Selection, export_zip, select

from .http import WebError

# query parameter -> Selection field; each may be repeated (values are a union, as in the CLI)
SELECTORS = {"plan": "plans", "city": "cities", "agency": "agencies", "framework": "frameworks",
             "indicator": "indicators"}
FLAGS = ("zip", "vocabulary")
KNOWN_PARAMS = frozenset({*SELECTORS, *FLAGS, "hops", "format"})
MAX_STEM_CHARS = 60
ZIP_MEDIA_TYPE = "application/zip"


@dataclass(frozen=True)
class ExportRequest:
    selection: Selection
    format: str | None   # None when every format goes into one zip
    stem: str            # file name without extension


@dataclass(frozen=True)
class Download:
    data: bytes
    media_type: str
    filename: str


def parse_export_request(params: Mapping[str, Sequence[str]]) -> ExportRequest:
    """`/export` query parameters -> what to select and how to write it.

    params: name -> list of values (repeatable selectors).
    RAISES: WebError(400) for an unknown parameter or format, a bad `hops`, no format and no zip.
    """
    unknown = sorted(set(params) - KNOWN_PARAMS)
    if unknown:
        raise WebError(400, "Bad parameter", f"/export takes {', '.join(sorted(KNOWN_PARAMS))}; "
                                             f"not {unknown[0]!r}")
    chosen = {field: [v.strip() for v in params.get(name, []) if v.strip()]
              for name, field in SELECTORS.items()}
    flags = {flag: _flag(params.get(flag, [])) for flag in FLAGS}
    hops = None
    hops_text = (params.get("hops") or [""])[0].strip()
    if hops_text:
        if not hops_text.isdigit():
            raise WebError(400, "Bad parameter", f"hops must be a whole number 0 or more, not {hops_text!r}")
        hops = int(hops_text)
    format_name = (params.get("format") or [""])[0].strip() or None
    if format_name is not None and format_name not in EXPORTERS:
        raise WebError(400, "Unknown format",
                       f"format {format_name!r} is not an export format; choose one of "
                       f"{', '.join(EXPORTERS)} (or zip=1 for all of them)")
    if format_name is None and not flags["zip"]:
        raise WebError(400, "No format", f"give format= one of {', '.join(EXPORTERS)}, or zip=1")
    selection = Selection(hops=hops, vocabulary=flags["vocabulary"], **chosen)
    return ExportRequest(selection, None if flags["zip"] else format_name, _stem(chosen))


def export_download(store, request: ExportRequest) -> Download:
    """Select and write the subgraph. RAISES: WebError(404) when nothing is selected."""
    try:
        subgraph = select(store, request.selection)
    except NothingSelected as e:
        raise WebError(404, "Nothing to export", str(e).replace("--", "")) from None
    if len(subgraph) == 0:
        raise WebError(404, "Nothing to export", "the selection holds no triples")
    if request.format is None:
        with tempfile.TemporaryDirectory(prefix="policykg-export-") as folder:
            path = export_zip(subgraph, Path(folder) / "export.zip", stem=request.stem)
            return Download(path.read_bytes(), ZIP_MEDIA_TYPE, request.stem + ".zip")
    exporter = EXPORTERS[request.format]
    buffer = io.BytesIO()
    exporter.write(subgraph, buffer)
    return Download(buffer.getvalue(), exporter.media_type, request.stem + exporter.extension)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII `filename` and the UTF-8 name as `filename*` (RFC 6266/5987),
    so Chinese selector values survive and no header can be broken by a quote or a newline."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_.") or "policykg-export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def export_links(selector: str, value: str) -> dict[str, str]:
    """format name -> `/export?...` URL for one entity (selector: plan, agency, framework, ...),
    every format of EXPORTERS plus `zip`."""
    if selector not in SELECTORS:
        raise ValueError(f"unknown selector {selector!r}")
    links = {name: "/export?" + urlencode({selector: value, "format": name}) for name in EXPORTERS}
    links["zip"] = "/export?" + urlencode({selector: value, "zip": "1"})
    return links


def _flag(values: Sequence[str]) -> bool:
    return bool(values) and values[0].strip().lower() in ("1", "true", "yes", "on")


def _stem(chosen: Mapping[str, list[str]]) -> str:
    """A file name from the selection: `policykg-plan-003_ad288fc7cf756697`, `policykg-agency-...`;
    IRIs contribute their last segment; anything unsafe in a file name becomes `_`."""
    parts = []
    for name, field in SELECTORS.items():
        for value in chosen[field]:
            last = value.rstrip("/").rsplit("/", 1)[-1] if "://" in value else value
            last = re.sub(r"\.(txt|text|html?|pdf|docx)$", "", last)
            parts.append(f"{name}-{last}")
    stem = "policykg-" + "-".join(parts) if parts else "policykg-all"
    stem = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|%;\s]+", "_", stem)
    return stem[:MAX_STEM_CHARS].rstrip("_.-") or "policykg-export"
