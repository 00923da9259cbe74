"""Type hints: mypy passes, strict, on the modules that setup.cfg's [mypy] section lists."""
import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def checked_files():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return [name.strip() for name in config["mypy"]["files"].split(",")]


def test_the_listed_modules_exist_and_are_strict():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    files = checked_files()
    assert files and all((ROOT / name).is_file() for name in files)
    modules = {name[:-3].replace("/", ".").removesuffix(".__init__") for name in files}  # nn/__init__.py: nn
    strict = [section for section in config.sections() if section.startswith("mypy-")
              and config[section].get("disallow_untyped_defs") == "True"]
    assert any(modules <= set(section[5:].split(",")) for section in strict), strict


def test_mypy_passes():
    if os.environ.get("CI") != "true":  # in CI a missing mypy is a failure, not a skip
        pytest.importorskip("mypy")
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"in {len(checked_files())} source files" in done.stdout


# A learner's typed script, checked with `mypy --strict`: what the public API's hints must
# accept, and what they must refuse.
USER_CODE = '''
from typing import Optional

from autograd import Value, compile, explain, grad, no_grad
from nn import MLP, SGD, DataLoader, StepLR, accuracy, cross_entropy, evaluate, fit, make_moons, mse_loss, softmax


@no_grad()
def scaled(x: Value, k: float = 2.0) -> Value:
    return x * k


def engine() -> float:
    a = Value(2.0, label="a")
    b = Value(-3)
    c = (a * b + b ** 2 - 1 / a + 2 ** a - a / b + 3 - a).tanh() + abs(b) + (-a).relu() + a.exp().log()
    c = c + a.sigmoid() + b.softplus() + b.leaky_relu(0.1) + a.sqrt() + a ** b
    c.backward()
    gradient: Optional[float] = a.grad
    best: Value = max([a, b, c])
    ordered: list[Value] = sorted([a, b])
    (dc,) = grad(c, [a])
    (second,) = grad(a * a * a, [a], create_graph=True)
    second.backward()
    with no_grad():
        d = a * 2
    flags = [a < b, a <= 1, 2 > a, a >= b, a == b, a != b, a is not b, d.is_leaf, callable(compile)]
    a.zero_grad(set_to_none=True)
    detached: Value = scaled(c.detach())
    return (best.data + ordered[0].item() + float(detached) + dc + second.data + (gradient or 0.0)
            + sum(flags) + len(c.op) + len(a.label))


def train() -> float:
    X, y = make_moons(20, noise=0.1, seed=0)
    model = MLP(2, [8, 1], activation="tanh", seed=0)
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = StepLR(optimizer, step_size=5)
    total = 0.0
    for xb, yb in DataLoader(X, y, batch_size=4, seed=0):
        optimizer.zero_grad()
        loss = mse_loss([model(x) for x in xb], [float(t) for t in yb])
        loss.backward()
        optimizer.step()
        total += loss.data
    scheduler.step()
    per_sample: list[Value] = mse_loss([Value(1.0)], [0.0], reduction="none")
    probabilities: list[Value] = softmax([Value(1.0), Value(2.0)])
    with no_grad():
        score: float = model([0.5, -0.5]).data
    step = explain(cross_entropy([Value(0.1), Value(0.2)], 1)).steps[0]
    history = fit(model, X, y, "mse", epochs=1, verbose=False, validation=(X, y))
    scores = evaluate(model, X, y, loss="mse")
    fraction: float = accuracy(model, X, y)
    return (total + model.eval().nin + step.contribution + len(per_sample) + probabilities[0].data + score
            + history[-1].loss + (scores["loss"] or 0.0) + fraction)
'''
MISTAKES = '''
from autograd import Value, no_grad
from nn import MLP, SGD, load_csv, make_moons, mse_loss
model = MLP("two", [1])
SGD(model.parameters(), lr="fast")
X, y = make_moons(n=10.5)
load_csv(3)
wrong: float = mse_loss([1.0], [0.0], reduction="none")
no_gradient_yet: float = Value(1.0).grad
Value(1.0) + "one"
Value(Value(1.0))
no_grad()(Value.exp)("two")
'''


def test_the_hints_accept_typical_code_and_refuse_mistakes(tmp_path):
    if os.environ.get("CI") != "true":
        pytest.importorskip("mypy")
    (tmp_path / "user_code.py").write_text(USER_CODE, encoding="utf-8")
    (tmp_path / "mistakes.py").write_text(MISTAKES, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-error-summary",
                           str(tmp_path / "user_code.py"), str(tmp_path / "mistakes.py")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if "user_code.py" in e], done.stdout
    # One error on each line of MISTAKES after the imports (lines 4 to 12 of the file).
    lines = sorted(int(e.split(":")[1]) for e in errors if "mistakes.py" in e)
    assert lines == list(range(4, 13)), done.stdout
