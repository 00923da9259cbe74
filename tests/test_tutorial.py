"""docs/tutorial.md: nine steps (the last towards PyTorch) whose examples run as shown, with working links and pictures."""
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from test_docs import run_markdown_examples

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"
IMAGES = ROOT / "docs" / "images"
TEXT = TUTORIAL.read_text(encoding="utf-8")


def test_examples_run_as_shown(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")  # step 3 draws a graph
    monkeypatch.chdir(tmp_path)      # anything an example writes stays out of the checkout
    result = run_markdown_examples(TUTORIAL)
    assert result.failed == 0 and result.attempted > 50


def test_eight_steps_each_with_examples_and_a_pointer_to_the_code():
    sections = re.split(r"^## ", TEXT, flags=re.MULTILINE)[1:]
    steps = [s for s in sections if re.match(r"\d\. ", s)]
    assert [int(s[0]) for s in steps] == list(range(1, 10))
    for step in steps:
        title = step.splitlines()[0]
        assert ">>> " in step, title
        assert re.search(r"In the code:\s.*\]\(\.\./(nn|autograd)/\w+\.py\)", step, flags=re.DOTALL), title


def test_every_link_and_picture_exists():
    prose = re.sub(r"^```.*?^```", "", TEXT, flags=re.MULTILINE | re.DOTALL)  # code has ](...) too
    targets = re.findall(r"\]\(([^)#\s]+)", prose)
    assert any(t.startswith("images/") for t in targets) and any(t.startswith("../demos/") for t in targets)
    for target in targets:
        assert (TUTORIAL.parent / target).exists(), target


@pytest.mark.parametrize("name", sorted(set(re.findall(r"\]\(images/([^)]+)\)", TEXT))))
def test_pictures_are_small_and_valid(name):
    path = IMAGES / name
    assert path.stat().st_size < 60_000, f"{path.name} is {path.stat().st_size} bytes: keep pictures small"
    if path.suffix == ".svg":
        assert ET.parse(path).getroot().tag.endswith("svg")
    else:
        assert path.suffix == ".png" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
