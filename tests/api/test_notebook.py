"""examples/researcher_tour.ipynb runs end to end (nbclient, a kernel on this venv's python)
against the seed corpus, and is committed without outputs."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "researcher_tour.ipynb"


def test_notebook_committed_without_outputs():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code
    assert all(c.get("outputs") == [] and c.get("execution_count") is None for c in code)


@pytest.fixture
def venv_kernel(tmp_path, monkeypatch) -> str:
    """A `python3` kernelspec that runs this interpreter, found first through JUPYTER_PATH."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (policykg venv)", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend shows the chart
    monkeypatch.setenv("POLICYKG_SEEDS", str(ROOT / "data" / "seeds"))
    # the tour keeps its store in a mkdtemp folder for the reader to open; in the suite that folder
    # goes under pytest's tmp_path, not into /tmp for good
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    return "python3"


def test_notebook_runs_clean(venv_kernel):
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, kernel_name=venv_kernel, timeout=300,
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "ingested 5 plans, 0 failed" in text
    assert "nodes," in text and "city.gexf" in text
    assert any("image/png" in o.get("data", {}) for o in outputs if o.output_type == "display_data")
    if Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc").exists():
        assert "missing from" not in text  # matplotlib found a CJK font for the labels
