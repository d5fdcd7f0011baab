"""The typer app, the options commands share, and how errors reach the user.

Every command module (policykg/cli/<cmd>.py) registers itself on `app`; `handle_errors` turns a
PolicyKGError into one line `error: <message>` on stderr and exit code 1, never a traceback
(STYLE.md §9). Data goes to stdout, progress and messages to stderr (STYLE.md §6).
"""
from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional, TypeVar

import typer
from rich.console import Console

from policykg.errors import PolicyKGError

app = typer.Typer(
    name="policykg",
    help="Turn Chinese IP policy plans into an RDF knowledge graph and query it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])

STORE_HELP = "Store folder (default: $POLICYKG_STORE, else .policykg/store)."
# `--store DIR`, shared by every command that reads or writes the store.
StoreOpt = typer.Option(None, "--store", "-s", metavar="DIR", envvar="POLICYKG_STORE",
                        show_envvar=False, help=STORE_HELP)
FORMATS = ("table", "csv", "json", "tsv")
# `--endpoint URL`: read a SPARQL endpoint (graph/remote.py) instead of a store folder.
EndpointOpt = typer.Option(None, "--endpoint", metavar="URL",
                           help="Read this SPARQL endpoint instead of a store (read-only), e.g. "
                                "http://host:8890/sparql (docs/scale.md).")


def err_console() -> Console:
    """A console on the current stderr (looked up per call so CliRunner captures it)."""
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def fail(message: str) -> None:
    """Print one `error:` line on stderr (the caller decides about the exit code)."""
    typer.echo(f"error: {_one_line(message)}", err=True)


def warn(message: str) -> None:
    typer.echo(f"warning: {_one_line(message)}", err=True)


def warn_if_analysis_stale(db: Any, sparql: str | None = None) -> None:
    """Warn when the store's analysis graph does not describe its plans (`analysis_staleness`)."""
    message = analysis_staleness(db, sparql)
    if message:
        warn(message)


def analysis_staleness(db: Any, sparql: str | None = None) -> str | None:
    """The line saying the store's analysis graph does not describe its plans
    (graph/analysis/freshness.py), or None: always checked when `sparql` is None, else only when
    that query reads the analysis graph. A check that fails says so instead of staying silent."""
    from policykg.graph.analysis.freshness import stale_analysis

    try:
        return stale_analysis(db, sparql)
    except Exception as e:  # the rows are out already: a failed check must not turn them into an error
        return f"could not check whether the analysis graph is up to date: {_one_line(str(e))}"


def handle_errors(fn: F) -> F:
    """Show a PolicyKGError as `error: <message>` and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PolicyKGError as e:
            message, code = str(e), 1
        except (RuntimeError, OSError) as e:
            if "Corruption" not in str(e):  # not the store's database: a bug, keep its traceback
                raise
            # RocksDB found a damaged file after the store opened (Store.open catches the rest)
            message = (f"the store is damaged ({' '.join(str(e).split('  ')[0].split())[:200]}); "
                       "rebuild it with `policykg build --store NEW PLANS` or `policykg restore DUMP --store NEW`")
            code = 1
        except KeyboardInterrupt:
            message, code = "interrupted", 130
        # Raised outside the except block on purpose: the error and its traceback (whose frames
        # may hold the pyoxigraph store, and so its lock) are dropped here, not kept as context.
        fail(message)
        raise typer.Exit(code)

    return wrapper  # type: ignore[return-value]


def write_out(text: str) -> None:
    """Write data to stdout as UTF-8 bytes, whatever the terminal's encoding."""
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None:  # a text-only stream (some IDE consoles): let it encode
        out.write(text)
        out.flush()
        return
    out.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def parse_params(values: Optional[list[str]]) -> dict[str, str]:
    """`--param k=v` values -> {k: v}; the value may contain '='."""
    params: dict[str, str] = {}
    for value in values or []:
        name, sep, text = value.partition("=")
        name = name.strip()
        if not sep or not name:
            raise PolicyKGError(f"--param takes NAME=VALUE, got {value!r}")
        if name in params:
            raise PolicyKGError(f"--param {name} is given twice")
        params[name] = text
    return params


def store_path(value: Optional[Path]) -> Path:
    from policykg.graph.store import resolve_store_path

    return resolve_store_path(value)


def open_reader(store: Optional[Path], endpoint: Optional[str], *,
                timeout: Optional[float] = None) -> Any:
    """The store to read: the RemoteStore at `endpoint`, else the store folder `store`.
    RAISES: PolicyKGError when both were given (a $POLICYKG_STORE in the environment yields)."""
    from policykg.graph.store import Store

    if not endpoint:
        return Store.open(store_path(store))
    if store is not None and _given_on_command_line("store"):
        raise PolicyKGError("give --store DIR or --endpoint URL, not both")
    from policykg.graph.remote import DEFAULT_TIMEOUT_S, RemoteStore

    return RemoteStore.open(endpoint, timeout=timeout or DEFAULT_TIMEOUT_S)


def _given_on_command_line(name: str) -> bool:
    import click
    from click.core import ParameterSource

    context = click.get_current_context(silent=True)
    if context is None:
        return True
    return context.get_parameter_source(name) not in (ParameterSource.ENVIRONMENT,
                                                      ParameterSource.DEFAULT)


def _one_line(message: str) -> str:
    return " ".join(str(message).split())
