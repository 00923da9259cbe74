"""The examples in docstrings and in the README run as shown."""
import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import autograd

ROOT = Path(__file__).resolve().parent.parent
# Modules whose examples need optional packages are checked in their own test files.
OPTIONAL = {"autograd.drawing", "autograd.drawing.dot", "autograd.drawing.render"}
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(autograd.__path__, "autograd.")
    if m.name not in OPTIONAL
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def run_markdown_examples(path):
    """Run the `>>>` examples of a Markdown file; code fences end an example's output."""
    text = re.sub(r"^\s*```.*$", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    test = doctest.DocTestParser().get_doctest(text, {}, path.name, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    return runner.summarize(verbose=False)


def test_readme_examples():
    result = run_markdown_examples(ROOT / "README.md")
    assert result.failed == 0 and result.attempted > 5
