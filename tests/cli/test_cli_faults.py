"""Faults and bad input through the CLI (issue #20): every one is a single `error:` line naming
the thing and what to do, never a traceback (CliRunner with catch_exceptions=False re-raises one)."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for fixtures.py
from fixtures import write_plan  # noqa: E402

from policykg.cli import app  # noqa: E402

runner = CliRunner()


def invoke(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)


def one_error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def good_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("faults")
    write_plan(folder / "plans", "plan.txt")
    assert invoke("build", "--store", folder / "store", folder / "plans").exit_code == 0
    return folder / "store"


# -- a damaged store: one line naming it and saying what to do ----------------------------------


def damage(store: Path, how: str) -> None:
    if how == "CURRENT garbage":
        (store / "CURRENT").write_text("garbage\n")
    elif how == "MANIFEST cut":
        manifest = next(store.glob("MANIFEST-*"))
        manifest.write_bytes(manifest.read_bytes()[:50])
    else:
        raise ValueError(how)


COMMANDS = [
    ["stats"], ["query", "plans"], ["validate"], ["dump", "--out", "{tmp}/out.nq"],
    ["export", "--format", "graphml", "--out", "{tmp}/out.graphml"], ["analyze"],
    ["build", "{plans}"], ["serve", "--get", "/queries/plans.csv"],
]


@pytest.mark.parametrize("how", ["CURRENT garbage", "MANIFEST cut"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_cli_damaged_store_is_one_line_for_every_command(tmp_path: Path, good_store: Path, how: str,
                                                         command: list[str]):
    store = tmp_path / "store"
    shutil.copytree(good_store, store)
    damage(store, how)
    plans = write_plan(tmp_path / "plans", "plan.txt").parent
    args = [part.format(tmp=tmp_path, plans=plans) for part in command]
    result = invoke(*args, "--store", store)
    assert result.exit_code == 1
    line = one_error_line(result)
    assert f"the store at {store} is damaged" in line and "Corruption" in line
    assert "policykg restore" in line and "policykg build" in line


# -- the lock: say who may hold it, never blame `serve` ---------------------------------------


def test_cli_locked_store_names_writers_not_serve(good_store: Path):
    from policykg.graph.store import Store

    with Store.open(good_store):  # this process holds the lock, as a running build would
        result = invoke("stats", "--store", good_store)
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "locked by another policykg process" in line
    assert "a running `policykg serve`?" not in line and "never takes this lock" in line


# -- paths that are not plain files ------------------------------------------------------------


def test_cli_build_symlink_loop_says_so(tmp_path: Path):
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    result = invoke("build", "--store", tmp_path / "store", tmp_path / "loop1")
    assert result.exit_code == 1
    assert "symlink loop" in result.stderr and "no such file" not in result.stderr


def test_cli_build_broken_symlink_says_so(tmp_path: Path):
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    result = invoke("build", "--store", tmp_path / "store", tmp_path / "link.txt")
    assert result.exit_code == 1 and "broken symlink" in result.stderr


def test_cli_build_unreadable_folder_says_permission_denied(tmp_path: Path, monkeypatch):
    folder = tmp_path / "locked"
    folder.mkdir()
    write_plan(folder, "plan.txt")
    real_scandir = os.scandir

    def denied(path="."):  # tests may run as root, whom chmod 000 does not stop
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    result = invoke("build", "--store", tmp_path / "store", folder)
    assert result.exit_code == 1
    assert "permission denied" in result.stderr and "no plan files" not in result.stderr


def test_cli_build_unreadable_subfolder_is_reported_not_skipped(tmp_path: Path, monkeypatch):
    write_plan(tmp_path / "plans", "plan.txt")
    write_plan(tmp_path / "plans" / "sub", "other.txt", city="青山市")
    real_scandir = os.scandir

    def denied(path="."):
        if Path(path) == tmp_path / "plans" / "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    result = invoke("build", "--store", tmp_path / "store", tmp_path / "plans")
    assert result.exit_code == 1
    assert f"{tmp_path / 'plans' / 'sub'}: permission denied" in result.stderr
    assert "built 1 plans (1 failed)" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX byte file names")
@pytest.mark.parametrize("command", ["build", "extract"])
def test_cli_non_utf8_file_name_is_read_and_shown_decoded(tmp_path: Path, command: str):
    text = write_plan(tmp_path, "plan.txt").read_bytes()
    folder = tmp_path / "zip"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), "方案.txt".encode("gbk")), "wb") as out:
        out.write(text)
    name = os.fsdecode(os.path.join(os.fsencode(folder), "方案.txt".encode("gbk")))
    args = ["build", "--store", tmp_path / "store", folder] if command == "build" else ["extract", name]
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    if command == "extract":
        assert "方案.txt" in result.stdout
