"""compile(..., backward=False) as array code: the same outputs as the Python forward pass."""
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest

import nn
from autograd import Value, compile, no_grad

np = pytest.importorskip("numpy")

ACTIVATIONS = ["relu", "tanh", "sigmoid", "linear", "leaky_relu", "leaky_relu(0.2)"]


def forward_of(model):
    return lambda xb, yb: [model(x) for x in xb]


def assert_rows_close(got, want, rel=1e-12):
    assert len(got) == len(want)
    for a, b in zip(got, want):
        a, b = (a, b) if isinstance(b, list) else ([a], [b])
        assert isinstance(a, list) and len(a) == len(b)
        for u, v in zip(a, b):
            assert type(u) is float
            assert abs(u - v) <= rel * max(1.0, abs(v)), (u, v)


def engine_outputs(model, X):
    """Each row's output(s) from the dynamic engine: the reference."""
    with no_grad():
        outs = [model(x) for x in X]
    return [[v.data for v in out] if isinstance(out, list) else out.data for out in outs]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("nouts", [[5, 3], [4, 1], [6, 5, 2]])
def test_array_forward_equals_the_engine(activation, nouts):
    rng = random.Random(len(nouts) * 7 + len(activation))
    model = nn.MLP(4, nouts, activation=activation, seed=rng.randrange(1000))
    step = compile(forward_of(model), model.parameters(), backward=False, backend="numpy")
    python = compile(forward_of(model), model.parameters(), backward=False)
    for n in (1, 2, 7, 30, 7):
        X = [[rng.uniform(-2, 2) for _ in range(4)] for _ in range(n)]
        want = engine_outputs(model, X)
        assert_rows_close(step(X), want)
        assert_rows_close(step(np.asarray(X)), want)  # rows as an array: the same numbers
        assert_rows_close(python(X), want)
    assert step.stats["backend"] == "numpy"
    assert "@" in step.source  # a layer is a matrix product, not a line per weight


def test_parameters_change_between_calls():
    model = nn.MLP(3, [4, 2], seed=1)
    step = compile(forward_of(model), model.parameters(), backward=False, backend="numpy")
    X = [[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]] * 3
    step(X)
    for p in model.parameters():
        p.data += 0.25
    assert_rows_close(step(X), engine_outputs(model, X))


def test_a_single_value_per_row_is_a_float():
    w = [Value(0.5), Value(-1.5)]
    step = compile(lambda xb, yb: [(w[0] * x[0] + w[1] * x[1]).tanh() for x in xb], w,
                   backward=False, backend="numpy")
    X = [[0.3, 0.2], [1.0, 2.0], [-1.0, 0.5], [0.0, 0.0]]
    assert_rows_close(step(X), [math.tanh(0.5 * a - 1.5 * b) for a, b in X])


def test_rows_of_several_lengths_and_values_of_the_parameters_alone():
    W = [Value(0.3), Value(-0.7), Value(1.1)]

    def fn(xb, yb):  # a row's length decides its graph; W[2].tanh() is the same for every row
        return [sum((w * x for w, x in zip(W, row)), W[2].tanh()) * W[0] for row in xb]
    step = compile(fn, W, backward=False, backend="numpy")
    python = compile(fn, W, backward=False)
    X = [[0.5, 1.0], [0.1, 0.2, 0.3], [2.0, -1.0], [1.0, 1.0, 1.0], [0.0, 4.0]]
    want = [v.data for v in fn([[Value(x) for x in row] for row in X], None)]
    assert_rows_close(step(X), want)
    assert_rows_close(python(X), want)
    assert step.stats["kinds"] == 2 and step.stats["backend"] == "numpy"


def test_auto_takes_arrays_only_where_they_pay():
    wide = nn.MLP(64, [32, 10], seed=0)
    step = compile(forward_of(wide), wide.parameters(), backward=False, backend="auto")
    rng = random.Random(0)
    X = [[rng.random() for _ in range(64)] for _ in range(40)]
    assert_rows_close(step(X), engine_outputs(wide, X))
    assert step.stats["backend"] == "numpy"
    tiny = nn.MLP(2, [2, 1], seed=0)
    small = compile(forward_of(tiny), tiny.parameters(), backward=False, backend="auto")
    assert_rows_close(small([[1.0, 2.0], [0.5, -0.5]]), engine_outputs(tiny, [[1.0, 2.0], [0.5, -0.5]]))
    assert small.stats["backend"] == "python"


def test_torch_runs_the_same_forward_pass():
    pytest.importorskip("torch")
    model = nn.MLP(5, [6, 3], activation="tanh", seed=2)
    step = compile(forward_of(model), model.parameters(), backward=False, backend="torch")
    X = [[0.1 * (i + k) for k in range(5)] for i in range(9)]
    assert_rows_close(step(X), engine_outputs(model, X))


def test_evaluate_and_predict_compiled_equal_the_engine():
    X, y = nn.load_digits()
    X, y = X[:300], y[:300]
    model = nn.MLP(64, [16, 10], seed=3)
    for loss in ("cross_entropy", None):
        got = nn.evaluate(model, X, y, loss=loss, compile=True)
        want = nn.evaluate(model, X, y, loss=loss)
        assert got["accuracy"] == want["accuracy"]
        assert got["loss"] == pytest.approx(want["loss"], rel=1e-12) if loss else got["loss"] is None
    assert nn.predict(model, X, compile=True) == nn.predict(model, X)
    labels = np.array(y)  # NumPy labels: the accuracy is still a Python float, as with a list
    for compiled in (True, False):
        assert type(nn.evaluate(model, X, labels, compile=compiled)["accuracy"]) is float
    from nn.evaluation import _FORWARD
    assert _FORWARD[model][0].backend == "auto" and _FORWARD[model][0].stats["backend"] == "numpy"


def test_compiled_evaluate_without_numpy_is_python():
    code = ("import sys; sys.modules['numpy'] = None\n"
            "import nn\n"
            "from nn.evaluation import _FORWARD\n"
            "m = nn.MLP(3, [4, 2], seed=0); X = [[0.1, 0.2, 0.3], [1.0, 0.0, -1.0]] * 5; y = [0, 1] * 5\n"
            "a = nn.evaluate(m, X, y, 'cross_entropy', compile=True); b = nn.evaluate(m, X, y, 'cross_entropy')\n"
            "assert a['accuracy'] == b['accuracy'] and abs(a['loss'] - b['loss']) < 1e-12, (a, b)\n"
            "assert _FORWARD[m][0].backend == 'python' and _FORWARD[m][0].stats['backend'] == 'python'\n"
            "assert len(nn.fit(m, X, y, 'cross_entropy', compile=True, epochs=2, verbose=False)) == 2")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)


def test_the_source_of_a_forward_pass():
    model = nn.MLP(2, [3, 2], activation="tanh", seed=0)
    step = compile(forward_of(model), model.parameters(), backward=False, backend="numpy")
    X = [[1.0, 2.0], [0.5, 0.1], [0.3, 0.3], [1.0, 1.0]]
    assert_rows_close(step(X), engine_outputs(model, X))
    body = [line.split("#")[0].rstrip() for line in step.source.splitlines()[7:]]
    assert body == ["    j, x = groups[0]", "    n = len(j)",
                    "    b1 = P[2:9:3]", "    W1 = P[0:9].reshape(3, 3)[:, :2]", "    z1 = b1 + x @ W1.T",
                    "    h1 = tanh(z1)",
                    "    b2 = P[12:17:4]", "    W2 = P[9:17].reshape(2, 4)[:, :3]", "    z2 = b2 + h1 @ W2.T",
                    "    return z2"]


def test_values_of_the_parameters_alone_are_computed_once():
    W = [Value(0.3), Value(-0.7), Value(1.1)]

    def fn(xb, yb):
        t = W[2].tanh() * W[1]  # one node for all the rows: computed from the parameters alone
        return [(W[0] * row[0] + W[1] * row[1]) * t for row in xb]
    step = compile(fn, W, backward=False, backend="numpy")
    X = [[0.5, 1.0], [0.1, 0.2], [2.0, -1.0], [1.0, 1.0], [0.0, 4.0]]
    assert_rows_close(step(X), [v.data for v in fn([[Value(x) for x in row] for row in X], None)])
    assert "p0, p1, p2 = params" in step.source and "Q = asarray(" in step.source
    W[2].data = -0.4  # read again at each call
    assert_rows_close(step(X), [v.data for v in fn([[Value(x) for x in row] for row in X], None)])
