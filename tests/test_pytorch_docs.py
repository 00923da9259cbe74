"""docs/pytorch.md, the tutorial's last step: every example runs as shown beside PyTorch."""
from pathlib import Path

import pytest

from test_docs import run_markdown_examples

DOC = Path(__file__).resolve().parent.parent / "docs" / "pytorch.md"


def test_examples_run_as_shown(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    monkeypatch.chdir(tmp_path)
    result = run_markdown_examples(DOC)
    assert result.failed == 0 and result.attempted > 30


def test_the_tutorial_links_here_as_its_last_step():
    tutorial = (DOC.parent / "tutorial.md").read_text(encoding="utf-8")
    last_step = tutorial.split("\n## 9. ", 1)[1].split("\n## ", 1)[0]
    assert "(pytorch.md)" in last_step and "python -m demos pytorch" in last_step
