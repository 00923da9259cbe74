"""clip_grad_norm_ inside a compiled training block (NumPy: gradients kept as arrays) reads
the gradients of the block's latest step, as the dynamic engine computes them."""
import pytest

from autograd import compile
from nn import MLP, SGD, clip_grad_norm_, losses

np = pytest.importorskip("numpy")


def test_clip_grad_norm_inside_a_block_sees_its_latest_gradients():
    X = [[0.5, -1.0, 0.2], [-0.3, 0.8, 0.1], [1.0, 0.2, -0.7], [-0.9, -0.4, 0.3]]
    y = [0, 1, 1, 0]
    model = MLP(3, [4, 2], seed=0)
    step = compile(lambda xb, yb: losses.cross_entropy([model(list(x)) for x in xb], list(yb)),
                   model.parameters(), backend="numpy")
    with step.training(SGD(model.parameters(), lr=0.1)) as train:
        train(np.array(X), np.array(y))
        norm = clip_grad_norm_(model.parameters(), max_norm=1e9)  # as logged after a step

    reference = MLP(3, [4, 2], seed=0)  # the same step's gradients, by the dynamic engine
    losses.cross_entropy([reference(x) for x in X], y).backward()
    expected = sum(p.grad ** 2 for p in reference.parameters()) ** 0.5
    assert expected > 0
    assert norm == pytest.approx(expected, rel=1e-12)
