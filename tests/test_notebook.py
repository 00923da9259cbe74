"""docs/tutorial.ipynb: made from docs/tutorial.md, stripped of outputs, and it runs in a real kernel."""
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs"))
import build_notebook  # noqa: E402

NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"
MARKDOWN = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")


def test_the_notebook_is_made_from_the_tutorial():
    assert build_notebook.main(["--check"]) == 0, "run python docs/build_notebook.py"
    assert NOTEBOOK.read_text(encoding="utf-8") == build_notebook.render(MARKDOWN)


def test_the_notebook_is_stored_without_outputs():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert len(code) > 20
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert not any(">>> " in "".join(c["source"]) for c in code)


def test_a_stale_notebook_is_reported(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(build_notebook, "DOCS", tmp_path)
    (tmp_path / "tutorial.md").write_text("# T\n```python\n>>> 1 + 1\n2\n```\n", encoding="utf-8")
    assert build_notebook.main(["--check"]) == 1 and "out of date" in capsys.readouterr().out
    assert build_notebook.main([]) == 0 and build_notebook.main(["--check"]) == 0


def _text_of(output):
    if output["output_type"] == "stream":
        return "".join(output["text"])
    return "".join(output.get("data", {}).get("text/plain", ""))


def test_the_notebook_runs_and_shows_what_the_tutorial_shows(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")  # step 3 draws a graph
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    notebook = nbformat.reads(NOTEBOOK.read_text(encoding="utf-8"), as_version=4)
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in notebook.cells if c.cell_type == "code"]
    expected = [want for kind, _, want in build_notebook.cells_of(MARKDOWN) if kind == "code"]
    assert len(code) == len(expected)
    for cell, want in zip(code, expected):
        shown = "".join(_text_of(o) for o in cell.outputs)
        if want:  # what the kernel shows is what the tutorial says it shows
            assert shown.strip() == want.strip(), cell.source
    drawn = [c for c in code if c.source.strip().startswith("draw(")]
    assert drawn, "the notebook displays a drawing"
    for cell in drawn:
        kinds = {k for o in cell.outputs for k in o.get("data", {})}
        assert kinds & {"text/html", "image/svg+xml"}, (cell.source, kinds)


def test_the_converters_examples():
    import doctest
    assert doctest.testmod(build_notebook).failed == 0


def test_the_converter_refuses_unknown_flags_without_writing(monkeypatch, tmp_path):
    monkeypatch.setattr(build_notebook, "DOCS", tmp_path)
    (tmp_path / "tutorial.md").write_text("# T\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        build_notebook.main(["--chek"])
    assert stop.value.code == 2 and not (tmp_path / "tutorial.ipynb").exists()
