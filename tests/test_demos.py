"""The demos run end to end at reduced size, reach their accuracy, and write valid files."""
import csv
import doctest
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from demos import __main__ as entry
from demos import _cli, _plot, _textplot, digits, moons, regression, spirals, xor
from demos._progress import Progress
from nn import MLP, make_xor

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"
DEMOS = {"xor": xor, "moons": moons, "spirals": spirals, "regression": regression, "digits": digits}
# Reduced runs: a few seconds each on a slow machine, still enough to learn the task.
SMALL = {
    "xor": ["--epochs", "600", "--every", "200"],
    "moons": ["--samples", "40", "--steps", "30", "--every", "10"],
    "spirals": ["--samples", "120", "--epochs", "15", "--every", "5"],
    "regression": ["--samples", "40", "--epochs", "40", "--every", "10"],
    "digits": ["--samples", "250", "--epochs", "3", "--hidden", "12", "--batch-size", "10", "--lr", "0.03"],
}


def run(name, tmp_path, capsys, *extra):
    code = DEMOS[name].main(SMALL[name] + ["--seed", "0", "--out", str(tmp_path), *extra])
    out = capsys.readouterr().out
    assert code == 0, out
    for path in re.findall(r"^wrote (.+)$", out, flags=re.MULTILINE):  # every path printed exists
        assert Path(path).is_file(), path
    return out


def history(tmp_path):
    with open(tmp_path / "history.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def assert_png(path):
    assert path.read_bytes()[:8] == PNG, f"{path} is not a PNG"


def assert_svg(path):
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg"), f"{path} is not an SVG"


# ----- the entry point and the command lines ------------------------------------------------
def test_entry_point_lists_every_demo(capsys):
    assert entry.main([]) == 0
    listing = capsys.readouterr().out
    for name in DEMOS:
        assert re.search(rf"^\s+{name}\s+\S", listing, flags=re.MULTILINE), listing


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_help_describes_the_options(name, capsys):
    with pytest.raises(SystemExit) as stop:
        entry.main([name, "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert f"python -m demos {name}" in text and "--seed" in text and "--out" in text


def test_only_demos_that_draw_plots_take_a_format(capsys):
    from demos import pytorch
    with pytest.raises(SystemExit) as stop:  # refused before PyTorch is looked for
        pytorch.main(["--format", "svg"])
    assert stop.value.code == 2 and "unrecognized arguments: --format svg" in capsys.readouterr().err


def test_a_demo_runs_as_a_script_from_anywhere(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "demos" / "regression.py"), "--help"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--epochs" in done.stdout


@pytest.mark.parametrize("argv, message", [
    (["--steps", "0"], "expected a number >= 1"),
    (["--noise", "-0.5"], "expected a number >= 0.0"),
    (["--steps", "many"], "expected a whole number"),
])
def test_bad_options_are_usage_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as stop:
        moons.main(argv)
    assert stop.value.code == 2 and message in capsys.readouterr().err


def test_out_must_be_a_directory(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(SystemExit) as stop:
        regression.main(["--out", str(blocker / "sub"), "--epochs", "1"])
    assert stop.value.code == 2 and "--out" in capsys.readouterr().err
    assert blocker.read_text() == "not a directory"


# ----- each demo end to end, with matplotlib ------------------------------------------------
def test_xor_gradients_match_the_hand_derivation_then_it_learns(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = run("xor", tmp_path, capsys)
    worst = float(re.search(r"max \|backward\(\) - by hand\| = (\S+)", out).group(1))
    assert worst <= 1e-12
    rows = history(tmp_path)
    assert len(rows) == 600 and float(rows[-1]["accuracy"]) == 1.0
    assert float(rows[-1]["loss"]) < 0.1 * float(rows[0]["loss"])
    table = re.findall(r"^\s+([01])\s+([01])\s+([01])\s+(\S+)\s+([01])$", out, flags=re.MULTILINE)
    truth_table = [("0", "0", "0"), ("0", "1", "1"), ("1", "0", "1"), ("1", "1", "0")]
    assert [(a, b, t) for a, b, t, _, _ in table] == truth_table
    assert all(t == predicted for _, _, t, _, predicted in table)
    for name in ("curves.png", "regions.png"):
        assert_png(tmp_path / name)
    if can_render():
        assert_svg(tmp_path / "graph.svg")
        svg = (tmp_path / "graph.svg").read_text(encoding="utf-8")
        assert "loss" in svg and "layers.0.neurons.0.w.0" in svg and "x1" in svg
    else:  # tested on its own below
        assert "graph not" in out


def can_render():
    try:
        import graphviz  # noqa: F401
    except ImportError:
        return False
    from autograd.drawing.render import find_renderers
    return bool(find_renderers())


def test_xor_without_a_renderer_writes_the_dot_file_and_says_how_to_render(tmp_path, capsys, monkeypatch):
    pytest.importorskip("graphviz")
    from autograd.drawing import render
    monkeypatch.setattr(render, "find_renderers", lambda: [])
    assert xor.main(["--epochs", "5", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "graph not rendered" in out and "apt-get install graphviz" in out
    assert not (tmp_path / "graph.svg").exists()
    assert (tmp_path / "graph.dot").read_text(encoding="utf-8").startswith("digraph")
    assert f"wrote {tmp_path / 'graph.dot'}" in out
    assert f"wrote {tmp_path / 'regions.png'}" in out or "matplotlib is not installed" in out


def test_xor_without_the_graphviz_package_still_runs(tmp_path, capsys, monkeypatch):
    from autograd.drawing import render
    monkeypatch.setitem(sys.modules, "graphviz", None)
    render._drawing_class.cache_clear()  # forget a Drawing class built with the real package
    try:
        assert xor.main(["--epochs", "5", "--out", str(tmp_path)]) == 0
    finally:
        render._drawing_class.cache_clear()
    out = capsys.readouterr().out
    assert "graph not drawn" in out and "pip install" in out
    assert "wrote" in out and not (tmp_path / "graph.svg").exists()


@pytest.mark.parametrize("hidden, seed", [(2, 0), (3, 1), (4, 2)])
def test_hand_gradients_equal_backward(hidden, seed):
    model = MLP(2, [hidden, 1], activation=["sigmoid", "sigmoid"], seed=seed)
    X, y = make_xor()
    xor.half_squared_error(model, X, y).backward()
    by_hand = xor.hand_gradients(model, X, y)
    assert set(by_hand) == {name for name, _ in model.named_parameters()}
    for name, p in model.named_parameters():
        assert p.grad != 0.0 and abs(p.grad - by_hand[name]) <= 1e-12, name


def test_moons_reaches_high_training_accuracy(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = run("moons", tmp_path, capsys)
    rows = history(tmp_path)
    assert len(rows) == 30 and list(rows[0]) == ["step", "loss", "accuracy"]
    assert float(rows[-1]["accuracy"]) >= 0.95 and float(rows[-1]["loss"]) < float(rows[0]["loss"])
    assert int(re.search(r"training accuracy after 30 steps: (\d+)%", out).group(1)) >= 95
    assert len(re.findall(r"^step\s+\d+/30 ", out, flags=re.MULTILINE)) == 3  # every 10 steps
    for name in ("curves.png", "regions.png"):
        assert_png(tmp_path / name)


def test_spirals_reaches_validation_accuracy(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    run("spirals", tmp_path, capsys)
    rows = history(tmp_path)
    assert len(rows) == 15 and {"val_loss", "val_accuracy"} <= set(rows[0])
    assert float(rows[-1]["val_accuracy"]) >= 0.85
    for name in ("curves.png", "regions.png"):
        assert_png(tmp_path / name)


def test_regression_fits_sin(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = run("regression", tmp_path, capsys, "--format", "svg")
    error = float(re.search(r"MSE against sin\(x\) itself (\S+)", out).group(1))
    assert error < 0.05
    rows = history(tmp_path)
    assert float(rows[-1]["loss"]) < 0.25 * float(rows[0]["loss"])
    for name in ("curves.svg", "fit.svg"):
        assert_svg(tmp_path / name)


# ----- without matplotlib: text plots, same training -----------------------------------------
@pytest.fixture
def no_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    monkeypatch.setattr(_plot, "_told", [])


@pytest.mark.parametrize("name, argv", [
    ("moons", ["--samples", "20", "--steps", "3"]),
    ("regression", ["--samples", "20", "--epochs", "3"]),
])
def test_without_matplotlib_text_plots_are_printed(name, argv, tmp_path, capsys, no_matplotlib):
    assert DEMOS[name].main(argv + ["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("matplotlib is not installed") == 1
    assert "* loss" in out  # the loss curve, as text
    if name == "moons":
        assert "regions: class 0 '.'  class 1 '-'" in out
    else:
        assert "- sin(x), the truth   * the network   . data" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.csv"]


# ----- the helpers --------------------------------------------------------------------------
def test_text_regions_put_each_point_in_its_cell():
    text = _textplot.regions([[0, 0, 1], [0, 1, 1]], [[0.1, 0.1], [2.9, 1.9]], [0, 1], (0, 3), (0, 2))
    rows = [line for line in text.splitlines() if line.strip().startswith("|")]
    assert rows == ["  |.-1|", "  |0.-|"]  # top row first; points overwrite their region's mark


def test_text_lines_span_the_data():
    text = _textplot.lines([([0, 10], [-1, 3], "*", "data")], "x", "y")
    inside = [line for line in text.splitlines() if line.strip().startswith("|")]
    assert len(inside) == _textplot.HEIGHT and "".join(inside).count("*") == 2
    assert text.splitlines()[-1] == "* data"
    assert re.search(r"^ 3 \+-", text, flags=re.MULTILINE) and re.search(r"^-1 \+-", text, flags=re.MULTILINE)


def test_progress_prints_every_n_steps_and_the_last(capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)  # a bar too, if tqdm is here
    with Progress(5, every=2, name="epoch") as progress:
        for step in range(1, 6):
            progress.update(step, loss=step / 10)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("epoch")]
    assert lines == ["epoch 2/5  loss 0.2000", "epoch 4/5  loss 0.4000", "epoch 5/5  loss 0.5000"]


def test_history_csv_leaves_out_empty_columns(tmp_path, capsys, no_matplotlib):
    rows = [{"epoch": 1, "loss": 0.5, "val_loss": None}, {"epoch": 2, "loss": 0.25, "val_loss": None}]
    args = _cli.parser("test", "", every=1).parse_args(["--out", str(tmp_path)])
    _cli.save_history(rows, args, "test")
    assert (tmp_path / "history.csv").read_text().splitlines() == ["epoch,loss", "1,0.5", "2,0.25"]
    assert capsys.readouterr().out.startswith(f"wrote {tmp_path / 'history.csv'}\n")


def test_readme_shows_every_demo_with_a_picture():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Demos\n", 1)[1].split("\n## ", 1)[0]
    for name in DEMOS:
        assert f"| `{name}` |" in section, name
    pictures = re.findall(r'<img src="([^"]+)"', section)
    assert len(pictures) == len(DEMOS)
    for picture in pictures:
        assert (ROOT / picture).is_file() and (ROOT / picture).stat().st_size < 60_000, picture


@pytest.mark.parametrize("module", [_cli, _plot, _textplot, sys.modules[Progress.__module__], xor],
                         ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_every_says_what_it_counts(capsys):
    with pytest.raises(SystemExit):
        moons.main(["--help"])
    assert "print progress every N steps" in capsys.readouterr().out  # moons counts full-batch steps
    with pytest.raises(SystemExit):
        spirals.main(["--help"])
    assert "print progress every N epochs" in capsys.readouterr().out


def test_expression_demo_names_the_gradients_plainly(capsys):
    from autograd import Value
    from demos import expression
    expression.main([])
    out = capsys.readouterr().out
    assert "d(d)" not in out
    a, b = Value(2.0), Value(-3.0)
    d = ((a * b + b ** 2) / 4).tanh() + a.exp().log() * b.sigmoid()
    d.backward()
    assert f"with respect to a (a.grad = {a.grad:.6g}) and to b (b.grad = {b.grad:.6g})" in out
