"""docs/tutorial.md and its Russian translation: nine steps (the last towards PyTorch) whose
examples run as shown, with working links and pictures, and the same code in both languages."""
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from test_docs import run_markdown_examples

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"
RUSSIAN = ROOT / "docs" / "tutorial.ru.md"
IMAGES = ROOT / "docs" / "images"
TEXT = TUTORIAL.read_text(encoding="utf-8")
# Each translation, with how it says "In the code:" at the end of a step.
TUTORIALS = {TUTORIAL: "In the code:", RUSSIAN: "В коде:"}


def code_blocks(path):
    return re.findall(r"^```python\n(.*?)^```", path.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.name)
def test_examples_run_as_shown(path, tmp_path, monkeypatch):
    pytest.importorskip("graphviz")  # step 3 draws a graph
    monkeypatch.chdir(tmp_path)      # anything an example writes stays out of the checkout
    result = run_markdown_examples(path)
    assert result.failed == 0 and result.attempted > 50


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.name)
def test_nine_steps_each_with_examples_and_a_pointer_to_the_code(path):
    sections = re.split(r"^## ", path.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
    steps = [s for s in sections if re.match(r"\d\. ", s)]
    assert [int(s[0]) for s in steps] == list(range(1, 10))
    pointer = re.escape(TUTORIALS[path]) + r"\s.*\]\(\.\./(nn|autograd)/[\w/]+\.py\)"
    for step in steps:
        title = step.splitlines()[0]
        assert ">>> " in step, title
        assert re.search(pointer, step, flags=re.DOTALL), title


def test_the_translation_has_the_same_code():
    # The Russian tutorial translates the prose only: a reader can follow either one.
    english, russian = code_blocks(TUTORIAL), code_blocks(RUSSIAN)
    assert len(english) > 10
    for n, (en, ru) in enumerate(zip(english, russian), 1):
        assert en == ru, f"code block {n} differs between tutorial.md and tutorial.ru.md"
    assert len(english) == len(russian)


def test_the_translation_links_both_ways():
    assert "](tutorial.md)" in RUSSIAN.read_text(encoding="utf-8")
    assert "](tutorial.ru.md)" in TEXT
    assert "docs/tutorial.ru.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.name)
def test_every_link_and_picture_exists(path):
    prose = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)
    targets = re.findall(r"\]\(([^)#\s]+)", prose)
    assert any(t.startswith("images/") for t in targets) and any(t.startswith("../demos/") for t in targets)
    for target in targets:
        assert (path.parent / target).exists(), target


@pytest.mark.parametrize("name", sorted(set(re.findall(r"\]\(images/([^)]+)\)", TEXT))))
def test_pictures_are_small_and_valid(name):
    path = IMAGES / name
    assert path.stat().st_size < 60_000, f"{path.name} is {path.stat().st_size} bytes: keep pictures small"
    if path.suffix == ".svg":
        assert ET.parse(path).getroot().tag.endswith("svg")
    else:
        assert path.suffix == ".png" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
