"""Push a store to any SPARQL 1.1 Graph Store Protocol endpoint, one named graph per request.

Each graph (every plan, every vocabulary) is sent as Turtle (N-Triples lines under one @prefix
line: Virtuoso guesses the type from the first bytes and takes a long line of JSON-like text for
text/plain) with `PUT {endpoint}?graph=<iri>`,
which replaces that graph on the server: pushing twice gives the same remote store, and a push
cut short is finished by running it again. Server errors (5xx) and connection failures are
retried with exponential backoff; anything else stops the push with one line. Standard library
only (urllib). `--auth USER:PASS` goes as HTTP Basic, or as Digest when the server refuses Basic
(Virtuoso's /sparql-graph-crud-auth): the challenge is fetched with a bodiless request, so a large
graph is sent once, already signed. Partners: policykg/cli/push.py, docs/scale.md.
"""
from __future__ import annotations

import base64
import hashlib
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from policykg.errors import PolicyKGError

from .store import Store

N_TRIPLES = "application/n-triples"
TURTLE = "text/turtle"
TURTLE_HEAD = b"@prefix pk: <https://w3id.org/policykg/ns#> .\n"
RETRIES = 5
BACKOFF_S = 0.5  # first wait; doubles after each failed attempt


class PushFailed(PolicyKGError):
    """A graph could not be stored on the endpoint (after retries, when retrying made sense)."""


@dataclass
class PushReport:
    graphs: int = 0
    triples: int = 0
    retries: int = 0
    pushed: list[str] = field(default_factory=list)


def graph_url(endpoint: str, graph: str) -> str:
    """`endpoint?graph=<iri>` (the IRI percent-encoded; an endpoint with a query keeps it)."""
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{separator}graph={urllib.parse.quote(graph, safe='')}"


def graph_ntriples(store: Store, graph: ox.NamedNode) -> tuple[bytes, int]:
    """The triples of one named graph as N-Triples bytes, and how many there are."""
    triples = [q.triple for q in store.raw.quads_for_pattern(None, None, None, graph)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)


def push_store(store: Store, endpoint: str, *, auth: str | None = None, retries: int = RETRIES,
               backoff: float = BACKOFF_S, timeout: float = 120.0,
               progress: Callable[[str, int, int], None] | None = None,
               sleep: Callable[[float], None] = time.sleep) -> PushReport:
    """PUT every named graph of `store` to the Graph Store Protocol `endpoint`.

    endpoint (str): the GSP URL, e.g. http://host:7878/store (Oxigraph), .../ds/data (Fuseki).
    auth (str): `user:password` for HTTP Basic authentication.
    retries (int): extra attempts after a 5xx answer or a connection failure.
    progress (callable): `progress(graph_iri, done, total)` after each graph.
    RETURNS (PushReport). RAISES: PushFailed (one line: the graph, the status, the server's words).
    """
    scheme = urllib.parse.urlsplit(endpoint).scheme
    if scheme not in ("http", "https"):
        raise PushFailed(f"--endpoint must be an http(s) URL, got {endpoint!r}")
    headers = {"Content-Type": TURTLE}
    credentials = None
    if auth:
        if ":" not in auth:
            raise PushFailed("--auth takes USER:PASSWORD")
        credentials = Credentials(*auth.split(":", 1))
        credentials.challenge_from(endpoint, timeout)  # Digest servers: sign from the first PUT
    graphs = sorted((g for g in store.raw.named_graphs() if isinstance(g, ox.NamedNode)),
                    key=lambda g: g.value)
    report = PushReport()
    for done, graph in enumerate(graphs, start=1):
        body, count = graph_ntriples(store, graph)
        body = TURTLE_HEAD + body
        url = graph_url(endpoint, graph.value)
        report.retries += _put(url, body, headers, graph.value, retries=retries, backoff=backoff,
                               timeout=timeout, sleep=sleep, credentials=credentials)
        report.graphs += 1
        report.triples += count
        report.pushed.append(graph.value)
        if progress is not None:
            progress(graph.value, done, len(graphs))
    return report


def _put(url: str, body: bytes, headers: dict[str, str], graph: str, *, retries: int,
         backoff: float, timeout: float, sleep: Callable[[float], None],
         credentials: "Credentials | None" = None) -> int:
    """One PUT with retries; RETURNS the number of retries it took."""
    wait = backoff
    signed_again = False
    for attempt in range(retries + 1):
        signed = dict(headers)
        if credentials is not None:
            signed["Authorization"] = credentials.header("PUT", url)
        request = urllib.request.Request(url, data=body, headers=signed, method="PUT")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
            return attempt - int(signed_again)
        except urllib.error.HTTPError as e:
            if e.code == 401 and credentials is not None and not signed_again:
                # Basic refused, or a Digest nonce gone stale: fetch a fresh challenge, sign again
                signed_again = credentials.challenge_from(url, timeout)
                if signed_again:
                    continue
            detail = _one_line(e.read().decode("utf-8", "replace"))[:200]
            problem = f"HTTP {e.code} {e.reason}" + (f": {detail}" if detail else "")
            retryable = e.code >= 500
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            problem = f"cannot reach the endpoint ({_one_line(reason)})"
            retryable = True
        if not retryable or attempt == retries:
            tried = f" after {attempt + 1} attempts" if retryable else ""
            raise PushFailed(f"push of graph <{graph}> failed{tried}: {problem}")
        sleep(wait)
        wait *= 2
    raise AssertionError("unreachable")


class Credentials:
    """`--auth USER:PASS` as an Authorization header: Basic until the server sends a Digest
    challenge (RFC 7616, MD5, qop=auth, as Virtuoso asks), then Digest with a counted nonce."""

    def __init__(self, user: str, password: str):
        self.user, self.password = user, password
        self.digest: dict[str, str] | None = None
        self.count = 0

    def header(self, method: str, url: str) -> str:
        if self.digest is None:
            return "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        self.count += 1
        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        realm, nonce = self.digest.get("realm", ""), self.digest.get("nonce", "")
        ha1 = _md5(f"{self.user}:{realm}:{self.password}")
        ha2 = _md5(f"{method}:{uri}")
        cnonce, nc = os.urandom(8).hex(), f"{self.count:08x}"
        fields = {"username": self.user, "realm": realm, "nonce": nonce, "uri": uri}
        if "auth" in self.digest.get("qop", "").split(","):
            response = _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            extra = f", qop=auth, nc={nc}, cnonce=\"{cnonce}\""
        else:
            response, extra = _md5(f"{ha1}:{nonce}:{ha2}"), ""
        fields["response"] = response
        if "opaque" in self.digest:
            fields["opaque"] = self.digest["opaque"]
        quoted = ", ".join(f'{k}="{v}"' for k, v in fields.items())
        return f"Digest {quoted}, algorithm=MD5{extra}"

    def challenge_from(self, url: str, timeout: float) -> bool:
        """Ask `url` without credentials and keep its Digest challenge; RETURNS whether one came."""
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"),
                                        timeout=timeout) as response:
                response.read()
            return False
        except urllib.error.HTTPError as e:
            challenge = e.headers.get("WWW-Authenticate", "") if e.headers else ""
        except (urllib.error.URLError, OSError):
            return False
        scheme, _, rest = challenge.partition(" ")
        if scheme.lower() != "digest":
            return False
        items = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        self.digest = {k.lower(): v for k, v in items.items()}
        self.count = 0
        return True


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # Digest's own hash, not a safeguard


def _one_line(message: object) -> str:
    return " ".join(str(message).split())
