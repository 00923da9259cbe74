"""A learner's trial of the demos: what a page or a picture shows must teach something."""
import json
import re

import pytest

from demos import _html, _plot, moons


def _snapshots(page):
    data = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    return json.loads(data.group(1))["snapshots"]


def test_moons_page_draws_a_sample_whose_grads_are_not_all_zero(tmp_path, monkeypatch, capsys):
    # The hinge loss of a point beyond the margin is 0, and so is every grad of its graph:
    # a page of zeros shows no backpropagation. X[0] of the default moons is such a point.
    pytest.importorskip("graphviz")
    from autograd.drawing import render
    if not render.find_renderers():
        pytest.skip("no Graphviz renderer installed")
    monkeypatch.setattr(_plot, "pyplot", lambda: None)  # text plots: the page is what's tested
    monkeypatch.setattr(_html, "GRID", 4)
    assert moons.main(["--steps", "10", "--html", "--out", str(tmp_path), "--every", "100"]) == 0
    snapshots = _snapshots((tmp_path / "training.html").read_text(encoding="utf-8"))
    grads = [float(v[2]) for s in snapshots for v in s["values"][:-1]]  # the loss's own is 1
    assert sum(g != 0.0 for g in grads) > len(grads) // 4


def test_the_hardest_sample_is_the_one_nearest_the_other_class():
    X = [[0.0, 0.0], [5.0, 5.0], [0.5, 0.0], [9.0, 9.0]]
    assert moons.hardest_sample(X, [1, 1, -1, -1]) == 0
    assert moons.hardest_sample([[1.0, 2.0]], [1]) == 0  # one class only: still a sample
