"""HTTP plumbing the views share: the typed web error, Accept-header negotiation and the Host
allow-list middleware (DNS rebinding; `policykg serve --host-name`).

Views raise `WebError(status, title, message)` (datasette's `DatasetteError`); the app's one error
handler (viz/web/app.py) renders it as HTML, JSON or plain text. `negotiate` picks the media type a
client prefers among those a view offers (RFC 9110 q-values; exact type > type/* > */*).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


class WebError(Exception):
    """An error a web user can trigger: an HTTP status, a short title and a one-line message."""

    def __init__(self, status: int, title: str, message: str):
        self.status = status
        self.title = title
        self.message = message
        super().__init__(message)


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """`Accept` -> [(media range, q)], best first; an empty or missing header means `*/*`."""
    ranges: list[tuple[str, float, int]] = []
    for index, part in enumerate((header or "*/*").split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, q, index))
    ranges.sort(key=lambda r: (-r[1], -_specificity(r[0]), r[2]))
    return [(media, q) for media, q, _ in ranges]


def negotiate(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers most (ties: the order of `offers`), or None if it accepts none.

    offers: media types without parameters, the server's preference first.
    """
    best: tuple[float, int, int] | None = None
    chosen = None
    for position, offer in enumerate(offers):
        q, specificity = _quality(offer, parse_accept(header))
        if q <= 0:
            continue
        key = (q, specificity, -position)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


def _quality(offer: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """q of the most specific range matching `offer`, and that specificity (0 when none)."""
    match: tuple[float, int] | None = None
    kind = offer.split("/")[0]
    for media, q in ranges:
        if media == offer:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if match is None or specificity > match[1]:
            match = (q, specificity)
    return match if match is not None else (0.0, 0)


def _specificity(media: str) -> int:
    if media == "*/*":
        return 0
    return 1 if media.endswith("/*") else 2


LOOPBACK_HOST_NAMES = ("localhost", "127.0.0.1", "[::1]")


def host_name(host_header: str) -> str:
    """The name part of a Host header: no port, lower case, no trailing dot ("[::1]" kept whole)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.split(":", 1)[0].rstrip(".")


class HostAllowList:
    """ASGI middleware: answer 400 to a request whose Host header names none of `allowed`.

    Why: a page on another site can make a browser send requests to a loopback server under a
    name that resolves to 127.0.0.1 (DNS rebinding); such requests carry that foreign name.
    """

    def __init__(self, app: Any, allowed: Iterable[str]):
        self.app = app
        self.allowed = {host_name(name) for name in allowed}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope.get("headers") or [])
            name = host_name(headers.get(b"host", b"").decode("latin-1"))
            if name not in self.allowed:
                message = (f"Bad Host: this server answers to {', '.join(sorted(self.allowed))}, "
                           f"not {name or 'a request without Host'}; add a name with "
                           "`policykg serve --host-name NAME`\n").encode()
                if scope["type"] == "http":
                    await send({"type": "http.response.start", "status": 400,
                                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                            (b"content-length", str(len(message)).encode())]})
                    await send({"type": "http.response.body", "body": message})
                return
        await self.app(scope, receive, send)
