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


def test_training_page_boxes_are_wide_enough_for_every_epochs_numbers(tmp_path, monkeypatch, capsys):
    # The graph is laid out once, with the last epoch's numbers; the slider then writes other
    # epochs' numbers into the same boxes. XOR's epoch 1 has "data -5.239e-04" where the last
    # has "data 1.5884": the longer text spilled over the grad beside it.
    pytest.importorskip("graphviz")
    from autograd.drawing import render
    if not render.find_renderers():
        pytest.skip("no Graphviz renderer installed")
    from demos import xor
    monkeypatch.setattr(_plot, "pyplot", lambda: None)
    monkeypatch.setattr(_html, "GRID", 4)
    assert xor.main(["--epochs", "20", "--html", "--out", str(tmp_path), "--every", "100"]) == 0
    page = (tmp_path / "training.html").read_text(encoding="utf-8")
    snapshots = _snapshots(page)
    svg = page[page.index("<svg"):page.index('<script type="application/json"')]
    drawn = {}  # node name -> {"data": text, "grad": text} as laid out
    for title, body in re.findall(r"<title>(v\d+)</title>(.*?)</g>", svg, re.S):
        for text in re.findall(r">((?:data|grad) [^<]*)</text>", body):
            drawn.setdefault(title, {})[text[:4]] = text.replace("&#160;", " ").replace("\xa0", " ")
    longest, last = {}, {}
    for s in snapshots:
        for name, data, grad in s["values"]:
            for kind, text in (("data", data), ("grad", grad)):
                last[name, kind] = len(f"{kind} {text}")
                longest[name, kind] = max(longest.get((name, kind), 0), last[name, kind])
    assert any(longest[k] > last[k] for k in last)  # some epoch's number is wider than the last's
    for (name, kind), width in longest.items():
        if name in drawn:
            assert len(drawn[name][kind]) >= width, (name, kind, drawn[name][kind], width)


@pytest.mark.parametrize("demo, option", [("xor", "--lr"), ("moons", "--noise"), ("regression", "--lr")])
def test_an_infinite_number_is_a_usage_error_not_a_traceback(demo, option, tmp_path, capsys):
    import importlib
    main = importlib.import_module(f"demos.{demo}").main
    with pytest.raises(SystemExit) as stop:
        main([option, "inf", "--out", str(tmp_path)])
    assert stop.value.code == 2
    assert f"argument {option}: expected a finite number, got inf" in capsys.readouterr().err


def test_spirals_refuses_more_classes_than_it_has_colours(tmp_path, capsys):
    # Class 10 was drawn in class 0's colour and marker, and the text plots print one digit a class.
    from demos import spirals
    with pytest.raises(SystemExit) as stop:
        spirals.main(["--classes", "11", "--epochs", "1", "--out", str(tmp_path)])
    assert stop.value.code == 2
    assert "argument --classes: expected at most 10" in capsys.readouterr().err
