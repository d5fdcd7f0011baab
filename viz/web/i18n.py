"""The interface speaks Chinese by default and English on request; the data stay as printed.

Templates write their words in English inside `_()`: `{{ _("Saved queries") }}`, and Python code
calls `gettext("...")`. The Chinese words live in catalogs, one JSON object per concern in
viz/web/messages/*.json mapping the English text to its Chinese text, merged at start-up, so each
page's words sit beside the page's other files and a missing entry falls back to the English.

The language of a request comes from `?lang=zh|en` (which also sets a cookie, so the choice
follows the researcher through the app), else the `lang` cookie, else Chinese. LanguageMiddleware
sets it in a context variable before the route runs; `_()` reads it there, so macros imported
without context and helpers called from views translate alike.
"""
from __future__ import annotations

import contextvars
import json
from functools import lru_cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from markupsafe import Markup

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
COOKIE = "lang"
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

_language: contextvars.ContextVar[str] = contextvars.ContextVar("policykg_language",
                                                                default=DEFAULT_LANGUAGE)
_request_target: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar(
    "policykg_request_target", default=("/", ""))


@lru_cache(maxsize=1)
def catalog() -> dict[str, str]:
    """English text -> Chinese text, merged from every messages/*.json (later files win)."""
    merged: dict[str, str] = {}
    for path in sorted(MESSAGES_DIR.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(entries, dict):
            raise ValueError(f"{path}: a message catalog is one JSON object of English -> Chinese")
        merged.update({str(k): str(v) for k, v in entries.items()})
    return merged


def current_language() -> str:
    return _language.get()


def gettext(text: str, **values: Any) -> str:
    """`text` in the request's language; `{name}` fields are filled from `values` after lookup."""
    translated = catalog().get(text, text) if _language.get() == "zh" else text
    return translated.format(**values) if values else translated


def template_gettext(text: str, **values: Any) -> str:
    """gettext for templates: a Markup input stays Markup (autoescape still escapes `values`)."""
    if isinstance(text, Markup):
        return Markup(gettext(str(text))).format(**values) if values else Markup(gettext(str(text)))
    return gettext(text, **values)


def language_links() -> list[dict[str, Any]]:
    """One link per language to the current page in that language (for the switch in base.html)."""
    path, query = _request_target.get()
    links = []
    for lang in LANGUAGES:
        params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
        params.append(("lang", lang))
        links.append({"lang": lang, "name": LANGUAGE_NAMES[lang], "url": f"{path}?{urlencode(params)}",
                      "current": lang == _language.get()})
    return links


def template_globals() -> dict[str, Any]:
    """What every template may call: _, gettext, current_language, language_links."""
    return {"_": template_gettext, "gettext": template_gettext,
            "current_language": current_language, "language_links": language_links}


def choose_language(query_string: str, cookie_header: str) -> tuple[str, bool]:
    """(language, chosen_by_query): ?lang= first, then the cookie, then Chinese."""
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        if key == "lang" and value in LANGUAGES:
            return value, True
    if cookie_header:
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(cookie_header)
        except Exception:  # a malformed Cookie header is ignored, not an error
            return DEFAULT_LANGUAGE, False
        morsel = cookie.get(COOKIE)
        if morsel is not None and morsel.value in LANGUAGES:
            return morsel.value, False
    return DEFAULT_LANGUAGE, False


class LanguageMiddleware:
    """Pure ASGI middleware: sets the request's language, and remembers a ?lang= in a cookie."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        query = scope.get("query_string", b"").decode("latin-1")
        lang, chosen = choose_language(query, headers.get("cookie", ""))
        lang_token = _language.set(lang)
        target_token = _request_target.set((scope.get("path", "/"), query))

        async def send_with_cookie(message: dict[str, Any]) -> None:
            if chosen and message["type"] == "http.response.start":
                cookie = f"{COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax"
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", cookie.encode("latin-1"))]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            _language.reset(lang_token)
            _request_target.reset(target_token)
