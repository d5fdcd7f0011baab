"""Push a store to any SPARQL 1.1 Graph Store Protocol endpoint, one named graph per request.

Each graph (every plan, every vocabulary) is sent as N-Triples with `PUT {endpoint}?graph=<iri>`,
which replaces that graph on the server: pushing twice gives the same remote store, and a push
cut short is finished by running it again. Server errors (5xx) and connection failures are
retried with exponential backoff; anything else stops the push with one line. Standard library
only (urllib). Partners: policykg/cli/push.py, docs/scale.md.
"""
from __future__ import annotations

import base64
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
    headers = {"Content-Type": N_TRIPLES}
    if auth:
        if ":" not in auth:
            raise PushFailed("--auth takes USER:PASSWORD")
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode("utf-8")).decode("ascii")
    graphs = sorted((g for g in store.raw.named_graphs() if isinstance(g, ox.NamedNode)),
                    key=lambda g: g.value)
    report = PushReport()
    for done, graph in enumerate(graphs, start=1):
        body, count = graph_ntriples(store, graph)
        url = graph_url(endpoint, graph.value)
        report.retries += _put(url, body, headers, graph.value, retries=retries, backoff=backoff,
                               timeout=timeout, sleep=sleep)
        report.graphs += 1
        report.triples += count
        report.pushed.append(graph.value)
        if progress is not None:
            progress(graph.value, done, len(graphs))
    return report


def _put(url: str, body: bytes, headers: dict[str, str], graph: str, *, retries: int,
         backoff: float, timeout: float, sleep: Callable[[float], None]) -> int:
    """One PUT with retries; RETURNS the number of retries it took."""
    wait = backoff
    for attempt in range(retries + 1):
        request = urllib.request.Request(url, data=body, headers=headers, method="PUT")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
            return attempt
        except urllib.error.HTTPError as e:
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


def _one_line(message: object) -> str:
    return " ".join(str(message).split())
