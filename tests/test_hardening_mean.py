"""A loss's mean over a batch is sum / n, rounded once as Python's `s / n` and PyTorch's mean;
`sum * (1 / n)` rounded twice and differed in the last bit for about a third of sums."""
import random

import pytest

import autograd
from autograd import Value
from nn import MLP, cross_entropy, hinge_loss, mse_loss


def _rows(n, seed):
    rng = random.Random(seed)
    return [rng.uniform(-3.0, 3.0) for _ in range(n)], [rng.uniform(-3.0, 3.0) for _ in range(n)]


@pytest.mark.parametrize("n", [3, 5, 7, 10, 11, 49])
def test_mse_mean_is_the_sum_divided_once(n):
    for seed in range(40):
        xs, ts = _rows(n, seed)
        total = 0.0
        for x, t in zip(xs, ts):  # the loss adds its terms in this order
            total += (x - t) * (x - t)
        assert mse_loss([Value(x) for x in xs], ts, reduction="sum").data == total
        assert mse_loss([Value(x) for x in xs], ts).data == total / n


def test_mean_gradient_is_one_over_n_per_term():
    xs = [Value(float(i)) for i in range(7)]
    hinge_loss(xs, [-1] * 7).backward()
    assert all(x.grad == 1.0 / 7 for x in xs)


def test_compiled_mean_equals_the_engine():
    model = MLP(2, [4, 3], seed=0)
    rng = random.Random(1)
    xb = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(7)]
    yb = [rng.randrange(3) for _ in range(7)]

    def loss(xb, yb):
        return cross_entropy([model(x) for x in xb], yb)

    model.zero_grad()
    expected = loss(xb, yb)
    expected.backward()
    grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    step = autograd.compile(loss, model.parameters())
    assert step(xb, yb) == expected.data
    # (the compiled chain rule may add a weight's terms in another order: the last bit)
    assert [p.grad for p in model.parameters()] == pytest.approx(grads, rel=1e-12, abs=1e-15)
    model.zero_grad()
    assert step(xb[:5], yb[:5]) == loss(xb[:5], yb[:5]).data  # another batch size, not traced
