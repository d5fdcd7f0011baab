"""Writing corrections from the plan page: only with `policykg serve --allow-corrections` on loopback.

The web app is read-only by default and its store stays read-only even here: a correction posted
from a plan page is checked like any row of the corrections file (extract/corrections.py
`check_row`) and appended to that file; the next `policykg build` applies it (docs/corrections.md).
So the file stays the one place corrections live, reviewable and diff-friendly.

Guards, because a POST that writes a file is the one thing this app otherwise never accepts:
the serve command refuses the option off loopback and together with --cors; every form carries a
random per-server token (a page from another origin cannot read it, so cross-site requests fail);
a request whose Origin is not this server is refused; the body is capped and cells may not hold
line breaks or start like a spreadsheet formula. Partners: policykg/cli/serve.py,
templates/plan.html (the form), viz/web/app.py (`app.state.web.templates`).
"""
from __future__ import annotations

import csv
import hmac
import io
import secrets
import threading
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from policykg.extract.corrections import COLUMNS, VALUE_KEYS, Correction, check_row

MAX_BODY_BYTES = 16_384
FORMULA_STARTS = ("=", "+", "@")   # a spreadsheet would evaluate such a cell
FORM_FIELDS = ("op", "plan", "target", "value", "who", "why")


class CorrectionsWriter:
    """Appends checked rows to one corrections file; one writer at a time."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.token = secrets.token_urlsafe(32)
        self._lock = threading.Lock()

    def append(self, fields: dict[str, str]) -> tuple[int, str | None]:
        """Check and append one row (when = today). RETURNS (line written, problem or None)."""
        for name in FORM_FIELDS:
            text = fields.get(name, "")
            if "\n" in text or "\r" in text:
                return 0, f"{name}: line breaks are not allowed"
            if text.startswith(FORMULA_STARTS):
                return 0, f"{name}: may not start with {text[0]!r}"
        row = Correction(op=fields.get("op", ""), plan=fields.get("plan", ""),
                         target=fields.get("target", ""), value=fields.get("value", ""),
                         who=fields.get("who", ""), when=date.today().isoformat(),
                         why=fields.get("why", ""))
        problem = check_row(row)
        if problem:
            return 0, problem
        with self._lock:
            existing = self.path.read_text(encoding="utf-8-sig") if self.path.is_file() else ""
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            if not existing.strip():
                writer.writerow(COLUMNS)
            elif not existing.endswith("\n"):
                buffer.write("\n")
            writer.writerow([getattr(row, column) for column in COLUMNS])
            with self.path.open("a", encoding="utf-8", newline="") as fh:
                fh.write(buffer.getvalue())
            line = len((existing + buffer.getvalue()).splitlines())
        return line, None


def enable_corrections(app, path: str | Path) -> CorrectionsWriter:
    """Turn on the plan page's correction form and `POST /corrections` on a created app."""
    writer = CorrectionsWriter(Path(path))
    web = app.state.web
    web.templates.globals["corrections_form"] = {"token": writer.token, "ops": list(VALUE_KEYS),
                                                 "file": writer.path.name}

    async def post(request: Request) -> HTMLResponse:
        origin = request.headers.get("origin")
        if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
            return _page(403, "Refused", "a correction must be posted from this server's own pages")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _page(413, "Too large", f"a correction form is at most {MAX_BODY_BYTES} bytes")
        try:
            form = {k: v[0].strip() for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        except UnicodeDecodeError:
            return _page(400, "Bad form", "the form is not UTF-8")
        if not hmac.compare_digest(form.get("token", ""), writer.token):
            return _page(403, "Refused", "the form's token does not match this server (reload the page)")
        line, problem = writer.append(form)
        back = "/plans/" + quote(form.get("plan", ""), safe="/")
        if problem:
            return _page(400, "Correction not recorded", problem, back)
        return _page(200, "Correction recorded",
                     f"line {line} of {writer.path.name}; it takes effect at the next policykg build "
                     "of this folder (docs/corrections.md)", back)

    app.router.routes.insert(0, Route("/corrections", post, methods=["POST"], name="corrections"))
    return writer


def _page(status: int, title: str, message: str, back: str | None = None) -> HTMLResponse:
    link = f'<p><a href="{escape(back)}">back to the plan</a></p>' if back else ""
    return HTMLResponse(f"<!doctype html><meta charset=\"utf-8\"><title>{escape(title)}</title>"
                        f"<h1>{escape(title)}</h1><p>{escape(message)}</p>{link}", status_code=status)
