"""The docs stay true (datasette's tests/test_docs.py): every CLI command has its `--help` in
docs/cli.md, every shipped named query is in queries/README.md's generated table and in
README.md's query table, and the cog-generated sections match what the code prints now
(`cog --check`; fix with `.venv/bin/cog -r docs/cli.md queries/README.md`)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer.main

from policykg.cli import app
from policykg.queries import list_queries

REPO = Path(__file__).resolve().parents[1]
CLI_DOC = REPO / "docs" / "cli.md"
QUERIES_DOC = REPO / "queries" / "README.md"
README = REPO / "README.md"
REGENERATE = "run .venv/bin/cog -r docs/cli.md queries/README.md"


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    return group.list_commands(click.Context(group))


def _generated(text: str) -> str:
    """The output part of the cog sections (between `]]] -->` and `[[[end]]]`)."""
    return "\n".join(re.findall(r"\]\]\] -->\n(.*?)<!-- \[\[\[end\]\]\]", text, re.S))


def _readme_query_names() -> set[str]:
    """Names in the first column of README.md's table after 'Questions the named queries answer'."""
    text = README.read_text(encoding="utf-8")
    start = text.index("Questions the named queries answer")
    table = re.search(r"\n(\|.*?)\n\n", text[start:], re.S).group(1)
    return {name for line in table.splitlines()[2:]
            for name in re.findall(r"`([a-z_]+)`", line.split("|")[1])}


def test_docs_commands_exist():
    """The lists below are only as good as the introspection behind them."""
    assert {"build", "query", "queries", "export", "analyze", "serve", "viz"} <= set(_commands())
    assert len(list_queries()) >= 20


@pytest.mark.parametrize("command", _commands())
def test_docs_cli_documents_every_command(command):
    generated = _generated(CLI_DOC.read_text(encoding="utf-8"))
    assert f"### policykg {command}\n" in generated, f"docs/cli.md lacks `policykg {command}`: {REGENERATE}"
    assert f"Usage: policykg {command} " in generated
    assert f"`policykg {command}" in CLI_DOC.read_text(encoding="utf-8").split("## The store")[0], \
        f"docs/cli.md's command table lacks `policykg {command}`"


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_docs_queries_readme_lists_every_query(name):
    rows = re.findall(r"^\| `([a-z_]+)` \|", _generated(QUERIES_DOC.read_text(encoding="utf-8")), re.M)
    assert name in rows, f"queries/README.md lacks {name}: {REGENERATE}"


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_docs_readme_query_table_lists_every_query(name):
    assert name in _readme_query_names(), f"README.md's query table lacks `{name}` (add a row by hand)"


def test_docs_generated_sections_are_up_to_date():
    """cog --check: the --help texts and the query table are what the code prints now."""
    pytest.importorskip("cogapp", reason="cogapp is in the test extra")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TERMINAL_WIDTH")}
    env.update(NO_COLOR="1", COLUMNS="80")
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", str(CLI_DOC), str(QUERIES_DOC)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{result.stdout}{result.stderr}\n{REGENERATE}"


@pytest.mark.parametrize("doc", sorted(p.relative_to(REPO).as_posix()
                                       for p in [README, *(REPO / "docs").glob("*.md")]))
def test_docs_every_picture_a_page_shows_is_committed(doc):
    """Screenshots are taken by the browser tests (`make screenshots`) and committed beside the docs."""
    path = REPO / doc
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", path.read_text(encoding="utf-8"))
    missing = [p for p in pictures if not p.startswith(("http:", "https:"))
               and not (path.parent / p).is_file()]
    assert not missing, f"{doc} shows pictures that are not in the tree: {missing}"
