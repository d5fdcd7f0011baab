"""`policykg dump` / `policykg restore` (graph/bulk.py): a dump rebuilds an identical store."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.cli import app
from policykg.graph.store import Store
from policykg.queries import list_queries

CORE_QUERIES = ["plans", "measures", "responsibilities", "citations", "targets", "people"]  # DESIGN.md


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def snapshot(folder: Path) -> tuple[int, int, dict[str, set[tuple]]]:
    with Store.open(folder) as store:
        answers = {q.name: {tuple(r) for r in store.run_query(q, {}).rows} for q in list_queries()}
        return len(store), sum(1 for _ in store.raw.named_graphs()), answers


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_dump_then_restore_gives_the_same_store(tmp_path: Path, seed_store: Path, fmt: str):
    out = tmp_path / f"corpus.{fmt}"
    result = invoke("dump", "--store", str(seed_store), "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    result = invoke("restore", str(out), "--store", str(tmp_path / "copy"))
    assert result.exit_code == 0, result.output
    original, copy = snapshot(seed_store), snapshot(tmp_path / "copy")
    assert copy == original and original[0] > 1000
    assert all(original[2][name] for name in CORE_QUERIES)  # answers to compare


def test_dump_to_stdout_is_nquads_then_the_trailer(seed_store: Path):
    result = invoke("dump", "--store", str(seed_store), "--out", "-")
    assert result.exit_code == 0
    *lines, trailer = result.stdout_bytes.decode("utf-8").splitlines()
    with Store.open(seed_store) as store:
        assert len(lines) == len(store)
        assert trailer.startswith(f"# policykg-dump quads={len(store)} sha256=")
    assert all(line.endswith(" .") for line in lines)


# -- integrity: a cut or damaged dump is refused, the target store untouched (issue #20) ----------


@pytest.fixture(scope="module")
def dumped(tmp_path_factory, seed_store: Path) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("dumps")
    files = {}
    for fmt in ("nq", "trig"):
        out = folder / f"corpus.{fmt}"
        assert invoke("dump", "--store", str(seed_store), "--out", str(out)).exit_code == 0
        files[fmt] = out.read_bytes()
    return files


def cut_at_line(data: bytes, share: float) -> bytes:
    """`data` cut after a whole line (the hardest cut to notice: every line still parses)."""
    return data[: data.rfind(b"\n", 0, int(len(data) * share)) + 1]


def line_dropped(body: bytes) -> bytes:
    """`body` without one whole line from its middle (every other line still parses)."""
    middle = body.rfind(b"\n", 0, len(body) // 2) + 1
    return body[:middle] + body[body.index(b"\n", middle) + 1:]


@pytest.mark.parametrize("fmt", ["nq", "trig"])
@pytest.mark.parametrize("damage", ["cut at a line end", "cut mid line", "no trailer", "one byte changed",
                                    "line dropped", "empty"])
def test_restore_refuses_a_cut_or_damaged_dump_and_leaves_the_store_unchanged(
        tmp_path: Path, dumped: dict[str, bytes], fmt: str, damage: str):
    data = dumped[fmt]
    body = data[: data.rfind(b"# policykg-dump")]
    damaged = {
        "cut at a line end": cut_at_line(data, 0.1),
        "cut mid line": data[: len(data) // 3],
        "no trailer": body,
        "one byte changed": data[:5000] + bytes([data[5000] ^ 1]) + data[5001:],
        "line dropped": line_dropped(body) + data[len(body):],
        "empty": b"",
    }[damage]
    dump = tmp_path / f"cut.{fmt}"
    dump.write_bytes(damaged)
    target = tmp_path / "copy"
    result = invoke("restore", str(dump), "--store", str(target))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"error: {dump}: ") and result.stderr.count("\n") == 1
    assert "dump" in result.stderr
    assert not target.exists()  # nothing was created, let alone loaded


def test_restore_checks_the_quad_count_against_the_trailer(tmp_path: Path, dumped: dict[str, bytes]):
    import hashlib

    data = dumped["nq"]
    body = data[: data.rfind(b"# policykg-dump")]
    lines = body.splitlines(keepends=True)
    doubled = b"".join(lines) + lines[0]  # a duplicate quad: the store ends with one quad fewer
    count = len(lines) + 1
    dump = tmp_path / "dup.nq"
    dump.write_bytes(doubled + f"# policykg-dump quads={count} sha256={hashlib.sha256(doubled).hexdigest()}\n".encode())
    result = invoke("restore", str(dump), "--store", str(tmp_path / "copy"))
    assert result.exit_code == 1 and f"records {count}" in result.stderr


def test_restore_no_verify_loads_nquads_made_elsewhere(tmp_path: Path, dumped: dict[str, bytes]):
    data = dumped["nq"]
    dump = tmp_path / "other.nq"
    dump.write_bytes(data[: data.rfind(b"# policykg-dump")])
    assert invoke("restore", str(dump), "--store", str(tmp_path / "a")).exit_code == 1
    result = invoke("restore", str(dump), "--no-verify", "--store", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output


def test_dump_writes_a_temporary_file_and_renames_it_at_the_end(tmp_path: Path, seed_store: Path,
                                                               monkeypatch):
    from policykg.graph import bulk

    out = tmp_path / "corpus.nq"
    out.write_bytes(b"an older dump\n")

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the dump stops half way

    with Store.open(seed_store) as store:
        monkeypatch.setattr(bulk, "_dump_to", killed)
        with pytest.raises(KeyboardInterrupt):
            bulk.dump_store(store, out)
    assert out.read_bytes() == b"an older dump\n"  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.nq"]  # no partial file left


def test_restore_refuses_a_store_with_data(tmp_path: Path, seed_store: Path):
    out = tmp_path / "corpus.nq"
    assert invoke("dump", "--store", str(seed_store), "--out", str(out)).exit_code == 0
    result = invoke("restore", str(out), "--store", str(seed_store))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "not empty" in result.stderr
    assert result.stderr.count("\n") == 1


def test_dump_unknown_format_and_missing_dump_are_one_line_errors(tmp_path: Path, seed_store: Path):
    result = invoke("dump", "--store", str(seed_store), "--format", "xml", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1 and "unknown dump format" in result.stderr
    result = invoke("restore", str(tmp_path / "gone.nq"), "--store", str(tmp_path / "s"))
    assert result.exit_code == 1 and "no such dump file" in result.stderr
