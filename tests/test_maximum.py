"""`max`: the op and `Value.maximum`, nn's running maximum built on it, against PyTorch."""
import math
import random

import pytest

from autograd import Value, grad
from nn import cross_entropy, log_softmax, softmax

INF, NAN = math.inf, math.nan


def _vals(*xs):
    return [Value(x) for x in xs]


# ----- the op ------------------------------------------------------------------------------
@pytest.mark.parametrize("a, b", [(1.0, 2.0), (2.0, 1.0), (-INF, 0.0), (1e300, INF), (-0.5, -1e-300)])
def test_maximum_forwards_the_larger_input_and_sends_it_the_gradient(a, b):
    x, y = _vals(a, b)
    m = x.maximum(y)
    m.backward()
    assert m.data == max(a, b)
    assert (x.grad, y.grad) == ((1.0, 0.0) if a > b else (0.0, 1.0))


def test_at_a_tie_the_first_input_takes_the_gradient():
    for t in (0.0, -3.5, INF, -INF):
        x, y = _vals(t, t)
        x.maximum(y).backward()
        assert (x.grad, y.grad) == (1.0, 0.0)
    x = Value(2.0)
    x.maximum(x).backward()  # the same Value twice: 1 + 0
    assert x.grad == 1.0


@pytest.mark.parametrize("a, b", [(NAN, 1.0), (1.0, NAN), (NAN, NAN), (NAN, INF)])
def test_nan_propagates_as_torch_maximum(a, b):
    x, y = _vals(a, b)
    m = x.maximum(y)
    m.backward()
    assert math.isnan(m.data) and math.isnan(x.grad) and math.isnan(y.grad)


def test_maximum_takes_numbers_and_refuses_anything_else():
    x = Value(-1.0)
    assert x.maximum(0).data == 0.0 and x.maximum(-2.5).data == -1.0
    for bad in ("1", None, [1.0]):
        with pytest.raises(TypeError, match=r"Value\.maximum: other"):
            x.maximum(bad)


def test_maximum_is_differentiable_twice():
    x, y = _vals(3.0, 1.0)
    (g,) = grad(x.maximum(y) * x, [x], create_graph=True)  # d/dx (x * x) = 2x where x > y
    assert g.data == 6.0 and grad(g, [x])[0] == 2.0


# ----- nn's shift by the maximum: the cases a relu-built maximum got wrong -------------------
CASES = [  # (logits, target, loss, d loss / d logits), as PyTorch float64 gives them
    ([-1e19, 710.0], 1, 0.0, [0.0, 0.0]),
    ([-1e300, 1e5], 0, 1e300, [-1.0, 1.0]),
    ([-1e300, -3.7e18], 1, 0.0, [0.0, 0.0]),
]


@pytest.mark.parametrize("logits, target, loss, grads", CASES)
def test_cross_entropy_when_magnitudes_differ_widely(logits, target, loss, grads):
    xs = _vals(*logits)
    out = cross_entropy(xs, target)
    out.backward()
    assert out.data == loss and [x.grad for x in xs] == grads
    assert [p.data for p in softmax(_vals(*logits))] == [0.0, 1.0]


def test_minus_infinity_masks_a_class():
    xs = _vals(-INF, 0.0, 1.0)
    out = cross_entropy(xs, 1)
    out.backward()
    p = 1.0 / (1.0 + math.e)  # softmax of (0, 1): its first probability
    assert out.data == pytest.approx(-math.log(p), rel=1e-15)
    assert [x.grad for x in xs] == pytest.approx([0.0, p - 1.0, 1.0 - p], rel=1e-15)
    assert [q.data for q in log_softmax(_vals(-INF, 0.0))] == [-INF, 0.0]


# ----- against PyTorch: the cases above and random logits over the whole float range ---------
def _random_logits(rng):
    n = rng.choice([1, 2, 3, 5])
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.1:
            out.append(rng.choice([INF, -INF]) if rng.random() < 0.5 else -INF)
        elif kind < 0.25 and out:
            out.append(rng.choice(out))  # a tie
        else:
            out.append(rng.choice([-1.0, 1.0]) * 10.0 ** rng.uniform(-300, 308))
    return out


def _torch_cases():
    rng = random.Random(7)
    cases = [(logits, t) for logits, t, _, _ in CASES] + [([-INF, 0.0, 1.0], 1), ([2.0, 2.0, 1.0], 0), ([5.0], 0)]
    for _ in range(200):
        logits = _random_logits(rng)
        cases.append((logits, rng.randrange(len(logits))))
    return cases


def _close(ours, theirs):
    # gradients are at most a few in size: what rounding leaves near 0 counts against that
    scale = max([1.0] + [abs(t) for t in theirs if math.isfinite(t)]) if isinstance(theirs, list) else 0.0
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15 * scale, nan_ok=True), (ours, theirs)


@pytest.mark.parametrize("logits, target", _torch_cases())
def test_cross_entropy_softmax_log_softmax_match_torch(logits, target):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    weights = [0.5 + k for k in range(len(logits))]  # a weighted sum: every output matters

    def theirs(f):
        t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        out = f(t)
        out.backward()
        return out.item(), t.grad.tolist()

    def ours(f):
        xs = _vals(*logits)
        out = f(xs)
        out.backward()
        return out.data, [x.grad for x in xs]

    w = torch.tensor(weights, dtype=torch.float64)
    for mine, torch_f in [
        (lambda xs: cross_entropy(xs, target), lambda t: F.cross_entropy(t[None], torch.tensor([target]))),
        (lambda xs: sum(wk * p for wk, p in zip(weights, softmax(xs))), lambda t: (w * t.softmax(0)).sum()),
        (lambda xs: sum(wk * p for wk, p in zip(weights, log_softmax(xs))), lambda t: (w * t.log_softmax(0)).sum()),
    ]:
        (loss, grads), (want, want_grads) = ours(mine), theirs(torch_f)
        _close(loss, want)
        _close(grads, want_grads)
