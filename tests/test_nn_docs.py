"""The examples in nn's docstrings and in docs/nn.md run as shown."""
import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import nn
from test_docs import run_markdown_examples

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(f"nn.{m.name}" for m in pkgutil.iter_modules(nn.__path__))


@pytest.mark.parametrize("name", ["nn"] + MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_nn_md_examples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_markdown_examples(ROOT / "docs" / "nn.md")
    assert result.failed == 0 and result.attempted > 30
