"""`bench_scale.py report` regenerates only its own part of bench/RESULTS.md: the sections added by
hand after later runs (issue 24's) must survive a report, and a file without the markers is never
overwritten."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bench_scale():
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "bench_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_replaces_only_its_block_and_keeps_hand_written_sections():
    bench = _bench_scale()
    first = bench.merge_report(None, "# Scale\n\nintro\n\n## Machine\n\nold figures\n")
    assert first.startswith("# Scale\n\nintro\n\n" + bench.REPORT_BEGIN)
    edited = first.replace("intro\n", "intro\n\n## Status by hand\n", 1) + "\n## A later run, by hand\n\nkept\n"
    again = bench.merge_report(edited, "# Scale\n\nintro\n\n## Machine\n\nnew figures\n")
    assert "new figures" in again and "old figures" not in again
    assert "## Status by hand" in again and again.endswith("## A later run, by hand\n\nkept\n")


def test_report_does_not_overwrite_a_file_without_its_markers():
    bench = _bench_scale()
    with pytest.raises(ValueError, match="markers"):
        bench.merge_report("# Results written by hand\n", "# Scale\n\n## Machine\n\nx\n")


def test_shipped_results_file_carries_the_markers():
    text = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    bench = _bench_scale()
    assert text.index(bench.REPORT_BEGIN) < text.index(bench.REPORT_END)
