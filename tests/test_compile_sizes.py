"""compile: a new batch size is checked against a trace of it, so a branch on len(xb) is not replayed wrong."""
import pytest
from compile_helpers import BACKENDS, assert_close, compiled, dynamic

import nn
from autograd import Value, compile

ALL = BACKENDS + ["auto", pytest.param("torch", marks=pytest.mark.skipif(
    __import__("importlib").util.find_spec("torch") is None, reason="PyTorch is not installed"))]
ROWS = [[0.5, -1.0], [1.0, 2.0], [-1.5, 0.25], [2.0, 1.0], [0.75, -0.5], [-0.25, 1.5], [1.25, 0.5],
        [-2.0, -1.0], [0.0, 0.5]]
TARGETS = [0.5, -0.25, 1.0, 0.0, 0.75, -1.0, 0.25, 0.5, -0.5]


def mean_for_big_batches(w, b):
    # Found by a new user: traced at 2 and 3 samples, the code for any size never divided,
    # and the very first batch (5 samples) got 5 times its loss, silently.
    def fn(rows, targets):
        total = sum((w * x[0] + b * x[1] - y) ** 2 for x, y in zip(rows, targets))
        return total / len(rows) if len(rows) >= 4 else total
    return fn


def l2_for_big_batches(w, b):
    def fn(rows, targets):
        mean = sum((w * x[0] + b * x[1] - y) ** 2 for x, y in zip(rows, targets)) / len(rows)
        return mean + (0.1 * (w * w + b * b) if len(rows) > 5 else 0.0)
    return fn


@pytest.mark.parametrize("backend", ALL)
@pytest.mark.parametrize("make", [mean_for_big_batches, l2_for_big_batches])
def test_a_loss_that_branches_on_the_batch_size(backend, make):
    w, b = Value(0.3), Value(-0.7)
    fn, params = make(w, b), [w, b]
    step = compile(fn, params, backend=backend)
    for n in (5, 3, 2, 7, 2, 4, 9, 3, 6):
        assert_close(compiled(step, params, ROWS[:n], TARGETS[:n]), dynamic(fn, params, ROWS[:n], TARGETS[:n]))
        w.data += 0.0625


def test_a_numpy_batch_of_a_new_size_is_checked_too():
    np = pytest.importorskip("numpy")
    w, b = Value(0.3), Value(-0.7)
    fn, params = mean_for_big_batches(w, b), [w, b]
    step = compile(fn, params, backend="numpy")
    step(ROWS[:3], TARGETS[:3])
    for n in (2, 6, 3, 8):
        expected = dynamic(fn, params, ROWS[:n], TARGETS[:n])
        assert_close(compiled(step, params, np.array(ROWS[:n]), np.array(TARGETS[:n])), expected)
    model = nn.MLP(2, [3, 1], seed=0)
    opt = nn.SGD(model.parameters(), lr=0.1)
    twin = nn.MLP(2, [3, 1], seed=0)
    opt_twin = nn.SGD(twin.parameters(), lr=0.1)

    def loss_of(m):
        return lambda rows, targets: (lambda total: total / len(rows) if len(rows) >= 4 else total)(
            sum((m(x) - y) ** 2 for x, y in zip(rows, targets)))
    step = compile(loss_of(model), model.parameters(), backend="numpy")
    with step.training(opt) as train:
        for n in (3, 2, 5, 3, 7):
            train(np.array(ROWS[:n]), np.array(TARGETS[:n]))
            opt_twin.zero_grad()
            loss_of(twin)(ROWS[:n], TARGETS[:n]).backward()
            opt_twin.step()
    for p, q in zip(model.parameters(), twin.parameters()):
        assert p.data == pytest.approx(q.data, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("backend", ALL)
def test_a_forward_pass_that_branches_on_the_batch_size(backend):
    w = Value(0.5)

    def fn(rows, targets):
        scale = 2.0 if len(rows) > 3 else 1.0
        return [w * x[0] * scale + x[1] for x in rows]
    forward = compile(fn, [w], backward=False, backend=backend)
    for n in (2, 3, 5, 2, 8):
        got = forward(ROWS[:n])
        got = got.tolist() if hasattr(got, "tolist") else got
        assert got == pytest.approx([v.data for v in fn([[Value(x) for x in r] for r in ROWS[:n]], None)],
                                    rel=1e-12, abs=1e-12)
